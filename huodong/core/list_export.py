""".xlsx exports of the list pages: the rows a page shows across all its pages, written row by
row (openpyxl write-only) into a temporary file that the response streams.

A view builds the same queryset as its page (same selector, same filters, same scoping), hands
its rows to `list_export_response` with the columns to write, and gets a streamed response whose
export is audited (who took which list, how many rows, with which filters). Iterate querysets
with `.iterator(chunk_size=CHUNK)` after `select_related`/`prefetch_related` so memory and
queries stay flat however long the list is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import models
from django.http import FileResponse, QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.uploads import XLSX_TYPE
from huodong.core.xlsx_stream import header_cells, saved_for_streaming, titled_sheet

CHUNK = 2000
_WRAP = Alignment(wrap_text=True, vertical="top")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    """One column: its header (already in the user's language) and how a row gives its value.

    The value may be text, a number, a date, an aware datetime (written in local time), a
    lazy translation or None (an empty cell)."""

    header: str
    value: Callable[[Any], Any]
    width: float = 16
    number_format: str = ""  # e.g. "0.0%" for a share written as a fraction


@dataclass
class Sheet:
    """A sheet of an export: a name, a bold heading row, the header row and the rows."""

    name: str
    heading: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    count: int = field(default=0, init=False)


def cell_value(value: Any) -> Any:
    """A value a cell can hold: text never read as a formula and without control characters
    (a workbook cannot hold them), aware datetimes in local time without the zone."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    return value


def _cell(sheet: Any, value: Any, number_format: str = "") -> WriteOnlyCell:
    value = cell_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def xlsx_file(sheets: Sequence[Sheet]) -> IO[bytes]:
    """A temporary file holding the workbook, rewound; counts each sheet's rows as it writes."""
    book = None
    for sheet_spec in sheets:
        widths = [column.width for column in sheet_spec.columns]
        if book is None:
            book, sheet = titled_sheet(
                name=sheet_spec.name,
                heading=sheet_spec.heading,
                widths=widths,
                freeze_below_header=True,
            )
        else:
            sheet = _more_sheet(book, sheet_spec, widths)
        headers = [column.header for column in sheet_spec.columns]
        sheet.append(header_cells(sheet, headers, wrap=_WRAP))
        for row in sheet_spec.rows:
            sheet.append(
                [
                    _cell(sheet, column.value(row), column.number_format)
                    for column in sheet_spec.columns
                ]
            )
            sheet_spec.count += 1
    assert book is not None, "an export has at least one sheet"
    return saved_for_streaming(book)


def _more_sheet(book: Any, spec: Sheet, widths: Sequence[float]) -> Any:
    sheet = book.create_sheet(spec.name[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    title = WriteOnlyCell(sheet, value=spec.heading)
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    return sheet


def xlsx_response(filename: str, body: IO[bytes]) -> FileResponse:
    """The streamed download; Django writes a Chinese-safe Content-Disposition (RFC 6266
    filename* in UTF-8 beside an ASCII fallback)."""
    response = FileResponse(body, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


def filters_of(query: QueryDict | Mapping[str, Any]) -> dict[str, Any]:
    """The filters an export was taken with, for its audit record (without the page)."""
    return {key: value for key, value in query.items() if key != "page" and value not in ("", None)}


def list_export_response(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None,
    title: str,
    scope: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    filters: Mapping[str, Any] | None = None,
    extra_sheets: Sequence[Sheet] = (),
    audit: Mapping[str, Any] | None = None,
) -> FileResponse:
    """Write `rows` under `columns`, record who exported what, and stream the file.

    `title` names the list (sheet, heading and file name), `scope` what it is of (the campaign
    or the office); the heading reads "scope · title · today"."""
    today = clock.today()
    main = Sheet(
        name=title, heading=f"{scope} · {title} · {today.isoformat()}", columns=columns, rows=rows
    )
    body = xlsx_file([main, *extra_sheets])
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes={
            "list": title,
            "rows": main.count,
            "filters": dict(filters or {}),
            **(audit or {}),
        },
    )
    return xlsx_response(f"{scope}·{title}-{today.isoformat()}.xlsx", body)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def day(moment: dt.datetime | None) -> dt.date | None:
    """The local date of a moment (None stays None)."""
    return timezone.localdate(moment) if moment is not None else None


def joined(values: Iterable[Any], sep: str = "、") -> str:
    return sep.join(str(value) for value in values if value not in ("", None))
