"""Every HTML page says the language its text is in, never a fixed ``lang="vi"``.

The summary page, the dedup report, the digest page and the serve page are rendered
for a Vietnamese sample, an English article and a Russian one (Cyrillic: a script of
several languages, so the page says nothing rather than guess). The digest page takes
the language of most of its articles, each article in another language says its own,
and a page with no language most articles share has no ``lang`` at all.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summarize import deduplicate, summarize
from summarize.config import SummaryConfig
from summarize.digest import DigestOptions, Output, digest
from summarize.report import render_dedup_report, render_summary
from summarize.report.language import common_lang, text_lang

ROOT = Path(__file__).resolve().parent.parent
HUE = ROOT / "samples" / "thua-thien-hue.txt"
VIETNAMESE = HUE.read_text("utf-8")
# Written for this test (no third-party text): ordinary English news prose.
ENGLISH = """Council approves a new bridge over the river

The city council voted on Tuesday to build a second bridge over the river, ending a
debate that has lasted for more than ten years.

The bridge will carry cars, buses and bicycles, and it is expected to open in 2029. The
mayor said that the project would cut the time people spend in traffic by a third.

Critics of the plan said the money should have been spent on the old bridge, which
needs repairs. The council will publish the full cost of the work next month.
"""
RUSSIAN = """Городской совет одобрил строительство нового моста

Городской совет во вторник проголосовал за строительство второго моста через реку.

