"""From opinions to outcomes (成果转化): the suggestion pool and the outcomes made of it.

A `Suggestion` (意见建议) comes from one source — a questionnaire answer, a meeting or an
enterprise visit, an online activity, a staff member, or the public mailbox — and keeps a link
to it, so the chain "who said it, where, what became of it" can be read back. Triage moves it
through fixed stages (`Stage`), which the office refines with its own statuses
(`SuggestionStatus`, each under one stage). Near-duplicates are merged by pointing the copy at
its original (`duplicate_of`, always a suggestion that is not itself a duplicate).

An `Outcome` (成果: policy opinion, concrete plan, institutional or practical result) links the
suggestions it came from, carries milestones, and has a progress: its milestones' share done,
or — when it has sub-outcomes — their progress rolled up (averaged or weighted). Submitters of
linked suggestions are told when an outcome changes.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.models import StoredFile, random_stored_name
from huodong.orgs.models import Office, Person, Unit


def new_tracking_code() -> str:
    """What an identified submitter from the public keeps to follow their suggestion."""
    return secrets.token_urlsafe(9)


class SuggestionSource(models.TextChoices):
    SURVEY = "survey", _("Questionnaire answer")
    MEETING = "meeting", _("Seminar or discussion")
    VISIT = "visit", _("Enterprise visit")
    ONLINE = "online", _("Online activity")
    STAFF = "staff", _("Staff member")
    MAILBOX = "mailbox", _("Public mailbox")


class Stage(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("suggestion", "Received")
    EVALUATING = "evaluating", _("Being evaluated")
    VALUABLE = "valuable", _("Valuable")
    ADOPTED = "adopted", _("Adopted")
    CONVERTED = "converted", _("Converted to an outcome")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    DUPLICATE = "duplicate", _("Duplicate")


# Stages after which a suggestion is settled (no more evaluation expected).
SETTLED_STAGES = (Stage.ADOPTED, Stage.CONVERTED, Stage.NOT_ADOPTED, Stage.DUPLICATE)


class SuggestionStatus(models.Model):
    """A status the office adds under one stage, e.g. 转交职能部门 under 'being evaluated'."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion status")
        verbose_name_plural = _("suggestion statuses")
        ordering = ["stage", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="suggestion_status_name")
        ]

    def __str__(self) -> str:
        return self.name


class SuggestionCategory(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("suggestion category")
        verbose_name_plural = _("suggestion categories")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="suggestion_category_name")
        ]

    def __str__(self) -> str:
        return self.name


class SuggestionTag(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="suggestion_tag")]

    def __str__(self) -> str:
        return self.name


