"""The duplicate engine on the brief's samples and on texts made to probe it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize import deduplicate, reconstruct
from summarize.dedup.engine import DedupConfig, Item, find_duplicates
from summarize.dedup.signals import fact_differences, facts
from summarize.text.normalize import match_key

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


# What a careful reader finds repeated in each sample, and nothing more:
# (level, first words of the removed text).
EXPECTED_REMOVALS = {
    "bac-giang-co-quan-tinh.txt": [
        ("paragraph", "5 năm qua, các chi, đảng bộ cơ sở trong Đảng bộ"),
    ],
    "bac-ninh-khoi-co-quan-doanh-nghiep.txt": [],
    "khoi-co-quan-tinh-dien-hinh.txt": [],
    "quang-ninh-quang-binh.txt": [
        ("paragraph", "Quảng Ninh trao giấy khen cho các TCCS Đảng trong sạch"),
        ("paragraph", "Học và làm theo gương Bác, nhiều cán bộ, đảng viên tích cực"),
    ],
    "thua-thien-hue.txt": [("phrase", "Chính trị - Xã hội")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_REMOVALS))
def test_samples_lexical(name: str) -> None:
    """Without a model: exactly the repeats a reader sees are removed."""
    text = sample(name)
    result = deduplicate(text, semantic=False)
    got = [(r.level, r.text) for r in result.removed]
    expected = EXPECTED_REMOVALS[name]
    assert len(got) == len(expected), got
    for (level, text_got), (want_level, prefix) in zip(got, expected, strict=True):
        assert level == want_level
        assert text_got.startswith(prefix)
    assert reconstruct(result.text, result.removed) == text


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED_REMOVALS))
def test_samples_semantic(name: str, default_encoder) -> None:
    """With the shipped default model (int8) and its calibrated decision: the same
    removals as without a model, item for item, and nothing else."""
    text = sample(name)
    result = deduplicate(text, model=default_encoder)
    got = [(r.level, r.text) for r in result.removed]
    expected = EXPECTED_REMOVALS[name]
    assert len(got) == len(expected), got
    for (level, text_got), (want_level, prefix) in zip(got, expected, strict=True):
        assert level == want_level, got
        assert text_got.startswith(prefix), got
    assert reconstruct(result.text, result.removed) == text


def test_bac_giang_keeps_first_complete_occurrence() -> None:
    text = sample("bac-giang-co-quan-tinh.txt")
    result = deduplicate(text, semantic=False)
    (r,) = result.removed
    kept = text[r.kept_start : r.kept_end]
    assert kept.startswith("Với việc đẩy mạnh phong trào")  # the paragraph that says it first
    assert "987 vấn đề" in kept and "987 vấn đề" in r.text
    assert r.signal == "contained" and r.score >= 0.9
    # The cleaned text states the statistic once.
    assert result.text.count("987 vấn đề") == 1
    assert text.count("987 vấn đề") == 2


def test_repeated_caption_cluster_ids_are_stable() -> None:
    text = sample("quang-ninh-quang-binh.txt")
    a = deduplicate(text, semantic=False)
    b = deduplicate("Tin mới.\n" + text, semantic=False)  # shifting offsets keeps the ids
    assert [r.cluster for r in a.removed] == [r.cluster for r in b.removed]
    assert len({r.cluster for r in a.removed}) == 2


def test_boilerplate_is_labelled_and_dropped_only_on_request() -> None:
    text = sample("thua-thien-hue.txt")
    kept = deduplicate(text, semantic=False)
    assert "Chia sẻ bài viết" in kept.text
    assert any(b.text == "Chia sẻ bài viết" for b in kept.boilerplate)
    dropped = deduplicate(text, semantic=False, drop_boilerplate=True)
    assert "Chia sẻ bài viết" not in dropped.text
    assert any(r.reason == "boilerplate" and r.text == "Chia sẻ bài viết" for r in dropped.removed)
    assert reconstruct(dropped.text, dropped.removed) == text


def test_number_guard_reports_conflict_instead_of_removing() -> None:
    text = (
        "Trung bình mỗi ngày Khoa Cấp cứu tiếp nhận 120 bệnh nhân từ khắp các huyện trong tỉnh.\n"
        "Trung bình mỗi ngày Khoa Cấp cứu tiếp nhận 200 bệnh nhân từ khắp các huyện trong tỉnh.\n"
    )
    result = deduplicate(text, semantic=False)
    assert result.removed == []
    (c,) = result.conflicts
    assert set(c.differences) == {"number 120", "number 200"}


def test_names_guard() -> None:
    a = facts("Ông Nguyễn Văn An được bầu làm Chủ tịch Hội đồng nhân dân xã.")
    b = facts("Ông Trần Văn Bình được bầu làm Chủ tịch Hội đồng nhân dân xã.")
    assert fact_differences(a, b)
    same = facts("Ông Nguyễn Văn An được bầu làm Chủ tịch Hội đồng nhân dân xã hôm qua.")
    assert not fact_differences(a, same)


def test_keep_longest() -> None:
    short = "Đảng bộ tỉnh đã khen thưởng 83 tập thể và 249 cá nhân điển hình trong 5 năm qua"
    long = short + " vì những thành tích xuất sắc trong học tập và làm theo Bác"
    text = f"{short}.\n{long}.\n"
    first = deduplicate(text, semantic=False, keep="first")
    assert first.removed == []  # the later, longer wording says more: it is not removed
    longest = deduplicate(text, semantic=False, keep="longest")
    (r,) = longest.removed
    assert r.text.startswith(short) and not r.text.startswith(long)
    assert r.signal == "contained"
    assert reconstruct(longest.text, longest.removed) == text


def test_sentence_level_near_duplicate_inside_paragraphs() -> None:
    text = (
        "Huyện đã xây dựng 152 mô hình điển hình tiêu biểu trong học và làm theo Bác. "
        "Nhiều mô hình được nhân rộng.\n"
        "Các xã đều tích cực tham gia. "
        "Huyện đã xây dựng được 152 mô hình điển hình tiêu biểu trong học và làm theo Bác.\n"
    )
    result = deduplicate(text, semantic=False)
    (r,) = result.removed
    assert r.level == "sentence" and r.signal == "near-exact"
    assert result.text == (
        "Huyện đã xây dựng 152 mô hình điển hình tiêu biểu trong học và làm theo Bác. "
        "Nhiều mô hình được nhân rộng.\n"
        "Các xã đều tích cực tham gia.\n"
    )
    assert reconstruct(result.text, result.removed) == text


def test_engine_does_not_chain() -> None:
    """A~B and B~C must not remove C when C is not a duplicate of the kept A."""
    base = "mot hai ba bon nam sau bay tam chin muoi muoi mot muoi hai"
    a = base
    b = base + " muoi ba"
    c = base + " muoi ba muoi bon muoi lam muoi sau"
    items = [Item(match_key(t), t) for t in (a, b, c)]
    grouping = find_duplicates(items, config=DedupConfig(near_exact=0.85, contained=1.1))
    removed = grouping.removed
    assert 1 in removed and removed[1].kept == 0
    assert 2 not in removed


sentences = st.lists(
    st.sampled_from(
        [
            "Học và làm theo Bác đã trở thành việc làm thường xuyên.",
            "Năm 2021, tỉnh có 152 mô hình tiêu biểu.",
            "Chia sẻ bài viết",
            "Tuy nhiên, vẫn còn hạn chế.",
            "Đảng bộ khen thưởng 83 tập thể.",
            "Ảnh: Quốc Trường",
            "“Không ở đâu xa”, anh Tuân nói.",
        ]
    ),
    min_size=1,
    max_size=12,
)
separators = st.sampled_from([" ", "\n", "\n\n", "  \n", " \u00a0\n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(sentences, separators), min_size=1, max_size=8), st.booleans())
def test_reconstruct_property(paragraphs, drop) -> None:
    """Cleaned text + removed items rebuild any generated document exactly."""
    text = "".join(" ".join(ss) + sep for ss, sep in paragraphs)
    if not text.strip():
        return
    result = deduplicate(text, semantic=False, drop_boilerplate=drop)
    assert reconstruct(result.text, result.removed) == text
    for r in result.removed:
        assert text[r.start : r.end] == r.text
        assert text[r.cut_start : r.cut_end] == r.cut_text


@pytest.mark.parametrize("name", sorted(EXPECTED_REMOVALS))
@pytest.mark.parametrize("keep", ["first", "longest"])
def test_reconstruct_real_documents(name: str, keep: str) -> None:
    text = sample(name)
    doubled = text + "\n" + text  # every paragraph repeated: the hardest case for the cuts
    for t in (text, doubled):
        result = deduplicate(t, semantic=False, keep=keep, drop_boilerplate=True)
        assert reconstruct(result.text, result.removed) == t


def test_paragraph_keys_from_sentences_equal_their_own() -> None:
    """Paragraph keys are joined from sentence keys when only spaces lie between."""
    from summarize import prepare
    from summarize.dedup.document import _paragraph_keys

    odd = "Ông A nói.\u200bBà B hỏi lại! Hoà bình\n• Điểm một.  Điểm hai…\n\n(Ảnh) Cuối."
    for text in [odd, *(sample(n) for n in sorted(EXPECTED_REMOVALS))]:
        doc = prepare(text)
        keys = _paragraph_keys(doc, [match_key(s.text) for s in doc.sentences])
        assert keys == [match_key(p.text) for p in doc.paragraphs]


def test_doubled_line_found_past_leading_punctuation() -> None:
    """The halves' keys match though one half starts with a dash, the other ends with one."""
    text = "Mở đầu bài viết có nội dung.\n- Thời sự THỜI SỰ -\n\nKết thúc bài viết ở đây."
    (r,) = deduplicate(text, semantic=False).removed
    assert r.level == "phrase" and r.text == "THỜI SỰ -"


