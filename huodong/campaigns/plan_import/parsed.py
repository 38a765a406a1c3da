"""What the importer understood of a plan, before anything is saved.

`to_dict()` gives the shapes of the seeds' *.expected.json exactly, so a dry run can be
compared with them value for value; `to_dict(full=True)` adds what a preview shows besides
(texts, deadline wording, co-units, recurrence, leaders, quota sources, descriptive members).
New nested keys go only under `full`, so the default shapes stay those of the seed's file;
new top-level keys (year_source, problems) appear in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class ParsedTheme:
    name: str
    text: str
    lead_leader: str
    units: list[str]

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "lead_leader": self.lead_leader,
            "units": list(self.units),
        }
        if full:
            data["text"] = self.text
        return data


@dataclass
class ParsedPhase:
    name: str
    start: date | None
    end: date | None
    text: str = ""

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "start": _iso(self.start),
            "end": _iso(self.end),
        }
        if full:
            data["text"] = self.text
        return data


# ParsedTask.recurrence values: the task repeats instead of having one deadline.
RECUR_MONTH = "month"
RECUR_QUARTER = "quarter"
RECUR_ONGOING = "ongoing"


@dataclass
class ParsedTask:
    seq: int
    phase: str
    text: str
    due: date | None
    due_text: str
    # Unit names as written; collective names (各科室) are expanded by the service, not here.
    lead_units: list[str]
    co_units: list[str] = field(default_factory=list)
    # "month" | "quarter" | "ongoing" for 每月 / 每季度 / 长期坚持; `due` is then None.
    recurrence: str | None = None
    # First day of a range deadline (7月—9月 -> 7-01); None for a single deadline.
    start: date | None = None
    # Names from a 责任领导 column or entry, as written.
    leaders: list[str] = field(default_factory=list)
    # 1-based row of the schedule table the task came from (header rows count), if any.
    row: int | None = None

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seq": self.seq,
            "phase": self.phase,
            "due": _iso(self.due),
            "lead_units": list(self.lead_units),
        }
        if full:
            data.update(
                text=self.text,
                due_text=self.due_text,
                co_units=list(self.co_units),
                recurrence=self.recurrence,
                start=_iso(self.start),
                leaders=list(self.leaders),
                row=self.row,
            )
        return data


# ParsedProblem.kind values.
PROBLEM_MISSING_DEADLINE = "missing_deadline"
PROBLEM_MISSING_UNIT = "missing_unit"
PROBLEM_BAD_DATE = "bad_date"
PROBLEM_ODD_UNIT = "odd_unit"
PROBLEM_DUPLICATE_SEQ = "duplicate_seq"


@dataclass
class ParsedProblem:
    """Something the reviewer must fix before the plan can be saved as it stands."""

    kind: str
    message: str  # translated, names the task and row where there is one
    snippet: str  # the text the problem is about, as written
    task_seq: int | None
    row: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "snippet": self.snippet,
            "task_seq": self.task_seq,
            "row": self.row,
        }


@dataclass
class ParsedQuota:
    scope: str  # "person" | "branch" | "unit" | "campaign"
    min: int
    subject: str
    task_seq: int | None
    period: str | None = None  # "month" | "quarter" | None
    source: str = ""  # the snippet it came from

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"scope": self.scope, "min": self.min, "subject": self.subject}
        if self.period is not None:
            data["period"] = self.period
        data["task_seq"] = self.task_seq
        if full:
            data["source"] = self.source
        return data


@dataclass
class ParsedLeadingGroup:
    # Keys "组长", "副组长", "成员", each a list of person names.
    members: dict[str, list[str]] = field(default_factory=dict)
    office_unit: str = ""
    office_director: str = ""
    # Members the plan describes by post rather than name (各支部书记, 综合处负责人); kept apart
    # so nobody creates a person called "各支部书记".
    member_descriptions: list[str] = field(default_factory=list)

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "组长": list(self.members.get("组长", [])),
            "副组长": list(self.members.get("副组长", [])),
            "office_unit": self.office_unit,
            "office_director": self.office_director,
        }
        if full:
            data["成员"] = list(self.members.get("成员", []))
            data["member_descriptions"] = list(self.member_descriptions)
        return data


@dataclass
class ParsedPlan:
    title: str
    doc_number: str
    issuer: str
    issued: date | None
    year: int | None
    guiding_thought: str
    theme: str
    principles: list[str]
    themes: list[ParsedTheme]
    phases: list[ParsedPhase]
    tasks: list[ParsedTask]
    leading_group: ParsedLeadingGroup
    quotas: list[ParsedQuota]
    warnings: list[str]
    source_text: str
    # The words the year was taken from, so the review screen can ask to confirm it.
    year_source: str = ""
    # What the reviewer must fix; each is also among `warnings` as a plain sentence.
    problems: list[ParsedProblem] = field(default_factory=list)

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """JSON-ready, dates as ISO strings; `full` adds nested details and the source text."""
        data: dict[str, Any] = {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issued": _iso(self.issued),
            "year": self.year,
            "guiding_thought": self.guiding_thought,
            "theme": self.theme,
            "principles": list(self.principles),
            "themes": [t.to_dict(full=full) for t in self.themes],
            "phases": [p.to_dict(full=full) for p in self.phases],
            "tasks": [t.to_dict(full=full) for t in self.tasks],
            "leading_group": self.leading_group.to_dict(full=full),
            "quotas": [q.to_dict(full=full) for q in self.quotas],
            "warnings": list(self.warnings),
            "year_source": self.year_source,
            "problems": [p.to_dict() for p in self.problems],
        }
        if full:
            data["source_text"] = self.source_text
        return data
