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
import heapq
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..config import Keep
from ..neighbours import Neighbours, use_sparse
from .decision import PairDecision, pair_features, unshared_words
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
    # True: a later item that repeats a kept one and adds a value (a year, a count) is
    # kept and the earlier, less complete wording removed (see find_duplicates). False
    # (default): both stay, reported as a conflict. Not the default: on vnPara it finds
    # 13 more paraphrases for one more false merge, held-out precision 99.0 -> 98.9
    # (docs/duplicates.md, "Keeping the fuller wording").
    keep_fuller: bool = False


DEFAULT_CONFIG = DedupConfig()


@dataclass(frozen=True)
class Item:
    key: str  # match key (normalised, punctuation dropped)
    text: str  # original text, for the fact guard
    script: str = ""  # language or script (dedup.language); "" unknown: same as any


@dataclass(frozen=True)
class Match:
    """``index`` duplicates the kept item ``kept``; ``signal`` says why.

    ``adds``: when the kept item is a fuller wording that came after this one in keep
    order and replaced it (it states values this one lacks, and lacks none of its
    values; ``DedupConfig.keep_fuller``), those values ("number 2013"); else empty.
    """

    index: int
    kept: int
    signal: str  # "exact" | "near-exact" | "contained" | "semantic" | "cross-lingual"
    score: float  # the signal's own score; for "semantic" with a decision, its probability
    adds: tuple[str, ...] = ()


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
    # Similar pairs not judged because their item already had MAX_CONFLICTS conflicts.
    unjudged: int = 0

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
    fixed: Collection[int] = frozenset(),
) -> Grouping:
    """Group duplicate items; ``candidates`` restricts which items take part, and a
    fuller wording never replaces an item of ``fixed`` (the title: the cleaned text
    keeps its headline).

    Items are visited in keep order; each one joins the cluster of the kept item it
    repeats best, or is kept. A removal never takes a value away, so an item that
    repeats a kept one but adds a value (``fact_differences`` with it inside the kept
    one disagrees) is not removed. With ``config.keep_fuller`` it may instead take the
    kept one's place: when the pair's signal holds both ways (``near-exact`` or
    ``semantic``, one language), the kept item states no value and no name the later
    one lacks, and the later one repeats no other kept item, the later, fuller wording
    is kept and the earlier one removed as its duplicate (``Match.adds`` says what the
    kept wording adds). Only a kept item with no members yet is replaced: its members
    were judged against it, not against the fuller wording, and facts are not
    transitive (names: a member may name someone the later item does not), so
    moving them would state a judgement never made; with members, both stay and the
    pair is a conflict as before. The removed item is always inside the kept one by
    the same fact comparison as any removal: no removal takes a value away.
    """
    active = list(range(len(items))) if candidates is None else list(candidates)
    order = [i for i in _keep_order(items, active, config.keep) if items[i].key]
    if len(order) < 2:  # nothing to compare (an article of one paragraph, say)
        return Grouping([], [])
    vectors = embeddings if config.semantic is not None else None
    pairs = _pair_finder(len(order), vectors, config)(items, order, vectors, config)
    known: dict[str, Facts] = {}  # facts by text: a story repeats its articles' sentences
    kept = [False] * len(order)  # by position in ``order``
    clusters: dict[int, Cluster] = {}  # by kept item, once it has a member
    conflicts: list[Conflict] = []
    unjudged = 0
    for lo, hi in pairs.blocks:
        firing = pairs.firing(lo, hi, kept)
        for p in range(lo, hi):
            i = order[p]
            best: tuple[int, str, float] | None = None
            fuller: list[tuple[int, Conflict]] = []  # kept items this one would replace
            clashes = seen = 0
            row = firing.get(p, ())
            for q, signal, found in row:
                seen += 1
                if not kept[q]:
                    continue
                if clashes >= MAX_CONFLICTS:  # near copies differing in a number: see above
                    unjudged += _kept_after(row, seen - 1, kept)
                    break
                k = order[q]
                judged = _judge(items, i, k, signal, found, known, config.decision, vectors)
                if judged is None:
                    continue
                score, diffs = judged
                if diffs:
                    clash = Conflict(i, k, signal, score, diffs)
                    if (
                        config.keep_fuller
                        and k not in fixed
                        and _replaces(items, i, k, signal, known, clusters)
                    ):
                        fuller.append((q, clash))
                    else:
                        conflicts.append(clash)
                    clashes += 1
                    continue
                if best is None or _rank(signal, score) > _rank(best[1], best[2]):
                    best = (k, signal, score)
            if best is None:
                kept[p] = True
                for q, c in fuller:  # the earlier, less complete wordings make way
                    kept[q] = False
                    pairs.forget(q)
                    if i not in clusters:
                        clusters[i] = Cluster(cluster_id(level, items[i].key), i)
                    clusters[i].members.append(
                        Match(c.other, i, c.signal, round(c.score, 4), c.differences)
                    )
                continue
            conflicts += [c for _, c in fuller]  # removed itself: it replaces nothing
            k = best[0]
            if k not in clusters:
                clusters[k] = Cluster(cluster_id(level, items[k].key), k)
            clusters[k].members.append(Match(i, k, best[1], round(best[2], 4)))
    found = sorted(clusters.values(), key=lambda c: c.kept)
    gone = set()
    for c in found:
        c.members.sort(key=lambda m: m.index)
        gone.update(m.index for m in c.members)
    # A conflict says "both kept": drop those whose item went after all (it repeated
    # another kept item, or a fuller wording replaced it).
    kept_pairs = [c for c in conflicts if c.index not in gone and c.other not in gone]
    return Grouping(found, sorted(kept_pairs, key=lambda c: (c.index, c.other)), unjudged)


