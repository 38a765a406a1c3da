"""The meeting services: arranging, registration against the places limit, signing in by code
(staff and guests), attendance, minutes and files, opinions to the pool. Each refusal leaves
nothing changed."""

from __future__ import annotations

import pytest

from huodong.campaigns.models import StudyKind
from huodong.core import clock
from huodong.core.audit import AuditRecord
from huodong.engagement import services
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.models import AttendeeStatus, Meeting, MeetingAttendee, MeetingFile
from huodong.engagement.models import MeetingKind as Kind
from huodong.engagement.tests.conftest import MEETING_END, MEETING_START, Org, at, exe, pdf, png
from huodong.notifications.models import Notification
from huodong.participation import signin_codes
from huodong.participation.models import SessionInvitee, StudyRecord, StudySource, StudyTally
from huodong.suggestions.models import Suggestion, SuggestionSource

pytestmark = pytest.mark.django_db

DURING = at("2018-06-20", "14:40")


def code_now(meeting: Meeting) -> str:
    return signin_codes.code_at(meeting.sign_in_secret, clock.now())


def snapshot(meeting: Meeting) -> list[tuple]:
    return list(
        MeetingAttendee.objects.filter(meeting=meeting)
        .order_by("pk")
        .values_list("pk", "status", "registered_at", "attended_at", "contact")
    )


# --- Arranging ----------------------------------------------------------------------------


def test_create_puts_the_invitees_on_the_list_and_tells_them(
    make_meeting, org, django_capture_on_commit_callbacks, pinned
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting()
    attendee = MeetingAttendee.objects.get(meeting=meeting)
    assert attendee.person == Org.person(org.invited)
    assert attendee.status == AttendeeStatus.INVITED
    assert attendee.organisation == "业务处"
    assert len(meeting.sign_in_secret) == 40
    assert AuditRecord.objects.filter(action="meeting.create").count() == 1
    assert Notification.objects.filter(recipient=org.invited).count() == 1


def test_staff_without_a_unit_role_may_not_arrange(make_meeting, org):
    with pytest.raises(NotAllowed):
        make_meeting(actor=org.staff)
    with pytest.raises(NotAllowed):
        make_meeting(actor=org.market_head)  # heads 市场处, not 业务处
    assert not Meeting.objects.exists()


def test_the_office_arranges_for_any_unit(make_meeting, org):
    assert make_meeting(actor=org.director, organiser_unit=org.market).pk


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": "  "}, "required"),
        ({"ends_at": MEETING_START}, "ends_before_start"),
        ({"kind": Kind.PARK_VISIT}, "park_required"),
        ({"registration_limit": 0}, "bad_limit"),
        ({"counts_as_study": True}, "not_study_kind"),
        ({"invitee_ids": [999999]}, "unknown_person"),
    ],
)
def test_bad_details_are_refused(make_meeting, overrides, code):
    with pytest.raises(Refused) as refused:
        make_meeting(**overrides)
    assert refused.value.code == code
    assert not Meeting.objects.exists()


def test_the_same_meeting_twice_is_one_meeting(make_meeting):
    make_meeting()
    with pytest.raises(Refused) as refused:
        make_meeting()
    assert refused.value.code == "duplicate_meeting"
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "study_kind"),
    [(Kind.OPEN_DISCUSSION, StudyKind.DISCUSSION), (Kind.SYMPOSIUM, StudyKind.GROUP)],
)
def test_a_discussion_for_staff_counts_as_study(make_meeting, org, kind, study_kind):
    meeting = make_meeting(kind=kind, title="便民方舟大家谈", counts_as_study=True)
    session = meeting.study_session
    assert session is not None
    assert session.kind == study_kind
    assert session.topic == meeting.title
    assert session.sign_in_secret == meeting.sign_in_secret
    assert list(
        SessionInvitee.objects.filter(session=session).values_list("person", flat=True)
    ) == [Org.person(org.invited).pk]


def test_a_study_meeting_needs_invitees_and_nothing_is_left_behind(make_meeting):
    with pytest.raises(Refused) as refused:
        make_meeting(kind=Kind.OPEN_DISCUSSION, counts_as_study=True, invitee_ids=[])
    assert refused.value.code == "no_invitees"
    assert not Meeting.objects.exists()


