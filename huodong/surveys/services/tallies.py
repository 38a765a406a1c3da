"""Recounting a survey's tallies from its answers, after a bulk load into the database (the
demo, the benchmark) or to repair them. Answers submitted meanwhile wait for the lock."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Q

from huodong.surveys.models import Answer, AnswerTally, Response, Survey


def _key(option_id: int | None, row: int | None, value: int | None, is_other: bool) -> str:
    if is_other:
        return "x"
    if option_id is not None:
        if row is not None:
            return f"o{option_id}r{row}"
        if value is not None:
            return f"o{option_id}p{value}"
        return f"o{option_id}"
    return f"v{value}"


@transaction.atomic
def survey_tallies_rebuild(*, survey_id: int) -> None:
    """Every tally of the survey counted again from its answers, and its response count."""
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{AnswerTally._meta.db_table}" IN EXCLUSIVE MODE')
    answers = Answer.objects.filter(question__survey_id=survey_id)
    counts: dict[tuple[int, str], int] = {}
    # A response gives each key of a question at most once, so rows count responses.
    chosen = (
        answers.filter(Q(option__isnull=False) | Q(value__isnull=False) | Q(is_other=True))
        .values_list("question_id", "option_id", "row", "value", "is_other")
        .annotate(times=Count("id"))
    )
    for question_id, option_id, row, value, is_other, times in chosen:
        counts[(question_id, _key(option_id, row, value, is_other))] = times
    texts = (
        answers.filter(option__isnull=True, value__isnull=True, is_other=False)
        .values_list("question_id")
        .annotate(times=Count("id"))
    )
    for question_id, times in texts:
        counts[(question_id, "t")] = times
    answered = answers.values_list("question_id").annotate(
        times=Count("response_id", distinct=True)
    )
    for question_id, times in answered:
        counts[(question_id, "n")] = times
    AnswerTally.objects.filter(question__survey_id=survey_id).delete()
    AnswerTally.objects.bulk_create(
        (AnswerTally(question_id=q, key=k, count=c) for (q, k), c in counts.items()),
        batch_size=1_000,
    )
    survey.response_count = Response.objects.filter(survey_id=survey_id).count()
    survey.save(update_fields=["response_count"])
