"""Questionnaire results and exports at the issue's scale: a public survey of ten questions
(single and multiple choice with "other", two ratings, a matrix, a ranking, two texts) with
250,000 responses, about 3.4 million answer rows.

The responses are generated (seeded) and inserted with bulk inserts, a tenth first and then the
rest, and the tallies are recounted after each load (`survey_tallies_rebuild`), as after an
import. The pages are fetched through the test client as the office director: the results page
at both sizes (its SQL query count must not change), then at full size the pages that count the
answers themselves (a filter, a cross-tabulation, the text answers). Each export runs in a
fresh process (`python -m bench.surveys export …`) so that its peak memory is its own: the
kernel's high-water mark of the process (VmHWM, reset at its start through
/proc/self/clear_refs), the whole process with Django included.

`HUODONG_BENCH_SURVEY_RESPONSES` sets a smaller size to try the benchmark quickly.
`python -m bench.surveys` runs it alone (on a throw-away SQLite, or DATABASE_URL).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import PART, Figure, QueryCounts, below, page, print_figures, recorded

# An export's peak memory must stay under 300 MB (the figures are in MiB).
EXPORT_PEAK_MIB = 300 * 10**6 / 2**20

RESPONSES = int(os.environ.get("HUODONG_BENCH_SURVEY_RESPONSES", "250000"))
BATCH = 5_000  # responses per bulk insert (their answers go in the same round)
PAGE_RUNS = 20
# The pages that count the answers themselves take seconds at full size: fewer runs.
COUNTING_RUNS = 5
USERNAME = "bench-surveys-director"
TABLES = ("surveys_response", "surveys_answer", "surveys_answertally")

# The questionnaire and its answers are the city generator's (huodong.core.scale).


# --- Building the data ------------------------------------------------------------------------


def build_survey():
    """An office, its director (a login) and the published survey; (survey, questions)."""
    from huodong.core.scale import build_questions
    from huodong.orgs.models import Office, Role, Unit, UnitKind
    from huodong.orgs.services import person_create, person_grant_login, role_assign
    from huodong.surveys.models import Audience
    from huodong.surveys.services import survey_create, survey_publish

    office = Office.objects.create(name="问卷基准办公室")
    unit = Unit.objects.create(office=office, name="宣传室", kind=UnitKind.DEPARTMENT)
    person = person_create(actor=None, office=office, name="基准主任", unit=unit)
    director = person_grant_login(
        actor=None, person=person, username=USERNAME, password="Bench-pass-2018"
    )
    role_assign(actor=None, person=person, role=Role.OFFICE_DIRECTOR)
    survey = survey_create(
        actor=director, office=office, title="政务服务满意度调查（基准）", audience=Audience.PUBLIC
    )
    questions = build_questions(actor=director, survey=survey)
    survey_publish(actor=director, survey=survey)
    survey.refresh_from_db()
    return survey, questions


def grow(survey, q: dict, *, first: int, last: int, seed: int = 2018) -> int:
    """Insert responses number `first` to `last - 1` and their answers; the answers' count."""
    from huodong.core.scale import answers_of, insert_answers, option_ids
    from huodong.surveys.models import Response
    from huodong.surveys.services import survey_tallies_rebuild

    rng = random.Random(seed + first)
    options = option_ids(q)
    start = dt.datetime(2018, 6, 1, 1, tzinfo=dt.UTC)
    answers = 0
    for low in range(first, last, BATCH):
        responses = Response.objects.bulk_create(
            Response(
                survey=survey,
                submitted_at=start + dt.timedelta(seconds=12 * number),
                address_hash="",
            )
            for number in range(low, min(last, low + BATCH))
        )
        answers += insert_answers([a for r in responses for a in answers_of(rng, r.pk, q, options)])
    survey_tallies_rebuild(survey_id=survey.pk)
    return answers


def settle() -> None:
    from bench.database import vacuum_analyze

    vacuum_analyze(TABLES)


# --- Measuring --------------------------------------------------------------------------------


