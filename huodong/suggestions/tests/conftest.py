"""Fixtures of the suggestion pool's tests.

`pool`: an office with its director and an office staff member (the pool's managers), a
leader and an inspector (readers), two plain staff members (one makes suggestions, one is
asked to evaluate), the director of another office, a campaign, and the office's categories
and statuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Office, Role, Unit, UnitKind, User
from huodong.suggestions import similarity
from huodong.suggestions.models import (
    Stage,
    Suggestion,
    SuggestionCategory,
    SuggestionSource,
    SuggestionStatus,
)
from huodong.suggestions.services.pool import suggestion_create


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # E-mails to submitters go out through a task: run it here, as the worker would.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_similarity_index():
    # SQLite hands out a rolled-back test's ids again: the per-process index must not keep them.
    similarity.reset()
    yield
    similarity.reset()


@dataclass
class Pool:
    office: Office
    other_office: Office
    unit: Unit
    campaign: Campaign
    other_campaign: Campaign
    director: User
    office_staff: User
    leader: User
    inspector: User
    submitter: User
    evaluator: User
    stranger: User  # a staff member of the office with no part in it
    outsider: User  # the director of another office
    category: SuggestionCategory
    other_category: SuggestionCategory  # another office's
    forwarded: SuggestionStatus  # 转交职能部门, under "being evaluated"
    other_status: SuggestionStatus  # another office's

    def suggest(
        self, text: str = "建议周末增设便民服务窗口，方便上班族办事。", **extra
    ) -> Suggestion:
        """A suggestion the submitter made (staff source)."""
        extra.setdefault("campaign", self.campaign)
        return suggestion_create(
            actor=self.submitter,
            office=self.office,
            text=text,
            source=SuggestionSource.STAFF,
            **extra,
        )

    def mailbox(self, text: str = "希望推行更多不见面审批事项。", **extra) -> Suggestion:
        return suggestion_create(
            actor=None,
            office=self.office,
            campaign=self.campaign,
            text=text,
            source=SuggestionSource.MAILBOX,
            **extra,
        )


@pytest.fixture
def pool(office, other_office, make_member, settings) -> Pool:
    settings.LANGUAGE_CODE = "en"
    unit = Unit.objects.create(office=office, name="政务服务处", kind=UnitKind.DEPARTMENT)
    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论活动",
        start=dt.date(2018, 5, 18),
        end=dt.date(2018, 9, 30),
    )
    other_campaign = Campaign.objects.create(office=other_office, title="另一个活动")
    return Pool(
        office=office,
        other_office=other_office,
        unit=unit,
        campaign=campaign,
        other_campaign=other_campaign,
        director=make_member(office, role=Role.OFFICE_DIRECTOR, unit=unit, name="主任"),
        office_staff=make_member(office, role=Role.OFFICE_STAFF, unit=unit, name="办公室"),
        leader=make_member(office, role=Role.LEADER, unit=unit, name="领导"),
        inspector=make_member(office, role=Role.INSPECTOR, unit=unit, name="督查"),
        submitter=make_member(office, unit=unit, name="建言人"),
        evaluator=make_member(office, unit=unit, name="评估人"),
        stranger=make_member(office, unit=unit, name="旁人"),
        outsider=make_member(other_office, role=Role.OFFICE_DIRECTOR, name="外办主任"),
        category=SuggestionCategory.objects.create(office=office, name="营商环境"),
        other_category=SuggestionCategory.objects.create(office=other_office, name="营商环境"),
        forwarded=SuggestionStatus.objects.create(
            office=office, stage=Stage.EVALUATING, name="转交职能部门"
        ),
        other_status=SuggestionStatus.objects.create(
            office=other_office, stage=Stage.EVALUATING, name="转交职能部门"
        ),
    )
