"""Sending a text answer to the suggestion pool (意见建议池).

The answer is marked (who, when) and becomes a suggestion of the survey's office, linked back
to it (`Suggestion.survey_answer`), anonymous like the questionnaire itself. Sending it again
changes nothing: the mark stays, and the pool keeps one suggestion per answer."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of
from huodong.surveys.errors import NotAllowed, Refused
from huodong.surveys.models import Answer
from huodong.surveys.permissions import can_manage_surveys


@transaction.atomic
def answer_send_to_pool(*, actor: User, answer_id: int) -> Answer:
    """Mark a text answer for the suggestion pool and record its suggestion; sending it twice
    changes nothing."""
    from huodong.suggestions import errors as pool_errors
    from huodong.suggestions.models import SuggestionSource
    from huodong.suggestions.services.pool import suggestion_create

    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("question__survey__office", "question__survey__campaign")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None or not can_manage_surveys(
        membership_of(actor), answer.question.survey.office_id
    ):
        raise NotAllowed(_("You may not change this questionnaire."), code="not_allowed")
    if not answer.text.strip():
        raise Refused(_("Only a written answer can become a suggestion."), code="not_text")
    survey = answer.question.survey
    if answer.sent_to_pool_at is None:
        answer.sent_to_pool_at = clock.now()
        answer.sent_to_pool_by = actor
        answer.save(update_fields=["sent_to_pool_at", "sent_to_pool_by"])
        audit_record(
            actor=actor,
            action="survey.answer_to_pool",
            obj=survey,
            changes={"answer": answer.pk},
        )
    try:
        # Returns the answer's suggestion when it already has one.
        suggestion_create(
            actor=actor,
            office=survey.office,
            campaign=survey.campaign,
            text=answer.text,
            source=SuggestionSource.SURVEY,
            survey_answer=answer,
            is_anonymous=True,
        )
    except pool_errors.NotAllowed as exc:
        raise NotAllowed(exc.message, code=exc.code) from exc
    except pool_errors.Refused as exc:
        raise Refused(exc.message, code=exc.code) from exc
    return answer
