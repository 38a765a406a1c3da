"""Near-duplicate suggestions: Chinese text compared on its character bigrams.

A text is normalised (NFKC, case folded, only letters and digits kept: punctuation and spaces
say nothing about the content) and cut into overlapping two-character grams, each a 42-bit
integer of its two code points. Grams that more than `COMMON_GRAM_SHARE` of the office's
suggestions contain (at least `COMMON_GRAM_FLOOR` of them) are boilerplate — 建议、希望、方便群众
— and are left out: they would make every pair of short suggestions look alike. Two
suggestions are as similar as the Jaccard index of their remaining gram sets: 1.0 for the same
words in any punctuation, about 0.6–0.8 for the same request worded a little differently, near
0 for different requests.

Grouping thousands of suggestions does not compare every pair: MinHash signatures (numpy,
`SIGNATURE` hash functions) are cut into `BANDS` bands of `ROWS_PER_BAND`; suggestions sharing
one band's values fall into one bucket, and each member of a bucket is compared exactly with
the bucket's `BUCKET_REPRESENTATIVES` oldest members (each pair once). A group is then an
anchor — the oldest suggestion not yet grouped — with every suggestion found similar to it
(≥ `GROUP_THRESHOLD`): every member is similar to its anchor, never a chain of "a bit like
the previous one". The work grows with the number of suggestions, not with its square.

The candidates of one suggestion ("possibly the same as") come from an inverted index of the
office's grams kept in the process (`OfficeIndex`), refreshed from the rows changed since it
was last read, compared the same way with a lower threshold (`CANDIDATE_THRESHOLD`).
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

GROUP_THRESHOLD = 0.6
CANDIDATE_THRESHOLD = 0.35
SIGNATURE = 24
ROWS_PER_BAND = 2
BANDS = SIGNATURE // ROWS_PER_BAND
BUCKET_REPRESENTATIVES = 3
# A gram found in more suggestions than this share is too common to point at a duplicate.
COMMON_GRAM_SHARE = 0.05
COMMON_GRAM_FLOOR = 50
MAX_CANDIDATES = 5
# How far below the threshold a pair's MinHash estimate may fall and still be checked exactly
# (24 hashes: the estimate's standard deviation is about 0.1).
ESTIMATE_MARGIN = 0.15
_NOT_WORD = re.compile(r"[\W_]+")

_SEEDS = np.random.default_rng(20180620).integers(1, 2**63, size=SIGNATURE, dtype=np.uint64)


def normalise(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def grams(text: str) -> frozenset[int]:
    """The set of character bigrams of a text (a one-character text: that character)."""
    codes = [ord(ch) for ch in normalise(text)]
    if len(codes) < 2:
        return frozenset(codes)
    return frozenset((a << 21) | b for a, b in itertools.pairwise(codes))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def similarity(text_a: str, text_b: str) -> float:
    return jaccard(grams(text_a), grams(text_b))


# --- Grouping ---------------------------------------------------------------------------------


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a good 64-bit hash of each value (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def signatures(sets: Sequence[frozenset[int]]) -> np.ndarray:
    """The MinHash signature of each non-empty gram set, one row each."""
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    if not len(sets):
        return np.zeros((0, SIGNATURE), dtype=np.uint64)
    flat = np.fromiter((g for s in sets for g in s), dtype=np.uint64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    out = np.empty((len(sets), SIGNATURE), dtype=np.uint64)
    for k, seed in enumerate(_SEEDS):
        out[:, k] = np.minimum.reduceat(_mix(flat ^ seed), starts)
    return out


@dataclass(frozen=True)
class Group:
    """Suggestions that say nearly the same: the first (the anchor, the oldest) and each
    member's similarity to it."""

    members: tuple[tuple[int, float], ...]  # (key, similarity to the anchor), anchor first

    @property
    def keys(self) -> list[int]:
        return [key for key, _similarity in self.members]


