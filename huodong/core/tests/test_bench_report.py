"""The report writer of `make bench` (bench/run.py, bench/figures.py), without running a
benchmark: merging the two databases, the JSON objects and how `met` is computed."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _load(name: str):
    if f"bench.{name}" in sys.modules:
        return sys.modules[f"bench.{name}"]
    spec = importlib.util.spec_from_file_location(f"bench.{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench.{name}"] = module
    spec.loader.exec_module(module)
    return module


figures = _load("figures")
bench_run = _load("run")
KEYS = {"name", "database", "value", "unit", "target", "met"}


def _p(samples, q):
    return bench_run.p(samples, q)


def _write(tmp_path, database, rows, *, partial=False, measured="Measured today."):
    return bench_run.write_report(
        database,
        [figures.as_figure(r) for r in rows],
        partial=partial,
        measured=measured,
        markdown_path=tmp_path / "benchmarks.md",
        json_path=tmp_path / "benchmarks.json",
    )


def _json(tmp_path):
    return json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))


def _table(tmp_path):
    text = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    return {
        cells[0]: cells
        for line in text.splitlines()
        if line.startswith("| ")
        for cells in [[c.strip() for c in line.strip().strip("|").split("|")]]
    }


def test_met_is_computed_from_the_numeric_limit():
    assert figures.below("a", 299.0, "ms", 300, "299 ms").met is True
    assert figures.below("a", 300.0, "ms", 300, "300 ms").met is False
    assert figures.below("a", 1.0, "ms", 300, "1 ms").target == "< 300 ms"
    assert figures.at_least("b", 100, "x", 100, "100x").met is True
    assert figures.recorded("c", 5.0, "s", "5 s", shown_target="setup").met is None


def test_page_figure_holds_p95_p50_and_queries():
    counts = figures.QueryCounts()
    small = figures.page(
        "list, 10",
        [10.0, 20.0, 400.0],
        7,
        p=_p,
        limit_ms=300,
        queries_constant=counts.constant("list", 7),
    )
    large = figures.page(
        "list, 1,000",
        [10.0, 20.0, 30.0],
        8,
        p=_p,
        limit_ms=300,
        queries_constant=counts.constant("list", 8),
    )
    assert small.text == "p50 20 ms, p95 400 ms, 7 queries"
    assert small.target_text == "< 300 ms, queries constant"
    assert (small.value, small.unit, small.met) == (400.0, "ms", False)
    assert small.parts[1].met is None  # the first size is what the others are compared with
    assert large.met is True
    assert large.parts[1].met is False  # 8 queries where the smaller size made 7
    assert large.all_met is False


def test_old_rows_are_parsed_minimally():
    figure = figures.as_figure(
        (
            "dashboard page",
            "median 336 ms, p95 563 ms, 41 queries",
            "< 500 ms, queries constant",
        )
    )
    assert (figure.value, figure.unit, figure.target, figure.met) == (
        563.0,
        "ms",
        "< 500 ms",
        False,
    )
    assert figure.target_text == "< 500 ms, queries constant"
    assert figure.parts[0].value == 41
    setup = figures.as_figure(("insert", "40.9 s", "setup"))
    assert (setup.value, setup.unit, setup.met) == (40.9, "s", None)
    odd = figures.as_figure(("copies found", "110/110", "all"))
    assert (odd.value, odd.met) == (None, None)


def test_json_objects_and_met(tmp_path):
    _write(
        tmp_path,
        "sqlite",
        [
            figures.below("fast page", 120.0, "ms", 300, "p95 120 ms"),
            figures.below("slow page", 420.0, "ms", 300, "p95 420 ms"),
            figures.recorded("setup time", 9.5, "s", "9.5 s", shown_target="setup"),
            ("old row", "p50 10 ms, p95 12 ms", "< 1000 ms"),
        ],
    )
    records = _json(tmp_path)
    assert all(set(r) == KEYS for r in records)
    by_name = {r["name"]: r for r in records}
    assert by_name["fast page"] == {
        "name": "fast page",
        "database": "sqlite",
        "value": 120.0,
        "unit": "ms",
        "target": "< 300 ms",
        "met": True,
    }
    assert by_name["slow page"]["met"] is False
    assert by_name["setup time"]["target"] == "recorded"
    assert by_name["setup time"]["met"] is True
    assert by_name["old row"]["value"] == 12.0
    assert by_name["old row"]["met"] is True
    table = _table(tmp_path)
    assert table["benchmark"] == ["benchmark", "target", "SQLite", "PostgreSQL", "met"]
    assert table["slow page"][2:] == ["p95 420 ms", "—", "**no** (SQLite)"]
    assert table["setup time"][1:] == ["setup", "9.5 s", "—", "—"]


def test_a_run_on_one_database_keeps_the_other(tmp_path):
    _write(
        tmp_path,
        "sqlite",
        [
            figures.below("page", 100.0, "ms", 300, "p95 100 ms"),
            figures.below("sqlite only", 10.0, "ms", 300, "p95 10 ms"),
        ],
        measured="Measured 1 on SQLite.",
    )
    _write(
        tmp_path,
        "postgresql",
        [
            figures.below("page", 350.0, "ms", 300, "p95 350 ms"),
            figures.below("postgresql only", 20.0, "ms", 300, "p95 20 ms"),
        ],
        measured="Measured 2 on PostgreSQL.",
    )
    records = _json(tmp_path)
    assert [(r["name"], r["database"]) for r in records] == [
        ("page", "sqlite"),
        ("page", "postgresql"),
        ("sqlite only", "sqlite"),  # after the row it followed in the previous report
        ("postgresql only", "postgresql"),
    ]
    table = _table(tmp_path)
    assert table["page"][1:] == ["< 300 ms", "p95 100 ms", "p95 350 ms", "**no** (PostgreSQL)"]
    assert table["sqlite only"][2:] == ["p95 10 ms", "—", "yes"]
    text = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "- SQLite: Measured 1 on SQLite." in text
    assert "- PostgreSQL: Measured 2 on PostgreSQL." in text

    # SQLite again, in full: its figures are replaced (the stale one goes), PostgreSQL's stay.
    _write(tmp_path, "sqlite", [figures.below("page", 90.0, "ms", 300, "p95 90 ms")])
    table = _table(tmp_path)
    assert "sqlite only" not in table
    assert table["page"][2:] == ["p95 90 ms", "p95 350 ms", "**no** (PostgreSQL)"]
    assert {(r["name"], r["database"]) for r in _json(tmp_path)} == {
        ("page", "sqlite"),
        ("page", "postgresql"),
        ("postgresql only", "postgresql"),
    }


def test_only_keeps_the_figures_not_measured_again(tmp_path):
    _write(
        tmp_path,
        "sqlite",
        [
            figures.below("a", 1.0, "ms", 300, "p95 1 ms"),
            figures.below("b", 2.0, "ms", 300, "p95 2 ms"),
            figures.below("c", 3.0, "ms", 300, "p95 3 ms"),
        ],
    )
    _write(
        tmp_path,
        "sqlite",
        [
            figures.below("b", 500.0, "ms", 300, "p95 500 ms"),
            figures.below("b2", 5.0, "ms", 300, "p95 5 ms"),
        ],
        partial=True,
    )
    records = _json(tmp_path)
    assert [(r["name"], r["value"]) for r in records] == [
        ("a", 1.0),
        ("b", 500.0),
        ("b2", 5.0),
        ("c", 3.0),
    ]
    assert _table(tmp_path)["b"][-1] == "**no** (SQLite)"


def test_parts_are_json_objects_of_their_own(tmp_path):
    figure = figures.page("results", [10.0, 11.0, 12.0], 10, p=_p, limit_ms=300)
    _write(tmp_path, "postgresql", [figure])
    names = [r["name"] for r in _json(tmp_path)]
    assert names == ["results", "results · p50", "results · SQL queries"]
    assert list(_table(tmp_path)) == ["benchmark", "---", "results"]


def test_notes_and_the_old_layout_are_carried_over(tmp_path):
    (tmp_path / "benchmarks.md").write_text(
        "# Benchmarks\n\nold header\n\n"
        "## How it is measured\n\nProse that stays.\n\n"
        "## postgresql\n\nMeasured 2026-12-08 on x86_64.\n\n"
        "| benchmark | figure | target |\n| --- | --- | --- |\n"
        "| page | p50 30 ms, p95 32 ms, 14 queries | < 300 ms, queries constant |\n",
        encoding="utf-8",
    )
    _write(tmp_path, "sqlite", [figures.below("page", 20.0, "ms", 300, "p95 20 ms")])
    text = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "## How it is measured\n\nProse that stays." in text
    assert "## postgresql" not in text
    assert "- PostgreSQL: Measured 2026-12-08 on x86_64." in text
    assert _table(tmp_path)["page"][2:4] == ["p95 20 ms", "p50 30 ms, p95 32 ms, 14 queries"]
    postgresql = [r for r in _json(tmp_path) if r["database"] == "postgresql"]
    assert [(r["name"], r["value"], r["met"]) for r in postgresql] == [
        ("page", 32.0, True),
        ("page · SQL queries", 14, True),
    ]


@pytest.mark.parametrize(
    ("primary", "secondary", "expected"),
    [
        (["a", "c"], ["a", "b", "c"], ["a", "b", "c"]),
        (["b"], ["a", "b"], ["a", "b"]),
        (["x", "y"], ["y", "z"], ["x", "y", "z"]),
    ],
)
def test_merged_order(primary, secondary, expected):
    assert bench_run._merged_order(primary, secondary) == expected
