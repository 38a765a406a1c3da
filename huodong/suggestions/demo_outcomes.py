"""The outcomes of the demo office at 2018-06-20 (成果转化): three outcomes under way.

- 政策意见《关于进一步优化营商环境的若干意见》 (综合处): researched and consulted on, awaiting
  adoption — 50%, shown on the public column;
- 具体方案《“不见面审批”推进方案》 (业务处) with two sub-outcomes (the online hall, delivery of
  results by post) whose progress rolls up into it;
- 制度成果《窗口服务首问负责制度》 (市政务服务中心): issued, done at 100%.

Everything goes through the services, dated with `frozen_at`, by the office's director and the
head of 业务处 where the demo has that login. The outcomes are linked to the campaign's valuable
or adopted suggestions (the pool's demo runs first); without any, two staff suggestions are
recorded and rated valuable here first.
"""

from __future__ import annotations

import datetime as dt
from itertools import cycle

from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.core.clock import frozen_at
from huodong.orgs.models import Person, Role, Unit, User
from huodong.suggestions.models import (
    Outcome,
    OutcomeKind,
    Rollup,
    Stage,
    Suggestion,
    SuggestionSource,
)
from huodong.suggestions.services.outcomes import (
    milestone_add,
    milestone_complete,
    outcome_create,
    outcome_link_suggestions,
)

# (title, due, done on or None, weight)
Milestones = list[tuple[str, str, str | None, int]]

POLICY_MILESTONES: Milestones = [
    ("开展营商环境专题调研", "2018-05-31", "2018-05-30", 1),
    ("形成征求意见稿并征求各部门意见", "2018-06-15", "2018-06-14", 1),
    ("提交市政府常务会议审议", "2018-07-15", None, 1),
    ("正式印发实施", "2018-08-15", None, 1),
]
ONLINE_HALL_MILESTONES: Milestones = [
    ("梳理“不见面审批”事项清单", "2018-05-25", "2018-05-24", 1),
    ("网上办事大厅事项全部上线", "2018-06-30", None, 1),
]
DELIVERY_MILESTONES: Milestones = [
    ("与邮政签订审批结果寄递协议", "2018-06-10", "2018-06-08", 1),
    ("在市场监管、不动产窗口试运行", "2018-07-31", None, 1),
    ("全部窗口推开免费寄递", "2018-09-30", None, 1),
]
RULE_MILESTONES: Milestones = [
    ("起草首问负责制度", "2018-05-20", "2018-05-18", 1),
    ("在税务、人社窗口试行", "2018-06-01", "2018-06-01", 1),
    ("制度正式印发", "2018-06-15", "2018-06-12", 1),
]
FALLBACK_SUGGESTIONS = [
    "建议制定优化营商环境的专门意见，把“放管服”改革措施固定下来。",
    "建议窗口实行首问负责，群众问到谁，谁就负责到底，杜绝推诿。",
]


