from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from huodong.campaigns import list_exports, selectors, services
from huodong.campaigns.forms import (
    CampaignCopyForm,
    CompletionForm,
    PlanReview,
    PlanUploadForm,
    ScheduleFilterForm,
)
from huodong.campaigns.lights import Light, days_late
from huodong.campaigns.models import Campaign, Phase, PlanDraft, PlanDraftStatus, TaskUnit
from huodong.campaigns.permissions import can_create_campaign, can_manage_campaign
from huodong.campaigns.plan_diff import plan_diff
from huodong.campaigns.plan_drafts import plan_from_dict
from huodong.campaigns.plan_import import PlanImportError
from huodong.campaigns.timeline import build_timeline
from huodong.campaigns.unit_matching import match_unit_names, plan_unit_names
from huodong.core import clock
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.orgs.models import Office, Unit, User
from huodong.orgs.permissions import Membership, membership_of, office_for_request
from huodong.supervision.selectors import task_panel

SCHEDULE_PAGE_SIZE = 50


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    page = Paginator(selectors.campaigns_visible_to(membership), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/campaign_list.html",
        {"page": page, "can_create": _may_create_somewhere(membership)},
    )


@login_required
@require_GET
def campaign_list_export(request: HttpRequest) -> HttpResponse:
    """The campaigns the list shows (every page) as .xlsx."""
    membership = membership_of(request.user)
    office = Office.objects.filter(pk=membership.office_id).first()
    return list_export_response(
        actor=request.user,
        action="campaigns.export_list",
        obj=office,
        title=_("Campaigns"),
        scope=office.name if office is not None else _("All offices"),
        columns=list_exports.campaign_columns(),
        rows=selectors.campaigns_visible_to(membership).iterator(chunk_size=CHUNK),
    )


def _may_create_somewhere(membership: Membership) -> bool:
    if membership.is_superuser:
        return True
    return membership.office_id is not None and can_create_campaign(
        membership, membership.office_id
    )


