"""Reads of the outcomes (成果转化), scoped by what the user may see (`permissions`).

The office's managers, leaders, inspectors and every staff member of the office read all its
outcomes; anyone else reads none, and an outcome they may not read answers 404 like a missing
one. The public column reads only the outcomes marked public, without any submitter's name or
any document. Each read takes a fixed number of queries however many outcomes there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Office, Unit
from huodong.orgs.permissions import Membership
from huodong.suggestions.models import (
    Milestone,
    Outcome,
    OutcomeDocument,
    OutcomeEvent,
    Stage,
    Suggestion,
    SuggestionSource,
)
from huodong.suggestions.permissions import OUTCOME_UNIT_ROLES, can_read_outcomes
from huodong.suggestions.services.outcomes import LINKABLE_STAGES, MAX_DEPTH

__all__ = [
    "LinkedSuggestion",
    "OutcomeNode",
    "campaigns_of",
    "linkable_suggestions",
    "my_unit_ids",
    "outcome_children",
    "outcome_document_get",
    "outcome_documents",
    "outcome_events",
    "outcome_get",
    "outcome_linked_suggestions",
    "outcome_milestone_get",
    "outcome_milestones",
    "outcome_of_office",
    "outcome_roots",
    "outcome_trees",
    "outcomes_of_units",
    "outcomes_visible_to",
    "parent_choices",
    "parse_numbers",
    "public_office",
    "public_outcomes",
    "suggestion_of_office",
    "suggestions_by_numbers",
    "units_of",
]


def _with_counts(queryset: QuerySet[Outcome]) -> QuerySet[Outcome]:
    return queryset.select_related("responsible_unit").annotate(
        milestones_total=Count("milestones", distinct=True),
        milestones_done=Count(
            "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
        ),
        suggestions_total=Count("suggestions", distinct=True),
        children_total=Count("children", distinct=True),
    )


def outcomes_visible_to(membership: Membership, office: Office | int) -> QuerySet[Outcome]:
    """All outcomes of the office for who may read them; none for anyone else."""
    office_id = office if isinstance(office, int) else office.pk
    if not can_read_outcomes(membership, office_id):
        return Outcome.objects.none()
    return Outcome.objects.filter(office_id=office_id)


# --- The tree -----------------------------------------------------------------------------


@dataclass
class OutcomeNode:
    outcome: Outcome
    depth: int
    matches: bool = True
    children: list[OutcomeNode] = field(default_factory=list)

    def walk(self) -> list[OutcomeNode]:
        """This node and its descendants, depth first (for a flat, indented rendering)."""
        rows = [self]
        for child in self.children:
            rows.extend(child.walk())
        return rows


def _filtered(
    queryset: QuerySet[Outcome],
    *,
    kind: str | None,
    status: str | None,
    unit_id: int | None,
    campaign_id: int | None,
) -> QuerySet[Outcome] | None:
    """The outcomes that match the filters, or None when no filter is set."""
    filters: dict[str, object] = {}
    if kind:
        filters["kind"] = kind
    if status:
        filters["status"] = status
    if unit_id:
        filters["responsible_unit_id"] = unit_id
    if campaign_id:
        filters["campaign_id"] = campaign_id
    return queryset.filter(**filters) if filters else None


def outcome_roots(
    membership: Membership,
    office: Office,
    *,
    kind: str | None = None,
    status: str | None = None,
    unit_id: int | None = None,
    campaign_id: int | None = None,
) -> QuerySet[Outcome]:
    """The top-level outcomes whose tree holds at least one outcome matching the filters,
    newest first: the list pages by them, then `outcome_trees` loads the page's trees."""
    visible = outcomes_visible_to(membership, office)
    matching = _filtered(
        visible, kind=kind, status=status, unit_id=unit_id, campaign_id=campaign_id
    )
    if matching is None:
        roots = visible.filter(parent__isnull=True)
    else:
        # Trees are at most MAX_DEPTH (3) deep: the root is the grandparent, parent or itself.
        root_ids = matching.annotate(
            root_id=Coalesce(F("parent__parent_id"), F("parent_id"), F("id"))
        ).values("root_id")
        roots = visible.filter(pk__in=root_ids, parent__isnull=True)
    return roots.order_by("-created_at", "-id")