# Conflicts judged per item: past this many, the item's other similar kept items are
# counted (``Grouping.unjudged``), not judged. Why: 2,000 lines that differ only in a
# number ("... tăng 1 đồng ...", "... tăng 2 đồng ...") are 2 million pairs that each
# conflict, judged one by one (fact comparison, decision): minutes, and a report of
# millions of conflicts nobody reads. A real article has a handful per sentence.
MAX_CONFLICTS = 20

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
Num = float | np.ndarray


def _pair_finder(n: int, embeddings: np.ndarray | None, config: DedupConfig) -> type:
    """Pair by pair for a handful of items; by shared rare shingles (``_Sparse``) when
    only the text signals count; else every pair (``_Pairs``), or above
    :data:`~summarize.neighbours.SPARSE_ABOVE` items the pairs of near neighbours
    (``_Nearby``)."""
    if n <= _PAIRWISE:
        return _Pairwise
    if embeddings is None:
        return _Sparse
    return _Nearby if use_sparse(n) else _Pairs


def _stream(qs: list[int], signal: str, score: float | tuple[float, ...]):  # noqa: ANN202
    """(q, signal, score) for each q (a function, so that each stream keeps its own)."""
    return ((q, signal, score) for q in qs)


def _kept_after(row, start: int, kept: list[bool]) -> int:  # noqa: ANN001 - list or _Row
    """How many of a row's firing pairs from ``start`` on meet a kept item."""
    if isinstance(row, _Row):  # lists only kept items
        return len(row) - start
    return sum(1 for q, _, _ in row[start:] if kept[q])


# Signals that hold both ways, so that the kept item is as much a duplicate of the later
# one: "contained" is one way (the later item inside the kept one), and across
# languages the earlier edition stays (names are not compared there).
_BOTH_WAYS = ("near-exact", "semantic")


