"""Reads of meetings, enterprise problems and online activities. Each is scoped by what the
user may see (`permissions`) and runs in a fixed number of queries however many meetings,
attendees, problems or participations there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import campaign_get
from huodong.engagement.models import (
    OPEN_PROBLEM_STATUSES,
    Enterprise,
    EnterpriseProblem,
    EnterpriseProblemEvent,
    EnterpriseProblemStatus,
    Meeting,
    MeetingAttendee,
    MeetingFile,
    MeetingKind,
    OnlineActivity,
    OnlineParticipation,
)
from huodong.engagement.permissions import (
    MeetingAccess,
    can_answer_problem,
    can_manage_online,
    can_read_online,
    can_reopen_problem,
    can_see_online,
    can_see_problems,
    can_take_part_online,
    meeting_access,
    problem_scope,
    sees_enterprise_contacts,
)
from huodong.orgs.models import Unit
from huodong.orgs.permissions import Membership
from huodong.participation.selectors.study import SIGN_IN_OPENS_BEFORE, WindowState
from huodong.suggestions.models import Suggestion


def sign_in_window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """As for a study session, whose screen (`participation.signin_screen`) a meeting's shares:
    from 15 minutes before the start to the end."""
    return meeting.starts_at - SIGN_IN_OPENS_BEFORE, meeting.ends_at


def window_state(meeting: Meeting, *, now: dt.datetime) -> WindowState:
    if meeting.cancelled_at is not None:
        return WindowState.CANCELLED
    opens, closes = sign_in_window(meeting)
    if now < opens:
        return WindowState.NOT_YET
    if now >= closes:
        return WindowState.CLOSED
    return WindowState.OPEN


# --- Meetings -----------------------------------------------------------------------------


def _with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each meeting with its numbers, in the same query (one join on the attendees)."""
    suggestions = (
        Suggestion.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return meetings.annotate(
        invited_count=Count("attendees", filter=Q(attendees__is_external=False)),
        registered_count=Count("attendees", filter=Q(attendees__registered_at__isnull=False)),
        signed_in_count=Count("attendees", filter=Q(attendees__attended_at__isnull=False)),
        guest_count=Count("attendees", filter=Q(attendees__is_external=True)),
        opinion_count=Coalesce(Subquery(suggestions, output_field=IntegerField()), Value(0)),
    )


def _on_list(meetings: QuerySet[Meeting], membership: Membership) -> QuerySet[Meeting]:
    person = membership.person
    if person is None:
        return meetings.annotate(on_list=Value(False, output_field=BooleanField()))
    return meetings.annotate(
        on_list=Exists(MeetingAttendee.objects.filter(meeting=OuterRef("pk"), person=person))
    )


@dataclass
class MeetingRow:
    meeting: Meeting
    may_open: bool
    manages: bool


def meetings_for(
    membership: Membership, campaign: Campaign, *, kind: str | None = None
) -> QuerySet[Meeting]:
    """The campaign's meetings, latest first, with their counts and whether the user is on
    each list (every member of the office sees the list)."""
    if not meeting_access(membership, campaign).member:
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(campaign=campaign).select_related("organiser_unit")
    if kind:
        meetings = meetings.filter(kind=kind)
    return _on_list(_with_counts(meetings), membership).order_by("-starts_at", "-pk")


def meeting_rows(meetings, access: MeetingAccess) -> list[MeetingRow]:
    return [
        MeetingRow(
            meeting=m,
            may_open=access.sees(m, on_list=bool(getattr(m, "on_list", False))),
            manages=access.manages(m),
        )
        for m in meetings
    ]


def meeting_get(membership: Membership, meeting_id: int) -> Meeting:
    """A meeting the user may open (`MeetingAccess.sees`); anyone else, another office: 404."""
    meeting = _on_list(
        Meeting.objects.select_related("organiser_unit", "study_session").filter(pk=meeting_id),
        membership,
    ).first()
    if meeting is None:
        raise Http404
    meeting.campaign = campaign_get(membership, meeting.campaign_id)
    on_list = bool(getattr(meeting, "on_list", False))
    if not meeting_access(membership, meeting.campaign).sees(meeting, on_list=on_list):
        raise Http404
    return meeting


def meeting_for_sign_in(membership: Membership, meeting_id: int) -> Meeting:
    """A meeting a staff member signs in to: any of their office's, list or not (the code on
    the screen is what lets them in); a cancelled one, another office's: 404."""
    meeting = meeting_get_unchecked(meeting_id)
    meeting.campaign = campaign_get(membership, meeting.campaign_id)
    access = meeting_access(membership, meeting.campaign)
    on_list = bool(getattr(meeting, "on_list", False))
    if meeting.cancelled_at is not None or not (
        access.takes_part or access.sees(meeting, on_list=on_list)
    ):
        raise Http404
    return meeting


def meeting_get_unchecked(meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("organiser_unit", "study_session")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def managed_meeting_get(membership: Membership, meeting_id: int) -> Meeting:
    meeting = meeting_get(membership, meeting_id)
    if not meeting_access(membership, meeting.campaign).manages(meeting):
        raise Http404
    return meeting


def meeting_by_public_key(key: str) -> Meeting:
    """The meeting of a public link; a cancelled one, or a wrong key: 404."""
    meeting = (
        Meeting.objects.select_related("campaign", "campaign__office", "organiser_unit")
        .filter(public_key=key, cancelled_at__isnull=True)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


@dataclass
class Counts:
    invited: int = 0
    registered: int = 0
    signed_in: int = 0
    guests: int = 0


@dataclass
class EnterpriseRow:
    enterprise: Enterprise
    problems: list[EnterpriseProblem] = field(default_factory=list)


@dataclass
class MeetingDetail:
    meeting: Meeting
    state: WindowState
    opens_at: dt.datetime
    counts: Counts
    may_manage: bool
    sees_attendees: bool
    sees_contacts: bool
    takes_part: bool
    my_attendee: MeetingAttendee | None
    staff: list[MeetingAttendee] = field(default_factory=list)
    guests: list[MeetingAttendee] = field(default_factory=list)
    files: list[MeetingFile] = field(default_factory=list)
    opinions: list[Suggestion] = field(default_factory=list)
    enterprises: list[EnterpriseRow] = field(default_factory=list)
    is_over: bool = False

    @property
    def places_left(self) -> int | None:
        limit = self.meeting.registration_limit
        return None if limit is None else max(0, limit - self.counts.registered)

    @property
    def registration_is_open(self) -> bool:
        return (
            self.meeting.registration_open
            and self.meeting.cancelled_at is None
            and not self.is_over
        )

    @property
    def may_register(self) -> bool:
        mine = self.my_attendee
        return (
            self.takes_part
            and self.registration_is_open
            and (mine is None or mine.registered_at is None)
            and self.places_left != 0
        )

    @property
    def may_sign_in(self) -> bool:
        mine = self.my_attendee
        return (
            self.takes_part
            and self.state is WindowState.OPEN
            and (mine is None or mine.attended_at is None)
        )

    @property
    def photos(self) -> list[MeetingFile]:
        return [f for f in self.files if f.is_image]

    @property
    def documents(self) -> list[MeetingFile]:
        return [f for f in self.files if not f.is_image]

    @property
    def is_visit(self) -> bool:
        return self.meeting.kind == MeetingKind.PARK_VISIT


def meeting_counts(meeting: Meeting) -> Counts:
    """The meeting's numbers in one query (for those who do not see the list itself)."""
    numbers = MeetingAttendee.objects.filter(meeting=meeting).aggregate(
        invited=Count("pk", filter=Q(is_external=False)),
        registered=Count("pk", filter=Q(registered_at__isnull=False)),
        signed_in=Count("pk", filter=Q(attended_at__isnull=False)),
        guests=Count("pk", filter=Q(is_external=True)),
    )
    return Counts(**numbers)


def meeting_attendees(meeting: Meeting) -> list[MeetingAttendee]:
    """The meeting's list, staff first (for its organisers: contacts included)."""
    return list(
        MeetingAttendee.objects.filter(meeting=meeting).order_by("is_external", "name", "pk")
    )


def meeting_suggestions(meeting: Meeting) -> list[Suggestion]:
    """The opinions raised at the meeting, as suggestions of the pool, in their order."""
    return list(
        Suggestion.objects.filter(meeting=meeting)
        .only("pk", "number", "text", "stage", "submitter_name", "is_anonymous", "meeting_id")
        .order_by("number", "pk")
    )


def meeting_detail(
    membership: Membership, meeting: Meeting, *, now: dt.datetime, today: dt.date
) -> MeetingDetail:
    """What the meeting page shows this user (`meeting` comes from `meeting_get`)."""
    access = meeting_access(membership, meeting.campaign)
    on_list = bool(getattr(meeting, "on_list", False))
    manages = access.manages(meeting)
    sees_attendees = access.sees_attendees(meeting, on_list=on_list)
    person = membership.person
    attendees: list[MeetingAttendee] = []
    mine: MeetingAttendee | None = None
    if sees_attendees:
        attendees = list(
            MeetingAttendee.objects.filter(meeting=meeting).order_by("is_external", "name", "pk")
        )
        if person is not None:
            mine = next((a for a in attendees if a.person_id == person.pk), None)
        counts = Counts(
            invited=sum(1 for a in attendees if not a.is_external),
            registered=sum(1 for a in attendees if a.registered_at is not None),
            signed_in=sum(1 for a in attendees if a.attended_at is not None),
            guests=sum(1 for a in attendees if a.is_external),
        )
    else:
        counts = meeting_counts(meeting)
    if not manages:
        # Private to the organisers, on the page and wherever the rows go from here.
        for attendee in attendees:
            attendee.contact = ""
    detail = MeetingDetail(
        meeting=meeting,
        state=window_state(meeting, now=now),
        opens_at=sign_in_window(meeting)[0],
        counts=counts,
        may_manage=manages,
        sees_attendees=sees_attendees,
        sees_contacts=manages,
        takes_part=access.takes_part,
        my_attendee=mine,
        staff=[a for a in attendees if not a.is_external],
        guests=[a for a in attendees if a.is_external],
        files=list(MeetingFile.objects.filter(meeting=meeting).order_by("uploaded_at", "pk")),
        opinions=meeting_suggestions(meeting),
        is_over=now >= meeting.ends_at,
    )
    if detail.is_visit:
        detail.enterprises = visit_enterprises(meeting, today=today, with_contacts=manages)
    return detail


def visit_enterprises(
    meeting: Meeting, *, today: dt.date, with_contacts: bool
) -> list[EnterpriseRow]:
    """The enterprises of a visit, each with the problems it raised there (two queries)."""
    rows = {e.pk: EnterpriseRow(enterprise=e) for e in meeting.enterprises.order_by("name", "pk")}
    problems = _with_overdue(
        EnterpriseProblem.objects.filter(meeting=meeting).select_related(
            "enterprise", "assigned_unit"
        ),
        today,
    ).order_by("pk")
    for problem in problems:
        row = rows.setdefault(problem.enterprise_id, EnterpriseRow(enterprise=problem.enterprise))
        row.problems.append(problem)
    if not with_contacts:
        for row in rows.values():
            row.enterprise.contact_name = row.enterprise.contact_phone = ""
    return list(rows.values())


def attendees_for_export(membership: Membership, meeting: Meeting) -> list[MeetingAttendee]:
    """The meeting's list for its export; contacts only for those who manage the meeting."""
    access = meeting_access(membership, meeting.campaign)
    if not access.sees_attendees(meeting, on_list=bool(getattr(meeting, "on_list", False))):
        raise Http404
    rows = list(
        MeetingAttendee.objects.filter(meeting=meeting).order_by("is_external", "name", "pk")
    )
    if not access.manages(meeting):
        for row in rows:
            row.contact = ""
    return rows


def meeting_file_get(membership: Membership, file_id: int) -> MeetingFile:
    """A file of a meeting the user may open; otherwise 404."""
    row = MeetingFile.objects.filter(pk=file_id).first()
    if row is None:
        raise Http404
    row.meeting = meeting_get(membership, row.meeting_id)
    return row


def attendee_of(meeting: Meeting, attendee_id: int) -> MeetingAttendee:
    attendee = MeetingAttendee.objects.filter(meeting=meeting, pk=attendee_id).first()
    if attendee is None:
        raise Http404
    return attendee


# --- Enterprise problems ------------------------------------------------------------------


def _with_overdue(problems: QuerySet[EnterpriseProblem], today: dt.date) -> QuerySet:
    return problems.annotate(
        is_overdue=ExpressionWrapper(
            Q(deadline__lt=today) & ~Q(status=EnterpriseProblemStatus.RESOLVED),
            output_field=BooleanField(),
        )
    )


def _scoped(problems: QuerySet[EnterpriseProblem], membership: Membership, campaign: Campaign):
    scope = problem_scope(membership, campaign)
    if scope is None:
        return problems
    answering, organising = scope
    return problems.filter(
        Q(assigned_unit_id__in=answering) | Q(meeting__organiser_unit_id__in=organising)
    )


def problems_for(
    membership: Membership,
    campaign: Campaign,
    *,
    today: dt.date,
    status: str = "",
    unit_id: int | None = None,
    overdue_only: bool = False,
) -> QuerySet[EnterpriseProblem]:
    """The campaign's enterprise problems the user may read, soonest deadline first: everyone's
    for the office-wide roles, else those assigned to their units and those of their visits."""
    if not can_see_problems(membership, campaign):
        return EnterpriseProblem.objects.none()
    problems = _scoped(
        EnterpriseProblem.objects.filter(meeting__campaign=campaign), membership, campaign
    )
    if status == "open":
        problems = problems.filter(status__in=OPEN_PROBLEM_STATUSES)
    elif status:
        problems = problems.filter(status=status)
    if unit_id is not None:
        problems = problems.filter(assigned_unit_id=unit_id)
    if overdue_only:
        problems = problems.filter(deadline__lt=today).exclude(
            status=EnterpriseProblemStatus.RESOLVED
        )
    return _with_overdue(
        problems.select_related("enterprise", "assigned_unit", "meeting"), today
    ).order_by(F("deadline").asc(nulls_last=True), "pk")


def problem_units(membership: Membership, campaign: Campaign) -> list[Unit]:
    """The units the problems filter offers: every unit for the office-wide roles, else the
    user's own."""
    units = Unit.objects.filter(office_id=campaign.office_id).order_by("sort_order", "pk")
    scope = problem_scope(membership, campaign)
    if scope is not None:
        units = units.filter(pk__in=scope[0] | scope[1])
    return list(units)


@dataclass
class ProblemDetail:
    problem: EnterpriseProblem
    events: list[EnterpriseProblemEvent]
    may_assign: bool
    may_answer: bool
    may_reopen: bool
    sees_contacts: bool


def problem_get(membership: Membership, problem_id: int, *, today: dt.date) -> EnterpriseProblem:
    problem = (
        _with_overdue(
            EnterpriseProblem.objects.select_related(
                "enterprise", "assigned_unit", "meeting", "meeting__organiser_unit"
            ),
            today,
        )
        .filter(pk=problem_id)
        .first()
    )
    if problem is None:
        raise Http404
    campaign = campaign_get(membership, problem.meeting.campaign_id)
    problem.meeting.campaign = campaign
    if not _scoped(EnterpriseProblem.objects.filter(pk=problem.pk), membership, campaign).exists():
        raise Http404
    return problem


def problem_detail(membership: Membership, problem: EnterpriseProblem) -> ProblemDetail:
    campaign = problem.meeting.campaign
    access = meeting_access(membership, campaign)
    manages_visit = access.manages(problem.meeting)
    sees_contacts = manages_visit or sees_enterprise_contacts(membership, campaign)
    if not sees_contacts:
        problem.enterprise.contact_name = problem.enterprise.contact_phone = ""
    return ProblemDetail(
        problem=problem,
        events=list(
            EnterpriseProblemEvent.objects.filter(problem=problem)
            .select_related("actor__person")
            .order_by("at", "pk")
        ),
        may_assign=manages_visit,
        may_answer=can_answer_problem(membership, campaign, problem.assigned_unit_id),
        may_reopen=can_reopen_problem(membership, campaign),
        sees_contacts=sees_contacts,
    )


# --- Online activities --------------------------------------------------------------------


def activities_for(membership: Membership, campaign: Campaign) -> QuerySet[OnlineActivity]:
    """The campaign's online activities with the number of participations (everyone's for
    those who read them, else the user's own)."""
    if not can_see_online(membership, campaign):
        return OnlineActivity.objects.none()
    activities = OnlineActivity.objects.filter(campaign=campaign)
    person = membership.person
    mine = Q(participations__person=person) if person is not None else Q(pk__in=[])
    activities = activities.annotate(my_count=Count("participations", filter=mine))
    if can_read_online(membership, campaign):
        activities = activities.annotate(
            total_count=Count("participations"),
            people_count=Count("participations__person", distinct=True),
        )
    return activities.order_by(F("starts_on").asc(nulls_last=True), "pk")


def activity_get(membership: Membership, activity_id: int) -> OnlineActivity:
    activity = OnlineActivity.objects.filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    activity.campaign = campaign_get(membership, activity.campaign_id)
    if not can_see_online(membership, activity.campaign):
        raise Http404
    return activity


def managed_activity_get(membership: Membership, activity_id: int) -> OnlineActivity:
    activity = activity_get(membership, activity_id)
    if not can_manage_online(membership, activity.campaign):
        raise Http404
    return activity


def _with_pool(participations: QuerySet[OnlineParticipation]) -> QuerySet[OnlineParticipation]:
    return participations.annotate(
        in_pool=Exists(Suggestion.objects.filter(online_participation=OuterRef("pk")))
    )


def my_participations(
    membership: Membership, activity: OnlineActivity
) -> QuerySet[OnlineParticipation]:
    person = membership.person
    if person is None or not can_take_part_online(membership, activity.campaign):
        return OnlineParticipation.objects.none()
    return _with_pool(
        OnlineParticipation.objects.filter(activity=activity, person=person)
    ).order_by("-date", "-pk")


def participations_for(
    membership: Membership, activity: OnlineActivity, *, unit_id: int | None = None
) -> QuerySet[OnlineParticipation]:
    """Everyone's participations, latest first (for the office and the office-wide roles)."""
    if not can_read_online(membership, activity.campaign):
        return OnlineParticipation.objects.none()
    participations = OnlineParticipation.objects.filter(activity=activity)
    if unit_id is not None:
        participations = participations.filter(unit_id=unit_id)
    return _with_pool(participations.select_related("person", "unit")).order_by("-date", "-pk")


@dataclass
class UnitCount:
    unit: Unit
    participations: int
    people: int


def unit_counts(activity: OnlineActivity) -> list[UnitCount]:
    """Participations and distinct people per unit of the office (one query), the units as
    they were when each took part."""
    base = OnlineParticipation.objects.filter(activity=activity, unit=OuterRef("pk")).order_by()
    participations = base.values("unit").annotate(n=Count("pk")).values("n")
    people = base.values("unit").annotate(n=Count("person", distinct=True)).values("n")
    units = (
        Unit.objects.filter(office_id=activity.campaign.office_id)
        .annotate(
            participation_count=Coalesce(
                Subquery(participations, output_field=IntegerField()), Value(0)
            ),
            people_count=Coalesce(Subquery(people, output_field=IntegerField()), Value(0)),
        )
        .order_by("sort_order", "pk")
    )
    return [
        UnitCount(unit=u, participations=u.participation_count, people=u.people_count)
        for u in units
    ]


def participation_get(membership: Membership, participation_id: int) -> OnlineParticipation:
    """One's own participation, or anyone's for those who read them all; otherwise 404."""
    row = (
        OnlineParticipation.objects.select_related("activity", "person", "unit")
        .filter(pk=participation_id)
        .first()
    )
    if row is None:
        raise Http404
    row.activity.campaign = campaign_get(membership, row.activity.campaign_id)
    person = membership.person
    own = person is not None and person.pk == row.person_id
    if not own and not can_read_online(membership, row.activity.campaign):
        raise Http404
    return row
