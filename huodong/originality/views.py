"""The originality pages (查重): a reflection's report, the office's reference library, a
campaign's threshold and the full rescans.

Each view finds what it shows through the permissions (404 for what the user may not see, the
same as for what is missing), and makes one service call; a refusal comes back as a message or
a form error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.contests.models import Judge
from huodong.orgs.models import Office
from huodong.orgs.permissions import Membership, membership_of, office_for_request
from huodong.originality import permissions, services
from huodong.originality.errors import NotAllowed, Refused
from huodong.originality.forms import ReferenceUploadForm, ThresholdForm
from huodong.originality.models import (
    DocumentKind,
    OriginalityDocument,
    OriginalityReport,
    ReferenceText,
    Rescan,
    RescanStatus,
)
from huodong.participation.views.common import acting_user, campaign_for

CONTEXT_CHARS = 40  # characters shown either side of a copied run
LIBRARY_PAGE_SIZE = 50
RESCANS_SHOWN = 10
REFRESH_SECONDS = 5


def percent(ratio: float | None) -> str:
    return f"{(ratio or 0) * 100:.1f}%"


# --- The report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class RunView:
    anchor: str
    essay: Excerpt
    source: Excerpt | None  # None: the reader may not see the source's text


@dataclass
class SourceView:
    number: int
    anchor: str
    kind: str
    ratio: str
    characters: int
    identified: bool  # title (and author) shown
    title: str = ""
    author_name: str = ""
    runs: list[RunView] = field(default_factory=list)


@dataclass(frozen=True)
class Segment:
    text: str
    anchor: str = ""  # set on a copied stretch: the run it links to
    marked: bool = False


def _excerpt(text: str, start: int, end: int) -> Excerpt:
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS:
        before = "…" + before
    if end + CONTEXT_CHARS < len(text):
        after = after + "…"
    return Excerpt(before, text[start:end], after)


def _sources(
    report: OriginalityReport,
    text: str,
    *,
    identities: bool,
    judged_contests: frozenset[int] = frozenset(),
) -> tuple[list[SourceView], list[tuple[int, int, str]]]:
    """Each source with its runs, and every run's essay stretch with its anchor, in order.

    An entry of a contest the reader judges is never identified: its title would tell the
    judge who wrote the numbered entry they score."""
    rows = report.sources.select_related(
        "source", "source__author", "source__contest_entry"
    ).order_by("-characters", "id")
    views: list[SourceView] = []
    stretches: list[tuple[int, int, str]] = []
    for number, row in enumerate(rows, start=1):
        source = row.source
        reference = source.kind == DocumentKind.REFERENCE
        judged = (
            source.contest_entry is not None and source.contest_entry.contest_id in judged_contests
        )
        shown = reference or (identities and not judged)
        view = SourceView(
            number=number,
            anchor=f"source-{number}",
            kind=source.kind,
            ratio=percent(row.ratio),
            characters=row.characters,
            identified=shown,
            title=source.title if shown else "",
            author_name=(source.author.name if source.author else "")
            if identities and not judged
            else "",
        )
        for index, run in enumerate(row.runs or [], start=1):
            try:
                start, end, source_start, source_end = (int(value) for value in run[:4])
            except (TypeError, ValueError):
                continue
            anchor = f"source-{number}-run-{index}"
            view.runs.append(
                RunView(
                    anchor=anchor,
                    essay=_excerpt(text, start, end),
                    source=_excerpt(source.text, source_start, source_end) if shown else None,
                )
            )
            stretches.append((start, end, anchor))
        views.append(view)
    return views, stretches


def _segments(text: str, spans: list, stretches: list[tuple[int, int, str]]) -> list[Segment]:
    """The essay cut into plain and copied pieces; a copied piece links to its first run."""
    cleaned: list[tuple[int, int]] = []
    for span in spans or []:
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        start, end = max(0, start), min(len(text), end)
        if end > start:
            cleaned.append((start, end))
    cleaned.sort()
    segments: list[Segment] = []
    position = 0
    for start, end in cleaned:
        start = max(start, position)
        if end <= start:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        anchor = next((a for s, e, a in stretches if s < end and e > start), "")
        segments.append(Segment(text[start:end], anchor=anchor, marked=True))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def _document_for(membership: Membership, document_id: int) -> OriginalityDocument:
    document = (
        OriginalityDocument.objects.select_related(
            "report",
            "campaign",
            "author",
            "reflection",
            "reflection__person",
            "reflection__campaign",
            "contest_entry",
            "contest_entry__contest",
        )
        .filter(pk=document_id)
        .first()
    )
    if document is None or not permissions.can_see_report(membership, document):
        raise Http404
    return document


def _is_current(document: OriginalityDocument) -> bool:
    """Whether the checked text is still the reflection's (or entry's) title and body."""
    reflection = document.reflection
    if reflection is not None:
        return document.text == services.reflection_document_text(reflection)
    entry = document.contest_entry
    if entry is not None:
        return document.text == services.contest_entry_document_text(entry)
    return True


def _judged_contests(membership: Membership) -> frozenset[int]:
    """The contests the reader judges (one query)."""
    if membership.person is None:
        return frozenset()
    return frozenset(
        Judge.objects.filter(person_id=membership.person.pk).values_list("contest_id", flat=True)
    )


def _entry_url(membership: Membership, document: OriginalityDocument) -> str:
    """Where the report's contest entry is read: the organisers' page, or the author's own."""
    entry = document.contest_entry
    if entry is None:
        return ""
    if permissions.can_see_source_identity(membership, document):
        return reverse("contests:entry", args=[entry.contest_id, entry.pk])
    return reverse("contests:my_entry", args=[entry.contest_id])


