"""The contest's workbooks, written row by row (`core.xlsx_stream`): the results for the
organisers, and a judge's own score sheet (entries by number only)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from huodong.contests.models import Contest, Criterion
from huodong.contests.selectors import JudgeEntry, Results
from huodong.core.xlsx_stream import header_cells, saved_for_streaming, titled_sheet

_WRAP = Alignment(wrap_text=True, vertical="top")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    if isinstance(value, float):
        cell.number_format = "0.0#"
    return cell


def results_xlsx(contest: Contest, results: Results) -> IO[bytes]:
    """Rank, number, title, author, unit, contact, average, judges, each judge's total, award."""
    judge_names = [judge.person.name for judge in results.judges]
    book, sheet = titled_sheet(
        name=_("Results"),
        heading=f"{contest.title} · {_('Results')}",
        widths=(6, 6, 36, 12, 24, 20, 9, 8, *(10 for _name in judge_names), 12, 10),
        freeze_below_header=True,
    )
    header = [
        _("Rank"),
        _("No."),
        _("Title"),
        _("Author"),
        pgettext("of a person", "Organisation"),
        _("Contact"),
        _("Average"),
        _("Judged by"),
        *judge_names,
        _("Award"),
        _("Tied"),
    ]
    sheet.append(header_cells(sheet, header, wrap=_WRAP))
    for row in results.rows:
        entry = row.entry
        values = [
            row.rank,
            entry.number,
            entry.title,
            entry.author_name or (entry.author.name if entry.author else ""),
            entry.author_organisation,
            entry.author_contact,
            _number(entry.average_score),
            entry.judged_by,
            *(_number(total) for total in row.judge_totals),
            entry.award.name if entry.award else "",
            _("Tied") if row.tied else "",
        ]
        sheet.append([_cell(sheet, value) for value in values])
    return saved_for_streaming(book)


def judge_sheet_xlsx(
    contest: Contest, criteria: Sequence[Criterion], sheet_rows: Sequence[JudgeEntry]
) -> IO[bytes]:
    """A judge's own scores: number, each criterion, total, complete, comment."""
    book, sheet = titled_sheet(
        name=_("My score sheet"),
        heading=f"{contest.title} · {_('My score sheet')}",
        widths=(8, *(12 for _criterion in criteria), 10, 10, 40),
        freeze_below_header=True,
    )
    header = [
        _("No."),
        *(f"{criterion.name} ({criterion.max_score})" for criterion in criteria),
        _("Total"),
        _("Complete"),
        _("Comment"),
    ]
    sheet.append(header_cells(sheet, header, wrap=_WRAP))
    for item in sheet_rows:
        values = [
            item.number,
            *(_number(item.scores.get(criterion.pk)) for criterion in criteria),
            _number(item.total),
            _("Yes") if item.complete else _("No"),
            item.comment,
        ]
        sheet.append([_cell(sheet, value) for value in values])
    return saved_for_streaming(book)
