"""The reflection pages: each role that reaches them, those turned away (404), and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huodong.orgs.models import Person, Role, Unit, UnitKind, User
from huodong.participation.models import Reflection, ReflectionReview, ReflectionStatus
from huodong.participation.services.reflections import (
    reflection_create,
    reflection_review,
    reflection_save,
    reflection_submit,
)

pytestmark = pytest.mark.django_db

TEXT = "解放思想，推动高质量发展。" * 10
WRITERS = ["staff", "colleague", "outsider_staff", "secretary", "unit_head", "director"]
ROLES = [*WRITERS, "other_secretary", "stranger", "anonymous"]


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def users(org, office, other_office, make_member) -> dict[str, User | None]:
    branch2 = Unit.objects.create(office=office, name="交易中心党支部", kind=UnitKind.BRANCH)
    centre = Unit.objects.create(office=office, name="交易中心", kind=UnitKind.AFFILIATE)
    other_secretary = make_member(
        office, unit=centre, role=Role.BRANCH_SECRETARY, role_unit=branch2, username="sec2"
    )
    Person.objects.filter(user=other_secretary).update(branch=branch2)
    stranger = make_member(
        other_office, role=Role.OFFICE_DIRECTOR, username="stranger", name="外办主任"
    )
    return {
        **{name: getattr(org, name) for name in WRITERS},
        "other_secretary": other_secretary,
        "stranger": stranger,
        "anonymous": None,
    }


@pytest.fixture
def as_role(client, users):
    def login(role: str):
        client.logout()
        user = users[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


def draft(org, campaign, *, title="我的心得", body=TEXT, actor=None) -> Reflection:
    return reflection_create(actor=actor or org.staff, campaign=campaign, title=title, body=body)


def submitted(org, campaign, **kwargs) -> Reflection:
    reflection = draft(org, campaign, **kwargs)
    return reflection_submit(actor=kwargs.get("actor") or org.staff, reflection=reflection)


def snapshot() -> list[tuple]:
    return [
        (r.pk, r.title, r.body, r.status, r.version, r.review_comment)
        for r in Reflection.objects.order_by("pk")
    ] + [("reviews", ReflectionReview.objects.count())]


def assert_turned_away(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404, role


# --- Who reaches which page ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["my_reflections", "reflection_create"])
def test_every_member_of_the_office_writes(as_role, campaign, role, name):
    response = as_role(role).get(reverse(f"participation:{name}", args=[campaign.pk]))
    if role in {"stranger", "anonymous"}:
        assert_turned_away(response, role)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_seen_by_its_writer_only(as_role, org, campaign, role):
    reflection = draft(org, campaign)
    url = reverse("participation:reflection", args=[reflection.pk])
    response = as_role(role).get(url)
    if role == "staff":
        assert response.status_code == 200
        assert 'data-wordcount="#reflection-count"' in response.content.decode()
        return
    assert_turned_away(response, role)
    before = snapshot()
    assert_turned_away(
        as_role(role).post(url, {"title": "改", "body": "改", "version": 1, "action": "save"}),
        role,
    )
    assert_turned_away(
        as_role(role).post(reverse("participation:reflection_submit", args=[reflection.pk])), role
    )
    assert snapshot() == before


REVIEWERS = {"secretary", "director"}


@pytest.mark.parametrize("role", ROLES)
def test_a_submitted_reflection_is_seen_by_its_reviewers(as_role, org, campaign, role):
    reflection = submitted(org, campaign)
    url = reverse("participation:reflection", args=[reflection.pk])
    response = as_role(role).get(url)
    review_url = reverse("participation:reflection_review", args=[reflection.pk])
    if role == "staff":
        html = response.content.decode()
        assert response.status_code == 200
        assert review_url not in html
        assert reverse("participation:reflection_withdraw", args=[reflection.pk]) in html
        assert "reflection-body" not in html  # read view, no editor
    elif role in REVIEWERS:
        assert response.status_code == 200
        assert review_url in response.content.decode()
    else:
        assert_turned_away(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_who_reviews(as_role, org, campaign, role):
    reflection = submitted(org, campaign)
    before = snapshot()
    response = as_role(role).post(
        reverse("participation:reflection_review", args=[reflection.pk]),
        {"decision": "accept", "comment": "同意"},
    )
    reflection.refresh_from_db()
    if role in REVIEWERS:
        assert response.status_code == 302
        assert response["Location"] == reverse("participation:reflection_queue", args=[campaign.pk])
        assert reflection.status == ReflectionStatus.ACCEPTED
    else:
        assert_turned_away(response, role)
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_who_opens_the_review_queue(as_role, org, campaign, role):
    submitted(org, campaign, title="张三的心得")
    response = as_role(role).get(reverse("participation:reflection_queue", args=[campaign.pk]))
    if role in REVIEWERS:
        assert response.status_code == 200
        assert "张三的心得" in response.content.decode()
    elif role == "other_secretary":
        # Reviews another branch: the queue opens, without this branch's reflections.
        assert response.status_code == 200
        assert "张三的心得" not in response.content.decode()
    else:
        assert_turned_away(response, role)


def test_the_queue_filters_by_status_and_unit(as_role, org, campaign):
    submitted(org, campaign, title="待审")
    accepted = submitted(org, campaign, title="已通过")
    reflection_review(actor=org.director, reflection=accepted, decision="accept")
    draft(org, campaign, title="还是草稿")
    client = as_role("secretary")
    url = reverse("participation:reflection_queue", args=[campaign.pk])
    html = client.get(url).content.decode()
    assert "待审" in html and "已通过" not in html and "还是草稿" not in html
    html = client.get(url, {"status": "accepted"}).content.decode()
    assert "已通过" in html and "待审" not in html
    html = client.get(url, {"status": ""}).content.decode()
    assert "已通过" in html and "待审" in html and "还是草稿" not in html
    html = client.get(url, {"status": "", "unit": org.branch.pk}).content.decode()
    assert "待审" in html
    office = as_role("director")
    html = office.get(url, {"status": "", "unit": org.other_department.pk}).content.decode()
    assert "待审" not in html
    html = office.get(url, {"status": "", "unit": org.department.pk}).content.decode()
    assert "待审" in html and "已通过" in html


# --- The editor ---------------------------------------------------------------------------


def test_the_editor_shows_the_live_count_and_the_target(as_role, org, campaign, requirements):
    reflection = draft(org, campaign)
    html = as_role("staff").get(reverse("participation:reflection", args=[reflection.pk]))
    html = html.content.decode()
    assert "participation/wordcount.js" in html
    assert 'data-words-needed="2700"' in html
    assert '<output id="reflection-count"' in html
    assert "3,000" in html and "2,700" in html
    assert "each Chinese character and each punctuation mark counts one" in html


def test_the_target_follows_the_requirement(as_role, org, campaign, requirements):
    requirements["words"].tolerance_percent = 100
    requirements["words"].save()
    html = as_role("staff").get(reverse("participation:reflection_create", args=[campaign.pk]))
    assert 'data-words-needed="3000"' in html.content.decode()


def test_without_a_requirement_there_is_no_target(as_role, campaign):
    html = as_role("staff").get(reverse("participation:reflection_create", args=[campaign.pk]))
    html = html.content.decode()
    assert "data-words-needed" not in html
    assert '<output id="reflection-count"' in html


def test_write_save_and_submit_through_the_pages(as_role, org, campaign):
    client = as_role("staff")
    response = client.post(
        reverse("participation:reflection_create", args=[campaign.pk]),
        {"title": "心得", "body": "第一稿", "action": "save"},
    )
    reflection = Reflection.objects.get()
    url = reverse("participation:reflection", args=[reflection.pk])
    assert response.status_code == 302 and response["Location"] == url
    assert (reflection.word_count, reflection.status) == (3, ReflectionStatus.DRAFT)

    response = client.post(
        url, {"title": "心得", "body": "第二稿，更长一些", "version": 1, "action": "submit"}
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.body == "第二稿，更长一些"
    assert reflection.word_count == 8
    assert reflection.status == ReflectionStatus.SUBMITTED


def test_a_stale_tab_keeps_its_text_on_screen_and_changes_nothing(as_role, org, campaign):
    reflection = draft(org, campaign, body="原文")
    reflection_save(
        actor=org.staff, reflection=reflection, title="心得", body="另一台电脑", version=1
    )
    before = snapshot()
    response = as_role("staff").post(
        reverse("participation:reflection", args=[reflection.pk]),
        {"title": "心得", "body": "旧标签页里刚写的字", "version": 1, "action": "save"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "saved elsewhere meanwhile" in html
    assert "旧标签页里刚写的字" in html
    assert snapshot() == before


def test_an_empty_submission_comes_back_with_a_message(as_role, org, campaign):
    reflection = draft(org, campaign, body="")
    response = as_role("staff").post(
        reverse("participation:reflection_submit", args=[reflection.pk]),
        {"version": 1},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.DRAFT


def test_a_second_submit_says_it_is_already_submitted(as_role, org, campaign):
    reflection = draft(org, campaign)
    client = as_role("staff")
    url = reverse("participation:reflection_submit", args=[reflection.pk])
    assert client.post(url, {"version": 1}).status_code == 302
    response = client.post(url, {"version": 1}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == (
        "This reflection is already submitted and awaits review."
    )
    assert ReflectionReview.objects.count() == 1


def test_a_return_without_comment_keeps_the_form(as_role, org, campaign):
    reflection = submitted(org, campaign)
    response = as_role("secretary").post(
        reverse("participation:reflection_review", args=[reflection.pk]),
        {"decision": "return", "comment": ""},
    )
    assert response.status_code == 200
    assert "Say what should be revised" in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.SUBMITTED


def test_the_writer_withdraws_through_the_page(as_role, org, campaign):
    reflection = submitted(org, campaign)
    response = as_role("staff").post(
        reverse("participation:reflection_withdraw", args=[reflection.pk])
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.DRAFT


def test_actions_answer_only_post(as_role, org, campaign):
    reflection = draft(org, campaign)
    client = as_role("staff")
    for name in ("reflection_submit", "reflection_review", "reflection_import"):
        assert client.get(reverse(f"participation:{name}", args=[reflection.pk])).status_code == 405


# --- Query counts -------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_reflections_keep_their_query_count(
    as_role, org, campaign, requirements, django_assert_max_num_queries
):
    client = as_role("staff")
    url = reverse("participation:my_reflections", args=[campaign.pk])
    draft(org, campaign)
    few = count_queries(client, url)
    for i in range(25):
        submitted(org, campaign, title=f"第{i}篇")
    assert count_queries(client, url) == few
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_queue_keeps_its_query_count(
    as_role, org, campaign, requirements, make_member, office, django_assert_max_num_queries
):
    client = as_role("secretary")
    url = reverse("participation:reflection_queue", args=[campaign.pk])
    submitted(org, campaign)
    few = count_queries(client, url)
    for i in range(20):
        writer = make_member(office, unit=org.department, username=f"w{i}", name=f"写作者{i}")
        Person.objects.filter(user=writer).update(branch=org.branch)
        submitted(org, campaign, title=f"心得{i}", actor=User.objects.get(pk=writer.pk))
    assert count_queries(client, url) == few
    with django_assert_max_num_queries(12):
        client.get(url)


def test_a_reflection_page_keeps_its_query_count(
    as_role, org, campaign, requirements, django_assert_max_num_queries
):
    reflection = submitted(org, campaign)
    url = reverse("participation:reflection", args=[reflection.pk])
    client = as_role("secretary")
    few = count_queries(client, url)
    for i in range(10):
        reflection_review(
            actor=org.secretary, reflection=reflection, decision="return", comment=f"意见{i}"
        )
        reflection.refresh_from_db()
        reflection_submit(actor=org.staff, reflection=reflection, version=reflection.version)
    assert count_queries(client, url) == few
    with django_assert_max_num_queries(12):
        client.get(url)
