import datetime as dt

import pytest

from huodong.campaigns.lights import Light, days_late
from huodong.campaigns.models import Campaign, Phase, Task
from huodong.campaigns.selectors import light_counts, tasks_with_lights

TODAY = dt.date(2018, 6, 20)


@pytest.fixture
def campaign(office):
    return Campaign.objects.create(office=office, title="测试活动", warning_days=7)


def make_task(campaign, seq, *, due, completed_on=None, phase_start=dt.date(2018, 5, 1)):
    phase, _ = Phase.objects.get_or_create(
        campaign=campaign,
        name=f"phase-{phase_start}",
        defaults={"start": phase_start, "end": phase_start + dt.timedelta(days=60)},
    )
    return Task.objects.create(
        campaign=campaign, seq=seq, phase=phase, text="t", due=due, completed_on=completed_on
    )


def light_of(campaign, seq, today=TODAY):
    return tasks_with_lights(campaign, today=today).get(seq=seq).light


@pytest.mark.parametrize(
    ("due", "completed_on", "phase_start", "expected"),
    [
        (dt.date(2018, 6, 15), dt.date(2018, 6, 15), dt.date(2018, 5, 1), Light.DONE_ON_TIME),
        (dt.date(2018, 6, 15), dt.date(2018, 6, 10), dt.date(2018, 5, 1), Light.DONE_ON_TIME),
        (dt.date(2018, 6, 15), dt.date(2018, 6, 16), dt.date(2018, 5, 1), Light.DONE_LATE),
        (dt.date(2018, 6, 19), None, dt.date(2018, 5, 1), Light.OVERDUE),
        (dt.date(2018, 6, 20), None, dt.date(2018, 5, 1), Light.DUE_SOON),
        (dt.date(2018, 6, 27), None, dt.date(2018, 5, 1), Light.DUE_SOON),
        (dt.date(2018, 6, 28), None, dt.date(2018, 5, 1), Light.PENDING),
        (dt.date(2018, 8, 30), None, dt.date(2018, 8, 1), Light.NOT_STARTED),
        (None, None, dt.date(2018, 5, 1), Light.PENDING),
        (None, dt.date(2018, 6, 1), dt.date(2018, 5, 1), Light.DONE_ON_TIME),
    ],
)
def test_light_rules(campaign, due, completed_on, phase_start, expected):
    make_task(campaign, 1, due=due, completed_on=completed_on, phase_start=phase_start)
    assert light_of(campaign, 1) == expected


def test_warning_days_are_set_per_campaign(campaign):
    make_task(campaign, 1, due=dt.date(2018, 6, 30))
    assert light_of(campaign, 1) == Light.PENDING
    campaign.warning_days = 10
    campaign.save()
    assert light_of(campaign, 1) == Light.DUE_SOON


def test_a_done_task_is_never_overdue(campaign):
    make_task(campaign, 1, due=dt.date(2018, 5, 1), completed_on=dt.date(2018, 5, 20))
    assert light_of(campaign, 1) == Light.DONE_LATE


def test_counts_cover_every_light(campaign):
    make_task(campaign, 1, due=dt.date(2018, 6, 1))
    make_task(campaign, 2, due=dt.date(2018, 6, 1))
    make_task(campaign, 3, due=dt.date(2018, 6, 1), completed_on=dt.date(2018, 6, 1))
    counts = light_counts(campaign, today=TODAY)
    assert set(counts) == set(Light.values)
    assert counts[Light.OVERDUE] == 2
    assert counts[Light.DONE_ON_TIME] == 1
    assert sum(counts.values()) == 3


@pytest.mark.parametrize(
    ("due", "completed_on", "expected"),
    [
        (dt.date(2018, 6, 15), None, 5),
        (dt.date(2018, 6, 25), None, 0),
        (dt.date(2018, 6, 15), dt.date(2018, 6, 18), 3),
        (dt.date(2018, 6, 15), dt.date(2018, 6, 1), 0),
        (None, None, 0),
    ],
)
def test_days_late(due, completed_on, expected):
    assert days_late(due=due, completed_on=completed_on, today=TODAY) == expected


def test_deadline_marks_group_by_day_and_light(campaign):
    from huodong.campaigns.selectors import deadline_marks

    make_task(campaign, 1, due=dt.date(2018, 5, 31))
    make_task(campaign, 2, due=dt.date(2018, 5, 31))
    make_task(campaign, 3, due=dt.date(2018, 5, 31), completed_on=dt.date(2018, 5, 30))
    make_task(campaign, 4, due=None)
    marks = deadline_marks(campaign, today=TODAY)
    assert [(m.due, m.light, m.count, m.seq) for m in marks] == [
        (dt.date(2018, 5, 31), Light.DONE_ON_TIME, 1, 3),
        (dt.date(2018, 5, 31), Light.OVERDUE, 2, 1),
    ]
