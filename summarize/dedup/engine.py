"""The one duplicate engine: used for paragraphs, sentences and (in bulk) documents.

It works on plain items (a match key, the original text and optionally an
embedding) so the same code serves every level. Decisions are made by *leader
clustering*: items are visited in keep-priority order and each one either joins
the cluster of an already-kept item it duplicates, or becomes a kept item
itself. Unlike union-find, this never chains A~B~C into a cluster where A and C
differ, so every removed item is a duplicate of the exact item that was kept.

Which signal a pair fires is defined pair by pair (``_Pairwise``, with the
definitions in :mod:`.signals`); beyond a handful of items the same decisions are
computed for all pairs at once with array arithmetic (``_Pairs``: shingle overlaps
counted per shared shingle, a block of rows at a time so that memory stays
bounded for thousands of items). Either way only the pairs where a signal fires
reach the Python loop below and the fact guard.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..config import Keep
from .decision import PairDecision, pair_features
from .facts import Facts, fact_differences, facts, same_values
from .signals import containment, jaccard, shingle_columns, shingles


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds; the decision by meaning is calibrated per model (see dedup.calibration).

    ``decision``: the calibrated decision (:mod:`.decision`) that replaces the single
    ``semantic`` cosine threshold; either needs ``semantic`` not None (None turns
    meaning off). ``cross_lingual``: the cosine at which two items in different
    languages (``Item.script``) are duplicates; None: such pairs only meet the text
    signals (which never fire across languages).
    """

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
    decision: PairDecision | None = None
    cross_lingual: float | None = None
    min_cross_lingual_words: int = 3  # a translation is often shorter than its source


DEFAULT_CONFIG = DedupConfig()


@dataclass(frozen=True)
class Item:
    key: str  # match key (normalised, punctuation dropped)
    text: str  # original text, for the fact guard
    script: str = ""  # language or script (dedup.language); "" unknown: same as any


@dataclass(frozen=True)
class Match:
    """``index`` duplicates the kept item ``kept``; ``signal`` says why."""

    index: int
    kept: int
    signal: str  # "exact" | "near-exact" | "contained" | "semantic" | "cross-lingual"
    score: float  # the signal's own score; for "semantic" with a decision, its probability


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
    order = [i for i in _keep_order(items, active, config.keep) if items[i].key]
    if len(order) < 2:  # nothing to compare (an article of one paragraph, say)
        return Grouping([], [])
    vectors = embeddings if config.semantic is not None else None
    pairs = (_Pairwise if len(order) <= _PAIRWISE else _Pairs)(items, order, vectors, config)
    known: dict[int, Facts] = {}
    kept = [False] * len(order)  # by position in ``order``
    clusters: dict[int, Cluster] = {}  # by kept item, once it has a member
    conflicts: list[Conflict] = []
    for lo, hi in pairs.blocks:
        firing = pairs.firing(lo, hi, kept)
        for p in range(lo, hi):
            i = order[p]
            best: tuple[int, str, float] | None = None
            for q, signal, found in firing.get(p, ()):
                if not kept[q]:
                    continue
                k = order[q]
                judged = _judge(items, i, k, signal, found, known, config.decision)
                if judged is None:
                    continue
                score, diffs = judged
                if diffs:
                    conflicts.append(Conflict(i, k, signal, score, diffs))
                    continue
                if best is None or _rank(signal, score) > _rank(best[1], best[2]):
                    best = (k, signal, score)
            if best is None:
                kept[p] = True
                continue
            k = best[0]
            if k not in clusters:
                clusters[k] = Cluster(cluster_id(level, items[k].key), k)
            clusters[k].members.append(Match(i, k, best[1], round(best[2], 4)))
    found = sorted(clusters.values(), key=lambda c: c.kept)
    for c in found:
        c.members.sort(key=lambda m: m.index)
    return Grouping(found, sorted(conflicts, key=lambda c: (c.index, c.other)))


