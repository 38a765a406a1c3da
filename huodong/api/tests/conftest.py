"""A small office for the API: two departments and a branch, a campaign with two tasks (one
led by each department), a requirement, suggestions, outcomes, a published and a draft article,
a study session, and integrations made through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from huodong.api.models import Integration
from huodong.api.services import integration_create
from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    LeadingGroupRole,
    Phase,
    Requirement,
    RequirementMeasure,
    RequirementScope,
    SubTheme,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.orgs.models import Office, Person, Role, Unit, UnitKind, User
from huodong.participation.models import SessionInvitee, StudySession
from huodong.publicity.models import Article, ArticleCategory, ArticleStatus
from huodong.suggestions.models import Outcome, OutcomeKind, Stage, Suggestion, SuggestionSource

DEMO_DAY = "2018-06-20"


@pytest.fixture(autouse=True)
def _api_settings(settings, tmp_path):
    settings.HUODONG_TODAY = DEMO_DAY
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    office: Office
    other_office: Office
    campaign: Campaign
    other_campaign: Campaign
    lead: Unit  # 综合处: leads task 1
    other: Unit  # 业务处: leads task 2
    branch: Unit
    task: Task
    other_task: Task
    requirement: Requirement
    session: StudySession
    admin: User
    people: dict[str, Person] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)


def _unit(office: Office, name: str, order: int, kind: str = UnitKind.DEPARTMENT) -> Unit:
    return Unit.objects.create(office=office, name=name, kind=kind, sort_order=order)


def add_task(campaign: Campaign, seq: int, unit: Unit, *, due: dt.date | None = None) -> Task:
    task = Task.objects.create(
        campaign=campaign, seq=seq, text=f"任务{seq}", due=due or dt.date(2018, 6, 30)
    )
    TaskUnit.objects.create(task=task, unit=unit, role=TaskUnitRole.LEAD)
    return task


def add_suggestion(office: Office, number: int, **extra: Any) -> Suggestion:
    return Suggestion.objects.create(
        office=office,
        number=number,
        text=f"建议{number}",
        source=SuggestionSource.MAILBOX,
        **extra,
    )


def add_outcome(office: Office, unit: Unit, title: str, **extra: Any) -> Outcome:
    return Outcome.objects.create(
        office=office, kind=OutcomeKind.PLAN, title=title, responsible_unit=unit, **extra
    )


@pytest.fixture
def world(office: Office, other_office: Office, make_member) -> World:
    lead = _unit(office, "综合处", 1)
    other = _unit(office, "业务处", 2)
    branch = _unit(office, "机关党支部", 3, UnitKind.BRANCH)
    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
        leading_group_office=lead,
    )
    phase = Phase.objects.create(
        campaign=campaign, name="学习讨论", start=dt.date(2018, 5, 1), end=dt.date(2018, 12, 31)
    )
    theme = SubTheme.objects.create(campaign=campaign, name="改革再发力", lead_leader_name="童学宝")
    theme.units.add(lead)
    LeadingGroupMember.objects.create(
        campaign=campaign, role=LeadingGroupRole.LEADER, name="臧广荣"
    )
    task = add_task(campaign, 1, lead)
    task.phase = phase
    task.save()
    other_task = add_task(campaign, 2, other, due=dt.date(2018, 6, 10))
    requirement = Requirement.objects.create(
        campaign=campaign,
        scope=RequirementScope.PERSON,
        minimum=4,
        subject="学习活动",
        measure=RequirementMeasure.STUDIES,
    )
    other_unit = _unit(other_office, "外单位", 1)
    other_campaign = Campaign.objects.create(
        office=other_office,
        title="另一个活动",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
    )
    add_task(other_campaign, 1, other_unit)
    admin = make_member(office, role=Role.ADMIN, unit=lead, name="管理员")
    people = {
        "lead_staff": Person.objects.create(office=office, name="张三", unit=lead, branch=branch),
        "other_staff": Person.objects.create(office=office, name="李四", unit=other),
        "foreign": Person.objects.create(office=other_office, name="王五", unit=other_unit),
    }
    starts = timezone.make_aware(dt.datetime(2018, 6, 19, 9, 0))
    session = StudySession.objects.create(
        campaign=campaign,
        organiser_unit=lead,
        kind="group",
        topic="集中学习",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        sign_in_secret="x" * 32,
    )
    SessionInvitee.objects.create(session=session, person=people["lead_staff"])
    SessionInvitee.objects.create(session=session, person=people["other_staff"])
    suggestions = [
        add_suggestion(
            office,
            1,
            campaign=campaign,
            submitter_name="市民甲",
            submitter_contact="13800000000",
        ),
        add_suggestion(office, 2, campaign=campaign, stage=Stage.VALUABLE, is_anonymous=True),
        add_suggestion(other_office, 1),
    ]
    outcomes = {
        "lead": add_outcome(office, lead, "综合处的成果", campaign=campaign, progress=40),
        "other": add_outcome(office, other, "业务处的成果"),
        "foreign": add_outcome(other_office, other_unit, "外办的成果"),
    }
    category = ArticleCategory.objects.create(office=office, name="新闻")
    other_category = ArticleCategory.objects.create(office=other_office, name="新闻")
    now = timezone.now()
    articles = {
        "published": Article.objects.create(
            office=office,
            category=category,
            campaign=campaign,
            title="已发布",
            body_html="<p>正文</p>",
            status=ArticleStatus.PUBLISHED,
            published_at=now,
        ),
        "draft": Article.objects.create(
            office=office, category=category, title="草稿", status=ArticleStatus.DRAFT
        ),
        "submitted": Article.objects.create(
            office=office, category=category, title="待审", status=ArticleStatus.SUBMITTED
        ),
        "foreign": Article.objects.create(
            office=other_office,
            category=other_category,
            title="外办文章",
            status=ArticleStatus.PUBLISHED,
            published_at=now,
        ),
    }
    return World(
        office=office,
        other_office=other_office,
        campaign=campaign,
        other_campaign=other_campaign,
        lead=lead,
        other=other,
        branch=branch,
        task=task,
        other_task=other_task,
        requirement=requirement,
        session=session,
        admin=admin,
        people=people,
        suggestions=suggestions,
        outcomes=outcomes,
        articles=articles,
    )


MakeIntegration = Callable[..., tuple[Integration, str]]


@pytest.fixture
def make_integration(world: World) -> MakeIntegration:
    """An integration of the world's office with `roles` [(role, unit or None)], and its token."""

    def make(roles: list[tuple[str, Unit | None]], name: str = "政务网") -> tuple[Integration, str]:
        integration, issued = integration_create(
            actor=world.admin, office=world.office, name=name, roles=roles
        )
        return integration, issued.token

    return make


class ApiClient:
    """A test client that sends the bearer token with every request."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any):
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_client(make_integration: MakeIntegration) -> Callable[..., ApiClient]:
    def make(roles: list[tuple[str, Unit | None]]) -> ApiClient:
        _integration, token = make_integration(roles)
        return ApiClient(token)

    return make
