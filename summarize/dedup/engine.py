"""The one duplicate engine: used for paragraphs, sentences and (in bulk) documents.

It works on plain items (a match key, the original text and optionally an
embedding) so the same code serves every level. Decisions are made by *leader
clustering*: items are visited in keep-priority order and each one either joins
the cluster of an already-kept item it duplicates, or becomes a kept item
itself. Unlike union-find, this never chains A~B~C into a cluster where A and C
differ, so every removed item is a duplicate of the exact item that was kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .signals import containment, fact_differences, facts, jaccard, shingles

Keep = Literal["first", "longest"]


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds; the semantic one is calibrated per model (see dedup.calibration)."""

    near_exact: float = 0.8  # shingle Jaccard
    contained: float = 0.9  # share of the shorter item's shingles in the longer one
    min_contained_words: int = 8  # shorter items are headings, not duplicated statements
    semantic: float | None = None  # cosine; None disables the semantic signal
    min_semantic_words: int = 6  # short lines ("Mới nhất") are all alike to an encoder
    # Two sentences of one article on one topic reach e5 cosines of 0.93-0.95 without
    # repeating each other; a real rewording still shares wording. Requiring this
    # shingle Jaccard costs 0.8 points of recall on vnPara (P 0.980 -> 0.985).
    min_semantic_overlap: float = 0.2
    keep: Keep = "first"


DEFAULT_CONFIG = DedupConfig()


@dataclass(frozen=True)
class Item:
    key: str  # match key (normalised, punctuation dropped)
    text: str  # original text, for the fact guard


@dataclass(frozen=True)
class Match:
    """``index`` duplicates the kept item ``kept``; ``signal`` says why."""

    index: int
    kept: int
    signal: str  # "exact" | "near-exact" | "contained" | "semantic"
    score: float


@dataclass(frozen=True)
class Conflict:
    """Two similar items that state different facts: both are kept, and reported."""

    index: int
    other: int
    signal: str
    score: float
    differences: tuple[str, ...]


@dataclass
class Cluster:
    id: str
    kept: int
    members: list[Match] = field(default_factory=list)


@dataclass
class Grouping:
    clusters: list[Cluster]
    conflicts: list[Conflict]

    @property
    def removed(self) -> dict[int, Match]:
        return {m.index: m for c in self.clusters for m in c.members}


def cluster_id(level: str, key: str) -> str:
    """Stable id: depends only on the level and the kept item's match key."""
    prefix = _LEVEL_PREFIX.get(level, level[:1])
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


_LEVEL_PREFIX = {"paragraph": "p", "sentence": "s", "phrase": "r", "document": "d"}


def find_duplicates(
    items: Sequence[Item],
    embeddings: np.ndarray | None = None,
    *,
    level: str = "sentence",
    config: DedupConfig = DEFAULT_CONFIG,
    candidates: Sequence[int] | None = None,
) -> Grouping:
    """Group duplicate items; ``candidates`` restricts which items take part."""
    active = list(range(len(items))) if candidates is None else list(candidates)
    order = _keep_order(items, active, config.keep)
    grams = {i: shingles(items[i].key) for i in active}
    words = {i: len(items[i].key.split()) for i in active}
    use_semantic = embeddings is not None and config.semantic is not None

    kept: list[int] = []
    clusters: dict[int, Cluster] = {}
    conflicts: list[Conflict] = []
    for i in order:
        if not items[i].key:
            continue
        best: tuple[int, str, float] | None = None
        for k in kept:
            decision = _compare(i, k, items, grams, words, embeddings, use_semantic, config)
            if decision is None:
                continue
            signal, score, diffs = decision
            if diffs:
                conflicts.append(Conflict(i, k, signal, score, diffs))
                continue
            if best is None or _rank(signal, score) > _rank(best[1], best[2]):
                best = (k, signal, score)
        if best is None:
            kept.append(i)
            clusters[i] = Cluster(cluster_id(level, items[i].key), i)
        else:
            clusters[best[0]].members.append(Match(i, best[0], best[1], round(best[2], 4)))
    found = [c for c in clusters.values() if c.members]
    for c in found:
        c.members.sort(key=lambda m: m.index)
    found.sort(key=lambda c: c.kept)
    return Grouping(found, sorted(conflicts, key=lambda c: (c.index, c.other)))


_SIGNAL_RANK = {"exact": 3, "near-exact": 2, "contained": 1, "semantic": 0}


def _rank(signal: str, score: float) -> tuple[int, float]:
    return (_SIGNAL_RANK[signal], score)


def _keep_order(items: Sequence[Item], active: list[int], keep: Keep) -> list[int]:
    if keep == "longest":
        return sorted(active, key=lambda i: (-len(items[i].key), i))
    return sorted(active)


def _compare(
    i: int,
    k: int,
    items: Sequence[Item],
    grams: dict[int, frozenset[str]],
    words: dict[int, int],
    embeddings: np.ndarray | None,
    use_semantic: bool,
    config: DedupConfig,
) -> tuple[str, float, tuple[str, ...]] | None:
    """The strongest signal that fires for a pair, with any fact conflict."""
    if items[i].key == items[k].key:
        return ("exact", 1.0, ())
    a, b = grams[i], grams[k]
    score = jaccard(a, b)
    if score >= config.near_exact:
        return ("near-exact", score, _guard(items, i, k))
    # Only the item being placed can be "contained": an earlier kept item is never
    # removed after the fact, so a later, longer wording stays (and is reported by
    # the semantic signal at most).
    if words[i] >= config.min_contained_words and len(a) <= len(b):
        inside = containment(a, b)
        if inside >= config.contained:
            return ("contained", inside, _guard(items, i, k, inside=True))
    if use_semantic and min(words[i], words[k]) >= config.min_semantic_words:
        assert embeddings is not None and config.semantic is not None
        cosine = float(embeddings[i] @ embeddings[k])
        if cosine >= config.semantic and score >= config.min_semantic_overlap:
            return ("semantic", cosine, _guard(items, i, k))
    return None


def _guard(items: Sequence[Item], a: int, b: int, *, inside: bool = False) -> tuple[str, ...]:
    return fact_differences(facts(items[a].text), facts(items[b].text), a_inside_b=inside)
