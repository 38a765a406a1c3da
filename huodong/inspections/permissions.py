"""Who may read and do what in a campaign's supervision. Views ask these; selectors apply the
same rules in SQL for lists. A forbidden object answers 404 like a missing one.

- The office (办公室): admins, the leading group office's director and staff (standing roles)
  and the campaign's leading-group office seats. It drafts and publishes notices, verifies and
  closes rectification orders.
- Inspectors (and the office director and staff) record inspections; inspectors and the office
  issue rectification orders.
- Office-wide roles and every member of the campaign's leading group read everything but the
  accountability ledger; a unit's head, contacts and branch secretary read what concerns their
  own unit, and answer its rectification orders; a sub-theme's lead leader reads the orders of
  the units of that sub-theme (overdue ones escalate to them).
- The accountability ledger is for the leading group (any seat) and system admins only; the
  group leader, deputies and the office director seat add to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from huodong.campaigns.models import Campaign, LeadingGroupMember, LeadingGroupRole, SubTheme
from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership

OFFICE_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})
OFFICE_SEATS = frozenset({LeadingGroupRole.OFFICE_DIRECTOR, LeadingGroupRole.OFFICE_STAFF})
INSPECTION_ROLES = frozenset({Role.INSPECTOR, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})
LEDGER_WRITER_SEATS = frozenset(
    {LeadingGroupRole.LEADER, LeadingGroupRole.DEPUTY, LeadingGroupRole.OFFICE_DIRECTOR}
)


@dataclass(frozen=True)
class Standing:
    """A user's place in one campaign: computed once per request (at most two queries)."""

    membership: Membership
    campaign: Campaign
    in_office: bool
    seats: frozenset[str]  # leading-group seats held in this campaign
    led_unit_ids: frozenset[int]  # units of the sub-themes this person leads

    @property
    def unit_ids(self) -> frozenset[int]:
        """Units the user acts for (head, contact, branch secretary)."""
        return self.membership.managed_unit_ids if self.in_office else frozenset()

    @property
    def in_group(self) -> bool:
        return bool(self.seats)

    @property
    def is_office(self) -> bool:
        m = self.membership
        return self.in_office and (
            m.is_superuser or bool(m.roles & OFFICE_ROLES) or bool(self.seats & OFFICE_SEATS)
        )

    @property
    def sees_all(self) -> bool:
        """Office-wide roles and the leading group read every inspection, notice and order."""
        return self.in_office and (self.membership.is_office_wide or self.in_group)


def standing_of(membership: Membership, campaign: Campaign) -> Standing:
    in_office = membership.in_office(campaign.office_id)
    person = membership.person
    seats: frozenset[str] = frozenset()
    led: frozenset[int] = frozenset()
    if in_office and person is not None:
        seats = frozenset(
            LeadingGroupMember.objects.filter(campaign=campaign, person=person).values_list(
                "role", flat=True
            )
        )
        led = frozenset(
            uid
            for uid in SubTheme.objects.filter(campaign=campaign, lead_leader=person).values_list(
                "units", flat=True
            )
            if uid is not None
        )
    return Standing(
        membership=membership,
        campaign=campaign,
        in_office=in_office,
        seats=seats,
        led_unit_ids=led,
    )


# Inspections ---------------------------------------------------------------------------------


def can_record_inspection(st: Standing) -> bool:
    m = st.membership
    return st.in_office and (
        m.is_superuser or bool(m.roles & INSPECTION_ROLES) or bool(st.seats & OFFICE_SEATS)
    )


def can_list_inspections(st: Standing) -> bool:
    return st.sees_all or bool(st.unit_ids)


def can_view_inspection(st: Standing, *, unit_ids: Iterable[int | None]) -> bool:
    """`unit_ids`: the inspected unit and the units of the inspected task."""
    return st.sees_all or bool(st.unit_ids & {u for u in unit_ids if u is not None})


# Notices -------------------------------------------------------------------------------------


def can_manage_notices(st: Standing) -> bool:
    return st.is_office


def can_list_notices(st: Standing) -> bool:
    return st.is_office or st.sees_all or bool(st.unit_ids)


def can_view_notice(st: Standing, *, published: bool, unit_ids: Iterable[int]) -> bool:
    if st.is_office:
        return True
    return published and (st.sees_all or bool(st.unit_ids & set(unit_ids)))


# Rectification orders ------------------------------------------------------------------------


def can_issue_order(st: Standing) -> bool:
    return st.is_office or (st.in_office and Role.INSPECTOR in st.membership.roles)


def can_verify_order(st: Standing) -> bool:
    return st.is_office


def can_list_orders(st: Standing) -> bool:
    return st.sees_all or bool(st.unit_ids) or bool(st.led_unit_ids)


def can_view_order(st: Standing, *, unit_id: int) -> bool:
    return st.sees_all or unit_id in st.unit_ids or unit_id in st.led_unit_ids


def can_answer_order(st: Standing, *, unit_id: int) -> bool:
    return unit_id in st.unit_ids


# Accountability ledger -----------------------------------------------------------------------


def can_view_ledger(st: Standing) -> bool:
    return st.in_office and (st.in_group or st.membership.is_admin)


def can_add_to_ledger(st: Standing) -> bool:
    return st.in_office and bool(st.seats & LEDGER_WRITER_SEATS)
