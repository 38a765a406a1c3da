"""Writes of the public column and the publicity log.

- Articles: a writer (the 宣传室, a unit head or contact) writes a draft, attaches a cover image
  and files, and submits it; the 宣传室 publishes it or returns it with a comment to its
  writer, who edits it and submits again; a published article can be withdrawn. The body is
  sanitised (`sanitize.sanitize_html`) on every save, so what is stored is what may be shown.
- Drafts from the records: a reflection recommended to the column, an awarded contest entry.
- Publishing records the article's website placement, once however often it is published.
- Placements: the office records any outing of a piece (channel, date, link), a writer those
  of their own pieces; both may delete them.

Every function checks who may act (`actor=None` is the system: the demo, commands), locks the
article it moves with select_for_update, writes an ArticleEvent and an audit record in the same
transaction, and raises a `PublicityError` (changing nothing) when it refuses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign, Task
from huodong.contests.models import ContestStatus, Entry, EntryStatus
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.stored_files import stored_file_add, upload_inspected
from huodong.core.uploads import Upload, UploadRefused
from huodong.orgs.models import Office, Unit, User
from huodong.orgs.permissions import Membership, membership_of
from huodong.participation.models import Reflection
from huodong.publicity import permissions
from huodong.publicity.errors import NotAllowed, Refused
from huodong.publicity.models import (
    Article,
    ArticleAttachment,
    ArticleCategory,
    ArticleEvent,
    ArticleStatus,
    CategoryKey,
    Channel,
    PublicityPlacement,
)
from huodong.publicity.sanitize import sanitize_html, text_to_html

__all__ = [
    "article_attachment_add",
    "article_attachment_delete",
    "article_create",
    "article_delete",
    "article_draft_from_award",
    "article_draft_from_reflection",
    "article_publish",
    "article_return",
    "article_submit",
    "article_update",
    "article_withdraw",
    "categories_ensure",
    "placement_add",
    "placement_delete",
]

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 200_000
MAX_COMMENT = 2_000
MAX_NOTE = 500
MAX_LINK = 500
MAX_ATTACHMENTS = 10
SUMMARY_FROM_TEXT = 120
DEFAULT_CATEGORIES = [
    (CategoryKey.NEWS, 1),
    (CategoryKey.REFLECTIONS, 2),
    (CategoryKey.CONTEST, 3),
    (CategoryKey.PROGRESS, 4),
]
_http_only = URLValidator(schemes=["http", "https"])
_TAG = re.compile(r"<[a-zA-Z!/?]")


# --- Helpers ------------------------------------------------------------------------------


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this with this article."), code="not_allowed")


def _standing(actor: User | None) -> tuple[Membership | None, int | None]:
    """The actor's membership (None for the system) and user id."""
    if actor is None:
        return None, None
    return membership_of(actor), actor.pk


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _event(
    article: Article, *, action: str, actor: User | None, from_status: str = "", comment: str = ""
) -> None:
    ArticleEvent.objects.create(
        article=article,
        action=action,
        from_status=from_status,
        to_status=article.status,
        comment=comment,
        actor=actor,
        at=clock.now(),
    )


def public_path(article: Article) -> str:
    return reverse("column:article", args=[article.office_id, article.pk])


def public_link(article: Article) -> str:
    """The article's public address, for the website line of the log."""
    base = str(getattr(settings, "HUODONG_BASE_URL", "") or "").rstrip("/")
    return f"{base}{public_path(article)}"


