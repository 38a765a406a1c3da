"""Reads of the results that the tallies cannot answer: the results of only the responses that
chose one option (a filter), the cross-tabulation of two choice questions, and the text
answers.

These count the `Answer` rows in SQL (grouped), so each takes a fixed number of queries
whatever the number of responses; their time grows with the answers counted, unlike
`selectors.survey_results`, which reads the tallies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, QuerySet

from huodong.surveys.models import (
    CHOICE_KINDS,
    TEXT_KINDS,
    Answer,
    Option,
    Question,
    QuestionKind,
    Survey,
)

# The per-question summaries have the shapes of the tallies' results, computed the same way.
from huodong.surveys.selectors import QuestionResult, result_from_counts

TEXTS_PER_PAGE = 50


def _questions(survey: Survey) -> tuple[list[Question], dict[int, list[Option]]]:
    """The survey's questions in order and each one's options (two queries)."""
    questions = list(
        survey.questions.select_related("section").order_by("section__position", "position", "id")
    )
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question__survey=survey).order_by("position", "id"):
        options.setdefault(option.question_id, []).append(option)
    return questions, options


def filter_option_get(survey: Survey, option_id: object) -> Option | None:
    """The option a results filter names, if it is an option of a single or multiple choice
    question of this survey (one query); None for anything else."""
    try:
        number = int(str(option_id))
    except (TypeError, ValueError):
        return None
    if number <= 0:
        return None
    return (
        Option.objects.select_related("question")
        .filter(pk=number, question__survey=survey, question__kind__in=CHOICE_KINDS)
        .first()
    )


def _key(option_id: int | None, row: int | None, value: int | None, is_other: bool) -> str:
    """The tally key of a group of answers (see `AnswerTally`)."""
    if is_other:
        return "x"
    if option_id is not None:
        if row is not None:
            return f"o{option_id}r{row}"
        if value is not None:
            return f"o{option_id}p{value}"
        return f"o{option_id}"
    if value is not None:
        return f"v{value}"
    return "t"


# The kinds whose answer is one row per response: the responses that answered are the rows.
_ONE_ROW_KINDS = frozenset(
    {QuestionKind.SINGLE, QuestionKind.RATING, QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}
)


def filtered_results(survey: Survey, option: Option) -> list[QuestionResult]:
    """Every question's counts among the responses that chose `option` (a single or multiple
    choice option of this survey), in the shapes of `survey_results`.

    Four queries: the questions, their options, the answers of the responses that chose the
    option grouped by what they say (joined to the option's own answers on their response),
    and how many of those responses answered each question that takes several rows
    per response (multiple choice, matrix, ranking); for the others the rows are the
    responses."""
    questions, options = _questions(survey)
    table = connection.ops.quote_name(Answer._meta.db_table)
    column = connection.ops.quote_name
    # CROSS JOIN: SQLite then reads the option's answers first and each one's response's
    # answers on the (response, question) index, rather than every answer of the questions
    # asked about (PostgreSQL plans it as any join).
    joined = f"""
        FROM {table} f CROSS JOIN {table} a
        WHERE a.{column("response_id")} = f.{column("response_id")}
          AND f.{column("question_id")} = %s AND f.{column("option_id")} = %s
    """
    parameters = [option.question_id, option.pk]
    counts: dict[int, dict[str, int]] = {}
    # A response gives each key of a question at most once, so rows count responses; the texts
    # (no option, no value) group on their own under "t".
    grouped = ", ".join(
        f"a.{column(name)}" for name in ("question_id", "option_id", "row", "value", "is_other")
    )
    several = [q.pk for q in questions if q.kind not in _ONE_ROW_KINDS]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {grouped}, COUNT(*) {joined} GROUP BY {grouped}", parameters)
        for question_id, option_id, row, value, is_other, times in cursor.fetchall():
            keys = counts.setdefault(question_id, {})
            keys[_key(option_id, row, value, bool(is_other))] = times
            keys["n"] = keys.get("n", 0) + times
        if several:
            marks = ", ".join(["%s"] * len(several))
            cursor.execute(
                f"SELECT a.{column('question_id')}, COUNT(DISTINCT a.{column('response_id')}) "
                f"{joined} AND a.{column('question_id')} IN ({marks}) "
                f"GROUP BY a.{column('question_id')}",
                [*parameters, *several],
            )
            for question_id, times in cursor.fetchall():
                counts.setdefault(question_id, {})["n"] = times
    return [result_from_counts(q, options.get(q.pk, []), counts.get(q.pk, {})) for q in questions]


# --- Cross-tabulation -------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossCell:
    count: int
    row_share: float  # of the responses in the row (that chose the row option)
    column_share: float  # of the responses in the column


@dataclass
class CrossRow:
    option: Option
    cells: list[CrossCell]
    total: int  # responses that chose this row option and answered the column question
    share: float  # of all the responses that answered both


@dataclass
class Crosstab:
    rows_question: Question
    columns_question: Question
    columns: list[Option]
    rows: list[CrossRow] = field(default_factory=list)
    column_totals: list[tuple[int, float]] = field(default_factory=list)  # count, share
    total: int = 0  # responses that chose an option of both questions


def _share(count: int, of: int) -> float:
    return count / of if of else 0.0


def crosstab(survey: Survey, rows_question: Question, columns_question: Question) -> Crosstab:
    """How many responses chose each row option together with each column option, with the
    totals of each row, each column and the whole (responses that answered both questions
    with an option; "other" is not an option here). One query for the options and one for the
    counts: a self-join of the answers on their response, grouped four ways."""
    if rows_question.survey_id != survey.pk or columns_question.survey_id != survey.pk:
        raise ValueError("both questions must be the survey's")
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(
        question_id__in={rows_question.pk, columns_question.pk}
    ).order_by("position", "id"):
        options.setdefault(option.question_id, []).append(option)
    table = connection.ops.quote_name(Answer._meta.db_table)
    # A response chooses an option at most once, so within `pairs` (response, row option,
    # column option) is unique: COUNT(*) counts responses per cell; the totals count distinct
    # responses, since a multiple choice puts one response in several cells of a row.
    sql = f"""
        WITH pairs AS (
            SELECT a.response_id AS response, a.option_id AS x, b.option_id AS y
            FROM {table} a JOIN {table} b ON b.response_id = a.response_id
            WHERE a.question_id = %s AND a.option_id IS NOT NULL
              AND b.question_id = %s AND b.option_id IS NOT NULL
        )
        SELECT x, y, COUNT(*) FROM pairs GROUP BY x, y
        UNION ALL SELECT x, NULL, COUNT(DISTINCT response) FROM pairs GROUP BY x
        UNION ALL SELECT NULL, y, COUNT(DISTINCT response) FROM pairs GROUP BY y
        UNION ALL SELECT NULL, NULL, COUNT(DISTINCT response) FROM pairs
    """  # the table name is the model's; the values are parameters
    cells: dict[tuple[int, int], int] = {}
    row_totals: dict[int, int] = {}
    column_totals: dict[int, int] = {}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [rows_question.pk, columns_question.pk])
        for x, y, count in cursor.fetchall():
            if x is not None and y is not None:
                cells[(x, y)] = count
            elif x is not None:
                row_totals[x] = count
            elif y is not None:
                column_totals[y] = count
            else:
                total = count
    columns = options.get(columns_question.pk, [])
    result = Crosstab(rows_question, columns_question, columns, total=total)
    for option in options.get(rows_question.pk, []):
        in_row = row_totals.get(option.pk, 0)
        result.rows.append(
            CrossRow(
                option=option,
                cells=[
                    CrossCell(
                        count=(count := cells.get((option.pk, column.pk), 0)),
                        row_share=_share(count, in_row),
                        column_share=_share(count, column_totals.get(column.pk, 0)),
                    )
                    for column in columns
                ],
                total=in_row,
                share=_share(in_row, total),
            )
        )
    result.column_totals = [
        (column_totals.get(column.pk, 0), _share(column_totals.get(column.pk, 0), total))
        for column in columns
    ]
    return result


# --- Text answers -----------------------------------------------------------------------------


def text_answers(question: Question, *, other: bool = False, search: str = "") -> QuerySet:
    """A text question's answers (or, with `other`, a choice question's "other" texts), newest
    first, as dicts of `id`, `text`, `submitted_at` and `sent_to_pool_at`; `search` keeps those
    containing it (any case). A page of them is two queries (the count and the page)."""
    if other:
        if question.kind not in CHOICE_KINDS:
            raise ValueError("only a choice question has “other” texts")
        answers = Answer.objects.filter(question=question, is_other=True)
    else:
        if question.kind not in TEXT_KINDS:
            raise ValueError("not a text question")
        answers = Answer.objects.filter(
            question=question, option__isnull=True, value__isnull=True, is_other=False
        )
    search = search.strip()
    if search:
        answers = answers.filter(text__icontains=search)
    return (
        answers.annotate(submitted_at=F("response__submitted_at"))
        .order_by("-response__submitted_at", "-response_id")
        .values("id", "text", "submitted_at", "sent_to_pool_at")
    )
