"""The deadline rush: many staff log in and write at once, against the production server.

What it measures, on loopback only, for each server (gunicorn with `--workers` sync workers;
granian in WSGI mode with the same workers and one blocking thread each), on a free port:

- **Setup (untimed).** A throw-away office gets the seed plan's campaign and `--users` staff with
  logins (one PBKDF2 hash, the production hasher, shared by all). Every user logs in like a
  browser: GET the login page for its CSRF cookie, POST the credentials.
- **The concurrency.** `--concurrency` clients (threads) send requests back to back, each for
  its share of the users in turn. By default it is `--per-worker` (2) × the server's workers:
  every worker busy with a request queued behind it, the most this machine sustains without
  requests waiting for a worker longer than the work takes. (All `--users` still log in and
  write: a client takes its users in turn.)
- **Study only, bare inserts, signed-in bare inserts** (`--fast-seconds` each, the same
  concurrency): the study record POST (/participation/c/<id>/study/log/, the "log a study"
  form) alone; the bare insert endpoint (`huodong.core.bench_endpoint`: one row per POST, 204,
  no session, form or audit); the same insert behind a login (the session and the user read,
  the floor of any signed-in page). The ratio study/bare says what share of a bare committed
  write the real write page reaches through the same server, middleware and database; the
  signed-in ratio how much of the gap the login alone takes.
- **The mixed rush** (`--seconds`, the same concurrency): each client loops log a study record,
  save a new reflection of about 3,000 characters as a draft, save it again with action=submit
  (which also queues its originality check). Its throughput, p50 and p99 are the rush's figures.
- **The count check.** Every write carries a unique material or title, so afterwards every
  accepted submission (a redirect, and for the reflection a success message) must be in the
  database exactly once, and nothing stored that no client saw accepted; the bare inserts too.
- **Scale-out** (PostgreSQL only; `--scale-out`): two separate app server processes (the
  servers' `--workers` split between them, on two ports) and two `huodong db_worker`
  processes. Every user logs in on one server and then alternates between the two, so each of
  its requests is answered by the other process than the last (sessions, CSRF and messages
  must hold across servers). The mixed rush runs for `--scale-seconds`; afterwards the workers
  drain the queue, and every originality check that the submissions queued must have run to
  success exactly once (one task result per document, one worker id on it, one report). The
  checks the single-server rushes queued (no worker ran then) are dropped before it starts.
- **Texts.** Each reflection is an independent essay from `bench/originality.py`'s generator,
  so the originality checks see ordinary texts, not copies of one another.

Standalone: `.venv/bin/python bench/rush.py [--seconds 60] [--fast-seconds 8] [--users 32]
[--workers 4] [--per-worker 2 | --concurrency N] [--servers gunicorn,granian] [--databases
sqlite,postgresql] [--no-scale-out]` runs each database in a child process (a temporary SQLite
file; a fresh PostgreSQL database made with createdb and dropped after, when `pg_isready -h
127.0.0.1` answers) and prints the figures. From `bench/run.py`, `run(timed=..., p=...)` runs on
the suite's database with HUODONG_BENCH_RUSH_SECONDS / _FAST_SECONDS / _USERS / _WORKERS /
_PER_WORKER / _CONCURRENCY / _SERVERS / _SCALE_OUT / _SCALE_SECONDS and returns Figures. The
client runs on this same machine (threads in one process), so it takes CPU from the servers:
the figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import PART, Figure, at_least, below, print_figures, recorded  # noqa: E402

PASSWORD = "Rush-pass-2018"
TODAY = "2018-06-20"  # bench/run.py pins today; the seed plan runs May–December 2018
SERVERS = ("gunicorn", "granian")
P99_LIMIT_MS = 1000
RATIO_TARGET = 0.5
DRAIN_TIMEOUT = 180.0  # seconds the task workers get to finish the queue after a scale-out rush
CHECK_TASK = "huodong.originality.tasks.check_document"
_REFLECTION_ID = re.compile(r"/participation/reflections/(\d+)/")


@dataclass
class Config:
    seconds: float = 60.0  # the mixed rush
    fast_seconds: float = 8.0  # study only; bare inserts; signed-in bare inserts
    users: int = 32
    workers: int = 4
    per_worker: int = 2
    concurrency: int | None = None  # None: per_worker × workers
    servers: tuple[str, ...] = SERVERS
    scale_out: bool = True
    scale_seconds: float = 30.0

    @property
    def clients(self) -> int:
        return max(1, min(self.users, self.concurrency or self.per_worker * self.workers))


# --- Data -----------------------------------------------------------------------------------


def build(users: int):
    """A throw-away office, the seed plan's campaign and `users` staff with logins."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from huodong.campaigns.plan_import import parse_plan
    from huodong.campaigns.services import campaign_create_from_plan
    from huodong.orgs.models import Office, Person, Unit, UnitKind, User

    office = Office.objects.create(name=f"冲刺压测办公室-{uuid.uuid4().hex[:6]}")
    data = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.docx").read_bytes()
    campaign = campaign_create_from_plan(actor=None, office=office, plan=parse_plan(data, "p"))
    unit = Unit.objects.create(
        office=office, name="压测窗口", kind=UnitKind.WINDOW, sort_order=99_999
    )
    # The production hasher (bench/run.py switches this process to a fast one).
    hasher = PBKDF2PasswordHasher()
    hashed = hasher.encode(PASSWORD, hasher.salt())
    tag = uuid.uuid4().hex[:6]
    names = [f"rush-{tag}-{n:05d}" for n in range(users)]
    made = User.objects.bulk_create(User(username=name, password=hashed) for name in names)
    Person.objects.bulk_create(
        Person(office=office, unit=unit, user=user, name=f"压测{n}", sort_order=n + 1)
        for n, user in enumerate(made)
    )
    return campaign, names


