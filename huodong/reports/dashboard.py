"""What the leading group's dashboard shows beside the campaign's figures, each part in one
query (the requirement matrix one per counted requirement, of which a plan has a handful), so
the page's query count does not grow with the people, units, tasks or records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import (
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from huodong.campaigns.lights import Light
from huodong.campaigns.models import Campaign, Phase, RequirementScope, Task
from huodong.campaigns.selectors import light_counts
from huodong.supervision.selectors import RateRow, rates_by_unit

# How many rows a table of units shows; the linked page has them all.
UNITS_SHOWN = 20
OUTCOMES_SHOWN = 12

LIGHT_ORDER = (
    Light.DONE_ON_TIME,
    Light.DONE_LATE,
    Light.OVERDUE,
    Light.DUE_SOON,
    Light.PENDING,
    Light.NOT_STARTED,
)


# --- Phases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseRow:
    phase: Phase
    total: int
    done: int
    current: bool

    @property
    def share(self) -> int:
        """Whole percent of the phase's tasks done (0 for a phase without tasks)."""
        return round(self.done * 100 / self.total) if self.total else 0


def phase_progress(campaign: Campaign, *, today: dt.date) -> list[PhaseRow]:
    """Each phase with its tasks and those done by today, in one query."""
    rows = (
        Phase.objects.filter(campaign=campaign)
        .annotate(
            n_tasks=Count("tasks"),
            n_done=Count("tasks", filter=Q(tasks__completed_on__lte=today)),
        )
        .order_by("order", "start", "id")
    )
    return [
        PhaseRow(phase=p, total=p.n_tasks, done=p.n_done, current=p.start <= today <= p.end)
        for p in rows
    ]


# --- Lights and on-time rates ---------------------------------------------------------------


def lights(campaign: Campaign, *, today: dt.date) -> list[tuple[str, str, int]]:
    """(light, label, count) in the order the schedule's legend uses, in one query."""
    counts = light_counts(campaign, today=today)
    return [(light.value, str(light.label), counts.get(light.value, 0)) for light in LIGHT_ORDER]


@dataclass(frozen=True)
class UnitRates:
    rows: list[RateRow]  # the units with a deadline come, lowest rate first, at most UNITS_SHOWN
    total: int  # lead units with a deadline come


def unit_rates(campaign: Campaign, *, today: dt.date) -> UnitRates:
    """The supervision rates page's rows (one query), those furthest behind first."""
    rows = [row for row in rates_by_unit(campaign, today=today) if row.due]
    rows.sort(key=lambda row: (row.rate if row.rate is not None else 2.0, -row.overdue))
    return UnitRates(rows=rows[:UNITS_SHOWN], total=len(rows))


# --- Requirement compliance per unit ---------------------------------------------------------


@dataclass
class RequirementColumn:
    requirement: Any
    label: str
    counted: bool
    targets: int = 0
    met: int = 0

    @property
    def share(self) -> float | None:
        return self.met / self.targets if self.targets else None


@dataclass
class UnitCell:
    targets: int
    met: int

    @property
    def share(self) -> float | None:
        return self.met / self.targets if self.targets else None

    @property
    def percent(self) -> int:
        share = self.share
        return 0 if share is None else round(share * 100)


@dataclass
class UnitComplianceRow:
    unit_id: int
    name: str
    cells: dict[int, UnitCell] = field(default_factory=dict)  # requirement id -> cell
    # The cells in the order of the matrix's counted columns (None: not this unit's).
    line: list[UnitCell | None] = field(default_factory=list)

    @property
    def lowest(self) -> float:
        shares = [c.share for c in self.cells.values() if c.share is not None]
        return min(shares) if shares else 2.0


@dataclass
class ComplianceMatrix:
    columns: list[RequirementColumn]
    rows: list[UnitComplianceRow]  # at most UNITS_SHOWN, lowest share first
    units_total: int

    @property
    def counted_columns(self) -> list[RequirementColumn]:
        return [col for col in self.columns if col.counted]


