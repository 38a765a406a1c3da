"""Requirement compliance, computed in the database.

A requirement is checked for each of its targets (every person of the office, every party
branch, every other unit, or the campaign as a whole) over one period (the whole campaign, a
month, a quarter). Each target's count is computed in SQL; the summary (targets, met, total
shortfall) is one aggregate over the same rows and a page of rows is ranked in SQL, so no query
depends on the number of people or records, and nothing loops over people in Python.

How, measured at 60,000 people and 300,000 study records (`bench/participation.py`, whose
notes in docs/benchmarks.md give the figures):
- SQLite: a correlated subquery per target, which its indexes on (campaign, person, date),
  (campaign, person, status), (campaign, branch, found_on) and (organiser_unit, starts_at) answer
  (65 ms for the studies of 60,000 people; a LEFT JOIN to the records grouped by person takes
  130 ms).
- PostgreSQL: the targets joined to their records grouped by target (a hash join; a subquery per
  target costs several microseconds each there).
- Both: a page computes each count once, in a common table expression that the page's ranking
  and its totals both read (`Compliance.page`).
- Studies over the whole campaign read one tally row per person (`StudyTally`, kept by the
  services that write study records) instead of counting 300,000 records: on PostgreSQL the
  page query takes 70 ms instead of 145 ms.

What counts:
- studies: the person's study records dated in the period (of one kind if the requirement says);
  a branch or unit counts its members' records, the campaign everyone's. Over the whole
  campaign these counts are read from the tallies, unless a record lies outside the campaign's
  dates (they moved after it was written), when the records are counted.
- sessions: sessions not cancelled that have started by now and start (local date) in the period;
  the campaign counts all of its sessions, a branch or unit those it organised, a person the
  sessions they attended.
- reflection words: met by one reflection that counts (submitted, accepted, excellent) of at least
  `words_needed(minimum, tolerance)` characters; the person's longest is shown.
- reflections: reflections that count, submitted in the period.
- problems: a branch's (or unit's) problems found in the period; a person's are those they are
  responsible for.
- task: not counted from records; the campaign's requirement is met once its task is done.

Records count in the period they are dated in (a study's date, a reflection's submission, a
problem's finding, a session's start, by local date): the whole campaign, a month, a quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from huodong.campaigns.models import (
    Campaign,
    Requirement,
    RequirementMeasure,
    RequirementScope,
    StudyKind,
    Task,
)
from huodong.notifications.models import Notification
from huodong.orgs.models import (
    PARTY_BRANCH_KINDS,
    UNIT_SCOPED_ROLES,
    Person,
    RoleAssignment,
    Unit,
    UnitKind,
)
from huodong.participation.models import (
    COUNTED_REFLECTION_STATUSES,
    TALLY_COLUMNS,
    Problem,
    Reflection,
    ReflectionStatus,
    StudyRecord,
    StudySession,
    StudyTally,
)
from huodong.participation.periods import Period, campaign_periods, period_for
from huodong.participation.wordcount import words_needed

# The statuses that do not count. Filtering them out rather than the counted ones in: SQLite then
# reads one range of the (campaign, person, status) index per person instead of one per status,
# which makes the compliance of 60,000 people three times faster. The same rows either way.
_NOT_COUNTED = tuple(s for s in ReflectionStatus.values if s not in COUNTED_REFLECTION_STATUSES)

# A limit no office reaches; see Compliance.summary.
_NOT_FLATTENED = 10**12

# Trailing words a short label drops: 学习活动 -> 学习, 心得体会字数 -> 心得体会.
_LABEL_SUFFIXES = ("字数", "活动")


# --- Requirements and periods ---------------------------------------------------------------


def requirement_get(campaign: Campaign, requirement_id: int) -> Requirement:
    requirement = (
        Requirement.objects.select_related("task").filter(campaign=campaign, pk=requirement_id)
    ).first()
    if requirement is None:
        raise Http404
    requirement.campaign = campaign
    return requirement


def requirements_of(campaign: Campaign) -> list[Requirement]:
    requirements = list(Requirement.objects.filter(campaign=campaign).select_related("task"))
    for requirement in requirements:
        requirement.campaign = campaign
    return requirements


def requirement_periods(requirement: Requirement) -> list[Period]:
    return campaign_periods(requirement.campaign, requirement.period)


def requirement_period(requirement: Requirement, key: str | None, *, today: dt.date) -> Period:
    """The period `key` names, else the one today falls in (first or last outside the dates)."""
    return period_for(requirement.campaign, requirement.period, key, today)


def short_label(subject: str) -> str:
    """学习活动 -> 学习, 心得体会字数 -> 心得体会; a subject that is only a suffix stays."""
    label = subject.strip()
    changed = True
    while changed:
        changed = False
        for suffix in _LABEL_SUFFIXES:
            if label.endswith(suffix) and len(label) > len(suffix):
                label = label[: -len(suffix)]
                changed = True
    return label


def is_counted(requirement: Requirement) -> bool:
    """Whether the records (or the task) decide this requirement; otherwise it is only shown."""
    if requirement.measure == RequirementMeasure.TASK:
        return requirement.scope == RequirementScope.CAMPAIGN and requirement.task_id is not None
    if requirement.measure == RequirementMeasure.REFLECTION_WORDS:
        return requirement.scope == RequirementScope.PERSON
    return requirement.measure in RequirementMeasure.values


def is_words(requirement: Requirement) -> bool:
    return requirement.measure == RequirementMeasure.REFLECTION_WORDS


def needed_count(requirement: Requirement) -> int:
    """What `done` is compared with: the minimum, or one reflection or one task."""
    if requirement.measure in (RequirementMeasure.REFLECTION_WORDS, RequirementMeasure.TASK):
        return 1
    return requirement.minimum


# --- The office's units --------------------------------------------------------------------


@dataclass(frozen=True)
class UnitNode:
    pk: int
    name: str
    kind: str
    parent_id: int | None
    depth: int = 0


@dataclass(frozen=True)
class UnitTree:
    """The office's units from one query, in tree order, for filters and descendants."""

    nodes: dict[int, UnitNode]
    order: list[int]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    def descendants(self, unit_id: int) -> frozenset[int]:
        """The unit and every unit below it."""
        if unit_id not in self.nodes:
            return frozenset()
        found = {unit_id}
        stack = [unit_id]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)

    def choices(self, visible: frozenset[int] | None) -> list[UnitNode]:
        """The units to filter by, in tree order: all, or only the visible ones."""
        return [self.nodes[pk] for pk in self.order if visible is None or pk in visible]


