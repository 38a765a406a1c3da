"""A survey's responses as a table, one row per response, for .csv and .xlsx.

The columns: when it was submitted, the person's name (staff surveys only: public surveys are
anonymous), then one column per question (one per row of a matrix). A choice's options are
joined by "；" in the question's order with the "other" text last; a ranking reads
"A>B>C"; a rating is its number.

Responses are read in chunks in the order of their ids, each chunk's answers with one query
(tuples, not model objects), so memory stays flat however many responses there are: the .csv
is a generator a streaming response sends as it goes, the .xlsx is written row by row
(openpyxl's write-only mode) into a temporary file that spills to disk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from huodong.core.audit import audit_record
from huodong.core.xlsx_stream import header_cells, saved_for_streaming
from huodong.surveys.models import (
    CHOICE_KINDS,
    TEXT_KINDS,
    Answer,
    Audience,
    Option,
    QuestionKind,
    Response,
    Survey,
)

CHUNK = 2_000
CHOICE_SEPARATOR = "；"
RANK_SEPARATOR = ">"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text a spreadsheet would take for a formula is written with a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """A text safe in a cell: no control characters (a workbook cannot hold them) and never
    read as a formula (answers come from the public)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


@dataclass
class _Question:
    pk: int
    kind: str
    column: int  # its first column in the row
    rows: int = 1  # a matrix's rows, one column each


@dataclass
class Layout:
    """What the table is made of: read once (two queries) before the rows."""

    survey: Survey
    header: list[str]
    questions: list[_Question]
    with_names: bool
    other: str = ""  # what an "other" text is preceded by
    labels: dict[int, str] = field(default_factory=dict)  # option id -> safe label
    order: dict[int, int] = field(default_factory=dict)  # option id -> place in its question
    by_id: dict[int, _Question] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return len(self.header)


def export_layout(survey: Survey) -> Layout:
    questions = list(survey.questions.order_by("section__position", "position", "id"))
    with_names = survey.audience == Audience.STAFF
    header = [_("Submitted at")]
    if with_names:
        header.append(_("Name"))
    layout = Layout(
        survey=survey,
        header=header,
        questions=[],
        with_names=with_names,
        other=_("Other") + "：",
    )
    for number, option in enumerate(
        Option.objects.filter(question__survey=survey).order_by("position", "id")
    ):
        layout.labels[option.pk] = cell_text(option.label)
        layout.order[option.pk] = number
    for number, question in enumerate(questions, start=1):
        title = f"{number}. {question.text}"
        spec = _Question(question.pk, question.kind, column=len(header))
        if question.kind == QuestionKind.MATRIX:
            spec.rows = max(1, len(question.rows))
            labels = question.rows or [""]
            header.extend(cell_text(f"{title} · {label}" if label else title) for label in labels)
        else:
            header.append(cell_text(title))
        layout.questions.append(spec)
        layout.by_id[question.pk] = spec
    return layout


_AnswerRow = tuple[int, int | None, int | None, int | None, str, bool]


def _cells(layout: Layout, answers: list[_AnswerRow], row: list[Any]) -> None:
    """Fill one response's question columns from its answers
    (question, option, matrix row, value, text, is other)."""
    labels, order = layout.labels, layout.order
    # column -> the separator and the (sort key, text) of each part
    joined: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for question_id, option_id, matrix_row, value, text, is_other in answers:
        spec = layout.by_id.get(question_id)
        if spec is None:
            continue
        kind = spec.kind
        if kind in CHOICE_KINDS:
            if is_other:
                part = (1 << 30, layout.other + cell_text(text))
            elif option_id is not None:
                part = (order.get(option_id, 0), labels.get(option_id, ""))
            else:
                continue
            joined.setdefault(spec.column, (CHOICE_SEPARATOR, []))[1].append(part)
        elif kind in TEXT_KINDS:
            row[spec.column] = cell_text(text)
        elif kind == QuestionKind.RATING:
            row[spec.column] = value
        elif kind == QuestionKind.MATRIX:
            if matrix_row is not None and 0 <= matrix_row < spec.rows and option_id is not None:
                row[spec.column + matrix_row] = labels.get(option_id, "")
        elif kind == QuestionKind.RANKING and option_id is not None:
            part = (value or 0, labels.get(option_id, ""))
            joined.setdefault(spec.column, (RANK_SEPARATOR, []))[1].append(part)
    for column, (separator, parts) in joined.items():
        parts.sort()
        row[column] = separator.join(text for _key, text in parts)


def export_rows(layout: Layout, *, chunk: int = CHUNK) -> Iterator[list[Any]]:
    """Each response's row, in the order of their ids: the submission time as a naive local
    datetime, the name (staff surveys), then the answers. Two queries per `chunk` responses."""
    survey_id = layout.survey.pk
    fields = ("pk", "submitted_at", "person__name") if layout.with_names else ("pk", "submitted_at")
    last = 0
    while True:
        responses = list(
            Response.objects.filter(survey_id=survey_id, pk__gt=last)
            .order_by("pk")
            .values_list(*fields)[:chunk]
        )
        if not responses:
            return
        first, last = responses[0][0], responses[-1][0]
        answers: dict[int, list[_AnswerRow]] = {}
        # The range of the chunk's ids, read on the (response, question) index. Another
        # survey's answers in the range (responses submitted meanwhile) are left out by their
        # questions when the row is made: filtering them here would lead the database to the
        # (question, option) index and every answer of the survey, for every chunk.
        rows = Answer.objects.filter(response_id__gte=first, response_id__lte=last).values_list(
            "response_id", "question_id", "option_id", "row", "value", "text", "is_other"
        )
        for response_id, *rest in rows:
            answers.setdefault(response_id, []).append(tuple(rest))  # type: ignore[arg-type]
        for response in responses:
            row: list[Any] = [None] * layout.width
            row[0] = timezone.localtime(response[1]).replace(tzinfo=None, microsecond=0)
            if layout.with_names:
                row[1] = cell_text(response[2] or "")
            _cells(layout, answers.get(response[0], []), row)
            yield row
        if len(responses) < chunk:
            return


def csv_chunks(layout: Layout, *, chunk: int = CHUNK) -> Iterator[bytes]:
    """The .csv as UTF-8 with a byte order mark (so Excel reads the Chinese), one piece per
    chunk of responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(layout.header)
    for count, row in enumerate(export_rows(layout, chunk=chunk), start=1):
        row[0] = row[0].strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(row)
        if count % chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(layout: Layout, *, chunk: int = CHUNK) -> IO[bytes]:
    """The .xlsx in a temporary file, rewound, for a streamed response (which closes it)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Responses")[:31])
    widths = [20] + ([12] if layout.with_names else [])
    widths += [24] * (layout.width - len(widths))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, layout.header))
    for row in export_rows(layout, chunk=chunk):
        sheet.append(row)
    return saved_for_streaming(book)


def export_filename(survey: Survey, extension: str, *, now: datetime | None = None) -> str:
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    title = "".join(ch for ch in survey.title if ch not in '\\/:*?"<>|\r\n\t')[:80].strip()
    return f"{title or _('Questionnaire')}-{stamp}.{extension}"


def export_record(*, actor: Any, survey: Survey, extension: str) -> None:
    """The export's audit record (who took the answers away, and when)."""
    audit_record(
        actor=actor,
        action="survey.export",
        obj=survey,
        changes={"format": extension, "responses": survey.response_count},
    )
