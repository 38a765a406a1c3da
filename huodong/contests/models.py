"""The essay contest (主题征文): the call, the entries, anonymous judging and the awards.

Judges never see who wrote an entry: they work on `Entry.number` (编号, given when the entry is
submitted) and its text only; the author's name lives on the entry and is read only by the
contest's organisers. Every score is one judge's mark on one criterion of the rubric, within
that criterion's maximum; an entry's result is the average over its judges of their totals.
Submitted entries go through the originality check (`originality.OriginalityDocument`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.orgs.models import Office, Person


def new_public_key() -> str:
    return secrets.token_urlsafe(12)


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for entries")
    JUDGING = "judging", _("Being judged")
    DECIDED = "decided", _("Results decided")
    PUBLISHED = "published", _("Results published")


class Contest(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="contests")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="contests"
    )
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200)
    rules = models.TextField(_("rules"), blank=True)
    opens_on = models.DateField(_("entries from"))
    closes_on = models.DateField(_("entries until"))
    min_chars = models.PositiveIntegerField(_("at least (字)"), null=True, blank=True)
    max_chars = models.PositiveIntegerField(_("at most (字)"), null=True, blank=True)
    allows_public = models.BooleanField(_("the public may enter"), default=False)
    # How many judges must score an entry before its average counts in the ranking.
    judges_per_entry = models.PositiveSmallIntegerField(
        _("judges per entry"), default=3, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    public_key = models.CharField(max_length=24, unique=True, default=new_public_key)
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("essay contest")
        verbose_name_plural = _("essay contests")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="contest_closes_after_open"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One line of the scoring rubric, e.g. 思想性 out of 30."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), validators=[MinValueValidator(1)]
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["contest", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="criterion_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Judge(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="judges")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="judging")
    added_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        constraints = [
            models.UniqueConstraint(fields=["contest", "person"], name="judge_once_per_contest")
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}:{self.person_id}"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISQUALIFIED = "disqualified", _("Disqualified")


class Entry(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    # 编号: what judges know an entry by; given on first submission, never reused.
    number = models.PositiveIntegerField(_("no."), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    word_count = models.PositiveIntegerField(_("characters (字数)"), default=0)
    # The author: a staff member, or a member of the public (name, organisation, contact).
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="contest_entries"
    )
    author_name = models.CharField(pgettext_lazy("of a text", "author"), max_length=50, blank=True)
    author_organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    author_contact = models.CharField(_("contact"), max_length=100, blank=True)
    # What a public author keeps to see their entry again (回执码).
    receipt_code = models.CharField(max_length=16, unique=True, default=new_public_key)
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    disqualified_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Kept by the judging services: the average of the complete score sheets, and how many.
    average_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    judged_by = models.PositiveSmallIntegerField(default=0)
    award = models.ForeignKey(
        "Award", null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["contest", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="entry_number_unique"),
            models.UniqueConstraint(
                fields=["contest", "author"],
                condition=Q(author__isnull=False) & ~Q(status="withdrawn"),
                name="entry_one_per_staff_author",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    scored_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.judge_id}/{self.criterion_id}: {self.value}"


class JudgeComment(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="judge_comments")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("comment"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)  # the judge's sheet is complete

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="judge_comment_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.judge_id}"


class Award(models.Model):
    """A prize of the contest (一等奖 ×1, 二等奖 ×3, 优秀奖 ×10), given to entries."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="awards")
    name = models.CharField(_("award"), max_length=40)
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)  # 1 is the highest

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["contest", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="award_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
