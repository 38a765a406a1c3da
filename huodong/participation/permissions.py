"""Who may do what with study, reflections, problem ledgers and compliance.

- Every member of the campaign's office takes part: logs their own study, signs in to sessions
  they are invited to, writes reflections, and sees their own progress.
- A unit or branch organises sessions through its head, contact or branch secretary
  (`Membership.managed_unit_ids`); the office (campaign managers) organises for any unit.
- Reflections are reviewed by the secretary of the writer's party branch or by the office.
- A branch keeps its problem ledger through its secretary (or the office); only the office and
  inspectors verify a rectified problem and close it (销号).
- Compliance: the office-wide roles see everyone; unit and branch managers see their own units'
  people and units; everyone else sees only their own progress.

A forbidden object is answered like a missing one (404).
"""

from __future__ import annotations

from huodong.campaigns.models import Campaign
from huodong.campaigns.permissions import can_manage_campaign
from huodong.orgs.models import Person, Role
from huodong.orgs.permissions import Membership


def takes_part(membership: Membership, campaign: Campaign) -> bool:
    """Staff of the campaign's office: they study, write and answer."""
    person = membership.person
    return person is not None and person.office_id == campaign.office_id


def can_organise_for(membership: Membership, campaign: Campaign, unit_id: int) -> bool:
    if can_manage_campaign(membership, campaign):
        return True
    return membership.in_office(campaign.office_id) and unit_id in membership.managed_unit_ids


def can_organise_any(membership: Membership, campaign: Campaign) -> bool:
    return can_manage_campaign(membership, campaign) or (
        membership.in_office(campaign.office_id) and bool(membership.managed_unit_ids)
    )


def can_review_reflection_of(membership: Membership, campaign: Campaign, writer: Person) -> bool:
    """The writer's branch secretary or the leading group's office; never the writer."""
    if membership.person is not None and membership.person.pk == writer.pk:
        return False
    if can_manage_campaign(membership, campaign):
        return True
    secretary_of = membership.unit_scopes.get(Role.BRANCH_SECRETARY, frozenset())
    return (
        membership.in_office(campaign.office_id)
        and writer.branch_id is not None
        and writer.branch_id in secretary_of
    )


def can_keep_ledger_of(membership: Membership, campaign: Campaign, branch_id: int) -> bool:
    """Add and update a branch's problems: its secretary (or managers) and the office."""
    return can_organise_for(membership, campaign, branch_id)


def can_verify_problems(membership: Membership, campaign: Campaign) -> bool:
    if not membership.in_office(campaign.office_id):
        return False
    return Role.INSPECTOR in membership.roles or can_manage_campaign(membership, campaign)


def sees_all_compliance(membership: Membership, campaign: Campaign) -> bool:
    return membership.in_office(campaign.office_id) and (
        membership.is_office_wide or can_manage_campaign(membership, campaign)
    )


