"""The deadline rush: many staff log in and write at once, against the production server.

On loopback only. A throw-away office gets the seed plan's campaign and `--users` staff with
logins (one PBKDF2 hash, the production hasher, shared by all: the logins cost what they cost
in production, outside the timed window). For each server (gunicorn with `--workers` sync
workers; granian in WSGI mode with the same workers and one blocking thread each) on a free
port, every simulated user logs in (GET the login page for its CSRF cookie, POST the
credentials), then for `--seconds` loops: log a study record (the "log a study" form), save a
new reflection of about 3,000 characters as a draft, and save it again with action=submit. Each
carries a unique material or title, so afterwards every accepted submission (a redirect, and
for the reflection a success message) must be in the database exactly once: the count check.
Then the same users hit the bare insert endpoint (`huodong.core.bench_endpoint`, one row per
POST, 204) for `--bare-seconds` at the same concurrency, and the ratio write/bare is reported.

Standalone: `.venv/bin/python bench/rush.py [--seconds 60] [--users 32] [--servers
gunicorn,granian] [--workers 4] [--databases sqlite,postgresql]` runs each database in a child
process (a temporary SQLite file; a fresh PostgreSQL database made with createdb and dropped
after, when `pg_isready -h 127.0.0.1` answers) and prints a table. From `bench/run.py`,
`run(timed=..., p=...)` runs on the suite's database with HUODONG_BENCH_RUSH_SECONDS /
_USERS / _WORKERS / _SERVERS. The client runs in this same machine (threads in one process),
so it takes CPU from the servers: the figures are a floor.
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
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Rush-pass-2018"
TODAY = "2018-06-20"  # bench/run.py pins today; the seed plan runs May–December 2018
SERVERS = ("gunicorn", "granian")
_REFLECTION_ID = re.compile(r"/participation/reflections/(\d+)/")
_SENTENCES = (
    "深入学习贯彻习近平新时代中国特色社会主义思想，",
    "对照解放思想大讨论的要求查找差距，",
    "结合窗口服务实际，梳理群众办事的堵点难点，",
    "以刀刃向内的勇气推进流程再造，",
    "把学习成果转化为推动审批服务改革的实际行动，",
    "进一步压缩办理时限、减少申报材料，",
    "坚持问题导向，建立问题清单和整改台账，",
    "让企业和群众办事更加便捷高效。",
)


# --- Data -----------------------------------------------------------------------------------


def build(users: int):
    """A throw-away office, the seed plan's campaign and `users` staff with logins."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from huodong.campaigns.plan_import import parse_plan
    from huodong.campaigns.services import campaign_create_from_plan
    from huodong.orgs.models import Office, Person, Unit, UnitKind, User

    office = Office.objects.create(name="冲刺压测办公室")
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


def _body(rng: random.Random, mark: str) -> str:
    parts = [mark, "："]
    size = len(mark) + 1
    while size < 3_000:
        sentence = rng.choice(_SENTENCES)
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


# --- The client -----------------------------------------------------------------------------


@dataclass
class Tally:
    """What the simulated users saw, for one phase (writes or bare inserts)."""

    latencies: list[float] = field(default_factory=list)  # seconds, every request
    by_action: dict[str, list[float]] = field(default_factory=dict)  # the same, per action
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    studies: set[str] = field(default_factory=set)  # accepted materials
    drafts: set[str] = field(default_factory=set)  # accepted reflection titles
    submitted: set[str] = field(default_factory=set)  # titles accepted as submitted
    bare: int = 0  # accepted bare inserts
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(what)


class User:
    """One browser: its cookies, its CSRF token and a kept-alive connection."""

    def __init__(self, port: int, username: str):
        self.port, self.username = port, username
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except Exception:
            self.conn.close()
            raise
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

    def take_messages(self) -> list[int]:
        """The levels of the flash messages the last responses left (then drops them, as the
        page the browser would follow to shows them)."""
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
        self.request("GET", "/login/")
        response = self.post("/login/", {"username": self.username, "password": PASSWORD})
        return response.status == 302 and "sessionid" in self.cookies


