"""Study services: personal study, sessions, sign-in, marked attendance, make-ups.

Bad input and races: a code used twice, late, wrong or by someone not invited; a record dated
outside the campaign or in the future; two sign-ins at once. Each refusal changes nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, connection, transaction

from huodong.campaigns.models import StudyKind
from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification, NotificationKind
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import (
    SessionInvitee,
    StudyRecord,
    StudySource,
    StudyTally,
)
from huodong.participation.services import study as services

from .test_study_helpers import (
    DAY,
    code_for,
    frozen,
    make_session,
    moment,
    person,
    sign_in,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = DAY.isoformat()


@contextlib.contextmanager
def refused(code: str) -> Iterator[pytest.ExceptionInfo[Refused]]:
    """pytest.raises for a refusal with this stable code."""
    with pytest.raises(Refused) as info:
        yield info
    assert info.value.code == code, info.value.message


# --- Personal study -----------------------------------------------------------------------


def test_a_person_logs_personal_study(org, campaign):
    record = services.study_record_log(
        actor=org.staff,
        campaign=campaign,
        date=dt.date(2018, 6, 18),
        material="《习近平谈治国理政》第二卷",
        duration_minutes=90,
        notes="第三章",
    )
    assert record.person == person(org.staff)
    assert (record.kind, record.source, record.session) == (StudyKind.SELF, "logged", None)
    assert AuditRecord.objects.filter(action="study.log", object_id=str(record.pk)).exists()


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2018, 4, 30), "date_outside_campaign"),
        (dt.date(2019, 1, 1), "date_outside_campaign"),
        (dt.date(2018, 6, 21), "date_in_future"),
    ],
)
def test_study_dated_outside_the_campaign_or_in_the_future_is_refused(org, campaign, day, code):
    before = snapshot()
    with refused(code) as info:
        services.study_record_log(
            actor=org.staff, campaign=campaign, date=day, material="学习", duration_minutes=30
        )
    assert day.isoformat() in info.value.message
    assert snapshot() == before


def test_the_same_study_twice_is_refused_not_duplicated(org, campaign):
    kwargs = {"campaign": campaign, "date": DAY, "material": "学习党章", "duration_minutes": 30}
    services.study_record_log(actor=org.staff, **kwargs)
    with refused("duplicate_record"):
        services.study_record_log(actor=org.staff, **kwargs)
    assert StudyRecord.objects.count() == 1
    # Another material the same day is another study.
    services.study_record_log(actor=org.staff, **{**kwargs, "material": "学习准则"})
    assert StudyRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("material", "  ", "material_required"),
        ("material", "长" * 201, "material_too_long"),
        ("duration_minutes", 0, "bad_duration"),
        ("duration_minutes", 24 * 60 + 1, "bad_duration"),
        ("kind", "nonsense", "bad_kind"),
    ],
)
def test_bad_personal_study_is_refused(org, campaign, field, value, code):
    kwargs = {"date": DAY, "material": "学习", "duration_minutes": 30, field: value}
    with refused(code):
        services.study_record_log(actor=org.staff, campaign=campaign, **kwargs)
    assert not StudyRecord.objects.exists()


def test_someone_of_another_office_cannot_log(org, campaign, other_office, make_member):
    stranger = make_member(other_office)
    with pytest.raises(NotAllowed):
        services.study_record_log(actor=stranger, campaign=campaign, date=DAY, material="学习")
    assert not StudyRecord.objects.exists()


def test_only_ones_own_logged_study_is_deleted(settings, org, campaign):
    mine = services.study_record_log(actor=org.staff, campaign=campaign, date=DAY, material="a")
    before = snapshot()
    with pytest.raises(NotAllowed):
        services.study_record_delete(actor=org.colleague, record=mine)
    assert snapshot() == before

    session = make_session(org, campaign)
    attended = sign_in(settings, org.staff, session, moment(14, 5))
    with refused("not_logged"):
        services.study_record_delete(actor=org.staff, record=attended)

    services.study_record_delete(actor=org.staff, record=mine)
    assert list(StudyRecord.objects.all()) == [attended]
    assert AuditRecord.objects.filter(action="study.delete").count() == 1
    with refused("gone"):
        services.study_record_delete(actor=org.staff, record=mine)


# --- Sessions -----------------------------------------------------------------------------


def test_an_organiser_arranges_a_session_and_the_invitees_are_told(
    org, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = make_session(org, campaign, invite=[org.staff, org.colleague, org.secretary])
    assert len(session.sign_in_secret) == 40
    assert set(SessionInvitee.objects.values_list("person_id", flat=True)) == {
        person(u).pk for u in (org.staff, org.colleague, org.secretary)
    }
    notes = Notification.objects.all()
    # The secretary organised it: they are not told about their own session.
    assert {n.recipient for n in notes} == {org.staff, org.colleague}
    assert {n.kind for n in notes} == {NotificationKind.STUDY}
    assert {n.dedupe_key for n in notes} == {f"participation.session.{session.pk}.invited"}
    assert all(n.url == f"/participation/sessions/{session.pk}/" for n in notes)
    assert AuditRecord.objects.filter(action="study_session.create").count() == 1


def test_inviting_a_unit_or_a_branch_invites_its_members(org, campaign):
    session = services.session_create(
        actor=org.director,
        campaign=campaign,
        organiser_unit=org.other_department,
        kind=StudyKind.LECTURE,
        topic="专题辅导",
        starts_at=moment(9),
        ends_at=moment(11),
        invite_unit_ids=[org.branch.pk],
        invitee_ids=[person(org.outsider_staff).pk],
    )
    invited = set(SessionInvitee.objects.filter(session=session).values_list("person", flat=True))
    branch_members = {
        person(u).pk for u in (org.staff, org.colleague, org.secretary, org.unit_head)
    }
    assert invited == branch_members | {person(org.outsider_staff).pk}


@pytest.mark.parametrize(
    ("actor", "unit", "allowed"),
    [
        ("secretary", "branch", True),
        ("secretary", "department", False),
        ("unit_head", "department", True),
        ("unit_head", "branch", False),
        ("director", "other_department", True),
        ("staff", "department", False),
    ],
)
def test_who_organises_for_which_unit(org, campaign, actor, unit, allowed):
    def create():
        return make_session(org, campaign, actor=getattr(org, actor), unit=getattr(org, unit))

    if allowed:
        assert create().organiser_unit == getattr(org, unit)
    else:
        before = snapshot()
        with pytest.raises(NotAllowed):
            create()
        assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"ends_at": moment(13)}, "ends_before_start"),
        (
            {
                "starts_at": moment(9, day=dt.date(2018, 4, 30)),
                "ends_at": moment(10, day=dt.date(2018, 4, 30)),
            },
            "date_outside_campaign",
        ),
        (
            {
                "starts_at": moment(14, day=dt.date(2019, 1, 1)),
                "ends_at": moment(15, day=dt.date(2019, 1, 1)),
            },
            "date_outside_campaign",
        ),
        ({"ends_at": moment(15, day=dt.date(2018, 6, 22))}, "too_long"),
        ({"topic": " "}, "topic_required"),
        ({"kind": StudyKind.SELF}, "bad_kind"),
        ({"invitee_ids": []}, "no_invitees"),
        ({"invitee_ids": [999_999]}, "unknown_person"),
        ({"invite_unit_ids": [999_999]}, "unknown_unit"),
    ],
)
def test_a_bad_session_is_refused(org, campaign, change, code):
    kwargs = {
        "kind": StudyKind.GROUP,
        "topic": "集中学习",
        "starts_at": moment(14),
        "ends_at": moment(16),
        "invitee_ids": [person(org.staff).pk],
        **change,
    }
    before = snapshot()
    with refused(code):
        services.session_create(
            actor=org.secretary, campaign=campaign, organiser_unit=org.branch, **kwargs
        )
    assert snapshot() == before


def test_a_session_sent_twice_is_arranged_once(org, campaign):
    make_session(org, campaign)
    before = snapshot()
    with refused("duplicate_session") as info:
        make_session(org, campaign)
    assert "14:00" in info.value.message
    assert snapshot() == before
    # Another topic at the same time is another session.
    make_session(org, campaign, topic="另一场")


def test_a_person_of_another_office_cannot_be_invited(org, campaign, other_office, make_member):
    stranger = person(make_member(other_office))
    with refused("unknown_person"):
        services.session_create(
            actor=org.secretary,
            campaign=campaign,
            organiser_unit=org.branch,
            kind=StudyKind.GROUP,
            topic="集中学习",
            starts_at=moment(14),
            ends_at=moment(16),
            invitee_ids=[person(org.staff).pk, stranger.pk],
        )


# --- Signing in ---------------------------------------------------------------------------


def test_an_invitee_signs_in_with_the_code_on_the_screen(settings, org, campaign):
    session = make_session(org, campaign, kind=StudyKind.DISCUSSION)
    record = sign_in(settings, org.staff, session, moment(14, 3))
    assert record.source == StudySource.SIGN_IN
    assert (record.kind, record.date, record.session) == (StudyKind.DISCUSSION, DAY, session)
    assert record.duration_minutes == 120
    assert record.material == session.topic
    record.refresh_from_db()
    assert record.created_at == moment(14, 3)
    assert AuditRecord.objects.filter(action="study_session.sign_in").count() == 1


def test_sign_in_opens_15_minutes_before_the_start(settings, org, campaign):
    session = make_session(org, campaign)
    with refused("not_open_yet") as info:
        sign_in(settings, org.staff, session, moment(13, 44, 59))
    assert "13:45" in info.value.message
    assert sign_in(settings, org.colleague, session, moment(13, 45)).source == "sign_in"


def test_a_late_sign_in_is_refused_and_says_when_it_closed(settings, org, campaign):
    session = make_session(org, campaign)
    before = snapshot()
    with refused("closed") as info:
        sign_in(settings, org.staff, session, moment(16, 0))
    assert "16:00" in info.value.message
    assert snapshot() == before


def test_the_same_code_used_twice_by_the_same_person_records_once(settings, org, campaign):
    session = make_session(org, campaign)
    at = moment(14, 10)
    code = code_for(session, at)
    first = sign_in(settings, org.staff, session, at, code)
    before = snapshot()
    with refused("already_signed_in") as info:
        sign_in(settings, org.staff, session, moment(14, 10, 20), code)
    assert "14:10" in info.value.message
    assert snapshot() == before
    assert list(StudyRecord.objects.all()) == [first]
    # Someone else may use the code on the screen: it is shown to the whole room.
    assert sign_in(settings, org.colleague, session, moment(14, 10, 25), code)


def test_the_previous_code_still_works_an_older_one_has_expired(settings, org, campaign):
    session = make_session(org, campaign)
    shown = moment(14, 10)
    code = code_for(session, shown)
    with refused("code_expired"):
        sign_in(settings, org.staff, session, moment(14, 11, 5), code)
    assert not StudyRecord.objects.exists()
    assert sign_in(settings, org.staff, session, moment(14, 10, 45), code)


def test_a_wrong_code_is_refused(settings, org, campaign):
    session = make_session(org, campaign)
    at = moment(14, 10)
    right = code_for(session, at)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for typed in (wrong, "12345", "abcdef", ""):
        with refused("code_wrong"):
            sign_in(settings, org.staff, session, at, typed)
    assert not StudyRecord.objects.exists()


def test_the_code_of_another_session_does_not_sign_in(settings, org, campaign):
    session = make_session(org, campaign)
    other = make_session(org, campaign, topic="另一场")
    at = moment(14, 10)
    with refused("code_wrong"):
        sign_in(settings, org.staff, session, at, code_for(other, at))


def test_someone_not_invited_is_told_so(settings, org, campaign):
    session = make_session(org, campaign)
    before = snapshot()
    with refused("not_invited") as info:
        sign_in(settings, org.outsider_staff, session, moment(14, 10))
    assert "名单" in info.value.message  # "not on the list", in the default language
    assert snapshot() == before


def test_a_cancelled_session_takes_no_sign_in(settings, org, campaign):
    session = make_session(org, campaign)
    with frozen(settings, moment(10)):
        services.session_cancel(actor=org.secretary, session=session, reason="改期")
    before = snapshot()
    with refused("cancelled"):
        sign_in(settings, org.staff, session, moment(14, 10))
    assert snapshot() == before


def test_someone_marked_present_is_told_so_when_signing_in(settings, org, campaign):
    session = make_session(org, campaign)
    with frozen(settings, moment(14, 5)):
        services.session_mark_attendance(
            actor=org.secretary, session=session, person_ids=[person(org.staff).pk]
        )
    with refused("already_signed_in") as info:
        sign_in(settings, org.staff, session, moment(14, 6))
    assert "组织者已为您登记" in info.value.message  # "the organiser marked you present"
    assert StudyRecord.objects.count() == 1


def test_the_database_allows_one_record_per_person_and_session(settings, org, campaign):
    session = make_session(org, campaign)
    record = sign_in(settings, org.staff, session, moment(14, 5))
    duplicate = StudyRecord(
        campaign=campaign,
        person=record.person,
        kind=record.kind,
        date=record.date,
        material="again",
        session=session,
        source=StudySource.MAKEUP,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Records without a session are not limited.
    for _ in range(2):
        StudyRecord.objects.create(
            campaign=campaign,
            person=record.person,
            kind="self",
            date=DAY,
            material="x",
            source="logged",
        )
    assert StudyRecord.objects.count() == 3


def test_a_sign_in_racing_past_the_check_is_stopped_by_the_constraint(
    settings, org, campaign, monkeypatch
):
    """Even if the friendly check misses the first record, the constraint refuses the second."""
    session = make_session(org, campaign)
    sign_in(settings, org.staff, session, moment(14, 5))
    monkeypatch.setattr(services, "_existing", lambda session, person: None)
    before = snapshot()
    with refused("already_signed_in"):
        sign_in(settings, org.staff, session, moment(14, 6))
    assert snapshot() == before


def _at_once(settings, work, count: int = 4) -> list[str]:
    """Run `work` in `count` threads released together, each on its own connection."""
    start = threading.Barrier(count)
    outcomes: list[str] = []

    def run(context: contextvars.Context) -> None:
        try:
            start.wait()
            context.run(work)
            outcomes.append("done")
        except Refused as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # reported by the assertion of the caller
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(contextvars.copy_context(),)) for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ins_of_one_person_record_once(settings, org, campaign):
    session = make_session(org, campaign)
    at = moment(14, 5)
    code = code_for(session, at)
    with frozen(settings, at):
        outcome = _at_once(
            settings,
            lambda: services.session_sign_in(actor=org.staff, session=session, code=code),
        )
        assert outcome == ["already_signed_in"] * 3 + ["done"]
        assert StudyRecord.objects.filter(session=session).count() == 1

        # A sign-in, a mark and a make-up attempt for the same person at once: one record.
        marked = _at_once(
            settings,
            lambda: services.session_mark_attendance(
                actor=org.secretary, session=session, person_ids=[person(org.colleague).pk]
            ),
        )
        assert marked == ["done"] * 4
    assert StudyRecord.objects.filter(session=session).count() == 2
    assert AuditRecord.objects.filter(action="study_session.mark").count() == 1

    # The log form sent several times at once: one personal study.
    logged = _at_once(
        settings,
        lambda: services.study_record_log(
            actor=org.staff, campaign=campaign, date=DAY, material="学习党章"
        ),
    )
    assert logged == ["done"] + ["duplicate_record"] * 3
    assert StudyRecord.objects.filter(source="logged").count() == 1

    # The session form sent several times at once: one session.
    arranged = _at_once(settings, lambda: make_session(org, campaign, topic="再学习"))
    assert arranged == ["done"] + ["duplicate_session"] * 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_records_of_one_person_add_up_in_their_tally(settings, org, campaign):
    """Four sessions marking the same person at once, and four studies logged at once: each
    increment lands, none overwrites another."""
    staff = person(org.staff).pk
    sessions = iter(
        [
            make_session(org, campaign, topic=f"第{n}次集中学习", start=(8 + n, 0), end=(8 + n, 30))
            for n in range(4)
        ]
    )
    materials = iter(["学习党章", "学习准则", "学习条例", "学习讲话"])
    taking = threading.Lock()

    def mark() -> None:
        with taking:
            session = next(sessions)
        services.session_mark_attendance(actor=org.secretary, session=session, person_ids=[staff])

    def log() -> None:
        with taking:
            material = next(materials)
        services.study_record_log(actor=org.staff, campaign=campaign, date=DAY, material=material)

    with frozen(settings, moment(15)):
        assert _at_once(settings, mark) == ["done"] * 4
        assert _at_once(settings, log) == ["done"] * 4
    tally = StudyTally.objects.get(campaign=campaign, person_id=staff)
    assert (tally.self_studies, tally.group_studies) == (4, 4)


# --- Marking attendance -------------------------------------------------------------------


def test_marking_attendance_is_idempotent(settings, org, campaign):
    session = make_session(org, campaign, invite=[org.staff, org.colleague, org.secretary])
    staff, colleague = person(org.staff).pk, person(org.colleague).pk
    sign_in(settings, org.staff, session, moment(14, 1))
    with frozen(settings, moment(15)):
        assert services.session_mark_attendance(
            actor=org.secretary, session=session, person_ids=[staff, colleague]
        ) == [colleague]
        assert (
            services.session_mark_attendance(
                actor=org.secretary, session=session, person_ids=[staff, colleague]
            )
            == []
        )
    sources = dict(StudyRecord.objects.values_list("person_id", "source"))
    assert sources == {staff: "sign_in", colleague: "marked"}
    assert AuditRecord.objects.filter(action="study_session.mark").count() == 1


def test_only_invitees_are_marked_and_only_by_the_organiser(settings, org, campaign):
    session = make_session(org, campaign)
    with frozen(settings, moment(15)):
        before = snapshot()
        with refused("not_invited"):
            services.session_mark_attendance(
                actor=org.secretary,
                session=session,
                person_ids=[person(org.staff).pk, person(org.outsider_staff).pk],
            )
        assert snapshot() == before
        for actor in (org.staff, org.unit_head, org.outsider_staff):
            with pytest.raises(NotAllowed):
                services.session_mark_attendance(
                    actor=actor, session=session, person_ids=[person(org.staff).pk]
                )
        assert snapshot() == before
        # The office organises for every unit.
        services.session_mark_attendance(
            actor=org.director, session=session, person_ids=[person(org.staff).pk]
        )
    assert StudyRecord.objects.count() == 1


def test_attendance_is_not_marked_before_the_session(settings, org, campaign):
    session = make_session(org, campaign)
    with frozen(settings, moment(9)), refused("not_open_yet"):
        services.session_mark_attendance(
            actor=org.secretary, session=session, person_ids=[person(org.staff).pk]
        )


def test_the_organiser_takes_a_presence_back_but_not_a_makeup(settings, org, campaign):
    session = make_session(org, campaign)
    staff, colleague = person(org.staff).pk, person(org.colleague).pk
    sign_in(settings, org.staff, session, moment(14, 1))
    with frozen(settings, moment(16, 30)):
        services.session_makeup_file(actor=org.colleague, session=session, date=DAY)
        with pytest.raises(NotAllowed):
            services.session_unmark(actor=org.staff, session=session, person_id=staff)
        with refused("not_present"):
            services.session_unmark(actor=org.secretary, session=session, person_id=colleague)
        services.session_unmark(actor=org.secretary, session=session, person_id=staff)
        with refused("not_present"):
            services.session_unmark(actor=org.secretary, session=session, person_id=staff)
    assert list(StudyRecord.objects.values_list("person_id", "source")) == [(colleague, "makeup")]
    assert AuditRecord.objects.filter(action="study_session.unmark").count() == 1


# --- Make-ups -----------------------------------------------------------------------------


def test_an_absentee_files_a_makeup_after_the_session(settings, org, campaign):
    session = make_session(org, campaign, kind=StudyKind.LECTURE)
    later = dt.date(2018, 6, 22)
    with frozen(settings, moment(10, day=later)):
        record = services.session_makeup_file(
            actor=org.colleague, session=session, date=later, material="", notes="看了录像"
        )
    assert (record.source, record.kind, record.date) == ("makeup", StudyKind.LECTURE, later)
    assert record.material == session.topic
    assert record.session == session
    assert AuditRecord.objects.filter(action="study_session.makeup").count() == 1


def test_makeup_rules(settings, org, campaign):
    session = make_session(org, campaign)
    sign_in(settings, org.staff, session, moment(14, 1))
    before = snapshot()
    with frozen(settings, moment(15)), refused("session_not_over"):
        services.session_makeup_file(actor=org.colleague, session=session, date=DAY)
    with frozen(settings, moment(10, day=dt.date(2018, 6, 22))):
        with refused("already_signed_in"):
            services.session_makeup_file(actor=org.staff, session=session, date=DAY)
        with refused("not_invited"):
            services.session_makeup_file(actor=org.outsider_staff, session=session, date=DAY)
        with refused("date_before_session"):
            services.session_makeup_file(
                actor=org.colleague, session=session, date=dt.date(2018, 6, 19)
            )
        with refused("date_in_future"):
            services.session_makeup_file(
                actor=org.colleague, session=session, date=dt.date(2018, 6, 23)
            )
        assert snapshot() == before
        services.session_makeup_file(actor=org.colleague, session=session, date=DAY)
        with refused("already_made_up"):
            services.session_makeup_file(actor=org.colleague, session=session, date=DAY)


def test_a_makeup_is_dated_within_the_campaign(settings, org, campaign):
    last = dt.date(2018, 12, 31)
    session = make_session(org, campaign, day=last, start=(9, 0), end=(10, 0))
    with frozen(settings, moment(10, day=dt.date(2019, 1, 3))), refused("date_outside_campaign"):
        services.session_makeup_file(actor=org.colleague, session=session, date=dt.date(2019, 1, 3))
    assert not StudyRecord.objects.exists()


def test_a_cancelled_session_takes_no_makeup(settings, org, campaign):
    session = make_session(org, campaign)
    with frozen(settings, moment(9)):
        services.session_cancel(actor=org.secretary, session=session)
    with frozen(settings, moment(18)), refused("cancelled"):
        services.session_makeup_file(actor=org.colleague, session=session, date=DAY)


# --- Updating and cancelling --------------------------------------------------------------


def test_an_update_tells_new_invitees_and_everyone_of_a_new_time(
    settings, org, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = make_session(org, campaign)
    assert Notification.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            actor=org.secretary,
            session=session,
            kind=session.kind,
            topic="新题目",
            place="五楼",
            starts_at=moment(15),
            ends_at=moment(17),
            invitee_ids=[person(u).pk for u in (org.staff, org.colleague, org.unit_head)],
        )
    session.refresh_from_db()
    assert (session.topic, session.place, session.starts_at) == ("新题目", "五楼", moment(15))
    told = list(Notification.objects.order_by("pk").values_list("recipient_id", "dedupe_key"))
    assert (org.unit_head.pk, f"participation.session.{session.pk}.invited") in told
    changed = [key for _, key in told if ".changed." in key]
    assert len(changed) == 2  # staff and colleague, not the head who was just invited
    assert AuditRecord.objects.filter(action="study_session.update").count() == 1


def test_once_attended_the_times_stay_and_attendees_stay_invited(settings, org, campaign):
    session = make_session(org, campaign)
    sign_in(settings, org.staff, session, moment(14, 1))
    common = {"actor": org.secretary, "session": session, "kind": session.kind, "topic": "x"}
    before = snapshot()
    with refused("has_attendance"):
        services.session_update(**common, starts_at=moment(15), ends_at=moment(17))
    with refused("invitee_has_record"):
        services.session_update(
            **common,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            invitee_ids=[person(org.colleague).pk],
        )
    assert snapshot() == before
    services.session_update(**common, starts_at=session.starts_at, ends_at=session.ends_at)
    # The attendance record follows the topic.
    assert StudyRecord.objects.get().material == "x"


def test_cancelling_tells_the_invitees_once(
    settings, org, campaign, django_capture_on_commit_callbacks
):
    session = make_session(org, campaign)
    with frozen(settings, moment(9)), django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(actor=org.secretary, session=session, reason="改期")
    assert Notification.objects.filter(dedupe_key__endswith=".cancelled").count() == 2
    with frozen(settings, moment(9)), refused("cancelled"):
        services.session_cancel(actor=org.secretary, session=session)
    with pytest.raises(NotAllowed):
        services.session_cancel(actor=org.staff, session=session)


def test_a_session_that_took_place_cannot_be_cancelled(settings, org, campaign):
    session = make_session(org, campaign)
    sign_in(settings, org.staff, session, moment(14, 1))
    before = snapshot()
    with frozen(settings, moment(15)), refused("has_attendance"):
        services.session_cancel(actor=org.secretary, session=session)
    assert snapshot() == before
