"""Writes of meetings: arranging them, the list of staff and guests, registration, signing in,
attendance, minutes and files, and the opinions raised, which go to the suggestion pool.

Every function checks who may act (`permissions`), writes its audit record in the same
transaction and notifies only after commit. Writes of one meeting take its row with
`select_for_update()` first, so registrations against the places limit, sign-ins and marks of
the same meeting happen one after the other. A 大家谈 or 专题研讨 linked to a study session
(`Meeting.study_session`) keeps that session in step through the study services: its invitees,
its times, and the attendance of the staff who sign in or are marked present (after the
meeting's lock, the session's). A refusal raises `NotAllowed` or `Refused` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign, StudyKind
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.stored_files import stored_file_add
from huodong.core.uploads import Upload, UploadRefused
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.models import (
    AttendeeStatus,
    Meeting,
    MeetingAttendee,
    MeetingFile,
    MeetingKind,
)
from huodong.engagement.permissions import can_manage_meeting, can_register
from huodong.engagement.selectors import sign_in_window
from huodong.engagement.services.common import (
    contact,
    errors_of_other_apps,
    not_allowed,
)
from huodong.engagement.services.common import text as checked_text
from huodong.notifications.models import NotificationKind
from huodong.orgs.models import Person, Unit, User
from huodong.orgs.permissions import membership_of
from huodong.participation import signin_codes
from huodong.participation.models import SessionInvitee, StudySession
from huodong.participation.permissions import can_manage_session, can_organise_for, takes_part
from huodong.participation.selectors.study import users_of_people
from huodong.participation.services import study as study_services
from huodong.participation.services.study import (
    code_check,
    invited_people,
    moment_text,
    notify_after_commit,
    schedule_text,
)
from huodong.suggestions.models import Suggestion, SuggestionCategory, SuggestionSource
from huodong.suggestions.services.pool import suggestion_create

# The study kind a meeting counts as, for the kinds that may count (每月1次大家谈).
STUDY_KIND = {
    MeetingKind.OPEN_DISCUSSION: StudyKind.DISCUSSION,
    MeetingKind.SYMPOSIUM: StudyKind.GROUP,
}
MAX_MEETING_HOURS = 24
MAX_FILES = 50
MAX_MINUTES_CHARS = 50_000
MAX_HEADCOUNT = 100_000
SESSION_PLACE_MAX = 100  # StudySession.place


# --- Helpers ------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__office", "organiser_unit", "study_session")
        .get(pk=meeting.pk)
    )


def _check_manager(actor: User, meeting: Meeting) -> None:
    if not can_manage_meeting(membership_of(actor), meeting):
        raise NotAllowed(_("You do not organise this meeting."), code="not_organiser")


def _check_not_cancelled(meeting: Meeting) -> None:
    if meeting.cancelled_at is not None:
        raise Refused(
            _("This meeting was cancelled on %(date)s.")
            % {"date": timezone.localtime(meeting.cancelled_at).date().isoformat()},
            code="cancelled",
        )


def _meeting_url(meeting: Meeting) -> str:
    return reverse("engagement:meeting", args=[meeting.pk])


def _live_session(meeting: Meeting) -> StudySession | None:
    """The linked study session, unless it was cancelled on its own."""
    session = meeting.study_session
    if session is None or session.cancelled_at is not None:
        return None
    return session


def _notify_staff(
    *, actor: User, meeting: Meeting, person_ids: Iterable[int], title: str, key: str
) -> None:
    """After commit, tell these staff members (never the actor); once per person and key."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    notify_after_commit(
        actor=actor,
        recipients=lambda: users_of_people(ids),
        kind=NotificationKind.OTHER,
        title=title,
        body=schedule_text(meeting.starts_at, meeting.ends_at, meeting.place),
        url=_meeting_url(meeting),
        key=key,
    )


def _notify_invited(*, actor: User, meeting: Meeting, person_ids: Iterable[int]) -> None:
    # One key for every invitation to the meeting: nobody is told twice.
    _notify_staff(
        actor=actor,
        meeting=meeting,
        person_ids=person_ids,
        title=_("You are invited to “%(title)s”") % {"title": meeting.title},
        key=f"engagement.meeting.{meeting.pk}.invited",
    )


