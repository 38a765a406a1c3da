"""Helpers shared by the study tests (no tests here): moments, sessions, snapshots."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from huodong.campaigns.models import Campaign, StudyKind
from huodong.core import clock
from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification
from huodong.orgs.models import Person, User
from huodong.participation import signin_codes
from huodong.participation.models import (
    SessionInvitee,
    StudyRecord,
    StudySession,
    StudyTally,
)
from huodong.participation.services import study as services

DAY = dt.date(2018, 6, 20)


def moment(hour: int, minute: int = 0, second: int = 0, *, day: dt.date = DAY) -> dt.datetime:
    """An aware moment in the office's time zone."""
    naive = dt.datetime.combine(day, dt.time(hour, minute, second))
    return timezone.make_aware(naive, timezone.get_current_timezone())


@contextlib.contextmanager
def frozen(settings, at: dt.datetime) -> Iterator[None]:
    """`clock.today()` and `clock.now()` both at `at`."""
    previous = settings.HUODONG_TODAY
    settings.HUODONG_TODAY = timezone.localtime(at).date().isoformat()
    try:
        with clock.frozen_at(at):
            yield
    finally:
        settings.HUODONG_TODAY = previous


def person(user: User) -> Person:
    return Person.objects.get(user=user)


def make_session(
    org,
    campaign: Campaign,
    *,
    actor: User | None = None,
    unit=None,
    kind: str = StudyKind.GROUP,
    day: dt.date = DAY,
    start: tuple[int, int] = (14, 0),
    end: tuple[int, int] = (16, 0),
    invite: list[User] | None = None,
    topic: str = "学习习近平总书记关于全面深化改革的重要思想",
) -> StudySession:
    """A session of the branch (by default), organised by its secretary, inviting staff and
    colleague unless told otherwise."""
    invitees = invite if invite is not None else [org.staff, org.colleague]
    return services.session_create(
        actor=actor or org.secretary,
        campaign=campaign,
        organiser_unit=unit or org.branch,
        kind=kind,
        topic=topic,
        speaker="童学宝",
        place="三楼会议室",
        starts_at=moment(*start, day=day),
        ends_at=moment(*end, day=day),
        invitee_ids=[person(user).pk for user in invitees],
    )


def code_for(session: StudySession, at: dt.datetime) -> str:
    return signin_codes.code_at(session.sign_in_secret, at)


def sign_in(settings, user: User, session: StudySession, at: dt.datetime, code: str | None = None):
    with frozen(settings, at):
        return services.session_sign_in(
            actor=user, session=session, code=code if code is not None else code_for(session, at)
        )


def snapshot() -> dict:
    """Everything a refused write must leave as it was."""
    return {
        "records": sorted(
            StudyRecord.objects.values_list("person_id", "session_id", "source", "date", "kind")
        ),
        "sessions": sorted(
            StudySession.objects.values_list("pk", "topic", "starts_at", "ends_at", "cancelled_at")
        ),
        "invitees": sorted(SessionInvitee.objects.values_list("session_id", "person_id")),
        "tallies": sorted(
            StudyTally.objects.values_list(
                "person_id", "self_studies", "group_studies", "lectures", "discussions"
            )
        ),
        "audit": AuditRecord.objects.count(),
        "notifications": Notification.objects.count(),
    }
