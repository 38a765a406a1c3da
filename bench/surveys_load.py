"""Public answers under load: a loopback load test against the app served by gunicorn (as
`make run` serves it), on the benchmark's database.

Each simulated visitor is a new device: it opens the public link (getting its device cookie and
CSRF token), then posts a complete answer. The figures are the throughput and the latency of the
posts; afterwards the database must hold exactly one response per accepted post, no more (no
duplicate) and no fewer (none lost), and the tallies must agree.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.figures import PART, Figure, recorded

CLIENTS = 16
ANSWERS_PER_CLIENT = 25
GUNICORN_WORKERS = 2
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _survey():
    from huodong.orgs.models import Office, Person, Role, RoleAssignment, Unit, User
    from huodong.surveys.models import QuestionKind
    from huodong.surveys.services import question_add, survey_create, survey_publish

    office = Office.objects.create(name="问卷压测办公室")
    unit = Unit.objects.create(office=office, name="办公室")
    user = User.objects.create_user("load-director", password="x")
    person = Person.objects.create(office=office, unit=unit, user=user, name="主任")
    RoleAssignment.objects.create(person=person, role=Role.OFFICE_DIRECTOR)
    survey = survey_create(actor=user, office=office, title="压测问卷")
    section = survey.sections.get()
    questions = [
        question_add(
            actor=user,
            section=section,
            kind=QuestionKind.SINGLE,
            text="业务类别",
            options=["甲", "乙", "丙"],
            required=True,
        ),
        question_add(actor=user, section=section, kind=QuestionKind.RATING, text="总体评价"),
        question_add(
            actor=user,
            section=section,
            kind=QuestionKind.MULTIPLE,
            text="改进方面",
            options=["效率", "态度", "环境", "网办"],
            max_choices=3,
        ),
        question_add(actor=user, section=section, kind=QuestionKind.LONG_TEXT, text="意见建议"),
    ]
    survey_publish(actor=user, survey=survey)
    return survey, questions


def _form(questions, number: int) -> dict[str, list[str]]:
    single, rating, multiple, text = questions
    single_options = [str(pk) for pk in single.options.values_list("pk", flat=True)]
    multiple_options = [str(pk) for pk in multiple.options.values_list("pk", flat=True)]
    return {
        f"q{single.pk}": [single_options[number % 3]],
        f"q{rating.pk}": [str(1 + number % 5)],
        f"q{multiple.pk}": multiple_options[: 1 + number % 3],
        f"q{text.pk}": [f"第{number}条意见：建议进一步简化办事流程。"],
    }


def _visit(base: str, path: str, form: dict[str, list[str]]) -> tuple[bool, float]:
    """One new device: open the page, post the answer. (accepted, seconds the post took)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + path, timeout=30).read().decode()
    token = _CSRF.search(page)
    data = [("csrfmiddlewaretoken", token.group(1) if token else "")]
    data += [(name, value) for name, values in form.items() for value in values]
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(base + path, data=body, headers={"Referer": base + path})
    start = time.perf_counter()
    try:
        with opener.open(request, timeout=30) as response:
            accepted = response.status == 200 and "/thanks/" in response.geturl()
    except urllib.error.HTTPError:
        accepted = False
    return accepted, time.perf_counter() - start


def run(*, timed, p) -> list[Figure]:
    from django.db import connections
    from django.urls import reverse

    from huodong.surveys.models import AnswerTally, Response

    survey, questions = _survey()
    forms = [_form(questions, n) for n in range(CLIENTS * ANSWERS_PER_CLIENT)]
    path = reverse("surveys_public:answer", kwargs={"key": survey.public_key})
    connections.close_all()
    port = _free_port()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "HUODONG_SURVEY_RATE_LIMIT": "1000000", "HUODONG_PLAIN_STATIC": "1"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "huodong.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + path, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda form: _visit(base, path, form), forms))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    accepted = sum(ok for ok, _seconds in results)
    latencies = sorted(seconds * 1000 for _ok, seconds in results)
    stored = Response.objects.filter(survey=survey).count()
    devices = Response.objects.filter(survey=survey).values("device_hash").distinct().count()
    answered = AnswerTally.objects.get(question=questions[0], key="n").count
    survey.refresh_from_db()
    intact = stored == accepted == devices == answered == survey.response_count
    load = (
        f"questionnaire: public answers under load, {CLIENTS} clients × "
        f"{ANSWERS_PER_CLIENT} new devices, gunicorn {GUNICORN_WORKERS} workers (loopback)"
    )
    rate, median, p99 = accepted / elapsed, statistics.median(latencies), p(latencies, 0.99)
    # Lost (accepted, not stored) plus duplicated (stored beyond what was accepted): both 0.
    wrong = abs(accepted - stored) + (stored - devices) + abs(answered - stored)
    wrong += abs(survey.response_count - stored)
    return [
        recorded(
            load,
            round(rate, 1),
            "answers/s",
            f"{rate:.0f} answers/s; post p50 {median:.0f} ms, "
            f"p99 {p99:.0f} ms; {accepted}/{len(forms)} accepted",
            parts=[
                recorded(f"{load}{PART}post p50", round(median, 1), "ms", f"{median:.0f} ms"),
                recorded(f"{load}{PART}post p99", round(p99, 1), "ms", f"{p99:.0f} ms"),
                recorded(f"{load}{PART}refused", len(forms) - accepted, "posts", ""),
            ],
        ),
        Figure(
            "questionnaire: answers stored after the load test (lost / duplicated)",
            wrong,
            "responses lost or duplicated",
            "0",
            intact,
            f"{stored} stored for {accepted} accepted, {devices} devices, tallies {answered}: "
            + ("none lost, none duplicated" if intact else "MISMATCH"),
            shown_target="none",
        ),
    ]
