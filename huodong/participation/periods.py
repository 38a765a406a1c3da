"""The periods a requirement is checked over: the whole campaign, each month, each quarter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign, RequirementPeriod


@dataclass(frozen=True)
class Period:
    key: str  # "" for the whole campaign, "2018-06" for a month, "2018-Q2" for a quarter
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if not self.key:
            return _("Whole campaign")
        if "-Q" in self.key:
            year, quarter = self.key.split("-Q")
            return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
        year, month = self.key.split("-")
        return _("%(month)s/%(year)s") % {"month": int(month), "year": year}


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def campaign_periods(campaign: Campaign, period: str) -> list[Period]:
    """Every period of the campaign for a requirement's `period`, clipped to its dates."""
    start, end = campaign.start, campaign.end
    if start is None or end is None or end < start:
        return [Period("", start or dt.date.min, end or dt.date.max)]
    if period == RequirementPeriod.WHOLE:
        return [Period("", start, end)]
    periods: list[Period] = []
    cursor = start.replace(day=1)
    while cursor <= end:
        if period == RequirementPeriod.QUARTER:
            quarter = (cursor.month - 1) // 3 + 1
            last = _month_end(cursor.replace(month=quarter * 3))
            key = f"{cursor.year}-Q{quarter}"
        else:
            last = _month_end(cursor)
            key = f"{cursor.year}-{cursor.month:02d}"
        periods.append(Period(key, max(cursor, start), min(last, end)))
        cursor = last + dt.timedelta(days=1)
    return periods


def period_for(campaign: Campaign, period: str, key: str | None, today: dt.date) -> Period:
    """The period `key` names, or the one `today` falls in (the first or last if outside)."""
    periods = campaign_periods(campaign, period)
    if key is not None:
        for candidate in periods:
            if candidate.key == key:
                return candidate
    for candidate in periods:
        if candidate.start <= today <= candidate.end:
            return candidate
    return periods[0] if today < periods[0].start else periods[-1]
