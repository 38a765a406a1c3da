"""A per-process corpus of each office's documents (`engine.Corpus`).

A document's text never changes (an edited essay is a new document), so the corpus built from
an office's documents is fresh up to the largest id it read. Each use reads only the documents
with a larger id and searches them as a small *overlay* corpus beside the main one; the main
corpus is rebuilt once the overlay holds more than `OVERLAY_LIMIT` documents or it is older
than `MAX_AGE` seconds. A deleted document stays in the corpus until that rebuild, harmlessly:
the check reads the texts of the documents it found, and a deleted one is not there.

The corpus lives in the process (a worker, a web process answering an on-demand check); a lock
keeps two threads from building it at once. Searching uses the immutable arrays outside it.
At 60,000 essays of 3,000 characters it holds about 700 MB and takes some 15 seconds to build
from the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from huodong.originality.engine import Corpus, normalize
from huodong.originality.engine.matching import Found
from huodong.originality.models import OriginalityDocument

# Each new document rebuilds the overlay (a few milliseconds per hundred documents).
OVERLAY_LIMIT = 500
MAX_AGE = 60 * 60  # seconds
_CHUNK = 500

_EMPTY = Corpus.empty()


@dataclass
class _OfficeCorpus:
    main: Corpus
    main_max_id: int  # the largest id the main corpus read
    built_at: float  # time.monotonic()
    overlay_codes: dict[int, np.ndarray] = field(default_factory=dict)
    overlay: Corpus = _EMPTY
    max_id: int = 0  # the largest id read, main or overlay


_lock = threading.Lock()
_offices: dict[int, _OfficeCorpus] = {}


def _read(office_id: int, after: int) -> Iterator[tuple[int, np.ndarray]]:
    rows = (
        OriginalityDocument.objects.filter(office_id=office_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "text")
        .iterator(chunk_size=_CHUNK)
    )
    for pk, text in rows:
        yield pk, normalize(text, quotes=False).codes


def _build(office_id: int) -> _OfficeCorpus:
    largest = 0

    def items() -> Iterable[tuple[int, np.ndarray]]:
        nonlocal largest
        for pk, codes in _read(office_id, 0):
            largest = pk
            yield pk, codes

    built_at = time.monotonic()
    main = Corpus.build(items())
    return _OfficeCorpus(main=main, main_max_id=largest, built_at=built_at, max_id=largest)


def _current(office_id: int) -> _OfficeCorpus:
    """The office's corpus, with every document added since it was built (under the lock)."""
    with _lock:
        entry = _offices.get(office_id)
        if entry is None or time.monotonic() - entry.built_at > MAX_AGE:
            entry = _offices[office_id] = _build(office_id)
            return entry
        new = list(_read(office_id, entry.max_id))
        if not new:
            return entry
        if len(entry.overlay_codes) + len(new) > OVERLAY_LIMIT:
            entry = _offices[office_id] = _build(office_id)
            return entry
        codes = dict(entry.overlay_codes)
        codes.update(new)
        # A new entry object: a thread searching the previous one keeps a consistent view.
        entry = _offices[office_id] = _OfficeCorpus(
            main=entry.main,
            main_max_id=entry.main_max_id,
            built_at=entry.built_at,
            overlay_codes=codes,
            overlay=Corpus.build(codes.items()),
            max_id=max(entry.max_id, new[-1][0]),
        )
        return entry


def warm(office_id: int) -> None:
    """Build (or bring up to date) the office's corpus now, before forking checkers."""
    _current(office_id)


@dataclass(frozen=True)
class Snapshot:
    """The office's corpus as it stood when taken: one read of the new documents serves every
    essay checked against it."""

    entry: _OfficeCorpus

    def runs(self, codes: np.ndarray, exclude_ids: Iterable[int] = ()) -> dict[int, list[Found]]:
        """The runs the essay (normalised codes) shares with the office's documents, by
        document id; they may include documents deleted meanwhile."""
        exclude = list(exclude_ids)
        found = self.entry.main.runs(codes, exclude=exclude)
        if self.entry.overlay_codes:
            found.update(self.entry.overlay.runs(codes, exclude=exclude))
        return found


def snapshot(office_id: int) -> Snapshot:
    return Snapshot(_current(office_id))


def runs_for(
    office_id: int, codes: np.ndarray, exclude_ids: Iterable[int] = ()
) -> dict[int, list[Found]]:
    """`snapshot(office_id).runs(codes, exclude_ids)`."""
    return snapshot(office_id).runs(codes, exclude_ids)


def stats(office_id: int) -> dict[str, int] | None:
    """What the process holds for an office (for the command line and tests)."""
    entry = _offices.get(office_id)
    if entry is None:
        return None
    return {
        "main_max_id": entry.main_max_id,
        "max_id": entry.max_id,
        "overlay_documents": len(entry.overlay_codes),
        "bytes": entry.main.nbytes + entry.overlay.nbytes,
    }


def reset(office_id: int | None = None) -> None:
    """Forget the corpus of one office, or of all (tests; ids are reused after a rollback)."""
    with _lock:
        if office_id is None:
            _offices.clear()
        else:
            _offices.pop(office_id, None)
