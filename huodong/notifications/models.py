from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Deadline reminder")
    OVERDUE = "overdue", _("Overdue")
    TASK = "task", _("Task update")
    NOTICE = "notice", _("Notice (通报)")
    RECTIFICATION = "rectification", _("Rectification order")
    ESCALATION = "escalation", _("Escalation")
    REQUIREMENT = "requirement", _("Requirement reminder")
    STUDY = "study", _("Study session")
    REVIEW = "review", _("Reflection review")
    PROBLEM = "problem", _("Problem ledger")
    OTHER = "other", _("Other")


class Notification(models.Model):
    """One message in one person's inbox. A dedupe key makes sending it idempotent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Unique per recipient: a reminder computed twice (two workers, a retry after a crash)
    # inserts once and the second insert is skipped by the database.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_sent_once"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How one user wants notifications e-mailed. Without a row, each one is e-mailed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_each = models.BooleanField(_("e-mail me each notification"), default=True)
    daily_digest = models.BooleanField(
        _("e-mail me one daily digest instead"),
        default=False,
        help_text=_("One e-mail a day listing your unread notifications, instead of one each."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def wants_each_email(self) -> bool:
        return self.email_each and not self.daily_digest


class DigestSent(models.Model):
    """One row per user and day a digest went out: the database lets only one through."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    notifications = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_sent_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
