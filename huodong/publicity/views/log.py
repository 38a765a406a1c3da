"""/publicity/campaigns/<id>/log/: the campaign's publicity log (宣传报道台账) with the count per
channel, filters, the .xlsx export, and adding and deleting lines."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import campaign_get
from huodong.core import clock
from huodong.orgs.permissions import Membership, membership_of
from huodong.publicity import exports, permissions, selectors, services
from huodong.publicity.forms import LogFilterForm, PlacementForm
from huodong.publicity.models import Article, ArticleStatus, Channel
from huodong.publicity.views.common import act, acting_user, form_action, paginate


def _campaign(request: HttpRequest, campaign_id: int) -> tuple[Membership, Campaign]:
    membership = membership_of(request.user)
    campaign = campaign_get(membership, campaign_id)
    if not permissions.is_writer(membership, campaign.office_id):
        raise Http404
    return membership, campaign


def _placeable_articles(membership: Membership, user_id: int, campaign: Campaign):
    """The published articles the user may log placements for (the office: all of them)."""
    rows = Article.objects.filter(office_id=campaign.office_id, status=ArticleStatus.PUBLISHED)
    if not permissions.is_reviewer(membership, campaign.office_id):
        rows = rows.filter(author_id=user_id)
    return rows.order_by("-published_at", "-id")


def _filtered(request: HttpRequest, campaign: Campaign):
    form = LogFilterForm(request.GET or None, campaign=campaign)
    query: dict[str, object] = {}
    kwargs: dict[str, object] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["channel"]:
            kwargs["channel"] = query["channel"] = data["channel"]
        if data["task"]:
            kwargs["task_id"] = query["task"] = data["task"].pk
        if data["date_from"]:
            kwargs["date_from"] = data["date_from"]
            query["date_from"] = data["date_from"].isoformat()
        if data["date_to"]:
            kwargs["date_to"] = data["date_to"]
            query["date_to"] = data["date_to"].isoformat()
    return form, selectors.placements(campaign=campaign, **kwargs), query  # type: ignore[arg-type]


def _page(request, membership, campaign, *, add_form=None, status=200):
    form, rows, query = _filtered(request, campaign)
    counts = selectors.channel_counts(rows)
    articles = _placeable_articles(membership, request.user.pk, campaign)
    is_reviewer = permissions.is_reviewer(membership, campaign.office_id)
    page = paginate(request, rows)
    user_id = request.user.pk
    return render(
        request,
        "publicity/log.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "deletable": {
                p.pk
                for p in page.object_list
                if permissions.can_delete_placement(membership, user_id, p)
            },
            "query": urlencode(query),
            "counts": [(label, counts[value], value) for value, label in Channel.choices],
            "total": sum(counts.values()),
            "add_form": add_form
            or PlacementForm(initial={"date": clock.today()}, campaign=campaign, articles=articles),
            "can_add": is_reviewer or articles.exists(),
        },
        status=status,
    )


@login_required
@require_GET
def log(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = _campaign(request, campaign_id)
    return _page(request, membership, campaign)


@login_required
@require_POST
def placement_add(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = _campaign(request, campaign_id)
    articles = _placeable_articles(membership, request.user.pk, campaign)
    form = PlacementForm(request.POST, campaign=campaign, articles=articles)
    if form.is_valid():
        data = form.cleaned_data
        if form_action(
            request,
            form,
            lambda: services.placement_add(
                actor=acting_user(request),
                office=campaign.office,
                campaign=campaign,
                article=data["article"],
                title=data["title"],
                channel=data["channel"],
                date=data["date"],
                link=data["link"],
                note=data["note"],
                task=data["task"],
            ),
            done=_("The placement is recorded."),
        ):
            return redirect("publicity:log", campaign_id=campaign.pk)
    if not (permissions.is_reviewer(membership, campaign.office_id) or articles.exists()):
        raise Http404
    return _page(request, membership, campaign, add_form=form, status=400)


@login_required
@require_POST
def placement_delete(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.placement_for(membership_of(request.user), placement_id)
    campaign_id = placement.campaign_id
    act(
        request,
        lambda: services.placement_delete(actor=acting_user(request), placement=placement),
        done=_("The placement is deleted."),
    )
    if campaign_id is None:
        return redirect("publicity:list")
    return redirect("publicity:log", campaign_id=campaign_id)


@login_required
@require_GET
def log_export(request: HttpRequest, campaign_id: int) -> FileResponse:
    _membership, campaign = _campaign(request, campaign_id)
    _form, rows, _query = _filtered(request, campaign)
    today = clock.today()
    exports.log_export_record(actor=request.user, campaign=campaign, count=rows.count())
    body = exports.log_xlsx(campaign, rows.iterator(chunk_size=exports.CHUNK), today=today)
    response = FileResponse(
        body,
        as_attachment=True,
        filename=exports.export_filename(campaign, today),
        content_type=exports.LOG_XLSX_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
