"""The demo's questionnaire: the service hall's survey the plan hands out (在便民方舟发放调查问卷),
published, with a few hundred generated answers loaded in bulk and their tallies counted once."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.core.clock import frozen_at
from huodong.orgs.models import Person, Role
from huodong.surveys.models import Answer, Audience, QuestionKind, Response
from huodong.surveys.services import (
    question_add,
    survey_create,
    survey_publish,
    survey_tallies_rebuild,
)

DEMO_RESPONSES = 300
SUGGESTIONS = [
    "建议周末增设便民服务窗口，方便上班族办事。",
    "网上办理流程还可以再简化，减少重复上传材料。",
    "希望推行更多“不见面审批”事项。",
    "窗口工作人员态度很好，点赞！",
    "等候区座位偏少，高峰期需要排队较久。",
    "建议对企业开办实行全程帮办代办。",
    "一次性告知清单应在网上公开，避免来回跑。",
    "希望各部门数据共享，不要让群众重复提交证明。",
]
PROBLEMS = [
    "个别窗口之间相互推诿，让我到另一个窗口办理。",
    "材料要求前后不一致，多跑了两趟。",
]


def _at(day: str, time: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def build_surveys_demo(campaign: Campaign) -> None:
    director = (
        Person.objects.filter(office=campaign.office, roles__role=Role.OFFICE_DIRECTOR)
        .select_related("user")
        .first()
    )
    if director is None or director.user is None:
        return
    actor = director.user
    with frozen_at(_at("2018-05-28", "09:00")):
        survey = survey_create(
            actor=actor,
            office=campaign.office,
            campaign=campaign,
            title="“便民方舟”政务服务满意度调查问卷",
            description=(
                "为深入开展解放思想大讨论活动，进一步优化营商环境，请您对本次办事体验作出评价，"
                "并提出宝贵意见建议。问卷匿名填写，约需3分钟。"
            ),
            audience=Audience.PUBLIC,
        )
        section = survey.sections.get()
        business = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.SINGLE,
            text="您本次办理的业务类别",
            options=["不动产登记", "社保医保", "住房公积金", "税务", "市场主体登记"],
            has_other=True,
            required=True,
        )
        overall = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.RATING,
            text="您对窗口服务的总体评价",
            scale=(1, 5),
            scale_labels=("很不满意", "非常满意"),
            required=True,
        )
        improve = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.MULTIPLE,
            text="您认为我们在哪些方面最需要改进？",
            options=["办事效率", "服务态度", "一次性告知", "网上办理", "等候环境", "材料精简"],
            max_choices=3,
        )
        aspects = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.MATRIX,
            text="请评价以下方面",
            options=["满意", "基本满意", "不满意"],
            rows=["服务态度", "办事效率", "环境设施"],
        )
        met = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.SINGLE,
            text="办事过程中是否遇到推诿扯皮、吃拿卡要等情况？",
            options=["没有", "有"],
            required=True,
        )
        details = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.LONG_TEXT,
            text="请简要说明遇到的情况",
            max_length=500,
            show_if=met.options.get(label="有"),
        )
        suggestion = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.LONG_TEXT,
            text="您对解放思想、优化营商环境有何意见建议？",
            max_length=1000,
        )
        ranking = question_add(
            actor=actor,
            section=section,
            kind=QuestionKind.RANKING,
            text="请按您心目中的重要性排列以下改革举措",
            options=["不见面审批", "一窗受理", "容缺办理"],
        )
        survey_publish(actor=actor, survey=survey, opens_at=_at("2018-06-01", "08:30"))

    rng = random.Random(2018)
    options = {
        question.pk: list(question.options.order_by("position"))
        for question in (business, improve, aspects, met, ranking)
    }
    responses = []
    for number in range(DEMO_RESPONSES):
        day = dt.date(2018, 6, 1) + dt.timedelta(days=rng.randrange(19))
        responses.append(
            Response(
                survey=survey,
                device_hash=hashlib.sha256(f"demo-device-{number}".encode()).hexdigest(),
                submitted_at=_at(
                    day.isoformat(), f"{rng.randrange(9, 17):02d}:{rng.randrange(60):02d}"
                ),
            )
        )
    Response.objects.bulk_create(responses)
    answers: list[Answer] = []
    for response in Response.objects.filter(survey=survey).order_by("pk"):
        if rng.random() < 0.06:
            answers.append(
                Answer(response=response, question=business, text="出入境证件", is_other=True)
            )
        else:
            answers.append(
                Answer(
                    response=response, question=business, option=rng.choice(options[business.pk])
                )
            )
        score = rng.choices([1, 2, 3, 4, 5], weights=[2, 4, 12, 38, 44])[0]
        answers.append(Answer(response=response, question=overall, value=score))
        for option in rng.sample(options[improve.pk], rng.randrange(0, 4)):
            answers.append(Answer(response=response, question=improve, option=option))
        for row in range(3):
            choice = rng.choices(options[aspects.pk], weights=[70, 25, 5])[0]
            answers.append(Answer(response=response, question=aspects, option=choice, row=row))
        said_yes = rng.random() < 0.05
        answers.append(
            Answer(response=response, question=met, option=options[met.pk][1 if said_yes else 0])
        )
        if said_yes:
            answers.append(Answer(response=response, question=details, text=rng.choice(PROBLEMS)))
        if rng.random() < 0.3:
            answers.append(
                Answer(response=response, question=suggestion, text=rng.choice(SUGGESTIONS))
            )
        if rng.random() < 0.6:
            order = rng.sample(options[ranking.pk], 3)
            for place, option in enumerate(order, start=1):
                answers.append(
                    Answer(response=response, question=ranking, option=option, value=place)
                )
    Answer.objects.bulk_create(answers, batch_size=2_000)
    survey_tallies_rebuild(survey_id=survey.pk)
