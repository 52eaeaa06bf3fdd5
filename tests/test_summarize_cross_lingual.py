"""A summary of a text that mixes languages drops a translation of an earlier sentence
when asked (``cross_lingual``), as ``deduplicate`` does; the command line too."""

from __future__ import annotations

from conftest import run_main
from test_dedup_decision import _Translating

from summarize import summarize, summarize_many

VI = "Chính phủ sẽ tăng lương tối thiểu thêm 6% từ ngày 1/7 năm nay để hỗ trợ người lao động."
EN = "The government will raise the minimum wage by 6% from July 1 this year to help workers."
REST = [
    "Mức tăng này được Hội đồng Tiền lương Quốc gia đề xuất sau nhiều phiên họp kéo dài.",
    "Các doanh nghiệp cho biết sẽ điều chỉnh kế hoạch chi phí trong quý tới.",
    "Công đoàn đánh giá đây là bước tiến quan trọng đối với đời sống công nhân.",
]
TEXT = "\n\n".join(["Tăng lương tối thiểu từ tháng 7", VI, EN, *REST])


def test_a_translation_is_a_duplicate_only_when_asked(fake_encoder) -> None:
    encoder = _Translating(fake_encoder, {EN: VI})
    plain = summarize(TEXT, model=encoder, sentences=5)
    assert EN in [s.text for s in plain.sentences]
    mixed = summarize(TEXT, model=encoder, sentences=5, cross_lingual=True)
    assert EN not in [s.text for s in mixed.sentences]
    (dropped,) = [e for e in mixed.excluded if e.text == EN]
    assert dropped.reason.value == "duplicate" and "cross-lingual" in dropped.detail
    assert VI in [s.text for s in mixed.sentences]


def test_a_story_told_in_two_languages(fake_encoder) -> None:
    encoder = _Translating(fake_encoder, {EN: VI})
    vi_article = "\n\n".join(["Tăng lương tối thiểu", VI, *REST[:2]])
    en_article = "\n\n".join(["Minimum wage rises", EN, "Unions welcomed the decision on Monday."])
    plain = summarize_many([vi_article, en_article], model=encoder, sentences=4)
    assert not plain.cross_duplicates
    story = summarize_many([vi_article, en_article], model=encoder, sentences=4, cross_lingual=True)
    assert story.cross_duplicates == {(1, 1): (0, 1)}  # the English lead repeats the Vietnamese
    texts = [s.text for s in story.sentences]
    assert VI in texts and EN not in texts


def test_the_command_line_takes_the_flag(tmp_path, monkeypatch, capsys) -> None:
    src = tmp_path / "mixed.txt"
    src.write_text(TEXT, encoding="utf-8")
    code, _, err = run_main(monkeypatch, capsys, str(src), "--cross-lingual", "-m", "lead")
    assert code == 2
    assert err.strip() == (
        "summarize: error: --cross-lingual finds translations by the model's vectors: "
        "it cannot be used with the lead method"
    )
