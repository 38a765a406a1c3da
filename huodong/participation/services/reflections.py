"""Writes of reflections (心得体会): drafts, submission, review, and text imported from Word.

Each function checks who may act (`permissions`), locks the reflection's row with
`select_for_update()` and changes it with a conditional UPDATE, so a stale editor tab or a double
click records nothing twice and overwrites nothing. `word_count` is recomputed from the body on
every write (`wordcount.word_count`). The audit record is written in the same transaction and
the notifications only after commit. A refusal raises a `ParticipationError` and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.docx_upload import docx_upload_paragraphs
from huodong.core.uploads import Upload, UploadRefused
from huodong.notifications.models import NotificationKind
from huodong.notifications.services import notification_send
from huodong.orgs.models import Person, Role, User
from huodong.orgs.permissions import membership_of
from huodong.originality.services import document_sync_reflection
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import Reflection, ReflectionReview, ReflectionStatus
from huodong.participation.permissions import can_review_reflection_of, takes_part
from huodong.participation.wordcount import word_count

__all__ = [
    "EDITABLE_STATUSES",
    "MAX_BODY_CHARS",
    "MAX_TITLE_CHARS",
    "ReviewDecision",
    "reflection_create",
    "reflection_import_docx",
    "reflection_review",
    "reflection_save",
    "reflection_submit",
    "reflection_withdraw",
]

EDITABLE_STATUSES = (ReflectionStatus.DRAFT, ReflectionStatus.RETURNED)
MAX_TITLE_CHARS = 200
# About 3000 characters are asked for; this leaves room for long pieces and refuses abuse.
MAX_BODY_CHARS = 50_000
# A first paragraph this short is taken as the title of a reflection imported from Word.
MAX_IMPORTED_TITLE_CHARS = 60


class ReviewDecision(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"
    EXCELLENT = "excellent"


_DECIDES = {
    ReviewDecision.ACCEPT: ReflectionStatus.ACCEPTED,
    ReviewDecision.RETURN: ReflectionStatus.RETURNED,
    ReviewDecision.EXCELLENT: ReflectionStatus.EXCELLENT,
}


# --- Helpers ------------------------------------------------------------------------------


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this with this reflection."), code="not_allowed")


def _stale() -> Refused:
    return Refused(
        _(
            "This reflection was saved elsewhere meanwhile (another tab or device); reload the "
            "page to see the latest text. Your changes here were not saved: copy them first."
        ),
        code="stale",
    )


def _status_refusal(status: str) -> Refused:
    if status == ReflectionStatus.SUBMITTED:
        return Refused(
            _("This reflection is already submitted and awaits review."),
            code="already_submitted",
        )
    if status in (ReflectionStatus.ACCEPTED, ReflectionStatus.EXCELLENT):
        return Refused(
            _("This reflection has already been reviewed and can no longer change."),
            code="already_reviewed",
        )
    return Refused(
        _("This cannot be done while the reflection is “%(status)s”.")
        % {"status": ReflectionStatus(status).label},
        code=f"not_from_{status}",
    )


def _clean_body(body: str) -> str:
    # Browsers post CRLF; the text is kept with plain line feeds and no trailing blank space.
    return body.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _check_text(title: str, body: str) -> tuple[str, str]:
    title = " ".join(title.split())
    body = _clean_body(body)
    if not title:
        raise Refused(_("Give the reflection a title."), code="title_required")
    if len(title) > MAX_TITLE_CHARS:
        raise Refused(
            _("The title is too long (at most %(n)d characters).") % {"n": MAX_TITLE_CHARS},
            code="title_too_long",
        )
    if len(body) > MAX_BODY_CHARS:
        raise Refused(
            _("The text is too long (at most %(n)d characters).") % {"n": MAX_BODY_CHARS},
            code="too_long",
        )
    return title, body


def _writer_of(actor: User, campaign: Campaign) -> Person:
    membership = membership_of(actor)
    if not takes_part(membership, campaign) or membership.person is None:
        raise _not_allowed()
    return membership.person


def _lock_own(actor: User, reflection: Reflection) -> Reflection:
    """The reflection, locked, if the actor wrote it."""
    locked = (
        Reflection.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .filter(pk=reflection.pk)
        .first()
    )
    if locked is None:
        raise _not_allowed()
    person = membership_of(actor).person
    if person is None or person.pk != locked.person_id:
        raise _not_allowed()
    locked.person = person  # the writer, already read: no query when it is needed
    return locked


def _record(
    reflection: Reflection, *, previous: str, actor: User, comment: str = ""
) -> ReflectionReview:
    return ReflectionReview.objects.create(
        reflection=reflection,
        from_status=previous,
        to_status=reflection.status,
        comment=comment,
        word_count=reflection.word_count,
        actor=actor,
        at=clock.now(),
    )


def _reflection_url(reflection: Reflection) -> str:
    return reverse("participation:reflection", args=[reflection.pk])


def _notify_after_commit(
    *,
    actor: User,
    review: ReflectionReview,
    recipients: list[User],
    title: str,
    body: str,
    url: str,
) -> None:
    recipients = [user for user in recipients if user.pk != actor.pk]
    if not recipients:
        return

    def send() -> None:
        notification_send(
            actor=actor,
            recipients=recipients,
            kind=NotificationKind.REVIEW,
            title=title,
            body=body,
            url=url,
            dedupe_key=f"participation.reflection_review.{review.pk}",
        )

    transaction.on_commit(send, robust=True)


def _branch_secretaries(writer: Person) -> list[User]:
    if writer.branch_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            person__office_id=writer.office_id,
            person__roles__role=Role.BRANCH_SECRETARY,
            person__roles__unit_id=writer.branch_id,
        ).distinct()
    )


# --- Drafts -------------------------------------------------------------------------------


@transaction.atomic
def reflection_create(*, actor: User, campaign: Campaign, title: str, body: str = "") -> Reflection:
    """A new draft of the actor's own; a person may write several in one campaign."""
    writer = _writer_of(actor, campaign)
    title, body = _check_text(title, body)
    reflection = Reflection.objects.create(
        campaign=campaign,
        person=writer,
        title=title,
        body=body,
        word_count=word_count(body),
    )
    audit_record(
        actor=actor,
        action="reflection.create",
        obj=reflection,
        changes={"campaign": campaign.pk, "word_count": reflection.word_count},
    )
    return reflection


