"""Sending a text answer to the suggestion pool (建议池).

The pool itself arrives with the opinions issue (#8); until then a text answer sent there is
marked (who, when) and waits: the pool takes the marked answers and links back to them."""

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
    """Mark a text answer for the suggestion pool; sending it twice changes nothing."""
    answer = (
        Answer.objects.select_for_update()
        .select_related("question__survey")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None or not can_manage_surveys(
        membership_of(actor), answer.question.survey.office_id
    ):
        raise NotAllowed(_("You may not change this questionnaire."), code="not_allowed")
    if not answer.text:
        raise Refused(_("Only a written answer can become a suggestion."), code="not_text")
    if answer.sent_to_pool_at is None:
        answer.sent_to_pool_at = clock.now()
        answer.sent_to_pool_by = actor
        answer.save(update_fields=["sent_to_pool_at", "sent_to_pool_by"])
        audit_record(
            actor=actor,
            action="survey.answer_to_pool",
            obj=answer.question.survey,
            changes={"answer": answer.pk},
        )
    return answer
