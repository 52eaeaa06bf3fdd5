"""The HTML dedup report, parsed as written and as a browser leaves it.

The Chromium tests open the report in a real headless browser and check what a reader
gets after the page's JavaScript ran: marked removals, inert injected markup, working
filters. They are skipped only when no ``chromium`` binary is installed.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from report_cases import BAC_GIANG, HOSTILE, SAMPLES, dedup, each_result

from summarize.dedup.document import DedupResult
from summarize.report import render_dedup_report


class _Tree(HTMLParser):
    """Text pieces of a page, each with the tag/class/attribute stack around it."""

    VOID = {"meta", "input", "br", "img", "link", "hr", "wbr", "source"}

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.pieces: list[tuple[str, list[dict[str, str]]]] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        a["_tag"] = tag
        self.elements.append((tag, a))
        if tag not in self.VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.pieces.append((data, [a for _, a in self.stack]))

    def doc_text(self, *, skip_hidden: bool = False) -> str:
        """The article's text without the badges (and without hidden pieces)."""
        out = []
        for data, attrs in self.pieces:
            classes = [set(a.get("class", "").split()) for a in attrs]
            if not any("doc" in c for c in classes) or any("note" in c for c in classes):
                continue
            if skip_hidden and any("is-hidden" in c for c in classes):
                continue
            out.append(data)
        return "".join(out)

    def marked(self, name: str) -> str:
        """Document text inside elements of class ``name`` (badges left out)."""
        out = []
        for data, attrs in self.pieces:
            classes = [set(a.get("class", "").split()) for a in attrs]
            if any("doc" in c for c in classes) and not any("note" in c for c in classes):
                if any(name in c for c in classes):
                    out.append(data)
        return "".join(out)

    def with_class(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.elements if name in a.get("class", "").split()]


@each_result
def test_html_holds_the_whole_document_with_marked_removals(
    name: str, original: str, result: DedupResult
) -> None:
    page = render_dedup_report(result, "html")
    tree = _Tree(page)
    assert tree.doc_text() == original
    ids = {a.get("id"): a for _, a in tree.elements if a.get("id")}
    for i, r in enumerate(result.removed):
        classes = ids[f"r{i}"]["class"].split()
        assert "rm" in classes
        assert ("rm-dup" if r.reason == "duplicate" else "rm-boiler") in classes
        if r.reason == "duplicate":
            assert f"lvl-{r.level}" in classes
    for i, r in enumerate(result.removed):
        assert tree.marked(f"r{i}") == r.text
    # Links point at anchors that exist.
    targets = {a["href"][1:] for _, a in tree.elements if a.get("href", "").startswith("#")}
    assert targets <= set(ids)


def test_html_is_self_contained_and_vietnamese() -> None:
    page = render_dedup_report(dedup(HOSTILE, False), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert page.count("<script") == 1 and page.count("<style") == 1


def test_html_header_counts_in_the_singular_when_there_is_one() -> None:
    """A one-paragraph, one-sentence article ("Những mẫu xe mới giá rẻ cho năm nay" of the
    baomoi sample, on the serve page) was "1 paragraphs, 1 sentences"."""
    meta = re.compile(r'<div class="meta"[^>]*>(.*?)</div>', re.S)
    one = meta.search(render_dedup_report(dedup("Xe mới giá rẻ cho năm nay.", False), "html"))
    assert one and "1 paragraph, 1 sentence ·" in one.group(1), one
    two = meta.search(render_dedup_report(dedup("Câu một.\n\nCâu hai. Câu ba.", False), "html"))
    assert two and "2 paragraphs, 3 sentences ·" in two.group(1), two


def test_html_escapes_document_text() -> None:
    page = render_dedup_report(dedup(HOSTILE, False), "html")
    assert "<script>document.title" not in page
    assert "<b>nóng" not in page and "<tuyên bố>" not in page
    assert "&lt;script&gt;document.title=&quot;pwned&quot;" in page
    assert "Tin &lt;b&gt;nóng&lt;/b&gt; &amp; mới" in page
    assert "Công ty A&amp;B &lt;tuyên bố&gt;" in page
    # Text in attributes (tooltips) is escaped too: no raw quote breaks out.
    for _, attrs in _Tree(page).elements:
        assert "pwned" not in "".join(attrs)


def test_html_escapes_metadata_and_labels() -> None:
    """Source, encoding, labels and differences reach the page too, in text and in
    attributes: they are escaped like the document text."""
    result = dedup(HOSTILE, False)
    evil = '"><img src=x onerror=alert(1)>'
    result.document.source = f"/tmp/{evil}.txt"
    result.document.encoding = evil
    result.boilerplate = [dataclasses.replace(b, label=evil) for b in result.boilerplate]
    result.conflicts = [
        dataclasses.replace(c, differences=(*c.differences, f"name {evil}"))
        for c in result.conflicts
    ]
    page = render_dedup_report(result, "html")
    assert "<img" not in page and "img" not in {tag for tag, _ in _Tree(page).elements}
    escaped = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert f"source <code>/tmp/{escaped}.txt</code>" in page
    assert f"boilerplate · {escaped} · kept" in page
    assert f'title="boilerplate ({escaped}), kept in the cleaned text"' in page
    assert page.count(f"name {escaped}") >= 2 * len(result.conflicts)


def test_html_inlines_the_packaged_stylesheet_and_script() -> None:
    page = render_dedup_report(dedup(HOSTILE, False), "html")
    templates = resources.files("summarize.report") / "templates"
    for name, tag in (("dedup.css", "style"), ("dedup.js", "script")):
        asset = (templates / name).read_text(encoding="utf-8")
        assert len(asset) > 1000 and f"<{tag}>\n{asset}</{tag}>" in page


def test_html_handles_overlapping_marks() -> None:
    result = dedup(HOSTILE, False)
    tree = _Tree(render_dedup_report(result, "html"))
    phrase = next(r for r in result.removed if r.level == "phrase")
    # The cut phrase sits inside a labelled boilerplate line: its pieces carry both.
    pieces = [
        (d, " ".join(a.get("class", "") for a in attrs))
        for d, attrs in tree.pieces
        if any("lvl-phrase" in a.get("class", "").split() for a in attrs)
        and any(a.get("class") == "doc" for a in attrs)
    ]
    assert "".join(d for d, _ in pieces) == phrase.text
    assert all("bp" in c.split() for _, c in pieces)
    # The kept sentence and the kept half of the header are marked as kept.
    kept = tree.marked("kept")
    assert "Công ty A&B <tuyên bố>" in kept and "Chính trị - Xã hội" in kept
    # Both sides of each conflict are marked.
    conflict = tree.marked("conflict")
    assert "120 bệnh nhân" in conflict and "200 bệnh nhân" in conflict


# --------------------------------------------------------------------- browser

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)


