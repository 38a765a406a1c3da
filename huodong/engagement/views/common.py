"""What every engagement view starts from: the acting user, the campaign, refusals as form
errors."""

from __future__ import annotations

from functools import partial
from typing import cast

from django.http import HttpRequest

from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import campaign_get
from huodong.core.file_responses import stored_file_response as core_stored_file_response
from huodong.engagement.errors import EngagementError
from huodong.orgs.models import User
from huodong.orgs.permissions import Membership, membership_of

PAGE_SIZE = 20


def acting_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def campaign_for(request: HttpRequest, campaign_id: int) -> tuple[Membership, Campaign]:
    """The user's membership and the campaign (404 for another office's)."""
    membership = membership_of(request.user)
    return membership, campaign_get(membership, campaign_id)


def field_for(exc: EngagementError, fields: dict[str, tuple[str, ...]]) -> str | None:
    """The form field a refusal is about, by its code (None: the form as a whole)."""
    for name, prefixes in fields.items():
        if any(exc.code.startswith(prefix) for prefix in prefixes):
            return name
    return None


# Engagement's downloads have never sent the sandboxing Content-Security-Policy; kept so.
stored_file_response = partial(core_stored_file_response, sandbox=False)
