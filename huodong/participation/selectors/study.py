"""Reads of study: a person's records, the sessions they are invited to or organise, and who
attended a session. Each is scoped by what the user may see and runs in a fixed number of
queries however many records, sessions and invitees there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import campaign_get
from huodong.orgs.models import Person, Unit, User
from huodong.orgs.permissions import Membership
from huodong.participation.models import SessionInvitee, StudyRecord, StudySession, StudySource
from huodong.participation.permissions import (
    can_log_study,
    can_manage_session,
    can_see_attendance,
    can_see_sessions,
    organisable_unit_ids,
)

# Sign-in opens this long before a session starts and closes when it ends.
SIGN_IN_OPENS_BEFORE = dt.timedelta(minutes=15)
PRESENT_SOURCES = (StudySource.SIGN_IN, StudySource.MARKED)


def sign_in_window(session: StudySession) -> tuple[dt.datetime, dt.datetime]:
    """When the session's code is accepted: from 15 minutes before its start to its end."""
    return session.starts_at - SIGN_IN_OPENS_BEFORE, session.ends_at


class WindowState(Enum):
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def window_state(session: StudySession, *, now: dt.datetime) -> WindowState:
    if session.cancelled_at is not None:
        return WindowState.CANCELLED
    opens, closes = sign_in_window(session)
    if now < opens:
        return WindowState.NOT_YET
    if now >= closes:
        return WindowState.CLOSED
    return WindowState.OPEN


# --- One's own records --------------------------------------------------------------------


def my_records(membership: Membership, campaign: Campaign) -> QuerySet[StudyRecord]:
    """The user's own study records of the campaign, newest first (for a paginator)."""
    if membership.person is None or not can_log_study(membership, campaign):
        return StudyRecord.objects.none()
    return (
        StudyRecord.objects.filter(campaign=campaign, person=membership.person)
        .select_related("session")
        .order_by("-date", "-id")
    )


def record_get(membership: Membership, record_id: int) -> StudyRecord:
    """One of the user's own records; anyone else's, or another office's, answers 404."""
    record = StudyRecord.objects.select_related("campaign").filter(pk=record_id).first()
    if record is None or membership.person is None:
        raise Http404
    campaign_get(membership, record.campaign_id)
    if record.person_id != membership.person.pk:
        raise Http404
    return record


# --- Sessions -----------------------------------------------------------------------------


