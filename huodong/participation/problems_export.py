"""The problem ledger as .xlsx, written row by row (openpyxl write-only) into a temporary file
that the response streams: memory stays flat however long the ledger is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from huodong.campaigns.models import Campaign
from huodong.core.uploads import XLSX_TYPE
from huodong.core.xlsx_stream import header_cells, saved_for_streaming, titled_sheet
from huodong.participation.models import Problem

PROBLEMS_XLSX_TYPE = XLSX_TYPE
WIDTHS = (16, 6, 50, 18, 36, 36, 12, 12, 16, 12, 12, 30)
_WRAP = Alignment(wrap_text=True, vertical="top")


def problems_xlsx(campaign: Campaign, problems: Iterable[Problem], *, today: dt.date) -> IO[bytes]:
    """A temporary file holding the workbook, rewound; the caller streams and closes it."""
    book, sheet = titled_sheet(
        name=_("Problem ledger"),
        heading=f"{campaign.title} · {_('Problem ledger')} · {today}",
        widths=WIDTHS,
        freeze_below_header=True,
    )
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
    sheet.append(header_cells(sheet, header, wrap=_WRAP))
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

    return saved_for_streaming(book)


def _cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell
