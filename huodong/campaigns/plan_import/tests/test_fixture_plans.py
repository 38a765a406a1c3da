"""Plans in other layouts than the seed, each compared with an expected result written by hand.

tests/plans/NAME.docx|.txt is a plan; NAME.expected.json is what a careful reader takes from
it. The .docx files are built by tests/plans/build_fixtures.py.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from huodong.campaigns.plan_import import ParsedPlan, parse_plan
from huodong.campaigns.plan_import.docx_reader import read_docx

from .helpers import assert_contains
from .plans.build_fixtures import BUILDERS

PLANS = Path(__file__).resolve().parent / "plans"
FIXTURES = sorted(
    p for p in PLANS.iterdir() if p.suffix in {".docx", ".txt"} and not p.name.startswith("_")
)
QUOTA_KEYS = ("scope", "min", "subject", "period", "task_seq")


def _expected(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def _parse(path: Path) -> ParsedPlan:
    return parse_plan(path.read_bytes(), path.name)


def _comparable(plan: ParsedPlan) -> dict[str, Any]:
    data = plan.to_dict(full=True)
    # to_dict leaves out a quota's period when it has none; the files say null explicitly.
    data["quotas"] = [{key: q.get(key) for key in QUOTA_KEYS} for q in data["quotas"]]
    return data


def test_there_are_at_least_four_fixtures():
    assert len(FIXTURES) >= 4
    assert {p.suffix for p in FIXTURES} == {".docx", ".txt"}
    for path in FIXTURES:
        assert path.with_suffix(".expected.json").exists(), path.name


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_matches_expected(path):
    actual = _comparable(_parse(path))
    expected = _expected(path)
    for key in ("title", "year", "phases", "tasks", "leading_group", "quotas", "problems"):
        assert key in expected, f"{path.name}: expected file lacks {key}"
    assert_contains(actual, expected)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_strict_parse_succeeds(path):
    # No problems in these plans, so the command-line import would accept them.
    assert parse_plan(path.read_bytes(), path.name, strict=True).problems == []


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_dry_run_json_for_every_format(path, capsys):
    call_command("import_plan", str(path), "--dry-run", "--json")
    got = json.loads(capsys.readouterr().out)
    assert got == json.loads(json.dumps(_parse(path).to_dict()))
    # New per-task keys stay out of the default output; the seed's shapes stay as they were.
    assert set(got["tasks"][0]) == {"seq", "phase", "due", "lead_units"}
    assert got["year_source"] == _expected(path)["year_source"]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_committed_docx_matches_builder(name):
    committed = read_docx((PLANS / name).read_bytes())
    built = read_docx(BUILDERS[name]())
    assert committed.blocks == built.blocks, f"regenerate {name} with build_fixtures.py"
