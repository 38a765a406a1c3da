"""Tasks written as numbered paragraphs, for plans that have no schedule table:

    第一阶段：动员部署（2019年3月1日至3月15日）
    1.制定实施方案。（牵头单位：办公室；完成时间：3月15日前）
    2.召开动员大会。牵头单位：办公室；配合单位：各科室；完成时限：3月15日
    3.开展专题学习（政工科牵头，各科室配合，每季度完成）

A paragraph is a task only if it is numbered and says who does it or by when, so the
numbered points of 保障措施 or 工作要求 are not mistaken for tasks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .dates import parse_due, recurrence_of
from .fields import KEY, field_for_key, key_values
from .parsed import ParsedPhase, ParsedProblem, ParsedTask
from .phases import CN_ORDINAL, match_phase, same_phase
from .sections import Layout
from .tasks import TaskBuilder, TaskFields
from .textutil import snippet, to_number

TASK_NUMBER = re.compile(
    rf"^\s*(?:(?P<a>\d{{1,3}})\s*[.、．)）](?!\d)|[（(]\s*(?P<b>\d{{1,3}}|{CN_ORDINAL})\s*[）)]"
    r"|(?P<c>[①-⑳]))\s*"
)
_END_PAREN = re.compile(r"[（(](?P<inner>[^（()）]*)[）)]\s*[。.；;，,]?\s*$")
_TASK_FIELDS = {"lead", "co", "due", "leaders"}
# 学习时间：每周五 inside a task's text is not a deadline; these words are.
_DEADLINE_KEY = re.compile(r"完成|时限|节点|截止|期限")
_LOOSE_LEAD = re.compile(r"^(?P<u>.+?)(?:牵头负责|具体负责|牵头|负责|主抓)$")
_LOOSE_CO = re.compile(r"^(?P<u>.+?)(?:配合|参与|协助|协办)$")
_PROBE_YEAR = 2000  # only to test whether words are a date; the real year comes later


@dataclass
class _Assignment:
    text: str  # the task's own words, without the assignment
    values: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


def _from_pairs(text: str, pairs: list[tuple[str, str]]) -> _Assignment | None:
    values: dict[str, str] = {}
    unknown: list[str] = []
    strong = False
    for key, value in pairs:
        name = field_for_key(key)
        if name not in _TASK_FIELDS:
            unknown.append(f"{key}：{value}")
            continue
        assert name is not None
        strong = strong or name != "due" or bool(_DEADLINE_KEY.search(key))
        values[name] = f"{values[name]}、{value}" if name in values and name != "due" else value
    if not strong:
        return None
    return _Assignment(text, values, unknown)


def _loose(text: str, inner: str) -> _Assignment | None:
    """（办公室牵头，各科室配合，3月底前完成）: roles said by verbs instead of keys."""
    values: dict[str, str] = {}
    for part in (p.strip() for p in re.split(r"[，,；;]", inner)):
        if not part:
            continue
        if m := _LOOSE_LEAD.match(part):
            values["lead"] = m["u"]
        elif m := _LOOSE_CO.match(part):
            values["co"] = m["u"]
        elif recurrence_of(part) or parse_due(part, _PROBE_YEAR)[1] is not None:
            values["due"] = part
        else:
            return None
    return _Assignment(text, values) if "lead" in values else None


def split_assignment(text: str) -> _Assignment | None:
    """The task's words and its assignment, wherever the paragraph puts it; None if none."""
    if m := _END_PAREN.search(text):
        body = text[: m.start()]
        found = _from_pairs(body, key_values(m["inner"])) or _loose(body, m["inner"])
        if found:
            return found
    for m in KEY.finditer(text):
        name = field_for_key(m["k"])
        if name in _TASK_FIELDS and (name != "due" or _DEADLINE_KEY.search(m["k"])):
            return _from_pairs(text[: m.start()], key_values(text[m.start() :]))
    return None


def _is_assignment_only(text: str) -> bool:
    found = split_assignment(text)
    return found is not None and not found.text.strip(" （(")


@dataclass
class ParagraphTasks:
    tasks: list[ParsedTask]
    warnings: list[str]
    problems: list[ParsedProblem]
    # The paragraphs that became tasks, so nothing else reads them again.
    consumed: set[str]


def parse_paragraph_tasks(
    layout: Layout, year: int | None, phases: list[ParsedPhase]
) -> ParagraphTasks:
    builder = TaskBuilder(year=year)
    consumed: set[str] = set()
    theme = layout.section("theme")
    # Section headings are included: a phase may be a heading of its own (一、动员部署阶段（…）).
    lines = layout.lines() + [(text, None) for text in layout.attachments]
    paragraphs = [text for text, _section in lines]
    in_theme = [section is not None and section is theme for _text, section in lines]
    phase = ""
    i = 0
    while i < len(paragraphs):
        text = paragraphs[i]
        theme_paragraph = in_theme[i]
        i += 1
        number = TASK_NUMBER.match(text)
        found = split_assignment(text) if number else None
        wrapped = ""
        if number and found is None and i < len(paragraphs) and _is_assignment_only(paragraphs[i]):
            # The assignment wrapped onto a paragraph of its own.
            found = split_assignment(paragraphs[i])
            if found is not None:
                found.text = text
                wrapped = paragraphs[i]
        if number is None or found is None:
            if (heading := match_phase(text, year)) and (
                heading.named_as_phase or heading.is_range
            ):
                phase = next(
                    (p.name for p in phases if same_phase(p.name, heading.phase.name)),
                    heading.phase.name,
                )
            continue
        if theme_paragraph and "due" not in found.values:
            continue  # a sub-theme's assignment, not a task
        consumed.add(text)
        if wrapped:
            consumed.add(wrapped)
            i += 1
        written = TASK_NUMBER.sub("", found.text, count=1).strip(" 。.；;，,")
        number_text = next(g for g in number.groups() if g)
        task = builder.add(
            TaskFields(
                text=written,
                phase=phase,
                number=to_number(number_text),
                number_text=number_text,
                due_text=found.values.get("due", ""),
                lead_text=found.values.get("lead", ""),
                co_text=found.values.get("co", ""),
                leaders_text=found.values.get("leaders", ""),
            )
        )
        if found.unknown:
            builder.warnings.append(
                _("Unrecognised entries in task %(seq)s were ignored: %(text)s")
                % {"seq": task.seq, "text": snippet("；".join(found.unknown))}
            )
    return ParagraphTasks(builder.tasks, builder.warnings, builder.problems, consumed)
