"""campaign_figures on a small office whose every count is known by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

import pytest
from django.utils import timezone

from huodong.campaigns.models import (
    Campaign,
    Phase,
    Requirement,
    RequirementMeasure,
    RequirementScope,
    StudyKind,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.orgs.models import Office, Person, Role, RoleAssignment, Unit, UnitKind, User
from huodong.reports.figures import CampaignFigures, campaign_figures, figure_text

TODAY = dt.date(2018, 6, 20)


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


@dataclass
class Small:
    office: Office
    campaign: Campaign
    director: User
    units: dict[str, Unit]
    people: dict[str, Person]
    requirements: dict[str, Requirement]


def build_small(office: Office, make_member, *, scale: int = 1) -> Small:
    """A small office with a campaign and records of every kind; `scale` multiplies the people
    and records (not the tasks' shape) for the constant-query tests."""
    from huodong.engagement.models import (
        Enterprise,
        EnterpriseProblem,
        Meeting,
        MeetingAttendee,
        OnlineActivity,
        OnlineParticipation,
    )
    from huodong.inspections.models import RectificationOrder
    from huodong.participation.models import (
        Problem,
        Reflection,
        StudyRecord,
        StudySession,
    )
    from huodong.participation.services.study_tallies import study_tallies_rebuild
    from huodong.suggestions.models import Outcome, Suggestion
    from huodong.surveys.models import Response, Survey

    units = {
        "zonghe": Unit.objects.create(office=office, name="综合处", kind=UnitKind.DEPARTMENT),
        "yewu": Unit.objects.create(office=office, name="业务处", kind=UnitKind.DEPARTMENT),
        "window": Unit.objects.create(office=office, name="税务窗口", kind=UnitKind.WINDOW),
        "branch": Unit.objects.create(office=office, name="机关党支部", kind=UnitKind.BRANCH),
        "lead": Unit.objects.create(office=office, name="领导班子", kind=UnitKind.LEADERSHIP),
    }
    director = make_member(office, role=Role.OFFICE_DIRECTOR, unit=units["lead"], name="主任")
    people = {
        "p1": Person.objects.create(
            office=office, unit=units["zonghe"], branch=units["branch"], name="甲"
        ),
        "p2": Person.objects.create(
            office=office, unit=units["zonghe"], branch=units["branch"], name="乙"
        ),
        "p3": Person.objects.create(office=office, unit=units["yewu"], name="丙"),
        "p4": Person.objects.create(office=office, unit=units["window"], name="丁"),
    }
    extra = [
        Person(office=office, unit=units["yewu"], name=f"员{n}") for n in range((scale - 1) * 40)
    ]
    Person.objects.bulk_create(extra)
    campaign = Campaign.objects.create(
        office=office, title="解放思想大讨论", start=d("2018-05-01"), end=d("2018-12-31")
    )
    p1 = Phase.objects.create(
        campaign=campaign, order=1, name="宣传发动", start=d("2018-05-01"), end=d("2018-05-20")
    )
    p2 = Phase.objects.create(
        campaign=campaign, order=2, name="学习讨论", start=d("2018-05-21"), end=d("2018-07-31")
    )
    p3 = Phase.objects.create(
        campaign=campaign, order=3, name="实践转化", start=d("2018-08-01"), end=d("2018-12-31")
    )
    specs = [
        # seq, phase, due, completed, lead unit
        (1, p1, "2018-05-10", "2018-05-08", "zonghe"),  # done on time
        (2, p1, "2018-05-15", "2018-05-20", "zonghe"),  # done late
        (3, p2, "2018-06-10", None, "yewu"),  # overdue
        (4, p2, "2018-06-20", "2018-06-20", "yewu"),  # done on its deadline day
        (5, p2, "2018-06-25", None, "window"),  # due soon
        (6, p3, "2018-09-01", None, "window"),  # not started
        (7, p2, None, "2018-06-01", "zonghe"),  # ongoing, done: on time, not in the rate
    ]
    for seq, phase, due, done, unit in specs:
        task = Task.objects.create(
            campaign=campaign,
            seq=seq,
            phase=phase,
            text=f"任务{seq}",
            due=d(due) if due else None,
            completed_on=d(done) if done else None,
        )
        TaskUnit.objects.create(task=task, unit=units[unit], role=TaskUnitRole.LEAD)
    for n in range(8, 8 + (scale - 1) * 10):
        task = Task.objects.create(
            campaign=campaign, seq=n, phase=p3, text=f"任务{n}", due=d("2018-10-01")
        )
        TaskUnit.objects.create(task=task, unit=units["yewu"], role=TaskUnitRole.LEAD)
    requirements = {
        "studies": Requirement.objects.create(
            campaign=campaign,
            order=1,
            scope=RequirementScope.PERSON,
            minimum=2,
            subject="学习活动",
            measure=RequirementMeasure.STUDIES,
        ),
        "problems": Requirement.objects.create(
            campaign=campaign,
            order=2,
            scope=RequirementScope.BRANCH,
            minimum=2,
            subject="问题",
            measure=RequirementMeasure.PROBLEMS,
        ),
    }
    # Sessions: one held, one cancelled, one still to come.
    held = StudySession.objects.create(
        campaign=campaign,
        organiser_unit=units["zonghe"],
        topic="集中学习",
        starts_at=at("2018-05-20", 9),
        ends_at=at("2018-05-20", 11),
    )
    StudySession.objects.create(
        campaign=campaign,
        organiser_unit=units["zonghe"],
        topic="取消",
        starts_at=at("2018-06-01", 9),
        ends_at=at("2018-06-01", 11),
        cancelled_at=at("2018-05-30"),
    )
    StudySession.objects.create(
        campaign=campaign,
        organiser_unit=units["yewu"],
        topic="以后",
        starts_at=at("2018-06-25", 9),
        ends_at=at("2018-06-25", 11),
    )
    records = [
        ("p1", "2018-05-05", None),
        ("p1", "2018-05-20", held),
        ("p1", "2018-06-10", None),
        ("p2", "2018-06-19", None),
        ("p3", "2018-06-21", None),  # after the day counted
    ]
    StudyRecord.objects.bulk_create(
        StudyRecord(
            campaign=campaign,
            person=people[who],
            kind=StudyKind.GROUP if session else StudyKind.SELF,
            date=d(day),
            material="学习",
            session=session,
            source="sign_in" if session else "logged",
        )
        for who, day, session in records
    )
    StudyRecord.objects.bulk_create(
        StudyRecord(
            campaign=campaign,
            person=person,
            kind=StudyKind.SELF,
            date=d("2018-06-21"),
            material="学习",
            source="logged",
        )
        for person in extra
    )
    study_tallies_rebuild(campaign_id=campaign.pk)
    # Meetings: a seminar counted by hand, a visit with sign-ins, a cancelled and a future one.
    seminar = Meeting.objects.create(
        campaign=campaign,
        kind="seminar",
        title="座谈会",
        organiser_unit=units["zonghe"],
        starts_at=at("2018-06-01"),
        ends_at=at("2018-06-01", 12),
        headcount=40,
    )
    visit = Meeting.objects.create(
        campaign=campaign,
        kind="park_visit",
        title="走访",
        organiser_unit=units["yewu"],
        starts_at=at("2018-06-05"),
        ends_at=at("2018-06-05", 12),
    )
    Meeting.objects.create(
        campaign=campaign,
        kind="seminar",
        title="取消",
        organiser_unit=units["yewu"],
        starts_at=at("2018-06-06"),
        ends_at=at("2018-06-06", 12),
        cancelled_at=at("2018-06-02"),
    )
    Meeting.objects.create(
        campaign=campaign,
        kind="seminar",
        title="以后",
        organiser_unit=units["yewu"],
        starts_at=at("2018-07-01"),
        ends_at=at("2018-07-01", 12),
    )
    MeetingAttendee.objects.create(meeting=seminar, person=people["p1"], name="甲")
    MeetingAttendee.objects.create(
        meeting=visit, person=people["p1"], name="甲", attended_at=at("2018-06-05")
    )
    MeetingAttendee.objects.create(
        meeting=visit, person=people["p2"], name="乙", attended_at=at("2018-06-05")
    )
    MeetingAttendee.objects.create(meeting=visit, person=people["p3"], name="丙")
    activity = OnlineActivity.objects.create(campaign=campaign, title="大家谈")
    for who, day in (("p1", "2018-06-01"), ("p2", "2018-06-20"), ("p3", "2018-06-22")):
        OnlineParticipation.objects.create(
            activity=activity,
            person=people[who],
            unit=people[who].unit,
            date=d(day),
            evidence_url="https://example.org/a",
        )
    # Reflections: submitted, excellent, returned, draft, and one submitted after the day.
    for who, status, submitted in (
        ("p1", "submitted", "2018-06-01"),
        ("p2", "excellent", "2018-06-05"),
        ("p3", "returned", "2018-06-06"),
        ("p4", "draft", None),
        ("p4", "accepted", "2018-06-21"),
    ):
        Reflection.objects.create(
            campaign=campaign,
            person=people[who],
            title="心得",
            word_count=3000,
            status=status,
            submitted_at=at(submitted) if submitted else None,
        )
    for seq, status, found in (
        (1, "rectified", "2018-05-10"),
        (2, "closed", "2018-05-12"),
        (3, "found", "2018-06-01"),
        (4, "found", "2018-06-25"),
    ):
        Problem.objects.create(
            campaign=campaign,
            branch=units["branch"],
            seq=seq,
            description="问题",
            category="other",
            status=status,
            found_on=d(found),
        )
    enterprise = Enterprise.objects.create(office=office, name="某企业")
    for status, created, resolved in (
        ("resolved", "2018-06-05", "2018-06-10"),
        ("assigned", "2018-06-05", None),
        ("recorded", "2018-06-25", None),
    ):
        EnterpriseProblem.objects.create(
            meeting=visit,
            enterprise=enterprise,
            description="用电",
            assigned_unit=units["yewu"],
            status=status,
            created_at=at(created),
            resolved_at=at(resolved) if resolved else None,
        )
    for status in ("closed", "open"):
        RectificationOrder.objects.create(
            campaign=campaign,
            unit=units["yewu"],
            problem="问题",
            measures_required="整改",
            deadline=d("2018-06-30"),
            status=status,
        )
    published = Survey.objects.create(
        office=office,
        campaign=campaign,
        title="满意度调查",
        public_key=f"dash-{office.pk}-k1",
        published_at=at("2018-05-10"),
    )
    Survey.objects.create(
        office=office, campaign=campaign, title="草稿", public_key=f"dash-{office.pk}-k2"
    )
    Survey.objects.create(
        office=office,
        campaign=campaign,
        title="模板",
        public_key=f"dash-{office.pk}-k3",
        is_template=True,
        published_at=at("2018-05-10"),
    )
    for day in ("2018-05-11", "2018-06-01", "2018-06-22"):
        Response.objects.create(survey=published, submitted_at=at(day))
    Response.objects.bulk_create(
        Response(survey=published, submitted_at=at("2018-06-22")) for _ in range(scale - 1)
    )
    stages = [
        ("received", "2018-05-10"),
        ("evaluating", "2018-05-11"),
        ("valuable", "2018-05-12"),
        ("adopted", "2018-05-13"),
        ("converted", "2018-05-14"),
        ("not_adopted", "2018-05-15"),
        ("received", "2018-06-25"),  # after the day counted
    ]
    made = [
        Suggestion.objects.create(
            office=office,
            campaign=campaign,
            number=n,
            text=f"建议{n}",
            source="staff",
            stage=stage,
            created_at=at(day),
        )
        for n, (stage, day) in enumerate(stages, start=1)
    ]
    Suggestion.objects.create(
        office=office,
        campaign=campaign,
        number=len(stages) + 1,
        text="重复",
        source="mailbox",
        stage="duplicate",
        duplicate_of=made[0],
        created_at=at("2018-05-20"),
    )
    Suggestion.objects.bulk_create(
        Suggestion(
            office=office,
            campaign=campaign,
            number=100 + n,
            text="以后",
            source="mailbox",
            tracking_code=f"d{office.pk}x{n:08d}",
            created_at=at("2018-06-26"),
        )
        for n in range((scale - 1) * 10)
    )
    top = Outcome.objects.create(
        office=office,
        campaign=campaign,
        kind="policy",
        title="政策意见",
        responsible_unit=units["zonghe"],
        status="in_progress",
        progress=Decimal("50"),
        created_at=at("2018-06-01"),
    )
    Outcome.objects.create(
        office=office,
        campaign=campaign,
        kind="plan",
        title="具体方案",
        responsible_unit=units["yewu"],
        status="in_progress",
        progress=Decimal("75"),
        created_at=at("2018-06-02"),
    )
    Outcome.objects.create(
        office=office,
        campaign=campaign,
        parent=top,
        kind="practice",
        title="子成果",
        responsible_unit=units["zonghe"],
        status="done",
        progress=Decimal("100"),
        created_at=at("2018-06-03"),
    )
    from huodong.publicity.models import Article, ArticleCategory, PublicityPlacement

    category = ArticleCategory.objects.create(office=office, name="新闻动态")
    articles = [
        Article.objects.create(
            office=office,
            campaign=campaign,
            category=category,
            title=title,
            status=status,
            published_at=at(day) if day else None,
        )
        for title, status, day in (
            ("已发布", "published", "2018-06-01"),
            ("以后发布", "published", "2018-06-25"),
            ("撤回", "withdrawn", "2018-06-02"),
            ("草稿", "draft", None),
        )
    ]
    for channel, day in (
        ("website", "2018-06-01"),
        ("wechat", "2018-06-02"),
        ("wechat", "2018-06-03"),
        ("newspaper", "2018-06-25"),
    ):
        PublicityPlacement.objects.create(
            office=office,
            campaign=campaign,
            article=articles[0] if channel == "website" else None,
            title="报道",
            channel=channel,
            date=d(day),
        )
    RoleAssignment.objects.get_or_create(person=director.person, role=Role.OFFICE_DIRECTOR)
    return Small(office, campaign, director, units, people, requirements)


EXPECTED = {
    "as_of": TODAY,
    "people": 5,
    "units": 3,
    "tasks_total": 7,
    "tasks_done": 4,
    "tasks_done_on_time": 3,
    "tasks_overdue": 1,
    "on_time_rate": 0.5,
    "tasks_due": 4,
    "study_sessions_held": 1,
    "study_records": 4,
    "people_studied": 2,
    "meetings_held": 2,
    "meeting_attendance": 42,
    "online_participations": 2,
    "reflections_submitted": 2,
    "reflections_excellent": 1,
    "problems_found": 3,
    "problems_rectified": 2,
    "enterprise_problems": 2,
    "enterprise_problems_resolved": 1,
    "rectification_orders": 2,
    "rectification_orders_closed": 1,
    "surveys": 1,
    "survey_responses": 2,
    "suggestions_received": 6,
    "suggestions_valuable": 3,
    "suggestions_adopted": 2,
    "suggestions_converted": 1,
    "outcomes_total": 3,
    "outcomes_done": 1,
    "outcomes_average_progress": 63,  # (50 + 75) / 2, half up
    "articles_published": 1,
    "publicity_placements": 3,
}


@pytest.fixture
def small(office, make_member, settings) -> Small:
    settings.HUODONG_TODAY = TODAY.isoformat()
    return build_small(office, make_member)


def test_every_field_on_hand_built_data(small):
    figures = campaign_figures(campaign=small.campaign)
    for f in fields(CampaignFigures):
        assert getattr(figures, f.name) == EXPECTED[f.name], f.name


@pytest.mark.parametrize("name", [f.name for f in fields(CampaignFigures)])
def test_field_is_expected(small, name):
    """One test per field, so a failure names the figure."""
    assert getattr(campaign_figures(campaign=small.campaign), name) == EXPECTED[name]


def test_until_counts_only_what_had_happened(small):
    figures = campaign_figures(campaign=small.campaign, until=d("2018-05-31"))
    assert figures.as_of == d("2018-05-31")
    assert figures.tasks_done == 2  # 1 and 2; task 7 was done on 1 June
    assert figures.tasks_done_on_time == 1
    assert figures.tasks_overdue == 0
    assert figures.tasks_due == 2
    assert figures.on_time_rate == 0.5
    assert figures.study_records == 2
    assert figures.people_studied == 1
    assert figures.study_sessions_held == 1
    assert figures.meetings_held == 0
    assert figures.reflections_submitted == 0
    assert figures.problems_found == 2
    assert figures.enterprise_problems == 0
    assert figures.survey_responses == 1
    assert figures.suggestions_received == 6  # the duplicate (20 May) counts in its original
    assert figures.outcomes_total == 0
    assert figures.outcomes_average_progress == 0
    assert figures.articles_published == 0
    assert figures.publicity_placements == 0


def test_nothing_due_gives_no_rate(office, make_member, settings):
    settings.HUODONG_TODAY = "2018-06-20"
    campaign = Campaign.objects.create(office=office, title="空")
    figures = campaign_figures(campaign=campaign)
    assert figures.on_time_rate is None
    assert figure_text(figures, "on_time_rate") == "—"
    assert figures.tasks_total == 0 and figures.outcomes_average_progress == 0


def test_texts_as_the_documents_print_them(small):
    figures = campaign_figures(campaign=small.campaign)
    assert figure_text(figures, "on_time_rate") == "50.0%"
    assert figure_text(figures, "outcomes_average_progress") == "63%"
    assert figure_text(figures, "meeting_attendance") == "42"
    assert figure_text(figures, "as_of") == "2018-06-20"


def test_matches_the_supervision_rate_and_the_lights(small):
    from huodong.campaigns.selectors import light_counts
    from huodong.supervision.selectors import rate_overall

    figures = campaign_figures(campaign=small.campaign)
    rate = rate_overall(small.campaign, today=TODAY)
    assert figures.on_time_rate == rate.rate and figures.tasks_due == rate.due
    lights = light_counts(small.campaign, today=TODAY)
    assert figures.tasks_overdue == lights["overdue"]
    assert figures.tasks_done_on_time == lights["done_on_time"]
    assert figures.tasks_done == lights["done_on_time"] + lights["done_late"]


def test_constant_queries(office, make_member, settings, django_assert_max_num_queries):
    settings.HUODONG_TODAY = TODAY.isoformat()
    small = build_small(office, make_member, scale=4)
    with django_assert_max_num_queries(18):
        campaign_figures(campaign=small.campaign)


def test_studies_from_the_tallies_when_nothing_is_later(small):
    """With no record dated after the day, the tallies give the same counts as the records."""
    from huodong.participation.models import StudyRecord

    later = campaign_figures(campaign=small.campaign, until=d("2018-07-01"))
    assert (later.study_records, later.people_studied) == (5, 3)
    StudyRecord.objects.filter(campaign=small.campaign, date__gt=TODAY).delete()
    from huodong.participation.services.study_tallies import study_tallies_rebuild

    study_tallies_rebuild(campaign_id=small.campaign.pk)
    figures = campaign_figures(campaign=small.campaign)
    assert (figures.study_records, figures.people_studied) == (4, 2)
