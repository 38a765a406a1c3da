"""Views of the questionnaires: results.

- the results page: every question's counts with its chart (SVG drawn here, so it prints and
  needs nothing from outside), filtered by one option of a choice question if asked;
- the cross-tabulation of two choice questions;
- the text answers of a question (or a choice's "other" texts), searched and paginated;
- the exports (.csv streamed as it is written, .xlsx from a temporary file).

Whoever may not see a survey's results gets 404; the anonymous are sent to log in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huodong.orgs.permissions import membership_of
from huodong.surveys import exports
from huodong.surveys.errors import NotAllowed, Refused
from huodong.surveys.models import (
    CHOICE_KINDS,
    TEXT_KINDS,
    Answer,
    Question,
    QuestionKind,
    Survey,
)
from huodong.surveys.permissions import can_manage_surveys
from huodong.surveys.results_filtered import (
    TEXTS_PER_PAGE,
    crosstab,
    filter_option_get,
    filtered_results,
    text_answers,
)
from huodong.surveys.selectors import (
    OptionCount,
    QuestionResult,
    survey_results,
    survey_results_visible,
)
from huodong.surveys.services import answer_send_to_pool

# The SVG bar chart's geometry, in its own units (it scales to the page's width).
CHART_WIDTH = 420
BAR_MAX = 280
BAR_HEIGHT = 16
ROW_HEIGHT = 44
LABEL_CHARS = 27
# "Refresh by itself" reloads the page this often (seconds); off unless asked.
AUTO_REFRESH = 30


def _survey_for(request: HttpRequest, survey_id: int) -> Survey:
    """The survey, if the user may see its results (404 otherwise)."""
    survey = survey_results_visible(membership_of(request.user), survey_id)
    if survey is None:
        raise Http404
    return survey


# --- Charts -----------------------------------------------------------------------------------


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


@dataclass(frozen=True)
class Bar:
    label: str  # as shown (shortened)
    title: str  # in full
    value: str  # the figures beside the bar
    width: float
    label_y: int
    bar_y: int
    value_x: float
    value_y: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = CHART_WIDTH
    bar_max: int = BAR_MAX
    bar_height: int = BAR_HEIGHT
    summary: str = ""  # for screen readers


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(items: list[tuple[str, float, str]], *, summary: str = "") -> BarChart:
    """A horizontal bar chart of (label, length from 0 to 1, figures) items."""
    bars = []
    for index, (label, length, value) in enumerate(items):
        top = index * ROW_HEIGHT
        width = round(max(0.0, min(1.0, length)) * BAR_MAX, 1)
        bars.append(
            Bar(
                label=_short(label),
                title=label,
                value=value,
                width=width,
                label_y=top + 15,
                bar_y=top + 21,
                value_x=BAR_MAX + 8,
                value_y=top + 21 + BAR_HEIGHT - 3,
            )
        )
    return BarChart(bars=bars, height=max(ROW_HEIGHT, len(items) * ROW_HEIGHT), summary=summary)


def _counted(option: OptionCount) -> str:
    return f"{option.count}（{percent(option.share)}）"


@dataclass
class QuestionView:
    """One question's result with what the page draws of it."""

    result: QuestionResult
    number: int
    chart: BarChart | None = None
    matrix: list[tuple[str, int, list[tuple[int, str]]]] | None = None  # label, total, cells
    is_choice: bool = False
    is_multiple: bool = False
    is_text: bool = False

    @property
    def question(self) -> Question:
        return self.result.question


def question_view(result: QuestionResult, number: int) -> QuestionView:
    question = result.question
    kind = question.kind
    view = QuestionView(
        result=result,
        number=number,
        is_choice=kind in CHOICE_KINDS,
        is_multiple=kind == QuestionKind.MULTIPLE,
        is_text=kind in TEXT_KINDS,
    )
    if kind in CHOICE_KINDS:
        items = [(o.label, o.share, _counted(o)) for o in result.options]
        if question.has_other:
            share = result.other / result.answered if result.answered else 0.0
            items.append(
                (_("Other"), share, f"{result.other}（{percent(share)}）"),
            )
        view.chart = bar_chart(items, summary=question.text)
    elif kind == QuestionKind.RATING:
        items = []
        last = len(result.scale) - 1
        for index, point in enumerate(result.scale):
            label = point.label
            if index == 0 and question.scale_min_label:
                label = f"{label} {question.scale_min_label}"
            elif index == last and question.scale_max_label:
                label = f"{label} {question.scale_max_label}"
            items.append((label, point.share, _counted(point)))
        view.chart = bar_chart(items, summary=question.text)
    elif kind == QuestionKind.RANKING:
        places = len(result.mean_places)
        items = []
        for label, mean in result.mean_places:
            if mean:
                length = (places + 1 - mean) / places if places else 0.0
                value = _("mean place %(place).2f") % {"place": mean}
            else:
                length, value = 0.0, "—"
            items.append((label, length, value))
        view.chart = bar_chart(items, summary=question.text)
    elif kind == QuestionKind.MATRIX:
        view.matrix = [
            (
                label,
                sum(cell.count for cell in cells),
                [(cell.count, percent(cell.share)) for cell in cells],
            )
            for label, cells in result.rows
        ]
    return view


# --- The results page -------------------------------------------------------------------------