def _replaces(
    items: Sequence[Item],
    i: int,
    k: int,
    signal: str,
    known: dict[str, Facts],
    clusters: dict[int, Cluster],
) -> bool:
    """Whether ``i``, which repeats the kept ``k`` but adds values, may replace it: the
    signal holds both ways, ``k`` has no members, and ``k`` is inside ``i`` (states no
    value ``i`` lacks, names no one ``i`` does not): removing ``k`` takes nothing away.
    ``known`` holds both texts' facts already (:func:`_judge` read them)."""
    if signal not in _BOTH_WAYS or k in clusters:
        return False
    fk, fi = known[items[k].text], known[items[i].text]
    return not fact_differences(fk, fi, a_inside_b=True)


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
        self.distinct = [len(set(items[i].key.split())) for i in order]
        self.scripts = [items[i].script for i in order]
        self.meaning = _Meaning(config)
        self.blocks = [(0, len(order))]

    def forget(self, q: int) -> None:
        """Row ``q`` is no longer kept (a fuller wording replaced it): nothing held."""

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
        # removed after the fact by it, so a later, longer wording stays (and is reported
        # by the semantic signal at most; with keep_fuller, a later wording that adds a
        # value may replace it by a signal that holds both ways, see find_duplicates).
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
        cosine = _cosine(self.embeddings, i, k)
        apart = abs(self.distinct[p] - self.distinct[q])
        return self.meaning.decide_sets(cross, cosine, a, b, score, apart)


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

    def floor_of(self, jaccard: Num, inside: Num, ratio: Num, apart: Num) -> Num:
        """The cosine below which a pair cannot be a duplicate by meaning (a sound
        prefilter, never a decision), from what is known before its cosine and facts.

        The decision's threshold, with the pair's shingle Jaccard, containment and
        length ratio as they are, its values agreeing or not (whichever helps), and its
        unshared words at least ``apart``: the difference of the two items' counts of
        distinct words (one with n more than the other has n or more the other lacks).
        Two sentences of one story usually differ in length by several words, and then
        need a cosine few of them reach: their facts are never read. Numbers or arrays.
        """
        d = self.config.decision
        if d is None:
            return np.full(np.shape(apart), self.floor)[()]  # the threshold's cosine
        known = {"jaccard": jaccard, "containment": inside, "length_ratio": ratio}
        most = {**known, "unshared_words": 1.0 / (1.0 + apart)}
        return d.min_cosine(known, most) - _ROUNDING

    def decide_sets(
        self,
        cross: bool,
        cosine: float,
        a: frozenset[str],
        b: frozenset[str],
        jaccard: float,
        apart: int,
    ) -> tuple[str, float | tuple[float, ...]] | None:
        """:meth:`decide` for one pair given its two shingle sets (the pair-by-pair ways)."""
        small, large = sorted((len(a), len(b)))
        return self.decide(cross, cosine, jaccard, len(a & b) / small, small / large, apart)

    def decide(
        self,
        cross: bool,
        cosine: float,
        jaccard: float,
        inside: float,
        ratio: float,
        apart: int = 0,
        floor: float | None = None,
    ) -> tuple[str, float | tuple[float, ...]] | None:
        """("cross-lingual", cosine), ("semantic", cosine) by threshold, ("semantic",
        features) for the decision to judge with the facts, or None. ``floor``: the
        pair's :meth:`floor_of`, if computed already (with ``apart``, else)."""
        if cross:
            floor = self.config.cross_lingual
        elif floor is None:
            floor = float(self.floor_of(jaccard, inside, ratio, apart))
        if not cosine >= floor:  # type: ignore[operator]
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
        split = [k.split() for k in keys]
        self.words = np.array([len(w) for w in split])
        self.distinct = np.array([len(set(w)) for w in split])  # for the cosine floors
        scripts: dict[str, int] = {"": 0}
        self.scripts = np.array([scripts.setdefault(items[i].script, len(scripts)) for i in order])
        self.meaning = _Meaning(config)
        indptr, self.owner = shingle_columns(keys)
        self.first_of = indptr  # column j's entries: first_of[j] .. first_of[j + 1]
        self.first = np.repeat(indptr[:-1], np.diff(indptr))  # first entry of the column
        self.shared = np.arange(len(self.owner)) - self.first  # earlier items sharing it
        self.sizes = np.bincount(self.owner, minlength=len(keys))  # len(shingles(key))
        self.blocks = _blocks(self.owner, self.shared, len(keys))

    def forget(self, q: int) -> None:
        """Row ``q`` is no longer kept: the caller's ``kept`` says so, nothing held."""

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
        small, large = np.minimum(a, b), np.maximum(a, b)
        # Each candidate's cosine floor (the cross-lingual threshold across languages).
        floor = np.where(cross, c.cross_lingual or 1.0, np.inf)
        meant = np.nonzero((signal == 0) & ~cross)
        if len(meant[0]):
            apart = np.abs(self.distinct[lo:hi, None] - self.distinct[:hi])[meant]
            s, g = small[meant], large[meant]
            floor[meant] = self.meaning.floor_of(jaccard[meant], inter[meant] / s, s / g, apart)
        if self.embeddings is not None and np.count_nonzero(signal == 0) > _PER_PAIR:
            signal[(signal == 0) & ~self.may_reach(lo, hi, floor)] = -1
        rows, columns = np.nonzero(signal >= 0)
        out: _Firing = {}
        for r, q, code, j, inner, across, least in zip(
            rows.tolist(),
            columns.tolist(),
            signal[rows, columns].tolist(),
            jaccard[rows, columns].tolist(),
            inside[rows, columns].tolist(),
            cross[rows, columns].tolist(),
            floor[rows, columns].tolist(),
            strict=True,
        ):
            p = r + lo
            if code == 0:
                assert self.embeddings is not None
                cosine = _cosine(self.embeddings, self.order[p], self.order[q])
                shared = int(inter[r, q])
                ratios = (shared / int(small[r, q]), int(small[r, q]) / int(large[r, q]))
                found = self.meaning.decide(across, cosine, j, *ratios, floor=least)
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


