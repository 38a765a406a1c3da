"""Writes of the outcomes (成果转化): outcomes, their milestones, documents and suggestions.

Progress is kept by these services only. An outcome with sub-outcomes takes its children's
progress rolled up (their mean, or weighted by each child's weight); otherwise, with milestones,
the weighted share of its milestones done; otherwise the value set by hand. After any change
the outcome and every ancestor up to the root are recomputed in the same transaction, the chain
locked in id order first: two updates of siblings queue on their common parent and the second
recomputes it from the children's stored values, so neither is lost and neither deadlocks.

Status follows progress: above 0 a planned outcome is in progress; at 100% it is done (an event
says so); below 100% again a done outcome is back in progress. A suspended outcome keeps its
status until the office changes it.

The identified submitters of the suggestions an outcome came from are told when its progress or
status changes, a milestone is done, or their suggestion is linked to it — one message per
outcome per change, keyed by the change's event so a retry sends nothing twice.

A refusal raises `NotAllowed` (the actor may not) or `Refused` (not like this) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.stored_files import stored_file_add
from huodong.core.uploads import Upload, UploadRefused
from huodong.orgs.models import Office, Unit, User
from huodong.orgs.permissions import Membership, membership_of
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.models import (
    Milestone,
    Outcome,
    OutcomeDocument,
    OutcomeEvent,
    OutcomeKind,
    OutcomeStatus,
    OutcomeSuggestion,
    Rollup,
    Stage,
    Suggestion,
    SuggestionEvent,
)
from huodong.suggestions.permissions import can_manage_outcomes, can_update_outcome

__all__ = [
    "KEEP",
    "LINKABLE_STAGES",
    "MAX_DEPTH",
    "MAX_DOCUMENTS",
    "MAX_WEIGHT",
    "Keep",
    "milestone_add",
    "milestone_complete",
    "milestone_delete",
    "milestone_reopen",
    "milestone_update",
    "outcome_create",
    "outcome_delete",
    "outcome_document_add",
    "outcome_document_delete",
    "outcome_link_suggestions",
    "outcome_progress_set",
    "outcome_unlink_suggestion",
    "outcome_update",
]

# An outcome, its sub-outcomes and theirs: deeper trees stop being readable on a phone.
MAX_DEPTH = 3
MAX_TEXT_CHARS = 5000
MAX_WEIGHT = 100
MAX_DOCUMENTS = 30
LINKABLE_STAGES = (Stage.VALUABLE, Stage.ADOPTED, Stage.CONVERTED)
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


class Keep:
    """A field `outcome_update` leaves as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()


# --- Helpers ------------------------------------------------------------------------------


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this with this outcome."), code="not_allowed")


def _membership(actor: User) -> Membership:
    return membership_of(actor)


def _current(outcome: Outcome) -> Outcome:
    """The outcome as stored now; one deleted meanwhile is not there to act on."""
    current = Outcome.objects.filter(pk=outcome.pk).first()
    if current is None:
        raise _not_allowed()
    return current


def _locked_outcome(outcome_id: int) -> Outcome:
    row = Outcome.objects.select_for_update().filter(pk=outcome_id).first()
    if row is None:
        raise _not_allowed()
    return row


def _check_manager(actor: User, office_id: int) -> None:
    if not can_manage_outcomes(_membership(actor), office_id):
        raise _not_allowed()


def _check_updater(actor: User, outcome: Outcome) -> None:
    if not can_update_outcome(_membership(actor), outcome.office_id, outcome.responsible_unit_id):
        raise _not_allowed()


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _text(value: str, *, label: str, limit: int, required: bool = False) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise Refused(_("Fill in %(field)s.") % {"field": label}, code="required")
    if len(value) > limit:
        raise Refused(
            _("%(field)s is too long (at most %(n)d characters).") % {"field": label, "n": limit},
            code="too_long",
        )
    return value


