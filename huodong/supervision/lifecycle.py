"""The lifecycle rules in one place: which transition starts from which status.

    assigned --receive (lead unit)--> received --first lead report--> in progress
    in progress / returned --submit (lead unit)--> submitted
    submitted --accept (office, inspector)--> accepted      (records the completion date)
    submitted --return with reasons (office, inspector)--> returned
    accepted --reopen (office)--> in progress (or assigned, if never received)

An accepted task cannot be returned. The completion date on the task is the truth for the lights:
a task recorded as completed outside this lifecycle counts as accepted, and one whose completion
was withdrawn outside it counts as open again (`effective_status`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from huodong.supervision.models import TrackingStatus


class Transition(StrEnum):
    RECEIVE = "receive"
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"
    REOPEN = "reopen"


# Transition -> the statuses it may start from.
ALLOWED_FROM: dict[Transition, frozenset[str]] = {
    Transition.RECEIVE: frozenset({TrackingStatus.ASSIGNED}),
    Transition.SUBMIT: frozenset({TrackingStatus.IN_PROGRESS, TrackingStatus.RETURNED}),
    Transition.ACCEPT: frozenset({TrackingStatus.SUBMITTED}),
    Transition.RETURN: frozenset({TrackingStatus.SUBMITTED}),
    Transition.REOPEN: frozenset({TrackingStatus.ACCEPTED}),
}

# Statuses in which the lead unit writes reports (it must have received the task first).
LEAD_REPORTING = frozenset(
    {
        TrackingStatus.RECEIVED,
        TrackingStatus.IN_PROGRESS,
        TrackingStatus.SUBMITTED,
        TrackingStatus.RETURNED,
    }
)


def effective_status(status: str | None, *, completed_on: dt.date | None, received: bool) -> str:
    """The status as the task's completion date has it (see the module's docstring)."""
    status = status or TrackingStatus.ASSIGNED
    if completed_on is not None:
        return TrackingStatus.ACCEPTED
    if status == TrackingStatus.ACCEPTED:
        return TrackingStatus.IN_PROGRESS if received else TrackingStatus.ASSIGNED
    return status


def is_open(status: str) -> bool:
    return status != TrackingStatus.ACCEPTED
