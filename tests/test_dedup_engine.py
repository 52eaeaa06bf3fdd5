"""The duplicate engine decides exactly as the pairwise engine it replaced.

``reference`` is that engine, kept here unchanged: each item is compared with every
kept item by the per-pair definitions in ``signals``. Every case runs the engine
each way it can go (pair by pair, with arrays, with arrays in blocks of a few rows
and the cosine prefilter always on) and asserts the same Grouping as the reference:
clusters, members, signals, scores (exact floats) and conflicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.dedup import engine
from summarize.dedup.decision import (
    FEATURES,
    PairDecision,
    VectorModel,
    pair_features,
    unshared_words,
)
from summarize.dedup.engine import (
    Cluster,
    Conflict,
    DedupConfig,
    Grouping,
    Item,
    Match,
    cluster_id,
    find_duplicates,
)
from summarize.dedup.facts import fact_differences, facts, same_values
from summarize.dedup.signals import containment, jaccard, shingle_columns, shingles
from summarize.text.normalize import match_key
from summarize.text.segment import segment

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))


def reference(
    items: Sequence[Item],
    embeddings: np.ndarray | None = None,
    *,
    level: str = "sentence",
    config: DedupConfig = engine.DEFAULT_CONFIG,
    candidates: Sequence[int] | None = None,
) -> Grouping:
    """``find_duplicates`` before the array path (as of commit 973a106), its helpers
    inlined; ``_compare`` and ``_guard`` below are that version's too."""
    active = list(range(len(items))) if candidates is None else list(candidates)
    if config.keep == "longest":
        order = sorted(active, key=lambda i: (-len(items[i].key), i))
    else:
        order = sorted(active)
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
            rank = engine._SIGNAL_RANK
            if best is None or (rank[signal], score) > (rank[best[1]], best[2]):
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
    # since then: conflicts are between items that both stay (not one removed after all)
    gone = {m.index for c in found for m in c.members}
    conflicts = [c for c in conflicts if c.index not in gone and c.other not in gone]
    return Grouping(found, sorted(conflicts, key=lambda c: (c.index, c.other)))


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
    if items[i].key == items[k].key:
        return ("exact", 1.0, ())
    a, b = grams[i], grams[k]
    score = jaccard(a, b)
    if score >= config.near_exact:
        return ("near-exact", score, _guard(items, i, k))
    if words[i] >= config.min_contained_words and len(a) <= len(b):
        inside = containment(a, b)
        if inside >= config.contained:
            return ("contained", inside, _guard(items, i, k))
    if not use_semantic:
        return None
    assert embeddings is not None and config.semantic is not None
    cosine, fewest = float(embeddings[i] @ embeddings[k]), min(words[i], words[k])
    scripts = items[i].script, items[k].script
    if config.cross_lingual is not None and scripts[0] != scripts[1] and all(scripts):
        if fewest >= config.min_cross_lingual_words and cosine >= config.cross_lingual:
            return ("cross-lingual", cosine, _guard(items, i, k, across=True))
        return None
    d = config.decision
    if fewest < config.min_semantic_words or score < (d.min_overlap if d else 0.0):
        return None
    if d is None:
        if cosine >= config.semantic and score >= config.min_semantic_overlap:
            return ("semantic", cosine, _guard(items, i, k))
        return None
    small, large = sorted((len(a), len(b)))
    agree = same_values(facts(items[i].text), facts(items[k].text))
    unshared = unshared_words(items[i].key, items[k].key)
    # since then: a decision may read the pair's vector score (no floor prunes here)
    meant = d.vector_score(embeddings[i], embeddings[k]) if d.uses_vectors else None
    x = pair_features(cosine, score, len(a & b) / small, small / large, agree, unshared, meant)
    probability = float(d.probability(x))
    if d.passes(x, probability):  # since then: and its gate, if it has one
        return ("semantic", probability, _guard(items, i, k))
    return None


def _guard(items: Sequence[Item], a: int, b: int, *, across: bool = False) -> tuple[str, ...]:
    """A removal never takes a value away (the removed item is ``a``)."""
    return fact_differences(
        facts(items[a].text), facts(items[b].text), a_inside_b=True, across=across
    )


WAYS = {
    "pair by pair": {"_PAIRWISE": 10**9},
    "arrays": {"_PAIRWISE": -1},
    "arrays, blocks of a few rows, cosine prefilter": {
        "_PAIRWISE": -1,
        "_CELLS": 60,
        "_SHARED": 400,
        "_PER_PAIR": 0,
    },
}


