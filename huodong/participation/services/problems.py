"""Writes of the problem ledgers (查找问题): each party branch's problems and their rectification.

A problem goes 查摆 (found) → 整改中 (rectifying) → 已整改 (rectified), moved by those who keep
the branch's ledger, and is closed (销号) only when the office or an inspector verifies it; a
verifier who is not satisfied sends it back to 整改中. Every transition locks the row, moves it
with a conditional update (two people advancing at once record one transition), and writes a
`ProblemEvent` and an audit record in the same transaction; notifications go after commit.
A refusal raises a `ParticipationError` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.notifications.models import NotificationKind
from huodong.notifications.services import notification_send
from huodong.orgs.models import PARTY_BRANCH_KINDS, Person, Unit, User
from huodong.orgs.permissions import membership_of
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import Problem, ProblemCategory, ProblemEvent, ProblemStatus
from huodong.participation.permissions import can_keep_ledger_of, can_verify_problems

__all__ = [
    "ADVANCES",
    "MAX_TEXT_CHARS",
    "problem_advance",
    "problem_create",
    "problem_reject_verification",
    "problem_update",
    "problem_verify",
    "problems_record_export",
]

# What the ledger's keepers may move a problem to, from where.
ADVANCES: dict[str, str] = {
    ProblemStatus.RECTIFYING: ProblemStatus.FOUND,
    ProblemStatus.RECTIFIED: ProblemStatus.RECTIFYING,
}
MAX_TEXT_CHARS = 5000


# --- Helpers ------------------------------------------------------------------------------


def _not_allowed() -> NotAllowed:
    return NotAllowed(
        _("You may not do this with this branch's problem ledger."), code="not_allowed"
    )


def _status_refusal(status: str, code: str) -> Refused:
    return Refused(
        _("This cannot be done while the problem is “%(status)s”.")
        % {"status": ProblemStatus(status).label},
        code=code,
    )


def _lock(problem: Problem) -> Problem:
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("campaign", "branch")
        .filter(pk=problem.pk)
        .first()
    )
    if locked is None:
        raise _not_allowed()
    return locked


def _text(value: str, *, label: str, required: bool = False) -> str:
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise Refused(_("Fill in %(field)s.") % {"field": label}, code="required")
    if len(value) > MAX_TEXT_CHARS:
        raise Refused(
            _("%(field)s is too long (at most %(n)d characters).")
            % {"field": label, "n": MAX_TEXT_CHARS},
            code="too_long",
        )
    return value


def _check_fields(
    campaign: Campaign,
    *,
    description: str,
    category: str,
    cause: str,
    measures: str,
    responsible: Person | None,
    deadline: dt.date | None,
    found_on: dt.date,
) -> dict[str, Any]:
    if category not in ProblemCategory.values:
        raise Refused(_("Choose the problem's category."), code="category")
    if responsible is not None and responsible.office_id != campaign.office_id:
        raise Refused(
            _("The responsible person must be a member of the campaign's office."),
            code="responsible_outside",
        )
    today = clock.today()
    if found_on > today:
        raise Refused(_("The date found cannot be in the future."), code="found_in_future")
    if (campaign.start is not None and found_on < campaign.start) or (
        campaign.end is not None and found_on > campaign.end
    ):
        raise Refused(
            _("The date found must fall within the campaign (%(start)s – %(end)s).")
            % {
                "start": campaign.start.isoformat() if campaign.start else "…",
                "end": campaign.end.isoformat() if campaign.end else "…",
            },
            code="found_outside_campaign",
        )
    if deadline is not None and deadline < found_on:
        raise Refused(
            _("The deadline cannot be before the date the problem was found."),
            code="deadline_before_found",
        )
    return {
        "description": _text(description, label=_("the problem"), required=True),
        "category": category,
        "cause": _text(cause, label=_("the cause")),
        "measures": _text(measures, label=_("the measures")),
        "responsible": responsible,
        "deadline": deadline,
        "found_on": found_on,
    }


def _problem_url(problem: Problem) -> str:
    return reverse("participation:problem", args=[problem.pk])


def _problem_title(problem: Problem, branch: Unit) -> str:
    return _("Problem %(seq)s of %(branch)s") % {"seq": problem.seq, "branch": branch.name}


def _notify_after_commit(
    *, actor: User, key: str, recipients: list[User], title: str, body: str, url: str
) -> None:
    recipients = [user for user in recipients if user.pk != actor.pk]
    if not recipients:
        return

    def send() -> None:
        notification_send(
            actor=actor,
            recipients=recipients,
            kind=NotificationKind.PROBLEM,
            title=title,
            body=body,
            url=url,
            dedupe_key=key,
        )

    transaction.on_commit(send, robust=True)


def _people_concerned(problem: Problem) -> list[User]:
    """Who hears of a verification: the responsible person and who recorded the problem."""
    users: list[User] = []
    if problem.responsible_id is not None:
        responsible = User.objects.filter(person__pk=problem.responsible_id, is_active=True).first()
        if responsible is not None:
            users.append(responsible)
    if problem.created_by_id is not None:
        creator = User.objects.filter(pk=problem.created_by_id, is_active=True).first()
        if creator is not None:
            users.append(creator)
    return users


def _move(
    locked: Problem,
    *,
    actor: User,
    action: str,
    to: str,
    allowed_from: str,
    note: str,
    **fields: Any,
) -> ProblemEvent:
    """Move a locked problem; the conditional update refuses a move someone else made."""
    previous = locked.status
    if previous != allowed_from:
        raise _already(previous, to)
    at = clock.now()
    moved = Problem.objects.filter(pk=locked.pk, status=previous).update(
        status=to, updated_at=at, **fields
    )
    if not moved:
        raise _already(Problem.objects.get(pk=locked.pk).status, to)
    locked.refresh_from_db()
    event = ProblemEvent.objects.create(
        problem=locked, from_status=previous, to_status=to, note=note, actor=actor, at=at
    )
    audit_record(
        actor=actor,
        action=action,
        obj=locked,
        changes={"status": [previous, to], **({"note": note} if note else {})},
    )
    return event


def _already(status: str, to: str) -> Refused:
    if status == to:
        return Refused(
            _("The problem is already “%(status)s”.") % {"status": ProblemStatus(status).label},
            code="already",
        )
    return _status_refusal(status, code=f"{to}_from_{status}")


# --- The ledger ---------------------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    actor: User,
    campaign: Campaign,
    branch: Unit,
    description: str,
    category: str,
    cause: str = "",
    measures: str = "",
    responsible: Person | None = None,
    deadline: dt.date | None = None,
    found_on: dt.date,
) -> Problem:
    """Add a problem to a branch's ledger with the next number of that branch in the campaign.

    The branch's row is locked while the number is taken, so two keepers adding at once get
    consecutive numbers, never the same one.
    """
    if branch.office_id != campaign.office_id or not can_keep_ledger_of(
        membership_of(actor), campaign, branch.pk
    ):
        raise _not_allowed()
    if branch.kind not in PARTY_BRANCH_KINDS:
        raise Refused(_("Problems are recorded for a party branch."), code="not_a_branch")
    fields = _check_fields(
        campaign,
        description=description,
        category=category,
        cause=cause,
        measures=measures,
        responsible=responsible,
        deadline=deadline,
        found_on=found_on,
    )
    Unit.objects.select_for_update().filter(pk=branch.pk).first()
    last = Problem.objects.filter(campaign=campaign, branch=branch).aggregate(last=Max("seq"))
    problem = Problem.objects.create(
        campaign=campaign,
        branch=branch,
        seq=(last["last"] or 0) + 1,
        created_by=actor,
        **fields,
    )
    audit_record(
        actor=actor,
        action="problem.create",
        obj=problem,
        changes={
            "branch": branch.pk,
            "seq": problem.seq,
            "category": problem.category,
            "found_on": problem.found_on.isoformat(),
        },
    )
    if responsible is not None and responsible.user_id is not None:
        user = User.objects.filter(pk=responsible.user_id, is_active=True).first()
        _notify_after_commit(
            actor=actor,
            key=f"participation.problem.{problem.pk}.responsible.{responsible.pk}",
            recipients=[user] if user is not None else [],
            title=_("You are responsible for rectifying %(problem)s")
            % {"problem": _problem_title(problem, branch)},
            body=problem.description[:300],
            url=_problem_url(problem),
        )
    return problem


@transaction.atomic
def problem_update(
    *,
    actor: User,
    problem: Problem,
    description: str,
    category: str,
    cause: str,
    measures: str,
    responsible: Person | None,
    deadline: dt.date | None,
    found_on: dt.date,
) -> Problem:
    """Edit a problem of a ledger the actor keeps; a closed (销号) problem no longer changes."""
    locked = _lock(problem)
    if not can_keep_ledger_of(membership_of(actor), locked.campaign, locked.branch_id):
        raise _not_allowed()
    if locked.status == ProblemStatus.CLOSED:
        raise Refused(
            _("A problem closed after verification (销号) can no longer be changed."),
            code="closed",
        )
    fields = _check_fields(
        locked.campaign,
        description=description,
        category=category,
        cause=cause,
        measures=measures,
        responsible=responsible,
        deadline=deadline,
        found_on=found_on,
    )
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        before = getattr(locked, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
    if not changes:
        return locked
    updated = (
        Problem.objects.filter(pk=locked.pk)
        .exclude(status=ProblemStatus.CLOSED)
        .update(updated_at=clock.now(), **fields)
    )
    if not updated:
        raise Refused(
            _("A problem closed after verification (销号) can no longer be changed."),
            code="closed",
        )
    locked.refresh_from_db()
    audit_record(actor=actor, action="problem.update", obj=locked, changes=changes)
    if "responsible" in changes and responsible is not None and responsible.user_id is not None:
        user = User.objects.filter(pk=responsible.user_id, is_active=True).first()
        _notify_after_commit(
            actor=actor,
            key=f"participation.problem.{locked.pk}.responsible.{responsible.pk}",
            recipients=[user] if user is not None else [],
            title=_("You are responsible for rectifying %(problem)s")
            % {"problem": _problem_title(locked, locked.branch)},
            body=locked.description[:300],
            url=_problem_url(locked),
        )
    return locked


def _plain(value: Any) -> Any:
    if isinstance(value, Person):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- Rectification and verification -------------------------------------------------------


@transaction.atomic
def problem_advance(*, actor: User, problem: Problem, to_status: str, note: str = "") -> Problem:
    """查摆 → 整改中 → 已整改, by those who keep the branch's ledger.

    Marking it rectified needs the measures taken to be written down.
    """
    if to_status not in ADVANCES:
        raise Refused(_("A problem is closed only by verification (销号)."), code="bad_transition")
    locked = _lock(problem)
    if not can_keep_ledger_of(membership_of(actor), locked.campaign, locked.branch_id):
        raise _not_allowed()
    note = _text(note, label=_("the note"))
    if locked.status != ADVANCES[to_status]:
        raise _already(locked.status, to_status)
    if to_status == ProblemStatus.RECTIFIED and not locked.measures.strip():
        raise Refused(
            _("Write down the measures taken before marking the problem rectified."),
            code="measures_required",
        )
    _move(
        locked,
        actor=actor,
        action=f"problem.{to_status}",
        to=to_status,
        allowed_from=ADVANCES[to_status],
        note=note,
    )
    return locked


@transaction.atomic
def problem_verify(*, actor: User, problem: Problem, note: str = "") -> Problem:
    """销号: the office or an inspector verifies a rectified problem and closes it."""
    locked = _lock(problem)
    if not can_verify_problems(membership_of(actor), locked.campaign):
        raise _not_allowed()
    note = _text(note, label=_("the verification"))
    at = clock.now()
    event = _move(
        locked,
        actor=actor,
        action="problem.verify",
        to=ProblemStatus.CLOSED,
        allowed_from=ProblemStatus.RECTIFIED,
        note=note,
        verified_by=actor,
        verified_at=at,
        verification_note=note,
    )
    _notify_after_commit(
        actor=actor,
        key=f"participation.problem_event.{event.pk}",
        recipients=_people_concerned(locked),
        title=_("%(problem)s was verified and closed (销号)")
        % {"problem": _problem_title(locked, locked.branch)},
        body=note or locked.description[:300],
        url=_problem_url(locked),
    )
    return locked


@transaction.atomic
def problem_reject_verification(*, actor: User, problem: Problem, note: str) -> Problem:
    """The verifier is not satisfied: the rectified problem goes back to 整改中, with reasons."""
    locked = _lock(problem)
    if not can_verify_problems(membership_of(actor), locked.campaign):
        raise _not_allowed()
    note = _text(note, label=_("the reason"))
    if not note:
        raise Refused(_("Say why the rectification is not accepted."), code="note_required")
    event = _move(
        locked,
        actor=actor,
        action="problem.reject_verification",
        to=ProblemStatus.RECTIFYING,
        allowed_from=ProblemStatus.RECTIFIED,
        note=note,
        verification_note=note,
    )
    _notify_after_commit(
        actor=actor,
        key=f"participation.problem_event.{event.pk}",
        recipients=_people_concerned(locked),
        title=_("The rectification of %(problem)s was not accepted")
        % {"problem": _problem_title(locked, locked.branch)},
        body=note,
        url=_problem_url(locked),
    )
    return locked


@transaction.atomic
def problems_record_export(
    *, actor: User, campaign: Campaign, filters: dict[str, Any] | None = None
) -> None:
    """Exports are audited like writes: who took the problem ledger out, and when."""
    audit_record(
        actor=actor,
        action="participation.problems_export",
        obj=campaign,
        changes={"format": "xlsx", **(filters or {})},
    )
