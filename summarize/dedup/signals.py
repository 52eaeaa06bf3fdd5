"""Duplicate signals, cheapest first: exact key, character shingles, facts.

Character 5-gram shingles over the match key are used rather than word shingles
because Vietnamese syllables are short and a single inserted phrase ("trong Đảng
bộ Các cơ quan tỉnh") breaks far more word bigrams than character grams.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE_SIZE = 5

_NUMBER = re.compile(r"\d+(?:[.,/:]\d+)*")


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


@dataclass(frozen=True)
class Facts:
    """What two wordings of one statement must agree on to be duplicates."""

    numbers: frozenset[str]
    names: frozenset[str]


def facts(text: str) -> Facts:
    """Numbers (separators dropped, so 1.916.383 == 1916383) and multi-syllable names.

    The first word of the text is ignored for names: every sentence starts with a
    capital letter, which says nothing about a name.
    """
    numbers = frozenset(m.replace(".", "").replace(",", "") for m in _NUMBER.findall(text))
    return Facts(numbers, frozenset(_names(text.split()[1:])))


def _names(words: list[str]) -> list[str]:
    """Runs of two or more capitalised syllables ("Ngô Hồng Quân")."""
    found: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if not word[:1].islower():  # most words: a lower-case letter first, no name
            core = word.strip(".,;:!?()[]“”\"'‘’«»…-")
            if core[:1].isupper() and core.isalpha():
                run.append(core)
                if core != word:  # punctuation closes the name
                    found.extend([" ".join(run)] if len(run) > 1 else [])
                    run = []
                continue
        if len(run) > 1:
            found.append(" ".join(run))
        run = []
    return found


def fact_differences(a: Facts, b: Facts, *, a_inside_b: bool = False) -> tuple[str, ...]:
    """Facts on which two similar texts disagree; empty means they may be duplicates.

    Numbers must match exactly (or be a subset when ``a`` is contained in ``b``):
    "tiếp nhận 120 bệnh nhân" and "200 bệnh nhân" are different statements however
    similar the rest is. Names only conflict when both texts name someone and the
    names are disjoint, because a rewording often drops a name but rarely swaps it.
    """
    diffs: list[str] = []
    if a_inside_b:
        extra = a.numbers - b.numbers
    else:
        extra = a.numbers ^ b.numbers
    diffs.extend(f"number {n}" for n in sorted(extra))
    if a.names and b.names and not _names_overlap(a.names, b.names):
        diffs.extend(f"name {n}" for n in sorted(a.names ^ b.names))
    return tuple(diffs)


def _names_overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    """True if some name in ``a`` shares its last syllables with one in ``b``.

    "Ngô Hồng Quân" and "đồng chí Quân" refer to one person; "Nguyễn Văn An" and
    "Nguyễn Văn Bình" do not.
    """
    for x in a:
        for y in b:
            if x == y or x.endswith(" " + y) or y.endswith(" " + x):
                return True
    return False