def compliance_unit_ids(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The units whose compliance this user sees: None for all, an empty set for none."""
    if sees_all_compliance(membership, campaign):
        return None
    if not membership.in_office(campaign.office_id):
        return frozenset()
    return membership.managed_unit_ids


# --- Reflections and problem ledgers ------------------------------------------------------
#
# A reflection is seen by its writer and, once submitted, by those who may review it; a draft
# stays private. A branch's problem ledger is read by the office-wide roles and the office, by
# those who act for the branch, and by the branch's own members; it is kept by its secretary
# (or another role scoped to it) and the office.


def is_writer_of(membership: Membership, writer_id: int) -> bool:
    person = membership.person
    return person is not None and person.pk == writer_id


def reflection_review_scope(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The party branches whose members' reflections this user reviews: None for every person
    of the office (the leading group's office), an empty set for nobody."""
    if can_manage_campaign(membership, campaign):
        return None
    if not membership.in_office(campaign.office_id):
        return frozenset()
    return membership.unit_scopes.get(Role.BRANCH_SECRETARY, frozenset())


def can_review_any_reflection(membership: Membership, campaign: Campaign) -> bool:
    scope = reflection_review_scope(membership, campaign)
    return scope is None or bool(scope)


def can_see_reflection(
    membership: Membership, campaign: Campaign, writer: Person, *, is_draft: bool
) -> bool:
    """The writer always; a reviewer of the writer once it has been submitted."""
    if is_writer_of(membership, writer.pk):
        return membership.in_office(campaign.office_id)
    return not is_draft and can_review_reflection_of(membership, campaign, writer)


def problem_ledger_scope(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The branches whose problem ledgers the user reads: None for all, an empty set for none."""
    if not membership.in_office(campaign.office_id):
        return frozenset()
    if membership.is_office_wide or can_manage_campaign(membership, campaign):
        return None
    ids = set(membership.managed_unit_ids)
    person = membership.person
    if person is not None and person.branch_id is not None:
        ids.add(person.branch_id)
    return frozenset(ids)


def can_see_problem_ledger_of(membership: Membership, campaign: Campaign, branch_id: int) -> bool:
    scope = problem_ledger_scope(membership, campaign)
    return scope is None or branch_id in scope


def problem_keeper_scope(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The branches whose ledgers the user keeps (`can_keep_ledger_of`): None for all."""
    if can_manage_campaign(membership, campaign):
        return None
    if not membership.in_office(campaign.office_id):
        return frozenset()
    return membership.managed_unit_ids


def can_keep_any_ledger(membership: Membership, campaign: Campaign) -> bool:
    scope = problem_keeper_scope(membership, campaign)
    return scope is None or bool(scope)


# Study sessions ----------------------------------------------------------------------------
#
# - Every member of the campaign's office logs their own study and sees the sessions they are
#   invited to; organisers (the unit's head, contact or branch secretary, and the office for any
#   unit) see the sessions of their units too.
# - Only the organisers of a session's unit edit or cancel it, show its sign-in screen, and mark
#   or unmark attendance; the office-wide roles also read its attendance list.
# - Signing in and filing a make-up are for the session's invitees (checked by the services,
#   which say "you are not on this session's list" rather than hiding the session).


def organisable_unit_ids(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The units this user organises sessions for: None for every unit of the office."""
    if can_manage_campaign(membership, campaign):
        return None
    if not membership.in_office(campaign.office_id):
        return frozenset()
    return membership.managed_unit_ids


def can_log_study(membership: Membership, campaign: Campaign) -> bool:
    """Log one's own personal study and delete it again: the office's staff."""
    return takes_part(membership, campaign)


def can_see_sessions(membership: Membership, campaign: Campaign) -> bool:
    """The session pages: those who take part (invitees) and those who organise."""
    return takes_part(membership, campaign) or can_organise_any(membership, campaign)


def can_manage_session(membership: Membership, campaign: Campaign, organiser_unit_id: int) -> bool:
    """Edit, cancel, show the sign-in screen of, and mark attendance at a session."""
    return can_organise_for(membership, campaign, organiser_unit_id)


def can_see_attendance(membership: Membership, campaign: Campaign, organiser_unit_id: int) -> bool:
    """Who was there: the session's organisers and the office-wide roles."""
    return can_manage_session(membership, campaign, organiser_unit_id) or sees_all_compliance(
        membership, campaign
    )


# Compliance


def can_view_compliance(membership: Membership, campaign: Campaign) -> bool:
    """The compliance pages: the office-wide roles, and unit and branch managers (scoped)."""
    scope = compliance_unit_ids(membership, campaign)
    return scope is None or bool(scope)


def can_see_progress_of(membership: Membership, campaign: Campaign, person: Person) -> bool:
    """A person's own progress page: they themselves, or whoever sees their unit or branch."""
    if person.office_id != campaign.office_id or not membership.in_office(campaign.office_id):
        return False
    if membership.person is not None and membership.person.pk == person.pk:
        return True
    scope = compliance_unit_ids(membership, campaign)
    return scope is None or person.unit_id in scope or person.branch_id in scope


def compliance_remind_unit_ids(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """Whose shortfalls this user may remind: None for all (the campaign's managers), a unit
    manager's own units, or an empty set for nobody (viewers such as inspectors and leaders)."""
    if can_manage_campaign(membership, campaign):
        return None
    if not membership.in_office(campaign.office_id):
        return frozenset()
    return membership.managed_unit_ids


def can_remind_short(membership: Membership, campaign: Campaign, unit_id: int | None) -> bool:
    """Send the reminders of a compliance page (filtered to `unit_id`, if given)."""
    scope = compliance_remind_unit_ids(membership, campaign)
    if scope is None:
        return True
    return bool(scope) and (unit_id is None or unit_id in scope)


def can_edit_requirements(membership: Membership, campaign: Campaign) -> bool:
    return can_manage_campaign(membership, campaign)