_SIGNAL_RANK = {"exact": 3, "near-exact": 2, "contained": 1, "semantic": 0, "cross-lingual": -1}
_SIGNALS = {rank: signal for signal, rank in _SIGNAL_RANK.items() if rank >= 0}
# Up to this many items, pair by pair is faster than the arrays' fixed cost.
_PAIRWISE = 4
# Per block of rows, at most this many pairs (a few arrays of them are alive at once)
# and this many shingles shared with an earlier item (the overlap count's work).
_CELLS = 1 << 20
_SHARED = 1 << 21
# Semantic candidates in a block (pairs over the shingle-overlap floor) beyond which
# a matrix product narrows them before the per-pair products that decide.
_PER_PAIR = 256

# row -> [(earlier column, signal, score or the features a decision reads)]
_Firing = dict[int, list[tuple[int, str, float | tuple[float, ...]]]]


def _rank(signal: str, score: float) -> tuple[int, float]:
    return (_SIGNAL_RANK[signal], score)


def _keep_order(items: Sequence[Item], active: list[int], keep: Keep) -> list[int]:
    if keep == "longest":
        return sorted(active, key=lambda i: (-len(items[i].key), i))
    return sorted(active)


def _cosine(embeddings: np.ndarray, i: int, k: int) -> float:
    return float(embeddings[i] @ embeddings[k])


class _Pairwise:
    """The strongest signal of each pair, pair by pair: the definition.

    Items are addressed by position in keep order; row ``p`` is the item being
    placed, and its columns are the items before it (``q < p``).
    """

    def __init__(
        self,
        items: Sequence[Item],
        order: list[int],
        embeddings: np.ndarray | None,
        config: DedupConfig,
    ) -> None:
        self.items, self.order, self.embeddings, self.config = items, order, embeddings, config
        self.grams = [shingles(items[i].key) for i in order]
        self.words = [len(items[i].key.split()) for i in order]
        self.scripts = [items[i].script for i in order]
        self.meaning = _Meaning(config)
        self.blocks = [(0, len(order))]

    def firing(self, lo: int, hi: int, kept: list[bool]) -> _Firing:
        """Rows lo..hi-1 (one block: all of them), each against every earlier column."""
        out: _Firing = {}
        for p in range(lo, hi):
            for q in range(p):
                found = self.signal(p, q)
                if found is not None:
                    out.setdefault(p, []).append((q, *found))
        return out

    def signal(self, p: int, q: int) -> tuple[str, float | tuple[float, ...]] | None:
        c, i, k = self.config, self.order[p], self.order[q]
        if self.items[i].key == self.items[k].key:
            return ("exact", 1.0)
        a, b = self.grams[p], self.grams[q]
        score = jaccard(a, b)
        if score >= c.near_exact:
            return ("near-exact", score)
        # Only the item being placed can be "contained": an earlier kept item is never
        # removed after the fact, so a later, longer wording stays (and is reported by
        # the semantic signal at most).
        if self.words[p] >= c.min_contained_words and len(a) <= len(b):
            inside = containment(a, b)
            if inside >= c.contained:
                return ("contained", inside)
        if self.embeddings is None:
            return None
        cross = self.meaning.across(self.scripts[p], self.scripts[q])
        words = min(self.words[p], self.words[q])
        if not self.meaning.candidate(cross, words, score):
            return None
        small, large = sorted((len(a), len(b)))
        inter = len(a & b)
        cosine = _cosine(self.embeddings, i, k)
        return self.meaning.decide(cross, cosine, score, inter / small, small / large)


class _Meaning:
    """The decision by meaning of one pair, shared by both ways of finding pairs."""

    def __init__(self, config: DedupConfig) -> None:
        self.config, d = config, config.decision
        self.overlap = d.min_overlap if d is not None else config.min_semantic_overlap
        # The cosine below which no pair can be a duplicate: a prefilter, never a decision.
        self.floor = d.min_cosine() if d is not None else (config.semantic or 1.0)

    def across(self, a: str, b: str) -> bool:
        """Two items in different languages, with cross-lingual duplicates asked for."""
        return self.config.cross_lingual is not None and a != b and bool(a) and bool(b)

    def candidate(self, cross: bool, words: int, jaccard: float) -> bool:
        c = self.config
        if cross:
            return words >= c.min_cross_lingual_words
        return words >= c.min_semantic_words and jaccard >= self.overlap

    def minimum(self, cross: bool) -> float:
        return self.config.cross_lingual if cross else self.floor  # type: ignore[return-value]

    def decide(
        self, cross: bool, cosine: float, jaccard: float, inside: float, ratio: float
    ) -> tuple[str, float | tuple[float, ...]] | None:
        """("cross-lingual", cosine), ("semantic", cosine) by threshold, ("semantic",
        features) for the decision to judge with the facts, or None."""
        if not cosine >= self.minimum(cross):
            return None
        if cross:
            return ("cross-lingual", cosine)
        if self.config.decision is not None:
            return ("semantic", (cosine, jaccard, inside, ratio))
        return ("semantic", cosine)


