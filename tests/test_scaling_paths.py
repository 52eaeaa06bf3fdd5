"""The neighbour paths for long documents (summarize.neighbours), and the conflict cap.

Above ``SPARSE_ABOVE`` sentences ranking and the duplicate search by meaning read nearest
neighbours instead of every pair. The threshold is lowered here so that a short real text
takes the long-document path; at or below it nothing changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from summarize import api, neighbours
from summarize.dedup import engine
from summarize.rank.graph import VectorSimilarities, similarity_matrix
from summarize.rank.methods import rank
from summarize.rank.select import choose

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _sentences() -> list[str]:
    """Real sentences of the sample articles, each once (long enough to mean something)."""
    seen: dict[str, None] = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        for s in re.split(r"(?<=[.!?])\s+", path.read_text("utf-8")):
            s = " ".join(s.split())
            if len(s.split()) >= 8:
                seen.setdefault(s, None)
    return list(seen)


def _with_repeats() -> tuple[str, int]:
    """The samples' sentences, three to a paragraph, with copies and rewordings (every
    fourth word dropped: the same meaning, a third of the shingles changed) of every
    tenth one placed later; and how many were added."""
    base = _sentences()
    lines, added = list(base), 0
    for s in base[::10]:
        words = s.split()
        lines.append(s)  # an exact copy
        lines.append(" ".join(w for i, w in enumerate(words) if i % 4 != 3))
        added += 2
    paragraphs = [" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]
    return "\n\n".join(paragraphs), added


@pytest.fixture
def low_threshold(monkeypatch):
    """The long-document paths from 50 sentences on."""
    monkeypatch.setattr(neighbours, "SPARSE_ABOVE", 50)


def _dedup_signature(result) -> list[tuple]:
    return [(r.start, r.end, r.reason, r.signal) for r in result.removed] + [
        (c.text, c.other_text) for c in result.conflicts
    ]


def test_long_document_finds_the_same_duplicates(fake_encoder, monkeypatch):
    text, added = _with_repeats()
    exact = api.deduplicate(text, model=fake_encoder, threshold=0.8)
    used = []
    real = engine._pair_finder
    monkeypatch.setattr(
        engine,
        "_pair_finder",
        lambda *a: used.append(real(*a)) or used[-1],  # type: ignore[func-returns-value]
    )
    monkeypatch.setattr(neighbours, "SPARSE_ABOVE", 50)
    sparse = api.deduplicate(text, model=fake_encoder, threshold=0.8)
    assert engine._Nearby in used  # the sentences took the neighbour path
    assert len(exact.removed) >= added * 3 // 4  # the copies, and rewordings by meaning
    assert any(r.signal == "semantic" for r in exact.removed)
    assert _dedup_signature(sparse) == _dedup_signature(exact)
    assert sparse.text == exact.text


def test_below_the_threshold_ranking_is_the_all_pairs_matrix(fake_encoder):
    texts = _sentences()[:40]
    vectors = fake_encoder.encode(texts)
    for method in ("textrank", "lexrank", "learned"):
        ranked = rank(method, vectors, texts=texts)
        assert isinstance(ranked.similarities, np.ndarray)
        assert np.array_equal(ranked.similarities, similarity_matrix(vectors))


def test_above_the_threshold_ranking_has_no_square_matrix(fake_encoder, low_threshold):
    texts = _sentences()[:200]
    vectors = fake_encoder.encode(texts)
    for method in ("textrank", "lexrank", "learned", "lead"):
        ranked = rank(method, vectors, texts=texts)
        assert isinstance(ranked.similarities, VectorSimilarities)
        assert ranked.scores.shape == (len(texts),) and np.isfinite(ranked.scores).all()
    # The neighbour graph ranks as the full graph does, near enough.
    neighbours.SPARSE_ABOVE = 10**9
    dense = rank("textrank", vectors, texts=texts).scores
    neighbours.SPARSE_ABOVE = 50
    sparse = rank("textrank", vectors, texts=texts).scores
    top = set(np.argsort(-dense)[:10]) & set(np.argsort(-sparse)[:10])
    assert len(top) >= 7
    assert np.corrcoef(dense, sparse)[0, 1] > 0.9


def test_selection_reads_rows_as_the_matrix(fake_encoder):
    texts = _sentences()[:120]
    vectors = fake_encoder.encode(texts)
    scores = np.linspace(1.0, 0.0, len(texts)) + (vectors[:, 0] * 0.5)
    for limit in (3, 8):
        dense = choose(scores, similarity_matrix(vectors), texts, limit, diversity=0.6)
        lazy = choose(scores, VectorSimilarities(vectors), texts, limit, diversity=0.6)
        assert lazy.chosen == dense.chosen and lazy.dangling == dense.dangling


def test_summary_of_a_long_text_with_a_model(fake_encoder, low_threshold):
    text, _ = _with_repeats()
    summary = api.summarize(text, model=fake_encoder, sentences=4)
    assert len(summary.sentences) == 4


def test_conflicts_per_item_are_capped():
    """Near copies that differ in a number all conflict: 60 lines would be 1,770 pairs."""
    lines = [
        f"Giá xăng RON 95 trong kỳ điều hành chiều nay tăng {i} đồng mỗi lít so với kỳ "
        f"điều chỉnh trước theo thông báo của liên bộ Công Thương và Tài chính."
        for i in range(100, 160)
    ]
    result = api.deduplicate("\n".join(lines), semantic=False)
    assert not result.removed  # a different price is never a duplicate
    per_item: dict[int, int] = {}
    for c in result.conflicts:
        per_item[c.index] = per_item.get(c.index, 0) + 1
    assert max(per_item.values()) == engine.MAX_CONFLICTS
    expected = sum(min(p, engine.MAX_CONFLICTS) for p in range(60))
    assert len(result.conflicts) == expected
    assert result.unjudged_conflicts == 60 * 59 // 2 - expected