class _Sparse:
    """What :class:`_Pairs` decides by the text signals, from the pairs that can fire.

    The text signals of a pair depend on the two match keys only, so they are found
    once per pair of distinct keys (:class:`_KeyPairs`); an item then meets the kept
    items of its own key (exact) and of the keys its key fires with, one row at a time
    so that only kept items are listed (20,000 copies of one line are 20,000 rows, not
    200 million pairs).
    """

    def __init__(
        self,
        items: Sequence[Item],
        order: list[int],
        embeddings: np.ndarray | None,
        config: DedupConfig,
    ) -> None:
        ids: dict[str, int] = {}
        self.group = [ids.setdefault(items[i].key, len(ids)) for i in order]
        keys = _KeyPairs([Item(k, "") for k in ids], list(range(len(ids))), None, config)
        self.neighbours = keys.firing_keys()
        self.kept_of: list[list[int]] = [[] for _ in ids]  # kept rows of each key so far
        self.decided = 0
        self.blocks = [(p, p + 1) for p in range(len(order))]

    def firing(self, lo: int, hi: int, kept: list[bool]) -> _Firing:
        """Row ``lo`` (blocks are single rows) against the kept earlier rows it fires with."""
        for r in range(self.decided, lo):  # the rows decided since the last call
            if kept[r]:
                self.kept_of[self.group[r]].append(r)
        self.decided = lo
        key = self.group[lo]
        parts = [(self.kept_of[key], "exact", 1.0)]
        parts += [(self.kept_of[o], sig, score) for o, sig, score in self.neighbours.get(key, ())]
        # Not copied: the row is read before the next call appends to these lists.
        row = _Row([(qs, sig, score) for qs, sig, score in parts if qs])
        return {lo: row} if len(row) else {}  # type: ignore[dict-item]

    def forget(self, q: int) -> None:
        """Row ``q`` (decided, listed as kept) is no longer kept: a fuller wording
        replaced it. Rare, so a list removal."""
        self.kept_of[self.group[q]].remove(q)

    def text_keys(self, p: int) -> set[int]:
        """The match keys whose kept items row ``p`` meets by a text signal."""
        key = self.group[p]
        return {key, *(o for o, _, _ in self.neighbours.get(key, ()))}


class _Row:
    """One row's firing pairs, columns ascending, made as they are read: 4,000 near copies
    of a line are 8 million (row, kept item) pairs, and once the row's conflicts are
    capped (:data:`MAX_CONFLICTS`) the rest is only counted (``len``).

    ``parts``: (ascending kept rows, signal, score), one per match key; a row has one key.
    """

    def __init__(self, parts: list[tuple[list[int], str, float | tuple[float, ...]]]) -> None:
        self.parts = parts
        self.size = sum(len(qs) for qs, _, _ in parts)

    def __len__(self) -> int:
        return self.size

    def __iter__(self):  # noqa: ANN204 - an iterator of firing triples
        streams = [_stream(qs, sig, score) for qs, sig, score in self.parts]
        return (
            heapq.merge(*streams, key=lambda f: f[0])
            if len(streams) > 1
            else iter(streams[0] if streams else ())
        )