class _Pairs:
    """What :class:`_Pairwise` decides, for all pairs at once with arrays.

    Overlaps come from the item × shingle matrix in compressed columns: in a column
    the items are ascending, so an entry's predecessors are the earlier items that
    share its shingle; counting (item, predecessor) pairs gives every overlap
    without a dense product. Rows are taken a block at a time, in keep order, so
    that columns already decided and not kept are skipped.
    """

    def __init__(
        self,
        items: Sequence[Item],
        order: list[int],
        embeddings: np.ndarray | None,
        config: DedupConfig,
    ) -> None:
        keys = [items[i].key for i in order]
        self.order, self.embeddings, self.config = order, embeddings, config
        ids: dict[str, int] = {}
        self.key_ids = np.array([ids.setdefault(k, len(ids)) for k in keys])
        self.words = np.array([len(k.split()) for k in keys])
        scripts: dict[str, int] = {"": 0}
        self.scripts = np.array([scripts.setdefault(items[i].script, len(scripts)) for i in order])
        self.meaning = _Meaning(config)
        indptr, self.owner = shingle_columns(keys)
        self.first = np.repeat(indptr[:-1], np.diff(indptr))  # first entry of the column
        self.shared = np.arange(len(self.owner)) - self.first  # earlier items sharing it
        self.sizes = np.bincount(self.owner, minlength=len(keys))  # len(shingles(key))
        self.blocks = _blocks(self.owner, self.shared, len(keys))

    def overlaps(self, lo: int, hi: int) -> np.ndarray:
        """``out[p - lo, q]``: shingles shared by rows lo <= p < hi and earlier items q < p."""
        whole = lo == 0 and hi == len(self.sizes)
        entries = slice(None) if whole else np.flatnonzero((self.owner >= lo) & (self.owner < hi))
        count = self.shared[entries]
        rows = np.repeat(self.owner[entries] - lo, count)
        step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        columns = self.owner[np.repeat(self.first[entries], count) + step]
        return np.bincount(rows * hi + columns, minlength=(hi - lo) * hi).reshape(hi - lo, hi)

    def firing(self, lo: int, hi: int, kept: list[bool]) -> _Firing:
        """Rows lo..hi-1 against earlier columns that may be kept (kept before ``lo``,
        undecided from ``lo``), columns ascending as in :meth:`_Pairwise.firing`."""
        c = self.config
        inter = self.overlaps(lo, hi)
        a, b = self.sizes[lo:hi, None], self.sizes[:hi]
        jaccard = inter / (a + b - inter)  # as signals.jaccard: same floats
        inside = inter / a
        words = self.words[lo:hi, None]
        # In rising priority, so that each pair ends with its strongest signal.
        signal = np.full(inter.shape, -1, np.int8)
        cross = np.zeros(inter.shape, bool)
        if self.embeddings is not None:  # then decided by the cosine, per pair, below
            fewest = np.minimum(words, self.words[:hi])
            both = fewest >= c.min_semantic_words
            signal[both & (jaccard >= self.meaning.overlap)] = 0
            if c.cross_lingual is not None:
                row, column = self.scripts[lo:hi, None], self.scripts[:hi]
                cross = (row != column) & (row > 0) & (column > 0)
                signal[cross] = -1
                signal[cross & (fewest >= c.min_cross_lingual_words)] = 0
        signal[(words >= c.min_contained_words) & (a <= b) & (inside >= c.contained)] = 1
        signal[jaccard >= c.near_exact] = 2
        signal[self.key_ids[lo:hi, None] == self.key_ids[:hi]] = 3
        earlier = np.arange(lo, hi)[:, None] > np.arange(hi)
        earlier[:, :lo] &= np.array(kept[:lo], bool)
        signal[~earlier] = -1
        floor = np.where(cross, c.cross_lingual or 1.0, self.meaning.floor)
        if self.embeddings is not None and np.count_nonzero(signal == 0) > _PER_PAIR:
            signal[(signal == 0) & ~self.may_reach(lo, hi, floor)] = -1
        rows, columns = np.nonzero(signal >= 0)
        small, large = np.minimum(a, b), np.maximum(a, b)
        out: _Firing = {}
        for r, q, code, j, inner, across in zip(
            rows.tolist(),
            columns.tolist(),
            signal[rows, columns].tolist(),
            jaccard[rows, columns].tolist(),
            inside[rows, columns].tolist(),
            cross[rows, columns].tolist(),
            strict=True,
        ):
            p = r + lo
            if code == 0:
                assert self.embeddings is not None
                cosine = _cosine(self.embeddings, self.order[p], self.order[q])
                shared = int(inter[r, q])
                ratios = (shared / int(small[r, q]), int(small[r, q]) / int(large[r, q]))
                found = self.meaning.decide(across, cosine, j, *ratios)
                if found is not None:
                    out.setdefault(p, []).append((q, *found))
                continue
            out.setdefault(p, []).append((q, _SIGNALS[code], (j, inner, j, 1.0)[code]))
        return out

    def may_reach(self, lo: int, hi: int, floor: np.ndarray) -> np.ndarray:
        """Pairs whose per-pair cosine may reach ``floor``, by one matrix product.

        A float dot product of d terms is off by at most d * eps/2 * |a| |b|, whatever
        the summation order; a margin of twice that for each of the two products (this
        one and the per-pair one that decides) keeps every pair that can.
        """
        assert self.embeddings is not None
        vectors = np.asarray(self.embeddings[self.order[:hi]])
        eps = np.finfo(np.result_type(vectors.dtype, np.float16)).eps
        vectors = vectors.astype(np.promote_types(vectors.dtype, np.float32))
        margin = vectors.shape[1] * (eps + np.finfo(vectors.dtype).eps)
        norms = np.linalg.norm(vectors.astype(np.float64), axis=1)
        cosine = vectors[lo:hi] @ vectors.T
        return cosine >= floor - margin * norms[lo:hi, None] * norms


