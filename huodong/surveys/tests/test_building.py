"""Building and publishing questionnaires: who may, what is checked, and the freeze once a
survey has answers (copy to edit)."""

from __future__ import annotations

import datetime as dt

import pytest

from huodong.core import clock
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role
from huodong.surveys.errors import NotAllowed, Refused
from huodong.surveys.models import Question, QuestionKind, Survey
from huodong.surveys.services import (
    device_token_new,
    option_labels_set,
    question_add,
    question_delete,
    question_move,
    response_submit,
    section_add,
    survey_copy,
    survey_create,
    survey_publish,
)

pytestmark = pytest.mark.django_db


def test_only_the_office_builds_its_surveys(office, other_office, director, staff, make_member):
    with pytest.raises(NotAllowed):
        survey_create(actor=staff, office=office, title="问卷")
    with pytest.raises(NotAllowed):
        survey_create(
            actor=make_member(other_office, role=Role.OFFICE_DIRECTOR), office=office, title="问卷"
        )
    survey = survey_create(actor=director, office=office, title="  问卷  ")
    assert survey.title == "问卷"
    assert survey.sections.count() == 1
    assert len(survey.public_key) >= 16
    outsider = make_member(other_office, role=Role.OFFICE_DIRECTOR)
    with pytest.raises(NotAllowed):
        question_add(actor=outsider, section=survey.sections.get(), kind="short_text", text="?")
    assert AuditRecord.objects.filter(action="survey.create").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "single", "text": "选一个", "options": ["甲"]}, "options_missing"),
        ({"kind": "single", "text": "选一个", "options": ["甲", "甲"]}, "duplicate_option"),
        ({"kind": "matrix", "text": "矩阵", "options": ["好", "差"]}, "rows_missing"),
        (
            {"kind": "multiple", "text": "多选", "options": ["甲", "乙"], "max_choices": 3},
            "max_choices",
        ),
        ({"kind": "rating", "text": "评分", "scale": (5, 5)}, "scale"),
        ({"kind": "rating", "text": "评分", "scale": (0, 11)}, "scale"),
        ({"kind": "long_text", "text": "意见", "max_length": 0}, "max_length"),
        ({"kind": "essay", "text": "?"}, "kind"),
        ({"kind": "short_text", "text": "   "}, "text_missing"),
    ],
)
def test_malformed_questions_are_refused(office, director, kwargs, code):
    survey = survey_create(actor=director, office=office, title="问卷")
    with pytest.raises(Refused) as refused:
        question_add(actor=director, section=survey.sections.get(), **kwargs)
    assert refused.value.code == code
    assert not Question.objects.exists()


def test_a_condition_must_be_a_choice_of_the_same_survey(office, director):
    first = survey_create(actor=director, office=office, title="一")
    second = survey_create(actor=director, office=office, title="二")
    choice = question_add(
        actor=director, section=first.sections.get(), kind="single", text="?", options=["是", "否"]
    )
    with pytest.raises(Refused) as refused:
        question_add(
            actor=director,
            section=second.sections.get(),
            kind="short_text",
            text="为什么",
            show_if=choice.options.first(),
        )
    assert refused.value.code == "condition"


def test_publishing_needs_questions_and_sensible_dates(office, director):
    survey = survey_create(actor=director, office=office, title="问卷")
    with pytest.raises(Refused):
        survey_publish(actor=director, survey=survey)
    question_add(actor=director, section=survey.sections.get(), kind="short_text", text="建议")
    now = clock.now()
    with pytest.raises(Refused) as refused:
        survey_publish(actor=director, survey=survey, opens_at=now, closes_at=now)
    assert refused.value.code == "dates"
    published = survey_publish(
        actor=director, survey=survey, opens_at=now, closes_at=now + dt.timedelta(days=7)
    )
    assert published.published_at is not None
    template = survey_copy(actor=director, survey=survey, as_template=True)
    with pytest.raises(Refused) as refused:
        survey_publish(actor=director, survey=template)
    assert refused.value.code == "template"


def test_a_survey_with_answers_is_frozen_and_copied_to_edit(hall_survey, director):
    survey, q = hall_survey
    response_submit(
        survey=survey,
        actor=None,
        data={f"q{q['satisfied'].pk}": [str(q["satisfied"].options.first().pk)]},
        device_token=device_token_new(),
    )
    survey.refresh_from_db()
    section = survey.sections.get()
    attempts = [
        lambda: question_add(actor=director, section=section, kind="short_text", text="新问题"),
        lambda: section_add(actor=director, survey=survey, title="第二部分"),
        lambda: question_delete(actor=director, question=q["name"]),
        lambda: question_move(actor=director, question=q["name"], by=-1),
        lambda: option_labels_set(actor=director, question=q["services"], labels=["甲", "乙"]),
    ]
    for attempt in attempts:
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.code == "frozen"
    assert survey.questions.count() == 7

    copy = survey_copy(actor=director, survey=survey)
    assert copy.published_at is None and copy.response_count == 0
    assert copy.public_key != survey.public_key
    assert [x.text for x in copy.questions.order_by("position")] == [
        x.text for x in survey.questions.order_by("position")
    ]
    reason = copy.questions.get(text="不满意的原因")
    assert reason.show_if.question.survey == copy  # the condition points into the copy
    assert reason.show_if.label == "不满意"
    question_add(actor=director, section=copy.sections.get(), kind="short_text", text="新问题")
    assert copy.questions.count() == 8
    assert Survey.objects.get(pk=survey.pk).questions.count() == 7


