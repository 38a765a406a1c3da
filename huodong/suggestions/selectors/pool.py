"""Reads of the suggestion pool, scoped by what the user may see.

The list reads a page of suggestions with their campaign, category, status and original in one
query and their tags in a second, whatever their number; the filters' choices are one query
each. The similar-suggestion groups and candidates come from the office's index in the process
(`similarity.office_index`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Office, Person
from huodong.orgs.permissions import Membership
from huodong.suggestions import similarity
from huodong.suggestions.models import (
    SETTLED_STAGES,
    Outcome,
    Stage,
    Suggestion,
    SuggestionCategory,
    SuggestionEvaluation,
    SuggestionEvent,
    SuggestionSource,
    SuggestionStatus,
    SuggestionTag,
)
from huodong.suggestions.permissions import suggestion_access

MAX_SEARCH_CHARS = 100


@dataclass(frozen=True)
class PoolFilters:
    campaign_id: int | None = None
    stage: str = ""
    status_id: int | None = None
    source: str = ""
    category_id: int | None = None
    tag_id: int | None = None
    evaluator_id: int | None = None
    text: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def pool_filtered(office: Office, filters: PoolFilters) -> QuerySet[Suggestion]:
    """The office's suggestions matching the filters, newest first, ready for the list."""
    rows = Suggestion.objects.filter(office=office)
    if filters.campaign_id:
        rows = rows.filter(campaign_id=filters.campaign_id)
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.status_id:
        rows = rows.filter(status_id=filters.status_id)
    if filters.source:
        rows = rows.filter(source=filters.source)
    if filters.category_id:
        rows = rows.filter(category_id=filters.category_id)
    if filters.tag_id:
        rows = rows.filter(
            Exists(
                Suggestion.tags.through.objects.filter(
                    suggestion_id=OuterRef("pk"), suggestiontag_id=filters.tag_id
                )
            )
        )
    if filters.evaluator_id:
        rows = rows.filter(
            Exists(
                SuggestionEvaluation.objects.filter(
                    suggestion_id=OuterRef("pk"), evaluator_id=filters.evaluator_id
                )
            )
        )
    text = filters.text.strip()[:MAX_SEARCH_CHARS]
    if text:
        match = Q(text__icontains=text) | Q(submitter_name__icontains=text)
        match |= Q(submitter_organisation__icontains=text)
        number = text.lstrip("#")
        if number.isdigit():
            match |= Q(number=int(number))
        rows = rows.filter(match)
    if filters.received_from:
        rows = rows.filter(created_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        rows = rows.filter(created_at__lt=_day_start(filters.received_to + dt.timedelta(days=1)))
    return (
        rows.select_related("campaign", "category", "status", "duplicate_of", "submitter")
        .prefetch_related(Prefetch("tags", queryset=SuggestionTag.objects.order_by("name")))
        .order_by("-created_at", "-id")
    )


@dataclass
class PoolChoices:
    """What the list's filters and bulk actions offer: the office's own lists."""

    campaigns: list[tuple[int, str]]
    statuses: list[SuggestionStatus]
    categories: list[tuple[int, str]]
    tags: list[tuple[int, str]]
    evaluators: list[tuple[int, str]]  # people with a login who may be asked
    assigned: list[tuple[int, str]] = field(default_factory=list)  # people asked already


def pool_choices(office: Office, *, with_people: bool = True) -> PoolChoices:
    people: list[tuple[int, str]] = []
    if with_people:
        people = [
            (pk, f"{name}（{unit}）")
            for pk, name, unit in Person.objects.filter(office=office, user__isnull=False)
            .order_by("unit__sort_order", "sort_order", "id")
            .values_list("pk", "name", "unit__name")
        ]
    return PoolChoices(
        campaigns=list(
            Campaign.objects.filter(office=office)
            .order_by("-start", "-id")
            .values_list("pk", "title")
        ),
        statuses=list(SuggestionStatus.objects.filter(office=office)),
        categories=list(SuggestionCategory.objects.filter(office=office).values_list("pk", "name")),
        tags=list(SuggestionTag.objects.filter(office=office).values_list("pk", "name")),
        evaluators=people,
    )


# --- One suggestion ---------------------------------------------------------------------------


def suggestion_visible(membership: Membership, suggestion_id: int) -> tuple[Suggestion, str] | None:
    """The suggestion and how much of it the user sees (`permissions.suggestion_access`)."""
    suggestion = (
        Suggestion.objects.select_related(
            "office",
            "campaign",
            "category",
            "status",
            "submitter__user",
            "submitter__unit",
            "duplicate_of",
            "survey_answer__question__survey",
            "meeting",
            "online_participation__activity",
        )
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None:
        return None
    person = membership.person
    is_evaluator = (
        person is not None
        and membership.in_office(suggestion.office_id)
        and SuggestionEvaluation.objects.filter(suggestion=suggestion, evaluator=person).exists()
    )
    access = suggestion_access(
        membership,
        office_id=suggestion.office_id,
        submitter_id=suggestion.submitter_id,
        is_evaluator=is_evaluator,
    )
    if access is None:
        return None
    return suggestion, access


def suggestion_history(suggestion: Suggestion) -> list[SuggestionEvent]:
    return list(suggestion.events.all().select_related("actor__person").order_by("at", "id"))


def suggestion_evaluations(suggestion: Suggestion) -> list[SuggestionEvaluation]:
    return list(
        suggestion.evaluations.select_related("evaluator__unit").order_by("assigned_at", "id")
    )


def suggestion_outcomes(suggestion: Suggestion) -> list[Outcome]:
    return list(suggestion.outcomes.select_related("responsible_unit").order_by("-created_at"))


def suggestion_duplicates(suggestion: Suggestion) -> list[Suggestion]:
    return list(suggestion.duplicates.order_by("number"))


def suggestion_candidates(suggestion: Suggestion) -> list[tuple[Suggestion, float]]:
    """Other suggestions of the office that may say the same (not already merged with it)."""
    if suggestion.stage == Stage.DUPLICATE:
        return []
    index = similarity.office_index(suggestion.office_id)
    found = index.candidates(suggestion.pk)
    if not found:
        return []
    rows = {
        s.pk: s
        for s in Suggestion.objects.filter(pk__in=[pk for pk, _score in found]).exclude(
            stage=Stage.DUPLICATE
        )
    }
    return [(rows[pk], score) for pk, score in found if pk in rows]


# --- Similar groups ---------------------------------------------------------------------------


MEMBERS_SHOWN = 30


@dataclass(frozen=True)
class SimilarGroup:
    members: list[tuple[Suggestion, float]]  # the oldest first, with its similarity to it
    more: int = 0  # members not shown


def similar_groups(office: Office, *, limit: int = 100) -> tuple[list[SimilarGroup], int]:
    """Groups of near-duplicates among the office's suggestions that are not merged already,
    each with at least one not yet settled; (the first `limit` groups, how many in all)."""
    open_ids = dict(
        Suggestion.objects.filter(office=office)
        .exclude(stage=Stage.DUPLICATE)
        .values_list("pk", "stage")
    )
    index = similarity.office_index(office.pk)
    items = [(pk, index.grams[pk]) for pk in sorted(open_ids) if pk in index.grams]
    groups = [
        g
        for g in similarity.near_duplicate_groups(items)
        if any(open_ids[pk] not in SETTLED_STAGES for pk in g.keys)
    ]
    shown = [(g.members[:MEMBERS_SHOWN], len(g.members) - MEMBERS_SHOWN) for g in groups[:limit]]
    rows = {
        s.pk: s
        for s in Suggestion.objects.filter(
            pk__in=[pk for members, _ in shown for pk, _s in members]
        )
        .select_related("status", "category")
        .order_by()
    }
    return (
        [
            SimilarGroup(
                members=[(rows[pk], score) for pk, score in members if pk in rows],
                more=max(0, more),
            )
            for members, more in shown
        ],
        len(groups),
    )


# --- The user's own -----------------------------------------------------------------------------


def my_suggestions(membership: Membership) -> QuerySet[Suggestion]:
    if membership.person is None:
        return Suggestion.objects.none()
    return (
        Suggestion.objects.filter(submitter=membership.person)
        .select_related("status", "campaign")
        .order_by("-created_at", "-id")
    )


def my_evaluations(membership: Membership) -> QuerySet[SuggestionEvaluation]:
    """What the user is asked to evaluate: the pending first, oldest first; then given ones."""
    if membership.person is None:
        return SuggestionEvaluation.objects.none()
    return (
        SuggestionEvaluation.objects.filter(evaluator=membership.person)
        .select_related("suggestion__status", "suggestion__campaign")
        .order_by(F("given_at").asc(nulls_first=True), "assigned_at", "id")
    )


def has_evaluations(membership: Membership) -> bool:
    return (
        membership.person is not None
        and SuggestionEvaluation.objects.filter(evaluator=membership.person).exists()
    )


def suggestion_by_tracking_code(code: str) -> Suggestion | None:
    """A mailbox suggestion as its submitter follows it (the code is the only key)."""
    if not code or len(code) > 16:
        return None
    return (
        Suggestion.objects.select_related("campaign", "status", "duplicate_of__status")
        .filter(tracking_code=code, source=SuggestionSource.MAILBOX)
        .first()
    )
