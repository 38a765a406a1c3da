"""The report pages: a campaign's briefs and summaries, the editor beside the figures they were
drafted from, and the .docx export.

Whoever may read the campaign's reports (`can_read_reports`) sees the list, reads a report and
downloads it; the leading group's office (`can_draft_reports`) also drafts, edits, refreshes,
finalises and deletes. Anyone else gets 404, as does a reader's POST.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.core import clock
from huodong.core.officedoc import DOCX_CONTENT_TYPE
from huodong.core.view_actions import run_action
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of
from huodong.reports import selectors, services
from huodong.reports.documents.docx import document_date, file_name, report_docx
from huodong.reports.models import ReportDraft, ReportKind, ReportPeriod
from huodong.reports.permissions import can_draft_reports

PER_PAGE = 20

# What the list's buttons draft: (kind, period).
DRAFT_CHOICES = {
    "week": (ReportKind.BRIEF, ReportPeriod.WEEK),
    "month": (ReportKind.BRIEF, ReportPeriod.MONTH),
    "summary": (ReportKind.SUMMARY, ReportPeriod.NONE),
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


class NewReportForm(forms.Form):
    what = forms.ChoiceField(
        choices=[
            ("week", gettext_lazy("Weekly brief")),
            ("month", gettext_lazy("Monthly brief")),
            ("summary", gettext_lazy("Final summary")),
        ]
    )
    day = forms.DateField(
        label=gettext_lazy("The week or month containing"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _edit_form(draft: ReportDraft, data: Any = None) -> forms.Form:
    """The title and one heading and text per section, with the version the page was read at."""
    fields: dict[str, forms.Field] = {
        "version": forms.IntegerField(widget=forms.HiddenInput, min_value=1),
        "title": forms.CharField(label=gettext_lazy("Title"), max_length=services.MAX_TITLE),
    }
    initial: dict[str, Any] = {"version": draft.version, "title": draft.title}
    for n, section in enumerate(draft.sections.all()):
        fields[f"heading_{n}"] = forms.CharField(
            label=gettext_lazy("Heading"), required=False, max_length=services.MAX_HEADING
        )
        fields[f"body_{n}"] = forms.CharField(
            label=gettext_lazy("Text"),
            required=False,
            max_length=services.MAX_BODY,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 10}),
        )
        initial[f"heading_{n}"] = section.heading
        initial[f"body_{n}"] = section.body
    form_class = type("ReportEditForm", (forms.Form,), fields)
    return cast(forms.Form, form_class(data, initial=initial))


def _section_rows(draft: ReportDraft, form: forms.Form) -> list[dict[str, Any]]:
    return [
        {
            "section": section,
            "heading": form[f"heading_{n}"],
            "body": form[f"body_{n}"],
        }
        for n, section in enumerate(draft.sections.all())
    ]


# --- The list -------------------------------------------------------------------------------


@login_required
@require_GET
def document_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    page = Paginator(selectors.drafts_of(campaign), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/documents/list.html",
        {
            "campaign": campaign,
            "page": page,
            "query": "",
            "may_draft": can_draft_reports(membership, campaign),
            "form": NewReportForm(initial={"day": clock.today()}),
        },
    )


@login_required
@require_POST
def document_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = selectors.campaign_get(membership, campaign_id)
    if not can_draft_reports(membership, campaign):
        raise Http404
    form = NewReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to draft."))
        return redirect("reports:documents", campaign.pk)
    kind, period = DRAFT_CHOICES[form.cleaned_data["what"]]
    day: dt.date | None = form.cleaned_data["day"]
    start = end = None
    if kind == ReportKind.BRIEF:
        start, end = services.brief_period(period, day or clock.today())
    try:
        draft = services.report_draft_create(
            actor=_user(request),
            campaign=campaign,
            kind=kind,
            period=period or ReportPeriod.WEEK,
            period_start=start,
            period_end=end,
        )
    except services.NotAllowed as exc:
        raise Http404 from exc
    except services.Refused as exc:
        messages.error(request, exc.message)
        return redirect("reports:documents", campaign.pk)
    messages.success(
        request, _("The report was drafted from the data; check and edit it before exporting.")
    )
    return redirect("reports:document", draft.pk)


# --- One report -----------------------------------------------------------------------------


def _page(
    request: HttpRequest,
    draft: ReportDraft,
    *,
    may_draft: bool,
    form: forms.Form | None = None,
    unsaved: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    editable = may_draft and draft.is_draft
    form = form or _edit_form(draft)
    return render(
        request,
        "reports/documents/detail.html",
        {
            "campaign": draft.campaign,
            "draft": draft,
            "editable": editable,
            "may_draft": may_draft,
            "form": form,
            "rows": _section_rows(draft, form),
            "figures": selectors.figure_rows(draft),
            "as_of": (draft.figures.get("current") or {}).get("as_of", ""),
            "previous_as_of": (draft.figures.get("previous") or {}).get("as_of", ""),
            "unsaved": unsaved or [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    draft = selectors.draft_get(membership, draft_id)
    may_draft = can_draft_reports(membership, draft.campaign)
    if request.method == "GET":
        return _page(request, draft, may_draft=may_draft)
    if not may_draft:
        raise Http404
    form = _edit_form(draft, request.POST)
    if not form.is_valid():
        return _page(request, draft, may_draft=may_draft, form=form, status=400)
    data = form.cleaned_data
    count = len(draft.sections.all())
    sections = [
        services.SectionText(heading=data[f"heading_{n}"], body=data[f"body_{n}"])
        for n in range(count)
    ]
    try:
        services.report_draft_update(
            actor=_user(request),
            draft=draft,
            title=data["title"],
            sections=sections,
            version=data["version"],
        )
    except services.NotAllowed as exc:
        raise Http404 from exc
    except services.Refused as exc:
        messages.error(request, exc.message)
        if exc.code == "stale":
            # The saved text stays; the writer's own is shown to copy from.
            fresh = selectors.draft_get(membership, draft_id)
            unsaved = [(data["title"], "")] + [(s.heading, s.body) for s in sections]
            return _page(request, fresh, may_draft=may_draft, unsaved=unsaved, status=409)
        return _page(request, draft, may_draft=may_draft, form=form, status=400)
    messages.success(request, _("The report was saved."))
    return redirect("reports:document", draft.pk)


def _managed(request: HttpRequest, draft_id: int) -> ReportDraft:
    membership = membership_of(request.user)
    draft = selectors.draft_get(membership, draft_id)
    if not can_draft_reports(membership, draft.campaign):
        raise Http404
    return draft


def _act(request: HttpRequest, call, *, done: str) -> bool:
    return run_action(
        request, call, not_allowed=services.NotAllowed, refused=services.Refused, done=done
    )


@login_required
@require_POST
def document_refresh(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _managed(request, draft_id)
    overwrite = request.POST.get("overwrite") == "1"
    _act(
        request,
        lambda: services.report_draft_refresh_figures(
            actor=_user(request), draft=draft, overwrite_edited=overwrite
        ),
        done=_("The numbers were drafted again from today's data.")
        if overwrite
        else _(
            "The numbers were drafted again from today's data; sections you edited kept your text."
        ),
    )
    return redirect("reports:document", draft.pk)


@login_required
@require_POST
def document_finalise(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _managed(request, draft_id)
    _act(
        request,
        lambda: services.report_draft_finalise(actor=_user(request), draft=draft),
        done=_("The report is final."),
    )
    return redirect("reports:document", draft.pk)


@login_required
@require_POST
def document_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _managed(request, draft_id)
    campaign_id = draft.campaign_id
    if _act(
        request,
        lambda: services.report_draft_delete(actor=_user(request), draft=draft),
        done=_("The report was deleted."),
    ):
        return redirect("reports:documents", campaign_id)
    return redirect("reports:document", draft.pk)


@login_required
@require_GET
def document_docx(request: HttpRequest, draft_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    draft = selectors.draft_get(membership, draft_id)
    body = report_docx(draft, dated=document_date(draft, clock.today()))
    try:
        services.report_draft_record_export(actor=_user(request), draft=draft)
    except services.NotAllowed as exc:
        raise Http404 from exc
    response = HttpResponse(body, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file_name(draft)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
