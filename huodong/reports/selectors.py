"""Reads of the report drafts and the facts their text is drafted from.

`campaign_get` and `draft_get` answer 404 for what the user may not read (another office, a
unit's staff); the views then ask `permissions.can_draft_reports` for what they may change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    LeadingGroupRole,
    Phase,
    SubTheme,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.core import clock
from huodong.orgs.permissions import Membership
from huodong.participation.models import Problem, ProblemStatus, Reflection, ReflectionStatus
from huodong.participation.selectors.compliance import compliance_overview
from huodong.reports.documents.drafting import (
    COUNTED_FIELDS,
    FIGURE_FIELDS,
    BriefFacts,
    ExcellentReflection,
    Mention,
    SummaryFacts,
    TaskLine,
    figures_from_json,
    format_figure,
)
from huodong.reports.models import ReportDraft, ReportSection
from huodong.reports.permissions import can_read_reports
from huodong.suggestions.models import Outcome, OutcomeStatus
from huodong.supervision.selectors import rates_by_unit

NAMES_FETCHED = 10
OVERDUE_LISTED = 10

FIGURE_LABELS = {
    "people": _("People"),
    "units": _("Units"),
    "tasks_total": _("Tasks"),
    "tasks_done": _("Tasks done"),
    "tasks_done_on_time": _("Tasks done on time"),
    "tasks_overdue": _("Tasks overdue"),
    "on_time_rate": _("On-time rate"),
    "tasks_due": _("Tasks due"),
    "study_sessions_held": _("Study sessions held"),
    "study_records": _("Study records"),
    "people_studied": _("People who studied"),
    "meetings_held": _("Meetings held"),
    "meeting_attendance": _("Meeting attendance"),
    "online_participations": _("Online participations"),
    "reflections_submitted": _("Reflections submitted"),
    "reflections_excellent": _("Excellent reflections"),
    "problems_found": _("Problems found"),
    "problems_rectified": _("Problems rectified"),
    "enterprise_problems": _("Enterprise problems"),
    "enterprise_problems_resolved": _("Enterprise problems resolved"),
    "rectification_orders": _("Rectification orders"),
    "rectification_orders_closed": _("Rectification orders closed"),
    "surveys": _("Questionnaires"),
    "survey_responses": _("Questionnaire answers"),
    "suggestions_received": _("Suggestions received"),
    "suggestions_valuable": _("Valuable suggestions"),
    "suggestions_adopted": _("Suggestions adopted"),
    "suggestions_converted": _("Suggestions converted"),
    "outcomes_total": _("Outcomes"),
    "outcomes_done": _("Outcomes done"),
    "outcomes_average_progress": _("Outcomes' average progress"),
    "articles_published": _("Articles published"),
    "publicity_placements": _("Publicity placements"),
}


# --- Drafts ---------------------------------------------------------------------------------


def campaign_get(membership: Membership, campaign_id: int) -> Campaign:
    """The campaign whose reports the user may read, else 404."""
    campaign = Campaign.objects.select_related("office").filter(pk=campaign_id).first()
    if campaign is None or not can_read_reports(membership, campaign):
        raise Http404
    return campaign


def draft_get(membership: Membership, draft_id: int) -> ReportDraft:
    """A draft of a campaign whose reports the user may read, with its sections, else 404."""
    draft = (
        ReportDraft.objects.select_related("campaign", "campaign__office", "updated_by")
        .prefetch_related(Prefetch("sections", queryset=ReportSection.objects.order_by("order")))
        .filter(pk=draft_id)
        .first()
    )
    if draft is None or not can_read_reports(membership, draft.campaign):
        raise Http404
    return draft


def drafts_of(campaign: Campaign) -> QuerySet[ReportDraft]:
    return ReportDraft.objects.filter(campaign=campaign).select_related("updated_by")


@dataclass(frozen=True)
class FigureRow:
    """One line of the figures table beside the editor."""

    field: str
    label: str
    value: str
    period_value: str  # the difference over a brief's period ("" when not counted per period)
    mentioned: bool


def figure_rows(draft: ReportDraft) -> list[FigureRow]:
    """The snapshot the draft was written from, every figure with the value the text used."""
    current = draft.figures.get("current")
    if not current:
        return []
    figures = figures_from_json(current)
    previous_data = draft.figures.get("previous")
    previous = figures_from_json(previous_data) if previous_data else None
    mentions = [Mention.from_json(m) for m in draft.mentions]
    used = {m.field for m in mentions}
    period = {m.field: m.value for m in mentions if m.scope == "period"}
    rows = []
    for name in FIGURE_FIELDS:
        value = getattr(figures, name)
        before = getattr(previous, name, None) if previous is not None else None
        period_value = period.get(name, "")
        if not period_value and name in COUNTED_FIELDS and previous is not None:
            period_value = format_figure(name, max(0, value - (before or 0)))
        rows.append(
            FigureRow(
                field=name,
                label=str(FIGURE_LABELS.get(name, name)),
                value=format_figure(name, value),
                period_value=period_value,
                mentioned=name in used,
            )
        )
    return rows


# --- Facts for the summary ------------------------------------------------------------------


def _lead_units(task: Task) -> tuple[str, ...]:
    return tuple(
        link.unit.name
        for link in task.task_units.all()  # prefetched, lead links only
    )


def _lead_links() -> Prefetch:
    return Prefetch(
        "task_units",
        queryset=TaskUnit.objects.filter(role=TaskUnitRole.LEAD)
        .select_related("unit")
        .order_by("order", "id"),
    )


def _overdue(campaign: Campaign, day: dt.date) -> QuerySet[Task]:
    """Tasks past their deadline on `day` and not done by then (the light's rule)."""
    return Task.objects.filter(campaign=campaign, due__lt=day).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=day)
    )