def outcome_trees(
    membership: Membership,
    roots: list[Outcome],
    *,
    kind: str | None = None,
    status: str | None = None,
    unit_id: int | None = None,
    campaign_id: int | None = None,
) -> list[OutcomeNode]:
    """The given roots (a page of `outcome_roots`) with their sub-outcomes, loaded at once with
    their counts; with filters set, each node says whether it matches them (the others are
    shown for context)."""
    if not roots:
        return []
    office_id = roots[0].office_id
    root_ids = [root.pk for root in roots]
    visible = outcomes_visible_to(membership, office_id)
    loaded = {
        row.pk: row
        for row in _with_counts(
            visible.filter(
                Q(pk__in=root_ids) | Q(parent_id__in=root_ids) | Q(parent__parent_id__in=root_ids)
            )
        ).order_by("created_at", "id")
    }
    roots = [loaded[pk] for pk in root_ids if pk in loaded]
    below = [row for pk, row in loaded.items() if pk not in set(root_ids)]  # oldest first
    matching = _filtered(
        visible, kind=kind, status=status, unit_id=unit_id, campaign_id=campaign_id
    )
    matched: set[int] | None = None
    if matching is not None:
        every_id = root_ids + [row.pk for row in below]
        matched = set(matching.filter(pk__in=every_id).values_list("pk", flat=True))
    nodes: dict[int, OutcomeNode] = {}
    top: list[OutcomeNode] = []
    for root in roots:
        nodes[root.pk] = OutcomeNode(root, 0, matched is None or root.pk in matched)
        top.append(nodes[root.pk])
    # Children come before grandchildren: a parent's node exists before its children's.
    pending = below
    for _level in range(MAX_DEPTH):
        later = []
        for row in pending:
            parent = nodes.get(row.parent_id) if row.parent_id is not None else None
            if parent is None:
                later.append(row)
                continue
            row.parent = parent.outcome
            node = OutcomeNode(row, parent.depth + 1, matched is None or row.pk in matched)
            parent.children.append(node)
            nodes[row.pk] = node
        pending = later
        if not pending:
            break
    return top


def my_unit_ids(membership: Membership) -> frozenset[int]:
    """The units whose outcomes this user updates as their head or contact."""
    ids: set[int] = set()
    for role in OUTCOME_UNIT_ROLES:
        ids |= membership.unit_scopes.get(role, frozenset())
    return frozenset(ids)


def outcomes_of_units(
    membership: Membership, office: Office, unit_ids: frozenset[int]
) -> QuerySet[Outcome]:
    """The outcomes these units are responsible for, with their parents' titles."""
    if not unit_ids:
        return Outcome.objects.none()
    return (
        _with_counts(
            outcomes_visible_to(membership, office).filter(responsible_unit_id__in=unit_ids)
        )
        .select_related("parent")
        .order_by("-updated_at", "-id")
    )


# --- One outcome --------------------------------------------------------------------------


def outcome_get(membership: Membership, outcome_id: int) -> Outcome:
    outcome = (
        Outcome.objects.select_related(
            "office",
            "campaign",
            "responsible_unit",
            "parent",
            "parent__parent",
            "created_by__person",
        )
        .filter(pk=outcome_id)
        .first()
    )
    if outcome is None or not can_read_outcomes(membership, outcome.office_id):
        raise Http404
    return outcome


def outcome_of_office(office: Office, outcome_id: int) -> Outcome | None:
    """An outcome of this office, for a form that starts from it (e.g. a new sub-outcome)."""
    return Outcome.objects.filter(pk=outcome_id, office=office).first()


def suggestion_of_office(office_id: int, suggestion_id: int) -> Suggestion:
    suggestion = Suggestion.objects.filter(pk=suggestion_id, office_id=office_id).first()
    if suggestion is None:
        raise Http404
    return suggestion


def outcome_milestones(outcome: Outcome) -> list[Milestone]:
    return list(
        Milestone.objects.filter(outcome=outcome)
        .select_related("done_by__person")
        .order_by("sort_order", "due_on", "id")
    )


