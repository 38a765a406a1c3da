"""督办: each scheduled task carried from assignment to accepted, with reports and reasons.

The rows here are written only by `huodong.supervision.services`; a task's completion date itself
stays on `campaigns.Task.completed_on`, recorded through the campaigns service on acceptance.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Task
from huodong.orgs.models import Unit
from huodong.supervision.clock import now


class TrackingStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted for acceptance")
    RETURNED = "returned", _("Returned for rework")
    ACCEPTED = "accepted", _("Accepted as done")


class TaskTracking(models.Model):
    """Where a task stands in its lifecycle; created by the services on the first transition."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="tracking")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TrackingStatus.choices,
        default=TrackingStatus.ASSIGNED,
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted for acceptance"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    updated_at = models.DateTimeField(_("updated"), default=now)

    class Meta:
        verbose_name = _("task tracking")
        verbose_name_plural = _("task tracking")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.status}"


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received by the lead unit")
    REPORT = "report", _("Progress report submitted")
    SUBMITTED = "submitted", _("Submitted for acceptance")
    RETURNED = "returned", _("Returned for rework")
    ACCEPTED = "accepted", _("Accepted as done")
    REOPENED = "reopened", _("Reopened")
    REASON = "reason", _("Reason for delay given")


class TaskEvent(models.Model):
    """One step of a task's lifecycle: who did what, when, for which unit. Never edited."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="supervision_events")
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=TrackingStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TrackingStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name as it was at the time, so the log reads the same after a person leaves.
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=now)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.actor_name}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ProgressReport(models.Model):
    """A staged report of one unit on one task; frozen once submitted."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress_reports")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author (name)"), max_length=150, blank=True)
    text = models.TextField(_("report"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=now)
    updated_at = models.DateTimeField(_("updated"), default=now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "status"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit_id} {self.status}"


def attachment_path(instance: "ReportAttachment", filename: str) -> str:
    """A random stored name; only the extension of the detected type survives from `filename`."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"supervision/{secrets.token_hex(16)}.{suffix[:8]}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    # Detected from the bytes, never taken from the upload's name or its declared type.
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class OverdueReason(models.Model):
    """Why a lead unit's task is (or was) late, in that unit's words; one current text per unit."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="overdue_reasons")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("reason"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("given by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("given"), default=now)
    updated_at = models.DateTimeField(_("updated"), default=now)

    class Meta:
        verbose_name = _("reason for delay")
        verbose_name_plural = _("reasons for delay")
        ordering = ["task", "unit__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="overdue_reason_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit_id}"
