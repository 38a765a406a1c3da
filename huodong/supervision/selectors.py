"""Reads for supervision, scoped to what the user may see, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from huodong.campaigns.lights import Light, days_late
from huodong.campaigns.models import Campaign, SubTheme, Task, TaskUnit, TaskUnitRole
from huodong.campaigns.permissions import GROUP_OFFICE_SEATS
from huodong.campaigns.selectors import campaign_get, tasks_with_lights
from huodong.orgs.models import UNIT_SCOPED_ROLES, Role, Unit, User
from huodong.orgs.permissions import Membership
from huodong.supervision.lifecycle import ALLOWED_FROM, LEAD_REPORTING, Transition, effective_status
from huodong.supervision.models import (
    OverdueReason,
    ProgressReport,
    ReportAttachment,
    ReportStatus,
    TaskEvent,
    TaskTracking,
    TrackingStatus,
)
from huodong.supervision.permissions import TaskAccess, task_access, task_units

LATE_LIGHTS = (Light.OVERDUE, Light.DONE_LATE)


# --- The lifecycle panel on the task page ----------------------------------------------


@dataclass
class TaskPanel:
    status: str
    tracking: TaskTracking | None
    access: TaskAccess
    late: bool
    events: list[TaskEvent] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)
    reasons: list[OverdueReason] = field(default_factory=list)
    # Units (of the task) this user may act for now, in the task's order.
    receive_units: list[Unit] = field(default_factory=list)
    report_units: list[Unit] = field(default_factory=list)
    reason_units: list[Unit] = field(default_factory=list)
    can_submit: bool = False
    can_accept: bool = False
    can_reopen: bool = False

    @property
    def status_label(self) -> str:
        return str(TrackingStatus(self.status).label)

    @property
    def can_receive(self) -> bool:
        return bool(self.receive_units)


def is_late(task: Task, *, today: dt.date) -> bool:
    """Overdue, or done after its deadline (the two lights the ledger lists)."""
    if task.due is None:
        return False
    if task.completed_on is None:
        return task.due < today
    return task.completed_on > task.due


def task_panel(
    membership: Membership, campaign: Campaign, task: Task, *, today: dt.date
) -> TaskPanel:
    """What the task page shows of the lifecycle to this user; `task` comes from task_get."""
    units = task_units(task)
    access = task_access(membership, campaign, units)
    tracking = TaskTracking.objects.filter(task=task).first()
    status = effective_status(
        tracking.status if tracking else None,
        completed_on=task.completed_on,
        received=bool(tracking and tracking.received_at),
    )
    panel = TaskPanel(
        status=status, tracking=tracking, access=access, late=is_late(task, today=today)
    )
    unit_by_id = {link.unit_id: link.unit for link in getattr(task, "unit_links", [])}

    def ordered(ids: frozenset[int]) -> list[Unit]:
        return [unit for unit_id, unit in unit_by_id.items() if unit_id in ids]

    visible = Q(status=ReportStatus.SUBMITTED) if access.may_see_reports else Q(pk__in=[])
    if access.report_unit_ids:
        visible |= Q(status=ReportStatus.DRAFT, unit_id__in=access.report_unit_ids)
    if access.may_see_reports or access.report_unit_ids:
        panel.reports = list(
            ProgressReport.objects.filter(visible, task=task)
            .select_related("unit")
            .prefetch_related("attachments")
        )
    if access.may_see_reports:
        panel.events = list(TaskEvent.objects.filter(task=task).select_related("unit"))
        panel.reasons = list(OverdueReason.objects.filter(task=task).select_related("unit"))

    is_open = status != TrackingStatus.ACCEPTED
    if status in ALLOWED_FROM[Transition.RECEIVE]:
        panel.receive_units = ordered(access.lead_unit_ids)
    if is_open:
        may_report = access.report_unit_ids - (
            access.lead_unit_ids if status not in LEAD_REPORTING else frozenset()
        )
        panel.report_units = ordered(frozenset(may_report))
    has_lead_report = any(
        r.status == ReportStatus.SUBMITTED and r.unit_id in units.lead for r in panel.reports
    )
    panel.can_submit = (
        access.may_act_as_lead and status in ALLOWED_FROM[Transition.SUBMIT] and has_lead_report
    )
    panel.can_accept = access.may_accept and status in ALLOWED_FROM[Transition.ACCEPT]
    panel.can_reopen = access.may_reopen and status in ALLOWED_FROM[Transition.REOPEN]
    if panel.late:
        panel.reason_units = ordered(access.lead_unit_ids)
    return panel


# --- Reports and attachments --------------------------------------------------------------


def report_get(membership: Membership, campaign: Campaign, report_id: int) -> ProgressReport:
    """A report of the campaign the user may see: submitted ones to those who see the task's
    reports, drafts only to those acting for the report's unit. Otherwise 404."""
    report = (
        ProgressReport.objects.select_related("unit", "task", "task__campaign")
        .prefetch_related("attachments")
        .filter(pk=report_id, task__campaign=campaign)
        .first()
    )
    if report is None or not _may_see_report(membership, report):
        raise Http404
    return report


def _may_see_report(membership: Membership, report: ProgressReport) -> bool:
    access = task_access(membership, report.task.campaign, task_units(report.task))
    if report.status == ReportStatus.DRAFT:
        return report.unit_id in access.report_unit_ids
    return access.may_see_reports


def attachment_get(membership: Membership, attachment_id: int) -> ReportAttachment:
    """An attachment for download, under the same rules as its report; otherwise 404."""
    attachment = (
        ReportAttachment.objects.select_related("report", "report__task", "report__task__campaign")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    # The campaign check first: another office's user learns nothing, not even that it exists.
    campaign_get(membership, attachment.report.task.campaign_id)
    if not _may_see_report(membership, attachment.report):
        raise Http404
    return attachment


# --- Notification recipients --------------------------------------------------------------


def lead_unit_users(task: Task) -> list[User]:
    """Logins acting for the task's lead units (heads, contacts, branch secretaries)."""
    lead_units = TaskUnit.objects.filter(task=task, role=TaskUnitRole.LEAD).values("unit_id")
    return list(
        User.objects.filter(
            is_active=True,
            person__roles__role__in=UNIT_SCOPED_ROLES,
            person__roles__unit_id__in=lead_units,
        )
        .distinct()
        .order_by("pk")
    )


def office_users(campaign: Campaign) -> list[User]:
    """Logins of the leading group's office: its director and staff, and its seats."""
    return list(
        User.objects.filter(is_active=True, person__office_id=campaign.office_id)
        .filter(
            Q(person__roles__role__in=[Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF])
            | Q(
                person__leading_group_seats__campaign=campaign,
                person__leading_group_seats__role__in=GROUP_OFFICE_SEATS,
            )
        )
        .distinct()
        .order_by("pk")
    )


# --- Overdue ledger -----------------------------------------------------------------------


def ledger_tasks(
    campaign: Campaign,
    *,
    today: dt.date,
    scope: frozenset[int] | None,
    unit_id: int | None = None,
) -> QuerySet[Task]:
    """Overdue and done-late tasks with their lead units and reasons, open ones first.

    `scope` limits the list to tasks led by those units (None: every task).
    """
    tasks = tasks_with_lights(campaign, today=today).filter(Q(light__in=LATE_LIGHTS))
    for ids in (scope, frozenset({unit_id}) if unit_id else None):
        if ids is not None:
            tasks = tasks.filter(
                pk__in=TaskUnit.objects.filter(role=TaskUnitRole.LEAD, unit_id__in=ids).values(
                    "task_id"
                )
            )
    return tasks.prefetch_related(
        Prefetch(
            "overdue_reasons",
            queryset=OverdueReason.objects.select_related("unit"),
            to_attr="reasons",
        )
    ).order_by(F("completed_on").asc(nulls_first=True), "due", "seq", "id")


def ledger_units(campaign: Campaign, *, scope: frozenset[int] | None) -> list[Unit]:
    """The lead units of the campaign's tasks (within scope), for the ledger's unit filter."""
    lead = TaskUnit.objects.filter(task__campaign=campaign, role=TaskUnitRole.LEAD)
    if scope is not None:
        lead = lead.filter(unit_id__in=scope)
    return list(Unit.objects.filter(pk__in=lead.values("unit_id")))


@dataclass(frozen=True)
class LedgerRow:
    task: Task
    lead_units: list[Unit]
    days_late: int
    reasons: list[OverdueReason]
    # The lead units this user gives reasons for (empty: the row has no form for them).
    reason_units: list[Unit]


def ledger_rows(
    tasks: Iterable[Task], *, membership: Membership, today: dt.date
) -> list[LedgerRow]:
    """Rows of ledger_tasks; no query (lead units and reasons come prefetched)."""
    rows = []
    for task in tasks:
        lead = [
            link.unit
            for link in task.unit_links  # type: ignore[attr-defined]
            if link.role == TaskUnitRole.LEAD
        ]
        rows.append(
            LedgerRow(
                task=task,
                lead_units=lead,
                days_late=days_late(due=task.due, completed_on=task.completed_on, today=today),
                reasons=list(task.reasons),  # type: ignore[attr-defined]
                reason_units=[u for u in lead if u.pk in membership.managed_unit_ids],
            )
        )
    return rows


# --- On-time rates (按期完成率) -------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    """Tasks whose deadline has come: done on time, done late, overdue (and due today, open)."""

    label: str
    due: int
    on_time: int
    late: int
    overdue: int
    unit_id: int | None = None

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.1f}%"


