"""Who may build, publish and read the results of questionnaires, and who may answer them.

- The leading group's office (admins, director, staff) builds, publishes, copies and closes
  its office's surveys and sees every result; leaders and inspectors see results.
- A staff survey is answered by members of its office, signed in; a public survey by anyone
  holding its link while it is open.

A forbidden object is answered like a missing one (404).
"""

from __future__ import annotations

from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership
from huodong.surveys.models import Audience, Survey

MANAGER_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})
RESULT_ROLES = MANAGER_ROLES | {Role.LEADER, Role.INSPECTOR}


def can_manage_surveys(membership: Membership, office_id: int) -> bool:
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & MANAGER_ROLES)
    )


def can_see_results(membership: Membership, survey: Survey) -> bool:
    return membership.in_office(survey.office_id) and (
        membership.is_superuser or bool(membership.roles & RESULT_ROLES)
    )


def can_answer(membership: Membership, survey: Survey) -> bool:
    """Whether this person may answer at all (open or not is the service's refusal)."""
    if survey.audience == Audience.PUBLIC:
        return True
    return membership.person is not None and membership.office_id == survey.office_id
