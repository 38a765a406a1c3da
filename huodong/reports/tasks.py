"""Background tasks of the reports. They take ids and keys: running one twice, or on two workers
at once, stores the same figures twice and sends nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django_tasks import task

from huodong.campaigns.models import Campaign
from huodong.core import clock


@task()
def dashboard_refresh(campaign_id: int, day: str, language: str) -> None:
    """Compute a campaign's dashboard for `day` and keep it for the visits to come (the entry a
    visit found older than the data: see huodong.reports.dashboard_cache)."""
    from huodong.reports.dashboard_cache import dashboard_store

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    today = dt.date.fromisoformat(day)
    if campaign is None or today != clock.today():
        return  # deleted meanwhile, or the day has turned: the next visit computes its own
    with translation.override(language):
        dashboard_store(campaign, today=today, now=clock.now())