def _notify_listed(*, actor: User, meeting: Meeting, title: str, key: str) -> None:
    """After commit, tell the staff on the meeting's list (guests have no login to tell)."""
    _notify_staff(
        actor=actor,
        meeting=meeting,
        person_ids=MeetingAttendee.objects.filter(
            meeting=meeting, person__isnull=False
        ).values_list("person_id", flat=True),
        title=title,
        key=key,
    )


def _check_fields(
    *,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    park: str,
    agenda: str,
    registration_limit: int | None,
) -> dict:
    if kind not in MeetingKind.values:
        raise Refused(_("Choose the kind of meeting."), code="bad_kind")
    fields = {
        "title": checked_text(
            title, limit=200, label=_("The title"), required=_("Give the meeting a title.")
        ),
        "place": checked_text(place, limit=200, label=_("The place")),
        "park": checked_text(park, limit=100, label=_("The park")),
        "agenda": checked_text(agenda, limit=10_000, label=_("The agenda")),
    }
    if kind == MeetingKind.PARK_VISIT and not fields["park"]:
        raise Refused(_("Name the park the visit goes to."), code="park_required")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("meetings need aware datetimes")
    if ends_at <= starts_at:
        raise Refused(_("The meeting must end after it starts."), code="ends_before_start")
    if ends_at - starts_at > dt.timedelta(hours=MAX_MEETING_HOURS):
        raise Refused(
            _("A meeting lasts at most %(n)d hours.") % {"n": MAX_MEETING_HOURS},
            code="too_long_meeting",
        )
    if registration_limit is not None and registration_limit < 1:
        raise Refused(_("The number of places must be at least 1."), code="bad_limit")
    return fields | {"starts_at": starts_at, "ends_at": ends_at}


def _invitees(campaign: Campaign, person_ids: Iterable[int], unit_ids: Iterable[int]) -> set[int]:
    """Staff invited by name and through their units (or party branches), all of the office."""
    with errors_of_other_apps():
        return invited_people(campaign, person_ids, unit_ids)