def assert_same(items: Sequence[Item], embeddings: np.ndarray | None = None, **kw) -> Grouping:
    want = reference(items, embeddings, **kw)
    assert find_duplicates(items, embeddings, **kw) == want
    for way, constants in WAYS.items():
        with mock.patch.multiple(engine, **constants):
            assert find_duplicates(items, embeddings, **kw) == want, way
    return want


def texts(level: str) -> dict[str, list[str]]:
    """Each sample's paragraphs or sentences, and all samples' together."""
    out = {}
    for path in SAMPLES:
        paragraphs, sentences = segment(path.read_text(encoding="utf-8"))
        out[path.stem] = [u.text for u in (paragraphs if level == "paragraph" else sentences)]
    out["all samples"] = [t for name in sorted(out) for t in out[name]]
    return out


# Looser than the default, so that more signals fire and more facts conflict; and
# without near-exact, so that containment decides between equal-sized wordings too.
# A decision with every feature weighed in (not the shipped one: the mechanics only).
DECISION = PairDecision(
    "test", (3.0, 2.0, 1.0, 0.5, 0.5, 1.0), 0.0, (0.9, 0.3, 0.5, 0.7, 0.3, 0.3),
    (0.05, 0.2, 0.2, 0.2, 0.5, 0.2),
    threshold=0.6, min_overlap=0.1,
)  # fmt: skip


def _vector_model(dim: int, seed: int = 5) -> VectorModel:
    """A vector score on ``dim``-sized vectors, two axes per block (made up)."""
    rng = np.random.default_rng(seed)
    axes = rng.normal(size=(4, dim)) / np.sqrt(dim)
    return VectorModel.rounded(
        product_mean=np.full(dim, 1.0 / dim), product_axes=axes[:2],
        distance_mean=np.full(dim, 0.05), distance_axes=axes[2:],
        weights=np.array([2.0, 1.0, -3.0, -1.0]), bias=0.5, mean=np.zeros(4),
        scale=np.full(4, 0.1),
    )  # fmt: skip


# The same with a seventh feature, the pair's vector score, weighing much (it changes
# which generated pairs merge): the engine's cosine floors never read it (its most
# favourable value stands in), the reference reads it for every pair.
STACKED = replace(
    DECISION, weights=(*DECISION.weights, 6.0), bias=-4.0, mean=(*DECISION.mean, 0.0),
    scale=(*DECISION.scale, 3.0), features=FEATURES, vectors=_vector_model(24),
)  # fmt: skip
# As fitted on real pairs: the plain cosine weighed below zero (the vector score carries
# it), so only the gate (a six-feature decision) gives the cosine floors their meaning.
GATED = replace(
    STACKED, weights=(-1.0, *STACKED.weights[1:]), gate=replace(DECISION, threshold=0.4)
)
LOOSE = DedupConfig(near_exact=0.5, contained=0.6, min_contained_words=3, min_semantic_words=2)
NO_NEAR = DedupConfig(near_exact=1.01, contained=0.7, min_contained_words=3)
CONFIGS = {"default": DedupConfig(), "loose": LOOSE, "no near-exact": NO_NEAR}


@pytest.mark.parametrize("level", ["paragraph", "sentence"])
@pytest.mark.parametrize("keep", ["first", "longest"])
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_samples_without_embeddings(level: str, keep: str, config: str) -> None:
    conf = DedupConfig(**{**CONFIGS[config].__dict__, "keep": keep})
    for name, units in texts(level).items():
        items = [Item(match_key(t), t) for t in units]
        grouping = assert_same(items, level=level, config=conf)
        every_other = list(range(0, len(items), 2))
        assert_same(items, level=level, config=conf, candidates=every_other)
        if name == "all samples":
            assert grouping.clusters


@pytest.mark.parametrize("keep", ["first", "longest"])
def test_samples_with_embeddings(static_encoder, keep: str) -> None:
    """Sentences with the fast model's vectors, at its threshold and looser ones, and
    with its shipped decision (whose per-pair cosine floors the reference never uses)."""
    from summarize.dedup.decision import load_decision

    shipped = load_decision(static_encoder.name)
    assert shipped is not None
    for units in texts("sentence").values():
        items = [Item(match_key(t), t) for t in units]
        vectors = static_encoder.encode(units, "query")
        for config in (
            DedupConfig(semantic=0.5, decision=shipped, keep=keep),
            DedupConfig(semantic=0.5, decision=replace(shipped, threshold=0.05), keep=keep),
            DedupConfig(semantic=0.9, keep=keep),
            DedupConfig(**{**LOOSE.__dict__, "semantic": 0.8, "keep": keep}),
            DedupConfig(semantic=0.85, min_semantic_overlap=0.0, keep=keep),
        ):
            assert_same(items, vectors, config=config)
            assert_same(items, vectors, config=config, candidates=range(1, len(items), 3))