def _rate_counts(prefix: str, today: dt.date, *, within: Q | None = None) -> dict[str, Count]:
    """Count aggregates over the tasks at `prefix` (e.g. "task__"), each task once.

    A task counts once its deadline has passed, or on its deadline day once it is done: the
    rate is on time / counted. `within` narrows every count (e.g. to lead-unit links).
    """

    def q(**lookups: object) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    def count(condition: Q) -> Count:
        return Count(
            f"{prefix}id", filter=condition & within if within else condition, distinct=True
        )

    counted = q(due__lt=today) | q(due=today, completed_on__isnull=False)
    return {
        "due_n": count(counted),
        "on_time_n": count(counted & q(completed_on__lte=F(f"{prefix}due"))),
        "late_n": count(counted & q(completed_on__gt=F(f"{prefix}due"))),
        "overdue_n": count(q(due__lt=today, completed_on__isnull=True)),
    }


def _row(label: str, row: Mapping[str, Any], unit_id: int | None = None) -> RateRow:
    return RateRow(
        label=label,
        due=row["due_n"],
        on_time=row["on_time_n"],
        late=row["late_n"],
        overdue=row["overdue_n"],
        unit_id=unit_id,
    )


def rate_overall(campaign: Campaign, *, today: dt.date) -> RateRow:
    row = Task.objects.filter(campaign=campaign, due__isnull=False).aggregate(
        **_rate_counts("", today)
    )
    return _row(campaign.title, row)


def rates_by_unit(campaign: Campaign, *, today: dt.date) -> list[RateRow]:
    """One row per lead unit of the campaign, by the unit's order, in one query."""
    rows = (
        TaskUnit.objects.filter(
            task__campaign=campaign, role=TaskUnitRole.LEAD, task__due__isnull=False
        )
        .values("unit_id", "unit__name", "unit__sort_order")
        .annotate(**_rate_counts("task__", today))
        .order_by("unit__sort_order", "unit_id")
    )
    return [_row(row["unit__name"], row, unit_id=row["unit_id"]) for row in rows]


@dataclass(frozen=True)
class LeaderRates:
    rows: list[RateRow]
    # False when no sub-theme's responsible units lead any task: the rates say nothing then.
    mapped: bool


def rates_by_leader(campaign: Campaign, *, today: dt.date) -> LeaderRates:
    """One row per sub-theme lead leader over the tasks led by the sub-theme's units.

    A task counts once per leader even when several of its lead units are that leader's.
    """
    prefix = "units__task_units__task__"
    lead = Q(units__task_units__role=TaskUnitRole.LEAD, **{f"{prefix}campaign": campaign})
    rows = list(
        SubTheme.objects.filter(campaign=campaign)
        .annotate(leader=Coalesce(F("lead_leader__name"), NullIf(F("lead_leader_name"), Value(""))))
        .filter(leader__isnull=False)
        .values("leader")
        .annotate(
            first=Min("order"),
            mapped_n=Count(f"{prefix}id", filter=lead, distinct=True),
            **_rate_counts(prefix, today, within=lead),
        )
        .order_by("first", "leader")
    )
    result = [_row(row["leader"], row) for row in rows]
    return LeaderRates(rows=result, mapped=any(row["mapped_n"] for row in rows))
