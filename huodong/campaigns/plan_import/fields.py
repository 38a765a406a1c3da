"""The names plans give a task's fields, in table headers and in `键：值` assignments.

One vocabulary serves the schedule table (序号 | 工作内容 | 责任单位 | 完成时间 ...), numbered
task paragraphs (（牵头单位：办公室；完成时间：3月15日前）) and sub-theme assignments
(（牵头领导：臧广荣，责任单位：政管办党支部）).
"""

from __future__ import annotations

import re

from .textutil import SPACES, fold_width

# Field -> names, most specific first. A header cell maps to the field whose name it
# contains at the greatest length, so 配合单位 never falls to a shorter lead-unit name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "phase": ("阶段步骤", "实施阶段", "工作阶段", "阶段", "步骤"),
    "text": (
        "工作任务",
        "工作内容",
        "主要任务",
        "具体任务",
        "任务内容",
        "活动内容",
        "工作措施",
        "主要内容",
        "具体措施",
        "任务",
        "内容",
    ),
    "due": (
        "完成时限",
        "完成时间",
        "时间安排",
        "时间节点",
        "完成期限",
        "截止时间",
        "完成日期",
        "时限",
        "时间",
        "期限",
    ),
    "lead": (
        "牵头单位",
        "责任单位",
        "责任部门",
        "牵头部门",
        "责任处室",
        "牵头处室",
        "责任科室",
        "牵头科室",
        "责任股室",
        "牵头股室",
        "负责单位",
        "责任主体",
    ),
    "co": (
        "配合单位",
        "协办单位",
        "配合部门",
        "协同单位",
        "参与单位",
        "配合处室",
        "配合科室",
        "配合股室",
        "协助单位",
    ),
    # 牵头领导 is left out on purpose: as a table column it has long been reported as not
    # understood (see test_text_reader), and a reviewer decides whether it names leaders.
    "leaders": ("责任领导", "分管领导", "包挂领导", "联系领导"),
    # Progress columns of an exported schedule (and offices' own tracking sheets): read past
    # silently, since a plan's import starts without progress.
    "progress": ("进展状态", "完成状态", "办结日期", "完成情况", "落实情况", "备注"),
}

# Assignment keys beyond the column names: short forms people write inside parentheses.
EXTRA_KEYS: dict[str, str] = {
    "牵头": "lead",
    "责任": "lead",
    "配合": "co",
    "协办": "co",
    "牵头领导": "leaders",
    "领导": "leaders",
}

# A key starts the text or follows a separator; values run to the next key.
KEY = re.compile(r"(?:^|(?<=[，,；;。、\s]))(?P<k>[\u4e00-\u9fff]{2,6})\s*[：:]")
_VALUE_EDGES = "，,；;。.、 \t\n"


def header_key(text: str) -> str:
    return SPACES.sub("", fold_width(text)).strip("*:：")


def field_for_header(cell: str) -> str | None:
    """The field a table header cell names, by the longest name it contains."""
    key = header_key(cell)
    best: tuple[int, str] | None = None
    for name, synonyms in COLUMNS.items():
        for synonym in synonyms:
            if synonym in key and (best is None or len(synonym) > best[0]):
                best = (len(synonym), name)
    return best[1] if best else None


def field_for_key(key: str) -> str | None:
    """The field an assignment key names: exact names first, then a table header's rule."""
    key = header_key(key)
    if key in EXTRA_KEYS:
        return EXTRA_KEYS[key]
    for name, synonyms in COLUMNS.items():
        if key in synonyms:
            return name
    return field_for_header(key)


def key_values(text: str) -> list[tuple[str, str]]:
    """牵头领导：臧广荣，责任单位：A、B -> [("牵头领导", "臧广荣"), ("责任单位", "A、B")].

    A value runs to the next key, so a unit list separated by commas stays whole.
    """
    matches = list(KEY.finditer(text))
    pairs: list[tuple[str, str]] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        pairs.append((m["k"], text[m.end() : end].strip(_VALUE_EDGES)))
    return pairs


def starts_with_key(text: str) -> bool:
    m = KEY.match(text.strip().lstrip("（("))
    return bool(m and field_for_key(m["k"]) is not None)