@transaction.atomic
def reflection_save(
    *, actor: User, reflection: Reflection, title: str, body: str, version: int
) -> Reflection:
    """Save a draft (or a returned reflection) the writer edited from `version`.

    A tab that started from an older version is refused and overwrites nothing; saving the same
    text again changes nothing, not even the version.
    """
    locked = _lock_own(actor, reflection)
    if locked.status not in EDITABLE_STATUSES:
        raise _status_refusal(locked.status)
    if version != locked.version:
        raise _stale()
    title, body = _check_text(title, body)
    if (title, body) == (locked.title, locked.body):
        return locked
    count = word_count(body)
    at = clock.now()
    saved = Reflection.objects.filter(
        pk=locked.pk, version=version, status__in=EDITABLE_STATUSES
    ).update(title=title, body=body, word_count=count, version=F("version") + 1, updated_at=at)
    if not saved:
        raise _stale()
    previous_count = locked.word_count
    # The row is locked and the update matched `version`: it now holds exactly these values.
    locked.title, locked.body, locked.word_count = title, body, count
    locked.version, locked.updated_at = version + 1, at
    audit_record(
        actor=actor,
        action="reflection.save",
        obj=locked,
        changes={"version": [version, locked.version], "word_count": [previous_count, count]},
    )
    return locked


# --- Submission and review ----------------------------------------------------------------