def common_limit(count: int) -> int:
    """How many suggestions may share a gram before it counts as boilerplate."""
    return max(COMMON_GRAM_FLOOR, int(COMMON_GRAM_SHARE * count))


def distinctive(
    sets: Sequence[frozenset[int]], frequency: Counter[int] | None = None
) -> list[frozenset[int]]:
    """Each set without the grams too many of the sets share (建议、方便群众…): they would make
    every pair of suggestions look alike. A set made only of common grams keeps them all."""
    if frequency is None:
        frequency = Counter(g for s in sets for g in s)
    limit = common_limit(len(sets))
    out = []
    for grams_of in sets:
        kept = frozenset(g for g in grams_of if frequency[g] <= limit)
        out.append(kept or grams_of)
    return out


def near_duplicate_groups(
    items: Sequence[tuple[int, frozenset[int]]], *, threshold: float = GROUP_THRESHOLD
) -> list[Group]:
    """Groups of at least two near-duplicates among `(key, grams)` items: each group's anchor
    is its oldest suggestion (smallest key) and every member is similar to the anchor (no
    chains of "a bit like the previous one"). The largest groups first."""
    kept = sorted(((key, g) for key, g in items if g), key=lambda item: item[0])
    if len(kept) < 2:
        return []
    all_sets = distinctive([g for _key, g in kept])
    # Copies (the same distinctive grams) are compared once, through their oldest.
    first_of: dict[frozenset[int], int] = {}
    copies: dict[int, list[int]] = {}
    unique: list[int] = []
    for index, grams_of in enumerate(all_sets):
        first = first_of.setdefault(grams_of, index)
        if first == index:
            unique.append(index)
        else:
            copies.setdefault(first, []).append(index)
    sets = [all_sets[i] for i in unique]
    neighbours = _similar_pairs(sets, threshold)
    assigned: set[int] = set()
    groups = []
    for u, index in enumerate(unique):
        if u in assigned:
            continue
        found = [(other, score) for other, score in neighbours.get(u, ()) if other not in assigned]
        if not found and index not in copies:
            continue
        assigned.add(u)
        assigned.update(other for other, _score in found)
        members = [(index, 1.0)] + [(i, 1.0) for i in copies.get(index, ())]
        for other, score in sorted(found):
            original = unique[other]
            members += [(original, score)] + [(i, score) for i in copies.get(original, ())]
        members.sort()
        groups.append(Group(members=tuple((kept[i][0], round(score, 3)) for i, score in members)))
    groups.sort(key=lambda g: (-len(g.members), g.members[0][0]))
    return groups


def _similar_pairs(
    sets: list[frozenset[int]], threshold: float
) -> dict[int, list[tuple[int, float]]]:
    """For each set, the younger sets similar to it (≥ threshold), found through MinHash
    buckets: each bucket member is paired with the bucket's oldest few; the pairs' MinHash
    estimate sorts out the hopeless ones (numpy), the rest are compared exactly."""
    count = len(sets)
    if count < 2:
        return {}
    sig = signatures(sets)
    codes = []
    for band in range(BANDS):
        left = sig[:, band * ROWS_PER_BAND]
        right = sig[:, band * ROWS_PER_BAND + 1]
        keys = _mix(left ^ _mix(right + np.uint64(band)))
        order = np.argsort(keys, kind="stable")  # within a bucket: oldest first
        ordered = keys[order]
        new_bucket = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        starts = np.maximum.accumulate(np.where(new_bucket, np.arange(count), 0))
        rank = np.arange(count) - starts
        for r in range(BUCKET_REPRESENTATIVES):
            younger = np.flatnonzero(rank > r)
            if not len(younger):
                break
            older = order[starts[younger] + r]
            codes.append(older.astype(np.int64) * count + order[younger].astype(np.int64))
    if not codes:
        return {}
    pairs = np.unique(np.concatenate(codes))
    older, younger = np.divmod(pairs, count)
    # MinHash agreement estimates the Jaccard index; far below the threshold is not checked.
    agree = np.zeros(len(pairs), dtype=np.int16)
    for k in range(SIGNATURE):
        agree += sig[older, k] == sig[younger, k]
    hopeful = agree >= max(1, int((threshold - ESTIMATE_MARGIN) * SIGNATURE))
    neighbours: dict[int, list[tuple[int, float]]] = {}
    for a, b in zip(older[hopeful].tolist(), younger[hopeful].tolist(), strict=True):
        score = jaccard(sets[a], sets[b])
        if score >= threshold:
            neighbours.setdefault(a, []).append((b, score))
    return neighbours


