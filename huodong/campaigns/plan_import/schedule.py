"""The schedule table (计划安排表): columns found by their header names, in any order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .blocks import Table
from .dates import is_recurring, parse_deadline
from .parsed import ParsedPhase, ParsedTask
from .textutil import SPACES, fold_width, snippet, split_units, to_number

# Field -> header names, most specific first. A header cell maps to the field whose name it
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
        "负责单位",
        "责任主体",
    ),
    "co": ("配合单位", "协办单位", "配合部门", "协同单位", "参与单位", "配合处室", "协助单位"),
}
HEADER_SEARCH_ROWS = 3


@dataclass
class ColumnMap:
    header_row: int
    index: dict[str, int]


def _header_key(text: str) -> str:
    return SPACES.sub("", fold_width(text)).strip("*:：")


def _field_for(cell: str) -> str | None:
    key = _header_key(cell)
    best: tuple[int, str] | None = None
    for name, synonyms in COLUMNS.items():
        for synonym in synonyms:
            if synonym in key and (best is None or len(synonym) > best[0]):
                best = (len(synonym), name)
    return best[1] if best else None


def find_columns(table: Table) -> tuple[ColumnMap | None, list[str]]:
    """The header row and each field's column, if this table looks like a schedule."""
    for row_index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        index: dict[str, int] = {}
        ignored: list[str] = []
        for col, cell in enumerate(row):
            name = _field_for(cell)
            # A cell spanning several grid columns repeats; count it once.
            if name and name not in index:
                index[name] = col
            elif cell.strip() and name is None:
                ignored.append(cell.strip())
        if "text" in index and ("due" in index or "lead" in index):
            warnings = [
                _("Schedule column %(name)s was not understood and was ignored.")
                % {"name": snippet(name, 20)}
                for name in dict.fromkeys(ignored)
            ]
            return ColumnMap(row_index, index), warnings
    return None, []


def _cell(row: list[str], columns: ColumnMap, name: str) -> str:
    col = columns.index.get(name)
    return row[col].strip() if col is not None and col < len(row) else ""


def _phase_name(cell: str, known: list[ParsedPhase]) -> str:
    # A merged cell may come back once per row or with its text repeated on several lines.
    lines = list(dict.fromkeys(line.strip() for line in cell.splitlines() if line.strip()))
    name = "".join(lines)
    name = re.sub(r"[（(][^（()）]*[）)]\s*$", "", name).strip()
    for phase in known:
        if phase.name and (phase.name in name or (name and name in phase.name)):
            return phase.name
    return name


def _separator_text(cells: list[str], columns: ColumnMap) -> str:
    """The text of a row that only names a phase (merged across, or alone outside the task)."""
    filled = [(i, c) for i, c in enumerate(cells) if c]
    distinct = {c for _, c in filled}
    if len(distinct) != 1:
        return ""
    text = distinct.pop()
    if _seq(text) is not None:
        return ""
    if len(filled) >= 2 or filled[0][0] in {
        0,
        columns.index.get("seq"),
        columns.index.get("phase"),
    }:
        return text
    return ""


def _seq(cell: str) -> int | None:
    return to_number(cell.strip().rstrip(".、．"))


def parse_tasks(
    tables: list[Table], year: int | None, phases: list[ParsedPhase]
) -> tuple[list[ParsedTask], list[str]]:
    tasks: list[ParsedTask] = []
    warnings: list[str] = []
    for table in tables:
        columns, column_warnings = find_columns(table)
        if columns is None:
            continue
        warnings.extend(column_warnings)
        header = [_header_key(c) for c in table.rows[columns.header_row]]
        phase = ""
        for row in table.rows[columns.header_row + 1 :]:
            cells = [c.strip() for c in row]
            if not any(cells) or [_header_key(c) for c in row] == header:
                continue  # blank row, or the header repeated on a new page
            if separator := _separator_text(cells, columns):
                # A row merged across the table names the phase of the rows below it.
                phase = _phase_name(separator, phases)
                continue
            phase = _phase_name(_cell(row, columns, "phase"), phases) or phase
            tasks.append(_task(row, columns, phase, year, tasks, warnings))
    known = {p.name for p in phases}
    if known:
        for name in dict.fromkeys(t.phase for t in tasks if t.phase not in known):
            warnings.append(
                _("Schedule phase %(name)s matches none of the phases in the text.")
                % {"name": name or "—"}
            )
    return tasks, warnings


def _task(
    row: list[str],
    columns: ColumnMap,
    phase: str,
    year: int | None,
    tasks: list[ParsedTask],
    warnings: list[str],
) -> ParsedTask:
    text = _cell(row, columns, "text")
    seq_text = _cell(row, columns, "seq")
    seq = _seq(seq_text) if seq_text else None
    expected_seq = tasks[-1].seq + 1 if tasks else 1
    if seq is None:
        if "seq" in columns.index:
            warnings.append(
                _("Task without a number %(seq_text)s was numbered %(seq)s: %(text)s")
                % {"seq_text": seq_text, "seq": expected_seq, "text": snippet(text)}
            )
        seq = expected_seq
    elif any(t.seq == seq for t in tasks):
        warnings.append(_("Task number %(seq)s appears twice.") % {"seq": seq})
    due_text = _cell(row, columns, "due")
    due = parse_deadline(due_text, year) if due_text else None
    if not due_text:
        warnings.append(_("Task %(seq)s has no deadline.") % {"seq": seq})
    elif due is None and not is_recurring(due_text):
        warnings.append(
            _("The deadline of task %(seq)s was not understood: %(due)s")
            % {"seq": seq, "due": snippet(due_text)}
        )
    lead_units = split_units(_cell(row, columns, "lead"))
    if not lead_units:
        warnings.append(_("Task %(seq)s has no lead unit.") % {"seq": seq})
    return ParsedTask(
        seq=seq,
        phase=phase,
        text=text,
        due=due,
        due_text=due_text,
        lead_units=lead_units,
        co_units=split_units(_cell(row, columns, "co")),
    )
