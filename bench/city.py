"""Every main page at city size, on one data set: `huodong generate_scale`'s full city.

The data set (`huodong.core.scale.generate` at its default sizes): 1,200 units (300 party
branches), 60,000 people, the seed plan (宿政管发〔2018〕9号) as the campaign with 300 more tasks
and each lead unit's own plan of 100, 300,000 study records, 60,000 reflections of about 3,000 字,
20 questionnaires (three of them for the staff) with 250,000 responses, 20,000 suggestions,
2,000 outcomes, meetings, problems, orders and publicity. Inserting it is timed (the issue's
target: under 15 minutes on SQLite). On PostgreSQL the tables are vacuumed and analysed after
loading, as autovacuum does.

Then each main page is fetched `RUNS` times through the test client, as the office's director
(the column anonymously, as the public reads it): its p50, p95 and SQL query count. The query
counts are asserted constant as the data grows by the tests of each page. The dashboard is
measured twice: computed (the cache emptied before each request: the first visit after a
write) and served from the cache (the visits after it, until the next write).

`HUODONG_BENCH_CITY_SCALE` (e.g. 0.1) builds a smaller city to try the benchmark quickly.
`python -m bench.city` runs it alone (a throw-away SQLite, or DATABASE_URL).
"""

from __future__ import annotations

import os
import time

SCALE = float(os.environ.get("HUODONG_BENCH_CITY_SCALE", "1"))
RUNS = 15
USERNAME = "bench-city-director"
PASSWORD = "Bench-pass-2018"
PAGE_MS = 300
DASHBOARD_MS = 500
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
    "surveys_answer",
    "surveys_answertally",
    "publicity_article",
    "publicity_publicityplacement",
)


def build():
    from huodong.core.scale import Sizes, generate

    return generate(
        sizes=Sizes().scaled(SCALE),
        office_name="市级基准办公室",
        seed=2018,
        director_username=USERNAME,
        password=PASSWORD,
    )


def settle() -> None:
    from bench.database import vacuum_analyze

    vacuum_analyze(TABLES)


def pages(made) -> list[tuple[str, str, bool]]:
    """(label, URL, anonymous) of every main page."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from huodong.campaigns.models import Task
    from huodong.orgs.models import Person
    from huodong.participation.selectors.compliance import is_counted, requirements_of
    from huodong.surveys.models import Survey

    campaign = made.campaign
    office = made.office
    task = Task.objects.filter(campaign=campaign).order_by("seq").first()
    requirements = [r for r in requirements_of(campaign) if is_counted(r)]
    someone = Person.objects.filter(office=office, user__isnull=True).order_by("pk").last()
    biggest = (
        Survey.objects.filter(office=office)
        .annotate(n=Count("responses", filter=Q(responses__isnull=False)))
        .order_by("-n")
        .first()
    )
    assert task is not None and biggest is not None and someone is not None
    return [
        ("plan: campaign home", reverse("campaigns:home", args=[campaign.pk]), False),
        ("plan: schedule of every task", reverse("campaigns:schedule", args=[campaign.pk]), False),
        ("task page", reverse("campaigns:task", args=[campaign.pk, task.seq]), False),
        ("compliance overview", reverse("participation:compliance", args=[campaign.pk]), False),
        *(
            (
                f"compliance: {requirement}",
                reverse("participation:requirement_compliance", args=[campaign.pk, requirement.pk]),
                False,
            )
            for requirement in requirements
        ),
        (
            "a person's progress",
            reverse("participation:person_progress", args=[campaign.pk, someone.pk]),
            False,
        ),
        ("suggestion list, first page", reverse("suggestions:list"), False),
        ("suggestion list searched (“窗口”)", reverse("suggestions:list") + "?q=窗口", False),
        (
            f"survey results, {biggest.n:,} responses",
            reverse("surveys:results", args=[biggest.pk]),
            False,
        ),
        ("public column", reverse("column:home", args=[office.pk]), True),
        ("public column, articles", reverse("column:list", args=[office.pk]), True),
    ]


def run(*, timed, p) -> list:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.figures import below, page
    from huodong.orgs.models import User

    figures = []
    start = time.perf_counter()
    made = build()
    settle()
    took = time.perf_counter() - start
    c = made.counts
    described = (
        f"{c['people']:,} people, {c['units']:,} units, {c['tasks']:,} tasks, "
        f"{c['studies']:,} studies, {c['answers']:,} responses"
    )
    figures.append(
        below(
            f"city: generate_scale, {described} and the rest",
            round(took, 1),
            "s",
            15 * 60,
            f"{took:.0f} s ({took / 60:.1f} min)",
            target="< 15 min (on SQLite)",
        )
    )
    director = Client()
    director.force_login(User.objects.get(username=USERNAME))
    public = Client()

    def measure(label: str, url: str, client: Client, limit: float, before=None) -> None:
        def fetch():
            if before:
                before()
            return client.get(url)

        response = fetch()
        assert response.status_code == 200, (url, response.status_code)
        samples = timed(fetch, repeat=RUNS)
        if before:
            before()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        figures.append(
            page(f"city: {label}", samples, len(queries), p=p, limit_ms=limit, middle="p50")
        )

    for label, url, anonymous in pages(made):
        measure(label, url, public if anonymous else director, PAGE_MS)
    dashboard = reverse("reports:dashboard", args=[made.campaign.pk])
    measure(
        "dashboard, computed (the first visit after a write)",
        dashboard,
        director,
        DASHBOARD_MS,
        before=cache.clear,
    )
    measure("dashboard, from the cache", dashboard, director, DASHBOARD_MS)
    return figures


if __name__ == "__main__":
    from bench import run as bench_run
    from bench.figures import print_figures

    bench_run.setup_django()
    print_figures(run(timed=bench_run.timed, p=bench_run.p))
