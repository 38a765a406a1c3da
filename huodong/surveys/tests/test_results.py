"""Results from the tallies: each option counted on its own, ratings, matrices, rankings, and
a query count that does not grow with the answers."""

from __future__ import annotations

import pytest

from huodong.orgs.models import Role
from huodong.orgs.permissions import membership_of
from huodong.surveys.selectors import survey_results, surveys_visible_to
from huodong.surveys.services import device_token_new, response_submit
from huodong.surveys.tests.test_answering import full_answer, opt

pytestmark = pytest.mark.django_db


def answer(survey, data):
    response_submit(survey=survey, actor=None, data=data, device_token=device_token_new())


def test_results_count_each_option_and_summarise_each_type(hall_survey):
    survey, q = hall_survey
    answer(survey, full_answer(q))
    other = full_answer(q)
    services, score, rank = q["services"], q["score"], q["rank"]
    other[f"q{services.pk}"] = [opt(services, "社保"), opt(services, "税务")]
    other[f"q{score.pk}"] = ["2"]
    other[f"q{rank.pk}_o{opt(rank, '速度')}"] = ["1"]
    other[f"q{rank.pk}_o{opt(rank, '态度')}"] = ["3"]
    other[f"q{rank.pk}_o{opt(rank, '便利')}"] = ["2"]
    answer(survey, other)
    results = {result.question.pk: result for result in survey_results(survey)}

    chosen = {o.label: (o.count, o.share) for o in results[services.pk].options}
    assert chosen["社保"] == (2, 1.0)  # both chose it: 100%, counted on its own
    assert chosen["税务"] == (1, 0.5)
    assert chosen["不动产"] == (0, 0.0)
    assert results[services.pk].other == 1
    rating = results[score.pk]
    assert rating.answered == 2 and rating.mean == pytest.approx(3.0)
    assert [(p.label, p.count) for p in rating.scale] == [
        ("1", 0),
        ("2", 1),
        ("3", 0),
        ("4", 1),
        ("5", 0),
    ]
    matrix = results[q["matrix"].pk]
    assert matrix.rows[0][0] == "环境"
    assert {c.label: c.count for c in matrix.rows[0][1]} == {"好": 2, "一般": 0, "差": 0}
    places = dict(results[rank.pk].mean_places)
    assert places == {"速度": 1.5, "态度": 2.0, "便利": 2.5}
    assert results[q["name"].pk].texts == 2
    assert results[q["reason"].pk].answered == 0


def test_results_take_the_same_queries_however_many_answers(
    hall_survey, django_assert_max_num_queries
):
    survey, q = hall_survey
    answer(survey, full_answer(q))
    with django_assert_max_num_queries(3):
        survey_results(survey)
    for _ in range(30):
        answer(survey, full_answer(q))
    with django_assert_max_num_queries(3):
        results = survey_results(survey)
    assert results[0].answered == 31


def test_only_the_office_and_its_leaders_see_surveys(
    hall_survey, office, other_office, staff, make_member
):
    survey, _q = hall_survey
    leader = make_member(office, role=Role.LEADER)
    assert list(surveys_visible_to(membership_of(leader))) == [survey]
    assert not surveys_visible_to(membership_of(staff)).exists()
    outsider = make_member(other_office, role=Role.OFFICE_DIRECTOR)
    assert not surveys_visible_to(membership_of(outsider)).exists()


def test_rebuilt_tallies_equal_the_kept_ones(hall_survey):
    from huodong.surveys.models import AnswerTally
    from huodong.surveys.services import survey_tallies_rebuild

    survey, q = hall_survey
    for _ in range(3):
        answer(survey, full_answer(q))
    no = opt(q["satisfied"], "不满意")
    answer(survey, {f"q{q['satisfied'].pk}": [no], f"q{q['reason'].pk}": ["排队太久"]})
    kept = set(AnswerTally.objects.values_list("question_id", "key", "count"))
    AnswerTally.objects.update(count=0)
    survey_tallies_rebuild(survey_id=survey.pk)
    assert set(AnswerTally.objects.values_list("question_id", "key", "count")) == kept
    survey.refresh_from_db()
    assert survey.response_count == 4
