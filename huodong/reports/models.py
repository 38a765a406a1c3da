"""Report drafts: the weekly or monthly brief (工作简报) and the final summary (活动总结),
drafted from the campaign's figures, edited by the leading group's office, exported as .docx.

The drafted text is written in Chinese whatever the reader's interface language: it is an
official document. Each draft keeps the figures it was written from (`figures`) and, for every
number it put in the text, which figure it was (`mentions`), so the writer sees where each
number came from and a test can check that the document and the dashboard agree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign
from huodong.core import clock


class ReportKind(models.TextChoices):
    BRIEF = "brief", _("Work brief (工作简报)")
    SUMMARY = "summary", _("Final summary (活动总结)")


class ReportPeriod(models.TextChoices):
    NONE = "", _("No period")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class ReportDraft(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="report_drafts")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period = models.CharField(
        _("period"), max_length=10, choices=ReportPeriod.choices, blank=True, default=""
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    # 第N期: the briefs of a campaign are numbered from 1 (None for the summary).
    issue_number = models.PositiveIntegerField(_("issue number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    # {"current": CampaignFigures as JSON (with as_of), "previous": the same at the day before
    # the period for a brief, else null}
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    # [{"field", "value", "scope" ("total" | "period"), "section" (key), "before", "after"}]
    mentions = models.JSONField(_("numbers in the text"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Bumped on every save: an editor holding an older version cannot overwrite newer text.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="report_campaign_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "issue_number"],
                condition=models.Q(kind="brief"),
                name="report_brief_issue_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT


class ReportSection(models.Model):
    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # What the drafting wrote it as ("basic", "practices" …), so a refresh finds it again.
    key = models.CharField(max_length=30)
    heading = models.CharField(_("heading"), max_length=200)
    # Plain paragraphs separated by blank lines.
    body = models.TextField(_("text"), blank=True)
    # The text as last drafted from the figures: a body that differs was edited by the writer.
    drafted_heading = models.CharField(max_length=200, blank=True)
    drafted_body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["draft", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "key"], name="report_section_key_unique")
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def is_edited(self) -> bool:
        return self.body != self.drafted_body or self.heading != self.drafted_heading

    def paragraphs(self) -> list[str]:
        return body_paragraphs(self.body)


def body_paragraphs(body: str) -> list[str]:
    """The body's paragraphs: each non-blank line is one (the blank lines between them are
    optional)."""
    lines = [line.strip() for line in body.replace("\r\n", "\n").split("\n")]
    return [line for line in lines if line]
