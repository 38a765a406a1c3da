"""Writes of the originality check (查重): what is checked, the reports, the library, rescans.

- A submitted reflection becomes an `OriginalityDocument` inside `reflection_submit`'s
  transaction (`document_sync_reflection`) and is checked after commit by a task. Its text is
  the title, a line feed and the body: the reviewer sees, and the report highlights, what was
  submitted, and a copied title counts like any copied sentence. A submitted contest entry
  does the same inside its submission (`document_sync_contest_entry`).
- A document's text never changes. Submitted again after an edit, it is a new document; the
  old one is deleted, and the reports that cited it are checked again.
- `document_check` is the check itself (task, rescan and on-demand): the shared runs from the
  process's corpus (`index_cache`), the texts of the sources that share one (to place the runs
  in them), and the report replaced in one short transaction. Its queries do not grow with the
  number of sources.
- The office's reference library (`ReferenceText`) is checked against, never flagged itself.
  Adding a text does not re-check the existing reports: a rescan (`rescan_start`) does.

Every function that acts for a user checks who may act and writes its audit record in the same
transaction; tasks are enqueued only after commit. A refusal raises an `OriginalityError` and
changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.campaigns.permissions import can_manage_campaign
from huodong.contests.models import Entry
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.uploads import Upload, max_attachment_bytes
from huodong.orgs.models import Office, User
from huodong.orgs.permissions import membership_of
from huodong.originality import index_cache
from huodong.originality.engine import NormalizedText, normalize, report_from_runs
from huodong.originality.engine.matching import Found, Report
from huodong.originality.errors import NotAllowed, Refused
from huodong.originality.models import (
    DocumentKind,
    OriginalityDocument,
    OriginalityReport,
    OriginalitySettings,
    ReferenceText,
    ReportSource,
    Rescan,
    RescanStatus,
)
from huodong.originality.permissions import can_manage_library, can_request_check
from huodong.participation import errors as participation_errors
from huodong.participation.models import Reflection

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_REFERENCE_CHARS",
    "check_request",
    "contest_entry_document_text",
    "document_check",
    "document_sync_contest_entry",
    "document_sync_reflection",
    "documents_check",
    "originality_threshold_set",
    "reference_text_add",
    "reference_text_delete",
    "reference_text_import",
    "rescan_create",
    "rescan_run",
    "rescan_start",
    "threshold_for",
]

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 30
MAX_TITLE_CHARS = 200
# A plan, a speech or a collection of last year's reflections; far beyond any essay.
MAX_REFERENCE_CHARS = 500_000
# Rescan progress is written (and reported) every this many documents.
RESCAN_STEP = 100
# A rescan still queued or running after this long died with its worker; it blocks no new one.
RESCAN_STALE_AFTER = timedelta(hours=12)
CHECKED_KINDS = (DocumentKind.REFLECTION, DocumentKind.CONTEST_ENTRY)
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


# --- Helpers ------------------------------------------------------------------------------


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _enqueue_checks(document_ids: Iterable[int]) -> None:
    """Check these documents after commit (each once)."""
    ids = sorted(set(document_ids))
    if not ids:
        return

    def enqueue() -> None:
        from huodong.originality.tasks import check_document

        for document_id in ids:
            check_document.enqueue(document_id)

    transaction.on_commit(enqueue, robust=True)


def _citing(document_ids: Iterable[int]) -> list[int]:
    """The documents whose reports cite any of these."""
    return list(
        ReportSource.objects.filter(source_id__in=list(document_ids))
        .values_list("report__document_id", flat=True)
        .distinct()
    )


def _is_flagged(ratio: float, percent: int) -> bool:
    # The same comparison as the bulk update of `originality_threshold_set`.
    return ratio > percent / 100


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this with the originality check."), code="not_allowed")


# --- Documents ----------------------------------------------------------------------------


def reflection_document_text(reflection: Reflection) -> str:
    """What is checked of a reflection: its title, a line feed, its body."""
    return f"{reflection.title}\n{reflection.body}"


def _document_sync(
    *,
    owner: dict[str, Any],
    text: str,
    title: str,
    kind: str,
    office_id: int,
    campaign_id: int | None,
    author_id: int | None,
) -> OriginalityDocument | None:
    """The owner's document (`owner` is its one-to-one field and row, e.g. {"reflection": r}),
    made anew if the text changed. The old document is deleted and the reports that cited it,
    with the new document, are checked after commit. None if the text has nothing to check."""
    digest = _hash(text)
    ((field, row),) = owner.items()
    # Locked first: a check citing it waits for us or finishes before we list its citers.
    current = (
        OriginalityDocument.objects.select_for_update()
        .filter(**{f"{field}_id": row.pk})
        .only("pk", "text_hash")
        .first()
    )
    if current is not None and current.text_hash == digest:
        return current
    recheck: list[int] = []
    if current is not None:
        recheck = [pk for pk in _citing([current.pk]) if pk != current.pk]
        current.delete()
    document = None
    if len(normalize(text)):
        document = OriginalityDocument.objects.create(
            office_id=office_id,
            kind=kind,
            campaign_id=campaign_id,
            author_id=author_id,
            title=title[:MAX_TITLE_CHARS],
            text=text,
            text_hash=digest,
            **owner,
        )
        recheck.append(document.pk)
    _enqueue_checks(recheck)
    return document


def document_sync_reflection(*, reflection: Reflection) -> OriginalityDocument | None:
    """The reflection's document, made anew if its text changed (call inside the submitting
    transaction)."""
    campaign = Campaign.objects.only("pk", "office_id").get(pk=reflection.campaign_id)
    return _document_sync(
        owner={"reflection": reflection},
        text=reflection_document_text(reflection),
        title=reflection.title,
        kind=DocumentKind.REFLECTION,
        office_id=campaign.office_id,
        campaign_id=campaign.pk,
        author_id=reflection.person_id,
    )


def contest_entry_document_text(entry: Entry) -> str:
    """What is checked of a contest entry: its title, a line feed, its body."""
    return f"{entry.title}\n{entry.body}"


def document_sync_contest_entry(*, entry: Entry) -> OriginalityDocument | None:
    """The contest entry's document, made anew if its text changed (call inside the submitting
    transaction). The entry's contest is read: select it with the entry."""
    contest = entry.contest
    return _document_sync(
        owner={"contest_entry": entry},
        text=contest_entry_document_text(entry),
        title=entry.title,
        kind=DocumentKind.CONTEST_ENTRY,
        office_id=contest.office_id,
        campaign_id=contest.campaign_id,
        author_id=entry.author_id,
    )