def _blocks(owner: np.ndarray, shared: np.ndarray, n: int) -> list[tuple[int, int]]:
    """Consecutive row ranges within the budgets (entry ``e`` of row ``owner[e]`` costs
    ``shared[e]`` in the overlap count)."""
    if n * n <= _CELLS and shared.sum() <= _SHARED:
        return [(0, n)]
    work = np.bincount(owner, shared, n)
    blocks, lo, load = [], 0, 0.0
    for p in range(n):
        if p > lo and (load + work[p] > _SHARED or (p + 1 - lo) * (p + 1) > _CELLS):
            blocks.append((lo, p))
            lo, load = p, 0.0
        load += work[p]
    return [*blocks, (lo, n)]


def _judge(
    items: Sequence[Item],
    a: int,
    b: int,
    signal: str,
    found: float | tuple[float, ...],
    known: dict[int, Facts],
    decision: PairDecision | None,
) -> tuple[float, tuple[str, ...]] | None:
    """(score, facts on which ``a`` differs from the kept ``b``), or None: not a duplicate.

    A "semantic" candidate under a decision comes with its features (cosine, Jaccard,
    containment, length ratio); the decision reads them with the items' facts and gives
    the probability that is its score. Each item's facts are read once.
    """
    if signal == "exact":
        return float(found), ()  # type: ignore[arg-type]
    for i in (a, b):
        if i not in known:
            known[i] = facts(items[i].text)
    fa, fb = known[a], known[b]
    if isinstance(found, tuple):
        assert decision is not None
        x = pair_features(*found, same_values=same_values(fa, fb))
        score = float(decision.probability(x))
        if not score >= decision.threshold:
            return None
    else:
        score = found
    # A removal never takes a value away: ``a`` may leave out what ``b`` states, not add.
    names = signal != "cross-lingual"  # names are spelled per language ("Mỹ", "the US")
    return score, fact_differences(fa, fb, a_inside_b=True, names=names)
