"""The 督查 lists' .xlsx exports: the rows each page shows (its filters, every page), scoped
like the page, refused like the page, in a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huodong.inspections.models import (
    AccountabilityEntry,
    AccountabilityMeasure,
    Inspection,
    InspectionRating,
    Notice,
    NoticeStatus,
    OrderStatus,
    RectificationOrder,
)
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


def url(name, cast, **query):
    base = reverse(f"inspections:{name}", args=[cast.campaign.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def inspections(cast, unit, n, *, findings="进度滞后"):
    Inspection.objects.bulk_create(
        Inspection(
            campaign=cast.campaign,
            unit=unit,
            inspected_on=dt.date(2018, 6, 1) + dt.timedelta(days=i % 19),
            findings=f"{findings}{i}",
            rating=InspectionRating.values[0],
            inspector=cast.inspector,
        )
        for i in range(n)
    )


def orders(cast, unit, n, *, status=OrderStatus.values[0]):
    RectificationOrder.objects.bulk_create(
        RectificationOrder(
            campaign=cast.campaign,
            unit=unit,
            problem=f"问题{i}",
            measures_required="整改",
            deadline=dt.date(2018, 6, 10),
            status=status,
        )
        for i in range(n)
    )


def test_inspections_export_is_scoped_and_filtered(cast, client):
    inspections(cast, cast.unit, 35)  # more than a page of 30
    inspections(cast, cast.other_unit, 3, findings="别处")
    director = logged_in(client, cast.director)
    rows = export_rows(director.get(url("inspection_export", cast, page=2)))
    assert rows[HEADER] == ("Date", "Inspected", "Rating", "Findings", "Inspector")
    assert len(rows) - HEADER - 1 == 38
    assert isinstance(rows[HEADER + 1][0], dt.datetime)
    assert rows[HEADER + 1][4] == cast.inspector.person.name
    filtered = data_rows(director.get(url("inspection_export", cast, unit=cast.other_unit.pk)))
    assert len(filtered) == 3 and all(row[1] == "业务处" for row in filtered)
    assert last_audit("inspections.export_inspections").changes["filters"] == {
        "unit": str(cast.other_unit.pk)
    }
    # The unit head sees their unit's inspections only, as on the page.
    head = logged_in(client, cast.head)
    own = data_rows(head.get(url("inspection_export", cast)))
    assert len(own) == 35 and {row[1] for row in own} == {"综合处"}
    page = head.get(url("inspections", cast, unit=cast.unit.pk)).content.decode()
    assert url("inspection_export", cast, unit=cast.unit.pk).replace("&", "&amp;") in page


def test_inspections_export_refused_like_the_page(cast, client):
    assert_refused(
        logged_in(client, cast.outsider), url("inspections", cast), url("inspection_export", cast)
    )
    assert_refused(
        logged_in(client, cast.plain), url("inspections", cast), url("inspection_export", cast)
    )


def test_notices_export_shows_drafts_to_the_office_only(cast, client):
    published = Notice.objects.create(
        campaign=cast.campaign,
        office=cast.campaign.office,
        period_start=dt.date(2018, 6, 1),
        period_end=dt.date(2018, 6, 15),
        title="关于任务进展情况的通报",
        doc_number="宿政管督〔2018〕1号",
        status=NoticeStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    published.units.add(cast.unit)
    Notice.objects.create(
        campaign=cast.campaign,
        office=cast.campaign.office,
        period_start=dt.date(2018, 6, 1),
        period_end=dt.date(2018, 6, 15),
        title="草稿",
    )
    rows = export_rows(logged_in(client, cast.director).get(url("notice_export", cast)))
    assert rows[HEADER][:2] == ("Document number", "Title")
    assert {row[1] for row in rows[HEADER + 1 :]} == {"关于任务进展情况的通报", "草稿"}
    head_rows = data_rows(logged_in(client, cast.head).get(url("notice_export", cast)))
    assert [(row[1], row[4]) for row in head_rows] == [("关于任务进展情况的通报", "综合处")]
    assert data_rows(logged_in(client, cast.other_head).get(url("notice_export", cast))) == []
    assert_refused(
        logged_in(client, cast.outsider), url("notices", cast), url("notice_export", cast)
    )


def test_orders_export_filters_and_scopes(cast, client):
    orders(cast, cast.unit, 32)
    orders(cast, cast.other_unit, 2, status=OrderStatus.CLOSED)
    director = logged_in(client, cast.director)
    rows = export_rows(director.get(url("order_export", cast)))
    assert rows[HEADER][:2] == ("Unit", "Problem")
    assert len(rows) - HEADER - 1 == 34
    overdue = rows[HEADER].index("Overdue")
    assert {row[overdue] for row in rows[HEADER + 1 :] if row[0] == "综合处"} == {"Yes"}
    closed = data_rows(director.get(url("order_export", cast, status=OrderStatus.CLOSED)))
    assert [row[0] for row in closed] == ["业务处", "业务处"]
    head = data_rows(logged_in(client, cast.head).get(url("order_export", cast)))
    assert len(head) == 32 and {row[0] for row in head} == {"综合处"}
    assert_refused(logged_in(client, cast.plain), url("orders", cast), url("order_export", cast))


def test_accountability_ledger_export_for_the_leading_group_only(cast, client):
    AccountabilityEntry.objects.create(
        campaign=cast.campaign,
        unit=cast.unit,
        reason="任务逾期",
        measure=AccountabilityMeasure.REMINDER_TALK,
        decided_by="领导小组",
        decided_on=dt.date(2018, 6, 18),
    )
    for user in (cast.group_leader, cast.seat_staff):
        rows = export_rows(logged_in(client, user).get(url("ledger_export", cast)))
        assert rows[HEADER][:2] == ("Date", "Unit")
        assert rows[HEADER + 1][1:4] == ("综合处", None, "任务逾期")
    for user in (cast.director, cast.head, cast.plain, cast.leader, cast.outsider):
        client = logged_in(client, user)
        assert_refused(client, url("ledger", cast), url("ledger_export", cast))
        assert client.get(url("ledger_export", cast)).status_code == 404


@pytest.mark.parametrize(
    ("name", "grow"),
    [
        ("inspection_export", lambda cast: inspections(cast, cast.unit, 60)),
        ("order_export", lambda cast: orders(cast, cast.unit, 60)),
    ],
)
def test_exports_keep_their_query_count(cast, client, django_assert_max_num_queries, name, grow):
    inspections(cast, cast.unit, 3)
    orders(cast, cast.unit, 3)
    client = logged_in(client, cast.director)
    assert_flat_queries(client, url(name, cast), lambda: grow(cast), django_assert_max_num_queries)


def test_notices_export_keeps_its_query_count(cast, client, django_assert_max_num_queries):
    def grow(n=20):
        for i in range(n):
            notice = Notice.objects.create(
                campaign=cast.campaign,
                office=cast.campaign.office,
                period_start=dt.date(2018, 6, 1),
                period_end=dt.date(2018, 6, 15),
                title=f"通报{i}",
            )
            notice.units.add(cast.unit, cast.other_unit)

    grow(1)  # a prefetch runs once there is a row
    client = logged_in(client, cast.director)
    assert_flat_queries(client, url("notice_export", cast), grow, django_assert_max_num_queries)
