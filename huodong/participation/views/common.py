"""What every participation view starts from: the acting user and the campaign they may see."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import campaign_get
from huodong.orgs.models import User
from huodong.orgs.permissions import Membership, membership_of


def acting_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def campaign_for(request: HttpRequest, campaign_id: int) -> tuple[Membership, Campaign]:
    """The user's membership and the campaign (404 for another office's)."""
    membership = membership_of(request.user)
    return membership, campaign_get(membership, campaign_id)
