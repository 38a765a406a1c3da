"""Reads of campaigns, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.http import Http404

from huodong.campaigns.lights import Light, light_expression
from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    Phase,
    PlanDraft,
    PlanDraftStatus,
    Requirement,
    SubTheme,
    Task,
    TaskUnit,
)
from huodong.campaigns.permissions import (
    can_create_campaign,
    can_manage_campaign,
    can_view_campaign,
)
from huodong.orgs.permissions import Membership


def campaigns_visible_to(membership: Membership) -> QuerySet[Campaign]:
    if membership.is_superuser:
        return Campaign.objects.select_related("office")
    if membership.office_id is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(office_id=membership.office_id).select_related("office")


def campaign_get(membership: Membership, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_related("office", "leading_group_office")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or not can_view_campaign(membership, campaign):
        raise Http404
    return campaign


def campaign_current(membership: Membership, *, today: dt.date) -> Campaign | None:
    """The campaign running today, else the latest one."""
    visible = campaigns_visible_to(membership)
    running = visible.filter(start__lte=today, end__gte=today).order_by("-start").first()
    return running or visible.order_by("-start", "-id").first()


def campaign_overview(campaign: Campaign) -> dict:
    """Everything the campaign home shows beside the timeline, in a fixed number of queries."""
    sub_themes = list(
        SubTheme.objects.filter(campaign=campaign)
        .select_related("lead_leader")
        .prefetch_related("units")
    )
    group = list(LeadingGroupMember.objects.filter(campaign=campaign).select_related("person"))
    phases = list(Phase.objects.filter(campaign=campaign))
    requirements = list(Requirement.objects.filter(campaign=campaign).select_related("task"))
    return {
        "sub_themes": sub_themes,
        "leading_group": group,
        "phases": phases,
        "requirements": requirements,
    }


def _lead_and_co_units() -> Prefetch:
    return Prefetch(
        "task_units",
        queryset=TaskUnit.objects.select_related("unit").order_by("role", "order", "id"),
        to_attr="unit_links",
    )


def tasks_with_lights(campaign: Campaign, *, today: dt.date) -> QuerySet[Task]:
    return (
        Task.objects.filter(campaign=campaign)
        .select_related("phase")
        .annotate(light=light_expression(today=today, warning_days=campaign.warning_days))
        .prefetch_related(_lead_and_co_units())
        .order_by("seq", "id")
    )


@dataclass(frozen=True)
class ScheduleFilters:
    phase_id: int | None = None
    unit_id: int | None = None
    light: str | None = None


def schedule_tasks(
    campaign: Campaign, *, today: dt.date, filters: ScheduleFilters
) -> QuerySet[Task]:
    tasks = tasks_with_lights(campaign, today=today)
    if filters.phase_id:
        tasks = tasks.filter(phase_id=filters.phase_id)
    if filters.unit_id:
        tasks = tasks.filter(task_units__unit_id=filters.unit_id).distinct()
    if filters.light in Light.values:
        tasks = tasks.filter(Q(light=filters.light))
    return tasks


def light_counts(campaign: Campaign, *, today: dt.date) -> dict[str, int]:
    rows = (
        Task.objects.filter(campaign=campaign)
        .annotate(light=light_expression(today=today, warning_days=campaign.warning_days))
        .values("light")
        .annotate(n=Count("id"))
    )
    counts = {light: 0 for light in Light.values}
    for row in rows:
        counts[row["light"]] = row["n"]
    return counts


@dataclass(frozen=True)
class DeadlineMark:
    """The tasks of one light due on one day: one dot on the timeline, however many tasks."""

    due: dt.date
    light: str
    count: int
    seq: int  # the first task's number, for a link when the dot stands for one task


def deadline_marks(campaign: Campaign, *, today: dt.date) -> list[DeadlineMark]:
    rows = (
        Task.objects.filter(campaign=campaign, due__isnull=False)
        .annotate(light=light_expression(today=today, warning_days=campaign.warning_days))
        .values("due", "light")
        .annotate(count=Count("id"), seq=Min("seq"))
        .order_by("due", "light")
    )
    return [
        DeadlineMark(due=row["due"], light=row["light"], count=row["count"], seq=row["seq"])
        for row in rows
        if row["due"] is not None
    ]


def task_get(campaign: Campaign, *, seq: int, today: dt.date) -> Task:
    task = tasks_with_lights(campaign, today=today).filter(seq=seq).first()
    if task is None:
        raise Http404
    return task


def tasks_for_units(
    campaign: Campaign, *, unit_ids: frozenset[int], today: dt.date
) -> QuerySet[Task]:
    """Tasks a unit leads or helps with, for that unit's home page."""
    return (
        tasks_with_lights(campaign, today=today).filter(task_units__unit_id__in=unit_ids).distinct()
    )


def plan_draft_get(membership: Membership, draft_id: int) -> PlanDraft:
    """A draft its office's campaign managers may review; anyone else gets 404."""
    draft = (
        PlanDraft.objects.select_related("office", "campaign", "created_by")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None:
        raise Http404
    if draft.campaign is not None:
        allowed = can_manage_campaign(membership, draft.campaign)
    else:
        allowed = can_create_campaign(membership, draft.office_id)
    if not allowed:
        raise Http404
    return draft


def plan_drafts_open(office_id: int, *, campaign: Campaign | None = None) -> QuerySet[PlanDraft]:
    """Drafts still under review: of new campaigns, or of one campaign's revised plan."""
    drafts = PlanDraft.objects.filter(office_id=office_id, status=PlanDraftStatus.OPEN)
    drafts = drafts.filter(campaign=campaign) if campaign else drafts.filter(campaign__isnull=True)
    return drafts.select_related("created_by").defer("parsed", "source_text")
