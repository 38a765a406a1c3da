"""Writes of study: personal study, group sessions, sign-in, marked attendance and make-ups.

Every attendance, sign-in, make-up or personal study is one `StudyRecord`; the requirements
count those rows. Each function checks who may act (`permissions`), writes its audit record in
the same transaction, and sends notifications only after commit. Writes touching a session take
its row with `select_for_update()`, so a sign-in, a mark, a make-up and a cancellation of the
same session happen one after the other; the `study_once_per_session` constraint is the last
word on "once per person". A refusal raises `NotAllowed` or `Refused` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign, StudyKind
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.notifications.models import NotificationKind
from huodong.notifications.services import notification_send
from huodong.orgs.models import Person, Unit, User
from huodong.orgs.permissions import membership_of
from huodong.participation import signin_codes
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import (
    SESSION_KINDS,
    SessionInvitee,
    StudyRecord,
    StudySession,
    StudySource,
)
from huodong.participation.permissions import can_log_study, can_manage_session, takes_part
from huodong.participation.selectors import study as selectors
from huodong.participation.services.study_tallies import study_tallies_change

__all__ = [
    "MAX_DURATION_MINUTES",
    "MAX_SESSION_HOURS",
    "code_check",
    "invited_people",
    "moment_text",
    "notify_after_commit",
    "schedule_text",
    "session_attendance_record",
    "session_cancel",
    "session_create",
    "session_makeup_file",
    "session_mark_attendance",
    "session_sign_in",
    "session_unmark",
    "session_update",
    "study_record_delete",
    "study_record_log",
]

MAX_DURATION_MINUTES = 24 * 60
MAX_SESSION_HOURS = 24
MATERIAL_MAX = 200


# --- Helpers ------------------------------------------------------------------------------


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this for this campaign."), code="not_allowed")


def _person(actor: User, campaign: Campaign) -> Person:
    membership = membership_of(actor)
    if membership.person is None or not can_log_study(membership, campaign):
        raise _not_allowed()
    return membership.person


def moment_text(moment: dt.datetime) -> str:
    """A moment as the user reads it: "14:30" today, "2018-06-20 14:30" on another day."""
    local = timezone.localtime(moment)
    if local.date() == clock.today():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _check_date(campaign: Campaign, day: dt.date, *, not_before: dt.date | None = None) -> None:
    """A study date lies within the campaign, is not in the future, nor before `not_before`."""
    if (campaign.start is not None and day < campaign.start) or (
        campaign.end is not None and day > campaign.end
    ):
        raise Refused(
            _("The date %(date)s is outside the campaign (%(start)s to %(end)s).")
            % {
                "date": day.isoformat(),
                "start": campaign.start.isoformat() if campaign.start else "…",
                "end": campaign.end.isoformat() if campaign.end else "…",
            },
            code="date_outside_campaign",
        )
    if day > clock.today():
        raise Refused(
            _("The date %(date)s is in the future; record study once it has taken place.")
            % {"date": day.isoformat()},
            code="date_in_future",
        )
    if not_before is not None and day < not_before:
        raise Refused(
            _("A make-up cannot be dated before the session it makes up for (%(date)s).")
            % {"date": not_before.isoformat()},
            code="date_before_session",
        )


def _material(text: str, *, default: str = "") -> str:
    material = (text or "").strip() or default
    if not material:
        raise Refused(_("Say what you studied."), code="material_required")
    if len(material) > MATERIAL_MAX:
        raise Refused(
            _("Keep the material to %(n)d characters.") % {"n": MATERIAL_MAX},
            code="material_too_long",
        )
    return material


def _duration(minutes: int | None) -> int | None:
    if minutes is None:
        return None
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise Refused(
            _("The duration must be between 1 and %(n)d minutes.") % {"n": MAX_DURATION_MINUTES},
            code="bad_duration",
        )
    return minutes


def _lock_session(session: StudySession) -> tuple[StudySession, Campaign]:
    locked = StudySession.objects.select_for_update().get(pk=session.pk)
    return locked, Campaign.objects.get(pk=locked.campaign_id)


def _check_manager(actor: User, campaign: Campaign, session: StudySession) -> None:
    if not can_manage_session(membership_of(actor), campaign, session.organiser_unit_id):
        raise NotAllowed(_("You do not organise this session."), code="not_organiser")


def _check_not_cancelled(session: StudySession) -> None:
    if session.cancelled_at is not None:
        raise Refused(
            _("This session was cancelled on %(date)s.")
            % {"date": timezone.localtime(session.cancelled_at).date().isoformat()},
            code="cancelled",
        )


def _session_minutes(session: StudySession) -> int:
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return max(1, min(minutes, MAX_DURATION_MINUTES))


def _session_day(session: StudySession) -> dt.date:
    return timezone.localtime(session.starts_at).date()


def _session_url(session: StudySession) -> str:
    return reverse("participation:session", args=[session.pk])


def _already_recorded(record: StudyRecord) -> Refused:
    if record.source == StudySource.MAKEUP:
        return Refused(
            _("You already filed a make-up for this session on %(date)s.")
            % {"date": record.date.isoformat()},
            code="already_made_up",
        )
    if record.source == StudySource.MARKED:
        return Refused(
            _("The organiser already marked you present at this session."),
            code="already_signed_in",
        )
    return Refused(
        _("You already signed in at %(time)s; nothing more to do.")
        % {"time": moment_text(record.created_at)},
        code="already_signed_in",
    )


def _existing(session: StudySession, person: Person) -> StudyRecord | None:
    return StudyRecord.objects.filter(session=session, person=person).first()


def _presence(
    session: StudySession, campaign: Campaign, *, person: Person, source: str, actor: User
) -> StudyRecord:
    """The person's unsaved record of being at the session: its kind, day, topic and length."""
    return StudyRecord(
        campaign=campaign,
        person=person,
        kind=session.kind,
        date=_session_day(session),
        material=session.topic[:MATERIAL_MAX],
        duration_minutes=_session_minutes(session),
        session=session,
        source=source,
        created_by=actor,
    )