# --- Thresholds ---------------------------------------------------------------------------


def threshold_for(campaign_id: int | None) -> int:
    """The campaign's threshold in percent: a report above it is flagged."""
    if campaign_id is None:
        return DEFAULT_THRESHOLD
    percent = (
        OriginalitySettings.objects.filter(campaign_id=campaign_id)
        .values_list("threshold_percent", flat=True)
        .first()
    )
    return DEFAULT_THRESHOLD if percent is None else int(percent)


@transaction.atomic
def originality_threshold_set(*, actor: User, campaign: Campaign, percent: int) -> int:
    """Set the campaign's threshold (1–100 %) and re-flag its reports at once."""
    if not can_manage_campaign(membership_of(actor), campaign):
        raise _not_allowed()
    if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 100:
        raise Refused(_("The threshold is a whole percentage from 1 to 100."), code="bad_threshold")
    settings, _created = OriginalitySettings.objects.select_for_update().get_or_create(
        campaign=campaign
    )
    previous = settings.threshold_percent
    if not _created and previous == percent:
        return percent
    settings.threshold_percent = percent
    settings.save(update_fields=["threshold_percent"])
    reports = OriginalityReport.objects.filter(document__campaign=campaign).exclude(
        document__kind=DocumentKind.REFERENCE
    )
    reports.filter(ratio__gt=percent / 100).exclude(flagged=True).update(flagged=True)
    reports.filter(ratio__lte=percent / 100).exclude(flagged=False).update(flagged=False)
    audit_record(
        actor=actor,
        action="originality.threshold_set",
        obj=campaign,
        changes={"threshold_percent": [previous, percent]},
    )
    return percent


