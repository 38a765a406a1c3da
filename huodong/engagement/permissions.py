"""Who may do what with meetings, enterprise visits and online activities.

- The leading group's office (`can_manage_campaign`) arranges any meeting, keeps every
  enterprise problem and the online activities, and sends ideas to the suggestion pool.
- A unit's head, contact or branch secretary organises the unit's meetings
  (`can_manage_meeting`): invitations, guests, the sign-in screen, attendance, minutes, files,
  opinions, and the enterprises and problems of a visit.
- The office-wide roles (leaders, inspectors) read every meeting, problem and count.
- Every member of the office sees the list of meetings. A meeting's page is for those on its
  list (invited or registered), and for every member of the office while its registration is
  open. A guest's contact is seen only by those who manage the meeting, on pages and exports.
- An enterprise problem is answered (reply, resolution) by the head or contact of the unit it
  is assigned to, or by the office; only the office reopens a resolved one. An enterprise's
  contact is the office's.
- Every staff member records their own online participations; the office and the office-wide
  roles see everyone's, by unit.

A forbidden object is answered like a missing one (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from huodong.campaigns.models import Campaign
from huodong.campaigns.permissions import can_manage_campaign
from huodong.engagement.models import Meeting
from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership
from huodong.participation.permissions import can_organise_any as _can_organise_any
from huodong.participation.permissions import can_organise_for, takes_part

PROBLEM_UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_CONTACT)


def is_member_of(membership: Membership, campaign: Campaign) -> bool:
    return membership.is_member and membership.in_office(campaign.office_id)


def sees_everything(membership: Membership, campaign: Campaign) -> bool:
    """The office-wide roles and the campaign's managers read every meeting and problem."""
    return is_member_of(membership, campaign) and (
        membership.is_office_wide or can_manage_campaign(membership, campaign)
    )


# --- Meetings -----------------------------------------------------------------------------


def can_organise_any(membership: Membership, campaign: Campaign) -> bool:
    """Arrange meetings at all: the office, or someone acting for a unit."""
    return _can_organise_any(membership, campaign)


