"""Read an .xlsx plan: a schedule kept in Excel, or a campaign exported by huodong.

Every worksheet becomes a table, except that rows holding a single value above the table (a
merged title row) become paragraphs. The export's "方案正文" sheet holds the plan's text, one
paragraph a row, so an exported workbook re-imports to the same plan; its side sheets repeat
the plan for people and are not read.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .blocks import Block, Paragraph, RawDocument, Table
from .errors import PlanImportError
from .safety import open_office_zip
from .textutil import clean_line

BODY_SHEET = "方案正文"
# Sheets of the export that restate the plan for readers; the body sheet already carries it.
INFO_SHEET, PHASE_SHEET, THEME_SHEET, GROUP_SHEET, QUOTA_SHEET = (
    "活动信息",
    "活动阶段",
    "讨论主题",
    "领导小组",
    "量化要求",
)
SIDE_SHEETS = frozenset({INFO_SHEET, PHASE_SHEET, THEME_SHEET, GROUP_SHEET, QUOTA_SHEET})
MAX_ROWS = 20_000


def read_xlsx(data: bytes) -> RawDocument:
    open_office_zip(data)[0].close()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, zlib.error) as exc:
        raise PlanImportError(
            _("The workbook could not be read (%(reason)s). Save it again as .xlsx.")
            % {"reason": str(exc) or exc.__class__.__name__},
            code="corrupt",
        ) from exc
    try:
        blocks: list[Block] = []
        if BODY_SHEET in book.sheetnames:
            blocks.extend(Paragraph(line) for line in _column_a(book[BODY_SHEET]))
        for sheet in book.worksheets:
            if sheet.title == BODY_SHEET or sheet.title in SIDE_SHEETS:
                continue
            blocks.extend(_sheet_blocks(sheet))
    finally:
        book.close()
    return RawDocument(blocks=blocks)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(sheet) -> list[list[str]]:
    rows: list[list[str]] = []
    for count, values in enumerate(sheet.iter_rows(values_only=True)):
        if count >= MAX_ROWS:
            raise PlanImportError(
                _("The sheet %(sheet)s has more than %(max)s rows.")
                % {"sheet": sheet.title, "max": MAX_ROWS},
                code="too_large",
            )
        cells = [_text(v) for v in values]
        if any(cells):
            rows.append(cells)
    return rows


def _column_a(sheet) -> list[str]:
    return [clean_line(row[0]) for row in _rows(sheet) if row and row[0]]


def _sheet_blocks(sheet) -> list[Block]:
    rows = _rows(sheet)
    blocks: list[Block] = []
    while rows and sum(1 for cell in rows[0] if cell) == 1:
        blocks.append(Paragraph(clean_line(next(cell for cell in rows[0] if cell))))
        rows.pop(0)
    if rows:
        width = max(len(row) for row in rows)
        blocks.append(Table(rows=[row + [""] * (width - len(row)) for row in rows]))
    return blocks
