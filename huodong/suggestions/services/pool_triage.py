"""Triage of the suggestion pool: stages and statuses, evaluators and their opinions, merging
near-duplicates, and the bulk actions of the list.

Every function takes the rows it changes under `select_for_update` (in id order) and checks
them under the lock. A bulk action is one transaction: the first refused suggestion refuses the
whole action, naming it, and nothing is saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import Person, User
from huodong.orgs.permissions import membership_of
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.models import (
    OutcomeSuggestion,
    Stage,
    Suggestion,
    SuggestionCategory,
    SuggestionEvaluation,
    SuggestionStatus,
)
from huodong.suggestions.services.pool import (
    _clean,
    _not_allowed,
    event_add,
    lock_suggestions,
    refused_for,
    tags_get_or_create,
)

# The stages an office member chooses; DUPLICATE comes from merging, CONVERTED from linking
# the suggestion to an outcome.
TRIAGE_STAGES = (
    Stage.RECEIVED,
    Stage.EVALUATING,
    Stage.VALUABLE,
    Stage.ADOPTED,
    Stage.NOT_ADOPTED,
)
# What an evaluator may recommend.
RECOMMENDED_STAGES = (Stage.VALUABLE, Stage.ADOPTED, Stage.NOT_ADOPTED)
MAX_REASON_CHARS = 2000
MAX_OPINION_CHARS = 3000
MAX_BULK = 500


def _bulk(actor: User, suggestions: Sequence[Suggestion | int]) -> list[Suggestion]:
    if len(suggestions) > MAX_BULK:
        raise Refused(
            _("At most %(count)d suggestions at once.") % {"count": MAX_BULK}, code="too_many"
        )
    return lock_suggestions(actor=actor, suggestions=suggestions)


# --- Stages and statuses ----------------------------------------------------------------------


def _status_for(
    status: SuggestionStatus | int | None, *, office_id: int, stage: str
) -> SuggestionStatus | None:
    if status is None:
        return None
    status_id = status if isinstance(status, int) else status.pk
    found = SuggestionStatus.objects.filter(pk=status_id).first()
    if found is None or found.office_id != office_id:
        raise Refused(_("This status is not one of the office's."), code="bad_status")
    if found.archived_at is not None:
        raise Refused(_("This status is archived: choose another."), code="archived_status")
    if found.stage != stage:
        raise Refused(
            _("The status “%(status)s” belongs under “%(stage)s”.")
            % {"status": found.name, "stage": Stage(found.stage).label},
            code="status_stage",
        )
    return found


def _has_outcome(suggestion: Suggestion) -> bool:
    return OutcomeSuggestion.objects.filter(suggestion_id=suggestion.pk).exists()


def _triage_one(
    actor: User,
    suggestion: Suggestion,
    *,
    stage: str,
    status: SuggestionStatus | None,
    reason: str,
) -> bool:
    """Move one locked suggestion; whether anything changed."""
    if suggestion.stage == Stage.DUPLICATE:
        raise Refused(
            _("It is merged into another suggestion: unmerge it first."), code="is_duplicate"
        )
    if suggestion.stage == Stage.CONVERTED and _has_outcome(suggestion):
        raise Refused(_("It became an outcome: its stage follows the outcome."), code="converted")
    if stage == Stage.NOT_ADOPTED and not reason:
        raise Refused(_("Say why it is not adopted."), code="reason_required")
    # The reason stays with "not adopted"; any other note goes into the history only.
    new_reason = reason if stage == Stage.NOT_ADOPTED else ""
    if (
        suggestion.stage == stage
        and suggestion.status_id == (status.pk if status else None)
        and suggestion.reason == new_reason
    ):
        return False
    before = suggestion.stage
    note = " · ".join(part for part in (status.name if status else "", reason) if part)
    suggestion.stage = stage
    suggestion.status = status
    suggestion.reason = new_reason
    suggestion.updated_at = clock.now()
    suggestion.save(update_fields=["stage", "status", "reason", "updated_at"])
    event_add(suggestion, "triaged", actor=actor, from_stage=before, to_stage=stage, note=note)
    return True


def _triage_stage(stage: str) -> str:
    if stage not in TRIAGE_STAGES:
        if stage == Stage.DUPLICATE:
            raise Refused(
                _("A suggestion becomes a duplicate by merging it into its original."),
                code="stage_by_merge",
            )
        if stage == Stage.CONVERTED:
            raise Refused(
                _("A suggestion is converted by linking it to an outcome."),
                code="stage_by_outcome",
            )
        raise Refused(_("Choose a stage."), code="bad_stage")
    return stage


@transaction.atomic
def suggestion_triage(
    *,
    actor: User,
    suggestion: Suggestion,
    stage: str,
    status: SuggestionStatus | int | None = None,
    reason: str = "",
) -> Suggestion:
    """Move a suggestion to a stage (and one of the office's statuses under it). Not adopted
    needs a reason; a duplicate is unmerged first; a converted one follows its outcome."""
    changed = suggestion_triage_bulk(
        actor=actor, suggestions=[suggestion], stage=stage, status=status, reason=reason
    )
    return changed[0]


@transaction.atomic
def suggestion_triage_bulk(
    *,
    actor: User,
    suggestions: Sequence[Suggestion | int],
    stage: str,
    status: SuggestionStatus | int | None = None,
    reason: str = "",
) -> list[Suggestion]:
    """`suggestion_triage` for several suggestions at once, all or none."""
    stage = _triage_stage(stage)
    reason = _clean(reason, limit=MAX_REASON_CHARS, label=_("The reason"))
    locked = _bulk(actor, suggestions)
    office_id = locked[0].office_id
    chosen = _status_for(status, office_id=office_id, stage=stage)
    changed = []
    for suggestion in locked:
        try:
            if _triage_one(actor, suggestion, stage=stage, status=chosen, reason=reason):
                changed.append(suggestion.pk)
        except Refused as exc:
            raise refused_for(suggestion, exc) from exc
    if changed:
        audit_record(
            actor=actor,
            action="suggestion.triage",
            obj=locked[0] if len(locked) == 1 else None,
            changes={
                "suggestions": changed,
                "stage": stage,
                "status": chosen.pk if chosen else None,
            },
        )
    return locked


# --- Filing in bulk ---------------------------------------------------------------------------


@transaction.atomic
def suggestion_tag_add(
    *, actor: User, suggestions: Sequence[Suggestion | int], name: str
) -> list[Suggestion]:
    """Add one tag (made if new) to each suggestion."""
    name = _clean(name, limit=30, label=_("A tag"))
    if not name:
        raise Refused(_("Write the tag."), code="empty_tag")
    locked = _bulk(actor, suggestions)
    (tag,) = tags_get_or_create(office_id=locked[0].office_id, names=[name])
    had = set(
        Suggestion.tags.through.objects.filter(
            suggestiontag_id=tag.pk, suggestion_id__in=[s.pk for s in locked]
        ).values_list("suggestion_id", flat=True)
    )
    added = [s for s in locked if s.pk not in had]
    from huodong.suggestions.services.pool import MAX_TAGS

    counts: dict[int, int] = {}
    for suggestion_id in Suggestion.tags.through.objects.filter(
        suggestion_id__in=[s.pk for s in added]
    ).values_list("suggestion_id", flat=True):
        counts[suggestion_id] = counts.get(suggestion_id, 0) + 1
    for suggestion in added:
        if counts.get(suggestion.pk, 0) >= MAX_TAGS:
            raise refused_for(
                suggestion,
                Refused(_("At most %(count)d tags.") % {"count": MAX_TAGS}, code="too_many_tags"),
            )
    Suggestion.tags.through.objects.bulk_create(
        [Suggestion.tags.through(suggestion_id=s.pk, suggestiontag_id=tag.pk) for s in added]
    )
    now = clock.now()
    for suggestion in added:
        event_add(suggestion, "tag_added", actor=actor, note=name, at=now)
    if added:
        Suggestion.objects.filter(pk__in=[s.pk for s in added]).update(updated_at=now)
        audit_record(
            actor=actor,
            action="suggestion.tag_add",
            obj=tag,
            changes={"suggestions": [s.pk for s in added]},
        )
    return locked


@transaction.atomic
def suggestion_category_set(
    *,
    actor: User,
    suggestions: Sequence[Suggestion | int],
    category: SuggestionCategory | None,
) -> list[Suggestion]:
    """File each suggestion under one category (None: no category)."""
    locked = _bulk(actor, suggestions)
    if category is not None and category.office_id != locked[0].office_id:
        raise _not_allowed()
    names = dict(
        SuggestionCategory.objects.filter(
            pk__in={s.category_id for s in locked if s.category_id}
        ).values_list("pk", "name")
    )
    now = clock.now()
    changed = []
    for suggestion in locked:
        if suggestion.category_id == (category.pk if category else None):
            continue
        before = names.get(suggestion.category_id or 0, "")
        after = category.name if category else ""
        event_add(
            suggestion, "category", actor=actor, note=f"{before or '—'} → {after or '—'}", at=now
        )
        changed.append(suggestion.pk)
    if changed:
        Suggestion.objects.filter(pk__in=changed).update(category=category, updated_at=now)
        audit_record(
            actor=actor,
            action="suggestion.category_set",
            obj=category,
            changes={"suggestions": changed},
        )
    return locked


# --- Evaluators -------------------------------------------------------------------------------


def _evaluator_people(office_id: int, evaluators: Sequence[Person | int]) -> list[Person]:
    ids = sorted({e if isinstance(e, int) else e.pk for e in evaluators})
    if not ids:
        raise Refused(_("Choose at least one evaluator."), code="no_evaluator")
    people = list(Person.objects.filter(pk__in=ids).select_related("user").order_by("pk"))
    if len(people) != len(ids) or any(p.office_id != office_id for p in people):
        raise Refused(_("An evaluator must be a member of the office."), code="bad_evaluator")
    for person in people:
        if person.user is None or not person.user.is_active:
            raise Refused(
                _("%(name)s has no login and cannot give an opinion.") % {"name": person.name},
                code="evaluator_no_login",
            )
    return people


@transaction.atomic
def suggestion_evaluators_assign(
    *,
    actor: User,
    suggestions: Sequence[Suggestion | int],
    evaluators: Sequence[Person | int],
) -> list[SuggestionEvaluation]:
    """Ask members of the office for their opinion; a received suggestion moves to "being
    evaluated". Each evaluator is told once in their inbox; being assigned twice changes
    nothing. Returns the new assignments."""
    locked = _bulk(actor, suggestions)
    office_id = locked[0].office_id
    people = _evaluator_people(office_id, evaluators)
    for suggestion in locked:
        if suggestion.stage == Stage.DUPLICATE:
            raise refused_for(
                suggestion,
                Refused(
                    _("It is merged into another suggestion: evaluate the original."),
                    code="is_duplicate",
                ),
            )
    existing = set(
        SuggestionEvaluation.objects.filter(
            suggestion__in=locked, evaluator__in=people
        ).values_list("suggestion_id", "evaluator_id")
    )
    now = clock.now()
    new = [
        SuggestionEvaluation(
            suggestion=suggestion, evaluator=person, assigned_by=actor, assigned_at=now
        )
        for suggestion in locked
        for person in people
        if (suggestion.pk, person.pk) not in existing
    ]
    if not new:
        return []
    SuggestionEvaluation.objects.bulk_create(new)
    names = {p.pk: p.name for p in people}
    by_suggestion: dict[int, list[str]] = {}
    for evaluation in new:
        by_suggestion.setdefault(evaluation.suggestion_id, []).append(
            names[evaluation.evaluator_id]
        )
    moved = []
    for suggestion in locked:
        if suggestion.pk not in by_suggestion:
            continue
        before = suggestion.stage
        to_stage = Stage.EVALUATING if before == Stage.RECEIVED else ""
        event_add(
            suggestion,
            "evaluators",
            actor=actor,
            from_stage=before if to_stage else "",
            to_stage=to_stage,
            note="、".join(by_suggestion[suggestion.pk]),
            at=now,
        )
        if to_stage:
            suggestion.stage = to_stage
            suggestion.status = None
            moved.append(suggestion.pk)
    if moved:
        Suggestion.objects.filter(pk__in=moved).update(
            stage=Stage.EVALUATING, status=None, updated_at=now
        )
    audit_record(
        actor=actor,
        action="suggestion.evaluators",
        obj=locked[0] if len(locked) == 1 else None,
        changes={"suggestions": sorted(by_suggestion), "evaluators": [p.pk for p in people]},
    )
    _tell_evaluators(actor, new, people)
    return new


def _tell_evaluators(actor: User, new: list[SuggestionEvaluation], people: list[Person]) -> None:
    from huodong.notifications.models import NotificationKind
    from huodong.notifications.services import notification_send

    for person in people:
        mine = sorted(e.suggestion_id for e in new if e.evaluator_id == person.pk)
        if not mine or person.user is None:
            continue
        digest = hashlib.sha256(",".join(map(str, mine)).encode()).hexdigest()[:16]
        notification_send(
            actor=actor,
            recipients=[person.user],
            kind=NotificationKind.OTHER,
            title=ngettext(
                "%(count)d suggestion awaits your evaluation",
                "%(count)d suggestions await your evaluation",
                len(mine),
            )
            % {"count": len(mine)},
            url=reverse("suggestions:evaluations"),
            dedupe_key=f"suggestion-evaluate:{person.pk}:{digest}",
        )


@transaction.atomic
def evaluation_give(
    *, actor: User, suggestion: Suggestion, opinion: str, recommended_stage: str
) -> SuggestionEvaluation:
    """The assigned evaluator's opinion and recommendation (given again, it replaces theirs)."""
    membership = membership_of(actor)
    person = membership.person
    evaluation = (
        SuggestionEvaluation.objects.select_for_update()
        .filter(suggestion_id=suggestion.pk, evaluator=person)
        .first()
        if person is not None
        else None
    )
    if evaluation is None:
        raise NotAllowed(_("You are not an evaluator of this suggestion."), code="not_evaluator")
    opinion = _clean(opinion, limit=MAX_OPINION_CHARS, label=_("The opinion"))
    if not opinion:
        raise Refused(_("Write your opinion."), code="empty_opinion")
    if recommended_stage not in RECOMMENDED_STAGES:
        raise Refused(_("Choose what you recommend."), code="bad_recommendation")
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    now = clock.now()
    evaluation.opinion = opinion
    evaluation.recommended_stage = recommended_stage
    evaluation.given_at = now
    evaluation.save(update_fields=["opinion", "recommended_stage", "given_at"])
    event_add(
        locked,
        "evaluated",
        actor=actor,
        note=f"{Stage(recommended_stage).label} · {opinion}",
        at=now,
    )
    Suggestion.objects.filter(pk=locked.pk).update(updated_at=now)
    audit_record(
        actor=actor,
        action="suggestion.evaluate",
        obj=locked,
        changes={"recommended": recommended_stage},
    )
    if evaluation.assigned_by is not None and evaluation.assigned_by != actor:
        from huodong.notifications.models import NotificationKind
        from huodong.notifications.services import notification_send

        notification_send(
            actor=actor,
            recipients=[evaluation.assigned_by],
            kind=NotificationKind.OTHER,
            title=_("%(name)s evaluated suggestion no. %(number)d")
            % {"name": person.name if person else "", "number": locked.number},
            body=opinion,
            url=reverse("suggestions:detail", args=[locked.pk]),
            dedupe_key=f"suggestion-evaluated:{evaluation.pk}:{now.isoformat()}",
        )
    return evaluation


# --- Merging near-duplicates ------------------------------------------------------------------


def _merge_locked(
    actor: User, duplicate: Suggestion, original: Suggestion, *, locked: dict[int, Suggestion]
) -> None:
    if duplicate.pk == original.pk:
        raise Refused(_("A suggestion cannot be a duplicate of itself."), code="own_duplicate")
    if duplicate.office_id != original.office_id:
        raise _not_allowed()
    if original.stage == Stage.DUPLICATE:
        # Merging into a copy means merging into its original; that must not be `duplicate`.
        if original.duplicate_of_id == duplicate.pk:
            raise Refused(
                _("No. %(number)d is already merged into this one: that would be a cycle.")
                % {"number": original.number},
                code="cycle",
            )
        target = locked.get(original.duplicate_of_id or 0)
        if target is None:
            target = Suggestion.objects.select_for_update().get(pk=original.duplicate_of_id or 0)
            locked[target.pk] = target
        original = target
    if duplicate.stage == Stage.DUPLICATE:
        if duplicate.duplicate_of_id == original.pk:
            return
        raise Refused(
            _("It is already merged into no. %(number)d: unmerge it first.")
            % {"number": _number_of(duplicate.duplicate_of_id, locked)},
            code="already_duplicate",
        )
    if duplicate.stage == Stage.CONVERTED and _has_outcome(duplicate):
        raise Refused(
            _("It became an outcome: merge the other suggestion into it instead."),
            code="converted",
        )
    now = clock.now()
    moved = list(
        Suggestion.objects.select_for_update()
        .filter(duplicate_of=duplicate)
        .order_by("pk")
        .values_list("pk", "number")
    )
    if moved:
        Suggestion.objects.filter(pk__in=[pk for pk, _n in moved]).update(
            duplicate_of=original, updated_at=now
        )
        for pk, _number in moved:
            event_add(
                Suggestion(pk=pk),
                "moved_to_original",
                actor=actor,
                note=f"#{original.number}",
                at=now,
            )
    before = duplicate.stage
    duplicate.stage = Stage.DUPLICATE
    duplicate.duplicate_of = original
    duplicate.status = None
    duplicate.updated_at = now
    duplicate.save(update_fields=["stage", "duplicate_of", "status", "updated_at"])
    event_add(
        duplicate,
        "merged",
        actor=actor,
        from_stage=before,
        to_stage=Stage.DUPLICATE,
        note=f"#{original.number}",
        at=now,
    )
    numbers = [duplicate.number, *(n for _pk, n in moved)]
    event_add(
        original,
        "duplicates_added",
        actor=actor,
        note="、".join(f"#{n}" for n in numbers),
        at=now,
    )
    Suggestion.objects.filter(pk=original.pk).update(updated_at=now)
    audit_record(
        actor=actor,
        action="suggestion.merge",
        obj=duplicate,
        changes={"original": original.pk, "moved": [pk for pk, _n in moved]},
    )


def _number_of(pk: int | None, locked: dict[int, Suggestion]) -> int:
    if pk is None:
        return 0
    if pk in locked:
        return locked[pk].number
    return Suggestion.objects.filter(pk=pk).values_list("number", flat=True).first() or 0


@transaction.atomic
def suggestion_merge(*, actor: User, duplicate: Suggestion, original: Suggestion) -> Suggestion:
    """Mark `duplicate` as a copy of `original`: its stage becomes "duplicate", and the copies
    already merged into it move to `original`. Merging into a copy merges into that copy's
    original. Refused: a suggestion as its own original, a cycle, a suggestion already merged
    elsewhere, one that became an outcome; another office's suggestion is not allowed."""
    if duplicate.pk == original.pk:
        raise Refused(_("A suggestion cannot be a duplicate of itself."), code="own_duplicate")
    both = lock_suggestions(actor=actor, suggestions=[duplicate, original])
    locked = {s.pk: s for s in both}
    _merge_locked(actor, locked[duplicate.pk], locked[original.pk], locked=locked)
    return locked[duplicate.pk]


@transaction.atomic
def suggestion_merge_group(
    *, actor: User, original: Suggestion, duplicates: Sequence[Suggestion | int]
) -> int:
    """Merge several suggestions into one chosen original, all or none; how many merged."""
    ids = [d if isinstance(d, int) else d.pk for d in duplicates]
    ids = [pk for pk in ids if pk != original.pk]
    if not ids:
        raise Refused(_("Choose the suggestions to merge."), code="none_chosen")
    both = _bulk(actor, [original.pk, *ids])
    locked = {s.pk: s for s in both}
    target = locked[original.pk]
    if target.stage == Stage.DUPLICATE:
        raise Refused(
            _("No. %(number)d is itself merged into another: choose an original.")
            % {"number": target.number},
            code="original_is_duplicate",
        )
    merged = 0
    for pk in sorted(ids):
        duplicate = locked[pk]
        if duplicate.stage == Stage.DUPLICATE and duplicate.duplicate_of_id == target.pk:
            continue
        try:
            _merge_locked(actor, duplicate, target, locked=locked)
        except Refused as exc:
            raise refused_for(duplicate, exc) from exc
        merged += 1
    return merged


@transaction.atomic
def suggestion_unmerge(*, actor: User, suggestion: Suggestion) -> Suggestion:
    """Undo a merge: the suggestion is received again, on its own."""
    (locked,) = lock_suggestions(actor=actor, suggestions=[suggestion])
    if locked.stage != Stage.DUPLICATE or locked.duplicate_of_id is None:
        raise Refused(_("It is not merged into another suggestion."), code="not_duplicate")
    original_number = _number_of(locked.duplicate_of_id, {})
    locked.stage = Stage.RECEIVED
    locked.duplicate_of = None
    locked.status = None
    locked.updated_at = clock.now()
    locked.save(update_fields=["stage", "duplicate_of", "status", "updated_at"])
    event_add(
        locked,
        "unmerged",
        actor=actor,
        from_stage=Stage.DUPLICATE,
        to_stage=Stage.RECEIVED,
        note=f"#{original_number}",
    )
    audit_record(
        actor=actor,
        action="suggestion.unmerge",
        obj=locked,
        changes={"original_number": original_number},
    )
    return locked
