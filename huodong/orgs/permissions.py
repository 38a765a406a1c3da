"""Who a user is in the organisation, and what that lets them do with it.

Every view asks these functions; a forbidden object is answered like a missing one (404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from huodong.orgs.models import Office, Person, Role, RoleAssignment

# Roles that see the whole office, not just their own unit.
OFFICE_WIDE_ROLES = frozenset(
    {Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF, Role.LEADER, Role.INSPECTOR}
)
ORG_MANAGER_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})


@dataclass(frozen=True)
class Membership:
    """A user's standing in one office, computed once per request."""

    person: Person | None
    office_id: int | None
    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    # role -> ids of the units that role holds for
    unit_scopes: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def is_member(self) -> bool:
        return self.office_id is not None or self.is_superuser

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.roles

    @property
    def is_office_wide(self) -> bool:
        return self.is_superuser or bool(self.roles & OFFICE_WIDE_ROLES)

    @property
    def managed_unit_ids(self) -> frozenset[int]:
        """Units this user acts for: their heads', contacts' and secretaries' units."""
        ids: set[int] = set()
        for unit_ids in self.unit_scopes.values():
            ids |= unit_ids
        return frozenset(ids)

    def in_office(self, office_id: int) -> bool:
        return self.is_superuser or self.office_id == office_id


ANONYMOUS = Membership(person=None, office_id=None)


def membership_of(user) -> Membership:
    """The membership of a request's user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_huodong_membership", None)
    if cached is not None:
        return cached
    person = Person.objects.filter(user=user).select_related("unit", "branch").first()
    roles: set[str] = set()
    scopes: dict[str, set[int]] = {}
    if person is not None:
        for role, unit_id in RoleAssignment.objects.filter(person=person).values_list(
            "role", "unit_id"
        ):
            roles.add(role)
            if unit_id is not None:
                scopes.setdefault(role, set()).add(unit_id)
    membership = Membership(
        person=person,
        office_id=person.office_id if person else None,
        is_superuser=user.is_superuser,
        roles=frozenset(roles),
        unit_scopes={role: frozenset(ids) for role, ids in scopes.items()},
    )
    user._huodong_membership = membership
    return membership


def can_manage_org(membership: Membership, office_id: int) -> bool:
    """Import and edit units and people of an office."""
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & ORG_MANAGER_ROLES)
    )


def office_for_request(
    request: HttpRequest, membership: Membership, *, may: Callable[[Membership, int], bool]
) -> Office:
    """The office a page acts for: the user's own, or for a superuser the one they chose.

    A user who `may` not act for it gets 403 (a page-level denial); a missing office 404.
    """
    office_id = membership.office_id
    if membership.is_superuser:
        # A superuser may belong to no office: they choose one, or get the first.
        requested = request.POST.get("office") or request.GET.get("office")
        if requested:
            try:
                office_id = int(requested)
            except ValueError as exc:
                raise Http404 from exc
        elif office_id is None:
            office_id = Office.objects.order_by("name").values_list("pk", flat=True).first()
            if office_id is None:
                raise Http404
    if office_id is None or not may(membership, office_id):
        raise PermissionDenied
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise Http404
    return office
