"""Integrations of the open API: another system of the city that reads (and writes a little)
through `/api/v1/` with a bearer token, scoped like a person holding the same roles.

Each integration has a login of its own (`user`, named ``api-<id>``, with an unusable password)
so that everything it writes is attributed to it in the audit log and the records' authors.
A token is shown once when issued; only its SHA-256 hash and a short prefix (to recognise it in
the list) are kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huodong.core import clock
from huodong.orgs.models import Office, Role, Unit


class Integration(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="integrations")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "-created_at"], name="integration_office_new")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IntegrationRole(models.Model):
    """A role the integration holds, like a person's `RoleAssignment` (unit-scoped or not)."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("integration role")
        verbose_name_plural = _("integration roles")
        ordering = ["integration", "role", "unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "role", "unit"], name="integration_role_unique"
            ),
            models.UniqueConstraint(
                fields=["integration", "role"],
                condition=Q(unit__isnull=True),
                name="integration_role_unique_unscoped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.integration_id} {self.role} {self.unit_id or ''}".strip()


class IntegrationToken(models.Model):
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="tokens")
    # The first characters of the token, to tell tokens apart in the list; never enough to use.
    prefix = models.CharField(_("token starts with"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), default=clock.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("integration token")
        verbose_name_plural = _("integration tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