def _create_once(record: StudyRecord, at: dt.datetime) -> StudyRecord:
    """Insert a session record; the unique constraint refuses a second one for the person."""
    record.created_at = at
    try:
        with transaction.atomic():
            record.save()
            study_tallies_change(
                campaign_id=record.campaign_id, records=[(record.person_id, record.kind)], by=1
            )
    except IntegrityError as exc:
        existing = StudyRecord.objects.filter(
            session_id=record.session_id, person_id=record.person_id
        ).first()
        if existing is None:  # pragma: no cover - another constraint failed
            raise
        raise _already_recorded(existing) from exc
    return record


def schedule_text(starts_at: dt.datetime, ends_at: dt.datetime, *details: str) -> str:
    """When and where, as notices say it: "2018-06-20 14:30–16:00 · place · …" in local time,
    leaving out empty details."""
    start = timezone.localtime(starts_at)
    return " · ".join(
        part
        for part in (f"{start:%Y-%m-%d %H:%M}–{timezone.localtime(ends_at):%H:%M}", *details)
        if part
    )


def notify_after_commit(
    *,
    actor: User,
    recipients: Callable[[], Iterable[User]],
    kind: str,
    title: str,
    body: str,
    url: str,
    key: str,
) -> None:
    """After commit, tell the recipients (never the actor); once per person and key. The
    recipients are looked up then, and a failure to send does not undo the write."""

    def send() -> None:
        notification_send(
            actor=actor,
            recipients=[u for u in recipients() if u.pk != actor.pk],
            kind=kind,
            title=title,
            body=body,
            url=url,
            dedupe_key=key,
        )

    transaction.on_commit(send, robust=True)


def _notify_invitees(
    *,
    actor: User,
    session: StudySession,
    person_ids: Iterable[int],
    title: str,
    key: str,
) -> None:
    """After commit, tell these invitees (never the actor); once per person and key."""
    ids = list(person_ids)
    if not ids:
        return
    notify_after_commit(
        actor=actor,
        recipients=lambda: selectors.users_of_people(ids),
        kind=NotificationKind.STUDY,
        title=title,
        body=schedule_text(session.starts_at, session.ends_at, session.place, session.speaker),
        url=_session_url(session),
        key=key,
    )


# --- Personal study -----------------------------------------------------------------------


