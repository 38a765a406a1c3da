"""The pure rule: which reminders are due on a day, for whom, under which key."""

import datetime as dt

import pytest

from huodong.campaigns.models import Campaign
from huodong.notifications.reminders import ReminderKind, TaskFacts, due_reminders, lead_times

DUE = dt.date(2018, 6, 27)
UNITS = {10: [1, 2], 20: [3], 30: [2, 4]}


def rule(on: dt.date, *, tasks=None, leads=(7, 3, 0), daily=True):
    tasks = tasks or [TaskFacts(id=42, due=DUE, completed_on=None, lead_unit_ids=(10,))]
    return due_reminders(
        tasks=tasks,
        on=on,
        lead_times=leads,
        daily_when_overdue=daily,
        recipients_by_unit=UNITS,
    )


def keys_by_day(first: dt.date, last: dt.date, **kwargs) -> dict[str, list[str]]:
    days = {}
    day = first
    while day <= last:
        found = [r.dedupe_key for r in rule(day, **kwargs)]
        if found:
            days[day.isoformat()] = found
        day += dt.timedelta(days=1)
    return days


def test_each_lead_time_then_every_overdue_day_each_with_its_own_key():
    # Run daily: the key changes exactly at 7, 3 and 0 days before and on each overdue day.
    days = keys_by_day(dt.date(2018, 6, 15), dt.date(2018, 6, 30))
    distinct: dict[str, str] = {}
    for day, keys in days.items():
        for key in keys:
            distinct.setdefault(key, day)
    assert distinct == {
        "reminder:task:42:due-in-7:2018-06-27": "2018-06-20",
        "reminder:task:42:due-in-3:2018-06-27": "2018-06-24",
        "reminder:task:42:due-today:2018-06-27": "2018-06-27",
        "reminder:task:42:overdue:2018-06-28": "2018-06-28",
        "reminder:task:42:overdue:2018-06-29": "2018-06-29",
        "reminder:task:42:overdue:2018-06-30": "2018-06-30",
    }
    assert "2018-06-19" not in days  # 8 days before: nothing yet


@pytest.mark.parametrize(
    ("on", "kind", "days"),
    [
        ("2018-06-20", ReminderKind.DUE_IN, 7),
        ("2018-06-22", ReminderKind.DUE_IN, 5),  # within the 7-day slot: same key as on the 20th
        ("2018-06-24", ReminderKind.DUE_IN, 3),
        ("2018-06-27", ReminderKind.DUE_TODAY, 0),
        ("2018-06-29", ReminderKind.OVERDUE, 2),
    ],
)
def test_kind_and_days_shown(on, kind, days):
    [reminder] = rule(dt.date.fromisoformat(on))
    assert (reminder.kind, reminder.days) == (kind, days)


def test_a_missed_day_is_caught_up_under_the_same_key():
    # The scheduler did not run on the 20th: the 22nd sends the 7-day reminder (5 days left).
    [late] = rule(dt.date(2018, 6, 22))
    [on_time] = rule(dt.date(2018, 6, 20))
    assert late.dedupe_key == on_time.dedupe_key == "reminder:task:42:due-in-7:2018-06-27"


def test_other_lead_times_change_the_schedule():
    days = keys_by_day(dt.date(2018, 6, 15), dt.date(2018, 6, 28), leads=(5, 1))
    firsts: dict[str, str] = {}
    for day, keys in days.items():
        for key in keys:
            firsts.setdefault(key, day)
    assert firsts == {
        "reminder:task:42:due-in-5:2018-06-27": "2018-06-22",
        "reminder:task:42:due-in-1:2018-06-27": "2018-06-26",
        "reminder:task:42:overdue:2018-06-28": "2018-06-28",
    }
    assert rule(dt.date(2018, 6, 27), leads=(5, 1))[0].dedupe_key.endswith("due-in-1:2018-06-27")


def test_no_lead_times_only_overdue():
    assert rule(dt.date(2018, 6, 27), leads=()) == []
    assert rule(dt.date(2018, 6, 28), leads=())[0].kind == ReminderKind.OVERDUE


def test_overdue_once_when_the_campaign_does_not_remind_daily():
    keys = {r.dedupe_key for day in range(28, 31) for r in rule(dt.date(2018, 6, day), daily=False)}
    assert keys == {"reminder:task:42:overdue-once:2018-06-27"}


def test_a_moved_deadline_is_reminded_again():
    moved = [TaskFacts(id=42, due=dt.date(2018, 7, 4), completed_on=None, lead_unit_ids=(10,))]
    [before] = rule(dt.date(2018, 6, 20))
    [after] = rule(dt.date(2018, 6, 27), tasks=moved)
    assert before.dedupe_key != after.dedupe_key
    assert after.dedupe_key == "reminder:task:42:due-in-7:2018-07-04"


def test_completed_and_undated_tasks_get_nothing():
    tasks = [
        TaskFacts(id=1, due=DUE, completed_on=dt.date(2018, 6, 1), lead_unit_ids=(10,)),
        TaskFacts(id=2, due=None, completed_on=None, lead_unit_ids=(10,)),
    ]
    assert rule(dt.date(2018, 6, 27), tasks=tasks) == []
    assert rule(dt.date(2018, 6, 30), tasks=tasks) == []


def test_recipients_are_the_people_of_every_lead_unit_once_in_ascending_order():
    tasks = [
        TaskFacts(id=1, due=DUE, completed_on=None, lead_unit_ids=(30, 10)),
        TaskFacts(id=2, due=DUE, completed_on=None, lead_unit_ids=(99,)),
    ]
    first, nobody = rule(DUE, tasks=tasks)
    assert first.recipient_ids == (1, 2, 4)
    assert nobody.recipient_ids == ()


def test_lead_times_are_cleaned(db, office):
    campaign = Campaign(office=office, title="t", reminder_days=[3, "7", 7, -1, True, 0, 3])
    assert lead_times(campaign) == [7, 3, 0]
    assert lead_times(Campaign(office=office, title="t", reminder_days=None)) == []
    assert Campaign(office=office, title="t").reminder_days == [7, 3, 0]
