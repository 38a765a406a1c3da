"""Writes of enterprise visits (进园区走访, 帮助企业解决问题): the enterprises visited and the
problems each raised, carried from assignment to a unit, through a reply to the enterprise, to
a resolution.

A visit's organisers (or the office) record enterprises and problems and assign a problem to a
unit with a deadline; the unit's head or contact (or the office) replies and resolves; only the
office reopens a resolved problem. Every change of a problem takes its row with
`select_for_update()`, adds an `EnterpriseProblemEvent` and an audit record in the same
transaction. A refusal raises `NotAllowed` or `Refused` and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.models import (
    Enterprise,
    EnterpriseProblem,
    EnterpriseProblemEvent,
    EnterpriseProblemStatus,
    Meeting,
    MeetingKind,
)
from huodong.engagement.permissions import (
    PROBLEM_UNIT_ROLES,
    can_answer_problem,
    can_manage_meeting,
    can_reopen_problem,
)
from huodong.engagement.services.common import not_allowed, today
from huodong.engagement.services.common import text as checked_text
from huodong.notifications.models import NotificationKind
from huodong.orgs.models import Unit, User
from huodong.orgs.permissions import membership_of
from huodong.participation.services.study import notify_after_commit

MAX_PROBLEM_CHARS = 5000
Status = EnterpriseProblemStatus


def _lock_visit(actor: User, meeting: Meeting) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("campaign", "organiser_unit")
        .get(pk=meeting.pk)
    )
    if not can_manage_meeting(membership_of(actor), locked):
        raise NotAllowed(_("You do not organise this visit."), code="not_organiser")
    if locked.kind != MeetingKind.PARK_VISIT:
        raise Refused(_("Enterprises are recorded on an enterprise visit."), code="not_a_visit")
    if locked.cancelled_at is not None:
        raise Refused(_("This visit was cancelled."), code="cancelled")
    return locked


def _lock_problem(problem: EnterpriseProblem) -> EnterpriseProblem:
    return (
        EnterpriseProblem.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__campaign", "assigned_unit", "enterprise")
        .get(pk=problem.pk)
    )


def _event(
    problem: EnterpriseProblem, *, actor: User, from_status: str, note: str = ""
) -> EnterpriseProblemEvent:
    return EnterpriseProblemEvent.objects.create(
        problem=problem,
        from_status=from_status,
        to_status=problem.status,
        note=note,
        actor=actor,
        at=problem.updated_at,
    )


def unit_users(unit: Unit) -> list[User]:
    """The logins of the unit's heads and contacts, who answer its problems."""
    return list(
        User.objects.filter(
            is_active=True,
            person__roles__role__in=PROBLEM_UNIT_ROLES,
            person__roles__unit=unit,
        )
        .distinct()
        .order_by("pk")
    )


def _notify_unit(*, actor: User, problem: EnterpriseProblem, title: str, key: str) -> None:
    unit = problem.assigned_unit
    if unit is None:
        return
    body = problem.description[:200]
    if problem.deadline is not None:
        body = f"{body}\n{_('Deadline')}: {problem.deadline.isoformat()}"
    notify_after_commit(
        actor=actor,
        recipients=lambda: unit_users(unit),
        kind=NotificationKind.OTHER,
        title=title,
        body=body,
        url=reverse("engagement:problem", args=[problem.pk]),
        key=key,
    )


def _check_assignment(meeting: Meeting, unit: Unit, deadline: dt.date | None) -> None:
    if unit.office_id != meeting.campaign.office_id:
        raise Refused(_("Assign a unit of this office."), code="unknown_unit")
    if deadline is None:
        raise Refused(_("Give the deadline for the unit's answer."), code="deadline_required")
    if deadline < today():
        raise Refused(_("The deadline cannot be in the past."), code="deadline_past")


# --- Enterprises --------------------------------------------------------------------------