@transaction.atomic
def study_record_log(
    *,
    actor: User,
    campaign: Campaign,
    kind: str = StudyKind.SELF,
    date: dt.date,
    material: str,
    duration_minutes: int | None = None,
    notes: str = "",
) -> StudyRecord:
    """The person logs a study of their own (个人自学 by default) on a day of the campaign.

    The same study (kind, day and material) twice is refused: a double submission adds nothing.
    """
    return study_record_log_for(
        actor=actor,
        campaign=campaign,
        person=_person(actor, campaign),
        kind=kind,
        date=date,
        material=material,
        duration_minutes=duration_minutes,
        notes=notes,
    )


# Without a savepoint of its own: inside `study_record_log` (or the API's service) a refusal
# undoes the caller's whole transaction, which has written nothing before it.
@transaction.atomic(savepoint=False)
def study_record_log_for(
    *,
    actor: User,
    campaign: Campaign,
    person: Person,
    kind: str = StudyKind.SELF,
    date: dt.date,
    material: str,
    duration_minutes: int | None = None,
    notes: str = "",
    via: str = "",
) -> StudyRecord:
    """A personal study of `person`, under every check of logging it oneself.

    Who may record for whom is the caller's to decide (`study_record_log` for oneself; the API
    for an integration acting for its units); `via` names that caller in the audit record.
    """
    if kind not in StudyKind.values:
        raise Refused(_("Choose a kind of study."), code="bad_kind")
    _check_date(campaign, date)
    material = _material(material)
    minutes = _duration(duration_minutes)
    # One person's logs one after the other: the duplicate check below cannot race. SQLite
    # takes its write lock at BEGIN (IMMEDIATE), so there the transaction is that queue.
    if connection.features.has_select_for_update:
        list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
    if StudyRecord.objects.filter(
        campaign=campaign,
        person=person,
        source=StudySource.LOGGED,
        kind=kind,
        date=date,
        material=material,
    ).exists():
        own = person.user_id is not None and person.user_id == actor.pk
        message = (
            _("You already logged “%(material)s” on %(date)s.")
            if own
            else _("“%(material)s” on %(date)s is already recorded for this person.")
        )
        raise Refused(
            message % {"material": material, "date": date.isoformat()},
            code="duplicate_record",
        )
    record = StudyRecord.objects.create(
        campaign=campaign,
        person=person,
        kind=kind,
        date=date,
        material=material,
        duration_minutes=minutes,
        notes=(notes or "").strip(),
        source=StudySource.LOGGED,
        created_by=actor,
        created_at=clock.now(),
    )
    study_tallies_change(campaign_id=campaign.pk, records=[(person.pk, kind)], by=1)
    changes: dict[str, object] = {"kind": kind, "date": date.isoformat(), "minutes": minutes}
    if via:
        changes.update(person=person.pk, via=via)
    audit_record(actor=actor, action="study.log", obj=record, changes=changes)
    return record


@transaction.atomic
def study_record_delete(*, actor: User, record: StudyRecord) -> None:
    """The person deletes a study they logged; attendance and make-ups stay."""
    campaign = Campaign.objects.get(pk=record.campaign_id)
    person = _person(actor, campaign)
    if record.person_id != person.pk:
        raise _not_allowed()
    if record.source != StudySource.LOGGED:
        raise Refused(
            _("Attendance at a session is recorded by the session; ask its organiser."),
            code="not_logged",
        )
    deleted, _rows = StudyRecord.objects.filter(
        pk=record.pk, person=person, source=StudySource.LOGGED
    ).delete()
    if not deleted:
        raise Refused(_("This record was already deleted."), code="gone")
    study_tallies_change(campaign_id=campaign.pk, records=[(person.pk, record.kind)], by=-1)
    audit_record(
        actor=actor,
        action="study.delete",
        obj=None,
        changes={
            "record": record.pk,
            "campaign": campaign.pk,
            "date": record.date.isoformat(),
            "material": record.material,
        },
    )


# --- Sessions -----------------------------------------------------------------------------


