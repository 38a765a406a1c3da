"""The overdue ledger as .xlsx: one row per late task, with each lead unit's reason."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from huodong.campaigns.lights import Light
from huodong.campaigns.models import Campaign
from huodong.supervision.selectors import LedgerRow

LEDGER_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (8, 60, 12, 24, 12, 12, 10, 60)


def ledger_xlsx(campaign: Campaign, rows: Sequence[LedgerRow], *, today: dt.date) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Overdue ledger")[:31]
    sheet.append([f"{campaign.title} · {_('Overdue ledger')} · {today.isoformat()}"])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [
        _("No."),
        _("Task"),
        _("Deadline"),
        _("Lead units"),
        _("Status"),
        _("Completed on"),
        _("Days overdue"),
        _("Reasons given"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        task = row.task
        light = getattr(task, "light", "")
        sheet.append(
            [
                task.seq,
                task.text,
                task.due,
                "、".join(unit.name for unit in row.lead_units),
                str(Light(light).label) if light in Light.values else light,
                task.completed_on,
                row.days_late,
                "\n".join(f"{reason.unit.name}：{reason.text}" for reason in row.reasons),
            ]
        )
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells[2].number_format = "yyyy-mm-dd"
        cells[5].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
