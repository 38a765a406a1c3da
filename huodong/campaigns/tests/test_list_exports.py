import datetime as dt
import re

import pytest
from django.urls import reverse

from huodong.campaigns.models import Campaign, Task, TaskUnit, TaskUnitRole
from huodong.campaigns.tests.conftest import grow_campaign
from huodong.orgs.models import Role, Unit
from huodong.orgs.tests.test_list_exports import (  # noqa: F401  (_language_restored)
    HEADER,
    _language_restored,
    assert_flat_queries,
    data_rows,
    export_rows,
    last_audit,
    logged_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_day(settings):
    settings.HUODONG_TODAY = "2018-06-20"


@pytest.fixture
def campaign(office):
    campaign = Campaign.objects.create(
        office=office, title="解放思想大讨论", start=dt.date(2018, 5, 1), end=dt.date(2018, 12, 31)
    )
    grow_campaign(campaign, total_tasks=60)  # more than a page of 50
    return campaign


def test_campaign_list_export_has_the_users_campaigns(
    office, other_office, campaign, make_member, client
):
    Campaign.objects.create(office=other_office, title="别人的活动")
    client = logged_in(client, make_member(office))
    rows = export_rows(client.get(reverse("campaigns:list_export")))
    assert rows[HEADER] == ("Title", "Document number", "Start", "End", "Office")
    assert rows[HEADER + 1 :] == [
        ("解放思想大讨论", None, dt.datetime(2018, 5, 1), dt.datetime(2018, 12, 31), office.name)
    ]
    assert last_audit("campaigns.export_list").changes["rows"] == 1
    page = client.get(reverse("campaigns:list")).content.decode()
    assert reverse("campaigns:list_export") in page


def test_schedule_export_is_the_filtered_table_across_pages(office, campaign, make_member, client):
    client = logged_in(client, make_member(office))
    url = reverse("campaigns:schedule_list_export", args=[campaign.pk])
    rows = export_rows(client.get(url + "?page=2"))
    assert rows[HEADER][:5] == ("No.", "Phase", "Task", "Deadline", "Lead units")
    assert len(rows) - HEADER - 1 == 60
    first = rows[HEADER + 1]
    assert first[0] == 1000 and first[3] == dt.datetime(2018, 5, 1)
    assert first[4] == "单位0、单位1"
    assert first[6] == "Overdue"

    unit = Unit.objects.get(office=office, name="单位0")
    Task.objects.filter(campaign=campaign, seq__lt=1010).update(completed_on=dt.date(2018, 5, 2))
    overdue = data_rows(client.get(url, {"light": "overdue", "unit": unit.pk}))
    shown = client.get(
        reverse("campaigns:schedule", args=[campaign.pk]), {"light": "overdue", "unit": unit.pk}
    ).content.decode()
    shown_seqs = [int(seq) for seq in re.findall(r'data-seq="(\d+)"', shown)]
    assert [row[0] for row in overdue][:50] == shown_seqs and shown_seqs
    assert all(row[6] == "Overdue" for row in overdue)
    assert {row[0] for row in overdue}.isdisjoint(range(1000, 1010))
    record = last_audit("campaigns.export_schedule_list")
    assert record.changes["filters"] == {"light": "overdue", "unit": str(unit.pk)}
    assert record.changes["rows"] == len(overdue)


def test_schedule_page_links_the_export_with_its_filters(office, campaign, make_member, client):
    client = logged_in(client, make_member(office))
    html = client.get(
        reverse("campaigns:schedule", args=[campaign.pk]), {"light": "overdue", "page": 1}
    ).content.decode()
    assert reverse("campaigns:schedule_list_export", args=[campaign.pk]) + "?light=overdue" in html


def test_another_offices_schedule_is_not_exported(other_office, campaign, make_member, client):
    client = logged_in(client, make_member(other_office))
    url = reverse("campaigns:schedule_list_export", args=[campaign.pk])
    assert client.get(reverse("campaigns:schedule", args=[campaign.pk])).status_code == 404
    response = client.get(url)
    assert response.status_code == 404
    assert "attachment" not in response.get("Content-Disposition", "")
    rows = data_rows(client.get(reverse("campaigns:list_export")))
    assert rows == []


def test_schedule_export_queries_do_not_grow(
    office, campaign, make_member, client, django_assert_max_num_queries
):
    client = logged_in(client, make_member(office, role=Role.OFFICE_STAFF))
    url = reverse("campaigns:schedule_list_export", args=[campaign.pk])
    unit = Unit.objects.get(office=office, name="单位0")

    def grow():
        tasks = Task.objects.bulk_create(
            Task(campaign=campaign, seq=2000 + i, text=f"新任务{i}", due=dt.date(2018, 7, 1))
            for i in range(100)
        )
        TaskUnit.objects.bulk_create(
            TaskUnit(task=task, unit=unit, role=TaskUnitRole.LEAD) for task in tasks
        )

    assert_flat_queries(client, url, grow, django_assert_max_num_queries)
