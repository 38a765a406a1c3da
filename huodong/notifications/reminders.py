"""Deadline reminders: which are due on a day (a pure rule), and the facts and words they need.

The rule, for each open task (not completed) with a deadline, `days = due - on`:

- `0 <= days <= max(lead times)`: the reminder of the smallest lead time `L >= days` ("due in N
  days", or "due today" for `L == 0`). With the scheduler running daily this fires exactly on each
  lead time; a day it missed (no cron, a crashed worker, a task added late) is caught up by the
  next run, and a slot already sent is not sent again because its key is the same.
- `days < 0`: "overdue by N days", once per day while the campaign reminds daily, otherwise once.

Each reminder carries a dedupe key; with the recipient it is unique in the database, so a re-run
the same day, a second worker or a retry after a crash inserts nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from huodong.campaigns.models import Campaign, Task, TaskUnit, TaskUnitRole
from huodong.orgs.models import Role, RoleAssignment

logger = logging.getLogger(__name__)

REMINDED_ROLES = (Role.UNIT_HEAD, Role.UNIT_CONTACT)


class ReminderKind(StrEnum):
    DUE_IN = "due-in"
    DUE_TODAY = "due-today"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class TaskFacts:
    """What the rule needs to know about a task."""

    id: int
    due: dt.date | None
    completed_on: dt.date | None
    lead_unit_ids: tuple[int, ...]


@dataclass(frozen=True)
class DueReminder:
    task_id: int
    kind: ReminderKind
    days: int  # days left (DUE_IN), 0 (DUE_TODAY) or days overdue (OVERDUE)
    dedupe_key: str
    recipient_ids: tuple[int, ...]  # user ids, ascending; empty when the lead units have nobody


def lead_times(campaign: Campaign) -> list[int]:
    """The campaign's reminder lead times, largest first, without duplicates or junk."""
    raw = campaign.reminder_days if isinstance(campaign.reminder_days, list) else []
    return sorted(
        {n for n in raw if isinstance(n, int) and not isinstance(n, bool) and n >= 0},
        reverse=True,
    )


def due_reminders(
    *,
    tasks: Iterable[TaskFacts],
    on: dt.date,
    lead_times: Sequence[int],
    daily_when_overdue: bool,
    recipients_by_unit: Mapping[int, Iterable[int]],
) -> list[DueReminder]:
    """The reminders due on `on`, in the order of `tasks`. Pure: no database, no clock."""
    leads = sorted(set(lead_times))
    reminders: list[DueReminder] = []
    for task in tasks:
        if task.due is None or task.completed_on is not None:
            continue
        days = (task.due - on).days
        base = f"reminder:task:{task.id}"
        if days >= 0:
            slot = next((lead for lead in leads if lead >= days), None)
            if slot is None:
                continue
            if slot == 0:
                kind, key = ReminderKind.DUE_TODAY, f"{base}:due-today:{task.due}"
            else:
                kind, key = ReminderKind.DUE_IN, f"{base}:due-in-{slot}:{task.due}"
            shown = days
        else:
            kind, shown = ReminderKind.OVERDUE, -days
            if daily_when_overdue:
                key = f"{base}:overdue:{on}"
            else:
                key = f"{base}:overdue-once:{task.due}"
        recipients: set[int] = set()
        for unit_id in task.lead_unit_ids:
            recipients.update(recipients_by_unit.get(unit_id, ()))
        reminders.append(DueReminder(task.id, kind, shown, key, tuple(sorted(recipients))))
    return reminders


@dataclass(frozen=True)
class ReminderMessage:
    reminder: DueReminder
    title: str
    body: str
    url: str