def _check_session_fields(
    campaign: Campaign, *, kind: str, topic: str, starts_at: dt.datetime, ends_at: dt.datetime
) -> str:
    if kind not in SESSION_KINDS:
        raise Refused(_("Choose the kind of session."), code="bad_kind")
    topic = (topic or "").strip()
    if not topic:
        raise Refused(_("Give the session a topic."), code="topic_required")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("sessions need aware datetimes")
    if ends_at <= starts_at:
        raise Refused(_("The session must end after it starts."), code="ends_before_start")
    if ends_at - starts_at > dt.timedelta(hours=MAX_SESSION_HOURS):
        raise Refused(
            _("A session lasts at most %(n)d hours.") % {"n": MAX_SESSION_HOURS},
            code="too_long",
        )
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at).date()
    if (campaign.start is not None and first < campaign.start) or (
        campaign.end is not None and last > campaign.end
    ):
        raise Refused(
            _("The session must take place within the campaign (%(start)s to %(end)s).")
            % {
                "start": campaign.start.isoformat() if campaign.start else "…",
                "end": campaign.end.isoformat() if campaign.end else "…",
            },
            code="date_outside_campaign",
        )
    return topic


def invited_people(
    campaign: Campaign, invitee_ids: Iterable[int], unit_ids: Iterable[int]
) -> set[int]:
    """The people invited by name and through their units (or party branches); all must be of
    the office."""
    wanted = {int(pk) for pk in invitee_ids}
    units = {int(pk) for pk in unit_ids}
    if units:
        known_units = set(
            Unit.objects.filter(office_id=campaign.office_id, pk__in=units).values_list(
                "pk", flat=True
            )
        )
        if known_units != units:
            raise Refused(_("Invite units of this office only."), code="unknown_unit")
        wanted |= set(selectors.people_of_units(campaign, units))
    known = set(
        Person.objects.filter(office_id=campaign.office_id, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if known != wanted:
        raise Refused(_("Invite staff of this office only."), code="unknown_person")
    return wanted


@transaction.atomic
def session_create(
    *,
    actor: User,
    campaign: Campaign,
    organiser_unit: Unit,
    kind: str,
    topic: str,
    speaker: str = "",
    place: str = "",
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    invitee_ids: Iterable[int] = (),
    invite_unit_ids: Iterable[int] = (),
    notes: str = "",
) -> StudySession:
    """A unit or branch organises a group session (集中学习, 专题辅导, 大家谈) and invites people:
    by name (`invitee_ids`) and every member of some units or branches (`invite_unit_ids`)."""
    membership = membership_of(actor)
    if organiser_unit.office_id != campaign.office_id or not can_manage_session(
        membership, campaign, organiser_unit.pk
    ):
        raise NotAllowed(_("You may not organise sessions for this unit."), code="not_organiser")
    topic = _check_session_fields(
        campaign, kind=kind, topic=topic, starts_at=starts_at, ends_at=ends_at
    )
    people = invited_people(campaign, invitee_ids, invite_unit_ids)
    if not people:
        raise Refused(_("Invite at least one person."), code="no_invitees")
    # One unit's sessions are arranged one after the other: a form sent twice adds one session.
    Unit.objects.select_for_update().filter(pk=organiser_unit.pk).first()
    if StudySession.objects.filter(
        campaign=campaign,
        organiser_unit=organiser_unit,
        topic=topic,
        starts_at=starts_at,
        cancelled_at__isnull=True,
    ).exists():
        raise Refused(
            _("This session is already arranged for %(time)s.") % {"time": moment_text(starts_at)},
            code="duplicate_session",
        )
    session = StudySession.objects.create(
        campaign=campaign,
        organiser_unit=organiser_unit,
        kind=kind,
        topic=topic,
        speaker=(speaker or "").strip(),
        place=(place or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        notes=(notes or "").strip(),
        sign_in_secret=signin_codes.new_secret(),
        created_by=actor,
    )
    SessionInvitee.objects.bulk_create(
        [SessionInvitee(session=session, person_id=pk) for pk in sorted(people)]
    )
    audit_record(
        actor=actor,
        action="study_session.create",
        obj=session,
        changes={
            "unit": organiser_unit.pk,
            "kind": kind,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "invitees": len(people),
        },
    )
    _notify_invitees(
        actor=actor,
        session=session,
        person_ids=people,
        title=_("You are invited to “%(topic)s”") % {"topic": topic},
        key=f"participation.session.{session.pk}.invited",
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor: User,
    session: StudySession,
    kind: str,
    topic: str,
    speaker: str = "",
    place: str = "",
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    invitee_ids: Iterable[int] | None = None,
    invite_unit_ids: Iterable[int] = (),
    notes: str = "",
) -> StudySession:
    """Change a session's details and its list of invitees.

    Once attendance is recorded, its kind and times are what the records count and stay as
    they are; nobody with a record can be taken off the list. Invitees not told before are
    told now; everyone is told if the time or place changes.
    """
    locked, campaign = _lock_session(session)
    _check_manager(actor, campaign, locked)
    _check_not_cancelled(locked)
    topic = _check_session_fields(
        campaign, kind=kind, topic=topic, starts_at=starts_at, ends_at=ends_at
    )
    recorded = set(StudyRecord.objects.filter(session=locked).values_list("person_id", flat=True))
    if recorded and (
        kind != locked.kind or starts_at != locked.starts_at or ends_at != locked.ends_at
    ):
        raise Refused(
            _("Attendance is already recorded; the kind and times can no longer change."),
            code="has_attendance",
        )
    current = set(selectors.invitee_person_ids(locked))
    units = list(invite_unit_ids)
    if invitee_ids is None:
        # The list stays; the units' members are added to it.
        wanted = current | (invited_people(campaign, (), units) if units else set())
    else:
        wanted = invited_people(campaign, invitee_ids, units)
    if not wanted:
        raise Refused(_("Invite at least one person."), code="no_invitees")
    kept_off = recorded - wanted
    if kept_off:
        names = Person.objects.filter(pk__in=kept_off).order_by("pk").values_list("name", flat=True)
        raise Refused(
            _("%(names)s already attended; they stay on the list.") % {"names": "、".join(names)},
            code="invitee_has_record",
        )
    before = {
        "kind": locked.kind,
        "topic": locked.topic,
        "speaker": locked.speaker,
        "place": locked.place,
        "starts_at": locked.starts_at.isoformat(),
        "ends_at": locked.ends_at.isoformat(),
        "notes": locked.notes,
    }
    moved = starts_at != locked.starts_at or ends_at != locked.ends_at
    moved = moved or (place or "").strip() != locked.place
    locked.kind = kind
    locked.topic = topic
    locked.speaker = (speaker or "").strip()
    locked.place = (place or "").strip()
    locked.starts_at = starts_at
    locked.ends_at = ends_at
    locked.notes = (notes or "").strip()
    locked.save()
    added, removed = wanted - current, current - wanted
    SessionInvitee.objects.filter(session=locked, person_id__in=removed).delete()
    SessionInvitee.objects.bulk_create(
        [SessionInvitee(session=locked, person_id=pk) for pk in sorted(added)],
        ignore_conflicts=True,
    )
    if topic != before["topic"]:
        StudyRecord.objects.filter(session=locked).exclude(source=StudySource.MAKEUP).update(
            material=topic[:MATERIAL_MAX]
        )
    after = {
        "kind": kind,
        "topic": topic,
        "speaker": locked.speaker,
        "place": locked.place,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "notes": locked.notes,
    }
    changes: dict[str, object] = {
        key: [before[key], after[key]] for key in after if before[key] != after[key]
    }
    if added:
        changes["invited"] = sorted(added)
    if removed:
        changes["uninvited"] = sorted(removed)
    audit = audit_record(actor=actor, action="study_session.update", obj=locked, changes=changes)
    _notify_invitees(
        actor=actor,
        session=locked,
        person_ids=added,
        title=_("You are invited to “%(topic)s”") % {"topic": topic},
        key=f"participation.session.{locked.pk}.invited",
    )
    if moved:
        _notify_invitees(
            actor=actor,
            session=locked,
            person_ids=wanted - added,
            title=_("“%(topic)s” has a new time or place") % {"topic": topic},
            key=f"participation.session.{locked.pk}.changed.{audit.pk}",
        )
    return locked


@transaction.atomic
def session_cancel(*, actor: User, session: StudySession, reason: str = "") -> StudySession:
    """Call a session off and tell its invitees; one where attendance is recorded took place."""
    locked, campaign = _lock_session(session)
    _check_manager(actor, campaign, locked)
    _check_not_cancelled(locked)
    if StudyRecord.objects.filter(session=locked).exists():
        raise Refused(
            _("Attendance is already recorded: the session took place and cannot be cancelled."),
            code="has_attendance",
        )
    locked.cancelled_at = clock.now()
    locked.save(update_fields=["cancelled_at"])
    reason = (reason or "").strip()
    audit_record(
        actor=actor,
        action="study_session.cancel",
        obj=locked,
        changes={"reason": reason} if reason else {},
    )
    _notify_invitees(
        actor=actor,
        session=locked,
        person_ids=selectors.invitee_person_ids(locked),
        title=_("“%(topic)s” is cancelled") % {"topic": locked.topic},
        key=f"participation.session.{locked.pk}.cancelled",
    )
    return locked


# --- Attendance ---------------------------------------------------------------------------


def code_check(secret: str, code: str, now: dt.datetime) -> None:
    """Refuse a code that is not the one the screen of `secret` shows (or just showed)."""
    verdict = signin_codes.verify(secret, code, now)
    if verdict.check is signin_codes.Check.EXPIRED:
        raise Refused(
            _("That code has expired; enter the code on the screen now."), code="code_expired"
        )
    if not verdict.ok:
        raise Refused(
            _("That is not the code on the screen; check the six digits and try again."),
            code="code_wrong",
        )


def _check_invited(session: StudySession, person: Person) -> None:
    if not SessionInvitee.objects.filter(session=session, person=person).exists():
        raise Refused(
            _("You are not on this session's list; ask its organiser to invite you."),
            code="not_invited",
        )


@transaction.atomic
def session_sign_in(*, actor: User, session: StudySession, code: str) -> StudyRecord:
    """An invitee signs in with the code on the organiser's screen, during the session window
    (from 15 minutes before the start to the end), once."""
    locked, campaign = _lock_session(session)
    membership = membership_of(actor)
    person = membership.person
    if person is None or not takes_part(membership, campaign):
        raise _not_allowed()
    _check_not_cancelled(locked)
    _check_invited(locked, person)
    existing = _existing(locked, person)
    if existing is not None:
        raise _already_recorded(existing)
    now = clock.now()
    opens, closes = selectors.sign_in_window(locked)
    if now < opens:
        raise Refused(
            _("Sign-in opens at %(time)s, 15 minutes before the session starts.")
            % {"time": moment_text(opens)},
            code="not_open_yet",
        )
    if now >= closes:
        raise Refused(
            _("Sign-in closed at %(time)s, when the session ended. File a make-up instead.")
            % {"time": moment_text(closes)},
            code="closed",
        )
    code_check(locked.sign_in_secret, code, now)
    record = _create_once(
        _presence(locked, campaign, person=person, source=StudySource.SIGN_IN, actor=actor), now
    )
    audit_record(
        actor=actor,
        action="study_session.sign_in",
        obj=locked,
        changes={"person": person.pk, "record": record.pk},
    )
    return record


@transaction.atomic
def session_mark_attendance(
    *, actor: User, session: StudySession, person_ids: Iterable[int]
) -> list[int]:
    """The organiser marks invitees present (from a paper list, or for those without a phone).

    Those already recorded (signed in, marked or made up) are left as they are; the ids of the
    people newly marked are returned. Anyone not invited is refused and nobody is marked.
    """
    locked, campaign = _lock_session(session)
    _check_manager(actor, campaign, locked)
    _check_not_cancelled(locked)
    wanted = {int(pk) for pk in person_ids}
    if not wanted:
        return []
    opens, _closes = selectors.sign_in_window(locked)
    now = clock.now()
    if now < opens:
        raise Refused(
            _("The session has not started; attendance can be marked from %(time)s.")
            % {"time": moment_text(opens)},
            code="not_open_yet",
        )
    invited = set(
        SessionInvitee.objects.filter(session=locked, person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    if invited != wanted:
        raise Refused(
            _("Only people on the session's list can be marked present."), code="not_invited"
        )
    recorded = set(
        StudyRecord.objects.filter(session=locked, person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    new = sorted(wanted - recorded)
    if not new:
        return []
    day, minutes, material = _session_day(locked), _session_minutes(locked), locked.topic
    StudyRecord.objects.bulk_create(
        [
            StudyRecord(
                campaign=campaign,
                person_id=pk,
                kind=locked.kind,
                date=day,
                material=material[:MATERIAL_MAX],
                duration_minutes=minutes,
                session=locked,
                source=StudySource.MARKED,
                created_by=actor,
                created_at=now,
            )
            for pk in new
        ],
        ignore_conflicts=True,
    )
    # The session is locked: nobody else recorded these people since `recorded` was read.
    study_tallies_change(campaign_id=campaign.pk, records=[(pk, locked.kind) for pk in new], by=1)
    audit_record(actor=actor, action="study_session.mark", obj=locked, changes={"present": new})
    return new


@transaction.atomic
def session_attendance_record(*, actor: User, session: StudySession, person: Person) -> StudyRecord:
    """Attendance taken somewhere else counts here: a meeting linked to this session
    (`engagement.Meeting.study_session`) where `person` signed in with the meeting's code, or
    was marked present by its organiser. The caller has checked that presence.

    The person signing in for themselves is recorded as signed in; an organiser marking them as
    marked. Someone not on the session's list is added to it. Idempotent: a person already
    recorded for the session (signed in, marked or made up) keeps that record, returned as is.
    """
    locked, campaign = _lock_session(session)
    membership = membership_of(actor)
    is_self = membership.person is not None and membership.person.pk == person.pk
    if is_self:
        if not takes_part(membership, campaign):
            raise _not_allowed()
    else:
        _check_manager(actor, campaign, locked)
    if person.office_id != campaign.office_id:
        raise _not_allowed()
    _check_not_cancelled(locked)
    existing = _existing(locked, person)
    if existing is not None:
        return existing
    now = clock.now()
    opens, _closes = selectors.sign_in_window(locked)
    if now < opens:
        raise Refused(
            _("The session has not started; attendance can be recorded from %(time)s.")
            % {"time": moment_text(opens)},
            code="not_open_yet",
        )
    SessionInvitee.objects.bulk_create(
        [SessionInvitee(session=locked, person=person)], ignore_conflicts=True
    )
    source = StudySource.SIGN_IN if is_self else StudySource.MARKED
    # The session is locked and the person has no record: `_create_once` inserts theirs.
    record = _create_once(
        _presence(locked, campaign, person=person, source=source, actor=actor), now
    )
    audit_record(
        actor=actor,
        action="study_session.attendance",
        obj=locked,
        changes={"person": person.pk, "record": record.pk, "source": source},
    )
    return record


@transaction.atomic
def session_unmark(*, actor: User, session: StudySession, person_id: int) -> None:
    """The organiser takes back a presence (marked by mistake, or signed in from elsewhere).
    A make-up is the person's own record and stays."""
    locked, campaign = _lock_session(session)
    _check_manager(actor, campaign, locked)
    record = StudyRecord.objects.filter(session=locked, person_id=person_id).first()
    if record is None or record.source == StudySource.MAKEUP:
        raise Refused(_("This person is not recorded present."), code="not_present")
    record.delete()
    study_tallies_change(campaign_id=campaign.pk, records=[(person_id, record.kind)], by=-1)
    audit_record(
        actor=actor,
        action="study_session.unmark",
        obj=locked,
        changes={"person": person_id, "source": record.source},
    )


@transaction.atomic
def session_makeup_file(
    *,
    actor: User,
    session: StudySession,
    date: dt.date,
    material: str = "",
    notes: str = "",
    duration_minutes: int | None = None,
) -> StudyRecord:
    """An invitee who missed the session studies it afterwards (补学) and records it; it counts
    like attendance, once."""
    locked, campaign = _lock_session(session)
    membership = membership_of(actor)
    person = membership.person
    if person is None or not takes_part(membership, campaign):
        raise _not_allowed()
    _check_not_cancelled(locked)
    _check_invited(locked, person)
    existing = _existing(locked, person)
    if existing is not None:
        raise _already_recorded(existing)
    now = clock.now()
    if now < locked.ends_at:
        raise Refused(
            _("The session is not over yet (it ends at %(time)s); sign in there instead.")
            % {"time": moment_text(locked.ends_at)},
            code="session_not_over",
        )
    _check_date(campaign, date, not_before=_session_day(locked))
    record = _create_once(
        StudyRecord(
            campaign=campaign,
            person=person,
            kind=locked.kind,
            date=date,
            material=_material(material, default=locked.topic[:MATERIAL_MAX]),
            duration_minutes=_duration(duration_minutes),
            notes=(notes or "").strip(),
            session=locked,
            source=StudySource.MAKEUP,
            created_by=actor,
        ),
        now,
    )
    audit_record(
        actor=actor,
        action="study_session.makeup",
        obj=locked,
        changes={"person": person.pk, "record": record.pk, "date": date.isoformat()},
    )
    return record
