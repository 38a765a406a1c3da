"""Shared runs between an essay and a source, and the report (复制比) built from them.

A run is a stretch of at least `MIN_RUN` normalised characters that the essay and the source
both contain. They are found exactly: every 13-gram of the essay is looked up among the
source's 13-grams (a sort and a binary search, no pairwise character loop), hits on the same
diagonal with consecutive positions are chained into one run, and each run is checked
character by character (a 64-bit hash collision cannot invent one).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from huodong.originality.engine.fingerprints import MIN_RUN, gram_hashes
from huodong.originality.engine.normalize import NormalizedText

# A 13-gram repeated in the source (a slogan written ten times) is matched at its first few
# places only: enough to find the run, and no quadratic blow-up on "哈哈哈…".
_MAX_PLACES = 8


@dataclass(frozen=True)
class Run:
    """A shared run: normalised positions [start, end) in the essay and in the source, and
    the same as offsets in the original texts."""

    start: int
    end: int
    source_start: int
    source_end: int
    text_start: int = 0
    text_end: int = 0
    source_text_start: int = 0
    source_text_end: int = 0

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class _EssayGrams:
    """The essay's 13-gram hashes, sorted once for every source it is compared with."""

    order: np.ndarray
    ordered: np.ndarray

    @classmethod
    def of(cls, essay: NormalizedText) -> _EssayGrams:
        hashes = gram_hashes(essay.codes, MIN_RUN)
        order = np.argsort(hashes, kind="stable")
        return cls(order, hashes[order])


def shared_runs(
    essay: NormalizedText, source: NormalizedText, *, grams: _EssayGrams | None = None
) -> list[Run]:
    """Every maximal run of at least MIN_RUN characters both texts contain, by essay position."""
    grams = grams or _EssayGrams.of(essay)
    theirs = gram_hashes(source.codes, MIN_RUN)
    if len(grams.ordered) == 0 or len(theirs) == 0:
        return []
    # Most candidates share no 13-gram at all: one vectorised membership test settles them.
    left = np.searchsorted(grams.ordered, theirs, side="left")
    right = np.searchsorted(grams.ordered, theirs, side="right")
    places = np.minimum(right - left, _MAX_PLACES)
    total = int(places.sum())
    if total == 0:
        return []
    source_at = np.repeat(np.arange(len(theirs)), places)
    first = np.repeat(left, places)
    step = np.arange(total) - np.repeat(np.cumsum(places) - places, places)
    essay_at = grams.order[first + step]
    diagonal = source_at - essay_at
    by_diagonal = np.lexsort((essay_at, diagonal))
    essay_at, source_at, diagonal = (
        essay_at[by_diagonal],
        source_at[by_diagonal],
        diagonal[by_diagonal],
    )
    # A new run starts where the diagonal changes or the essay position jumps.
    breaks = np.flatnonzero((np.diff(diagonal) != 0) | (np.diff(essay_at) != 1)) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(essay_at)])) - 1
    runs = []
    for first_hit, last_hit in zip(starts.tolist(), ends.tolist(), strict=True):
        start, source_start = int(essay_at[first_hit]), int(source_at[first_hit])
        end = int(essay_at[last_hit]) + MIN_RUN
        source_end = source_start + (end - start)
        if not np.array_equal(
            essay.codes[start:end], source.codes[source_start:source_end]
        ):  # pragma: no cover - a 64-bit collision
            continue
        text_start, text_end = essay.span(start, end)
        source_text_start, source_text_end = source.span(source_start, source_end)
        runs.append(
            Run(
                start,
                end,
                source_start,
                source_end,
                text_start,
                text_end,
                source_text_start,
                source_text_end,
            )
        )
    runs.sort(key=lambda run: (run.start, run.source_start))
    return runs


@dataclass(frozen=True)
class SourceMatch:
    key: Hashable  # the caller's id for the source (a document id, a file name)
    name: str
    ratio: float  # the share of the essay's characters inside runs shared with this source
    runs: tuple[Run, ...]
    characters: int  # those characters


