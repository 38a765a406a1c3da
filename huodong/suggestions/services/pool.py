"""Writes of the suggestion pool: recording a suggestion from any of its sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import Office, Person, User
from huodong.orgs.permissions import ANONYMOUS, membership_of
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.models import (
    Suggestion,
    SuggestionCategory,
    SuggestionEvent,
    SuggestionSource,
    SuggestionTag,
)
from huodong.suggestions.permissions import can_manage_pool, can_suggest

if TYPE_CHECKING:
    from huodong.engagement.models import Meeting, OnlineParticipation
    from huodong.surveys.models import Answer

MAX_TEXT_CHARS = 5000
MAX_TAGS = 10


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this with the suggestion pool."), code="not_allowed")


def _clean(value: str, *, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise Refused(
            _("%(field)s is too long: at most %(limit)d characters.")
            % {"field": label, "limit": limit},
            code="too_long",
        )
    return value


def _next_number(office: Office) -> int:
    # The office row is the lock: two suggestions received at once get consecutive numbers.
    Office.objects.select_for_update().filter(pk=office.pk).values_list("pk", flat=True).get()
    top = Suggestion.objects.filter(office=office).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _check_source(
    *,
    actor: User | None,
    office: Office,
    source: str,
    meeting: Meeting | None,
    survey_answer: Answer | None,
    online_participation: OnlineParticipation | None,
) -> None:
    membership = membership_of(actor) if actor is not None else ANONYMOUS
    manager = can_manage_pool(membership, office.pk)
    links = [x for x in (meeting, survey_answer, online_participation) if x is not None]
    if len(links) > 1:
        raise Refused(_("A suggestion comes from one source."), code="many_sources")
    if source == SuggestionSource.MAILBOX:
        if links:
            raise Refused(_("A suggestion comes from one source."), code="many_sources")
        return
    if source == SuggestionSource.STAFF:
        if links or not (manager or can_suggest(membership, office.pk)):
            raise _not_allowed()
        return
    if source == SuggestionSource.SURVEY:
        if survey_answer is None or not manager:
            raise _not_allowed()
        if survey_answer.question.survey.office_id != office.pk:
            raise _not_allowed()
        if not survey_answer.text.strip():
            raise Refused(_("Only a written answer can become a suggestion."), code="not_text")
        return
    if source in (SuggestionSource.MEETING, SuggestionSource.VISIT):
        if meeting is None or meeting.campaign.office_id != office.pk:
            raise _not_allowed()
        from huodong.engagement.permissions import can_manage_meeting

        if not (manager or can_manage_meeting(membership, meeting)):
            raise _not_allowed()
        return
    if source == SuggestionSource.ONLINE:
        if online_participation is None or not manager:
            raise _not_allowed()
        if online_participation.activity.campaign.office_id != office.pk:
            raise _not_allowed()
        return
    raise Refused(_("Choose where the suggestion comes from."), code="bad_source")


@transaction.atomic
def suggestion_create(
    *,
    actor: User | None,
    office: Office,
    text: str,
    source: str,
    campaign: Campaign | None = None,
    meeting: Meeting | None = None,
    survey_answer: Answer | None = None,
    online_participation: OnlineParticipation | None = None,
    submitter: Person | None = None,
    submitter_name: str = "",
    submitter_organisation: str = "",
    submitter_contact: str = "",
    is_anonymous: bool = False,
    category: SuggestionCategory | None = None,
    tags: Sequence[str] = (),
) -> Suggestion:
    """Record a suggestion in the office's pool, numbered in order of arrival.

    The source decides who may record it: anyone through the public mailbox (`actor` None);
    a staff member for themselves (the office also on someone's behalf); the office from a
    questionnaire answer or an online participation; the office or a meeting's organisers from
    a meeting or an enterprise visit. A questionnaire answer or an online participation becomes
    one suggestion only: recording it again returns the first.
    """
    _check_source(
        actor=actor,
        office=office,
        source=source,
        meeting=meeting,
        survey_answer=survey_answer,
        online_participation=online_participation,
    )
    text = _clean(text, limit=MAX_TEXT_CHARS, label=_("The suggestion"))
    if not text:
        raise Refused(_("Write the suggestion: its text is empty."), code="empty_text")
    submitter_name = _clean(submitter_name, limit=50, label=_("The name"))
    submitter_organisation = _clean(submitter_organisation, limit=100, label=_("The organisation"))
    submitter_contact = _clean(submitter_contact, limit=100, label=_("The contact"))
    if campaign is not None and campaign.office_id != office.pk:
        raise _not_allowed()
    if category is not None and category.office_id != office.pk:
        raise _not_allowed()
    tag_names = sorted({_clean(t, limit=30, label=_("A tag")) for t in tags} - {""})
    if len(tag_names) > MAX_TAGS:
        raise Refused(_("At most %(count)d tags.") % {"count": MAX_TAGS}, code="too_many_tags")

    if source == SuggestionSource.STAFF and actor is not None:
        membership = membership_of(actor)
        if submitter is None or not can_manage_pool(membership, office.pk):
            submitter = membership.person
    if submitter is not None and submitter.office_id != office.pk:
        raise _not_allowed()
    if is_anonymous:
        submitter = None
        submitter_name = submitter_organisation = submitter_contact = ""
    elif submitter is not None and not submitter_name:
        submitter_name = submitter.name

    number = _next_number(office)
    # After the office lock: a second recording of the same answer or participation waits
    # here for the first and then finds it.
    if survey_answer is not None:
        existing = Suggestion.objects.filter(survey_answer=survey_answer).first()
        if existing is not None:
            return existing
    if online_participation is not None:
        existing = Suggestion.objects.filter(online_participation=online_participation).first()
        if existing is not None:
            return existing
    if campaign is None:
        for linked in (meeting, online_participation):
            if linked is not None:
                campaign = (
                    linked.campaign if hasattr(linked, "campaign") else linked.activity.campaign
                )
        if survey_answer is not None:
            campaign = survey_answer.question.survey.campaign
    now = clock.now()
    suggestion = Suggestion.objects.create(
        office=office,
        campaign=campaign,
        number=number,
        text=text,
        source=source,
        meeting=meeting,
        survey_answer=survey_answer,
        online_participation=online_participation,
        submitter=submitter,
        submitter_name=submitter_name,
        submitter_organisation=submitter_organisation,
        submitter_contact=submitter_contact,
        is_anonymous=is_anonymous,
        category=category,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        created_at=now,
        updated_at=now,
    )
    if tag_names:
        existing_tags = {
            t.name: t for t in SuggestionTag.objects.filter(office=office, name__in=tag_names)
        }
        for name in tag_names:
            if name not in existing_tags:
                existing_tags[name] = SuggestionTag.objects.create(office=office, name=name)
        suggestion.tags.set(existing_tags.values())
    SuggestionEvent.objects.create(
        suggestion=suggestion,
        action="created",
        to_stage=suggestion.stage,
        actor=suggestion.created_by,
        at=now,
    )
    audit_record(
        actor=actor,
        action="suggestion.create",
        obj=suggestion,
        changes={"number": number, "source": source},
    )
    return suggestion
