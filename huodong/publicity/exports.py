"""The publicity log (宣传报道台账) of a campaign as .xlsx, written row by row and streamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from huodong.campaigns.models import Campaign
from huodong.core.audit import audit_record
from huodong.core.list_export import Column
from huodong.core.uploads import XLSX_TYPE
from huodong.core.xlsx_stream import header_cells, saved_for_streaming, titled_sheet
from huodong.publicity.models import PublicityPlacement

LOG_XLSX_TYPE = XLSX_TYPE
CHUNK = 2000
_WRAP = Alignment(wrap_text=True, vertical="top")


def log_xlsx(
    campaign: Campaign, rows: Iterable[PublicityPlacement], *, today: dt.date
) -> IO[bytes]:
    book, sheet = titled_sheet(
        name=_("Publicity log"),
        heading=f"{campaign.title} · {_('Publicity log')} · {today}",
        widths=[6, 12, 12, 50, 50, 30, 30, 14],
        freeze_below_header=True,
    )
    sheet.append(
        header_cells(
            sheet,
            [
                _("No."),
                _("Date"),
                _("Channel"),
                _("Title"),
                _("Link"),
                _("Counted for task"),
                _("Note"),
                _("Recorded by"),
            ],
            wrap=_WRAP,
        )
    )
    for number, row in enumerate(rows, start=1):
        values: list[Any] = [
            number,
            row.date,
            row.get_channel_display(),
            row.title,
            row.link,
            f"{row.task.seq}. {row.task.text[:60]}" if row.task else "",
            row.note,
            row.recorded_by.get_username() if row.recorded_by else "",
        ]
        sheet.append([_cell(sheet, value) for value in values])
    return saved_for_streaming(book)


def _cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        value = "'" + value  # never a formula
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def log_export_record(*, actor: Any, campaign: Campaign, count: int) -> None:
    audit_record(actor=actor, action="publicity.log_export", obj=campaign, changes={"rows": count})


def export_filename(campaign: Campaign, today: dt.date) -> str:
    return f"{_('Publicity log')}-{campaign.pk}-{today.isoformat()}.xlsx"


def article_columns() -> list[Column]:
    """The article list's columns (huodong.core.list_export), as the list page shows them."""
    return [
        Column(_("Title"), lambda a: a.title, 40),
        Column(_("Campaign"), lambda a: a.campaign.title if a.campaign else "", 30),
        Column(_("Category"), lambda a: a.category.name, 12),
        Column(_("Status"), lambda a: a.get_status_display(), 10),
        Column(_("Unit"), lambda a: a.unit.name if a.unit else "", 16),
        Column(_("Writer"), lambda a: a.author.get_username() if a.author else "", 14),
        Column(_("Submitted"), lambda a: a.submitted_at, 17),
        Column(_("Published"), lambda a: a.published_at, 17),
    ]
