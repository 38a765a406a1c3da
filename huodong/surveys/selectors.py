"""Reads of the questionnaires: what the office may see, and the results.

`survey_results` reads the tallies the answers keep (`AnswerTally`): a fixed number of queries
and a few rows per option, whatever the number of responses. Each option is counted on its own
and its share is of the people who answered the question (so a multiple choice's shares can add
up to more than 100%).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from huodong.orgs.models import Person
from huodong.orgs.permissions import Membership
from huodong.surveys.models import (
    AnswerTally,
    Audience,
    Option,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from huodong.surveys.permissions import RESULT_ROLES, can_manage_surveys, can_see_results
from huodong.surveys.services.answering import device_hash_of


def surveys_visible_to(membership: Membership) -> QuerySet[Survey]:
    """The surveys of the member's office whose results they may see."""
    if membership.office_id is None and not membership.is_superuser:
        return Survey.objects.none()
    if not (membership.is_superuser or membership.roles & RESULT_ROLES):
        return Survey.objects.none()
    surveys = Survey.objects.all()
    if membership.office_id is not None and not membership.is_superuser:
        surveys = surveys.filter(office_id=membership.office_id)
    return surveys.order_by("-created_at", "-id")


def survey_by_public_key(key: str) -> Survey | None:
    """The survey a public link names (any state: the caller decides what may be shown)."""
    return Survey.objects.select_related("office").filter(public_key=key).first()


def survey_managed(membership: Membership, survey_id: int) -> Survey | None:
    """The survey, if the member may build it; None for a missing or another office's one."""
    survey = Survey.objects.select_related("office", "campaign").filter(pk=survey_id).first()
    if survey is None or not can_manage_surveys(membership, survey.office_id):
        return None
    return survey


def survey_results_visible(membership: Membership, survey_id: int) -> Survey | None:
    """The survey, if the member may see its results."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None or not can_see_results(membership, survey):
        return None
    return survey


def has_answered(survey: Survey, *, person: Person | None, device_token: str) -> bool:
    """Whether this person (staff survey) or device (public survey) has answered already."""
    if survey.audience == Audience.STAFF:
        return person is not None and Response.objects.filter(survey=survey, person=person).exists()
    device_hash = device_hash_of(device_token) if device_token else None
    return (
        device_hash is not None
        and Response.objects.filter(survey=survey, device_hash=device_hash).exists()
    )


@dataclass(frozen=True)
class OptionCount:
    option_id: int | None
    label: str
    count: int
    share: float  # of the people who answered the question


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    other: int = 0
    # Rating: points and their counts, and the mean.
    scale: list[OptionCount] = field(default_factory=list)
    mean: float | None = None
    # Matrix: per row, each option's count; ranking: each option's mean place.
    rows: list[tuple[str, list[OptionCount]]] = field(default_factory=list)
    mean_places: list[tuple[str, float]] = field(default_factory=list)
    texts: int = 0


def _share(count: int, of: int) -> float:
    return count / of if of else 0.0


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Every question's counts, in order (three queries)."""
    questions = list(
        survey.questions.select_related("section").order_by("section__position", "position", "id")
    )
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question__survey=survey).order_by("position", "id"):
        options.setdefault(option.question_id, []).append(option)
    counts: dict[int, dict[str, int]] = {}
    for question_id, key, count in AnswerTally.objects.filter(question__survey=survey).values_list(
        "question_id", "key", "count"
    ):
        counts.setdefault(question_id, {})[key] = count
    return [result_from_counts(q, options.get(q.pk, []), counts.get(q.pk, {})) for q in questions]


def result_from_counts(
    question: Question, options: list[Option], counts: dict[str, int]
) -> QuestionResult:
    """A question's result from its counts by tally key (kept, or counted from the answers)."""
    answered = counts.get("n", 0)
    result = QuestionResult(question=question, answered=answered)
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for option in options:
            count = counts.get(f"o{option.pk}", 0)
            result.options.append(
                OptionCount(option.pk, option.label, count, _share(count, answered))
            )
        result.other = counts.get("x", 0)
    elif kind == QuestionKind.RATING:
        total = 0
        for point in range(question.scale_min, question.scale_max + 1):
            count = counts.get(f"v{point}", 0)
            total += point * count
            result.scale.append(OptionCount(None, str(point), count, _share(count, answered)))
        result.mean = total / answered if answered else None
    elif kind == QuestionKind.MATRIX:
        for row, label in enumerate(question.rows):
            cells = [counts.get(f"o{option.pk}r{row}", 0) for option in options]
            in_row = sum(cells)
            result.rows.append(
                (
                    label,
                    [
                        OptionCount(option.pk, option.label, count, _share(count, in_row))
                        for option, count in zip(options, cells, strict=True)
                    ],
                )
            )
    elif kind == QuestionKind.RANKING:
        for option in options:
            placed = [
                (place, counts.get(f"o{option.pk}p{place}", 0))
                for place in range(1, len(options) + 1)
            ]
            times = sum(count for _place, count in placed)
            mean = sum(place * count for place, count in placed) / times if times else 0.0
            result.mean_places.append((option.label, mean))
        result.mean_places.sort(key=lambda item: (item[1] == 0, item[1]))
    else:
        result.texts = counts.get("t", 0)
    return result
