"""Who may do what with the column and the publicity log.

- Writers: the leading group's office (宣传室: its director and staff, the administrators) and
  the heads and contacts of units, who write their unit's progress news.
- Reviewers: the leading group's office. They see every piece of the office except another
  writer's drafts, publish or return what is submitted and withdraw what is published.
- A writer edits and submits only their own drafts and returned pieces, and sees their own
  pieces and the published ones; nobody else sees a draft.
- The publicity log: the office records and deletes any placement; a writer records and deletes
  the placements of their own pieces. Writers read the log.
- Everyone else of the office reads published pieces only; another office sees nothing (404).
"""

from __future__ import annotations

from django.db.models import Q

from huodong.orgs.models import Role
from huodong.orgs.permissions import Membership
from huodong.publicity.models import Article, ArticleStatus, PublicityPlacement

REVIEWER_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})
UNIT_WRITER_ROLES = frozenset({Role.UNIT_HEAD, Role.UNIT_CONTACT})
WRITER_ROLES = REVIEWER_ROLES | UNIT_WRITER_ROLES
EDITABLE = (ArticleStatus.DRAFT, ArticleStatus.RETURNED, ArticleStatus.WITHDRAWN)


def is_reviewer(membership: Membership, office_id: int) -> bool:
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & REVIEWER_ROLES)
    )


def is_writer(membership: Membership, office_id: int) -> bool:
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & WRITER_ROLES)
    )


def writer_unit_ids(membership: Membership) -> frozenset[int]:
    """The units a unit head or contact writes for."""
    ids: set[int] = set()
    for role in UNIT_WRITER_ROLES:
        ids |= membership.unit_scopes.get(role, frozenset())
    return frozenset(ids)


def visible_filter(membership: Membership, user_id: int | None, office_id: int) -> Q | None:
    """The articles of `office_id` the member may see, as a filter (None: none)."""
    if not membership.in_office(office_id):
        return None
    published = Q(status=ArticleStatus.PUBLISHED)
    own = Q(author_id=user_id) if user_id is not None else Q(pk__in=[])
    if is_reviewer(membership, office_id):
        return ~Q(status=ArticleStatus.DRAFT) | own
    return published | own


def is_author(user_id: int | None, article: Article) -> bool:
    return user_id is not None and article.author_id == user_id


def can_see(membership: Membership, user_id: int | None, article: Article) -> bool:
    if not membership.in_office(article.office_id):
        return False
    if article.status == ArticleStatus.PUBLISHED or is_author(user_id, article):
        return True
    return is_reviewer(membership, article.office_id) and article.status != ArticleStatus.DRAFT


def can_edit(membership: Membership, user_id: int | None, article: Article) -> bool:
    return (
        is_writer(membership, article.office_id)
        and is_author(user_id, article)
        and article.status in EDITABLE
    )


def can_review(membership: Membership, article: Article) -> bool:
    return is_reviewer(membership, article.office_id)


def can_record_placement(
    membership: Membership, user_id: int | None, office_id: int, article: Article | None
) -> bool:
    if is_reviewer(membership, office_id):
        return True
    return (
        article is not None
        and article.office_id == office_id
        and is_writer(membership, office_id)
        and is_author(user_id, article)
    )


def can_delete_placement(
    membership: Membership, user_id: int | None, placement: PublicityPlacement
) -> bool:
    if is_reviewer(membership, placement.office_id):
        return True
    if not is_writer(membership, placement.office_id):
        return False
    if placement.article is not None and is_author(user_id, placement.article):
        return True
    return user_id is not None and placement.recorded_by_id == user_id
