"""Writes around requirement compliance: reminding those short, and auditing exports.

A reminder is one click on a requirement's compliance page. The service checks who may remind
whom, counts who would be reminded, audits the click and, after commit, enqueues the task that
sends the notifications (`tasks.send_requirement_reminders`), which recomputes who is short.
Each recipient gets at most one reminder per requirement, period and day: a second click the
same day sends nothing new and says so. A refusal raises a `ParticipationError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from huodong.campaigns.models import Requirement
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.permissions import (
    can_remind_short,
    compliance_remind_unit_ids,
    compliance_unit_ids,
)
from huodong.participation.selectors import compliance as selectors

__all__ = [
    "ReminderOutcome",
    "requirement_compliance_record_export",
    "requirement_remind_short",
]


@dataclass(frozen=True)
class ReminderOutcome:
    plan: selectors.ReminderPlan
    # False when there was nobody new to remind: nothing was enqueued.
    enqueued: bool


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not send reminders for this requirement."), code="not_allowed")


def remind_scope(
    actor: User, requirement: Requirement, unit_id: int | None
) -> frozenset[int] | None:
    """The units whose shortfalls `actor` reminds with this click (None: everyone's).

    Raises NotAllowed for someone who may not remind, or not for the unit asked for.
    """
    membership = membership_of(actor)
    if not can_remind_short(membership, requirement.campaign, unit_id):
        raise _not_allowed()
    return compliance_remind_unit_ids(membership, requirement.campaign)


def reminder_compliance(
    requirement: Requirement, *, period_key: str, unit_id: int | None, scope: frozenset[int] | None
) -> selectors.Compliance:
    """The compliance a reminder is sent for: the page the click came from, recomputed."""
    period = selectors.requirement_period(requirement, period_key, today=clock.today())
    unit_ids = None
    if unit_id is not None:
        unit_ids = selectors.unit_tree(requirement.campaign.office_id).descendants(unit_id)
    return selectors.compliance_for(
        requirement, period, now=clock.now(), scope=scope, unit_ids=unit_ids
    )


@transaction.atomic
def requirement_remind_short(
    *, actor: User, requirement: Requirement, period_key: str, unit_id: int | None
) -> ReminderOutcome:
    """Remind everyone short of `requirement` in the period (within `unit_id` if given).

    People are told themselves; a short branch or unit is told through its heads, contacts and
    branch secretaries. People without a login are skipped (and counted in the outcome).
    """
    scope = remind_scope(actor, requirement, unit_id)
    if not selectors.is_remindable(requirement):
        raise Refused(
            _("This requirement is not counted for anyone who could be reminded."),
            code="not_remindable",
        )
    compliance = reminder_compliance(
        requirement, period_key=period_key, unit_id=unit_id, scope=scope
    )
    key = selectors.reminder_key(requirement, compliance.period, clock.today())
    plan = selectors.reminder_plan(compliance, key=key)
    audit_record(
        actor=actor,
        action="requirement.remind",
        obj=requirement,
        changes={
            "period": compliance.period.key,
            "unit": unit_id,
            "short": plan.short,
            "unreachable": plan.unreachable,
            "to_send": plan.to_send,
            "already": plan.already,
        },
    )
    if plan.to_send <= 0:
        return ReminderOutcome(plan=plan, enqueued=False)
    from huodong.participation.tasks import send_requirement_reminders

    args = (requirement.pk, compliance.period.key, unit_id, actor.pk)
    transaction.on_commit(lambda: send_requirement_reminders.enqueue(*args))
    return ReminderOutcome(plan=plan, enqueued=True)


@transaction.atomic
def requirement_compliance_record_export(
    *, actor: User, requirement: Requirement, period_key: str, unit_id: int | None
) -> None:
    """Exports are audited like writes: who took which people's compliance out, and when."""
    scope = compliance_unit_ids(membership_of(actor), requirement.campaign)
    if scope is not None and not scope:
        raise _not_allowed()
    audit_record(
        actor=actor,
        action="requirement.compliance_export",
        obj=requirement,
        changes={"format": "xlsx", "period": period_key, "unit": unit_id},
    )
