"""Import a campaign plan (实施方案) from a .docx or a text file.

    plan = parse_plan(data, "plan.docx")   # -> ParsedPlan, or raises PlanImportError
    plan = parse_plan(data, "plan.docx", strict=True)   # also raises for plan.problems
    plan = parse_text(pasted)              # text pasted into a form

The reader is chosen by content, not by file name; each format lives in its own module
(docx_reader, text_reader) behind the checks in safety, and all of them produce the same
RawDocument for the parser.

What a reviewer must fix (a task without a deadline or unit, a date or unit name not
understood) is listed in `ParsedPlan.problems`; `strict=True` turns the first of them into a
PlanImportError instead, for imports that nobody reviews (the command line).
"""

from __future__ import annotations

from .blocks import RawDocument
from .docx_reader import read_docx
from .errors import PlanImportError
from .parsed import (
    ParsedLeadingGroup,
    ParsedPhase,
    ParsedPlan,
    ParsedProblem,
    ParsedQuota,
    ParsedTask,
    ParsedTheme,
)
from .parser import build_plan
from .safety import MAX_BYTES, Format, detect_format, open_office_zip
from .text_reader import read_text
from .xlsx_reader import read_xlsx

__all__ = [
    "ParsedLeadingGroup",
    "ParsedPhase",
    "ParsedPlan",
    "ParsedProblem",
    "ParsedQuota",
    "ParsedTask",
    "ParsedTheme",
    "PlanImportError",
    "parse_plan",
    "parse_text",
    "read_document",
]


def read_document(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> RawDocument:
    """The checked, format-neutral content of an upload."""
    kind = detect_format(data, filename, max_bytes=max_bytes)
    if kind is Format.DOCX:
        archive, kind = open_office_zip(data)
        archive.close()
        return read_xlsx(data) if kind is Format.XLSX else read_docx(data)
    return read_text(data)


def parse_plan(
    data: bytes,
    filename: str,
    *,
    default_year: int | None = None,
    max_bytes: int = MAX_BYTES,
    strict: bool = False,
) -> ParsedPlan:
    """Parse an uploaded plan; `default_year` is used only when the document names no year.

    With `strict`, a plan that has problems raises PlanImportError naming the first one.
    """
    document = read_document(data, filename, max_bytes=max_bytes)
    return build_plan(document, default_year=default_year, strict=strict)


def parse_text(
    text: str,
    *,
    default_year: int | None = None,
    max_bytes: int = MAX_BYTES,
    strict: bool = False,
) -> ParsedPlan:
    """Parse a plan pasted as text (a schedule copied from Word arrives tab-separated)."""
    return parse_plan(
        text.encode("utf-8"),
        "pasted.txt",
        default_year=default_year,
        max_bytes=max_bytes,
        strict=strict,
    )
