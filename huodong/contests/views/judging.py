"""The judges' pages: my entries to judge, an entry's score sheet, the sheet as JSON (what a
judge takes offline) and as .xlsx. And the organisers' view of one judge's sheets.

Everything a judge is shown comes from `selectors.JudgeEntry`/`JudgeRow`: number, title, text
and their own scores. No entry object, and so no author, reaches a judge's template.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huodong.contests import selectors, services
from huodong.contests.errors import NotAllowed, Refused, SheetInvalid
from huodong.contests.exports import judge_sheet_xlsx
from huodong.contests.models import ContestStatus, Entry, Judge
from huodong.contests.views.common import acting_user, judge_for, organiser_for
from huodong.core.uploads import XLSX_TYPE

PAGE_SIZE = 50


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def judge_list(request: HttpRequest, contest_id: int) -> HttpResponse:
    """My entries to judge: numbered, with my progress."""
    standing = judge_for(request, contest_id)
    contest = standing.contest
    assert standing.judge is not None
    rows = selectors.judge_rows(contest, standing.judge)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return _no_store(
        render(
            request,
            "contests/judge_list.html",
            {
                "contest": contest,
                "page": page,
                "total": len(rows),
                "complete": sum(1 for row in rows if row.complete),
                "judging": contest.status == ContestStatus.JUDGING,
                "criteria": selectors.criteria_of(contest),
            },
        )
    )


def _posted_scores(request: HttpRequest, criteria) -> dict[int, str]:
    return {criterion.pk: request.POST.get(f"score_{criterion.pk}", "") for criterion in criteria}


@login_required
@require_http_methods(["GET", "POST"])
def judge_entry(request: HttpRequest, contest_id: int, number: int) -> HttpResponse:
    """One entry's score sheet: one input per criterion, a comment, and “complete”."""
    standing = judge_for(request, contest_id)
    contest = standing.contest
    judge = standing.judge
    assert judge is not None
    found = selectors.judge_entry(contest, judge, number)
    if found is None:
        raise Http404
    item, before, after = found
    criteria = selectors.criteria_of(contest)
    errors: dict[int, str] = {}
    posted: dict[int, str] | None = None
    status = 200
    if request.method == "POST":
        posted = _posted_scores(request, criteria)
        complete = request.POST.get("complete") == "on"
        try:
            services.score_sheet_save(
                actor=acting_user(request),
                entry=Entry(pk=item.entry_id, contest_id=contest.pk),
                scores=posted,
                comment=request.POST.get("comment", ""),
                complete=complete,
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except SheetInvalid as exc:
            errors = exc.errors
            messages.error(request, exc.message)
            status = 400
        except Refused as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(
                request,
                _("Your scores for no. %(number)d are saved.") % {"number": item.number},
            )
            if complete and after is not None and request.POST.get("next") == "1":
                return redirect("contests:judge_entry", contest_id=contest.pk, number=after)
            return redirect("contests:judge_entry", contest_id=contest.pk, number=item.number)
    fields = [
        {
            "criterion": criterion,
            "name": f"score_{criterion.pk}",
            "value": posted[criterion.pk]
            if posted is not None
            else _shown(item.scores.get(criterion.pk)),
            "error": errors.get(criterion.pk, ""),
        }
        for criterion in criteria
    ]
    return _no_store(
        render(
            request,
            "contests/judge_entry.html",
            {
                "contest": contest,
                "item": item,
                "fields": fields,
                "comment": request.POST.get("comment", "") if posted is not None else item.comment,
                "complete": (request.POST.get("complete") == "on")
                if posted is not None
                else item.complete,
                "before": before,
                "after": after,
                "judging": contest.status == ContestStatus.JUDGING,
                "rubric_total": sum(criterion.max_score for criterion in criteria),
            },
            status=status,
        )
    )


def _shown(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}"


@login_required
@require_GET
def judge_sheet_json(request: HttpRequest, contest_id: int) -> JsonResponse:
    """The judge's sheet for offline work: the rubric, and each entry's number, title, text
    and the judge's own scores."""
    standing = judge_for(request, contest_id)
    contest = standing.contest
    assert standing.judge is not None
    criteria = selectors.criteria_of(contest)
    sheet = selectors.judge_sheet(contest, standing.judge)
    data = {
        "contest": {"id": contest.pk, "title": contest.title, "status": contest.status},
        "criteria": [
            {
                "id": criterion.pk,
                "name": criterion.name,
                "description": criterion.description,
                "max_score": criterion.max_score,
            }
            for criterion in criteria
        ],
        "entries": [
            {
                "number": item.number,
                "title": item.title,
                "text": item.text,
                "scores": {str(pk): str(value) for pk, value in item.scores.items()},
                "total": str(item.total) if item.total is not None else None,
                "comment": item.comment,
                "complete": item.complete,
            }
            for item in sheet
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def judge_sheet_export(request: HttpRequest, contest_id: int) -> FileResponse:
    """The judge's own scores as .xlsx, entries by number only."""
    standing = judge_for(request, contest_id)
    contest = standing.contest
    assert standing.judge is not None
    handle = judge_sheet_xlsx(
        contest,
        selectors.criteria_of(contest),
        selectors.judge_sheet(contest, standing.judge),
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{contest.title}·{_('My score sheet')}.xlsx",
        content_type=XLSX_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def judge_sheet_admin(request: HttpRequest, contest_id: int, judge_id: int) -> HttpResponse:
    """For the organisers: one judge's sheets over every entry."""
    standing = organiser_for(request, contest_id)
    contest = standing.contest
    judge = (
        Judge.objects.select_related("person", "person__unit")
        .filter(contest=contest, pk=judge_id)
        .first()
    )
    if judge is None:
        raise Http404
    criteria = selectors.criteria_of(contest)
    sheet = selectors.judge_sheet(contest, judge) if contest.status != ContestStatus.DRAFT else []
    rows = [
        {
            "item": item,
            "values": [_shown(item.scores.get(criterion.pk)) for criterion in criteria],
        }
        for item in sheet
    ]
    return render(
        request,
        "contests/judge_sheet_admin.html",
        {"contest": contest, "judge": judge, "criteria": criteria, "rows": rows},
    )
