"""A requirement's compliance as .xlsx, written row by row (openpyxl's write-only mode) from a
database iterator into a temporary file, so 60,000 people never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from huodong.campaigns.models import RequirementScope
from huodong.core.xlsx_stream import header_cells, saved_for_streaming, titled_sheet
from huodong.participation.selectors.compliance import Compliance, is_words

COMPLIANCE_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITERATOR_CHUNK = 2_000


def _header(compliance: Compliance) -> list[str]:
    scope = compliance.requirement.scope
    if scope == RequirementScope.PERSON:
        first = [_("Name"), _("Unit"), _("Party branch")]
    elif scope == RequirementScope.CAMPAIGN:
        first = [_("Campaign"), "", ""]
    else:
        first = [_("Name"), _("Parent unit"), ""]
    if is_words(compliance.requirement):
        return [
            *first,
            _("Longest reflection (characters)"),
            _("Required"),
            _("Short by"),
            _("Met"),
        ]
    return [*first, _("Done"), _("Required"), _("Short by"), _("Met")]


def _values(compliance: Compliance, *, short_only: bool) -> Iterator[tuple[Any, ...]]:
    """(name, unit, branch, done or best words) of every row, in the page's order."""
    scope = compliance.requirement.scope
    column = "best_words" if is_words(compliance.requirement) else "done"
    rows = compliance.rows(short_only=short_only)
    if scope == RequirementScope.PERSON:
        fields: tuple[str, ...] = ("name", "unit__name", "branch__name", column)
    elif scope == RequirementScope.CAMPAIGN:
        fields = ("title", column)
    else:
        fields = ("name", "parent__name", column)
    for row in rows.values_list(*fields).iterator(chunk_size=ITERATOR_CHUNK):
        if scope == RequirementScope.PERSON:
            yield row
        elif scope == RequirementScope.CAMPAIGN:
            yield (row[0], "", "", row[1])
        else:
            yield (row[0], row[1], "", row[2])


def compliance_xlsx(compliance: Compliance, *, title: str, short_only: bool = False) -> IO[bytes]:
    """The workbook in a temporary file, positioned at its start for a streamed response."""
    book, sheet = titled_sheet(
        name=_("Compliance"), heading=title, widths=(16, 24, 24, 16, 10, 10, 8)
    )
    sheet.append(header_cells(sheet, _header(compliance)))
    words = compliance.words_needed
    needed = compliance.requirement.minimum if words is not None else compliance.needed
    threshold = words if words is not None else compliance.needed
    yes, no = _("yes"), _("no")
    for name, unit, branch, value in _values(compliance, short_only=short_only):
        value = value or 0
        short = max(0, threshold - value) if compliance.counted else None
        met = (yes if value >= threshold else no) if compliance.counted else ""
        sheet.append([name, unit or "", branch or "", value, needed, short, met])
    return saved_for_streaming(book)
