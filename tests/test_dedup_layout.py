"""The cleaned text keeps the input's layout and cuts only what was removed.

A removed paragraph takes its line break with it. At the end of a text there is no next
paragraph: the cut used to stop at the text's end and leave the break *before* the last
paragraph, so "...tháng 3.\\n" came out as "...tháng 3.\\n\\n" (found with
``summarize dedup`` on a report whose last paragraph repeats its second).
"""

from __future__ import annotations

import json

import pytest
from conftest import run_main

from summarize import deduplicate, reconstruct
from summarize.report import render_dedup_report

TITLE = "Hà Nội phạt nặng xe quá tải trên cầu Thăng Long"
P1 = (
    "Lực lượng cảnh sát giao thông Hà Nội đã lập biên bản 45 xe tải chở quá tải trọng "
    "trên cầu Thăng Long trong đêm 12/3."
)
P2 = (
    "Theo Phòng CSGT, các tài xế bị phạt tổng cộng hơn 600 triệu đồng và bị tước giấy "
    "phép lái xe từ một đến ba tháng."
)
P3 = "Cầu Thăng Long đang được sửa chữa mặt cầu nên xe trên 10 tấn bị cấm lưu thông từ đầu tháng 3."
P4 = "Người dân có thể phản ánh vi phạm qua đường dây nóng của Công an thành phố."


def _text(paragraphs: list[str], newline: str = "\n", end: str = "\n") -> str:
    return (newline * 2).join(paragraphs) + end


@pytest.mark.parametrize("end", ["\n", "", "\n\n\n", "  \n"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_last_paragraph_removed_keeps_the_ending(newline: str, end: str) -> None:
    end = end.replace("\n", newline)
    text = _text([TITLE, P1, P2, P3, P2], newline, end)
    result = deduplicate(text, semantic=False)
    (r,) = result.removed
    assert (r.level, r.index) == ("paragraph", 4)
    assert result.text == _text([TITLE, P1, P2, P3], newline, end)
    assert reconstruct(result.text, result.removed) == text


def test_several_last_paragraphs_removed() -> None:
    text = _text([TITLE, P1, P2, P3, P1, P2])
    result = deduplicate(text, semantic=False)
    assert [(r.level, r.index) for r in result.removed] == [("paragraph", 4), ("paragraph", 5)]
    assert result.text == _text([TITLE, P1, P2, P3])
    assert reconstruct(result.text, result.removed) == text


def test_last_paragraph_emptied_sentence_by_sentence() -> None:
    # Its two sentences repeat sentences of two different paragraphs: no paragraph repeats.
    text = _text([TITLE, f"{P1} {P4}", f"{P3} {P2}", f"{P2} {P4}"])
    result = deduplicate(text, semantic=False)
    assert {(r.level, r.index) for r in result.removed} == {("sentence", 5), ("sentence", 6)}
    assert result.text == _text([TITLE, f"{P1} {P4}", f"{P3} {P2}"])
    assert reconstruct(result.text, result.removed) == text


def test_middle_paragraph_removed_keeps_the_layout() -> None:
    text = _text([TITLE, P1, P2, P3, P2, P4])
    result = deduplicate(text, semantic=False)
    assert result.text == _text([TITLE, P1, P2, P3, P4])
    assert reconstruct(result.text, result.removed) == text


def test_trailing_chrome_dropped_keeps_the_ending() -> None:
    text = _text([TITLE, P1, P2, P3, "Chia sẻ bài viết"])
    result = deduplicate(text, semantic=False, drop_boilerplate=True)
    assert [r.reason for r in result.removed] == ["boilerplate"]
    assert result.text == _text([TITLE, P1, P2, P3])
    assert reconstruct(result.text, result.removed) == text


def test_cli_output_ends_like_the_input(tmp_path, monkeypatch, capsys) -> None:
    src, out = tmp_path / "a.txt", tmp_path / "clean.txt"
    src.write_text(_text([TITLE, P1, P2, P3, P2]), "utf-8")
    code, _, err = run_main(monkeypatch, capsys, "dedup", str(src), "--no-semantic", "-o", str(out))
    assert code == 0, err
    assert out.read_text("utf-8") == _text([TITLE, P1, P2, P3])


def test_a_removed_caption_takes_its_photo_credit() -> None:
    """A caption removed as a repeat leaves no "Ảnh: ..." alone on its line."""
    caption = "Lễ khởi công tuyến đường sắt đô thị số 5 tại quận Ba Đình sáng nay."
    text = (
        "Hà Nội khởi công tuyến đường sắt số 5\n\n"
        "UBND thành phố Hà Nội tổ chức buổi lễ với sự tham dự của nhiều lãnh đạo trung ương. "
        f"{caption}\n\n"
        "Tuyến đường dài 38 km, gồm 20 nhà ga, với tổng mức đầu tư khoảng 65.000 tỷ đồng.\n\n"
        f"{caption} Ảnh: Minh Anh\n\n"
        "Dự án dự kiến hoàn thành vào năm 2030."
    )
    result = deduplicate(text, semantic=False)
    assert "Minh Anh" not in result.text
    credit = next(r for r in result.removed if r.text == "Ảnh: Minh Anh")
    caption_removed = next(
        r for r in result.removed if r.text == caption and r.index == credit.index - 1
    )
    assert credit.cluster == caption_removed.cluster
    assert reconstruct(result.text, result.removed) == text
    # A credit under a caption that stays, stays.
    kept = deduplicate(text.replace(f" {caption}\n\n", "\n\n", 1), semantic=False)
    assert "Ảnh: Minh Anh" in kept.text


def test_a_kept_paragraph_emptied_later_is_not_reported_as_kept() -> None:
    """A paragraph kept against its copy, whose sentence then goes as a repeat of the
    lead: the reports say where its text went instead of calling it kept."""
    caption = "Lễ khởi công tuyến đường sắt đô thị số 5 tại quận Ba Đình sáng nay."
    other = "Tuyến đường dài 38 km, gồm 20 nhà ga, với tổng mức đầu tư khoảng 65.000 tỷ đồng."
    text = (
        "Hà Nội khởi công tuyến đường sắt số 5\n\n"
        f"UBND thành phố Hà Nội tổ chức buổi lễ trọng thể. {caption}\n\n"
        f"{caption} Ảnh: Minh Anh\n\n{other}\n\n{caption} Ảnh: Minh Anh\n\n{other}\n\n"
        "Dự án dự kiến hoàn thành vào năm 2030."
    )
    result = deduplicate(text, semantic=False)
    assert reconstruct(result.text, result.removed) == text
    record = json.loads(render_dedup_report(result, "json"))
    paragraph_clusters = {
        c["kept"]["text"]: c for c in record["clusters"] if c["level"] == "paragraph"
    }
    emptied = paragraph_clusters[f"{caption} Ảnh: Minh Anh"]["kept"]
    sentence_cluster = next(r.cluster for r in result.removed if r.level == "sentence")
    assert emptied["removed_by"] == [sentence_cluster]
    assert "removed_by" not in paragraph_clusters[other]["kept"]  # still in the text
    assert other in result.text
    markdown = render_dedup_report(result, "markdown")
    assert f"| kept here, then removed in `{sentence_cluster}` | 2 |" in markdown
    assert f"then removed in <code>{sentence_cluster}</code>" in render_dedup_report(result, "html")
