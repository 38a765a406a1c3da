"""Reads of reflections, scoped to what the user may see, each in a fixed number of queries.

A reflection is seen by its writer and, once submitted, by those who review the writer
(`permissions.can_see_reflection`); anything else answers 404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from huodong.campaigns.models import (
    Campaign,
    Requirement,
    RequirementMeasure,
    RequirementScope,
)
from huodong.orgs.models import Unit
from huodong.orgs.permissions import Membership
from huodong.participation.models import Reflection, ReflectionReview, ReflectionStatus
from huodong.participation.permissions import can_see_reflection, reflection_review_scope
from huodong.participation.wordcount import words_needed

# What a reviewer's queue lists: everything but the writers' drafts.
REVIEWABLE_STATUSES = (
    ReflectionStatus.SUBMITTED,
    ReflectionStatus.RETURNED,
    ReflectionStatus.ACCEPTED,
    ReflectionStatus.EXCELLENT,
)


class _Unset:
    pass


UNSET = _Unset()


@dataclass(frozen=True)
class WordTarget:
    """ "About 3000 characters" (每人撰写一篇3000字左右), met from `needed`."""

    minimum: int
    tolerance_percent: int

    @property
    def needed(self) -> int:
        return words_needed(self.minimum, self.tolerance_percent)

    def met_by(self, count: int) -> bool:
        return count >= self.needed


def reflection_word_target(campaign: Campaign) -> WordTarget | None:
    """The campaign's per-person 字数 requirement for a reflection, if it has one."""
    requirement = (
        Requirement.objects.filter(
            campaign=campaign,
            scope=RequirementScope.PERSON,
            measure=RequirementMeasure.REFLECTION_WORDS,
        )
        .order_by("order", "id")
        .first()
    )
    if requirement is None:
        return None
    return WordTarget(requirement.minimum, requirement.tolerance_percent)


def reflections_mine(membership: Membership, campaign: Campaign) -> QuerySet[Reflection]:
    """The user's own reflections in the campaign, the latest first."""
    person = membership.person
    if person is None or not membership.in_office(campaign.office_id):
        return Reflection.objects.none()
    return Reflection.objects.filter(campaign=campaign, person=person).order_by(
        "-updated_at", "-id"
    )


def reflection_get(membership: Membership, reflection_id: int) -> Reflection:
    """A reflection the user may see, with its campaign and writer; otherwise 404."""
    reflection = (
        Reflection.objects.select_related(
            "campaign", "person", "person__unit", "person__branch", "reviewed_by__person"
        )
        .filter(pk=reflection_id)
        .first()
    )
    if reflection is None or not can_see_reflection(
        membership,
        reflection.campaign,
        reflection.person,
        is_draft=reflection.status == ReflectionStatus.DRAFT,
    ):
        raise Http404
    return reflection


def reflection_history(reflection: Reflection) -> list[ReflectionReview]:
    """Submissions and reviews with their comments, oldest first."""
    return list(
        ReflectionReview.objects.filter(reflection=reflection).select_related("actor__person")
    )


def review_queue(
    membership: Membership,
    campaign: Campaign,
    *,
    status: str | None = ReflectionStatus.SUBMITTED,
    unit_id: int | None = None,
    scope: frozenset[int] | _Unset | None = UNSET,
) -> QuerySet[Reflection]:
    """Reflections of the people this user reviews; `status` None lists every reviewable one.

    The oldest submission comes first: it has waited longest. `scope` is
    `permissions.reflection_review_scope`, when the caller already has it.
    """
    if isinstance(scope, _Unset):
        scope = reflection_review_scope(membership, campaign)
    queryset = Reflection.objects.filter(campaign=campaign).select_related(
        "person", "person__unit", "person__branch"
    )
    if scope is not None:
        if not scope:
            return Reflection.objects.none()
        queryset = queryset.filter(person__branch_id__in=scope)
    if membership.person is not None:
        queryset = queryset.exclude(person=membership.person)
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=REVIEWABLE_STATUSES)
    if unit_id is not None:
        queryset = queryset.filter(Q(person__unit_id=unit_id) | Q(person__branch_id=unit_id))
    return queryset.order_by("submitted_at", "id")


def review_queue_units(
    membership: Membership, campaign: Campaign, *, scope: frozenset[int] | _Unset | None = UNSET
) -> list[Unit]:
    """The units a reviewer may filter the queue by: their branches, or every unit."""
    if isinstance(scope, _Unset):
        scope = reflection_review_scope(membership, campaign)
    units = Unit.objects.filter(office_id=campaign.office_id)
    if scope is not None:
        units = units.filter(pk__in=scope)
    return list(units.order_by("sort_order", "id"))