Мост будет открыт для машин, автобусов и велосипедов. По словам мэра, проект сократит
время в пробках на треть.
"""


def html_lang(page: str) -> str | None:
    """The ``lang`` of the page's ``<html>`` element; None when it has none."""
    tag = re.search(r"<html\b[^>]*>", page)
    assert tag, page[:200]
    found = re.search(r'\blang="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


@pytest.mark.parametrize(
    ("text", "lang"), [(VIETNAMESE, "vi"), (ENGLISH, "en"), (RUSSIAN, None)],
    ids=["vi", "en", "cyrillic"],
)  # fmt: skip
def test_summary_page_and_dedup_report_say_the_text_language(text: str, lang: str | None) -> None:
    page = render_summary(summarize(text, sentences=2, method="lead"), "html")
    report = render_dedup_report(deduplicate(text, semantic=False), "html")
    assert (html_lang(page), html_lang(report)) == (lang, lang)


class _Langs(HTMLParser):
    """Each text node of a page with the language it is in: the nearest ``lang`` of its
    elements ("" said unknown, None: none said)."""

    VOID = {"meta", "br", "input", "img", "link", "hr", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        if tag not in self.VOID:
            own = dict(attrs).get("lang")
            self.stack.append((tag, own if own is not None else self.lang()))

    def handle_endtag(self, tag) -> None:  # noqa: ANN001
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(t in ("style", "script", "title") for t, _ in self.stack):
            self.texts.append((self.lang(), " ".join(data.split())))

    def lang(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def of(self, needle: str) -> set[str | None]:
        found = {lang for lang, text in self.texts if needle in text}
        assert found, needle
        return found


def langs_of(page: str) -> _Langs:
    parser = _Langs()
    parser.feed(page)
    return parser


@pytest.mark.parametrize(
    ("text", "lang"), [(VIETNAMESE, "vi"), (RUSSIAN, None)], ids=["vi", "cyrillic"]
)  # fmt: skip
def test_the_pages_own_english_words_say_they_are_english(text: str, lang: str | None) -> None:
    """The page's lang is the article's, so its labels ("Left out before ranking",
    "sentence #3", "Duplicate clusters", the badges) say lang="en" on their elements, and
    article text inside them says the article's (lang="" when unknown), never English."""
    result = summarize(text + "\n\n" + text.split("\n\n")[1], sentences=2, method="lead")
    page = langs_of(render_summary(result, "html"))
    for label in ("sentences ·", "sentence #", "Left out before ranking", "duplicate removed"):
        assert page.of(label) == {"en"}, label
    for s in result.sentences:  # the picks: the page's own language, never English
        assert lang in page.of(s.text[:40]) and "en" not in page.of(s.text[:40])
    for e in result.excluded:  # listed inside the English <details>: the article's
        assert (lang or "") in page.of(e.text[:40]) and "en" not in page.of(e.text[:40])
    report = deduplicate(text + "\n\n" + text.split("\n\n")[1], semantic=False)
    assert report.removed
    doc = langs_of(render_dedup_report(report, "html"))
    for label in ("paragraphs,", "removed:", "Show", "Duplicate clusters", "dup of", "Highlighted"):
        assert doc.of(label) == {"en"}, label
    cut = report.removed[0].text[:40]
    assert doc.of(cut) == {lang, lang or ""}  # in the article body and in the English panel


def test_summarize_o_html_says_english_for_an_english_article(tmp_path: Path) -> None:
    """`summarize article.txt -o s.html`, as a user runs it."""
    article, target = tmp_path / "bridge.txt", tmp_path / "s.html"
    article.write_text(ENGLISH, "utf-8")
    p = subprocess.run(
        [sys.executable, "-m", "summarize.cli", str(article), "-m", "lead", "-o", str(target)],
        capture_output=True, timeout=300, env=dict(os.environ), cwd=ROOT,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr.decode()
    assert html_lang(target.read_text("utf-8")) == "en"


def test_common_language_of_many_articles() -> None:
    assert common_lang(["en", "en", "en", "en", "vi", None]) == "en"  # 4 of 5 known
    assert common_lang(["en", "en", "vi"]) is None  # mixed
    assert common_lang([None, None]) is None
    assert text_lang(["OK", "Hà Nội"]) is None  # too short to tell


def _english(n: int) -> str:
    """A distinct English article (one per topic), so no two make a story."""
    topics = ["a library", "a marathon", "a storm", "an election", "a museum", "a harbour"]
    what = topics[n]
    return (
        f"Town news about {what}\n\nThe town said on Monday that {what} will be the main "
        f"subject of its meeting, and that all of the residents are invited.\n\nOfficials "
        f"said they had received many letters about {what} from people who live in the "
        f"north of the town. The meeting will be held at the town hall at {n + 6} pm."
    )


def _digest_page(tmp_path: Path, records: list[dict]) -> str:
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    out = tmp_path / "d.html"
    digest([str(src)], [Output(out, "html")], DigestOptions(SummaryConfig(method="lead")))
    return out.read_text("utf-8")


def test_digest_page_takes_the_language_of_most_articles(tmp_path: Path) -> None:
    records = [{"id": f"en{n}", "text": _english(n)} for n in range(4)]
    records.append({"id": "hue", "text": VIETNAMESE})
    page = _digest_page(tmp_path, records)
    assert html_lang(page) == "en"
    articles = dict(re.findall(r'<article class="art" id="a-(\d+)"([^>]*)>', page))
    assert articles == {"0": "", "1": "", "2": "", "3": "", "4": ' lang="vi"'}


def test_digest_page_of_mixed_languages_has_no_lang(tmp_path: Path) -> None:
    records = [{"id": f"en{n}", "text": _english(n)} for n in range(2)]
    records += [{"id": "hue", "text": VIETNAMESE}, {"id": "ru", "text": RUSSIAN}]
    page = _digest_page(tmp_path, records)
    assert html_lang(page) is None
    articles = dict(re.findall(r'<article class="art" id="a-(\d+)"([^>]*)>', page))
    assert articles == {"0": ' lang="en"', "1": ' lang="en"', "2": ' lang="vi"', "3": ""}


def test_serve_page_is_english_and_each_summary_says_its_language() -> None:
    """The editors' page: its own words are English; each summary is in its article's."""
    from summarize.serve.engine import Article
    from summarize.serve.page import Form, render_page

    results = [
        (Article(text=t), summarize(t, sentences=2, method="lead")) for t in (VIETNAMESE, ENGLISH)
    ]
    page = render_page("lead", Form(), summaries=results)
    assert html_lang(page) == "en"
    lists = re.findall(r'<ol class="summary-list" id="summary-\d+"([^>]*)>', page)
    assert lists == [' lang="vi"', ' lang="en"']
    texts = langs_of(page)
    assert texts.of("sentence #") == {"en"}  # the English label inside the Vietnamese list
    first = results[0][1].sentences[0].text
    assert texts.of(first[:40]) == {"vi"}


def test_digest_page_in_vietnamese_marks_its_own_english_words(tmp_path: Path) -> None:
    """Headings and labels of a Vietnamese digest say lang="en"; articles stay Vietnamese."""
    records = [
        {"id": p.stem, "text": p.read_text("utf-8")}
        for p in sorted((ROOT / "samples").glob("*.txt"))
    ]
    page = _digest_page(tmp_path, records)
    assert html_lang(page) == "vi"
    langs = langs_of(page)
    for label in ("Articles in no story", "Told by one article each", "Boilerplate learned from"):
        assert langs.of(label) == {"en"}, label
    picked = re.search(r'<ol class="sum"><li>([^<]{20,60})', page)
    assert picked and langs.of(picked.group(1)) == {"vi"}
    # An English page does not repeat what its <html lang> says.
    english = _digest_page(tmp_path, [{"id": f"en{n}", "text": _english(n)} for n in range(3)])
    assert 'lang="en"' not in english.split("<body", 1)[1]
