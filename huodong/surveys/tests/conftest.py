from __future__ import annotations

import pytest

from huodong.orgs.models import Role
from huodong.surveys.models import Audience, QuestionKind
from huodong.surveys.services import question_add, survey_create, survey_publish


@pytest.fixture
def director(office, make_member):
    return make_member(office, role=Role.OFFICE_DIRECTOR)


@pytest.fixture
def staff(office, make_member):
    return make_member(office)


@pytest.fixture
def hall_survey(office, director):
    """A public survey with one question of every type; 'the reason' shows only after 'no'."""
    survey = survey_create(
        actor=director, office=office, title="便民方舟服务满意度调查", audience=Audience.PUBLIC
    )
    section = survey.sections.get()
    q = {}
    q["satisfied"] = question_add(
        actor=director,
        section=section,
        kind=QuestionKind.SINGLE,
        text="您对办事体验是否满意？",
        options=["满意", "不满意"],
        required=True,
    )
    unhappy = q["satisfied"].options.get(label="不满意")
    q["reason"] = question_add(
        actor=director,
        section=section,
        kind=QuestionKind.LONG_TEXT,
        text="不满意的原因",
        max_length=50,
        show_if=unhappy,
        required=True,
    )
    q["services"] = question_add(
        actor=director,
        section=section,
        kind=QuestionKind.MULTIPLE,
        text="您办理了哪些业务？",
        options=["不动产", "社保", "公积金", "税务"],
        max_choices=2,
        has_other=True,
    )
    q["name"] = question_add(
        actor=director, section=section, kind=QuestionKind.SHORT_TEXT, text="您的单位（可不填）"
    )
    q["score"] = question_add(
        actor=director, section=section, kind=QuestionKind.RATING, text="总体评分", scale=(1, 5)
    )
    q["matrix"] = question_add(
        actor=director,
        section=section,
        kind=QuestionKind.MATRIX,
        text="请评价以下方面",
        options=["好", "一般", "差"],
        rows=["环境", "效率"],
    )
    q["rank"] = question_add(
        actor=director,
        section=section,
        kind=QuestionKind.RANKING,
        text="请按重要性排序",
        options=["速度", "态度", "便利"],
    )
    survey_publish(actor=director, survey=survey)
    survey.refresh_from_db()
    return survey, q
