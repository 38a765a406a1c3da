"""Writes to campaigns: importing a plan (through a reviewed draft), revising a campaign from a
revised plan, copying it, recording completion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    Phase,
    PlanDraft,
    PlanDraftStatus,
    Requirement,
    RequirementMeasure,
    RequirementPeriod,
    RequirementScope,
    StudyKind,
    SubTheme,
    Task,
    TaskRecurrence,
    TaskUnit,
    TaskUnitRole,
)
from huodong.campaigns.plan_diff import dated_phases, plan_diff, plan_seats
from huodong.campaigns.plan_drafts import plan_from_dict, plan_to_dict
from huodong.campaigns.plan_import import parse_plan
from huodong.campaigns.requirement_measures import guess_measure
from huodong.campaigns.unit_matching import UnitDirectory
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import Office, Person, Unit, User
from huodong.orgs.services import unit_create

if TYPE_CHECKING:
    from huodong.campaigns.plan_import import ParsedPhase, ParsedPlan, ParsedTask, ParsedTheme

# What an upload of pasted text is parsed as.
PASTED_TEXT_FILENAME = "pasted.txt"


@dataclass
class _UnitResolver:
    """Resolves plan unit names to units, creating missing ones once per import."""

    actor: User | None
    office: Office
    created: list[Unit] = field(default_factory=list)
    directory: UnitDirectory = field(init=False)

    def __post_init__(self) -> None:
        self.directory = UnitDirectory(Unit.objects.filter(office=self.office))

    def resolve(self, names: list[str]) -> list[Unit]:
        units: list[Unit] = []
        for match in filter(None, map(self.directory.match, names)):
            if match.status == "collective":
                units.extend(match.members)
            elif match.unit is not None:
                units.append(match.unit)
            else:
                unit = unit_create(
                    actor=self.actor, office=self.office, name=match.name, kind=match.kind
                )
                self.directory.add(unit)
                self.created.append(unit)
                units.append(unit)
        # A unit named twice (directly and through a collective name) counts once.
        return list(dict.fromkeys(units))


def _people_by_name(office: Office) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for person in Person.objects.filter(office=office).order_by("sort_order", "id"):
        people.setdefault(person.name, person)
    return people


def _recurrence(parsed_task: ParsedTask) -> str:
    value = getattr(parsed_task, "recurrence", None) or ""
    return value if value in TaskRecurrence.values else ""


def _task_fields(parsed_task: ParsedTask, phases: dict[str, Phase]) -> dict:
    """The Task columns a parsed task decides (not its number, units or progress)."""
    return {
        "phase": phases.get(parsed_task.phase),
        "text": parsed_task.text,
        "due": parsed_task.due,
        "due_text": parsed_task.due_text[:60],
        "recurrence": _recurrence(parsed_task),
        "start": getattr(parsed_task, "start", None),
        "lead_units_text": "、".join(parsed_task.lead_units)[:300],
        "co_units_text": "、".join(parsed_task.co_units)[:300],
    }


def _task_links(task: Task, parsed_task: ParsedTask, units: _UnitResolver) -> list[TaskUnit]:
    links: list[TaskUnit] = []
    for unit_role, names in (
        (TaskUnitRole.LEAD, parsed_task.lead_units),
        (TaskUnitRole.CO, parsed_task.co_units),
    ):
        for order, unit in enumerate(units.resolve(names)):
            links.append(TaskUnit(task=task, unit=unit, role=unit_role, order=order))
    return links


def _phase_fields(parsed_phase: ParsedPhase, order: int) -> dict:
    return {
        "order": order,
        "name": parsed_phase.name,
        "start": parsed_phase.start,
        "end": parsed_phase.end,
        "text": parsed_phase.text,
    }


def _theme_fields(theme: ParsedTheme, order: int, people: dict[str, Person]) -> dict:
    return {
        "order": order,
        "name": theme.name,
        "text": theme.text,
        "lead_leader": people.get(theme.lead_leader),
        "lead_leader_name": theme.lead_leader,
        "units_text": "、".join(theme.units)[:300],
    }


def _campaign_span(plan: ParsedPlan) -> tuple[dt.date | None, dt.date | None]:
    phase_dates = [d for p in plan.phases for d in (p.start, p.end) if d is not None]
    if not phase_dates:
        return plan.issued, None
    return min(phase_dates), max(phase_dates)


@transaction.atomic
def campaign_create_from_plan(
    *,
    actor: User | None,
    office: Office,
    plan: ParsedPlan,
    source_name: str = "",
    warning_days: int | None = None,
) -> Campaign:
    """Create a whole campaign from a parsed plan, in one transaction."""
    start, end = _campaign_span(plan)
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
        start=start,
        end=end,
        source_name=source_name[:200],
        source_text=plan.source_text,
        **({"warning_days": warning_days} if warning_days is not None else {}),
    )
    units = _UnitResolver(actor=actor, office=office)
    people = _people_by_name(office)

    for order, theme in enumerate(plan.themes):
        sub_theme = SubTheme.objects.create(
            campaign=campaign, **_theme_fields(theme, order, people)
        )
        sub_theme.units.set(units.resolve(theme.units))

    phases: dict[str, Phase] = {}
    for order, parsed_phase in dated_phases(plan):
        phases[parsed_phase.name] = Phase.objects.create(
            campaign=campaign, **_phase_fields(parsed_phase, order)
        )

    for seat_order, (role, name) in enumerate(plan_seats(plan)):
        LeadingGroupMember.objects.get_or_create(
            campaign=campaign,
            role=role,
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
            campaign=campaign, seq=parsed_task.seq, **_task_fields(parsed_task, phases)
        )
        tasks[task.seq] = task
        task_units.extend(_task_links(task, parsed_task, units))
    TaskUnit.objects.bulk_create(task_units, ignore_conflicts=True)

    Requirement.objects.bulk_create(
        _requirement(campaign, order, quota, tasks) for order, quota in enumerate(plan.quotas)
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


def _requirement(campaign: Campaign, order: int, quota, tasks: dict[int, Task]) -> Requirement:
    guess = guess_measure(subject=quota.subject, scope=quota.scope)
    return Requirement(
        measure=guess.measure,
        study_kind=guess.study_kind,
        campaign=campaign,
        order=order,
        scope=quota.scope,
        minimum=quota.min,
        subject=quota.subject[:60],
        period=quota.period or "",
        task=tasks.get(quota.task_seq) if quota.task_seq is not None else None,
        source_text=quota.source[:200],
    )


@transaction.atomic
def campaign_apply_plan(
    *,
    actor: User | None,
    campaign: Campaign,
    plan: ParsedPlan,
    source_name: str | None = None,
    warning_days: int | None = None,
) -> Campaign:
    """Revise a campaign in place from a revised plan, in one transaction.

    Tasks are matched by number: an unchanged task is not written at all, a changed one is
    updated in place (its completion and other progress stay), a new one is created and one the
    plan no longer has is deleted with its progress. Phases and sub-themes keep their rows where
    they match (by name, else in order), so tasks and units stay attached.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    diff = plan_diff(campaign, plan, warning_days=warning_days)
    office = campaign.office
    units = _UnitResolver(actor=actor, office=office)
    people = _people_by_name(office)

    # Phases first: tasks point at them.
    phases: dict[str, Phase] = {}
    for match in diff.phase_matches:
        if match.changes or match.phase.order != match.order:
            for name, value in _phase_fields(match.new, match.order).items():
                setattr(match.phase, name, value)
            match.phase.save()
        phases[match.new.name] = match.phase
    for order, parsed_phase in diff.phases_added:
        phases[parsed_phase.name] = Phase.objects.create(
            campaign=campaign, **_phase_fields(parsed_phase, order)
        )

    for theme_match in diff.theme_matches:
        if theme_match.changes or theme_match.theme.order != theme_match.order:
            fields = _theme_fields(theme_match.new, theme_match.order, people)
            for name, value in fields.items():
                setattr(theme_match.theme, name, value)
            theme_match.theme.save()
            theme_match.theme.units.set(units.resolve(theme_match.new.units))
    for order, theme in diff.themes_added:
        sub_theme = SubTheme.objects.create(
            campaign=campaign, **_theme_fields(theme, order, people)
        )
        sub_theme.units.set(units.resolve(theme.units))
    SubTheme.objects.filter(pk__in=[t.pk for t in diff.themes_removed]).delete()

    LeadingGroupMember.objects.filter(pk__in=[m.pk for m in diff.group_removed]).delete()
    seat_order = {seat: order for order, seat in enumerate(plan_seats(plan))}
    for role, name in diff.group_added:
        LeadingGroupMember.objects.get_or_create(
            campaign=campaign,
            role=role,
            name=name,
            defaults={"person": people.get(name), "order": seat_order[(role, name)]},
        )

    # Tasks: unchanged ones are not touched at all.
    Task.objects.filter(pk__in=[r.task.pk for r in diff.tasks_removed]).delete()
    new_links: list[TaskUnit] = []
    for change in diff.tasks_changed:
        task = change.task
        fields = _task_fields(change.new, phases)
        for name, value in fields.items():
            setattr(task, name, value)
        task.save(update_fields=list(fields))
        if change.fields & {"lead_units", "co_units"}:
            TaskUnit.objects.filter(task=task).delete()
            new_links.extend(_task_links(task, change.new, units))
    for parsed_task in diff.tasks_added:
        task = Task.objects.create(
            campaign=campaign, seq=parsed_task.seq, **_task_fields(parsed_task, phases)
        )
        new_links.extend(_task_links(task, parsed_task, units))
    TaskUnit.objects.bulk_create(new_links, ignore_conflicts=True)
    # Removed phases go after the tasks moved out of them.
    Phase.objects.filter(pk__in=[p.pk for p in diff.phases_removed]).delete()

    Requirement.objects.filter(pk__in=[r.pk for r in diff.requirements_removed]).delete()
    if diff.requirements_added:
        tasks = {t.seq: t for t in Task.objects.filter(campaign=campaign)}
        order_of = {id(quota): order for order, quota in enumerate(plan.quotas)}
        Requirement.objects.bulk_create(
            _requirement(campaign, order_of.get(id(quota), 0), quota, tasks)
            for quota in diff.requirements_added
        )

    start, end = _campaign_span(plan)
    office_units = (
        units.resolve([plan.leading_group.office_unit]) if plan.leading_group.office_unit else []
    )
    campaign.title = plan.title
    campaign.doc_number = plan.doc_number
    campaign.issuer = plan.issuer
    campaign.issued = plan.issued
    campaign.year = plan.year
    campaign.guiding_thought = plan.guiding_thought
    campaign.theme = plan.theme
    campaign.principles = list(plan.principles)
    campaign.start, campaign.end = start, end
    campaign.leading_group_office = office_units[0] if office_units else None
    campaign.source_text = plan.source_text
    if source_name is not None:
        campaign.source_name = source_name[:200]
    if warning_days is not None:
        campaign.warning_days = warning_days
    campaign.save()

    audit_record(
        actor=actor,
        action="campaign.reimport",
        obj=campaign,
        changes={
            "source": source_name,
            **diff.summary(),
            "units_created": [u.name for u in units.created],
        },
    )
    return campaign


