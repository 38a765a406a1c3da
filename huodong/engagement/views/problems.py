"""Pages of enterprise problems: the campaign's list (filtered, paginated, exported) and one
problem with its history and what the user may do with it (assign, reply, resolve, reopen).

The office-wide roles see every problem; a unit's head or contact the problems assigned to
their units; a visit's organisers those of their visits. Anyone else: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.list_export import filters_of
from huodong.engagement import selectors, services
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.exports import EXPORT_XLSX_TYPE, problems_xlsx
from huodong.engagement.forms import (
    AssignForm,
    ProblemFilterForm,
    ReopenForm,
    ReplyForm,
    ResolveForm,
)
from huodong.engagement.models import EnterpriseProblem
from huodong.engagement.permissions import (
    can_see_problems,
    problem_scope,
    sees_enterprise_contacts,
)
from huodong.engagement.views.common import PAGE_SIZE, acting_user, campaign_for, field_for
from huodong.orgs.models import Unit
from huodong.orgs.permissions import Membership, membership_of


def _filtered(request: HttpRequest, campaign_id: int):
    membership, campaign = campaign_for(request, campaign_id)
    if not can_see_problems(membership, campaign):
        raise Http404
    units = selectors.problem_units(membership, campaign)
    form = ProblemFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    problems = selectors.problems_for(
        membership,
        campaign,
        today=clock.today(),
        status=filters.get("status") or "",
        unit_id=filters.get("unit"),
        overdue_only=bool(filters.get("overdue")),
    )
    return membership, campaign, form, problems


@login_required
@require_GET
def problems(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign, form, listed = _filtered(request, campaign_id)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagement/problems.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sees_contacts": sees_enterprise_contacts(membership, campaign),
            "scoped": problem_scope(membership, campaign) is not None,
        },
    )


@login_required
@require_GET
def problems_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign, _form, listed = _filtered(request, campaign_id)
    with_contacts = sees_enterprise_contacts(membership, campaign)
    handle = problems_xlsx(
        campaign,
        listed.iterator(chunk_size=500),
        with_contacts=with_contacts,
        today=clock.today(),
    )
    audit_record(
        actor=request.user,
        action="engagement.export_problems",
        obj=campaign,
        changes={"filters": filters_of(request.GET), "contacts": with_contacts},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{campaign.title}·{_('Enterprise problems')}.xlsx",
        content_type=EXPORT_XLSX_TYPE,
    )


def _units(campaign: Campaign) -> list[Unit]:
    return list(Unit.objects.filter(office_id=campaign.office_id).order_by("sort_order", "pk"))


def _page(
    request: HttpRequest,
    membership: Membership,
    problem: EnterpriseProblem,
    *,
    status: int = 200,
    **bound,
) -> HttpResponse:
    detail = selectors.problem_detail(membership, problem)
    campaign = problem.meeting.campaign
    context: dict = {"campaign": campaign, "problem": problem, "detail": detail}
    resolved = problem.status == "resolved"
    if detail.may_assign and not resolved:
        context["assign_form"] = bound.get("assign_form") or AssignForm(
            units=_units(campaign),
            initial={"unit": problem.assigned_unit_id, "deadline": problem.deadline},
        )
    if detail.may_answer and not resolved:
        if problem.assigned_unit_id:
            context["reply_form"] = bound.get("reply_form") or ReplyForm(
                initial={"reply": problem.reply}
            )
        context["resolve_form"] = bound.get("resolve_form") or ResolveForm()
    if detail.may_reopen and resolved:
        context["reopen_form"] = bound.get("reopen_form") or ReopenForm()
    return render(request, "engagement/problem_detail.html", context, status=status)


def _problem(request: HttpRequest, problem_id: int) -> tuple[Membership, EnterpriseProblem]:
    membership = membership_of(request.user)
    return membership, selectors.problem_get(membership, problem_id, today=clock.today())


@login_required
@require_GET
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    membership, problem = _problem(request, problem_id)
    return _page(request, membership, problem)


def _done(request: HttpRequest, problem: EnterpriseProblem, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("engagement:problem", problem_id=problem.pk)


@login_required
@require_POST
def problem_assign(request: HttpRequest, problem_id: int) -> HttpResponse:
    membership, problem = _problem(request, problem_id)
    units = _units(problem.meeting.campaign)
    form = AssignForm(request.POST, units=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.enterprise_problem_assign(
                actor=acting_user(request),
                problem=problem,
                unit=next(u for u in units if u.pk == data["unit"]),
                deadline=data["deadline"],
                note=data["note"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(field_for(exc, {"deadline": ("deadline",)}), exc.message)
        else:
            return _done(request, problem, _("The problem is assigned and the unit told."))
    return _page(request, membership, problem, assign_form=form, status=400)


@login_required
@require_POST
def problem_reply(request: HttpRequest, problem_id: int) -> HttpResponse:
    membership, problem = _problem(request, problem_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_problem_reply(
                actor=acting_user(request), problem=problem, reply=form.cleaned_data["reply"]
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("reply", exc.message)
        else:
            return _done(request, problem, _("The reply is recorded."))
    return _page(request, membership, problem, reply_form=form, status=400)


@login_required
@require_POST
def problem_resolve(request: HttpRequest, problem_id: int) -> HttpResponse:
    membership, problem = _problem(request, problem_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_problem_resolve(
                actor=acting_user(request),
                problem=problem,
                resolution=form.cleaned_data["resolution"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("resolution", exc.message)
        else:
            return _done(request, problem, _("The problem is resolved."))
    return _page(request, membership, problem, resolve_form=form, status=400)


@login_required
@require_POST
def problem_reopen(request: HttpRequest, problem_id: int) -> HttpResponse:
    membership, problem = _problem(request, problem_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_problem_reopen(
                actor=acting_user(request), problem=problem, reason=form.cleaned_data["reason"]
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("reason", exc.message)
        else:
            return _done(request, problem, _("The problem is reopened."))
    return _page(request, membership, problem, reopen_form=form, status=400)
