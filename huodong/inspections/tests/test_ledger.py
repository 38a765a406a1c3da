import datetime as dt

import pytest
from django.urls import reverse

from huodong.core.models import AuditRecord
from huodong.inspections import services
from huodong.inspections.models import AccountabilityEntry, AccountabilityMeasure
from huodong.orgs.models import User

pytestmark = pytest.mark.django_db


def _entry(cast, **extra):
    return services.accountability_record(
        actor=cast.group_leader,
        campaign=cast.campaign,
        unit=cast.unit,
        reason="第2项任务逾期20天",
        task=cast.task2,
        measure=AccountabilityMeasure.REMINDER_TALK,
        decided_by="活动领导小组",
        decided_on=dt.date(2018, 6, 20),
        **extra,
    )


def _data(cast, **extra):
    return {
        "unit": cast.unit.pk,
        "reason": "整改不力",
        "task": cast.task2.pk,
        "measure": "criticism",
        "decided_by": "活动领导小组",
        "decided_on": "2018-06-20",
        **extra,
    }


GROUP = ["group_leader", "deputy", "group_member", "seat_director", "seat_staff"]
NOT_GROUP = [
    "director",  # the standing office director holds no seat in this campaign
    "staff",
    "inspector",
    "leader",
    "head",
    "contact",
    "other_head",
    "plain",
    "outsider",
]


@pytest.mark.parametrize("who", [*GROUP, "admin"])
def test_the_leading_group_and_admins_see_the_ledger(cast, login, who):
    entry = _entry(cast)
    client = login(getattr(cast, who))
    html = client.get(reverse("inspections:ledger", args=[cast.campaign.pk])).content.decode()
    assert f'data-entry="{entry.pk}"' in html
    assert "第2项任务逾期20天" in html


def test_a_superuser_sees_the_ledger(cast, login):
    _entry(cast)
    root = User.objects.create_superuser("root", password="Test-pass-2018")
    client = login(root)
    assert client.get(reverse("inspections:ledger", args=[cast.campaign.pk])).status_code == 200


@pytest.mark.parametrize("who", NOT_GROUP)
def test_everyone_else_gets_404(cast, login, who):
    _entry(cast)
    client = login(getattr(cast, who))
    assert client.get(reverse("inspections:ledger", args=[cast.campaign.pk])).status_code == 404
    assert client.get(reverse("inspections:ledger_new", args=[cast.campaign.pk])).status_code == 404
    # Nor does the campaign home link to it.
    home = client.get(reverse("campaigns:home", args=[cast.campaign.pk])).content.decode()
    assert reverse("inspections:ledger", args=[cast.campaign.pk]) not in home


def test_anonymous_is_sent_to_login(cast, client):
    response = client.get(reverse("inspections:ledger", args=[cast.campaign.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["group_leader", "deputy", "seat_director"])
def test_the_leader_deputies_and_office_director_seat_add_entries(cast, login, who):
    client = login(getattr(cast, who))
    response = client.post(reverse("inspections:ledger_new", args=[cast.campaign.pk]), _data(cast))
    assert response.status_code == 302
    entry = AccountabilityEntry.objects.get()
    assert entry.measure == AccountabilityMeasure.CRITICISM
    assert entry.recorded_by == getattr(cast, who)
    assert entry.unit == cast.unit and entry.task == cast.task2
    assert AuditRecord.objects.filter(action="accountability.record").count() == 1


@pytest.mark.parametrize("who", ["group_member", "seat_staff", "admin", *NOT_GROUP])
def test_others_may_not_add(cast, login, who):
    client = login(getattr(cast, who))
    response = client.post(reverse("inspections:ledger_new", args=[cast.campaign.pk]), _data(cast))
    assert response.status_code == 404
    assert not AccountabilityEntry.objects.exists()


def test_an_entry_names_a_unit_or_a_person_and_other_measures_say_what(cast, login, order):
    client = login(cast.group_leader)
    new = reverse("inspections:ledger_new", args=[cast.campaign.pk])
    assert client.post(new, _data(cast, unit="")).status_code == 200
    assert client.post(new, _data(cast, measure="other")).status_code == 200
    assert not AccountabilityEntry.objects.exists()
    response = client.post(
        new,
        _data(
            cast,
            unit="",
            person=cast.head.person.pk,
            order=order.pk,
            measure="other",
            measure_detail="取消年度评优资格",
        ),
    )
    assert response.status_code == 302
    entry = AccountabilityEntry.objects.get()
    assert (entry.person, entry.order, entry.measure_detail) == (
        cast.head.person,
        order,
        "取消年度评优资格",
    )
    html = client.get(reverse("inspections:ledger", args=[cast.campaign.pk])).content.decode()
    assert "取消年度评优资格" in html


def test_ledger_runs_a_fixed_number_of_queries(cast, login, order, django_assert_max_num_queries):
    _entry(cast)
    client = login(cast.group_leader)
    url = reverse("inspections:ledger", args=[cast.campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    AccountabilityEntry.objects.bulk_create(
        AccountabilityEntry(
            campaign=cast.campaign,
            unit=cast.unit if i % 2 else None,
            person=cast.head.person if not i % 2 else None,
            reason=f"原因{i}",
            task=cast.task2,
            order=order,
            measure="admonition",
            decided_by="领导小组",
            decided_on=dt.date(2018, 6, 1),
            recorded_by=cast.group_leader,
        )
        for i in range(70)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("data-entry=") == 30