# --- The reference library ----------------------------------------------------------------


def _check_reference(title: str, text: str) -> tuple[str, str]:
    title = " ".join(title.split())
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title:
        raise Refused(_("Give the reference text a title."), code="title_required")
    if len(title) > MAX_TITLE_CHARS:
        raise Refused(
            _("The title is too long (at most %(n)d characters).") % {"n": MAX_TITLE_CHARS},
            code="title_too_long",
        )
    if not len(normalize(text)):
        raise Refused(_("The reference text is empty."), code="empty")
    if len(text) > MAX_REFERENCE_CHARS:
        raise Refused(
            _("The reference text is too long (at most %(n)d characters).")
            % {"n": MAX_REFERENCE_CHARS},
            code="too_long",
        )
    return title, text


@transaction.atomic
def reference_text_add(
    *, actor: User, office: Office, title: str, text: str, file_name: str = ""
) -> ReferenceText:
    """Add a text to the office's library; reports cite it from their next check."""
    if not can_manage_library(membership_of(actor), office):
        raise _not_allowed()
    title, text = _check_reference(title, text)
    reference = ReferenceText.objects.create(
        office=office,
        title=title,
        file_name=file_name[:200],
        text=text,
        uploaded_by=actor,
    )
    OriginalityDocument.objects.create(
        office=office,
        kind=DocumentKind.REFERENCE,
        reference=reference,
        title=title,
        text=text,
        text_hash=_hash(text),
    )
    audit_record(
        actor=actor,
        action="originality.reference_add",
        obj=reference,
        changes={"title": title, "file": file_name[:200], "characters": len(text)},
    )
    return reference


@transaction.atomic
def reference_text_delete(*, actor: User, reference: ReferenceText) -> None:
    """Delete a library text; the reports that cited it are checked again after commit."""
    if not can_manage_library(membership_of(actor), reference.office_id):
        raise _not_allowed()
    locked = ReferenceText.objects.select_for_update().filter(pk=reference.pk).first()
    if locked is None:
        return
    document_ids = list(
        OriginalityDocument.objects.select_for_update()
        .filter(reference_id=locked.pk)
        .values_list("pk", flat=True)
    )
    recheck = [pk for pk in _citing(document_ids) if pk not in document_ids]
    audit_record(
        actor=actor,
        action="originality.reference_delete",
        obj=locked,
        changes={"title": locked.title, "reports_rechecked": len(recheck)},
    )
    locked.delete()
    _enqueue_checks(recheck)


def _not_readable() -> Refused:
    return Refused(
        _(
            "Only Word documents (.docx) and plain text files (.txt) can be added to the "
            "library. Save the file as one of these and upload it again, or paste the text."
        ),
        code="type",
    )


def _docx_text(upload: Upload) -> tuple[str, str]:
    # The reflections' reader: the shared upload checks, zip limits, no macros, body order.
    from huodong.participation.services.reflections import _read_docx

    try:
        paragraphs, name = _read_docx(upload)
    except participation_errors.Refused as exc:
        if exc.code == "not_docx":
            raise _not_readable() from exc
        raise Refused(exc.message, code=exc.code) from exc
    return "\n".join(paragraphs), name


def _plain_text(upload: Upload) -> str:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = _TEXT_ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise Refused(
        _(
            "The text file could not be read. Save it as plain text in UTF-8 (or GBK) and "
            "upload it again."
        ),
        code="encoding",
    )


def _clean_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in base if ch.isprintable())[:120]


