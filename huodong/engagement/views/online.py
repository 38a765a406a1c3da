"""Pages of online activities: the campaign's list (the office sets them up), an activity with
the user's own participations and the form to record one, and, for the office and the
office-wide roles, the counts per unit and everyone's participations (screenshots, and the
button that sends an idea to the suggestion pool)."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.list_export import CHUNK, Sheet, filters_of, list_export_response
from huodong.engagement import selectors, services
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.forms import ActivityForm, ParticipationForm
from huodong.engagement.list_exports import (
    activity_columns,
    participation_columns,
    unit_count_columns,
)
from huodong.engagement.models import OnlineActivity
from huodong.engagement.permissions import (
    can_delete_participation,
    can_manage_online,
    can_read_online,
    can_see_online,
    can_take_part_online,
)
from huodong.engagement.views.common import (
    PAGE_SIZE,
    acting_user,
    campaign_for,
    field_for,
    stored_file_response,
)
from huodong.orgs.permissions import Membership, membership_of

ACTIVITY_FIELDS = {
    "title": ("required", "duplicate"),
    "url": ("bad_url",),
    "ends_on": ("bad_dates",),
}
PARTICIPATION_FIELDS = {
    "date": ("date",),
    "evidence_url": ("bad_url", "evidence", "duplicate_link"),
    "screenshot": ("file", "screenshot"),
    "text": ("too_long",),
}


def _listed_campaign(request: HttpRequest, campaign_id: int) -> tuple[Membership, Campaign]:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_see_online(membership, campaign):
        raise Http404
    return membership, campaign


@login_required
@require_GET
def activities(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = _listed_campaign(request, campaign_id)
    return render(
        request,
        "engagement/activities.html",
        {
            "campaign": campaign,
            "activities": list(selectors.activities_for(membership, campaign)),
            "may_manage": can_manage_online(membership, campaign),
            "reads_all": can_read_online(membership, campaign),
        },
    )


@login_required
@require_GET
def activities_export(request: HttpRequest, campaign_id: int) -> FileResponse:
    """The campaign's online activities as the list shows them to the user, as .xlsx."""
    membership, campaign = _listed_campaign(request, campaign_id)
    return list_export_response(
        actor=request.user,
        action="engagement.export_activities",
        obj=campaign,
        title=_("Online activities"),
        scope=campaign.title,
        columns=activity_columns(reads_all=can_read_online(membership, campaign)),
        rows=selectors.activities_for(membership, campaign).iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


def _activity_kwargs(form: ActivityForm) -> dict:
    return dict(form.cleaned_data)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_manage_online(membership, campaign):
        raise Http404
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.online_activity_create(
                actor=acting_user(request), campaign=campaign, **_activity_kwargs(form)
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(field_for(exc, ACTIVITY_FIELDS), exc.message)
        else:
            messages.success(request, _("The online activity is set up."))
            return redirect("engagement:activity", activity_id=activity.pk)
    return render(
        request,
        "engagement/activity_form.html",
        {"campaign": campaign, "form": form, "activity": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.managed_activity_get(membership_of(request.user), activity_id)
    initial = {
        name: getattr(activity, name)
        for name in ("title", "description", "url", "starts_on", "ends_on", "collects_ideas")
    }
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.online_activity_update(
                actor=acting_user(request), activity=activity, **_activity_kwargs(form)
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(field_for(exc, ACTIVITY_FIELDS), exc.message)
        else:
            messages.success(request, _("The online activity is updated."))
            return redirect("engagement:activity", activity_id=activity.pk)
    return render(
        request,
        "engagement/activity_form.html",
        {"campaign": activity.campaign, "form": form, "activity": activity},
    )


def _unit_filter(request: HttpRequest) -> int | None:
    """The unit the participations are filtered by (?unit=); 404 for a malformed one."""
    unit_id = request.GET.get("unit")
    try:
        return int(unit_id) if unit_id else None
    except ValueError as exc:
        raise Http404 from exc


def _activity_page(
    request: HttpRequest,
    membership: Membership,
    activity: OnlineActivity,
    form: ParticipationForm | None,
    *,
    status: int = 200,
) -> HttpResponse:
    campaign = activity.campaign
    takes_part = can_take_part_online(membership, campaign)
    reads_all = can_read_online(membership, campaign)
    today = clock.today()
    if form is None and takes_part:
        day = today
        if activity.ends_on is not None:
            day = min(day, activity.ends_on)
        form = ParticipationForm(initial={"date": day})
    context: dict = {
        "campaign": campaign,
        "activity": activity,
        "form": form if takes_part else None,
        "mine": list(selectors.my_participations(membership, activity)),
        "reads_all": reads_all,
        "may_manage": can_manage_online(membership, campaign),
    }
    if reads_all:
        unit_filter = _unit_filter(request)
        counts = selectors.unit_counts(activity)
        listed = selectors.participations_for(membership, activity, unit_id=unit_filter)
        context.update(
            counts=counts,
            total_participations=sum(c.participations for c in counts),
            total_people=sum(c.people for c in counts),
            page=Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
            query=f"unit={unit_filter}" if unit_filter else "",
            unit_filter=unit_filter,
        )
    return render(request, "engagement/activity_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    activity = selectors.activity_get(membership, activity_id)
    if request.method == "GET":
        return _activity_page(request, membership, activity, None)
    if not can_take_part_online(membership, activity.campaign):
        raise Http404
    form = ParticipationForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.online_participation_record(
                actor=acting_user(request),
                activity=activity,
                date=data["date"],
                evidence_url=data["evidence_url"],
                screenshot=data["screenshot"],
                text=data["text"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(field_for(exc, PARTICIPATION_FIELDS), exc.message)
        else:
            messages.success(request, _("Your participation is recorded."))
            return redirect("engagement:activity", activity_id=activity.pk)
    return _activity_page(request, membership, activity, form, status=400)


@login_required
@require_GET
def participation_screenshot(request: HttpRequest, participation_id: int) -> HttpResponse:
    row = selectors.participation_get(membership_of(request.user), participation_id)
    if not row.screenshot:
        raise Http404
    return stored_file_response(
        row.screenshot,
        content_type=row.screenshot_type,
        name=os.path.basename(row.screenshot.name or "screenshot"),
        size=None,
    )


@login_required
@require_GET
def participations_export(request: HttpRequest, activity_id: int) -> FileResponse:
    """Everyone's participations as the activity's page lists them (its unit filter, every
    page), with the counts per unit: for who reads them all, as on the page; 404 else."""
    membership = membership_of(request.user)
    activity = selectors.activity_get(membership, activity_id)
    if not can_read_online(membership, activity.campaign):
        raise Http404
    unit_filter = _unit_filter(request)
    listed = selectors.participations_for(membership, activity, unit_id=unit_filter)
    by_unit = Sheet(
        name=_("By unit"),
        heading=f"{activity.title} · {_('By unit')}",
        columns=unit_count_columns(),
        rows=selectors.unit_counts(activity),
    )
    return list_export_response(
        actor=request.user,
        action="engagement.export_participations",
        obj=activity,
        title=_("All participations"),
        scope=activity.title,
        columns=participation_columns(),
        rows=listed.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
        extra_sheets=[by_unit],
    )


@login_required
@require_POST
def participation_delete(request: HttpRequest, participation_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    row = selectors.participation_get(membership, participation_id)
    if not can_delete_participation(membership, row.activity.campaign, row.person_id):
        raise Http404
    try:
        services.online_participation_delete(actor=acting_user(request), participation=row)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The participation is deleted."))
    return redirect("engagement:activity", activity_id=row.activity_id)


@login_required
@require_POST
def participation_to_pool(request: HttpRequest, participation_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    row = selectors.participation_get(membership, participation_id)
    if not can_manage_online(membership, row.activity.campaign):
        raise Http404
    try:
        suggestion = services.online_participation_to_pool(
            actor=acting_user(request), participation=row
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The idea is in the suggestion pool as no. %(number)d.")
            % {"number": suggestion.number},
        )
    return redirect("engagement:activity", activity_id=row.activity_id)
