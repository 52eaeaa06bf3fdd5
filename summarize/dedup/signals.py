"""Duplicate signals, cheapest first: exact key, character shingles, facts.

Character 5-gram shingles over the match key are used rather than word shingles
because Vietnamese syllables are short and a single inserted phrase ("trong Đảng
bộ Các cơ quan tỉnh") breaks far more word bigrams than character grams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    numbers = frozenset(re.sub(r"[.,]", "", m) for m in _NUMBER.findall(text))
    return Facts(numbers, frozenset(_names(text.split()[1:])))


def _names(words: list[str]) -> list[str]:
    """Runs of two or more capitalised syllables ("Ngô Hồng Quân")."""
    found: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
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
