"""The leading group's dashboard at city scale: 60,000 people in 1,200 units (300 of them
party branches), the seed plan's tasks and 300 more, 240,000 study records, 60,000
reflections, 5,000 suggestions, 200 outcomes and 20,000 questionnaire answers, with the
meetings, sessions, problems, orders and publicity a campaign of that size has.

The campaign is the seed plan (宿政管发〔2018〕9号) imported into the office, so its phases and
requirements are the real ones; everything else is generated (seeded) and inserted with bulk
inserts (not timed), and the study tallies are recounted after the load, as after an import.
On PostgreSQL the tables are vacuumed and analysed after loading, as autovacuum does.

Measured, through the test client as the office director: the dashboard page (median and p95
of `RUNS` GETs, and its SQL queries), and `campaign_figures` alone.

`HUODONG_BENCH_DASHBOARD_PEOPLE` sets a smaller size (the other records scale with it) to try
the benchmark quickly. `python -m bench.dashboard` runs it alone (on a throw-away SQLite, or
DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from importlib import resources

PEOPLE = int(os.environ.get("HUODONG_BENCH_DASHBOARD_PEOPLE", "60000"))
SCALE = PEOPLE / 60_000
UNITS, BRANCHES = 1_200, 300
EXTRA_TASKS = 300
STUDIES = round(240_000 * SCALE)
SUGGESTIONS = round(5_000 * SCALE)
OUTCOMES = 200
RESPONSES = round(20_000 * SCALE)
BATCH = 5_000
RUNS = 15
USERNAME = "bench-dashboard-director"
PASSWORD = "Bench-pass-2018"
# bench/run.py pins today to 2018-06-20; the seed plan runs from May to December 2018.
START, TODAY = dt.date(2018, 5, 1), dt.date(2018, 6, 20)
TABLES = (
    "orgs_unit",
    "orgs_person",
    "campaigns_task",
    "campaigns_taskunit",
    "participation_studyrecord",
    "participation_studytally",
    "participation_studysession",
    "participation_reflection",
    "participation_problem",
    "engagement_meeting",
    "engagement_meetingattendee",
    "engagement_onlineparticipation",
    "engagement_enterpriseproblem",
    "suggestions_suggestion",
    "suggestions_outcome",
    "surveys_survey",
    "surveys_response",
    "publicity_article",
    "publicity_publicityplacement",
)


def _bulk(model, rows, batch: int = BATCH) -> list:
    made: list = []
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            made += model.objects.bulk_create(chunk, batch_size=batch)
            chunk = []
    if chunk:
        made += model.objects.bulk_create(chunk, batch_size=batch)
    return made


def _moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _day(rng: random.Random, until: dt.date = TODAY) -> dt.date:
    return START + dt.timedelta(days=rng.randint(0, (until - START).days))


def build():
    """The office, the campaign and every record; returns the campaign."""
    from huodong.campaigns.models import StudyKind, Task, TaskUnit, TaskUnitRole
    from huodong.campaigns.plan_import import parse_plan
    from huodong.campaigns.services import campaign_create_from_plan
    from huodong.engagement.models import (
        Enterprise,
        EnterpriseProblem,
        Meeting,
        MeetingAttendee,
        OnlineActivity,
        OnlineParticipation,
    )
    from huodong.inspections.models import RectificationOrder
    from huodong.orgs.models import Office, Person, Role, Unit, UnitKind
    from huodong.orgs.services import person_create, person_grant_login, role_assign
    from huodong.participation.models import (
        Problem,
        ProblemCategory,
        Reflection,
        StudyRecord,
        StudySession,
    )
    from huodong.participation.services.study_tallies import study_tallies_rebuild
    from huodong.publicity.models import Article, ArticleCategory, Channel, PublicityPlacement
    from huodong.suggestions.models import Outcome, Stage, Suggestion
    from huodong.surveys.models import Response, Survey

    rng = random.Random(2018)
    office = Office.objects.create(name="看板基准办公室")
    data = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.docx").read_bytes()
    campaign = campaign_create_from_plan(actor=None, office=office, plan=parse_plan(data, "p"))
    have = Unit.objects.filter(office=office).count()
    departments = (UNITS - BRANCHES - have) // 9
    tops = _bulk(
        Unit,
        (
            Unit(office=office, name=f"第{n}处", kind=UnitKind.DEPARTMENT, sort_order=n * 100)
            for n in range(1, departments + 1)
        ),
    )
    _bulk(
        Unit,
        (
            Unit(
                office=office,
                parent=tops[n % departments],
                name=f"窗口{n}",
                kind=UnitKind.WINDOW if n % 2 else UnitKind.AFFILIATE,
                sort_order=tops[n % departments].sort_order + 1 + n // departments,
            )
            for n in range(UNITS - BRANCHES - have - departments)
        ),
    )
    branches = _bulk(
        Unit,
        (
            Unit(
                office=office,
                parent=tops[n % departments],
                name=f"党支部{n}",
                kind=UnitKind.BRANCH if n % 5 else UnitKind.TEMP_BRANCH,
                sort_order=90_000 + n,
            )
            for n in range(BRANCHES)
        ),
    )
    branches += list(
        Unit.objects.filter(office=office, kind=UnitKind.BRANCH).exclude(
            pk__in=[b.pk for b in branches]
        )
    )
    units = list(
        Unit.objects.filter(office=office).exclude(
            kind__in=(UnitKind.BRANCH, UnitKind.TEMP_BRANCH, UnitKind.LEADERSHIP)
        )
    )
    director = person_create(actor=None, office=office, name="基准主任", unit=units[0])
    person_grant_login(actor=None, person=director, username=USERNAME, password=PASSWORD)
    role_assign(actor=None, person=director, role=Role.OFFICE_DIRECTOR)
    people = _bulk(
        Person,
        (
            Person(
                office=office,
                unit=units[n % len(units)],
                branch=branches[n % len(branches)] if n % 10 else None,
                name=f"干部{n}",
                sort_order=n + 1,
            )
            for n in range(PEOPLE - 1)
        ),
    )
    person_ids = [p.pk for p in people]

    # The seed's tasks, done as the demo's story goes, and 300 more over the campaign.
    phases = list(campaign.phases.order_by("start"))
    for task in Task.objects.filter(campaign=campaign):
        if task.due and task.due < TODAY and rng.random() < 0.8:
            task.completed_on = task.due + dt.timedelta(days=rng.choice([-3, -1, 0, 0, 2, 5]))
            task.save(update_fields=["completed_on"])
    first = Task.objects.filter(campaign=campaign).order_by("-seq").values_list("seq", flat=True)[0]
    extra = []
    for n in range(EXTRA_TASKS):
        due = START + dt.timedelta(days=rng.randint(5, 240))
        done = None
        if due < TODAY and rng.random() < 0.75:
            done = due + dt.timedelta(days=rng.choice([-4, -2, 0, 0, 1, 6]))
            done = min(done, TODAY)
        phase = next((p for p in phases if p.start <= due <= p.end), phases[-1])
        extra.append(
            Task(
                campaign=campaign,
                seq=first + 1 + n,
                phase=phase,
                text=f"专项任务{n}",
                due=due,
                completed_on=done,
            )
        )
    extra = _bulk(Task, extra)
    _bulk(
        TaskUnit,
        (
            TaskUnit(task=task, unit=rng.choice(units[: len(units) // 3]), role=role, order=n)
            for task in extra
            for n, role in enumerate((TaskUnitRole.LEAD, TaskUnitRole.CO))
        ),
    )

    # Study: sessions by every unit and branch, records (some at sessions), the tallies.
    sessions = _bulk(
        StudySession,
        (
            StudySession(
                campaign=campaign,
                organiser_unit=unit,
                kind=rng.choice([StudyKind.GROUP, StudyKind.LECTURE, StudyKind.DISCUSSION]),
                topic="集中学习",
                starts_at=(starts := _moment(_day(rng, dt.date(2018, 7, 20)))),
                ends_at=starts + dt.timedelta(hours=2),
                sign_in_secret="x" * 32,
            )
            for unit in [*units, *branches]
            for _ in range(2)
        ),
    )
    per_person = STUDIES / len(person_ids)
    kinds = [StudyKind.SELF, StudyKind.SELF, StudyKind.GROUP, StudyKind.LECTURE]

    def study_rows():
        left = STUDIES
        for person_id in person_ids:
            count = min(left, rng.randint(0, round(2 * per_person)))
            left -= count
            for _ in range(count):
                yield StudyRecord(
                    campaign=campaign,
                    person_id=person_id,
                    kind=rng.choice(kinds),
                    date=_day(rng),
                    material="《习近平新时代中国特色社会主义思想》学习",
                    source="logged",
                )

    studies = len(_bulk(StudyRecord, study_rows()))
    study_tallies_rebuild(campaign_id=campaign.pk)
    statuses = ["submitted", "accepted", "accepted", "excellent", "returned", "draft"]

    def reflection_rows():
        for person_id in person_ids:
            status = rng.choice(statuses)
            yield Reflection(
                campaign=campaign,
                person_id=person_id,
                title="解放思想心得体会",
                word_count=rng.randint(800, 3600),
                status=status,
                submitted_at=None if status == "draft" else _moment(_day(rng)),
            )

    reflections = len(_bulk(Reflection, reflection_rows()))
    _bulk(
        Problem,
        (
            Problem(
                campaign=campaign,
                branch=branch,
                seq=seq,
                description="工作中存在畏难情绪",
                category=ProblemCategory.TIMIDITY,
                status=rng.choice(["found", "rectifying", "rectified", "closed"]),
                found_on=_day(rng),
            )
            for branch in branches
            for seq in range(1, rng.randint(0, 4) + 1)
        ),
    )

    # Meetings, visits and their problems, online activities.
    meetings = _bulk(
        Meeting,
        (
            Meeting(
                campaign=campaign,
                kind=rng.choice(["seminar", "park_visit", "open_discussion", "symposium"]),
                title=f"座谈会{n}",
                organiser_unit=rng.choice(units),
                starts_at=(starts := _moment(_day(rng, dt.date(2018, 7, 31)))),
                ends_at=starts + dt.timedelta(hours=2),
                headcount=rng.choice([None, None, 40, 60]),
                public_key=f"bench-dash-m{n}",
                sign_in_secret="x" * 32,
            )
            for n in range(round(120 * max(SCALE, 0.1)))
        ),
    )
    _bulk(
        MeetingAttendee,
        (
            MeetingAttendee(
                meeting=meeting,
                person_id=person_id,
                name="干部",
                attended_at=meeting.starts_at if rng.random() < 0.8 else None,
            )
            for meeting in meetings
            for person_id in rng.sample(person_ids, min(30, len(person_ids)))
        ),
    )
    enterprise = Enterprise.objects.create(office=office, name="宿迁某科技有限公司")
    visits = [m for m in meetings if m.kind == "park_visit"] or meetings[:1]
    _bulk(
        EnterpriseProblem,
        (
            EnterpriseProblem(
                meeting=rng.choice(visits),
                enterprise=enterprise,
                description="用电报装时间长",
                assigned_unit=rng.choice(units),
                status=(status := rng.choice(["recorded", "assigned", "replied", "resolved"])),
                resolved_at=_moment(_day(rng)) if status == "resolved" else None,
                created_at=_moment(_day(rng)),
            )
            for _ in range(200)
        ),
    )
    activity = OnlineActivity.objects.create(campaign=campaign, title="我为高质量发展献一策")
    _bulk(
        OnlineParticipation,
        (
            OnlineParticipation(
                activity=activity,
                person_id=person_id,
                unit=units[0],
                date=_day(rng),
                evidence_url="https://example.org/post",
            )
            for person_id in rng.sample(person_ids, min(5_000, len(person_ids)))
        ),
    )
    _bulk(
        RectificationOrder,
        (
            RectificationOrder(
                campaign=campaign,
                unit=rng.choice(units),
                problem="推进缓慢",
                measures_required="限期整改",
                deadline=_day(rng, dt.date(2018, 7, 31)),
                status=rng.choice(["open", "answered", "closed"]),
            )
            for _ in range(60)
        ),
    )

    # Questionnaires and their answers (the rows; the dashboard counts them, not the answers).
    surveys = [
        Survey.objects.create(
            office=office,
            campaign=campaign,
            title=title,
            public_key=f"bench-dash-s{n}",
            published_at=_moment(START + dt.timedelta(days=10 * n)),
        )
        for n, title in enumerate(
            ["政务服务满意度调查", "营商环境问卷", "作风建设测评", "干部问卷"]
        )
    ]
    _bulk(
        Response,
        (
            Response(survey=rng.choice(surveys), submitted_at=_moment(_day(rng)))
            for _ in range(RESPONSES)
        ),
    )

    # Suggestions and outcomes.
    stages = (
        [Stage.RECEIVED] * 4
        + [Stage.EVALUATING] * 2
        + [
            Stage.VALUABLE,
            Stage.ADOPTED,
            Stage.CONVERTED,
            Stage.NOT_ADOPTED,
        ]
    )
    _bulk(
        Suggestion,
        (
            Suggestion(
                office=office,
                campaign=campaign,
                number=n,
                text=f"建议优化办事流程{n}",
                source="mailbox",
                tracking_code=f"bd{n:010d}",
                stage=rng.choice(stages),
                created_at=_moment(_day(rng)),
            )
            for n in range(1, SUGGESTIONS + 1)
        ),
    )
    tops_out = _bulk(
        Outcome,
        (
            Outcome(
                office=office,
                campaign=campaign,
                kind=rng.choice(["policy", "plan", "institutional", "practice"]),
                title=f"成果{n}",
                responsible_unit=rng.choice(units),
                progress=rng.randint(0, 100),
                created_at=_moment(_day(rng)),
            )
            for n in range(OUTCOMES // 4)
        ),
    )
    _bulk(
        Outcome,
        (
            Outcome(
                office=office,
                campaign=campaign,
                parent=rng.choice(tops_out),
                kind="practice",
                title=f"子成果{n}",
                responsible_unit=rng.choice(units),
                status=(status := rng.choice(["planned", "in_progress", "done"])),
                progress=100 if status == "done" else rng.randint(0, 90),
                created_at=_moment(_day(rng)),
            )
            for n in range(OUTCOMES - len(tops_out))
        ),
    )

    # Publicity: articles on the column and their placements.
    category = ArticleCategory.objects.create(office=office, name="新闻动态", key="news")
    articles = _bulk(
        Article,
        (
            Article(
                office=office,
                campaign=campaign,
                category=category,
                title=f"活动动态{n}",
                status=rng.choice(["published", "published", "draft"]),
                published_at=_moment(_day(rng)),
            )
            for n in range(120)
        ),
    )
    _bulk(
        PublicityPlacement,
        (
            PublicityPlacement(
                office=office,
                campaign=campaign,
                article=article,
                title=article.title,
                channel=channel,
                date=_day(rng),
            )
            for article in articles
            for channel in rng.sample(
                [c for c in Channel.values if c != "website"], rng.randint(0, 3)
            )
        ),
    )
    return campaign, {
        "people": PEOPLE,
        "units": UNITS,
        "tasks": Task.objects.filter(campaign=campaign).count(),
        "studies": studies,
        "reflections": reflections,
        "sessions": len(sessions),
    }


def settle() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def run(*, timed, p) -> list[tuple[str, str, str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from huodong.orgs.models import User
    from huodong.reports.figures import campaign_figures

    rows: list[tuple[str, str, str]] = []
    start = time.perf_counter()
    campaign, size = build()
    settle()
    described = (
        f"{size['people']:,} people, {size['units']:,} units, {size['tasks']:,} tasks, "
        f"{size['studies']:,} studies"
    )
    rows.append(
        (
            f"dashboard: insert {described} and the rest",
            f"{time.perf_counter() - start:.1f} s",
            "setup",
        )
    )
    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    url = reverse("reports:dashboard", args=[campaign.pk])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    samples = timed(lambda: client.get(url), repeat=RUNS)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    rows.append(
        (
            f"dashboard page, {described}",
            f"median {p(samples, 0.5):.0f} ms, p95 {p(samples, 0.95):.0f} ms, "
            f"{len(queries)} queries",
            "< 500 ms, queries constant",
        )
    )
    figure_samples = timed(lambda: campaign_figures(campaign=campaign), repeat=RUNS)
    with CaptureQueriesContext(connection) as figure_queries:
        campaign_figures(campaign=campaign)
    rows.append(
        (
            "dashboard: campaign_figures alone",
            f"median {p(figure_samples, 0.5):.0f} ms, {len(figure_queries)} queries",
            "part of the page",
        )
    )
    if os.environ.get("HUODONG_BENCH_VERBOSE"):
        for query in slowest:
            print(f"{float(query['time']) * 1000:.0f} ms: {query['sql'][:300]}")
    return rows


if __name__ == "__main__":
    from bench import run as bench_run

    bench_run.setup_django()
    found_rows = run(timed=bench_run.timed, p=bench_run.p)
    width = max(len(row[0]) for row in found_rows)
    for name, figure, target in found_rows:
        print(f"{name.ljust(width)}  {figure}  ({target})")
    sys.exit(0)
