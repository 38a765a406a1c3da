"""A per-process index of each office's fingerprints (`engine.FingerprintIndex`).

A document's text never changes (an edited essay is a new document), so the index built from
an office's documents is fresh up to the largest id it read. Each use reads only the documents
with a larger id and searches them as a small *overlay* index beside the main one; the main
index is rebuilt once the overlay holds more than `OVERLAY_LIMIT` documents or it is older than
`MAX_AGE` seconds. A deleted document stays in the index until that rebuild, harmlessly: its id
is simply not found when the candidates' texts are fetched.

The index lives in the process (a worker, a web process answering an on-demand check); a lock
keeps two threads from building it at once. Searching uses the immutable arrays outside it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from huodong.originality.engine import FingerprintIndex
from huodong.originality.engine.fingerprints import from_bytes
from huodong.originality.engine.index import CANDIDATE_LIMIT
from huodong.originality.models import OriginalityDocument

OVERLAY_LIMIT = 2_000
MAX_AGE = 60 * 60  # seconds
_CHUNK = 500

_EMPTY = FingerprintIndex(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))


@dataclass
class _OfficeIndex:
    main: FingerprintIndex
    main_max_id: int  # the largest id the main index read
    built_at: float  # time.monotonic()
    overlay_prints: dict[int, np.ndarray] = field(default_factory=dict)
    overlay: FingerprintIndex = _EMPTY
    max_id: int = 0  # the largest id read, main or overlay


_lock = threading.Lock()
_offices: dict[int, _OfficeIndex] = {}


def _read(office_id: int, after: int) -> Iterable[tuple[int, np.ndarray]]:
    rows = (
        OriginalityDocument.objects.filter(office_id=office_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "fingerprints")
        .iterator(chunk_size=_CHUNK)
    )
    for pk, data in rows:
        yield pk, from_bytes(data)


def _build(office_id: int) -> _OfficeIndex:
    largest = 0

    def items() -> Iterable[tuple[int, np.ndarray]]:
        nonlocal largest
        for pk, prints in _read(office_id, 0):
            largest = max(largest, pk)
            yield pk, prints

    built_at = time.monotonic()
    main = FingerprintIndex.build(items())
    return _OfficeIndex(main=main, main_max_id=largest, built_at=built_at, max_id=largest)


def _current(office_id: int) -> _OfficeIndex:
    """The office's index, with every document added since it was built (under the lock)."""
    with _lock:
        entry = _offices.get(office_id)
        if entry is None or time.monotonic() - entry.built_at > MAX_AGE:
            entry = _offices[office_id] = _build(office_id)
            return entry
        new = list(_read(office_id, entry.max_id))
        if not new:
            return entry
        if len(entry.overlay_prints) + len(new) > OVERLAY_LIMIT:
            entry = _offices[office_id] = _build(office_id)
            return entry
        prints = dict(entry.overlay_prints)
        prints.update(new)
        # A new entry object: a thread searching the previous one keeps a consistent view.
        entry = _offices[office_id] = _OfficeIndex(
            main=entry.main,
            main_max_id=entry.main_max_id,
            built_at=entry.built_at,
            overlay_prints=prints,
            overlay=FingerprintIndex.build(prints.items()),
            max_id=max(entry.max_id, new[-1][0]),
        )
        return entry


def candidates_for(
    office_id: int, prints: np.ndarray, exclude_ids: Iterable[int] = ()
) -> list[int]:
    """Ids of the office's documents sharing fingerprints with `prints`, the most telling
    first, at most `CANDIDATE_LIMIT`; they may include documents deleted meanwhile."""
    entry = _current(office_id)
    exclude = list(exclude_ids)
    found = entry.main.candidates(prints, exclude=exclude)
    if entry.overlay_prints:
        # Scores of two indexes do not compare; the fingerprints shared do.
        found += entry.overlay.candidates(prints, exclude=exclude)
        found.sort(key=lambda item: -item[1])
    seen: set[int] = set()
    ids: list[int] = []
    for document_id, _shared in found:
        if document_id not in seen:
            seen.add(document_id)
            ids.append(document_id)
    return ids[:CANDIDATE_LIMIT]


def stats(office_id: int) -> dict[str, int] | None:
    """What the process holds for an office (for the command line and tests)."""
    entry = _offices.get(office_id)
    if entry is None:
        return None
    return {
        "main_max_id": entry.main_max_id,
        "max_id": entry.max_id,
        "overlay_documents": len(entry.overlay_prints),
        "bytes": entry.main.nbytes + entry.overlay.nbytes,
    }


def reset(office_id: int | None = None) -> None:
    """Forget the index of one office, or of all (tests; ids are reused after a rollback)."""
    with _lock:
        if office_id is None:
            _offices.clear()
        else:
            _offices.pop(office_id, None)