def outcome_milestone_get(membership: Membership, milestone_id: int) -> Milestone:
    milestone = (
        Milestone.objects.select_related("outcome", "outcome__responsible_unit")
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None or not can_read_outcomes(membership, milestone.outcome.office_id):
        raise Http404
    return milestone


def outcome_children(outcome: Outcome) -> list[Outcome]:
    return list(_with_counts(Outcome.objects.filter(parent=outcome)).order_by("created_at", "id"))


@dataclass(frozen=True)
class LinkedSuggestion:
    """A suggestion as an outcome page shows it: never the submitter's contact."""

    pk: int
    number: int
    text: str
    stage: str
    stage_label: str
    source_label: str
    source_detail: str
    submitter_name: str
    anonymous: bool


def _source_detail(suggestion: Suggestion) -> str:
    if suggestion.meeting is not None:
        return suggestion.meeting.title
    if suggestion.source in (SuggestionSource.MAILBOX, SuggestionSource.STAFF):
        return suggestion.submitter_organisation
    return ""


def outcome_linked_suggestions(outcome: Outcome) -> list[LinkedSuggestion]:
    rows = (
        Suggestion.objects.filter(outcomes=outcome)
        .select_related("meeting", "submitter")
        .order_by("number")
    )
    return [
        LinkedSuggestion(
            pk=s.pk,
            number=s.number,
            text=s.text,
            stage=s.stage,
            stage_label=str(Stage(s.stage).label),
            source_label=str(SuggestionSource(s.source).label),
            source_detail=_source_detail(s),
            submitter_name=""
            if s.is_anonymous
            else (s.submitter_name or (s.submitter.name if s.submitter else "")),
            anonymous=s.is_anonymous,
        )
        for s in rows
    ]


def outcome_documents(outcome: Outcome) -> list[OutcomeDocument]:
    return list(
        OutcomeDocument.objects.filter(outcome=outcome)
        .select_related("uploaded_by__person")
        .order_by("uploaded_at", "id")
    )


def outcome_document_get(membership: Membership, document_id: int) -> OutcomeDocument:
    document = OutcomeDocument.objects.select_related("outcome").filter(pk=document_id).first()
    if document is None or not can_read_outcomes(membership, document.outcome.office_id):
        raise Http404
    return document


def outcome_events(outcome: Outcome) -> list[OutcomeEvent]:
    return list(
        OutcomeEvent.objects.filter(outcome=outcome)
        .select_related("actor__person")
        .order_by("-at", "-id")
    )


# --- Choices for the forms ----------------------------------------------------------------


def units_of(office: Office) -> QuerySet[Unit]:
    return Unit.objects.filter(office=office).order_by("sort_order", "id")


def campaigns_of(office: Office) -> QuerySet[Campaign]:
    return Campaign.objects.filter(office=office).order_by("-start", "-id")


def parent_choices(office: Office, *, exclude: Outcome | None = None) -> list[Outcome]:
    """Outcomes that may take a sub-outcome: not at the deepest level, and — when moving an
    outcome — neither itself nor one of its own sub-outcomes (the service checks again)."""
    rows = (
        Outcome.objects.filter(office=office, parent__parent__isnull=True)
        .select_related("parent")
        .order_by("created_at", "id")
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk).exclude(parent_id=exclude.pk)
    return list(rows)


NUMBER_SPLIT = re.compile(r"[\s,，、;；#＃]+")


def parse_numbers(text: str) -> tuple[list[int], list[str]]:
    """Suggestion numbers written as "12, 15, 31" (or with #, 、 or spaces): the numbers, and
    the pieces that are not numbers."""
    numbers: list[int] = []
    wrong: list[str] = []
    for piece in NUMBER_SPLIT.split(text or ""):
        if not piece:
            continue
        if piece.isdigit() and 0 < int(piece) < 10**9:
            if int(piece) not in numbers:
                numbers.append(int(piece))
        else:
            wrong.append(piece)
    return numbers, wrong


def suggestions_by_numbers(
    office: Office, numbers: list[int]
) -> tuple[list[Suggestion], list[int]]:
    """The office's suggestions with these numbers, and the numbers no suggestion has."""
    found = list(Suggestion.objects.filter(office=office, number__in=numbers).order_by("number"))
    known = {s.number for s in found}
    return found, [n for n in numbers if n not in known]


def linkable_suggestions(office: Office, *, outcome: Outcome, limit: int = 30) -> list[Suggestion]:
    """Suggestions the office could link next (valuable or adopted, not yet in this outcome),
    newest first: a hint beside the numbers field."""
    return list(
        Suggestion.objects.filter(office=office, stage__in=LINKABLE_STAGES)
        .exclude(outcomes=outcome)
        .order_by("-number")[:limit]
    )


# --- The public column --------------------------------------------------------------------


def public_office(office_id: int) -> tuple[Office, list[Campaign]]:
    """The office of a public outcome page and its campaigns (404 for an unknown office)."""
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise Http404
    return office, list(Campaign.objects.filter(office=office).order_by("-start", "-id"))


def public_outcomes(
    *, office: Office | None = None, campaign: Campaign | None = None
) -> list[Outcome]:
    """The outcomes marked public, with their milestones: no suggestion, name or document."""
    if office is None and campaign is None:
        return []
    rows = Outcome.objects.filter(is_public=True)
    if office is not None:
        rows = rows.filter(office=office)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    outcomes = list(rows.select_related("responsible_unit").order_by("created_at", "id"))
    milestones: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(outcome__in=[o.pk for o in outcomes]).order_by(
        "sort_order", "due_on", "id"
    ):
        milestones.setdefault(milestone.outcome_id, []).append(milestone)
    for outcome in outcomes:
        outcome.public_milestones = milestones.get(outcome.pk, [])  # type: ignore[attr-defined]
    return outcomes
