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