def _add_staff(meeting: Meeting, person_ids: Iterable[int], *, at: dt.datetime) -> list[int]:
    """Put these staff on the meeting's list (as invited); returns those not on it before."""
    ids = set(person_ids)
    on_list = set(
        MeetingAttendee.objects.filter(meeting=meeting, person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    new = sorted(ids - on_list)
    people = Person.objects.filter(pk__in=new).select_related("unit").order_by("pk")
    MeetingAttendee.objects.bulk_create(
        [
            MeetingAttendee(
                meeting=meeting,
                person=person,
                name=person.name,
                organisation=person.unit.name,
                status=AttendeeStatus.INVITED,
                created_at=at,
            )
            for person in people
        ]
    )
    return new


def _linkable_session(
    actor: User, campaign: Campaign, session: StudySession, kind: str
) -> StudySession:
    """An existing session a new meeting takes over: of this campaign, of the meeting's study
    kind, live, organised by the actor, and not linked to another meeting."""
    locked = StudySession.objects.select_for_update().filter(pk=session.pk).first()
    if locked is None or locked.campaign_id != campaign.pk:
        raise not_allowed()
    if not can_manage_session(membership_of(actor), campaign, locked.organiser_unit_id):
        raise NotAllowed(_("You do not organise this study session."), code="not_organiser")
    if locked.cancelled_at is not None:
        raise Refused(_("That study session was cancelled."), code="session_cancelled")
    if locked.kind != STUDY_KIND[MeetingKind(kind)]:
        raise Refused(
            _("That study session is of another kind than the meeting."), code="session_kind"
        )
    if Meeting.objects.filter(study_session=locked).exists():
        raise Refused(
            _("That study session already belongs to another meeting."), code="session_linked"
        )
    return locked


# --- Arranging ----------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    campaign: Campaign,
    organiser_unit: Unit,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    park: str = "",
    agenda: str = "",
    registration_open: bool = False,
    registration_limit: int | None = None,
    counts_as_study: bool = False,
    study_session: StudySession | None = None,
    invitee_ids: Iterable[int] = (),
    invite_unit_ids: Iterable[int] = (),
) -> Meeting:
    """A unit (or the office) arranges a meeting and invites staff by name and by unit.

    A 大家谈 or 专题研讨 held for staff counts toward the study requirements: with
    `counts_as_study` a study session is arranged for it (its invitees are the meeting's), or an
    existing one (`study_session`) is taken over with its invitees. The meeting and the session
    then share one sign-in code.
    """
    membership = membership_of(actor)
    if organiser_unit.office_id != campaign.office_id or not can_organise_for(
        membership, campaign, organiser_unit.pk
    ):
        raise NotAllowed(_("You may not arrange meetings for this unit."), code="not_organiser")
    fields = _check_fields(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        park=park,
        agenda=agenda,
        registration_limit=registration_limit,
    )
    if (counts_as_study or study_session is not None) and kind not in STUDY_KIND:
        raise Refused(
            _("Only an open discussion (大家谈) or a thematic discussion counts as study."),
            code="not_study_kind",
        )
    if counts_as_study and study_session is not None:
        raise Refused(_("Link one study session only."), code="one_session")
    people = _invitees(campaign, invitee_ids, invite_unit_ids)
    # One unit's meetings are arranged one after the other: a form sent twice adds one meeting.
    Unit.objects.select_for_update().filter(pk=organiser_unit.pk).first()
    if Meeting.objects.filter(
        campaign=campaign,
        organiser_unit=organiser_unit,
        title=fields["title"],
        starts_at=starts_at,
        cancelled_at__isnull=True,
    ).exists():
        raise Refused(
            _("This meeting is already arranged for %(time)s.") % {"time": moment_text(starts_at)},
            code="duplicate_meeting",
        )
    session: StudySession | None = None
    told_by_session = False
    if counts_as_study:
        with errors_of_other_apps():
            session = study_services.session_create(
                actor=actor,
                campaign=campaign,
                organiser_unit=organiser_unit,
                kind=STUDY_KIND[MeetingKind(kind)],
                topic=fields["title"],
                place=fields["place"][:SESSION_PLACE_MAX],
                starts_at=starts_at,
                ends_at=ends_at,
                invitee_ids=sorted(people),
                notes=fields["agenda"],
            )
        told_by_session = True
    elif study_session is not None:
        session = _linkable_session(actor, campaign, study_session, kind)
        people |= set(
            SessionInvitee.objects.filter(session=session).values_list("person_id", flat=True)
        )
    now = clock.now()
    meeting = Meeting.objects.create(
        campaign=campaign,
        kind=kind,
        organiser_unit=organiser_unit,
        registration_open=registration_open,
        registration_limit=registration_limit,
        # Linked to a study session, the meeting shows the session's code: one code signs in
        # on either page.
        sign_in_secret=session.sign_in_secret if session else signin_codes.new_secret(),
        study_session=session,
        created_by=actor,
        created_at=now,
        **fields,
    )
    added = _add_staff(meeting, people, at=now)
    audit_record(
        actor=actor,
        action="meeting.create",
        obj=meeting,
        changes={
            "kind": kind,
            "unit": organiser_unit.pk,
            "starts_at": starts_at.isoformat(),
            "invited": len(added),
            "study_session": session.pk if session else None,
        },
    )
    if not told_by_session and study_session is None:
        _notify_invited(actor=actor, meeting=meeting, person_ids=added)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    park: str = "",
    agenda: str = "",
    registration_open: bool = False,
    registration_limit: int | None = None,
) -> Meeting:
    """Change a meeting's details. Its kind and organising unit stay. The places cannot drop
    below those already registered. A linked study session follows (refused once its
    attendance is recorded and the times change). Staff on the list are told of a new time or
    place."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    _check_not_cancelled(locked)
    fields = _check_fields(
        kind=locked.kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        park=park,
        agenda=agenda,
        registration_limit=registration_limit,
    )
    if registration_limit is not None:
        registered = MeetingAttendee.objects.filter(
            meeting=locked, registered_at__isnull=False
        ).count()
        if registered > registration_limit:
            raise Refused(
                _("%(n)d people have already registered; keep at least that many places.")
                % {"n": registered},
                code="limit_below_registered",
            )
    fields |= {"registration_open": registration_open, "registration_limit": registration_limit}
    before = {name: getattr(locked, name) for name in fields}
    changed = {name: value for name, value in fields.items() if before[name] != value}
    if not changed:
        return locked
    session = _live_session(locked)
    if session is not None and {"title", "starts_at", "ends_at", "place"} & changed.keys():
        with errors_of_other_apps():
            study_services.session_update(
                actor=actor,
                session=session,
                kind=session.kind,
                topic=fields["title"],
                speaker=session.speaker,
                place=fields["place"][:SESSION_PLACE_MAX],
                starts_at=starts_at,
                ends_at=ends_at,
                invitee_ids=None,
                notes=session.notes,
            )
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changed))
    audit = audit_record(
        actor=actor,
        action="meeting.update",
        obj=locked,
        changes={name: [str(before[name]), str(value)] for name, value in changed.items()},
    )
    if {"starts_at", "ends_at", "place"} & changed.keys() and session is None:
        _notify_listed(
            actor=actor,
            meeting=locked,
            title=_("“%(title)s” has a new time or place") % {"title": locked.title},
            key=f"engagement.meeting.{locked.pk}.changed.{audit.pk}",
        )
    return locked


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str = "") -> Meeting:
    """Call a meeting off and tell the staff on its list; one where someone signed in took
    place and cannot be cancelled. A linked study session is cancelled with it."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    _check_not_cancelled(locked)
    reason = checked_text(reason, limit=500, label=_("The reason"))
    if MeetingAttendee.objects.filter(meeting=locked, attended_at__isnull=False).exists():
        raise Refused(
            _("People have signed in: the meeting took place and cannot be cancelled."),
            code="has_attendance",
        )
    session = _live_session(locked)
    if session is not None:
        with errors_of_other_apps():
            study_services.session_cancel(actor=actor, session=session, reason=reason)
    locked.cancelled_at = clock.now()
    locked.save(update_fields=["cancelled_at"])
    audit_record(
        actor=actor,
        action="meeting.cancel",
        obj=locked,
        changes={"reason": reason} if reason else {},
    )
    if session is None:
        _notify_listed(
            actor=actor,
            meeting=locked,
            title=_("“%(title)s” is cancelled") % {"title": locked.title},
            key=f"engagement.meeting.{locked.pk}.cancelled",
        )
    return locked