# --- One suggestion's candidates, from an office's index kept in the process -----------------


@dataclass
class OfficeIndex:
    """The office's suggestions as gram sets with an inverted index, refreshed by `updated_at`."""

    grams: dict[int, frozenset[int]] = field(default_factory=dict)
    postings: dict[int, set[int]] = field(default_factory=dict)
    seen_updated_at: Any = None
    last_pk: int = 0
    count: int = 0

    def put(self, key: int, text: str) -> None:
        old = self.grams.get(key)
        new = grams(text)
        if old == new:
            return
        if old is not None:
            for gram in old - new:
                self.postings.get(gram, set()).discard(key)
        for gram in new - (old or frozenset()):
            self.postings.setdefault(gram, set()).add(key)
        self.grams[key] = new

    def candidates(
        self,
        key: int,
        *,
        threshold: float = CANDIDATE_THRESHOLD,
        exclude: Iterable[int] = (),
        limit: int = MAX_CANDIDATES,
    ) -> list[tuple[int, float]]:
        """The suggestions most like `key`'s, with their similarity, most similar first. Both
        sides are compared on their distinctive grams, as the grouping does."""
        mine = self.grams.get(key)
        if not mine:
            return []
        limit_df = common_limit(len(self.grams))

        def distinct(of: frozenset[int]) -> frozenset[int]:
            kept = frozenset(g for g in of if len(self.postings.get(g, ())) <= limit_df)
            return kept or of

        mine = distinct(mine)
        shared: Counter[int] = Counter()
        for gram in mine:
            shared.update(self.postings.get(gram, ()))
        # Jaccard ≥ t needs at least t·|mine| shared grams.
        needed = max(1, math.ceil(threshold * len(mine)))
        excluded = {key, *exclude}
        found = []
        for other, count in shared.items():
            if count < needed or other in excluded:
                continue
            score = jaccard(mine, distinct(self.grams[other]))
            if score >= threshold:
                found.append((other, round(score, 3)))
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found[:limit]


_lock = threading.Lock()
_offices: dict[int, OfficeIndex] = {}


def office_index(office_id: int) -> OfficeIndex:
    """The office's index, brought up to date with the suggestions changed since last time."""
    from django.db.models import Count, Max, Q

    from huodong.suggestions.models import Suggestion

    rows = Suggestion.objects.filter(office_id=office_id)
    state = rows.aggregate(n=Count("pk"), top=Max("updated_at"), last=Max("pk"))
    with _lock:
        index = _offices.get(office_id)
        if index is None or index.count > state["n"]:
            index = OfficeIndex()
        changed = rows
        if index.seen_updated_at is not None:
            # Rows saved in the same instant as the last read are read again: harmless. New
            # rows are read by their id too: one recorded at a staged moment (the demo) may
            # carry an older time than the last read.
            changed = rows.filter(
                Q(updated_at__gte=index.seen_updated_at) | Q(pk__gt=index.last_pk)
            )
        for pk, text in changed.values_list("pk", "text").iterator(chunk_size=2000):
            index.put(pk, text)
        index.seen_updated_at = state["top"]
        index.last_pk = state["last"] or 0
        index.count = state["n"]
        _offices[office_id] = index
        return index


def reset() -> None:
    """Forget every office's index (tests roll back rows whose ids come back)."""
    with _lock:
        _offices.clear()
