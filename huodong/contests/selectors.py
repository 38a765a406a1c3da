"""Reads of the essay contest: the lists, a judge's entries, the organisers' views, the results.

What a judge reads is built here as plain rows (`JudgeEntry`) holding the entry's number, title
and text and the judge's own scores, never the entry itself: a template or an export given a
judge's rows has no author, organisation, contact, receipt code or other judge's scores to
show, whatever it asks for. Every list reads a fixed number of queries however many entries,
judges or criteria there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from huodong.campaigns.models import Campaign
from huodong.contests import permissions
from huodong.contests.models import (
    Award,
    Contest,
    ContestStatus,
    Criterion,
    Entry,
    EntryStatus,
    Judge,
    JudgeComment,
    Score,
)
from huodong.contests.ranking import allot, ranked
from huodong.orgs.models import Person
from huodong.orgs.permissions import Membership

__all__ = [
    "JUDGED_STATUSES",
    "EntryScores",
    "JudgeEntry",
    "JudgeProgress",
    "JudgeRow",
    "ResultRow",
    "Results",
    "SheetView",
    "Winner",
    "campaign_contests",
    "contest_by_public_key",
    "contest_for",
    "contests_visible_to",
    "criteria_of",
    "entry_scores",
    "judge_entry",
    "judge_progress",
    "judge_rows",
    "judge_sheet",
    "my_entry",
    "organiser_entries",
    "results",
    "winners",
]

# The statuses in which judges see the entries (and, after judging, their own scores).
JUDGED_STATUSES = (ContestStatus.JUDGING, ContestStatus.DECIDED, ContestStatus.PUBLISHED)


# --- Contests -----------------------------------------------------------------------------


def _visible(membership: Membership) -> QuerySet[Contest]:
    if membership.office_id is None and not membership.is_superuser:
        return Contest.objects.none()
    contests = Contest.objects.all()
    if not membership.is_superuser and membership.office_id is not None:
        contests = contests.filter(office_id=membership.office_id)
    if membership.is_superuser or membership.roles & permissions.MANAGER_ROLES:
        return contests
    judging = Judge.objects.filter(contest=OuterRef("pk"))
    if membership.person is not None:
        judging = judging.filter(person_id=membership.person.pk)
    else:
        judging = judging.none()
    return contests.filter(~Q(status=ContestStatus.DRAFT) | Q(Exists(judging)))


def contests_visible_to(membership: Membership, office_id: int) -> QuerySet[Contest]:
    """The office's contests the member sees (drafts only to the office and their judges),
    with how many entries are submitted."""
    return (
        _visible(membership)
        .filter(office_id=office_id)
        .select_related("campaign")
        .annotate(submitted_count=Count("entries", filter=Q(entries__status=EntryStatus.SUBMITTED)))
        .order_by("-opens_on", "-id")
    )


def contest_for(membership: Membership, contest_id: int) -> permissions.Standing | None:
    """The member's standing in the contest, None for one they may not see."""
    contest = Contest.objects.select_related("office", "campaign").filter(pk=contest_id).first()
    if contest is None:
        return None
    standing = permissions.standing_of(membership, contest)
    if not permissions.can_see_contest(standing):
        return None
    return standing


def contest_by_public_key(key: str) -> Contest | None:
    return Contest.objects.select_related("office").filter(public_key=key).first()


def campaign_contests(membership: Membership, campaign: Campaign) -> list[Contest]:
    """The campaign's contests the member sees (one query)."""
    if not membership.in_office(campaign.office_id):
        return []
    return list(_visible(membership).filter(campaign=campaign).order_by("opens_on", "id"))


def criteria_of(contest: Contest) -> list[Criterion]:
    return list(Criterion.objects.filter(contest=contest).order_by("sort_order", "pk"))


def my_entry(contest: Contest, person: Person | None) -> Entry | None:
    if person is None:
        return None
    return Entry.objects.filter(contest=contest, author_id=person.pk).first()


# --- A judge's entries --------------------------------------------------------------------


def _judged_entries(contest: Contest) -> QuerySet[Entry]:
    """The entries judges see: submitted, numbered, of a contest being (or done being) judged."""
    if contest.status not in JUDGED_STATUSES:
        return Entry.objects.none()
    return Entry.objects.filter(
        contest=contest, status=EntryStatus.SUBMITTED, number__isnull=False
    ).order_by("number")


