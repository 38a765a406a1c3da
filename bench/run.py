"""`make bench`: the project's benchmarks. Prints the figures and writes docs/benchmarks.md.

Speed targets are checked here, never by timed unit tests. Each benchmark builds its own data in
a throw-away database (SQLite in a temporary folder, or the PostgreSQL of DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def setup_django() -> str:
    if not os.environ.get("DATABASE_URL"):
        os.environ["HUODONG_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huodong.config.settings")
    os.environ.setdefault("HUODONG_PLAIN_STATIC", "1")
    os.environ["HUODONG_TODAY"] = "2018-06-20"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


def timed(fn: Callable[[], object], *, repeat: int) -> list[float]:
    fn()  # warm caches and imports
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    engine = setup_django()
    from bench import (
        dashboard,
        originality,
        participation,
        plan_import,
        plan_pages,
        suggestions,
        surveys,
        surveys_load,
    )

    modules = {
        m.__name__.rsplit(".", 1)[-1]: m
        for m in (
            plan_import,
            plan_pages,
            participation,
            originality,
            surveys,
            surveys_load,
            suggestions,
            dashboard,
        )
    }
    # `--only NAME …` reruns some benchmarks and keeps the other figures of the section.
    only = sys.argv[sys.argv.index("--only") + 1 :] if "--only" in sys.argv else list(modules)
    unknown = sorted(set(only) - set(modules))
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)}; known: {', '.join(modules)}")
        return 2
    rows: list[tuple[str, str, str]] = []
    for name in only:
        rows.extend(modules[name].run(timed=timed, p=p))
    width = max(len(r[0]) for r in rows)
    for name, figure, target in rows:
        print(f"{name.ljust(width)}  {figure}  ({target})")
    write_report(engine, rows, partial=len(only) < len(modules))
    return 0


def _section_rows(section: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] not in ("benchmark", "---"):
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def write_report(engine: str, rows: list[tuple[str, str, str]], *, partial: bool = False) -> None:
    import django

    section = [
        f"## {engine}",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Django {django.get_version()}.",
        "",
        "| benchmark | figure | target |",
        "| --- | --- | --- |",
        *[f"| {name} | {figure} | {target} |" for name, figure, target in rows],
        "",
    ]
    existing = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    header = (
        "# Benchmarks\n\nWritten by `make bench` (SQLite) and "
        "`DATABASE_URL=postgres://… make bench` (PostgreSQL); "
        "each run replaces its own section.\n\n"
    )
    sections = {}
    for chunk in existing.split("\n## ")[1:]:
        name = chunk.split("\n", 1)[0].strip()
        sections[name] = "## " + chunk.rstrip() + "\n"
    if partial and engine in sections:
        # Figures measured now replace their rows; new ones go after the last of their kind.
        fresh = {name: (name, figure, target) for name, figure, target in rows}
        kept = [fresh.pop(r[0], r) for r in _section_rows(sections[engine])]
        merged = kept + list(fresh.values())
        table_start = section.index("| benchmark | figure | target |")
        section = [
            *section[:table_start],
            "| benchmark | figure | target |",
            "| --- | --- | --- |",
            *[f"| {name} | {figure} | {target} |" for name, figure, target in merged],
            "",
        ]
    sections[engine] = "\n".join(section)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(header + "\n".join(sections[k] for k in sorted(sections)), encoding="utf-8")
    print(f"wrote {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
