"""Every staff member's part in a campaign: study, reflections, and each branch's problem ledger.

These are the records a campaign's numeric requirements count (`campaigns.Requirement`):
studies per person, reflections and their 字数, problems per branch, sessions held.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign, StudyKind
from huodong.core import clock
from huodong.orgs.models import Person, Unit

SESSION_KINDS = (StudyKind.GROUP, StudyKind.LECTURE, StudyKind.DISCUSSION)


class StudySession(models.Model):
    """A group session (集中学习, 专题辅导, 大家谈) organised by a unit or a branch."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sessions")
    organiser_unit = models.ForeignKey(
        Unit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=[(k.value, k.label) for k in SESSION_KINDS],
        default=StudyKind.GROUP,
    )
    topic = models.CharField(_("topic"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=50, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    notes = models.TextField(_("notes"), blank=True)
    # Seed of the rotating six-digit sign-in code (RFC 6238 style); never shown.
    sign_in_secret = models.CharField(max_length=64, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "starts_at"], name="session_campaign_start"),
            models.Index(fields=["organiser_unit", "starts_at"], name="session_unit_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.topic


class SessionInvitee(models.Model):
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="session_invitee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.person_id}"


class StudySource(models.TextChoices):
    LOGGED = "logged", _("Logged by the person")
    SIGN_IN = "sign_in", _("Signed in with the session code")
    MARKED = "marked", _("Marked present by the organiser")
    MAKEUP = "makeup", _("Make-up study (补学)")


class StudyRecord(models.Model):
    """One study activity of one person: personal study, attendance, or a make-up."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="study_records")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="study_records")
    kind = models.CharField(_("kind"), max_length=12, choices=StudyKind.choices)
    date = models.DateField(_("date"))
    material = models.CharField(_("material or topic"), max_length=200)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True)
    notes = models.TextField(_("notes"), blank=True)
    session = models.ForeignKey(
        StudySession,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="records",
    )
    source = models.CharField(_("recorded by"), max_length=10, choices=StudySource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["campaign", "person", "date"], name="study_campaign_person_date"),
            models.Index(fields=["campaign", "kind", "date"], name="study_campaign_kind_date"),
        ]
        constraints = [
            # Attending and making up the same session count once between them.
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(session__isnull=False),
                name="study_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.material}"


class StudyTally(models.Model):
    """How many study records of each kind a person has in a campaign.

    Kept by the services that write study records (`services/study_tallies.py`), in the same
    transaction, so that a requirement over the whole campaign reads one row per person instead
    of counting every record (at 60,000 people and 300,000 records on PostgreSQL: 70 ms instead
    of 145 ms a page). A person without a record has no row.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="study_tallies")
    # One column per StudyKind (TALLY_COLUMNS below);
    # unsigned, so that a count taken below zero fails loudly instead of drifting.
    self_studies = models.PositiveIntegerField(default=0)
    group_studies = models.PositiveIntegerField(default=0)
    lectures = models.PositiveIntegerField(default=0)
    discussions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("study tally")
        verbose_name_plural = _("study tallies")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="study_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.person_id}"


# The StudyTally column that counts each kind of study.
TALLY_COLUMNS: dict[str, str] = {
    StudyKind.SELF: "self_studies",
    StudyKind.GROUP: "group_studies",
    StudyKind.LECTURE: "lectures",
    StudyKind.DISCUSSION: "discussions",
}


class ReflectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")
    EXCELLENT = "excellent", _("Excellent")


# A submitted reflection counts toward requirements until a reviewer returns it.
COUNTED_REFLECTION_STATUSES = (
    ReflectionStatus.SUBMITTED,
    ReflectionStatus.ACCEPTED,
    ReflectionStatus.EXCELLENT,
)


class Reflection(models.Model):
    """A 心得体会. `word_count` is the 字数 Word would show, kept by the services on each save."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reflections")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reflections")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    word_count = models.PositiveIntegerField(_("characters (字数)"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReflectionStatus.choices,
        default=ReflectionStatus.DRAFT,
    )
    # Bumped on every save: a stale editor tab cannot overwrite newer text.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    recommended_to_column = models.BooleanField(
        _("recommended to the public column"), default=False
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # Covers the 字数 requirement's count: compliance reads only the index.
            models.Index(
                fields=["campaign", "person", "status", "submitted_at", "word_count"],
                name="reflection_person_counted",
            ),
            # With the day of submission, so the dashboard's weekly counts read only the index
            # (the rows hold 3,000-字 bodies).
            models.Index(
                fields=["campaign", "status", "submitted_at"], name="reflection_campaign_day"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReflectionReview(models.Model):
    """The history of a reflection's submissions and reviews, with the reviewers' comments."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="reviews")
    from_status = models.CharField(max_length=10, choices=ReflectionStatus.choices)
    to_status = models.CharField(max_length=10, choices=ReflectionStatus.choices)
    comment = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.reflection_id}: {self.from_status} -> {self.to_status}"


class ProblemCategory(models.TextChoices):
    COMPLACENCY = "complacency", _("Complacency (骄傲自满)")
    LOW_DRIVE = "low_drive", _("Low enthusiasm (积极性不高)")
    NO_OWNERSHIP = "no_ownership", _("Weak sense of responsibility (担当意识不强)")
    INERTIA = "inertia", _("Lax governance (懒政倾向)")
    MINDSET = "mindset", _("Mental barriers (思想障碍)")
    TIMIDITY = "timidity", _("Fear of difficulty (畏难情绪)")
    OTHER = "other", _("Other")


class ProblemStatus(models.TextChoices):
    FOUND = "found", _("Identified (查摆)")
    RECTIFYING = "rectifying", _("Being rectified (整改中)")
    RECTIFIED = "rectified", _("Rectified (已整改)")
    CLOSED = "closed", _("Closed after verification (销号)")


class Problem(models.Model):
    """One entry of a party branch's problem ledger (查找问题)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    branch = models.ForeignKey(
        Unit, verbose_name=_("party branch"), on_delete=models.PROTECT, related_name="problems"
    )
    seq = models.PositiveIntegerField(_("no."))
    description = models.TextField(_("problem"))
    category = models.CharField(_("category"), max_length=14, choices=ProblemCategory.choices)
    cause = models.TextField(_("cause"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.FOUND
    )
    found_on = models.DateField(_("found on"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["branch", "seq"]
        indexes = [
            models.Index(fields=["campaign", "branch", "found_on"], name="problem_branch_found"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "branch", "seq"], name="problem_seq_unique")
        ]

    def __str__(self) -> str:
        return self.description[:40]


class ProblemEvent(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ProblemStatus.choices)
    to_status = models.CharField(max_length=10, choices=ProblemStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.from_status} -> {self.to_status}"
