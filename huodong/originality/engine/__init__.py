"""The originality engine (查重): pure functions over texts, no database.

`Corpus` holds the stored texts and finds an essay's shared runs; `report_from_runs` turns them
into the report (复制比). `check_texts` is what the command line uses; the app
(`huodong.originality`) keeps a corpus per office and process (`index_cache`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from huodong.originality.engine.corpus import Corpus
from huodong.originality.engine.fingerprints import MIN_RUN
from huodong.originality.engine.matching import (
    Report,
    Run,
    SourceMatch,
    build_report,
    report_from_runs,
    shared_runs,
)
from huodong.originality.engine.normalize import NormalizedText, normalize

__all__ = [
    "MIN_RUN",
    "Corpus",
    "NormalizedText",
    "Report",
    "Run",
    "SourceMatch",
    "build_report",
    "check_texts",
    "normalize",
    "report_from_runs",
    "shared_runs",
]


def check_texts(essay: str, sources: Iterable[tuple[Hashable, str, str]]) -> Report:
    """The essay's report against (key, name, text) sources, found through a corpus of them."""
    named = [(key, name, normalize(text, quotes=False)) for key, name, text in sources]
    corpus = Corpus.build((number, text.codes) for number, (_k, _n, text) in enumerate(named))
    mine = normalize(essay)
    found = corpus.runs(mine.codes)
    return report_from_runs(
        mine,
        (
            (named[number][0], named[number][1], runs, named[number][2])
            for number, runs in found.items()
        ),
    )