@login_required
def campaign_home(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    today = clock.today()
    overview = selectors.campaign_overview(campaign)
    light_counts = selectors.light_counts(campaign, today=today)
    marks = selectors.deadline_marks(campaign, today=today)
    return render(
        request,
        "campaigns/campaign_home.html",
        {
            "campaign": campaign,
            **overview,
            "timeline": build_timeline(overview["phases"], marks, today=today),
            "light_counts": light_counts,
            "task_count": sum(light_counts.values()),
            "can_manage": can_manage_campaign(membership, campaign),
            "today": today,
        },
    )


def _schedule(request: HttpRequest, campaign_id: int):
    """The campaign, its filter form and the tasks the schedule page lists with its filters."""
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    today = clock.today()
    phases = list(Phase.objects.filter(campaign=campaign))
    units = list(
        Unit.objects.filter(
            pk__in=TaskUnit.objects.filter(task__campaign=campaign).values("unit_id")
        )
    )
    form = ScheduleFilterForm(request.GET or None, campaign=campaign, phases=phases, units=units)
    filters = selectors.ScheduleFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.ScheduleFilters(
            phase_id=form.cleaned_data["phase"],
            unit_id=form.cleaned_data["unit"],
            light=form.cleaned_data["light"] or None,
        )
    return campaign, form, selectors.schedule_tasks(campaign, today=today, filters=filters)


@login_required
def campaign_schedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, form, tasks = _schedule(request, campaign_id)
    today = clock.today()
    page = Paginator(tasks, SCHEDULE_PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page.object_list:
        task.days_late = days_late(due=task.due, completed_on=task.completed_on, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/campaign_schedule.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "light_counts": selectors.light_counts(campaign, today=today),
            "lights": Light,
            "query": query.urlencode(),
            "today": today,
        },
    )


@login_required
@require_GET
def schedule_list_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The schedule's table as the page filters it (every page), with lights, as .xlsx."""
    campaign, _form, tasks = _schedule(request, campaign_id)
    return list_export_response(
        actor=request.user,
        action="campaigns.export_schedule_list",
        obj=campaign,
        title=_("Work schedule"),
        scope=campaign.title,
        columns=list_exports.schedule_columns(today=clock.today()),
        rows=tasks.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


@login_required
def task_detail(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    today = clock.today()
    task = selectors.task_get(campaign, seq=seq, today=today)
    can_manage = can_manage_campaign(membership, campaign)
    return render(
        request,
        "campaigns/task_detail.html",
        {
            "campaign": campaign,
            "task": task,
            "days_late": days_late(due=task.due, completed_on=task.completed_on, today=today),
            "requirements": list(task.requirements.all()),
            "can_manage": can_manage,
            "completion_form": CompletionForm(initial={"completed_on": today}),
            "today": today,
            "supervision": task_panel(membership, campaign, task, today=today),
        },
    )


def _managed_task(request: HttpRequest, campaign_id: int, seq: int):
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    if not can_manage_campaign(membership, campaign):
        raise Http404
    return campaign, selectors.task_get(campaign, seq=seq, today=clock.today())


@login_required
@require_POST
def task_complete(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    campaign, task = _managed_task(request, campaign_id, seq)
    form = CompletionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date the task was completed."))
    else:
        try:
            services.task_record_completion(
                actor=request.user, task=task, completed_on=form.cleaned_data["completed_on"]
            )
            messages.success(request, _("Completion recorded."))
        except services.TaskAlreadyCompleted:
            messages.warning(request, _("This task was already recorded as completed."))
    return redirect("campaigns:task", campaign_id=campaign.pk, seq=task.seq)


@login_required
@require_POST
def task_reopen_view(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    campaign, task = _managed_task(request, campaign_id, seq)
    services.task_reopen(actor=request.user, task=task)
    messages.success(request, _("The task is open again."))
    return redirect("campaigns:task", campaign_id=campaign.pk, seq=task.seq)


@login_required
def campaign_copy_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    if not can_manage_campaign(membership, campaign):
        raise Http404
    form = CampaignCopyForm(
        request.POST or None,
        initial={"title": _("%(title)s (copy)") % {"title": campaign.title}},
    )
    if request.method == "POST" and form.is_valid():
        new = services.campaign_copy(
            actor=request.user,
            campaign=campaign,
            title=form.cleaned_data["title"],
            start=form.cleaned_data["start"],
        )
        messages.success(request, _("The campaign was copied with its dates shifted."))
        return redirect("campaigns:home", campaign_id=new.pk)
    return render(request, "campaigns/campaign_copy.html", {"campaign": campaign, "form": form})


# --- Plan import, review and re-import ----------------------------------------------------


def _creating_office(request: HttpRequest, membership: Membership) -> Office:
    """The office a new plan is imported for; a user who may not create campaigns gets 403."""
    return office_for_request(request, membership, may=can_create_campaign)


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = _creating_office(request, membership)
    return _plan_upload(request, membership, office=office, campaign=None)


@login_required
def campaign_reimport(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    if not can_manage_campaign(membership, campaign):
        raise Http404
    return _plan_upload(request, membership, office=campaign.office, campaign=campaign)


def _plan_upload(
    request: HttpRequest, membership: Membership, *, office: Office, campaign: Campaign | None
) -> HttpResponse:
    max_bytes = settings.HUODONG_MAX_IMPORT_BYTES
    posted = request.method == "POST"
    form = PlanUploadForm(
        request.POST if posted else None, request.FILES if posted else None, max_bytes=max_bytes
    )
    error_code = ""
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft = services.plan_draft_create(
                actor=cast(User, request.user),
                office=office,
                source_name=upload.name if upload is not None else "",
                data_or_text=upload.read() if upload is not None else form.cleaned_data["text"],
                campaign=campaign,
            )
        except PlanImportError as exc:
            form.add_error("file" if upload is not None else "text", exc.message)
            error_code = exc.code
        else:
            return redirect("campaigns:draft_review", draft_id=draft.pk)
    elif form.errors:
        error_code = next(
            (e.code or "invalid" for errors in form.errors.as_data().values() for e in errors),
            "invalid",
        )
    return render(
        request,
        "campaigns/plan_import.html",
        {
            "office": office,
            "campaign": campaign,
            "form": form,
            "error_code": error_code,
            "max_bytes": max_bytes,
            "drafts": list(selectors.plan_drafts_open(office.pk, campaign=campaign)[:20]),
            "offices": Office.objects.order_by("name") if membership.is_superuser else None,
        },
    )


def _closed_draft(request: HttpRequest, draft: PlanDraft) -> HttpResponse:
    """Where a draft that was applied or discarded (another tab, a double click) leads."""
    if draft.status == PlanDraftStatus.APPLIED and draft.result_id is not None:
        messages.info(request, _("This plan was already confirmed."))
        return redirect("campaigns:home", campaign_id=draft.result_id)
    messages.info(request, _("This draft was discarded."))
    if draft.campaign_id is not None:
        return redirect("campaigns:home", campaign_id=draft.campaign_id)
    return redirect("campaigns:list")


@login_required
@never_cache
def plan_draft_review(request: HttpRequest, draft_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    draft = selectors.plan_draft_get(membership, draft_id)
    if draft.status != PlanDraftStatus.OPEN:
        return _closed_draft(request, draft)
    plan = plan_from_dict(draft.parsed)
    actor = cast(User, request.user)
    review = PlanReview(plan, warning_days=draft.warning_days)
    has_errors = False
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "discard":
                services.plan_draft_discard(actor=actor, draft=draft)
                messages.success(request, _("The draft was discarded; nothing was imported."))
                if draft.campaign_id is not None:
                    return redirect("campaigns:home", campaign_id=draft.campaign_id)
                return redirect("campaigns:import")
            if request.POST.get("version") != draft.updated_at.isoformat():
                messages.error(
                    request,
                    _(
                        "Someone else saved this draft meanwhile. Your changes were not saved; "
                        "the page now shows the latest version."
                    ),
                )
                return redirect("campaigns:draft_review", draft_id=draft.pk)
            review = PlanReview(plan, warning_days=draft.warning_days, data=request.POST)
            if review.is_valid():
                edited = review.cleaned_plan()
                if action == "apply":
                    campaign = services.plan_draft_apply(
                        actor=actor, draft=draft, plan=edited, warning_days=review.warning_days
                    )
                    messages.success(
                        request,
                        _("The campaign was revised.")
                        if draft.campaign_id
                        else _("The campaign was created."),
                    )
                    return redirect("campaigns:home", campaign_id=campaign.pk)
                services.plan_draft_update(
                    actor=actor, draft=draft, plan=edited, warning_days=review.warning_days
                )
                messages.success(request, _("Your changes were saved in the draft."))
                return redirect("campaigns:draft_review", draft_id=draft.pk)
            has_errors = True
        except services.PlanDraftClosed as exc:
            return _closed_draft(request, exc.draft)
    problems = list(getattr(plan, "problems", []))
    problem_messages = {p.message for p in problems}
    return render(
        request,
        "campaigns/plan_draft_review.html",
        {
            "draft": draft,
            "plan": plan,
            "review": review,
            "has_errors": has_errors,
            "problems": problems,
            "other_warnings": [w for w in plan.warnings if w not in problem_messages],
            "year_source": getattr(plan, "year_source", ""),
            "unit_matches": match_unit_names(draft.office_id, plan_unit_names(plan)),
            "diff": (
                plan_diff(draft.campaign, plan, warning_days=draft.warning_days)
                if draft.campaign is not None
                else None
            ),
        },
    )