def _may_check_again(membership: Membership, document: OriginalityDocument) -> bool:
    """Reviewers and the office, never the writer."""
    return permissions.can_request_check(membership, document)


@login_required
@require_GET
def report(request: HttpRequest, document_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    document = _document_for(membership, document_id)
    the_report: OriginalityReport | None = getattr(document, "report", None)
    identities = permissions.can_see_source_identity(membership, document)
    sources: list[SourceView] = []
    segments: list[Segment] = []
    if the_report is not None:
        sources, stretches = _sources(
            the_report,
            document.text,
            identities=identities,
            judged_contests=_judged_contests(membership),
        )
        segments = _segments(document.text, the_report.spans, stretches)
    threshold = services.threshold_for(document.campaign_id) if document.campaign_id else None
    return render(
        request,
        "originality/report.html",
        {
            "document": document,
            "reflection": document.reflection,
            "entry": document.contest_entry,
            "entry_url": _entry_url(membership, document),
            "campaign": document.campaign,
            "report": the_report,
            "current": _is_current(document),
            "figures": (
                {
                    "ratio": percent(the_report.ratio),
                    "without_quotes": percent(the_report.ratio_without_quotes),
                    "largest": percent(the_report.largest_ratio),
                }
                if the_report
                else None
            ),
            "threshold": threshold,
            "sources": sources,
            "segments": segments,
            "identities": identities,
            "may_check_again": _may_check_again(membership, document),
        },
    )


@login_required
@require_POST
def check_again(request: HttpRequest, document_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    document = _document_for(membership, document_id)
    if not _may_check_again(membership, document):
        raise Http404
    try:
        services.check_request(actor=acting_user(request), document=document)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The text will be checked again; the report updates shortly."))
    return redirect("originality:report", document_id=document.pk)


# --- The office: reference library, rescans, thresholds ------------------------------------


def _managed_office(request: HttpRequest, membership: Membership) -> Office:
    """The office whose library the user keeps; 404 for anyone else."""
    try:
        office = office_for_request(
            request, membership, may=lambda m, office_id: m.in_office(office_id)
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    if not permissions.can_manage_library(membership, office):
        raise Http404
    return office


def _render_library(
    request: HttpRequest, office: Office, form: ReferenceUploadForm, status: int = 200
) -> HttpResponse:
    references = (
        ReferenceText.objects.filter(office=office)
        .select_related("uploaded_by", "uploaded_by__person")
        .defer("text")
        .order_by("-created_at", "-id")
    )
    page = Paginator(references, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "originality/library.html",
        {"office": office, "page": page, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def library(request: HttpRequest) -> HttpResponse:
    """The reference library: its texts, and (POST) the upload of another."""
    membership = membership_of(request.user)
    office = _managed_office(request, membership)
    if request.method == "GET":
        return _render_library(request, office, ReferenceUploadForm())
    form = ReferenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reference_text_import(
                actor=acting_user(request),
                office=office,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The reference text is added to the library."))
            return redirect("originality:library")
    return _render_library(request, office, form)


@login_required
@require_http_methods(["GET", "POST"])
def reference_delete(request: HttpRequest, reference_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the text (reports citing it are checked again)."""
    membership = membership_of(request.user)
    office = _managed_office(request, membership)
    reference = ReferenceText.objects.filter(office=office, pk=reference_id).defer("text").first()
    if reference is None:
        raise Http404
    if request.method == "POST":
        try:
            services.reference_text_delete(actor=acting_user(request), reference=reference)
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The reference text is deleted."))
        return redirect("originality:library")
    return render(
        request, "originality/reference_delete.html", {"office": office, "reference": reference}
    )


@login_required
@require_http_methods(["GET", "POST"])
def rescans(request: HttpRequest) -> HttpResponse:
    """The latest full rescans with their progress; POST starts another."""
    membership = membership_of(request.user)
    office = _managed_office(request, membership)
    if request.method == "POST":
        try:
            services.rescan_start(actor=acting_user(request), office=office)
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The full rescan has started."))
        return redirect("originality:rescans")
    latest = list(
        Rescan.objects.filter(office=office).order_by("-created_at", "-id")[:RESCANS_SHOWN]
    )
    running = any(r.status in (RescanStatus.QUEUED, RescanStatus.RUNNING) for r in latest)
    return render(
        request,
        "originality/rescans.html",
        {
            "office": office,
            "rescans": latest,
            "running": running,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_settings(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's threshold: a reflection above it is flagged 疑似抄袭."""
    membership, campaign = campaign_for(request, campaign_id)
    if not permissions.can_manage_library(membership, campaign.office_id):
        raise Http404
    current = services.threshold_for(campaign.pk)
    form = ThresholdForm(
        request.POST if request.method == "POST" else None,
        initial={"threshold_percent": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.originality_threshold_set(
                actor=acting_user(request),
                campaign=campaign,
                percent=form.cleaned_data["threshold_percent"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("threshold_percent", exc.message)
        else:
            messages.success(request, _("The threshold is saved."))
            return redirect("originality:campaign_settings", campaign_id=campaign.pk)
    return render(
        request,
        "originality/settings.html",
        {"campaign": campaign, "form": form, "threshold": current},
    )
