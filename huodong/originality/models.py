"""The originality check (查重): what is checked and indexed, and the reports.

Every submitted reflection (later, every contest entry) and every text of the office's
reference library is one `OriginalityDocument`: the text as checked. A document's text never
changes: an essay edited and submitted again is a new document (the old one is deleted), so a
process's in-memory corpus is fresh up to the largest id it has read and only newer ids need
reading (`index_cache.py`). Reports cite their sources through
`ReportSource`; deleting a source deletes those rows, and the reports that lost one are checked
again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.orgs.models import Office, Person


class DocumentKind(models.TextChoices):
    REFLECTION = "reflection", _("Reflection")
    CONTEST_ENTRY = "contest_entry", _("Contest entry")
    REFERENCE = "reference", _("Reference text")


class ReferenceText(models.Model):
    """A text the office keeps to check against: a speech, an article, the plan, last year's
    reflections."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="reference_texts")
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("reference text")
        verbose_name_plural = _("reference texts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class OriginalityDocument(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    reflection = models.OneToOneField(
        "participation.Reflection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="originality_document",
    )
    contest_entry = models.OneToOneField(
        "contests.Entry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="originality_document",
    )
    reference = models.OneToOneField(
        ReferenceText,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document",
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    text_hash = models.CharField(max_length=64)  # sha256 of `text`
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("checked text")
        verbose_name_plural = _("checked texts")
        indexes = [models.Index(fields=["office", "id"], name="originality_doc_office_id")]

    def __str__(self) -> str:
        return self.title


class OriginalityReport(models.Model):
    document = models.OneToOneField(
        OriginalityDocument, on_delete=models.CASCADE, related_name="report"
    )
    length = models.PositiveIntegerField()  # normalised characters
    ratio = models.FloatField()  # 总文字复制比, 0..1
    ratio_without_quotes = models.FloatField()
    largest_ratio = models.FloatField(default=0)
    largest_source = models.ForeignKey(
        OriginalityDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged = models.BooleanField(default=False)  # above the campaign's threshold
    # The essay's copied stretches, merged: [[start, end], …] offsets in `document.text`.
    spans = models.JSONField(default=list)
    checked_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("originality report")
        verbose_name_plural = _("originality reports")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.ratio:.1%}"


class ReportSource(models.Model):
    report = models.ForeignKey(OriginalityReport, on_delete=models.CASCADE, related_name="sources")
    source = models.ForeignKey(
        OriginalityDocument, on_delete=models.CASCADE, related_name="cited_in"
    )
    ratio = models.FloatField()
    characters = models.PositiveIntegerField()
    # [[start, end, source_start, source_end], …]: offsets in the two documents' texts.
    runs = models.JSONField(default=list)

    class Meta:
        ordering = ["-characters", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "source"], name="report_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} ← {self.source_id}: {self.ratio:.1%}"


class OriginalitySettings(models.Model):
    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="originality_settings"
    )
    threshold_percent = models.PositiveSmallIntegerField(_("flag above (%)"), default=30)

    class Meta:
        verbose_name = _("originality settings")
        verbose_name_plural = _("originality settings")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.threshold_percent}%"


class RescanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Rescan(models.Model):
    """A full rescan of an office's documents, with its progress."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RescanStatus.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.done}/{self.total} {self.status}"
