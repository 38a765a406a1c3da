"""Entries: a member's own entry (write, upload, submit, withdraw), and the organisers' list of
entries with their authors and originality ratios, an entry with every judge's sheet,
disqualification and the office's own award decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.contests import permissions, selectors, services
from huodong.contests.errors import NotAllowed, Refused
from huodong.contests.forms import AwardGiveForm, DisqualifyForm, EntryForm
from huodong.contests.list_exports import entry_columns
from huodong.contests.models import ContestStatus, Entry, EntryStatus
from huodong.contests.views.common import act, acting_user, organiser_for, standing_for
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.originality.services import threshold_for
from huodong.participation.wordcount import word_count

PAGE_SIZE = 50


def percent(ratio: float | None) -> str:
    return f"{(ratio or 0) * 100:.1f}%"


# --- My entry -----------------------------------------------------------------------------


def _entrant(request: HttpRequest, contest_id: int):
    standing = standing_for(request, contest_id)
    if not permissions.can_enter(standing):
        raise Http404
    return standing


def _render_mine(request, standing, entry: Entry | None, form: EntryForm, status: int = 200):
    contest = standing.contest
    editable = contest.status == ContestStatus.OPEN and (
        entry is None or entry.status in services.EDITABLE_ENTRY
    )
    return render(
        request,
        "contests/my_entry.html",
        {
            "contest": contest,
            "entry": entry,
            "form": form,
            "editable": editable,
            "count": word_count(form["body"].value() or "")
            if editable
            else entry.word_count
            if entry
            else 0,
            "statuses": EntryStatus,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_entry(request: HttpRequest, contest_id: int) -> HttpResponse:
    """The member's entry: write or upload it, keep it as a draft, or submit it."""
    standing = _entrant(request, contest_id)
    contest = standing.contest
    entry = selectors.my_entry(contest, standing.membership.person)
    if request.method == "GET":
        initial = {"title": entry.title, "body": entry.body} if entry else {}
        return _render_mine(request, standing, entry, EntryForm(initial=initial))
    form = EntryForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_mine(request, standing, entry, form, status=400)
    submit = request.POST.get("action") == "submit"
    try:
        saved = services.entry_save(
            actor=acting_user(request),
            contest=contest,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            upload=form.cleaned_data["file"],
            submit=submit,
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        form.add_error("file" if exc.code in _FILE_CODES else None, exc.message)
        return _render_mine(request, standing, entry, form, status=400)
    if submit:
        messages.success(
            request,
            _("Your entry is submitted as no. %(number)d.") % {"number": saved.number},
        )
    else:
        messages.success(request, _("Your draft is saved. Submit it before entries close."))
    return redirect("contests:my_entry", contest_id=contest.pk)


_FILE_CODES = {"not_docx", "corrupt", "no_text", "empty", "too_large", "encrypted", "macros"}


@login_required
@require_POST
def my_entry_withdraw(request: HttpRequest, contest_id: int) -> HttpResponse:
    standing = _entrant(request, contest_id)
    entry = selectors.my_entry(standing.contest, standing.membership.person)
    if entry is None:
        raise Http404
    return act(
        request,
        lambda: services.entry_withdraw(actor=acting_user(request), entry=entry),
        _("Your entry is withdrawn. Change it and submit it again before entries close."),
        redirect("contests:my_entry", contest_id=contest_id),
    )


# --- The organisers -----------------------------------------------------------------------


def entry_report(entry: Entry) -> tuple[Any, Any]:
    """The entry's originality document and its report, as loaded with it (either None)."""
    document = getattr(entry, "originality_document", None)
    report = getattr(document, "report", None) if document is not None else None
    return document, report


@login_required
@require_GET
def entries(request: HttpRequest, contest_id: int) -> HttpResponse:
    """Every entry with its author, originality ratio, judging and status (not drafts)."""
    standing = organiser_for(request, contest_id)
    contest = standing.contest
    page = Paginator(selectors.organiser_entries(contest), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for entry in page.object_list:
        document, report = entry_report(entry)
        rows.append(
            {
                "entry": entry,
                "document_id": document.pk if document is not None else None,
                "ratio": percent(report.ratio) if report is not None else "",
                "flagged": bool(report and report.flagged),
            }
        )
    return render(
        request,
        "contests/entries.html",
        {
            "contest": contest,
            "page": page,
            "rows": rows,
            "threshold": threshold_for(contest.campaign_id),
            "statuses": EntryStatus,
        },
    )


@login_required
@require_GET
def entries_export(request: HttpRequest, contest_id: int) -> FileResponse:
    """The entries list (every page, with the authors) as .xlsx: for the organisers only,
    like the page; a judge gets 404 and no file."""
    standing = organiser_for(request, contest_id)
    contest = standing.contest
    return list_export_response(
        actor=request.user,
        action="contests.export_entries",
        obj=contest,
        title=_("Entries"),
        scope=contest.title,
        columns=entry_columns(report_of=entry_report),
        rows=selectors.organiser_entries(contest).iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


def _organiser_entry(standing, entry_id: int) -> Entry:
    entry = (
        Entry.objects.select_related(
            "contest", "author", "author__unit", "award", "originality_document__report"
        )
        .filter(contest=standing.contest, pk=entry_id)
        .exclude(status=EntryStatus.DRAFT)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@login_required
@require_GET
def entry_detail(request: HttpRequest, contest_id: int, entry_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    entry = _organiser_entry(standing, entry_id)
    document = getattr(entry, "originality_document", None)
    report = getattr(document, "report", None) if document is not None else None
    contest = standing.contest
    return render(
        request,
        "contests/entry.html",
        {
            "contest": contest,
            "entry": entry,
            "scores": selectors.entry_scores(entry),
            "document": document,
            "report": report,
            "ratio": percent(report.ratio) if report is not None else "",
            "disqualify_form": DisqualifyForm(),
            "award_form": AwardGiveForm(contest_id=contest.pk, initial={"award": entry.award_id}),
            "may_disqualify": entry.status == EntryStatus.SUBMITTED
            and contest.status
            in (ContestStatus.OPEN, ContestStatus.JUDGING, ContestStatus.DECIDED),
            "may_award": entry.status == EntryStatus.SUBMITTED
            and contest.status == ContestStatus.DECIDED,
            "statuses": EntryStatus,
        },
    )


@login_required
@require_POST
def entry_disqualify(request: HttpRequest, contest_id: int, entry_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    entry = _organiser_entry(standing, entry_id)
    form = DisqualifyForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    response = redirect("contests:entry", contest_id=contest_id, entry_id=entry.pk)
    return act(
        request,
        lambda: services.entry_disqualify(actor=acting_user(request), entry=entry, reason=reason),
        _("The entry is disqualified."),
        response,
    )


@login_required
@require_POST
def entry_award(request: HttpRequest, contest_id: int, entry_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    entry = _organiser_entry(standing, entry_id)
    form = AwardGiveForm(request.POST, contest_id=standing.contest.pk)
    if not form.is_valid():
        raise Http404
    award = form.cleaned_data["award"]
    actor = acting_user(request)
    back_to = request.POST.get("back") == "results"
    response = (
        redirect("contests:results", contest_id=contest_id)
        if back_to
        else redirect("contests:entry", contest_id=contest_id, entry_id=entry.pk)
    )
    if award is None:
        return act(
            request,
            lambda: services.award_take(actor=actor, entry=entry),
            _("The award is taken from the entry."),
            response,
        )
    return act(
        request,
        lambda: services.award_give(actor=actor, entry=entry, award=award),
        _("The award is given."),
        response,
    )
