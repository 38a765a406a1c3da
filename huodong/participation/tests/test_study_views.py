"""The study pages: each role that reaches them, those turned away (404 or the login page),
refusals shown as messages or form errors, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huodong.campaigns.models import StudyKind
from huodong.orgs.models import Person, Unit, UnitKind
from huodong.participation.models import SessionInvitee, StudyRecord, StudySession
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

OFFICE_ROLES = ["staff", "colleague", "outsider_staff", "secretary", "unit_head", "director"]
ROLES = [*OFFICE_ROLES, "stranger", "anonymous"]
# Organisers of a session of the branch: its secretary and the office.
BRANCH_ORGANISERS = {"secretary", "director"}


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = DAY.isoformat()


@pytest.fixture
def users(org, other_office, make_member):
    found = {role: getattr(org, role) for role in OFFICE_ROLES}
    found["stranger"] = make_member(other_office, username="stranger")
    found["anonymous"] = None
    return found


@pytest.fixture
def as_role(client, users):
    def login(role: str):
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return login


def assert_turned_away(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404


def url(name: str, *args) -> str:
    return reverse(f"participation:{name}", args=args)


# --- Who reaches which page ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reaches_their_study_and_the_sessions(as_role, campaign, role):
    client = as_role(role)
    for page in ("my_study", "sessions"):
        response = client.get(url(page, campaign.pk))
        if role in OFFICE_ROLES:
            assert response.status_code == 200, page
        else:
            assert_turned_away(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_who_arranges_a_session(as_role, campaign, role):
    response = as_role(role).get(url("session_create", campaign.pk))
    if role in {"secretary", "unit_head", "director"}:
        assert response.status_code == 200
        units = [c[0] for c in response.context["form"].fields["organiser_unit"].choices]
        expected = {
            "secretary": [Unit.objects.get(kind=UnitKind.BRANCH).pk],
            "unit_head": [Unit.objects.get(name="综合处").pk],
        }
        if role in expected:
            assert units == expected[role]
        else:
            assert len(units) == 3
    else:
        assert_turned_away(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_a_session_and_its_organiser_pages(settings, as_role, org, campaign, role):
    session = make_session(org, campaign)
    client = as_role(role)
    with frozen(settings, moment(14, 5)):
        detail = client.get(url("session", session.pk))
        sign_in_page = client.get(url("session_sign_in", session.pk))
        screen = client.get(url("session_screen", session.pk))
        code = client.get(url("session_code", session.pk))
        edit = client.get(url("session_edit", session.pk))
    if role not in OFFICE_ROLES:
        for response in (detail, sign_in_page, screen, code, edit):
            assert_turned_away(response, role)
        return
    assert detail.status_code == sign_in_page.status_code == 200
    html = detail.content.decode()
    assert ('id="attendance"' in html) is (role in BRANCH_ORGANISERS | {"director"})
    for response in (screen, code, edit):
        assert response.status_code == (200 if role in BRANCH_ORGANISERS else 404)


def test_the_attendance_list_is_seen_by_office_wide_roles_read_only(
    settings, org, campaign, make_member, client, office
):
    from huodong.orgs.models import Role

    leader = make_member(office, role=Role.LEADER, unit=org.other_department)
    session = make_session(org, campaign)
    client.force_login(leader)
    with frozen(settings, moment(14, 5)):
        html = client.get(url("session", session.pk)).content.decode()
        assert client.get(url("session_screen", session.pk)).status_code == 404
    assert 'id="attendance"' in html
    assert 'id="mark-form"' in html and 'name="person"' not in html


# --- Logging and deleting one's study -----------------------------------------------------


def test_logging_study_through_the_page(as_role, org, campaign):
    client = as_role("staff")
    response = client.post(
        url("study_log", campaign.pk),
        {"kind": "self", "date": "2018-06-19", "material": "学习党章", "duration_minutes": "45"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("my_study", campaign.pk)
    record = StudyRecord.objects.get()
    assert (record.person, record.duration_minutes) == (person(org.staff), 45)
    page = client.get(url("my_study", campaign.pk)).content.decode()
    assert "学习党章" in page


@pytest.mark.parametrize(
    ("day", "field"),
    [("2018-04-01", "date"), ("2018-06-21", "date"), ("not a date", "date")],
)
def test_a_bad_date_comes_back_as_a_form_error(as_role, campaign, day, field):
    before = snapshot()
    response = as_role("staff").post(
        url("study_log", campaign.pk), {"kind": "self", "date": day, "material": "学习"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert snapshot() == before


def test_a_double_submission_records_once(as_role, campaign):
    client = as_role("staff")
    data = {"kind": "self", "date": "2018-06-19", "material": "学习党章", "duration_minutes": "45"}
    assert client.post(url("study_log", campaign.pk), data).status_code == 302
    response = client.post(url("study_log", campaign.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["material"]
    assert StudyRecord.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_deletes_a_logged_study(as_role, org, campaign, role):
    record = services.study_record_log(
        actor=org.staff, campaign=campaign, date=DAY, material="学习"
    )
    response = as_role(role).post(url("study_delete", record.pk))
    if role == "staff":
        assert response.status_code == 302
        assert not StudyRecord.objects.exists()
    else:
        assert_turned_away(response, role)
        assert StudyRecord.objects.filter(pk=record.pk).exists()


def test_attendance_cannot_be_deleted_from_my_study(settings, as_role, org, campaign):
    session = make_session(org, campaign)
    record = sign_in(settings, org.staff, session, moment(14, 5))
    response = as_role("staff").post(url("study_delete", record.pk), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert StudyRecord.objects.filter(pk=record.pk).exists()


def test_study_pages_answer_only_their_methods(as_role, campaign):
    client = as_role("staff")
    assert client.get(url("study_log", campaign.pk)).status_code == 405
    assert client.post(url("my_study", campaign.pk)).status_code == 405


# --- Arranging a session through the page -------------------------------------------------


def test_a_secretary_arranges_a_session_inviting_the_branch(as_role, org, campaign):
    response = as_role("secretary").post(
        url("session_create", campaign.pk),
        {
            "organiser_unit": org.branch.pk,
            "kind": StudyKind.DISCUSSION,
            "topic": "便民方舟大家谈",
            "speaker": "",
            "place": "二楼",
            "day": "2018-06-25",
            "starts": "14:30",
            "ends": "16:00",
            "invite_units": [org.branch.pk],
            "invitees": [person(org.outsider_staff).pk],
        },
    )
    session = StudySession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("session", session.pk)
    assert session.starts_at == moment(14, 30, day=dt.date(2018, 6, 25))
    assert SessionInvitee.objects.filter(session=session).count() == 5


def test_a_refused_session_comes_back_as_a_form_error(as_role, org, campaign):
    before = snapshot()
    response = as_role("secretary").post(
        url("session_create", campaign.pk),
        {
            "organiser_unit": org.branch.pk,
            "kind": StudyKind.GROUP,
            "topic": "集中学习",
            "day": "2018-06-25",
            "starts": "16:00",
            "ends": "14:00",
            "invitees": [person(org.staff).pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends"]
    assert snapshot() == before


def test_a_secretary_cannot_arrange_for_another_unit(as_role, org, campaign):
    before = snapshot()
    response = as_role("secretary").post(
        url("session_create", campaign.pk),
        {
            "organiser_unit": org.department.pk,
            "kind": StudyKind.GROUP,
            "topic": "集中学习",
            "day": "2018-06-25",
            "starts": "14:00",
            "ends": "16:00",
            "invitees": [person(org.staff).pk],
        },
    )
    assert response.status_code == 200  # the unit is not among the form's choices
    assert response.context["form"].errors["organiser_unit"]
    assert snapshot() == before


def test_the_organiser_edits_a_session(settings, as_role, org, campaign):
    session = make_session(org, campaign)
    response = as_role("secretary").post(
        url("session_edit", session.pk),
        {
            "kind": StudyKind.LECTURE,
            "topic": "专题辅导：改革再发力",
            "day": "2018-06-21",
            "starts": "09:00",
            "ends": "11:00",
            "invitees": [person(org.staff).pk],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.kind, session.starts_at) == (
        StudyKind.LECTURE,
        moment(9, day=DAY.replace(day=21)),
    )
    assert session.organiser_unit == org.branch
    assert list(SessionInvitee.objects.values_list("person", flat=True)) == [person(org.staff).pk]


# --- Signing in through the page ----------------------------------------------------------


def test_the_qr_link_prefills_the_code_and_logged_out_people_come_back(
    settings, client, org, campaign
):
    session = make_session(org, campaign)
    target = f"{url('session_sign_in', session.pk)}?code=123456"
    response = client.get(target)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('login')}?next={target.replace('?', '%3F').replace('=', '%3D')}"
    )
    client.force_login(org.staff)
    with frozen(settings, moment(14, 5)):
        html = client.get(target).content.decode()
    assert 'value="123456"' in html
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html


def test_signing_in_through_the_page(settings, as_role, org, campaign):
    session = make_session(org, campaign)
    client = as_role("staff")
    at = moment(14, 5)
    with frozen(settings, at):
        response = client.post(url("session_sign_in", session.pk), {"code": code_for(session, at)})
        assert response.status_code == 302
        assert response["Location"] == url("session", session.pk)
        again = client.post(
            url("session_sign_in", session.pk), {"code": code_for(session, at)}, follow=True
        )
    # The first answer's success message is shown with it: the second is information only.
    *_first, second = list(again.context["messages"])
    assert second.level_tag == "info" and "14:05" in str(second)
    assert StudyRecord.objects.filter(session=session).count() == 1


@pytest.mark.parametrize(
    ("role", "when", "code", "message"),
    [
        ("staff", moment(16, 30), None, "16:00"),  # late
        ("staff", moment(14, 5), "000000", "code"),  # wrong (or, 1 in a million, a clash)
        ("outsider_staff", moment(14, 5), None, "名单"),  # not invited: "not on the list"
        ("staff", moment(13, 0), None, "13:45"),  # too early
    ],
)
def test_a_refused_sign_in_shows_why_and_changes_nothing(
    settings, as_role, org, campaign, role, when, code, message
):
    session = make_session(org, campaign)
    typed = code if code is not None else code_for(session, when)
    if typed == code_for(session, when):
        typed = "999999" if code else typed
    before = snapshot()
    with frozen(settings, when):
        response = as_role(role).post(url("session_sign_in", session.pk), {"code": typed})
    assert response.status_code == 200
    errors = response.context["form"].errors["code"]
    assert message in errors[0] or message == "code"
    assert snapshot() == before


# --- The organiser's screen and its code --------------------------------------------------


def test_the_screen_shows_the_code_and_a_qr_code_of_the_sign_in_link(
    settings, as_role, org, campaign
):
    settings.HUODONG_BASE_URL = "https://huodong.example.gov.cn"
    session = make_session(org, campaign)
    at = moment(14, 5, 10)
    sign_in(settings, org.staff, session, moment(14, 1))
    with frozen(settings, at):
        response = as_role("secretary").get(url("session_screen", session.pk))
    html = response.content.decode()
    code = code_for(session, at)
    assert response["Cache-Control"] == "private, no-store"
    assert f'<p class="signin-code" data-code aria-live="polite">{code}</p>' in html
    assert '<svg viewBox="' in html and 'class="qr"' in html
    assert response.context["screen"]["url"] == (
        f"https://huodong.example.gov.cn{url('session_sign_in', session.pk)}?code={code}"
    )
    assert response.context["screen"]["seconds_left"] == 20
    assert (response.context["screen"]["present"], response.context["screen"]["invited"]) == (1, 2)
    assert '<meta http-equiv="refresh" content="30">' in html
    assert "participation/session_screen.js" in html


def test_the_screen_links_to_the_address_it_was_opened_at_without_a_public_base(
    settings, as_role, org, campaign
):
    settings.HUODONG_BASE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["huodong.lan"]
    session = make_session(org, campaign)
    with frozen(settings, moment(14, 5)):
        response = as_role("secretary").get(
            url("session_screen", session.pk), HTTP_HOST="huodong.lan"
        )
    assert response.context["screen"]["url"].startswith("http://huodong.lan/participation/")


def test_the_code_endpoint_rotates_and_is_not_cached(settings, as_role, org, campaign):
    session = make_session(org, campaign)
    client = as_role("director")
    codes = []
    for second in (0, 29, 30):
        with frozen(settings, moment(14, 10, second)):
            response = client.get(url("session_code", session.pk))
        assert response["Cache-Control"] == "private, no-store"
        data = json.loads(response.content)
        assert data["state"] == "open" and data["qr"].startswith("<svg")
        codes.append(data["code"])
    assert codes[0] == codes[1] != codes[2]
    with frozen(settings, moment(16, 1)):
        closed = json.loads(client.get(url("session_code", session.pk)).content)
    assert (closed["state"], closed["code"], closed["qr"]) == ("closed", "", "")


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_get_the_code(settings, as_role, org, campaign, role):
    session = make_session(org, campaign)
    with frozen(settings, moment(14, 5)):
        response = as_role(role).get(url("session_code", session.pk))
    if role in BRANCH_ORGANISERS:
        assert response.status_code == 200
        assert json.loads(response.content)["code"] == code_for(session, moment(14, 5))
    else:
        assert_turned_away(response, role)
        assert code_for(session, moment(14, 5)).encode() not in response.content


# --- Marking, make-ups and cancelling through the pages -----------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_marks_attendance(settings, as_role, org, campaign, role):
    session = make_session(org, campaign)
    before = snapshot()
    with frozen(settings, moment(15)):
        response = as_role(role).post(
            url("session_mark", session.pk),
            {"action": "mark", "person": [person(org.staff).pk, person(org.colleague).pk]},
        )
    if role in BRANCH_ORGANISERS:
        assert response.status_code == 302
        assert response["Location"] == url("session", session.pk) + "#attendance"
        assert StudyRecord.objects.filter(session=session, source="marked").count() == 2
    else:
        assert_turned_away(response, role)
        assert snapshot() == before


def test_marking_twice_and_taking_back_through_the_page(settings, as_role, org, campaign):
    session = make_session(org, campaign)
    client = as_role("secretary")
    staff = person(org.staff).pk
    with frozen(settings, moment(15)):
        for _ in range(2):
            client.post(url("session_mark", session.pk), {"action": "mark", "person": [staff]})
        assert StudyRecord.objects.filter(session=session).count() == 1
        response = client.post(
            url("session_mark", session.pk),
            {"action": "mark", "person": [person(org.outsider_staff).pk]},
            follow=True,
        )
        assert [m.level_tag for m in response.context["messages"]][-1] == "error"
        client.post(url("session_mark", session.pk), {"action": "unmark", "person": [staff]})
    assert not StudyRecord.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_files_a_makeup(settings, as_role, org, campaign, role):
    session = make_session(org, campaign)
    before = snapshot()
    with frozen(settings, moment(10, day=dt.date(2018, 6, 21))):
        response = as_role(role).post(
            url("session_makeup", session.pk), {"date": "2018-06-21", "material": "看录像"}
        )
    if role in {"staff", "colleague"}:
        assert response.status_code == 302
        assert StudyRecord.objects.get().source == "makeup"
    elif role in OFFICE_ROLES:
        assert response.status_code == 302  # told "not on the list" on the session page
        assert snapshot() == before
    else:
        assert_turned_away(response, role)
        assert snapshot() == before


def test_a_makeup_dated_before_the_session_is_a_form_error(settings, as_role, org, campaign):
    session = make_session(org, campaign)
    with frozen(settings, moment(10, day=dt.date(2018, 6, 21))):
        response = as_role("staff").post(url("session_makeup", session.pk), {"date": "2018-06-19"})
    assert response.status_code == 200
    assert response.context["makeup_form"].errors["date"]
    assert not StudyRecord.objects.exists()


def test_the_session_page_offers_a_makeup_to_absentees_only(settings, as_role, org, campaign):
    session = make_session(org, campaign)
    sign_in(settings, org.staff, session, moment(14, 1))
    with frozen(settings, moment(17)):
        staff = as_role("staff").get(url("session", session.pk)).content.decode()
        colleague = as_role("colleague").get(url("session", session.pk)).content.decode()
    assert 'id="makeup"' not in staff and "14:01" in staff
    assert 'id="makeup"' in colleague


@pytest.mark.parametrize("role", ROLES)
def test_who_cancels_a_session(settings, as_role, org, campaign, role):
    session = make_session(org, campaign)
    before = snapshot()
    with frozen(settings, moment(9)):
        response = as_role(role).post(url("session_cancel", session.pk), {"reason": "改期"})
    session.refresh_from_db()
    if role in BRANCH_ORGANISERS:
        assert response.status_code == 302
        assert session.cancelled_at == moment(9)
    else:
        assert_turned_away(response, role)
        assert snapshot() == before


# --- Constant queries ---------------------------------------------------------------------


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def add_people(org, n: int, start: int = 0) -> list[Person]:
    return [
        Person.objects.create(
            office=org.department.office,
            unit=org.department,
            branch=org.branch,
            name=f"学员{start + i}",
        )
        for i in range(n)
    ]


def test_my_study_keeps_its_query_count(
    settings, as_role, org, campaign, django_assert_max_num_queries
):
    client = as_role("staff")
    path = url("my_study", campaign.pk)
    session = make_session(org, campaign)
    sign_in(settings, org.staff, session, moment(14, 1))
    services.study_record_log(actor=org.staff, campaign=campaign, date=DAY, material="m0")
    few = count_queries(client, path)
    for i in range(1, 40):
        services.study_record_log(
            actor=org.staff,
            campaign=campaign,
            date=DAY - dt.timedelta(days=i % 40),
            material=f"m{i}",
        )
    assert count_queries(client, path) == few
    with django_assert_max_num_queries(12):
        client.get(path)


def test_the_sessions_list_keeps_its_query_count(
    settings, as_role, org, campaign, django_assert_max_num_queries
):
    def counts() -> dict[tuple[str, str], int]:
        found = {}
        for role in ("staff", "secretary", "director"):
            client = as_role(role)
            for when in ("", "?when=past"):
                with frozen(settings, moment(12)):
                    found[role, when] = count_queries(client, url("sessions", campaign.pk) + when)
                    with django_assert_max_num_queries(14):
                        client.get(url("sessions", campaign.pk) + when)
        return found

    seen: list = []

    def add(day: dt.date) -> None:
        session = make_session(org, campaign, day=day, topic=f"集中学习 {day:%m-%d} {len(seen)}")
        seen.append(session)
        if day < DAY:
            sign_in(settings, org.staff, session, moment(14, 1, day=day))

    add(dt.date(2018, 6, 1))
    add(dt.date(2018, 6, 25))
    few = counts()
    for i in range(30):
        add(dt.date(2018, 6, 2) + dt.timedelta(days=i))
    assert counts() == few


def test_the_session_page_keeps_its_query_count(
    settings, as_role, org, campaign, django_assert_max_num_queries
):
    session = make_session(org, campaign)
    client = as_role("secretary")
    path = url("session", session.pk)
    with frozen(settings, moment(15)):
        few = count_queries(client, path)
        people = add_people(org, 40)
        SessionInvitee.objects.bulk_create(
            [SessionInvitee(session=session, person=p) for p in people]
        )
        services.session_mark_attendance(
            actor=org.secretary, session=session, person_ids=[p.pk for p in people[:25]]
        )
        assert count_queries(client, path) == few
        with django_assert_max_num_queries(16):
            client.get(path)
        # The screen and its code too.
        screen = count_queries(client, url("session_screen", session.pk))
        code = count_queries(client, url("session_code", session.pk))
    SessionInvitee.objects.bulk_create(
        [SessionInvitee(session=session, person=p) for p in add_people(org, 20, start=100)]
    )
    with frozen(settings, moment(15)):
        assert count_queries(client, url("session_screen", session.pk)) == screen
        assert count_queries(client, url("session_code", session.pk)) == code
