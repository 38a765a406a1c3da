"""`session_attendance_record`: attendance taken at a meeting linked to a session (大家谈 held as
a meeting) counts in the session, once, keeping the tallies."""

from __future__ import annotations

import pytest

from huodong.campaigns.models import StudyKind
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import SessionInvitee, StudyRecord, StudySource, StudyTally
from huodong.participation.services import study as services

from .test_study_helpers import DAY, frozen, make_session, moment, person, sign_in, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = DAY.isoformat()


@pytest.fixture
def session(org, campaign):
    return make_session(org, campaign, kind=StudyKind.DISCUSSION)


def test_a_person_signing_in_for_themselves_is_signed_in(settings, org, campaign, session):
    with frozen(settings, moment(14, 5)):
        record = services.session_attendance_record(
            actor=org.staff, session=session, person=person(org.staff)
        )
    assert record.source == StudySource.SIGN_IN
    assert record.kind == StudyKind.DISCUSSION
    assert record.date == DAY
    assert record.duration_minutes == 120
    assert record.created_at == moment(14, 5)
    assert StudyTally.objects.get(campaign=campaign, person=person(org.staff)).discussions == 1


def test_an_organiser_marking_someone_marks_them_and_puts_them_on_the_list(
    settings, org, campaign, session
):
    outsider = person(org.outsider_staff)
    assert not SessionInvitee.objects.filter(session=session, person=outsider).exists()
    with frozen(settings, moment(14, 30)):
        record = services.session_attendance_record(
            actor=org.secretary, session=session, person=outsider
        )
    assert record.source == StudySource.MARKED
    assert SessionInvitee.objects.filter(session=session, person=outsider).exists()


def test_it_is_idempotent(settings, org, campaign, session):
    signed = sign_in(settings, org.staff, session, moment(14, 1))
    with frozen(settings, moment(14, 10)):
        again = services.session_attendance_record(
            actor=org.secretary, session=session, person=person(org.staff)
        )
        twice = services.session_attendance_record(
            actor=org.staff, session=session, person=person(org.staff)
        )
    assert again.pk == signed.pk == twice.pk
    assert again.source == StudySource.SIGN_IN
    assert StudyRecord.objects.filter(session=session).count() == 1
    assert StudyTally.objects.get(campaign=campaign, person=person(org.staff)).discussions == 1


def test_someone_else_may_not_record_a_colleague(settings, org, session):
    before = snapshot()
    with frozen(settings, moment(14, 10)), pytest.raises(NotAllowed):
        services.session_attendance_record(
            actor=org.colleague, session=session, person=person(org.staff)
        )
    assert snapshot() == before


def test_not_before_the_session_opens_nor_for_a_cancelled_one(settings, org, session):
    before = snapshot()
    with frozen(settings, moment(13, 0)), pytest.raises(Refused) as early:
        services.session_attendance_record(
            actor=org.secretary, session=session, person=person(org.staff)
        )
    assert early.value.code == "not_open_yet"
    assert snapshot() == before
    with frozen(settings, moment(9, 0)):
        services.session_cancel(actor=org.secretary, session=session)
    with frozen(settings, moment(14, 10)), pytest.raises(Refused) as cancelled:
        services.session_attendance_record(
            actor=org.secretary, session=session, person=person(org.staff)
        )
    assert cancelled.value.code == "cancelled"
    assert not StudyRecord.objects.exists()
