"""The results pages: who sees them, the charts and counts, the filter, the cross-tabulation,
the text answers, and query counts that do not grow with the answers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from huodong.orgs.models import Role
from huodong.surveys.results_filtered import (
    crosstab,
    filter_option_get,
    filtered_results,
    text_answers,
)
from huodong.surveys.selectors import survey_results
from huodong.surveys.services import device_token_new, response_submit
from huodong.surveys.tests.test_answering import full_answer, opt

pytestmark = pytest.mark.django_db


def answer(survey, data):
    return response_submit(survey=survey, actor=None, data=data, device_token=device_token_new())


def unhappy(q, reason="排队太久", services=("不动产",)):
    """A 'not satisfied' answer with its reason, some services, a score of 2."""
    return {
        f"q{q['satisfied'].pk}": [opt(q["satisfied"], "不满意")],
        f"q{q['reason'].pk}": [reason],
        f"q{q['services'].pk}": [opt(q["services"], label) for label in services],
        f"q{q['score'].pk}": ["2"],
    }


@pytest.fixture
def answered(hall_survey):
    """Three satisfied (社保 + other 出入境, score 4), two not (不动产, score 2; one also 税务)."""
    survey, q = hall_survey
    for _ in range(3):
        answer(survey, full_answer(q))
    answer(survey, unhappy(q, "排队太久"))
    answer(survey, unhappy(q, "窗口人员态度差", services=("不动产", "税务")))
    survey.refresh_from_db()
    return survey, q


def url(name, survey, *args):
    return reverse(f"surveys:{name}", args=[survey.pk, *args])


def section(html: str, question) -> str:
    """The results page's section of one question."""
    found = re.search(rf'<section[^>]*id="q{question.pk}".*?</section>', html, re.S)
    assert found, question
    return found.group(0)


def bar_values(html: str) -> list[str]:
    return re.findall(r'<text class="res-bar-value"[^>]*>([^<]*)</text>', html)


# --- Who sees the results ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICE_DIRECTOR, Role.LEADER, Role.INSPECTOR])
def test_the_office_and_its_leaders_see_every_results_page(
    client, answered, office, make_member, role
):
    survey, q = answered
    client.force_login(make_member(office, role=role))
    for target in (
        url("results", survey),
        url("results_crosstab", survey) + f"?rows={q['satisfied'].pk}&cols={q['services'].pk}",
        url("results_texts", survey, q["reason"].pk),
        url("results_texts", survey, q["services"].pk) + "?other=1",
        url("export_csv", survey),
        url("export_xlsx", survey),
    ):
        response = client.get(target)
        assert response.status_code == 200, target
        if response.streaming:
            b"".join(response.streaming_content)


def test_staff_and_other_offices_get_404_and_the_anonymous_log_in(
    client, answered, staff, other_office, make_member
):
    survey, q = answered
    targets = [
        url("results", survey),
        url("results_crosstab", survey),
        url("results_texts", survey, q["reason"].pk),
        url("export_csv", survey),
        url("export_xlsx", survey),
    ]
    for target in targets:
        response = client.get(target)
        assert response.status_code == 302 and "/login" in response["Location"], target
    client.force_login(staff)
    for target in targets:
        assert client.get(target).status_code == 404, target
    client.force_login(make_member(other_office, role=Role.OFFICE_DIRECTOR))
    for target in targets:
        assert client.get(target).status_code == 404, target


# --- The results page ---------------------------------------------------------------------------


def test_results_page_draws_each_question_with_its_counts(client, answered, director):
    survey, q = answered
    client.force_login(director)
    html = client.get(url("results", survey)).content.decode()
    assert html.count("<svg") >= 4  # two choices, the rating, the ranking
    assert '<meta http-equiv="refresh"' not in html
    assert 'id="response-count">5<' in html

    satisfied = section(html, q["satisfied"])
    assert 'data-answered="5"' in satisfied
    assert bar_values(satisfied) == ["3（60.0%）", "2（40.0%）"]

    # Each option on its own: 社保 3, 不动产 2, 税务 1 (five answered: shares pass 100%).
    services = section(html, q["services"])
    assert bar_values(services) == [
        "2（40.0%）",
        "3（60.0%）",
        "0（0.0%）",
        "1（20.0%）",
        "3（60.0%）",  # other
    ]
    assert "100%" in services  # the note that shares can add up to more than 100%
    assert 'class="res-other">3<' in services
    assert url("results_texts", survey, q["services"].pk) + "?other=1" in services

    score = section(html, q["score"])
    assert 'data-mean="3.20"' in score  # (3 × 4 + 2 × 2) / 5
    assert bar_values(score) == [
        "0（0.0%）",
        "2（40.0%）",
        "0（0.0%）",
        "3（60.0%）",
        "0（0.0%）",
    ]

    matrix = section(html, q["matrix"])
    assert re.search(r">3<small>100.0%</small>", matrix)  # 环境: 好 by all three

    rank = section(html, q["rank"])
    labels = re.findall(r'<text x="0"[^>]*>([^<]*)</text>', rank)
    assert labels == ["态度", "速度", "便利"]  # by mean place

    reason = section(html, q["reason"])
    assert 'class="res-texts-count">2<' in reason
    assert url("results_texts", survey, q["reason"].pk) in reason


