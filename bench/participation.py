"""Requirement compliance: 6,000 people in 1,200 units (300 of them party branches), 30,000 study
records, reflections, problems and sessions; with HUODONG_BENCH_PARTICIPATION_FULL=1 also at the
issue's scale (60,000 people, 300,000 study records, 60,000 reflections), which `make bench`
measures on the city's data set instead (`bench/city.py`, every requirement's page).

The data is generated with bulk inserts (not timed); the pages are fetched through the test
client as the office director, so the figures show the time and, between the two sizes, that
the number of SQL queries does not grow with the data. On PostgreSQL the
tables are vacuumed and analysed after each load, as autovacuum does in production (without
statistics the planner guesses a few rows and sorts 300,000 on disk).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass

from bench.figures import QueryCounts, page

BATCH = 5_000
FULL = {"people": 60_000, "units": 1_200, "branches": 300, "studies": 300_000}
# The campaign runs from May to December 2018; bench/run.py pins today to 2018-06-20.
START, END, TODAY = dt.date(2018, 5, 1), dt.date(2018, 12, 31), dt.date(2018, 6, 20)
PASSWORD = "Bench-pass-2018"


@dataclass
class World:
    office: object
    campaign: object
    requirements: dict[str, object]
    units: list  # departments and their sub-units, where people work
    branches: list
    people: int = 0
    studies: int = 0
    reflections: int = 0


def _bulk(model, rows, batch: int = BATCH) -> int:
    total = 0
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            model.objects.bulk_create(chunk, batch_size=batch)
            total += len(chunk)
            chunk = []
    if chunk:
        model.objects.bulk_create(chunk, batch_size=batch)
        total += len(chunk)
    return total


def build_world(*, units: int, branches: int) -> World:
    """An office with its units, branches, a campaign, the seed's requirements and a director."""
    from huodong.campaigns.models import (
        Campaign,
        Requirement,
        RequirementMeasure,
        RequirementPeriod,
        RequirementScope,
        StudyKind,
    )
    from huodong.orgs.models import Office, Role, Unit, UnitKind
    from huodong.orgs.services import person_create, person_grant_login, role_assign

    office = Office.objects.create(name="合规基准办公室")
    leadership = Unit.objects.create(
        office=office, name="领导班子", kind=UnitKind.LEADERSHIP, sort_order=0
    )
    departments = max(1, (units - branches - 1) // 9)
    tops = Unit.objects.bulk_create(
        Unit(office=office, name=f"第{n}处", kind=UnitKind.DEPARTMENT, sort_order=n * 100)
        for n in range(1, departments + 1)
    )
    subs = units - branches - 1 - departments
    children = Unit.objects.bulk_create(
        Unit(
            office=office,
            parent=tops[n % departments],
            name=f"窗口{n}",
            kind=UnitKind.WINDOW if n % 2 else UnitKind.AFFILIATE,
            sort_order=tops[n % departments].sort_order + 1 + n // departments,
        )
        for n in range(subs)
    )
    party = Unit.objects.bulk_create(
        Unit(
            office=office,
            parent=tops[n % departments],
            name=f"党支部{n}",
            kind=UnitKind.BRANCH if n % 5 else UnitKind.TEMP_BRANCH,
            sort_order=90_000 + n,
        )
        for n in range(branches)
    )
    campaign = Campaign.objects.create(
        office=office, title="解放思想大讨论（基准）", start=START, end=END
    )
    specs = {
        "studies": (RequirementScope.PERSON, 4, "学习活动", "", RequirementMeasure.STUDIES, ""),
        "words": (
            RequirementScope.PERSON,
            3000,
            "心得体会字数",
            "",
            RequirementMeasure.REFLECTION_WORDS,
            "",
        ),
        "problems": (RequirementScope.BRANCH, 2, "问题", "", RequirementMeasure.PROBLEMS, ""),
        "discussion": (
            RequirementScope.CAMPAIGN,
            1,
            "学习成果大讨论",
            RequirementPeriod.MONTH,
            RequirementMeasure.SESSIONS,
            StudyKind.DISCUSSION,
        ),
    }
    requirements = {
        key: Requirement.objects.create(
            campaign=campaign,
            order=order,
            scope=scope,
            minimum=minimum,
            subject=subject,
            period=period,
            measure=measure,
            study_kind=kind,
        )
        for order, (key, (scope, minimum, subject, period, measure, kind)) in enumerate(
            specs.items()
        )
    }
    director = person_create(actor=None, office=office, name="基准主任", unit=leadership)
    person_grant_login(actor=None, person=director, username="bench-director", password=PASSWORD)
    role_assign(actor=None, person=director, role=Role.OFFICE_DIRECTOR)
    return World(office, campaign, requirements, [*tops, *children], party)


def grow(world: World, *, people: int, studies: int, seed: int = 2018) -> None:
    """Add people (each with about five study records and one reflection), problems and
    sessions until the world has `people` people and `studies` study records."""
    from huodong.campaigns.models import StudyKind
    from huodong.orgs.models import Person
    from huodong.participation.models import (
        Problem,
        ProblemCategory,
        Reflection,
        ReflectionStatus,
        StudyRecord,
        StudySession,
        StudySource,
    )
    from huodong.participation.services.study_tallies import study_tallies_rebuild

    rng = random.Random(seed + people)
    first = world.people
    units, branches = world.units, world.branches
    _bulk(
        Person,
        (
            Person(
                office=world.office,
                unit=units[n % len(units)],
                branch=branches[n % len(branches)] if n % 10 else None,
                name=f"干部{n}",
                sort_order=n,
            )
            for n in range(first, people)
        ),
    )
    new_ids = list(
        Person.objects.filter(office=world.office, sort_order__gte=first)
        .exclude(user__isnull=False)
        .values_list("pk", flat=True)
    )
    world.people = people
    days = (TODAY - START).days
    kinds = [StudyKind.SELF, StudyKind.SELF, StudyKind.GROUP, StudyKind.LECTURE]
    per_person = max(1, (studies - world.studies) // max(1, len(new_ids)))

    def study_rows():
        for person_id in new_ids:
            for _ in range(rng.randint(0, 2 * per_person)):
                yield StudyRecord(
                    campaign=world.campaign,
                    person_id=person_id,
                    kind=rng.choice(kinds),
                    date=START + dt.timedelta(days=rng.randint(0, days)),
                    material="《习近平新时代中国特色社会主义思想》学习",
                    source=StudySource.LOGGED,
                )

    world.studies += _bulk(StudyRecord, study_rows())
    study_tallies_rebuild(campaign_id=world.campaign.pk)
    statuses = [
        ReflectionStatus.SUBMITTED,
        ReflectionStatus.ACCEPTED,
        ReflectionStatus.ACCEPTED,
        ReflectionStatus.EXCELLENT,
        ReflectionStatus.RETURNED,
        ReflectionStatus.DRAFT,
    ]
    submitted = dt.datetime(2018, 6, 1, 9, tzinfo=dt.UTC)

    def reflection_rows():
        for person_id in new_ids:
            status = rng.choice(statuses)
            yield Reflection(
                campaign=world.campaign,
                person_id=person_id,
                title="解放思想心得体会",
                body="",
                word_count=rng.randint(800, 3600),
                status=status,
                submitted_at=None if status == ReflectionStatus.DRAFT else submitted,
            )

    world.reflections += _bulk(Reflection, reflection_rows())
    # Problems and sessions once, with the branches: they do not grow with the people.
    if first == 0:
        _bulk(
            Problem,
            (
                Problem(
                    campaign=world.campaign,
                    branch=branch,
                    seq=seq,
                    description="工作中存在畏难情绪",
                    category=ProblemCategory.TIMIDITY,
                    found_on=START + dt.timedelta(days=rng.randint(0, days)),
                )
                for branch in branches
                for seq in range(1, rng.randint(0, 4) + 1)
            ),
        )
        session_kinds = [StudyKind.GROUP, StudyKind.LECTURE, StudyKind.DISCUSSION]
        first_session = dt.datetime(2018, 5, 2, 1, tzinfo=dt.UTC)

        def session_rows():
            for unit in [*units, *branches]:
                for _ in range(2):
                    starts = first_session + dt.timedelta(days=rng.randint(0, days + 30))
                    yield StudySession(
                        campaign=world.campaign,
                        organiser_unit=unit,
                        kind=rng.choice(session_kinds),
                        topic="集中学习",
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=2),
                        sign_in_secret="x" * 32,
                    )

        _bulk(StudySession, session_rows())


def settle() -> None:
    from bench.database import vacuum_analyze

    vacuum_analyze(
        (
            "orgs_unit",
            "orgs_person",
            "participation_studyrecord",
            "participation_studytally",
            "participation_studysession",
            "participation_reflection",
            "participation_problem",
        )
    )


def run(*, timed, p):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from huodong.orgs.models import Person

    world = build_world(units=FULL["units"], branches=FULL["branches"])
    client = Client()
    assert client.login(username="bench-director", password=PASSWORD)
    campaign = world.campaign
    rows = []
    counts = QueryCounts()
    sizes = [(6_000, 30_000)]
    if os.environ.get("HUODONG_BENCH_PARTICIPATION_FULL"):
        sizes.append((FULL["people"], FULL["studies"]))
    for people, studies in sizes:
        grow(world, people=people, studies=studies)
        settle()
        someone = Person.objects.filter(office=world.office, sort_order=people // 2).first()
        assert someone is not None
        pages = [
            (
                "compliance: studies (≥4 per person)",
                reverse(
                    "participation:requirement_compliance",
                    args=[campaign.pk, world.requirements["studies"].pk],
                ),
            ),
            (
                "compliance: studies, short only",
                reverse(
                    "participation:requirement_compliance",
                    args=[campaign.pk, world.requirements["studies"].pk],
                )
                + "?short=1",
            ),
            (
                "compliance: reflection 3000字",
                reverse(
                    "participation:requirement_compliance",
                    args=[campaign.pk, world.requirements["words"].pk],
                ),
            ),
            (
                "compliance: branch problems (≥2)",
                reverse(
                    "participation:requirement_compliance",
                    args=[campaign.pk, world.requirements["problems"].pk],
                ),
            ),
            (
                "compliance overview (4 requirements)",
                reverse("participation:compliance", args=[campaign.pk]),
            ),
            (
                "a person's progress",
                reverse("participation:person_progress", args=[campaign.pk, someone.pk]),
            ),
        ]
        size = f"{world.people:,} people, {world.studies:,} studies"
        for label, url in pages:
            assert client.get(url).status_code == 200, url
            samples = timed(lambda url=url: client.get(url), repeat=15)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            rows.append(
                page(
                    f"{label}, {size}",
                    samples,
                    len(queries),
                    p=p,
                    limit_ms=300,
                    queries_constant=counts.constant(label, len(queries)),
                )
            )
    return rows
