"""The stored side of the check: every document's normalised characters in one array, and a
sorted array of postings (fingerprint, position) over them.

An essay is checked in three vectorised steps, without reading any document's text:

1. Its winnowed fingerprints are looked up in the postings (two binary searches each). A
   fingerprint every essay holds (a stock phrase of eight characters) is followed to its first
   `POSTINGS_CAP` places only.
2. Each hit names an 8-character match at a known place. The 18 characters around it are
   compared with the essay's: a hit that does not sit inside 13 equal characters (a chance
   8-character match, or a 32-bit hash collision) is dropped. Winnowing guarantees that every
   shared run of 13 characters holds at least one hit, so nothing real is dropped.
3. The remaining hits are extended left and right character by character (in blocks) to the
   maximal run; hits of the same run give the same run once.

Characters are kept as 16-bit codes. Characters beyond the Basic Multilingual Plane (rare CJK
extensions) are folded into the private-use area, which normalised text never holds otherwise;
two different rare characters can then compare equal, which callers that map runs back to the
original texts check again.

Positions are 32-bit: one corpus holds up to about four thousand million characters (1.4 million
essays of 3,000 characters).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

from huodong.originality.engine.fingerprints import GRAM, MIN_RUN, WINDOW, gram_hashes

# A fingerprint held at more places than this (a stock phrase) is followed to the first ones
# only: a run made only of such fingerprints is itself a stock phrase, and the report does not
# need a thousand sources for it.
POSTINGS_CAP = 64
# Characters compared around a hit: a run of MIN_RUN holding this 8-gram starts at most this
# far before it and ends at most this far after it.
_REACH = MIN_RUN - GRAM
# Separators before the first document and after the last: windows around a hit never leave
# the array.
_PAD = 64
_SEPARATOR = 0
_EXTEND_STEP = 32
_BLOCK_CHARS = 4_000_000
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_NO_HASH = np.uint64(0xFFFFFFFFFFFFFFFF)
_MAX_CHARS = 2**32 - 2 * _PAD


def fold(codes: np.ndarray) -> np.ndarray:
    """Normalised code points (uint32) as the corpus keeps them (uint16, never 0)."""
    codes = np.asarray(codes)
    if len(codes) == 0 or int(codes.max()) < 0x10000:
        return codes.astype(np.uint16)
    high = codes >= 0x10000
    folded = codes.copy()
    folded[high] = 0xE000 + folded[high] % 0x1900
    return folded.astype(np.uint16)


def _winnowed(hashes: np.ndarray) -> np.ndarray:
    """Positions of the fingerprints among `hashes`: every position holding the smallest hash of
    some window of `WINDOW` consecutive grams. The choice depends on the window alone, so a
    window inside a run two texts share chooses the same grams in both. Hashes equal to
    `_NO_HASH` (grams across a separator) are never chosen."""
    count = len(hashes)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if count <= WINDOW:
        chosen = np.flatnonzero(hashes == hashes.min())
    else:
        windows = count - WINDOW + 1
        smallest = hashes[:windows].copy()
        for shift in range(1, WINDOW):
            np.minimum(smallest, hashes[shift : shift + windows], out=smallest)
        # A position is some window's minimum iff its hash equals the largest of the minima of
        # the windows holding it (each of those minima is at most its hash).
        padded = np.concatenate(
            (np.zeros(WINDOW - 1, dtype=np.uint64), smallest, np.zeros(WINDOW - 1, dtype=np.uint64))
        )
        largest = padded[:count].copy()
        for shift in range(1, WINDOW):
            np.maximum(largest, padded[shift : shift + count], out=largest)
        chosen = np.flatnonzero(hashes == largest)
    return chosen[hashes[chosen] != _NO_HASH]


def _postings(codes: np.ndarray, offset: int) -> np.ndarray:
    """The postings (hash's high 32 bits, then position + offset) of a stretch of the corpus
    holding whole documents between separators."""
    hashes = gram_hashes(codes, GRAM)
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.uint64)
    separators = np.concatenate(([0], np.cumsum(codes == _SEPARATOR)))
    across = separators[GRAM : GRAM + len(hashes)] != separators[: len(hashes)]
    hashes[across] = _NO_HASH
    chosen = _winnowed(hashes)
    postings = (hashes[chosen] >> _SHIFT) << _SHIFT
    postings |= chosen.astype(np.uint64) + np.uint64(offset)
    return postings


def query_prints(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An essay's fingerprints (high 32 bits of the hash) and their positions."""
    hashes = gram_hashes(codes, GRAM)
    chosen = _winnowed(hashes)
    return hashes[chosen] >> _SHIFT, chosen


@dataclass(frozen=True)
class Corpus:
    codes: np.ndarray  # uint16: separators, then each document followed by a separator
    starts: np.ndarray  # int64: where each document starts in `codes`, in key order of build
    keys: np.ndarray  # int64: the caller's id of each document
    postings: np.ndarray  # sorted uint64: (hash >> 32) << 32 | position in `codes`

    @classmethod
    def empty(cls) -> Corpus:
        return cls(
            np.zeros(2 * _PAD, dtype=np.uint16),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.uint64),
        )

    @classmethod
    def build(cls, items: Iterable[tuple[int, np.ndarray]]) -> Corpus:
        """From (integer id, normalised codes) pairs, a block at a time. The arrays grow in
        place (a `bytearray`, which the allocator extends by remapping pages, not copying), so
        at its peak the build holds the finished arrays and one block more."""
        codes_buffer = bytearray(np.zeros(_PAD, dtype="<u2").tobytes())
        postings_buffer = bytearray()
        keys: list[int] = []
        starts: list[int] = []
        pending: list[np.ndarray] = []
        pending_chars = 0
        offset = _PAD  # where the pending block starts

        def flush() -> None:
            nonlocal pending, pending_chars, offset
            if not pending:
                return
            block = np.zeros(pending_chars + len(pending), dtype="<u2")
            at = 0
            for document in pending:
                block[at : at + len(document)] = document
                at += len(document) + 1
            if offset + len(block) + _PAD > _MAX_CHARS:
                raise ValueError("A corpus holds at most 4,294 million characters.")
            codes_buffer.extend(block.tobytes())
            postings_buffer.extend(_postings(block, offset).astype("<u8").tobytes())
            offset += len(block)
            pending, pending_chars = [], 0

        for key, codes in items:
            document = fold(codes)
            keys.append(int(key))
            starts.append(offset + pending_chars + len(pending))
            pending.append(document)
            pending_chars += len(document)
            if pending_chars >= _BLOCK_CHARS:
                flush()
        flush()
        codes_buffer.extend(np.zeros(_PAD, dtype="<u2").tobytes())
        postings = np.frombuffer(postings_buffer, dtype="<u8")
        postings.sort()
        return cls(
            np.frombuffer(codes_buffer, dtype="<u2"),
            np.array(starts, dtype=np.int64),
            np.array(keys, dtype=np.int64),
            postings,
        )

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.starts.nbytes + self.keys.nbytes + self.postings.nbytes)

    def runs(
        self, codes: np.ndarray, *, exclude: Iterable[Hashable] = ()
    ) -> dict[int, list[tuple[int, int, int, int]]]:
        """Every maximal run of at least MIN_RUN characters the essay (normalised codes) shares
        with a document, by document id: (start, end) in the essay and (start, end) in the
        document, normalised positions, ordered by essay position."""
        if len(self.postings) == 0 or len(codes) < MIN_RUN:
            return {}
        essay = fold(codes)
        prints, places = query_prints(essay)
        if len(prints) == 0:
            return {}
        # Sorted needles: each binary search starts where the previous one ended, and the
        # postings they touch are mostly in the cache already.
        order = np.argsort(prints, kind="stable")
        prints, places = prints[order], places[order]
        low = np.searchsorted(self.postings, prints << _SHIFT, side="left")
        high = np.searchsorted(self.postings, (prints << _SHIFT) | _LOW32, side="right")
        sizes = np.minimum(high - low, POSTINGS_CAP)
        total = int(sizes.sum())
        if total == 0:
            return {}
        first = np.repeat(low, sizes)
        step = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        found_at = (self.postings[first + step] & _LOW32).astype(np.int64)
        essay_at = np.repeat(places, sizes)
        # The essay as int32 with -1 around it: never equal to a stored character or separator.
        padded = np.full(len(essay) + 2 * _EXTEND_STEP, -1, dtype=np.int32)
        padded[_EXTEND_STEP : _EXTEND_STEP + len(essay)] = essay
        essay_at = essay_at + _EXTEND_STEP

        around = np.arange(-_REACH, GRAM + _REACH)
        equal = padded[essay_at[:, None] + around] == self.codes[found_at[:, None] + around]
        left = np.cumprod(equal[:, _REACH - 1 :: -1], axis=1).sum(axis=1)
        right = np.cumprod(equal[:, _REACH + GRAM :], axis=1).sum(axis=1)
        real = equal[:, _REACH : _REACH + GRAM].all(axis=1) & (left + GRAM + right >= MIN_RUN)
        if not real.any():
            return {}
        essay_at, found_at = essay_at[real], found_at[real]
        documents = np.searchsorted(self.starts, found_at, side="right") - 1
        excluded = np.fromiter((int(key) for key in exclude), dtype=np.int64)  # type: ignore[call-overload]
        if len(excluded):
            wanted = ~np.isin(self.keys[documents], excluded)
            essay_at, found_at, documents = essay_at[wanted], found_at[wanted], documents[wanted]
            if len(essay_at) == 0:
                return {}
        # One hit per (document, diagonal, run): hits of one run extend to the same run, so
        # extend, then keep distinct runs.
        before = self._extend(padded, essay_at - 1, found_at - 1, -1)
        after = self._extend(padded, essay_at + GRAM, found_at + GRAM, 1)
        starts = essay_at - before - _EXTEND_STEP
        ends = essay_at + GRAM + after - _EXTEND_STEP
        source_starts = found_at - before - self.starts[documents]
        rows = np.unique(np.stack((documents, starts, ends, source_starts), axis=1), axis=0)
        found: dict[int, list[tuple[int, int, int, int]]] = {}
        for document, start, end, source_start in rows.tolist():
            found.setdefault(int(self.keys[document]), []).append(
                (start, end, source_start, source_start + end - start)
            )
        for runs in found.values():
            runs.sort()
        return found

    def _extend(
        self, padded: np.ndarray, essay_at: np.ndarray, found_at: np.ndarray, direction: int
    ) -> np.ndarray:
        """How many equal characters follow (direction 1) or precede (-1) the given places,
        counting from them: compared a block at a time, for all places at once."""
        counted = np.zeros(len(essay_at), dtype=np.int64)
        active = np.arange(len(essay_at))
        steps = np.arange(_EXTEND_STEP) * direction
        last = len(self.codes) - 1
        while len(active):
            mine = essay_at[active] + counted[active] * direction
            theirs = found_at[active] + counted[active] * direction
            mine_places = np.clip(mine[:, None] + steps, 0, len(padded) - 1)
            their_places = np.clip(theirs[:, None] + steps, 0, last)
            equal = padded[mine_places] == self.codes[their_places]
            whole = equal.all(axis=1)
            counted[active] += np.where(whole, _EXTEND_STEP, np.argmin(equal, axis=1))
            active = active[whole]
        return counted