def test_an_existing_session_is_taken_over_with_its_invitees(make_meeting, campaign, org):
    from huodong.participation.services.study import session_create

    with clock.frozen_at(at("2018-06-01", "09:00")):
        session = session_create(
            actor=org.director,
            campaign=campaign,
            organiser_unit=org.business,
            kind=StudyKind.DISCUSSION,
            topic="6月份大家谈",
            starts_at=MEETING_START,
            ends_at=MEETING_END,
            invitee_ids=[Org.person(org.staff).pk],
        )
    meeting = make_meeting(
        actor=org.director, kind=Kind.OPEN_DISCUSSION, study_session=session, invitee_ids=[]
    )
    assert meeting.study_session == session
    assert meeting.sign_in_secret == session.sign_in_secret
    assert meeting.attendees.get().person == Org.person(org.staff)
    with pytest.raises(Refused) as refused:
        make_meeting(
            actor=org.director,
            kind=Kind.OPEN_DISCUSSION,
            title="另一个",
            study_session=session,
            invitee_ids=[],
        )
    assert refused.value.code == "session_linked"


def test_invite_by_unit_adds_only_those_not_on_the_list(meeting, org):
    added = services.attendee_invite(actor=org.head, meeting=meeting, unit_ids=[org.business.pk])
    business_people = {
        Org.person(u).pk for u in (org.head, org.contact)
    }  # `invited` was on the list already
    assert set(added) == business_people
    assert meeting.attendees.filter(person__isnull=False).count() == 3


def test_update_keeps_places_for_those_registered(meeting, org):
    with clock.frozen_at(at("2018-06-15", "09:00")):
        services.meeting_register(actor=org.invited, meeting=meeting)
        services.meeting_register(actor=org.staff, meeting=meeting)
        with pytest.raises(Refused) as refused:
            services.meeting_update(
                actor=org.head,
                meeting=meeting,
                title=meeting.title,
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                registration_open=True,
                registration_limit=1,
            )
    assert refused.value.code == "limit_below_registered"
    meeting.refresh_from_db()
    assert meeting.registration_limit == 3


def test_update_moves_the_linked_session(make_meeting, org):
    meeting = make_meeting(kind=Kind.OPEN_DISCUSSION, counts_as_study=True)
    later = at("2018-06-21", "09:00")
    services.meeting_update(
        actor=org.head,
        meeting=meeting,
        title="改期的大家谈",
        starts_at=later,
        ends_at=at("2018-06-21", "11:00"),
        place="一楼大厅",
    )
    session = meeting.study_session
    session.refresh_from_db()
    assert (session.topic, session.starts_at, session.place) == ("改期的大家谈", later, "一楼大厅")


def test_cancel_and_then_nothing_more(meeting, org):
    services.meeting_cancel(actor=org.head, meeting=meeting, reason="改期")
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None
    with pytest.raises(Refused) as refused:
        services.meeting_register(actor=org.staff, meeting=meeting)
    assert refused.value.code == "cancelled"


def test_a_meeting_someone_signed_in_to_cannot_be_cancelled(meeting, org):
    with clock.frozen_at(DURING):
        services.meeting_sign_in(actor=org.invited, meeting=meeting, code=code_now(meeting))
    with pytest.raises(Refused) as refused:
        services.meeting_cancel(actor=org.head, meeting=meeting)
    assert refused.value.code == "has_attendance"
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None


# --- Registration -------------------------------------------------------------------------


def test_staff_and_guests_register_once_each(meeting, org):
    with clock.frozen_at(at("2018-06-15", "09:00")):
        mine = services.meeting_register(actor=org.invited, meeting=meeting)
        assert mine.status == AttendeeStatus.REGISTERED
        assert mine.registered_at is not None
        guest = services.meeting_register(
            actor=None,
            meeting=meeting,
            name="周经理",
            organisation="宿迁某科技有限公司",
            contact="139 0527 1234",
        )
        assert guest.is_external and guest.contact == "13905271234"
        before = snapshot(meeting)
        for again in (
            lambda: services.meeting_register(actor=org.invited, meeting=meeting),
            lambda: services.meeting_register(
                actor=None, meeting=meeting, name="周总", contact="139-0527-1234"
            ),
        ):
            with pytest.raises(Refused) as refused:
                again()
            assert refused.value.code == "already_registered"
    assert snapshot(meeting) == before