@dataclass(frozen=True)
class JudgeRow:
    number: int
    title: str
    scored: int  # criteria scored
    total: Decimal | None
    complete: bool


def judge_rows(contest: Contest, judge: Judge) -> list[JudgeRow]:
    """The judge's list: every entry by number with the judge's own progress (one query)."""
    mine = Q(scores__judge_id=judge.pk)
    completed = JudgeComment.objects.filter(
        entry=OuterRef("pk"), judge_id=judge.pk, completed_at__isnull=False
    )
    rows = (
        _judged_entries(contest)
        .annotate(
            my_scored=Count("scores", filter=mine),
            my_total=Sum("scores__value", filter=mine),
            my_complete=Exists(completed),
        )
        .values_list("number", "title", "my_scored", "my_total", "my_complete")
    )
    return [
        JudgeRow(number=number, title=title, scored=scored, total=total, complete=complete)
        for number, title, scored, total, complete in rows
        if number is not None
    ]


@dataclass
class JudgeEntry:
    """What a judge may know of an entry: its number, title and text, and their own sheet."""

    entry_id: int
    number: int
    title: str
    text: str
    scores: dict[int, Decimal] = field(default_factory=dict)  # criterion id -> value
    comment: str = ""
    complete: bool = False

    @property
    def total(self) -> Decimal | None:
        return sum(self.scores.values(), Decimal(0)) if self.scores else None


def _with_sheets(judge: Judge, entries: list[JudgeEntry]) -> list[JudgeEntry]:
    """Fill in the judge's own scores and comments (two queries)."""
    by_id = {item.entry_id: item for item in entries}
    if not by_id:
        return entries
    for entry_id, criterion_id, value in Score.objects.filter(
        judge_id=judge.pk, entry_id__in=list(by_id)
    ).values_list("entry_id", "criterion_id", "value"):
        by_id[entry_id].scores[criterion_id] = value
    for entry_id, text, completed_at in JudgeComment.objects.filter(
        judge_id=judge.pk, entry_id__in=list(by_id)
    ).values_list("entry_id", "text", "completed_at"):
        by_id[entry_id].comment = text
        by_id[entry_id].complete = completed_at is not None
    return entries


def judge_sheet(contest: Contest, judge: Judge) -> list[JudgeEntry]:
    """Every entry the judge scores, with text and their own sheet (three queries)."""
    entries = [
        JudgeEntry(entry_id=pk, number=number, title=title, text=body)
        for pk, number, title, body in _judged_entries(contest).values_list(
            "pk", "number", "title", "body"
        )
        if number is not None
    ]
    return _with_sheets(judge, entries)


def judge_entry(
    contest: Contest, judge: Judge, number: int
) -> tuple[JudgeEntry, int | None, int | None] | None:
    """One entry by its number for the judge, with the numbers before and after it."""
    entries = _judged_entries(contest)
    row = entries.filter(number=number).values_list("pk", "number", "title", "body").first()
    if row is None:
        return None
    pk, entry_number, title, body = row
    item = _with_sheets(
        judge, [JudgeEntry(entry_id=pk, number=entry_number or number, title=title, text=body)]
    )[0]
    before = (
        entries.filter(number__lt=number).order_by("-number").values_list("number", flat=True)
    ).first()
    after = (entries.filter(number__gt=number).values_list("number", flat=True)).first()
    return item, before, after


# --- The organisers -----------------------------------------------------------------------


def organiser_entries(contest: Contest) -> QuerySet[Entry]:
    """Every entry but drafts, with author, unit, award and originality report (one query)."""
    return (
        Entry.objects.filter(contest=contest)
        .exclude(status=EntryStatus.DRAFT)
        .select_related("author", "author__unit", "award", "originality_document__report")
        .defer("body")
        .order_by("number", "pk")
    )


@dataclass
class SheetView:
    judge_name: str
    values: list[Decimal | None]  # in the rubric's order
    total: Decimal | None
    comment: str
    complete: bool


@dataclass
class EntryScores:
    criteria: list[Criterion]
    sheets: list[SheetView]