class Essays:
    """Independent essays of about 3,000 characters (`bench/originality.py`'s generator), one
    per reflection: the originality checks the submissions queue see ordinary texts, not
    copies of one another."""

    def __init__(self, count: int = 2_000):
        from bench.originality import generate_texts

        self.texts = generate_texts(count, seed=random.randrange(2**32))
        self.next = 0
        self.lock = threading.Lock()

    def body(self, mark: str) -> str:
        with self.lock:
            text = self.texts[self.next % len(self.texts)]
            self.next += 1
        return f"{mark}：{text}"


# --- The client -----------------------------------------------------------------------------


@dataclass
class Tally:
    """What the simulated users saw in one phase."""

    latencies: list[float] = field(default_factory=list)  # seconds, every request
    by_action: dict[str, list[float]] = field(default_factory=dict)  # the same, per action
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    studies: set[str] = field(default_factory=set)  # accepted materials
    drafts: set[str] = field(default_factory=set)  # accepted reflection titles
    submitted: set[str] = field(default_factory=set)  # titles accepted as submitted
    bare: int = 0  # accepted bare inserts
    seconds: float = 0.0  # the phase's length, until its last request answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(what)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


# Requests sent again on a new connection after the server had closed the kept-alive one.
RESENT = [0]
_RESENT_LOCK = threading.Lock()


class Browser:
    """One user's browser: its cookies and a connection to each app server. With two servers
    its requests alternate between them."""

    def __init__(self, ports: list[int], username: str):
        self.ports, self.username = ports, username
        self.cookies: dict[str, str] = {}
        self.conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for port in ports]
        self.turn = 0
        self.servers_used: set[int] = set()

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        index = self.turn % len(self.conns)
        self.turn += 1
        conn, port = self.conns[index], self.ports[index]
        headers = {"Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            reused = conn.sock is not None
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                conn.close()
                # The server closed a kept-alive connection as the request went out (granian
                # does between requests): the request never arrived, and a browser sends it
                # again on a new connection. The count check would see it stored twice.
                if attempt == 2 or not reused:
                    raise
                with _RESENT_LOCK:
                    RESENT[0] += 1
            except Exception:
                conn.close()
                raise
        self.servers_used.add(port)
        for header in response.headers.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            name, _eq, value = pair.partition("=")
            if value in ('""', "") or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response

    def post(self, path: str, form: dict[str, str]):
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf(), **form})

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def drop_messages(self) -> None:
        """Forget the flash messages (the page the browser would follow to shows them)."""
        self.cookies.pop("messages", None)

    def take_messages(self) -> list[int]:
        """The levels of the flash messages the last responses left, then drops them."""
        from django.contrib.messages.storage.cookie import CookieStorage, MessageSerializer
        from django.core import signing

        value = self.cookies.pop("messages", None)
        if not value:
            return []
        signer = signing.get_cookie_signer(salt=CookieStorage.key_salt)
        data = urllib.parse.unquote(value.strip('"'))
        messages = signer.unsign_object(data, serializer=MessageSerializer) or []  # type: ignore[arg-type]
        return [m.level for m in messages]

    def login(self) -> bool:
        # Both requests to one server (the login page and its POST), like a browser would;
        # with two servers the next request goes to the other one.
        turn = self.turn
        self.request("GET", "/login/")
        self.turn = turn
        response = self.post("/login/", {"username": self.username, "password": PASSWORD})
        return response.status == 302 and "sessionid" in self.cookies


