"""What every participation view starts from: the acting user and the campaign they may see."""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest

from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import campaigns_visible_to
from huodong.orgs.models import User
from huodong.orgs.permissions import Membership, membership_of


def acting_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def campaign_for(request: HttpRequest, campaign_id: int) -> tuple[Membership, Campaign]:
    """The user's membership and the campaign (404 for another office's).

    The campaign's row alone: participation pages and writes read its dates and office id,
    never the office or leading group rows a campaign page joins in, and the deadline-rush
    writes (`bench/rush.py`) start here.
    """
    membership = membership_of(request.user)
    campaign = (
        campaigns_visible_to(membership)
        .select_related(None)
        .filter(pk=campaign_id)
        .order_by()
        .first()
    )
    if campaign is None:
        raise Http404
    return membership, campaign