def _page_row(
    client,
    label: str,
    url: str,
    *,
    timed,
    p,
    limit_ms: float | None = None,
    counts: QueryCounts | None = None,
    key: str = "",
    shown_target: str = "recorded",
    repeat: int = PAGE_RUNS,
) -> Figure:
    """The page's p50 and p95 and its SQL queries; `counts` compares them across sizes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = timed(lambda: client.get(url), repeat=repeat)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return page(
        label,
        samples,
        len(queries),
        p=p,
        limit_ms=limit_ms,
        queries_checked=counts is not None,
        queries_constant=counts.constant(key, len(queries)) if counts is not None else None,
        shown_target=None if counts is not None else shown_target,
    )


def _export_in_fresh_process(survey_id: int, extension: str) -> dict:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "bench.surveys", "export", str(survey_id), extension],
        cwd=root,
        env=dict(os.environ),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(*, timed, p) -> list[tuple[str, str, str]]:
    from django.test import Client
    from django.urls import reverse

    from huodong.orgs.models import User

    survey, q = build_survey()
    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    results_url = reverse("surveys:results", args=[survey.pk])
    rows: list[Figure] = []
    counts = QueryCounts()
    loaded = answers = 0
    for size in (RESPONSES // 10, RESPONSES):
        start = time.perf_counter()
        answers += grow(survey, q, first=loaded, last=size)
        loaded = size
        settle()
        seconds = time.perf_counter() - start
        rows.append(
            recorded(
                f"surveys: insert responses up to {size:,} ({answers:,} answers) and recount "
                "the tallies",
                round(seconds, 1),
                "s",
                f"{seconds:.1f} s",
                shown_target="setup",
            )
        )
        rows.append(
            _page_row(
                client,
                f"surveys: results page, 10 questions, {size:,} responses",
                results_url,
                timed=timed,
                p=p,
                limit_ms=300,
                counts=counts,
                key="results",
            )
        )
    full = f"{RESPONSES:,} responses"
    satisfied = q["satisfaction"].options.order_by("position")[1]
    rows.append(
        _page_row(
            client,
            f"surveys: results filtered by one option (“{satisfied.label}”, ~40%), {full}",
            f"{results_url}?filter={satisfied.pk}",
            timed=timed,
            p=p,
            shown_target="recorded (counts the answers)",
            repeat=COUNTING_RUNS,
        )
    )
    rows.append(
        _page_row(
            client,
            f"surveys: cross-tabulation single × multiple choice, {full}",
            reverse("surveys:results_crosstab", args=[survey.pk])
            + f"?rows={q['satisfaction'].pk}&cols={q['services'].pk}",
            timed=timed,
            p=p,
            shown_target="recorded (counts the answers)",
            repeat=COUNTING_RUNS,
        )
    )
    texts_url = reverse("surveys:results_texts", args=[survey.pk, q["advice"].pk])
    rows.append(
        _page_row(
            client,
            f"surveys: text answers, first page of ~{RESPONSES * 3 // 10:,}",
            texts_url,
            timed=timed,
            p=p,
        )
    )
    rows.append(
        _page_row(
            client,
            "surveys: text answers searched (“排队”)",
            f"{texts_url}?q=排队",
            timed=timed,
            p=p,
        )
    )
    for extension in ("csv", "xlsx"):
        figures = _export_in_fresh_process(survey.pk, extension)
        name = (
            f"surveys: export .{extension} of {figures['rows']:,} responses "
            "(a fresh process, streamed to the end)"
        )
        rows.append(
            below(
                name,
                round(figures["peak_mib"], 1),
                "MiB",
                EXPORT_PEAK_MIB,
                f"{figures['seconds']:.1f} s, {figures['bytes'] / 2**20:,.1f} MiB; peak memory "
                f"{figures['peak_mib']:,.0f} MiB (the process at start "
                f"{figures['start_mib']:,.0f} MiB)",
                target="peak < 300 MB",
                shown_target="time recorded; peak < 300 MB",
                parts=[
                    recorded(
                        f"{name}{PART}time",
                        round(figures["seconds"], 1),
                        "s",
                        f"{figures['seconds']:.1f} s",
                    ),
                    recorded(
                        f"{name}{PART}size",
                        round(figures["bytes"] / 2**20, 1),
                        "MiB",
                        f"{figures['bytes'] / 2**20:,.1f} MiB",
                    ),
                ],
            )
        )
    return rows


# --- One export in a fresh process ------------------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _peak_kib() -> int:
    found = _status_kib("VmHWM")
    if found is not None:
        return found
    # ru_maxrss: KiB on Linux (this process's own since its exec: it starts small).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def export_main(survey_id: int, extension: str) -> None:
    with contextlib.suppress(OSError):
        # Resets the high-water mark of this process's memory to what it holds now.
        Path("/proc/self/clear_refs").write_text("5")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huodong.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from huodong.orgs.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    url = reverse(f"surveys:export_{extension}", args=[survey_id])
    start_kib = _status_kib("VmRSS") or _peak_kib()
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = 0
    for piece in response.streaming_content:
        size += len(piece)
    response.close()
    seconds = time.perf_counter() - start
    from huodong.surveys.models import Response

    print(
        json.dumps(
            {
                "extension": extension,
                "rows": Response.objects.filter(survey_id=survey_id).count(),
                "bytes": size,
                "seconds": seconds,
                "peak_mib": _peak_kib() / 1024,
                "start_mib": start_kib / 1024,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["export"]:
        export_main(int(sys.argv[2]), sys.argv[3])
    else:
        from bench import run as bench_run

        bench_run.setup_django()
        print_figures(run(timed=bench_run.timed, p=bench_run.p))
