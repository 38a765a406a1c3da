"""Who may read the leading group's dashboard and who drafts the office's reports."""

from __future__ import annotations

from huodong.campaigns.models import Campaign
from huodong.campaigns.permissions import can_manage_campaign, sees_whole_plan
from huodong.orgs.permissions import Membership


def can_view_dashboard(membership: Membership, campaign: Campaign) -> bool:
    """The leading group's screen: whoever sees the whole plan (the office, leaders, inspectors,
    the leading group and the sub-themes' lead leaders)."""
    return sees_whole_plan(membership, campaign)


def can_draft_reports(membership: Membership, campaign: Campaign) -> bool:
    """Briefs and the final summary are written by the leading group's office."""
    return can_manage_campaign(membership, campaign)


def can_read_reports(membership: Membership, campaign: Campaign) -> bool:
    return can_view_dashboard(membership, campaign)
