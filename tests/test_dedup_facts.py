"""The fact guard: writing variants are one fact, a changed value never is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize import deduplicate
from summarize.dedup.facts import fact_differences, facts, values
from summarize.text.segment import segment

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))


@pytest.mark.parametrize(
    "variants",
    [
        ["ngày 20/5", "ngày 20.5", "ngày 20-5", "ngày 20/05", "ngày 20 tháng 5"],
        ["20/5/2024", "20.5.2024", "20-05-2024", "20 tháng 5 năm 2024"],
        ["lúc 7h30", "lúc 7g30", "lúc 7:30", "lúc 7 giờ 30 phút"],
        ["lúc 19h", "lúc 19 giờ", "lúc 19h00", "lúc 19:00"],
        ["13-16°C", "13-16oC", "13 - 16 độ C", "13-16 độ"],
        ["1.916.383 người", "1,916,383 người", "1916383 người"],
        ["2,5 tỷ đồng", "2,5 tỉ đồng", "2.5 billion"],
        ["tăng 5%", "tăng 5 phần trăm", "up 5 percent"],
        ["khóa XIII", "khóa 13"],
    ],
)
def test_writing_variants_are_one_value(variants: list[str]) -> None:
    canonical = {tuple(sorted(c for c, _ in values(v))) for v in variants}
    assert len(canonical) == 1, canonical


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ngày 20/5", "ngày 21/5"),
        ("ngày 5/6", "ngày 6/5"),  # a swapped date is another date
        ("2,5 tỷ đồng", "2,5 triệu đồng"),  # the unit is part of the value
        ("2,5 tỷ", "2,05 tỷ"),
        ("từ 5 lên 7 người", "từ 7 lên 7 người"),  # values are a multiset
        ("khóa XII", "khóa XIII"),
        ("lúc 7h30", "lúc 7h45"),
    ],
)
def test_different_values_conflict(a: str, b: str) -> None:
    text = "Hội nghị tổng kết công tác của tỉnh diễn ra {} tại hội trường lớn."
    diffs = fact_differences(facts(text.format(b)), facts(text.format(a)))
    assert diffs and all(d.startswith("number ") for d in diffs)


def test_names_in_other_spellings_agree() -> None:
    base = "Ông Nguyễn Văn An nói không khí lạnh tràn về {} và {} trong tuần tới."
    one = facts(base.format("Bắc Bộ", "TP.HCM"))
    other = facts(base.format("Bắc bộ", "Thành phố Hồ Chí Minh"))
    assert not fact_differences(one, other)
    swapped = facts("Ông Trần Văn Bình nói không khí lạnh tràn về Nam Trung Bộ trong tuần tới.")
    assert fact_differences(swapped, one)


def test_a_removal_never_takes_a_value_away() -> None:
    """The removed item may leave out what the kept one states, never add to it."""
    short = facts("Triển lãm gồm nhiều bức tranh sơn dầu chưa từng công bố.")
    detailed = facts("Triển lãm gồm 40 bức tranh sơn dầu chưa từng công bố.")
    assert not fact_differences(short, detailed, a_inside_b=True)
    assert fact_differences(detailed, short, a_inside_b=True) == ("number 40",)


def test_number_words_match_digits_but_never_conflict_alone() -> None:
    words = facts("Thí sinh phải thi bốn môn, trong đó hai môn bắt buộc.")
    digits = facts("Thí sinh phải thi 4 môn, trong đó 2 môn bắt buộc.")
    assert not fact_differences(digits, words)
    idiom = facts("Đội bóng giành cú ăn hai ở mùa giải này.")
    assert not fact_differences(idiom, facts("Đội bóng giành cú đúp ở mùa giải này."))
    assert fact_differences(facts("Có hai người bị thương."), facts("Có bốn người bị thương."))


def test_writing_variants_merge_and_values_do_not() -> None:
    """End to end, no model: a sentence repeated with another way of writing its date,
    unit and place is removed; the same sentence with another value is kept."""
    rest = "dao động 13-16{}, thấp nhất kể từ đầu năm theo Trung tâm Dự báo khí tượng."
    first = "Ngày 20/5, nhiệt độ ở Bắc Bộ và TP.HCM " + rest.format("°C")
    variant = "Ngày 20.5, nhiệt độ ở Bắc bộ và TP HCM " + rest.format("oC")
    changed = "Ngày 21.5, nhiệt độ ở Bắc bộ và TP HCM " + rest.format("oC")
    result = deduplicate(f"{first}\n\n{variant}\n\n{changed}", semantic=False)
    assert [r.text for r in result.removed] == [variant]
    assert [c.text for c in result.conflicts] == [changed]
    assert "number 21.5" in result.conflicts[0].differences


def _sentences_with_numbers() -> list[str]:
    out = []
    for path in SAMPLES:
        _, sentences = segment(path.read_text(encoding="utf-8"))
        out += [s.text for s in sentences if re.search(r"\d", s.text) and len(s.text) > 30]
    return out


SENTENCES = _sentences_with_numbers()
_NEGATING = re.compile(r"(?<!\w)(?:không|chưa|chẳng|đừng|chớ)(?!\w)", re.IGNORECASE)
# Sample sentences that negate nothing, for inserting a negation.
PLAIN = [
    s.text
    for path in SAMPLES
    for s in segment(path.read_text(encoding="utf-8"))[1]
    if len(s.text.split()) >= 6 and not _NEGATING.search(s.text)
]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_changing_any_number_is_never_a_duplicate(data) -> None:
    """A real sentence and the same with one number changed: never removed, either way."""
    text = data.draw(st.sampled_from(SENTENCES))
    runs = list(re.finditer(r"\d+", text))
    run = data.draw(st.sampled_from(runs))
    old = int(run.group())
    new = data.draw(st.integers(0, 10**7).filter(lambda v: v != old))
    changed = text[: run.start()] + str(new) + text[run.end() :]
    for a, b in ((text, changed), (changed, text)):
        result = deduplicate(f"{a}\n\n{b}", semantic=False)
        assert not result.removed, (a, b)
        assert fact_differences(facts(b), facts(a), a_inside_b=True)


def test_a_swapped_name_conflicts_even_when_another_is_shared() -> None:
    """A name shared by both ("Bộ Nông nghiệp", the minister) must not hide a swapped one."""
    ministry = "Bộ trưởng Bộ Nông nghiệp Lê Minh Hoan đã chỉ đạo công tác ứng phó tại {}."
    deputy = facts("Thứ trưởng Bộ Nông nghiệp Nguyễn Hoàng Hiệp đã chỉ đạo công tác ứng phó.")
    minister = facts("Bộ trưởng Bộ Nông nghiệp Lê Minh Hoan đã chỉ đạo công tác ứng phó.")
    assert "name Nguyễn Hoàng Hiệp" in fact_differences(deputy, minister, a_inside_b=True)
    there = facts(ministry.format("Quảng Ninh"))
    elsewhere = facts(ministry.format("Thái Bình"))
    assert "name Thái Bình" in fact_differences(elsewhere, there, a_inside_b=True)
    # Dropping a name is a rewording; so is naming a person by the last word alone.
    assert not fact_differences(facts("Bộ trưởng đã chỉ đạo công tác ứng phó."), minister)
    by_last_name = facts("Ông Hoan đã chỉ đạo công tác ứng phó tại Quảng Ninh.")
    assert not fact_differences(by_last_name, there)


@pytest.mark.parametrize(
    ("said", "negated"),
    [
        (
            "Quốc hội đã thông qua luật đất đai sửa đổi với đa số đại biểu tán thành.",
            "Quốc hội đã không thông qua luật đất đai sửa đổi với đa số đại biểu tán thành.",
        ),
        (
            "Cảnh sát đã bắt giữ nghi phạm sau hai ngày truy đuổi.",
            "Cảnh sát chưa bắt giữ được nghi phạm sau hai ngày truy đuổi.",
        ),
        (
            "The National Assembly passed the revised land law on Monday.",
            "The National Assembly did not pass the revised land law on Monday.",
        ),
        (
            "The minister has signed the agreement with the union.",
            "The minister hasn't signed the agreement with the union.",
        ),
    ],
)
def test_a_negation_added_is_a_different_statement(said: str, negated: str) -> None:
    for a, b in ((negated, said), (said, negated)):
        assert any(d.startswith("negation") for d in fact_differences(facts(a), facts(b))), a


def test_a_rewording_that_negates_is_not_a_negation() -> None:
    """Rewordings negate freely ("không thích" for "ghét"); a question's "không" asks."""
    pairs = [
        ("Các con ăn những gì chúng ghét trước.", "Các con ăn những gì chúng không thích trước."),
        ("Tình hình rất khó khăn với nhiều hộ.", "Tình hình không dễ dàng gì với nhiều hộ."),
        ("Liệu người Mỹ sẽ tấn công chúng ta?", "Liệu người Mỹ có tấn công chúng ta không?"),
        ("Không khí lạnh tràn về các tỉnh phía bắc.", "Đợt rét tràn về các tỉnh phía bắc."),
    ]
    for a, b in pairs:
        assert not fact_differences(facts(b), facts(a), a_inside_b=True), b


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_inserting_a_negation_into_a_real_sentence_is_never_a_duplicate(data) -> None:
    sentence = data.draw(st.sampled_from(PLAIN))
    words = sentence.split()
    at = data.draw(st.integers(1, len(words) - 3))
    negated = " ".join([*words[:at], "không", *words[at:]])
    for a, b in ((negated, sentence), (sentence, negated)):
        assert any(d.startswith("negation") for d in fact_differences(facts(a), facts(b))), a