class Suggestion(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="suggestions")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    number = models.PositiveIntegerField(_("no."))  # per office, from 1
    text = models.TextField(_("suggestion"))
    source = models.CharField(_("source"), max_length=10, choices=SuggestionSource.choices)
    # The source record, when there is one (at most one of these is set).
    survey_answer = models.OneToOneField(
        "surveys.Answer",
        verbose_name=_("questionnaire answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestion",
    )
    meeting = models.ForeignKey(
        "engagement.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    online_participation = models.OneToOneField(
        "engagement.OnlineParticipation",
        verbose_name=_("online participation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestion",
    )
    # Who gave it: a staff member, or a named outsider (contact private), or nobody (anonymous).
    submitter = models.ForeignKey(
        Person,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    submitter_name = models.CharField(_("name"), max_length=50, blank=True)
    submitter_organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    submitter_contact = models.CharField(_("contact"), max_length=100, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # The public mailbox's keyed hash of the sender's network address, for its rate limit only.
    address_hash = models.CharField(max_length=64, blank=True, editable=False)
    # An outsider who left a name follows their suggestion with this code (回执码).
    tracking_code = models.CharField(max_length=16, unique=True, default=new_tracking_code)
    category = models.ForeignKey(
        SuggestionCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    tags = models.ManyToManyField(
        SuggestionTag, verbose_name=_("tags"), blank=True, related_name="suggestions"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.RECEIVED
    )
    status = models.ForeignKey(
        SuggestionStatus,
        verbose_name=_("status"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    # Why it was not adopted (required at that stage).
    reason = models.TextField(_("reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    # The answer sent back to an identified submitter.
    answer = models.TextField(_("answer to the submitter"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(
        pgettext_lazy("suggestion date", "received"), default=clock.now
    )
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["office", "-created_at", "-id"], name="suggestion_office_new"),
            models.Index(fields=["office", "stage", "-created_at"], name="suggestion_office_stage"),
            models.Index(fields=["office", "source", "-created_at"], name="suggestion_source"),
            models.Index(fields=["campaign", "stage"], name="suggestion_campaign_stage"),
            models.Index(
                fields=["office", "address_hash", "created_at"], name="suggestion_address_recent"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="suggestion_number"),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("id")), name="suggestion_not_own_duplicate"
            ),
            models.CheckConstraint(
                condition=Q(stage="duplicate", duplicate_of__isnull=False)
                | (~Q(stage="duplicate") & Q(duplicate_of__isnull=True)),
                name="suggestion_duplicate_has_original",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_identified(self) -> bool:
        """Whether there is someone to answer: a staff member or an outsider with a contact."""
        return not self.is_anonymous and (
            self.submitter_id is not None or bool(self.submitter_contact)
        )


class SuggestionEvaluation(models.Model):
    """An evaluator assigned to a suggestion, and their opinion once given."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="evaluations")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=clock.now)
    opinion = models.TextField(_("opinion"), blank=True)
    recommended_stage = models.CharField(
        _("recommendation"), max_length=12, choices=Stage.choices, blank=True
    )
    given_at = models.DateTimeField(_("given"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "evaluator"], name="evaluation_once")
        ]
        indexes = [models.Index(fields=["evaluator", "given_at"], name="evaluation_todo")]

    def __str__(self) -> str:
        return f"{self.suggestion_id}:{self.evaluator_id}"


class SuggestionEvent(models.Model):
    """The history of a suggestion: every change of stage or status, merge, answer."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.action}"


class SubmitterEmail(models.Model):
    """An e-mail to a submitter from the public, written in the transaction that decided to
    send it and sent by a task after commit (`suggestions.tasks`). `key` makes deciding twice
    write one row; `sent_at` makes the task send it once however often it runs."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="emails")
    key = models.CharField(max_length=150)
    to = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail to a submitter")
        verbose_name_plural = _("e-mails to submitters")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "key"], name="submitter_email_once")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.subject}"


class OutcomeKind(models.TextChoices):
    POLICY = "policy", _("Policy opinion (政策意见)")
    PLAN = "plan", _("Concrete plan (具体方案)")
    INSTITUTIONAL = "institutional", _("Institutional result (制度成果)")
    PRACTICE = "practice", _("Practical result (实践成果)")


class OutcomeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    SUSPENDED = "suspended", _("Suspended")


class Rollup(models.TextChoices):
    AVERAGE = "average", _("Average of the sub-outcomes")
    WEIGHTED = "weighted", _("Weighted by each sub-outcome's weight")


class Outcome(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="outcomes")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=OutcomeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OutcomeStatus.choices, default=OutcomeStatus.PLANNED
    )
    # 0–100, kept by the services: from the milestones, or rolled up from the sub-outcomes.
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    rollup = models.CharField(
        _("progress of sub-outcomes"), max_length=10, choices=Rollup.choices, default=Rollup.AVERAGE
    )
    weight = models.PositiveSmallIntegerField(
        _("weight in the parent's progress"), default=1, validators=[MinValueValidator(1)]
    )
    is_public = models.BooleanField(_("shown on the public column"), default=False)
    suggestions = models.ManyToManyField(
        Suggestion,
        verbose_name=_("from the suggestions"),
        blank=True,
        through="OutcomeSuggestion",
        related_name="outcomes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "parent"], name="outcome_office_parent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="outcome_progress_range"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="outcome_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutcomeSuggestion(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outcome", "suggestion"], name="outcome_suggestion")
        ]

    def __str__(self) -> str:
        return f"{self.outcome_id}:{self.suggestion_id}"


class Milestone(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1)]
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["outcome", "sort_order", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


def outcome_file_path(instance: OutcomeDocument, filename: str) -> str:
    return random_stored_name("outcomes", filename)


class OutcomeDocument(StoredFile):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=outcome_file_path, max_length=200)

    class Meta(StoredFile.Meta):
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")


class OutcomeEvent(models.Model):
    """The history of an outcome: progress and status changes, milestones done, links."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    progress = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.outcome_id}: {self.action}"