def _timed(tally: Tally, user: User, action: str, path: str, form: dict[str, str]):
    """POST `form` to `path`, timed under `action`; None when the request failed."""
    start = time.perf_counter()
    try:
        response = user.post(path, form)
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


def _writer(user: User, number: int, campaign_id: int, prefix: str, until: float, t: Tally):
    from django.contrib.messages import constants

    rng = random.Random(number)
    n = 0
    while time.perf_counter() < until:
        n += 1
        mark = f"{prefix}-u{number}-{n}"
        response = _timed(
            t,
            user,
            "study",
            f"/participation/c/{campaign_id}/study/log/",
            {"kind": "self", "date": TODAY, "material": mark, "duration_minutes": "30"},
        )
        user.take_messages()
        if response is not None:
            if response.status == 302 and "/login/" not in response.getheader("Location", ""):
                with t.lock:
                    t.studies.add(mark)
            elif response.status < 400:
                t.error(f"study refused: HTTP {response.status}")
        if time.perf_counter() >= until:
            break
        body = _body(rng, mark)
        response = _timed(
            t,
            user,
            "draft",
            f"/participation/c/{campaign_id}/reflections/new/",
            {"title": mark, "body": body, "action": "save"},
        )
        user.take_messages()
        found = _REFLECTION_ID.search(response.getheader("Location", "")) if response else None
        if response is None:
            continue
        if response.status != 302 or not found:
            if response.status < 400:
                t.error(f"draft refused: HTTP {response.status}")
            continue
        with t.lock:
            t.drafts.add(mark)
        if time.perf_counter() >= until:
            break
        response = _timed(
            t,
            user,
            "submit",
            f"/participation/reflections/{found.group(1)}/",
            {"title": mark, "body": body + "（定稿）", "version": "1", "action": "submit"},
        )
        levels = user.take_messages()
        if response is None:
            continue
        if response.status == 302 and levels and levels[-1] == constants.SUCCESS:
            with t.lock:
                t.submitted.add(mark)
        elif response.status < 400:
            t.error(f"submit refused: HTTP {response.status}, messages {levels}")


def _bare(user: User, until: float, t: Tally):
    while time.perf_counter() < until:
        response = _timed(t, user, "bare", "/bench/insert/", {})
        if response is not None and response.status == 204:
            with t.lock:
                t.bare += 1


def _threads(target, args_list) -> None:
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- The server -----------------------------------------------------------------------------


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