def _timed(tally: Tally, browser: Browser, action: str, path: str, form: dict[str, str]):
    """POST `form` to `path`, timed under `action`; None when the request failed."""
    start = time.perf_counter()
    try:
        response = browser.post(path, form)
    except Exception as exc:  # every failure counts as an error
        tally.error(f"{path}: {type(exc).__name__}: {exc}")
        return None
    finally:
        elapsed = time.perf_counter() - start
        with tally.lock:
            tally.latencies.append(elapsed)
            tally.by_action.setdefault(action, []).append(elapsed)
    if response.status >= 400:
        tally.error(f"{path}: HTTP {response.status}")
    return response


def _study(t: Tally, browser: Browser, campaign_id: int, mark: str) -> None:
    response = _timed(
        t,
        browser,
        "study",
        f"/participation/c/{campaign_id}/study/log/",
        {"kind": "self", "date": TODAY, "material": mark, "duration_minutes": "30"},
    )
    browser.drop_messages()
    if response is None:
        return
    location = response.getheader("Location", "")
    if response.status == 302 and "/study/" in location:
        with t.lock:
            t.studies.add(mark)
    elif response.status < 400:
        t.error(f"study refused: HTTP {response.status} {location}")


def _reflect(t: Tally, browser: Browser, campaign_id: int, mark: str, body: str) -> None:
    from django.contrib.messages import constants

    response = _timed(
        t,
        browser,
        "draft",
        f"/participation/c/{campaign_id}/reflections/new/",
        {"title": mark, "body": body, "action": "save"},
    )
    browser.drop_messages()
    found = _REFLECTION_ID.search(response.getheader("Location", "")) if response else None
    if response is None:
        return
    if response.status != 302 or not found:
        if response.status < 400:
            t.error(f"draft refused: HTTP {response.status}")
        return
    with t.lock:
        t.drafts.add(mark)
    response = _timed(
        t,
        browser,
        "submit",
        f"/participation/reflections/{found.group(1)}/",
        {"title": mark, "body": body + "（定稿）", "version": "1", "action": "submit"},
    )
    levels = browser.take_messages()
    if response is None:
        return
    if response.status == 302 and levels and levels[-1] == constants.SUCCESS:
        with t.lock:
            t.submitted.add(mark)
    elif response.status < 400:
        t.error(f"submit refused: HTTP {response.status}, messages {levels}")


def _bare(t: Tally, browser: Browser, signed_in: bool = False) -> None:
    path = "/bench/insert-signed-in/" if signed_in else "/bench/insert/"
    response = _timed(t, browser, "signed" if signed_in else "bare", path, {})
    if response is not None and response.status == 204:
        with t.lock:
            t.bare += 1


def _phase(
    kind: str,
    browsers: list[Browser],
    clients: int,
    seconds: float,
    campaign_id: int,
    prefix: str,
    essays: Essays | None = None,
) -> Tally:
    """`clients` threads send `kind` requests back to back for `seconds`, each for its share of
    the browsers in turn ("warm": one study record and one bare insert each, untimed)."""
    tally = Tally()
    until = time.perf_counter() + seconds

    def client(number: int) -> None:
        mine = browsers[number::clients]
        n = 0
        while True:
            browser = mine[n % len(mine)]
            n += 1
            mark = f"{prefix}-{kind[0]}{number}-{n}"
            if kind == "warm":
                _study(tally, browser, campaign_id, mark)
                _bare(tally, browser)
                return
            if time.perf_counter() >= until:
                return
            if kind == "study":
                _study(tally, browser, campaign_id, mark)
            elif kind == "bare":
                _bare(tally, browser)
            elif kind == "signed":
                _bare(tally, browser, signed_in=True)
            else:
                _study(tally, browser, campaign_id, mark)
                if essays is not None and time.perf_counter() < until:
                    _reflect(tally, browser, campaign_id, mark, essays.body(mark))

    start = time.perf_counter()
    _run_clients(client, clients)
    tally.seconds = time.perf_counter() - start
    return tally


def _login_all(browsers: list[Browser], clients: int) -> tuple[int, float]:
    start = time.perf_counter()
    done: list[bool] = []

    def client(number: int) -> None:
        for browser in browsers[number::clients]:
            try:
                ok = browser.login()
            except Exception:
                ok = False
            with lock:
                done.append(ok)

    lock = threading.Lock()
    _run_clients(client, clients)
    return sum(done), time.perf_counter() - start


def _run_clients(client, clients: int) -> None:
    """`client(0)` … `client(clients - 1)` at once, each in its own thread, to the end."""
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- The processes --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command(server: str, port: int, workers: int) -> list[str]:
    if server == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "huodong.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ]
    if server == "granian":
        return [
            str(Path(sys.executable).with_name("granian")),
            "--interface",
            "wsgi",
            "huodong.config.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            "1",
            "--log-level",
            "warning",
        ]
    raise ValueError(f"unknown server {server!r}")


def available(server: str) -> bool:
    if server == "granian":
        return Path(sys.executable).with_name("granian").exists()
    return shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is not None


def _env() -> dict[str, str]:
    env = {**os.environ, "HUODONG_BENCH_ENDPOINTS": "1", "HUODONG_PLAIN_STATIC": "1"}
    # No page is followed, so no static file is served; an empty folder keeps whitenoise quiet.
    env.setdefault("HUODONG_STATIC_ROOT", tempfile.mkdtemp())
    return env


def _start(server: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(_command(server, port, workers), cwd=ROOT, env=_env())
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    _stop(process)
    raise RuntimeError(f"{server} did not start")


def _start_task_worker(name: str) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("huodong")),
        "db_worker",
        "--interval",
        "0.2",
        "--no-startup-delay",
        "--worker-id",
        name,
        "--verbosity",
        "0",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=_env())


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- The checks -----------------------------------------------------------------------------


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _stored(campaign, prefix: str) -> dict[str, dict[str, int]]:
    """What the database holds of this run: per kind, how many rows each mark has."""
    from django.db.models import Count

    from huodong.participation.models import Reflection, ReflectionStatus, StudyRecord

    def counted(queryset, key):
        return dict(
            queryset.filter(**{f"{key}__startswith": prefix + "-"})
            .values_list(key)
            .annotate(n=Count("id"))
            .values_list(key, "n")
        )

    return {
        "studies": counted(StudyRecord.objects.filter(campaign=campaign), "material"),
        "drafts": counted(Reflection.objects.filter(campaign=campaign), "title"),
        "submitted": counted(
            Reflection.objects.filter(campaign=campaign, status=ReflectionStatus.SUBMITTED),
            "title",
        ),
    }


def _check(accepted: set[str], stored: dict[str, int]) -> dict:
    return {
        "accepted": len(accepted),
        "stored": sum(stored.values()),
        "lost": len(accepted - stored.keys()),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "unacknowledged": len(stored.keys() - accepted),
    }


def _count_check(campaign, prefix: str, tallies: list[Tally]) -> dict:
    stored = _stored(campaign, prefix)
    return {
        kind: _check(set().union(*(getattr(t, kind) for t in tallies)), stored[kind])
        for kind in ("studies", "drafts", "submitted")
    }


def _phase_figures(t: Tally) -> dict:
    return {
        "requests": len(t.latencies),
        "seconds": round(t.seconds, 1),
        "throughput": round(t.throughput, 1),
        "p50_ms": round(_p(t.latencies, 0.5) * 1000, 1),
        "p99_ms": round(_p(t.latencies, 0.99) * 1000, 1),
        "errors": t.errors,
        "error_samples": t.error_samples,
        "actions": {
            action: {
                "n": len(samples),
                "p50_ms": round(_p(samples, 0.5) * 1000, 1),
                "p99_ms": round(_p(samples, 0.99) * 1000, 1),
            }
            for action, samples in t.by_action.items()
        },
    }


# --- One server on this database ------------------------------------------------------------