def test_title_keeps_copies_out_but_not_rewordings(static_encoder) -> None:
    """A copy of the title in the body goes (text signal); a lead that rewords it stays."""
    text = (
        "Hà Nội mở rộng mô hình dân vận khéo\n\n"
        "Năm qua, thành phố đã có hàng trăm mô hình dân vận khéo được nhân rộng ở cơ sở. "
        "Hà Nội mở rộng mô hình dân vận khéo. "
        "Nhiều mô hình đã giúp người dân tăng thu nhập và cải thiện đời sống."
    )
    result = deduplicate(text, model=static_encoder)
    assert result.document.title_span is not None
    (r,) = [r for r in result.removed if r.level == "sentence"]
    assert r.signal == "exact" and r.kept_index == 0 and r.text.startswith("Hà Nội mở rộng")
    # Bắc Giang: the lead says what the title says (cosine 0.69 for the fast model, above
    # its threshold), and is the article's point, not a repeat.
    bac_giang = deduplicate(sample("bac-giang-co-quan-tinh.txt"), model=static_encoder)
    assert [(r.level, r.index) for r in bac_giang.removed] == [("paragraph", 10)]


# A sentence pair pasted four times on one line (new-user trial): halving the line kept
# two copies, and the summary showed the same sentence twice.
PAIR = "Sáng nay, thành phố Hà Nội đã khánh thành cây cầu mới. Cây cầu dài 500 mét. "