# Sentences with numbers and names, and what a second outlet or a careless edit
# makes of them: copies, new numbers, dropped and added words, halves.
BASES = [
    "Trung bình mỗi ngày Khoa Cấp cứu tiếp nhận 120 bệnh nhân từ khắp các huyện.",
    "Ông Ngô Hồng Quân, Bí thư Đảng ủy, cho biết 5 năm qua đã kết nạp 1.916 đảng viên mới.",
    "Đảng bộ tỉnh đã khen thưởng 83 tập thể và 249 cá nhân điển hình trong học tập.",
    "Huyện đã xây dựng 152 mô hình điển hình tiêu biểu trong học và làm theo Bác.",
    "Chiều 23/10, lãnh đạo phe đối lập Campuchia cho biết sẽ có khoảng 40.000 người.",
    "Mới nhất",
    "Xã hội",
]
EDITS = ["copy", "case", "number", "more", "name", "drop", "add", "half", "extend", "tiny", "empty"]


def edit(text: str, how: str, value: int) -> str:
    words = text.split()
    at = value % len(words)
    if how == "case":
        return text.upper().replace(",", " ,")
    if how == "number":  # other digits, same length
        digits = [j for j, w in enumerate(words) if any(ch.isdigit() for ch in w)]
        if digits:
            j = digits[value % len(digits)]
            words[j] = "".join(
                str((int(ch) + value) % 10) if ch.isdigit() else ch for ch in words[j]
            )
    elif how == "more":
        words.append(str(value))
    elif how == "name":
        words[at] = ["Nguyễn Văn An", "Trần Bình", "Phnom Penh"][value % 3]
    elif how == "drop" and len(words) > 1:
        del words[at]
    elif how == "add":
        words.insert(at, ["mới", "trong tỉnh", "năm 2013", "đã"][value % 4])
    elif how == "half":
        words = words[: max(1, len(words) // 2 + value % 3)]
    elif how == "extend":
        words += ["vì những thành tích xuất sắc", "trong 3 năm", "theo VOV"][: 1 + value % 3]
    elif how == "tiny":
        return text[: 1 + value % 6]
    elif how == "empty":
        return "."
    return " ".join(words)


def vectors_for(
    made: list[tuple[int, str, int]], seed: int, dtype: type, spread: float
) -> np.ndarray:
    """Unit vectors near their base sentence's: a rewording stays close, others do not
    (with ``spread`` 0 all are close, and the semantic signal's other conditions decide)."""
    rng = np.random.default_rng(seed)
    bases = 1 + spread * rng.normal(size=(len(BASES), 24))
    noise = {how: 0.05 * (j % 5) for j, how in enumerate(EDITS)}
    rows = [bases[b] + noise[how] * rng.normal(size=24) for b, how, _ in made]
    rows = np.array(rows) / np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(dtype)


@settings(max_examples=60, deadline=None)
@given(
    made=st.lists(
        st.tuples(st.integers(0, len(BASES) - 1), st.sampled_from(EDITS), st.integers(0, 10**4)),
        min_size=1,
        max_size=40,
    ),
    seed=st.integers(0, 2**16),
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
    spread=st.sampled_from([0.0, 1.0]),
    semantic=st.sampled_from([None, 0.8, 0.95, "decision", "stacked", "gated", "cross-lingual"]),
    config=st.sampled_from(sorted(CONFIGS)),
    keep=st.sampled_from(["first", "longest"]),
    subset=st.sets(st.integers(0, 39)) | st.none(),
)
def test_generated_near_duplicates(made, seed, dtype, spread, semantic, config, keep, subset):
    """Thresholds, a calibrated decision (with a vector score or not), and cross-lingual
    pairs (items tagged with one of two scripts by their edit) all decide alike each way:
    the cosine floors that prune pairs before the decision are sound."""
    units = [edit(BASES[b], how, value) for b, how, value in made]
    scripts = [("vi", "en")[value % 2] if semantic == "cross-lingual" else "" for *_, value in made]
    items = [Item(match_key(t), t, s) for t, s in zip(units, scripts, strict=True)]
    settings_ = {"semantic": semantic, "keep": keep}
    if semantic in ("decision", "cross-lingual"):
        settings_ |= {"semantic": 0.5, "decision": DECISION, "cross_lingual": 0.9}
    if semantic in ("stacked", "gated"):
        settings_ |= {"semantic": 0.5, "decision": STACKED if semantic == "stacked" else GATED}
    conf = DedupConfig(**{**CONFIGS[config].__dict__, **settings_})
    candidates = None if subset is None else sorted(i for i in subset if i < len(items))
    vectors = vectors_for(made, seed, dtype, spread)
    assert_same(items, vectors, config=conf, candidates=candidates)


@settings(max_examples=100, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="ab c1\0漢", max_size=12), max_size=12),
    keep=st.sampled_from(["first", "longest"]),
    subset=st.sets(st.integers(0, 11)) | st.none(),
)
def test_arbitrary_keys(keys: list[str], keep: str, subset: set[int] | None) -> None:
    """Short keys (their own single shingle), empty keys, NULs, repeats, any order."""
    items = [Item(k, k) for k in keys]
    candidates = None if subset is None else [i for i in subset if i < len(items)]
    config = DedupConfig(near_exact=0.6, contained=0.7, min_contained_words=1, keep=keep)
    assert_same(items, level="paragraph", config=config, candidates=candidates)