def _grouped_shares(compliance: Any, group: str | None) -> list[tuple[int | None, int, int]]:
    """(group id, targets, met) of one requirement's targets in one query.

    `group` is the targets' column to group by: a person's unit, or the branch or unit itself;
    None for the campaign as a whole. On PostgreSQL the targets are joined to their records
    grouped by target, as the compliance page does there (a subquery per target is slow there);
    on SQLite each target's count is its indexed subquery.
    """
    connection = connections[compliance.targets.db]
    quote = connection.ops.quote_name
    threshold = compliance.threshold
    group_sql = quote("g") if group else "NULL"
    if (
        connection.vendor == "postgresql"
        and compliance.plain is not None
        and compliance.grouped is not None
    ):
        plain = compliance.plain.order_by()
        plain = plain.values("pk", g=_ref(group)) if group else plain.values("pk")
        targets_sql, targets_params = plain.query.sql_with_params()
        grouped_sql, grouped_params = compliance.grouped.query.sql_with_params()
        value = f"COALESCE(grouped.{quote('value')}, 0)"
        sql = (
            f"SELECT {'targets.' + group_sql if group else 'NULL'}, COUNT(*), "
            f"SUM(CASE WHEN {value} >= %s THEN 1 ELSE 0 END) "
            f"FROM ({targets_sql}) targets LEFT JOIN ({grouped_sql}) grouped "
            f"ON grouped.{quote('owner')} = targets.{quote('pk')}"
        )
        params = [threshold, *targets_params, *grouped_params]
    else:
        # Each target's count is its indexed subquery, referred to once: in the met filter.
        met = Count("pk", filter=Q(**{f"{compliance.value_field}__gte": threshold}))
        targets = compliance.targets.order_by()
        if not group:
            row = targets.aggregate(n=Count("pk"), met=met)
            return [(None, int(row["n"] or 0), int(row["met"] or 0))]
        rows = (
            targets.values(g=F(group)).annotate(n=Count("pk"), met=met).values_list("g", "n", "met")
        )
        return [(g, int(n or 0), int(m or 0)) for g, n, m in rows]
    if group:
        sql += f" GROUP BY {group_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(g, int(n or 0), int(met or 0)) for g, n, met in cursor.fetchall()]


def _ref(name: str | None) -> Any:
    return F(name or "pk")


def compliance_matrix(campaign: Campaign, *, today: dt.date, now: dt.datetime) -> ComplianceMatrix:
    """Each requirement in its current period (as the compliance overview shows it) and its
    share met per unit: a person's requirement by the people of each unit, a branch's or a
    unit's by the branch or unit itself (met or not). One query for the requirements and the
    units' names, then one per counted requirement."""
    from huodong.orgs.models import Unit
    from huodong.participation.selectors.compliance import (
        compliance_for,
        is_counted,
        requirement_period,
        requirements_of,
        short_label,
    )

    columns: list[RequirementColumn] = []
    rows: dict[int, UnitComplianceRow] = {}
    for requirement in requirements_of(campaign):
        counted = is_counted(requirement)
        column = RequirementColumn(requirement, short_label(requirement.subject), counted)
        columns.append(column)
        if not counted:
            continue
        period = requirement_period(requirement, None, today=today)
        compliance = compliance_for(requirement, period, now=now, scope=None)
        group = {
            RequirementScope.PERSON: "unit_id",
            RequirementScope.BRANCH: "pk",
            RequirementScope.UNIT: "pk",
        }.get(RequirementScope(requirement.scope))
        for unit_id, targets, met in _grouped_shares(compliance, group):
            column.targets += targets
            column.met += met
            if group is None or unit_id is None:
                continue
            row = rows.setdefault(unit_id, UnitComplianceRow(unit_id, ""))
            row.cells[requirement.pk] = UnitCell(targets, met)
    ranked = sorted(rows.values(), key=lambda row: (row.lowest, row.unit_id))[:UNITS_SHOWN]
    names = dict(
        Unit.objects.filter(pk__in=[row.unit_id for row in ranked]).values_list("pk", "name")
    )
    counted_ids = [col.requirement.pk for col in columns if col.counted]
    for row in ranked:
        row.name = names.get(row.unit_id, "")
        row.line = [row.cells.get(pk) for pk in counted_ids]
    return ComplianceMatrix(columns=columns, rows=ranked, units_total=len(rows))


# --- Questionnaires, outcomes ----------------------------------------------------------------


def campaign_surveys(campaign: Campaign, *, today: dt.date) -> list[Any]:
    """The campaign's published questionnaires with their answers by today, in one query."""
    from huodong.surveys.models import Response, Survey

    from .figures import _day_end

    end = _day_end(today)
    answers = (
        Response.objects.filter(survey=OuterRef("pk"), submitted_at__lt=end)
        .order_by()
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Survey.objects.filter(campaign=campaign, is_template=False, published_at__lt=end)
        .annotate(answers=Coalesce(Subquery(answers, output_field=IntegerField()), Value(0)))
        .only("pk", "title", "audience", "closes_at", "published_at")
        .order_by("published_at", "pk")
    )


def top_outcomes(campaign: Campaign, *, today: dt.date) -> list[Any]:
    """The campaign's top-level outcomes, furthest behind first (at most OUTCOMES_SHOWN)."""
    from huodong.suggestions.models import Outcome

    from .figures import _day_end

    return list(
        Outcome.objects.filter(
            campaign=campaign, parent__isnull=True, created_at__lt=_day_end(today)
        )
        .select_related("responsible_unit")
        .only("pk", "title", "kind", "status", "progress", "responsible_unit__name")
        .order_by("progress", "created_at", "pk")[:OUTCOMES_SHOWN]
    )