def _chromium(tmp_path: Path, url: str, *extra: str) -> str:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", *extra, url,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _open(tmp_path: Path, result: DedupResult, fragment: str = "") -> _Tree:
    page = tmp_path / "report.html"
    page.write_text(render_dedup_report(result, "html"), encoding="utf-8")
    dom = _chromium(tmp_path, page.as_uri() + fragment, "--dump-dom")
    assert 'data-ready="1"' in dom, "the report's script did not run to the end"
    return _Tree(dom)


@needs_chromium
def test_browser_shows_removed_text_marked(tmp_path: Path) -> None:
    original = BAC_GIANG.read_text(encoding="utf-8")
    result = dedup(original, False)
    assert result.removed
    tree = _open(tmp_path, result)
    assert tree.doc_text() == original
    ids = {a.get("id"): a for _, a in tree.elements if a.get("id")}
    for i, r in enumerate(result.removed):
        assert {"rm", "rm-dup", f"lvl-{r.level}"} <= set(ids[f"r{i}"]["class"].split())
        assert tree.marked(f"r{i}") == r.text
    assert tree.with_class("kept") and not tree.with_class("is-hidden")
    shot = tmp_path / "report.png"
    page = tmp_path / "report.html"
    _chromium(tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1400,1800")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@needs_chromium
def test_browser_keeps_injected_markup_inert(tmp_path: Path) -> None:
    tree = _open(tmp_path, dedup(HOSTILE, False))
    html_attrs = next(a for t, a in tree.elements if t == "html")
    assert "data-pwned" not in html_attrs
    scripts = [a for t, a in tree.elements if t == "script"]
    assert len(scripts) == 1  # only the report's own
    assert "<script>document.title=" in tree.doc_text()
    assert "<b>nóng</b> & mới" in tree.doc_text()
    assert not tree.with_class("pwned")
    head_title = _title(tree)
    # The page title names the document (its first line, as inert text), not "pwned".
    assert head_title.startswith("Duplicate report — Tin <b>nóng</b> & mới: <script>")


def _title(tree: _Tree) -> str:
    return "".join(d for d, attrs in tree.pieces if attrs and attrs[-1]["_tag"] == "title")


@needs_chromium
def test_browser_filters_hide_by_category(tmp_path: Path) -> None:
    result = dedup(HOSTILE, False)
    tree = _open(tmp_path, result, "#hide=dup-sentence")
    off = next(a for t, a in tree.elements if t == "body").get("data-off")
    assert off == "dup-sentence"
    hidden = tree.with_class("is-hidden")
    assert hidden and all("dup-sentence" in a["data-hide"].split() for a in hidden)
    for _, a in tree.elements:
        if "dup-sentence" in a.get("data-hide", "").split():
            assert "is-hidden" in a["class"].split()
    # Phrase removals, boilerplate and conflicts stay visible.
    assert not any("is-hidden" in a["class"].split() for a in tree.with_class("lvl-phrase"))
    for a in tree.with_class("is-plain"):  # only highlights of the hidden category go
        assert "dup-sentence" in a["data-mark"].split()
    sentence = next(r for r in result.removed if r.level == "sentence")
    # What a reader sees: the kept sentence once, the repeated one gone.
    assert tree.doc_text().count(sentence.text) == 2
    assert tree.doc_text(skip_hidden=True).count(sentence.text) == 1


@needs_chromium
@pytest.mark.parametrize("sample", [HOSTILE, "quang-ninh", "thua-thien-hue"])
def test_browser_all_filters_off_reads_as_the_cleaned_text(tmp_path: Path, sample: str) -> None:
    text = sample
    if "\n" not in sample:
        text = next(p for p in SAMPLES if p.stem.startswith(sample)).read_text(encoding="utf-8")
    result = dedup(text, True)  # every boilerplate line removed, so hiding it is cleaning
    tree = _open(tmp_path, result, "#hide=all")
    assert tree.doc_text(skip_hidden=True) == result.text
    assert tree.doc_text() == text
    # Conflicts are kept text: their filter only drops the highlight.
    if result.conflicts:
        assert tree.with_class("is-plain")
