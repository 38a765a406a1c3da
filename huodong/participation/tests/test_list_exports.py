"""The participation lists' .xlsx exports: my study records, sessions, my reflections and the
review queue; each the rows its page shows, scoped like it, refused like it, at a constant
number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huodong.campaigns.models import StudyKind
from huodong.orgs.models import Person
from huodong.orgs.tests.test_list_exports import (  # noqa: F401  (_language_restored)
    HEADER,
    _language_restored,
    assert_flat_queries,
    assert_refused,
    data_rows,
    export_rows,
    last_audit,
    logged_in,
)
from huodong.participation.models import (
    Reflection,
    ReflectionStatus,
    SessionInvitee,
    StudyRecord,
    StudySession,
    StudySource,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = "2018-06-20"


def url(name, campaign, **query):
    base = reverse(f"participation:{name}", args=[campaign.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def records(campaign, person, n):
    StudyRecord.objects.bulk_create(
        StudyRecord(
            campaign=campaign,
            person=person,
            kind=StudyKind.SELF,
            date=dt.date(2018, 5, 1) + dt.timedelta(days=i % 50),
            material=f"学习材料{i}",
            duration_minutes=30,
            source=StudySource.LOGGED,
        )
        for i in range(n)
    )


def sessions(campaign, unit, n, *, days=10, invite=None):
    start = timezone.make_aware(dt.datetime(2018, 6, 20, 9)) + dt.timedelta(days=days)
    made = StudySession.objects.bulk_create(
        StudySession(
            campaign=campaign,
            organiser_unit=unit,
            topic=f"集中学习{i}",
            place="三楼会议室",
            starts_at=start + dt.timedelta(days=i),
            ends_at=start + dt.timedelta(days=i, hours=2),
            sign_in_secret="x",
        )
        for i in range(n)
    )
    if invite is not None:
        SessionInvitee.objects.bulk_create(
            SessionInvitee(session=session, person=invite) for session in made
        )
    return made


def reflections(campaign, person, n, *, status=ReflectionStatus.SUBMITTED):
    Reflection.objects.bulk_create(
        Reflection(
            campaign=campaign,
            person=person,
            title=f"心得{i}",
            body="解放思想" * 100,
            word_count=400 + i,
            status=status,
            submitted_at=timezone.now(),
        )
        for i in range(n)
    )


def test_my_study_export_is_my_records_only(campaign, org, client):
    records(campaign, org.person(org.staff), 25)  # more than a page of 20
    records(campaign, org.person(org.colleague), 3)
    client = logged_in(client, org.staff)
    assert (
        url("my_study_export", campaign) in client.get(url("my_study", campaign)).content.decode()
    )
    rows = export_rows(client.get(url("my_study_export", campaign)))
    assert rows[HEADER][:3] == ("Date", "Kind", "Material or topic")
    assert len(rows) - HEADER - 1 == 25
    assert isinstance(rows[HEADER + 1][0], dt.datetime)  # a real date
    assert last_audit("participation.export_my_study").changes["rows"] == 25


def test_my_study_export_refused_like_the_page(campaign, org, other_office, make_member, client):
    stranger = logged_in(client, make_member(other_office))
    assert_refused(stranger, url("my_study", campaign), url("my_study_export", campaign))


def test_sessions_export_follows_the_when_filter_and_invitations(campaign, org, client):
    staff = org.person(org.staff)
    sessions(campaign, org.department, 22, invite=staff)  # more than a page
    sessions(campaign, org.other_department, 2)  # not invited
    sessions(campaign, org.department, 3, days=-20, invite=staff)  # past
    client = logged_in(client, org.staff)
    rows = export_rows(client.get(url("sessions_export", campaign)))
    assert rows[HEADER][:3] == ("Starts at", "Ends at", "Session")
    upcoming = rows[HEADER + 1 :]
    assert len(upcoming) == 22
    assert upcoming[0][0] == dt.datetime(2018, 6, 30, 9, 0)  # local time, no zone
    assert upcoming[0][-1] == "Invited"
    past = data_rows(client.get(url("sessions_export", campaign, when="past")))
    assert len(past) == 3
    page = client.get(url("sessions", campaign, when="past")).content.decode()
    assert url("sessions_export", campaign, when="past") in page
    # The office sees every session.
    assert (
        len(data_rows(logged_in(client, org.director).get(url("sessions_export", campaign)))) == 24
    )


def test_sessions_export_refused_like_the_page(campaign, org, other_office, make_member, client):
    stranger = logged_in(client, make_member(other_office))
    assert_refused(stranger, url("sessions", campaign), url("sessions_export", campaign))


def test_my_reflections_export(campaign, org, client):
    reflections(campaign, org.person(org.staff), 2, status=ReflectionStatus.DRAFT)
    reflections(campaign, org.person(org.colleague), 2)
    rows = export_rows(logged_in(client, org.staff).get(url("my_reflections_export", campaign)))
    assert rows[HEADER][:2] == ("Title", "Characters (字数)")
    assert sorted(row[0] for row in rows[HEADER + 1 :]) == ["心得0", "心得1"]
    assert all("解放思想" not in str(cell) for row in rows[HEADER:] for cell in row)  # no texts


def test_review_queue_export_is_the_reviewers_filtered_queue(campaign, org, client):
    reflections(campaign, org.person(org.staff), 25)
    reflections(campaign, org.person(org.outsider_staff), 2)  # not in the branch
    reflections(campaign, org.person(org.colleague), 1, status=ReflectionStatus.RETURNED)
    secretary = logged_in(client, org.secretary)
    rows = export_rows(secretary.get(url("reflection_queue_export", campaign)))
    assert rows[HEADER][:4] == ("Writer", "Unit", "Party branch", "Title")
    assert len(rows) - HEADER - 1 == 25
    assert {row[0] for row in rows[HEADER + 1 :]} == {"张三"}
    returned = data_rows(
        secretary.get(url("reflection_queue_export", campaign, status=ReflectionStatus.RETURNED))
    )
    assert [row[0] for row in returned] == ["李四"]
    director = data_rows(
        logged_in(client, org.director).get(url("reflection_queue_export", campaign))
    )
    assert len(director) == 27


def test_review_queue_export_refused_like_the_page(campaign, org, client):
    staff = logged_in(client, org.staff)
    assert_refused(
        staff, url("reflection_queue", campaign), url("reflection_queue_export", campaign)
    )


@pytest.mark.parametrize(
    ("name", "user", "grow"),
    [
        ("my_study_export", "staff", lambda c, o: records(c, o.person(o.staff), 60)),
        (
            "sessions_export",
            "staff",
            lambda c, o: sessions(c, o.department, 40, invite=o.person(o.staff)),
        ),
        ("my_reflections_export", "staff", lambda c, o: reflections(c, o.person(o.staff), 30)),
        (
            "reflection_queue_export",
            "director",
            lambda c, o: [
                reflections(c, Person.objects.get(user=u), 15) for u in (o.staff, o.colleague)
            ],
        ),
    ],
)
def test_exports_keep_their_query_count(
    campaign, org, client, django_assert_max_num_queries, name, user, grow
):
    grow(campaign, org)  # a first set of rows
    client = logged_in(client, getattr(org, user))
    assert_flat_queries(
        client, url(name, campaign), lambda: grow(campaign, org), django_assert_max_num_queries
    )