def test_a_rise_and_a_fall_conflict() -> None:
    up = facts("Giá vàng tăng lên 85 triệu đồng/lượng trong phiên sáng nay.")
    down = facts("Giá vàng giảm xuống 85 triệu đồng/lượng trong phiên sáng nay.")
    assert fact_differences(down, up, a_inside_b=True) == ("direction “giảm”", "direction “tăng”")
    fell, rose = facts("Oil prices fell 5% in May."), facts("Oil prices rose 5% in May.")
    assert fact_differences(fell, rose)
    assert not fact_differences(facts("Giá vàng tăng mạnh."), facts("Giá vàng tăng vọt."))


def test_counted_number_words_conflict_with_any_other_value() -> None:
    three = facts("Vụ tai nạn khiến 3 người thiệt mạng.")
    assert not fact_differences(facts("Vụ tai nạn khiến ba người thiệt mạng."), three)
    assert fact_differences(facts("Vụ tai nạn khiến bốn người thiệt mạng."), three)
    assert fact_differences(facts("Vụ tai nạn khiến năm người thiệt mạng."), three)
    three_words = facts("Vụ tai nạn khiến ba người thiệt mạng.")
    assert fact_differences(facts("Vụ tai nạn khiến bốn người thiệt mạng."), three_words)
    # "ba" is "father" and "năm" is "year" when nothing is counted.
    assert not values("Ba tôi nói năm nay khó khăn.")


@pytest.mark.parametrize("text", ["", " ", "?", "không", "Không?", "n't"])
def test_facts_of_almost_nothing(text: str) -> None:
    """The digest reads the facts of a missing title (the empty string)."""
    assert not fact_differences(facts(text), facts(text))