class PlanDraftClosed(Exception):
    """The draft was already applied or discarded (a second submit, another tab)."""

    def __init__(self, draft: PlanDraft) -> None:
        super().__init__(draft.status)
        self.draft = draft


@transaction.atomic
def plan_draft_create(
    *,
    actor: User | None,
    office: Office,
    source_name: str,
    data_or_text: bytes | str,
    campaign: Campaign | None = None,
) -> PlanDraft:
    """Parse an upload (bytes) or pasted text (str) into a draft for review.

    Raises PlanImportError, with nothing saved, when the plan cannot be read.
    """
    if isinstance(data_or_text, str):
        data, filename = data_or_text.encode("utf-8"), PASTED_TEXT_FILENAME
    else:
        data, filename = data_or_text, source_name
    default_year = campaign.year if campaign is not None and campaign.year else None
    plan = parse_plan(
        data,
        filename,
        default_year=default_year or clock.today().year,
        max_bytes=settings.HUODONG_MAX_IMPORT_BYTES,
    )
    draft = PlanDraft.objects.create(
        office=office,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        source_name=source_name[:200],
        source_text=plan.source_text,
        parsed=plan_to_dict(plan),
        warning_days=campaign.warning_days if campaign is not None else 7,
        campaign=campaign,
    )
    audit_record(
        actor=actor,
        action="plan_draft.create",
        obj=draft,
        changes={
            "source": source_name,
            "campaign": campaign.pk if campaign is not None else None,
            "tasks": len(plan.tasks),
            "warnings": len(plan.warnings),
        },
    )
    return draft


