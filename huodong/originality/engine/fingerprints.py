"""Hashes of character n-grams, and the winnowed fingerprints the index keeps.

A copied run counts from `MIN_RUN` (13) characters. Comparing every 13-gram of every essay
would keep 180 million entries for 60,000 essays; winnowing (Schleimer, Wilkerson and Aiken,
"Winnowing: local algorithms for document fingerprinting", the method of MOSS) keeps the
smallest hash of every window of `WINDOW` consecutive `GRAM`-grams, which guarantees that two
texts sharing a run of GRAM + WINDOW - 1 = 13 characters share at least one fingerprint, at a
density of about 2 / (WINDOW + 1): 29% of the positions. The index finds candidates with them;
the runs themselves are then found exactly, from every 13-gram of the essay and the candidate.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            hashes = hashes * _BASE + values[j : j + n]
        # A final mix (splitmix64) so that the low bits, and so the minima, are well spread.
        hashes ^= hashes >> np.uint64(30)
        hashes *= _MIX_1
        hashes ^= hashes >> np.uint64(27)
        hashes *= _MIX_2
        hashes ^= hashes >> np.uint64(31)
    return hashes


def winnow(hashes: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Positions of the fingerprints: in each window the rightmost smallest hash."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(hashes) <= window:
        reverse = hashes[::-1]
        return np.array([len(hashes) - 1 - int(np.argmin(reverse))], dtype=np.int64)
    windows = sliding_window_view(hashes, window)[:, ::-1]
    rightmost = window - 1 - np.argmin(windows, axis=1)
    return np.unique(np.arange(len(windows)) + rightmost)


def fingerprints(codes: np.ndarray) -> np.ndarray:
    """The text's distinct fingerprints (sorted uint64), what the index stores for it."""
    hashes = gram_hashes(codes, GRAM)
    return np.unique(hashes[winnow(hashes)])


def to_bytes(prints: np.ndarray) -> bytes:
    return np.ascontiguousarray(prints, dtype="<u8").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u8").astype(np.uint64)
