"""`make bench`: the project's benchmarks. Prints the figures and writes docs/benchmarks.md and
docs/benchmarks.json.

Speed targets are checked here, never by timed unit tests. Each benchmark builds its own data in
a throw-away database (SQLite in a temporary folder, or the PostgreSQL of DATABASE_URL), so one
run measures one database; the report keeps the other database's figures from its previous
run (the Markdown's texts, the JSON's values), so both stand side by side.
`--only NAME …` reruns some benchmarks and keeps every other figure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import PART, Figure, as_figure, from_row, print_figures  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
REPORT_JSON = ROOT / "docs" / "benchmarks.json"
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_ENGINES = {"sqlite3": "sqlite", "postgresql": "postgresql"}
FIGURES_SECTION = "Figures"
HEADER = (
    "# Benchmarks\n\n"
    "Written by `make bench`: it runs the benchmarks of `bench/` on SQLite and, when "
    "`pg_isready -h 127.0.0.1` answers, again on a throw-away PostgreSQL database. A run on one "
    "database (`python bench/run.py`, with `DATABASE_URL` for PostgreSQL) replaces that "
    "database's figures and keeps the other's. The same figures are in "
    "[benchmarks.json](benchmarks.json) (`name`, `database`, `value`, `unit`, `target`, `met`; "
    "a page's p95 is its value, its p50 and SQL query count are objects of their own named "
    f"“…{PART}p50” and “…{PART}SQL queries”). The met column says whether every target of the "
    "row was met on the databases measured; — marks figures that are only recorded.\n\n"
)


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


def measured_line() -> str:
    """Date, machine and versions of this run (Django set up)."""
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
    return (
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Django {django.get_version()}, {server}."
    )


def main(argv: Sequence[str] = ()) -> int:
    engine = setup_django()
    from bench import (
        city,
        originality,
        participation,
        plan_import,
        plan_pages,
        rush,
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
            city,
            rush,
        )
    }
    argv = list(argv)
    only = argv[argv.index("--only") + 1 :] if "--only" in argv else list(modules)
    unknown = sorted(set(only) - set(modules))
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)}; known: {', '.join(modules)}")
        return 2
    figures: list[Figure] = []
    began = time.perf_counter()
    for name in only:
        start = time.perf_counter()
        found = [as_figure(row) for row in modules[name].run(timed=timed, p=p)]
        print_figures(found)
        print(f"-- {name}: {time.perf_counter() - start:.0f} s", flush=True)
        figures.extend(found)
    print(f"-- all on {engine}: {(time.perf_counter() - began) / 60:.1f} min", flush=True)
    write_report(
        _ENGINES.get(engine, engine),
        figures,
        partial=len(only) < len(modules),
        measured=measured_line(),
    )
    missed = [f.name for f in figures if f.all_met is False]
    if missed:
        print(f"{len(missed)} figure(s) missed their target:", *missed, sep="\n  ")
    return 0


# --- The report -----------------------------------------------------------------------------


@dataclass
class Report:
    rows: list[str] = field(default_factory=list)  # the figures' names, in order
    targets: dict[str, str] = field(default_factory=dict)  # name: the target column
    texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (database, name): text
    records: list[dict] = field(default_factory=list)  # the JSON objects
    measured: dict[str, str] = field(default_factory=dict)  # database: "Measured …"
    notes: list[str] = field(default_factory=list)  # the Markdown's other sections, kept


def records_of(figure: Figure, database: str) -> list[dict]:
    """The JSON objects of one figure: met is false only when a target is missed; a figure
    without a target is "recorded" and met."""
    return [
        {
            "name": f.name,
            "database": database,
            "value": f.value,
            "unit": f.unit,
            "target": f.target if f.met is not None and f.target else "recorded",
            "met": f.met is not False,
        }
        for f in (figure, *figure.parts)
    ]


def _row_of(name: str, rows: Iterable[str]) -> str:
    known = set(rows)
    return name if name in known else name.split(PART, 1)[0]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _clean(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def parse_report(markdown: str, records: list[dict] | None) -> Report:
    """The previous report: its Markdown (names, targets, texts, measured lines, notes) and
    its JSON (values, met). A Markdown of the old shape (a section per database, no JSON)
    gives its values by parsing the texts."""
    report = Report(records=list(records or []))
    in_json = {r["database"] for r in report.records}
    for chunk in markdown.split("\n## ")[1:]:
        title, _, body = chunk.partition("\n")
        title = title.strip()
        old = _ENGINES.get(title)
        if title != FIGURES_SECTION and old is None:
            report.notes.append("## " + chunk.rstrip() + "\n")
            continue
        header: list[str] = []
        for line in body.splitlines():
            if old is not None and line.startswith("Measured "):
                report.measured[old] = line.strip()
            for database, label in DATABASES.items():
                if line.startswith(f"- {label}: "):
                    report.measured[database] = line[len(f"- {label}: ") :].strip()
            if not line.startswith("| "):
                continue
            cells = _cells(line)
            if cells[0] == "benchmark":
                header = cells
                continue
            if cells[0].startswith("---") or len(cells) != len(header):
                continue
            name = cells[0]
            if name not in report.targets:
                report.rows.append(name)
            if old is not None:  # | benchmark | figure | target |
                report.targets[name] = cells[2]
                report.texts[(old, name)] = cells[1]
                if old not in in_json:
                    report.records += records_of(from_row(name, cells[1], cells[2]), old)
                continue
            report.targets[name] = cells[header.index("target")]
            for database, label in DATABASES.items():
                if label in header and cells[header.index(label)] not in ("", "—"):
                    report.texts[(database, name)] = cells[header.index(label)]
    return report


def _merged_order(primary: list[str], secondary: list[str]) -> list[str]:
    """`primary`'s order, with the names only `secondary` has placed after the name that
    precedes them there (or first)."""
    result = list(primary)
    placed = set(result)
    for number, name in enumerate(secondary):
        if name in placed:
            continue
        before = next((n for n in reversed(secondary[:number]) if n in placed), None)
        result.insert(result.index(before) + 1 if before is not None else 0, name)
        placed.add(name)
    return result


def merge(
    report: Report, database: str, figures: list[Figure], *, partial: bool, measured: str
) -> Report:
    """The report with this run's figures for `database`: a full run replaces all of that
    database's figures, a partial one (`--only`) those it measured again."""
    names = [f.name for f in figures]
    if partial:
        fresh = set(names)
        keep = [
            r
            for r in report.records
            if r["database"] != database or _row_of(r["name"], report.rows) not in fresh
        ]
        texts = {k: v for k, v in report.texts.items() if k[0] != database or k[1] not in fresh}
    else:
        keep = [r for r in report.records if r["database"] != database]
        texts = {k: v for k, v in report.texts.items() if k[0] != database}
    for figure in figures:
        texts[(database, figure.name)] = _clean(figure.text)
    measured_rows = {name for _db, name in texts}
    previous = [name for name in report.rows if name in measured_rows]
    order = _merged_order(previous, names) if partial else _merged_order(names, previous)
    targets = {name: report.targets.get(name, "") for name in order}
    targets.update({f.name: _clean(f.target_text) for f in figures})
    new_records = [r for f in figures for r in records_of(f, database)]
    return Report(
        rows=order,
        targets=targets,
        texts=texts,
        records=_ordered_records([*keep, *new_records], order),
        measured={**report.measured, database: measured},
        notes=report.notes,
    )


