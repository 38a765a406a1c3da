"""What the views of several apps do around one service call: find the office a page acts for,
and run a button's service, its refusal shown as a message.

Each app has its own `NotAllowed` and `Refused`; the views pass theirs in. An app's errors
print as their translated message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from huodong.orgs.models import Office
from huodong.orgs.permissions import Membership, office_for_request


def office_or_404(
    request: HttpRequest, membership: Membership, *, may: Callable[[Membership, int], bool]
) -> Office:
    """`office_for_request`, with a user who may not act for the office answered 404: to them
    the page does not exist."""
    try:
        return office_for_request(request, membership, may=may)
    except PermissionDenied as exc:
        raise Http404 from exc


def run_action(
    request: HttpRequest,
    call: Callable[[], object],
    *,
    not_allowed: type[Exception],
    refused: type[Exception],
    done: str = "",
) -> bool:
    """Run one service for a button; whether it went through.

    `not_allowed` answers 404; `refused` becomes an error message on the page the user goes
    back to (the service saved nothing); success shows `done` when given.
    """
    try:
        call()
    except not_allowed as exc:
        raise Http404 from exc
    except refused as exc:
        messages.error(request, str(exc))
        return False
    if done:
        messages.success(request, done)
    return True
