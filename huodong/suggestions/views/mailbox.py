"""The public mailbox (意见箱): anyone leaves a suggestion for a campaign, and follows it with
the tracking code it gets (回执码). No login; the page works on a phone.

The tracking page shows the stage, the status and the office's answer; never the history's
notes, the evaluators nor the reason recorded inside the office.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from huodong.campaigns.models import Campaign
from huodong.suggestions.errors import Refused
from huodong.suggestions.forms.pool import MailboxForm
from huodong.suggestions.models import Stage
from huodong.suggestions.selectors.pool import suggestion_by_tracking_code
from huodong.suggestions.services.pool_mailbox import (
    mailbox_suggestion_submit,
    mailbox_token_new,
)


@never_cache
@require_http_methods(["GET", "POST"])
def mailbox_form(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = Campaign.objects.select_related("office").filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    refusal = ""
    status = 200
    if request.method == "POST":
        form = MailboxForm(request.POST)
        if form.is_valid() and form.cleaned_data["website"]:
            # A robot filled the hidden field: nothing is recorded, nothing is explained.
            refusal = _("Your suggestion could not be recorded.")
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            try:
                receipt = mailbox_suggestion_submit(
                    campaign=campaign,
                    token=data["token"],
                    text=data["text"],
                    name=data["name"],
                    organisation=data["organisation"],
                    contact=data["contact"],
                    is_anonymous=data["is_anonymous"],
                    address=request.META.get("REMOTE_ADDR", ""),
                )
            except Refused as exc:
                refusal = exc.message
                status = 429 if exc.code == "rate_limited" else 400
            else:
                target = redirect("mailbox:track", receipt.suggestion.tracking_code)
                target["Location"] += "?new=1"
                return target
        else:
            status = 400
    else:
        form = MailboxForm(initial={"token": mailbox_token_new()})
    return render(
        request,
        "suggestions/mailbox/form.html",
        {"campaign": campaign, "form": form, "refusal": refusal},
        status=status,
    )


@never_cache
@require_GET
def mailbox_track(request: HttpRequest, code: str) -> HttpResponse:
    suggestion = suggestion_by_tracking_code(code)
    if suggestion is None:
        raise Http404
    original = suggestion.duplicate_of if suggestion.stage == Stage.DUPLICATE else None
    shown = original or suggestion
    response = render(
        request,
        "suggestions/mailbox/track.html",
        {
            "suggestion": suggestion,
            "original": original,
            "stage_label": shown.get_stage_display(),
            "status_name": shown.status.name if shown.status else "",
            "answer": suggestion.answer,
            "is_new": request.GET.get("new") == "1",
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
