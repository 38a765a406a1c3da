"""Reads of a campaign's supervision, scoped to what the user may see (see permissions.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from huodong.campaigns.lights import Light
from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    LeadingGroupRole,
    RequirementScope,
    SubTheme,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.campaigns.selectors import tasks_with_lights
from huodong.inspections.models import (
    AccountabilityEntry,
    Inspection,
    Notice,
    NoticeStatus,
    RectificationAnswer,
    RectificationEvent,
    RectificationOrder,
)
from huodong.inspections.notice_text import (
    EarlyTask,
    NoticeFacts,
    OverdueTask,
    Shortfall,
    UnitTasks,
    doc_number_prefix,
    format_doc_number,
    parse_doc_number,
)
from huodong.inspections.permissions import (
    Standing,
    can_list_inspections,
    can_list_notices,
    can_list_orders,
    can_view_inspection,
    can_view_ledger,
    can_view_notice,
    can_view_order,
)
from huodong.orgs.models import UNIT_SCOPED_ROLES, Office, Unit, User
from huodong.participation.selectors.compliance import (
    compliance_for,
    is_counted,
    requirement_period,
)

# Inspections ---------------------------------------------------------------------------------


def _task_units() -> Prefetch:
    return Prefetch(
        "task__task_units",
        queryset=TaskUnit.objects.select_related("unit").order_by("role", "order", "id"),
        to_attr="unit_links",
    )


def inspections_visible(st: Standing, *, unit_id: int | None = None) -> QuerySet[Inspection]:
    if not can_list_inspections(st):
        return Inspection.objects.none()
    qs = Inspection.objects.filter(campaign=st.campaign)
    if not st.sees_all:
        ids = st.unit_ids
        qs = qs.filter(
            Q(unit_id__in=ids)
            | Q(task__in=TaskUnit.objects.filter(unit_id__in=ids).values("task_id"))
        )
    if unit_id:
        qs = qs.filter(
            Q(unit_id=unit_id)
            | Q(task__in=TaskUnit.objects.filter(unit_id=unit_id).values("task_id"))
        )
    return qs.select_related("unit", "task", "inspector__person").prefetch_related(_task_units())


def inspection_get(st: Standing, inspection_id: int) -> Inspection:
    inspection = (
        Inspection.objects.filter(campaign=st.campaign, pk=inspection_id)
        .select_related("unit", "task", "inspector__person")
        .prefetch_related(_task_units())
        .first()
    )
    if inspection is None:
        raise Http404
    task_units = [link.unit_id for link in getattr(inspection.task, "unit_links", [])]
    if not can_view_inspection(st, unit_ids=[inspection.unit_id, *task_units]):
        raise Http404
    return inspection


# Notices -------------------------------------------------------------------------------------


def notices_visible(st: Standing) -> QuerySet[Notice]:
    if not can_list_notices(st):
        return Notice.objects.none()
    qs = Notice.objects.filter(campaign=st.campaign)
    if not st.is_office:
        qs = qs.filter(status=NoticeStatus.PUBLISHED)
        if not st.sees_all:
            qs = qs.filter(
                pk__in=Notice.units.through.objects.filter(unit_id__in=st.unit_ids).values(
                    "notice_id"
                )
            )
    return qs.prefetch_related("units")


def notice_get(st: Standing, notice_id: int) -> Notice:
    notice = (
        Notice.objects.filter(campaign=st.campaign, pk=notice_id)
        .select_related("published_by__person", "created_by__person")
        .prefetch_related("units")
        .first()
    )
    if notice is None or not can_view_notice(
        st,
        published=notice.status == NoticeStatus.PUBLISHED,
        unit_ids=[u.pk for u in notice.units.all()],
    ):
        raise Http404
    return notice


def requirement_shortfalls(
    campaign: Campaign, *, period_start: dt.date, period_end: dt.date
) -> list[Shortfall]:
    """Branches and units below their numeric requirements as the period ends.

    Each counted branch- or unit-scope requirement is checked in its period that contains
    `period_end` (the whole campaign, or that month or quarter); one query per requirement.
    """
    at = timezone.make_aware(dt.datetime.combine(period_end, dt.time.max))
    shortfalls: list[Shortfall] = []
    requirements = campaign.requirements.filter(
        scope__in=[RequirementScope.BRANCH, RequirementScope.UNIT]
    ).order_by("order", "pk")
    for requirement in requirements:
        requirement.campaign = campaign
        if not is_counted(requirement):
            continue
        period = requirement_period(requirement, None, today=period_end)
        # What was done after the notice's period ends is not counted in it.
        period = replace(period, end=min(period.end, period_end))
        compliance = compliance_for(requirement, period, now=at, scope=None)
        for row in compliance.rows(short_only=True):
            shortfalls.append(
                Shortfall(
                    unit_id=row.pk,
                    unit_name=row.name,
                    requirement=requirement.source_text or requirement.subject,
                    minimum=requirement.minimum,
                    done=getattr(row, compliance.value_field),
                )
            )
    return shortfalls


def _by_unit(entries: list[tuple[Unit, object]]) -> list[UnitTasks]:
    grouped: dict[int, UnitTasks] = {}
    for unit, item in entries:
        grouped.setdefault(unit.pk, UnitTasks(unit.pk, unit.name)).tasks.append(item)
    order = {unit.pk: (unit.sort_order, unit.pk) for unit, _ in entries}
    return sorted(grouped.values(), key=lambda u: order[u.unit_id])


def notice_facts(campaign: Campaign, *, period_start: dt.date, period_end: dt.date) -> NoticeFacts:
    """What happened in the period, in a fixed number of queries.

    Overdue: the tasks whose light at the period's end is overdue (or that were completed only
    after it), with the days late at that date. Early: the tasks completed in the period before
    their deadline. Both by lead unit.
    """
    overdue: list[tuple[Unit, object]] = []
    early: list[tuple[Unit, object]] = []
    for task in tasks_with_lights(campaign, today=period_end):
        links = getattr(task, "unit_links", [])  # prefetched by the selector
        leads = [link.unit for link in links if link.role == TaskUnitRole.LEAD]
        light: str = task.light  # type: ignore[attr-defined]  # annotated by the selector
        done_after = task.completed_on is not None and task.completed_on > period_end
        if task.due is not None and (
            light == Light.OVERDUE or (done_after and task.due < period_end)
        ):
            item: object = OverdueTask(
                seq=task.seq, text=task.text, due=task.due, days_late=(period_end - task.due).days
            )
            overdue += [(unit, item) for unit in leads]
        elif (
            task.due is not None
            and task.completed_on is not None
            and period_start <= task.completed_on <= period_end
            and task.completed_on < task.due
        ):
            item = EarlyTask(
                seq=task.seq,
                text=task.text,
                due=task.due,
                completed_on=task.completed_on,
                days_early=(task.due - task.completed_on).days,
            )
            early += [(unit, item) for unit in leads]
    return NoticeFacts(
        campaign_title=campaign.title,
        campaign_doc_number=campaign.doc_number,
        period_start=period_start,
        period_end=period_end,
        overdue=_by_unit(overdue),
        early=_by_unit(early),
        shortfalls=requirement_shortfalls(
            campaign, period_start=period_start, period_end=period_end
        ),
    )


def notice_next_doc_number(office: Office, *, campaign: Campaign, year: int) -> str:
    """The next free number of the office's notices for the year, e.g. 宿政管督〔2018〕3号.

    The prefix is that of the office's latest numbered notice, else derived from the
    campaign's own number (宿政管发 → 宿政管督). Only a suggestion: the unique constraint on
    (office, number) decides when two people take the same one at once.
    """
    numbers = list(
        Notice.objects.filter(office=office)
        .exclude(doc_number="")
        .order_by("-created_at", "-id")
        .values_list("doc_number", flat=True)
    )
    parsed = [p for p in (parse_doc_number(n) for n in numbers) if p is not None]
    if parsed:
        prefix = parsed[0][0]
    else:
        prefix = doc_number_prefix(campaign.doc_number, office.short_name or office.name)
    taken = [seq for p, y, seq in parsed if p == prefix and y == year]
    return format_doc_number(prefix, year, max(taken, default=0) + 1)


def unit_contacts(unit_ids) -> list[User]:
    """The logins of the heads, contacts and branch secretaries of these units."""
    return list(
        User.objects.filter(
            is_active=True,
            person__roles__role__in=UNIT_SCOPED_ROLES,
            person__roles__unit_id__in=list(unit_ids),
        ).distinct()
    )


# Rectification orders ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    unit_id: int | None = None
    status: str | None = None


def orders_visible(
    st: Standing, *, filters: OrderFilters | None = None
) -> QuerySet[RectificationOrder]:
    if not can_list_orders(st):
        return RectificationOrder.objects.none()
    qs = RectificationOrder.objects.filter(campaign=st.campaign)
    if not st.sees_all:
        qs = qs.filter(unit_id__in=st.unit_ids | st.led_unit_ids)
    if filters and filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters and filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("unit", "task", "inspection")


def order_get(st: Standing, order_id: int) -> RectificationOrder:
    order = (
        RectificationOrder.objects.filter(campaign=st.campaign, pk=order_id)
        .select_related("unit", "task", "inspection", "issued_by__person")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=RectificationAnswer.objects.select_related("submitted_by__person"),
            ),
            Prefetch("events", queryset=RectificationEvent.objects.select_related("actor__person")),
        )
        .first()
    )
    if order is None or not can_view_order(st, unit_id=order.unit_id):
        raise Http404
    return order


def answer_get(st: Standing, order_id: int, answer_id: int) -> RectificationAnswer:
    answer = (
        RectificationAnswer.objects.filter(
            pk=answer_id, order_id=order_id, order__campaign=st.campaign
        )
        .select_related("order")
        .first()
    )
    if (
        answer is None
        or not answer.attachment
        or not can_view_order(st, unit_id=answer.order.unit_id)
    ):
        raise Http404
    return answer


def escalation_recipients(campaign: Campaign) -> tuple[dict[int, list[User]], list[User]]:
    """Who an overdue order goes up to: by unit, the lead leaders of the sub-themes whose units
    include it; and the group leaders (组长) for a unit no sub-theme names."""
    by_unit: dict[int, list[User]] = {}
    themes = (
        SubTheme.objects.filter(
            campaign=campaign, lead_leader__user__isnull=False, lead_leader__user__is_active=True
        )
        .select_related("lead_leader__user")
        .prefetch_related("units")
    )
    for theme in themes:
        assert theme.lead_leader is not None and theme.lead_leader.user is not None
        for unit in theme.units.all():
            by_unit.setdefault(unit.pk, []).append(theme.lead_leader.user)
    leaders = [
        seat.person.user
        for seat in LeadingGroupMember.objects.filter(
            campaign=campaign,
            role=LeadingGroupRole.LEADER,
            person__user__isnull=False,
            person__user__is_active=True,
        ).select_related("person__user")
        if seat.person is not None and seat.person.user is not None
    ]
    return by_unit, leaders


# Accountability ------------------------------------------------------------------------------


def ledger_entries(st: Standing) -> QuerySet[AccountabilityEntry]:
    if not can_view_ledger(st):
        raise Http404
    return AccountabilityEntry.objects.filter(campaign=st.campaign).select_related(
        "unit", "person__unit", "task", "order__unit", "recorded_by__person"
    )


# Choices for forms ---------------------------------------------------------------------------


def office_units(campaign: Campaign) -> list[Unit]:
    return list(Unit.objects.filter(office_id=campaign.office_id).order_by("sort_order", "id"))


def campaign_tasks(campaign: Campaign) -> list[Task]:
    return list(Task.objects.filter(campaign=campaign).only("id", "seq", "text").order_by("seq"))
