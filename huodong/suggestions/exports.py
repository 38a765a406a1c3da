"""The suggestion pool as .xlsx: the filtered list written row by row (openpyxl write-only)
into a temporary file that the response streams; rows are read in chunks, each chunk's tags
with one more query, so memory and queries stay flat however long the list is.

The submitters' contacts are written only for the office that answers them; leaders and
inspectors get the same table without them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from huodong.core.audit import audit_record
from huodong.core.uploads import XLSX_TYPE
from huodong.core.xlsx_stream import header_cells, saved_for_streaming, titled_sheet
from huodong.orgs.models import Office
from huodong.suggestions.models import Suggestion
from huodong.surveys.exports import cell_text

POOL_XLSX_TYPE = XLSX_TYPE
CHUNK = 2000
_WRAP = Alignment(wrap_text=True, vertical="top")


def pool_xlsx(
    office: Office, suggestions: Iterable[Suggestion], *, with_contacts: bool, today: dt.date
) -> IO[bytes]:
    """A temporary file holding the workbook, rewound; the caller streams and closes it."""
    widths = [8, 60, 14, 24] + ([20] if with_contacts else []) + [14, 18, 14, 16, 30, 10, 12, 12]
    book, sheet = titled_sheet(
        name=_("Suggestions"),
        heading=f"{office.name} · {_('Suggestion pool')} · {today}",
        widths=widths,
        freeze_below_header=True,
    )
    header = [_("No."), _("Suggestion"), _("Source"), _("Submitted by")]
    if with_contacts:
        header.append(_("Contact"))
    header += [
        _("Category"),
        _("Tags"),
        _("Stage"),
        _("Status"),
        pgettext("explanation", "Reason"),
        _("Duplicate of"),
        pgettext("suggestion date", "Received"),
        pgettext("suggestion", "Answered"),
    ]
    sheet.append(header_cells(sheet, header, wrap=_WRAP))
    for suggestion in suggestions:
        sheet.append([_cell(sheet, value) for value in _row(suggestion, with_contacts)])
    return saved_for_streaming(book)


def _submitter(suggestion: Suggestion) -> str:
    if suggestion.is_anonymous:
        return _("Anonymous")
    return "，".join(
        part for part in (suggestion.submitter_name, suggestion.submitter_organisation) if part
    )


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _row(suggestion: Suggestion, with_contacts: bool) -> list[Any]:
    values: list[Any] = [
        suggestion.number,
        suggestion.text,
        suggestion.get_source_display(),
        _submitter(suggestion),
    ]
    if with_contacts:
        values.append("" if suggestion.is_anonymous else suggestion.submitter_contact)
    values += [
        suggestion.category.name if suggestion.category else "",
        "、".join(tag.name for tag in suggestion.tags.all()),
        suggestion.get_stage_display(),
        suggestion.status.name if suggestion.status else "",
        suggestion.reason,
        suggestion.duplicate_of.number if suggestion.duplicate_of else None,
        _day(suggestion.created_at),
        _day(suggestion.answered_at),
    ]
    return values


def _cell(sheet: Any, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=cell_text(value) if isinstance(value, str) else value)
    cell.alignment = _WRAP
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def pool_export_record(*, actor: Any, office: Office, count: int, with_contacts: bool) -> None:
    """Who took the pool away, and with contacts or not."""
    audit_record(
        actor=actor,
        action="suggestion.export",
        obj=office,
        changes={"rows": count, "contacts": with_contacts},
    )


def export_filename(today: dt.date) -> str:
    return f"{_('Suggestion pool')}-{today.isoformat()}.xlsx"
