"""Shared by the plan-import tests: seed paths and a 'contains at least' comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_DOCX = SEEDS / "plan-2018-9.docx"
SEED_TXT = SEEDS / "plan-2018-9.txt"
SEED_EXPECTED = SEEDS / "plan-2018-9.expected.json"


def expected_seed() -> dict[str, Any]:
    return json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))


def assert_contains(actual: Any, expected: Any, path: str = "$") -> None:
    """Every key and value of `expected` is in `actual`; dicts may hold extra keys."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}: missing key {key!r}"
            assert_contains(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), (
            f"{path}: {len(actual)} items instead of {len(expected)}: {actual!r}"
        )
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_contains(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
