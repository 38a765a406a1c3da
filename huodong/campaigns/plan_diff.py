"""What a revised plan changes in a campaign, before anything is written.

    diff = plan_diff(campaign, plan)

Reads the campaign in a fixed number of queries and writes nothing. Tasks are matched by their
number (序号); phases and sub-themes by name, the ones left over pair up in order (a rename);
requirements by their whole content. `campaign_apply_plan` applies exactly this diff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    LeadingGroupRole,
    Phase,
    Requirement,
    SubTheme,
    Task,
    TaskRecurrence,
    TaskUnit,
    TaskUnitRole,
)
from huodong.campaigns.plan_import import (
    ParsedPhase,
    ParsedPlan,
    ParsedQuota,
    ParsedTask,
    ParsedTheme,
)
from huodong.campaigns.unit_matching import UnitDirectory, normalise_unit_name
from huodong.orgs.models import Unit

GROUP_ROLE_BY_TITLE = {
    "组长": LeadingGroupRole.LEADER,
    "副组长": LeadingGroupRole.DEPUTY,
    "成员": LeadingGroupRole.MEMBER,
}
# Seats a plan decides; others (office staff added by hand) are left alone by a re-import.
PLAN_SEATS = (*GROUP_ROLE_BY_TITLE.values(), LeadingGroupRole.OFFICE_DIRECTOR)

UNIT_SEPARATOR = "、"


@dataclass(frozen=True)
class FieldChange:
    field: str  # stable key, e.g. "due"
    label: str | Promise  # what the reviewer reads
    old: str
    new: str


@dataclass
class TaskChange:
    task: Task
    new: ParsedTask
    changes: list[FieldChange]

    @property
    def seq(self) -> int:
        return self.task.seq

    @property
    def has_progress(self) -> bool:
        return self.task.completed_on is not None

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.changes}

    @property
    def field_keys(self) -> str:
        return " ".join(sorted(self.fields))


@dataclass
class TaskRemoval:
    task: Task

    @property
    def has_progress(self) -> bool:
        return self.task.completed_on is not None


@dataclass
class PhaseMatch:
    phase: Phase
    new: ParsedPhase
    order: int
    changes: list[FieldChange]


@dataclass
class ThemeMatch:
    theme: SubTheme
    new: ParsedTheme
    order: int
    changes: list[FieldChange]


@dataclass
class PlanDiff:
    header: list[FieldChange] = field(default_factory=list)
    phase_matches: list[PhaseMatch] = field(default_factory=list)
    phases_added: list[tuple[int, ParsedPhase]] = field(default_factory=list)
    phases_removed: list[Phase] = field(default_factory=list)
    theme_matches: list[ThemeMatch] = field(default_factory=list)
    themes_added: list[tuple[int, ParsedTheme]] = field(default_factory=list)
    themes_removed: list[SubTheme] = field(default_factory=list)
    # (role, name) of seats the revised plan adds; seats it drops.
    group_added: list[tuple[str, str]] = field(default_factory=list)
    group_removed: list[LeadingGroupMember] = field(default_factory=list)
    tasks_added: list[ParsedTask] = field(default_factory=list)
    tasks_removed: list[TaskRemoval] = field(default_factory=list)
    tasks_changed: list[TaskChange] = field(default_factory=list)
    tasks_unchanged: int = 0
    requirements_added: list[ParsedQuota] = field(default_factory=list)
    requirements_removed: list[Requirement] = field(default_factory=list)

    @property
    def phases_changed(self) -> list[PhaseMatch]:
        return [m for m in self.phase_matches if m.changes]

    @property
    def themes_changed(self) -> list[ThemeMatch]:
        return [m for m in self.theme_matches if m.changes]

    @property
    def group_removed_labels(self) -> list[tuple[str, str]]:
        return [(str(m.get_role_display()), m.name) for m in self.group_removed]

    @property
    def group_added_labels(self) -> list[tuple[str, str]]:
        return [(str(LeadingGroupRole(role).label), name) for role, name in self.group_added]

    @property
    def removed_with_progress(self) -> list[TaskRemoval]:
        return [r for r in self.tasks_removed if r.has_progress]

    @property
    def is_empty(self) -> bool:
        return not (
            self.header
            or self.phases_changed
            or self.phases_added
            or self.phases_removed
            or self.themes_changed
            or self.themes_added
            or self.themes_removed
            or self.group_added
            or self.group_removed
            or self.tasks_added
            or self.tasks_removed
            or self.tasks_changed
            or self.requirements_added
            or self.requirements_removed
        )

    def summary(self) -> dict[str, Any]:
        """JSON-ready counts and numbers, for the audit record."""
        return {
            "header": [c.field for c in self.header],
            "phases": {
                "added": [p.name for _, p in self.phases_added],
                "removed": [p.name for p in self.phases_removed],
                "changed": [m.phase.name for m in self.phases_changed],
            },
            "sub_themes": {
                "added": [t.name for _, t in self.themes_added],
                "removed": [t.name for t in self.themes_removed],
                "changed": [m.theme.name for m in self.themes_changed],
            },
            "leading_group": {
                "added": [list(seat) for seat in self.group_added],
                "removed": [[m.role, m.name] for m in self.group_removed],
            },
            "tasks": {
                "added": [t.seq for t in self.tasks_added],
                "removed": [r.task.seq for r in self.tasks_removed],
                "removed_with_progress": [r.task.seq for r in self.removed_with_progress],
                "changed": {str(c.seq): sorted(c.fields) for c in self.tasks_changed},
                "unchanged": self.tasks_unchanged,
            },
            "requirements": {
                "added": len(self.requirements_added),
                "removed": len(self.requirements_removed),
            },
        }


class UnitNames:
    """Plan unit names as the normalised names of the units they stand for, creating nothing."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.directory = UnitDirectory(units)

    def resolve(self, names: Iterable[str]) -> list[str]:
        resolved: list[str] = []
        for match in filter(None, map(self.directory.match, names)):
            if match.status == "collective":
                resolved.extend(normalise_unit_name(u.name) for u in match.members)
            else:
                resolved.append(match.name)
        return list(dict.fromkeys(resolved))