def campaign_reminders(campaign: Campaign, *, on: dt.date) -> list[ReminderMessage]:
    """The reminders of one campaign due on `on`, with their words, in four queries.

    Words are rendered in the active language; the caller chooses it.
    """
    leads = lead_times(campaign)
    open_tasks = Task.objects.filter(
        campaign=campaign, completed_on__isnull=True, due__isnull=False
    ).order_by("seq", "id")
    if leads:
        open_tasks = open_tasks.filter(due__lte=on + dt.timedelta(days=leads[0]))
    else:
        open_tasks = open_tasks.filter(due__lt=on)
    tasks = {task.pk: task for task in open_tasks}
    if not tasks:
        return []
    leads_of: dict[int, list[TaskUnit]] = {}
    for link in (
        TaskUnit.objects.filter(task_id__in=tasks, role=TaskUnitRole.LEAD)
        .select_related("unit")
        .order_by("task_id", "order", "id")
    ):
        leads_of.setdefault(link.task_id, []).append(link)
    unit_ids = {link.unit_id for links in leads_of.values() for link in links}
    recipients_by_unit: dict[int, set[int]] = {}
    for unit_id, user_id in RoleAssignment.objects.filter(
        role__in=REMINDED_ROLES,
        unit_id__in=unit_ids,
        person__user__isnull=False,
        person__user__is_active=True,
    ).values_list("unit_id", "person__user_id"):
        recipients_by_unit.setdefault(unit_id, set()).add(user_id)

    reminders = due_reminders(
        tasks=(
            TaskFacts(
                id=task.pk,
                due=task.due,
                completed_on=task.completed_on,
                lead_unit_ids=tuple(link.unit_id for link in leads_of.get(task.pk, [])),
            )
            for task in tasks.values()
        ),
        on=on,
        lead_times=leads,
        daily_when_overdue=campaign.remind_daily_when_overdue,
        recipients_by_unit=recipients_by_unit,
    )
    messages = []
    for reminder in reminders:
        task = tasks[reminder.task_id]
        if not reminder.recipient_ids:
            logger.warning(
                "Reminder %s not sent: no unit head or contact with a login in the lead units "
                "of task %s of campaign %s",
                reminder.dedupe_key,
                task.seq,
                campaign.pk,
            )
            continue
        units = task.lead_units_text or "、".join(
            link.unit.name for link in leads_of.get(task.pk, [])
        )
        messages.append(_message(reminder, campaign=campaign, task=task, lead_units=units))
    return messages


def task_label(task: Task, *, limit: int = 60) -> str:
    text = " ".join(task.text.split())
    return f"{task.seq}. {text[:limit]}{'…' if len(text) > limit else ''}"


def _message(
    reminder: DueReminder, *, campaign: Campaign, task: Task, lead_units: str
) -> ReminderMessage:
    label = task_label(task)
    if reminder.kind == ReminderKind.DUE_TODAY:
        title = gettext("Due today: %(task)s") % {"task": label}
    elif reminder.kind == ReminderKind.DUE_IN:
        title = ngettext(
            "Due in %(days)d day: %(task)s", "Due in %(days)d days: %(task)s", reminder.days
        ) % {"days": reminder.days, "task": label}
    else:
        title = ngettext(
            "Overdue by %(days)d day: %(task)s", "Overdue by %(days)d days: %(task)s", reminder.days
        ) % {"days": reminder.days, "task": label}
    assert task.due is not None  # only tasks with a deadline are reminded
    deadline = task.due.isoformat()
    if task.due_text and task.due_text != deadline:
        deadline = f"{deadline} ({task.due_text})"
    lines = [
        gettext("Task: %(task)s") % {"task": f"{task.seq}. {' '.join(task.text.split())}"},
        gettext("Deadline: %(deadline)s") % {"deadline": deadline},
        gettext("Campaign: %(campaign)s") % {"campaign": campaign.title},
    ]
    if lead_units:
        lines.append(gettext("Lead units: %(units)s") % {"units": lead_units})
    url = reverse("campaigns:task", kwargs={"campaign_id": campaign.pk, "seq": task.seq})
    return ReminderMessage(reminder=reminder, title=title, body="\n".join(lines), url=url)
