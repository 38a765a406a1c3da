from datetime import date

import pytest

from huodong.campaigns.plan_import.dates import (
    is_recurring,
    parse_deadline,
    parse_exact_date,
    parse_span,
    parse_start,
)

Y = 2018


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("5.25", date(2018, 5, 25)),
        ("12.15", date(2018, 12, 15)),
        ("５．２５", date(2018, 5, 25)),
        ("5月25日", date(2018, 5, 25)),
        ("5月25号", date(2018, 5, 25)),
        ("2018年5月25日", date(2018, 5, 25)),
        ("2019年1月5日", date(2019, 1, 5)),
        ("2018-05-25", date(2018, 5, 25)),
        ("5月25日前", date(2018, 5, 25)),
        ("5月25日之前完成", date(2018, 5, 25)),
        ("5月底", date(2018, 5, 31)),
        ("5月底前", date(2018, 5, 31)),
        ("2月底", date(2018, 2, 28)),
        ("6月末", date(2018, 6, 30)),
        ("5月初", date(2018, 5, 10)),
        ("6月上旬", date(2018, 6, 10)),
        ("6月中旬", date(2018, 6, 20)),
        ("6月下旬", date(2018, 6, 30)),
        ("6月", date(2018, 6, 30)),
        ("年底", date(2018, 12, 31)),
        ("年底前", date(2018, 12, 31)),
        ("十二月底前", date(2018, 12, 31)),
        ("12月中旬至年底", date(2018, 12, 31)),
        ("5月初至5月中旬", date(2018, 5, 20)),
        ("7月—9月", date(2018, 9, 30)),
        ("7月至9月", date(2018, 9, 30)),
        ("3月16日—5月31日", date(2018, 5, 31)),
        ("11月至次年2月", date(2019, 2, 28)),
    ],
)
def test_deadline(text, deadline):
    assert parse_deadline(text, Y) == deadline


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("5月初至5月中旬", date(2018, 5, 1), date(2018, 5, 20)),
        ("5月中旬至7月底", date(2018, 5, 11), date(2018, 7, 31)),
        ("8月上旬至12月上旬", date(2018, 8, 1), date(2018, 12, 10)),
        ("12月中旬至年底", date(2018, 12, 11), date(2018, 12, 31)),
        ("7月—9月", date(2018, 7, 1), date(2018, 9, 30)),
        ("7月至9月", date(2018, 7, 1), date(2018, 9, 30)),
        ("7月-9月", date(2018, 7, 1), date(2018, 9, 30)),
        ("3月16日—5月31日", date(2018, 3, 16), date(2018, 5, 31)),
        ("5月1日至20日", date(2018, 5, 1), date(2018, 5, 20)),
        ("6月上旬至中旬", date(2018, 6, 1), date(2018, 6, 20)),
        ("6月中旬", date(2018, 6, 11), date(2018, 6, 20)),
        ("6月下旬", date(2018, 6, 21), date(2018, 6, 30)),
        ("6月", date(2018, 6, 1), date(2018, 6, 30)),
        ("从2018年5月开始到年底", date(2018, 5, 1), date(2018, 12, 31)),
        ("2019年3月至5月", date(2019, 3, 1), date(2019, 5, 31)),
    ],
)
def test_span(text, start, end):
    assert parse_span(text, Y) == (start, end)


def test_start_is_first_day_of_the_period():
    assert parse_start("5月初", Y) == date(2018, 5, 1)
    assert parse_start("6月中旬", Y) == date(2018, 6, 11)
    assert parse_start("6月下旬", Y) == date(2018, 6, 21)


@pytest.mark.parametrize("text", ["每月", "每季度", "长期坚持", "每月25日前", "常态化推进"])
def test_recurring_gives_no_date(text):
    assert is_recurring(text)
    assert parse_deadline(text, Y) is None
    assert parse_span(text, Y) is None


@pytest.mark.parametrize("text", ["", "尽快", "另行通知", "2月30日", "13月", "5.25.7"])
def test_not_understood_gives_none(text):
    assert parse_deadline(text, Y) is None


def test_without_a_year_only_explicit_years_resolve():
    assert parse_deadline("5.25", None) is None
    assert parse_deadline("5月底", None) is None
    assert parse_deadline("2018年5月底", None) == date(2018, 5, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年5月18日", date(2018, 5, 18)),
        ("二〇一八年五月十八日", date(2018, 5, 18)),
        ("2018年5月", None),
        ("5月18日", None),
    ],
)
def test_exact_date(text, expected):
    assert parse_exact_date(text) == expected