def recurrence_label(value: str) -> str:
    return str(TaskRecurrence(value).label) if value in TaskRecurrence.values else value


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return UNIT_SEPARATOR.join(str(v) for v in value)
    return str(value)


def _change(changes: list[FieldChange], key: str, label: Any, old: Any, new: Any) -> None:
    old_text, new_text = _text(old), _text(new)
    if old_text != new_text:
        changes.append(FieldChange(key, label, old_text, new_text))


def quota_key(
    scope: str, minimum: int, subject: str, period: str | None, task_seq: int | None
) -> tuple:
    return (scope, int(minimum), subject.strip(), period or "", task_seq)


def plan_seats(plan: ParsedPlan) -> list[tuple[str, str]]:
    """(role, name) of every leading group seat the plan names, in order, each once."""
    seats: list[tuple[str, str]] = []
    for title, names in plan.leading_group.members.items():
        role = GROUP_ROLE_BY_TITLE.get(title)
        if role is None:
            continue
        seats.extend((str(role), name) for name in names if name)
    if plan.leading_group.office_director:
        seats.append((str(LeadingGroupRole.OFFICE_DIRECTOR), plan.leading_group.office_director))
    return list(dict.fromkeys(seats))


def dated_phases(plan: ParsedPlan) -> list[tuple[int, ParsedPhase]]:
    """(order, phase) of the phases a campaign keeps: those with both dates."""
    return [
        (order, p)
        for order, p in enumerate(plan.phases)
        if p.start is not None and p.end is not None
    ]


