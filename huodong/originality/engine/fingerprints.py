"""Hashes of character n-grams, and the sizes the fingerprints are chosen with.

A copied run counts from `MIN_RUN` (13) characters. Indexing every 13-gram of every essay
would keep 180 million entries for 60,000 essays; winnowing (Schleimer, Wilkerson and Aiken,
"Winnowing: local algorithms for document fingerprinting", the method of MOSS) keeps the
smallest hash of every window of `WINDOW` consecutive `GRAM`-grams, which guarantees that two
texts sharing a run of GRAM + WINDOW - 1 = 13 characters share at least one fingerprint, at a
density of about 2 / (WINDOW + 1): 29% of the positions (`corpus.py` chooses them).
"""

from __future__ import annotations

import numpy as np

MIN_RUN = 13
GRAM = 8
WINDOW = MIN_RUN - GRAM + 1  # 6

_BASE = np.uint64(0x100000001B3)  # odd: the polynomial hash keeps every code's low bits
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


def gram_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """The 64-bit hash of every k-gram (position i: codes[i:i+k]); empty if shorter than k."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    values = codes.astype(np.uint64)
    hashes = values[:n].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            hashes *= _BASE
            hashes += values[j : j + n]
        # A final mix (splitmix64) so that the low bits, and so the minima, are well spread.
        hashes ^= hashes >> np.uint64(30)
        hashes *= _MIX_1
        hashes ^= hashes >> np.uint64(27)
        hashes *= _MIX_2
        hashes ^= hashes >> np.uint64(31)
    return hashes
