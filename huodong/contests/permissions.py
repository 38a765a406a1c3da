"""Who may do what with an essay contest (主题征文).

- The office (admins, the office's director and staff) organises its office's contests: the
  call, the rubric, the judges, the awards, the entries with their authors, the scores of every
  judge, the originality reports and the results.
- A judge (评委) of a contest sees its entries by number, title and text only, and only their
  own scores. Being a judge outweighs any other role for that contest: an office director
  who judges does not see who wrote what, nor the organisers' pages, until the results are
  published.
- Leaders and inspectors read the results (with the authors) but change nothing.
- Every member of the office may enter, unless they judge the contest. The public enters
  through the contest's public link when the contest allows it.

A forbidden object is answered like a missing one (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from huodong.contests.models import Contest, ContestStatus, Judge
from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership

MANAGER_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})
RESULT_ROLES = MANAGER_ROLES | {Role.LEADER, Role.INSPECTOR}


def is_office_manager(membership: Membership, office_id: int) -> bool:
    """Create contests for the office (and organise those they do not judge)."""
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & MANAGER_ROLES)
    )


def judge_seat(membership: Membership, contest_id: int) -> Judge | None:
    """The member's seat on the contest's jury, if any (one query)."""
    if membership.person is None:
        return None
    return Judge.objects.filter(contest_id=contest_id, person_id=membership.person.pk).first()


@dataclass(frozen=True)
class Standing:
    """A member's standing in one contest, read once per request."""

    membership: Membership
    contest: Contest
    judge: Judge | None

    @property
    def is_judge(self) -> bool:
        return self.judge is not None


def standing_of(membership: Membership, contest: Contest) -> Standing:
    return Standing(
        membership=membership, contest=contest, judge=judge_seat(membership, contest.pk)
    )


def can_organise(st: Standing) -> bool:
    """Everything of the contest, with the authors; never for one of its judges."""
    return not st.is_judge and is_office_manager(st.membership, st.contest.office_id)


def can_see_results(st: Standing) -> bool:
    """The ranking with the authors and every judge's totals: organisers, leaders, inspectors."""
    if st.is_judge or not st.membership.in_office(st.contest.office_id):
        return False
    return st.membership.is_superuser or bool(st.membership.roles & RESULT_ROLES)


def can_see_contest(st: Standing) -> bool:
    """The contest's page: its office once it is open; a draft only to organisers and judges."""
    if not st.membership.in_office(st.contest.office_id):
        return False
    return st.contest.status != ContestStatus.DRAFT or can_organise(st) or st.is_judge


def can_enter(st: Standing) -> bool:
    """Write an entry as a member of the office (dates and status are the services' refusals)."""
    person = st.membership.person
    return (
        person is not None
        and person.office_id == st.contest.office_id
        and not st.is_judge
        and st.contest.status != ContestStatus.DRAFT
    )


def can_judge(st: Standing) -> bool:
    return st.is_judge and st.contest.status != ContestStatus.DRAFT


def can_see_entry_report(membership: Membership, contest: Contest, author_id: int | None) -> bool:
    """An entry's originality report (it names the sources and their authors): the organisers
    and the entry's own author, never a judge of the contest."""
    standing = standing_of(membership, contest)
    if standing.is_judge:
        return False
    if can_organise(standing):
        return True
    person = membership.person
    return person is not None and author_id is not None and person.pk == author_id


def can_see_entry_sources(membership: Membership, contest: Contest) -> bool:
    """Who the passages of an entry's report come from: the organisers only."""
    return can_organise(standing_of(membership, contest))
