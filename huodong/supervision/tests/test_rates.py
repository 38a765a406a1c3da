"""按期完成率 on a hand-built example, computed in the database."""

import datetime as dt

import pytest

from huodong.campaigns.models import Campaign, SubTheme, Task, TaskUnit, TaskUnitRole
from huodong.orgs.models import Unit, UnitKind
from huodong.supervision import selectors
from huodong.testing.factories import PersonFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def example(office):
    a = Unit.objects.create(office=office, name="甲处", kind=UnitKind.DEPARTMENT, sort_order=1)
    b = Unit.objects.create(office=office, name="乙处", kind=UnitKind.DEPARTMENT, sort_order=2)
    c = Unit.objects.create(office=office, name="丙处", kind=UnitKind.DEPARTMENT, sort_order=3)
    campaign = Campaign.objects.create(office=office, title="活动")

    def task(seq, due, lead, completed=None, co=()):
        t = Task.objects.create(
            campaign=campaign, seq=seq, text=f"任务{seq}", due=due, completed_on=completed
        )
        for unit in lead:
            TaskUnit.objects.create(task=t, unit=unit, role=TaskUnitRole.LEAD)
        for unit in co:
            TaskUnit.objects.create(task=t, unit=unit, role=TaskUnitRole.CO)
        return t

    task(1, D(2018, 6, 1), [a], D(2018, 5, 30), co=[c])  # on time
    task(2, D(2018, 6, 5), [a, b], D(2018, 6, 8))  # late, two lead units
    task(3, D(2018, 6, 10), [b])  # overdue
    task(4, TODAY, [a], TODAY)  # due today, done: on time
    task(5, TODAY, [b])  # due today, open: not counted yet
    task(6, D(2018, 7, 1), [a], D(2018, 6, 15))  # done early, not due: not counted
    task(7, None, [a], D(2018, 6, 1))  # no single deadline: not counted
    task(8, D(2018, 6, 2), [a])  # overdue
    # Another campaign's task led by 甲处 must not count.
    elsewhere = Campaign.objects.create(office=office, title="别的活动")
    other = Task.objects.create(campaign=elsewhere, seq=1, text="别的", due=D(2018, 6, 1))
    TaskUnit.objects.create(task=other, unit=a, role=TaskUnitRole.LEAD)

    leader = PersonFactory(office=office, unit=a, name="张领导")
    s1 = SubTheme.objects.create(campaign=campaign, order=1, name="一", lead_leader=leader)
    s1.units.set([a])
    s2 = SubTheme.objects.create(campaign=campaign, order=2, name="二", lead_leader_name="李领导")
    s2.units.set([a, b])
    s3 = SubTheme.objects.create(campaign=campaign, order=3, name="三", lead_leader_name="王领导")
    s3.units.set([c])  # 丙处 only helps: no rate for 王领导
    SubTheme.objects.create(campaign=campaign, order=4, name="四")  # no leader at all
    # The same units in another campaign's sub-theme change nothing here.
    SubTheme.objects.create(campaign=elsewhere, name="别的", lead_leader_name="赵领导").units.set(
        [a]
    )
    return campaign


def test_overall_rate(example):
    overall = selectors.rate_overall(example, today=TODAY)
    assert (overall.due, overall.on_time, overall.late, overall.overdue) == (5, 2, 1, 2)
    assert overall.percent == "40.0%"


def test_rates_by_lead_unit(example, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.rates_by_unit(example, today=TODAY)
    table = {row.label: (row.due, row.on_time, row.late, row.overdue, row.percent) for row in rows}
    assert table == {
        "甲处": (4, 2, 1, 1, "50.0%"),
        "乙处": (2, 0, 1, 1, "0.0%"),
    }


def test_rates_by_lead_leader(example, django_assert_num_queries):
    with django_assert_num_queries(1):
        rates = selectors.rates_by_leader(example, today=TODAY)
    assert rates.mapped
    table = {
        row.label: (row.due, row.on_time, row.late, row.overdue, row.percent) for row in rates.rows
    }
    assert table == {
        "张领导": (4, 2, 1, 1, "50.0%"),
        # Task 2 is led by both of 李领导's units and counts once.
        "李领导": (5, 2, 1, 2, "40.0%"),
        "王领导": (0, 0, 0, 0, "—"),
    }
    assert [row.label for row in rates.rows] == ["张领导", "李领导", "王领导"]


def test_an_empty_mapping_is_reported(office):
    campaign = Campaign.objects.create(office=office, title="活动")
    branch = Unit.objects.create(office=office, name="支部", kind=UnitKind.BRANCH)
    dept = Unit.objects.create(office=office, name="综合处", kind=UnitKind.DEPARTMENT)
    SubTheme.objects.create(campaign=campaign, name="一", lead_leader_name="张").units.set([branch])
    task = Task.objects.create(campaign=campaign, seq=1, text="t", due=D(2018, 6, 1))
    TaskUnit.objects.create(task=task, unit=dept, role=TaskUnitRole.LEAD)
    rates = selectors.rates_by_leader(campaign, today=TODAY)
    assert not rates.mapped
    assert [row.label for row in rates.rows] == ["张"]
