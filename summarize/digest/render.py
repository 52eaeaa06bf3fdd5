"""Digest outputs: JSONL per document, Markdown and HTML per story. Rendering never computes.

The runner streams each output through :func:`summarize.io.atomic_output`, so a
reader (or a killed run) never sees half a digest.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .batch_boilerplate import LearnedBoilerplate
from .record import DocumentRecord
from .stories import CrossResult, Story


def output_record(record: DocumentRecord, cross: CrossResult) -> dict[str, Any]:
    """The public JSONL record of one document, with its story and shared sentences."""
    story = cross.story_id_of(record.n, record.story)
    return record.public_json(story, cross.size(story), cross.shared.get(record.n, []))


# ------------------------------------------------------------------------ Markdown


_MD_SPECIAL = re.compile(r"[\\`*_\[\]|]")


def _md(text: str | None) -> str:
    """Plain text safe in Markdown: no markup, links or HTML survive."""
    text = html.escape(" ".join((text or "").split()), quote=False)
    return _MD_SPECIAL.sub(r"\\\g<0>", text)


def _code(text: str) -> str:
    """A code span: its content is shown literally, so it is not escaped, only kept from
    closing the span early (backticks) or breaking the line."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def markdown_header(title: str, stats: dict[str, Any]) -> str:
    return (
        f"# {_md(title)}\n\n"
        f"{stats['documents']} documents, {stats['failed']} failed, "
        f"{stats['stories']} stories told by more than one document, "
        f"{stats['learned']} boilerplate lines learned from the batch.\n"
    )


def markdown_story(story: Story, docs: list[DocumentRecord]) -> str:
    head = _md(docs[0].title or docs[0].id)
    lines = [f"\n## {head}\n", f"Story `{story.id}`: {len(story.members)} articles.\n"]
    if story.summary:
        lines += [f"- {_md(s['text'])}" for s in story.summary]
    elif story.error:
        lines.append(f"\n_no story summary: {_md(story.error)}_")
    lines.append("\nArticles:\n")
    for d in docs:
        why = story.signals.get(d.n, "first")
        where = "".join(f"; {name} {_md(value)}" for name, value in source_fields(d))
        lines.append(f"- **{_md(d.title or d.id)}** ({_md(d.id)}; {_md(why)}{where})")
    return "\n".join(lines) + "\n"


# Pass-through fields that say where and when an article was published, shown with
# each article of a story (the input's own names, in this order of preference).
SOURCE_FIELDS = ("url", "link", "date", "published", "time", "publisher", "site", "domain")


def source_fields(doc: DocumentRecord) -> list[tuple[str, str]]:
    """(name, value) of the article's source fields that the input had, as text."""
    return [
        (name, str(doc.fields[name]))
        for name in SOURCE_FIELDS
        if isinstance(doc.fields.get(name), (str, int, float)) and str(doc.fields[name]).strip()
    ]


def markdown_article(doc: DocumentRecord) -> str:
    lines = [f"\n### {_md(doc.title or doc.id)}\n", f"{_code(doc.id)}\n"]
    lines += [f"- {_md(s.text)}" for s in doc.summary]
    return "\n".join(lines) + "\n"


def markdown_footer(learned: LearnedBoilerplate, failed: list[DocumentRecord]) -> str:
    lines = ["\n## Boilerplate learned from the batch\n"]
    if learned.lines:
        lines.append("| line | documents | stories | label |\n|---|---:|---:|---|")
        lines += [
            f"| {_md(x.text)} | {x.documents} | {x.stories} | {x.label} |" for x in learned.lines
        ]
    else:
        lines.append(f"None (a line must recur in {learned.min_stories} unrelated stories).")
    if failed:
        lines.append(f"\n## Failed records ({len(failed)})\n")
        lines += [f"- {_code(d.id)}: {_md(d.error)}" for d in failed]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-top:1px solid #ddd;
padding-top:1rem}h3{font-size:1.05rem;margin-bottom:.2rem}
.meta,.id{color:#666;font-size:.85rem}code{background:#f3f3f3;padding:0 .2rem}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;
text-align:left;vertical-align:top}td.n{text-align:right}.err{color:#a00}
"""


def _h(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def html_header(title: str, stats: dict[str, Any]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>\n"
        f'<h1>{_h(title)}</h1>\n<p class="meta">{stats["documents"]} documents, '
        f"{stats['failed']} failed, {stats['stories']} stories told by more than one "
        f"document, {stats['learned']} boilerplate lines learned from the batch.</p>\n"
    )


def html_story(story: Story, docs: list[DocumentRecord]) -> str:
    parts = [
        f"<section><h2>{_h(docs[0].title or docs[0].id)}</h2>",
        f'<p class="meta">Story <code>{_h(story.id)}</code>: {len(story.members)} articles</p>',
    ]
    if story.summary:
        parts.append("<ul>" + "".join(f"<li>{_h(s['text'])}</li>" for s in story.summary) + "</ul>")
    elif story.error:
        parts.append(f'<p class="err">no story summary: {_h(story.error)}</p>')
    items = "".join(
        f"<li><b>{_h(d.title or d.id)}</b> "
        f'<span class="id">{_h(d.id)}; {_h(story.signals.get(d.n, "first"))}'
        f"{_html_sources(d)}</span></li>"
        for d in docs
    )
    parts.append(f"<p>Articles:</p><ul>{items}</ul></section>\n")
    return "".join(parts)


def _html_sources(doc: DocumentRecord) -> str:
    """Source fields; a web address becomes a link only when it is http(s)."""
    parts = []
    for name, value in source_fields(doc):
        if name in ("url", "link") and value.lower().startswith(("http://", "https://")):
            parts.append(f'; <a href="{_h(value)}" rel="noopener noreferrer">{_h(value)}</a>')
        else:
            parts.append(f"; {_h(name)} {_h(value)}")
    return "".join(parts)


def html_article(doc: DocumentRecord) -> str:
    sentences = "".join(f"<li>{_h(s.text)}</li>" for s in doc.summary)
    return (
        f"<article><h3>{_h(doc.title or doc.id)}</h3>"
        f'<div class="id">{_h(doc.id)}</div><ul>{sentences}</ul></article>\n'
    )


def html_footer(learned: LearnedBoilerplate, failed: list[DocumentRecord]) -> str:
    parts = ["<section><h2>Boilerplate learned from the batch</h2>"]
    if learned.lines:
        rows = "".join(
            f'<tr><td>{_h(x.text)}</td><td class="n">{x.documents}</td>'
            f'<td class="n">{x.stories}</td><td>{_h(x.label)}</td></tr>'
            for x in learned.lines
        )
        parts.append(
            "<table><tr><th>line</th><th>documents</th><th>stories</th><th>label</th></tr>"
            f"{rows}</table>"
        )
    else:
        parts.append(f"<p>None (a line must recur in {learned.min_stories} unrelated stories).</p>")
    parts.append("</section>\n")
    if failed:
        items = "".join(
            f'<li><code>{_h(d.id)}</code>: <span class="err">{_h(d.error)}</span></li>'
            for d in failed
        )
        parts.append(
            f"<section><h2>Failed records ({len(failed)})</h2><ul>{items}</ul></section>\n"
        )
    return "".join(parts) + "</body></html>\n"