@transaction.atomic
def reflection_submit(
    *, actor: User, reflection: Reflection, version: int | None = None
) -> Reflection:
    """Submit a draft or a returned reflection for review; from now on it counts.

    Two submits at once (a double click, two tabs) record one submission: the row is locked and
    moved with a conditional update; the second is told it is already submitted.
    """
    locked = _lock_own(actor, reflection)
    previous = locked.status
    if previous not in EDITABLE_STATUSES:
        raise _status_refusal(previous)
    if version is not None and version != locked.version:
        raise _stale()
    if not locked.body.strip() or locked.word_count == 0:
        raise Refused(_("Write the reflection before submitting it."), code="empty")
    at = clock.now()
    submitted = {
        "status": ReflectionStatus.SUBMITTED,
        "submitted_at": at,
        "reviewed_at": None,
        "reviewed_by": None,
        "review_comment": "",
        "recommended_to_column": False,
        "updated_at": at,
    }
    moved = Reflection.objects.filter(pk=locked.pk, status=previous).update(**submitted)
    if not moved:
        raise _status_refusal(Reflection.objects.get(pk=locked.pk).status)
    # The row is locked and the update matched `previous`: it now holds exactly these values.
    for name, value in submitted.items():
        setattr(locked, name, value)
    review = _record(locked, previous=previous, actor=actor)
    audit_record(
        actor=actor,
        action="reflection.submit",
        obj=locked,
        changes={"status": [previous, locked.status], "word_count": locked.word_count},
    )
    writer = locked.person
    _notify_after_commit(
        actor=actor,
        review=review,
        recipients=_branch_secretaries(writer),
        title=_("%(name)s submitted a reflection for review") % {"name": writer.name},
        body=locked.title,
        url=_reflection_url(locked),
    )
    # What was submitted is checked for originality after commit (查重).
    document_sync_reflection(reflection=locked)
    return locked


@transaction.atomic
def reflection_withdraw(*, actor: User, reflection: Reflection) -> Reflection:
    """The writer takes a submitted reflection back to a draft before it is reviewed."""
    locked = _lock_own(actor, reflection)
    previous = locked.status
    if previous != ReflectionStatus.SUBMITTED:
        raise Refused(
            _("Only a submitted reflection that has not been reviewed can be withdrawn."),
            code="not_submitted",
        )
    moved = Reflection.objects.filter(pk=locked.pk, status=previous).update(
        status=ReflectionStatus.DRAFT, submitted_at=None, updated_at=clock.now()
    )
    if not moved:
        raise Refused(
            _("Only a submitted reflection that has not been reviewed can be withdrawn."),
            code="not_submitted",
        )
    locked.refresh_from_db()
    _record(locked, previous=previous, actor=actor)
    audit_record(
        actor=actor,
        action="reflection.withdraw",
        obj=locked,
        changes={"status": [previous, locked.status]},
    )
    return locked


@transaction.atomic
def reflection_review(
    *,
    actor: User,
    reflection: Reflection,
    decision: str,
    comment: str = "",
    recommend: bool = False,
) -> Reflection:
    """The writer's branch secretary or the office accepts a submitted reflection, returns it
    with comments, or marks it excellent (and may recommend it to the public column)."""
    try:
        chosen = ReviewDecision(decision)
    except ValueError as exc:
        raise Refused(_("Choose how the reflection is reviewed."), code="bad_decision") from exc
    locked = (
        Reflection.objects.select_for_update(of=("self",))
        .select_related("campaign", "person")
        .filter(pk=reflection.pk)
        .first()
    )
    if locked is None:
        raise _not_allowed()
    writer = locked.person
    if not can_review_reflection_of(membership_of(actor), locked.campaign, writer):
        raise _not_allowed()
    comment = _clean_body(comment).strip()
    if chosen == ReviewDecision.RETURN and not comment:
        raise Refused(
            _("Say what should be revised when returning a reflection."), code="comment_required"
        )
    if recommend and chosen != ReviewDecision.EXCELLENT:
        raise Refused(
            _("Only a reflection marked excellent can be recommended to the public column."),
            code="recommend_needs_excellent",
        )
    previous = locked.status
    if previous != ReflectionStatus.SUBMITTED:
        if previous in (ReflectionStatus.ACCEPTED, ReflectionStatus.EXCELLENT):
            raise _status_refusal(previous)
        raise Refused(
            _("Only a submitted reflection can be reviewed; this one is “%(status)s”.")
            % {"status": ReflectionStatus(previous).label},
            code="not_submitted",
        )
    at = clock.now()
    to = _DECIDES[chosen]
    moved = Reflection.objects.filter(pk=locked.pk, status=previous).update(
        status=to,
        reviewed_at=at,
        reviewed_by=actor,
        review_comment=comment,
        recommended_to_column=recommend,
        updated_at=at,
    )
    if not moved:
        raise _status_refusal(Reflection.objects.get(pk=locked.pk).status)
    locked.refresh_from_db()
    review = _record(locked, previous=previous, actor=actor, comment=comment)
    audit_record(
        actor=actor,
        action="reflection.review",
        obj=locked,
        changes={
            "status": [previous, to],
            "recommended": recommend,
            **({"comment": comment} if comment else {}),
        },
    )
    titles = {
        ReviewDecision.ACCEPT: _("Your reflection “%(title)s” was accepted"),
        ReviewDecision.RETURN: _("Your reflection “%(title)s” was returned for revision"),
        ReviewDecision.EXCELLENT: _("Your reflection “%(title)s” was marked excellent"),
    }
    if chosen == ReviewDecision.EXCELLENT and recommend:
        titles[chosen] = _(
            "Your reflection “%(title)s” was marked excellent and recommended to the public column"
        )
    _notify_after_commit(
        actor=actor,
        review=review,
        recipients=[writer.user] if writer.user is not None else [],
        title=titles[chosen] % {"title": locked.title},
        body=comment,
        url=_reflection_url(locked),
    )
    return locked