# --- Staff and guests ---------------------------------------------------------------------


@transaction.atomic
def attendee_invite(
    *, actor: User, meeting: Meeting, person_ids: Iterable[int] = (), unit_ids: Iterable[int] = ()
) -> list[int]:
    """Invite more staff, by name or every member of some units; returns the people added
    (those already on the list stay as they are)."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    _check_not_cancelled(locked)
    wanted = _invitees(locked.campaign, person_ids, unit_ids)
    if not wanted:
        raise Refused(_("Choose the people or units to invite."), code="no_invitees")
    added = _add_staff(locked, wanted, at=clock.now())
    if not added:
        return []
    session = _live_session(locked)
    if session is not None:
        current = set(
            SessionInvitee.objects.filter(session=session).values_list("person_id", flat=True)
        )
        # The session's own notice tells the newly invited.
        with errors_of_other_apps():
            study_services.session_update(
                actor=actor,
                session=session,
                kind=session.kind,
                topic=session.topic,
                speaker=session.speaker,
                place=session.place,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                invitee_ids=sorted(current | set(added)),
                notes=session.notes,
            )
    audit_record(actor=actor, action="meeting.invite", obj=locked, changes={"invited": added})
    if session is None:
        _notify_invited(actor=actor, meeting=locked, person_ids=added)
    return added


def _guest_fields(name: str, organisation: str, contact_value: str, *, contact_required: bool):
    return (
        checked_text(name, limit=50, label=_("The name"), required=_("Give your name.")),
        checked_text(organisation, limit=100, label=_("The organisation")),
        contact(contact_value, required=contact_required),
    )


def _guest_by_contact(meeting: Meeting, contact_value: str) -> MeetingAttendee | None:
    if not contact_value:
        return None
    return MeetingAttendee.objects.filter(
        meeting=meeting, is_external=True, contact=contact_value
    ).first()


@transaction.atomic
def guest_add(
    *, actor: User, meeting: Meeting, name: str, organisation: str = "", contact: str = ""
) -> MeetingAttendee:
    """The organiser invites someone from outside (an enterprise, the public, a deputy); their
    contact is kept for the organisers only."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    _check_not_cancelled(locked)
    name, organisation, contact_value = _guest_fields(
        name, organisation, contact, contact_required=False
    )
    if _guest_by_contact(locked, contact_value) is not None:
        raise Refused(
            _("A guest with this contact is already on the list."), code="duplicate_guest"
        )
    guest = MeetingAttendee.objects.create(
        meeting=locked,
        name=name,
        organisation=organisation,
        contact=contact_value,
        is_external=True,
        status=AttendeeStatus.INVITED,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor, action="meeting.guest_add", obj=locked, changes={"attendee": guest.pk}
    )
    return guest