def test_refresh_link_and_optional_auto_refresh(client, answered, director):
    survey, _q = answered
    client.force_login(director)
    html = client.get(url("results", survey) + "?auto=1").content.decode()
    assert '<meta http-equiv="refresh" content="30">' in html
    assert 'id="refresh"' in html


def test_results_page_queries_do_not_grow_with_the_answers(
    client, hall_survey, director, django_assert_max_num_queries
):
    survey, q = hall_survey
    answer(survey, full_answer(q))
    client.force_login(director)
    target = url("results", survey)
    client.get(target)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    for _ in range(20):
        answer(survey, full_answer(q))
    answer(survey, unhappy(q))
    with django_assert_max_num_queries(len(few)):
        html = client.get(target).content.decode()
    assert 'id="response-count">22<' in html


# --- Filter -----------------------------------------------------------------------------------


def test_filter_counts_only_the_responses_that_chose_the_option(client, answered, director):
    survey, q = answered
    no = q["satisfied"].options.get(label="不满意")
    results = {r.question.pk: r for r in filtered_results(survey, no)}
    assert results[q["satisfied"].pk].answered == 2
    assert [(o.label, o.count) for o in results[q["satisfied"].pk].options] == [
        ("满意", 0),
        ("不满意", 2),
    ]
    services = results[q["services"].pk]
    assert services.answered == 2 and services.other == 0
    assert {o.label: (o.count, o.share) for o in services.options} == {
        "不动产": (2, 1.0),
        "社保": (0, 0.0),
        "公积金": (0, 0.0),
        "税务": (1, 0.5),
    }
    assert results[q["score"].pk].mean == pytest.approx(2.0)
    assert results[q["reason"].pk].texts == 2
    assert results[q["matrix"].pk].answered == 0
    assert results[q["rank"].pk].mean_places == [("速度", 0.0), ("态度", 0.0), ("便利", 0.0)]

    # A multiple choice's option as the filter: 社保 was chosen by the three satisfied.
    social = q["services"].options.get(label="社保")
    results = {r.question.pk: r for r in filtered_results(survey, social)}
    assert results[q["satisfied"].pk].options[0].count == 3
    assert results[q["score"].pk].mean == pytest.approx(4.0)
    assert results[q["services"].pk].other == 3
    assert results[q["name"].pk].texts == 3

    client.force_login(director)
    html = client.get(url("results", survey) + f"?filter={no.pk}").content.decode()
    assert 'id="filter-on"' in html
    assert bar_values(section(html, q["satisfied"])) == ["0（0.0%）", "2（100.0%）"]
    assert 'data-mean="2.00"' in section(html, q["score"])
    assert f'value="{no.pk}" selected' in html


def test_filtering_by_an_option_everyone_chose_gives_the_tallies(hall_survey):
    """Counted from the answers or read from the tallies, the results are the same."""
    survey, q = hall_survey
    answer(survey, full_answer(q))
    other = full_answer(q)
    services, score, rank = q["services"], q["score"], q["rank"]
    other[f"q{services.pk}"] = [opt(services, "税务")]
    other[f"q{score.pk}"] = ["5"]
    other[f"q{rank.pk}_o{opt(rank, '速度')}"] = ["1"]
    other[f"q{rank.pk}_o{opt(rank, '态度')}"] = ["3"]
    other[f"q{rank.pk}_o{opt(rank, '便利')}"] = ["2"]
    answer(survey, other)
    answer(survey, {f"q{q['satisfied'].pk}": [opt(q["satisfied"], "满意")]})
    everyone = q["satisfied"].options.get(label="满意")
    assert filtered_results(survey, everyone) == survey_results(survey)


def test_a_bad_filter_is_ignored_with_a_message(client, answered, director, other_office):
    survey, q = answered
    client.force_login(director)
    matrix_option = q["matrix"].options.first()
    for bad in ("abc", "0", "999999", str(matrix_option.pk)):
        response = client.get(url("results", survey) + f"?filter={bad}")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="filter-refused"' in html and 'id="filter-on"' not in html
        assert 'id="response-count">5<' in html
    assert filter_option_get(survey, matrix_option.pk) is None


def test_filtered_results_take_a_fixed_number_of_queries(answered, django_assert_num_queries):
    survey, q = answered
    no = q["satisfied"].options.get(label="不满意")
    with django_assert_num_queries(4):
        filtered_results(survey, no)
    for _ in range(10):
        answer(survey, unhappy(q))
    with django_assert_num_queries(4):
        results = filtered_results(survey, no)
    assert results[0].answered == 12


# --- Cross-tabulation -------------------------------------------------------------------------