def _pair_by_name(old: list, new: list[tuple[int, Any]]) -> tuple[list, list, list]:
    """Match by name, then pair the leftovers in order; (pairs, added, removed)."""
    by_name: dict[str, Any] = {}
    for item in old:
        by_name.setdefault(item.name, item)
    pairs: list[tuple[Any, int, Any]] = []
    used: set[int] = set()
    unmatched_new: list[tuple[int, Any]] = []
    for order, item in new:
        match = by_name.get(item.name)
        if match is not None and match.pk not in used:
            used.add(match.pk)
            pairs.append((match, order, item))
        else:
            unmatched_new.append((order, item))
    unmatched_old = [item for item in old if item.pk not in used]
    for old_item, (order, new_item) in zip(unmatched_old, unmatched_new, strict=False):
        pairs.append((old_item, order, new_item))
    n = min(len(unmatched_old), len(unmatched_new))
    return pairs, unmatched_new[n:], unmatched_old[n:]


def plan_diff(campaign: Campaign, plan: ParsedPlan, *, warning_days: int | None = None) -> PlanDiff:
    """The changes that applying `plan` to `campaign` makes. Reads only."""
    diff = PlanDiff()
    names = UnitNames(Unit.objects.filter(office_id=campaign.office_id))
    office_unit = (
        Unit.objects.filter(pk=campaign.leading_group_office_id).first()
        if campaign.leading_group_office_id
        else None
    )

    # Header
    header = diff.header
    _change(header, "title", _("Title"), campaign.title, plan.title)
    _change(header, "doc_number", _("Document number"), campaign.doc_number, plan.doc_number)
    _change(header, "issuer", _("Issuer"), campaign.issuer, plan.issuer)
    _change(header, "issued", _("Issued on"), campaign.issued, plan.issued)
    _change(header, "year", _("Year"), campaign.year, plan.year)
    _change(header, "theme", _("Theme"), campaign.theme, plan.theme)
    _change(
        header,
        "guiding_thought",
        _("Guiding thought"),
        campaign.guiding_thought,
        plan.guiding_thought,
    )
    _change(header, "principles", _("Principles"), campaign.principles, plan.principles)
    if warning_days is not None:
        _change(
            header,
            "warning_days",
            _("Warn this many days before a deadline"),
            campaign.warning_days,
            warning_days,
        )
    new_office = names.resolve([plan.leading_group.office_unit])
    _change(
        header,
        "leading_group_office",
        _("Office of the leading group"),
        normalise_unit_name(office_unit.name) if office_unit else "",
        new_office[0] if new_office else "",
    )

    # Phases
    phases = list(Phase.objects.filter(campaign=campaign))
    pairs, added, removed = _pair_by_name(phases, dated_phases(plan))
    for phase, order, new in sorted(pairs, key=lambda p: p[1]):
        changes: list[FieldChange] = []
        _change(changes, "name", _("Name"), phase.name, new.name)
        _change(changes, "start", _("Start"), phase.start, new.start)
        _change(changes, "end", _("End"), phase.end, new.end)
        _change(changes, "text", _("Text"), phase.text, new.text)
        diff.phase_matches.append(PhaseMatch(phase, new, order, changes))
    diff.phases_added = added
    diff.phases_removed = removed
    # A task in a renamed phase stays in it: compare phases by what they become.
    phase_name_after = {m.phase.pk: m.new.name for m in diff.phase_matches}
    new_phase_names = {p.name for _, p in dated_phases(plan)}

    # Sub-themes
    themes = list(
        SubTheme.objects.filter(campaign=campaign).prefetch_related(
            Prefetch("units", queryset=Unit.objects.order_by("sort_order", "name", "id"))
        )
    )
    pairs, added, removed = _pair_by_name(themes, list(enumerate(plan.themes)))
    for theme, order, new in sorted(pairs, key=lambda p: p[1]):
        changes = []
        _change(changes, "name", _("Name"), theme.name, new.name)
        _change(changes, "lead_leader", _("Lead leader"), theme.lead_leader_name, new.lead_leader)
        _change(
            changes,
            "units",
            _("Responsible units"),
            sorted(normalise_unit_name(u.name) for u in theme.units.all()),
            sorted(names.resolve(new.units)),
        )
        _change(changes, "text", _("Text"), theme.text, new.text)
        diff.theme_matches.append(ThemeMatch(theme, new, order, changes))
    diff.themes_added = added
    diff.themes_removed = removed

    # Leading group
    seats = list(LeadingGroupMember.objects.filter(campaign=campaign, role__in=PLAN_SEATS))
    existing = {(m.role, m.name) for m in seats}
    wanted = plan_seats(plan)
    diff.group_added = [seat for seat in wanted if seat not in existing]
    diff.group_removed = [m for m in seats if (m.role, m.name) not in set(wanted)]

    # Tasks
    tasks = list(
        Task.objects.filter(campaign=campaign)
        .select_related("phase")
        .prefetch_related(
            Prefetch(
                "task_units",
                queryset=TaskUnit.objects.select_related("unit").order_by("role", "order", "id"),
                to_attr="unit_links",
            )
        )
        .order_by("seq", "id")
    )
    by_seq = {t.seq: t for t in tasks}
    seen: set[int] = set()
    for new_task in plan.tasks:
        task = by_seq.get(new_task.seq)
        if task is None or new_task.seq in seen:
            if new_task.seq not in seen:
                diff.tasks_added.append(new_task)
            seen.add(new_task.seq)
            continue
        seen.add(new_task.seq)
        changes = task_changes(task, new_task, names, phase_name_after, new_phase_names)
        if changes:
            diff.tasks_changed.append(TaskChange(task, new_task, changes))
        else:
            diff.tasks_unchanged += 1
    diff.tasks_removed = [TaskRemoval(t) for t in tasks if t.seq not in seen]

    # Requirements
    requirements = list(Requirement.objects.filter(campaign=campaign).select_related("task"))
    pool = [quota_key(q.scope, q.min, q.subject, q.period, q.task_seq) for q in plan.quotas]
    for requirement in requirements:
        key = quota_key(
            requirement.scope,
            requirement.minimum,
            requirement.subject,
            requirement.period,
            requirement.task.seq if requirement.task else None,
        )
        if key in pool:
            pool.remove(key)
        else:
            diff.requirements_removed.append(requirement)
    remaining = list(pool)
    for quota in plan.quotas:
        key = quota_key(quota.scope, quota.min, quota.subject, quota.period, quota.task_seq)
        if key in remaining:
            remaining.remove(key)
            diff.requirements_added.append(quota)
    return diff


