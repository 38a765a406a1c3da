"""An in-memory index from fingerprints to the documents holding them (two numpy arrays).

Looking up an essay's ~850 fingerprints is one binary search each in a sorted array, so a
check never compares the essay with every stored document. A fingerprint held by more than
`POSTINGS_CAP` documents (a slogan every essay quotes) keeps only that many: the run is still
found through them, and the report does not list a thousand sources for one stock phrase.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

POSTINGS_CAP = 64
# Candidates checked exactly, those sharing the most fingerprints first.
CANDIDATE_LIMIT = 400


class FingerprintIndex:
    def __init__(self, prints: np.ndarray, documents: np.ndarray) -> None:
        self.prints = prints  # sorted uint64
        self.documents = documents  # int32, parallel

    def __len__(self) -> int:
        return len(self.prints)

    @property
    def nbytes(self) -> int:
        return int(self.prints.nbytes + self.documents.nbytes)

    @classmethod
    def build(
        cls, items: Iterable[tuple[int, np.ndarray]], *, cap: int = POSTINGS_CAP
    ) -> FingerprintIndex:
        """From (document id, its fingerprints) pairs."""
        chunks_prints: list[np.ndarray] = []
        chunks_docs: list[np.ndarray] = []
        for document_id, prints in items:
            if len(prints):
                chunks_prints.append(prints.astype(np.uint64, copy=False))
                chunks_docs.append(np.full(len(prints), document_id, dtype=np.int32))
        if not chunks_prints:
            return cls(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32))
        prints_all = np.concatenate(chunks_prints)
        docs_all = np.concatenate(chunks_docs)
        del chunks_prints, chunks_docs
        order = np.lexsort((docs_all, prints_all))
        prints_all, docs_all = prints_all[order], docs_all[order]
        del order
        if len(prints_all):
            # Keep the first `cap` documents of each fingerprint.
            starts = np.flatnonzero(np.concatenate(([True], prints_all[1:] != prints_all[:-1])))
            rank = np.arange(len(prints_all)) - np.repeat(
                starts, np.diff(np.append(starts, len(prints_all)))
            )
            keep = rank < cap
            if not keep.all():
                prints_all, docs_all = prints_all[keep], docs_all[keep]
        return cls(prints_all, docs_all)

    def candidates(
        self,
        prints: np.ndarray,
        *,
        exclude: Iterable[int] = (),
        limit: int = CANDIDATE_LIMIT,
    ) -> list[tuple[int, int]]:
        """(document id, fingerprints shared) for the documents sharing any of `prints`, the
        most telling first (then by id), at most `limit`."""
        if len(self.prints) == 0 or len(prints) == 0:
            return []
        left = np.searchsorted(self.prints, prints, side="left")
        right = np.searchsorted(self.prints, prints, side="right")
        sizes = right - left
        total = int(sizes.sum())
        if total == 0:
            return []
        first = np.repeat(left, sizes)
        step = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        hits = self.documents[first + step]
        # A fingerprint few documents hold says more than one every essay holds: each hit
        # weighs 1 / (documents holding it), so a planted copy outranks shared stock phrases.
        weights = np.repeat(1.0 / sizes[sizes > 0], sizes[sizes > 0])
        documents, inverse, shared = np.unique(hits, return_inverse=True, return_counts=True)
        score = np.bincount(inverse, weights=weights, minlength=len(documents))
        excluded = np.fromiter(exclude, dtype=np.int64)
        if len(excluded):
            wanted = ~np.isin(documents, excluded)
            documents, shared, score = documents[wanted], shared[wanted], score[wanted]
        order = np.lexsort((documents, -score))[:limit]
        return [(int(documents[i]), int(shared[i])) for i in order]