@dataclass(frozen=True)
class Report:
    length: int  # the essay's normalised characters
    copied: int  # of those, inside a run shared with any source
    copied_outside_quotes: int
    sources: tuple[SourceMatch, ...]  # largest share first
    # The essay's copied stretches as offsets in its original text, merged, for highlighting.
    spans: tuple[tuple[int, int], ...] = field(default=())

    @property
    def ratio(self) -> float:
        """总文字复制比: the share of the essay's characters inside shared runs."""
        return self.copied / self.length if self.length else 0.0

    @property
    def ratio_without_quotes(self) -> float:
        """The same, without the characters inside quotation marks."""
        return self.copied_outside_quotes / self.length if self.length else 0.0

    @property
    def largest_source(self) -> SourceMatch | None:
        return self.sources[0] if self.sources else None

    def to_json(self) -> dict[str, Any]:
        largest = self.largest_source
        return {
            "ratio": round(self.ratio, 4),
            "ratio_without_quotes": round(self.ratio_without_quotes, 4),
            "largest_source": (
                {"name": largest.name, "ratio": round(largest.ratio, 4)} if largest else None
            ),
            "sources": [
                {
                    "name": source.name,
                    "ratio": round(source.ratio, 4),
                    "runs": [
                        {
                            "start": run.text_start,
                            "end": run.text_end,
                            "source_start": run.source_text_start,
                            "source_end": run.source_text_end,
                        }
                        for run in source.runs
                    ],
                }
                for source in self.sources
            ],
        }


def _merged(runs: Iterable[Run]) -> tuple[Run, ...]:
    """Runs that overlap or touch in both texts (the same passage found twice) as one."""
    merged: list[Run] = []
    for run in sorted(runs, key=lambda r: (r.source_start - r.start, r.start)):
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.source_start - last.start == run.source_start - run.start
            and run.start <= last.end
        ):
            if run.end > last.end:
                merged[-1] = Run(
                    last.start,
                    run.end,
                    last.source_start,
                    run.source_end,
                    last.text_start,
                    run.text_end,
                    last.source_text_start,
                    run.source_text_end,
                )
            continue
        merged.append(run)
    return tuple(sorted(merged, key=lambda r: (r.start, r.source_start)))


Found = tuple[int, int, int, int]  # (start, end, source start, source end), normalised


def report_from_runs(
    essay: NormalizedText,
    found: Iterable[tuple[Hashable, str, Iterable[Found], NormalizedText]],
) -> Report:
    """The essay's report from the runs found per source (`Corpus.runs`), each source with its
    normalised text to place the runs in its original. A run whose characters differ after all
    (two rare characters the corpus folded together) is left out."""
    length = len(essay)
    covered = np.zeros(length, dtype=bool)
    matches: list[SourceMatch] = []
    for key, name, positions, source in found:
        runs = []
        for start, end, source_start, source_end in positions:
            if not np.array_equal(essay.codes[start:end], source.codes[source_start:source_end]):
                continue
            runs.append(
                Run(
                    start,
                    end,
                    source_start,
                    source_end,
                    *essay.span(start, end),
                    *source.span(source_start, source_end),
                )
            )
        if not runs:
            continue
        own = np.zeros(length, dtype=bool)
        for run in runs:
            own[run.start : run.end] = True
        covered |= own
        characters = int(own.sum())
        matches.append(
            SourceMatch(
                key, name, characters / length if length else 0.0, _merged(runs), characters
            )
        )
    matches.sort(key=lambda s: (-s.characters, s.name, str(s.key)))
    return Report(
        length=length,
        copied=int(covered.sum()),
        copied_outside_quotes=int((covered & ~essay.quoted).sum()),
        sources=tuple(matches),
        spans=_spans(essay, covered),
    )


def build_report(
    essay: NormalizedText, sources: Iterable[tuple[Hashable, str, NormalizedText]]
) -> Report:
    """The essay's report against these sources, each compared with it exactly (no index):
    the reference the corpus is tested against, and enough for a handful of texts."""
    grams = _EssayGrams.of(essay)
    return report_from_runs(
        essay,
        (
            (
                key,
                name,
                [
                    (r.start, r.end, r.source_start, r.source_end)
                    for r in shared_runs(essay, text, grams=grams)
                ],
                text,
            )
            for key, name, text in sources
        ),
    )


def _spans(essay: NormalizedText, covered: np.ndarray) -> tuple[tuple[int, int], ...]:
    if not covered.any():
        return ()
    edges = np.diff(np.concatenate(([0], covered.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return tuple(essay.span(int(a), int(b)) for a, b in zip(starts, ends, strict=True))
