"""The text of a notice (通报) drafted from a campaign's data for a period.

The notice is an official document in Chinese whatever the reader's interface language, so the
text it generates is written in Chinese here, as the plan exports are. Each section is generated
from a list of facts; the office edits the result before publishing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

NUMERALS = "一二三四五六七八九十"
DOC_NUMBER = re.compile(r"^(?P<prefix>.+?)[〔［\[(（](?P<year>\d{4})[〕］\])）]第?(?P<seq>\d+)号$")
TASK_WORDS = 40


@dataclass(frozen=True)
class OverdueTask:
    seq: int
    text: str
    due: dt.date
    days_late: int


@dataclass(frozen=True)
class EarlyTask:
    seq: int
    text: str
    due: dt.date
    completed_on: dt.date
    days_early: int


@dataclass(frozen=True)
class Shortfall:
    """A branch or unit below one of the campaign's numeric requirements."""

    unit_id: int
    unit_name: str
    requirement: str
    minimum: int
    done: int


@dataclass
class UnitTasks:
    unit_id: int
    unit_name: str
    tasks: list = field(default_factory=list)


@dataclass
class NoticeFacts:
    campaign_title: str
    campaign_doc_number: str
    period_start: dt.date
    period_end: dt.date
    overdue: list[UnitTasks]  # of OverdueTask, by lead unit
    early: list[UnitTasks]  # of EarlyTask, by lead unit
    shortfalls: list[Shortfall]

    @property
    def unit_ids(self) -> list[int]:
        """The units the notice concerns: named in any section, in order of appearance."""
        ids = [u.unit_id for u in self.overdue] + [u.unit_id for u in self.early]
        ids += [s.unit_id for s in self.shortfalls]
        return list(dict.fromkeys(ids))


@dataclass(frozen=True)
class NoticeDraft:
    title: str
    body: str
    issuer: str


def campaign_name(title: str) -> str:
    """关于开展解放思想大讨论活动的方案 → 解放思想大讨论活动."""
    name = title.strip()
    for prefix in ("关于", "开展", "深入开展", "组织开展"):
        name = name.removeprefix(prefix)
    for suffix in ("的实施方案", "实施方案", "的工作方案", "工作方案", "的方案", "方案"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name or title


def md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_words(start: dt.date, end: dt.date) -> str:
    if start == end:
        return ymd(start)
    tail = md(end) if end.year == start.year else ymd(end)
    return f"{ymd(start)}至{tail}"


def short_task(text: str) -> str:
    # Quoted inside “…”, the task's own quotation marks become single ones.
    text = " ".join(text.split()).rstrip("。；;").replace("“", "‘").replace("”", "’")
    return text if len(text) <= TASK_WORDS else text[:TASK_WORDS] + "……"


def overdue_section(units: list[UnitTasks], *, period_end: dt.date) -> list[str]:
    if not units:
        return [f"截至{md(period_end)}，没有逾期未完成的任务。"]
    total = len({t.seq for u in units for t in u.tasks})
    lines = [f"截至{md(period_end)}，共有{total}项任务逾期未完成，涉及{len(units)}个单位："]
    for unit in units:
        items = "；".join(
            f"第{t.seq}项“{short_task(t.text)}”，完成时限{md(t.due)}，逾期{t.days_late}天"
            for t in unit.tasks
        )
        lines.append(f"{unit.unit_name}：{items}。")
    return lines


def early_section(units: list[UnitTasks]) -> list[str]:
    if not units:
        return ["本期没有提前完成任务的单位。"]
    lines = []
    for unit in units:
        items = "；".join(
            f"第{t.seq}项“{short_task(t.text)}”于{md(t.completed_on)}完成，"
            f"比完成时限提前{t.days_early}天"
            for t in unit.tasks
        )
        lines.append(f"{unit.unit_name}：{items}。")
    lines.append("以上单位行动迅速、措施有力，予以通报表扬。")
    return lines


def shortfall_section(shortfalls: list[Shortfall]) -> list[str]:
    """Branches and units below the campaign's numeric requirements as the period ends."""
    if not shortfalls:
        return ["各单位、各支部均达到活动的数量要求。"]
    return [
        f"{s.unit_name}：{s.requirement}，要求不少于{s.minimum}，实际完成{s.done}。"
        for s in shortfalls
    ]


def notice_draft_text(facts: NoticeFacts) -> NoticeDraft:
    name = campaign_name(facts.campaign_title)
    source = f"《{facts.campaign_title}》"
    if facts.campaign_doc_number:
        source += f"（{facts.campaign_doc_number}）"
    sections = [
        ("逾期未完成的任务", overdue_section(facts.overdue, period_end=facts.period_end)),
        ("提前完成任务的单位", early_section(facts.early)),
        ("未达到活动要求的单位", shortfall_section(facts.shortfalls)),
        (
            "下一步工作要求",
            [
                "请逾期单位高度重视，认真分析原因，明确整改措施和完成时限，"
                "于本通报印发之日起5个工作日内将整改情况书面报领导小组办公室。",
                "各单位要对照活动方案，倒排工期、压实责任，确保各项任务按时保质完成。",
            ],
        ),
    ]
    lines = [
        "各有关单位：",
        f"根据{source}的安排，领导小组办公室对{period_words(facts.period_start, facts.period_end)}"
        "各项任务的推进情况进行了督查。现将有关情况通报如下：",
    ]
    for number, (heading, paragraphs) in zip(NUMERALS, sections, strict=False):
        lines.append(f"{number}、{heading}")
        lines.extend(paragraphs)
    return NoticeDraft(
        title=f"关于{name}推进情况的通报",
        body="\n".join(lines),
        issuer=f"{name}领导小组办公室",
    )


def doc_number_prefix(campaign_doc_number: str, fallback: str) -> str:
    """The 机关代字 of the office's supervision documents: 宿政管发〔2018〕9号 → 宿政管督."""
    match = DOC_NUMBER.match(campaign_doc_number.strip())
    if match is None:
        return (fallback or "") + "督"
    prefix = match.group("prefix")
    return prefix[:-1] + "督" if prefix.endswith("发") else prefix + "督"


def parse_doc_number(number: str) -> tuple[str, int, int] | None:
    match = DOC_NUMBER.match(number.strip())
    if match is None:
        return None
    return match.group("prefix"), int(match.group("year")), int(match.group("seq"))


def format_doc_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}〔{year}〕{seq}号"
