"""Writes of the report drafts: the weekly or monthly brief (工作简报) and the final summary
(活动总结), drafted from the campaign's figures, edited, refreshed, finalised, deleted, exported.

Only the leading group's office drafts (`permissions.can_draft_reports`); anyone else gets
`NotAllowed` (views answer 404). `Refused` is a write allowed in general but not now (a stale
version, a final draft, a bad period); each refusal changes nothing. Every write is atomic and
audited in its transaction.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of
from huodong.reports import selectors
from huodong.reports.documents.drafting import (
    Drafted,
    Mention,
    draft_brief,
    draft_summary,
    figures_to_json,
)
from huodong.reports.figures import campaign_figures
from huodong.reports.models import (
    ReportDraft,
    ReportKind,
    ReportPeriod,
    ReportSection,
    ReportStatus,
)
from huodong.reports.permissions import can_draft_reports, can_read_reports

__all__ = [
    "NotAllowed",
    "Refused",
    "ReportError",
    "SectionText",
    "brief_period",
    "report_draft_create",
    "report_draft_delete",
    "report_draft_finalise",
    "report_draft_record_export",
    "report_draft_refresh_figures",
    "report_draft_update",
]

MAX_TITLE = 200
MAX_HEADING = 200
MAX_BODY = 20_000


class ReportError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(ReportError):
    """The actor may not do this at all (views answer 404)."""


class Refused(ReportError):
    """Allowed in general, refused here; nothing was changed."""


@dataclass(frozen=True)
class SectionText:
    heading: str
    body: str


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not draft reports for this campaign."), code="not_allowed")


def _check(actor: User, campaign: Campaign) -> None:
    if not can_draft_reports(membership_of(actor), campaign):
        raise _not_allowed()


def _locked(draft: ReportDraft) -> ReportDraft:
    row = (
        ReportDraft.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .filter(pk=draft.pk)
        .first()
    )
    if row is None:
        raise Refused(_("This report no longer exists."), code="gone")
    return row


def _editable(actor: User, draft: ReportDraft) -> ReportDraft:
    """The draft locked for a change by `actor`: the office, a draft still (not final)."""
    _check(actor, draft.campaign)
    row = _locked(draft)
    if row.status != ReportStatus.DRAFT:
        raise Refused(_("This report is final and can no longer be changed."), code="final")
    return row


# --- Periods --------------------------------------------------------------------------------


def brief_period(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday to Sunday) or the calendar month containing `day`."""
    if period == ReportPeriod.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def _next_period(period: str, end: dt.date) -> tuple[dt.date, dt.date]:
    return brief_period(period, end + dt.timedelta(days=1))


# --- Drafting -------------------------------------------------------------------------------


def _drafted_summary(campaign: Campaign) -> tuple[Drafted, dict]:
    figures = campaign_figures(campaign=campaign)
    facts = selectors.summary_facts(campaign, as_of=figures.as_of)
    return draft_summary(figures, facts), {"current": figures_to_json(figures), "previous": None}


def _drafted_brief(draft: ReportDraft) -> tuple[Drafted, dict]:
    campaign = draft.campaign
    assert draft.period_start is not None and draft.period_end is not None
    reference = min(draft.period_end, clock.today())
    current = campaign_figures(campaign=campaign, until=reference)
    previous = campaign_figures(campaign=campaign, until=draft.period_start - dt.timedelta(days=1))
    next_start, next_end = _next_period(draft.period, draft.period_end)
    facts = selectors.brief_facts(
        campaign,
        issue_number=draft.issue_number or 0,
        period=draft.period,
        period_start=draft.period_start,
        period_end=draft.period_end,
        reference_day=reference,
        next_start=next_start,
        next_end=next_end,
    )
    return (
        draft_brief(current, previous, facts),
        {"current": figures_to_json(current), "previous": figures_to_json(previous)},
    )


def _drafted(draft: ReportDraft) -> tuple[Drafted, dict]:
    if draft.kind == ReportKind.SUMMARY:
        return _drafted_summary(draft.campaign)
    return _drafted_brief(draft)