def _text(value: str, *, limit: int, field: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(_("Give the %(field)s.") % {"field": field}, code=f"{field}_missing")
    if len(value) > limit:
        raise Refused(
            _("The %(field)s is too long (at most %(n)d characters).")
            % {"field": field, "n": limit},
            code=f"{field}_too_long",
        )
    return value


def _body(body_html: str) -> str:
    """The body as stored: sanitised HTML; text without any tag becomes paragraphs."""
    body_html = (body_html or "").strip()
    if body_html and not _TAG.search(body_html):
        return text_to_html(body_html)
    return sanitize_html(body_html)


def _checked_fields(
    *,
    office_id: int,
    title: str,
    summary: str,
    body_html: str,
    category: ArticleCategory,
    campaign: Campaign | None,
    task: Task | None,
) -> dict[str, Any]:
    title = _text(title, limit=MAX_TITLE, field=_("title"), required=True)
    summary = _text(summary, limit=MAX_SUMMARY, field=_("summary"))
    if len(body_html or "") > MAX_BODY:
        raise Refused(_("The text is too long."), code="body_too_long")
    if category.office_id != office_id:
        raise Refused(_("Choose one of the column's categories."), code="category")
    if campaign is not None and campaign.office_id != office_id:
        raise Refused(_("Choose one of the office's campaigns."), code="campaign")
    if task is not None and (campaign is None or task.campaign_id != campaign.pk):
        raise Refused(_("The task must be one of the article's campaign."), code="task")
    return {
        "title": title,
        "summary": summary,
        "body_html": _body(body_html),
        "category": category,
        "campaign": campaign,
        "task": task,
    }


def _upload_refused(exc: UploadRefused) -> Refused:
    return Refused(exc.message, code=exc.code)


def _set_cover(article: Article, cover: Upload, actor: User | None) -> str | None:
    """Store the cover image on the (unsaved) article; the old file's name, to delete."""
    info = upload_inspected(cover, refused=_upload_refused)
    if not info.content_type.startswith("image/"):
        raise Refused(
            _("The cover must be an image (PNG, JPEG, GIF or WEBP)."), code="cover_not_image"
        )
    old = article.cover.name or None
    cover.seek(0)
    article.cover.save(info.name, cover, save=False)  # type: ignore[arg-type]
    article.cover_name = info.name
    article.cover_size = info.size
    article.cover_type = info.content_type
    # A transaction that fails after this must not leave the new file behind (_discard_new_files).
    new_files = getattr(article, "_new_files", [])
    new_files.append((article.cover.storage, article.cover.name))
    article._new_files = new_files  # type: ignore[attr-defined]
    return old


def _delete_after_commit(storage: Any, name: str | None) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _discard_new_files(article: Article) -> None:
    for storage, name in getattr(article, "_new_files", []):
        storage.delete(name)


def _unit_for(membership: Membership | None, unit: Unit | None) -> Unit | None:
    if unit is None or membership is None:
        return unit
    if permissions.is_reviewer(membership, unit.office_id):
        return unit
    if unit.pk not in permissions.writer_unit_ids(membership):
        raise Refused(_("Write only for your own unit."), code="unit")
    return unit


# --- Categories ---------------------------------------------------------------------------


@transaction.atomic
def categories_ensure(*, office: Office) -> list[ArticleCategory]:
    """The office's categories, with the four defaults created when first needed."""
    existing = {c.key: c for c in ArticleCategory.objects.filter(office=office).exclude(key="")}
    created = []
    for key, order in DEFAULT_CATEGORIES:
        if key in existing:
            continue
        name = str(key.label)
        if ArticleCategory.objects.filter(office=office, name=name).exists():
            name = f"{name}（{order}）"
        created.append(
            ArticleCategory.objects.create(office=office, key=key, name=name, order=order)
        )
    if created:
        audit_record(
            actor=None,
            action="publicity.categories_create",
            obj=office,
            changes={"categories": [c.name for c in created]},
        )
    return list(ArticleCategory.objects.filter(office=office).order_by("order", "id"))


def _category(office: Office, key: str) -> ArticleCategory:
    categories_ensure(office=office)
    return ArticleCategory.objects.get(office=office, key=key)


# --- Articles -----------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *,
    actor: User | None,
    office: Office,
    category: ArticleCategory,
    title: str,
    summary: str = "",
    body_html: str = "",
    campaign: Campaign | None = None,
    task: Task | None = None,
    unit: Unit | None = None,
    cover: Upload | None = None,
) -> Article:
    """A new draft by its writer."""
    membership, _user_id = _standing(actor)
    if membership is not None and not permissions.is_writer(membership, office.pk):
        raise _not_allowed()
    fields = _checked_fields(
        office_id=office.pk,
        title=title,
        summary=summary,
        body_html=body_html,
        category=category,
        campaign=campaign,
        task=task,
    )
    if (
        unit is None
        and membership is not None
        and not permissions.is_reviewer(membership, office.pk)
    ):
        unit_ids = sorted(permissions.writer_unit_ids(membership))
        unit = Unit.objects.filter(pk__in=unit_ids).first() if unit_ids else None
    now = clock.now()
    article = Article(
        office=office,
        author=actor,
        unit=_unit_for(membership, unit),
        status=ArticleStatus.DRAFT,
        created_at=now,
        updated_at=now,
        **fields,
    )
    try:
        if cover is not None:
            _set_cover(article, cover, actor)
        article.save()
        _event(article, action="created", actor=actor)
        audit_record(
            actor=actor,
            action="publicity.article_create",
            obj=article,
            changes={"title": article.title, "category": category.name},
        )
    except BaseException:
        _discard_new_files(article)
        raise
    return article