def _check_places(meeting: Meeting) -> None:
    if meeting.registration_limit is None:
        return
    registered = MeetingAttendee.objects.filter(
        meeting=meeting, registered_at__isnull=False
    ).count()
    if registered >= meeting.registration_limit:
        raise Refused(
            _("All %(n)d places are taken; registration is full.")
            % {"n": meeting.registration_limit},
            code="full",
        )


def _already_registered(attendee: MeetingAttendee) -> Refused:
    assert attendee.registered_at is not None
    return Refused(
        _("You registered already, on %(time)s; nothing more to do.")
        % {"time": moment_text(attendee.registered_at)},
        code="already_registered",
    )


@transaction.atomic
def meeting_register(
    *,
    actor: User | None,
    meeting: Meeting,
    name: str = "",
    organisation: str = "",
    contact: str = "",
) -> MeetingAttendee:
    """Take a place at the meeting while its registration is open: a staff member from the
    meeting page (`actor`), a guest through the public link (`actor` None, with their name,
    organisation and contact). The meeting's row is the lock: two people asking for the last
    place get it one after the other, and the second is told it is full. The same person, or
    the same guest contact, registers once."""
    locked = _lock(meeting)
    _check_not_cancelled(locked)
    now = clock.now()
    if not locked.registration_open or now >= locked.ends_at:
        raise Refused(_("Registration for this meeting is closed."), code="registration_closed")
    if actor is not None and actor.is_authenticated:
        membership = membership_of(actor)
        person = membership.person
        if person is None or not can_register(membership, locked):
            raise not_allowed()
        attendee = MeetingAttendee.objects.filter(meeting=locked, person=person).first()
        if attendee is not None and attendee.registered_at is not None:
            raise _already_registered(attendee)
        _check_places(locked)
        if attendee is None:
            attendee = MeetingAttendee(
                meeting=locked,
                person=person,
                name=person.name,
                organisation=person.unit.name,
                created_at=now,
            )
    else:
        name, organisation, contact_value = _guest_fields(
            name, organisation, contact, contact_required=True
        )
        attendee = _guest_by_contact(locked, contact_value)
        if attendee is not None and attendee.registered_at is not None:
            raise _already_registered(attendee)
        _check_places(locked)
        if attendee is None:
            attendee = MeetingAttendee(
                meeting=locked,
                name=name,
                organisation=organisation,
                contact=contact_value,
                is_external=True,
                created_at=now,
            )
        elif organisation and not attendee.organisation:
            attendee.organisation = organisation
    attendee.status = AttendeeStatus.REGISTERED
    attendee.registered_at = now
    attendee.save()
    audit_record(
        actor=actor,
        action="meeting.register",
        obj=locked,
        changes={"attendee": attendee.pk, "guest": attendee.is_external},
    )
    return attendee


# --- Signing in and attendance ------------------------------------------------------------


def _check_window(meeting: Meeting, now: dt.datetime) -> None:
    opens, closes = sign_in_window(meeting)
    if now < opens:
        raise Refused(
            _("Sign-in opens at %(time)s, 15 minutes before the meeting starts.")
            % {"time": moment_text(opens)},
            code="not_open_yet",
        )
    if now >= closes:
        raise Refused(
            _("Sign-in closed at %(time)s, when the meeting ended.")
            % {"time": moment_text(closes)},
            code="closed",
        )


def _check_code(meeting: Meeting, code: str, now: dt.datetime) -> None:
    with errors_of_other_apps():
        code_check(meeting.sign_in_secret, code, now)


def _already_signed_in(attendee: MeetingAttendee) -> Refused:
    assert attendee.attended_at is not None
    return Refused(
        _("You already signed in at %(time)s; nothing more to do.")
        % {"time": moment_text(attendee.attended_at)},
        code="already_signed_in",
    )


def _count_as_study(actor: User, meeting: Meeting, people: Iterable[Person]) -> None:
    session = _live_session(meeting)
    if session is None:
        return
    with errors_of_other_apps():
        for person in people:
            study_services.session_attendance_record(actor=actor, session=session, person=person)


