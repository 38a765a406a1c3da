"""The leading group's dashboard at city scale: 60,000 people in 1,200 units (300 of them
party branches), the seed plan's tasks and 300 more, 240,000 study records, 60,000
reflections of about 3,000 字, 5,000 suggestions, 200 outcomes and 20,000 responses to 4
questionnaires, with the meetings, sessions, problems, orders and publicity a campaign of that
size has.

The data set is `huodong generate_scale`'s (`huodong.core.scale.generate`) at these sizes: the
campaign is the seed plan (宿政管发〔2018〕9号) imported into the office, so its phases and
requirements are the real ones; everything else is generated (seeded) and inserted with bulk
inserts (not timed), and the study and answer tallies are recounted after the load, as after an
import.
On PostgreSQL the tables are vacuumed and analysed after loading, as autovacuum does.

Measured, through the test client as the office director: the dashboard page (median and p95
of `RUNS` GETs, and its SQL queries), and `campaign_figures` alone.

`HUODONG_BENCH_DASHBOARD_PEOPLE` sets a smaller size (the other records scale with it) to try
the benchmark quickly. `python -m bench.dashboard` runs it alone (on a throw-away SQLite, or
DATABASE_URL).
"""

from __future__ import annotations

import os
import sys
import time

PEOPLE = int(os.environ.get("HUODONG_BENCH_DASHBOARD_PEOPLE", "60000"))
SCALE = PEOPLE / 60_000
UNITS, BRANCHES = 1_200, 300
EXTRA_TASKS = 300
STUDIES = round(240_000 * SCALE)
SUGGESTIONS = round(5_000 * SCALE)
OUTCOMES = 200
SURVEYS = 4
RESPONSES = round(20_000 * SCALE)
RUNS = 15
USERNAME = "bench-dashboard-director"
PASSWORD = "Bench-pass-2018"
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


def sizes():
    from huodong.core.scale import Sizes

    return Sizes(
        units=UNITS,
        branches=BRANCHES,
        people=PEOPLE,
        tasks=EXTRA_TASKS,
        studies=STUDIES,
        reflections=PEOPLE,
        surveys=SURVEYS,
        answers=RESPONSES,
        suggestions=SUGGESTIONS,
        outcomes=OUTCOMES,
        meetings=round(120 * max(SCALE, 0.1)),
    )


def build():
    """The office, the campaign and every record (`huodong.core.scale.generate`); returns the
    campaign and the sizes."""
    from huodong.core.scale import generate

    made = generate(
        sizes=sizes(),
        office_name="看板基准办公室",
        seed=2018,
        director_username=USERNAME,
        password=PASSWORD,
    )
    return made.campaign, {
        "people": made.counts["people"],
        "units": made.counts["units"],
        "tasks": made.counts["tasks"],
        "studies": made.counts["studies"],
        "reflections": made.counts["reflections"],
        "sessions": made.counts["sessions"],
    }


def settle() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def run(*, timed, p) -> list:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.figures import page, recorded
    from huodong.orgs.models import User
    from huodong.reports.figures import campaign_figures

    figures = []
    start = time.perf_counter()
    campaign, size = build()
    settle()
    described = (
        f"{size['people']:,} people, {size['units']:,} units, {size['tasks']:,} tasks, "
        f"{size['studies']:,} studies"
    )
    took = time.perf_counter() - start
    figures.append(
        recorded(
            f"dashboard: insert {described} and the rest",
            round(took, 1),
            "s",
            f"{took:.1f} s",
            shown_target="setup",
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
    # The query count is asserted constant by huodong/reports/tests/test_dashboard.py.
    figures.append(
        page(
            f"dashboard page, {described}",
            samples,
            len(queries),
            p=p,
            limit_ms=500,
            queries_checked=True,
            middle="median",
        )
    )
    figure_samples = timed(lambda: campaign_figures(campaign=campaign), repeat=RUNS)
    with CaptureQueriesContext(connection) as figure_queries:
        campaign_figures(campaign=campaign)
    median = p(figure_samples, 0.5)
    figures.append(
        recorded(
            "dashboard: campaign_figures alone",
            round(median, 1),
            "ms",
            f"median {median:.0f} ms, {len(figure_queries)} queries",
            shown_target="part of the page",
        )
    )
    if os.environ.get("HUODONG_BENCH_VERBOSE"):
        for query in slowest:
            print(f"{float(query['time']) * 1000:.0f} ms: {query['sql'][:300]}")
    return figures


if __name__ == "__main__":
    from bench import run as bench_run

    bench_run.setup_django()
    found_rows = run(timed=bench_run.timed, p=bench_run.p)
    width = max(len(row[0]) for row in found_rows)
    for name, figure, target in found_rows:
        print(f"{name.ljust(width)}  {figure}  ({target})")
    sys.exit(0)
