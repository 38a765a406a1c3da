"""What a user may do with a campaign. Views call these; forbidden answers 404."""

from __future__ import annotations

from huodong.campaigns.models import Campaign, LeadingGroupMember, LeadingGroupRole, SubTheme
from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership

CAMPAIGN_MANAGER_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})
GROUP_OFFICE_SEATS = (LeadingGroupRole.OFFICE_DIRECTOR, LeadingGroupRole.OFFICE_STAFF)


def can_view_campaign(membership: Membership, campaign: Campaign) -> bool:
    # The plan is sent to every unit of the office (印发给你们), so every member may read it.
    return membership.in_office(campaign.office_id)


def can_manage_campaign(membership: Membership, campaign: Campaign) -> bool:
    """Set up, edit, copy and record completion: the leading group's office and admins."""
    if not membership.in_office(campaign.office_id):
        return False
    if membership.is_superuser or membership.roles & CAMPAIGN_MANAGER_ROLES:
        return True
    return (
        membership.person is not None
        and LeadingGroupMember.objects.filter(
            campaign=campaign, person=membership.person, role__in=GROUP_OFFICE_SEATS
        ).exists()
    )


def can_create_campaign(membership: Membership, office_id: int) -> bool:
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & CAMPAIGN_MANAGER_ROLES)
    )


def sees_whole_plan(membership: Membership, campaign: Campaign) -> bool:
    """Whose home page shows the whole plan rather than their own unit's share of it."""
    if not membership.in_office(campaign.office_id):
        return False
    if membership.is_office_wide:
        return True
    person = membership.person
    if person is None:
        return False
    return (
        LeadingGroupMember.objects.filter(campaign=campaign, person=person).exists()
        or SubTheme.objects.filter(campaign=campaign, lead_leader=person).exists()
    )