def _lock_open(draft: PlanDraft) -> PlanDraft:
    locked = PlanDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.status != PlanDraftStatus.OPEN:
        raise PlanDraftClosed(locked)
    return locked


@transaction.atomic
def plan_draft_update(
    *, actor: User | None, draft: PlanDraft, plan: ParsedPlan, warning_days: int | None = None
) -> PlanDraft:
    """Store the reviewer's edits of the plan back in the draft."""
    locked = _lock_open(draft)
    locked.parsed = plan_to_dict(plan)
    if warning_days is not None:
        locked.warning_days = warning_days
    locked.save(update_fields=["parsed", "warning_days", "updated_at"])
    audit_record(
        actor=actor,
        action="plan_draft.update",
        obj=locked,
        changes={"tasks": len(plan.tasks), "warning_days": locked.warning_days},
    )
    return locked


@transaction.atomic
def plan_draft_apply(
    *, actor: User | None, draft: PlanDraft, plan: ParsedPlan, warning_days: int | None = None
) -> Campaign:
    """Save the reviewed plan and create its campaign (or revise the draft's campaign).

    The draft row is locked first, so a double submit creates one campaign: the second finds
    the draft applied and raises PlanDraftClosed.
    """
    locked = _lock_open(draft)
    if warning_days is not None:
        locked.warning_days = warning_days
    if locked.campaign_id is None:
        campaign = campaign_create_from_plan(
            actor=actor,
            office=locked.office,
            plan=plan,
            source_name=locked.source_name,
            warning_days=locked.warning_days,
        )
    else:
        campaign = campaign_apply_plan(
            actor=actor,
            campaign=Campaign.objects.get(pk=locked.campaign_id),
            plan=plan,
            source_name=locked.source_name,
            warning_days=locked.warning_days,
        )
    locked.parsed = plan_to_dict(plan)
    locked.status = PlanDraftStatus.APPLIED
    locked.result = campaign
    locked.closed_at = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action="plan_draft.apply",
        obj=locked,
        changes={"campaign": campaign.pk, "reimport": locked.campaign_id is not None},
    )
    return campaign