def entry_scores(entry: Entry) -> EntryScores:
    """Every judge's sheet for the entry, for the organisers (three queries)."""
    criteria = criteria_of(entry.contest)
    judges = list(
        Judge.objects.filter(contest_id=entry.contest_id).select_related("person").order_by("pk")
    )
    scores: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for judge_id, criterion_id, value in Score.objects.filter(entry=entry).values_list(
        "judge_id", "criterion_id", "value"
    ):
        scores[judge_id][criterion_id] = value
    comments = {
        judge_id: (text, completed_at is not None)
        for judge_id, text, completed_at in JudgeComment.objects.filter(entry=entry).values_list(
            "judge_id", "text", "completed_at"
        )
    }
    sheets = [
        SheetView(
            judge_name=judge.person.name,
            values=[scores.get(judge.pk, {}).get(criterion.pk) for criterion in criteria],
            total=sum(scores[judge.pk].values(), Decimal(0)) if scores.get(judge.pk) else None,
            comment=comments.get(judge.pk, ("", False))[0],
            complete=comments.get(judge.pk, ("", False))[1],
        )
        for judge in judges
    ]
    return EntryScores(criteria=criteria, sheets=sheets)


@dataclass(frozen=True)
class JudgeProgress:
    judge: Judge
    complete: int
    started: int


def judge_progress(contest: Contest) -> list[JudgeProgress]:
    """Each judge with how many sheets they completed and started (one query)."""
    eligible = Q(comments__entry__status=EntryStatus.SUBMITTED)
    judges = (
        Judge.objects.filter(contest=contest)
        .select_related("person", "person__unit", "person__user")
        .annotate(
            complete_count=Count(
                "comments", filter=eligible & Q(comments__completed_at__isnull=False)
            ),
            started_count=Count("comments", filter=eligible),
        )
        .order_by("pk")
    )
    return [
        JudgeProgress(judge=judge, complete=judge.complete_count, started=judge.started_count)
        for judge in judges
    ]


@dataclass
class ResultRow:
    entry: Entry
    rank: int | None  # None: not completely judged
    tied: bool
    judge_totals: list[Decimal | None]


@dataclass
class Results:
    judges: list[Judge]
    rows: list[ResultRow]  # ranked first, then the rest by number
    tied_count: int


def results(contest: Contest) -> Results:
    """The ranking of the submitted entries, each with every judge's total (four queries)."""
    judges = list(Judge.objects.filter(contest=contest).select_related("person").order_by("pk"))
    entries = list(
        Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED)
        .select_related("author", "author__unit", "award")
        .defer("body")
        .order_by("number", "pk")
    )
    totals = {
        (entry_id, judge_id): total
        for entry_id, judge_id, total in Score.objects.filter(
            entry__contest=contest, entry__status=EntryStatus.SUBMITTED
        )
        .values("entry_id", "judge_id")
        .annotate(total=Sum("value"))
        .values_list("entry_id", "judge_id", "total")
    }
    eligible = [
        (entry.pk, entry.number, entry.average_score)
        for entry in entries
        if entry.number is not None
        and entry.average_score is not None
        and entry.judged_by >= contest.judges_per_entry
    ]
    ranking = ranked(eligible)
    awards = list(Award.objects.filter(contest=contest).order_by("rank", "pk"))
    tied = allot(ranking, [(award.pk, award.places) for award in awards]).tied
    by_id = {entry.pk: entry for entry in entries}
    ranks = {item.entry_id: item.rank for item in ranking}
    order = [item.entry_id for item in ranking] + [
        entry.pk for entry in entries if entry.pk not in ranks
    ]
    rows = [
        ResultRow(
            entry=by_id[pk],
            rank=ranks.get(pk),
            tied=pk in tied,
            judge_totals=[totals.get((pk, judge.pk)) for judge in judges],
        )
        for pk in order
    ]
    return Results(judges=judges, rows=rows, tied_count=len(tied))


@dataclass(frozen=True)
class Winner:
    """What the published results show of an awarded entry: no contact, no receipt code."""

    award: str
    title: str
    author_name: str
    organisation: str
    text: str
    anchor: str


def winners(contest: Contest) -> list[Winner]:
    """The awarded entries, highest award first, then by average (one query)."""
    rows = (
        Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED, award__isnull=False)
        .order_by("award__rank", "award__pk", "-average_score", "number")
        .values_list("award__name", "title", "author_name", "author_organisation", "body")
    )
    return [
        Winner(
            award=award,
            title=title,
            author_name=name,
            organisation=organisation,
            text=text,
            anchor=f"winner-{index}",
        )
        for index, (award, title, name, organisation, text) in enumerate(rows, start=1)
    ]
