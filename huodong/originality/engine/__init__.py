"""The originality engine (查重): pure functions over texts, no database.

`check_texts` is what the command line uses; the app (`huodong.originality`) stores the
fingerprints and reports and keeps an index per process.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from huodong.originality.engine.fingerprints import MIN_RUN, fingerprints
from huodong.originality.engine.index import FingerprintIndex
from huodong.originality.engine.matching import Report, Run, SourceMatch, build_report, shared_runs
from huodong.originality.engine.normalize import NormalizedText, normalize

__all__ = [
    "MIN_RUN",
    "FingerprintIndex",
    "NormalizedText",
    "Report",
    "Run",
    "SourceMatch",
    "build_report",
    "check_texts",
    "fingerprints",
    "normalize",
    "shared_runs",
]


def check_texts(essay: str, sources: Iterable[tuple[Hashable, str, str]]) -> Report:
    """The essay's report against (key, name, text) sources: indexed, then checked exactly
    against the candidates the index names."""
    normalized = {key: (name, normalize(text, quotes=False)) for key, name, text in sources}
    keys = list(normalized)
    index = FingerprintIndex.build(
        (number, fingerprints(normalized[key][1].codes)) for number, key in enumerate(keys)
    )
    mine = normalize(essay)
    candidates = index.candidates(fingerprints(mine.codes))
    return build_report(
        mine,
        ((keys[number], *normalized[keys[number]]) for number, _shared in candidates),
    )
