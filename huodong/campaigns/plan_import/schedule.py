"""The schedule table (计划安排表): columns found by their header names, in any order.

A row whose cells all hold the same text (merged across the table) names the phase of the
rows below it: 第一阶段：宣传发动（3月1日—3月15日）. Such a row may be the only place a
phase is written, so its dates are kept as a phase of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .blocks import Table
from .fields import field_for_header, header_key
from .parsed import ParsedPhase, ParsedProblem, ParsedTask
from .phases import clean_phase_name, match_phase, same_phase
from .tasks import TaskBuilder, TaskFields
from .textutil import snippet, to_number

HEADER_SEARCH_ROWS = 3
# Header cells are names, not sentences; a longer cell is data that happens to say 任务.
MAX_HEADER_CELL = 10


@dataclass
class ColumnMap:
    # The last header row; data starts below it.
    header_row: int
    index: dict[str, int]
    header_rows: list[int] = field(default_factory=list)


def _fields_of(row: list[str]) -> list[str | None]:
    return [field_for_header(cell) for cell in row]


def _index(fields: list[str | None]) -> dict[str, int]:
    index: dict[str, int] = {}
    for col, name in enumerate(fields):
        # A cell spanning several grid columns repeats; count it once.
        if name and name not in index:
            index[name] = col
    return index


def _continues_header(row: list[str], above: list[str]) -> bool:
    """A second header row naming the parts of a merged cell (责任单位 over 牵头单位 | 配合单位)."""
    filled = {c.strip() for c in row if c.strip()}
    # A row merged across (第一阶段：动员部署…) names a phase, even though it says 阶段.
    if len(filled) < 2 or row == above:
        return False
    for cell, upper in zip(row, above, strict=False):
        cell = cell.strip()
        if not cell or cell == upper.strip():
            continue
        if len(header_key(cell)) > MAX_HEADER_CELL or field_for_header(cell) is None:
            return False
    return True


def find_columns(table: Table) -> tuple[ColumnMap | None, list[str]]:
    """The header row and each field's column, if this table looks like a schedule."""
    for row_index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        fields = _fields_of(row)
        index = _index(fields)
        if "text" not in index or ("due" not in index and "lead" not in index):
            continue
        header_rows = [row_index]
        cells = list(row)
        nxt = row_index + 1
        if nxt < len(table.rows) and _continues_header(table.rows[nxt], row):
            lower = _fields_of(table.rows[nxt])
            fields = [low or up for low, up in zip(lower, fields, strict=False)]
            index = _index(fields)
            header_rows.append(nxt)
            cells = [low or up for low, up in zip(table.rows[nxt], row, strict=False)]
        ignored = [c.strip() for c, f in zip(cells, fields, strict=False) if c.strip() and not f]
        warnings = [
            _("Schedule column %(name)s was not understood and was ignored.")
            % {"name": snippet(name, 20)}
            for name in dict.fromkeys(ignored)
        ]
        return ColumnMap(header_rows[-1], index, header_rows), warnings
    return None, []


def _cell(row: list[str], columns: ColumnMap, name: str) -> str:
    col = columns.index.get(name)
    return row[col].strip() if col is not None and col < len(row) else ""


def _seq(cell: str) -> int | None:
    return to_number(cell.strip().rstrip(".、．"))


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


@dataclass
class Schedule:
    tasks: list[ParsedTask]
    # Phases written only in the table (separator rows, phase cells with dates).
    phases: list[ParsedPhase]
    warnings: list[str]
    problems: list[ParsedProblem]


@dataclass
class _PhaseResolver:
    known: list[ParsedPhase]
    year: int | None
    found: list[ParsedPhase] = field(default_factory=list)

    def resolve(self, cell: str) -> str:
        heading = match_phase(" ".join(cell.split()), self.year)
        name = heading.phase.name if heading else clean_phase_name(cell)
        for phase in self.known + self.found:
            if same_phase(phase.name, name):
                return phase.name
        if heading and heading.phase.end is not None:
            self.found.append(heading.phase)
        return name


def parse_tasks(tables: list[Table], year: int | None, phases: list[ParsedPhase]) -> Schedule:
    builder = TaskBuilder(year=year)
    warnings: list[str] = []
    resolver = _PhaseResolver(known=list(phases), year=year)
    for table in tables:
        columns, column_warnings = find_columns(table)
        if columns is None:
            continue
        warnings.extend(column_warnings)
        builder.numbered = "seq" in columns.index
        headers = [[header_key(c) for c in table.rows[i]] for i in columns.header_rows]
        phase = ""
        for row_number, row in enumerate(
            table.rows[columns.header_row + 1 :], columns.header_row + 2
        ):
            cells = [c.strip() for c in row]
            if not any(cells) or [header_key(c) for c in row] in headers:
                continue  # blank row, or the header repeated on a new page
            if separator := _separator_text(cells, columns):
                phase = resolver.resolve(separator)
                continue
            phase_cell = _cell(row, columns, "phase")
            phase = (resolver.resolve(phase_cell) if phase_cell else "") or phase
            seq_text = _cell(row, columns, "seq")
            builder.add(
                TaskFields(
                    text=_cell(row, columns, "text"),
                    phase=phase,
                    number=_seq(seq_text) if seq_text else None,
                    number_text=seq_text,
                    due_text=_cell(row, columns, "due"),
                    lead_text=_cell(row, columns, "lead"),
                    co_text=_cell(row, columns, "co"),
                    leaders_text=_cell(row, columns, "leaders"),
                    row=row_number,
                )
            )
    tasks = builder.tasks
    known = {p.name for p in phases + resolver.found}
    if known:
        for name in dict.fromkeys(t.phase for t in tasks if t.phase and t.phase not in known):
            warnings.append(
                _("Schedule phase %(name)s matches none of the phases in the text.")
                % {"name": name}
            )
    return Schedule(tasks, resolver.found, warnings + builder.warnings, builder.problems)