def _start(server: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "HUODONG_BENCH_ENDPOINTS": "1", "HUODONG_PLAIN_STATIC": "1"}
    # No page is followed, so no static file is served; an empty folder keeps whitenoise quiet.
    env.setdefault("HUODONG_STATIC_ROOT", tempfile.mkdtemp())
    process = subprocess.Popen(_command(server, port, workers), cwd=ROOT, env=env)
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    process.terminate()
    raise RuntimeError(f"{server} did not start")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- One server on this database ------------------------------------------------------------


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def rush(server: str, *, campaign, usernames, seconds: float, bare_seconds: float, workers: int):
    """One server against the current database: the figures as a dict."""
    from django.db import connections
    from django.db.models import Count

    from huodong.core.models import BenchPing
    from huodong.participation.models import Reflection, ReflectionStatus, StudyRecord

    prefix = f"{server}-{uuid.uuid4().hex[:6]}"
    connections.close_all()
    process, port = _start(server, workers)
    writes, bare = Tally(), Tally()
    try:
        users = [User(port, name) for name in usernames]
        start = time.perf_counter()
        logged = []
        _threads(lambda u: logged.append(u.login()), [(u,) for u in users])
        login_seconds = time.perf_counter() - start
        until = time.perf_counter() + seconds
        _threads(
            _writer,
            [(u, n, campaign.pk, prefix, until, writes) for n, u in enumerate(users)],
        )
        write_seconds = seconds + max(0.0, time.perf_counter() - until)
        pings_before = BenchPing.objects.count()
        until = time.perf_counter() + bare_seconds
        _threads(_bare, [(u, until, bare) for u in users])
        bare_elapsed = bare_seconds + max(0.0, time.perf_counter() - until)
    finally:
        _stop(process)
    pings = BenchPing.objects.count() - pings_before

    def counted(queryset, key):
        return dict(
            queryset.filter(**{f"{key}__startswith": prefix + "-"})
            .values_list(key)
            .annotate(n=Count("id"))
            .values_list(key, "n")
        )

    studies = counted(StudyRecord.objects.filter(campaign=campaign), "material")
    drafts = counted(Reflection.objects.filter(campaign=campaign), "title")
    submitted = counted(
        Reflection.objects.filter(campaign=campaign, status=ReflectionStatus.SUBMITTED), "title"
    )

    def check(accepted: set[str], stored: dict[str, int]) -> dict:
        return {
            "accepted": len(accepted),
            "stored": sum(stored.values()),
            "lost": len(accepted - stored.keys()),
            "duplicated": sum(n - 1 for n in stored.values() if n > 1),
            "unacknowledged": len(stored.keys() - accepted),
        }

    accepted = len(writes.studies) + len(writes.drafts) + len(writes.submitted)
    return {
        "server": server,
        "workers": workers,
        "users": len(usernames),
        "logins": f"{sum(logged)}/{len(usernames)} in {login_seconds:.1f} s",
        "requests": len(writes.latencies),
        "seconds": round(write_seconds, 1),
        "throughput": len(writes.latencies) / write_seconds,
        "accepted_per_s": accepted / write_seconds,
        "p50_ms": _p(writes.latencies, 0.5) * 1000,
        "p99_ms": _p(writes.latencies, 0.99) * 1000,
        "actions": {
            action: {
                "n": len(samples),
                "p50_ms": _p(samples, 0.5) * 1000,
                "p99_ms": _p(samples, 0.99) * 1000,
            }
            for action, samples in writes.by_action.items()
        },
        "errors": writes.errors,
        "error_samples": writes.error_samples,
        "studies": check(writes.studies, studies),
        "drafts": check(writes.drafts, drafts),
        "submitted": check(writes.submitted, submitted),
        "bare_requests": len(bare.latencies),
        "bare_throughput": len(bare.latencies) / bare_elapsed,
        "bare_p50_ms": _p(bare.latencies, 0.5) * 1000,
        "bare_p99_ms": _p(bare.latencies, 0.99) * 1000,
        "bare_errors": bare.errors,
        "bare_check": {"accepted": bare.bare, "stored": pings},
    }


def _intact(result: dict) -> bool:
    checks = (result["studies"], result["drafts"], result["submitted"])
    return all(c["lost"] == 0 and c["duplicated"] == 0 for c in checks) and (
        result["bare_check"]["accepted"] == result["bare_check"]["stored"]
    )


def rows(result: dict, database: str) -> list[tuple[str, str, str]]:
    """(name, figure, target) rows for docs/benchmarks.md."""
    name = (
        f"deadline rush on {database}: {result['users']} users, {result['server']} "
        f"{result['workers']} workers (loopback)"
    )
    checks = [result[k] for k in ("studies", "drafts", "submitted")]
    lost = sum(c["lost"] for c in checks)
    duplicated = sum(c["duplicated"] for c in checks)
    ratio = result["throughput"] / result["bare_throughput"] if result["bare_throughput"] else 0
    return [
        (
            f"{name}: writes",
            f"{result['throughput']:.0f} req/s over {result['seconds']:.0f} s "
            f"({result['requests']} requests); p50 {result['p50_ms']:.0f} ms, "
            f"p99 {result['p99_ms']:.0f} ms",
            "p99 < 1 s",
        ),
        (f"{name}: errors", str(result["errors"] + result["bare_errors"]), "0"),
        (
            f"{name}: accepted vs stored (studies / drafts / submitted)",
            " / ".join(f"{c['accepted']}→{c['stored']}" for c in checks)
            + f"; lost {lost}, duplicated {duplicated}",
            "0 lost, 0 duplicated",
        ),
        (
            f"{name}: write / bare insert throughput",
            f"{ratio:.2f} ({result['throughput']:.0f} / {result['bare_throughput']:.0f} req/s, "
            f"bare p99 {result['bare_p99_ms']:.0f} ms)",
            "≥ 0.5",
        ),
    ]


