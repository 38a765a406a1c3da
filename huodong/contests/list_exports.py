"""The contest list and the organisers' entries list as .xlsx columns (see
huodong.core.list_export); the ranking and a judge's sheet have their own exports (exports.py).

The entries' columns name the authors: only the organisers' entries export uses them, behind the
same check as their page (never a judge)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huodong.contests.models import Entry
from huodong.core.list_export import Column, yes_no

PERCENT = "0.0%"


def contest_columns() -> list[Column]:
    return [
        Column(_("Contest"), lambda c: c.title, 40),
        Column(_("Theme"), lambda c: c.theme, 30),
        Column(_("Campaign"), lambda c: c.campaign.title if c.campaign_id else "", 30),
        Column(_("Entries from"), lambda c: c.opens_on, 12),
        Column(_("Entries until"), lambda c: c.closes_on, 12),
        Column(_("Status"), lambda c: c.get_status_display(), 12),
        Column(_("Entries"), lambda c: c.submitted_count, 8),
    ]


def _copy_ratio(report_of: Callable[[Entry], tuple[Any, Any]]) -> Callable[[Entry], Any]:
    def value(entry: Entry) -> Any:
        document, report = report_of(entry)
        if report is not None:
            return report.ratio or 0
        return _("checking") if document is not None else None

    return value


def _flagged(report_of: Callable[[Entry], tuple[Any, Any]]) -> Callable[[Entry], Any]:
    def value(entry: Entry) -> Any:
        _document, report = report_of(entry)
        return yes_no(bool(report.flagged)) if report is not None else ""

    return value


def entry_columns(*, report_of: Callable[[Entry], tuple[Any, Any]]) -> list[Column]:
    """The organisers' entries list; `report_of` gives an entry's originality document and
    report as the page reads them (either may be None)."""
    return [
        Column(_("No."), lambda e: e.number, 6),
        Column(_("Title"), lambda e: e.title, 40),
        Column(_("Author"), lambda e: e.author_name, 12),
        Column(pgettext("of a person", "Organisation"), lambda e: e.author_organisation, 24),
        Column(capfirst(_("public")), lambda e: yes_no(e.author_id is None), 8),
        Column(_("Characters"), lambda e: e.word_count, 8),
        Column(_("Copy ratio"), _copy_ratio(report_of), 10, PERCENT),
        Column(_("Suspected plagiarism"), _flagged(report_of), 10),
        Column(_("Average"), lambda e: e.average_score, 8),
        Column(_("Judged by"), lambda e: e.judged_by, 8),
        Column(_("Status"), lambda e: e.get_status_display(), 12),
        Column(_("Award"), lambda e: e.award.name if e.award_id else "", 12),
    ]