@transaction.atomic
def meeting_sign_in(
    *,
    actor: User | None,
    meeting: Meeting,
    code: str,
    name: str = "",
    organisation: str = "",
    contact: str = "",
) -> MeetingAttendee:
    """Sign in with the code on the organiser's screen, from 15 minutes before the start to
    the end, once. A staff member (`actor`) signs in as themselves; their attendance counts
    in the linked study session. A guest (`actor` None) gives their name, organisation and
    contact: their registration is found by the contact, or they are added as a walk-in."""
    locked = _lock(meeting)
    _check_not_cancelled(locked)
    now = clock.now()
    _check_window(locked, now)
    person: Person | None = None
    if actor is not None and actor.is_authenticated:
        membership = membership_of(actor)
        person = membership.person
        if person is None or not takes_part(membership, locked.campaign):
            raise not_allowed()
        attendee = MeetingAttendee.objects.filter(meeting=locked, person=person).first()
        if attendee is not None and attendee.attended_at is not None:
            raise _already_signed_in(attendee)
        _check_code(locked, code, now)
        if attendee is None:
            attendee = MeetingAttendee(
                meeting=locked,
                person=person,
                name=person.name,
                organisation=person.unit.name,
                status=AttendeeStatus.WALK_IN,
                created_at=now,
            )
    else:
        _check_code(locked, code, now)
        name, organisation, contact_value = _guest_fields(
            name, organisation, contact, contact_required=True
        )
        attendee = _guest_by_contact(locked, contact_value)
        if attendee is not None and attendee.attended_at is not None:
            raise _already_signed_in(attendee)
        if attendee is None:
            attendee = MeetingAttendee(
                meeting=locked,
                name=name,
                organisation=organisation,
                contact=contact_value,
                is_external=True,
                status=AttendeeStatus.WALK_IN,
                created_at=now,
            )
        elif organisation and not attendee.organisation:
            attendee.organisation = organisation
    attendee.attended_at = now
    try:
        with transaction.atomic():
            attendee.save()
    except IntegrityError as exc:  # pragma: no cover - the meeting's lock orders sign-ins
        raise Refused(_("You already signed in."), code="already_signed_in") from exc
    if person is not None and actor is not None:
        _count_as_study(actor, locked, [person])
    audit_record(
        actor=actor,
        action="meeting.sign_in",
        obj=locked,
        changes={"attendee": attendee.pk, "guest": attendee.is_external},
    )
    return attendee


@transaction.atomic
def attendance_mark(*, actor: User, meeting: Meeting, attendee_ids: Iterable[int]) -> list[int]:
    """The organiser marks people on the list present (from a paper list, or for those without
    a phone); the staff among them are recorded in the linked study session too. Returns the
    attendees newly marked; someone not on this meeting's list is refused, and nobody is
    marked."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    _check_not_cancelled(locked)
    wanted = {int(pk) for pk in attendee_ids}
    if not wanted:
        return []
    now = clock.now()
    opens, _closes = sign_in_window(locked)
    if now < opens:
        raise Refused(
            _("The meeting has not started; attendance can be marked from %(time)s.")
            % {"time": moment_text(opens)},
            code="not_open_yet",
        )
    attendees = list(
        MeetingAttendee.objects.filter(meeting=locked, pk__in=wanted).select_related("person")
    )
    if {a.pk for a in attendees} != wanted:
        raise Refused(
            _("Only people on the meeting's list can be marked present."), code="not_listed"
        )
    new = [a for a in attendees if a.attended_at is None]
    if not new:
        return []
    MeetingAttendee.objects.filter(pk__in=[a.pk for a in new]).update(attended_at=now)
    _count_as_study(actor, locked, [a.person for a in new if a.person is not None])
    marked = sorted(a.pk for a in new)
    audit_record(actor=actor, action="meeting.mark", obj=locked, changes={"present": marked})
    return marked


@transaction.atomic
def meeting_headcount_set(*, actor: User, meeting: Meeting, headcount: int | None) -> Meeting:
    """The number present as counted in the room, when not everyone was named (None: unknown)."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    if headcount is not None and not 0 <= headcount <= MAX_HEADCOUNT:
        raise Refused(
            _("Give a number between 0 and %(n)d.") % {"n": MAX_HEADCOUNT}, code="bad_headcount"
        )
    before = locked.headcount
    locked.headcount = headcount
    locked.save(update_fields=["headcount"])
    audit_record(
        actor=actor,
        action="meeting.headcount",
        obj=locked,
        changes={"headcount": [before, headcount]},
    )
    return locked


