"""Who may see an originality report, who the sources are, and who keeps the library.

- A reflection's report: its writer, those who may review it (the writer's branch secretary,
  the leading group's office: `participation.permissions.can_review_reflection_of`) and the
  office (admins, the office's director and staff).
- Who the sources are (another person's essay, its title and writer): reviewers and the office,
  never the writer, who sees only that a passage is found elsewhere.
- A contest entry's report: the contest's organisers and the entry's author; never a judge of
  the contest, whatever their role (the report names the author and the sources). Who the
  sources are: the organisers only (`contests.permissions`).
- The reference library and full rescans: the office (admins, director, staff).

A forbidden object is answered like a missing one (404).
"""

from __future__ import annotations

from huodong.contests import permissions as contest_permissions
from huodong.orgs.models import Office, Role
from huodong.orgs.permissions import Membership
from huodong.originality.models import DocumentKind, OriginalityDocument
from huodong.participation.permissions import can_review_reflection_of

OFFICE_ROLES = frozenset({Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF})


def _office_id(office: Office | int) -> int:
    return office if isinstance(office, int) else office.pk


def can_manage_library(membership: Membership, office: Office | int) -> bool:
    """Add and delete reference texts, start a rescan, see every report of the office."""
    office_id = _office_id(office)
    return membership.in_office(office_id) and (
        membership.is_superuser or bool(membership.roles & OFFICE_ROLES)
    )


def _is_author(membership: Membership, document: OriginalityDocument) -> bool:
    person = membership.person
    return (
        person is not None
        and document.author_id is not None
        and person.pk == document.author_id
        and membership.in_office(document.office_id)
    )


def _is_reviewer(membership: Membership, document: OriginalityDocument) -> bool:
    """`document.campaign` and `document.author` are read: select them with the document."""
    if document.kind == DocumentKind.REFERENCE or document.campaign_id is None:
        return False
    if document.author_id is None or document.campaign is None or document.author is None:
        return False
    return can_review_reflection_of(membership, document.campaign, document.author)


def _contest_entry_report(
    membership: Membership, document: OriginalityDocument, *, sources: bool
) -> bool:
    """`document.contest_entry.contest` is read: select it with the document."""
    entry = document.contest_entry
    if entry is None:
        return can_manage_library(membership, document.office_id)
    if sources:
        return contest_permissions.can_see_entry_sources(membership, entry.contest)
    return contest_permissions.can_see_entry_report(membership, entry.contest, entry.author_id)


def can_see_report(membership: Membership, document: OriginalityDocument) -> bool:
    if document.kind == DocumentKind.CONTEST_ENTRY:
        return _contest_entry_report(membership, document, sources=False)
    if can_manage_library(membership, document.office_id):
        return True
    if document.kind == DocumentKind.REFERENCE:
        return False
    return _is_author(membership, document) or _is_reviewer(membership, document)


def can_see_source_identity(membership: Membership, document: OriginalityDocument) -> bool:
    """Which documents a report's passages come from: reviewers and the office, not the writer."""
    if document.kind == DocumentKind.CONTEST_ENTRY:
        return _contest_entry_report(membership, document, sources=True)
    if can_manage_library(membership, document.office_id):
        return True
    if _is_author(membership, document):
        return False
    return _is_reviewer(membership, document)


def can_request_check(membership: Membership, document: OriginalityDocument) -> bool:
    """Check a document again now: its reviewers and the office."""
    return document.kind != DocumentKind.REFERENCE and can_see_source_identity(membership, document)
