"""Duplicate-removal reports: JSON/CSV/Markdown/HTML/terminal, checked on the samples.

The Chromium tests open the HTML report in a real headless browser and check what a
reader gets after the page's JavaScript ran: marked removals, inert injected markup,
working filters. They are skipped only when no ``chromium`` binary is installed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from summarize.api import deduplicate
from summarize.dedup.document import (
    ConflictingVariant,
    DedupResult,
    Labelled,
    Removed,
    reconstruct,
)
from summarize.report.dedup import (
    CSV_COLUMNS,
    DEDUP_SCHEMA,
    md_escape,
    removed_from_json,
    render_dedup_report,
    show_dedup,
)
from summarize.types import Document, Paragraph

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.txt"))
BAC_GIANG = next(p for p in SAMPLES if p.name.startswith("bac-giang"))

# A document that tries to run script, with markup and ampersands in it, a sentence
# repeated inside a kept paragraph, a doubled header that is also boilerplate, and two
# statements that differ only in a number (a conflict: both kept).
HOSTILE = (
    'Tin <b>nóng</b> & mới: <script>document.title="pwned";'
    'document.documentElement.setAttribute("data-pwned","1")</script>\n'
    "\n"
    "Khoa Cấp cứu, Bệnh viện Đa khoa tỉnh bình quân mỗi ngày tiếp nhận 120 bệnh nhân. "
    "Đây là con số rất lớn so với năm trước.\n"
    "\n"
    "Khoa Cấp cứu, Bệnh viện Đa khoa tỉnh bình quân mỗi ngày tiếp nhận 200 bệnh nhân.\n"
    "\n"
    "Công ty A&B <tuyên bố> rằng doanh thu năm nay tăng mạnh nhờ xuất khẩu nông sản sang "
    "châu Âu. Ông Nguyễn Văn An cho biết thêm nhiều chi tiết.\n"
    "\n"
    "Công ty A&B <tuyên bố> rằng doanh thu năm nay tăng mạnh nhờ xuất khẩu nông sản sang "
    "châu Âu. Điều này được nhiều chuyên gia đánh giá cao.\n"
    "\n"
    "Chính trị - Xã hội Chính trị - Xã hội\n"
    "\n"
    "Bài, ảnh: Anh Phong\n"
)


def _results() -> list[tuple[str, str, DedupResult]]:
    out = []
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        for drop in (False, True):
            out.append((f"{path.stem}{'-drop' if drop else ''}", text, _dedup(text, drop)))
    out.append(("hostile", HOSTILE, _dedup(HOSTILE, False)))
    out.append(("hostile-drop", HOSTILE, _dedup(HOSTILE, True)))
    return out


def _dedup(text: str, drop: bool) -> DedupResult:
    return deduplicate(text, semantic=False, drop_boilerplate=drop)


RESULTS = _results()
IDS = [name for name, _, _ in RESULTS]


def test_samples_exercise_every_kind_of_mark() -> None:
    """The cases below only mean something if the inputs contain these situations."""
    removed = [r for _, _, res in RESULTS for r in res.removed]
    assert {r.level for r in removed} >= {"paragraph", "sentence", "phrase"}
    assert {r.reason for r in removed} == {"duplicate", "boilerplate"}
    assert any(res.conflicts for _, _, res in RESULTS)
    hostile = dict((n, r) for n, _, r in RESULTS)["hostile"]
    # A phrase cut from a line that is labelled boilerplate but kept: overlapping marks.
    boiler = hostile.boilerplate
    assert any(
        r.level == "phrase" and any(b.start <= r.start and r.end <= b.end for b in boiler)
        for r in hostile.removed
    )


# ------------------------------------------------------------------------ JSON


@pytest.mark.parametrize(("name", "original", "result"), RESULTS, ids=IDS)
def test_json_round_trip_gives_back_the_original(
    name: str, original: str, result: DedupResult
) -> None:
    report = render_dedup_report(result, "json")
    record = json.loads(report)
    assert record["schema"] == DEDUP_SCHEMA
    assert reconstruct(result.text, removed_from_json(record)) == original
    assert reconstruct(result.text, removed_from_json(report)) == original  # str works too
    assert removed_from_json(record) == result.removed
    assert record["original_sha256"] == hashlib.sha256(original.encode()).hexdigest()
    assert record["cleaned_sha256"] == hashlib.sha256(result.text.encode()).hexdigest()

    counts = record["counts"]
    assert counts["removed"] == len(result.removed) == len(record["removed"])
    assert counts["original_chars"] - counts["removed_chars"] == counts["cleaned_chars"]
    assert sum(counts["removed_by_level"].values()) == counts["removed"]
    for item in record["removed"]:
        assert original[item["start"] : item["end"]] == item["text"]
        assert original[item["cut_start"] : item["cut_end"]] == item["cut_text"]
    dups = [r for r in result.removed if r.reason == "duplicate"]
    assert sum(len(c["members"]) for c in record["clusters"]) == len(dups)
    for cluster in record["clusters"]:
        kept = cluster["kept"]
        assert original[kept["start"] : kept["end"]] == kept["text"]
        for m in cluster["members"]:
            assert original[m["start"] : m["end"]] == m["text"]
            assert m["signal"] in {"exact", "near-exact", "contained", "semantic"}
    assert len(record["boilerplate"]) == len(result.boilerplate)
    for b in record["boilerplate"]:
        assert original[b["start"] : b["end"]] == b["text"]
        assert b["removed"] == name.endswith("-drop")
    for c in record["conflicts"]:
        assert original[c["start"] : c["end"]] == c["text"]
        assert original[c["other_start"] : c["other_end"]] == c["other_text"]
        assert c["differences"]


def test_json_conflicts_and_clusters_of_the_hostile_document() -> None:
    record = json.loads(render_dedup_report(_dedup(HOSTILE, False), "json"))
    levels = {c["level"]: c for c in record["clusters"]}
    assert set(levels) == {"sentence", "phrase"}
    sentence = levels["sentence"]
    assert sentence["kept"]["text"].startswith("Công ty A&B <tuyên bố>")
    assert [m["signal"] for m in sentence["members"]] == ["exact"]
    diffs = {d for c in record["conflicts"] for d in c["differences"]}
    assert "number 200" in diffs


def test_removed_from_json_rejects_other_documents() -> None:
    with pytest.raises(ValueError, match="not a dedup report"):
        removed_from_json({"schema": "summarize.summary/1", "removed": []})
    with pytest.raises(ValueError, match="unsupported"):
        removed_from_json({"schema": "summarize.dedup/99", "removed": []})
    with pytest.raises(ValueError, match="unknown report format"):
        render_dedup_report(RESULTS[0][2], "pdf")


# ------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(("name", "original", "result"), RESULTS, ids=IDS)
def test_csv_one_row_per_removal_with_exact_offsets(
    name: str, original: str, result: DedupResult
) -> None:
    report = render_dedup_report(result, "csv")
    rows = list(csv.reader(io.StringIO(report, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    records = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    assert len(records) == len(result.removed)
    for row, r in zip(records, result.removed, strict=True):
        start, end = int(row["start"]), int(row["end"])
        assert (start, end) == (r.start, r.end)
        assert row["text"] == original[start:end]
        assert row["level"] == r.level and row["reason"] == r.reason
        assert row["signal"] == r.signal and float(row["score"]) == pytest.approx(r.score)
        if r.reason == "duplicate":
            assert row["cluster"] == r.cluster
            ks, ke = int(row["kept_start"]), int(row["kept_end"])
            assert row["kept_text"] == original[ks:ke]
            assert int(row["kept_index"]) == r.kept_index
        else:
            assert row["kept_start"] == row["kept_text"] == ""


# -------------------------------------------------------------------- Markdown


@pytest.mark.parametrize(("name", "original", "result"), RESULTS, ids=IDS)
def test_markdown_lists_every_removal(name: str, original: str, result: DedupResult) -> None:
    report = render_dedup_report(result, "markdown")
    assert report.startswith("# Duplicate report")
    assert f"| items removed | {len(result.removed)} |" in report
    for r in result.removed:
        if r.reason == "duplicate":
            assert md_escape(r.text) in report
            assert f"`{r.cluster}`" in report
            assert md_escape(original[r.kept_start : r.kept_end]) in report
        else:
            assert md_escape(r.text, newline=" ") in report
    for b in result.boilerplate:
        assert f"**{md_escape(b.label)}**" in report
    for c in result.conflicts:
        assert f"**{c.level} {c.index} vs {c.other}**" in report


def test_markdown_table_cells_are_escaped() -> None:
    block = "A | B\nsecond line"  # one item spanning a line break (a caption block)
    text = f"{block}\n{block}\n"
    n = len(block)
    doc = Document(
        text, paragraphs=[Paragraph(0, 0, n, block), Paragraph(1, n + 1, 2 * n + 1, block)]
    )
    removed = Removed(
        "paragraph", 1, n + 1, 2 * n + 1, block, "duplicate", "exact", 1.0, "p-x", 0, 0, n,
        n + 1, 2 * n + 2, text[n + 1 :],
    )  # fmt: skip
    result = DedupResult(doc, text[: n + 1], [removed])
    assert reconstruct(result.text, [removed]) == text
    report = render_dedup_report(result, "markdown")
    rows = [line for line in report.splitlines() if line.startswith(("| kept", "| removed"))]
    assert len(rows) == 2
    for row in rows:
        assert "A \\| B<br>second line" in row
        # Every cell border is an unescaped pipe: 7 of them for 6 columns.
        assert len(re.findall(r"(?<!\\)\|", row)) == 7


# ------------------------------------------------------------------------ HTML


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


@pytest.mark.parametrize(("name", "original", "result"), RESULTS, ids=IDS)
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
    page = render_dedup_report(_dedup(HOSTILE, False), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert page.count("<script") == 1 and page.count("<style") == 1


def test_html_escapes_document_text() -> None:
    page = render_dedup_report(_dedup(HOSTILE, False), "html")
    assert "<script>document.title" not in page
    assert "<b>nóng" not in page and "<tuyên bố>" not in page
    assert "&lt;script&gt;document.title=&quot;pwned&quot;" in page
    assert "Tin &lt;b&gt;nóng&lt;/b&gt; &amp; mới" in page
    assert "Công ty A&amp;B &lt;tuyên bố&gt;" in page
    # Text in attributes (tooltips) is escaped too: no raw quote breaks out.
    for _, attrs in _Tree(page).elements:
        assert "pwned" not in "".join(attrs)


def test_html_handles_overlapping_marks() -> None:
    result = _dedup(HOSTILE, False)
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


# -------------------------------------------------------------------- terminal


def _console(width: int = 100) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, force_terminal=False, color_system=None), out


def test_show_dedup_table() -> None:
    result = _dedup(HOSTILE, True)
    console, out = _console()
    show_dedup(result, console)
    text = out.getvalue()
    for r in result.removed:
        assert r.level in text and r.signal in text
        if r.cluster:
            assert r.cluster in text
    cut = len(HOSTILE) - len(result.text)
    assert f"removed 1 sentence, 3 boilerplate lines: {cut} of {len(HOSTILE)} characters" in text
    labels = ", ".join(f"{b.label} ×1" for b in result.boilerplate)
    assert f"boilerplate lines (removed): {labels}" in text
    assert "conflict, both kept" in text and "number 200" in text


def test_show_dedup_never_reads_document_text_as_markup() -> None:
    text = "[bold red]Cảnh báo[/bold red] hôm nay.\n[bold red]Cảnh báo[/bold red] hôm nay.\n"
    doc = Document(text, paragraphs=[Paragraph(0, 0, 37, text[0:37])])
    r = Removed(
        "paragraph", 1, 38, 75, text[38:75], "duplicate", "exact", 1.0, "p-1", 0, 0, 37,
        38, 76, text[38:76],
    )  # fmt: skip
    console, out = _console(120)
    show_dedup(DedupResult(doc, text[:38], [r]), console)
    assert "[bold red]Cảnh báo[/bold red]" in out.getvalue()


def test_show_dedup_one_line_when_nothing_removed() -> None:
    text = "Một câu.\n"
    doc = Document(text, paragraphs=[Paragraph(0, 0, 8, "Một câu.")])
    console, out = _console()
    show_dedup(DedupResult(doc, text), console)
    assert out.getvalue().count("\n") == 1
    assert "nothing removed" in out.getvalue()
    # With labelled lines and conflicts, still one line.
    lab = Labelled(0, 0, 8, "Một câu.", "byline")
    conflict = ConflictingVariant("sentence", 0, 0, "a", "b", "near-exact", 0.9, ("number 1",))
    console, out = _console()
    show_dedup(DedupResult(doc, text, [], [lab], [conflict]), console)
    assert out.getvalue().count("\n") == 1


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
    result = _dedup(original, False)
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
    tree = _open(tmp_path, _dedup(HOSTILE, False))
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
    result = _dedup(HOSTILE, False)
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
    result = _dedup(text, True)  # every boilerplate line removed, so hiding it is cleaning
    tree = _open(tmp_path, result, "#hide=all")
    assert tree.doc_text(skip_hidden=True) == result.text
    assert tree.doc_text() == text
    # Conflicts are kept text: their filter only drops the highlight.
    if result.conflicts:
        assert tree.with_class("is-plain")
