from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from huodong.orgs.models import Office, Person, Unit


def default_reminder_days() -> list[int]:
    """Remind 7 and 3 days before a deadline and on the day itself."""
    return [7, 3, 0]


def validate_reminder_days(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 365 for n in value
    ):
        raise ValidationError(
            _("Give the reminder lead times as whole numbers of days from 0 to 365.")
        )


class Campaign(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    issued = models.DateField(_("issued on"), null=True, blank=True)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    guiding_thought = models.TextField(_("guiding thought"), blank=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    principles = models.JSONField(_("principles"), default=list, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    warning_days = models.PositiveSmallIntegerField(
        _("warn this many days before a deadline"), default=7
    )
    # Reminders to the lead units go out this many days before each deadline (0: on the day).
    reminder_days = models.JSONField(
        _("remind this many days before a deadline"),
        default=default_reminder_days,
        blank=True,
        validators=[validate_reminder_days],
    )
    remind_daily_when_overdue = models.BooleanField(
        _("remind every day while a task is overdue"), default=True
    )
    leading_group_office = models.ForeignKey(
        Unit,
        verbose_name=_("leading group's office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_name = models.CharField(_("imported from"), max_length=200, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return self.title


class SubTheme(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sub_themes")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("text"), blank=True)
    lead_leader = models.ForeignKey(
        Person,
        verbose_name=_("lead leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_sub_themes",
    )
    lead_leader_name = models.CharField(_("lead leader (as written)"), max_length=50, blank=True)
    units = models.ManyToManyField(
        Unit, verbose_name=_("responsible units"), blank=True, related_name="sub_themes"
    )
    # As the plan wrote them (各窗口临时党支部 stays one name), for exports that print the plan.
    units_text = models.CharField(_("responsible units (as written)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sub-theme")
        verbose_name_plural = _("sub-themes")
        ordering = ["campaign", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "order", "start", "id"]

    def __str__(self) -> str:
        return self.name


class LeadingGroupRole(models.TextChoices):
    LEADER = "leader", _("Group leader (组长)")
    DEPUTY = "deputy", _("Deputy leader (副组长)")
    MEMBER = "member", _("Member (成员)")
    OFFICE_DIRECTOR = "office_director", _("Office director (办公室主任)")
    OFFICE_STAFF = "office_staff", _("Office staff (办公室成员)")


class LeadingGroupMember(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leading_group")
    role = models.CharField(_("role"), max_length=20, choices=LeadingGroupRole.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leading_group_seats",
    )
    name = models.CharField(_("name (as written)"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")
        ordering = ["campaign", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "role", "name"], name="leading_group_seat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class TaskRecurrence(models.TextChoices):
    NONE = "", _("Once")
    MONTH = "month", _("Every month")
    QUARTER = "quarter", _("Every quarter")
    ONGOING = "ongoing", _("Ongoing")


class Task(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    seq = models.PositiveIntegerField(_("number"))
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    text = models.TextField(_("task"))
    due = models.DateField(_("deadline"), null=True, blank=True)
    due_text = models.CharField(_("deadline (as written)"), max_length=60, blank=True)
    # A recurring or open task (每月, 每季度, 长期坚持) has no single deadline.
    recurrence = models.CharField(
        _("repeats"), max_length=10, choices=TaskRecurrence.choices, blank=True, default=""
    )
    # First day of a range deadline (7月—9月); None for a single deadline.
    start = models.DateField(_("from"), null=True, blank=True)
    units = models.ManyToManyField(
        Unit, through="TaskUnit", verbose_name=_("units"), related_name="tasks", blank=True
    )
    # As the plan wrote them: a collective name (各支部) links every branch but prints as one.
    lead_units_text = models.CharField(_("lead units (as written)"), max_length=300, blank=True)
    co_units_text = models.CharField(_("co-units (as written)"), max_length=300, blank=True)
    # Completion date decides "done on time" versus "done late"; supervision records it.
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["campaign", "seq", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "seq"], name="task_seq_unique")]
        indexes = [models.Index(fields=["campaign", "due"])]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:40]}"


class TaskUnitRole(models.TextChoices):
    LEAD = "lead", _("Lead unit (牵头单位)")
    CO = "co", _("Co-unit (配合单位)")


class TaskUnit(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="task_units")
    role = models.CharField(_("role"), max_length=8, choices=TaskUnitRole.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "role", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "role"], name="task_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit} ({self.role})"


class RequirementScope(models.TextChoices):
    PERSON = "person", _("Each person")
    BRANCH = "branch", _("Each party branch")
    UNIT = "unit", _("Each unit")
    CAMPAIGN = "campaign", _("The campaign as a whole")


class RequirementPeriod(models.TextChoices):
    WHOLE = "", _("Whole campaign")
    MONTH = "month", _("Each month")
    QUARTER = "quarter", _("Each quarter")


class StudyKind(models.TextChoices):
    """The kinds of study a plan names (个人自学、集中学习、专题辅导) and its open discussions."""

    SELF = "self", _("Personal study (个人自学)")
    GROUP = "group", _("Group study (集中学习)")
    LECTURE = "lecture", _("Special lecture (专题辅导)")
    DISCUSSION = "discussion", _("Open discussion (大家谈)")


class RequirementMeasure(models.TextChoices):
    """Which records a requirement counts. Set at import from its wording, editable after."""

    STUDIES = "studies", _("Study activities attended or logged")
    SESSIONS = "sessions", _("Group sessions held")
    REFLECTION_WORDS = "reflection_words", _("A reflection of at least this many characters")
    REFLECTIONS = "reflections", _("Reflections submitted")
    PROBLEMS = "problems", _("Problems found")
    TASK = "task", _("Not counted from records: follows its task's completion")


class Requirement(models.Model):
    """A numeric quota the plan sets, e.g. 每人不少于4次学习."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requirements")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    scope = models.CharField(_("scope"), max_length=10, choices=RequirementScope.choices)
    minimum = models.PositiveIntegerField(_("minimum"))
    subject = models.CharField(_("subject"), max_length=60)
    period = models.CharField(
        _("period"), max_length=10, choices=RequirementPeriod.choices, blank=True, default=""
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("from task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requirements",
    )
    source_text = models.CharField(_("as written"), max_length=200, blank=True)
    measure = models.CharField(
        _("counts"),
        max_length=20,
        choices=RequirementMeasure.choices,
        default=RequirementMeasure.TASK,
    )
    # Restricts studies or sessions to one kind (大家谈 only); blank counts every kind.
    study_kind = models.CharField(
        _("kind of study"), max_length=12, choices=StudyKind.choices, blank=True
    )
    # "3000字左右" is met from this share of the number of characters.
    tolerance_percent = models.PositiveSmallIntegerField(
        _("met from this percentage of the number"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["campaign", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ≥ {self.minimum} {self.subject}"


class PlanDraftStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class PlanDraft(models.Model):
    """An imported plan under review, kept in the database so any app server can continue it.

    `parsed` holds the plan as `ParsedPlan.to_dict(full=True)` plus the dataclass fields that
    shape leaves out; `huodong.campaigns.plan_drafts.plan_from_dict` rebuilds it. A draft with a
    `campaign` is a revised plan for that campaign (re-import); otherwise it creates a new one.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="plan_drafts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    source_name = models.CharField(_("imported from"), max_length=200, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    parsed = models.JSONField(_("parsed plan"), default=dict)
    warning_days = models.PositiveSmallIntegerField(
        _("warn this many days before a deadline"), default=7
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("revised campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_drafts",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanDraftStatus.choices, default=PlanDraftStatus.OPEN
    )
    # The campaign the draft created or revised, once applied.
    result = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan draft")
        verbose_name_plural = _("plan drafts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "status"])]

    def __str__(self) -> str:
        return self.source_name or f"draft {self.pk}"
