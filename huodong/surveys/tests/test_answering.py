"""Answering: every question type, the conditions, the one-answer rules and bad input. Nothing
is saved from a refused response."""

from __future__ import annotations

import datetime as dt

import pytest

from huodong.core import clock
from huodong.surveys.errors import AnswersInvalid, NotAllowed, Refused
from huodong.surveys.models import Answer, AnswerTally, Audience, QuestionKind, Response, Survey
from huodong.surveys.services import (
    device_token_new,
    question_add,
    response_submit,
    survey_close,
    survey_create,
    survey_publish,
)

pytestmark = pytest.mark.django_db


def opt(question, label) -> str:
    return str(question.options.get(label=label).pk)


def full_answer(q) -> dict[str, list[str]]:
    matrix = q["matrix"]
    rank = q["rank"]
    return {
        f"q{q['satisfied'].pk}": [opt(q["satisfied"], "满意")],
        f"q{q['services'].pk}": [opt(q["services"], "社保"), "other"],
        f"q{q['services'].pk}_other": ["出入境"],
        f"q{q['name'].pk}": ["  某某公司 "],
        f"q{q['score'].pk}": ["4"],
        f"q{matrix.pk}_r0": [opt(matrix, "好")],
        f"q{matrix.pk}_r1": [opt(matrix, "一般")],
        f"q{rank.pk}_o{opt(rank, '速度')}": ["2"],
        f"q{rank.pk}_o{opt(rank, '态度')}": ["1"],
        f"q{rank.pk}_o{opt(rank, '便利')}": ["3"],
    }


def submit(survey, data, *, token=None, address="10.0.0.1", actor=None):
    return response_submit(
        survey=survey,
        actor=actor,
        data=data,
        device_token=device_token_new() if token is None else token,
        address=address,
    )


def tallies(question) -> dict[str, int]:
    return dict(AnswerTally.objects.filter(question=question).values_list("key", "count"))


def nothing_saved(survey) -> bool:
    survey.refresh_from_db()
    return (
        survey.response_count == 0
        and not Response.objects.exists()
        and not Answer.objects.exists()
        and not AnswerTally.objects.filter(count__gt=0).exists()
    )


def test_every_question_type_is_saved_and_counted(hall_survey):
    survey, q = hall_survey
    response = submit(survey, full_answer(q))
    answers = {
        (a.question_id, a.option_id, a.row, a.value, a.text, a.is_other)
        for a in response.answers.all()
    }
    services = q["services"]
    assert (services.pk, None, None, None, "出入境", True) in answers
    assert (services.pk, int(opt(services, "社保")), None, None, "", False) in answers
    assert (q["name"].pk, None, None, None, "某某公司", False) in answers
    assert (q["score"].pk, None, None, 4, "", False) in answers
    matrix, rank = q["matrix"], q["rank"]
    assert (matrix.pk, int(opt(matrix, "一般")), 1, None, "", False) in answers
    assert (rank.pk, int(opt(rank, "态度")), None, 1, "", False) in answers
    assert tallies(services) == {"n": 1, f"o{opt(services, '社保')}": 1, "x": 1}
    assert tallies(q["score"]) == {"n": 1, "v4": 1}
    assert tallies(matrix) == {"n": 1, f"o{opt(matrix, '好')}r0": 1, f"o{opt(matrix, '一般')}r1": 1}
    assert tallies(rank)[f"o{opt(rank, '态度')}p1"] == 1
    assert tallies(q["reason"]) == {}  # hidden: not answered
    survey.refresh_from_db()
    assert survey.response_count == 1
    # A second response adds to the same tallies.
    submit(survey, full_answer(q))
    assert tallies(q["score"]) == {"n": 2, "v4": 2}


def test_multiple_choice_counts_options_not_combinations(hall_survey):
    survey, q = hall_survey
    services = q["services"]
    base = {f"q{q['satisfied'].pk}": [opt(q["satisfied"], "满意")]}
    submit(survey, {**base, f"q{services.pk}": [opt(services, "社保"), opt(services, "税务")]})
    submit(survey, {**base, f"q{services.pk}": [opt(services, "社保")]})
    counts = tallies(services)
    assert counts[f"o{opt(services, '社保')}"] == 2
    assert counts[f"o{opt(services, '税务')}"] == 1
    assert counts["n"] == 2