class _Nearby(_Sparse):
    """What :class:`_Pairs` decides with meaning, for long documents, in O(n) memory.

    The text signals come from :class:`_Sparse` (the pairs of match keys that fire); a
    pair by meaning needs a cosine at or above the decision's floor (the cross-lingual
    threshold for items in different languages), so its candidates are each item's
    neighbours at that cosine or more in an HNSW index (:class:`~summarize.neighbours.
    Neighbours`, a range search). Each candidate is then decided exactly as in
    :class:`_Pairwise` (same cosine, same floats). The same decisions as all pairs
    whenever the index finds every pair over the floor (its recall: docs/security.md).
    """

    def __init__(
        self,
        items: Sequence[Item],
        order: list[int],
        embeddings: np.ndarray | None,
        config: DedupConfig,
    ) -> None:
        super().__init__(items, order, None, config)
        assert embeddings is not None
        self.items, self.order, self.embeddings, self.config = items, order, embeddings, config
        self.meaning = _Meaning(config)
        self.words = [len(items[i].key.split()) for i in order]
        self.distinct = [len(set(items[i].key.split())) for i in order]
        self.grams: dict[int, frozenset[str]] = {}
        self.close = self._candidates(np.asarray(embeddings)[order])

    def _candidates(self, vectors: np.ndarray) -> list[set[int]]:
        """Each row's possible pairs by meaning (both directions): (a) the rows whose word
        sets differ from its own by fewer than :data:`_FEW_WORDS` words a side, exactly;
        (b) its neighbours at or above the floor cosine of a pair that differs by more
        (:func:`_floor_beyond`), by a range search, or its :data:`_MEANING_NEIGHBOURS`
        nearest when that floor is too low to narrow anything."""
        c, n = self.config, len(vectors)
        out: list[set[int]] = [set() for _ in range(n)]
        eligible = [p for p in range(n) if self.words[p] >= c.min_semantic_words]
        keys = [self.items[self.order[p]].key for p in eligible]
        for x, y in _few_words_apart(keys, _FEW_WORDS):
            out[eligible[x]].add(eligible[y])
            out[eligible[y]].add(eligible[x])
        index = Neighbours(vectors)
        floor = _floor_beyond(c, self.meaning.floor, _FEW_WORDS)
        if floor >= _USEFUL_FLOOR:
            near = index.above(floor)
        else:
            ids, _ = index.nearest(_MEANING_NEIGHBOURS)
            near = list(ids)
        if c.cross_lingual is not None:  # items in other languages: their own threshold
            across = index.above(c.cross_lingual)
            near = [np.union1d(a, b) for a, b in zip(near, across, strict=True)]
        for p, row in enumerate(near):
            for q in row.tolist():
                out[p].add(q)
                out[q].add(p)
        return out

    def _grams(self, p: int) -> frozenset[str]:
        if p not in self.grams:
            self.grams[p] = shingles(self.items[self.order[p]].key)
        return self.grams[p]

    def firing(self, lo: int, hi: int, kept: list[bool]) -> _Firing:
        """Row ``lo``: the text signals, then meaning for its kept neighbours without one."""
        out = super().firing(lo, hi, kept)
        row = out.get(lo, _Row([]))
        keys = self.text_keys(lo)  # a pair with a text signal is decided by it, as in _Pairs
        meant = []
        for q in sorted(self.close[lo]):
            if q >= lo or not kept[q] or self.group[q] in keys:
                continue
            found = self._meaning(lo, q)
            if found is not None:
                meant.append((q, *found))
        if meant:
            row = _Row([*row.parts, *(([q], sig, score) for q, sig, score in meant)])
        return {lo: row} if len(row) else {}

    def _meaning(self, p: int, q: int) -> tuple[str, float | tuple[float, ...]] | None:
        """The tail of :meth:`_Pairwise.signal`: the decision by meaning of one pair."""
        i, k = self.order[p], self.order[q]
        cross = self.meaning.across(self.items[i].script, self.items[k].script)
        words = min(self.words[p], self.words[q])
        if not self.meaning.candidate(cross, words, 1.0):  # the words alone rule it out
            return None
        a, b = self._grams(p), self._grams(q)
        score = jaccard(a, b)
        if not self.meaning.candidate(cross, words, score):
            return None
        cosine = _cosine(self.embeddings, i, k)
        apart = abs(self.distinct[p] - self.distinct[q])
        return self.meaning.decide_sets(cross, cosine, a, b, score, apart)


