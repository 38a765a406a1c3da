"""The problem ledger as .xlsx, written row by row (openpyxl write-only) into a temporary file
that the response streams: memory stays flat however long the ledger is."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from huodong.campaigns.models import Campaign
from huodong.core.uploads import XLSX_TYPE
from huodong.participation.models import Problem

PROBLEMS_XLSX_TYPE = XLSX_TYPE
WIDTHS = (16, 6, 50, 18, 36, 36, 12, 12, 16, 12, 12, 30)
_WRAP = Alignment(wrap_text=True, vertical="top")


def problems_xlsx(campaign: Campaign, problems: Iterable[Problem], *, today: dt.date) -> IO[bytes]:
    """A temporary file holding the workbook, rewound; the caller streams and closes it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Problem ledger")[:31])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"

    title = WriteOnlyCell(sheet, value=f"{campaign.title} · {_('Problem ledger')} · {today}")
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    header = [
        _("Party branch"),
        _("No."),
        _("Problem"),
        _("Category"),
        _("Cause"),
        _("Rectification measures"),
        _("Responsible person"),
        _("Deadline"),
        _("Status"),
        _("Found on"),
        _("Verified on"),
        _("Verification"),
    ]
    bold = Font(bold=True)
    sheet.append([_cell(sheet, text, font=bold) for text in header])
    for problem in problems:
        values = [
            problem.branch.name,
            problem.seq,
            problem.description,
            problem.get_category_display(),
            problem.cause,
            problem.measures,
            problem.responsible.name if problem.responsible else "",
            problem.deadline,
            problem.get_status_display(),
            problem.found_on,
            timezone.localdate(problem.verified_at) if problem.verified_at else None,
            problem.verification_note,
        ]
        sheet.append([_cell(sheet, value) for value in values])

    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and closes it
    try:
        book.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _cell(sheet, value, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    if font is not None:
        cell.font = font
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell
