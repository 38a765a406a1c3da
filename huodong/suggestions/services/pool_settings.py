"""The office's own statuses (each under one stage), categories and tags of suggestions.

A status in use is archived rather than deleted: the suggestions keep it, nobody chooses it
again. A category in use is not deleted (its suggestions would silently lose it): the office
moves them to another category first, or renames it. Deleting a tag takes it off its
suggestions (a tag is a light label; the audit record keeps which suggestions had it).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import Office, User
from huodong.suggestions.errors import Refused
from huodong.suggestions.models import (
    Suggestion,
    SuggestionCategory,
    SuggestionStatus,
    SuggestionTag,
)
from huodong.suggestions.services.pool import _clean, _manager_of
from huodong.suggestions.services.pool_triage import TRIAGE_STAGES


def _name(value: str, *, limit: int) -> str:
    name = _clean(value, limit=limit, label=_("The name"))
    if not name:
        raise Refused(_("Write the name."), code="empty_name")
    return name


def _taken() -> Refused:
    return Refused(_("The office already has one of this name."), code="name_taken")


_Named = TypeVar("_Named", SuggestionStatus, SuggestionCategory, SuggestionTag)


def _saved(obj: SuggestionStatus | SuggestionCategory | SuggestionTag, **kwargs: object) -> None:
    try:
        with transaction.atomic():
            obj.save(**kwargs)  # type: ignore[arg-type]
    except IntegrityError as exc:
        raise _taken() from exc


def _next_order(siblings: QuerySet[Any]) -> int:
    """A new entry goes last among its siblings."""
    top = siblings.aggregate(top=Max("sort_order"))["top"]
    return (top or 0) + 1


def _renamed(actor: User, obj: _Named, name: str, *, limit: int, action: str) -> _Named:
    """Rename the office's status, category or tag under lock (the same name changes nothing)."""
    _manager_of(actor, obj.office_id)
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    name = _name(name, limit=limit)
    if name != locked.name:
        before = locked.name
        locked.name = name
        _saved(locked, update_fields=["name"])
        audit_record(actor=actor, action=action, obj=locked, changes={"name": [before, name]})
    return locked


# --- Statuses ---------------------------------------------------------------------------------


@transaction.atomic
def suggestion_status_create(
    *, actor: User, office: Office, stage: str, name: str
) -> SuggestionStatus:
    """A status under one of the stages the office chooses (not duplicate nor converted)."""
    _manager_of(actor, office.pk)
    if stage not in TRIAGE_STAGES:
        raise Refused(_("Choose the stage the status belongs under."), code="bad_stage")
    name = _name(name, limit=40)
    order = _next_order(SuggestionStatus.objects.filter(office=office, stage=stage))
    status = SuggestionStatus(office=office, stage=stage, name=name, sort_order=order)
    _saved(status)
    audit_record(
        actor=actor,
        action="suggestion.status_create",
        obj=status,
        changes={"stage": stage, "name": name},
    )
    return status


@transaction.atomic
def suggestion_status_rename(
    *, actor: User, status: SuggestionStatus, name: str
) -> SuggestionStatus:
    return _renamed(actor, status, name, limit=40, action="suggestion.status_rename")


@transaction.atomic
def suggestion_status_archive(
    *, actor: User, status: SuggestionStatus, archived: bool = True
) -> SuggestionStatus:
    """Archive a status (kept by its suggestions, offered no more) or bring it back."""
    _manager_of(actor, status.office_id)
    locked = SuggestionStatus.objects.select_for_update().get(pk=status.pk)
    if (locked.archived_at is not None) != archived:
        locked.archived_at = clock.now() if archived else None
        locked.save(update_fields=["archived_at"])
        audit_record(
            actor=actor,
            action="suggestion.status_archive",
            obj=locked,
            changes={"archived": archived},
        )
    return locked


# --- Categories -------------------------------------------------------------------------------


@transaction.atomic
def suggestion_category_create(*, actor: User, office: Office, name: str) -> SuggestionCategory:
    _manager_of(actor, office.pk)
    name = _name(name, limit=40)
    order = _next_order(SuggestionCategory.objects.filter(office=office))
    category = SuggestionCategory(office=office, name=name, sort_order=order)
    _saved(category)
    audit_record(
        actor=actor, action="suggestion.category_create", obj=category, changes={"name": name}
    )
    return category


@transaction.atomic
def suggestion_category_rename(
    *, actor: User, category: SuggestionCategory, name: str
) -> SuggestionCategory:
    return _renamed(actor, category, name, limit=40, action="suggestion.category_rename")


@transaction.atomic
def suggestion_category_delete(*, actor: User, category: SuggestionCategory) -> None:
    """Delete an unused category; one in use is refused, saying how many suggestions have it."""
    _manager_of(actor, category.office_id)
    locked = SuggestionCategory.objects.select_for_update().filter(pk=category.pk).first()
    if locked is None:
        return
    used = Suggestion.objects.filter(category=locked).count()
    if used:
        raise Refused(
            _(
                "%(count)d suggestions are filed under “%(name)s”: move them to another "
                "category first, or rename it."
            )
            % {"count": used, "name": locked.name},
            code="category_used",
        )
    audit_record(
        actor=actor, action="suggestion.category_delete", obj=locked, changes={"name": locked.name}
    )
    locked.delete()


# --- Tags -------------------------------------------------------------------------------------


@transaction.atomic
def suggestion_tag_rename(*, actor: User, tag: SuggestionTag, name: str) -> SuggestionTag:
    return _renamed(actor, tag, name, limit=30, action="suggestion.tag_rename")


@transaction.atomic
def suggestion_tag_delete(*, actor: User, tag: SuggestionTag) -> None:
    """Take the tag off its suggestions and delete it."""
    _manager_of(actor, tag.office_id)
    locked = SuggestionTag.objects.select_for_update().filter(pk=tag.pk).first()
    if locked is None:
        return
    had = list(locked.suggestions.values_list("pk", flat=True))
    audit_record(
        actor=actor,
        action="suggestion.tag_delete",
        obj=locked,
        changes={"name": locked.name, "suggestions": had},
    )
    if had:
        Suggestion.objects.filter(pk__in=had).update(updated_at=clock.now())
    locked.delete()
