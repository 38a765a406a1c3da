"""Dates as Chinese plans write them: 5.25, 5月25日前, 6月中旬, 5月初至5月中旬, 年底 ...

Usable on its own: every function takes the text and the year the document implies (plans
mostly omit the year). A period such as 中旬 covers several days; a range start takes the
period's first day, a range end or a deadline its last day. Recurring wording (每月, 长期坚持)
yields None rather than a made-up date, so the caller keeps the wording instead.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .textutil import CN_NUMBER, cn_to_int

__all__ = [
    "Period",
    "is_recurring",
    "parse_deadline",
    "parse_due",
    "parse_exact_date",
    "parse_interval",
    "parse_period",
    "parse_span",
    "parse_start",
    "recurrence_of",
]

RECURRING = re.compile(
    r"每[天日周月年]|每个?季度?|每个月|每半年|每学期|按[月季周年]|逐月|定期|长期|常态|持续|经常|随时|适时"
)
# Checked before RECURRING: the periods a task can be tracked by; anything else that
# repeats (每周, 长期坚持, 常态化) is tracked as ongoing.
_MONTHLY = re.compile(r"每个?月|按月|逐月|月度")
_QUARTERLY = re.compile(r"每个?季度?|按季度?|季度")

# Day windows of the period words; None means "to the month's last day".
PERIOD_DAYS: dict[str, tuple[int, int | None]] = {
    "初": (1, 10),
    "上旬": (1, 10),
    "中旬": (11, 20),
    "中": (11, 20),
    "下旬": (21, None),
    "底": (0, None),  # 0: the window starts on the last day too
    "末": (0, None),
    "上半月": (1, 15),
    "下半月": (16, None),
}
_PERIOD_WORDS = "上半月|下半月|上旬|中旬|下旬|初|中|底|末"
_NEXT_YEAR = "次年|翌年|明年|第二年"

_ISO = re.compile(r"(?P<y>\d{4})[.\-/](?P<m>\d{1,2})[.\-/](?P<d>\d{1,2})[日号]?")
_DOTTED = re.compile(r"(?P<m>\d{1,2})[./](?P<d>\d{1,2})")
_MONTH = re.compile(
    rf"(?:(?P<y>\d{{4}})年|(?P<nx>{_NEXT_YEAR})|(?:本|今|当)年)?"
    rf"(?P<m>\d{{1,2}})月份?(?:(?P<d>\d{{1,2}})[日号]?|(?P<p>{_PERIOD_WORDS}))?"
)
_YEAR = re.compile(
    r"(?:(?P<y>\d{4})|(?P<nx>次|翌|明)|本|今|当)?年(?P<yp>底|末|初|中|度)?"
    r"|(?:(?P<y2>\d{4})年?)?(?P<half>上半年|下半年|全年)"
)
# Only valid after the left side of a range, which supplies month and year.
_DAY_ONLY = re.compile(r"(?P<d>\d{1,2})[日号]")
_PERIOD_ONLY = re.compile(rf"月?(?P<p>{_PERIOD_WORDS})")

_RANGE_SEPARATORS = re.compile(r"至|到|—+|–|－|~|～|-")
_LEADING = re.compile(r"^(?:从|自|于|在|截至|截止到?|到|在)")
_TRAILING = re.compile(r"(?:之前|以前|前|为止|止|截止|完成|结束|起|开始|左右|以内|内)$")


@dataclass(frozen=True)
class Period:
    """The days a date expression covers, plus what a following range end may inherit."""

    first: date
    last: date
    explicit_year: bool = False


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = text.strip("。.，,；;：:()（）")
    # Chinese numerals only where they are part of a date (五月, 二〇一八年, 二十五日).
    return re.sub(
        rf"({CN_NUMBER})(?=年|月|日|号)",
        lambda m: str(cn_to_int(m.group(1))) if cn_to_int(m.group(1)) is not None else m.group(1),
        text,
    )


def _strip_affixes(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _LEADING.sub("", text)
        text = _TRAILING.sub("", text)
    return text


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_period(year: int, month: int, word: str | None, day: int | None) -> Period | None:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    last = _last_day(year, month)
    if day is not None:
        if not 1 <= day <= last:
            return None
        return Period(date(year, month, day), date(year, month, day))
    if word is None:
        return Period(date(year, month, 1), date(year, month, last))
    start, end = PERIOD_DAYS[word]
    return Period(date(year, month, start or last), date(year, month, end or last))


def _point(text: str, year: int | None, context: Period | None = None) -> Period | None:
    """One date expression; `context` is the range's left side, for 20日 / 中旬 / 月底."""
    inherited_year = context.first.year if context else year
    if m := _ISO.fullmatch(text):
        p = _month_period(int(m["y"]), int(m["m"]), None, int(m["d"]))
        return Period(p.first, p.last, True) if p else None
    if m := _DOTTED.fullmatch(text):
        if inherited_year is None:
            return None
        return _month_period(inherited_year, int(m["m"]), None, int(m["d"]))
    if m := _MONTH.fullmatch(text):
        explicit = bool(m["y"] or m["nx"])
        if m["y"]:
            y = int(m["y"])
        elif inherited_year is None:
            return None
        else:
            y = inherited_year + (1 if m["nx"] else 0)
        p = _month_period(y, int(m["m"]), m["p"], int(m["d"]) if m["d"] else None)
        return Period(p.first, p.last, explicit) if p else None
    if m := _YEAR.fullmatch(text):
        given = m["y"] or m["y2"]
        if given:
            y = int(given)
        elif inherited_year is None:
            return None
        else:
            y = inherited_year + (1 if m["nx"] else 0)
        word = m["yp"] or m["half"]
        spans = {
            "底": (12, 12, "底"),
            "末": (12, 12, "底"),
            "初": (1, 1, "初"),
            "中": (6, 6, None),
            "上半年": (1, 6, None),
            "下半年": (7, 12, None),
        }
        first_m, last_m, pword = spans.get(word or "", (1, 12, None))
        first = _month_period(y, first_m, pword, None)
        last = _month_period(y, last_m, pword, None)
        if first is None or last is None:
            return None
        return Period(first.first, last.last, bool(given or m["nx"]))
    if context is not None:
        month, cy = context.first.month, context.first.year
        if m := _DAY_ONLY.fullmatch(text):
            return _month_period(cy, month, None, int(m["d"]))
        if m := _PERIOD_ONLY.fullmatch(text):
            return _month_period(cy, month, m["p"], None)
    return None


