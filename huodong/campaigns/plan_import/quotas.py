"""Countable requirements in task texts (不少于2个, 每月开展1次 ...), as a small rule table.

Each rule is a regex with named groups: `n` (the number), `subject` (what is counted, found
after the number) or `pre` (the clause before it, from which the subject is cut), and an
optional explicit `scope`. Rules are tried in order; a later rule never claims text an
earlier one already matched, so specific wording wins over general wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .parsed import ParsedQuota, ParsedTask
from .textutil import snippet, to_number

NUM = r"(?P<n>\d+|[一二两三四五六七八九十百千]+)"
NOUN = r"(?P<subject>[\u4e00-\u9fff“”\"]{2,20}?)"
END = r"(?=[，。；、,;！!？?\s）)]|$)"
CLAUSE_END = r"(?=[，。；,;！!？?）)]|$)"
UNIT = r"(?P<unit>人次|场次|课时|学时|小时|次|个|条|篇|场|期|项|份|件|家|户|人|名|天)"
HOLD = r"(?:开展|组织|召开|举办|进行|举行)"
AT_LEAST = r"(?:不少于|至少|不低于)"

# Text that promises a count; if no rule explains it, the user is told. 每月/每季度 alone is
# a rhythm (每季度通报评价结果), not a count, unless a number follows closely.
HINT = re.compile(
    r"不少于|至少|不低于"
    r"|每个?(?:月|周|季度)[^，。；;,]{0,8}?(?:\d+|[一二两三四五六七八九十]+)\s*(?:次|场|期|个|条|篇)"
)

SCOPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "person",
        ("每人", "每名", "每位", "人均", "每个人", "全体", "干部职工", "党员干部", "党员"),
    ),
    ("branch", ("各支部", "每个支部", "各党支部", "每个党支部", "各基层党支部", "各基层党组织")),
    (
        "unit",
        (
            "各科室",
            "每个科室",
            "各股室",
            "每个股室",
            "各处室",
            "每个处室",
            "各处（室）",
            "各处(室)",
            "各部门",
            "每个部门",
            "各单位",
            "每个单位",
        ),
    ),
)
PERIOD_WORDS: tuple[tuple[str, str], ...] = (
    ("每个月", "month"),
    ("每月", "month"),
    ("每季度", "quarter"),
)
LEADING_VERBS = re.compile(
    r"^(?:要|须|需|应|必须|原则上|均|都|共|累计|每个月|每月|每季度|每周|每年|每半年|"
    r"查找|撰写|开展|组织|参加|参与|提出|征集|形成|报送|提交|召开|举办|完成|梳理|收集|走访|"
    r"发表|上报|推荐|讲授|听取|收看|整改|解决|办理)+"
)
# Counting events (走访社区不少于2次) keeps the action: only these light verbs are dropped.
LIGHT_VERBS = re.compile(
    r"^(?:要|须|需|应|必须|原则上|均|都|共|累计|每个月|每月|每季度|每周|每年|每半年|"
    r"开展|组织|参加|参与|召开|举办|进行)+"
)
EVENT_UNITS = {"次", "场", "场次", "人次", "期"}
# The thing counted follows the last of these verbs: 通过…渠道征集群众意见建议 -> 群众意见建议.
INNER_VERB = re.compile(
    r"^.*(?:征集|收集|撰写|提出|查找|报送|上报|办理|提交|形成|梳理|发表|推荐|解决|整改)"
)
TRAILING_WORDS = re.compile(r"(?:的|数量|总数|数)$")
CLAUSE_BREAK = re.compile(r"[，。；;,！!？?]")
SENTENCE_BREAK = re.compile(r"[。；;！!？?]")


@dataclass(frozen=True)
class QuotaRule:
    name: str
    pattern: re.Pattern[str]
    subject_suffix: str = ""
    period: str | None = None
    # Periodic activities are named without the trailing 活动 (学习成果大讨论).
    strip_activity: bool = False
    # Keep only the head noun of a list: 自学、集中学习等学习活动 -> 学习活动.
    head_noun: bool = False


RULES: tuple[QuotaRule, ...] = (
    QuotaRule(
        "words_per_person",
        re.compile(
            r"(?P<scope>每人|每名[\u4e00-\u9fff]{0,4}?|每位[\u4e00-\u9fff]{0,4}?|人均)"
            rf"(?:撰写|完成|提交|形成|写出)(?:[一1][篇份])?{AT_LEAST}?{NUM}字(?:左右|以上)?的?"
            rf"{NOUN}{END}"
        ),
        subject_suffix="字数",
    ),
    QuotaRule(
        "min_words",
        re.compile(rf"{AT_LEAST}{NUM}字(?:左右|以上)?的{NOUN}{END}"),
        subject_suffix="字数",
    ),
    QuotaRule(
        "min_words_before",
        re.compile(rf"(?P<pre>[^，。；;,、]*?)(?:字数)?{AT_LEAST}{NUM}字"),
        subject_suffix="字数",
    ),
    QuotaRule(
        "monthly",
        re.compile(rf"每个?月{AT_LEAST}?{HOLD}?{AT_LEAST}?{NUM}(?:次|场|期){NOUN}(?:活动)?{END}"),
        period="month",
        strip_activity=True,
    ),
    QuotaRule(
        "quarterly",
        re.compile(rf"每个?季度{AT_LEAST}?{HOLD}?{AT_LEAST}?{NUM}(?:次|场|期){NOUN}(?:活动)?{END}"),
        period="quarter",
        strip_activity=True,
    ),
    # The activity first, the count after it: 主题党日活动每月至少开展1次.
    QuotaRule(
        "monthly_after",
        re.compile(
            rf"(?P<pre>[^，。；;,、]*?)每个?月(?:均|都|要|须)?{AT_LEAST}?{HOLD}?{AT_LEAST}?{NUM}"
            rf"(?:次|场|期){CLAUSE_END}"
        ),
        period="month",
        strip_activity=True,
    ),
    QuotaRule(
        "quarterly_after",
        re.compile(
            rf"(?P<pre>[^，。；;,、]*?)每个?季度(?:均|都|要|须)?{AT_LEAST}?{HOLD}?{AT_LEAST}?"
            rf"{NUM}(?:次|场|期){CLAUSE_END}"
        ),
        period="quarter",
        strip_activity=True,
    ),
    QuotaRule(
        "min_count_of",
        re.compile(rf"{AT_LEAST}{NUM}{UNIT}的(?P<subject>[^，。；;,]{{2,40}}?){CLAUSE_END}"),
        head_noun=True,
    ),
    QuotaRule(
        "at_least_verb",
        re.compile(
            rf"{AT_LEAST}(?:{HOLD}|提出|查找|撰写|提交|形成|征集|报送|走访|解决|编发|编印|刊发|"
            rf"发布|上报|推送|办理){NUM}{UNIT}的?"
            rf"{NOUN}{END}"
        ),
    ),
    QuotaRule(
        "min_count_noun",
        re.compile(rf"{AT_LEAST}{NUM}{UNIT}{NOUN}{END}"),
    ),
    QuotaRule(
        "min_count_before",
        re.compile(rf"(?P<pre>[^，。；;,、]*?){AT_LEAST}{NUM}{UNIT}"),
    ),
    QuotaRule(
        "hold_n",
        re.compile(rf"{HOLD}{NUM}(?:次|场|期){NOUN}{END}"),
    ),
)


def scope_of(text: str) -> str:
    """Who a count applies to, from the scope word nearest before the number."""
    best = ("campaign", -1)
    for scope, words in SCOPE_WORDS:
        for word in words:
            position = text.rfind(word)
            if position > best[1]:
                best = (scope, position)
    return best[0]


# Longest first, so 各党支部 is stripped whole rather than leaving 党支部 behind.
_SCOPE_PREFIXES = sorted(
    (word for _scope, words in SCOPE_WORDS for word in words), key=len, reverse=True
)


def _strip_scope(text: str) -> str:
    for word in _SCOPE_PREFIXES:
        if text.startswith(word):
            return text[len(word) :]
    return text


def _subject_before(pre: str, *, keep_action: bool = False) -> str:
    subject = pre.strip()
    verbs = LIGHT_VERBS if keep_action else LEADING_VERBS
    previous = None
    while previous != subject:
        previous = subject
        subject = verbs.sub("", _strip_scope(subject))
    if not keep_action and (m := INNER_VERB.match(subject)) and len(subject) - m.end() >= 2:
        subject = subject[m.end() :]
    return TRAILING_WORDS.sub("", subject)


def _subject(rule: QuotaRule, match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups.get("subject"):
        subject = groups["subject"].strip('“”" ')
        if rule.head_noun:
            subject = re.split(r"等|、", subject)[-1]
    else:
        keep_action = groups.get("unit") in EVENT_UNITS
        subject = _subject_before(groups.get("pre") or "", keep_action=keep_action)
    if rule.strip_activity and subject.endswith("活动") and len(subject) > 2:
        subject = subject[: -len("活动")]
    return subject + rule.subject_suffix if subject else ""


@dataclass
class _Hit:
    start: int
    end: int
    quota: ParsedQuota


def quotas_in(text: str, task_seq: int | None) -> tuple[list[ParsedQuota], list[str]]:
    """Every quota in one text, in reading order, plus warnings for counts no rule explains."""
    hits: list[_Hit] = []
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            start = match.start()
            if any(h.start < match.end() and start < h.end for h in hits):
                continue
            n = to_number(match["n"])
            subject = _subject(rule, match)
            if n is None or not subject:
                continue
            clause_start = max((m.end() for m in CLAUSE_BREAK.finditer(text, 0, start)), default=0)
            sentence_start = max(
                (m.end() for m in SENTENCE_BREAK.finditer(text, 0, match.start())), default=0
            )
            scope_text = match["scope"] if match.groupdict().get("scope") else ""
            scope = scope_of(scope_text or text[sentence_start : match.start("n")])
            clause = text[clause_start : match.start("n")]
            period = rule.period or next((p for w, p in PERIOD_WORDS if w in clause), None)
            hits.append(
                _Hit(
                    start,
                    match.end(),
                    ParsedQuota(
                        scope=scope,
                        min=n,
                        subject=subject,
                        task_seq=task_seq,
                        period=period,
                        source=text[clause_start : match.end()].strip(),
                    ),
                )
            )
    warnings = list(
        dict.fromkeys(
            _("A count in this text was not understood: %(text)s")
            % {"text": snippet(text[max(h.start() - 20, 0) : h.end() + 20])}
            for h in HINT.finditer(text)
            # Overlap, not containment: 每季度 may stand just before a count a rule read.
            if not any(hit.start < h.end() and h.start() < hit.end for hit in hits)
        )
    )
    return [h.quota for h in sorted(hits, key=lambda h: h.start)], warnings


def _key(quota: ParsedQuota) -> tuple[int, str, str | None]:
    return quota.min, quota.subject, quota.period


def extract_quotas(
    tasks: list[ParsedTask], body: Iterable[str]
) -> tuple[list[ParsedQuota], list[str]]:
    """Quotas of the schedule's tasks, then any the body states that no task repeats."""
    quotas: list[ParsedQuota] = []
    warnings: list[str] = []
    for task in tasks:
        found, notes = quotas_in(task.text, task.seq)
        quotas.extend(found)
        warnings.extend(notes)
    seen = {_key(q) for q in quotas}
    for paragraph in body:
        found, notes = quotas_in(paragraph, None)
        warnings.extend(notes)
        for quota in found:
            if _key(quota) not in seen:
                seen.add(_key(quota))
                quotas.append(quota)
    return quotas, warnings