# Long documents, meaning: pairs whose word sets differ by fewer words than this on each
# side are found exactly; the others by their cosine (see _Nearby._candidates).
_FEW_WORDS = 4
# A floor cosine below this narrows nothing (e5 puts a document's pairs at 0.7-0.9).
_USEFUL_FLOOR = 0.9
_MEANING_NEIGHBOURS = 32


def _floor_beyond(config: DedupConfig, floor: float, words: int) -> float:
    """The lowest cosine at which a pair differing by ``words`` or more words on a side
    can reach the decision's threshold: :meth:`~.decision.PairDecision.min_cosine` with
    the ``unshared_words`` feature at most ``1 / (1 + words)``."""
    d = config.decision
    if d is None:
        return floor
    return float(d.min_cosine(upper={"unshared_words": 1.0 / (1.0 + words)}))


def _few_words_apart(keys: Sequence[str], words: int) -> list[tuple[int, int]]:
    """Pairs (p, q), p > q, whose word sets differ by fewer than ``words`` words on each
    side, exactly, by prefix filtering: two such sets share at least ``max size - words
    + 1`` words, so the ``words`` rarest of each share one."""
    sets = [set(k.split()) for k in keys]
    counts: dict[str, int] = {}
    for s in sets:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    posting: dict[str, list[int]] = {}
    for p, s in enumerate(sets):
        for w in sorted(s, key=lambda w: (counts[w], w))[:words]:
            posting.setdefault(w, []).append(p)
    found: set[tuple[int, int]] = set()
    for rows in posting.values():
        for x, p in enumerate(rows):
            for q in rows[:x]:
                a, b = sets[p], sets[q]
                if abs(len(a) - len(b)) < words and len(a - b) < words and len(b - a) < words:
                    found.add((p, q))
    return sorted(found)


