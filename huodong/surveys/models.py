"""Questionnaires (调查问卷): the survey, its sections and questions, and the answers.

An answer to a choice is one `Answer` row per option chosen, so that every option is counted
on its own (a multiple-choice chart counts options, never combinations). The counts the
results page shows are kept in `AnswerTally` by the submitting transaction (an `F()` increment
per key), so the page reads a few hundred rows whatever the number of answers; filters and
cross-tabulations count the `Answer` rows.

Once a survey has an answer its questions and options are frozen (`Survey.response_count`):
changing them would corrupt what was answered; the office copies the survey to edit it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.orgs.models import Office, Person


class Audience(models.TextChoices):
    PUBLIC = "public", _("The public and enterprises (anonymous, from a link or QR code)")
    STAFF = "staff", _("Staff of the office (signed in, one answer each)")


class Survey(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="surveys")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    audience = models.CharField(
        _("who answers"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)  # None: a draft
    # The public link's key: unguessable, so a draft or another office's survey is not found.
    public_key = models.CharField(max_length=24, unique=True)
    is_template = models.BooleanField(_("template"), default=False)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title or f"#{self.position}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    RATING = "rating", _("Rating scale")
    MATRIX = "matrix", _("Matrix (one choice per row)")
    RANKING = "ranking", _("Ranking")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
OPTION_KINDS = frozenset(
    {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATRIX, QuestionKind.RANKING}
)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    max_choices = models.PositiveSmallIntegerField(_("at most (choices)"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("at most (characters)"), null=True, blank=True)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    scale_min_label = models.CharField(max_length=50, blank=True)
    scale_max_label = models.CharField(max_length=50, blank=True)
    has_other = models.BooleanField(_("“other, please specify”"), default=False)
    rows = models.JSONField(default=list, blank=True)  # a matrix's row labels
    # Shown only when this option of an earlier question was chosen.
    show_if = models.ForeignKey(
        "Option", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["survey", "position"], name="survey_question_order")]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("option"), max_length=300)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The public's one answer per device: a hash of the signed cookie's token.
    device_hash = models.CharField(max_length=64, blank=True)
    # For the rate limit per address: a keyed hash, not the address itself.
    address_hash = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=Q(person__isnull=False),
                name="survey_one_response_per_person",
            ),
            models.UniqueConstraint(
                fields=["survey", "device_hash"],
                condition=~Q(device_hash=""),
                name="survey_one_response_per_device",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "submitted_at"], name="survey_response_time"),
            models.Index(fields=["address_hash", "submitted_at"], name="survey_response_address"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    """One part of a response: an option chosen (with its matrix row or ranking place), a
    rating, or a text (an "other" text rides on no option)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    row = models.PositiveSmallIntegerField(null=True, blank=True)  # matrix row
    value = models.SmallIntegerField(null=True, blank=True)  # rating, or ranking place (1 = top)
    text = models.TextField(blank=True)
    is_other = models.BooleanField(default=False)
    # A text the office sent to the suggestion pool (issue #8 builds the pool; it takes the
    # answers marked here, and its suggestion links back to the answer).
    sent_to_pool_at = models.DateTimeField(null=True, blank=True)
    sent_to_pool_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["question", "option"], name="survey_answer_option"),
            models.Index(fields=["response", "question"], name="survey_answer_response"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class AnswerTally(models.Model):
    """How many responses gave one answer to a question: `key` names it ("o12" an option,
    "o12r3" an option in matrix row 3, "o12p2" an option ranked second, "v4" a rating of 4,
    "t" a text answer, "x" an "other" answer, "n" the question answered at all)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    key = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="survey_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.key}={self.count}"
