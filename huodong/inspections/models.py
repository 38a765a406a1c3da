"""Supervision of a campaign by the leading group's office (plan section 五, 督查督办):
inspections (督查), notices (通报), rectification orders (督促整改) and the accountability
ledger (问责)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign, Task
from huodong.orgs.models import Office, Person, Unit


class InspectionRating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    FAIR = "fair", _("Fair (一般)")
    POOR = "poor", _("Poor (较差)")


class Inspection(models.Model):
    """One check of a unit or of a task (then of the units that carry it)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspections")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("inspected unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("inspected task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("date of the check"))
    findings = models.TextField(_("findings"))
    rating = models.CharField(_("rating"), max_length=10, choices=InspectionRating.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["campaign", "inspected_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(task__isnull=False),
                name="inspection_of_unit_or_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.unit or self.task}"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Notice(models.Model):
    """A notice (通报) on a period of the campaign, generated from the data and then edited."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    # The office numbers its documents: a document number is unique within it.
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="notices")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    title = models.CharField(_("title"), max_length=200)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    body = models.TextField(_("text"), blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    issued_on = models.DateField(_("dated"), null=True, blank=True)
    units = models.ManyToManyField(
        Unit, verbose_name=_("units concerned"), blank=True, related_name="notices"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [
            # Two people suggested the same next number at once: the database keeps one.
            models.UniqueConstraint(
                fields=["office", "doc_number"],
                condition=~Q(doc_number=""),
                name="notice_doc_number_unique_in_office",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="notice_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.doc_number or self.title


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the unit's answer")
    ANSWERED = "answered", _("Answered, awaiting verification")
    RETURNED = "returned", _("Sent back to the unit")
    CLOSED = "closed", _("Closed (销号)")


# The states in which the unit may answer, and in which an order counts as open.
ANSWERABLE_STATUSES = (OrderStatus.OPEN, OrderStatus.RETURNED)
UNCLOSED_STATUSES = (OrderStatus.OPEN, OrderStatus.ANSWERED, OrderStatus.RETURNED)


class RectificationOrder(models.Model):
    """An order to a unit to put a problem right by a deadline (督促整改)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="rectification_orders"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rectification_orders"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_orders",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_orders",
    )
    problem = models.TextField(_("problem"))
    measures_required = models.TextField(_("required measures"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "status", "deadline"]),
            models.Index(fields=["campaign", "unit"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.deadline}"


def attachment_path(instance: "RectificationAnswer", filename: str) -> str:
    # The stored name is never the uploaded one: the original name is kept in a field.
    return f"inspections/orders/{instance.order_id}/{timezone.now():%Y%m%d%H%M%S%f}"


class RectificationAnswer(models.Model):
    """What the unit did, with its evidence. An answer is never changed once given."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("measures taken"))
    attachment = models.FileField(_("evidence"), upload_to=attachment_path, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=120, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer to a rectification order")
        verbose_name_plural = _("answers to rectification orders")
        ordering = ["order", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} @ {self.submitted_at:%Y-%m-%d}"


class OrderAction(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ANSWERED = "answered", _("Answered by the unit")
    RETURNED = "returned", _("Sent back")
    CLOSED = "closed", _("Verified and closed")
    ESCALATED = "escalated", _("Escalated as overdue")


class RectificationEvent(models.Model):
    """The order's history: every change of state, who made it and when."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=OrderAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class AccountabilityMeasure(models.TextChoices):
    REMINDER_TALK = "reminder_talk", _("Reminder talk (提醒谈话)")
    CRITICISM = "criticism", _("Circulated criticism (通报批评)")
    SELF_EXAMINATION = "self_examination", _("Ordered self-examination (责令检查)")
    ADMONITION = "admonition", _("Admonishing talk (诫勉谈话)")
    OTHER = "other", _("Other")


class AccountabilityEntry(models.Model):
    """One line of the accountability ledger (问责), seen by the leading group only."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="accountability_entries"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("rectification order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    measure = models.CharField(_("measure"), max_length=20, choices=AccountabilityMeasure.choices)
    measure_detail = models.CharField(_("measure (other)"), max_length=100, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=100)
    decided_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accountability entry")
        verbose_name_plural = _("accountability ledger")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False),
                name="accountability_of_unit_or_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decided_on} {self.person or self.unit}"