class _KeyPairs(_Pairs):
    """The text signals between distinct match keys, from the pairs that can fire.

    Why: :class:`_Pairs` spends a cell on every pair and counts every shared shingle,
    the square of how often a common one ("của c") occurs: a 4 MB text took a minute.
    Without meaning, a pair fires only on a large overlap (prefix filtering): rank each
    item's shingles rarest first; a Jaccard of ``t`` or more between ``p`` and ``q`` needs
    at least ``t * max(|p|, |q|)`` shared shingles, so the first ``|x| - floor(t |x|) + 1``
    shingles of each (its prefix) share one; ``p`` contained in ``q`` (``contained`` of
    its shingles) shares one of ``p``'s prefix for ``contained`` with any of ``q``'s. The
    candidates are the pairs meeting either way (and the length bound of each), few for
    real text; their exact overlaps are counted and every signal decided as in
    :class:`_Pairs`, with the same floats. Used when meaning is off; with meaning a
    pair needs only a tenth of its shingles in common and every pair is scored.
    Items here are distinct keys in any order: a pair is found in both directions.
    """

    def __init__(
        self,
        items: Sequence[Item],
        order: list[int],
        embeddings: np.ndarray | None,
        config: DedupConfig,
    ) -> None:
        super().__init__(items, order, embeddings, config)
        n, sizes, owner = len(order), self.sizes, self.owner
        self.n_columns = len(self.first_of) - 1
        frequency = np.diff(self.first_of)
        column = np.repeat(np.arange(self.n_columns), frequency)  # entries: by column, row
        rarity = np.empty(self.n_columns, np.int64)
        rarity[np.argsort(frequency, kind="stable")] = np.arange(self.n_columns)
        by_row = np.argsort(owner * self.n_columns + rarity[column])  # each row rarest first
        self.starts = np.cumsum(sizes) - sizes
        rank = np.empty(len(owner), np.int64)
        rank[by_row] = np.arange(len(owner)) - np.repeat(self.starts, sizes)
        # (row, shingle) ascending: row r's shingles are cells[starts[r] : starts[r] + sizes[r]].
        self.cells = np.sort(owner * self.n_columns + column)
        self.similar = min(config.near_exact, 1.0)  # an exact copy has a Jaccard of 1
        self.extra = 1 + np.floor(_EXTRA * sizes).astype(np.int64)
        similar = np.flatnonzero(rank < (_prefix(sizes, self.similar) + self.extra - 1)[owner])
        inside = np.flatnonzero(rank < (_prefix(sizes, config.contained) + self.extra - 1)[owner])
        # Either index: entries in column order (q ascending in a column), and for each
        # probe entry (sorted by row) where its column starts there and how many of
        # the column's entries come before it (the earlier items sharing the shingle).
        start, before = _earlier_in_column(column[similar])
        indexes = (
            ((owner[similar], rank[similar], start, before), similar),
            ((owner, rank, self.first[inside], frequency[column[inside]]), inside),  # all
        )
        self.probes = []  # (index rows, index ranks, probe rows, probe ranks, first, count)
        work = np.zeros(n)
        for (q, j, first, count), probe in indexes:
            by = np.argsort(owner[probe], kind="stable")
            rows = owner[probe][by]
            self.probes.append((q, j, rows, rank[probe][by], first[by], count[by]))
            work += np.bincount(rows, count[by], n)
        self.blocks = _row_blocks(work, _SPARSE_WORK)
        del self.first, self.shared  # the probes hold what candidates() reads of them

    def candidates(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows lo <= p < hi and the earlier items q they may duplicate, each pair once,
        sorted by (p, q).

        Each probe lists a pair once per shingle it shares there; with ``s`` of them, the
        last at rank ``i`` in ``p`` and ``j`` in ``q``, the two share at most
        ``s + min(|p| - i - 1, |q| - j - 1)`` shingles (any shared shingle rarer than that
        one is among the ``s``: positional filtering), which must reach the overlap the
        signal needs.
        """
        n, c, found = len(self.sizes), self.config, []
        for k, (index, ranks, rows, probe_ranks, first, count) in enumerate(self.probes):
            at = slice(*np.searchsorted(rows, [lo, hi]))
            first, count = first[at], count[at]
            step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
            entry = np.repeat(first, count) + step
            p, q = np.repeat(rows[at], count), index[entry]
            i, j = np.repeat(probe_ranks[at], count), ranks[entry]
            if not len(p):
                continue
            code = p * n + q
            by = np.lexsort((i, code))
            code, i, j = code[by], i[by], j[by]
            last = np.append(code[1:] != code[:-1], True)
            starts = np.flatnonzero(np.concatenate(([True], last[:-1])))
            shared = np.diff(np.append(starts, len(code)))
            code, i, j = code[last], i[last], j[last]
            p, q = code // n, code % n
            a, b = self.sizes[p], self.sizes[q]
            most = shared + np.minimum(a - i - 1, b - j - 1)
            if k == 0:  # a Jaccard of t needs t / (1 + t) of the two sizes in common
                t = self.similar
                keep = (np.minimum(a, b) / np.maximum(a, b) >= t) & (
                    most >= t / (1 + t) * (a + b) - _SLACK
                )
                keep &= shared >= np.minimum(self.extra[p], self.extra[q])
            else:
                keep = (a <= b) & (self.words[p] >= c.min_contained_words) & (p != q)
                keep &= (most >= c.contained * a - _SLACK) & (shared >= self.extra[p])
            found.append(code[keep])
        pairs = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
        return pairs // n, pairs % n

    def intersections(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """``len(shingles[p] & shingles[q])`` for each pair, from the sorted cells."""
        cells, out = self.cells, np.zeros(len(rows), np.int64)
        for lo in range(0, len(rows), _CHUNK):
            p, q = rows[lo : lo + _CHUNK], columns[lo : lo + _CHUNK]
            count = self.sizes[p]
            which = np.repeat(np.arange(len(p)), count)
            step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
            grams = cells[np.repeat(self.starts[p], count) + step] % self.n_columns
            wanted = np.repeat(q, count) * self.n_columns + grams
            at = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
            out[lo : lo + _CHUNK] = np.bincount(which, cells[at] == wanted, len(p))
        return out

    def firing_keys(self) -> dict[int, list[tuple[int, str, float]]]:
        """Key ``p`` -> [(key q, signal, score)] for every ordered pair that fires, with
        ``p`` the item being placed (containment is one way)."""
        c, n = self.config, len(self.sizes)
        found = [self.candidates(lo, hi) for lo, hi in self.blocks]
        rows = np.concatenate([f[0] for f in found] + [f[1] for f in found])
        columns = np.concatenate([f[1] for f in found] + [f[0] for f in found])
        pairs = np.unique(rows * n + columns)
        rows, columns = pairs // n, pairs % n
        inter = self.intersections(rows, columns)
        a, b = self.sizes[rows], self.sizes[columns]
        jaccard = inter / (a + b - inter)  # as signals.jaccard: same floats
        inside = inter / a
        signal = np.full(len(rows), -1, np.int8)
        signal[(self.words[rows] >= c.min_contained_words) & (a <= b) & (inside >= c.contained)] = 1
        signal[jaccard >= c.near_exact] = 2
        fire = np.flatnonzero(signal >= 0)
        out: dict[int, list[tuple[int, str, float]]] = {}
        for p, q, code, j, inner in zip(
            rows[fire].tolist(), columns[fire].tolist(), signal[fire].tolist(),
            jaccard[fire].tolist(), inside[fire].tolist(), strict=True,
        ):  # fmt: skip
            out.setdefault(p, []).append((q, _SIGNALS[code], (j, inner, j, 1.0)[code]))
        return out


def _earlier_in_column(columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For entries sorted by column: where each one's column starts, and its place in it."""
    new = np.flatnonzero(np.concatenate(([True], columns[1:] != columns[:-1])))
    first = np.repeat(new, np.diff(np.append(new, len(columns))))
    return first, np.arange(len(columns)) - first


def _prefix(sizes: np.ndarray, share: float) -> np.ndarray:
    """How many of its rarest shingles an item must show so that any item with which it
    shares ``share`` of them (or more) shares one of those."""
    return sizes - np.floor(max(share, 0.0) * sizes).astype(np.int64) + 1


_CHUNK = 1 << 13  # candidate pairs per chunk of the exact overlap count (~1M shingles)
_SPARSE_WORK = 1 << 19  # enumerated (pair, shingle) entries per block of rows: ~50 MB
_EXTRA = 0.05  # prefixes this share of an item longer, so that a candidate shares that many
_SLACK = 1e-6  # rounding room in the bounds, so that they never drop a pair that fires
# Rounding room of a pair's cosine floor (the decision computes the same sum another way).
_ROUNDING = 1e-9


def _row_blocks(work: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Consecutive row ranges of at most ``budget`` work each (a row over it: alone)."""
    blocks, lo, load = [], 0, 0.0
    for p, w in enumerate(work.tolist()):
        if p > lo and load + w > budget:
            blocks.append((lo, p))
            lo, load = p, 0.0
        load += w
    return [*blocks, (lo, len(work))]


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
    known: dict[str, Facts],
    decision: PairDecision | None,
    vectors: np.ndarray | None = None,
) -> tuple[float, tuple[str, ...]] | None:
    """(score, facts on which ``a`` differs from the kept ``b``), or None: not a duplicate.

    A "semantic" candidate under a decision comes with its features (cosine, Jaccard,
    containment, length ratio); the decision reads them with the items' facts and words
    (:func:`~.decision.unshared_words`), and its ``vector_score`` of the two items'
    vectors (rows of ``vectors``) if it has one, and gives the probability that is its
    score. The cosine floors that pruned pairs before this hold whatever that score
    (:meth:`~.decision.PairDecision.min_cosine`). Each text's facts are read once
    (``known``): the articles of one story repeat each other's sentences word for word.
    """
    if signal == "exact":
        return float(found), ()  # type: ignore[arg-type]
    for text in (items[a].text, items[b].text):
        if text not in known:
            known[text] = facts(text)
    fa, fb = known[items[a].text], known[items[b].text]
    if isinstance(found, tuple):
        assert decision is not None
        unshared = unshared_words(items[a].key, items[b].key)
        vscore = None
        if decision.uses_vectors:
            assert vectors is not None  # a "semantic" candidate had its cosine
            vscore = decision.vector_score(vectors[a], vectors[b])
        x = pair_features(*found, same_values(fa, fb), unshared, vscore)
        score = float(decision.probability(x))
        if not decision.passes(x, score):
            return None
    else:
        score = found
    # A removal never takes a value away: ``a`` may leave out what ``b`` states, not add.
    # Across languages names are spelled apart ("Mỹ", "the US") and no words align: the
    # guard reads personal names folded to ASCII and a negation's presence instead.
    across = signal == "cross-lingual"
    return score, fact_differences(fa, fb, a_inside_b=True, across=across)
