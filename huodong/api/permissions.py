"""Who may manage integrations, and the few rules the open API adds to the apps' own.

- The office's system administrator and the director of the leading group's office create
  integrations, issue and revoke their tokens; anyone else gets 404 on those pages.
- An integration acts through the API with the roles it was given, exactly as a person holding
  them (`integration_membership`): every app's permission functions apply unchanged. What needs a
  person ("my study", "my suggestions") is not offered to integrations.
- Recording a person's study for them (the apps let only the person log their own): an
  integration with an office-wide role may record it for anyone of its office, one with a unit
  scope for the people of those units (by unit or party branch).
- Outcomes: staff read them as staff; an integration is not staff, so one without a pool
  reader's role reads the outcomes its units are responsible for (those it could update as their
  head or contact), and none when it has no such unit.
"""

from __future__ import annotations

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Person, Role
from huodong.orgs.permissions import Membership
from huodong.suggestions.permissions import OUTCOME_UNIT_ROLES, can_read_outcomes

INTEGRATION_MANAGER_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR})
# Roles an integration may be given: every standing role but the system administrator's.
GRANTABLE_ROLES = tuple(role for role in Role if role != Role.ADMIN)
UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_CONTACT, Role.BRANCH_SECRETARY)


def can_manage_integrations(membership: Membership, office_id: int) -> bool:
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & INTEGRATION_MANAGER_ROLES)
    )


def is_integration(membership: Membership) -> bool:
    """A membership built for an integration: an office and roles, but no person."""
    return membership.person is None and membership.office_id is not None


def can_record_study_for(membership: Membership, campaign: Campaign, person: Person) -> bool:
    """Record a personal study for `person`: integrations only (people log their own)."""
    if not is_integration(membership) or not membership.in_office(campaign.office_id):
        return False
    if person.office_id != campaign.office_id:
        return False
    if membership.is_office_wide:
        return True
    units = membership.managed_unit_ids
    return person.unit_id in units or (person.branch_id is not None and person.branch_id in units)


def outcome_unit_scope(membership: Membership, office_id: int) -> frozenset[int] | None:
    """The responsible units whose outcomes the API shows: None for every outcome of the
    office, an empty set for none."""
    if can_read_outcomes(membership, office_id):
        return None
    if not membership.in_office(office_id):
        return frozenset()
    ids: set[int] = set()
    for role in OUTCOME_UNIT_ROLES:
        ids |= membership.unit_scopes.get(role, frozenset())
    return frozenset(ids)
