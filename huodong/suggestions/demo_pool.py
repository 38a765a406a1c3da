"""The demo's suggestion pool: the office's categories and statuses, and suggestions in every
stage — from staff (“Make a suggestion”), from the public mailbox, and from the questionnaire's
written answers sent to the pool — with evaluators, opinions, answers and a merged duplicate.

Everything goes through the services, at moments of June 2018 (`frozen_at`), so the history
of each suggestion reads as it would have happened."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.core.clock import frozen_at
from huodong.orgs.models import Person, Role, User
from huodong.suggestions.models import (
    Stage,
    SuggestionCategory,
    SuggestionSource,
    SuggestionStatus,
)
from huodong.suggestions.services.pool import suggestion_answer, suggestion_create
from huodong.suggestions.services.pool_mailbox import mailbox_suggestion_submit, mailbox_token_new
from huodong.suggestions.services.pool_settings import (
    suggestion_category_create,
    suggestion_status_create,
)
from huodong.suggestions.services.pool_triage import (
    evaluation_give,
    suggestion_evaluators_assign,
    suggestion_merge,
    suggestion_triage,
)

CATEGORIES = ["营商环境", "政务服务", "作风建设", "数字政府"]
STATUSES = [
    (Stage.RECEIVED, "待分办"),
    (Stage.EVALUATING, "转交职能部门"),
    (Stage.EVALUATING, "组织专家论证"),
    (Stage.ADOPTED, "已列入整改清单"),
    (Stage.ADOPTED, "已形成制度"),
]
SURVEY_ANSWERS_SENT = 6


def _at(day: str, time: str = "10:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, person__isnull=False).first()


def build_suggestions_demo(campaign: Campaign) -> None:
    office = campaign.office
    director_person = (
        Person.objects.filter(office=office, roles__role=Role.OFFICE_DIRECTOR)
        .select_related("user")
        .first()
    )
    if director_person is None or director_person.user is None:
        return
    director = director_person.user
    window = _user("chuangkou")
    unit_head = _user("zonghechu")
    evaluators = [p for p in (_user("yewuchu"), _user("shichangchu")) if p is not None]
    evaluator_people = [Person.objects.get(user=u) for u in evaluators]

    with frozen_at(_at("2018-05-25", "09:00")):
        # The office may have set some up already (another demo): those are kept.
        categories = {
            name: SuggestionCategory.objects.filter(office=office, name=name).first()
            or suggestion_category_create(actor=director, office=office, name=name)
            for name in CATEGORIES
        }
        statuses: dict[str, SuggestionStatus] = {
            name: SuggestionStatus.objects.filter(office=office, name=name).first()
            or suggestion_status_create(actor=director, office=office, stage=stage, name=name)
            for stage, name in STATUSES
        }

    def staff(day: str, user: User | None, text: str, category: str, tags: list[str]):
        with frozen_at(_at(day, "15:20")):
            return suggestion_create(
                actor=user or director,
                office=office,
                campaign=campaign,
                text=text,
                source=SuggestionSource.STAFF,
                category=categories[category],
                tags=tags,
            )

    def mailbox(day: str, text: str, **who):
        with frozen_at(_at(day, "20:05")):
            return mailbox_suggestion_submit(
                campaign=campaign, token=mailbox_token_new(), text=text, **who
            ).suggestion

    weekend = staff(
        "2018-06-01",
        window,
        "建议政务服务中心实行周末轮班制，周六上午开放不动产登记、社保等高频事项窗口，"
        "方便上班族办事。",
        "政务服务",
        ["窗口", "周末"],
    )
    one_net = staff(
        "2018-06-04",
        unit_head,
        "建议梳理各部门办事材料，凡是能通过数据共享获取的证明一律不再要求群众提交，"
        "推动“一网通办”。",
        "数字政府",
        ["数据共享", "材料"],
    )
    agent = mailbox(
        "2018-06-05",
        "我们是园区里的小微企业，建议对企业开办实行全程帮办代办，一次告知、限时办结。",
        name="刘经理",
        organisation="宿迁某电子科技有限公司",
        contact="liu.manager@example.com",
    )
    parking = mailbox(
        "2018-06-06",
        "政务服务中心停车位太少，高峰期要排很久，建议和周边单位协调错时共享停车。",
        name="陈女士",
        contact="13905271688",
    )
    duplicate = mailbox(
        "2018-06-08",
        "建议政务服务中心周末轮班，周六上午开放不动产登记、社保等高频窗口，方便上班族。",
        is_anonymous=True,
    )
    style = staff(
        "2018-06-11",
        window,
        "建议对窗口人员推诿扯皮问题建立“好差评”回访制度，差评件件有整改、有反馈。",
        "作风建设",
        ["作风", "好差评"],
    )
    fees = mailbox(
        "2018-06-12",
        "建议取消所有中介服务收费。",
        name="匿名群众",
    )
    staff(
        "2018-06-18",
        unit_head,
        "建议在市民中心设立“办不成事”反映窗口，专门解决群众办事中遇到的疑难问题。",
        "营商环境",
        ["窗口"],
    )
    mailbox("2018-06-19", "希望网上办事大厅能支持手机扫码登录，少输密码。")

    # The questionnaire's written suggestions, as the office sent them to the pool.
    from huodong.surveys.models import Answer, QuestionKind
    from huodong.surveys.services import answer_send_to_pool

    written = list(
        Answer.objects.filter(
            question__survey__campaign=campaign,
            question__kind=QuestionKind.LONG_TEXT,
            text__gt="",
        )
        .order_by("response__submitted_at", "pk")
        .values_list("pk", "text", "sent_to_pool_at")
    )
    chosen: list[int] = [pk for pk, _text, sent in written if sent is not None]
    seen = set()
    for pk, text, _sent in written:
        if len(chosen) >= SURVEY_ANSWERS_SENT:
            break
        if text not in seen and pk not in chosen:
            seen.add(text)
            chosen.append(pk)
    with frozen_at(_at("2018-06-15", "11:00")):
        for pk in chosen:
            answer_send_to_pool(actor=director, answer_id=pk)

    # Triage through June: every stage shows.
    with frozen_at(_at("2018-06-07", "09:30")):
        suggestion_triage(
            actor=director,
            suggestion=weekend,
            stage=Stage.VALUABLE,
            reason="群众呼声高，纳入改革再发力研究",
        )
    with frozen_at(_at("2018-06-09", "10:00")):
        suggestion_merge(actor=director, duplicate=duplicate, original=weekend)
    if evaluator_people:
        with frozen_at(_at("2018-06-08", "14:00")):
            suggestion_evaluators_assign(
                actor=director, suggestions=[one_net, parking], evaluators=evaluator_people
            )
            suggestion_triage(
                actor=director,
                suggestion=one_net,
                stage=Stage.EVALUATING,
                status=statuses["转交职能部门"],
            )
        with frozen_at(_at("2018-06-13", "16:40")):
            evaluation_give(
                actor=evaluators[0],
                suggestion=one_net,
                opinion="与省“不见面审批”改革方向一致，可先在不动产登记、企业开办领域试点。",
                recommended_stage=Stage.ADOPTED,
            )
    with frozen_at(_at("2018-06-12", "09:00")):
        suggestion_triage(
            actor=director, suggestion=agent, stage=Stage.ADOPTED, status=statuses["已列入整改清单"]
        )
        suggestion_answer(
            actor=director,
            suggestion=agent,
            text="感谢您的建议。企业开办全程帮办代办已列入我办整改清单，7月起在市民中心试行。",
        )
    with frozen_at(_at("2018-06-14", "10:30")):
        suggestion_triage(
            actor=director, suggestion=style, stage=Stage.ADOPTED, status=statuses["已形成制度"]
        )
        suggestion_answer(
            actor=director,
            suggestion=style,
            text="已建立窗口服务“好差评”回访制度，谢谢你的建议。",
        )
    with frozen_at(_at("2018-06-15", "15:00")):
        suggestion_triage(
            actor=director,
            suggestion=fees,
            stage=Stage.NOT_ADOPTED,
            reason="部分中介服务收费有法定依据，不能一律取消；已另行规范中介服务收费公示。",
        )