@transaction.atomic
def article_update(
    *,
    actor: User | None,
    article: Article,
    title: str,
    summary: str,
    body_html: str,
    category: ArticleCategory,
    campaign: Campaign | None = None,
    task: Task | None = None,
    cover: Upload | None = None,
    remove_cover: bool = False,
) -> Article:
    """The writer edits their draft (or a returned or withdrawn piece)."""
    membership, user_id = _standing(actor)
    row = _lock(article)
    if membership is not None and not permissions.can_edit(membership, user_id, row):
        if permissions.can_see(membership, user_id, row) and permissions.is_author(user_id, row):
            raise Refused(
                _("A piece awaiting review or published cannot be edited."), code="not_editable"
            )
        raise _not_allowed()
    if membership is None and row.status not in permissions.EDITABLE:
        raise Refused(
            _("A piece awaiting review or published cannot be edited."), code="not_editable"
        )
    fields = _checked_fields(
        office_id=row.office_id,
        title=title,
        summary=summary,
        body_html=body_html,
        category=category,
        campaign=campaign,
        task=task,
    )
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    for name, value in fields.items():
        setattr(row, name, value)
    old_cover: str | None = None
    storage = row.cover.storage
    try:
        if cover is not None:
            old_cover = _set_cover(row, cover, actor)
            changed.append("cover")
        elif remove_cover and row.cover:
            old_cover = row.cover.name
            row.cover = ""  # type: ignore[assignment]
            row.cover_name, row.cover_size, row.cover_type = "", None, ""
            changed.append("cover")
        row.updated_at = clock.now()
        row.save()
        _event(row, action="edited", actor=actor, from_status=row.status)
        audit_record(
            actor=actor, action="publicity.article_update", obj=row, changes={"fields": changed}
        )
    except BaseException:
        _discard_new_files(row)
        raise
    _delete_after_commit(storage, old_cover)
    return row


@transaction.atomic
def article_delete(*, actor: User | None, article: Article) -> None:
    """The writer deletes a draft never submitted."""
    membership, user_id = _standing(actor)
    row = _lock(article)
    if membership is not None and not permissions.can_edit(membership, user_id, row):
        raise _not_allowed()
    if row.status != ArticleStatus.DRAFT or row.submitted_at is not None:
        raise Refused(_("Only a draft never submitted can be deleted."), code="not_draft")
    files = [(a.file.storage, a.file.name) for a in row.attachments.all()]
    if row.cover:
        files.append((row.cover.storage, row.cover.name))
    audit_record(
        actor=actor, action="publicity.article_delete", obj=row, changes={"title": row.title}
    )
    row.delete()
    for storage, name in files:
        _delete_after_commit(storage, name)


def _attachment_logged(
    article: Article,
    actor: User | None,
    *,
    event: str,
    action: str,
    attachment: ArticleAttachment,
    changes: dict[str, Any] | None = None,
) -> None:
    """An attachment added or deleted: in the article's history and in the audit log."""
    _event(
        article,
        action=event,
        actor=actor,
        from_status=article.status,
        comment=attachment.original_name,
    )
    audit_record(
        actor=actor,
        action=action,
        obj=article,
        changes={"file": attachment.original_name, **(changes or {})},
    )