@transaction.atomic
def plan_draft_discard(*, actor: User | None, draft: PlanDraft) -> PlanDraft:
    locked = _lock_open(draft)
    locked.status = PlanDraftStatus.DISCARDED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=actor, action="plan_draft.discard", obj=locked)
    return locked


def plan_draft_plan(draft: PlanDraft) -> ParsedPlan:
    """The plan a draft holds, as dataclasses."""
    return plan_from_dict(draft.parsed)


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
        reminder_days=list(campaign.reminder_days),
        remind_daily_when_overdue=campaign.remind_daily_when_overdue,
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
            units_text=sub_theme.units_text,
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
            recurrence=task.recurrence,
            start=moved(task.start),
            lead_units_text=task.lead_units_text,
            co_units_text=task.co_units_text,
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
            measure=r.measure,
            study_kind=r.study_kind,
            tolerance_percent=r.tolerance_percent,
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
    "PlanDraftClosed",
    "TaskAlreadyCompleted",
    "campaign_apply_plan",
    "campaign_copy",
    "campaign_create_from_plan",
    "plan_draft_apply",
    "plan_draft_create",
    "plan_draft_discard",
    "plan_draft_plan",
    "plan_draft_update",
    "task_record_completion",
    "task_reopen",
]


@transaction.atomic
def campaign_record_export(*, actor: User | None, campaign: Campaign, fmt: str) -> None:
    """Exports are audited like writes: who took which data out, and when."""
    audit_record(actor=actor, action="campaign.export", obj=campaign, changes={"format": fmt})


# --- Requirements entered or corrected by hand -----------------------------------------------