def task_units(task: Task, role: str) -> list[str]:
    """Normalised names of a task's units of one role, from the prefetched links."""
    links = getattr(task, "unit_links", None)
    if links is None:
        links = list(task.task_units.select_related("unit").order_by("role", "order", "id"))
    return [normalise_unit_name(link.unit.name) for link in links if link.role == role]


def task_changes(
    task: Task,
    new: ParsedTask,
    names: UnitNames,
    phase_name_after: dict[int, str],
    new_phase_names: set[str],
) -> list[FieldChange]:
    changes: list[FieldChange] = []
    _change(changes, "text", _("Task"), task.text, new.text)
    _change(changes, "due", _("Deadline"), _date(task.due), _date(new.due))
    old_phase = phase_name_after.get(task.phase_id, "") if task.phase_id else ""
    new_phase = new.phase if new.phase in new_phase_names else ""
    if old_phase != new_phase:
        changes.append(
            FieldChange("phase", _("Phase"), task.phase.name if task.phase else "", new_phase)
        )
    _change(
        changes,
        "lead_units",
        _("Lead units"),
        task_units(task, TaskUnitRole.LEAD),
        names.resolve(new.lead_units),
    )
    _change(
        changes,
        "co_units",
        _("Co-units"),
        task_units(task, TaskUnitRole.CO),
        names.resolve(new.co_units),
    )
    _change(changes, "due_text", _("Deadline (as written)"), task.due_text, new.due_text[:60])
    old_recurrence, new_recurrence = task.recurrence, getattr(new, "recurrence", None) or ""
    if old_recurrence != new_recurrence:
        changes.append(
            FieldChange(
                "recurrence",
                _("Repeats"),
                recurrence_label(old_recurrence),
                recurrence_label(new_recurrence),
            )
        )
    _change(changes, "start", _("From"), _date(task.start), _date(getattr(new, "start", None)))
    return changes
