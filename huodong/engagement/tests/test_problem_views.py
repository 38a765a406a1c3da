"""The enterprise problems pages per role: the office sees all (with contacts), a unit's head
its unit's, others nothing; overdue in red; filters, export and constant queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huodong.core import clock
from huodong.engagement import services
from huodong.engagement.models import EnterpriseProblem, MeetingKind
from huodong.engagement.models import EnterpriseProblemStatus as Status
from huodong.engagement.tests.conftest import at

pytestmark = pytest.mark.django_db

PHONE = "0527-8888888"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def visit(make_meeting, pinned):
    return make_meeting(kind=MeetingKind.PARK_VISIT, title="进园区", park="宿迁经济技术开发区")


def add_problems(visit, org, n: int, *, start: int = 0) -> list[EnterpriseProblem]:
    made = []
    with clock.frozen_at(at("2018-06-01", "10:00")):
        for i in range(start, start + n):
            enterprise = services.visit_enterprise_add(
                actor=org.head,
                meeting=visit,
                name=f"企业{i}",
                contact_name="刘经理",
                contact_phone=PHONE,
            )
            made.append(
                services.enterprise_problem_add(
                    actor=org.head,
                    meeting=visit,
                    enterprise=enterprise,
                    description=f"问题{i}",
                    assigned_unit=org.market if i % 2 == 0 else org.business,
                    deadline=dt.date(2018, 6, 10) if i == 0 else dt.date(2018, 7, 10),
                )
            )
    return made


@pytest.fixture
def problems(visit, org, settings):
    settings.HUODONG_TODAY = "2018-06-01"
    made = add_problems(visit, org, 3)
    settings.HUODONG_TODAY = "2018-06-20"
    return made


def url(name: str, *args) -> str:
    return reverse(f"engagement:{name}", args=args)


@pytest.mark.parametrize(
    ("who", "status", "count", "contacts"),
    [
        ("director", 200, 3, True),
        ("leader", 200, 3, False),
        ("head", 200, 3, False),  # organises the visit
        ("market_head", 200, 2, False),  # 问题0 and 问题2 are assigned to 市场处
        ("staff", 404, 0, False),
        ("invited", 404, 0, False),
        ("stranger", 404, 0, False),
    ],
)
def test_the_problem_list_per_role(client, org, campaign, problems, who, status, count, contacts):
    client.force_login(getattr(org, who))
    response = client.get(url("problems", campaign.pk))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert html.count("data-problem=") == count
        assert (PHONE in html) is contacts


def test_overdue_is_shown_in_red_and_filtered(client, org, campaign, problems):
    client.force_login(org.director)
    html = client.get(url("problems", campaign.pk)).content.decode()
    assert html.count("pill-overdue") == 1
    assert f'data-problem="{problems[0].pk}" data-overdue' in html
    only = client.get(url("problems", campaign.pk), {"overdue": "on"}).content.decode()
    assert only.count("data-problem=") == 1
    by_unit = client.get(url("problems", campaign.pk), {"unit": org.business.pk}).content.decode()
    assert by_unit.count("data-problem=") == 1


def test_the_export_has_contacts_for_the_office_only(client, org, campaign, problems):
    def cells(user) -> list:
        client.force_login(user)
        response = client.get(url("problems_export", campaign.pk))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        return [c for row in book.active.iter_rows(values_only=True) for c in row]

    assert PHONE in cells(org.director)
    leader_cells = cells(org.leader)
    assert PHONE not in leader_cells and "问题1" in leader_cells
    client.force_login(org.staff)
    assert client.get(url("problems_export", campaign.pk)).status_code == 404


def test_the_assigned_unit_replies_and_resolves_from_the_page(client, org, problems):
    problem = problems[0]  # assigned to 市场处
    client.force_login(org.market_head)
    page = client.get(url("problem", problem.pk)).content.decode()
    assert "Record the reply" in page and "Assign and tell the unit" not in page
    assert PHONE not in page
    assert client.post(url("problem_reply", problem.pk), {"reply": ""}).status_code == 400
    assert client.post(url("problem_reply", problem.pk), {"reply": "已答复"}).status_code == 302
    assert (
        client.post(url("problem_resolve", problem.pk), {"resolution": "已解决"}).status_code == 302
    )
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED
    # Reopening is the office's.
    assert client.post(url("problem_reopen", problem.pk), {"reason": "x"}).status_code == 404
    client.force_login(org.director)
    assert client.post(url("problem_reopen", problem.pk), {"reason": "未解决"}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == Status.ASSIGNED


def test_a_problem_of_another_unit_is_not_found(client, org, problems):
    client.force_login(org.market_head)
    other = problems[1]  # assigned to 业务处
    assert client.get(url("problem", other.pk)).status_code == 404
    assert client.post(url("problem_reply", other.pk), {"reply": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.reply == ""


def test_the_visit_organiser_adds_problems_on_the_visit_page(client, org, visit):
    client.force_login(org.head)
    response = client.post(
        url("visit_enterprise_add", visit.pk),
        {
            "enterprise-name": "江苏某新材料有限公司",
            "enterprise-contact_name": "陈总",
            "enterprise-contact_phone": PHONE,
        },
    )
    assert response.status_code == 302
    enterprise = visit.enterprises.get()
    response = client.post(
        url("visit_problem_add", visit.pk),
        {
            "enterprise": enterprise.pk,
            "description": "希望帮助对接高校人才。",
            "assigned_unit": org.market.pk,
            "deadline": "2018-07-15",
        },
    )
    assert response.status_code == 302
    page = client.get(url("meeting", visit.pk)).content.decode()
    assert "希望帮助对接高校人才" in page and PHONE in page
    client.force_login(org.invited)
    page = client.get(url("meeting", visit.pk)).content.decode()
    assert "希望帮助对接高校人才" in page and PHONE not in page


def test_the_list_runs_in_constant_queries(
    client, org, campaign, visit, settings, django_assert_max_num_queries
):
    settings.HUODONG_TODAY = "2018-06-01"
    add_problems(visit, org, 2)
    settings.HUODONG_TODAY = "2018-06-20"
    client.force_login(org.market_head)
    client.get(url("problems", campaign.pk))
    with django_assert_max_num_queries(20) as small:
        client.get(url("problems", campaign.pk))
    settings.HUODONG_TODAY = "2018-06-01"
    add_problems(visit, org, 12, start=2)
    settings.HUODONG_TODAY = "2018-06-20"
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("problems", campaign.pk)).status_code == 200