@pytest.mark.parametrize("copies", [2, 3, 4, 5])
def test_every_copy_of_a_repeated_line_goes_and_one_stays(copies: int) -> None:
    text = "Tin tức thời sự\n" + PAIR * copies + "\nCầu được xây trong hai năm."
    result = deduplicate(text, semantic=False)
    assert [r.level for r in result.removed] == ["phrase"] * (copies - 1)
    first = text.index(PAIR)
    for r in result.removed:  # each removal is one copy, explained by the first
        assert r.text == PAIR.strip() and r.signal == "exact"
        assert text[r.kept_start : r.kept_end] == PAIR.strip()
        assert r.kept_start == first
    assert result.text.count("khánh thành cây cầu mới") == 1
    assert result.text.count("Cây cầu dài 500 mét") == 1
    assert "Tin tức thời sự" in result.text and "Cầu được xây trong hai năm." in result.text
    assert reconstruct(result.text, result.removed) == text


def test_summary_of_a_repeated_line_shows_each_sentence_once(fake_encoder) -> None:
    from summarize import summarize

    text = PAIR * 4 + "\nCầu được xây trong hai năm. Tổng vốn đầu tư là 300 tỷ đồng."
    summary = summarize(text, sentences=3, model=fake_encoder)
    picked = [s.text for s in summary.sentences]
    assert len(picked) == len(set(picked)) == 3, picked
    # Every sentence the ranking may pick is there once: no copy is left to pick twice.
    content = [summary.document.sentences[i].text for i in summary.content_sentences()]
    assert sorted(content) == sorted(set(content)) and len(content) == 4, content


def test_a_line_of_three_copies_of_a_header_keeps_one() -> None:
    """An odd number of copies has no equal halves: the copies are found all the same."""
    text = "Mở đầu bài viết có nội dung.\n" + "Chính trị - Xã hội " * 2 + "Chính trị - Xã hội\n"
    result = deduplicate(text, semantic=False)
    assert [r.text for r in result.removed] == ["Chính trị - Xã hội"] * 2
    assert "\nChính trị - Xã hội\n" in result.text
    assert reconstruct(result.text, result.removed) == text


def test_values_of_a_wrapped_paragraph_are_reported_on_one_line() -> None:
    """A conflict's differing values are read from the sentence on one line: a wrap that
    breaks "8 giờ 30 phút" still reports "8 giờ 30 phút" (the sentences keep their text)."""
    import textwrap

    first = (
        "Sở Giáo dục tỉnh cho biết năm học mới sẽ bắt đầu sớm hơn mọi năm. Lúc 7 giờ 30 phút "
        "ngày 20 tháng 5, ông Nguyễn Văn An đến thăm trường học của xã. Nhà trường đã chuẩn "
        "bị đầy đủ cơ sở vật chất cho học sinh."
    )
    second = (
        "Buổi làm việc diễn ra trong không khí cởi mở, thân tình và hiệu quả. Lúc 8 giờ 30 "
        "phút ngày 20 tháng 5, ông Nguyễn Văn An đến thăm trường học của xã."
    )
    text = textwrap.fill(first, 72) + "\n\n" + textwrap.fill(second, 72) + "\n"
    assert "giờ\n30" in text or "30\nphút" in text or "7\ngiờ" in text or "8\ngiờ" in text
    result = deduplicate(text, semantic=False)
    assert not result.removed
    (conflict,) = result.conflicts
    assert conflict.differences == ("number 7 giờ 30 phút", "number 8 giờ 30 phút")
    assert conflict.text in text and conflict.other_text in text