def rush(server: str, *, campaign, usernames: list[str], config: Config) -> dict:
    """One server against the current database: the figures as a dict."""
    from django.db import connections

    from huodong.core.models import BenchPing

    prefix = f"{server}-{uuid.uuid4().hex[:6]}"
    clients = config.clients
    connections.close_all()
    pings_before = BenchPing.objects.count()
    connections.close_all()
    process, port = _start(server, config.workers)
    resent_before = RESENT[0]
    try:
        browsers = [Browser([port], name) for name in usernames]
        logged, login_seconds = _login_all(browsers, clients)
        warm = _phase("warm", browsers, clients, 0, campaign.pk, prefix)
        study = _phase("study", browsers, clients, config.fast_seconds, campaign.pk, prefix)
        bare = _phase("bare", browsers, clients, config.fast_seconds, campaign.pk, prefix)
        signed = _phase("signed", browsers, clients, config.fast_seconds, campaign.pk, prefix)
        essays = Essays()
        mixed = _phase("mixed", browsers, clients, config.seconds, campaign.pk, prefix, essays)
    finally:
        _stop(process)
    phases = (warm, study, bare, signed, mixed)
    return {
        "server": server,
        "workers": config.workers,
        "users": len(usernames),
        "clients": clients,
        "logins": {"ok": logged, "of": len(usernames), "seconds": round(login_seconds, 1)},
        "study": _phase_figures(study),
        "bare": _phase_figures(bare),
        "signed": _phase_figures(signed),
        "mixed": _phase_figures(mixed),
        "warm_errors": warm.errors,
        "resent": RESENT[0] - resent_before,
        "checks": _count_check(campaign, prefix, list(phases)),
        "bare_check": {
            "accepted": sum(t.bare for t in phases),
            "stored": BenchPing.objects.count() - pings_before,
        },
    }


def _drain(since, timeout: float) -> float:
    """Wait until no check task queued since `since` is waiting or running; the seconds it
    took (the timeout if the queue did not drain)."""
    from django.db import connections
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        pending = DBTaskResult.objects.filter(
            task_path=CHECK_TASK,
            enqueued_at__gte=since,
            status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        ).exists()
        connections.close_all()
        if not pending:
            break
        time.sleep(0.5)
    return time.perf_counter() - start


def _task_check(campaign, prefix: str, since) -> dict:
    """Every submitted reflection's originality check: queued once, run once, to success."""
    from collections import Counter

    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from huodong.originality.models import OriginalityDocument, OriginalityReport

    documents = set(
        OriginalityDocument.objects.filter(
            reflection__campaign=campaign, reflection__title__startswith=prefix + "-"
        ).values_list("pk", flat=True)
    )
    results = [
        r
        for r in DBTaskResult.objects.filter(task_path=CHECK_TASK, enqueued_at__gte=since)
        if r.args_kwargs["args"] and r.args_kwargs["args"][0] in documents
    ]
    per_document = Counter(r.args_kwargs["args"][0] for r in results)
    finished = [r for r in results if r.status == TaskResultStatus.SUCCESSFUL]
    by_worker = Counter(worker for r in results for worker in r.worker_ids)
    reports = OriginalityReport.objects.filter(document_id__in=documents).count()
    return {
        "documents": len(documents),
        "enqueued": len(results),
        "finished": len(finished),
        "failed": sum(1 for r in results if r.status == TaskResultStatus.FAILED),
        "unfinished": sum(
            1 for r in results if r.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)
        ),
        # A document without a successful check; a check queued or run more than once.
        "lost": len(documents - {r.args_kwargs["args"][0] for r in finished}),
        "twice": sum(n - 1 for n in per_document.values() if n > 1)
        + sum(1 for r in results if len(r.worker_ids) > 1),
        "reports": reports,
        "by_worker": dict(sorted(by_worker.items())),
    }