def unit_tree(office_id: int) -> UnitTree:
    rows = list(
        Unit.objects.filter(office_id=office_id)
        .order_by("sort_order", "id")
        .values_list("pk", "name", "kind", "parent_id")
    )
    known = {pk for pk, *_rest in rows}
    children: dict[int | None, list[int]] = {}
    for pk, _name, _kind, parent_id in rows:
        children.setdefault(parent_id if parent_id in known else None, []).append(pk)
    nodes: dict[int, UnitNode] = {}
    order: list[int] = []
    by_pk = {row[0]: row for row in rows}
    stack: list[tuple[int, int]] = [(pk, 0) for pk in reversed(children.get(None, []))]
    while stack:
        pk, depth = stack.pop()
        if pk in nodes:
            continue
        _pk, name, kind, parent_id = by_pk[pk]
        nodes[pk] = UnitNode(pk, name, kind, parent_id, depth)
        order.append(pk)
        stack.extend((child, depth + 1) for child in reversed(children.get(pk, [])))
    # A cycle in the parents (which the forms prevent) still lists every unit once.
    for pk, name, kind, parent_id in rows:
        if pk not in nodes:
            nodes[pk] = UnitNode(pk, name, kind, parent_id, 0)
            order.append(pk)
    return UnitTree(nodes=nodes, order=order, children=children)


# --- Targets and their counts ----------------------------------------------------------------


class _CountAll(Func):
    """COUNT(*) without GROUP BY: a correlated count that is 0 when nothing matches."""

    template = "COUNT(*)"
    output_field = IntegerField()


class _SumAll(Func):
    """SUM(…) without GROUP BY, for a correlated sum (NULL when nothing matches)."""

    function = "SUM"
    output_field = IntegerField()


class _Max(Func):
    function = "MAX"
    output_field = IntegerField()


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in_period(field_name: str, period: Period, *, moment: bool) -> Q:
    """Records dated (or, for a moment, starting on a local date) within the period; a campaign
    without dates has an open period."""
    bounds: dict[str, object] = {}
    if period.start != dt.date.min:
        bounds[f"{field_name}__gte"] = _day_start(period.start) if moment else period.start
    if period.end != dt.date.max:
        if moment:
            bounds[f"{field_name}__lt"] = _day_start(period.end + dt.timedelta(days=1))
        else:
            bounds[f"{field_name}__lte"] = period.end
    return Q(**bounds)


@dataclass(frozen=True)
class _Counted:
    """What a counting requirement counts: rows, and the field naming each row's target."""

    records: QuerySet[Any]
    owner: str
    # Summed per target instead of counting the rows: the study tallies' columns.
    summed: BaseExpression | None = None


def _tallies_cover(campaign: Campaign, period: Period) -> bool:
    """Whether the study tallies count exactly the records of `period`: it is the whole
    campaign and no record lies outside its dates (which moved after records were written).

    One query for the campaign, remembered on the campaign object for the rest of the request.
    """
    if period.key:
        return False
    early = period.start != dt.date.min
    late = period.end != dt.date.max
    if not early and not late:
        return True
    remembered = campaign.__dict__.get("_study_tallies_cover")
    if remembered is not None and remembered[0] == (period.start, period.end):
        return bool(remembered[1])
    # kind IN (…) lets both databases answer each EXISTS from the (campaign, kind, date) index.
    records = StudyRecord.objects.filter(campaign_id=campaign.pk, kind__in=StudyKind.values)
    outside = Campaign.objects.filter(pk=campaign.pk).annotate(
        early=Exists(records.filter(date__lt=period.start)) if early else Value(False),
        late=Exists(records.filter(date__gt=period.end)) if late else Value(False),
    )
    found = outside.values_list("early", "late").first() or (False, False)
    cover = not any(found)
    campaign.__dict__["_study_tallies_cover"] = ((period.start, period.end), cover)
    return cover


