"""Phase headings, wherever a plan writes them: in the body or as a row across the schedule.

(一）宣传发动阶段（5月初至5月中旬）。全面动员部署……
第一阶段：动员部署（2020年4月1日至4月20日）
第二阶段（3月16日—5月31日）：学习教育
（三）整改落实阶段：6月1日至11月30日。……
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import parse_interval
from .parsed import ParsedPhase

CN_ORDINAL = "[一二三四五六七八九十]+"
_ORDINAL_PHASE = rf"第\s*(?:{CN_ORDINAL}|\d+)\s*阶段"
_PREFIX = (
    rf"(?:[（(]\s*(?:{CN_ORDINAL}|\d+)\s*[）)]|(?:{CN_ORDINAL}|\d+)\s*[、.．]"
    rf"|{_ORDINAL_PHASE}\s*[：:、，,]?)"
)
_NAME = r"[^（()）。，,：:；;]{2,20}?"
_SPAN = r"[^（()）]{2,40}"

# 第一阶段：动员部署（…）, (一）宣传发动阶段（…）. The prefix is optional: a phase column cell
# or a separator row may hold just 宣传发动阶段（5月初至5月中旬）.
_NAME_THEN_SPAN = re.compile(
    rf"^(?P<prefix>{_PREFIX})?\s*(?P<name>{_NAME})\s*[（(](?P<span>{_SPAN})[）)]"
    r"\s*[。.：:，,]?\s*(?P<text>.*)$"
)
# 第一阶段（3月1日—3月15日）：动员部署。……
_ORDINAL_SPAN_THEN_NAME = re.compile(
    rf"^(?P<prefix>{_ORDINAL_PHASE})\s*[（(](?P<span>{_SPAN})[）)]\s*[：:，,、]?\s*"
    r"(?P<name>[^（()）。，,：:；;]{2,20})\s*(?:[。.：:，,；;]\s*(?P<text>.*))?$"
)
# (三）整改落实阶段：6月1日至11月30日。…… — only names ending in 阶段, as the span is bare.
_NAME_COLON_SPAN = re.compile(
    rf"^(?P<prefix>{_PREFIX})?\s*(?P<name>[^（()）。，,：:；;]{{0,18}}阶段)\s*[：:，,]\s*"
    r"(?P<span>[^。；;，,（()）]{2,30}?)\s*(?:[。；;，,]\s*(?P<text>.*))?$"
)
_PREFIX_ONLY = re.compile(rf"^\s*{_PREFIX}\s*")
_TRAILING_SPAN = re.compile(r"\s*[（(][^（()）]*[）)]\s*[。.：:，,]?\s*$")


@dataclass
class PhaseHeading:
    phase: ParsedPhase
    # Whether the words alone say "phase" (…阶段, 第一阶段), not just a name with dates.
    named_as_phase: bool
    # Whether the dates are a written range (3月1日—3月15日) rather than one day or period.
    is_range: bool
    span_text: str


def match_phase(text: str, year: int | None) -> PhaseHeading | None:
    """The phase a heading line names, with its dates when they are understood."""
    text = text.strip()
    for pattern in (_ORDINAL_SPAN_THEN_NAME, _NAME_THEN_SPAN, _NAME_COLON_SPAN):
        m = pattern.match(text)
        if not m:
            continue
        name = m["name"].strip()
        prefix = m["prefix"] or ""
        named_as_phase = name.endswith("阶段") or "阶段" in prefix
        interval = parse_interval(m["span"], year)
        if interval is None and pattern is _NAME_COLON_SPAN:
            continue
        start, end, is_range = interval if interval else (None, None, False)
        phase = ParsedPhase(name=name, start=start, end=end, text=(m["text"] or "").strip())
        return PhaseHeading(phase, named_as_phase, is_range, m["span"])
    return None


def clean_phase_name(cell: str) -> str:
    """A phase as a table cell writes it: 第一阶段：宣传发动（3月1日—3月15日） -> 宣传发动.

    A merged cell may come back once per row or with its text repeated on several lines.
    """
    lines = list(dict.fromkeys(line.strip() for line in cell.splitlines() if line.strip()))
    name = _TRAILING_SPAN.sub("", "".join(lines)).strip()
    bare = _PREFIX_ONLY.sub("", name).strip("：:。，, ")
    # A cell holding only 第一阶段 keeps it: it is the only name there is.
    return bare or name


def same_phase(a: str, b: str) -> bool:
    return bool(a and b) and (a in b or b in a)