def _span(text: str, year: int | None) -> tuple[Period, Period] | None:
    """(start period, end period) of a range, or of a single expression (both the same)."""
    text = _strip_affixes(_normalize(text))
    if not text:
        return None
    single = _point(text, year)
    if single is not None:
        return single, single
    for sep in _RANGE_SEPARATORS.finditer(text):
        left_text = _strip_affixes(text[: sep.start()])
        right_text = _strip_affixes(text[sep.end() :])
        left = _point(left_text, year)
        if left is None:
            continue
        # The end inherits the start's year; 11月至2月 crosses into the next year.
        context = left if left.explicit_year else Period(left.first, left.last)
        right = _point(right_text, left.first.year, context)
        if right is None:
            continue
        if right.last < left.first and not right.explicit_year:
            bumped = _point(right_text, left.first.year + 1, None)
            if bumped is None or bumped.last < left.first:
                return None
            right = bumped
        return left, right
    return None


def is_recurring(text: str) -> bool:
    """True for wording that repeats (每月, 每季度, 长期坚持) rather than names a day."""
    return bool(RECURRING.search(unicodedata.normalize("NFKC", text)))


def recurrence_of(text: str) -> str | None:
    """ "month", "quarter" or "ongoing" for wording that repeats; None for a date."""
    text = unicodedata.normalize("NFKC", text)
    if not RECURRING.search(text):
        return None
    if _MONTHLY.search(text):
        return "month"
    if _QUARTERLY.search(text):
        return "quarter"
    return "ongoing"


def parse_interval(text: str, year: int | None) -> tuple[date, date, bool] | None:
    """(first day, last day, whether written as a range): 6月 -> (6-01, 6-30, False)."""
    if is_recurring(text):
        return None
    span = _span(text, year)
    if span is None:
        return None
    left, right = span
    # _span hands back the very same Period twice for a single expression.
    return left.first, right.last, left is not right


def parse_due(text: str, year: int | None) -> tuple[date | None, date | None]:
    """(start, deadline): 7月—9月 -> (7-01, 9-30); 5月底 -> (None, 5-31); 尽快 -> (None, None).

    Only a written range has a start; a single period such as 6月中旬 is a deadline alone.
    """
    interval = parse_interval(text, year)
    if interval is None:
        return None, None
    first, last, is_range = interval
    return (first if is_range else None), last


def parse_period(text: str, year: int | None) -> Period | None:
    """All days one expression covers: 6月中旬 -> 6-11..6-20; a range covers start..end."""
    if is_recurring(text):
        return None
    span = _span(text, year)
    if span is None:
        return None
    return Period(span[0].first, span[1].last, span[0].explicit_year)


def parse_span(text: str, year: int | None) -> tuple[date, date] | None:
    """Start and end of 5月初至5月中旬, 7月—9月, 3月16日—5月31日, 12月中旬至年底, 6月 ..."""
    period = parse_period(text, year)
    return (period.first, period.last) if period else None


def parse_deadline(text: str, year: int | None) -> date | None:
    """Last day a deadline allows: 5.25, 5月25日前, 5月底, 6月中旬 (6-20), 7月至9月 (9-30)."""
    period = parse_period(text, year)
    return period.last if period else None


def parse_start(text: str, year: int | None) -> date | None:
    """First day an expression allows: 5月初 -> 5-1, 6月中旬 -> 6-11."""
    period = parse_period(text, year)
    return period.first if period else None


def parse_exact_date(text: str) -> date | None:
    """A full date with its own year and day (2018年5月18日, 二〇一八年五月十八日), else None."""
    text = _normalize(text)
    m = _ISO.fullmatch(text) or _MONTH.fullmatch(text)
    if not m or not m["y"] or not m["d"]:
        return None
    p = _month_period(int(m["y"]), int(m["m"]), None, int(m["d"]))
    return p.first if p else None