@login_required
@require_GET
def results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey_for(request, survey_id)
    option = None
    filter_refused = False
    raw_filter = request.GET.get("filter", "").strip()
    if raw_filter:
        option = filter_option_get(survey, raw_filter)
        filter_refused = option is None
    found = filtered_results(survey, option) if option is not None else survey_results(survey)
    questions = [question_view(result, number) for number, result in enumerate(found, start=1)]
    matched = None
    if option is not None:
        # The filter's own option: every response it keeps chose it.
        matched = next(
            (
                o.count
                for view in questions
                if view.question.pk == option.question_id
                for o in view.result.options
                if o.option_id == option.pk
            ),
            0,
        )
    auto = request.GET.get("auto") == "1"
    params = {"filter": option.pk} if option is not None else {}
    return render(
        request,
        "surveys/results/results.html",
        {
            "survey": survey,
            "questions": questions,
            "choice_questions": [view for view in questions if view.is_choice],
            "filter_option": option,
            "filter_refused": filter_refused,
            "matched": matched,
            "auto_refresh": AUTO_REFRESH if auto else None,
            "query": urlencode(params),
            "auto_query": urlencode({**params, "auto": 1}),
        },
    )


# --- Cross-tabulation -------------------------------------------------------------------------


@login_required
@require_GET
def results_crosstab(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey_for(request, survey_id)
    choices = list(
        survey.questions.filter(kind__in=CHOICE_KINDS).order_by(
            "section__position", "position", "id"
        )
    )
    by_id = {question.pk: question for question in choices}

    def picked(name: str) -> Question | None:
        try:
            return by_id.get(int(request.GET.get(name) or ""))
        except ValueError:
            return None

    rows_question, columns_question = picked("rows"), picked("cols")
    asked = bool(request.GET.get("rows") or request.GET.get("cols"))
    table = grid = None
    if rows_question is not None and columns_question is not None:
        table = crosstab(survey, rows_question, columns_question)
        grid = [
            (
                row.option.label,
                [(cell.count, percent(cell.row_share)) for cell in row.cells],
                row.total,
                percent(row.share),
            )
            for row in table.rows
        ]
    status = 400 if asked and table is None else 200
    return render(
        request,
        "surveys/results/crosstab.html",
        {
            "survey": survey,
            "choices": choices,
            "rows_question": rows_question,
            "columns_question": columns_question,
            "table": table,
            "grid": grid,
            "column_totals": [(count, percent(share)) for count, share in table.column_totals]
            if table is not None
            else [],
            "refused": status == 400,
        },
        status=status,
    )


# --- Text answers -----------------------------------------------------------------------------


@login_required
@require_GET
def results_texts(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = _survey_for(request, survey_id)
    question = survey.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    other = request.GET.get("other") == "1"
    if (other and question.kind not in CHOICE_KINDS) or (
        not other and question.kind not in TEXT_KINDS
    ):
        raise Http404
    search = request.GET.get("q", "").strip()[:100]
    answers = text_answers(question, other=other, search=search)
    page = Paginator(answers, TEXTS_PER_PAGE).get_page(request.GET.get("page"))
    params: dict[str, str | int] = {}
    if other:
        params["other"] = 1
    if search:
        params["q"] = search
    return render(
        request,
        "surveys/results/texts.html",
        {
            "survey": survey,
            "question": question,
            "other": other,
            "search": search,
            "page": page,
            "answers": page.object_list,
            "query": urlencode(params),
            "can_send": can_manage_surveys(membership_of(request.user), survey.office_id),
        },
    )


@login_required
@require_POST
def answer_to_pool(request: HttpRequest, survey_id: int, answer_id: int) -> HttpResponse:
    """Send a written answer to the suggestion pool, back to the page it was sent from."""
    survey = _survey_for(request, survey_id)
    answer = (
        Answer.objects.filter(pk=answer_id, question__survey=survey)
        .values_list("question_id", "is_other")
        .first()
    )
    if answer is None:
        raise Http404
    try:
        answer_send_to_pool(actor=request.user, answer_id=answer_id)  # type: ignore[arg-type]
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sent to the suggestion pool."))
    question_id, is_other = answer
    target = reverse("surveys:results_texts", args=[survey.pk, question_id])
    return redirect(f"{target}?other=1#texts" if is_other else f"{target}#texts")


# --- Exports ----------------------------------------------------------------------------------


def _no_store(response: HttpResponse | StreamingHttpResponse | FileResponse) -> None:
    response["Cache-Control"] = "private, no-store"


@login_required
@require_GET
def export_csv(request: HttpRequest, survey_id: int) -> StreamingHttpResponse:
    survey = _survey_for(request, survey_id)
    layout = exports.export_layout(survey)
    exports.export_record(actor=request.user, survey=survey, extension="csv")
    response = StreamingHttpResponse(exports.csv_chunks(layout), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, exports.export_filename(survey, "csv")
    )
    _no_store(response)
    return response


@login_required
@require_GET
def export_xlsx(request: HttpRequest, survey_id: int) -> FileResponse:
    survey = _survey_for(request, survey_id)
    layout = exports.export_layout(survey)
    exports.export_record(actor=request.user, survey=survey, extension="xlsx")
    response = FileResponse(
        exports.xlsx_file(layout),
        as_attachment=True,
        filename=exports.export_filename(survey, "xlsx"),
        content_type=exports.XLSX_TYPE,
    )
    _no_store(response)
    return response


urlpatterns: list[URLPattern] = [
    path("<int:survey_id>/results/", results, name="results"),
    path("<int:survey_id>/results/crosstab/", results_crosstab, name="results_crosstab"),
    path("<int:survey_id>/results/texts/<int:question_id>/", results_texts, name="results_texts"),
    path(
        "<int:survey_id>/results/answers/<int:answer_id>/to-pool/",
        answer_to_pool,
        name="answer_to_pool",
    ),
    path("<int:survey_id>/export.csv", export_csv, name="export_csv"),
    path("<int:survey_id>/export.xlsx", export_xlsx, name="export_xlsx"),
]