def summary_facts(campaign: Campaign, *, as_of: dt.date) -> SummaryFacts:
    """The names the summary cites beside its figures: a few queries, each bounded."""
    leaders = LeadingGroupMember.objects.filter(
        campaign=campaign, role=LeadingGroupRole.LEADER
    ).values_list("name", flat=True)
    group_office = campaign.leading_group_office.name if campaign.leading_group_office else ""
    units_on_time = [
        row.label
        for row in rates_by_unit(campaign, today=as_of)
        if row.due and row.on_time == row.due
    ]
    excellent = [
        ExcellentReflection(
            title=r.title,
            author=r.person.name,
            unit=r.person.unit.name if r.person.unit_id else "",
            recommended=r.recommended_to_column,
        )
        for r in Reflection.objects.filter(campaign=campaign, status=ReflectionStatus.EXCELLENT)
        .select_related("person", "person__unit")
        .order_by("-recommended_to_column", "-reviewed_at", "-id")[:3]
    ]
    # Top-level outcomes before their parts, the latest first.
    outcomes_done = Outcome.objects.filter(campaign=campaign, status=OutcomeStatus.DONE).order_by(
        F("parent").asc(nulls_first=True), "-updated_at", "-id"
    )
    overdue_units = (
        TaskUnit.objects.filter(
            role=TaskUnitRole.LEAD, task__in=_overdue(campaign, as_of).values("pk")
        )
        .order_by("unit__sort_order", "unit_id")
        .values_list("unit__name", flat=True)
        .distinct()
    )
    requirements_short = [
        row.requirement.subject
        for row in compliance_overview(campaign, today=as_of, now=clock.now(), scope=None)
        if row.summary is not None and row.summary.short > 0
    ]
    branches = (
        Problem.objects.filter(
            campaign=campaign,
            found_on__lte=as_of,
            status__in=[ProblemStatus.FOUND, ProblemStatus.RECTIFYING],
        )
        .order_by("branch__sort_order", "branch_id")
        .values_list("branch__name", flat=True)
        .distinct()
    )
    return SummaryFacts(
        campaign_title=campaign.title,
        doc_number=campaign.doc_number,
        issuer=campaign.issuer or campaign.office.name,
        start=campaign.start,
        end=campaign.end,
        phases=tuple(Phase.objects.filter(campaign=campaign).values_list("name", flat=True)),
        sub_themes=tuple(SubTheme.objects.filter(campaign=campaign).values_list("name", flat=True)),
        group_leaders=tuple(leaders),
        group_office=group_office,
        units_on_time=tuple(units_on_time[:NAMES_FETCHED]),
        excellent=tuple(excellent),
        outcomes_done=tuple(o.title for o in outcomes_done[:3]),
        overdue_units=tuple(dict.fromkeys(overdue_units[: NAMES_FETCHED * 3]))[:NAMES_FETCHED],
        requirements_short=tuple(requirements_short),
        branches_rectifying=tuple(dict.fromkeys(branches[: NAMES_FETCHED * 3]))[:NAMES_FETCHED],
    )


# --- Facts for a brief ----------------------------------------------------------------------


def _task_lines(tasks: QuerySet[Task]) -> tuple[TaskLine, ...]:
    return tuple(TaskLine(text=t.text, due=t.due, units=_lead_units(t)) for t in tasks)


def brief_facts(
    campaign: Campaign,
    *,
    issue_number: int,
    period: str,
    period_start: dt.date,
    period_end: dt.date,
    reference_day: dt.date,
    next_start: dt.date,
    next_end: dt.date,
) -> BriefFacts:
    due_next = (
        Task.objects.filter(
            campaign=campaign, due__gte=next_start, due__lte=next_end, completed_on__isnull=True
        )
        .prefetch_related(_lead_links())
        .order_by("due", "seq")
    )
    overdue = (
        _overdue(campaign, reference_day)
        .prefetch_related(_lead_links())
        .order_by("due", "seq")[:OVERDUE_LISTED]
    )
    return BriefFacts(
        campaign_title=campaign.title,
        issue_number=issue_number,
        period=period,
        period_start=period_start,
        period_end=period_end,
        reference_day=reference_day,
        next_start=next_start,
        next_end=next_end,
        due_next=_task_lines(due_next[:20]),
        overdue=_task_lines(overdue),
    )