def scale_out(server: str, *, campaign, usernames: list[str], config: Config, queued_since) -> dict:
    """Two app server processes and two task workers against this (PostgreSQL) database.

    The checks the single-server rushes queued (no worker ran then) are dropped first, so the
    workers' queue is this rush's alone.
    """
    from django.db import connections
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=CHECK_TASK, status=TaskResultStatus.READY, enqueued_at__gte=queued_since
    ).delete()

    prefix = f"scale-{server}-{uuid.uuid4().hex[:6]}"
    clients = config.clients
    per_server = max(1, config.workers // 2)
    since = timezone.now()
    connections.close_all()
    processes: list[subprocess.Popen] = []
    task_workers: list[subprocess.Popen] = []
    try:
        ports = []
        for _ in range(2):
            process, port = _start(server, per_server)
            processes.append(process)
            ports.append(port)
        task_workers = [_start_task_worker(f"rush-worker-{n}") for n in (1, 2)]
        # Half the users log in on each server; every later request alternates.
        browsers = [
            Browser(ports if n % 2 == 0 else ports[::-1], name) for n, name in enumerate(usernames)
        ]
        logged, login_seconds = _login_all(browsers, clients)
        essays = Essays()
        mixed = _phase(
            "mixed", browsers, clients, config.scale_seconds, campaign.pk, prefix, essays
        )
    finally:
        for process in processes:
            _stop(process)
    try:
        drain_seconds = _drain(since, DRAIN_TIMEOUT)
    finally:
        for worker in task_workers:
            _stop(worker)
    return {
        "server": server,
        "servers": 2,
        "workers_per_server": per_server,
        "task_workers": 2,
        "users": len(usernames),
        "clients": clients,
        "logins": {"ok": logged, "of": len(usernames), "seconds": round(login_seconds, 1)},
        "both_servers": sum(1 for b in browsers if len(b.servers_used) == 2),
        "mixed": _phase_figures(mixed),
        "checks": _count_check(campaign, prefix, [mixed]),
        "tasks": _task_check(campaign, prefix, since),
        "drain_seconds": round(drain_seconds, 1),
    }


def measure(config: Config) -> dict:
    """Every available server, then (on PostgreSQL) the scale-out, on the current database."""
    from django.db import connection
    from django.utils import timezone

    started = timezone.now()
    campaign, usernames = build(config.users)
    results = [
        rush(server, campaign=campaign, usernames=usernames, config=config)
        for server in config.servers
        if available(server)
    ]
    scaled = None
    if config.scale_out and connection.vendor == "postgresql" and results:
        scaled = scale_out(
            faster(results) or results[0]["server"],
            campaign=campaign,
            usernames=usernames,
            config=config,
            queued_since=started,
        )
    return {"database": connection.vendor, "servers": results, "scale_out": scaled}


def faster(results: list[dict]) -> str | None:
    """The server with the higher mixed-rush throughput."""
    if not results:
        return None
    return max(results, key=lambda r: r["mixed"]["throughput"])["server"]


# --- Figures --------------------------------------------------------------------------------


def _lost_duplicated(checks: dict) -> tuple[int, int]:
    values = checks.values()
    return sum(c["lost"] + c["unacknowledged"] for c in values), sum(
        c["duplicated"] for c in values
    )


def _count_text(checks: dict) -> str:
    lost, duplicated = _lost_duplicated(checks)
    return (
        " / ".join(f"{c['accepted']}→{c['stored']}" for c in checks.values())
        + f" (studies / drafts / submitted); lost {lost}, duplicated {duplicated}"
    )


def _mixed_text(m: dict) -> str:
    return (
        f"{m['throughput']:.0f} req/s over {m['seconds']:.0f} s ({m['requests']} requests); "
        f"p50 {m['p50_ms']:.0f} ms, p99 {m['p99_ms']:.0f} ms"
    )


def _error_samples(result: dict) -> str:
    """The first errors of each phase, so that a report with errors says what they were."""
    samples = [
        sample
        for phase in ("study", "bare", "signed", "mixed")
        for sample in result.get(phase, {}).get("error_samples", [])
    ]
    return f"; first: {' / '.join(samples[:3])}" if samples else ""


def server_figures(result: dict) -> list[Figure]:
    name = (
        f"deadline rush, {result['server']} {result['workers']} workers, "
        f"{result['clients']} at once of {result['users']} users (loopback)"
    )
    m, study, bare, signed = result["mixed"], result["study"], result["bare"], result["signed"]
    checks = result["checks"]
    lost, duplicated = _lost_duplicated(checks)
    bare_check = result["bare_check"]
    bare_off = abs(bare_check["accepted"] - bare_check["stored"])
    errors = m["errors"] + study["errors"] + bare["errors"] + signed["errors"]
    errors += result["warm_errors"]
    errors += result["logins"]["of"] - result["logins"]["ok"]
    ratio = study["throughput"] / bare["throughput"] if bare["throughput"] else 0.0
    signed_ratio = signed["throughput"] / bare["throughput"] if bare["throughput"] else 0.0
    return [
        below(
            f"{name}: mixed writes p99",
            m["p99_ms"],
            "ms",
            P99_LIMIT_MS,
            _mixed_text(m),
            parts=[
                recorded(f"{name}: mixed writes p99{PART}throughput", m["throughput"], "req/s", ""),
                recorded(f"{name}: mixed writes p99{PART}p50", m["p50_ms"], "ms", ""),
            ],
        ),
        below(
            f"{name}: errors",
            errors,
            "errors",
            1,
            f"{errors} (logins {result['logins']['ok']}/{result['logins']['of']})"
            + (
                f"; {result['resent']} sent again on a new connection, as a browser does, "
                "after the server closed the kept-alive one"
                if result.get("resent")
                else ""
            )
            + _error_samples(result),
            target="0",
        ),
        below(
            f"{name}: accepted vs stored once",
            lost + duplicated + bare_off,
            "rows",
            1,
            _count_text(checks) + f"; bare {bare_check['accepted']}→{bare_check['stored']}",
            target="0 lost, 0 duplicated",
        ),
        at_least(
            f"{name}: study record POST / bare insert throughput",
            round(ratio, 2),
            "ratio",
            RATIO_TARGET,
            f"{ratio:.2f} ({study['throughput']:.0f} / {bare['throughput']:.0f} req/s; "
            f"p99 {study['p99_ms']:.0f} / {bare['p99_ms']:.0f} ms); the bare insert behind a "
            f"login: {signed['throughput']:.0f} req/s, {signed_ratio:.2f} of bare",
            target=f">= {RATIO_TARGET:g}",
        ),
        recorded(
            f"{name}: signed-in bare insert / bare insert throughput",
            round(signed_ratio, 2),
            "ratio",
            f"{signed_ratio:.2f} ({signed['throughput']:.0f} / {bare['throughput']:.0f} req/s): "
            "the floor of any signed-in write (session and user read)",
            shown_target="for comparison",
        ),
    ]


def scale_figures(result: dict) -> list[Figure]:
    name = (
        f"deadline rush scale-out, 2 {result['server']} servers × {result['workers_per_server']} "
        f"workers + 2 task workers, {result['clients']} at once of {result['users']} users"
    )
    m, checks, tasks = result["mixed"], result["checks"], result["tasks"]
    lost, duplicated = _lost_duplicated(checks)
    errors = m["errors"] + result["logins"]["of"] - result["logins"]["ok"]
    task_faults = tasks["lost"] + tasks["twice"] + abs(tasks["reports"] - tasks["documents"])
    workers = ", ".join(f"{n}" for n in tasks["by_worker"].values()) or "none"
    return [
        below(
            f"{name}: mixed writes p99",
            m["p99_ms"],
            "ms",
            P99_LIMIT_MS,
            _mixed_text(m) + f"; {result['both_servers']} users answered by both servers",
            parts=[
                recorded(f"{name}: mixed writes p99{PART}throughput", m["throughput"], "req/s", ""),
            ],
        ),
        below(f"{name}: errors", errors, "errors", 1, str(errors), target="0"),
        below(
            f"{name}: accepted vs stored once",
            lost + duplicated,
            "rows",
            1,
            _count_text(checks),
            target="0 lost, 0 duplicated",
        ),
        below(
            f"{name}: originality checks run once",
            task_faults,
            "tasks",
            1,
            f"{tasks['documents']} submitted → {tasks['enqueued']} queued, {tasks['finished']} "
            f"finished ({workers} by the two workers), {tasks['reports']} reports; lost "
            f"{tasks['lost']}, twice {tasks['twice']}; queue drained "
            f"{result['drain_seconds']:.0f} s after the rush",
            target="0 lost, 0 twice",
        ),
    ]


def figures(measured: dict) -> list[Figure]:
    found = [f for result in measured["servers"] for f in server_figures(result)]
    if len(measured["servers"]) > 1:
        ranked = sorted(measured["servers"], key=lambda r: -r["mixed"]["throughput"])
        found.append(
            recorded(
                "deadline rush: the faster server (mixed writes, same workers and users)",
                ranked[0]["mixed"]["throughput"],
                "req/s",
                " vs ".join(f"{r['server']} {r['mixed']['throughput']:.0f} req/s" for r in ranked),
            )
        )
    if measured["scale_out"]:
        found += scale_figures(measured["scale_out"])
    return found


def _settings() -> Config:
    env = os.environ.get
    concurrency = env("HUODONG_BENCH_RUSH_CONCURRENCY")
    return Config(
        seconds=float(env("HUODONG_BENCH_RUSH_SECONDS", "60")),
        fast_seconds=float(env("HUODONG_BENCH_RUSH_FAST_SECONDS", "8")),
        users=int(env("HUODONG_BENCH_RUSH_USERS", "32")),
        workers=int(env("HUODONG_BENCH_RUSH_WORKERS", "4")),
        per_worker=int(env("HUODONG_BENCH_RUSH_PER_WORKER", "2")),
        concurrency=int(concurrency) if concurrency else None,
        servers=tuple(env("HUODONG_BENCH_RUSH_SERVERS", ",".join(SERVERS)).split(",")),
        scale_out=env("HUODONG_BENCH_RUSH_SCALE_OUT", "1") not in ("0", ""),
        scale_seconds=float(env("HUODONG_BENCH_RUSH_SCALE_SECONDS", "30")),
    )


def run(*, timed, p) -> list[Figure]:
    """For bench/run.py: every server (and on PostgreSQL the scale-out) on the suite's
    database."""
    return figures(measure(_settings()))


# --- Standalone -----------------------------------------------------------------------------


def _table(collected: list[dict]) -> str:
    head = (
        f"{'database':<11}{'server':<10}{'phase':<7}{'req':>7}{'req/s':>8}{'p50 ms':>8}"
        f"{'p99 ms':>8}{'err':>5}"
    )
    lines = [head, "-" * len(head)]
    for measured in collected:
        rows = [(r["server"], r) for r in measured["servers"]]
        if measured["scale_out"]:
            rows.append((f"2×{measured['scale_out']['server'][:4]}", measured["scale_out"]))
        for server, r in rows:
            for phase in ("study", "bare", "signed", "mixed"):
                if phase not in r:
                    continue
                f = r[phase]
                lines.append(
                    f"{measured['database']:<11}{server:<10}{phase:<7}{f['requests']:>7}"
                    f"{f['throughput']:>8.0f}{f['p50_ms']:>8.0f}{f['p99_ms']:>8.0f}"
                    f"{f['errors']:>5}"
                )
    return "\n".join(lines)


def _child(config: Config) -> int:
    from bench.run import setup_django

    setup_django()
    print("RUSH-RESULTS " + json.dumps(measure(config)), flush=True)
    return 0


def _pg_ready() -> bool:
    try:
        return (
            subprocess.run(
                ["pg_isready", "-h", "127.0.0.1"], capture_output=True, timeout=10
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="the mixed rush")
    parser.add_argument("--fast-seconds", type=float, default=8, help="each short phase")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--per-worker", type=int, default=2, help="clients per server worker")
    parser.add_argument("--concurrency", type=int, default=None, help="clients (overrides)")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale-out", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--scale-seconds", type=float, default=30)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        config = Config(**json.loads(args.child))
        config.servers = tuple(config.servers)
        return _child(config)
    config = Config(
        seconds=args.seconds,
        fast_seconds=args.fast_seconds,
        users=args.users,
        workers=args.workers,
        per_worker=args.per_worker,
        concurrency=args.concurrency,
        servers=tuple(args.servers.split(",")),
        scale_out=args.scale_out,
        scale_seconds=args.scale_seconds,
    )
    collected: list[dict] = []
    for database in args.databases.split(","):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        name = None
        if database == "postgresql":
            if not _pg_ready():
                print("PostgreSQL: pg_isready does not answer; skipped", file=sys.stderr)
                continue
            name = f"huodong_rush_{uuid.uuid4().hex[:8]}"
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1/{name}"
        else:
            env["HUODONG_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "rush.sqlite3")
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", json.dumps(asdict(config))],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
        finally:
            if name:
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", name], check=False)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RUSH-RESULTS ")), None)
        if done.returncode or line is None:
            print(f"{database}: the run failed (exit {done.returncode})", file=sys.stderr)
            continue
        collected.append(json.loads(line.split(" ", 1)[1]))
    print(_table(collected))
    for measured in collected:
        print(f"== {measured['database']}")
        for result in [*measured["servers"], *filter(None, [measured["scale_out"]])]:
            samples = [
                e
                for k in ("study", "bare", "signed", "mixed")
                for e in result.get(k, {}).get("error_samples", [])
            ]
            if samples:
                print(f"  {result['server']} errors: {samples}")
            for action, f in result["mixed"]["actions"].items():
                print(
                    f"  {result['server']:<9} {action:<7} {f['n']:>6} requests, "
                    f"p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms"
                )
        print_figures(figures(measured))
    if args.json:
        args.json.write_text(json.dumps(collected, indent=1))
    return 0 if collected else 1


if __name__ == "__main__":
    sys.exit(main())