def test_a_conditional_question_applies_only_after_its_answer(hall_survey):
    survey, q = hall_survey
    no = opt(q["satisfied"], "不满意")
    # Shown and required once "不满意" is chosen.
    with pytest.raises(AnswersInvalid) as missing:
        submit(survey, {f"q{q['satisfied'].pk}": [no]})
    assert set(missing.value.errors) == {q["reason"].pk}
    submit(survey, {f"q{q['satisfied'].pk}": [no], f"q{q['reason'].pk}": ["排队太久"]})
    # Answered while hidden: refused, nothing of it saved.
    with pytest.raises(AnswersInvalid) as hidden:
        submit(
            survey,
            {
                f"q{q['satisfied'].pk}": [opt(q["satisfied"], "满意")],
                f"q{q['reason'].pk}": ["没有不满意"],
            },
        )
    assert set(hidden.value.errors) == {q["reason"].pk}
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "question"),
    [
        (lambda q: {f"q{q['satisfied'].pk}": []}, "satisfied"),  # required, missing
        (
            lambda q: {
                f"q{q['satisfied'].pk}": [
                    opt(q["satisfied"], "满意"),
                    opt(q["satisfied"], "不满意"),
                ]
            },
            "satisfied",
        ),
        (lambda q: {f"q{q['satisfied'].pk}": ["999999"]}, "satisfied"),  # not its option
        (lambda q: {f"q{q['satisfied'].pk}": ["abc"]}, "satisfied"),  # not a number
        (
            lambda q: {
                f"q{q['services'].pk}": [
                    opt(q["services"], "社保"),
                    opt(q["services"], "税务"),
                    opt(q["services"], "公积金"),
                ]
            },
            "services",
        ),  # too many
        (
            lambda q: {f"q{q['services'].pk}": ["other"], f"q{q['services'].pk}_other": [""]},
            "services",
        ),
        (
            lambda q: {f"q{q['services'].pk}": [opt(q["matrix"], "好")]},
            "services",
        ),  # another question's
        (lambda q: {f"q{q['name'].pk}": ["字" * 201]}, "name"),  # over the short-text limit
        (lambda q: {f"q{q['score'].pk}": ["6"]}, "score"),
        (lambda q: {f"q{q['score'].pk}": ["4.5"]}, "score"),
        (lambda q: {f"q{q['matrix'].pk}_r0": [opt(q["satisfied"], "满意")]}, "matrix"),
        (
            lambda q: {
                f"q{q['rank'].pk}_o{opt(q['rank'], '速度')}": ["1"],
                f"q{q['rank'].pk}_o{opt(q['rank'], '态度')}": ["1"],
                f"q{q['rank'].pk}_o{opt(q['rank'], '便利')}": ["2"],
            },
            "rank",
        ),
        (lambda q: {f"q{q['rank'].pk}_o{opt(q['rank'], '速度')}": ["1"]}, "rank"),  # incomplete
    ],
)
def test_bad_answers_are_refused_per_question_and_nothing_is_saved(hall_survey, change, question):
    survey, q = hall_survey
    data = {**full_answer(q), **change(q)}
    with pytest.raises(AnswersInvalid) as refused:
        submit(survey, data)
    assert q[question].pk in refused.value.errors
    assert refused.value.errors[q[question].pk]  # a message for the person answering
    assert nothing_saved(survey)


def test_long_text_over_its_own_limit(hall_survey):
    survey, q = hall_survey
    data = {
        f"q{q['satisfied'].pk}": [opt(q["satisfied"], "不满意")],
        f"q{q['reason'].pk}": ["慢" * 51],
    }
    with pytest.raises(AnswersInvalid) as refused:
        submit(survey, data)
    assert "50" in refused.value.errors[q["reason"].pk]
    assert nothing_saved(survey)


def test_an_empty_response_is_refused(hall_survey, office, director):
    survey = survey_create(actor=director, office=office, title="可选问卷")
    question_add(
        actor=director, section=survey.sections.get(), kind=QuestionKind.SHORT_TEXT, text="建议"
    )
    survey_publish(actor=director, survey=survey)
    with pytest.raises(AnswersInvalid):
        submit(survey, {})
    assert nothing_saved(survey)


