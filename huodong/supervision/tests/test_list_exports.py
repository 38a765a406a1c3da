"""The on-time rates page's .xlsx export (the overdue ledger's has its own tests)."""

import datetime as dt

import pytest
from django.urls import reverse

from huodong.campaigns.models import Task, TaskUnit, TaskUnitRole
from huodong.orgs.models import Unit, UnitKind
from huodong.orgs.tests.test_list_exports import (  # noqa: F401  (_language_restored)
    HEADER,
    _language_restored,
    assert_flat_queries,
    assert_refused,
    export_rows,
    last_audit,
    logged_in,
)

from .conftest import ROLES
from .test_views import WHOLE_PLAN, grow

pytestmark = pytest.mark.django_db


def test_rates_export_has_the_pages_rows(world, client):
    grow(world, 5)
    client = logged_in(client, world["director"])
    page = client.get(reverse("supervision:rates", args=[world.campaign.pk])).content.decode()
    url = reverse("supervision:rates_xlsx", args=[world.campaign.pk])
    assert url in page
    rows = export_rows(client.get(url))
    assert rows[HEADER] == (
        "Lead unit",
        "Due",
        "Done on time",
        "Done late",
        "Overdue",
        "On-time rate",
    )
    units = [row[0] for row in rows[HEADER + 1 :]]
    for name in units[:-1]:
        assert f'data-label="{name}"' in page
    assert units[-1] == world.campaign.title  # the whole campaign, last
    assert "综合处" in units
    lead = next(row for row in rows if row[0] == "综合处")
    assert lead[4] >= 1  # overdue tasks counted
    assert isinstance(lead[5], float | int)


@pytest.mark.parametrize("role", sorted(set(ROLES) - WHOLE_PLAN))
def test_rates_export_is_refused_like_the_page(world, client, role):
    client = logged_in(client, world[role])
    assert_refused(
        client,
        reverse("supervision:rates", args=[world.campaign.pk]),
        reverse("supervision:rates_xlsx", args=[world.campaign.pk]),
    )


def test_rates_export_is_audited(world, client):
    client = logged_in(client, world["leader"])
    export_rows(client.get(reverse("supervision:rates_xlsx", args=[world.campaign.pk])))
    record = last_audit("supervision.export_rates")
    assert record.object_id == str(world.campaign.pk)
    assert record.actor == world["leader"]


def test_rates_export_queries_do_not_grow(world, client, django_assert_max_num_queries):
    client = logged_in(client, world["director"])
    url = reverse("supervision:rates_xlsx", args=[world.campaign.pk])

    def more_units():
        for index in range(10):
            unit = Unit.objects.create(
                office=world.office, name=f"新处{index}", kind=UnitKind.DEPARTMENT
            )
            task = Task.objects.create(
                campaign=world.campaign, seq=500 + index, text="新任务", due=dt.date(2018, 6, 1)
            )
            TaskUnit.objects.create(task=task, unit=unit, role=TaskUnitRole.LEAD)
        grow(world, 40)

    assert_flat_queries(client, url, more_units, django_assert_max_num_queries)
