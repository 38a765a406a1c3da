"""Contest entries in the originality check: a submitted entry is checked like a reflection,
a changed resubmission replaces its document, and its report is for the contest's organisers
(and its author, without the sources' identities), never for a judge of the contest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from huodong.contests import services as contests
from huodong.contests.models import Contest
from huodong.orgs.models import Person, Role
from huodong.originality import index_cache
from huodong.originality.models import DocumentKind, OriginalityDocument, OriginalityReport
from huodong.originality.tests.service_helpers import IMMEDIATE, chinese, submit

pytestmark = pytest.mark.django_db

A = chinese(11, 500)
B = chinese(12, 300)


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    settings.TASKS = IMMEDIATE
    settings.LANGUAGE_CODE = "en"
    index_cache.reset()
    yield
    index_cache.reset()


@pytest.fixture
def contest(org, campaign) -> Contest:
    contest = contests.contest_create(
        actor=org.director,
        office=campaign.office,
        campaign=campaign,
        title="主题征文",
        theme="高质量发展",
        opens_on=dt.date(2018, 6, 1),
        closes_on=dt.date(2018, 6, 30),
        judges_per_entry=1,
        allows_public=True,
    )
    contests.criterion_add(actor=org.director, contest=contest, name="思想性", max_score=100)
    contests.judge_add(
        actor=org.director, contest=contest, person=Person.objects.get(user=org.secretary)
    )
    return contests.contest_open(actor=org.director, contest=contest)


def enter(user, contest, title: str, body: str, capture):
    with capture(execute=True):
        return contests.entry_save(actor=user, contest=contest, title=title, body=body, submit=True)


def test_a_submitted_entry_is_checked(org, campaign, contest, django_capture_on_commit_callbacks):
    original = enter(org.staff, contest, "原创", A, django_capture_on_commit_callbacks)
    copy = enter(org.colleague, contest, "抄袭", A[:250] + B, django_capture_on_commit_callbacks)
    document = OriginalityDocument.objects.get(contest_entry=copy)
    assert document.kind == DocumentKind.CONTEST_ENTRY
    assert (document.office_id, document.campaign_id) == (campaign.office_id, campaign.pk)
    assert document.author == Person.objects.get(user=org.colleague)
    assert document.text == f"抄袭\n{A[:250] + B}"
    report = OriginalityReport.objects.get(document=document)
    assert report.ratio > 0.3 and report.flagged
    assert report.sources.get().source.contest_entry == original


def test_a_changed_resubmission_replaces_the_document(
    org, contest, django_capture_on_commit_callbacks
):
    entry = enter(org.staff, contest, "原创", A, django_capture_on_commit_callbacks)
    first = OriginalityDocument.objects.get(contest_entry=entry)
    contests.entry_withdraw(actor=org.staff, entry=entry)
    same = enter(org.staff, contest, "原创", A, django_capture_on_commit_callbacks)
    assert OriginalityDocument.objects.get(contest_entry=same).pk == first.pk
    contests.entry_withdraw(actor=org.staff, entry=entry)
    enter(org.staff, contest, "改过的", B, django_capture_on_commit_callbacks)
    current = OriginalityDocument.objects.get(contest_entry=entry)
    assert current.pk != first.pk and current.text == f"改过的\n{B}"
    assert not OriginalityDocument.objects.filter(pk=first.pk).exists()
    assert OriginalityReport.objects.filter(document=current).exists()


def test_a_public_entry_is_checked_without_an_author(contest, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = contests.public_entry_submit(
            contest=contest,
            token=contests.public_entry_token_new(),
            name="上官紫鸢",
            organisation="某协会",
            contact="x@example.org",
            title="市民征文",
            body=A,
        )
    document = OriginalityDocument.objects.get(contest_entry=sent.entry)
    assert document.author is None
    assert OriginalityReport.objects.filter(document=document).exists()


@pytest.fixture
def reports(org, contest, django_capture_on_commit_callbacks):
    enter(org.colleague, contest, "李四的征文标题", A, django_capture_on_commit_callbacks)
    copy = enter(org.staff, contest, "抄袭", A[:250] + B, django_capture_on_commit_callbacks)
    return OriginalityDocument.objects.get(contest_entry=copy)


@pytest.mark.parametrize(
    ("who", "status", "identified"),
    [
        ("director", 200, True),
        ("staff", 200, False),  # the author: the report, not who the sources are
        ("secretary", 404, False),  # a judge of the contest (and the author's secretary)
        ("colleague", 404, False),
        ("unit_head", 404, False),
        ("outsider_staff", 404, False),
    ],
)
def test_who_sees_an_entrys_report(client, org, reports, who, status, identified):
    client.force_login(getattr(org, who))
    response = client.get(reverse("originality:report", args=[reports.pk]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert ("李四的征文标题" in page) == identified
        assert ("李四" in page) == identified


def test_a_judge_who_is_office_staff_still_may_not_see_it(client, org, contest, reports):
    staff_judge = org.unit_head
    Person.objects.get(user=staff_judge).roles.create(role=Role.OFFICE_STAFF)
    contests.judge_add(
        actor=org.director, contest=contest, person=Person.objects.get(user=staff_judge)
    )
    client.force_login(staff_judge)
    assert client.get(reverse("originality:report", args=[reports.pk])).status_code == 404
    response = client.post(reverse("originality:check_again", args=[reports.pk]))
    assert response.status_code == 404


def test_a_judge_reviewing_a_reflection_is_not_told_whose_entry_it_copies(
    client, org, campaign, contest, reports, django_capture_on_commit_callbacks
):
    """The secretary judges the contest and reviews the staff's reflections: a reflection that
    copies an entry must not give the entry's title (and so its author) away."""
    with django_capture_on_commit_callbacks(execute=True):
        reflection = submit(org.staff, campaign, "心得", A[:300] + chinese(13, 200))
    document = OriginalityDocument.objects.get(reflection=reflection)
    client.force_login(org.secretary)
    page = client.get(reverse("originality:report", args=[document.pk])).content.decode()
    assert "李四的征文标题" not in page and "Overlaps with a text someone else submitted" in page
    client.force_login(org.director)
    page = client.get(reverse("originality:report", args=[document.pk])).content.decode()
    assert "李四的征文标题" in page
