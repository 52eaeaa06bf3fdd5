"""The digest as one HTML page an editor works from.

Top to bottom: a search box, the counts, a table of the stories by size (each row a
link to its story), then each story: its multi-article summary (each sentence links to
the article it came from), its articles with their sources (publisher, date, address)
and why each joined, each article's summary and, folded, its full text with the
sentences it shares with other articles marked (pointing at one lights up its copies;
each mark links to where the sentence appears again). A checkbox per story lays its
articles out side by side, in columns. Then the articles in no story, the learned
boilerplate and the failed records.

The page is one self-contained file (inline CSS and JS from ``assets/``, no network),
written as a stream: one story or article at a time, so what it holds grows with the
stories (their titles) and the shared sentences, never with the articles' text. Full
texts are written for the articles of multi-article stories only (what the side-by-side
view compares); an article alone in its story shows its summary.
Everything that comes from the input is escaped by :func:`_h`; the script reads the
page's text and never writes HTML.

Records are read through :class:`~.record.DocumentRecord` attributes (``n``, ``id``,
``title``, ``fields``, ``summary``, ``content``, ``duplicates``), never raw JSON keys.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import IO, Any
from urllib.parse import urlsplit

from ..report.common import plural
from ..report.language import common_lang, lang_attr, text_lang
from .batch_boilerplate import LearnedBoilerplate
from .record import DocumentRecord
from .shared import Shared
from .stories import CrossResult, Story

URL_FIELDS = ("url", "link")
DATE_FIELDS = ("date", "published", "time")
PUBLISHER_FIELDS = ("publisher", "site", "domain")
MAX_LINKS = 3  # links from one marked sentence to the other places it appears


def _h(text: Any) -> str:
    """Text as HTML, quotes included (safe in element content and in attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


@cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text("utf-8")


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Sources:
    """Where and when an article was published, from the input's own fields."""

    url: str | None = None  # http(s) only: anything else is shown as text, never a link
    date: str | None = None
    publisher: str | None = None
    other: tuple[tuple[str, str], ...] = ()  # a non-web address, or a second field


def sources_of(doc: DocumentRecord) -> Sources:
    values: dict[str, str] = {}
    for name, value in (doc.fields or {}).items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = " ".join(str(value).split())
            if text:
                values[name] = text
    url = next((values[k] for k in URL_FIELDS if k in values), None)
    other = []
    if url is not None and not url.lower().startswith(("http://", "https://")):
        other.append(("address", url))
        url = None
    date = next((values[k] for k in DATE_FIELDS if k in values), None)
    publisher = next((values[k] for k in PUBLISHER_FIELDS if k in values), None)
    if publisher is None and url is not None:
        publisher = _host(url)
    return Sources(url, date, publisher, tuple(other))


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def _sources_html(src: Sources, doc: DocumentRecord) -> str:
    parts = []
    if src.publisher:
        parts.append(f'<span class="pub">{_h(src.publisher)}</span>')
    if src.date:
        parts.append(f'<time class="date">{_h(src.date)}</time>')
    if src.url:
        parts.append(
            f'<a class="url" href="{_h(src.url)}" title="{_h(src.url)}" '
            f'rel="noopener noreferrer" target="_blank">{_h(src.url.split("://", 1)[1])}</a>'
        )
    parts += [f'<span class="field">{_h(k)}: {_h(v)}</span>' for k, v in src.other]
    if not parts and doc.source and doc.source != doc.id:
        parts.append(f'<span class="file">{_h(doc.source)}</span>')
    return f'<p class="src">{" ".join(parts)}</p>' if parts else ""


# ------------------------------------------------------------------ shared sentences


@dataclass
class SharedIndex:
    """Every sentence the digest found repeated in another article, grouped.

    ``cross.shared`` reports each repeat against the first place it appeared (a pair of
    (article, sentence) positions); the groups are those pairs joined, so a sentence
    three outlets carry is one group of three, marked alike wherever it is shown.
    """

    group_of: dict[tuple[int, int], int] = field(default_factory=dict)
    members: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def build(cls, shared: dict[int, list[Shared]]) -> SharedIndex:
        parent: dict[tuple[int, int], tuple[int, int]] = {}

        def root(x: tuple[int, int]) -> tuple[int, int]:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for n, items in shared.items():
            for s in items:
                a, b = root((n, s.index)), root((s.kept_n, s.kept_index))
                if a != b:
                    parent[max(a, b)] = min(a, b)
        index = cls()
        ids: dict[tuple[int, int], int] = {}
        for node in sorted(parent):
            g = ids.setdefault(root(node), len(ids))
            index.group_of[node] = g
            index.members.setdefault(g, []).append(node)
        return index

    def elsewhere(self, n: int, i: int) -> list[tuple[int, int]]:
        """The other articles' places of sentence ``i`` of article ``n``."""
        g = self.group_of.get((n, i))
        return [] if g is None else [p for p in self.members[g] if p[0] != n]


# ----------------------------------------------------------------------- the writer


@dataclass
class Page:
    """What every part of the page needs to know: titles for links, where each
    article is shown, the shared-sentence groups."""

    index: SharedIndex
    titles: dict[int, str]  # story members' titles, for links to them
    full_text: set[int]  # articles shown with their full text (sentence anchors exist)
    shared_count: dict[int, int]
    # Each article's language (a BCP 47 code, None: unclear) and the page's own: most
    # articles' (None: mixed). An article in another language says its own.
    langs: dict[int, str | None] = field(default_factory=dict)
    lang: str | None = None

    def link_to(self, n: int, i: int) -> str:
        """The address of sentence ``i`` of article ``n`` where the page shows it."""
        return f"#s-{n}-{i}" if n in self.full_text else f"#a-{n}"

    def name_of(self, n: int) -> str:
        return self.titles.get(n) or f"article {n + 1}"

    @property
    def en(self) -> str:
        """`` lang="en"`` for the page's own English words when its articles are in
        another language (or mixed); nothing on an English page."""
        return "" if self.lang == "en" else lang_attr("en")

    def lang_of(self, n: int) -> str:
        """`` lang="en"`` for an element of article ``n`` when it is in another language
        than the page says; nothing when the same or unclear."""
        own = self.langs.get(n)
        return lang_attr(own) if own and own != self.lang else ""


def write_page(
    handle: IO[str],
    title: str,
    stats: dict[str, Any],
    cross: CrossResult,
    learned: LearnedBoilerplate,
    ordinals: Iterable[int],
    read: Callable[[int], DocumentRecord],
) -> None:
    """Write the whole page to ``handle``; ``read(n)`` gives the record of article ``n``."""
    ordinals = list(ordinals)
    # A pass over the records before the first byte: <html lang> is the language of most
    # articles, known only once each was read (their text is not kept).
    langs = {n: _language(read(n)) for n in ordinals}
    index = SharedIndex.build(cross.shared)
    groups: dict[int, set[int]] = {}  # article -> the shared sentences it has
    for (n, _), g in index.group_of.items():
        groups.setdefault(n, set()).add(g)
    briefs = [_brief([read(n) for n in story.members], groups) for story in cross.stories]
    titles = {n: t for b in briefs for n, t in b.titles.items()}
    shared = {n: len(g) for n, g in groups.items()}
    page = Page(index, titles, set(cross.story_of), shared, langs, common_lang(langs.values()))

    handle.write(_head(title, page.lang))
    handle.write(_overview(title, stats, cross, index, learned, briefs, page.en))
    for story, brief in zip(cross.stories, briefs, strict=True):
        handle.write(_story(page, story, brief, [read(n) for n in story.members]))
    in_story = set(cross.story_of)
    failed: list[DocumentRecord] = []
    handle.write(
        f'<section id="others" class="others"><h2{page.en}>Articles in no story</h2>'
        f'<p class="meta"{page.en}>Told by one article each. <a href="#top">↑ overview</a></p>\n'
    )
    for n in ordinals:
        if n in in_story:
            continue
        doc = read(n)
        if not doc.ok:
            failed.append(doc)
            continue
        handle.write(_article(page, doc, None))
    handle.write("</section>\n")
    handle.write(_footer(learned, failed, page.en))


@dataclass
class _Brief:
    """A story as the overview lists it."""

    headline: str
    titles: dict[int, str]
    publishers: list[str]
    dates: list[str]
    shared: int  # distinct sentences that two or more of its articles have


def _brief(docs: list[DocumentRecord], groups: dict[int, set[int]]) -> _Brief:
    titles = {d.n: d.title or d.id for d in docs}
    publishers: list[str] = []
    dates: list[str] = []
    for d in docs:
        src = sources_of(d)
        if src.publisher and src.publisher not in publishers:
            publishers.append(src.publisher)
        if src.date:
            dates.append(src.date)
    dates.sort()
    counts = Counter(g for d in docs for g in groups.get(d.n, ()))
    shared = sum(1 for c in counts.values() if c > 1)
    return _Brief(titles[docs[0].n], titles, publishers, dates, shared)


def _language(doc: DocumentRecord) -> str | None:
    """The language an article is written in (its content sentences, else its picks)."""
    if not doc.ok:
        return None
    return text_lang(c.text for c in doc.content) or text_lang(s.text for s in doc.summary)


def _head(title: str, lang: str | None) -> str:
    return (
        f'<!DOCTYPE html>\n<html{lang_attr(lang)}><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_h(title)}</title><style>{_asset('digest.css')}</style></head>"
        '<body id="top">\n'
    )


def _overview(
    title: str,
    stats: dict[str, Any],
    cross: CrossResult,
    index: SharedIndex,
    learned: LearnedBoilerplate,
    briefs: list[_Brief],
    en: str,
) -> str:
    """The header, the counts and the table of stories; ``en`` marks the page's own
    English words (the headlines are the articles')."""
    documents, failed = stats.get("documents", 0), stats.get("failed", 0)
    in_stories = len(cross.story_of)
    counts = [
        ("articles", documents, None),
        ("stories", len(cross.stories), "#stories"),
        ("articles in stories", in_stories, "#stories"),
        ("duplicates removed", stats.get("duplicates", 0), None),
        ("shared sentences", len(index.members), "#stories"),
        ("boilerplate lines", len(learned.lines), "#boilerplate"),
        ("failed", failed, "#failed" if failed else None),
    ]
    tiles = "".join(
        f'<li class="tile{" bad" if name == "failed" and value else ""}" data-count="{_h(name)}">'
        + (f'<a href="{href}">' if href else "<span>")
        + f"<b>{_h(value)}</b> {_h(name)}"
        + ("</a>" if href else "</span>")
        + "</li>"
        for name, value, href in counts
    )
    with_pubs = any(b.publishers for b in briefs)
    with_dates = any(b.dates for b in briefs)
    rows = "".join(
        f'<tr data-story="{_h(story.id)}"><td class="n">{len(story.members)}</td>'
        f'<td><a href="#story-{_h(story.id)}">{_h(b.headline)}</a></td>'
        + (f'<td class="pubs">{_h(_some(b.publishers))}</td>' if with_pubs else "")
        + (f'<td class="dates">{_h(_span(b.dates))}</td>' if with_dates else "")
        + f'<td class="n">{b.shared}</td></tr>'
        for story, b in zip(cross.stories, briefs, strict=True)
    )
    table = (
        f'<table class="toc"><thead{en}><tr><th class="n">articles</th><th>story</th>'
        + ('<th class="pubs">sources</th>' if with_pubs else "")
        + ('<th class="dates">dates</th>' if with_dates else "")
        + '<th class="n" title="sentences two or more of its articles have">shared</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else f'<p class="meta"{en}>No story is told by more than one article.</p>'
    )
    return (
        '<header class="bar"><div class="bar-in">'
        f'<a class="home" href="#top">{_h(title)}</a>'
        f'<input type="search" id="q"{en} placeholder="Search stories and articles…" '
        'aria-label="Search stories and articles" autocomplete="off">'
        '<output id="q-count" for="q"></output></div></header>\n'
        f"<main><h1>{_h(title)}</h1>\n"
        f'<nav id="overview" aria-label="Overview"><ul class="tiles"{en}>{tiles}</ul>\n'
        f'<h2 id="stories"{en}>Stories by size</h2>{table}'
        f'<p class="toc-more"{en}><a href="#others">Articles in no story</a> · '
        '<a href="#boilerplate">Boilerplate learned</a>'
        + (f' · <a href="#failed">Failed records ({failed})</a>' if failed else "")
        + "</p></nav>\n"
    )


def _some(names: list[str], most: int = 3) -> str:
    more = f" +{len(names) - most}" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _span(dates: list[str]) -> str:
    if not dates:
        return ""
    return dates[0] if dates[0] == dates[-1] else f"{dates[0]} – {dates[-1]}"


def _story(page: Page, story: Story, brief: _Brief, docs: list[DocumentRecord]) -> str:
    sid = _h(story.id)
    meta = [f"Story <code>{sid}</code>", f"{len(story.members)} articles"]
    if brief.publishers:
        meta.append(_h(", ".join(brief.publishers)))
    if brief.dates:
        meta.append(_h(_span(brief.dates)))
    meta.append(f"{brief.shared} shared sentences")
    parts = [
        f'<section class="story" id="story-{sid}" data-story="{sid}">',
        f'<h2><span class="size" title="articles">{len(story.members)}</span> '
        f"{_h(brief.headline)}</h2>",
        f'<p class="meta"{page.en}>{" · ".join(meta)} · <a href="#top">↑ overview</a></p>',
    ]
    if story.summary:
        items = "".join(
            f'<li{page.lang_of(s["n"])}>{_h(s["text"])} <a class="from" href="#a-{_h(s["n"])}" '
            f'title="{_h(page.name_of(s["n"]))}">[{_position(story, s["n"])}]</a></li>'
            for s in story.summary
        )
        parts.append(
            f'<div class="story-sum"><h3{page.en}>Story summary</h3><ol>{items}</ol></div>'
        )
    elif story.error:
        parts.append(f'<p class="err"{page.en}>no story summary: {_h(story.error)}</p>')
    links = "".join(f'<li><a href="#a-{d.n}">{_h(d.title or d.id)}</a></li>' for d in docs)
    parts.append(f'<nav class="members" aria-label="Articles of the story"><ol>{links}</ol></nav>')
    parts.append(
        f'<input type="checkbox" class="sbs-toggle" id="sbs-{sid}">'
        f'<label class="sbs" for="sbs-{sid}"{page.en}>Side by side</label>'
        '<div class="arts">'
    )
    parts += [_article(page, d, story) for d in docs]
    parts.append("</div></section>\n")
    return "".join(parts)


def _position(story: Story, n: int) -> int:
    """An article's number within its story (1-based), as the story's list shows it."""
    try:
        return story.members.index(n) + 1
    except ValueError:
        return 0


def _article(page: Page, doc: DocumentRecord, story: Story | None) -> str:
    n = doc.n
    head = doc.title or doc.id
    number = f'<span class="num">{_position(story, n)}</span> ' if story is not None else ""
    parts = [
        f'<article class="art" id="a-{n}"{page.lang_of(n)}>',
        f"<h3>{number}{_h(head)}</h3>",
        _sources_html(sources_of(doc), doc),
    ]
    ref = [f'<span class="id">{_h(doc.id)}</span>']
    if doc.duplicates:
        ref.append(f"{plural(len(doc.duplicates), 'in-article repeat')} removed")
    if story is not None:
        why = story.signals.get(n, "first article")
        detail = story.details.get(n)
        tip = f' title="{_h(detail)}"' if detail else ""
        ref.append(f'<span class="why"{tip}>{_h(why)}</span>')
        ref.append(f'<a class="up" href="#story-{_h(story.id)}">↑ story</a>')
    else:
        ref.append('<a class="up" href="#top">↑ overview</a>')
    parts.append(f'<p class="ref"{page.en}>{" · ".join(ref)}</p>')
    if doc.summary:
        items = "".join(
            f"<li>{_sentence(page, n, s.index, s.text, anchor=False)}</li>" for s in doc.summary
        )
        parts.append(f'<ol class="sum">{items}</ol>')
    if story is not None and doc.content:
        shared = page.shared_count.get(n, 0)
        paragraphs: list[list[str]] = []
        last = None
        for c in doc.content:
            if c.paragraph != last:
                paragraphs.append([])
                last = c.paragraph
            paragraphs[-1].append(_sentence(page, n, c.index, c.text, anchor=True))
        body = "".join(f"<p>{' '.join(p)}</p>" for p in paragraphs)
        parts.append(
            f'<details class="full"><summary{page.en}>Full text · {len(doc.content)} sentences'
            f"{f' · {shared} shared' if shared else ''}</summary>"
            f'<div class="text">{body}</div></details>'
        )
    parts.append("</article>\n")
    return "".join(parts)


def _sentence(page: Page, n: int, i: int, text: str, *, anchor: bool) -> str:
    """A sentence as text, or marked when another article has it too, with links there."""
    others = page.index.elsewhere(n, i)
    if not others:
        return _h(text)
    g = page.index.group_of[(n, i)]
    names = "; ".join(page.name_of(m) for m, _ in others[:MAX_LINKS])
    more = f" and {len(others) - MAX_LINKS} more" if len(others) > MAX_LINKS else ""
    ident = f' id="s-{n}-{i}"' if anchor else ""
    links = "".join(
        f'<a class="to" href="{page.link_to(m, j)}" title="{_h(page.name_of(m))}">↔</a>'
        for m, j in others[:MAX_LINKS]
    )
    return (
        f'<mark class="sh" data-g="{g}"{ident} '
        f'title="{_h(f"also in: {names}{more}")}">{_h(text)}</mark>{links}'
    )


def _footer(learned: LearnedBoilerplate, failed: list[DocumentRecord], en: str) -> str:
    parts = [f'<section id="boilerplate"><h2{en}>Boilerplate learned from the batch</h2>']
    if learned.lines:
        rows = "".join(
            f'<tr><td>{_h(x.text)}</td><td class="n">{_h(x.documents)}</td>'
            f'<td class="n">{_h(x.stories)}</td><td>{_h(x.label)}</td></tr>'
            for x in learned.lines
        )
        parts.append(
            f'<div class="scroll"><table><thead{en}><tr><th>line</th><th class="n">documents</th>'
            f'<th class="n">stories</th><th>label</th></tr></thead><tbody>{rows}</tbody>'
            "</table></div>"
        )
    else:
        parts.append(
            f"<p{en}>None (a line must recur in {learned.min_stories} unrelated stories).</p>"
        )
    parts.append("</section>\n")
    if failed:
        items = "".join(
            f'<li class="failed-item" id="a-{d.n}"><code>{_h(d.id)}</code>: '
            f'<span class="err">{_h(d.error)}</span></li>'
            for d in failed
        )
        parts.append(
            f'<section id="failed"><h2{en}>Failed records ({len(failed)})</h2>'
            f"<ul>{items}</ul></section>\n"
        )
    return "".join(parts) + f"</main><script>{_asset('digest.js')}</script></body></html>\n"