def test_an_invited_guest_registers_into_their_place_on_the_list(meeting, org):
    invited = services.guest_add(
        actor=org.head, meeting=meeting, name="周经理", contact="zhou@example.com"
    )
    with clock.frozen_at(at("2018-06-15", "09:00")):
        registered = services.meeting_register(
            actor=None, meeting=meeting, name="周经理", contact="Zhou@Example.com "
        )
    assert registered.pk == invited.pk
    assert registered.status == AttendeeStatus.REGISTERED


def test_the_places_limit_holds(meeting, org):
    """Three places: the fourth is told it is full and nothing is written (the meeting's row
    lock makes concurrent requests run this same sequence)."""
    with clock.frozen_at(at("2018-06-15", "09:00")):
        for n in range(3):
            services.meeting_register(
                actor=None, meeting=meeting, name=f"来宾{n}", contact=f"1390527000{n}"
            )
        before = snapshot(meeting)
        with pytest.raises(Refused) as refused:
            services.meeting_register(actor=org.staff, meeting=meeting)
    assert refused.value.code == "full"
    assert snapshot(meeting) == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "", "contact": "13905270001"}, "required"),
        ({"name": "周经理", "contact": ""}, "contact_required"),
        ({"name": "周经理", "contact": "call me"}, "bad_contact"),
        ({"name": "周经理", "contact": "a@b"}, "bad_contact"),
    ],
)
def test_a_guest_gives_a_name_and_a_contact(meeting, fields, code):
    with clock.frozen_at(at("2018-06-15", "09:00")), pytest.raises(Refused) as refused:
        services.meeting_register(actor=None, meeting=meeting, **fields)
    assert refused.value.code == code
    assert not meeting.attendees.filter(is_external=True).exists()


def test_registration_closed_is_refused(make_meeting, org, pinned):
    meeting = make_meeting(registration_open=False)
    with clock.frozen_at(at("2018-06-15", "09:00")), pytest.raises(Refused) as refused:
        services.meeting_register(actor=org.staff, meeting=meeting)
    assert refused.value.code == "registration_closed"


def test_another_office_may_not_register(meeting, org):
    with clock.frozen_at(at("2018-06-15", "09:00")), pytest.raises(NotAllowed):
        services.meeting_register(actor=org.stranger, meeting=meeting)


# --- Signing in ---------------------------------------------------------------------------


def test_a_registered_guest_is_found_by_their_contact(meeting):
    with clock.frozen_at(at("2018-06-15", "09:00")):
        registered = services.meeting_register(
            actor=None, meeting=meeting, name="周经理", contact="13905271234"
        )
    with clock.frozen_at(DURING):
        signed = services.meeting_sign_in(
            actor=None,
            meeting=meeting,
            code=code_now(meeting),
            name="周经理",
            contact="139 0527 1234",
        )
    assert signed.pk == registered.pk
    assert signed.attended_at == DURING
    assert signed.status == AttendeeStatus.REGISTERED


def test_a_guest_who_did_not_register_walks_in(meeting):
    with clock.frozen_at(DURING):
        walk_in = services.meeting_sign_in(
            actor=None,
            meeting=meeting,
            code=code_now(meeting),
            name="吴代表",
            organisation="市人大代表",
            contact="13905279999",
        )
        with pytest.raises(Refused) as refused:
            services.meeting_sign_in(
                actor=None,
                meeting=meeting,
                code=code_now(meeting),
                name="吴代表",
                contact="13905279999",
            )
    assert walk_in.status == AttendeeStatus.WALK_IN
    assert walk_in.is_external and walk_in.registered_at is None
    assert refused.value.code == "already_signed_in"