def _ordered_records(records: list[dict], rows: list[str]) -> list[dict]:
    place = {name: number for number, name in enumerate(rows)}
    databases = list(DATABASES)

    def key(record: dict) -> tuple:
        row = _row_of(record["name"], rows)
        database = record["database"]
        return (
            place.get(row, len(place)),
            databases.index(database) if database in databases else len(databases),
            record["name"] != row,
        )

    return [r for r in sorted(records, key=key) if _row_of(r["name"], rows) in place]


def row_met(report: Report, name: str) -> str:
    """The met column: yes, no (the databases that missed), or — when only recorded."""
    missed, met = [], False
    for record in report.records:
        if _row_of(record["name"], report.rows) != name or record["target"] == "recorded":
            continue
        if record["met"]:
            met = True
        elif DATABASES.get(record["database"], record["database"]) not in missed:
            missed.append(DATABASES.get(record["database"], record["database"]))
    if missed:
        return f"**no** ({', '.join(missed)})"
    return "yes" if met else "—"


def render(report: Report) -> str:
    labels = list(DATABASES.values())
    lines = [
        f"## {FIGURES_SECTION}",
        "",
        *[
            f"- {label}: {report.measured[database]}"
            for database, label in DATABASES.items()
            if database in report.measured
        ],
        "",
        f"| benchmark | target | {' | '.join(labels)} | met |",
        f"| --- | --- | {' | '.join('---' for _ in labels)} | --- |",
    ]
    for name in report.rows:
        cells = [report.texts.get((database, name), "—") for database in DATABASES]
        lines.append(
            f"| {name} | {report.targets.get(name, '')} | {' | '.join(cells)} "
            f"| {row_met(report, name)} |"
        )
    return HEADER + "\n".join(["\n".join(lines) + "\n", *report.notes])


def write_report(
    database: str,
    figures: list[Figure],
    *,
    partial: bool = False,
    measured: str,
    markdown_path: Path = REPORT,
    json_path: Path = REPORT_JSON,
) -> Report:
    existing = markdown_path.read_text(encoding="utf-8") if markdown_path.exists() else ""
    records = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else None
    report = merge(
        parse_report(existing, records),
        database,
        figures,
        partial=partial,
        measured=measured,
    )
    markdown_path.parent.mkdir(exist_ok=True)
    markdown_path.write_text(render(report), encoding="utf-8")
    json_path.write_text(
        json.dumps(report.records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for path in (markdown_path, json_path):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote {shown}")
    return report


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