# --- Import from Word ---------------------------------------------------------------------


def _read_docx(upload: Upload) -> tuple[list[str], str]:
    """The paragraphs of an uploaded .docx and its cleaned file name; raises Refused."""
    try:
        return docx_upload_paragraphs(
            upload,
            not_docx=_(
                "Only Word documents (.docx) can be imported. Open the file in Word or WPS, save "
                "it as .docx and upload it again, or paste the text into the editor."
            ),
            no_text=_("The Word document has no text to import."),
        )
    except UploadRefused as exc:
        raise Refused(exc.message, code=exc.code) from exc


@transaction.atomic
def reflection_import_docx(
    *,
    actor: User,
    upload: Upload,
    reflection: Reflection | None = None,
    campaign: Campaign | None = None,
    version: int | None = None,
) -> Reflection:
    """Fill a reflection's text from an uploaded Word .docx.

    With `reflection`, its text is replaced (it must be the actor's draft or returned one, still
    at `version` if given); with `campaign`, a new draft is made, titled from the document's
    short first paragraph or else its file name. The upload passes the shared check
    (`core.uploads.inspect_upload`: size, zip bombs, macros) and must be a real .docx; a refused
    file leaves everything as it was.
    """
    if (reflection is None) == (campaign is None):
        raise ValueError("give either a reflection or a campaign")
    if reflection is not None:
        # Who may act and on what comes before looking into the file.
        locked = _lock_own(actor, reflection)
        if locked.status not in EDITABLE_STATUSES:
            raise _status_refusal(locked.status)
        if version is not None and version != locked.version:
            raise _stale()
        paragraphs, name = _read_docx(upload)
        if len(paragraphs) > 1 and paragraphs[0] == locked.title:
            paragraphs = paragraphs[1:]
        saved = reflection_save(
            actor=actor,
            reflection=locked,
            title=locked.title,
            body=_join(paragraphs),
            version=locked.version,
        )
        audit_record(
            actor=actor,
            action="reflection.import_docx",
            obj=saved,
            changes={"file": name, "word_count": saved.word_count},
        )
        return saved
    assert campaign is not None
    _writer_of(actor, campaign)
    paragraphs, name = _read_docx(upload)
    title = PurePosixPath(name).stem or _("Reflection")
    if len(paragraphs) > 1 and len(paragraphs[0]) <= MAX_IMPORTED_TITLE_CHARS:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    created = reflection_create(
        actor=actor, campaign=campaign, title=title[:MAX_TITLE_CHARS], body=_join(paragraphs)
    )
    audit_record(
        actor=actor,
        action="reflection.import_docx",
        obj=created,
        changes={"file": name, "word_count": created.word_count},
    )
    return created


def _join(paragraphs: list[str]) -> str:
    body = "\n".join(paragraphs)
    if len(body) > MAX_BODY_CHARS:
        raise Refused(
            _("The document is too long (at most %(n)d characters).") % {"n": MAX_BODY_CHARS},
            code="too_long",
        )
    return body