def test_one_answer_per_device_and_a_forged_token_is_refused(hall_survey):
    survey, q = hall_survey
    token = device_token_new()
    submit(survey, full_answer(q), token=token)
    with pytest.raises(Refused) as again:  # a double submit, or the token replayed
        submit(survey, full_answer(q), token=token)
    assert again.value.code == "answered"
    for forged in ("", "abc", token[:-2] + "xx"):
        with pytest.raises(Refused) as bad:
            submit(survey, full_answer(q), token=forged)
        assert bad.value.code == "bad_token"
    survey.refresh_from_db()
    assert survey.response_count == 1
    assert Response.objects.count() == 1


def test_answers_from_one_address_are_limited(hall_survey, settings):
    settings.HUODONG_SURVEY_RATE_LIMIT = RATE_LIMIT = 5
    survey, q = hall_survey
    for _ in range(RATE_LIMIT):
        submit(survey, full_answer(q), address="10.9.9.9")
    with pytest.raises(Refused) as limited:
        submit(survey, full_answer(q), address="10.9.9.9")
    assert limited.value.code == "rate_limited"
    submit(survey, full_answer(q), address="10.9.9.8")  # another address is not held up
    assert Response.objects.count() == RATE_LIMIT + 1
    # The address itself is not stored.
    assert not Response.objects.filter(address_hash="10.9.9.9").exists()


def test_a_closed_draft_or_future_survey_takes_no_answers(hall_survey, director):
    survey, q = hall_survey
    survey_close(actor=director, survey=survey)
    with pytest.raises(Refused) as closed:
        submit(survey, full_answer(q))
    assert closed.value.code == "closed"
    Survey.objects.filter(pk=survey.pk).update(
        closes_at=None, opens_at=clock.now() + dt.timedelta(days=1)
    )
    with pytest.raises(Refused):
        submit(survey, full_answer(q))
    Survey.objects.filter(pk=survey.pk).update(opens_at=None, published_at=None)
    with pytest.raises(Refused):
        submit(survey, full_answer(q))
    assert nothing_saved(survey)


def test_staff_surveys_take_one_answer_per_person_signed_in(
    office, other_office, director, staff, make_member
):
    survey = survey_create(
        actor=director, office=office, title="干部作风问卷", audience=Audience.STAFF
    )
    question = question_add(
        actor=director,
        section=survey.sections.get(),
        kind=QuestionKind.RATING,
        text="作风评分",
        required=True,
    )
    survey_publish(actor=director, survey=survey)
    data = {f"q{question.pk}": ["5"]}
    response = response_submit(survey=survey, actor=staff, data=data)
    assert response.person.user == staff
    with pytest.raises(Refused) as again:
        response_submit(survey=survey, actor=staff, data=data)
    assert again.value.code == "answered"
    with pytest.raises(NotAllowed):
        response_submit(survey=survey, actor=None, data=data, device_token=device_token_new())
    with pytest.raises(NotAllowed):
        response_submit(survey=survey, actor=make_member(other_office), data=data)
    assert Response.objects.count() == 1


def test_a_text_answer_is_marked_for_the_suggestion_pool_once(hall_survey, director, staff):
    from huodong.core.models import AuditRecord
    from huodong.surveys.services import answer_send_to_pool

    survey, q = hall_survey
    response = submit(survey, full_answer(q))
    text = response.answers.get(question=q["name"])
    choice = response.answers.get(question=q["satisfied"])
    with pytest.raises(NotAllowed):
        answer_send_to_pool(actor=staff, answer_id=text.pk)
    with pytest.raises(Refused) as refused:
        answer_send_to_pool(actor=director, answer_id=choice.pk)
    assert refused.value.code == "not_text"
    sent = answer_send_to_pool(actor=director, answer_id=text.pk)
    first = sent.sent_to_pool_at
    assert first is not None and sent.sent_to_pool_by == director
    again = answer_send_to_pool(actor=director, answer_id=text.pk)
    assert again.sent_to_pool_at == first
    assert AuditRecord.objects.filter(action="survey.answer_to_pool").count() == 1