@transaction.atomic
def article_attachment_add(
    *, actor: User | None, article: Article, upload: Upload
) -> ArticleAttachment:
    membership, user_id = _standing(actor)
    row = _lock(article)
    if membership is not None and not permissions.can_edit(membership, user_id, row):
        raise _not_allowed()
    if ArticleAttachment.objects.filter(article=row).count() >= MAX_ATTACHMENTS:
        raise Refused(
            _("An article takes at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
            code="too_many",
        )
    return stored_file_add(
        ArticleAttachment,
        upload,
        actor=actor,
        refused=_upload_refused,
        then=lambda attachment: _attachment_logged(
            row,
            actor,
            event="attachment_added",
            action="publicity.attachment_add",
            attachment=attachment,
            changes={"size": attachment.size, "type": attachment.content_type},
        ),
        article=row,
    )


@transaction.atomic
def article_attachment_delete(*, actor: User | None, attachment: ArticleAttachment) -> None:
    membership, user_id = _standing(actor)
    row = _lock(attachment.article)
    if membership is not None and not permissions.can_edit(membership, user_id, row):
        raise _not_allowed()
    current = ArticleAttachment.objects.filter(pk=attachment.pk, article=row).first()
    if current is None:
        raise _not_allowed()
    _attachment_logged(
        row,
        actor,
        event="attachment_deleted",
        action="publicity.attachment_delete",
        attachment=current,
    )
    storage, name = current.file.storage, current.file.name
    current.delete()
    _delete_after_commit(storage, name)


@transaction.atomic
def article_submit(*, actor: User | None, article: Article) -> Article:
    """The writer sends the piece to the 宣传室 for review (待审核)."""
    membership, user_id = _standing(actor)
    row = _lock(article)
    if membership is not None and not (
        permissions.is_writer(membership, row.office_id) and permissions.is_author(user_id, row)
    ):
        raise _not_allowed()
    if row.status not in permissions.EDITABLE:
        raise Refused(_("This piece is not a draft."), code="not_draft")
    if not row.body_html.strip():
        raise Refused(_("Write the text before submitting."), code="body_missing")
    before = row.status
    row.status = ArticleStatus.SUBMITTED
    row.submitted_at = clock.now()
    row.updated_at = row.submitted_at
    row.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(row, action="submitted", actor=actor, from_status=before)
    audit_record(actor=actor, action="publicity.article_submit", obj=row, changes={"from": before})
    return row


def _reviewed(actor: User | None, article: Article, expected: str) -> tuple[Article, str]:
    membership, _user_id = _standing(actor)
    row = _lock(article)
    if membership is not None and not permissions.can_review(membership, row):
        raise _not_allowed()
    if row.status != expected:
        if expected == ArticleStatus.SUBMITTED:
            message = _("Only a piece awaiting review can be published or returned.")
        else:
            message = _("Only a published piece can be withdrawn.")
        raise Refused(message, code="wrong_status")
    return row, row.status


@transaction.atomic
def article_publish(*, actor: User | None, article: Article) -> Article:
    """The 宣传室 publishes a submitted piece: it goes public and its website line is logged."""
    row, before = _reviewed(actor, article, ArticleStatus.SUBMITTED)
    now = clock.now()
    row.status = ArticleStatus.PUBLISHED
    row.published_at = now
    row.reviewed_by = actor
    row.review_comment = ""
    row.updated_at = now
    row.save(
        update_fields=["status", "published_at", "reviewed_by", "review_comment", "updated_at"]
    )
    _event(row, action="published", actor=actor, from_status=before)
    audit_record(actor=actor, action="publicity.article_publish", obj=row, changes={})
    if not PublicityPlacement.objects.filter(article=row, channel=Channel.WEBSITE).exists():
        placement = PublicityPlacement.objects.create(
            office_id=row.office_id,
            campaign_id=row.campaign_id,
            article=row,
            title=row.title,
            channel=Channel.WEBSITE,
            date=timezone.localdate(now),
            link=public_link(row),
            task_id=row.task_id,
            recorded_by=actor,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="publicity.placement_add",
            obj=placement,
            changes={"channel": Channel.WEBSITE, "automatic": True},
        )
    return row


@transaction.atomic
def article_return(*, actor: User | None, article: Article, comment: str) -> Article:
    """The 宣传室 sends a submitted piece back to its writer with what to change."""
    comment = _text(comment, limit=MAX_COMMENT, field=_("comment"), required=True)
    row, before = _reviewed(actor, article, ArticleStatus.SUBMITTED)
    row.status = ArticleStatus.RETURNED
    row.review_comment = comment
    row.reviewed_by = actor
    row.updated_at = clock.now()
    row.save(update_fields=["status", "review_comment", "reviewed_by", "updated_at"])
    _event(row, action="returned", actor=actor, from_status=before, comment=comment)
    audit_record(
        actor=actor, action="publicity.article_return", obj=row, changes={"comment": comment}
    )
    return row


@transaction.atomic
def article_withdraw(*, actor: User | None, article: Article, reason: str = "") -> Article:
    """The 宣传室 takes a published piece off the public column."""
    reason = _text(reason, limit=MAX_COMMENT, field=_("reason"))
    row, before = _reviewed(actor, article, ArticleStatus.PUBLISHED)
    row.status = ArticleStatus.WITHDRAWN
    row.updated_at = clock.now()
    row.save(update_fields=["status", "updated_at"])
    _event(row, action="withdrawn", actor=actor, from_status=before, comment=reason)
    audit_record(
        actor=actor, action="publicity.article_withdraw", obj=row, changes={"reason": reason}
    )
    return row


def _summary_of(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat[:SUMMARY_FROM_TEXT] + ("……" if len(flat) > SUMMARY_FROM_TEXT else "")


def _source_refusal(exists: Article) -> Refused:
    return Refused(
        _("An article was already drafted from this (%(title)s).") % {"title": exists.title},
        code="already_drafted",
    )


@transaction.atomic
def article_draft_from_reflection(*, actor: User | None, reflection: Reflection) -> Article:
    """A draft in 心得推荐 from a reflection recommended to the column (the 宣传室)."""
    row = (
        Reflection.objects.select_for_update(of=("self",))
        .select_related("campaign", "person__unit")
        .get(pk=reflection.pk)
    )
    office = Office.objects.get(pk=row.campaign.office_id)
    membership, _user_id = _standing(actor)
    if membership is not None and not permissions.is_reviewer(membership, office.pk):
        raise _not_allowed()
    if not row.recommended_to_column:
        raise Refused(
            _("This reflection is not recommended to the column."), code="not_recommended"
        )
    existing = (
        Article.objects.filter(reflection=row).exclude(status=ArticleStatus.WITHDRAWN).first()
    )
    if existing is not None:
        raise _source_refusal(existing)
    byline = f"<p>{row.person.name}（{row.person.unit.name}）</p>"
    article = article_create(
        actor=actor,
        office=office,
        category=_category(office, CategoryKey.REFLECTIONS),
        title=row.title,
        summary=_summary_of(row.body),
        body_html=sanitize_html(byline) + "\n" + text_to_html(row.body),
        campaign=row.campaign,
    )
    article.reflection = row
    article.save(update_fields=["reflection"])
    audit_record(
        actor=actor,
        action="publicity.article_from_reflection",
        obj=article,
        changes={"reflection": row.pk},
    )
    return article


@transaction.atomic
def article_draft_from_award(*, actor: User | None, entry: Entry) -> Article:
    """A draft in 征文获奖 from an awarded entry of a contest whose results are out."""
    row = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("contest", "award", "author__unit")
        .get(pk=entry.pk)
    )
    contest = row.contest
    office = Office.objects.get(pk=contest.office_id)
    membership, _user_id = _standing(actor)
    if membership is not None and not permissions.is_reviewer(membership, office.pk):
        raise _not_allowed()
    if (
        row.award is None
        or row.status != EntryStatus.SUBMITTED
        or contest.status not in (ContestStatus.DECIDED, ContestStatus.PUBLISHED)
    ):
        raise Refused(_("This entry has no award decided."), code="not_awarded")
    existing = Article.objects.filter(entry=row).exclude(status=ArticleStatus.WITHDRAWN).first()
    if existing is not None:
        raise _source_refusal(existing)
    if row.author is not None:
        who = f"{row.author.name}（{row.author.unit.name}）"
    else:
        who = "，".join(p for p in (row.author_name, row.author_organisation) if p)
    heading = f"<p><strong>{contest.title} · {row.award.name}</strong></p><p>{who}</p>"
    campaign = contest.campaign if contest.campaign_id else None
    article = article_create(
        actor=actor,
        office=office,
        category=_category(office, CategoryKey.CONTEST),
        title=row.title,
        summary=_("%(contest)s, %(award)s") % {"contest": contest.title, "award": row.award.name},
        body_html=sanitize_html(heading) + "\n" + text_to_html(row.body),
        campaign=campaign,
    )
    article.entry = row
    article.award = row.award
    article.save(update_fields=["entry", "award"])
    audit_record(
        actor=actor,
        action="publicity.article_from_award",
        obj=article,
        changes={"entry": row.pk, "award": row.award.pk},
    )
    return article


# --- The publicity log --------------------------------------------------------------------


@transaction.atomic
def placement_add(
    *,
    actor: User | None,
    office: Office,
    campaign: Campaign,
    channel: str,
    date: dt.date,
    title: str = "",
    article: Article | None = None,
    link: str = "",
    note: str = "",
    task: Task | None = None,
) -> PublicityPlacement:
    """One line of the log: a piece out on a channel on a day, perhaps counted for a task."""
    membership, user_id = _standing(actor)
    if membership is not None and not permissions.can_record_placement(
        membership, user_id, office.pk, article
    ):
        raise NotAllowed(_("You may not record this placement."), code="not_allowed")
    if campaign.office_id != office.pk:
        raise NotAllowed(_("You may not record this placement."), code="not_allowed")
    if article is not None:
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.office_id != office.pk:
            raise NotAllowed(_("You may not record this placement."), code="not_allowed")
        if article.status != ArticleStatus.PUBLISHED:
            raise Refused(_("Only a published article goes out."), code="not_published")
    if channel not in Channel.values:
        raise Refused(_("Choose a channel."), code="channel")
    if date is None:
        raise Refused(_("Give the date."), code="date_missing")
    if task is not None and task.campaign_id != campaign.pk:
        raise Refused(_("The task must be one of the campaign's."), code="task")
    title = _text(
        title or (article.title if article else ""),
        limit=MAX_TITLE,
        field=_("title"),
        required=True,
    )
    link = (link or "").strip()
    if link:
        if len(link) > MAX_LINK:
            raise Refused(_("The link is too long."), code="link_too_long")
        try:
            _http_only(link)
        except ValidationError as exc:
            raise Refused(
                _("Give the link as an http:// or https:// address."), code="link"
            ) from exc
    note = _text(note, limit=MAX_NOTE, field=_("note"))
    if (
        channel == Channel.WEBSITE
        and article is not None
        and PublicityPlacement.objects.filter(article=article, channel=Channel.WEBSITE).exists()
    ):
        raise Refused(
            _("The article's website placement is already recorded."), code="website_twice"
        )
    placement = PublicityPlacement.objects.create(
        office=office,
        campaign=campaign,
        article=article,
        title=title,
        channel=channel,
        date=date,
        link=link,
        note=note,
        task=task,
        recorded_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="publicity.placement_add",
        obj=placement,
        changes={
            "channel": channel,
            "date": date.isoformat(),
            "article": getattr(article, "pk", None),
        },
    )
    return placement


@transaction.atomic
def placement_delete(*, actor: User | None, placement: PublicityPlacement) -> None:
    membership, user_id = _standing(actor)
    row = (
        PublicityPlacement.objects.select_for_update(of=("self",))
        .select_related("article")
        .filter(pk=placement.pk)
        .first()
    )
    if row is None:
        raise NotAllowed(_("You may not delete this placement."), code="not_allowed")
    if membership is not None and not permissions.can_delete_placement(membership, user_id, row):
        raise NotAllowed(_("You may not delete this placement."), code="not_allowed")
    audit_record(
        actor=actor,
        action="publicity.placement_delete",
        obj=row,
        changes={"channel": row.channel, "title": row.title, "date": row.date.isoformat()},
    )
    row.delete()