def _tally_sum(kind: str) -> BaseExpression:
    """A tally's count of one kind of study, or of every kind."""
    columns = [TALLY_COLUMNS[kind]] if kind else list(TALLY_COLUMNS.values())
    total: Any = F(columns[0])
    for column in columns[1:]:
        total = total + F(column)
    return ExpressionWrapper(total, output_field=IntegerField())


def _counted_records(
    requirement: Requirement, period: Period, *, now: dt.datetime
) -> _Counted | None:
    """The records a counting requirement counts, and the field naming their target."""
    scope, kind = requirement.scope, requirement.study_kind
    campaign_id = requirement.campaign_id
    member_owner = {
        RequirementScope.PERSON: "person",
        RequirementScope.BRANCH: "person__branch",
        RequirementScope.UNIT: "person__unit",
        RequirementScope.CAMPAIGN: "campaign",
    }[RequirementScope(scope)]
    records: QuerySet[Any]
    if requirement.measure == RequirementMeasure.STUDIES:
        if _tallies_cover(requirement.campaign, period):
            tallies = StudyTally.objects.filter(campaign_id=campaign_id)
            return _Counted(tallies, member_owner, summed=_tally_sum(kind))
        records = StudyRecord.objects.filter(
            _in_period("date", period, moment=False), campaign_id=campaign_id
        )
        if kind:
            records = records.filter(kind=kind)
        return _Counted(records, member_owner)
    if requirement.measure == RequirementMeasure.SESSIONS:
        if scope == RequirementScope.PERSON:
            # A person's sessions are those they attended (or made up).
            records = StudyRecord.objects.filter(
                _in_period("session__starts_at", period, moment=True),
                campaign_id=campaign_id,
                session__isnull=False,
                session__cancelled_at__isnull=True,
                session__starts_at__lte=now,
            )
            if kind:
                records = records.filter(session__kind=kind)
            return _Counted(records, "person")
        records = StudySession.objects.filter(
            _in_period("starts_at", period, moment=True),
            campaign_id=campaign_id,
            cancelled_at__isnull=True,
            starts_at__lte=now,
        )
        if kind:
            records = records.filter(kind=kind)
        owner = "campaign" if scope == RequirementScope.CAMPAIGN else "organiser_unit"
        return _Counted(records, owner)
    if requirement.measure == RequirementMeasure.REFLECTIONS:
        return _Counted(_counted_reflections(requirement, period), member_owner)
    if requirement.measure == RequirementMeasure.PROBLEMS:
        records = Problem.objects.filter(
            _in_period("found_on", period, moment=False), campaign_id=campaign_id
        )
        owner = {
            RequirementScope.PERSON: "responsible",
            RequirementScope.BRANCH: "branch",
            RequirementScope.UNIT: "branch",
            RequirementScope.CAMPAIGN: "campaign",
        }[RequirementScope(scope)]
        return _Counted(records, owner)
    return None


def _counted_reflections(requirement: Requirement, period: Period) -> QuerySet[Reflection]:
    return Reflection.objects.filter(
        _in_period("submitted_at", period, moment=True), campaign_id=requirement.campaign_id
    ).exclude(status__in=_NOT_COUNTED)


def best_words_expression(
    requirement: Requirement, period: Period, *, outer: str = "pk"
) -> BaseExpression:
    """The 字数 of the person's longest reflection that counts (0 without one)."""
    reflections = _counted_reflections(requirement, period).filter(person=OuterRef(outer))
    best = Subquery(
        reflections.order_by().annotate(best=_Max("word_count")).values("best"),
        output_field=IntegerField(),
    )
    return Coalesce(best, Value(0))