def reference_text_import(
    *, actor: User, office: Office, title: str, upload: Upload
) -> ReferenceText:
    """Add a library text read from an uploaded .docx or .txt file (titled after the file if
    no title is given). A refused file saves nothing."""
    if not can_manage_library(membership_of(actor), office):
        raise _not_allowed()
    size = upload.size or 0
    if size <= 0:
        raise Refused(_("The file is empty."), code="empty")
    limit = max_attachment_bytes()
    if size > limit:
        raise Refused(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    suffix = PurePosixPath(_clean_name(upload.name or "")).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        text, name = _docx_text(upload)
    elif suffix == ".txt":
        text, name = _plain_text(upload), _clean_name(upload.name or "")
    else:
        raise _not_readable()
    if not len(normalize(text)):
        raise Refused(_("The file has no text to add."), code="no_text")
    title = " ".join(title.split()) or PurePosixPath(name).stem or _("Reference text")
    return reference_text_add(actor=actor, office=office, title=title, text=text, file_name=name)


# --- The check ----------------------------------------------------------------------------


def _build(
    mine: NormalizedText,
    found: dict[int, list[Found]],
    sources: dict[int, tuple[str, NormalizedText]],
    keep: set[int],
) -> Report:
    return report_from_runs(
        mine,
        (
            (pk, title, found[pk], text)
            for pk, (title, text) in sources.items()
            if pk in keep and pk in found
        ),
    )


@dataclass
class _Pending:
    """A document checked, its report not yet stored."""

    document: OriginalityDocument
    mine: NormalizedText
    found: dict[int, list[Found]]
    threshold: int | None


def _thresholds(documents: Sequence[OriginalityDocument]) -> dict[int | None, int]:
    """Each campaign's threshold, and the default for documents without one (one query)."""
    campaigns = {d.campaign_id for d in documents if d.campaign_id is not None}
    chosen = dict(
        OriginalitySettings.objects.filter(campaign_id__in=campaigns).values_list(
            "campaign_id", "threshold_percent"
        )
    )
    thresholds: dict[int | None, int] = {
        pk: int(chosen.get(pk, DEFAULT_THRESHOLD)) for pk in campaigns
    }
    thresholds[None] = DEFAULT_THRESHOLD
    return thresholds


def documents_check(*, document_ids: Sequence[int]) -> dict[int, OriginalityReport]:
    """Check documents against the rest of their office and store their reports (replacing the
    previous ones): the stored report by document id, without the documents that are gone.

    The queries are the same for one document or a hundred (a rescan checks a hundred at a
    time). Safe to run twice or at once for a document: the documents' rows, and those of the
    sources they cite, are locked while the reports are replaced."""
    documents = list(
        OriginalityDocument.objects.filter(pk__in=list(document_ids))
        .only("pk", "office_id", "kind", "campaign_id", "text")
        .order_by("pk")
    )
    if not documents:
        return {}
    thresholds = _thresholds(documents)
    snapshots: dict[int, index_cache.Snapshot] = {}
    pending: list[_Pending] = []
    for document in documents:
        if document.office_id not in snapshots:
            snapshots[document.office_id] = index_cache.snapshot(document.office_id)
        mine = normalize(document.text)
        found = snapshots[document.office_id].runs(mine.codes, exclude_ids=[document.pk])
        threshold = (
            None if document.kind == DocumentKind.REFERENCE else thresholds[document.campaign_id]
        )
        pending.append(_Pending(document, mine, found, threshold))
    # Only the sources that share a run are read, to place the runs in their texts; one
    # deleted since the corpus was built is not found and so not cited.
    wanted = {(item.document.office_id, pk) for item in pending for pk in item.found}
    sources: dict[int, tuple[str, NormalizedText]] = {}
    if wanted:
        rows = OriginalityDocument.objects.filter(pk__in={pk for _office, pk in wanted})
        for pk, office_id, title, text in rows.values_list("pk", "office_id", "title", "text"):
            if (office_id, pk) in wanted:
                sources[pk] = (title, normalize(text, quotes=False))
    reports = [_build(item.mine, item.found, sources, set(sources)) for item in pending]
    with transaction.atomic():
        # One statement, in id order: two checks lock their rows in the same order. A source
        # deleted meanwhile is not returned (its deleter held the lock) and is left out.
        cited = {_key(source.key) for report in reports for source in report.sources}
        locked = set(
            OriginalityDocument.objects.select_for_update()
            .filter(pk__in=sorted({*(item.document.pk for item in pending), *cited}))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        checked = [
            (item, report if cited <= locked else _build(item.mine, item.found, sources, locked))
            for item, report in zip(pending, reports, strict=True)
            if item.document.pk in locked
        ]
        return _store_reports(checked)


def _store_reports(checked: list[tuple[_Pending, Report]]) -> dict[int, OriginalityReport]:
    """Write the reports (inside the locking transaction): update or create, sources anew."""
    existing = dict(
        OriginalityReport.objects.filter(
            document_id__in=[item.document.pk for item, _report in checked]
        ).values_list("document_id", "pk")
    )
    ReportSource.objects.filter(report_id__in=list(existing.values())).delete()
    now = clock.now()
    stored: dict[int, OriginalityReport] = {}
    for item, report in checked:
        largest = report.largest_source
        stored[item.document.pk] = OriginalityReport(
            pk=existing.get(item.document.pk),
            document_id=item.document.pk,
            length=report.length,
            ratio=report.ratio,
            ratio_without_quotes=report.ratio_without_quotes,
            largest_ratio=largest.ratio if largest else 0.0,
            largest_source_id=_key(largest.key) if largest else None,
            flagged=item.threshold is not None and _is_flagged(report.ratio, item.threshold),
            spans=[list(span) for span in report.spans],
            checked_at=now,
        )
    updated = [stored[pk] for pk in existing]
    if updated:
        OriginalityReport.objects.bulk_update(
            updated,
            [
                "length",
                "ratio",
                "ratio_without_quotes",
                "largest_ratio",
                "largest_source_id",
                "flagged",
                "spans",
                "checked_at",
            ],
        )
    created = [report for pk, report in stored.items() if pk not in existing]
    if created:
        OriginalityReport.objects.bulk_create(created)
    ReportSource.objects.bulk_create(
        ReportSource(
            report_id=stored[item.document.pk].pk,
            source_id=_key(source.key),
            ratio=source.ratio,
            characters=source.characters,
            runs=[
                [run.text_start, run.text_end, run.source_text_start, run.source_text_end]
                for run in source.runs
            ],
        )
        for item, report in checked
        for source in report.sources
    )
    return stored


def document_check(*, document_id: int) -> OriginalityReport | None:
    """Check one document (`documents_check`); None if it is gone."""
    return documents_check(document_ids=[document_id]).get(document_id)


def _key(key: Hashable) -> int:
    return int(key)  # type: ignore[call-overload]


@transaction.atomic
def check_request(*, actor: User, document: OriginalityDocument) -> None:
    """Check a document again now (after commit), for its reviewers and the office."""
    if not can_request_check(membership_of(actor), document):
        raise _not_allowed()
    audit_record(actor=actor, action="originality.check_request", obj=document)
    _enqueue_checks([document.pk])


# --- Rescans ------------------------------------------------------------------------------


def _checked_documents(office_id: int) -> QuerySet[OriginalityDocument]:
    return OriginalityDocument.objects.filter(office_id=office_id, kind__in=CHECKED_KINDS)


@transaction.atomic
def rescan_create(*, office: Office, started_by: User | None = None) -> Rescan:
    """A queued rescan of the office's essays; refused while another is queued or running.

    The office's row is locked, so two requests at once create one rescan. A rescan left
    queued or running for `RESCAN_STALE_AFTER` (its worker died) is marked failed.
    """
    Office.objects.select_for_update().filter(pk=office.pk).values_list("pk").first()
    active = Rescan.objects.filter(
        office=office, status__in=(RescanStatus.QUEUED, RescanStatus.RUNNING)
    )
    now = clock.now()
    active.filter(created_at__lt=now - RESCAN_STALE_AFTER).update(
        status=RescanStatus.FAILED, finished_at=now
    )
    if active.exists():
        raise Refused(
            _("A full re-check of this office is already under way; wait for it to finish."),
            code="rescan_running",
        )
    rescan = Rescan.objects.create(
        office=office,
        started_by=started_by,
        total=_checked_documents(office.pk).count(),
    )
    audit_record(
        actor=started_by,
        action="originality.rescan_start",
        obj=office,
        changes={"rescan": rescan.pk, "total": rescan.total},
    )
    return rescan


@transaction.atomic
def rescan_start(*, actor: User, office: Office) -> Rescan:
    """Re-check every essay of the office in the background (after commit)."""
    if not can_manage_library(membership_of(actor), office):
        raise _not_allowed()
    rescan = rescan_create(office=office, started_by=actor)
    rescan_id = rescan.pk

    def enqueue() -> None:
        from huodong.originality.tasks import run_rescan

        run_rescan.enqueue(rescan_id)

    transaction.on_commit(enqueue, robust=True)
    return rescan


Progress = Callable[[int, int, int], None]  # (done, total, flagged)


def _check_many(document_ids: list[int]) -> tuple[int, int]:
    """Check these documents; (checked, flagged)."""
    reports = documents_check(document_ids=document_ids)
    return len(document_ids), sum(report.flagged for report in reports.values())


def _check_many_forked(document_ids: list[int]) -> tuple[int, int]:
    """`_check_many` in a forked process, which leaves no database connection open behind it."""
    try:
        return _check_many(document_ids)
    finally:
        connections.close_all()


def rescan_processes() -> int:
    """How many processes a rescan checks with: `HUODONG_RESCAN_PROCESSES`, at most the cores,
    and one where forking cannot share the database (an in-memory test database) or the
    caller holds a transaction the children could not see into."""
    wanted = min(settings.HUODONG_RESCAN_PROCESSES, os.cpu_count() or 1)
    if wanted <= 1 or not hasattr(os, "fork") or connection.in_atomic_block:
        return 1
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if ":memory:" in name or "mode=memory" in name:
            return 1
    return wanted


def _rescan_batches(office_id: int, ids: list[int]) -> Iterator[tuple[int, int]]:
    """(checked, flagged) per batch of `RESCAN_STEP` documents, as they finish.

    With several processes the office's corpus is built first and the checkers are forked
    from this process, so they share its memory instead of each building their own."""
    batches = [ids[i : i + RESCAN_STEP] for i in range(0, len(ids), RESCAN_STEP)]
    processes = min(rescan_processes(), len(batches))
    if processes <= 1:
        for batch in batches:
            yield _check_many(batch)
        return
    index_cache.warm(office_id)
    # Children must not share the parent's sockets; each opens its own connection.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap_unordered(_check_many_forked, batches)


def rescan_run(*, rescan_id: int, progress: Progress | None = None) -> Rescan | None:
    """Run a queued rescan: every essay of the office checked again (on
    `rescan_processes()` processes), progress saved after every `RESCAN_STEP` documents. A
    rescan already running elsewhere, done or failed does nothing."""
    claimed = Rescan.objects.filter(pk=rescan_id, status=RescanStatus.QUEUED).update(
        status=RescanStatus.RUNNING
    )
    rescan = Rescan.objects.filter(pk=rescan_id).first()
    if not claimed or rescan is None:
        return rescan
    ids = list(_checked_documents(rescan.office_id).order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    Rescan.objects.filter(pk=rescan_id).update(total=total, done=0, flagged=0)
    done = flagged = 0
    try:
        for checked, flagged_now in _rescan_batches(rescan.office_id, ids):
            done += checked
            flagged += flagged_now
            Rescan.objects.filter(pk=rescan_id).update(
                done=F("done") + checked, flagged=F("flagged") + flagged_now
            )
            if progress is not None:
                progress(done, total, flagged)
    except Exception:
        logger.exception("Rescan %s failed after %d of %d documents", rescan_id, done, total)
        Rescan.objects.filter(pk=rescan_id).update(
            status=RescanStatus.FAILED, finished_at=clock.now()
        )
        raise
    Rescan.objects.filter(pk=rescan_id).update(status=RescanStatus.DONE, finished_at=clock.now())
    logger.info("Rescan %s: %d checked, %d flagged", rescan_id, done, flagged)
    rescan.refresh_from_db()
    return rescan
