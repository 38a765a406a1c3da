"""Where opinions are gathered: meetings with people from outside, enterprise visits, and the
online activities staff take part in.

A meeting (座谈会, 进园区走访, 大家谈, 专题研讨) has invited staff and external guests, a
registration, a sign-in code and minutes (纪要) with photos and files. A 大家谈 or 专题研讨 held
for staff can be linked to a study session (`participation.StudySession`), so that staff sign in
there and their attendance counts toward the campaign's study requirements as before; the
meeting adds the guests, the minutes and the opinions raised. Opinions become suggestions
(`suggestions.Suggestion.meeting`).

An enterprise visit records each enterprise's problems; each problem is assigned to a unit
with a deadline and is carried to a reply and a resolution (overdue when the deadline passed
unresolved).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.models import StoredFile, random_stored_name
from huodong.orgs.models import Office, Person, Unit


def new_public_key() -> str:
    return secrets.token_urlsafe(12)


class MeetingKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar with outside participants (座谈会)")
    PARK_VISIT = "park_visit", _("Enterprise visit in a park (进园区走访)")
    OPEN_DISCUSSION = "open_discussion", _("Open discussion (大家谈)")
    SYMPOSIUM = "symposium", _("Thematic discussion (专题研讨)")


class Meeting(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    organiser_unit = models.ForeignKey(
        Unit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="meetings"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # The park visited (进园区走访), e.g. 宿迁经济技术开发区.
    park = models.CharField(_("industrial park"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    agenda = models.TextField(_("agenda"), blank=True)
    # Registration through the public link (guests) or the meeting page (staff).
    registration_open = models.BooleanField(_("registration open"), default=False)
    registration_limit = models.PositiveIntegerField(_("places"), null=True, blank=True)
    # Unguessable key of the public registration and sign-in page.
    public_key = models.CharField(max_length=24, unique=True, default=new_public_key)
    # Seed of the rotating six-digit sign-in code (participation.signin_codes); never shown.
    sign_in_secret = models.CharField(max_length=64, editable=False)
    study_session = models.OneToOneField(
        "participation.StudySession",
        verbose_name=_("study session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting",
    )
    # Attendance counted by hand when not everyone was named (e.g. 40 at a 大家谈).
    headcount = models.PositiveIntegerField(_("attendance (counted)"), null=True, blank=True)
    minutes = models.TextField(_("minutes (纪要)"), blank=True)
    minutes_updated_at = models.DateTimeField(null=True, blank=True)
    minutes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "kind", "starts_at"], name="meeting_campaign_kind"),
            models.Index(fields=["organiser_unit", "starts_at"], name="meeting_unit_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AttendeeStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    DECLINED = "declined", _("Declined")
    # Signed in at the meeting without having registered or been invited.
    WALK_IN = "walk_in", _("Came without registering")


class MeetingAttendee(models.Model):
    """A staff member (`person`) or an external guest (name and organisation) of a meeting.

    A guest's contact (phone or e-mail) is private: only the meeting's organisers see it.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="meeting_attendance"
    )
    name = models.CharField(_("name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    is_external = models.BooleanField(_("from outside"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=AttendeeStatus.choices, default=AttendeeStatus.INVITED
    )
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    attended_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["meeting", "is_external", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="meeting_attendee_person_once",
            ),
            # A guest is recognised by their contact: one guest per contact and meeting.
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(is_external=True) & ~Q(contact=""),
                name="meeting_guest_contact_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def meeting_file_path(instance: MeetingFile, filename: str) -> str:
    return random_stored_name("engagement", filename)


class MeetingFile(StoredFile):
    """A photo or a document of a meeting's minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=meeting_file_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("meeting file")
        verbose_name_plural = _("meeting files")


class Enterprise(models.Model):
    """An enterprise the office visits; its contact is private to the office."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="enterprises")
    name = models.CharField(_("name"), max_length=150)
    park = models.CharField(_("industrial park"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # The visits (进园区走访) that went to it, whether or not it raised a problem there.
    visits = models.ManyToManyField(
        Meeting, verbose_name=_("visits"), blank=True, related_name="enterprises"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="enterprise_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseProblemStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    ASSIGNED = "assigned", _("Assigned to a unit")
    REPLIED = "replied", _("Replied to the enterprise")
    RESOLVED = "resolved", _("Resolved")


OPEN_PROBLEM_STATUSES = (
    EnterpriseProblemStatus.RECORDED,
    EnterpriseProblemStatus.ASSIGNED,
    EnterpriseProblemStatus.REPLIED,
)


class EnterpriseProblem(models.Model):
    """A problem an enterprise raised during a visit (帮助企业解决问题), carried to resolution."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="problems"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="problems"
    )
    description = models.TextField(_("problem"))
    assigned_unit = models.ForeignKey(
        Unit,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise_problems",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnterpriseProblemStatus.choices,
        default=EnterpriseProblemStatus.RECORDED,
    )
    reply = models.TextField(_("reply to the enterprise"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("enterprise problem")
        verbose_name_plural = _("enterprise problems")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["assigned_unit", "status", "deadline"], name="ent_problem_unit"),
            models.Index(fields=["status", "deadline"], name="ent_problem_due"),
        ]

    def __str__(self) -> str:
        return self.description[:40]


class EnterpriseProblemEvent(models.Model):
    """The history of an enterprise problem: assignment, reply, resolution, reopening."""

    problem = models.ForeignKey(EnterpriseProblem, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=EnterpriseProblemStatus.choices)
    to_status = models.CharField(max_length=10, choices=EnterpriseProblemStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.from_status} -> {self.to_status}"


class OnlineActivity(models.Model):
    """An online activity of the campaign, e.g. 解放思想大家谈 or 我为高质量发展献一策."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="online_activities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # Whether a participation carries an idea the office may send to the suggestion pool.
    collects_ideas = models.BooleanField(_("collects ideas (献策)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("online activity")
        verbose_name_plural = _("online activities")
        ordering = ["campaign", "starts_on", "id"]

    def __str__(self) -> str:
        return self.title


def evidence_path(instance: OnlineParticipation, filename: str) -> str:
    return random_stored_name("engagement/online", filename)


class OnlineParticipation(models.Model):
    """One person's participation in an online activity, with its link or screenshot as
    evidence; counted for the person's unit as it was when they took part."""

    activity = models.ForeignKey(
        OnlineActivity, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="online_activity")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    evidence_url = models.URLField(_("link"), max_length=500, blank=True)
    screenshot = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    screenshot_type = models.CharField(max_length=100, blank=True)
    text = models.TextField(_("what I contributed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("online participation")
        verbose_name_plural = _("online participations")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["activity", "unit"], name="online_activity_unit"),
            models.Index(fields=["activity", "person", "date"], name="online_activity_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(evidence_url="") | ~Q(screenshot=""),
                name="online_participation_has_evidence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.person_id}"
