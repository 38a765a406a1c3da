"""Online activities: the office sets them up; staff record their own participations with a
link or a screenshot; the office sends ideas to the pool, once; counts per unit."""

from __future__ import annotations

import datetime as dt

import pytest

from huodong.engagement import services
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.models import OnlineActivity, OnlineParticipation
from huodong.engagement.selectors import unit_counts
from huodong.engagement.tests.conftest import Org, exe, pdf, png
from huodong.suggestions.models import Suggestion, SuggestionSource

pytestmark = pytest.mark.django_db

DAY = dt.date(2018, 6, 15)


@pytest.fixture
def activity(campaign, org, pinned):
    return services.online_activity_create(
        actor=org.director,
        campaign=campaign,
        title="我为高质量发展献一策",
        url="https://www.example.gov.cn/xianyice",
        starts_on=dt.date(2018, 6, 1),
        ends_on=dt.date(2018, 7, 30),
        collects_ideas=True,
    )


def test_only_the_office_sets_up_activities(campaign, org):
    with pytest.raises(NotAllowed):
        services.online_activity_create(actor=org.head, campaign=campaign, title="解放思想大家谈")
    with pytest.raises(Refused) as refused:
        services.online_activity_create(
            actor=org.director, campaign=campaign, title="x", url="javascript:alert(1)"
        )
    assert refused.value.code == "bad_url"
    assert not OnlineActivity.objects.exists()


def test_a_participation_with_a_link_or_a_screenshot(activity, org):
    by_link = services.online_participation_record(
        actor=org.invited,
        activity=activity,
        date=DAY,
        evidence_url="https://bbs.example.cn/t/123",
        text="建议推行“不见面审批”全流程网办。",
    )
    by_picture = services.online_participation_record(
        actor=org.staff, activity=activity, date=DAY, screenshot=png()
    )
    assert by_link.unit == Org.person(org.invited).unit
    assert by_picture.screenshot_type == "image/png" and by_picture.screenshot.name
    assert OnlineParticipation.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "evidence_required"),
        ({"evidence_url": "ftp://example.cn/x"}, "bad_url"),
        ({"screenshot": "pdf"}, "screenshot_not_image"),
        ({"screenshot": "exe"}, "file_type"),
        ({"evidence_url": "https://x.cn", "date": dt.date(2018, 5, 20)}, "date_outside_activity"),
        ({"evidence_url": "https://x.cn", "date": dt.date(2018, 6, 25)}, "date_in_future"),
    ],
)
def test_bad_evidence_is_refused(activity, org, fields, code):
    fields = dict(fields)
    upload = {"pdf": pdf, "exe": exe}.get(fields.pop("screenshot", ""))
    if upload is not None:
        fields["screenshot"] = upload()
    fields.setdefault("date", DAY)
    with pytest.raises(Refused) as refused:
        services.online_participation_record(actor=org.invited, activity=activity, **fields)
    assert refused.value.code == code
    assert not OnlineParticipation.objects.exists()


def test_the_same_link_twice_is_one_participation(activity, org):
    services.online_participation_record(
        actor=org.invited, activity=activity, date=DAY, evidence_url="https://x.cn/1"
    )
    with pytest.raises(Refused) as refused:
        services.online_participation_record(
            actor=org.invited, activity=activity, date=DAY, evidence_url="https://x.cn/1"
        )
    assert refused.value.code == "duplicate_link"
    assert OnlineParticipation.objects.count() == 1


def test_ideas_go_to_the_pool_once(activity, org):
    row = services.online_participation_record(
        actor=org.invited, activity=activity, date=DAY, evidence_url="https://x.cn/1", text="献策"
    )
    with pytest.raises(NotAllowed):
        services.online_participation_to_pool(actor=org.head, participation=row)
    first = services.online_participation_to_pool(actor=org.director, participation=row)
    second = services.online_participation_to_pool(actor=org.director, participation=row)
    assert first.pk == second.pk
    assert first.source == SuggestionSource.ONLINE
    assert first.submitter == Org.person(org.invited)
    assert Suggestion.objects.count() == 1
    # In the pool, it is the office's to delete now.
    with pytest.raises(Refused) as refused:
        services.online_participation_delete(actor=org.invited, participation=row)
    assert refused.value.code == "in_pool"
    services.online_participation_delete(actor=org.director, participation=row)
    assert not OnlineParticipation.objects.exists()


def test_an_activity_without_ideas_or_a_text_sends_nothing(campaign, org, activity):
    plain = services.online_activity_create(
        actor=org.director, campaign=campaign, title="解放思想大家谈"
    )
    row = services.online_participation_record(
        actor=org.invited, activity=plain, date=DAY, evidence_url="https://x.cn/1", text="发言"
    )
    with pytest.raises(Refused) as refused:
        services.online_participation_to_pool(actor=org.director, participation=row)
    assert refused.value.code == "not_collecting"
    empty = services.online_participation_record(
        actor=org.invited, activity=activity, date=DAY, evidence_url="https://x.cn/2"
    )
    with pytest.raises(Refused) as refused:
        services.online_participation_to_pool(actor=org.director, participation=empty)
    assert refused.value.code == "empty_text"
    assert not Suggestion.objects.exists()


def test_one_deletes_one_s_own_only(activity, org, django_capture_on_commit_callbacks):
    row = services.online_participation_record(
        actor=org.invited, activity=activity, date=DAY, screenshot=png()
    )
    with pytest.raises(NotAllowed):
        services.online_participation_delete(actor=org.staff, participation=row)
    stored = row.screenshot.name
    with django_capture_on_commit_callbacks(execute=True):
        services.online_participation_delete(actor=org.invited, participation=row)
    assert not OnlineParticipation.objects.exists()
    assert not row.screenshot.storage.exists(stored)


def test_counts_per_unit(activity, org):
    for user, link in (
        (org.invited, "https://x.cn/1"),
        (org.invited, "https://x.cn/2"),
        (org.head, "https://x.cn/3"),
        (org.staff, "https://x.cn/4"),
    ):
        services.online_participation_record(
            actor=user, activity=activity, date=DAY, evidence_url=link
        )
    counts = {c.unit.name: (c.participations, c.people) for c in unit_counts(activity)}
    assert counts == {"业务处": (3, 2), "市场处": (1, 1)}
