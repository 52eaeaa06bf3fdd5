"""The digest's HTML page: overview, anchors, sources, shared sentences, escaping, search.

One small digest (``method="lead"``: no model) of the project's samples, a re-published
copy of one of them (a story with shared sentences) and a hostile pair (markup and
quotes in title, text and source fields), written once for the module. The parsed page
is checked against what the work records (``DocumentRecord``) say; the browser tests
open it in the system Chromium through Playwright and are skipped only when either is
missing.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summarize.config import SummaryConfig
from summarize.digest import DigestOptions, Output, digest
from summarize.digest.html_page import SharedIndex
from summarize.digest.record import MIN_SHARED_WORDS, DocumentRecord
from summarize.digest.shared import Shared
from summarize.digest.workfile import WorkFile, work_dir_for

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
HOSTILE_TITLE = """<script>alert("tiêu đề")</script> Tin 'nóng' & "mới" </p> #Tin_""" + "dài" * 40
HOSTILE_LINE = (
    'Ông Nguyễn Văn An nói rằng <img src=x onerror="alert(1)"> thì không ai được phép '
    "chèn </mark><script>alert('x')</script> vào trang tin của tỉnh Quảng Nam năm nay."
)
HOSTILE_URL = 'javascript:alert("u")'
HOSTILE_PUBLISHER = '"><script>alert(2)</script>'


def _records() -> list[dict]:
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    base = texts[1]
    copy = base.replace(
        "\n\n", "\n\nMột đoạn mới được thêm vào khi bài được đăng lại hôm nay.\n\n", 1
    )
    hostile = texts[3].replace("\n\n", f"\n\n{HOSTILE_LINE}\n\n", 1)
    return [
        {"id": "goc", "title": "Bài gốc", "text": base, "url": "https://bao-a.example.vn/bai-goc",
         "date": "2024-05-20", "publisher": "Báo A"},
        {"id": "s0", "text": texts[0], "url": "https://bao-c.example.vn/s0"},
        {"id": "dang-lai", "title": "Bài đăng lại", "text": copy,
         "url": "https://bao-b.example.vn/dang-lai", "date": "2024-05-21", "publisher": "Báo B"},
        {"id": "h<1>", "title": HOSTILE_TITLE, "text": hostile, "url": HOSTILE_URL,
         "publisher": HOSTILE_PUBLISHER},
        {"id": "h2", "title": "Bản sao", "text": hostile + "\n\n" + HOSTILE_LINE},  # a repeat
        {"id": "s4", "text": texts[4], "date": "21/05/2024"},
        {"id": "rong", "text": ""},
    ]  # fmt: skip


