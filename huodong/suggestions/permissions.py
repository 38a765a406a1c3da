"""Who may see and work the suggestion pool and the outcomes.

- The leading group's office (admins, director, staff) keeps the pool: records, triages,
  merges, assigns evaluators, answers submitters, exports; and sets up outcomes.
- Leaders and inspectors read the pool and the outcomes.
- An evaluator sees the suggestions assigned to them and gives an opinion.
- The responsible unit of an outcome (its head or contact) updates its milestones and
  progress and adds documents.
- Every staff member may make a suggestion and sees their own; the public uses the mailbox.

A forbidden object is answered like a missing one (404).
"""

from __future__ import annotations

from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership

MANAGER_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})
READER_ROLES = MANAGER_ROLES | {Role.LEADER, Role.INSPECTOR}
OUTCOME_UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_CONTACT)


def can_manage_pool(membership: Membership, office_id: int) -> bool:
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & MANAGER_ROLES)
    )


def can_read_pool(membership: Membership, office_id: int) -> bool:
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & READER_ROLES)
    )


def can_suggest(membership: Membership, office_id: int) -> bool:
    """A staff member of the office making a suggestion of their own."""
    return membership.person is not None and membership.office_id == office_id


def can_see_contacts(membership: Membership, office_id: int) -> bool:
    """A submitter's phone or e-mail: only for the office that answers them."""
    return can_manage_pool(membership, office_id)


def suggestion_access(
    membership: Membership, *, office_id: int, submitter_id: int | None, is_evaluator: bool
) -> str | None:
    """How much of one suggestion this user sees: "manage", "read", "evaluate", "own" or
    None (then the page answers 404)."""
    if can_manage_pool(membership, office_id):
        return "manage"
    if can_read_pool(membership, office_id):
        return "read"
    if not membership.in_office(office_id) or membership.person is None:
        return None
    if is_evaluator:
        return "evaluate"
    if submitter_id is not None and submitter_id == membership.person.pk:
        return "own"
    return None


def can_manage_outcomes(membership: Membership, office_id: int) -> bool:
    return can_manage_pool(membership, office_id)


def can_read_outcomes(membership: Membership, office_id: int) -> bool:
    return can_read_pool(membership, office_id) or can_suggest(membership, office_id)


def can_update_outcome(membership: Membership, office_id: int, responsible_unit_id: int) -> bool:
    """Milestones, progress and documents: the office, or the responsible unit's head/contact."""
    if can_manage_outcomes(membership, office_id):
        return True
    if not membership.in_office(office_id):
        return False
    return any(
        responsible_unit_id in membership.unit_scopes.get(role, frozenset())
        for role in OUTCOME_UNIT_ROLES
    )