def test_questions_move_but_never_above_their_condition(hall_survey, director):
    survey, _questions = hall_survey
    copy = survey_copy(actor=director, survey=survey)
    reason = copy.questions.get(text="不满意的原因")
    with pytest.raises(Refused) as refused:
        question_move(actor=director, question=reason, by=-1)
    assert refused.value.code == "order"
    name = copy.questions.get(text="您的单位（可不填）")
    question_move(actor=director, question=name, by=-1)
    order = list(copy.questions.order_by("position", "id").values_list("text", flat=True))
    assert order.index("您的单位（可不填）") < order.index("您办理了哪些业务？")


def test_options_can_be_replaced_before_answers(office, director):
    survey = survey_create(actor=director, office=office, title="问卷")
    question = question_add(
        actor=director,
        section=survey.sections.get(),
        kind=QuestionKind.SINGLE,
        text="?",
        options=["甲", "乙"],
    )
    option_labels_set(actor=director, question=question, labels=["丙", "丁", "戊"])
    assert list(question.options.values_list("label", flat=True)) == ["丙", "丁", "戊"]


def test_moving_past_a_section_edge_joins_the_next_section(office, director):
    survey = survey_create(actor=director, office=office, title="问卷")
    first = survey.sections.get()
    second = section_add(actor=director, survey=survey, title="第二部分")

    def add(section, text):
        return question_add(actor=director, section=section, kind="short_text", text=text)

    a, b = add(first, "A"), add(first, "B")
    c = add(second, "C")
    d = add(first, "D")  # added last, shown at the end of the first section

    def shown():
        return [
            (q.section_id, q.text)
            for q in survey.questions.order_by("section__position", "position", "id")
        ]

    assert shown() == [(first.pk, "A"), (first.pk, "B"), (first.pk, "D"), (second.pk, "C")]
    question_move(actor=director, question=d, by=-1)  # within the section: above B
    assert shown() == [(first.pk, "A"), (first.pk, "D"), (first.pk, "B"), (second.pk, "C")]
    question_move(actor=director, question=c, by=-1)  # up across the edge: end of the first
    assert shown() == [(first.pk, "A"), (first.pk, "D"), (first.pk, "B"), (first.pk, "C")]
    question_move(actor=director, question=a, by=-1)  # already first: nothing
    assert shown()[0] == (first.pk, "A")
    del b


def test_a_condition_cannot_point_to_a_later_section(office, director):
    survey = survey_create(actor=director, office=office, title="问卷")
    first = survey.sections.get()
    second = section_add(actor=director, survey=survey, title="第二部分")
    later = question_add(
        actor=director, section=second, kind="single", text="?", options=["是", "否"]
    )
    with pytest.raises(Refused) as refused:
        question_add(
            actor=director,
            section=first,
            kind="short_text",
            text="为什么",
            show_if=later.options.first(),
        )
    assert refused.value.code == "condition"


def test_editing_options_keeps_the_conditions_on_options_that_stay(office, director):
    survey = survey_create(actor=director, office=office, title="问卷")
    section = survey.sections.get()
    choice = question_add(
        actor=director, section=section, kind="single", text="?", options=["满意", "不满意"]
    )
    unhappy = choice.options.get(label="不满意")
    reason = question_add(
        actor=director, section=section, kind="short_text", text="原因", show_if=unhappy
    )
    option_labels_set(actor=director, question=choice, labels=["非常满意", "满意", "不满意"])
    reason.refresh_from_db()
    assert reason.show_if_id == unhappy.pk
    assert list(choice.options.values_list("label", flat=True)) == ["非常满意", "满意", "不满意"]
    with pytest.raises(Refused) as refused:
        option_labels_set(actor=director, question=choice, labels=["满意", "一般"])
    assert refused.value.code == "option_in_condition"
    assert choice.options.count() == 3


def test_wording_can_be_fixed_even_after_answers(hall_survey, director, staff):
    from huodong.surveys.services import question_reword

    survey, q = hall_survey
    response_submit(
        survey=survey,
        actor=None,
        data={f"q{q['satisfied'].pk}": [str(q["satisfied"].options.first().pk)]},
        device_token=device_token_new(),
    )
    reworded = question_reword(
        actor=director, question=q["name"], text=" 您所在的单位（可不填） ", help_text="企业名称"
    )
    assert (reworded.text, reworded.help_text) == ("您所在的单位（可不填）", "企业名称")
    with pytest.raises(Refused):
        question_reword(actor=director, question=q["name"], text="  ")
    with pytest.raises(NotAllowed):
        question_reword(actor=staff, question=q["name"], text="改掉")
    q["name"].refresh_from_db()
    assert q["name"].text == "您所在的单位（可不填）"
    record = AuditRecord.objects.get(action="survey.question_reword")
    assert record.changes["before"]["text"] == "您的单位（可不填）"