def _settings() -> dict:
    return {
        "seconds": float(os.environ.get("HUODONG_BENCH_RUSH_SECONDS", "60")),
        "users": int(os.environ.get("HUODONG_BENCH_RUSH_USERS", "32")),
        "workers": int(os.environ.get("HUODONG_BENCH_RUSH_WORKERS", "4")),
        "servers": os.environ.get("HUODONG_BENCH_RUSH_SERVERS", ",".join(SERVERS)).split(","),
    }


def measure(*, seconds, bare_seconds, users, workers, servers) -> list[dict]:
    campaign, usernames = build(users)
    return [
        rush(
            server,
            campaign=campaign,
            usernames=usernames,
            seconds=seconds,
            bare_seconds=bare_seconds,
            workers=workers,
        )
        for server in servers
        if available(server)
    ]


def run(*, timed, p) -> list[tuple[str, str, str]]:
    """For bench/run.py: every server on the suite's database."""
    from django.db import connection

    config = _settings()
    results = measure(
        seconds=config["seconds"],
        bare_seconds=max(10.0, config["seconds"] / 3),
        users=config["users"],
        workers=config["workers"],
        servers=config["servers"],
    )
    database = connection.vendor
    return [row for result in results for row in rows(result, database)]


# --- Standalone -----------------------------------------------------------------------------


def _table(results: list[tuple[str, dict]]) -> str:
    head = (
        f"{'database':<11}{'server':<10}{'req':>7}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'err':>5}{'acc/stored':>16}{'lost':>6}{'dup':>5}{'bare/s':>8}{'ratio':>7}"
    )
    lines = [head, "-" * len(head)]
    for database, r in results:
        checks = [r[k] for k in ("studies", "drafts", "submitted")]
        acc = sum(c["accepted"] for c in checks)
        stored = sum(c["stored"] for c in checks)
        ratio = r["throughput"] / r["bare_throughput"] if r["bare_throughput"] else 0
        lines.append(
            f"{database:<11}{r['server']:<10}{r['requests']:>7}{r['throughput']:>8.0f}"
            f"{r['p50_ms']:>8.0f}{r['p99_ms']:>8.0f}{r['errors'] + r['bare_errors']:>5}"
            f"{f'{acc}/{stored}':>16}{sum(c['lost'] for c in checks):>6}"
            f"{sum(c['duplicated'] for c in checks):>5}{r['bare_throughput']:>8.0f}{ratio:>7.2f}"
        )
    return "\n".join(lines)


def _child(args) -> int:
    sys.path.insert(0, str(ROOT))
    from bench.run import setup_django

    setup_django()
    results = measure(
        seconds=args.seconds,
        bare_seconds=args.bare_seconds,
        users=args.users,
        workers=args.workers,
        servers=args.servers.split(","),
    )
    print("RUSH-RESULTS " + json.dumps(results), flush=True)
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--bare-seconds", type=float, default=None)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_seconds is None:
        args.bare_seconds = max(10.0, args.seconds / 3)
    if args.child:
        return _child(args)
    forwarded = [
        f"--seconds={args.seconds}",
        f"--bare-seconds={args.bare_seconds}",
        f"--users={args.users}",
        f"--workers={args.workers}",
        f"--servers={args.servers}",
    ]
    collected: list[tuple[str, dict]] = []
    for database in args.databases.split(","):
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
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
                [sys.executable, __file__, "--child", *forwarded],
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
        collected += [(database, r) for r in json.loads(line.split(" ", 1)[1])]
    print(_table(collected))
    for database, result in collected:
        if result["error_samples"]:
            print(f"{database} {result['server']} errors: {result['error_samples']}")
        print(f"{database} {result['server']} logins {result['logins']}; intact: {_intact(result)}")
        for action, figures in result["actions"].items():
            print(
                f"  {action:<7} {figures['n']:>6} requests, p50 {figures['p50_ms']:.0f} ms, "
                f"p99 {figures['p99_ms']:.0f} ms"
            )
        for row in rows(result, database):
            print(" | ".join(row))
    if args.json:
        args.json.write_text(json.dumps([{"database": d, **r} for d, r in collected], indent=1))
    return 0 if collected else 1


if __name__ == "__main__":
    sys.exit(main())