def _enterprise(meeting: Meeting, name: str, park: str) -> Enterprise:
    office_id = meeting.campaign.office_id
    found = Enterprise.objects.select_for_update().filter(office_id=office_id, name=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Enterprise.objects.create(
                office_id=office_id, name=name, park=park, created_at=clock.now()
            )
    except IntegrityError:
        # Recorded at the same moment on another visit: that one is this enterprise.
        return Enterprise.objects.get(office_id=office_id, name=name)


@transaction.atomic
def visit_enterprise_add(
    *,
    actor: User,
    meeting: Meeting,
    name: str,
    park: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Enterprise:
    """Record an enterprise visited: found by its name among the office's enterprises, or
    added; a contact given updates the enterprise's (kept for the office)."""
    locked = _lock_visit(actor, meeting)
    name = checked_text(
        name, limit=150, label=_("The name"), required=_("Give the enterprise's name.")
    )
    park = checked_text(park, limit=100, label=_("The park")) or locked.park
    contact_name = checked_text(contact_name, limit=50, label=_("The contact person"))
    contact_phone = checked_text(contact_phone, limit=30, label=_("The contact phone"))
    enterprise = _enterprise(locked, name, park[:100])
    changes: dict[str, object] = {}
    for field_name, value in (("contact_name", contact_name), ("contact_phone", contact_phone)):
        if value and getattr(enterprise, field_name) != value:
            setattr(enterprise, field_name, value)
            changes[field_name] = True  # the values are the office's; the audit says what changed
    if not enterprise.park and park:
        enterprise.park = park[:100]
        changes["park"] = park
    if changes:
        enterprise.save()
    locked.enterprises.add(enterprise)
    audit_record(
        actor=actor,
        action="meeting.enterprise_add",
        obj=locked,
        changes={"enterprise": enterprise.pk, **changes},
    )
    return enterprise


# --- Problems -----------------------------------------------------------------------------


@transaction.atomic
def enterprise_problem_add(
    *,
    actor: User,
    meeting: Meeting,
    enterprise: Enterprise,
    description: str,
    assigned_unit: Unit | None = None,
    deadline: dt.date | None = None,
) -> EnterpriseProblem:
    """Record a problem an enterprise raised on the visit, assigned to a unit at once when one
    is given (with the deadline for its answer)."""
    locked = _lock_visit(actor, meeting)
    if enterprise.office_id != locked.campaign.office_id:
        raise not_allowed()
    description = checked_text(
        description,
        limit=MAX_PROBLEM_CHARS,
        label=_("The problem"),
        required=_("Describe the problem."),
    )
    if assigned_unit is not None:
        _check_assignment(locked, assigned_unit, deadline)
    elif deadline is not None:
        raise Refused(_("Choose the unit the deadline is for."), code="unit_required")
    if EnterpriseProblem.objects.filter(
        meeting=locked, enterprise=enterprise, description=description
    ).exists():
        raise Refused(
            _("This problem is already recorded for this enterprise."), code="duplicate_problem"
        )
    now = clock.now()
    problem = EnterpriseProblem.objects.create(
        meeting=locked,
        enterprise=enterprise,
        description=description,
        status=Status.RECORDED,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _event(problem, actor=actor, from_status=Status.RECORDED)
    locked.enterprises.add(enterprise)
    audit_record(
        actor=actor,
        action="enterprise_problem.add",
        obj=problem,
        changes={"meeting": locked.pk, "enterprise": enterprise.pk},
    )
    if assigned_unit is not None:
        problem.meeting = locked
        _assign(actor, problem, assigned_unit, deadline, note="")
    return problem


def _assign(
    actor: User,
    problem: EnterpriseProblem,
    unit: Unit,
    deadline: dt.date | None,
    *,
    note: str,
) -> None:
    before = problem.status
    new_unit = problem.assigned_unit_id != unit.pk
    changes = {
        "unit": [problem.assigned_unit_id, unit.pk],
        "deadline": [
            problem.deadline.isoformat() if problem.deadline else None,
            deadline.isoformat() if deadline else None,
        ],
    }
    problem.assigned_unit = unit
    problem.deadline = deadline
    if new_unit or problem.status == Status.RECORDED:
        problem.status = Status.ASSIGNED
    problem.updated_at = clock.now()
    problem.save(update_fields=["assigned_unit", "deadline", "status", "updated_at"])
    _event(problem, actor=actor, from_status=before, note=note)
    audit_record(actor=actor, action="enterprise_problem.assign", obj=problem, changes=changes)
    if new_unit:
        _notify_unit(
            actor=actor,
            problem=problem,
            title=_("An enterprise's problem is assigned to your unit: %(enterprise)s")
            % {"enterprise": problem.enterprise.name},
            # A unit is told once of a problem, however often it moves back and forth.
            key=f"engagement.problem.{problem.pk}.assigned.{unit.pk}",
        )


@transaction.atomic
def enterprise_problem_assign(
    *, actor: User, problem: EnterpriseProblem, unit: Unit, deadline: dt.date, note: str = ""
) -> EnterpriseProblem:
    """Assign the problem to a unit with a deadline (or change them); the unit's head and
    contact are told. A resolved problem is reopened first."""
    locked = _lock_problem(problem)
    if not can_manage_meeting(membership_of(actor), locked.meeting):
        raise NotAllowed(_("You do not organise this visit."), code="not_organiser")
    if locked.status == Status.RESOLVED:
        raise Refused(_("The problem is resolved; reopen it first."), code="resolved")
    _check_assignment(locked.meeting, unit, deadline)
    note = checked_text(note, limit=MAX_PROBLEM_CHARS, label=_("The note"))
    if locked.assigned_unit_id == unit.pk and locked.deadline == deadline:
        return locked
    _assign(actor, locked, unit, deadline, note=note)
    return locked


def _check_answerer(actor: User, problem: EnterpriseProblem) -> None:
    if not can_answer_problem(
        membership_of(actor), problem.meeting.campaign, problem.assigned_unit_id
    ):
        raise NotAllowed(
            _("Only the assigned unit or the office answers this problem."), code="not_answerer"
        )


@transaction.atomic
def enterprise_problem_reply(
    *, actor: User, problem: EnterpriseProblem, reply: str
) -> EnterpriseProblem:
    """The assigned unit (or the office) records its reply to the enterprise."""
    locked = _lock_problem(problem)
    _check_answerer(actor, locked)
    if locked.status == Status.RESOLVED:
        raise Refused(_("The problem is already resolved."), code="resolved")
    if locked.status == Status.RECORDED:
        raise Refused(_("Assign the problem to a unit first."), code="not_assigned")
    reply = checked_text(
        reply, limit=MAX_PROBLEM_CHARS, label=_("The reply"), required=_("Write the reply.")
    )
    before = locked.status
    locked.reply = reply
    locked.replied_at = locked.updated_at = clock.now()
    locked.status = Status.REPLIED
    locked.save(update_fields=["reply", "replied_at", "status", "updated_at"])
    _event(locked, actor=actor, from_status=before, note=reply)
    audit_record(
        actor=actor, action="enterprise_problem.reply", obj=locked, changes={"status": before}
    )
    return locked


@transaction.atomic
def enterprise_problem_resolve(
    *, actor: User, problem: EnterpriseProblem, resolution: str
) -> EnterpriseProblem:
    """The assigned unit (or the office) records how the problem was solved."""
    locked = _lock_problem(problem)
    _check_answerer(actor, locked)
    if locked.status == Status.RESOLVED:
        raise Refused(_("The problem is already resolved."), code="resolved")
    resolution = checked_text(
        resolution,
        limit=MAX_PROBLEM_CHARS,
        label=_("The resolution"),
        required=_("Say how the problem was solved."),
    )
    before = locked.status
    locked.resolution = resolution
    locked.resolved_at = locked.updated_at = clock.now()
    locked.status = Status.RESOLVED
    locked.save(update_fields=["resolution", "resolved_at", "status", "updated_at"])
    _event(locked, actor=actor, from_status=before, note=resolution)
    audit_record(
        actor=actor, action="enterprise_problem.resolve", obj=locked, changes={"status": before}
    )
    return locked


@transaction.atomic
def enterprise_problem_reopen(
    *, actor: User, problem: EnterpriseProblem, reason: str
) -> EnterpriseProblem:
    """The office reopens a resolved problem (the enterprise says it is not solved); it goes
    back to its unit, which is told."""
    locked = _lock_problem(problem)
    if not can_reopen_problem(membership_of(actor), locked.meeting.campaign):
        raise NotAllowed(_("Only the office reopens a problem."), code="not_office")
    if locked.status != Status.RESOLVED:
        raise Refused(_("Only a resolved problem can be reopened."), code="not_resolved")
    reason = checked_text(
        reason,
        limit=MAX_PROBLEM_CHARS,
        label=_("The reason"),
        required=_("Say why the problem is reopened."),
    )
    locked.status = Status.ASSIGNED if locked.assigned_unit_id else Status.RECORDED
    locked.resolved_at = None
    locked.updated_at = clock.now()
    locked.save(update_fields=["status", "resolved_at", "updated_at"])
    event = _event(locked, actor=actor, from_status=Status.RESOLVED, note=reason)
    audit_record(
        actor=actor,
        action="enterprise_problem.reopen",
        obj=locked,
        changes={"status": [Status.RESOLVED, locked.status]},
    )
    _notify_unit(
        actor=actor,
        problem=locked,
        title=_("An enterprise's problem is reopened: %(enterprise)s")
        % {"enterprise": locked.enterprise.name},
        key=f"engagement.problem.{locked.pk}.reopened.{event.pk}",
    )
    return locked
