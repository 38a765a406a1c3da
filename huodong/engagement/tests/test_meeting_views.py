"""Meeting pages per role, the public page without a login, a guest's contact kept from
everyone but the organisers, files, and a constant number of queries."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from huodong.core import clock
from huodong.engagement import services
from huodong.engagement.models import Meeting, MeetingAttendee, MeetingFile, MeetingKind
from huodong.engagement.tests.conftest import Org, at, exe, png
from huodong.participation import signin_codes
from huodong.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

GUEST_CONTACT = "13905271234"
DURING = at("2018-06-20", "14:40")


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Pages in English, so that assertions read the messages' msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def with_guest(meeting, org):
    services.guest_add(
        actor=org.head,
        meeting=meeting,
        name="周经理",
        organisation="某科技公司",
        contact=GUEST_CONTACT,
    )
    return meeting


def page(client: Client, user, name: str, *args, **kw):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(f"engagement:{name}", args=args), **kw)


# --- Who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "sees_list", "sees_contact"),
    [
        ("director", 200, True, True),
        ("head", 200, True, True),
        ("contact", 200, True, True),
        ("invited", 200, True, False),
        ("leader", 200, True, False),
        ("staff", 200, False, False),  # registration is open: may register, sees no list
        ("market_head", 200, False, False),
        ("stranger", 404, False, False),
    ],
)
def test_the_meeting_page_per_role(client, org, with_guest, who, status, sees_list, sees_contact):
    response = page(client, getattr(org, who), "meeting", with_guest.pk)
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    assert ("周经理" in html) is sees_list
    assert (GUEST_CONTACT in html) is sees_contact
    assert ('id="mark-form"' in html) is sees_contact  # the organisers' tools


def test_registration_closed_the_page_is_for_its_list(client, org, make_meeting, pinned):
    meeting = make_meeting(registration_open=False)
    assert page(client, org.staff, "meeting", meeting.pk).status_code == 404
    assert page(client, org.invited, "meeting", meeting.pk).status_code == 200
    assert page(client, org.leader, "meeting", meeting.pk).status_code == 200


def test_anonymous_is_sent_to_log_in(client, meeting):
    response = client.get(reverse("engagement:meeting", args=[meeting.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_list_shows_every_meeting_to_the_office(client, org, meeting, make_meeting):
    closed = make_meeting(title="闭门研讨", registration_open=False, invitee_ids=[])
    html = page(client, org.staff, "meetings", meeting.campaign_id).content.decode()
    assert "闭门研讨" in html and "政务服务工作座谈会" in html
    # The one staff may not open is not a link.
    assert reverse("engagement:meeting", args=[meeting.pk]) in html
    assert reverse("engagement:meeting", args=[closed.pk]) not in html
    assert page(client, org.stranger, "meetings", meeting.campaign_id).status_code == 404


def test_the_list_filters_by_kind(client, org, meeting, make_meeting):
    make_meeting(kind=MeetingKind.PARK_VISIT, title="进园区走访", park="宿迁经济技术开发区")
    html = page(
        client, org.director, "meetings", meeting.campaign_id, data={"kind": "park_visit"}
    ).content.decode()
    assert "进园区走访" in html and "政务服务工作座谈会" not in html


def test_the_export_carries_contacts_for_organisers_only(client, org, with_guest):
    def rows(user) -> list[tuple]:
        response = page(client, user, "meeting_export", with_guest.pk)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        return [tuple(r) for r in book.active.iter_rows(values_only=True)]

    assert any(GUEST_CONTACT in (cell or "") for row in rows(org.head) for cell in row)
    assert not any(GUEST_CONTACT in str(cell or "") for row in rows(org.invited) for cell in row)
    assert page(client, org.staff, "meeting_export", with_guest.pk).status_code == 404


# --- Arranging and the organisers' tools --------------------------------------------------


def test_a_unit_head_arranges_a_meeting(client, org, campaign, pinned):
    client.force_login(org.head)
    assert client.get(reverse("engagement:meeting_create", args=[campaign.pk])).status_code == 200
    response = client.post(
        reverse("engagement:meeting_create", args=[campaign.pk]),
        {
            "organiser_unit": org.business.pk,
            "kind": "seminar",
            "title": "公共资源交易工作座谈会",
            "day": "2018-06-20",
            "starts": "09:00",
            "ends": "11:00",
            "registration_open": "on",
            "registration_limit": "30",
            "invitees": [Org.person(org.invited).pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:meeting", args=[meeting.pk])
    assert meeting.registration_limit == 30


def test_a_refused_meeting_shows_why_and_saves_nothing(client, org, campaign):
    client.force_login(org.head)
    response = client.post(
        reverse("engagement:meeting_create", args=[campaign.pk]),
        {
            "organiser_unit": org.business.pk,
            "kind": "park_visit",
            "title": "进园区",
            "day": "2018-06-20",
            "starts": "09:00",
            "ends": "11:00",
        },
    )
    assert response.status_code == 200
    assert "Name the park" in response.content.decode()
    assert not Meeting.objects.exists()


def test_plain_staff_cannot_arrange(client, org, campaign, meeting):
    assert page(client, org.staff, "meeting_create", campaign.pk).status_code == 404
    assert page(client, org.invited, "meeting_edit", meeting.pk).status_code == 404


def test_a_file_of_the_wrong_type_is_refused_with_a_message(client, org, meeting):
    client.force_login(org.head)
    url = reverse("engagement:meeting_file_add", args=[meeting.pk])
    response = client.post(url, {"file": exe(), "caption": "合影"})
    assert response.status_code == 400
    assert "This kind of file is not accepted" in response.content.decode()
    assert not MeetingFile.objects.exists()
    assert client.post(url, {"file": png(), "caption": "合影"}).status_code == 302
    photo = MeetingFile.objects.get()
    html = client.get(reverse("engagement:meeting", args=[meeting.pk])).content.decode()
    assert reverse("engagement:meeting_file", args=[photo.pk]) in html


def test_files_are_served_to_those_who_see_the_meeting(client, org, make_meeting, pinned):
    meeting = make_meeting(registration_open=False)
    photo = services.meeting_file_add(actor=org.head, meeting=meeting, upload=png())
    response = page(client, org.invited, "meeting_file", photo.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "inline" in response["Content-Disposition"]
    assert page(client, org.staff, "meeting_file", photo.pk).status_code == 404
    assert page(client, org.stranger, "meeting_file", photo.pk).status_code == 404


def test_an_opinion_from_the_page_goes_to_the_pool(client, org, with_guest):
    guest = MeetingAttendee.objects.get(is_external=True)
    client.force_login(org.head)
    url = reverse("engagement:meeting_opinion", args=[with_guest.pk])
    response = client.post(url, {"text": "  ", "speaker": guest.pk})
    assert response.status_code == 400 and not Suggestion.objects.exists()
    response = client.post(url, {"text": "建议增设帮办代办窗口。", "speaker": guest.pk})
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.submitter_contact == GUEST_CONTACT
    html = page(client, org.invited, "meeting", with_guest.pk).content.decode()
    assert "建议增设帮办代办窗口。" in html and GUEST_CONTACT not in html
    assert client.post(url, {"text": "x"}).status_code == 404  # invited staff: not an organiser


def test_staff_register_from_the_page(client, org, meeting):
    client.force_login(org.staff)
    with clock.frozen_at(at("2018-06-15", "10:00")):
        response = client.post(reverse("engagement:meeting_register", args=[meeting.pk]))
    assert response.status_code == 302
    assert MeetingAttendee.objects.get(person=Org.person(org.staff)).registered_at is not None


def test_the_screen_and_code_are_for_organisers(client, org, meeting):
    with clock.frozen_at(DURING):
        response = page(client, org.head, "meeting_screen", meeting.pk)
        assert response.status_code == 200
        assert signin_codes.code_at(meeting.sign_in_secret, DURING) in response.content.decode()
        assert "<svg" in response.content.decode()
        data = page(client, org.head, "meeting_code", meeting.pk).json()
        assert data["state"] == "open" and len(data["code"]) == 6
        assert meeting.public_key in data["url"]
        assert page(client, org.invited, "meeting_screen", meeting.pk).status_code == 404


def test_staff_sign_in_with_the_code(client, org, make_meeting, pinned):
    meeting = make_meeting(registration_open=False)
    client.force_login(org.staff)  # not on the list: walks in with the code
    url = reverse("engagement:meeting_sign_in", args=[meeting.pk])
    with clock.frozen_at(DURING):
        assert client.get(url, {"code": "123456"}).status_code == 200
        bad = client.post(url, {"code": "abc"})
        assert (
            bad.status_code == 200
            and not MeetingAttendee.objects.filter(person=Org.person(org.staff)).exists()
        )
        code = signin_codes.code_at(meeting.sign_in_secret, DURING)
        assert client.post(url, {"code": code}).status_code == 302
    assert MeetingAttendee.objects.get(person=Org.person(org.staff)).attended_at == DURING
    assert page(client, org.stranger, "meeting_sign_in", meeting.pk).status_code == 404


def test_the_organiser_marks_from_the_page(client, org, meeting):
    attendee = meeting.attendees.get()
    client.force_login(org.head)
    with clock.frozen_at(DURING):
        response = client.post(
            reverse("engagement:meeting_mark", args=[meeting.pk]), {"attendee": [attendee.pk]}
        )
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.attended_at == DURING


# --- The public page ----------------------------------------------------------------------


def test_the_public_page_needs_no_login(client, meeting):
    url = reverse("engagement_public:meeting", args=[meeting.public_key])
    with clock.frozen_at(at("2018-06-15", "10:00")):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert meeting.title in html and "三楼会议室" in html
        assert reverse("engagement_public:register", args=[meeting.public_key]) in html
        response = client.post(
            reverse("engagement_public:register", args=[meeting.public_key]),
            {
                "register-name": "周经理",
                "register-organisation": "某公司",
                "register-contact": GUEST_CONTACT,
            },
        )
        assert response.status_code == 302
        again = client.post(
            reverse("engagement_public:register", args=[meeting.public_key]),
            {"register-name": "周经理", "register-contact": GUEST_CONTACT},
        )
        assert again.status_code == 400
        assert "You registered already" in again.content.decode()
        assert GUEST_CONTACT not in client.get(url).content.decode()
    assert MeetingAttendee.objects.filter(is_external=True).count() == 1
    with clock.frozen_at(DURING):
        code = signin_codes.code_at(meeting.sign_in_secret, DURING)
        html = client.get(url, {"code": code}).content.decode()
        assert f'value="{code}"' in html
        response = client.post(
            reverse("engagement_public:sign_in", args=[meeting.public_key]),
            {"signin-code": code, "signin-name": "周经理", "signin-contact": GUEST_CONTACT},
        )
        assert response.status_code == 302
    guest = MeetingAttendee.objects.get(is_external=True)
    assert guest.attended_at == DURING


def test_a_robot_filling_the_hidden_field_gets_nothing(client, meeting):
    with clock.frozen_at(at("2018-06-15", "10:00")):
        response = client.post(
            reverse("engagement_public:register", args=[meeting.public_key]),
            {
                "register-name": "bot",
                "register-contact": GUEST_CONTACT,
                "register-website": "http://spam",
            },
        )
    assert response.status_code == 404
    assert not MeetingAttendee.objects.filter(is_external=True).exists()


def test_a_cancelled_meeting_or_a_wrong_key_is_not_found(client, org, meeting):
    assert client.get(reverse("engagement_public:meeting", args=["nope"])).status_code == 404
    services.meeting_cancel(actor=org.head, meeting=meeting)
    url = reverse("engagement_public:meeting", args=[meeting.public_key])
    assert client.get(url).status_code == 404


# --- Queries ------------------------------------------------------------------------------


def _grow(meeting, org, n: int) -> None:
    start = meeting.attendees.count()
    for i in range(start, start + n):
        services.guest_add(
            actor=org.head, meeting=meeting, name=f"来宾{i}", contact=f"1390527{i:04d}"
        )
        services.opinion_record(actor=org.head, meeting=meeting, text=f"意见{i}")
        services.meeting_file_add(actor=org.head, meeting=meeting, upload=png())


@pytest.mark.parametrize("who", ["head", "invited", "staff"])
def test_the_meeting_page_runs_in_constant_queries(
    client, org, meeting, who, django_assert_max_num_queries
):
    client.force_login(getattr(org, who))
    url = reverse("engagement:meeting", args=[meeting.pk])
    _grow(meeting, org, 2)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    _grow(meeting, org, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_meeting_list_runs_in_constant_queries(
    client, org, make_meeting, pinned, django_assert_max_num_queries
):
    client.force_login(org.staff)
    make_meeting(title="第1次")
    url = reverse("engagement:meetings", args=[org.business.office.campaigns.get().pk])
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for n in range(2, 12):
        make_meeting(title=f"第{n}次", registration_open=n % 2 == 0)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-meeting=") == 11


def test_the_organiser_adds_a_guest_from_the_page(client, org, meeting):
    client.force_login(org.contact)
    url = reverse("engagement:meeting_guest", args=[meeting.pk])
    bad = client.post(url, {"guest-name": "周经理", "guest-contact": "call me"})
    assert bad.status_code == 400 and "guest-contact" in bad.content.decode()
    assert (
        client.post(url, {"guest-name": "周经理", "guest-contact": GUEST_CONTACT}).status_code
        == 302
    )
    assert MeetingAttendee.objects.get(is_external=True).contact == GUEST_CONTACT
    client.force_login(org.invited)
    assert client.post(url, {"guest-name": "x"}).status_code == 404