def _mentions_json(drafted: Drafted, keys: set[str] | None = None) -> list[dict]:
    return [m.to_json() for m in drafted.mentions if keys is None or m.section in keys]


@transaction.atomic
def report_draft_create(
    *,
    actor: User,
    campaign: Campaign,
    kind: str,
    period: str = ReportPeriod.WEEK,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> ReportDraft:
    """A new brief or summary drafted from the data.

    A brief covers a week or a month: by default the one containing today; given a start only,
    the week or month from it; given both, exactly those days. Briefs are numbered 第N期 per
    campaign, under a lock on the campaign so two drafted at once get two numbers.
    """
    _check(actor, campaign)
    if kind not in ReportKind.values:
        raise Refused(_("Choose a brief or the final summary."), code="kind")
    today = clock.today()
    draft = ReportDraft(campaign=campaign, kind=kind, created_by=actor, updated_by=actor)
    if kind == ReportKind.BRIEF:
        if period not in (ReportPeriod.WEEK, ReportPeriod.MONTH):
            raise Refused(_("A brief covers a week or a month."), code="period")
        if period_start is None:
            period_start, default_end = brief_period(period, period_end or today)
            period_end = period_end or default_end
        elif period_end is None:
            period_end = brief_period(period, period_start)[1]
        if period_end < period_start:
            raise Refused(_("The period ends before it starts."), code="period")
        if period_start > today:
            raise Refused(_("A brief cannot report on a period that has not begun."), code="period")
        if (period_end - period_start).days > 92:
            raise Refused(_("A brief covers at most three months."), code="period")
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        last = ReportDraft.objects.filter(campaign=campaign, kind=ReportKind.BRIEF).aggregate(
            last=Max("issue_number")
        )["last"]
        draft.period = period
        draft.period_start, draft.period_end = period_start, period_end
        draft.issue_number = (last or 0) + 1
    draft.campaign = campaign
    drafted, figures = _drafted(draft)
    draft.title = drafted.title[:MAX_TITLE]
    draft.issuer = drafted.issuer[:100]
    draft.figures = figures
    draft.mentions = _mentions_json(drafted)
    draft.save()
    ReportSection.objects.bulk_create(
        ReportSection(
            draft=draft,
            order=n,
            key=s.key,
            heading=s.heading,
            body=s.body,
            drafted_heading=s.heading,
            drafted_body=s.body,
        )
        for n, s in enumerate(drafted.sections)
    )
    audit_record(
        actor=actor,
        action="reports.draft_create",
        obj=draft,
        changes={
            "kind": kind,
            "period": draft.period,
            "period_start": period_start.isoformat() if period_start else None,
            "period_end": period_end.isoformat() if period_end else None,
            "issue_number": draft.issue_number,
            "as_of": figures["current"]["as_of"],
        },
    )
    return draft


@transaction.atomic
def report_draft_update(
    *,
    actor: User,
    draft: ReportDraft,
    title: str,
    sections: Sequence[SectionText],
    version: int,
) -> ReportDraft:
    """Save the writer's title and sections (in the draft's order) if `version` is still the
    stored one; otherwise refuse, keeping the text saved meanwhile by someone else."""
    row = _editable(actor, draft)
    if row.version != version:
        raise Refused(
            _(
                "Someone else saved this report after you opened it. Your changes were not "
                "saved; the page now shows their text."
            ),
            code="stale",
        )
    title = " ".join(title.split())
    if not title:
        raise Refused(_("Give the report a title."), code="title")
    if len(title) > MAX_TITLE:
        raise Refused(_("The title is too long."), code="title")
    rows = list(row.sections.order_by("order", "id"))
    if len(sections) != len(rows):
        raise Refused(_("The report's sections have changed; reload the page."), code="sections")
    changed = []
    for section, text in zip(rows, sections, strict=True):
        heading = " ".join(text.heading.split())
        body = text.body.replace("\r\n", "\n").strip()
        if len(heading) > MAX_HEADING or len(body) > MAX_BODY:
            raise Refused(_("A section is too long."), code="length")
        if heading != section.heading or body != section.body:
            section.heading, section.body = heading, body
            changed.append(section)
    ReportSection.objects.bulk_update(changed, ["heading", "body"])
    # A number the writer rewrote is no longer the figure's: keep only the mentions whose
    # words are still in their section.
    bodies = {section.key: section.body for section in rows}
    row.mentions = [
        m for m in row.mentions if Mention.from_json(m).phrase in bodies.get(m.get("section"), "")
    ]
    old_title = row.title
    row.title = title
    row.version = F("version") + 1
    row.updated_by = actor
    row.updated_at = clock.now()
    row.save(update_fields=["title", "mentions", "version", "updated_by", "updated_at"])
    row.refresh_from_db(fields=["version"])
    audit_record(
        actor=actor,
        action="reports.draft_update",
        obj=row,
        changes={
            "title": [old_title, title] if old_title != title else None,
            "sections": [s.key for s in changed],
            "version": row.version,
        },
    )
    return row


@transaction.atomic
def report_draft_refresh_figures(
    *, actor: User, draft: ReportDraft, overwrite_edited: bool = False
) -> ReportDraft:
    """Draft the numbers again from today's data. Sections the writer edited keep their text
    unless `overwrite_edited`; the others take the new text."""
    row = _editable(actor, draft)
    drafted, figures = _drafted(row)
    new = {s.key: s for s in drafted.sections}
    redrafted: set[str] = set()
    kept = []
    changed = []
    for section in row.sections.order_by("order", "id"):
        fresh = new.get(section.key)
        if fresh is None:
            continue
        if section.is_edited and not overwrite_edited:
            # Kept as the writer left it: its numbers are those of the earlier figures.
            kept.append(section.key)
            continue
        section.heading = section.drafted_heading = fresh.heading
        section.body = section.drafted_body = fresh.body
        changed.append(section)
        redrafted.add(section.key)
    ReportSection.objects.bulk_update(
        changed, ["heading", "body", "drafted_heading", "drafted_body"]
    )
    row.figures = figures
    row.mentions = _mentions_json(drafted, redrafted)
    row.version = F("version") + 1
    row.updated_by = actor
    row.updated_at = clock.now()
    row.save(update_fields=["figures", "mentions", "version", "updated_by", "updated_at"])
    row.refresh_from_db(fields=["version"])
    audit_record(
        actor=actor,
        action="reports.draft_refresh",
        obj=row,
        changes={"as_of": figures["current"]["as_of"], "kept_edited": kept},
    )
    return row


@transaction.atomic
def report_draft_finalise(*, actor: User, draft: ReportDraft) -> ReportDraft:
    row = _editable(actor, draft)
    row.status = ReportStatus.FINAL
    row.finalised_at = clock.now()
    row.version = F("version") + 1
    row.updated_by = actor
    row.updated_at = row.finalised_at
    row.save(update_fields=["status", "finalised_at", "version", "updated_by", "updated_at"])
    row.refresh_from_db(fields=["version"])
    audit_record(actor=actor, action="reports.draft_finalise", obj=row, changes={})
    return row


@transaction.atomic
def report_draft_delete(*, actor: User, draft: ReportDraft) -> None:
    """Delete a draft or a final report (a brief's number is not given again unless it was the
    last one)."""
    _check(actor, draft.campaign)
    row = _locked(draft)
    audit_record(
        actor=actor,
        action="reports.draft_delete",
        obj=row,
        changes={"title": row.title, "kind": row.kind, "issue_number": row.issue_number},
    )
    row.delete()


@transaction.atomic
def report_draft_record_export(*, actor: User, draft: ReportDraft) -> None:
    """Audit a .docx download (by the office or a reader of the campaign's reports)."""
    if not can_read_reports(membership_of(actor), draft.campaign):
        raise _not_allowed()
    audit_record(
        actor=actor,
        action="reports.draft_export",
        obj=draft,
        changes={"version": draft.version, "status": draft.status},
    )
