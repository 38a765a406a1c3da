"""Reads of the api app: integrations for their pages, the token behind a request, and the few
API reads no other app's selector answers for an integration (outcomes of its units)."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from huodong.api.models import Integration, IntegrationRole, IntegrationToken
from huodong.api.permissions import can_manage_integrations, outcome_unit_scope
from huodong.orgs.models import Office
from huodong.orgs.permissions import Membership
from huodong.suggestions.models import Outcome

# Longer than any token we issue; anything longer is not looked up.
MAX_TOKEN_CHARS = 128


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def integration_membership(integration: Integration, roles: list[IntegrationRole]) -> Membership:
    """The integration's standing, as `membership_of` computes a person's (without a person)."""
    role_names: set[str] = set()
    scopes: dict[str, set[int]] = {}
    for row in roles:
        role_names.add(row.role)
        if row.unit_id is not None:
            scopes.setdefault(row.role, set()).add(row.unit_id)
    return Membership(
        person=None,
        office_id=integration.office_id,
        roles=frozenset(role_names),
        unit_scopes={role: frozenset(ids) for role, ids in scopes.items()},
    )


def token_lookup(token: str) -> IntegrationToken | None:
    """The live token (and its live integration, with its user and roles), or None."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return (
        IntegrationToken.objects.select_related("integration__user")
        .prefetch_related(
            Prefetch(
                "integration__roles",
                queryset=IntegrationRole.objects.order_by("role", "unit_id", "id"),
            )
        )
        .filter(
            token_hash=token_hash(token),
            revoked_at__isnull=True,
            integration__revoked_at__isnull=True,
            integration__user__is_active=True,
        )
        .first()
    )


# --- The integrations pages -----------------------------------------------------------------


def integrations_of(office: Office) -> QuerySet[Integration]:
    return (
        Integration.objects.filter(office=office)
        .select_related("user")
        .annotate(live_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)))
        .prefetch_related(
            Prefetch("roles", queryset=IntegrationRole.objects.select_related("unit"))
        )
        .order_by("-created_at", "-id")
    )


def integration_get(membership: Membership, integration_id: int) -> Integration:
    """An integration of an office the user manages integrations for; otherwise 404."""
    integration = (
        Integration.objects.select_related("office", "user", "created_by")
        .prefetch_related(
            Prefetch("roles", queryset=IntegrationRole.objects.select_related("unit")),
            Prefetch("tokens", queryset=IntegrationToken.objects.order_by("-created_at", "-id")),
        )
        .filter(pk=integration_id)
        .first()
    )
    if integration is None or not can_manage_integrations(membership, integration.office_id):
        raise Http404
    return integration


# --- Outcomes for the API ---------------------------------------------------------------------


def outcomes_for_api(membership: Membership, office_id: int) -> QuerySet[Outcome]:
    """The office's outcomes the user reads (`permissions.outcome_unit_scope`), with counts."""
    scope = outcome_unit_scope(membership, office_id)
    rows = Outcome.objects.filter(office_id=office_id)
    if scope is not None:
        rows = rows.filter(responsible_unit_id__in=scope)
    return rows.select_related("responsible_unit").annotate(
        milestones_total=Count("milestones", distinct=True),
        milestones_done=Count(
            "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
        ),
        suggestions_total=Count("suggestions", distinct=True),
    )


def may_read_any_outcome(membership: Membership, office_id: int) -> bool:
    scope = outcome_unit_scope(membership, office_id)
    return scope is None or bool(scope)
