"""Writes of the suggestion pool: recording a suggestion from any of its sources, correcting
it, answering its submitter and telling submitters what became of their suggestions.

Triage, evaluators and merging are in `pool_triage`; the office's statuses, categories and tags
in `pool_settings`; the public mailbox in `pool_mailbox`. Every change writes a
`SuggestionEvent` (the suggestion's history) and an audit record in the same transaction."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import Office, Person, User
from huodong.orgs.permissions import ANONYMOUS, membership_of
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.models import (
    SubmitterEmail,
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


def event_add(
    suggestion: Suggestion,
    action: str,
    *,
    actor: User | None,
    from_stage: str = "",
    to_stage: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> SuggestionEvent:
    """One line of the suggestion's history, written with the change it records."""
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=at or clock.now(),
    )


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
    tracking_code: str = "",
    address_hash: str = "",
) -> Suggestion:
    """Record a suggestion in the office's pool, numbered in order of arrival.

    The source decides who may record it: anyone through the public mailbox (`actor` None);
    a staff member for themselves (the office also on someone's behalf); the office from a
    questionnaire answer or an online participation; the office or a meeting's organisers from
    a meeting or an enterprise visit. A questionnaire answer or an online participation becomes
    one suggestion only: recording it again returns the first. So does a second recording with
    the same `tracking_code` (the public mailbox's one-time form token: a double click records
    once).
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
    if len(tracking_code) > 16:
        raise Refused(_("This form is not valid; reload the page."), code="bad_token")
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
    if tracking_code:
        existing = Suggestion.objects.filter(tracking_code=tracking_code).first()
        if existing is not None:
            if existing.office_id != office.pk:
                raise Refused(_("This form is not valid; reload the page."), code="bad_token")
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
        address_hash=address_hash[:64] if source == SuggestionSource.MAILBOX else "",
        **({"tracking_code": tracking_code} if tracking_code else {}),
    )
    if tag_names:
        suggestion.tags.set(tags_get_or_create(office_id=office.pk, names=tag_names))
    event_add(suggestion, "created", actor=actor, to_stage=suggestion.stage, at=now)
    audit_record(
        actor=actor,
        action="suggestion.create",
        obj=suggestion,
        changes={"number": number, "source": source},
    )
    return suggestion


# --- Shared by the pool's services ------------------------------------------------------------


def _manager_of(actor: User | None, office_id: int) -> None:
    if actor is None or not can_manage_pool(membership_of(actor), office_id):
        raise _not_allowed()


def lock_suggestions(
    *, actor: User | None, suggestions: Sequence[Suggestion | int]
) -> list[Suggestion]:
    """The suggestions locked in one order (no deadlock between two bulk actions), all of one
    office the actor manages; anything else is not allowed."""
    ids = sorted({s if isinstance(s, int) else s.pk for s in suggestions})
    if not ids:
        raise Refused(_("Choose at least one suggestion."), code="none_chosen")
    locked = list(Suggestion.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    offices = {s.office_id for s in locked}
    if len(locked) != len(ids) or len(offices) != 1:
        raise _not_allowed()
    _manager_of(actor, offices.pop())
    return locked


def refused_for(suggestion: Suggestion, exc: Refused) -> Refused:
    """A refusal in a bulk action, naming the suggestion that caused it."""
    return Refused(
        _("No. %(number)d: %(reason)s") % {"number": suggestion.number, "reason": exc.message},
        code=exc.code,
    )


def is_email(contact: str) -> bool:
    try:
        validate_email(contact)
    except ValidationError:
        return False
    return True


def _email_submitter(suggestion: Suggestion, *, key: str, subject: str, body: str) -> bool:
    """Write the e-mail to the suggestion's submitter (once per key) and have a task send it
    after commit: a slow or absent mail server neither holds the request nor undoes what the
    office recorded. False if this key was already e-mailed."""
    try:
        # A savepoint: a second decision with the same key aborts only its own insert.
        with transaction.atomic():
            email = SubmitterEmail.objects.create(
                suggestion=suggestion,
                key=key[:150],
                to=suggestion.submitter_contact,
                subject=subject[:200],
                body=body,
            )
    except IntegrityError:
        return False
    from huodong.suggestions.tasks import send_submitter_emails

    transaction.on_commit(lambda: send_submitter_emails.enqueue([email.pk]))
    return True


def tracking_url(suggestion: Suggestion) -> str:
    base = str(getattr(settings, "HUODONG_BASE_URL", "") or "").rstrip("/")
    return base + reverse("mailbox:track", args=[suggestion.tracking_code])


def _public_mail_body(suggestion: Suggestion, body: str) -> str:
    parts = [
        body,
        _("Your suggestion no. %(number)d: %(text)s")
        % {"number": suggestion.number, "text": suggestion.text[:200]},
        _("Follow it here: %(link)s") % {"link": tracking_url(suggestion)},
    ]
    return "\n\n".join(part for part in parts if part)


class AnswerChannel:
    """How an answer reaches the submitter (`answer_channel`)."""

    INBOX = "inbox"  # a staff member: their inbox (and its e-mail)
    EMAIL = "email"  # an outsider who left an e-mail address
    PHONE = "phone"  # an outsider who left a phone number: the office calls them
    TRACKING = "tracking"  # an outsider who left no contact: their tracking page only
    NONE = "none"  # anonymous, or nobody to answer


def answer_channel(suggestion: Suggestion) -> str:
    if suggestion.is_anonymous:
        return AnswerChannel.NONE
    submitter = suggestion.submitter
    if submitter is not None and submitter.user_id is not None:
        return AnswerChannel.INBOX
    contact = suggestion.submitter_contact
    if contact:
        return AnswerChannel.EMAIL if is_email(contact) else AnswerChannel.PHONE
    if suggestion.source == SuggestionSource.MAILBOX:
        return AnswerChannel.TRACKING
    return AnswerChannel.NONE


# --- Correcting and answering -----------------------------------------------------------------


class Unchanged(enum.Enum):
    """`suggestion_update(category=UNCHANGED)`: leave the category alone (None clears it)."""

    TOKEN = 0


UNCHANGED: Final = Unchanged.TOKEN


@transaction.atomic
def suggestion_update(
    *,
    actor: User,
    suggestion: Suggestion,
    category: SuggestionCategory | Literal[Unchanged.TOKEN] | None = UNCHANGED,
    tags: Sequence[str] | None = None,
    text: str | None = None,
) -> Suggestion:
    """The office files a suggestion (category, tags) or corrects a typo in its text; each
    change is a line of its history (a corrected text keeps the text it replaced)."""
    (locked,) = lock_suggestions(actor=actor, suggestions=[suggestion])
    changes: dict[str, object] = {}
    now = clock.now()
    if category is not UNCHANGED:
        new_category = category
        if new_category is not None and new_category.office_id != locked.office_id:
            raise _not_allowed()
        if locked.category_id != (new_category.pk if new_category else None):
            before = locked.category.name if locked.category else ""
            after = new_category.name if new_category else ""
            locked.category = new_category
            changes["category"] = [before, after]
            event_add(locked, "category", actor=actor, note=f"{before or '—'} → {after or '—'}")
    if tags is not None:
        names = sorted({_clean(t, limit=30, label=_("A tag")) for t in tags} - {""})
        if len(names) > MAX_TAGS:
            raise Refused(_("At most %(count)d tags.") % {"count": MAX_TAGS}, code="too_many_tags")
        before_tags = sorted(locked.tags.values_list("name", flat=True))
        if before_tags != names:
            locked.tags.set(tags_get_or_create(office_id=locked.office_id, names=names))
            changes["tags"] = [before_tags, names]
            event_add(locked, "tags", actor=actor, note="、".join(names) or "—")
    if text is not None:
        cleaned = _clean(text, limit=MAX_TEXT_CHARS, label=_("The suggestion"))
        if not cleaned:
            raise Refused(_("Write the suggestion: its text is empty."), code="empty_text")
        if cleaned != locked.text:
            event_add(locked, "text_corrected", actor=actor, note=locked.text, at=now)
            changes["text"] = True
            locked.text = cleaned
    if changes:
        locked.updated_at = now
        locked.save(update_fields=["category", "text", "updated_at"])
        audit_record(actor=actor, action="suggestion.update", obj=locked, changes=changes)
    return locked


def tags_get_or_create(*, office_id: int, names: Sequence[str]) -> list[SuggestionTag]:
    found = {t.name: t for t in SuggestionTag.objects.filter(office_id=office_id, name__in=names)}
    for name in names:
        if name not in found:
            found[name] = SuggestionTag.objects.create(office_id=office_id, name=name)
    return [found[name] for name in names]


MAX_ANSWER_CHARS = 2000


@transaction.atomic
def suggestion_answer(*, actor: User, suggestion: Suggestion, text: str) -> Suggestion:
    """Answer the submitter: a staff member in their inbox, an e-mail address by e-mail (after
    commit), a phone number by the office's call (the answer is also on the tracking page).
    Refused for an anonymous suggestion or one without anybody to answer."""
    (locked,) = lock_suggestions(actor=actor, suggestions=[suggestion])
    channel = answer_channel(locked)
    if channel == AnswerChannel.NONE:
        if locked.is_anonymous:
            raise Refused(
                _("This suggestion is anonymous: there is nobody to answer."), code="anonymous"
            )
        raise Refused(
            _("The submitter left no name or contact: there is nobody to answer."),
            code="no_contact",
        )
    text = _clean(text, limit=MAX_ANSWER_CHARS, label=_("The answer"))
    if not text:
        raise Refused(_("Write the answer: it is empty."), code="empty_answer")
    now = clock.now()
    locked.answer = text
    locked.answered_at = now
    locked.answered_by = actor
    locked.updated_at = now
    locked.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
    event = event_add(locked, "answered", actor=actor, note=text, at=now)
    audit_record(actor=actor, action="suggestion.answer", obj=locked, changes={"channel": channel})
    title = _("Your suggestion no. %(number)d has an answer") % {"number": locked.number}
    if channel == AnswerChannel.INBOX:
        from huodong.notifications.models import NotificationKind
        from huodong.notifications.services import notification_send

        assert locked.submitter is not None and locked.submitter.user is not None
        notification_send(
            actor=actor,
            recipients=[locked.submitter.user],
            kind=NotificationKind.OTHER,
            title=title,
            body=text,
            url=reverse("suggestions:mine"),
            dedupe_key=f"suggestion-answer:{locked.pk}:{event.pk}",
        )
    elif channel == AnswerChannel.EMAIL:
        _email_submitter(
            locked,
            key=f"answer:{event.pk}",
            subject=title,
            body=_public_mail_body(locked, text),
        )
    return locked


# --- Telling submitters -----------------------------------------------------------------------


@transaction.atomic
def suggestion_submitters_notify(
    *,
    suggestions: Sequence[Suggestion],
    title: str,
    body: str,
    url: str,
    dedupe_key: str,
) -> int:
    """Tell the identified submitters of these suggestions — and of the duplicates merged into
    them — that something happened (an outcome made of them moved, for instance).

    Staff submitters get an inbox message (and its e-mail); outsiders who left an e-mail address
    get an e-mail after commit, once per dedupe key; phone contacts read it on their tracking
    page. The caller has checked who may do this. Returns how many submitters were told.
    """
    from huodong.notifications.models import NotificationKind
    from huodong.notifications.services import notification_send

    ids = [s.pk for s in suggestions]
    if not ids:
        return 0
    reached = list(
        Suggestion.objects.filter(Q(pk__in=ids) | Q(duplicate_of__in=ids))
        .filter(is_anonymous=False)
        .select_related("submitter__user")
        .order_by("pk")
    )
    users: dict[int, User] = {}
    emails: dict[str, Suggestion] = {}
    for suggestion in reached:
        person = suggestion.submitter
        if person is not None and person.user is not None:
            users.setdefault(person.user.pk, person.user)
        elif suggestion.submitter_contact and is_email(suggestion.submitter_contact):
            emails.setdefault(suggestion.submitter_contact.lower(), suggestion)
    told = 0
    if users:
        told += len(
            notification_send(
                actor=None,
                recipients=users.values(),
                kind=NotificationKind.OTHER,
                title=title,
                body=body,
                url=url,
                dedupe_key=dedupe_key,
            )
        )
    for suggestion in emails.values():
        key = f"notify:{dedupe_key}"
        if _email_submitter(
            suggestion, key=key, subject=title, body=_public_mail_body(suggestion, body)
        ):
            event_add(suggestion, "submitter_emailed", actor=None, note=key)
            told += 1
    return told
