"""The problem ledgers (查找问题): each branch's problems, their rectification and verification.

Each view finds the campaign or problem through the selectors (404 for what the user may not
see), asks `permissions`, and makes one service call; a refusal comes back as a message or a
form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.core import clock
from huodong.orgs.permissions import Membership, membership_of
from huodong.participation.errors import NotAllowed, ParticipationError
from huodong.participation.forms.problems import (
    AdvanceForm,
    LedgerFilterForm,
    NewProblemForm,
    ProblemForm,
    VerifyForm,
)
from huodong.participation.models import Problem, ProblemStatus
from huodong.participation.permissions import (
    can_keep_ledger_of,
    can_verify_problems,
    problem_keeper_scope,
    problem_ledger_scope,
)
from huodong.participation.problems_export import PROBLEMS_XLSX_TYPE, problems_xlsx
from huodong.participation.selectors import problems as selectors
from huodong.participation.services import problems as services
from huodong.participation.views.common import acting_user, campaign_for

PAGE_SIZE = 50
# The next step the ledger's keepers may take from each status.
NEXT_STEP = {
    ProblemStatus.FOUND: ProblemStatus.RECTIFYING,
    ProblemStatus.RECTIFYING: ProblemStatus.RECTIFIED,
}


def _to_problem(problem: Problem) -> HttpResponse:
    return redirect("participation:problem", problem_id=problem.pk)


def _fields(data: dict) -> dict:
    return {
        "description": data["description"],
        "category": data["category"],
        "cause": data["cause"],
        "measures": data["measures"],
        "responsible": data["responsible"],
        "deadline": data["deadline"],
        "found_on": data["found_on"],
    }


def _ledger_query(request: HttpRequest, campaign_id: int):
    membership, campaign = campaign_for(request, campaign_id)
    scope = problem_ledger_scope(membership, campaign)
    branches = selectors.ledger_branches(membership, campaign, scope=scope)
    form = LedgerFilterForm(request.GET or None, branches=branches)
    filters = form.filters()
    problems = selectors.problems_visible(membership, campaign, scope=scope, **filters)
    return membership, campaign, branches, form, filters, problems


# --- The ledger ---------------------------------------------------------------------------


@login_required
@require_GET
def problems(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign, branches, form, _filters, queryset = _ledger_query(request, campaign_id)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.problem_counts(campaign, branches)
    minimum = selectors.branch_problem_minimum(campaign)
    summary = [
        (branch, counts[branch.pk], minimum is None or counts[branch.pk] >= minimum)
        for branch in branches
    ]
    # Whoever keeps a branch's ledger also reads it: the branches to add to are among these.
    keeps = problem_keeper_scope(membership, campaign)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participation/problems/ledger.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "branches": branches,
            "summary": summary,
            "minimum": minimum,
            "may_add": any(keeps is None or branch.pk in keeps for branch in branches),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def problems_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _membership, campaign, _branches, _form, filters, queryset = _ledger_query(request, campaign_id)
    today = clock.today()
    handle = problems_xlsx(campaign, selectors.problems_for_export(queryset), today=today)
    services.problems_record_export(
        actor=acting_user(request),
        campaign=campaign,
        filters={key: value for key, value in filters.items() if value is not None},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{campaign.title}·{_('Problem ledger')}.xlsx",
        content_type=PROBLEMS_XLSX_TYPE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    branches = selectors.keeper_branches(membership, campaign)
    if not branches:
        raise Http404
    today = clock.today()
    found_on = min(today, campaign.end) if campaign.end else today
    form = NewProblemForm(
        request.POST or None,
        branches=branches,
        people=selectors.office_people(campaign),
        initial={"found_on": found_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(
                actor=acting_user(request),
                campaign=campaign,
                branch=form.chosen_branch(),
                **_fields(form.cleaned_data),
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Problem %(seq)s of %(branch)s is recorded.")
                % {"seq": problem.seq, "branch": problem.branch.name},
            )
            if request.POST.get("action") == "another":
                return redirect("participation:problem_create", campaign_id=campaign.pk)
            return _to_problem(problem)
    return render(
        request,
        "participation/problems/new.html",
        {"campaign": campaign, "form": form},
    )


# --- One problem --------------------------------------------------------------------------


def _render_problem(
    request: HttpRequest,
    membership: Membership,
    problem: Problem,
    *,
    form: ProblemForm | None = None,
    advance_form: AdvanceForm | None = None,
    verify_form: VerifyForm | None = None,
) -> HttpResponse:
    campaign = problem.campaign
    keeps = can_keep_ledger_of(membership, campaign, problem.branch_id)
    editable = keeps and problem.status != ProblemStatus.CLOSED
    if editable and form is None:
        form = ProblemForm(
            initial={
                "description": problem.description,
                "category": problem.category,
                "cause": problem.cause,
                "measures": problem.measures,
                "responsible": problem.responsible_id,
                "deadline": problem.deadline,
                "found_on": problem.found_on,
            },
            people=selectors.office_people(campaign),
        )
    next_step = NEXT_STEP.get(ProblemStatus(problem.status)) if keeps else None
    if next_step is not None and advance_form is None:
        advance_form = AdvanceForm(initial={"to_status": next_step})
    verifies = can_verify_problems(membership, campaign) and (
        problem.status == ProblemStatus.RECTIFIED
    )
    return render(
        request,
        "participation/problems/detail.html",
        {
            "campaign": campaign,
            "problem": problem,
            "form": form if editable else None,
            "next_step": next_step,
            "next_step_label": ProblemStatus(next_step).label if next_step else "",
            "advance_form": advance_form if next_step else None,
            "verify_form": (verify_form or VerifyForm()) if verifies else None,
            "events": selectors.problem_events(problem),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    """The problem with its history; POST saves the keepers' edits."""
    membership = membership_of(request.user)
    problem = selectors.problem_get(membership, problem_id)
    if request.method == "GET":
        return _render_problem(request, membership, problem)
    if not can_keep_ledger_of(membership, problem.campaign, problem.branch_id):
        raise Http404
    form = ProblemForm(request.POST, people=selectors.office_people(problem.campaign))
    if form.is_valid():
        try:
            services.problem_update(
                actor=acting_user(request), problem=problem, **_fields(form.cleaned_data)
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            if exc.code == "closed":
                messages.error(request, exc.message)
                return _to_problem(problem)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The problem is saved."))
            return _to_problem(problem)
    return _render_problem(request, membership, problem, form=form)


@login_required
@require_POST
def problem_advance(request: HttpRequest, problem_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    problem = selectors.problem_get(membership, problem_id)
    if not can_keep_ledger_of(membership, problem.campaign, problem.branch_id):
        raise Http404
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the problem's next status."))
        return _to_problem(problem)
    try:
        moved = services.problem_advance(
            actor=acting_user(request),
            problem=problem,
            to_status=form.cleaned_data["to_status"],
            note=form.cleaned_data["note"],
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except ParticipationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The problem is now “%(status)s”.") % {"status": moved.get_status_display()},
        )
    return _to_problem(problem)


@login_required
@require_POST
def problem_verify(request: HttpRequest, problem_id: int) -> HttpResponse:
    """销号 (decision=verify) or back to 整改中 (decision=reject), by the office or an inspector."""
    membership = membership_of(request.user)
    problem = selectors.problem_get(membership, problem_id)
    if not can_verify_problems(membership, problem.campaign):
        raise Http404
    form = VerifyForm(request.POST)
    if form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == "verify":
                services.problem_verify(actor=acting_user(request), problem=problem, note=note)
            else:
                services.problem_reject_verification(
                    actor=acting_user(request), problem=problem, note=note
                )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            form.add_error(None, exc.message)
        else:
            if decision == "verify":
                messages.success(request, _("The problem is verified and closed (销号)."))
            else:
                messages.success(request, _("The problem is back to 整改中; the branch is told."))
            return _to_problem(problem)
    return _render_problem(request, membership, problem, verify_form=form)


urlpatterns = [
    path("c/<int:campaign_id>/problems/", problems, name="problems"),
    path("c/<int:campaign_id>/problems/new/", problem_create, name="problem_create"),
    path("c/<int:campaign_id>/problems/export.xlsx", problems_export, name="problems_export"),
    path("problems/<int:problem_id>/", problem_detail, name="problem"),
    path("problems/<int:problem_id>/advance/", problem_advance, name="problem_advance"),
    path("problems/<int:problem_id>/verify/", problem_verify, name="problem_verify"),
]
