"""Who may do what in a task's lifecycle. Views and services both ask these.

- A unit acts through its head, contact or branch secretary (`Membership.managed_unit_ids`).
- The lead unit receives the task, reports, submits it for acceptance and explains a delay.
- A co-unit reports on its own part; it cannot submit the task for acceptance.
- The office (office director, office staff, admin, the leading group's office seats) and
  inspectors accept a submitted task or return it; only the office reopens an accepted one.
- Reports and their files are seen by the office-wide roles, the leading group, the sub-themes'
  lead leaders, and the members and role holders of the task's units; a unit's drafts only by
  those who act for that unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    SubTheme,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.campaigns.permissions import can_manage_campaign, sees_whole_plan
from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership


@dataclass(frozen=True)
class TaskUnits:
    lead: frozenset[int]
    co: frozenset[int]

    @property
    def all(self) -> frozenset[int]:
        return self.lead | self.co


def task_units(task: Task) -> TaskUnits:
    """The task's lead and co-units: from the prefetched links if present, else one query."""
    links = getattr(task, "unit_links", None)
    pairs = (
        [(link.unit_id, link.role) for link in links]
        if links is not None
        else list(TaskUnit.objects.filter(task=task).values_list("unit_id", "role"))
    )
    return TaskUnits(
        lead=frozenset(u for u, role in pairs if role == TaskUnitRole.LEAD),
        co=frozenset(u for u, role in pairs if role == TaskUnitRole.CO),
    )


def lead_units_acted_for(membership: Membership, units: TaskUnits) -> frozenset[int]:
    """The task's lead units this user acts for (receive, submit, report, give reasons)."""
    return membership.managed_unit_ids & units.lead


def report_units_acted_for(membership: Membership, units: TaskUnits) -> frozenset[int]:
    """The task's units (lead or co) this user writes reports for."""
    return membership.managed_unit_ids & units.all


def can_accept(membership: Membership, campaign: Campaign) -> bool:
    """Accept a submitted task or return it: the office, admins and inspectors."""
    if not membership.in_office(campaign.office_id):
        return False
    return Role.INSPECTOR in membership.roles or can_manage_campaign(membership, campaign)


def can_reopen(membership: Membership, campaign: Campaign) -> bool:
    """Reopen an accepted task: the leading group's office and admins (not inspectors)."""
    return can_manage_campaign(membership, campaign)


def belongs_to_units(membership: Membership, unit_ids: frozenset[int]) -> bool:
    person = membership.person
    if person is not None and (person.unit_id in unit_ids or person.branch_id in unit_ids):
        return True
    return bool(membership.managed_unit_ids & unit_ids)


def can_see_reports(membership: Membership, campaign: Campaign, units: TaskUnits) -> bool:
    if not membership.in_office(campaign.office_id):
        return False
    return belongs_to_units(membership, units.all) or sees_whole_plan(membership, campaign)


def can_view_rates(
    membership: Membership,
    campaign: Campaign,
    *,
    leading_group: Iterable[LeadingGroupMember] | None = None,
    sub_themes: Iterable[SubTheme] | None = None,
) -> bool:
    """On-time rates: office-wide roles, the leading group and the lead leaders.

    Given the campaign's leading group and sub-themes already read, it makes no query.
    """
    if leading_group is None or sub_themes is None:
        return sees_whole_plan(membership, campaign)
    if not membership.in_office(campaign.office_id):
        return False
    if membership.is_office_wide:
        return True
    person_id = membership.person.pk if membership.person is not None else None
    return person_id is not None and (
        any(seat.person_id == person_id for seat in leading_group)
        or any(theme.lead_leader_id == person_id for theme in sub_themes)
    )


def ledger_scope(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The lead units whose overdue tasks the user sees on the ledger; None for every unit.

    Raises PermissionDenied (403) for a member who neither sees the whole plan nor acts for a
    unit; the campaign itself was already checked (another office gets 404).
    """
    if sees_whole_plan(membership, campaign):
        return None
    if membership.managed_unit_ids:
        return membership.managed_unit_ids
    raise PermissionDenied


@dataclass(frozen=True)
class TaskAccess:
    """Everything one user may do with one task, computed once per request."""

    lead_unit_ids: frozenset[int]
    report_unit_ids: frozenset[int]
    may_see_reports: bool
    may_accept: bool
    may_reopen: bool

    @property
    def may_act_as_lead(self) -> bool:
        return bool(self.lead_unit_ids)


def task_access(membership: Membership, campaign: Campaign, units: TaskUnits) -> TaskAccess:
    return TaskAccess(
        lead_unit_ids=lead_units_acted_for(membership, units),
        report_unit_ids=report_units_acted_for(membership, units),
        may_see_reports=can_see_reports(membership, campaign, units),
        may_accept=can_accept(membership, campaign),
        may_reopen=can_reopen(membership, campaign),
    )