def organisable_unit_ids(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The units this user arranges meetings for: None for every unit of the office."""
    if can_manage_campaign(membership, campaign):
        return None
    if not membership.in_office(campaign.office_id):
        return frozenset()
    return membership.managed_unit_ids


@dataclass(frozen=True)
class MeetingAccess:
    """What one user may do with the meetings of one campaign, computed once (a list of
    meetings then asks per row without another query)."""

    member: bool  # of the campaign's office
    office_wide: bool  # leaders, inspectors, the office's staff, admins
    takes_part: bool  # staff of the office
    manages_all: bool  # the leading group's office
    managed_unit_ids: frozenset[int]

    def manages(self, meeting: Meeting) -> bool:
        return self.manages_all or (
            self.member and meeting.organiser_unit_id in self.managed_unit_ids
        )

    def sees(self, meeting: Meeting, *, on_list: bool) -> bool:
        if not self.member:
            return False
        if self.office_wide or on_list or self.manages(meeting):
            return True
        return self.takes_part and meeting.registration_open and meeting.cancelled_at is None

    def sees_attendees(self, meeting: Meeting, *, on_list: bool) -> bool:
        return self.member and (self.office_wide or on_list or self.manages(meeting))


def meeting_access(membership: Membership, campaign: Campaign) -> MeetingAccess:
    member = is_member_of(membership, campaign)
    return MeetingAccess(
        member=member,
        office_wide=member and membership.is_office_wide,
        takes_part=member and takes_part(membership, campaign),
        manages_all=can_manage_campaign(membership, campaign),
        managed_unit_ids=membership.managed_unit_ids if member else frozenset(),
    )


def can_manage_meeting(membership: Membership, meeting: Meeting) -> bool:
    """Edit, cancel, invite, take attendance, keep the minutes and record opinions: the office,
    or the head, contact or branch secretary of the organising unit."""
    return can_organise_for(membership, meeting.campaign, meeting.organiser_unit_id)


def can_see_meetings(membership: Membership, campaign: Campaign) -> bool:
    """The campaign's list of meetings: every member of the office."""
    return is_member_of(membership, campaign)


def can_see_meeting(membership: Membership, meeting: Meeting, *, on_list: bool) -> bool:
    """A meeting's page: its organisers, the office-wide roles, the people on its list and,
    while registration is open, any staff member of the office (to register)."""
    return meeting_access(membership, meeting.campaign).sees(meeting, on_list=on_list)


def can_see_attendees(membership: Membership, meeting: Meeting, *, on_list: bool) -> bool:
    """Who is coming and who came (names and organisations, never a guest's contact)."""
    return meeting_access(membership, meeting.campaign).sees_attendees(meeting, on_list=on_list)


def can_see_guest_contacts(membership: Membership, meeting: Meeting) -> bool:
    return can_manage_meeting(membership, meeting)


def can_register(membership: Membership, meeting: Meeting) -> bool:
    """A staff member registering from the meeting page (guests use the public link)."""
    return takes_part(membership, meeting.campaign)


# --- Enterprise problems ------------------------------------------------------------------


def answering_unit_ids(membership: Membership) -> frozenset[int]:
    """The units whose assigned problems this user answers: as their head or contact."""
    ids: set[int] = set()
    for role in PROBLEM_UNIT_ROLES:
        ids |= membership.unit_scopes.get(role, frozenset())
    return frozenset(ids)


def can_answer_problem(
    membership: Membership, campaign: Campaign, assigned_unit_id: int | None
) -> bool:
    """Reply to the enterprise and resolve: the office, or the assigned unit's head or contact."""
    if can_manage_campaign(membership, campaign):
        return True
    return (
        assigned_unit_id is not None
        and membership.in_office(campaign.office_id)
        and assigned_unit_id in answering_unit_ids(membership)
    )


def can_reopen_problem(membership: Membership, campaign: Campaign) -> bool:
    return can_manage_campaign(membership, campaign)


def problem_scope(
    membership: Membership, campaign: Campaign
) -> tuple[frozenset[int], frozenset[int]] | None:
    """Which problems the user reads: None for all of the campaign, else (the units whose
    assigned problems they answer, the units whose visits they organise)."""
    if sees_everything(membership, campaign):
        return None
    if not membership.in_office(campaign.office_id):
        return frozenset(), frozenset()
    return answering_unit_ids(membership), membership.managed_unit_ids


def can_see_problems(membership: Membership, campaign: Campaign) -> bool:
    scope = problem_scope(membership, campaign)
    return scope is None or bool(scope[0] or scope[1])


def sees_enterprise_contacts(membership: Membership, campaign: Campaign) -> bool:
    """An enterprise's contact person and phone: the office only (pages of the problems and
    their export); a visit's organisers also see those of their own visit."""
    return can_manage_campaign(membership, campaign)


# --- Online activities --------------------------------------------------------------------


def can_manage_online(membership: Membership, campaign: Campaign) -> bool:
    """Create and edit online activities, delete anyone's participation, send ideas to the pool."""
    return can_manage_campaign(membership, campaign)


def can_take_part_online(membership: Membership, campaign: Campaign) -> bool:
    return takes_part(membership, campaign)


def can_read_online(membership: Membership, campaign: Campaign) -> bool:
    """Everyone's participations and the counts per unit: the office and office-wide roles."""
    return sees_everything(membership, campaign)


def can_see_online(membership: Membership, campaign: Campaign) -> bool:
    return can_take_part_online(membership, campaign) or can_read_online(membership, campaign)


def can_delete_participation(membership: Membership, campaign: Campaign, person_id: int) -> bool:
    person = membership.person
    if person is not None and person.pk == person_id and takes_part(membership, campaign):
        return True
    return can_manage_online(membership, campaign)