# The fields a requirement's form edits; `task` and `source_text` stay as the import set them.
REQUIREMENT_FIELDS = (
    "scope",
    "minimum",
    "subject",
    "period",
    "measure",
    "study_kind",
    "tolerance_percent",
)
KINDED_MEASURES = (RequirementMeasure.STUDIES, RequirementMeasure.SESSIONS)
REQUIREMENT_SUBJECT_MAX = 60  # Requirement.subject's max_length


def _requirement_errors(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with a requirement's values, by field (empty when nothing is)."""
    errors: dict[str, str] = {}
    choices = {
        "scope": RequirementScope.values,
        "period": RequirementPeriod.values,
        "measure": RequirementMeasure.values,
        "study_kind": ["", *StudyKind.values],
    }
    for name, allowed in choices.items():
        if values[name] not in allowed:
            errors[name] = gettext("Choose one of the options.")
    minimum = values["minimum"]
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        errors["minimum"] = gettext("The minimum is a whole number of at least 1.")
    tolerance = values["tolerance_percent"]
    if not isinstance(tolerance, int) or isinstance(tolerance, bool) or not 1 <= tolerance <= 100:
        errors["tolerance_percent"] = gettext("Give a whole percentage from 1 to 100.")
    if not values["subject"]:
        errors["subject"] = gettext("Say what is required, e.g. 学习活动.")
    elif len(values["subject"]) > REQUIREMENT_SUBJECT_MAX:
        errors["subject"] = gettext("Keep the subject to %(count)d characters.") % {
            "count": REQUIREMENT_SUBJECT_MAX
        }
    if values["study_kind"] and values["measure"] not in KINDED_MEASURES:
        errors["study_kind"] = gettext(
            "A kind of study applies only to study activities and group sessions."
        )
    if (
        values["measure"] == RequirementMeasure.REFLECTION_WORDS
        and values["scope"] != RequirementScope.PERSON
    ):
        errors["measure"] = gettext("A reflection's length is required of each person only.")
    return errors


def _requirement_values(**values: Any) -> dict[str, Any]:
    cleaned = dict(values)
    for name in ("subject", "period", "study_kind", "scope", "measure"):
        cleaned[name] = (cleaned[name] or "").strip()
    errors = _requirement_errors(cleaned)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return cleaned


@transaction.atomic
def requirement_create(
    *,
    actor: User | None,
    campaign: Campaign,
    scope: str,
    minimum: int,
    subject: str,
    measure: str,
    period: str = "",
    study_kind: str = "",
    tolerance_percent: int = 90,
) -> Requirement:
    """Add a numeric requirement to a campaign, after its imported ones.

    Raises ValidationError (by field) for values that do not make a countable requirement.
    """
    values = _requirement_values(
        scope=scope,
        minimum=minimum,
        subject=subject,
        period=period,
        measure=measure,
        study_kind=study_kind,
        tolerance_percent=tolerance_percent,
    )
    last = (
        Requirement.objects.filter(campaign=campaign)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    requirement = Requirement.objects.create(
        campaign=campaign, order=(last + 1) if last is not None else 0, **values
    )
    audit_record(
        actor=actor,
        action="requirement.create",
        obj=requirement,
        changes={"campaign": campaign.pk, **values},
    )
    return requirement


@transaction.atomic
def requirement_update(
    *,
    actor: User | None,
    requirement: Requirement,
    scope: str,
    minimum: int,
    subject: str,
    measure: str,
    period: str = "",
    study_kind: str = "",
    tolerance_percent: int = 90,
) -> Requirement:
    """Correct a requirement (what the import guessed, or what was entered); audits the changes.

    Raises ValidationError (by field) and changes nothing for values that do not fit together.
    """
    values = _requirement_values(
        scope=scope,
        minimum=minimum,
        subject=subject,
        period=period,
        measure=measure,
        study_kind=study_kind,
        tolerance_percent=tolerance_percent,
    )
    locked = Requirement.objects.select_for_update().get(pk=requirement.pk)
    changes = {
        name: [getattr(locked, name), value]
        for name, value in values.items()
        if getattr(locked, name) != value
    }
    if changes:
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        audit_record(actor=actor, action="requirement.update", obj=locked, changes=changes)
    for name, value in values.items():
        setattr(requirement, name, value)
    return requirement


__all__ += ["requirement_create", "requirement_update"]