@pytest.mark.parametrize(
    ("moment", "code", "expected"),
    [
        (DURING, "000000", "code_wrong"),
        (at("2018-06-20", "14:00"), None, "not_open_yet"),
        (at("2018-06-20", "16:30"), None, "closed"),
    ],
)
def test_a_wrong_code_or_time_is_refused(meeting, org, moment, code, expected):
    before = snapshot(meeting)
    with clock.frozen_at(moment):
        typed = code or code_now(meeting)
        if typed == "000000" and code_now(meeting) == "000000":  # pragma: no cover
            typed = "000001"
        with pytest.raises(Refused) as refused:
            services.meeting_sign_in(actor=org.invited, meeting=meeting, code=typed)
    assert refused.value.code == expected
    assert snapshot(meeting) == before


def test_an_old_code_has_expired(meeting, org):
    with clock.frozen_at(DURING):
        old = code_now(meeting)
    with clock.frozen_at(at("2018-06-20", "14:45")), pytest.raises(Refused) as refused:
        services.meeting_sign_in(actor=org.invited, meeting=meeting, code=old)
    assert refused.value.code == "code_expired"


def test_staff_sign_in_counts_in_the_linked_study_session(make_meeting, org, campaign, pinned):
    meeting = make_meeting(kind=Kind.OPEN_DISCUSSION, title="大家谈", counts_as_study=True)
    person = Org.person(org.invited)
    with clock.frozen_at(DURING):
        attendee = services.meeting_sign_in(
            actor=org.invited, meeting=meeting, code=code_now(meeting)
        )
    assert attendee.attended_at == DURING
    record = StudyRecord.objects.get(session=meeting.study_session, person=person)
    assert record.source == StudySource.SIGN_IN
    assert record.kind == StudyKind.DISCUSSION
    assert StudyTally.objects.get(campaign=campaign, person=person).discussions == 1


def test_staff_not_on_the_list_sign_in_as_walk_ins(meeting, org):
    with clock.frozen_at(DURING):
        attendee = services.meeting_sign_in(
            actor=org.staff, meeting=meeting, code=code_now(meeting)
        )
    assert attendee.person == Org.person(org.staff)
    assert attendee.status == AttendeeStatus.WALK_IN


def test_the_organiser_marks_people_present(make_meeting, org, pinned):
    meeting = make_meeting(kind=Kind.SYMPOSIUM, title="专题研讨", counts_as_study=True)
    guest = services.guest_add(actor=org.head, meeting=meeting, name="周经理")
    staff = meeting.attendees.get(person__isnull=False)
    with clock.frozen_at(DURING):
        marked = services.attendance_mark(
            actor=org.head, meeting=meeting, attendee_ids=[staff.pk, guest.pk]
        )
        again = services.attendance_mark(actor=org.head, meeting=meeting, attendee_ids=[guest.pk])
    assert marked == sorted([staff.pk, guest.pk])
    assert again == []
    record = StudyRecord.objects.get(session=meeting.study_session)
    assert (record.person, record.source) == (Org.person(org.invited), StudySource.MARKED)


def test_marking_someone_of_another_meeting_marks_nobody(meeting, make_meeting, org):
    other = make_meeting(title="另一个座谈会")
    stranger = other.attendees.get()
    mine = meeting.attendees.get()
    before = snapshot(meeting)
    with clock.frozen_at(DURING), pytest.raises(Refused) as refused:
        services.attendance_mark(
            actor=org.head, meeting=meeting, attendee_ids=[mine.pk, stranger.pk]
        )
    assert refused.value.code == "not_listed"
    assert snapshot(meeting) == before


def test_only_organisers_mark(meeting, org):
    with clock.frozen_at(DURING), pytest.raises(NotAllowed):
        services.attendance_mark(
            actor=org.invited, meeting=meeting, attendee_ids=[meeting.attendees.get().pk]
        )


def test_headcount(meeting, org):
    services.meeting_headcount_set(actor=org.contact, meeting=meeting, headcount=42)
    with pytest.raises(Refused):
        services.meeting_headcount_set(actor=org.contact, meeting=meeting, headcount=-1)
    meeting.refresh_from_db()
    assert meeting.headcount == 42