def test_crosstab_counts_responses_choosing_both(client, answered, director):
    survey, q = answered
    table = crosstab(survey, q["satisfied"], q["services"])
    assert table.total == 5
    assert [option.label for option in table.columns] == ["不动产", "社保", "公积金", "税务"]
    grid = {row.option.label: [cell.count for cell in row.cells] for row in table.rows}
    assert grid == {"满意": [0, 3, 0, 0], "不满意": [2, 0, 0, 1]}
    totals = {row.option.label: row.total for row in table.rows}
    assert totals == {"满意": 3, "不满意": 2}
    assert [count for count, _share in table.column_totals] == [2, 3, 0, 1]
    unhappy_row = table.rows[1]
    assert unhappy_row.cells[3].row_share == pytest.approx(0.5)
    assert unhappy_row.share == pytest.approx(0.4)

    client.force_login(director)
    response = client.get(
        url("results_crosstab", survey) + f"?rows={q['satisfied'].pk}&cols={q['services'].pk}"
    )
    html = response.content.decode()
    assert 'id="crosstab-total" data-count="5"' in html
    assert '<td class="num" data-count="3">3<small>100.0%</small></td>' in html


def test_crosstab_is_one_query_and_refuses_other_questions(
    client, answered, director, django_assert_num_queries
):
    survey, q = answered
    with django_assert_num_queries(2):  # the options, the counts
        crosstab(survey, q["services"], q["services"])
    client.force_login(director)
    base = url("results_crosstab", survey)
    assert client.get(base).status_code == 200  # the form alone
    for query in (
        f"?rows={q['satisfied'].pk}&cols={q['score'].pk}",
        f"?rows={q['matrix'].pk}&cols={q['satisfied'].pk}",
        f"?rows=x&cols={q['satisfied'].pk}",
    ):
        response = client.get(base + query)
        assert response.status_code == 400 and b'id="crosstab-refused"' in response.content


# --- Text answers -----------------------------------------------------------------------------


def test_text_answers_are_listed_newest_first_searched_and_paginated(
    client, hall_survey, director, settings
):
    survey, q = hall_survey
    for number in range(55):
        answer(survey, unhappy(q, f"意见{number:02d}{'排队' if number % 10 == 0 else ''}"))
    client.force_login(director)
    target = url("results_texts", survey, q["reason"].pk)
    first = client.get(target).content.decode()
    texts = re.findall(r'<p class="res-text">([^<]*)</p>', first)
    assert len(texts) == 50
    assert texts[0] == "意见54" and texts[-1] == "意见05"
    second = client.get(target + "?page=2").content.decode()
    assert re.findall(r'<p class="res-text">([^<]*)</p>', second) == [
        "意见04",
        "意见03",
        "意见02",
        "意见01",
        "意见00排队",
    ]
    found = client.get(target + "?q=排队").content.decode()
    assert re.findall(r'<p class="res-text">([^<]*)</p>', found) == [
        f"意见{n:02d}排队" for n in (50, 40, 30, 20, 10, 0)
    ]


def test_other_texts_and_wrong_kinds(client, answered, director):
    survey, q = answered
    client.force_login(director)
    html = client.get(url("results_texts", survey, q["services"].pk) + "?other=1").content.decode()
    assert re.findall(r'<p class="res-text">([^<]*)</p>', html) == ["出入境"] * 3
    assert client.get(url("results_texts", survey, q["services"].pk)).status_code == 404
    assert client.get(url("results_texts", survey, q["score"].pk)).status_code == 404
    assert client.get(url("results_texts", survey, q["reason"].pk) + "?other=1").status_code == 404
    assert client.get(url("results_texts", survey, 999_999)).status_code == 404


def test_text_answers_take_two_queries_a_page(answered, django_assert_num_queries):
    from django.core.paginator import Paginator

    survey, q = answered
    for number in range(60):
        answer(survey, unhappy(q, f"第{number}条"))
    with django_assert_num_queries(2):
        page = Paginator(text_answers(q["reason"], search="条"), 50).get_page(2)
        rows = list(page.object_list)
    assert len(rows) == 10 and page.paginator.count == 60


def test_a_written_answer_goes_to_the_suggestion_pool_from_the_list(
    client, answered, director, make_member, office
):
    from huodong.surveys.models import Answer

    survey, q = answered
    reason = Answer.objects.filter(question=q["reason"]).order_by("pk").first()
    target = url("answer_to_pool", survey, reason.pk)
    leader = make_member(office, role=Role.LEADER)  # sees results, may not send
    client.force_login(leader)
    page = client.get(url("results_texts", survey, q["reason"].pk)).content.decode()
    assert "to-pool" not in page
    assert client.post(target).status_code == 404
    reason.refresh_from_db()
    assert reason.sent_to_pool_at is None

    client.force_login(director)
    page = client.get(url("results_texts", survey, q["reason"].pk)).content.decode()
    assert target in page
    response = client.post(target)
    assert response.status_code == 302
    assert response["Location"].endswith("#texts")
    reason.refresh_from_db()
    assert reason.sent_to_pool_by == director
    page = client.get(url("results_texts", survey, q["reason"].pk)).content.decode()
    assert target not in page  # sent: marked, no button
    # A choice is not a written answer; another survey's answer is not found here.
    choice = Answer.objects.filter(question=q["satisfied"]).first()
    client.post(url("answer_to_pool", survey, choice.pk))
    choice.refresh_from_db()
    assert choice.sent_to_pool_at is None
    assert client.get(target).status_code == 405
