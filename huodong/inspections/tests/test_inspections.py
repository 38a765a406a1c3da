import datetime as dt

import pytest
from django.urls import reverse

from huodong.campaigns.tests.conftest import grow_campaign
from huodong.core.models import AuditRecord
from huodong.inspections import services
from huodong.inspections.models import Inspection, InspectionRating
from huodong.orgs.models import Unit

pytestmark = pytest.mark.django_db


def _record(cast, *, unit=None, task=None, rating=InspectionRating.GOOD):
    return services.inspection_record(
        actor=cast.inspector,
        campaign=cast.campaign,
        unit=unit,
        task=task,
        inspected_on=dt.date(2018, 6, 18),
        findings="台账齐全",
        rating=rating,
    )


def _post(client, cast, **extra):
    data = {
        "unit": cast.unit.pk,
        "inspected_on": "2018-06-18",
        "findings": "学习记录不全",
        "rating": "fair",
        **extra,
    }
    return client.post(reverse("inspections:inspection_new", args=[cast.campaign.pk]), data)


@pytest.mark.parametrize("who", ["inspector", "director", "staff", "seat_director", "seat_staff"])
def test_inspectors_and_the_office_record_an_inspection(cast, login, who):
    client = login(getattr(cast, who))
    response = _post(client, cast)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "inspections:inspection", args=[cast.campaign.pk, inspection.pk]
    )
    assert inspection.unit == cast.unit
    assert inspection.rating == InspectionRating.FAIR
    assert inspection.inspector == getattr(cast, who)
    assert AuditRecord.objects.filter(action="inspection.record").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("head", 403),
        ("contact", 403),
        ("other_head", 403),
        ("plain", 403),
        ("leader", 403),
        ("group_leader", 403),
        ("admin", 403),
        ("outsider", 404),
    ],
)
def test_others_may_not_record_an_inspection(cast, login, who, status):
    client = login(getattr(cast, who))
    url = reverse("inspections:inspection_new", args=[cast.campaign.pk])
    assert client.get(url).status_code == status
    assert _post(client, cast).status_code == status
    assert not Inspection.objects.exists()


def test_anonymous_is_sent_to_login(cast, client):
    for url in (
        reverse("inspections:inspections", args=[cast.campaign.pk]),
        reverse("inspections:inspection_new", args=[cast.campaign.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert _post(client, cast).status_code == 302
    assert not Inspection.objects.exists()


def test_an_inspection_needs_a_unit_or_a_task(cast, login):
    client = login(cast.inspector)
    response = _post(client, cast, unit="")
    assert response.status_code == 200
    assert not Inspection.objects.exists()
    response = _post(client, cast, unit="", task=cast.task2.pk)
    assert response.status_code == 302
    assert Inspection.objects.get().task == cast.task2


def test_a_unit_of_another_office_is_refused(cast, login, other_office):
    foreign = Unit.objects.create(office=other_office, name="外单位", kind="department")
    client = login(cast.inspector)
    assert _post(client, cast, unit=foreign.pk).status_code == 200
    assert not Inspection.objects.exists()
    with pytest.raises(services.SupervisionError):
        services.inspection_record(
            actor=cast.inspector,
            campaign=cast.campaign,
            unit=foreign,
            inspected_on=dt.date(2018, 6, 1),
            findings="x",
            rating="good",
        )


@pytest.mark.parametrize(
    "who",
    [
        "director",
        "staff",
        "admin",
        "inspector",
        "leader",
        "group_leader",
        "group_member",
        "seat_staff",
        "head",
        "contact",
    ],
)
def test_readers_see_an_inspection_of_a_unit(cast, login, who):
    inspection = _record(cast, unit=cast.unit)
    client = login(getattr(cast, who))
    html = client.get(
        reverse("inspections:inspection", args=[cast.campaign.pk, inspection.pk])
    ).content.decode()
    assert "台账齐全" in html
    listing = client.get(reverse("inspections:inspections", args=[cast.campaign.pk]))
    assert f'data-inspection="{inspection.pk}"' in listing.content.decode()


@pytest.mark.parametrize(("who", "list_status"), [("other_head", 200), ("plain", 403)])
def test_other_units_do_not_see_it(cast, login, who, list_status):
    inspection = _record(cast, unit=cast.unit)
    client = login(getattr(cast, who))
    url = reverse("inspections:inspection", args=[cast.campaign.pk, inspection.pk])
    assert client.get(url).status_code == 404
    listing = client.get(reverse("inspections:inspections", args=[cast.campaign.pk]))
    assert listing.status_code == list_status
    assert f'data-inspection="{inspection.pk}"' not in listing.content.decode()


def test_another_office_sees_nothing(cast, login):
    inspection = _record(cast, unit=cast.unit)
    client = login(cast.outsider)
    assert (
        client.get(
            reverse("inspections:inspection", args=[cast.campaign.pk, inspection.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("inspections:inspections", args=[cast.campaign.pk])).status_code == 404
    )


def test_an_inspection_of_a_task_is_seen_by_the_tasks_units(cast, login):
    # Task 2 is led by 综合处 and 督查处, not 业务处.
    inspection = _record(cast, task=cast.task2)
    url = reverse("inspections:inspection", args=[cast.campaign.pk, inspection.pk])
    assert login(cast.head).get(url).status_code == 200
    assert login(cast.other_head).get(url).status_code == 404


def test_list_filters_by_unit(cast, login):
    mine = _record(cast, unit=cast.unit)
    theirs = _record(cast, unit=cast.other_unit)
    of_task = _record(cast, task=cast.task2)
    client = login(cast.director)
    url = reverse("inspections:inspections", args=[cast.campaign.pk])
    html = client.get(url, {"unit": cast.unit.pk}).content.decode()
    assert f'data-inspection="{mine.pk}"' in html
    assert f'data-inspection="{of_task.pk}"' in html
    assert f'data-inspection="{theirs.pk}"' not in html
    assert client.get(url, {"unit": "nonsense"}).status_code == 200


@pytest.mark.parametrize("who", ["director", "head"])
def test_list_paginates_with_a_fixed_number_of_queries(
    cast, login, django_assert_max_num_queries, who
):
    _record(cast, unit=cast.unit)
    _record(cast, task=cast.task2)
    url = reverse("inspections:inspections", args=[cast.campaign.pk])
    client = login(getattr(cast, who))
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    grow_campaign(cast.campaign, total_tasks=200)
    Inspection.objects.bulk_create(
        Inspection(
            campaign=cast.campaign,
            unit=cast.unit if i % 2 else None,
            task=cast.task2 if not i % 2 else None,
            inspected_on=dt.date(2018, 6, 1),
            findings=f"发现{i}",
            rating="good",
            inspector=cast.inspector,
        )
        for i in range(80)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("data-inspection=") == 30  # one page