def test_rules_at_their_edges() -> None:
    """Equal shingle counts may be "contained", and so may a statement of exactly the
    minimum words; the semantic word minimum holds for both items."""
    a = BASES[0]
    equal_size = a.replace("120", "210")
    short = "Khoa Cấp cứu tiếp nhận"  # 5 words: never semantic, however close the vectors
    three = "Khoa Cấp cứu"  # NO_NEAR.min_contained_words
    units = [a, equal_size, short, a + " Trong tỉnh", a[:40], three]
    items = [Item(match_key(t), t) for t in units]
    grouping = assert_same(items, config=NO_NEAR)
    assert [(c.index, c.signal) for c in grouping.conflicts] == [(1, "contained")]
    assert grouping.removed[5].signal == "contained"
    same_vectors = np.ones((len(items), 4)) / 2
    grouping = assert_same(items, same_vectors, config=DedupConfig(semantic=0.9))
    assert all(2 not in (c.index, c.other) for c in grouping.conflicts)
    assert 2 not in grouping.removed and grouping.conflicts


def columns_as_sets(keys: Sequence[str], size: int) -> list[set[int]]:
    indptr, rows = shingle_columns(keys, size)
    sets: list[set[int]] = [set() for _ in keys]
    for j in range(len(indptr) - 1):
        column = rows[indptr[j] : indptr[j + 1]]
        assert (np.diff(column) > 0).all()
        for r in column:
            sets[r].add(j)
    return sets


def assert_columns_are_shingles(keys: Sequence[str], size: int) -> None:
    """Same set sizes and same overlaps, pair by pair, as ``shingles``."""
    got = columns_as_sets(keys, size)
    want = [shingles(k, size) for k in keys]
    for a in range(len(keys)):
        for b in range(len(keys)):
            assert len(got[a] & got[b]) == len(want[a] & want[b])


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="ab c\0漢ế", max_size=10), max_size=8),
    size=st.integers(1, 6),
)
def test_shingle_columns_are_shingles(keys: list[str], size: int) -> None:
    assert_columns_are_shingles(keys, size)


def test_shingle_columns_short_keys() -> None:
    """Every key of up to three characters (padded, so never equal to a longer one's)."""
    keys = [""] + [a + b + c for a in "ab漢" for b in ["", *"ab漢"] for c in ["", *"ab漢"]]
    for size in range(1, 6):
        assert_columns_are_shingles([*keys, "ab漢ab", "漢漢漢漢漢ab"], size)


def test_shingle_columns_large_alphabet() -> None:
    """Over 6,000 distinct characters do not fit 64 bits: the dict fallback, same sets."""
    chars = [chr(0x4E00 + j) for j in range(6500)]
    keys = ["".join(chars[j : j + 40]) for j in range(0, 6500, 30)]
    assert_columns_are_shingles(keys, 5)


def test_conflicts_are_between_items_that_both_stay() -> None:
    """An item that disagrees with one kept item on a value but repeats another is
    removed; its disagreement is no "both kept" conflict (the report said so before)."""
    base = (
        "Hội chợ sách mở cửa tại công viên Lê Văn Tám với nhiều gian hàng của các nhà "
        "xuất bản lớn trong cả nước"
    )
    texts = [f"{base} năm 2024.", f"{base}, có 120 gian hàng.", f"{base}, có 120 gian hàng!"]
    got = find_duplicates([Item(match_key(t), t) for t in texts])
    assert [m.index for c in got.clusters for m in c.members] == [2]
    assert [(c.index, c.other) for c in got.conflicts] == [(1, 0)]