def done_expression(
    requirement: Requirement, period: Period, *, now: dt.datetime, outer: str = "pk"
) -> BaseExpression:
    """How much of the requirement a target (`outer` names its id) has done, in SQL.

    Not for reflection words: their `done` follows from `best_words_expression`.
    """
    if requirement.measure == RequirementMeasure.TASK:
        return Case(
            When(
                Exists(
                    Task.objects.filter(pk=requirement.task_id or 0, completed_on__isnull=False)
                ),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    counted = _counted_records(requirement, period, now=now)
    if counted is None:
        return Value(0, output_field=IntegerField())
    rows = counted.records.filter(**{counted.owner: OuterRef(outer)}).order_by()
    if counted.summed is None:
        return Subquery(rows.annotate(n=_CountAll()).values("n"), output_field=IntegerField())
    # A target without a tally (nobody in it has studied) sums to NULL: none.
    total = Subquery(
        rows.annotate(n=_SumAll(counted.summed)).values("n"), output_field=IntegerField()
    )
    return Coalesce(total, Value(0))


def _targets(requirement: Requirement) -> QuerySet[Any]:
    office_id = requirement.campaign.office_id
    if requirement.scope == RequirementScope.PERSON:
        return Person.objects.filter(office_id=office_id)
    if requirement.scope == RequirementScope.BRANCH:
        return Unit.objects.filter(office_id=office_id, kind__in=PARTY_BRANCH_KINDS)
    if requirement.scope == RequirementScope.UNIT:
        return Unit.objects.filter(office_id=office_id).exclude(
            kind__in=(*PARTY_BRANCH_KINDS, UnitKind.LEADERSHIP)
        )
    return Campaign.objects.filter(pk=requirement.campaign_id)


def _within(requirement: Requirement, unit_ids: frozenset[int]) -> Q:
    if requirement.scope == RequirementScope.PERSON:
        return Q(unit_id__in=unit_ids) | Q(branch_id__in=unit_ids)
    if requirement.scope == RequirementScope.CAMPAIGN:
        return Q()
    return Q(pk__in=unit_ids)


@dataclass(frozen=True)
class ComplianceSummary:
    targets: int
    met: int
    # In the requirement's unit: records, or for words characters (字).
    shortfall: int

    @property
    def short(self) -> int:
        return self.targets - self.met

    @property
    def share(self) -> float | None:
        return self.met / self.targets if self.targets else None

    @property
    def percent(self) -> str:
        share = self.share
        return "—" if share is None else f"{share * 100:.1f}%"

    @property
    def bar_width(self) -> int:
        """The share met as a whole percentage, for a progress bar."""
        share = self.share
        return 0 if share is None else round(share * 100)


@dataclass(frozen=True)
class ComplianceRow:
    target: Model
    done: int
    needed: int
    best_words: int | None = None
    minimum_words: int | None = None
    words_needed: int | None = None

    @property
    def met(self) -> bool:
        if self.words_needed is not None:
            return (self.best_words or 0) >= self.words_needed
        return self.done >= self.needed

    @property
    def short_by(self) -> int:
        if self.words_needed is not None:
            return max(0, self.words_needed - (self.best_words or 0))
        return max(0, self.needed - self.done)

    @property
    def name(self) -> str:
        return str(self.target)

    @property
    def unit(self) -> Unit | None:
        if isinstance(self.target, Person):
            return self.target.unit
        if isinstance(self.target, Unit):
            return self.target.parent
        return None

    @property
    def person_id(self) -> int | None:
        return self.target.pk if isinstance(self.target, Person) else None


@dataclass(frozen=True)
class Compliance:
    """One requirement over one period, for the targets in scope and under the unit filter."""

    requirement: Requirement
    period: Period
    counted: bool
    targets: QuerySet[Any]  # annotated with done (and best_words), not ordered
    # The same targets without their counts, and their records grouped by target (owner,
    # value): what PostgreSQL joins instead of computing one subquery per target.
    plain: QuerySet[Any] | None = None
    grouped: QuerySet[Any] | None = None

    @property
    def needed(self) -> int:
        return needed_count(self.requirement)

    @property
    def words_needed(self) -> int | None:
        if not is_words(self.requirement):
            return None
        return words_needed(self.requirement.minimum, self.requirement.tolerance_percent)

    def _short(self) -> Q:
        words = self.words_needed
        if words is not None:
            return Q(best_words__lt=words)
        return Q(done__lt=self.needed)

    def summary(self) -> ComplianceSummary:
        """Targets, met and the total shortfall, in one aggregate query."""
        if not self.counted:
            return ComplianceSummary(targets=self.targets.count(), met=0, shortfall=0)
        if self._joins_grouped():
            return self._summary_of_join()
        words = self.words_needed
        if words is not None:
            gap = Greatest(Value(words) - F("best_words"), Value(0))
        else:
            gap = Greatest(Value(self.needed) - F("done"), Value(0))
        # Sliced, the annotated rows stay a subquery of their own (… LIMIT n): flattened into the
        # aggregate, SQLite (and PostgreSQL) would compute each target's count once per
        # reference to it, here three times (measured: 110 ms instead of 65 ms at 60,000 people).
        row = self.targets.order_by()[:_NOT_FLATTENED].aggregate(
            n_targets=Count("pk"),
            n_short=Count("pk", filter=self._short()),
            n_gap=Coalesce(Sum(gap), Value(0)),
        )
        return ComplianceSummary(
            targets=row["n_targets"],
            met=row["n_targets"] - row["n_short"],
            shortfall=row["n_gap"] or 0,
        )

    @property
    def value_field(self) -> str:
        """The column rows are ranked by: `done`, or for a reflection's length `best_words`."""
        return "best_words" if is_words(self.requirement) else "done"

    @property
    def threshold(self) -> int:
        """The value from which a target meets the requirement."""
        words = self.words_needed
        return words if words is not None else self.needed

    def _order(self) -> tuple[str, ...]:
        """The organisation's order, after the value (those furthest short first)."""
        scope = self.requirement.scope
        if scope == RequirementScope.PERSON:
            return ("unit__sort_order", "unit_id", "sort_order", "pk")
        if scope == RequirementScope.CAMPAIGN:
            return ("pk",)
        return ("sort_order", "pk")

    def rows(self, *, short_only: bool = False) -> QuerySet[Any]:
        """The targets, those furthest short first, then in the organisation's order."""
        targets = self.targets
        if short_only and self.counted:
            targets = targets.filter(self._short())
        targets = targets.order_by(self.value_field, *self._order())
        if self.requirement.scope == RequirementScope.PERSON:
            return targets.select_related("unit", "branch")
        if self.requirement.scope == RequirementScope.CAMPAIGN:
            return targets
        return targets.select_related("parent")

    def row(self, target: Model, value: int | None = None) -> ComplianceRow:
        """A page row for a target (its value given, or annotated on it)."""
        words = self.words_needed
        if value is None:
            value = getattr(target, self.value_field, 0) or 0
        done = int(value >= words) if words is not None else value
        return ComplianceRow(
            target=target,
            done=done,
            needed=self.needed,
            best_words=value if words is not None else None,
            minimum_words=self.requirement.minimum if words is not None else None,
            words_needed=words,
        )

    def page_rows(self, targets: Iterable[Model]) -> list[ComplianceRow]:
        return [self.row(target) for target in targets]

    def _rows_for(self, ranked: list[tuple[int, int]]) -> list[ComplianceRow]:
        """The page's rows from (id, value) pairs, with their units: one query."""
        details = self.rows().order_by().filter(pk__in=[pk for pk, _value in ranked])
        found = {target.pk: target for target in details}
        return [self.row(found[pk], value or 0) for pk, value in ranked if pk in found]

    def page(
        self,
        number: int | str | None,
        *,
        per_page: int,
        short_only: bool = False,
        single_pass: bool = True,
    ) -> CompliancePage:
        """The summary and one page of rows (all, or those short), in two queries: the page's
        ids and values with the totals of every row, then the page's targets with their units.

        Every target's count is computed once, in a common table expression that the page and
        the totals both read (25% faster than a summary query and a page query on SQLite at
        60,000 people). When the page has no row (nobody, or a page past the last) the summary is
        counted on its own and the last page read; `single_pass=False` always does that.
        """
        if single_pass and self.counted:
            wanted = _page_number(number)
            ranked, totals = self._ranked(
                wanted, per_page=per_page, short_only=short_only, totals=True
            )
            if totals is not None:
                targets, short_n, gap = totals
                summary = ComplianceSummary(targets=targets, met=targets - short_n, shortfall=gap)
                paginator = CountedPaginator([], per_page, count=short_n if short_only else targets)
                return CompliancePage(summary, Page(self._rows_for(ranked), wanted, paginator))
            # No row on that page (nobody, or a page past the last): count, then as below.
        summary = self.summary()
        count = summary.short if short_only and self.counted else summary.targets
        page = CountedPaginator([], per_page, count=count).get_page(number)
        ranked, _totals = self._ranked(
            page.number, per_page=per_page, short_only=short_only, totals=False
        )
        page.object_list = self._rows_for(ranked)
        return CompliancePage(summary=summary, page=page)

    def _joins_grouped(self) -> bool:
        """On PostgreSQL, join the targets to their records grouped by target: one pass over the
        records and a hash join instead of a subquery per target, which PostgreSQL runs at
        several microseconds each (at 60,000 people, 3000字: 70 ms instead of 120 to 190 ms).
        SQLite answers the subqueries from its indexes faster than it groups (65 ms against
        130 ms), so it keeps them."""
        return (
            self.counted
            and self.grouped is not None
            and self.plain is not None
            and connections[self.targets.db].vendor == "postgresql"
        )

    def _inner_sql(self) -> tuple[str, list[Any]]:
        """SQL of every target's (pk, value, ordering columns), as a subquery of its own."""
        columns = [name for name in self._order() if name != "pk"]
        if not self._joins_grouped():
            inner = self.targets.order_by().values("pk", self.value_field, *columns)
            # Sliced: a subquery of its own, which neither database flattens into the query
            # around it (that would compute each target's count once per reference to it).
            sql, params = inner[:_NOT_FLATTENED].query.sql_with_params()
            return sql, list(params)
        assert self.plain is not None and self.grouped is not None
        quote = connections[self.targets.db].ops.quote_name
        targets_sql, targets_params = (
            self.plain.order_by().values("pk", *columns).query.sql_with_params()
        )
        grouped_sql, grouped_params = self.grouped.query.sql_with_params()
        sql = (
            f"SELECT targets.*, COALESCE(grouped.{quote('value')}, 0) AS "
            f"{quote(self.value_field)} FROM ({targets_sql}) targets "
            f"LEFT JOIN ({grouped_sql}) grouped "
            f"ON grouped.{quote('owner')} = targets.{quote('pk')}"
        )
        return sql, [*targets_params, *grouped_params]

    def _summary_of_join(self) -> ComplianceSummary:
        inner_sql, inner_params = self._inner_sql()
        value = connections[self.targets.db].ops.quote_name(self.value_field)
        sql = (
            f"SELECT COUNT(*), SUM(CASE WHEN {value} < %s THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {value} < %s THEN %s - {value} ELSE 0 END) FROM ({inner_sql}) ranked"
        )
        threshold = self.threshold
        with connections[self.targets.db].cursor() as cursor:
            cursor.execute(sql, [threshold, threshold, threshold, *inner_params])
            targets, short_n, gap = (int(x or 0) for x in cursor.fetchone())
        return ComplianceSummary(targets=targets, met=targets - short_n, shortfall=gap)

    def _ranked(
        self, number: int, *, per_page: int, short_only: bool, totals: bool
    ) -> tuple[list[tuple[int, int]], tuple[int, int, int] | None]:
        """(id, value) of the page's rows, and if asked the totals (targets, short, shortfall)
        of all the rows; the totals are None when the page has no row.

        The annotated targets are read as a subquery of their own (sliced, so that neither
        database flattens it): each target's count is then computed once, however often the
        ranking, the "short only" condition and the totals refer to it.
        """
        offset = (number - 1) * per_page
        if not totals and not (short_only and self.counted) and not self._joins_grouped():
            # Nothing refers to the value twice: the plain query, which SQLite sorts fastest.
            plain = self.targets.order_by(self.value_field, *self._order())
            pairs = plain.values_list("pk", self.value_field)[offset : offset + per_page]
            return [(pk, value or 0) for pk, value in pairs], None
        connection = connections[self.targets.db]
        quote = connection.ops.quote_name
        value = quote(self.value_field)
        inner_sql, inner_params = self._inner_sql()
        threshold = self.threshold
        if totals:
            # Read twice, the expression is materialised (PostgreSQL 12+, SQLite 3.35+).
            select = (
                f"WITH ranked AS ({inner_sql}) "
                f"SELECT ranked.{quote('pk')}, ranked.{value}, n_targets, n_short, n_gap "
                f"FROM ranked, (SELECT COUNT(*) AS n_targets, "
                f"SUM(CASE WHEN {value} < %s THEN 1 ELSE 0 END) AS n_short, "
                f"SUM(CASE WHEN {value} < %s THEN %s - {value} ELSE 0 END) AS n_gap "
                f"FROM ranked) totals"
            )
            params: list[Any] = [*inner_params, threshold, threshold, threshold]
        else:
            select = f"SELECT {quote('pk')}, {value} FROM ({inner_sql}) ranked"
            params = [*inner_params]
        if short_only and self.counted:
            select += f" WHERE ranked.{value} < %s"
            params.append(threshold)
        order = ", ".join(f"ranked.{quote(name)}" for name in (self.value_field, *self._order()))
        sql = f"{select} ORDER BY {order} LIMIT %s OFFSET %s"
        params += [per_page, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        ranked = [(row[0], row[1] or 0) for row in found]
        if not totals or not found:
            return ranked, None
        targets, short_n, gap = (int(x or 0) for x in found[0][2:])
        return ranked, (targets, short_n, gap)


def _page_number(number: int | str | None) -> int:
    """As Paginator.get_page reads it: anything but a whole number from 1 is the first page."""
    try:
        return max(1, int(str(number)))
    except ValueError:
        return 1


class CountedPaginator(Paginator):
    """A paginator told its count (from the summary) instead of counting the rows again."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@dataclass(frozen=True)
class CompliancePage:
    summary: ComplianceSummary
    page: Page  # of ComplianceRow


def compliance_for(
    requirement: Requirement,
    period: Period,
    *,
    now: dt.datetime,
    scope: frozenset[int] | None,
    unit_ids: frozenset[int] | None = None,
) -> Compliance:
    """The requirement's targets over `period`: those in `scope` (None: all the office's) and,
    when given, those of `unit_ids` (a unit filter with its descendants).

    A person belongs to a unit set through their unit or their party branch; a branch or a unit
    through itself. The campaign as a whole is always its one target.
    """
    targets = _targets(requirement)
    for ids in (scope, unit_ids):
        if ids is not None:
            targets = targets.filter(_within(requirement, ids))
    counted = is_counted(requirement)
    plain = targets
    if counted and is_words(requirement):
        targets = targets.annotate(best_words=best_words_expression(requirement, period))
    elif counted:
        targets = targets.annotate(done=done_expression(requirement, period, now=now))
    else:
        targets = targets.annotate(done=Value(0, output_field=IntegerField()))
    return Compliance(
        requirement=requirement,
        period=period,
        counted=counted,
        targets=targets,
        plain=plain,
        grouped=_grouped_records(requirement, period, now=now) if counted else None,
    )


def _grouped_records(
    requirement: Requirement, period: Period, *, now: dt.datetime
) -> QuerySet[Any] | None:
    """The counted records grouped by target: rows of (owner, value)."""
    if is_words(requirement):
        reflections = _counted_reflections(requirement, period).order_by()
        return reflections.values(owner=F("person")).annotate(value=Max("word_count"))
    counted = _counted_records(requirement, period, now=now)
    if counted is None:
        return None
    records = counted.records.order_by()
    if counted.summed is None:
        return records.values(owner=F(counted.owner)).annotate(value=Count("pk"))
    if counted.owner == "person":
        # One tally per person: nothing to group.
        return records.values(owner=F("person_id"), value=counted.summed)
    return records.values(owner=F(counted.owner)).annotate(value=Sum(counted.summed))


# --- The overview of a campaign's requirements ------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    requirement: Requirement
    period: Period
    counted: bool
    summary: ComplianceSummary | None

    @property
    def label(self) -> str:
        return short_label(self.requirement.subject)


def compliance_overview(
    campaign: Campaign,
    *,
    today: dt.date,
    now: dt.datetime,
    scope: frozenset[int] | None,
    requirements: list[Requirement] | None = None,
) -> list[OverviewRow]:
    """Each requirement with its share met in its current period: one aggregate query each
    (a campaign has a handful of requirements), none for those not counted."""
    rows = []
    for requirement in requirements if requirements is not None else requirements_of(campaign):
        requirement.campaign = campaign
        period = requirement_period(requirement, None, today=today)
        counted = is_counted(requirement)
        summary = (
            compliance_for(requirement, period, now=now, scope=scope).summary() if counted else None
        )
        rows.append(OverviewRow(requirement, period, counted, summary))
    return rows


# --- One person's progress ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressLine:
    requirement: Requirement
    period: Period
    # "person", "branch" or "unit": whose requirement this is (the person's or their unit's).
    whose: str
    counted: bool
    done: int = 0
    needed: int = 0
    # The longest reflection shown: on one's own page, drafts and returned ones too.
    best_words: int | None = None
    words_needed: int | None = None

    @property
    def label(self) -> str:
        return short_label(self.requirement.subject)

    @property
    def is_words(self) -> bool:
        return self.best_words is not None

    @property
    def minimum(self) -> int:
        return self.requirement.minimum

    @property
    def met(self) -> bool:
        return self.done >= self.needed

    @property
    def short_by(self) -> int:
        if self.words_needed is not None:
            return max(0, self.words_needed - (self.best_words or 0))
        return max(0, self.needed - self.done)

    @property
    def needs_submitting(self) -> bool:
        """Long enough, but not yet counted: a draft, or a reflection returned for revision."""
        return self.is_words and not self.met and self.short_by == 0

    @property
    def count_text(self) -> str:
        """学习 3/4 -> "3/4"."""
        return f"{self.done}/{self.needed}"

    @property
    def words_text(self) -> str:
        """心得体会 0/1（1,820/3,000字） -> "1,820/3,000"."""
        return f"{self.best_words or 0:,}/{self.requirement.minimum:,}"


def person_progress(
    person: Person, campaign: Campaign, *, today: dt.date, now: dt.datetime, own: bool = False
) -> list[ProgressLine]:
    """The person's requirements and their branch's and unit's, each in its current period.

    At most four queries whatever the number of requirements: the requirements, then one row
    each for the person, their branch and their unit with every count as a column. On their
    `own` page a person also sees the length of the reflection they are still writing (a draft,
    or one returned for revision); others see only reflections that count.
    """
    requirements = requirements_of(campaign)
    owners: dict[str, tuple[QuerySet[Any], int | None]] = {
        RequirementScope.PERSON: (Person.objects.all(), person.pk),
        RequirementScope.BRANCH: (Unit.objects.all(), person.branch_id),
        RequirementScope.UNIT: (Unit.objects.all(), person.unit_id),
    }
    chosen = [r for r in requirements if r.scope in owners and owners[r.scope][1] is not None]
    periods: dict[int, Period] = {}
    for requirement in chosen:
        requirement.campaign = campaign
        periods[requirement.pk] = requirement_period(requirement, None, today=today)
    values: dict[str, dict[str, Any]] = {}
    for scope, (queryset, target_id) in owners.items():
        columns: dict[str, BaseExpression] = {}
        for requirement in chosen:
            if requirement.scope != scope or not is_counted(requirement):
                continue
            period = periods[requirement.pk]
            if is_words(requirement):
                columns[f"words_{requirement.pk}"] = best_words_expression(requirement, period)
                if own:
                    columns[f"writing_{requirement.pk}"] = _writing_words_expression(requirement)
            else:
                columns[f"done_{requirement.pk}"] = done_expression(requirement, period, now=now)
        if columns:
            values[scope] = (
                queryset.filter(pk=target_id).annotate(**columns).values(*columns).first() or {}
            )
    lines = []
    for requirement in chosen:
        counted = is_counted(requirement)
        row = values.get(requirement.scope, {})
        words = (
            words_needed(requirement.minimum, requirement.tolerance_percent)
            if is_words(requirement) and counted
            else None
        )
        best = row.get(f"words_{requirement.pk}") or 0
        done = int(best >= words) if words is not None else row.get(f"done_{requirement.pk}")
        shown = max(best, row.get(f"writing_{requirement.pk}") or 0)
        lines.append(
            ProgressLine(
                requirement=requirement,
                period=periods[requirement.pk],
                whose=requirement.scope,
                counted=counted,
                done=done or 0,
                needed=needed_count(requirement),
                best_words=shown if words is not None else None,
                words_needed=words,
            )
        )
    order = {RequirementScope.PERSON: 0, RequirementScope.BRANCH: 1, RequirementScope.UNIT: 2}
    lines.sort(key=lambda line: order[RequirementScope(line.whose)])
    return lines


def _writing_words_expression(requirement: Requirement) -> BaseExpression:
    """The longest of the person's reflections still being written (draft or returned)."""
    writing = Reflection.objects.filter(
        campaign_id=requirement.campaign_id,
        person=OuterRef("pk"),
        status__in=_NOT_COUNTED,
    )
    longest = Subquery(
        writing.order_by().annotate(best=_Max("word_count")).values("best"),
        output_field=IntegerField(),
    )
    return Coalesce(longest, Value(0))


def person_get(campaign: Campaign, person_id: int) -> Person:
    """A person of the campaign's office (404 otherwise), with their unit and branch."""
    person = (
        Person.objects.select_related("unit", "branch")
        .filter(pk=person_id, office_id=campaign.office_id)
        .first()
    )
    if person is None:
        raise Http404
    return person


# --- Reminders to those short ----------------------------------------------------------------


def reminder_key(requirement: Requirement, period: Period, day: dt.date) -> str:
    """One reminder per requirement, period and day: a second click the same day sends none."""
    return f"participation.requirement.{requirement.pk}.{period.key or 'all'}.{day.isoformat()}"


def reminds_people(requirement: Requirement) -> bool:
    """A person's shortfall is told to them; a branch's or unit's to those who act for it."""
    return requirement.scope == RequirementScope.PERSON


def is_remindable(requirement: Requirement) -> bool:
    """The campaign as a whole has nobody to remind but the office, who is looking at it."""
    return is_counted(requirement) and requirement.scope != RequirementScope.CAMPAIGN


@dataclass(frozen=True)
class ReminderPlan:
    short: int  # targets short
    unreachable: int  # of those, people without an active login (units without anyone to tell)
    recipients: int  # logins to remind
    already: int  # of those, reminded today already

    @property
    def to_send(self) -> int:
        return self.recipients - self.already


def _unit_recipients(unit_ids: Any) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(
        role__in=UNIT_SCOPED_ROLES,
        unit_id__in=unit_ids,
        person__user__isnull=False,
        person__user__is_active=True,
    )


def reminder_plan(compliance: Compliance, *, key: str) -> ReminderPlan:
    """How many a reminder would reach, in one query for people (two for branches and units)."""
    short = compliance.rows(short_only=True).order_by()
    reminded = Notification.objects.filter(recipient_id=OuterRef("user_id"), dedupe_key=key)
    if reminds_people(compliance.requirement):
        reachable = Q(user__isnull=False, user__is_active=True)
        row = short.aggregate(
            n_short=Count("pk"),
            n_reachable=Count("pk", filter=reachable),
            n_already=Count("pk", filter=reachable & Q(Exists(reminded))),
        )
        return ReminderPlan(
            short=row["n_short"],
            unreachable=row["n_short"] - row["n_reachable"],
            recipients=row["n_reachable"],
            already=row["n_already"],
        )
    # Branches and units: a few hundred at most, and a handful of people acting for each.
    short_ids = list(short.values_list("pk", flat=True))
    acting = list(_unit_recipients(short_ids).values_list("unit_id", "person__user_id"))
    users = {user_id for _unit_id, user_id in acting}
    already = Notification.objects.filter(recipient_id__in=users, dedupe_key=key).count()
    return ReminderPlan(
        short=len(short_ids),
        unreachable=len(set(short_ids) - {unit_id for unit_id, _user_id in acting}),
        recipients=len(users),
        already=already,
    )


@dataclass(frozen=True)
class PersonShort:
    user_id: int
    done: int
    best_words: int | None


def short_people(compliance: Compliance) -> list[PersonShort]:
    """The people short who have an active login, by login id (one query, no model objects)."""
    column = "best_words" if is_words(compliance.requirement) else "done"
    rows = (
        compliance.rows(short_only=True)
        .filter(user__isnull=False, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", column)
    )
    if is_words(compliance.requirement):
        return [PersonShort(user_id, done=0, best_words=value) for user_id, value in rows]
    return [PersonShort(user_id, done=value, best_words=None) for user_id, value in rows]


def short_units_by_user(compliance: Compliance) -> dict[int, list[tuple[str, int]]]:
    """For each login acting for a short branch or unit: those units' names and counts."""
    short = dict(compliance.rows(short_only=True).values_list("pk", "done"))
    names = dict(Unit.objects.filter(pk__in=list(short)).values_list("pk", "name"))
    by_user: dict[int, list[tuple[str, int]]] = {}
    for user_id, unit_id in (
        _unit_recipients(list(short))
        .order_by("person__user_id", "unit__sort_order", "unit_id")
        .values_list("person__user_id", "unit_id")
        .distinct()
    ):
        entries = by_user.setdefault(user_id, [])
        if (names[unit_id], short[unit_id]) not in entries:
            entries.append((names[unit_id], short[unit_id]))
    return by_user
