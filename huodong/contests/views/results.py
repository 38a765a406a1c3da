"""The results for the organisers (and, read-only, leaders and inspectors): the ranking with
authors, averages and every judge's total, the awards and the ties to decide; as .xlsx too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huodong.contests import permissions, selectors, services
from huodong.contests.exports import results_xlsx
from huodong.contests.models import Award, ContestStatus
from huodong.contests.views.common import acting_user, standing_for
from huodong.core.uploads import XLSX_TYPE

PAGE_SIZE = 100


def _results_standing(request: HttpRequest, contest_id: int) -> permissions.Standing:
    standing = standing_for(request, contest_id)
    if not permissions.can_see_results(standing):
        raise Http404
    return standing


@login_required
@require_GET
def results(request: HttpRequest, contest_id: int) -> HttpResponse:
    standing = _results_standing(request, contest_id)
    contest = standing.contest
    computed = selectors.results(contest)
    page = Paginator(computed.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    organise = permissions.can_organise(standing)
    return render(
        request,
        "contests/results.html",
        {
            "contest": contest,
            "results": computed,
            "page": page,
            "organise": organise,
            "awards": list(Award.objects.filter(contest=contest).order_by("rank", "pk"))
            if organise
            else [],
            "may_award": organise and contest.status == ContestStatus.DECIDED,
            "statuses": ContestStatus,
            "public_results": reverse("contests_public:results", args=[contest.public_key]),
        },
    )


@login_required
@require_GET
def results_export(request: HttpRequest, contest_id: int) -> FileResponse:
    standing = _results_standing(request, contest_id)
    contest = standing.contest
    handle = results_xlsx(contest, selectors.results(contest))
    services.results_export_record(actor=acting_user(request), contest=contest)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{contest.title}·{_('Results')}.xlsx",
        content_type=XLSX_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
