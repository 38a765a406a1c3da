"""The .xlsx exports of the meetings list, the online activities and an activity's
participations, and the audit of the enterprise problems' export."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import openpyxl
import pytest
from django.urls import reverse

from huodong.core.models import AuditRecord
from huodong.engagement import services
from huodong.engagement.models import MeetingKind
from huodong.engagement.views.common import PAGE_SIZE
from huodong.orgs.tests.test_list_exports import (  # noqa: F401  (_language_restored)
    HEADER,
    _language_restored,
    assert_flat_queries,
    assert_refused,
    data_rows,
    export_rows,
    last_audit,
    logged_in,
)

pytestmark = pytest.mark.django_db


def url(name, campaign, **query):
    base = reverse(f"engagement:{name}", args=[campaign.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_meetings_export_is_the_filtered_list(campaign, org, make_meeting, pinned, client):
    for index in range(3):
        make_meeting(title=f"座谈会{index}")
    make_meeting(title="专题研讨", kind=MeetingKind.values[-1])
    client = logged_in(client, org.staff)
    rows = export_rows(client.get(url("meetings_export", campaign)))
    assert rows[HEADER][:2] == ("Starts at", "Meeting")
    assert len(rows) - HEADER - 1 == 4
    seminars = data_rows(client.get(url("meetings_export", campaign, kind=MeetingKind.SEMINAR)))
    assert sorted(row[1] for row in seminars) == ["座谈会0", "座谈会1", "座谈会2"]
    assert last_audit("engagement.export_meetings").changes["filters"] == {
        "kind": MeetingKind.SEMINAR
    }
    page = client.get(url("meetings", campaign, kind=MeetingKind.SEMINAR)).content.decode()
    assert url("meetings_export", campaign, kind=MeetingKind.SEMINAR) in page


def test_meetings_export_refused_like_the_page(campaign, org, client):
    client = logged_in(client, org.stranger)
    assert_refused(client, url("meetings", campaign), url("meetings_export", campaign))
    assert not AuditRecord.objects.filter(action="engagement.export_meetings").exists()


def test_meetings_export_keeps_its_query_count(
    campaign, org, make_meeting, pinned, client, django_assert_max_num_queries
):
    make_meeting()

    def grow():
        for index in range(12):
            make_meeting(title=f"会议{index}")

    client = logged_in(client, org.director)
    assert_flat_queries(
        client, url("meetings_export", campaign), grow, django_assert_max_num_queries
    )


def test_the_problems_export_is_audited(campaign, org, client):
    client = logged_in(client, org.director)
    response = client.get(url("problems_export", campaign, status="open"))
    assert response.status_code == 200
    record = last_audit("engagement.export_problems")
    assert record.changes["filters"] == {"status": "open"}


# --- Online activities ------------------------------------------------------------------------

DAY = dt.date(2018, 6, 15)
_LINKS = itertools.count(1)


def _activity(campaign, org, title="高质量发展之我见", **kwargs):
    kwargs.setdefault("starts_on", dt.date(2018, 6, 1))
    return services.online_activity_create(
        actor=org.director, campaign=campaign, title=title, collects_ideas=True, **kwargs
    )


def _take_part(activity, user, text="建议推广容缺受理。", day=DAY):
    return services.online_participation_record(
        actor=user,
        activity=activity,
        date=day,
        evidence_url=f"https://x.cn/{next(_LINKS)}",
        text=text,
    )


def test_the_activities_export_is_the_list_as_the_user_sees_it(campaign, org, pinned, client):
    first = _activity(campaign, org)
    _activity(campaign, org, "网上大家谈", starts_on=dt.date(2018, 6, 10))
    _take_part(first, org.invited)
    _take_part(first, org.staff)

    client = logged_in(client, org.invited)
    rows = export_rows(client.get(url("activities_export", campaign)))
    assert rows[HEADER] == ("Activity", "Link", "From", "Until", "Collects ideas", "Mine")
    assert [(row[0], row[-1]) for row in rows[HEADER + 1 :]] == [
        ("高质量发展之我见", 1),
        ("网上大家谈", 0),
    ]
    page = client.get(url("activities", campaign)).content.decode()
    assert url("activities_export", campaign) in page

    client = logged_in(client, org.leader)
    rows = export_rows(client.get(url("activities_export", campaign)))
    assert rows[HEADER][-2:] == ("Participations", "People")
    assert rows[HEADER + 1][-3:] == (0, 2, 2)
    assert last_audit("engagement.export_activities").changes["rows"] == 2


def test_the_activities_export_is_refused_like_the_page(campaign, org, pinned, client):
    _activity(campaign, org)
    client = logged_in(client, org.stranger)
    assert_refused(client, url("activities", campaign), url("activities_export", campaign))
    assert not AuditRecord.objects.filter(action="engagement.export_activities").exists()


def test_the_participations_export_is_the_filtered_list_across_pages(campaign, org, pinned, client):
    activity = _activity(campaign, org)
    for index in range(PAGE_SIZE + 3):  # more than a page from 业务处
        _take_part(activity, org.invited, f"献策{index:02d}", DAY - dt.timedelta(days=index % 10))
    _take_part(activity, org.staff, "市场处的意见")
    client = logged_in(client, org.director)
    activity_url = reverse("engagement:activity", args=[activity.pk])
    export_url = reverse("engagement:participations_export", args=[activity.pk])

    query = f"?unit={org.business.pk}&page=2"
    response = client.get(export_url + query)
    body = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    rows = [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[HEADER][:4] == ("Date", "Name", "Unit", "Link")
    data = rows[HEADER + 1 :]
    assert len(data) == PAGE_SIZE + 3
    assert {row[1:3] for row in data} == {("张三", "业务处")}
    assert "市场处的意见" not in [row[5] for row in data]
    by_unit = [tuple(row) for row in book.worksheets[1].iter_rows(values_only=True)]
    assert by_unit[HEADER] == ("Unit", "Participations", "People")
    assert ("业务处", PAGE_SIZE + 3, 1) in by_unit and ("市场处", 1, 1) in by_unit
    record = last_audit("engagement.export_participations")
    assert record.changes["filters"] == {"unit": str(org.business.pk)}
    assert record.changes["rows"] == PAGE_SIZE + 3
    page = client.get(activity_url + query).content.decode()
    assert export_url + f"?unit={org.business.pk}" in page


@pytest.mark.parametrize("who", ["stranger", "invited", "head"])
def test_the_participations_export_is_refused_to_who_does_not_see_everyone(
    campaign, org, pinned, client, who
):
    activity = _activity(campaign, org)
    _take_part(activity, org.invited)
    client = logged_in(client, getattr(org, who))
    activity_url = reverse("engagement:activity", args=[activity.pk])
    export_url = reverse("engagement:participations_export", args=[activity.pk])
    page = client.get(activity_url)
    export = client.get(export_url)
    assert export.status_code == 404
    assert "attachment" not in export.get("Content-Disposition", "")
    if who == "stranger":
        assert page.status_code == 404
    else:  # the page shows them their own participations only, never everyone's
        assert page.status_code == 200 and 'id="everyone"' not in page.content.decode()
    assert not AuditRecord.objects.filter(action="engagement.export_participations").exists()


def test_the_online_exports_keep_their_query_counts(
    campaign, org, pinned, client, django_assert_max_num_queries
):
    activity = _activity(campaign, org)
    _take_part(activity, org.invited)

    def grow():
        for index in range(12):
            _activity(campaign, org, f"活动{index}")
            _take_part(activity, org.staff, f"意见{index}", DAY - dt.timedelta(days=index))

    client = logged_in(client, org.director)
    export_url = reverse("engagement:participations_export", args=[activity.pk])
    assert_flat_queries(
        client, url("activities_export", campaign), grow, django_assert_max_num_queries
    )

    def grow_participations():
        for index in range(12):
            _take_part(activity, org.head, f"更多{index}", DAY - dt.timedelta(days=index))

    assert_flat_queries(client, export_url, grow_participations, django_assert_max_num_queries)