def _at(day: str, time: str = "10:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def _login(campaign: Campaign, role: str, unit: Unit | None = None) -> User | None:
    people = Person.objects.filter(
        office=campaign.office, roles__role=role, user__isnull=False
    ).select_related("user")
    if unit is not None:
        people = people.filter(roles__unit=unit)
    person = people.order_by("pk").first()
    return person.user if person is not None else None


def _milestones(outcome: Outcome, rows: Milestones, *, actor: User, done_by: User) -> None:
    made = []
    with frozen_at(_at("2018-05-21", "09:30")):
        for title, due, _done, weight in rows:
            made.append(
                milestone_add(
                    actor=actor,
                    outcome=outcome,
                    title=title,
                    due_on=dt.date.fromisoformat(due),
                    weight=weight,
                )
            )
    for milestone, (_title, _due, done, _weight) in zip(made, rows, strict=True):
        if done is not None:
            with frozen_at(_at(done, "16:30")):
                milestone_complete(actor=done_by, milestone=milestone)


def _suggestions(campaign: Campaign, director: User) -> list[Suggestion]:
    found = list(
        Suggestion.objects.filter(
            campaign=campaign, stage__in=(Stage.VALUABLE, Stage.ADOPTED)
        ).order_by("number")[:6]
    )
    if found:
        return found
    from huodong.suggestions.services.pool import suggestion_create
    from huodong.suggestions.services.pool_triage import suggestion_triage

    made = []
    with frozen_at(_at("2018-05-17", "17:00")):
        for text in FALLBACK_SUGGESTIONS:
            suggestion = suggestion_create(
                actor=director,
                office=campaign.office,
                campaign=campaign,
                text=text,
                source=SuggestionSource.STAFF,
            )
            suggestion = suggestion_triage(
                actor=director, suggestion=suggestion, stage=Stage.VALUABLE
            )
            made.append(suggestion)
    return made


def build_outcomes_demo(campaign: Campaign) -> list[Outcome]:
    """The three demo outcomes (and the two sub-outcomes), returned top-level first."""
    director = _login(campaign, Role.OFFICE_DIRECTOR)
    if director is None:
        return []
    units = {unit.name: unit for unit in Unit.objects.filter(office=campaign.office)}
    if not units:
        return []
    fallback = next(iter(units.values()))

    def unit(name: str) -> Unit:
        return units.get(name, fallback)

    def head_of(of: Unit) -> User:
        return _login(campaign, Role.UNIT_HEAD, of) or director

    office = campaign.office
    with frozen_at(_at("2018-05-21", "09:00")):
        policy = outcome_create(
            actor=director,
            office=office,
            campaign=campaign,
            kind=OutcomeKind.POLICY,
            title="《关于进一步优化营商环境的若干意见》",
            description=(
                "汇总大讨论中企业和群众关于“放管服”改革、降低制度性交易成本的意见建议，"
                "形成政策意见，报市政府审议出台。"
            ),
            responsible_unit=unit("综合处"),
            is_public=True,
        )
        plan = outcome_create(
            actor=director,
            office=office,
            campaign=campaign,
            kind=OutcomeKind.PLAN,
            title="《“不见面审批”推进方案》",
            description="网上办、寄递办、一次办：让企业和群众办事“不见面”。",
            responsible_unit=unit("业务处"),
            rollup=Rollup.WEIGHTED,
        )
        online_hall = outcome_create(
            actor=director,
            office=office,
            campaign=campaign,
            kind=OutcomeKind.PRACTICE,
            title="网上办事大厅事项全覆盖",
            responsible_unit=unit("业务处"),
            parent=plan,
            weight=2,
        )
        delivery = outcome_create(
            actor=director,
            office=office,
            campaign=campaign,
            kind=OutcomeKind.PRACTICE,
            title="审批结果免费寄递到家",
            responsible_unit=unit("市政务服务中心"),
            parent=plan,
            weight=1,
        )
        rule = outcome_create(
            actor=director,
            office=office,
            campaign=campaign,
            kind=OutcomeKind.INSTITUTIONAL,
            title="《窗口服务首问负责制度》",
            description="群众问到谁，谁就负责到底：首问窗口登记、引导、跟踪办结。",
            responsible_unit=unit("市政务服务中心"),
        )

    suggestions = _suggestions(campaign, director)
    targets = [policy, online_hall, rule]
    linked: dict[int, list[Suggestion]] = {outcome.pk: [] for outcome in targets}
    for suggestion, outcome in zip(suggestions, cycle(targets), strict=False):
        linked[outcome.pk].append(suggestion)
    with frozen_at(_at("2018-05-22", "15:00")):
        for outcome in targets:
            if linked[outcome.pk]:
                outcome_link_suggestions(
                    actor=director, outcome=outcome, suggestions=linked[outcome.pk]
                )

    _milestones(policy, POLICY_MILESTONES, actor=director, done_by=head_of(policy.responsible_unit))
    _milestones(
        online_hall,
        ONLINE_HALL_MILESTONES,
        actor=director,
        done_by=head_of(online_hall.responsible_unit),
    )
    _milestones(delivery, DELIVERY_MILESTONES, actor=director, done_by=director)
    _milestones(rule, RULE_MILESTONES, actor=director, done_by=director)
    return [policy, plan, rule, online_hall, delivery]
