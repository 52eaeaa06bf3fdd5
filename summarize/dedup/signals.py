"""Duplicate signals, cheapest first: exact key, character shingles (facts: :mod:`.facts`).

Character 5-gram shingles over the match key are used rather than word shingles
because Vietnamese syllables are short and a single inserted phrase ("trong Đảng
bộ Các cơ quan tỉnh") breaks far more word bigrams than character grams.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .facts import (
    Facts,
    fact_differences,
    facts,
    names_shared,
)  # re-exported: the digest reads them here

__all__ = [
    "Facts", "containment", "fact_differences", "facts", "jaccard", "names_shared",
    "shingle_columns", "shingles",
]  # fmt: skip

SHINGLE_SIZE = 5


def shingles(key: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """Character n-grams of a match key; a short key is its own single shingle."""
    if len(key) <= size:
        return frozenset([key]) if key else frozenset()
    return frozenset(key[i : i + size] for i in range(len(key) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(small: frozenset[str], large: frozenset[str]) -> float:
    """Share of ``small``'s shingles found in ``large``."""
    if not small:
        return 0.0
    return len(small & large) / len(small)


def shingle_columns(keys: Sequence[str], size: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """``shingles(key)`` of many keys at once, as a binary key × shingle matrix.

    The matrix comes in compressed-column form ``(indptr, rows)``: column ``j`` (one
    distinct shingle) has its ones in rows ``rows[indptr[j]:indptr[j + 1]]``, ascending,
    so row ``r`` holds exactly the shingle set of ``keys[r]``. Built for the engine
    without a Python loop over n-grams, and exactly: shingles are numbered, not hashed.
    Code points are ranked within the batch and an n-gram of ranks is read as a number
    in base ``len(alphabet)``; times the number of keys, plus the key's row, that fits
    in 64 bits for any Vietnamese or Latin batch (an alphabet of a few hundred), so one
    sort groups the shingles. A larger alphabet (a big CJK batch) falls back to a dict.
    Keys are joined by size - 1 NULs, rank 0, so that no n-gram spans two keys and a
    short key is its own single shingle (a key with a NUL in it falls back too).
    """
    gap, n = size - 1, len(keys)
    if not n:
        return np.zeros(1, np.int64), np.zeros(0, np.int64)
    text = ("\0" * gap).join(keys) + "\0" * gap
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    seen = np.bincount(points)
    alphabet = np.flatnonzero(seen)  # NUL first
    if len(alphabet) ** size * n >= 2**64 or text.count("\0") != gap * n:
        return _columns_by_dict(keys, size)
    rank = np.zeros(len(seen), np.uint64)
    rank[alphabet] = np.arange(len(alphabet), dtype=np.uint64)
    ranks = rank[points]
    grams = ranks[: len(ranks) - gap].copy()  # the n-gram starting at each position
    for offset in range(1, size):  # Horner, exact
        grams *= np.uint64(len(alphabet))
        grams += ranks[offset : len(ranks) - gap + offset]
    lengths = np.fromiter(map(len, keys), np.int64, n)
    counts = np.where(lengths == 0, 0, np.maximum(lengths - gap, 1))  # n-grams per key
    starts = np.cumsum(lengths + gap) - (lengths + gap)
    at = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
    rows = np.repeat(np.arange(n, dtype=np.uint64), counts)
    return _columns(np.sort(grams[at] * np.uint64(n) + rows), n)


def _columns_by_dict(keys: Sequence[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    ids: dict[str, int] = {}
    cells = [
        ids.setdefault(g, len(ids)) * len(keys) + r
        for r, k in enumerate(keys)
        for g in shingles(k, size)
    ]
    return _columns(np.sort(np.array(cells, np.uint64)), len(keys))


def _columns(cells: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Compressed columns from sorted cells ``shingle number * n + row``, repeats allowed."""
    if not len(cells):
        return np.zeros(1, np.int64), np.zeros(0, np.int64)
    cells = cells[np.concatenate(([True], cells[1:] != cells[:-1]))]
    grams, rows = np.divmod(cells, np.uint64(n))
    first = np.flatnonzero(np.concatenate(([True], grams[1:] != grams[:-1])))
    return np.append(first, len(cells)), rows.astype(np.int64)
