"""Counts in the digest's words read as English: "1 story", "1 in-article repeat"
(the samples digest said "1 stories told by more than one document" and
"1 in-article repeats removed")."""

from __future__ import annotations

from pathlib import Path

from conftest import run_main

from summarize.digest.render import markdown_header


def test_markdown_header_counts_in_the_singular_and_plural() -> None:
    one = markdown_header("Digest", {"documents": 1, "failed": 1, "stories": 1, "learned": 1})
    assert "1 document, 1 failed, 1 story told by more than one document, " in one
    assert "1 boilerplate line learned from the batch." in one
    many = markdown_header("Digest", {"documents": 5, "failed": 0, "stories": 2, "learned": 0})
    assert "5 documents, 0 failed, 2 stories told by more than one document, " in many
    assert "0 boilerplate lines learned from the batch." in many


def test_one_repeat_in_an_article_is_singular(tmp_path: Path, monkeypatch, capsys) -> None:
    """One article with one sentence said twice, digested with --method lead (no model)."""
    src = tmp_path / "a.txt"
    src.write_text(
        "Hà Nội khánh thành cầu mới\n\n"
        "Sáng nay, thành phố Hà Nội đã khánh thành cây cầu mới bắc qua sông Hồng.\n\n"
        "Cây cầu dài 1,5 km và có sáu làn xe, giúp giảm ùn tắc cho phía bắc thành phố.\n\n"
        "Sáng nay, thành phố Hà Nội đã khánh thành cây cầu mới bắc qua sông Hồng.\n",
        "utf-8",
    )
    page = tmp_path / "d.html"
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(src), "-o", str(page), "--method", "lead"
    )
    assert code == 0, err
    assert "1 document, 0 failed, 0 multi-article stories" in err  # no resume: no "(0 from"
    html = page.read_text("utf-8")
    assert "1 in-article repeat removed" in html
    assert "repeats removed" not in html
