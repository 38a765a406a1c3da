"""Geometry of the campaign timeline: phases as bars, month ticks, deadlines and today's line.

The page draws it as inline SVG from these numbers, so it needs no script and prints as it shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from huodong.campaigns.models import Phase
from huodong.campaigns.selectors import DeadlineMark

WIDTH = 1000
ROW_HEIGHT = 30
TOP = 24
DOT_SPACING = 14


@dataclass(frozen=True)
class Bar:
    name: str
    x: float
    width: float
    y: float
    start: dt.date
    end: dt.date
    current: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Deadline:
    x: float
    y: float
    seq: int
    light: str
    due: dt.date
    count: int


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    deadlines: list[Deadline]
    today_x: float | None
    today: dt.date


def build_timeline(
    phases: list[Phase], marks: list[DeadlineMark], *, today: dt.date
) -> Timeline | None:
    dates = [d for p in phases for d in (p.start, p.end)] + [m.due for m in marks]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    span = max((last - first).days + 1, 1)

    def x_of(day: dt.date) -> float:
        return round((day - first).days / span * WIDTH, 2)

    bars = [
        Bar(
            name=phase.name,
            x=x_of(phase.start),
            width=max(round(((phase.end - phase.start).days + 1) / span * WIDTH, 2), 2),
            y=TOP + i * ROW_HEIGHT,
            start=phase.start,
            end=phase.end,
            current=phase.start <= today <= phase.end,
        )
        for i, phase in enumerate(phases)
    ]
    ticks: list[Tick] = []
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            ticks.append(Tick(x=x_of(month), label=f"{month.month}月"))
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    deadline_y = TOP + len(phases) * ROW_HEIGHT + 12
    # Marks of one day stack downwards (one per light) so that none hides another.
    on_day: dict[dt.date, int] = {}
    deadlines: list[Deadline] = []
    for mark in marks:
        stacked = on_day.get(mark.due, 0)
        on_day[mark.due] = stacked + 1
        deadlines.append(
            Deadline(
                x=x_of(mark.due),
                y=deadline_y + stacked * DOT_SPACING,
                seq=mark.seq,
                light=mark.light,
                due=mark.due,
                count=mark.count,
            )
        )
    deepest = max(on_day.values(), default=1)
    today_x = x_of(today) if first <= today <= last else None
    return Timeline(
        width=WIDTH,
        height=int(deadline_y + (deepest - 1) * DOT_SPACING + 22),
        bars=bars,
        ticks=ticks,
        deadlines=deadlines,
        today_x=today_x,
        today=today,
    )
