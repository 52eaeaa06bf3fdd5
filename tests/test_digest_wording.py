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


def test_why_an_article_joined_a_story_reads_for_an_editor() -> None:
    """New-user trial (D-G1b): "same event (p 0.42)" said nothing to an editor (is 0.42
    weak?). The words say how sure; the number and the joining level are a tooltip."""
    from summarize.digest.stories import event_signal

    assert event_signal(0.97, 0.3)[0] == "same event: almost certain"
    assert event_signal(0.71, 0.3)[0] == "same event: likely"
    words, detail = event_signal(0.42, 0.3)
    assert words == "same event: borderline, worth a check"
    assert "0.42" in detail and "0.30 or more" in detail and "0.42" not in words


def test_a_digest_where_every_article_is_in_a_story(
    tmp_path: Path, monkeypatch, capsys, static_encoder
) -> None:
    """The story model's verdict is worded on the page, its number in the title attribute;
    the Markdown has no empty "## Other articles" heading when no article is alone."""
    import re

    samples = Path(__file__).resolve().parent.parent / "samples"
    text = (samples / "bac-giang-co-quan-tinh.txt").read_text("utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, "utf-8")
    (tmp_path / "in" / "b.txt").write_text(text.replace("Bắc Giang", "tỉnh Bắc Giang", 2), "utf-8")
    page, md = tmp_path / "d.html", tmp_path / "d.md"
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(tmp_path / "in"), "-o", str(page), "-o", str(md),
        "--fast", "--no-cache",
    )  # fmt: skip
    assert code == 0, err
    assert "1 multi-article story" in err
    html = page.read_text("utf-8")
    why = re.findall(r'<span class="why" title="([^"]*)">([^<]*)</span>', html)
    assert len(why) == 1, html
    detail, words = why[0]
    assert words.startswith("same event: ") and "(p " not in html
    assert re.search(r"gives 0\.\d\d as the probability", detail), detail
    markdown = md.read_text("utf-8")
    assert "Other articles" not in markdown
    assert words in markdown and "(p " not in markdown