# --- Minutes and files --------------------------------------------------------------------


@transaction.atomic
def minutes_save(*, actor: User, meeting: Meeting, minutes: str) -> Meeting:
    """Write the meeting's minutes (纪要)."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    minutes = checked_text(minutes, limit=MAX_MINUTES_CHARS, label=_("The minutes"))
    if minutes == locked.minutes:
        return locked
    locked.minutes = minutes
    locked.minutes_updated_at = clock.now()
    locked.minutes_updated_by = actor
    locked.save(update_fields=["minutes", "minutes_updated_at", "minutes_updated_by"])
    audit_record(
        actor=actor, action="meeting.minutes", obj=locked, changes={"characters": len(minutes)}
    )
    return locked


def _file_refused(exc: UploadRefused) -> Refused:
    """The upload's refusal with a `file_` code, as `common.inspected` gives it (the form puts
    it on its file field)."""
    return Refused(exc.message, code=f"file_{exc.code}")


@transaction.atomic
def meeting_file_add(
    *, actor: User, meeting: Meeting, upload: Upload, caption: str = ""
) -> MeetingFile:
    """Add a photo or a document (PDF, Word, Excel) to the minutes; the type is judged from the
    file's bytes and anything else is refused."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    caption = checked_text(caption, limit=200, label=_("The caption"))
    if MeetingFile.objects.filter(meeting=locked).count() >= MAX_FILES:
        raise Refused(
            _("A meeting keeps at most %(n)d files.") % {"n": MAX_FILES}, code="too_many_files"
        )
    row = stored_file_add(
        MeetingFile, upload, actor=actor, refused=_file_refused, meeting=locked, caption=caption
    )
    audit_record(
        actor=actor,
        action="meeting.file_add",
        obj=locked,
        changes={"file": row.original_name, "size": row.size, "type": row.content_type},
    )
    return row


@transaction.atomic
def meeting_file_delete(*, actor: User, file: MeetingFile) -> None:
    """Remove a file; the stored file goes once the deletion is committed (`signals`)."""
    locked = _lock(Meeting(pk=file.meeting_id))
    _check_manager(actor, locked)
    deleted, _rows = MeetingFile.objects.filter(pk=file.pk, meeting=locked).delete()
    if not deleted:
        raise Refused(_("This file was already removed."), code="gone")
    audit_record(
        actor=actor, action="meeting.file_delete", obj=locked, changes={"file": file.original_name}
    )


# --- Opinions -----------------------------------------------------------------------------


@transaction.atomic
def opinion_record(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    speaker: MeetingAttendee | None = None,
    speaker_name: str = "",
    speaker_organisation: str = "",
    is_anonymous: bool = False,
    category: SuggestionCategory | None = None,
) -> Suggestion:
    """An opinion raised at the meeting goes into the office's suggestion pool, with who said it:
    someone on the list (`speaker`: a staff member is the submitter; a guest's contact goes with
    it, kept private), a name and organisation typed in, or nobody (anonymous)."""
    locked = _lock(meeting)
    _check_manager(actor, locked)
    _check_not_cancelled(locked)
    submitter: Person | None = None
    contact_value = ""
    if speaker is not None and not is_anonymous:
        if speaker.meeting_id != locked.pk:
            raise Refused(_("Choose someone on this meeting's list."), code="not_listed")
        submitter = speaker.person
        speaker_name = speaker.name
        speaker_organisation = speaker.organisation
        contact_value = speaker.contact if speaker.is_external else ""
    source = (
        SuggestionSource.VISIT
        if locked.kind == MeetingKind.PARK_VISIT
        else SuggestionSource.MEETING
    )
    with errors_of_other_apps():
        suggestion = suggestion_create(
            actor=actor,
            office=locked.campaign.office,
            text=text,
            source=source,
            campaign=locked.campaign,
            meeting=locked,
            submitter=submitter,
            submitter_name=speaker_name,
            submitter_organisation=speaker_organisation,
            submitter_contact=contact_value,
            is_anonymous=is_anonymous,
            category=category,
        )
    return suggestion