# --- Weekly trends ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    monday: dt.date
    label: str  # ISO week, e.g. 2018-W21


@dataclass
class Trends:
    weeks: list[Week]
    series: dict[str, list[int]]  # name -> one value per week


def _weeks(start: dt.date, end: dt.date) -> list[Week]:
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        year, number, _day = monday.isocalendar()
        weeks.append(Week(monday, f"{year}-W{number:02d}"))
        monday += dt.timedelta(days=7)
    return weeks


class _SqliteLocalDate(Func):
    """SQLite's own date() of a UTC moment shifted to local time: Django's TruncDate calls a
    Python function per row there (800 ms for 60,000 reflections); this stays in C. The shift
    is the zone's offset at the campaign's start (China keeps no summer time)."""

    function = "date"
    output_field = DateField()

    def __init__(self, expression: Any, seconds: int) -> None:
        super().__init__(expression, Value(f"{seconds:+d} seconds"))


def _by_day(
    queryset: QuerySet[Any], day_field: str, *, moment: bool, around: dt.date
) -> list[tuple[dt.date, int]]:
    """Counts per local day: a few hundred rows, bucketed into weeks in Python."""
    rows = queryset.order_by()
    if moment and connections[rows.db].vendor == "sqlite":
        zone = timezone.get_current_timezone()
        offset = zone.utcoffset(dt.datetime.combine(around, dt.time(12)))
        seconds = int(offset.total_seconds()) if offset else 0
        rows = rows.annotate(day=_SqliteLocalDate(F(day_field), seconds)).values("day")
    elif moment:
        rows = rows.annotate(day=TruncDate(day_field)).values("day")
    else:
        rows = rows.values(day=F(day_field))
    found = []
    for row in rows.annotate(n=Count("pk")):
        day = row["day"]
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        found.append((day, row["n"]))
    return found


def _studies_by_day(campaign: Campaign, first: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """Study records per day, grouped by kind and date: both databases read the (campaign,
    kind, date) index in its order and group without sorting 240,000 rows."""
    from huodong.campaigns.models import StudyKind
    from huodong.participation.models import StudyRecord

    rows = (
        StudyRecord.objects.filter(
            campaign=campaign, kind__in=StudyKind.values, date__gte=first, date__lte=end
        )
        .order_by()
        .values("kind", "date")
        .annotate(n=Count("pk"))
    )
    return [(row["date"], row["n"]) for row in rows]


def weekly_trends(campaign: Campaign, *, today: dt.date) -> Trends:
    """Study records, reflections submitted, suggestions received and tasks done per ISO week,
    from the campaign's first week to today (or its end): one query each, grouped by day."""
    from huodong.participation.models import COUNTED_REFLECTION_STATUSES, Reflection
    from huodong.suggestions.models import Stage, Suggestion

    from .figures import _day_end

    start = campaign.start or today
    end = min(today, campaign.end) if campaign.end else today
    if end < start:
        end = start
    weeks = _weeks(start, end)
    first = weeks[0].monday
    stop = _day_end(end)
    first_moment = _day_end(first - dt.timedelta(days=1))
    sources = {
        "studies": _studies_by_day(campaign, first, end),
        "reflections": _by_day(
            Reflection.objects.filter(
                campaign=campaign,
                status__in=COUNTED_REFLECTION_STATUSES,
                submitted_at__gte=first_moment,
                submitted_at__lt=stop,
            ),
            "submitted_at",
            moment=True,
            around=start,
        ),
        "suggestions": _by_day(
            Suggestion.objects.filter(
                campaign=campaign, created_at__gte=first_moment, created_at__lt=stop
            ).exclude(stage=Stage.DUPLICATE),
            "created_at",
            moment=True,
            around=start,
        ),
        "tasks": _by_day(
            Task.objects.filter(campaign=campaign, completed_on__gte=first, completed_on__lte=end),
            "completed_on",
            moment=False,
            around=start,
        ),
    }
    index = {week.monday: n for n, week in enumerate(weeks)}
    series: dict[str, list[int]] = {}
    for name, rows in sources.items():
        values = [0] * len(weeks)
        for day, n in rows:
            if day is None:
                continue
            if isinstance(day, dt.datetime):
                day = day.date()
            monday = day - dt.timedelta(days=day.weekday())
            if monday in index:
                values[index[monday]] += n
        series[name] = values
    return Trends(weeks=weeks, series=series)


# --- Publicity -------------------------------------------------------------------------------


def publicity_channels(campaign: Campaign, *, today: dt.date) -> list[tuple[str, str, int]]:
    """(channel, label, placements by today) for every channel, from the publicity app."""
    from huodong.publicity.models import Channel
    from huodong.publicity.selectors import placements_by_channel

    counts = placements_by_channel(campaign=campaign, until=today)
    return [
        (channel.value, str(channel.label), counts.get(channel.value, 0)) for channel in Channel
    ]