def _annotated(sessions: QuerySet[StudySession], person_id: int | None) -> QuerySet[StudySession]:
    """Each session with its numbers and the user's own part in it, in the same query."""
    invitees = (
        SessionInvitee.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    present = (
        StudyRecord.objects.filter(session=OuterRef("pk"), source__in=PRESENT_SOURCES)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sessions = sessions.select_related("organiser_unit").annotate(
        invitee_count=Coalesce(Subquery(invitees, output_field=IntegerField()), Value(0)),
        present_count=Coalesce(Subquery(present, output_field=IntegerField()), Value(0)),
    )
    if person_id is None:
        return sessions.annotate(is_invited=Value(False), my_source=Value(""))
    mine = StudyRecord.objects.filter(session=OuterRef("pk"), person_id=person_id)
    return sessions.annotate(
        is_invited=Exists(
            SessionInvitee.objects.filter(session=OuterRef("pk"), person_id=person_id)
        ),
        my_source=Subquery(mine.values("source")[:1]),
    )


def sessions_for(
    membership: Membership, campaign: Campaign, *, upcoming: bool, now: dt.datetime
) -> QuerySet[StudySession]:
    """Sessions the user is invited to or organises: the upcoming ones (not ended yet) soonest
    first, or the past ones latest first. Office organisers see every session of the campaign."""
    if not can_see_sessions(membership, campaign):
        return StudySession.objects.none()
    person_id = membership.person.pk if membership.person is not None else None
    units = organisable_unit_ids(membership, campaign)
    sessions = StudySession.objects.filter(campaign=campaign)
    if units is not None:
        mine = Q(organiser_unit_id__in=units)
        if person_id is not None:
            mine |= Q(invitees__person_id=person_id)
        # An invitation and an organising unit of the same session must not list it twice.
        sessions = sessions.filter(pk__in=StudySession.objects.filter(mine).values("pk"))
    if upcoming:
        sessions = sessions.filter(ends_at__gt=now).order_by("starts_at", "pk")
    else:
        sessions = sessions.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return _annotated(sessions, person_id)


@dataclass
class SessionRow:
    session: StudySession
    state: WindowState
    organises: bool

    @property
    def my_source(self) -> str:
        return getattr(self.session, "my_source", None) or ""

    @property
    def my_source_label(self) -> str:
        return str(StudySource(self.my_source).label) if self.my_source else ""

    @property
    def is_invited(self) -> bool:
        return bool(getattr(self.session, "is_invited", False))


def session_rows(
    sessions: Iterable[StudySession],
    membership: Membership,
    campaign: Campaign,
    *,
    now: dt.datetime,
) -> list[SessionRow]:
    """A page of `sessions_for` with each session's sign-in state and the user's part in it."""
    units = organisable_unit_ids(membership, campaign)
    return [
        SessionRow(
            session,
            window_state(session, now=now),
            units is None or session.organiser_unit_id in units,
        )
        for session in sessions
    ]


def session_get(membership: Membership, session_id: int) -> StudySession:
    """A session for someone who may see the campaign's sessions; otherwise 404."""
    session = (
        StudySession.objects.select_related("campaign", "organiser_unit")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    # Another office learns nothing, not even that the session exists.
    campaign = campaign_get(membership, session.campaign_id)
    if not can_see_sessions(membership, campaign):
        raise Http404
    session.campaign = campaign
    return session


def managed_session_get(membership: Membership, session_id: int) -> StudySession:
    """A session the user organises (screen, code, attendance); anyone else gets 404."""
    session = session_get(membership, session_id)
    if not can_manage_session(membership, session.campaign, session.organiser_unit_id):
        raise Http404
    return session


class Attendance(Enum):
    PRESENT = "present"
    MAKEUP = "makeup"
    ABSENT = "absent"  # the session is over and there is no record
    PENDING = "pending"  # not over yet, not signed in yet


@dataclass
class AttendanceRow:
    person: Person
    status: Attendance
    record: StudyRecord | None = None

    @property
    def is_present(self) -> bool:
        return self.status is Attendance.PRESENT


@dataclass
class SessionDetail:
    session: StudySession
    state: WindowState
    opens_at: dt.datetime
    is_over: bool
    is_invited: bool
    my_record: StudyRecord | None
    may_manage: bool
    sees_attendance: bool
    attendance: list[AttendanceRow] = field(default_factory=list)
    invitee_count: int = 0

    @property
    def present_count(self) -> int:
        return sum(1 for row in self.attendance if row.status is Attendance.PRESENT)

    @property
    def makeup_count(self) -> int:
        return sum(1 for row in self.attendance if row.status is Attendance.MAKEUP)

    @property
    def may_make_up(self) -> bool:
        """The invitee missed it: the session is over and nothing is recorded for them."""
        return (
            self.is_invited
            and self.is_over
            and self.my_record is None
            and self.session.cancelled_at is None
        )

    @property
    def may_sign_in(self) -> bool:
        return self.is_invited and self.my_record is None and self.state is WindowState.OPEN


def attendance_rows(session: StudySession, *, is_over: bool) -> list[AttendanceRow]:
    """Every invitee with what is recorded for them, by unit and name order (two queries)."""
    records = {
        record.person_id: record
        for record in StudyRecord.objects.filter(session=session).select_related("created_by")
    }
    invitees = (
        SessionInvitee.objects.filter(session=session)
        .select_related("person", "person__unit")
        .order_by("person__unit__sort_order", "person__unit_id", "person__sort_order", "person_id")
    )
    rows = []
    for invitee in invitees:
        record = records.get(invitee.person_id)
        if record is None:
            status = Attendance.ABSENT if is_over else Attendance.PENDING
        elif record.source == StudySource.MAKEUP:
            status = Attendance.MAKEUP
        else:
            status = Attendance.PRESENT
        rows.append(AttendanceRow(invitee.person, status, record))
    return rows


def session_detail(
    membership: Membership, session: StudySession, *, now: dt.datetime
) -> SessionDetail:
    """What the session page shows this user (`session` comes from `session_get`)."""
    campaign = session.campaign
    person = membership.person
    is_invited = person is not None and (
        SessionInvitee.objects.filter(session=session, person=person).exists()
    )
    my_record = (
        StudyRecord.objects.filter(session=session, person=person).first()
        if person is not None
        else None
    )
    may_manage = can_manage_session(membership, campaign, session.organiser_unit_id)
    sees_attendance = may_manage or can_see_attendance(
        membership, campaign, session.organiser_unit_id
    )
    opens, closes = sign_in_window(session)
    is_over = now >= closes
    detail = SessionDetail(
        session=session,
        state=window_state(session, now=now),
        opens_at=opens,
        is_over=is_over,
        is_invited=is_invited,
        my_record=my_record,
        may_manage=may_manage,
        sees_attendance=sees_attendance,
    )
    if sees_attendance:
        detail.attendance = attendance_rows(session, is_over=is_over)
        detail.invitee_count = len(detail.attendance)
    else:
        detail.invitee_count = SessionInvitee.objects.filter(session=session).count()
    return detail


def present_count(session: StudySession) -> int:
    """How many invitees are recorded present (signed in or marked)."""
    return StudyRecord.objects.filter(session=session, source__in=PRESENT_SOURCES).count()


def invitee_count(session: StudySession) -> int:
    return SessionInvitee.objects.filter(session=session).count()


def invitee_person_ids(session: StudySession) -> list[int]:
    return list(
        SessionInvitee.objects.filter(session=session)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )


# --- Choices for the forms and recipients of notifications --------------------------------


def organiser_units(membership: Membership, campaign: Campaign) -> list[Unit]:
    """The units of the office this user may organise a session for."""
    units = organisable_unit_ids(membership, campaign)
    candidates = Unit.objects.filter(office_id=campaign.office_id).order_by("sort_order", "pk")
    if units is not None:
        candidates = candidates.filter(pk__in=units)
    return list(candidates)


def invitable_units(campaign: Campaign) -> list[Unit]:
    """Units whose members (or, for a branch, whose party members) can be invited at once."""
    return list(Unit.objects.filter(office_id=campaign.office_id).order_by("sort_order", "pk"))


def office_people(campaign: Campaign) -> list[Person]:
    """Everyone who may be invited, by unit."""
    return list(
        Person.objects.filter(office_id=campaign.office_id)
        .select_related("unit")
        .order_by("unit__sort_order", "unit_id", "sort_order", "pk")
    )


def people_of_units(campaign: Campaign, unit_ids: Iterable[int]) -> list[int]:
    """The people of the office in these units, or members of these party branches."""
    ids = list(unit_ids)
    if not ids:
        return []
    return list(
        Person.objects.filter(office_id=campaign.office_id)
        .filter(Q(unit_id__in=ids) | Q(branch_id__in=ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def users_of_people(person_ids: Iterable[int]) -> list[User]:
    """Active logins of these people (those without a login are not told)."""
    return list(User.objects.filter(is_active=True, person__pk__in=list(person_ids)).order_by("pk"))