def _weight(value: int, *, label: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_WEIGHT:
        raise Refused(
            _("%(field)s must be a whole number from 1 to %(max)d.")
            % {"field": label, "max": MAX_WEIGHT},
            code="weight",
        )
    return value


def _check_choice(value: str, choices: Iterable[str], *, label: str) -> str:
    if value not in set(choices):
        raise Refused(_("Choose %(field)s.") % {"field": label}, code="choice")
    return value


def _numbers(suggestions: Iterable[Suggestion]) -> str:
    return "、".join(f"#{s.number}" for s in sorted(suggestions, key=lambda s: s.number))


def _outcome_url(outcome_id: int) -> str:
    return reverse("outcomes:detail", args=[outcome_id])


# --- Locking the chain --------------------------------------------------------------------


def _ancestor_ids(outcome_id: int) -> list[int]:
    """The outcome and its ancestors, bottom up, as stored now (unlocked)."""
    ids = [outcome_id]
    for _step in range(MAX_DEPTH + 2):
        parent_id = Outcome.objects.filter(pk=ids[-1]).values_list("parent_id", flat=True).first()
        if parent_id is None or parent_id in ids:
            break
        ids.append(parent_id)
    return ids


def _lock_chains(*start_ids: int | None) -> dict[int, Outcome]:
    """Lock the given outcomes and all their ancestors, always in id order.

    The chain is read, locked, then read again from the locked rows: if an outcome moved in
    between, the rows of its new chain are locked too before anything is computed.
    """
    wanted_starts = [pk for pk in start_ids if pk is not None]
    locked: dict[int, Outcome] = {}
    for _attempt in range(5):
        wanted: set[int] = set()
        for pk in wanted_starts:
            wanted.update(_ancestor_ids(pk))
        wanted -= set(locked)
        if wanted:
            rows = Outcome.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
            locked.update((row.pk, row) for row in rows)
        if any(pk not in locked for pk in wanted_starts):
            raise _not_allowed()
        missing = {
            row.parent_id
            for row in locked.values()
            if row.parent_id is not None and row.parent_id not in locked
        }
        if not missing:
            return locked
    raise Refused(_("The outcomes changed meanwhile; try again."), code="busy")


def _chain(locked: dict[int, Outcome], outcome_id: int) -> list[Outcome]:
    """The locked outcome and its locked ancestors, bottom up."""
    chain = [locked[outcome_id]]
    while chain[-1].parent_id is not None and len(chain) <= MAX_DEPTH + 1:
        chain.append(locked[chain[-1].parent_id])
    return chain


def _subtree_height(outcome_id: int) -> int:
    """1 for an outcome without sub-outcomes, 2 with children only, and so on."""
    height, level = 1, [outcome_id]
    while True:
        level = list(Outcome.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        if not level or height > MAX_DEPTH:
            return height
        height += 1


def _check_parent(
    locked: dict[int, Outcome], *, office_id: int, parent_id: int, outcome_id: int | None
) -> None:
    parent = locked[parent_id]
    if parent.office_id != office_id:
        raise _not_allowed()
    ancestors = _chain(locked, parent_id)
    if outcome_id is not None and any(row.pk == outcome_id for row in ancestors):
        raise Refused(
            _("An outcome cannot be part of itself or of one of its own sub-outcomes."),
            code="cycle",
        )
    height = _subtree_height(outcome_id) if outcome_id is not None else 1
    if len(ancestors) + height > MAX_DEPTH:
        raise Refused(
            _(
                "Outcomes go at most %(n)d levels deep (an outcome, its sub-outcomes and "
                "theirs); choose a higher parent."
            )
            % {"n": MAX_DEPTH},
            code="too_deep",
        )


# --- Progress and what the submitters hear ------------------------------------------------


@dataclass
class _News:
    """What changed for each outcome in one service call, told once per outcome."""

    lines: dict[int, list[str]] = field(default_factory=dict)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    last_event: dict[int, int] = field(default_factory=dict)

    def add(self, outcome: Outcome, event: OutcomeEvent, line: str) -> None:
        self.outcomes[outcome.pk] = outcome
        self.lines.setdefault(outcome.pk, []).append(line)
        self.last_event[outcome.pk] = max(event.pk, self.last_event.get(outcome.pk, 0))


def _event(
    outcome: Outcome, *, action: str, actor: User | None, note: str = "", progress=None
) -> OutcomeEvent:
    return OutcomeEvent.objects.create(
        outcome=outcome, action=action, note=note, progress=progress, actor=actor, at=clock.now()
    )


def _status_after(status: str, before: Decimal, after: Decimal) -> str:
    if after == before or status == OutcomeStatus.SUSPENDED:
        return status
    if after >= HUNDRED:
        return OutcomeStatus.DONE
    if status == OutcomeStatus.DONE:
        return OutcomeStatus.IN_PROGRESS
    if after > 0 and status == OutcomeStatus.PLANNED:
        return OutcomeStatus.IN_PROGRESS
    return status


def _computed_progress(outcome: Outcome) -> Decimal:
    children = list(Outcome.objects.filter(parent_id=outcome.pk).values_list("progress", "weight"))
    if children:
        if outcome.rollup == Rollup.WEIGHTED:
            total = sum(Decimal(weight) for _progress, weight in children)
            value = sum(progress * weight for progress, weight in children) / total
        else:
            value = sum(progress for progress, _weight in children) / len(children)
        return _round(Decimal(value))
    milestones = list(
        Milestone.objects.filter(outcome_id=outcome.pk).values_list("weight", "done_at")
    )
    if milestones:
        total_weight = sum(weight for weight, _done in milestones)
        done = sum(weight for weight, done_at in milestones if done_at is not None)
        return _round(Decimal(done) * HUNDRED / Decimal(total_weight))
    return outcome.progress


def _set_progress(outcome: Outcome, value: Decimal, *, actor: User | None, news: _News) -> None:
    """Store a locked outcome's new progress and the status it implies, with their events."""
    before, status_before = outcome.progress, outcome.status
    status = _status_after(status_before, before, value)
    if value == before and status == status_before:
        return
    Outcome.objects.filter(pk=outcome.pk).update(
        progress=value, status=status, updated_at=clock.now()
    )
    outcome.progress, outcome.status = value, status
    if value != before:
        event = _event(outcome, action="progress", actor=actor, progress=value)
        news.add(
            outcome,
            event,
            _("Progress: %(before)s%% → %(after)s%%") % {"before": before, "after": value},
        )
    if status != status_before:
        event = _event(outcome, action="status", actor=actor, note=status, progress=value)
        news.add(
            outcome,
            event,
            _("Status: %(status)s") % {"status": OutcomeStatus(status).label},
        )


def _recompute(
    locked: dict[int, Outcome], outcome_id: int | None, *, actor: User | None, news: _News
) -> None:
    """Recompute the outcome and each ancestor, bottom up, from the stored values below."""
    if outcome_id is None:
        return
    for row in _chain(locked, outcome_id):
        _set_progress(row, _computed_progress(row), actor=actor, news=news)


def _recompute_and_tell(
    locked: dict[int, Outcome], outcome_id: int | None, *, actor: User, news: _News | None = None
) -> None:
    """`_recompute` from the outcome up, then tell the submitters all that changed (with what
    `news` holds already)."""
    news = _News() if news is None else news
    _recompute(locked, outcome_id, actor=actor, news=news)
    _tell_submitters(news)


def _tell_submitters(news: _News) -> None:
    if not news.outcomes:
        return
    from huodong.suggestions.services.pool import suggestion_submitters_notify

    linked: dict[int, list[Suggestion]] = {}
    rows = OutcomeSuggestion.objects.filter(outcome_id__in=list(news.outcomes)).select_related(
        "suggestion"
    )
    for row in rows:
        linked.setdefault(row.outcome_id, []).append(row.suggestion)
    for outcome_id, outcome in news.outcomes.items():
        suggestions = linked.get(outcome_id)
        if not suggestions:
            continue
        suggestion_submitters_notify(
            suggestions=suggestions,
            title=_("News of an outcome from your suggestion: %(title)s")
            % {"title": outcome.title},
            body="\n".join(news.lines[outcome_id]),
            url=_outcome_url(outcome_id),
            dedupe_key=f"outcome:{outcome_id}:event:{news.last_event[outcome_id]}",
        )


# --- Outcomes -----------------------------------------------------------------------------


def _check_fields(
    office_id: int,
    *,
    kind: str,
    title: str,
    description: str,
    responsible_unit: Unit,
    rollup: str,
    weight: int,
) -> dict[str, Any]:
    if responsible_unit.office_id != office_id:
        raise Refused(_("The responsible unit must be a unit of the office."), code="unit_outside")
    return {
        "kind": _check_choice(kind, OutcomeKind.values, label=_("the kind of outcome")),
        "title": _text(title, label=_("the title"), limit=200, required=True),
        "description": _text(description, label=_("the description"), limit=MAX_TEXT_CHARS),
        "responsible_unit": responsible_unit,
        "rollup": _check_choice(rollup, Rollup.values, label=_("how sub-outcomes add up")),
        "weight": _weight(weight, label=_("The weight")),
    }


@transaction.atomic
def outcome_create(
    *,
    actor: User,
    office: Office,
    kind: str,
    title: str,
    responsible_unit: Unit,
    campaign: Campaign | None = None,
    description: str = "",
    parent: Outcome | None = None,
    rollup: str = Rollup.AVERAGE,
    weight: int = 1,
    is_public: bool = False,
) -> Outcome:
    """A new outcome of the office, possibly part of another (its parent then recomputes)."""
    _check_manager(actor, office.pk)
    fields = _check_fields(
        office.pk,
        kind=kind,
        title=title,
        description=description,
        responsible_unit=responsible_unit,
        rollup=rollup,
        weight=weight,
    )
    if campaign is not None and campaign.office_id != office.pk:
        raise _not_allowed()
    locked: dict[int, Outcome] = {}
    if parent is not None:
        locked = _lock_chains(parent.pk)
        _check_parent(locked, office_id=office.pk, parent_id=parent.pk, outcome_id=None)
    now = clock.now()
    outcome = Outcome.objects.create(
        office=office,
        campaign=campaign,
        parent_id=parent.pk if parent is not None else None,
        is_public=bool(is_public),
        created_by=actor,
        created_at=now,
        updated_at=now,
        **fields,
    )
    _event(outcome, action="created", actor=actor)
    audit_record(
        actor=actor,
        action="outcome.create",
        obj=outcome,
        changes={"title": outcome.title, "kind": kind, "parent": outcome.parent_id},
    )
    _recompute_and_tell(locked, parent.pk if parent is not None else None, actor=actor)
    return outcome


@transaction.atomic
def outcome_update(
    *,
    actor: User,
    outcome: Outcome,
    title: str | Keep = KEEP,
    description: str | Keep = KEEP,
    kind: str | Keep = KEEP,
    responsible_unit: Unit | Keep = KEEP,
    parent: Outcome | Keep | None = KEEP,
    rollup: str | Keep = KEEP,
    weight: int | Keep = KEEP,
    is_public: bool | Keep = KEEP,
    status: str | Keep = KEEP,
    campaign: Campaign | Keep | None = KEEP,
) -> Outcome:
    """Change what the office says of an outcome; fields passed as `KEEP` stay as they are.

    Moving it under another parent (never under itself or its own sub-outcomes) recomputes the
    old and the new parent's chains; a new weight or way of rolling up recomputes too. It is
    marked done only once its progress is 100%.
    """
    current = _current(outcome)
    _check_manager(actor, current.office_id)
    new_parent_id = (
        current.parent_id if isinstance(parent, Keep) else (parent.pk if parent else None)
    )
    locked = _lock_chains(current.pk, new_parent_id)
    row = locked[current.pk]
    old_parent_id = row.parent_id
    fields = _check_fields(
        row.office_id,
        kind=row.kind if isinstance(kind, Keep) else kind,
        title=row.title if isinstance(title, Keep) else title,
        description=row.description if isinstance(description, Keep) else description,
        responsible_unit=(
            row.responsible_unit if isinstance(responsible_unit, Keep) else responsible_unit
        ),
        rollup=row.rollup if isinstance(rollup, Keep) else rollup,
        weight=row.weight if isinstance(weight, Keep) else weight,
    )
    fields["is_public"] = row.is_public if isinstance(is_public, Keep) else bool(is_public)
    if not isinstance(campaign, Keep):
        if campaign is not None and campaign.office_id != row.office_id:
            raise _not_allowed()
        fields["campaign_id"] = campaign.pk if campaign is not None else None
    if new_parent_id is not None and new_parent_id != old_parent_id:
        _check_parent(locked, office_id=row.office_id, parent_id=new_parent_id, outcome_id=row.pk)
    fields["parent_id"] = new_parent_id
    new_status = row.status if isinstance(status, Keep) else status
    _check_choice(new_status, OutcomeStatus.values, label=_("the status"))
    if new_status == OutcomeStatus.DONE and new_status != row.status and row.progress < HUNDRED:
        raise Refused(
            _("An outcome is done only when its progress is 100%%; it is at %(progress)s%%.")
            % {"progress": row.progress},
            code="not_complete",
        )

    changed = {
        name: value
        for name, value in fields.items()
        if getattr(row, name if name != "responsible_unit" else "responsible_unit_id")
        != (value.pk if name == "responsible_unit" else value)
    }
    news = _News()
    if changed:
        for name, value in changed.items():
            setattr(row, name, value)
        Outcome.objects.filter(pk=row.pk).update(updated_at=clock.now(), **changed)
        labels = sorted(name.removesuffix("_id") for name in changed)
        _event(row, action="updated", actor=actor, note=", ".join(labels))
        if "parent_id" in changed:
            new_parent = locked[new_parent_id].title if new_parent_id is not None else ""
            _event(row, action="moved", actor=actor, note=new_parent)
    if new_status != row.status:
        Outcome.objects.filter(pk=row.pk).update(status=new_status, updated_at=clock.now())
        row.status = new_status
        event = _event(row, action="status", actor=actor, note=new_status, progress=row.progress)
        news.add(row, event, _("Status: %(status)s") % {"status": OutcomeStatus(new_status).label})
    if not changed and not news.outcomes:
        return row
    audit_record(
        actor=actor,
        action="outcome.update",
        obj=row,
        changes={
            **{
                name.removesuffix("_id"): (value.pk if isinstance(value, Unit) else value)
                for name, value in changed.items()
            },
            **({"status": new_status} if news.outcomes else {}),
        },
    )
    if {"parent_id", "rollup", "weight"} & set(changed):
        _recompute(locked, row.pk, actor=actor, news=news)
        if "parent_id" in changed and old_parent_id is not None:
            _recompute(locked, old_parent_id, actor=actor, news=news)
    _tell_submitters(news)
    return row


def _set_stage(suggestions: Sequence[Suggestion], stage: str, *, at: dt.datetime) -> None:
    """Move the suggestions to an outcome's stage (their statuses belong to the stage left)."""
    Suggestion.objects.filter(pk__in=[s.pk for s in suggestions]).update(
        stage=stage, status=None, updated_at=at
    )


def _stage_events(
    suggestions: Sequence[Suggestion],
    action: str,
    *,
    to_stage: str,
    note: str,
    actor: User,
    at: dt.datetime,
) -> None:
    """One history line each, from the stage the objects still hold in memory."""
    SuggestionEvent.objects.bulk_create(
        SuggestionEvent(
            suggestion=s,
            action=action,
            from_stage=s.stage,
            to_stage=to_stage,
            note=note,
            actor=actor,
            at=at,
        )
        for s in suggestions
    )


def _release_suggestions(
    suggestion_ids: Sequence[int], *, actor: User, outcome: Outcome, still_linked: set[int]
) -> None:
    """Suggestions no outcome holds any more go back to 'adopted', with an event each."""
    free = [pk for pk in suggestion_ids if pk not in still_linked]
    if not free:
        return
    rows = list(
        Suggestion.objects.select_for_update()
        .filter(pk__in=free, stage=Stage.CONVERTED)
        .order_by("pk")
    )
    if not rows:
        return
    now = clock.now()
    _set_stage(rows, Stage.ADOPTED, at=now)
    _stage_events(
        rows, "unconverted", to_stage=Stage.ADOPTED, note=outcome.title, actor=actor, at=now
    )


@transaction.atomic
def outcome_delete(*, actor: User, outcome: Outcome) -> None:
    """Remove an outcome without sub-outcomes; its suggestions held by no other outcome go back
    to 'adopted', its parent recomputes, its files go once the deletion is committed."""
    current = _current(outcome)
    _check_manager(actor, current.office_id)
    locked = _lock_chains(current.pk)
    row = locked[current.pk]
    if Outcome.objects.filter(parent_id=row.pk).exists():
        raise Refused(
            _("Remove or move its sub-outcomes first."),
            code="has_children",
        )
    suggestion_ids = list(
        OutcomeSuggestion.objects.filter(outcome_id=row.pk)
        .order_by("suggestion_id")
        .values_list("suggestion_id", flat=True)
    )
    files = list(OutcomeDocument.objects.filter(outcome_id=row.pk).values_list("file", flat=True))
    OutcomeSuggestion.objects.filter(outcome_id=row.pk).delete()
    still_linked = set(
        OutcomeSuggestion.objects.filter(suggestion_id__in=suggestion_ids).values_list(
            "suggestion_id", flat=True
        )
    )
    _release_suggestions(suggestion_ids, actor=actor, outcome=row, still_linked=still_linked)
    parent_id = row.parent_id
    Outcome.objects.filter(pk=row.pk).delete()
    _delete_files_after_commit(files)
    audit_record(
        actor=actor,
        action="outcome.delete",
        obj=None,
        changes={"outcome": row.pk, "title": row.title, "suggestions": suggestion_ids},
    )
    news = _News()
    if parent_id is not None:
        del locked[row.pk]
        _recompute(locked, parent_id, actor=actor, news=news)
    _tell_submitters(news)


# --- Suggestions --------------------------------------------------------------------------


def _linkable_refusal(refused: list[Suggestion]) -> Refused:
    early = [s for s in refused if s.stage in (Stage.RECEIVED, Stage.EVALUATING)]
    not_adopted = [s for s in refused if s.stage == Stage.NOT_ADOPTED]
    duplicates = [s for s in refused if s.stage == Stage.DUPLICATE]
    lines = []
    if early:
        lines.append(
            _("Suggestion %(numbers)s is not yet rated valuable.") % {"numbers": _numbers(early)}
        )
    if not_adopted:
        lines.append(
            _("Suggestion %(numbers)s was not adopted.") % {"numbers": _numbers(not_adopted)}
        )
    if duplicates:
        lines.append(
            _("Suggestion %(numbers)s is a duplicate; link its original instead.")
            % {"numbers": _numbers(duplicates)}
        )
    return Refused(" ".join(lines), code="not_linkable")


@transaction.atomic
def outcome_link_suggestions(
    *, actor: User, outcome: Outcome, suggestions: Sequence[Suggestion]
) -> list[Suggestion]:
    """Link valuable or adopted suggestions of the office to the outcome: all or none.

    Each becomes 'converted to an outcome' (with an event in its history) and its identified
    submitter is told. Suggestions already linked to this outcome are left as they are; the
    ones newly linked are returned.
    """
    current = _current(outcome)
    _check_manager(actor, current.office_id)
    if not suggestions:
        raise Refused(_("Give the numbers of the suggestions to link."), code="no_suggestions")
    row = _locked_outcome(current.pk)
    wanted = {s.pk for s in suggestions}
    locked = list(Suggestion.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    if len(locked) != len(wanted) or any(s.office_id != row.office_id for s in locked):
        raise _not_allowed()
    refused = [s for s in locked if s.stage not in LINKABLE_STAGES]
    if refused:
        raise _linkable_refusal(refused)
    already = set(
        OutcomeSuggestion.objects.filter(outcome_id=row.pk, suggestion_id__in=wanted).values_list(
            "suggestion_id", flat=True
        )
    )
    new = [s for s in locked if s.pk not in already]
    if not new:
        return []
    now = clock.now()
    OutcomeSuggestion.objects.bulk_create(
        OutcomeSuggestion(outcome_id=row.pk, suggestion=s, linked_by=actor, linked_at=now)
        for s in new
    )
    moving = [s for s in new if s.stage != Stage.CONVERTED]
    if moving:
        _set_stage(moving, Stage.CONVERTED, at=now)
    _stage_events(new, "converted", to_stage=Stage.CONVERTED, note=row.title, actor=actor, at=now)
    for s in moving:
        s.stage = Stage.CONVERTED
    numbers = _numbers(new)
    event = _event(row, action="linked", actor=actor, note=numbers)
    audit_record(
        actor=actor,
        action="outcome.link",
        obj=row,
        changes={"suggestions": [s.pk for s in new], "numbers": numbers},
    )
    from huodong.suggestions.services.pool import suggestion_submitters_notify

    suggestion_submitters_notify(
        suggestions=new,
        title=_("Your suggestion became part of an outcome: %(title)s") % {"title": row.title},
        body=_("Outcome: %(title)s (%(kind)s). Its progress is now %(progress)s%%.")
        % {"title": row.title, "kind": OutcomeKind(row.kind).label, "progress": row.progress},
        url=_outcome_url(row.pk),
        dedupe_key=f"outcome:{row.pk}:linked:{event.pk}",
    )
    return new


@transaction.atomic
def outcome_unlink_suggestion(*, actor: User, outcome: Outcome, suggestion: Suggestion) -> None:
    """Unlink a suggestion; if no other outcome holds it, it goes back to 'adopted'."""
    current = _current(outcome)
    _check_manager(actor, current.office_id)
    row = _locked_outcome(current.pk)
    deleted, _rows = OutcomeSuggestion.objects.filter(
        outcome_id=row.pk, suggestion_id=suggestion.pk
    ).delete()
    if not deleted:
        raise Refused(_("This suggestion is not linked to the outcome."), code="not_linked")
    still = set(
        OutcomeSuggestion.objects.filter(suggestion_id=suggestion.pk).values_list(
            "suggestion_id", flat=True
        )
    )
    _release_suggestions([suggestion.pk], actor=actor, outcome=row, still_linked=still)
    _event(row, action="unlinked", actor=actor, note=f"#{suggestion.number}")
    audit_record(
        actor=actor, action="outcome.unlink", obj=row, changes={"suggestion": suggestion.pk}
    )


# --- Progress and milestones --------------------------------------------------------------


@transaction.atomic
def outcome_progress_set(*, actor: User, outcome: Outcome, percent: Decimal | int | str) -> Outcome:
    """Set by hand the progress of an outcome with neither milestones nor sub-outcomes."""
    current = _current(outcome)
    _check_updater(actor, current)
    try:
        value = _round(Decimal(str(percent)))
    except ArithmeticError as exc:
        raise Refused(_("Give the progress as a number from 0 to 100."), code="range") from exc
    if not value.is_finite() or not Decimal(0) <= value <= HUNDRED:
        raise Refused(_("Give the progress as a number from 0 to 100."), code="range")
    locked = _lock_chains(current.pk)
    row = locked[current.pk]
    if Outcome.objects.filter(parent_id=row.pk).exists():
        raise Refused(
            _("This outcome's progress is rolled up from its sub-outcomes."), code="computed"
        )
    if Milestone.objects.filter(outcome_id=row.pk).exists():
        raise Refused(
            _("This outcome's progress comes from its milestones: mark them done instead."),
            code="computed",
        )
    before = row.progress
    news = _News()
    _set_progress(row, value, actor=actor, news=news)
    if row.progress != before:
        audit_record(
            actor=actor,
            action="outcome.progress",
            obj=row,
            changes={"before": str(before), "after": str(value)},
        )
    _recompute_and_tell(locked, row.parent_id, actor=actor, news=news)
    return row


def _lock_for_milestone(actor: User, outcome_id: int) -> tuple[dict[int, Outcome], Outcome]:
    locked = _lock_chains(outcome_id)
    row = locked[outcome_id]
    _check_updater(actor, row)
    return locked, row


def _lock_milestone(actor: User, milestone: Milestone) -> tuple[dict[int, Outcome], Milestone]:
    outcome_id = (
        Milestone.objects.filter(pk=milestone.pk).values_list("outcome_id", flat=True).first()
    )
    if outcome_id is None:
        raise _not_allowed()
    locked, _row = _lock_for_milestone(actor, outcome_id)
    row = Milestone.objects.select_for_update().filter(pk=milestone.pk, outcome_id=outcome_id)
    found = row.first()
    if found is None:
        raise _not_allowed()
    return locked, found


def _milestone_fields(title: str, due_on: dt.date | None, weight: int) -> dict[str, Any]:
    if due_on is not None and not isinstance(due_on, dt.date):
        raise Refused(_("Give the due date as a date."), code="due_on")
    return {
        "title": _text(title, label=_("the milestone"), limit=200, required=True),
        "due_on": due_on,
        "weight": _weight(weight, label=_("The weight")),
    }


@transaction.atomic
def milestone_add(
    *,
    actor: User,
    outcome: Outcome,
    title: str,
    due_on: dt.date | None = None,
    weight: int = 1,
) -> Milestone:
    """A new milestone, not done: the outcome's progress (from its milestones) recomputes."""
    fields = _milestone_fields(title, due_on, weight)
    locked, row = _lock_for_milestone(actor, outcome.pk)
    order = Milestone.objects.filter(outcome_id=row.pk).count()
    milestone = Milestone.objects.create(outcome=row, sort_order=min(order, 32767), **fields)
    _event(row, action="milestone_added", actor=actor, note=milestone.title)
    audit_record(
        actor=actor,
        action="milestone.add",
        obj=milestone,
        changes={"outcome": row.pk, "title": milestone.title, "weight": milestone.weight},
    )
    _recompute_and_tell(locked, row.pk, actor=actor)
    return milestone


@transaction.atomic
def milestone_update(
    *, actor: User, milestone: Milestone, title: str, due_on: dt.date | None, weight: int
) -> Milestone:
    fields = _milestone_fields(title, due_on, weight)
    locked, row = _lock_milestone(actor, milestone)
    changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
    if not changed:
        return row
    Milestone.objects.filter(pk=row.pk).update(**changed)
    for name, value in changed.items():
        setattr(row, name, value)
    outcome = locked[row.outcome_id]
    _event(outcome, action="milestone_updated", actor=actor, note=row.title)
    audit_record(
        actor=actor,
        action="milestone.update",
        obj=row,
        changes={
            name: (value.isoformat() if isinstance(value, dt.date) else value)
            for name, value in changed.items()
        },
    )
    _recompute_and_tell(locked, outcome.pk, actor=actor)
    return row


@transaction.atomic
def milestone_delete(*, actor: User, milestone: Milestone) -> None:
    locked, row = _lock_milestone(actor, milestone)
    outcome = locked[row.outcome_id]
    Milestone.objects.filter(pk=row.pk).delete()
    _event(outcome, action="milestone_deleted", actor=actor, note=row.title)
    audit_record(
        actor=actor,
        action="milestone.delete",
        obj=outcome,
        changes={"milestone": row.pk, "title": row.title},
    )
    _recompute_and_tell(locked, outcome.pk, actor=actor)


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, note: str = "") -> Milestone:
    """Mark a milestone done; the outcome and its ancestors recompute, submitters are told."""
    note = _text(note, label=_("the note"), limit=MAX_TEXT_CHARS)
    locked, row = _lock_milestone(actor, milestone)
    if row.done_at is not None:
        raise Refused(_("This milestone is already done."), code="already_done")
    now = clock.now()
    Milestone.objects.filter(pk=row.pk, done_at__isnull=True).update(
        done_at=now, done_by=actor, note=note
    )
    row.done_at, row.done_by, row.note = now, actor, note
    outcome = locked[row.outcome_id]
    event = _event(outcome, action="milestone_done", actor=actor, note=row.title)
    audit_record(actor=actor, action="milestone.complete", obj=row, changes={"note": note})
    news = _News()
    line = _("Milestone done: %(title)s") % {"title": row.title}
    news.add(outcome, event, f"{line}\n{note}" if note else line)
    _recompute_and_tell(locked, outcome.pk, actor=actor, news=news)
    return row


@transaction.atomic
def milestone_reopen(*, actor: User, milestone: Milestone) -> Milestone:
    """Undo a milestone marked done by mistake; progress recomputes."""
    locked, row = _lock_milestone(actor, milestone)
    if row.done_at is None:
        raise Refused(_("This milestone is not done."), code="not_done")
    Milestone.objects.filter(pk=row.pk).update(done_at=None, done_by=None)
    row.done_at, row.done_by = None, None
    outcome = locked[row.outcome_id]
    _event(outcome, action="milestone_reopened", actor=actor, note=row.title)
    audit_record(actor=actor, action="milestone.reopen", obj=row, changes={})
    _recompute_and_tell(locked, outcome.pk, actor=actor)
    return row


# --- Documents ----------------------------------------------------------------------------


def _delete_files_after_commit(names: Iterable[str | None]) -> None:
    storage = OutcomeDocument._meta.get_field("file").storage  # type: ignore[union-attr]
    for name in names:
        if name:
            transaction.on_commit(partial(storage.delete, name), robust=True)


def _upload_refused(exc: UploadRefused) -> Refused:
    return Refused(exc.message, code=exc.code)


@transaction.atomic
def outcome_document_add(*, actor: User, outcome: Outcome, upload: Upload) -> OutcomeDocument:
    """Attach a document (Word, Excel, PDF, image — judged by its bytes) to the outcome."""
    current = _current(outcome)
    _check_updater(actor, current)
    row = _locked_outcome(current.pk)
    if OutcomeDocument.objects.filter(outcome_id=row.pk).count() >= MAX_DOCUMENTS:
        raise Refused(
            _("An outcome takes at most %(n)d documents.") % {"n": MAX_DOCUMENTS},
            code="too_many",
        )
    document = stored_file_add(
        OutcomeDocument, upload, actor=actor, refused=_upload_refused, outcome=row
    )
    _event(row, action="document_added", actor=actor, note=document.original_name)
    audit_record(
        actor=actor,
        action="outcome.document_add",
        obj=row,
        changes={
            "file": document.original_name,
            "size": document.size,
            "type": document.content_type,
        },
    )
    return document


@transaction.atomic
def outcome_document_delete(*, actor: User, document: OutcomeDocument) -> None:
    """Remove a document; its file goes once the deletion is committed."""
    outcome_id = (
        OutcomeDocument.objects.filter(pk=document.pk).values_list("outcome_id", flat=True).first()
    )
    if outcome_id is None:
        raise _not_allowed()
    row = _locked_outcome(outcome_id)
    _check_updater(actor, row)
    found = OutcomeDocument.objects.filter(pk=document.pk, outcome_id=row.pk).first()
    if found is None:
        raise _not_allowed()
    found.delete()
    _delete_files_after_commit([found.file.name])
    _event(row, action="document_deleted", actor=actor, note=found.original_name)
    audit_record(
        actor=actor,
        action="outcome.document_delete",
        obj=row,
        changes={"file": found.original_name},
    )
