"""Writes of the api app: integrations and their tokens, the integration's last use, and a
personal study recorded for someone by an integration.

Each function checks who may act (`permissions`), runs in one transaction and writes its audit
record in it. A token is returned once by the function that issues it and never stored: only
its SHA-256 hash and its first characters are.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from huodong.api.errors import NotAllowed, Refused
from huodong.api.models import Integration, IntegrationRole, IntegrationToken
from huodong.api.permissions import (
    GRANTABLE_ROLES,
    UNIT_ROLES,
    can_manage_integrations,
    can_record_study_for,
)
from huodong.api.selectors import token_hash
from huodong.campaigns.models import Campaign, StudyKind
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import Office, Person, Unit, User
from huodong.orgs.permissions import membership_of
from huodong.participation.errors import NotAllowed as StudyNotAllowed
from huodong.participation.models import StudyRecord

# The participation services' own checks of a study's date, material and length: the same
# rules as a person logging their own study.
from huodong.participation.services.study import study_record_log_for

__all__ = [
    "TOKEN_PREFIX",
    "IssuedToken",
    "integration_create",
    "integration_mark_used",
    "integration_revoke",
    "integration_study_record_log",
    "integration_token_issue",
    "integration_token_revoke",
]

TOKEN_PREFIX = "hd_"
# How long a use is remembered before the next one is written down.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
PREFIX_CHARS = 10


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `token` is the only time its text exists outside the caller's hands."""

    row: IntegrationToken
    token: str


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not manage integrations of this office."), code="not_allowed")


def _check_manager(actor: User, office_id: int) -> None:
    if not can_manage_integrations(membership_of(actor), office_id):
        raise _not_allowed()


def _new_token(integration: Integration, actor: User) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = IntegrationToken.objects.create(
        integration=integration,
        prefix=token[:PREFIX_CHARS],
        token_hash=token_hash(token),
        created_by=actor,
        created_at=clock.now(),
    )
    return IssuedToken(row=row, token=token)


def _clean_roles(
    office: Office, roles: Iterable[tuple[str, Unit | None]]
) -> list[tuple[str, Unit | None]]:
    cleaned: list[tuple[str, Unit | None]] = []
    for role, unit in roles:
        if role not in GRANTABLE_ROLES:
            raise Refused(_("An integration cannot hold this role."), code="bad_role")
        if role in UNIT_ROLES and unit is None:
            raise Refused(_("Choose the unit this role holds for."), code="unit_required")
        if role not in UNIT_ROLES:
            unit = None
        if unit is not None and unit.office_id != office.pk:
            raise Refused(_("Choose a unit of this office."), code="bad_unit")
        key = (role, unit)
        if key not in cleaned:
            cleaned.append(key)
    if not cleaned:
        raise Refused(_("Give the integration at least one role."), code="roles_required")
    return cleaned


@transaction.atomic
def integration_create(
    *,
    actor: User,
    office: Office,
    name: str,
    description: str = "",
    roles: Iterable[tuple[str, Unit | None]],
) -> tuple[Integration, IssuedToken]:
    """A new integration with its own login and roles, and its first token."""
    _check_manager(actor, office.pk)
    name = (name or "").strip()
    if not name:
        raise Refused(_("Give the integration a name."), code="name_required")
    cleaned = _clean_roles(office, roles)
    user = User(username=f"api-new-{secrets.token_hex(8)}")
    user.set_unusable_password()
    user.save()
    integration = Integration.objects.create(
        office=office,
        name=name[:100],
        description=(description or "").strip(),
        user=user,
        created_by=actor,
        created_at=clock.now(),
    )
    user.username = f"api-{integration.pk}"
    user.save(update_fields=["username"])
    IntegrationRole.objects.bulk_create(
        [IntegrationRole(integration=integration, role=role, unit=unit) for role, unit in cleaned]
    )
    issued = _new_token(integration, actor)
    audit_record(
        actor=actor,
        action="integration.create",
        obj=integration,
        changes={
            "name": integration.name,
            "roles": [[role, unit.pk if unit else None] for role, unit in cleaned],
            "token": issued.row.prefix,
        },
    )
    return integration, issued


def _lock_live(integration: Integration) -> Integration:
    locked = Integration.objects.select_for_update().get(pk=integration.pk)
    if locked.revoked_at is not None:
        raise Refused(_("This integration was revoked."), code="revoked")
    return locked


@transaction.atomic
def integration_token_issue(*, actor: User, integration: Integration) -> IssuedToken:
    """A new token for a live integration; its other tokens stay valid until revoked."""
    _check_manager(actor, integration.office_id)
    locked = _lock_live(integration)
    issued = _new_token(locked, actor)
    audit_record(
        actor=actor,
        action="integration.token_issue",
        obj=locked,
        changes={"token": issued.row.prefix},
    )
    return issued


@transaction.atomic
def integration_token_revoke(*, actor: User, token: IntegrationToken) -> IntegrationToken:
    integration = Integration.objects.get(pk=token.integration_id)
    _check_manager(actor, integration.office_id)
    at = clock.now()
    if not IntegrationToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=at
    ):
        raise Refused(_("This token was already revoked."), code="already_revoked")
    token.refresh_from_db()
    audit_record(
        actor=actor,
        action="integration.token_revoke",
        obj=integration,
        changes={"token": token.prefix},
    )
    return token


@transaction.atomic
def integration_revoke(*, actor: User, integration: Integration) -> Integration:
    """Revoke the integration: every token stops working and its login is deactivated."""
    _check_manager(actor, integration.office_id)
    locked = _lock_live(integration)
    at = clock.now()
    Integration.objects.filter(pk=locked.pk).update(revoked_at=at)
    tokens = IntegrationToken.objects.filter(integration=locked, revoked_at__isnull=True).update(
        revoked_at=at
    )
    User.objects.filter(pk=locked.user_id).update(is_active=False)
    locked.refresh_from_db()
    audit_record(
        actor=actor, action="integration.revoke", obj=locked, changes={"tokens_revoked": tokens}
    )
    return locked


def integration_mark_used(integration: Integration) -> None:
    """Remember the integration's last use, at most once a minute: one conditional update, so
    two requests at once write it once (not audited: bookkeeping, not a change)."""
    at = clock.now()
    last = integration.last_used_at
    if last is not None and at - last < LAST_USED_PRECISION:
        return
    Integration.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=at - LAST_USED_PRECISION),
        pk=integration.pk,
    ).update(last_used_at=at)
    integration.last_used_at = at


@transaction.atomic
def integration_study_record_log(
    *,
    actor: User,
    campaign: Campaign,
    person: Person,
    kind: str = StudyKind.SELF,
    date: dt.date,
    material: str,
    duration_minutes: int | None = None,
    notes: str = "",
) -> StudyRecord:
    """An integration records a personal study for `person` (e.g. from an e-learning system),
    under the same checks as the person logging it themselves (`study_record_log`)."""
    if not can_record_study_for(membership_of(actor), campaign, person):
        raise StudyNotAllowed(_("You may not record study for this person."), code="not_allowed")
    return study_record_log_for(
        actor=actor,
        campaign=campaign,
        person=person,
        kind=kind,
        date=date,
        material=material,
        duration_minutes=duration_minutes,
        notes=notes,
        via="api",
    )
