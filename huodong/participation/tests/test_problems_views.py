"""The problem ledger pages: who reaches each, who is turned away (404), exports, query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from huodong.core.models import AuditRecord
from huodong.orgs.models import Person, Role, Unit, UnitKind, User
from huodong.participation.models import Problem, ProblemCategory, ProblemEvent, ProblemStatus
from huodong.participation.services.problems import (
    problem_advance,
    problem_create,
    problem_reject_verification,
    problem_update,
)

pytestmark = pytest.mark.django_db

ORG_ROLES = ["staff", "colleague", "outsider_staff", "secretary", "unit_head", "director"]
ROLES = [*ORG_ROLES, "inspector", "other_secretary", "stranger", "anonymous"]
# Who reads the ledger of `org.branch`: its members, its secretary and the office-wide roles.
READERS = {"staff", "colleague", "secretary", "unit_head", "director", "inspector"}
KEEPERS = {"secretary", "director"}
VERIFIERS = {"director", "inspector"}


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def branch2(office) -> Unit:
    return Unit.objects.create(office=office, name="交易中心党支部", kind=UnitKind.BRANCH)


@pytest.fixture
def users(org, office, other_office, make_member, branch2) -> dict[str, User | None]:
    centre = Unit.objects.create(office=office, name="交易中心", kind=UnitKind.AFFILIATE)
    other_secretary = make_member(
        office, unit=centre, role=Role.BRANCH_SECRETARY, role_unit=branch2, username="sec2"
    )
    Person.objects.filter(user=other_secretary).update(branch=branch2)
    return {
        **{name: getattr(org, name) for name in ORG_ROLES},
        "inspector": make_member(office, role=Role.INSPECTOR, username="inspector"),
        "other_secretary": other_secretary,
        "stranger": make_member(other_office, role=Role.OFFICE_DIRECTOR, username="stranger"),
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


def add(org, campaign, *, branch=None, actor=None, description="工作中存在畏难情绪", **extra):
    return problem_create(
        actor=actor or org.director,
        campaign=campaign,
        branch=branch or org.branch,
        description=description,
        category=extra.pop("category", ProblemCategory.TIMIDITY),
        cause=extra.pop("cause", "思想不够解放"),
        measures=extra.pop("measures", ""),
        responsible=extra.pop("responsible", org.person(org.staff)),
        deadline=dt.date(2018, 7, 31),
        found_on=dt.date(2018, 5, 25),
    )


def rectified(org, problem: Problem) -> Problem:
    problem_update(
        actor=org.secretary,
        problem=problem,
        description=problem.description,
        category=problem.category,
        cause=problem.cause,
        measures="建立问题清单，逐项整改",
        responsible=problem.responsible,
        deadline=problem.deadline,
        found_on=problem.found_on,
    )
    problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFYING)
    return problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFIED)


def snapshot() -> list[tuple]:
    return [
        (p.pk, p.seq, p.description, p.status, p.measures, p.verification_note)
        for p in Problem.objects.order_by("pk")
    ] + [("events", ProblemEvent.objects.count())]


def assert_turned_away(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404, role


# --- The ledger ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_ledger(as_role, org, campaign, branch2, role):
    add(org, campaign, description="本支部的问题")
    add(org, campaign, branch=branch2, description="交易中心的问题")
    response = as_role(role).get(reverse("participation:problems", args=[campaign.pk]))
    if role in {"stranger", "anonymous"}:
        assert_turned_away(response, role)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert ("本支部的问题" in html) is (role in READERS)
    assert ("交易中心的问题" in html) is (role in {"director", "inspector", "other_secretary"})
    add_url = reverse("participation:problem_create", args=[campaign.pk])
    assert (add_url in html) is (role in KEEPERS | {"other_secretary"})
    if role == "outsider_staff":
        assert 'id="no-ledger"' in html


@pytest.mark.parametrize("role", ROLES)
def test_who_adds_a_problem(as_role, org, campaign, role):
    url = reverse("participation:problem_create", args=[campaign.pk])
    client = as_role(role)
    response = client.get(url)
    if role not in KEEPERS | {"other_secretary"}:
        assert_turned_away(response, role)
        assert_turned_away(client.post(url, {"branch": org.branch.pk, "description": "x"}), role)
        assert not Problem.objects.exists()
        return
    assert response.status_code == 200
    # Each keeper chooses among the branches they keep.
    choices = [value for value, _label in response.context["form"].fields["branch"].choices]
    assert (org.branch.pk in choices) is (role in KEEPERS)


def test_a_problem_is_added_through_the_page(as_role, org, campaign):
    response = as_role("secretary").post(
        reverse("participation:problem_create", args=[campaign.pk]),
        {
            "branch": org.branch.pk,
            "description": "担当意识不强",
            "category": ProblemCategory.NO_OWNERSHIP,
            "cause": "怕担责任",
            "measures": "",
            "responsible": org.person(org.staff).pk,
            "deadline": "2018-07-31",
            "found_on": "2018-05-28",
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:problem", args=[problem.pk])
    assert (problem.seq, problem.branch, problem.responsible) == (
        1,
        org.branch,
        org.person(org.staff),
    )


def test_a_date_in_the_future_comes_back_on_the_form(as_role, org, campaign):
    response = as_role("secretary").post(
        reverse("participation:problem_create", args=[campaign.pk]),
        {
            "branch": org.branch.pk,
            "description": "懒政倾向",
            "category": ProblemCategory.INERTIA,
            "found_on": "2018-06-30",
        },
    )
    assert response.status_code == 200
    assert "The date found cannot be in the future." in response.content.decode()
    assert not Problem.objects.exists()


def test_the_ledger_filters(as_role, org, campaign):
    add(org, campaign, description="骄傲自满的问题", category=ProblemCategory.COMPLACENCY)
    moving = add(org, campaign, description="畏难情绪的问题")
    problem_advance(actor=org.secretary, problem=moving, to_status=ProblemStatus.RECTIFYING)
    client = as_role("director")
    url = reverse("participation:problems", args=[campaign.pk])
    html = client.get(url, {"category": "complacency"}).content.decode()
    assert "骄傲自满的问题" in html and "畏难情绪的问题" not in html
    html = client.get(url, {"status": "rectifying"}).content.decode()
    assert "骄傲自满的问题" not in html and "畏难情绪的问题" in html


# --- One problem --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_opens_a_problem(as_role, org, campaign, role):
    problem = add(org, campaign)
    url = reverse("participation:problem", args=[problem.pk])
    response = as_role(role).get(url)
    if role not in READERS:
        assert_turned_away(response, role)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert (reverse("participation:problem_advance", args=[problem.pk]) in html) is (
        role in KEEPERS
    )
    assert ('id="edit"' in html) is (role in KEEPERS)


@pytest.mark.parametrize("role", ROLES)
def test_who_edits_a_problem(as_role, org, campaign, role):
    problem = add(org, campaign)
    before = snapshot()
    response = as_role(role).post(
        reverse("participation:problem", args=[problem.pk]),
        {
            "description": "改过的描述",
            "category": ProblemCategory.MINDSET,
            "found_on": "2018-05-25",
        },
    )
    if role in KEEPERS:
        assert response.status_code == 302
        problem.refresh_from_db()
        assert (problem.description, problem.category) == ("改过的描述", ProblemCategory.MINDSET)
    else:
        assert_turned_away(response, role)
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_who_moves_a_problem_on(as_role, org, campaign, role):
    problem = add(org, campaign)
    before = snapshot()
    response = as_role(role).post(
        reverse("participation:problem_advance", args=[problem.pk]),
        {"to_status": ProblemStatus.RECTIFYING, "note": "开始整改"},
    )
    problem.refresh_from_db()
    if role in KEEPERS:
        assert response.status_code == 302
        assert problem.status == ProblemStatus.RECTIFYING
    else:
        assert_turned_away(response, role)
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_who_verifies(as_role, org, campaign, role):
    problem = rectified(org, add(org, campaign))
    before = snapshot()
    client = as_role(role)
    url = reverse("participation:problem_verify", args=[problem.pk])
    response = client.post(url, {"decision": "verify", "note": "核实"})
    problem.refresh_from_db()
    if role in VERIFIERS:
        assert response.status_code == 302
        assert problem.status == ProblemStatus.CLOSED
        page = client.get(reverse("participation:problem", args=[problem.pk])).content.decode()
        assert 'id="edit"' not in page and url not in page
    else:
        assert_turned_away(response, role)
        assert snapshot() == before


def test_the_verification_form_shows_only_on_a_rectified_problem(as_role, org, campaign):
    problem = add(org, campaign)
    client = as_role("inspector")
    url = reverse("participation:problem", args=[problem.pk])
    verify_url = reverse("participation:problem_verify", args=[problem.pk])
    assert verify_url not in client.get(url).content.decode()
    rectified(org, problem)
    assert verify_url in client.get(url).content.decode()


def test_a_rejection_needs_a_reason(as_role, org, campaign):
    problem = rectified(org, add(org, campaign))
    client = as_role("director")
    url = reverse("participation:problem_verify", args=[problem.pk])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 200
    assert "Say why the rectification is not accepted." in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFIED
    assert client.post(url, {"decision": "reject", "note": "佐证不足"}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFYING


def test_a_refused_transition_comes_back_as_a_message(as_role, org, campaign):
    problem = add(org, campaign)
    response = as_role("secretary").post(
        reverse("participation:problem_advance", args=[problem.pk]),
        {"to_status": ProblemStatus.RECTIFIED},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FOUND


def test_actions_answer_only_post(as_role, org, campaign):
    problem = add(org, campaign)
    client = as_role("director")
    for name in ("problem_advance", "problem_verify"):
        assert client.get(reverse(f"participation:{name}", args=[problem.pk])).status_code == 405


# --- Export -------------------------------------------------------------------------------


def read_export(response) -> list[tuple]:
    assert response.streaming
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    return list(sheet.iter_rows(min_row=3, values_only=True))


@pytest.mark.parametrize("role", ROLES)
def test_the_export_holds_the_ledger_as_the_user_sees_it(as_role, org, campaign, branch2, role):
    add(org, campaign, description="本支部的问题")
    add(org, campaign, branch=branch2, description="交易中心的问题")
    response = as_role(role).get(reverse("participation:problems_export", args=[campaign.pk]))
    if role in {"stranger", "anonymous"}:
        assert_turned_away(response, role)
        return
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    descriptions = {row[2] for row in read_export(response)}
    assert ("本支部的问题" in descriptions) is (role in READERS)
    assert ("交易中心的问题" in descriptions) is (
        role in {"director", "inspector", "other_secretary"}
    )


def test_the_export_has_every_column_and_follows_the_filters(as_role, org, campaign):
    first = add(org, campaign, description="第一个问题", measures="措施甲")
    add(org, campaign, description="第二个问题", category=ProblemCategory.LOW_DRIVE)
    problem_advance(actor=org.secretary, problem=first, to_status=ProblemStatus.RECTIFYING)
    client = as_role("director")
    url = reverse("participation:problems_export", args=[campaign.pk])
    rows = read_export(client.get(url))
    assert [row[:3] for row in rows] == [
        ("政管办党支部", 1, "第一个问题"),
        ("政管办党支部", 2, "第二个问题"),
    ]
    row = rows[0]
    assert row[5] == "措施甲" and row[6] == "张三"
    assert row[7] == dt.datetime(2018, 7, 31) and row[9] == dt.datetime(2018, 5, 25)
    assert row[8] == ProblemStatus.RECTIFYING.label
    rows = read_export(client.get(url, {"status": "found"}))
    assert [row[2] for row in rows] == ["第二个问题"]
    audit = AuditRecord.objects.filter(action="participation.problems_export").order_by("pk").last()
    assert audit is not None and audit.changes["status"] == "found"


# --- Query counts -------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def test_the_ledger_keeps_its_query_count(
    as_role, org, campaign, branch2, requirements, django_assert_max_num_queries
):
    add(org, campaign)
    for role in ("director", "secretary", "staff"):
        client = as_role(role)
        url = reverse("participation:problems", args=[campaign.pk])
        few = count_queries(client, url)
        export_few = count_queries(
            client, reverse("participation:problems_export", args=[campaign.pk])
        )
        if role == "director":
            for i in range(30):
                add(org, campaign, branch=org.branch if i % 2 else branch2, description=f"问题{i}")
        assert count_queries(client, url) == few, role
        with django_assert_max_num_queries(14):
            client.get(url)
        export = reverse("participation:problems_export", args=[campaign.pk])
        assert count_queries(client, export) == export_few, role


def test_a_problem_page_keeps_its_query_count(
    as_role, org, campaign, django_assert_max_num_queries
):
    problem = rectified(org, add(org, campaign))
    client = as_role("director")
    url = reverse("participation:problem", args=[problem.pk])
    few = count_queries(client, url)
    for i in range(10):
        problem_reject_verification(actor=org.director, problem=problem, note=f"第{i}次退回")
        problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFIED)
    assert count_queries(client, url) == few
    with django_assert_max_num_queries(14):
        client.get(url)
