"""Writes to campaigns: creating one from an imported plan, copying it, recording completion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    LeadingGroupRole,
    Phase,
    Requirement,
    SubTheme,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.campaigns.unit_matching import collective_kinds, guess_unit_kind, normalise_unit_name
from huodong.core.audit import audit_record
from huodong.orgs.models import Office, Person, Unit, User
from huodong.orgs.services import unit_create

if TYPE_CHECKING:
    from huodong.campaigns.plan_import import ParsedPlan

GROUP_ROLE_BY_TITLE = {
    "组长": LeadingGroupRole.LEADER,
    "副组长": LeadingGroupRole.DEPUTY,
    "成员": LeadingGroupRole.MEMBER,
}


@dataclass
class _UnitResolver:
    """Resolves plan unit names to units, creating missing ones once per import."""

    actor: User | None
    office: Office
    created: list[Unit] = field(default_factory=list)
    _by_name: dict[str, Unit] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for unit in Unit.objects.filter(office=self.office):
            self._by_name[normalise_unit_name(unit.name)] = unit

    def resolve(self, names: list[str]) -> list[Unit]:
        units: list[Unit] = []
        for raw in names:
            name = normalise_unit_name(raw)
            if not name:
                continue
            kinds = collective_kinds(name)
            if kinds is not None and name not in self._by_name:
                units.extend(u for u in self._by_name.values() if u.kind in kinds)
                continue
            unit = self._by_name.get(name)
            if unit is None:
                unit = unit_create(
                    actor=self.actor, office=self.office, name=name, kind=guess_unit_kind(name)
                )
                self._by_name[name] = unit
                self.created.append(unit)
            units.append(unit)
        # A unit named twice (directly and through a collective name) counts once.
        return list(dict.fromkeys(units))


def _people_by_name(office: Office) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for person in Person.objects.filter(office=office).order_by("sort_order", "id"):
        people.setdefault(person.name, person)
    return people


@transaction.atomic
def campaign_create_from_plan(
    *, actor: User | None, office: Office, plan: ParsedPlan, source_name: str = ""
) -> Campaign:
    """Create a whole campaign from a parsed plan, in one transaction."""
    phase_dates = [d for p in plan.phases for d in (p.start, p.end) if d is not None]
    campaign = Campaign.objects.create(
        office=office,
        title=plan.title,
        doc_number=plan.doc_number,
        issuer=plan.issuer,
        issued=plan.issued,
        year=plan.year,
        guiding_thought=plan.guiding_thought,
        theme=plan.theme,
        principles=list(plan.principles),
        start=min(phase_dates) if phase_dates else plan.issued,
        end=max(phase_dates) if phase_dates else None,
        source_name=source_name[:200],
        source_text=plan.source_text,
    )
    units = _UnitResolver(actor=actor, office=office)
    people = _people_by_name(office)

    for order, theme in enumerate(plan.themes):
        sub_theme = SubTheme.objects.create(
            campaign=campaign,
            order=order,
            name=theme.name,
            text=theme.text,
            lead_leader=people.get(theme.lead_leader),
            lead_leader_name=theme.lead_leader,
        )
        sub_theme.units.set(units.resolve(theme.units))

    phases: dict[str, Phase] = {}
    for order, parsed_phase in enumerate(plan.phases):
        if parsed_phase.start is None or parsed_phase.end is None:
            continue
        phases[parsed_phase.name] = Phase.objects.create(
            campaign=campaign,
            order=order,
            name=parsed_phase.name,
            start=parsed_phase.start,
            end=parsed_phase.end,
            text=parsed_phase.text,
        )

    seat_order = 0
    for title, names in plan.leading_group.members.items():
        role = GROUP_ROLE_BY_TITLE.get(title)
        if role is None:
            continue
        for name in names:
            LeadingGroupMember.objects.get_or_create(
                campaign=campaign,
                role=role,
                name=name,
                defaults={"person": people.get(name), "order": seat_order},
            )
            seat_order += 1
    if plan.leading_group.office_director:
        name = plan.leading_group.office_director
        LeadingGroupMember.objects.get_or_create(
            campaign=campaign,
            role=LeadingGroupRole.OFFICE_DIRECTOR,
            name=name,
            defaults={"person": people.get(name), "order": seat_order},
        )
    if plan.leading_group.office_unit:
        office_units = units.resolve([plan.leading_group.office_unit])
        campaign.leading_group_office = office_units[0] if office_units else None
        campaign.save(update_fields=["leading_group_office"])

    tasks: dict[int, Task] = {}
    task_units: list[TaskUnit] = []
    for parsed_task in plan.tasks:
        task = Task.objects.create(
            campaign=campaign,
            seq=parsed_task.seq,
            phase=phases.get(parsed_task.phase),
            text=parsed_task.text,
            due=parsed_task.due,
            due_text=parsed_task.due_text[:60],
        )
        tasks[task.seq] = task
        for unit_role, names in (
            (TaskUnitRole.LEAD, parsed_task.lead_units),
            (TaskUnitRole.CO, parsed_task.co_units),
        ):
            for order, unit in enumerate(units.resolve(names)):
                task_units.append(TaskUnit(task=task, unit=unit, role=unit_role, order=order))
    TaskUnit.objects.bulk_create(task_units, ignore_conflicts=True)

    Requirement.objects.bulk_create(
        Requirement(
            campaign=campaign,
            order=order,
            scope=quota.scope,
            minimum=quota.min,
            subject=quota.subject,
            period=quota.period or "",
            task=tasks.get(quota.task_seq) if quota.task_seq is not None else None,
            source_text=quota.source[:200],
        )
        for order, quota in enumerate(plan.quotas)
    )

    audit_record(
        actor=actor,
        action="campaign.import",
        obj=campaign,
        changes={
            "source": source_name,
            "tasks": len(tasks),
            "phases": len(phases),
            "units_created": [u.name for u in units.created],
            "warnings": list(plan.warnings),
        },
    )
    return campaign


@transaction.atomic
def campaign_copy(
    *, actor: User | None, campaign: Campaign, title: str, start: dt.date
) -> Campaign:
    """Copy a campaign as the template of a new one, every date shifted by the same offset.

    Progress (completion) is not copied: the new campaign starts fresh.
    """
    anchor = campaign.start or campaign.issued or start
    shift = start - anchor

    def moved(day: dt.date | None) -> dt.date | None:
        return day + shift if day is not None else None

    new = Campaign.objects.create(
        office=campaign.office,
        title=title.strip(),
        doc_number="",
        issuer=campaign.issuer,
        issued=None,
        year=start.year,
        guiding_thought=campaign.guiding_thought,
        theme=campaign.theme,
        principles=list(campaign.principles),
        start=moved(campaign.start),
        end=moved(campaign.end),
        warning_days=campaign.warning_days,
        leading_group_office=campaign.leading_group_office,
        source_name=campaign.source_name,
    )
    for sub_theme in campaign.sub_themes.prefetch_related("units"):
        unit_ids = [u.pk for u in sub_theme.units.all()]
        copied = SubTheme.objects.create(
            campaign=new,
            order=sub_theme.order,
            name=sub_theme.name,
            text=sub_theme.text,
            lead_leader=sub_theme.lead_leader,
            lead_leader_name=sub_theme.lead_leader_name,
        )
        copied.units.set(unit_ids)
    LeadingGroupMember.objects.bulk_create(
        LeadingGroupMember(
            campaign=new, role=m.role, person_id=m.person_id, name=m.name, order=m.order
        )
        for m in campaign.leading_group.all()
    )
    phase_map: dict[int, Phase] = {}
    for phase in campaign.phases.all():
        phase_map[phase.pk] = Phase.objects.create(
            campaign=new,
            order=phase.order,
            name=phase.name,
            start=phase.start + shift,
            end=phase.end + shift,
            text=phase.text,
        )
    task_map: dict[int, Task] = {}
    for task in campaign.tasks.all():
        task_map[task.pk] = Task.objects.create(
            campaign=new,
            seq=task.seq,
            phase=phase_map.get(task.phase_id) if task.phase_id else None,
            text=task.text,
            due=moved(task.due),
            due_text=task.due_text,
        )
    TaskUnit.objects.bulk_create(
        TaskUnit(
            task=task_map[link.task_id], unit_id=link.unit_id, role=link.role, order=link.order
        )
        for link in TaskUnit.objects.filter(task__campaign=campaign)
    )
    Requirement.objects.bulk_create(
        Requirement(
            campaign=new,
            order=r.order,
            scope=r.scope,
            minimum=r.minimum,
            subject=r.subject,
            period=r.period,
            task=task_map.get(r.task_id) if r.task_id else None,
            source_text=r.source_text,
        )
        for r in campaign.requirements.all()
    )
    audit_record(
        actor=actor,
        action="campaign.copy",
        obj=new,
        changes={"from": campaign.pk, "shift_days": shift.days},
    )
    return new


class TaskAlreadyCompleted(Exception):
    pass


@transaction.atomic
def task_record_completion(*, actor: User | None, task: Task, completed_on: dt.date) -> Task:
    """Record the date a task was done; a second record for the same task is refused."""
    # The conditional update makes two concurrent submits record one completion, not two.
    updated = Task.objects.filter(pk=task.pk, completed_on__isnull=True).update(
        completed_on=completed_on
    )
    if not updated:
        raise TaskAlreadyCompleted
    task.completed_on = completed_on
    audit_record(
        actor=actor,
        action="task.complete",
        obj=task,
        changes={"completed_on": completed_on.isoformat()},
    )
    return task


@transaction.atomic
def task_reopen(*, actor: User | None, task: Task) -> Task:
    previous = Task.objects.select_for_update().get(pk=task.pk).completed_on
    Task.objects.filter(pk=task.pk).update(completed_on=None)
    task.completed_on = None
    audit_record(
        actor=actor,
        action="task.reopen",
        obj=task,
        changes={"completed_on": [previous.isoformat() if previous else None, None]},
    )
    return task


__all__ = [
    "TaskAlreadyCompleted",
    "campaign_copy",
    "campaign_create_from_plan",
    "task_record_completion",
    "task_reopen",
]
