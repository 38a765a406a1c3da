"""Downloads of a campaign: the schedule as .xlsx, the plan as .docx, the whole as JSON."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from huodong.campaigns import selectors, services
from huodong.campaigns.plan_export import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    campaign_to_dict,
    collect,
    plan_docx,
    schedule_xlsx,
)
from huodong.core import clock
from huodong.orgs.permissions import membership_of

FORMATS = {
    "xlsx": (XLSX_CONTENT_TYPE, "计划安排表.xlsx", schedule_xlsx),
    "docx": (DOCX_CONTENT_TYPE, "活动方案.docx", plan_docx),
    "json": (
        "application/json; charset=utf-8",
        "活动方案.json",
        lambda export: json.dumps(campaign_to_dict(export), ensure_ascii=False, indent=1).encode(),
    ),
}


def _download(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    campaign = selectors.campaign_get(membership_of(request.user), campaign_id)
    content_type, suffix, write = FORMATS[fmt]
    body = write(collect(campaign, today=clock.today()))
    services.campaign_record_export(actor=request.user, campaign=campaign, fmt=fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{campaign.title}{suffix}"
    )
    return response


@login_required
@require_GET
def export_xlsx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _download(request, campaign_id, "xlsx")


@login_required
@require_GET
def export_docx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _download(request, campaign_id, "docx")


@login_required
@require_GET
def export_json(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _download(request, campaign_id, "json")