class Page:
    """The written page as elements (tag, attributes) and text pieces with their parents."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.elements: list[tuple[str, dict[str, str], list[dict[str, str]]]] = []
        self.pieces: list[tuple[str, list[dict[str, str]]]] = []
        stack: list[dict[str, str]] = []
        page = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                a = {k: v or "" for k, v in attrs} | {"_tag": tag}
                page.elements.append((tag, a, list(stack)))
                if tag not in ("meta", "input", "br", "img", "link", "hr"):
                    stack.append(a)

            def handle_endtag(self, tag):
                while stack:
                    if stack.pop()["_tag"] == tag:
                        break

            def handle_data(self, data):
                page.pieces.append((data, list(stack)))

        Parser(convert_charrefs=True).feed(text)

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[dict]:
        return [
            a
            for t, a, _ in self.elements
            if (tag is None or t == tag)
            and (cls is None or cls in a.get("class", "").split())
            and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def text_in(self, pred) -> str:
        """Text of the pieces with an ancestor (or parent) that satisfies ``pred``."""
        return "".join(d for d, parents in self.pieces if any(pred(p) for p in parents))

    def ids(self) -> set[str]:
        return {a["id"] for _, a, _ in self.elements if "id" in a}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Page, dict[str, DocumentRecord], object]:
    tmp = tmp_path_factory.mktemp("digest_html")
    src = tmp / "tin_bai_cua_cac_toa_soan_dia_phuong_xuat_ban_trong_ngay_hom_nay.jsonl"  # long
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records()))
    out = tmp / "d.html"
    options = DigestOptions(SummaryConfig(method="lead"), keep_work=True, title="Tin <ngày>")
    result = digest([str(src)], [Output(out, "html")], options)
    work = WorkFile(work_dir_for(out))
    records = {rec.id: rec for _, rec in work.records()}
    return out, Page(out.read_text(encoding="utf-8")), records, result


def _tiles(page: Page) -> dict[str, int]:
    out = {}
    for a in page.find("li", "tile"):
        name = a["data-count"]
        text = page.text_in(lambda p, a=a: p is a)
        out[name] = int(text.split()[0])
    return out


def test_overview_counts_match_the_digest(built) -> None:
    _, page, records, result = built
    tiles = _tiles(page)
    ok = [r for r in records.values() if r.ok]
    assert tiles["articles"] == len(records) == 7
    assert tiles["failed"] == 1 == result.failed
    assert tiles["stories"] == len(result.stories) == 2
    assert tiles["articles in stories"] == sum(len(s.members) for s in result.stories) == 4
    assert tiles["duplicates removed"] == sum(len(r.duplicates) for r in ok) >= 1
    for r in ok:  # and each article says how many of its own repeats were removed
        said = page.text_in(lambda p, r=r: p.get("id") == f"a-{r.n}")
        n = len(r.duplicates)  # "1 in-article repeat", "2 in-article repeats"
        assert (f"{n} in-article repeat{'s' * (n != 1)} removed" in said) == bool(n)
    assert tiles["shared sentences"] >= 1
    assert tiles["boilerplate lines"] == len(result.learned.lines)
    # the table of contents: stories by size, each row a link to its section
    rows = page.find("tr", None)
    story_rows = [a for a in rows if "data-story" in a]
    assert [a["data-story"] for a in story_rows] == [s.id for s in result.stories]
    for story in result.stories:
        assert page.find("a", href=f"#story-{story.id}")
        assert page.find("section", "story", id=f"story-{story.id}")
    assert "<title>Tin &lt;ngày&gt;</title>" in page.text


def test_every_anchor_resolves_and_stories_link_both_ways(built) -> None:
    _, page, records, result = built
    ids = page.ids()
    links = [a["href"][1:] for a in page.find("a") if a.get("href", "").startswith("#")]
    assert links and set(links) <= ids
    by_n = {r.n: r for r in records.values()}
    for story in result.stories:
        sid = f"story-{story.id}"
        arts = [(a, parents) for t, a, parents in page.elements if a.get("class") == "art"]
        inside = [a["id"] for a, parents in arts if any(p.get("id") == sid for p in parents)]
        assert inside == [f"a-{n}" for n in story.members]
        for n in story.members:  # story -> article, and article -> story
            assert page.find("a", href=f"#a-{n}")
            up = [
                a
                for t, a, parents in page.elements
                if a.get("class") == "up" and any(p.get("id") == f"a-{n}" for p in parents)
            ]
            assert [a["href"] for a in up] == [f"#{sid}"]
        assert by_n[story.members[0]].id in {"goc", "h<1>"}
    failed = [r for r in records.values() if not r.ok]
    assert [f"a-{r.n}" for r in failed] == [a["id"] for a in page.find("li", "failed-item")]


def test_sources_are_shown_and_only_web_addresses_are_links(built) -> None:
    _, page, records, _ = built
    goc = records["goc"]
    src = page.text_in(lambda p: p.get("id") == f"a-{goc.n}")
    assert "Báo A" in src and "2024-05-20" in src and "bao-a.example.vn/bai-goc" in src
    assert page.find("a", "url", href="https://bao-a.example.vn/bai-goc")
    assert "Báo A, Báo B" in page.text_in(lambda p: p.get("_tag") == "table")
    s4 = page.text_in(lambda p: p.get("id") == f"a-{records['s4'].n}")
    assert "21/05/2024" in s4
    hostile = page.text_in(lambda p: p.get("id") == f"a-{records['h<1>'].n}")
    assert HOSTILE_URL in hostile and HOSTILE_PUBLISHER in hostile  # shown as text...
    assert not [a for a in page.find("a") if a.get("href", "").lower().startswith("javascript")]


def _shared_expected(a: DocumentRecord, b: DocumentRecord) -> set[str]:
    """Sentences of ``b`` that ``a`` has word for word and are long enough to count."""
    have = {c.text for c in a.content}
    return {c.text for c in b.content if c.text in have and len(c.text.split()) >= MIN_SHARED_WORDS}


def test_shared_sentences_are_marked_in_both_articles_and_linked(built) -> None:
    _, page, records, _ = built
    a, b = records["goc"], records["dang-lai"]
    expected = _shared_expected(a, b)
    assert len(expected) >= 3
    marks = {}
    for m in page.find("mark", "sh"):
        if "id" in m:  # full texts: the marks with an anchor
            n, i = map(int, m["id"].split("-")[1:])
            marks[(n, i)] = m
    for rec in (a, b):
        texts = {c.index: c.text for c in rec.content}
        marked = {texts[i] for (n, i) in marks if n == rec.n}
        assert expected <= marked  # every repeat is marked, in both articles
        other = b if rec is a else a
        assert marked <= {c.text for c in other.content}  # and nothing that is not one
    for (n, i), m in marks.items():
        if n not in (a.n, b.n):
            continue
        j = next(c.index for c in (b if n == a.n else a).content if c.text == _text(n, i, records))
        twin = marks[(b.n if n == a.n else a.n, j)]
        assert m["data-g"] == twin["data-g"] and m["class"] == twin["class"]  # same colour
        assert page.find("a", "to", href=f"#s-{twin['id'][2:]}")
    added = "Một đoạn mới được thêm vào khi bài được đăng lại hôm nay."
    assert added in page.text and added not in page.text_in(lambda p: p.get("_tag") == "mark")


def _text(n: int, i: int, records: dict[str, DocumentRecord]) -> str:
    rec = next(r for r in records.values() if r.n == n)
    return next(c.text for c in rec.content if c.index == i)


def test_repeats_of_one_sentence_are_one_group() -> None:
    """Three outlets carry one sentence: the digest reports two repeats of the first,
    and a reworded repeat of a repeat; the page marks all four as one sentence."""
    shared = {
        5: [Shared(3, "s-a", 1, 0)],
        9: [Shared(2, "s-a", 1, 0), Shared(7, "s-b", 5, 4)],
        12: [Shared(0, "s-c", 5, 3)],  # repeats article 5's copy, not article 1's
    }
    index = SharedIndex.build(shared)
    assert len(index.members) == 2
    assert sorted(index.members[index.group_of[(1, 0)]]) == [(1, 0), (5, 3), (9, 2), (12, 0)]
    assert sorted(index.elsewhere(5, 3)) == [(1, 0), (9, 2), (12, 0)]
    assert index.elsewhere(5, 4) == [(9, 7)] and index.elsewhere(2, 2) == []


def test_hostile_text_is_escaped_everywhere(built) -> None:
    _, page, records, _ = built
    raw = page.text
    scripts = page.find("script")
    assert len(scripts) == 1 and not scripts[0].get("src")  # ours, inline
    assert "<script>alert" not in raw and "<img" not in raw and '</p>"' not in raw
    assert not [a for _, a, _ in page.elements if any(k.startswith("on") for k in a)]
    assert "&lt;script&gt;alert(&quot;tiêu đề&quot;)&lt;/script&gt;" in raw
    assert "Tin &#x27;nóng&#x27; &amp; &quot;mới&quot;" in raw
    # the parsed page reads exactly as the input: escaped, not mangled
    body = page.text_in(lambda p: p.get("id") == f"a-{records['h<1>'].n}")
    assert HOSTILE_TITLE in body and HOSTILE_LINE in body
    assert "h&lt;1&gt;" in raw


def test_the_page_needs_no_network(built) -> None:
    _, page, _, _ = built
    assert not page.find("link") and not [a for a in page.find() if "src" in a]
    sources = {"https://bao-a.example.vn/bai-goc", "https://bao-b.example.vn/dang-lai",
               "https://bao-c.example.vn/s0"}  # fmt: skip
    external = {a["href"] for a in page.find("a") if not a.get("href", "#").startswith("#")}
    assert external == sources


# ----------------------------------------------------------------------- in Chromium


# the `browser` fixture (Chromium via Playwright) is in conftest.py


@pytest.fixture
def open_page(browser, built):
    pages = []

    def opener(width: int = 1280, query: str = ""):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: errors.append(r.url) if not r.url.startswith("file:") else 0)
        pages.append((page, errors))
        page.goto(built[0].as_uri() + (f"?q={query}" if query else ""))
        page.wait_for_selector("html[data-ready='1']", state="attached")
        return page, errors

    yield opener
    for page, errors in pages:
        page.close()
        assert not errors, errors  # no script error, no request off the file


def _visible(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"
    )


def test_search_filters_stories_and_articles(open_page, built) -> None:
    _, _, records, result = built
    page, _ = open_page()
    everything = _visible(page, ".art")
    assert len(everything) == len([r for r in records.values() if r.ok])
    page.fill("#q", "Bài đăng lại")  # one article's title: its story, with only that article
    page.wait_for_function("document.documentElement.dataset.matches === '1,1'")
    assert _visible(page, ".art") == [f"a-{records['dang-lai'].n}"]
    assert _visible(page, "section.story") == [f"story-{result.stories[0].id}"]
    assert page.locator(".toc tr[data-story]:visible").count() == 1
    assert page.inner_text("#q-count") == "1 story, 1 article"
    page.fill("#q", "bai dang lai")  # without tone marks it matches them all the same
    page.wait_for_function("document.documentElement.dataset.matches === '1,1'")
    for odd in ["<script>\"'", "\\(.*[", "%00 \u0000 \ud83d\ude00", "a" * 3000, ")]}"]:
        page.fill("#q", odd)
        page.wait_for_function("document.documentElement.dataset.matches === '0,0'")
        assert _visible(page, ".art") == []
    page.fill("#q", "")
    page.wait_for_function("document.documentElement.dataset.matches === ''")
    assert _visible(page, ".art") == everything


def test_search_from_the_address_and_hostile_markup_stays_inert(open_page, built) -> None:
    _, _, records, _ = built
    page, _ = open_page(query="alert")
    shown = set(_visible(page, ".art"))
    assert shown == {f"a-{records['h<1>'].n}", f"a-{records['h2'].n}"}
    assert page.input_value("#q") == "alert"
    assert page.locator("img").count() == 0 and page.locator("script").count() == 1
    title = page.inner_text(f"#a-{records['h<1>'].n} h3")
    assert title.endswith(HOSTILE_TITLE)


def test_side_by_side_puts_articles_in_columns(open_page, built) -> None:
    _, _, _, result = built
    page, _ = open_page()
    story = page.locator(f"#story-{result.stories[0].id}")
    arts = story.locator(".art")
    assert arts.nth(1).bounding_box()["y"] > arts.nth(0).bounding_box()["y"]  # a list first
    story.locator("label.sbs").click()
    first, second = arts.nth(0).bounding_box(), arts.nth(1).bounding_box()
    assert second["x"] >= first["x"] + first["width"] and abs(second["y"] - first["y"]) < 2
    assert story.locator("details.full[open]").count() == arts.count()  # full texts shown
    assert story.locator("details.full mark.sh").first.is_visible()
    story.locator("label.sbs").click()
    assert story.locator("details.full[open]").count() == 0


def test_side_by_side_lines_up_a_shared_sentence_on_click(open_page, built) -> None:
    _, _, records, _ = built
    page, _ = open_page()
    a, b = records["goc"], records["dang-lai"]
    page.locator(f"#a-{a.n}").locator("xpath=ancestor::section[1]").locator("label.sbs").click()
    marks = page.locator(f"#a-{a.n} details.full mark.sh")
    mark = marks.nth(marks.count() // 2)  # one halfway down: its copy sits lower (new paragraph)
    mark.scroll_into_view_if_needed()
    copy = page.locator(f"#a-{b.n} mark.sh[id][data-g='{mark.get_attribute('data-g')}']")
    before = copy.bounding_box()["y"] - mark.bounding_box()["y"]
    mark.click()
    after = copy.bounding_box()["y"] - mark.bounding_box()["y"]
    assert abs(before) > 5 and abs(after) < 2  # was apart, now level


def test_without_javascript_the_page_reads_and_side_by_side_works(browser, built) -> None:
    path, _, _, result = built
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        assert not page.locator("#q").is_visible()  # a search box that could not work is not shown
        story = page.locator(f"#story-{result.stories[0].id}")
        arts = story.locator(".art")
        story.locator("label.sbs").click()
        first, second = arts.nth(0).bounding_box(), arts.nth(1).bounding_box()
        assert second["x"] >= first["x"] + first["width"]
    finally:
        context.close()


def test_a_shared_sentence_link_unfolds_its_copy(open_page, built) -> None:
    _, _, records, _ = built
    page, _ = open_page()
    a, b = records["goc"], records["dang-lai"]
    details_b = page.locator(f"#a-{b.n} details.full")
    assert details_b.get_attribute("open") is None  # folded at first
    link = page.locator(f"#a-{a.n} details.full a.to").first
    target = link.get_attribute("href")
    assert target.startswith(f"#s-{b.n}-")
    page.locator(f"#a-{a.n} details.full summary").click()  # unfold a, follow its link
    link.click()
    page.wait_for_function(f"document.querySelector('#a-{b.n} details.full').open")
    copy = page.locator(target)
    assert copy.is_visible() and copy.inner_text() in {c.text for c in a.content}
    copy.hover()  # pointing at it lights up its copies in both articles
    lit = page.locator("mark.sh.hot")
    assert lit.count() >= 2
    assert {m.get_attribute("data-g") for m in lit.all()} == {copy.get_attribute("data-g")}


def test_a_phone_gets_one_readable_column(open_page, built) -> None:
    _, _, _, result = built
    page, _ = open_page(width=390)
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= 390  # nothing wider than the screen
    box = page.locator(".art").first.bounding_box()
    assert box["width"] > 330  # a card uses the screen, not a sliver of it
    overflowing = "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id)"
    assert page.eval_on_selector_all(".art", overflowing) == []  # nor is anything in a card
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.sum li')).fontSize)")
    assert font >= 14
    page.locator(f"#story-{result.stories[0].id} label.sbs").click()
    assert page.evaluate(width) <= 390  # the columns scroll inside the story, not the page
