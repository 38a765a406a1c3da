"""Reads of the problem ledgers, scoped to the branches the user may see (`permissions`).

Each read takes a fixed number of queries however long the ledger grows; a problem of a branch
the user may not see answers 404 like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, QuerySet
from django.http import Http404

from huodong.campaigns.models import (
    Campaign,
    Requirement,
    RequirementMeasure,
    RequirementScope,
)
from huodong.orgs.models import PARTY_BRANCH_KINDS, Person, Unit
from huodong.orgs.permissions import Membership
from huodong.participation.models import Problem, ProblemEvent
from huodong.participation.permissions import (
    can_see_problem_ledger_of,
    problem_keeper_scope,
    problem_ledger_scope,
)

EXPORT_CHUNK = 500


class _Unset:
    pass


# `scope` arguments default to asking `permissions`; a view that already has the scope passes it.
UNSET = _Unset()
Scope = frozenset[int] | _Unset | None


def _branches(campaign: Campaign, scope: frozenset[int] | None) -> list[Unit]:
    units = Unit.objects.filter(office_id=campaign.office_id, kind__in=PARTY_BRANCH_KINDS)
    if scope is not None:
        if not scope:
            return []
        units = units.filter(pk__in=scope)
    return list(units.order_by("sort_order", "id"))


def ledger_branches(
    membership: Membership, campaign: Campaign, *, scope: Scope = UNSET
) -> list[Unit]:
    """The party branches whose ledgers the user reads, in the office's order."""
    if isinstance(scope, _Unset):
        scope = problem_ledger_scope(membership, campaign)
    return _branches(campaign, scope)


def keeper_branches(membership: Membership, campaign: Campaign) -> list[Unit]:
    """The party branches whose ledgers the user keeps (adds to, moves on)."""
    return _branches(campaign, problem_keeper_scope(membership, campaign))


def problems_visible(
    membership: Membership,
    campaign: Campaign,
    *,
    branch_id: int | None = None,
    status: str | None = None,
    category: str | None = None,
    scope: Scope = UNSET,
) -> QuerySet[Problem]:
    """The campaign's problems of the branches the user sees, by branch and number."""
    if isinstance(scope, _Unset):
        scope = problem_ledger_scope(membership, campaign)
    queryset = Problem.objects.filter(campaign=campaign).select_related(
        "branch", "responsible", "responsible__unit"
    )
    if scope is not None:
        if not scope:
            return Problem.objects.none()
        queryset = queryset.filter(branch_id__in=scope)
    if branch_id is not None:
        queryset = queryset.filter(branch_id=branch_id)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    return queryset.order_by("branch__sort_order", "branch_id", "seq")


def problems_for_export(queryset: QuerySet[Problem]) -> Iterator[Problem]:
    """The rows of a ledger query read in chunks, so an export holds only a chunk in memory."""
    return queryset.iterator(chunk_size=EXPORT_CHUNK)


def problem_get(membership: Membership, problem_id: int) -> Problem:
    problem = (
        Problem.objects.select_related(
            "campaign",
            "branch",
            "responsible",
            "responsible__unit",
            "created_by__person",
            "verified_by__person",
        )
        .filter(pk=problem_id)
        .first()
    )
    if problem is None or not can_see_problem_ledger_of(
        membership, problem.campaign, problem.branch_id
    ):
        raise Http404
    return problem


def problem_events(problem: Problem) -> list[ProblemEvent]:
    return list(ProblemEvent.objects.filter(problem=problem).select_related("actor__person"))


def problem_counts(campaign: Campaign, branches: list[Unit]) -> dict[int, int]:
    """How many problems each of these branches has found in the campaign (one query)."""
    rows = (
        Problem.objects.filter(campaign=campaign, branch_id__in=[b.pk for b in branches])
        .values("branch_id")
        .annotate(n=Count("id"))
    )
    counts = {branch.pk: 0 for branch in branches}
    counts.update({row["branch_id"]: row["n"] for row in rows})
    return counts


def branch_problem_minimum(campaign: Campaign) -> int | None:
    """各支部查找问题不少于N个: the campaign's per-branch minimum, if it sets one."""
    requirement = (
        Requirement.objects.filter(
            campaign=campaign,
            scope=RequirementScope.BRANCH,
            measure=RequirementMeasure.PROBLEMS,
        )
        .order_by("order", "id")
        .first()
    )
    return requirement.minimum if requirement is not None else None


def office_people(campaign: Campaign) -> QuerySet[Person]:
    """Who may be made responsible for a problem: the people of the campaign's office."""
    return (
        Person.objects.filter(office_id=campaign.office_id)
        .select_related("unit")
        .order_by("unit__sort_order", "sort_order", "id")
    )
