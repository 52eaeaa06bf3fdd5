"""The set-search sweep (benchmarks/set_search.py) measures the selection that ships: with
choose_set's settings its vectorised search picks exactly what choose_set picks."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.set_search import SHIPPED, enumerate_sets
from summarize.rank.select import SET_POOL, Overlap, choose_set

# Made-up news sentences: openers that point back ("Tuy nhiên", "Theo đó") come with the
# sentence before them, a quote with its speaker; some share wording so bigrams overlap.
SENTENCES = [
    "Ủy ban nhân dân tỉnh Lâm Đồng vừa công bố kế hoạch xây dựng hồ chứa nước mới.",
    "Tuy nhiên, kinh phí cho hồ chứa nước mới vẫn chưa được bố trí đủ.",
    "Hồ chứa có dung tích khoảng 12 triệu mét khối và phục vụ tưới cho 3.000 ha.",
    "Theo đó, công trình sẽ được khởi công vào quý 3 năm nay.",
    "Ông Nguyễn Văn An, Giám đốc Sở Nông nghiệp, cho biết dự án rất cấp thiết.",
    "“Chúng tôi sẽ ưu tiên vốn cho công trình này”, ông An nói.",
    "Nông dân trong vùng mong hồ chứa nước sớm hoàn thành trước mùa khô.",
    "Mùa khô năm ngoái, hàng trăm ha cà phê bị thiếu nước tưới nghiêm trọng.",
    "Ngoài ra, tỉnh cũng nâng cấp hệ thống kênh mương dẫn nước.",
    "Tổng vốn đầu tư dự kiến hơn 500 tỷ đồng từ ngân sách trung ương và địa phương.",
    "Dự án được kỳ vọng giúp ổn định sản xuất nông nghiệp cho vùng.",
    "Các hộ dân bị ảnh hưởng sẽ được bồi thường theo quy định.",
    "Việc giải phóng mặt bằng dự kiến hoàn thành trong năm nay.",
    "Đây là công trình thủy lợi lớn nhất tỉnh trong mười năm qua.",
    "Sở Tài chính đang thẩm định phương án vốn cho công trình.",
    "Tỉnh cũng kêu gọi doanh nghiệp tham gia đầu tư hệ thống tưới tiết kiệm.",
]


@pytest.mark.parametrize("n", [2, 3, 5, 9, 12, 16])
@pytest.mark.parametrize("seed", range(6))
def test_vectorised_search_picks_what_choose_set_picks(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    texts = SENTENCES[:n]
    p = rng.uniform(0.02, 0.9, n)
    vectors = rng.normal(size=(n, 8))
    reference = float(rng.choice([4.0, 9.0, 36.0]))
    sets = enumerate_sets(texts, p, vectors, None, [SHIPPED])
    assert sets.best(SHIPPED, reference) == sorted(
        choose_set(Overlap(p, reference), texts, 3, pool=SET_POOL).chosen
    )


def test_diversity_charge_matches_choose_set() -> None:
    rng = np.random.default_rng(7)
    texts = SENTENCES[:10]
    p = rng.uniform(0.1, 0.8, 10)
    vectors = rng.normal(size=(10, 8))
    vectors[3] = vectors[0] + 0.01  # two near-identical vectors: the charge should bite
    sims = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = sims @ sims.T
    sets = enumerate_sets(texts, p, vectors, None, [SHIPPED])
    for div in (0.0, 0.15, 0.5):
        got = choose_set(Overlap(p, 9.0), texts, 3, sims=sims, diversity=div).chosen
        assert sets.best(SHIPPED, 9.0, div) == sorted(got)


def test_centroid_term_picks_the_set_closest_to_the_centroid() -> None:
    rng = np.random.default_rng(3)
    texts = SENTENCES[:8]
    p = rng.uniform(0.1, 0.8, 8)
    vectors = rng.normal(size=(8, 8))
    centroid = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    centroid = centroid.mean(axis=0) / np.linalg.norm(centroid.mean(axis=0))
    sets = enumerate_sets(texts, p, vectors, None, [SHIPPED])
    pulled = sets.best(SHIPPED, 9.0, lc=1000.0)
    assert pulled != sets.best(SHIPPED, 9.0)

    def cosine(picks: list[int]) -> float:
        unit = vectors[picks] / np.linalg.norm(vectors[picks], axis=1, keepdims=True)
        mean = unit.sum(axis=0)
        return float(mean @ centroid / np.linalg.norm(mean))

    reachable = [sorted(sets.sentences[j] for j in sets.subsets[q]) for q in sets.feasible[SHIPPED]]
    assert cosine(pulled) == pytest.approx(max(cosine(r) for r in reachable))
