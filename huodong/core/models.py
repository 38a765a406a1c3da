import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huodong.core import clock


class AuditRecord(models.Model):
    """One write, as it happened: who did what to which object. Never edited or deleted."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )


def random_stored_name(folder: str, filename: str) -> str:
    """A random name under `folder`; only the extension (of the type detected from the bytes)
    survives from the name the user gave, so a stored file can be neither guessed nor aimed."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{secrets.token_hex(16)}.{suffix[:8]}"


class StoredFile(models.Model):
    """What every stored upload keeps beside its file: the name the user gave (for display),
    its size, the type judged from its bytes (`huodong.core.uploads`), who uploaded it, when.
    Each concrete model adds its `file` field, with its own folder."""

    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=clock.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class BenchPing(models.Model):
    """One row per request to the bare insert endpoint of the load test
    (`huodong.core.bench_endpoint`, mounted only with HUODONG_BENCH_ENDPOINTS)."""

    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"BenchPing {self.created_at:%Y-%m-%d %H:%M:%S}"
