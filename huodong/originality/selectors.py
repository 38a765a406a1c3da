"""Reads of the originality check: reports with their sources, the report page's segments,
and the ratios shown in a reviewer's queue. Queries do not grow with the number of sources or
reflections; views check who may see what (`permissions`) and hide a source's identity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Office
from huodong.originality.models import (
    DocumentKind,
    OriginalityDocument,
    OriginalityReport,
    ReferenceText,
    ReportSource,
    Rescan,
)

__all__ = [
    "ReportView",
    "Segment",
    "SourceRow",
    "SourceRun",
    "document_for_reflection",
    "documents_flagged",
    "latest_rescan",
    "reference_texts",
    "reflection_ratios",
    "report_for_document",
    "report_rows",
]


def document_for_reflection(reflection_id: int) -> OriginalityDocument | None:
    """The reflection's current document, with what the permission checks read."""
    return (
        OriginalityDocument.objects.select_related("campaign", "author")
        .filter(reflection_id=reflection_id)
        .first()
    )


def report_for_document(document_id: int) -> OriginalityReport | None:
    """The report with its document (campaign, author) and its sources (document, author,
    reference): two queries however many sources."""
    sources = ReportSource.objects.select_related(
        "source", "source__author", "source__campaign", "source__reference"
    ).order_by("-characters", "id")
    return (
        OriginalityReport.objects.select_related(
            "document", "document__campaign", "document__author", "largest_source"
        )
        .prefetch_related(Prefetch("sources", queryset=sources))
        .filter(document_id=document_id)
        .first()
    )


def documents_flagged(campaign: Campaign) -> QuerySet[OriginalityReport]:
    """The campaign's flagged reports, highest ratio first, with document and author."""
    return (
        OriginalityReport.objects.filter(document__campaign=campaign, flagged=True)
        .exclude(document__kind=DocumentKind.REFERENCE)
        .select_related("document", "document__author", "document__reflection")
        .order_by("-ratio", "document_id")
    )


def reflection_ratios(reflection_ids: Iterable[int]) -> dict[int, tuple[float, bool, int]]:
    """reflection id -> (ratio, flagged, document id), for those checked; one query. A
    reflection submitted but not yet checked is absent."""
    ids = list(reflection_ids)
    if not ids:
        return {}
    rows = OriginalityReport.objects.filter(document__reflection_id__in=ids).values_list(
        "document__reflection_id", "ratio", "flagged", "document_id"
    )
    return {
        reflection_id: (ratio, flagged, document_id)
        for reflection_id, ratio, flagged, document_id in rows
        if reflection_id is not None
    }


def reference_texts(office: Office) -> QuerySet[ReferenceText]:
    return ReferenceText.objects.filter(office=office).select_related("uploaded_by")


def latest_rescan(office: Office) -> Rescan | None:
    return Rescan.objects.filter(office=office).order_by("-created_at", "-id").first()


# --- The report page ----------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of the essay: plain, or copied (with the numbers of the sources holding it)."""

    text: str
    start: int
    end: int
    sources: tuple[int, ...] = ()

    @property
    def copied(self) -> bool:
        return bool(self.sources)


@dataclass(frozen=True)
class SourceRun:
    start: int  # in the essay's text
    end: int
    text: str  # the essay's passage
    source_text: str  # the same passage as the source has it


@dataclass(frozen=True)
class SourceRow:
    number: int  # 1, 2, … as the segments cite it
    document_id: int | None  # None when the viewer may not know it
    name: str  # the source's title, or "Source 1" when hidden
    author: str  # the writer's name, "" for the library or when hidden
    kind: str
    ratio: float
    characters: int
    runs: tuple[SourceRun, ...]


@dataclass(frozen=True)
class ReportView:
    report: OriginalityReport
    segments: tuple[Segment, ...]
    sources: tuple[SourceRow, ...]


def report_rows(report: OriginalityReport, *, reveal_sources: bool = True) -> ReportView:
    """The essay as segments and the sources with their runs, for the report page. Use a report
    from `report_for_document` (no further queries). With `reveal_sources` false, the sources
    are only numbered: no title, writer or id."""
    text = report.document.text
    rows: list[SourceRow] = []
    events: list[tuple[int, int, int]] = []  # (offset, +1 start / -1 end, source number)
    for number, cited in enumerate(report.sources.all(), start=1):
        source = cited.source
        source_text = source.text
        runs = []
        for start, end, source_start, source_end in cited.runs:
            runs.append(
                SourceRun(start, end, text[start:end], source_text[source_start:source_end])
            )
            if end > start:
                events.append((start, 1, number))
                events.append((end, -1, number))
        if reveal_sources:
            name = source.title
            author = source.author.name if source.author is not None else ""
            document_id: int | None = source.pk
        else:
            name = _("Source %(number)d") % {"number": number}
            author = ""
            document_id = None
        rows.append(
            SourceRow(
                number=number,
                document_id=document_id,
                name=name,
                author=author,
                kind=source.kind,
                ratio=cited.ratio,
                characters=cited.characters,
                runs=tuple(runs),
            )
        )
    return ReportView(report=report, segments=_segments(text, events), sources=tuple(rows))


def _segments(text: str, events: list[tuple[int, int, int]]) -> tuple[Segment, ...]:
    """Split the text where a run starts or ends; each piece lists the sources covering it."""
    events.sort(key=lambda event: (event[0], event[1]))  # ends before starts at one offset
    segments: list[Segment] = []
    open_count: dict[int, int] = {}
    position = 0

    def emit(until: int) -> None:
        if until <= position:
            return
        covering = tuple(sorted(n for n, count in open_count.items() if count > 0))
        last = segments[-1] if segments else None
        if last is not None and last.sources == covering and last.end == position:
            segments[-1] = Segment(text[last.start : until], last.start, until, covering)
        else:
            segments.append(Segment(text[position:until], position, until, covering))

    for offset, change, number in events:
        offset = min(max(offset, 0), len(text))
        emit(offset)
        position = max(position, offset)
        open_count[number] = open_count.get(number, 0) + change
    emit(len(text))
    return tuple(segments)
