"""Workbooks written row by row (openpyxl write-only) into a temporary file a response streams:
memory stays flat however many rows an export has."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# Kept in memory up to this size, then spilled to disk.
SPOOL_BYTES = 8 * 1024 * 1024


def header_cells(sheet: Any, texts: Sequence[str], *, wrap: Alignment | None = None) -> list:
    bold = Font(bold=True)
    cells = []
    for text in texts:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        if wrap is not None:
            cell.alignment = wrap
        cells.append(cell)
    return cells


def titled_sheet(
    *, name: str, heading: str, widths: Sequence[float], freeze_below_header: bool = False
) -> tuple[Workbook, Any]:
    """A write-only workbook whose one sheet starts with a bold heading row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(name[:31])  # Excel's limit on sheet names
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if freeze_below_header:
        sheet.freeze_panes = "A3"
    title = WriteOnlyCell(sheet, value=heading)
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    return book, sheet


def saved_for_streaming(book: Workbook) -> IO[bytes]:
    """The workbook in a temporary file, rewound; the response that streams it closes it."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        book.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out  # type: ignore[return-value]
