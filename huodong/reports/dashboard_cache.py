"""The dashboard's figures, computed once per state of the data and shared by every app server.

A leaders' meeting opens the same dashboard on many screens at once; computing it takes a few
hundred milliseconds at city size. The computed parts are kept in the database cache
(settings.CACHES, shared by every app server) with the state of the data they were computed
from:

- every write of the product goes through a service that writes an `AuditRecord` in the same
  transaction, so the highest audit id changes with every committed write;
- the public's questionnaire answers are the one write that is not audited (they are anonymous
  and many): the highest response id changes with each of them;
- the lights and the periods move with the day, so the day is part of the entry's key, with
  the language (labels are translated when computed) and the campaign's creation time (ids are
  reused after a database is emptied, as the tests do).

An entry whose state is the data's current one is served as it is. After a write, the first
visit computes the figures afresh, unless the entry is younger than
HUODONG_DASHBOARD_STALE_SECONDS: then it is served with the time it was computed and a note
that newer data is being counted, and one background task (`dashboard_refresh`, enqueued once
per entry) computes the new figures. On a deadline day, when records arrive every second, the
screens of a meeting thus show figures at most that many seconds old instead of each computing
its own; with 0 every visit after a write computes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import translation

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.reports import dashboard
from huodong.reports.figures import CampaignFigures, campaign_figures

KEY_PREFIX = "reports.dashboard"


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows, as computed for one day."""

    today: dt.date
    figures: CampaignFigures
    phases: list[dashboard.PhaseRow]
    lights: list[tuple[str, str, int]]
    unit_rates: dashboard.UnitRates
    matrix: dashboard.ComplianceMatrix
    surveys: list[Any]
    outcomes: list[Any]
    trends: dashboard.Trends
    channels: list[tuple[str, str, int]]


def data_version() -> str:
    """The state of the data: the last audited write and the last questionnaire answer."""
    from huodong.core.models import AuditRecord
    from huodong.surveys.models import Response

    audited = AuditRecord.objects.aggregate(last=Max("pk"))["last"] or 0
    answered = Response.objects.aggregate(last=Max("pk"))["last"] or 0
    return f"{audited}.{answered}"


def dashboard_key(campaign: Campaign, *, today: dt.date) -> str:
    created = campaign.created_at.timestamp() if campaign.created_at else 0
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"{KEY_PREFIX}:{campaign.pk}:{created:.6f}:{today.isoformat()}:{language}"


def dashboard_data_compute(
    campaign: Campaign, *, today: dt.date, now: dt.datetime
) -> DashboardData:
    """Every part of the dashboard, computed from the records (a constant number of queries)."""
    return DashboardData(
        today=today,
        figures=campaign_figures(campaign=campaign, until=today),
        phases=dashboard.phase_progress(campaign, today=today),
        lights=dashboard.lights(campaign, today=today),
        unit_rates=dashboard.unit_rates(campaign, today=today),
        matrix=dashboard.compliance_matrix(campaign, today=today, now=now),
        surveys=dashboard.campaign_surveys(campaign, today=today),
        outcomes=dashboard.top_outcomes(campaign, today=today),
        trends=dashboard.weekly_trends(campaign, today=today),
        channels=dashboard.publicity_channels(campaign, today=today),
    )


@dataclass(frozen=True)
class CachedDashboard:
    version: str
    computed_at: dt.datetime
    data: DashboardData


@dataclass(frozen=True)
class DashboardView:
    """What a visit shows: the parts, when they were computed, and whether data written since
    is still being counted."""

    data: DashboardData
    computed_at: dt.datetime
    current: bool
    from_cache: bool


def _refresh_later(key: str, campaign: Campaign, today: dt.date) -> None:
    from huodong.reports.tasks import dashboard_refresh

    # One refresh per entry: the other visits meanwhile find the flag and only read.
    if cache.add(f"{key}:refreshing", 1, settings.HUODONG_DASHBOARD_STALE_SECONDS):
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: dashboard_refresh.enqueue(campaign.pk, today.isoformat(), language)
        )


def dashboard_store(
    campaign: Campaign, *, today: dt.date, now: dt.datetime, version: str | None = None
) -> CachedDashboard:
    """Compute the parts and keep them for the visits to come, with the data's state read
    before computing (`version`, when the caller read it just now), so that a write made
    meanwhile makes them be computed again."""
    if version is None:
        version = data_version()
    data = dashboard_data_compute(campaign, today=today, now=now)
    entry = CachedDashboard(version=version, computed_at=clock.now(), data=data)
    cache.set(dashboard_key(campaign, today=today), entry, settings.HUODONG_DASHBOARD_CACHE_SECONDS)
    return entry


def dashboard_view(campaign: Campaign, *, today: dt.date, now: dt.datetime) -> DashboardView:
    """The dashboard's parts for `today`: from the cache when they are current (or recent
    enough while newer ones are computed in the background), else computed now."""
    key = dashboard_key(campaign, today=today)
    version = data_version()
    entry = cache.get(key)
    if isinstance(entry, CachedDashboard):
        if entry.version == version:
            return DashboardView(entry.data, entry.computed_at, current=True, from_cache=True)
        age = (clock.now() - entry.computed_at).total_seconds()
        if 0 <= age < settings.HUODONG_DASHBOARD_STALE_SECONDS:
            _refresh_later(key, campaign, today)
            return DashboardView(entry.data, entry.computed_at, current=False, from_cache=True)
    entry = dashboard_store(campaign, today=today, now=now, version=version)
    return DashboardView(entry.data, entry.computed_at, current=True, from_cache=False)
