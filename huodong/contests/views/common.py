"""What every contest view starts from: the acting user, the contest and their standing in it.

A contest the user may not see, and a page their standing does not open, answer 404 like a
missing one; a judge is turned away from every organisers' page the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from huodong.contests import permissions, selectors
from huodong.contests.errors import ContestError, NotAllowed
from huodong.contests.models import ContestStatus
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of


def acting_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def standing_for(request: HttpRequest, contest_id: int) -> permissions.Standing:
    standing = selectors.contest_for(membership_of(request.user), contest_id)
    if standing is None:
        raise Http404
    return standing


def organiser_for(request: HttpRequest, contest_id: int) -> permissions.Standing:
    standing = standing_for(request, contest_id)
    if not permissions.can_organise(standing):
        raise Http404
    return standing


def judge_for(request: HttpRequest, contest_id: int) -> permissions.Standing:
    standing = standing_for(request, contest_id)
    if not permissions.can_judge(standing):
        raise Http404
    return standing


def act(request: HttpRequest, call: Callable[[], object], success: str, to: HttpResponse):
    """Run a service call: a refusal becomes a message, NotAllowed a 404."""
    try:
        call()
    except NotAllowed as exc:
        raise Http404 from exc
    except ContestError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return to


def back(name: str, contest_id: int, anchor: str = "") -> HttpResponse:
    response = redirect(name, contest_id=contest_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def steps(contest) -> list[dict[str, str]]:
    """The contest's steps, each done, current or to come."""
    values = [value for value, _label in ContestStatus.choices]
    current = values.index(contest.status)
    return [
        {
            "label": str(label),
            "state": "done" if index < current else "current" if index == current else "",
        }
        for index, (_value, label) in enumerate(ContestStatus.choices)
    ]