# --- Minutes and files --------------------------------------------------------------------


def test_minutes_and_files(meeting, org, django_capture_on_commit_callbacks):
    services.minutes_save(actor=org.head, meeting=meeting, minutes="一、会议议程……")
    photo = services.meeting_file_add(actor=org.head, meeting=meeting, upload=png(), caption="合影")
    document = services.meeting_file_add(actor=org.head, meeting=meeting, upload=pdf())
    meeting.refresh_from_db()
    assert meeting.minutes == "一、会议议程……"
    assert meeting.minutes_updated_by == org.head
    assert photo.is_image and photo.content_type == "image/png"
    assert document.content_type == "application/pdf" and not document.is_image
    stored = photo.file.name
    assert photo.file.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_file_delete(actor=org.head, file=photo)
    assert not photo.file.storage.exists(stored)
    assert list(MeetingFile.objects.values_list("pk", flat=True)) == [document.pk]


def test_a_file_of_the_wrong_type_is_refused(meeting, org):
    with pytest.raises(Refused) as refused:
        services.meeting_file_add(actor=org.head, meeting=meeting, upload=exe())
    assert refused.value.code == "file_type"
    assert "not accepted" in refused.value.message or refused.value.message
    assert not MeetingFile.objects.exists()


def test_only_organisers_keep_the_minutes(meeting, org):
    with pytest.raises(NotAllowed):
        services.minutes_save(actor=org.invited, meeting=meeting, minutes="x")
    with pytest.raises(NotAllowed):
        services.meeting_file_add(actor=org.staff, meeting=meeting, upload=png())
    meeting.refresh_from_db()
    assert meeting.minutes == "" and not MeetingFile.objects.exists()


# --- Opinions -----------------------------------------------------------------------------


def test_an_opinion_goes_to_the_pool_with_its_speaker(meeting, org):
    guest = services.guest_add(
        actor=org.head, meeting=meeting, name="周经理", organisation="某公司", contact="13905271234"
    )
    suggestion = services.opinion_record(
        actor=org.head, meeting=meeting, text="建议延长窗口服务时间。", speaker=guest
    )
    assert suggestion.source == SuggestionSource.MEETING
    assert suggestion.meeting == meeting
    assert suggestion.campaign == meeting.campaign
    assert (suggestion.submitter_name, suggestion.submitter_organisation) == ("周经理", "某公司")
    assert suggestion.submitter_contact == "13905271234"
    staff = meeting.attendees.get(person__isnull=False)
    by_staff = services.opinion_record(
        actor=org.director, meeting=meeting, text="简化材料。", speaker=staff
    )
    assert by_staff.submitter == Org.person(org.invited)
    anonymous = services.opinion_record(
        actor=org.head, meeting=meeting, text="匿名意见。", speaker=guest, is_anonymous=True
    )
    assert anonymous.is_anonymous and anonymous.submitter_contact == ""
    typed = services.opinion_record(
        actor=org.head,
        meeting=meeting,
        text="现场提出。",
        speaker_name="陈代表",
        speaker_organisation="市政协",
    )
    assert typed.submitter_name == "陈代表"
    assert [s.number for s in Suggestion.objects.order_by("number")] == [1, 2, 3, 4]


def test_an_opinion_from_a_visit_is_marked_as_such(make_meeting, org, pinned):
    visit = make_meeting(kind=Kind.PARK_VISIT, title="进园区", park="宿迁经济技术开发区")
    suggestion = services.opinion_record(actor=org.head, meeting=visit, text="希望开通绿色通道。")
    assert suggestion.source == SuggestionSource.VISIT


def test_an_empty_opinion_or_a_stranger_records_nothing(meeting, org):
    with pytest.raises(Refused) as refused:
        services.opinion_record(actor=org.head, meeting=meeting, text="   ")
    assert refused.value.code == "empty_text"
    with pytest.raises(NotAllowed):
        services.opinion_record(actor=org.invited, meeting=meeting, text="我的意见")
    assert not Suggestion.objects.exists()
