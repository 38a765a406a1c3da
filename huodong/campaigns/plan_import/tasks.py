"""One place that turns a task's written fields into a ParsedTask and says what is wrong.

Both the schedule table and numbered task paragraphs go through TaskBuilder, so a missing
deadline reads the same to the reviewer whichever way the plan was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .dates import parse_due, recurrence_of
from .parsed import (
    PROBLEM_BAD_DATE,
    PROBLEM_DUPLICATE_SEQ,
    PROBLEM_MISSING_DEADLINE,
    PROBLEM_MISSING_UNIT,
    PROBLEM_ODD_UNIT,
    ParsedProblem,
    ParsedTask,
)
from .people import person_names
from .textutil import snippet, split_marked_units, split_units, unit_looks_wrong


def where(seq: int, row: int | None) -> str:
    if row is None:
        return _("Task %(seq)s") % {"seq": seq}
    return _("Task %(seq)s (row %(row)s of the schedule table)") % {"seq": seq, "row": row}


@dataclass
class TaskFields:
    """A task as written, before any of it is interpreted."""

    text: str
    phase: str = ""
    number: int | None = None
    number_text: str = ""
    due_text: str = ""
    lead_text: str = ""
    co_text: str = ""
    leaders_text: str = ""
    row: int | None = None


@dataclass
class TaskBuilder:
    year: int | None
    # Whether the source numbers its tasks (a 序号 column, numbered paragraphs).
    numbered: bool = True
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[ParsedProblem] = field(default_factory=list)
    _offset: int = 0
    _restart_noted: bool = False

    def problem(self, kind: str, message: str, text: str, seq: int | None, row: int | None) -> None:
        self.problems.append(ParsedProblem(kind, message, snippet(text), seq, row))
        self.warnings.append(message)

    def _seq(self, written: TaskFields) -> int:
        last = self.tasks[-1] if self.tasks else None
        expected = last.seq + 1 if last else 1
        if written.number is None:
            if self.numbered:
                self.warnings.append(
                    _("Task without a number %(seq_text)s was numbered %(seq)s: %(text)s")
                    % {
                        "seq_text": written.number_text,
                        "seq": expected,
                        "text": snippet(written.text),
                    }
                )
            return expected
        if written.number == 1 and last is not None and written.phase != last.phase:
            # Numbering that starts again in each phase: keep one sequence through the plan,
            # since a task's number identifies it within the campaign.
            self._offset = last.seq
            if not self._restart_noted:
                self._restart_noted = True
                self.warnings.append(
                    _(
                        "Task numbers start again in each phase; the tasks were numbered "
                        "through the whole plan instead."
                    )
                )
        return written.number + self._offset

    def add(self, written: TaskFields) -> ParsedTask:
        seq = self._seq(written)
        row = written.row
        if any(t.seq == seq for t in self.tasks):
            self.problem(
                PROBLEM_DUPLICATE_SEQ,
                _("%(where)s: the number %(seq)s appears twice.")
                % {"where": where(seq, row), "seq": seq},
                written.text,
                seq,
                row,
            )
        due_text = written.due_text.strip()
        recurrence = recurrence_of(due_text) if due_text else None
        start, due = parse_due(due_text, self.year) if due_text else (None, None)
        if not due_text:
            self.problem(
                PROBLEM_MISSING_DEADLINE,
                _("%(where)s has no deadline: %(text)s")
                % {"where": where(seq, row), "text": snippet(written.text, 30)},
                written.text,
                seq,
                row,
            )
        elif due is None and recurrence is None:
            self.problem(
                PROBLEM_BAD_DATE,
                _("%(where)s: the deadline was not understood: %(due)s")
                % {"where": where(seq, row), "due": snippet(due_text)},
                due_text,
                seq,
                row,
            )
        lead_units, marked_co = split_marked_units(written.lead_text)
        co_units = list(dict.fromkeys(marked_co + split_units(written.co_text)))
        if not lead_units:
            self.problem(
                PROBLEM_MISSING_UNIT,
                _("%(where)s has no responsible unit: %(text)s")
                % {"where": where(seq, row), "text": snippet(written.text, 30)},
                written.text,
                seq,
                row,
            )
        for name in lead_units + co_units:
            if unit_looks_wrong(name):
                self.problem(
                    PROBLEM_ODD_UNIT,
                    _("%(where)s: “%(unit)s” does not look like a unit name.")
                    % {"where": where(seq, row), "unit": snippet(name, 30)},
                    name,
                    seq,
                    row,
                )
        leaders_text = written.leaders_text.strip()
        task = ParsedTask(
            seq=seq,
            phase=written.phase,
            text=written.text,
            due=due,
            due_text=due_text,
            lead_units=lead_units,
            co_units=co_units,
            recurrence=recurrence,
            start=start,
            leaders=person_names(leaders_text) or split_units(leaders_text),
            row=row,
        )
        self.tasks.append(task)
        return task
