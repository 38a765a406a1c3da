"""What every engagement view starts from: the acting user, the campaign, refusals as form
errors."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import content_disposition_header

from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import campaign_get
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


def stored_file_response(field_file, *, content_type: str, name: str, size: int | None):
    """A stored file, inline for an image (shown on the page), else as a download."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not content_type.startswith("image/"), filename=name
    )
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
