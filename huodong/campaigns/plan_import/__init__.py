"""Import a campaign plan (实施方案) from a .docx or a text file.

    plan = parse_plan(data, "plan.docx")   # -> ParsedPlan, or raises PlanImportError

The reader is chosen by content, not by file name; each format lives in its own module
(docx_reader, text_reader) behind the checks in safety, and all of them produce the same
RawDocument for the parser.
"""

from __future__ import annotations

from .blocks import RawDocument
from .docx_reader import read_docx
from .errors import PlanImportError
from .parsed import (
    ParsedLeadingGroup,
    ParsedPhase,
    ParsedPlan,
    ParsedQuota,
    ParsedTask,
    ParsedTheme,
)
from .parser import build_plan
from .safety import MAX_BYTES, Format, detect_format
from .text_reader import read_text

__all__ = [
    "ParsedLeadingGroup",
    "ParsedPhase",
    "ParsedPlan",
    "ParsedQuota",
    "ParsedTask",
    "ParsedTheme",
    "PlanImportError",
    "parse_plan",
    "read_document",
]


def read_document(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> RawDocument:
    """The checked, format-neutral content of an upload."""
    kind = detect_format(data, filename, max_bytes=max_bytes)
    if kind is Format.DOCX:
        return read_docx(data)
    return read_text(data)


def parse_plan(
    data: bytes,
    filename: str,
    *,
    default_year: int | None = None,
    max_bytes: int = MAX_BYTES,
) -> ParsedPlan:
    """Parse an uploaded plan; `default_year` is used only when the document names no year."""
    return build_plan(read_document(data, filename, max_bytes=max_bytes), default_year=default_year)
