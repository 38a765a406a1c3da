"""The cast of the supervision tests: one login per role around the seed campaign."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from huodong.campaigns.models import Campaign, LeadingGroupMember, LeadingGroupRole, Task
from huodong.campaigns.tests.conftest import seed_campaign  # noqa: F401  (fixture)
from huodong.inspections import services
from huodong.orgs.models import Role, Unit
from huodong.testing.factories import TEST_PASSWORD

DEMO_DAY = dt.date(2018, 6, 20)


@pytest.fixture(autouse=True)
def _demo_day(settings, tmp_path):
    settings.HUODONG_TODAY = DEMO_DAY.isoformat()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def login(client):
    def do(user):
        client.logout()
        if user is not None:
            assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return do


def seat(campaign: Campaign, user, role: str) -> LeadingGroupMember:
    """Give `user` a seat of the campaign's leading group."""
    return LeadingGroupMember.objects.create(
        campaign=campaign, role=role, person=user.person, name=user.person.name
    )


@pytest.fixture
def cast(seed_campaign, office, other_office, make_member):  # noqa: F811
    """Logins of every role the supervision pages distinguish, around 综合处 (the order's unit)."""
    unit = Unit.objects.get(office=office, name="综合处")
    other_unit = Unit.objects.get(office=office, name="业务处")
    office_unit = Unit.objects.get(office=office, name="宣传室")
    inspect_unit = Unit.objects.get(office=office, name="督查处")
    c = SimpleNamespace(campaign=seed_campaign, unit=unit, other_unit=other_unit)
    c.director = make_member(office, role=Role.OFFICE_DIRECTOR, unit=office_unit)
    c.staff = make_member(office, role=Role.OFFICE_STAFF, unit=office_unit)
    c.admin = make_member(office, role=Role.ADMIN, unit=office_unit)
    c.inspector = make_member(office, role=Role.INSPECTOR, unit=inspect_unit)
    c.head = make_member(office, role=Role.UNIT_HEAD, unit=unit, role_unit=unit)
    c.contact = make_member(office, role=Role.UNIT_CONTACT, unit=unit, role_unit=unit)
    c.other_head = make_member(office, role=Role.UNIT_HEAD, unit=other_unit, role_unit=other_unit)
    c.plain = make_member(office, unit=unit)
    c.leader = make_member(office, role=Role.LEADER, unit=office_unit)  # office leader, no seat
    c.group_leader = make_member(office, role=Role.LEADER, unit=office_unit)
    c.deputy = make_member(office, role=Role.LEADER, unit=office_unit)
    c.group_member = make_member(office, unit=other_unit)
    c.seat_director = make_member(office, unit=office_unit)  # the group office's director seat
    c.seat_staff = make_member(office, unit=office_unit)  # the group office's staff seat
    seat(seed_campaign, c.group_leader, LeadingGroupRole.LEADER)
    seat(seed_campaign, c.deputy, LeadingGroupRole.DEPUTY)
    seat(seed_campaign, c.group_member, LeadingGroupRole.MEMBER)
    seat(seed_campaign, c.seat_director, LeadingGroupRole.OFFICE_DIRECTOR)
    seat(seed_campaign, c.seat_staff, LeadingGroupRole.OFFICE_STAFF)
    c.outsider = make_member(other_office, role=Role.OFFICE_DIRECTOR)
    c.task2 = Task.objects.get(campaign=seed_campaign, seq=2)
    return c


@pytest.fixture
def order(cast):
    return services.order_issue(
        actor=cast.director,
        campaign=cast.campaign,
        unit=cast.unit,
        task=cast.task2,
        problem="第2项任务逾期未完成",
        measures_required="形成问题清单，明确整改时限",
        deadline=dt.date(2018, 6, 25),
    )
