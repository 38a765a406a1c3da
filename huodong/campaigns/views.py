from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huodong.campaigns import selectors, services
from huodong.campaigns.forms import CampaignCopyForm, CompletionForm, ScheduleFilterForm
from huodong.campaigns.lights import Light, days_late
from huodong.campaigns.models import Phase, TaskUnit
from huodong.campaigns.permissions import can_manage_campaign
from huodong.campaigns.timeline import build_timeline
from huodong.core import clock
from huodong.orgs.models import Unit
from huodong.orgs.permissions import membership_of

SCHEDULE_PAGE_SIZE = 50


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    page = Paginator(selectors.campaigns_visible_to(membership), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "campaigns/campaign_list.html", {"page": page})


@login_required
def campaign_home(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    today = clock.today()
    overview = selectors.campaign_overview(campaign)
    # Only deadlines are drawn, so the timeline needs no unit links.
    tasks = list(
        selectors.tasks_with_lights(campaign, today=today)
        .prefetch_related(None)
        .only("seq", "due", "phase_id", "completed_on")
    )
    return render(
        request,
        "campaigns/campaign_home.html",
        {
            "campaign": campaign,
            **overview,
            "timeline": build_timeline(overview["phases"], tasks, today=today),
            "light_counts": selectors.light_counts(campaign, today=today),
            "task_count": len(tasks),
            "can_manage": can_manage_campaign(membership, campaign),
            "today": today,
        },
    )


@login_required
def campaign_schedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
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
    page = Paginator(
        selectors.schedule_tasks(campaign, today=today, filters=filters), SCHEDULE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
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
