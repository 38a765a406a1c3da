"""What a benchmark measures: a figure with its value, unit and target.

Each benchmark's `run(timed=..., p=...)` returns Figures. `text` is what docs/benchmarks.md
shows (as the benchmarks always wrote it); `value`, `unit`, `target` and `met` go to
docs/benchmarks.json. `met` is computed from a numeric limit when there is one, None when the
figure is only recorded. A row of the report can hold further values (a page's p50 and its SQL
query count, an export's time): its `parts`, each a JSON object of its own named
"<row name> · <what>".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PART = " · "


@dataclass(frozen=True)
class Figure:
    name: str
    value: float | None
    unit: str
    target: str  # human text of the main value's target ("< 300 ms"); "" when only recorded
    met: bool | None  # None: no target to meet (recorded)
    text: str  # the figure as the report shows it
    parts: tuple[Figure, ...] = ()  # further values of the same row, in the JSON only
    shown_target: str = ""  # the report's target column, when it says more than `target`

    @property
    def target_text(self) -> str:
        return self.shown_target or self.target

    @property
    def all_met(self) -> bool | None:
        """False if the value or a part misses its target; True if at least one was met."""
        return combine_met(f.met for f in (self, *self.parts))


def combine_met(values: Iterable[bool | None]) -> bool | None:
    found = [v for v in values if v is not None]
    if not found:
        return None
    return all(found)


def below(
    name: str,
    value: float,
    unit: str,
    limit: float,
    text: str,
    *,
    target: str | None = None,
    parts: Sequence[Figure] = (),
    shown_target: str = "",
) -> Figure:
    """A figure that must stay under `limit` (in the figure's unit)."""
    return Figure(
        name,
        value,
        unit,
        target if target is not None else f"< {limit:g} {unit}",
        value < limit,
        text,
        tuple(parts),
        shown_target,
    )


def at_least(
    name: str,
    value: float,
    unit: str,
    limit: float,
    text: str,
    *,
    target: str | None = None,
    shown_target: str = "",
) -> Figure:
    """A figure that must reach `limit`."""
    return Figure(
        name,
        value,
        unit,
        target if target is not None else f">= {limit:g} {unit}",
        value >= limit,
        text,
        (),
        shown_target,
    )


def recorded(
    name: str,
    value: float | None,
    unit: str,
    text: str,
    *,
    shown_target: str = "recorded",
    parts: Sequence[Figure] = (),
) -> Figure:
    """A figure without a target ("setup", "for comparison", …)."""
    return Figure(name, value, unit, "", None, text, tuple(parts), shown_target)


class QueryCounts:
    """Whether a page's SQL query count stays what it was at the smallest size measured."""

    def __init__(self) -> None:
        self.first: dict[str, int] = {}

    def constant(self, label: str, count: int) -> bool | None:
        """None the first time (nothing to compare with yet)."""
        if label not in self.first:
            self.first[label] = count
            return None
        return count == self.first[label]


def page(
    name: str,
    samples: list[float],
    queries: int,
    *,
    p,
    limit_ms: float | None = None,
    queries_constant: bool | None = None,
    queries_checked: bool = True,
    middle: str = "p50",
    shown_target: str | None = None,
) -> Figure:
    """A page fetched repeatedly: p95 against `limit_ms`, with its p50 and SQL query count.

    `queries_constant` is the comparison with the same page at a smaller size (None when this
    run has none); `queries_checked` False when the target names no query count.
    """
    p50, p95 = p(samples, 0.5), p(samples, 0.95)
    text = f"{middle} {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries"
    parts = (
        recorded(f"{name}{PART}p50", round(p50, 1), "ms", f"{p50:.0f} ms"),
        Figure(
            f"{name}{PART}SQL queries",
            queries,
            "queries",
            "constant" if queries_checked and queries_constant is not None else "",
            queries_constant if queries_checked else None,
            f"{queries} queries",
        ),
    )
    wanted = [f"< {limit_ms:g} ms"] if limit_ms is not None else []
    if queries_checked:
        wanted.append("queries constant")
    shown = shown_target if shown_target is not None else ", ".join(wanted) or "recorded"
    if limit_ms is None:
        return recorded(name, round(p95, 1), "ms", text, shown_target=shown, parts=parts)
    return below(name, round(p95, 1), "ms", limit_ms, text, parts=parts, shown_target=shown)


# --- Rows of the old shape: (name, figure text, target text) ------------------------------------

_NUMBER = r"([\d,]+(?:\.\d+)?)"
_UNITS = ("ms", "s", "min", "MiB")


def _number(found: str) -> float:
    return float(found.replace(",", ""))


def from_row(name: str, text: str, target: str) -> Figure:
    """A figure from a row of the old shape, parsed minimally: the p95 (or the first time or
    size in the text) and its SQL query count; met only for a "< N unit" target in the
    value's unit."""
    value: float | None = None
    unit = ""
    found = re.search(rf"p95 {_NUMBER} ms", text)
    if found:
        value, unit = _number(found.group(1)), "ms"
    else:
        for found in re.finditer(rf"{_NUMBER} ({'|'.join(_UNITS)})\b", text):
            value, unit = _number(found.group(1)), found.group(2)
            break
    met: bool | None = None
    main_target = ""
    limit = re.search(rf"<\s*{_NUMBER}\s*({'|'.join(_UNITS)})\b", target)
    if limit and value is not None and limit.group(2) == unit:
        met = value < _number(limit.group(1))
        main_target = limit.group(0)
    parts: list[Figure] = []
    queries = re.search(r"(\d+) queries", text)
    if queries:
        parts.append(
            Figure(
                f"{name}{PART}SQL queries",
                int(queries.group(1)),
                "queries",
                "",
                None,
                f"{queries.group(1)} queries",
            )
        )
    return Figure(name, value, unit, main_target, met, text, tuple(parts), target)


def as_figure(row: Figure | tuple[str, str, str]) -> Figure:
    if isinstance(row, Figure):
        return row
    return from_row(*row)


def print_figures(rows: Iterable[Figure | tuple[str, str, str]]) -> None:
    figures = [as_figure(row) for row in rows]
    width = max((len(f.name) for f in figures), default=0)
    for f in figures:
        mark = {True: "", False: "  MISSED", None: ""}[f.all_met]
        print(f"{f.name.ljust(width)}  {f.text}  ({f.target_text}){mark}")
