"""Digest outputs: JSONL per document, Markdown per story (the HTML page is
``html_page``). Rendering never computes.

The runner streams each output through :func:`summarize.io.atomic_output`, so a
reader (or a killed run) never sees half a digest.
"""

from __future__ import annotations

from typing import Any

from ..report.common import plural
from ..report.escape import md_escape
from .batch_boilerplate import LearnedBoilerplate
from .record import DocumentRecord
from .stories import CrossResult, Story


def output_record(record: DocumentRecord, cross: CrossResult) -> dict[str, Any]:
    """The public JSONL record of one document, with its story and shared sentences."""
    story = cross.story_id_of(record.n, record.story)
    return record.public_json(story, cross.size(story), cross.shared.get(record.n, []))


# ------------------------------------------------------------------------ Markdown


def _md(text: str | None) -> str:
    """Plain text on one line, safe in Markdown: no markup, links, HTML or block
    structure (a sentence starting "# " or "1. ") survive (:func:`md_escape`)."""
    return md_escape(" ".join((text or "").split()), newline=" ")


def _code(text: str) -> str:
    """A code span: its content is shown literally, so it is not escaped, only kept from
    closing the span early (backticks) or breaking the line."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def markdown_header(title: str, stats: dict[str, Any]) -> str:
    return (
        f"# {_md(title)}\n\n"
        f"{plural(stats['documents'], 'document')}, {stats['failed']} failed, "
        f"{plural(stats['stories'], 'story', 'stories')} told by more than one document, "
        f"{plural(stats['learned'], 'boilerplate line')} learned from the batch.\n"
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
    """The learned lines and the failed records. No heading when nothing was learned:
    the header's count already says "0 boilerplate lines learned" (new-user trial: a
    heading with nothing under it reads as a rendering fault)."""
    lines = [""]
    if learned.lines:
        lines.append("## Boilerplate learned from the batch\n")
        lines.append("| line | documents | stories | label |\n|---|---:|---:|---|")
        lines += [
            f"| {_md(x.text)} | {x.documents} | {x.stories} | {x.label} |" for x in learned.lines
        ]
    if failed:
        lines.append(f"\n## Failed records ({len(failed)})\n")
        lines += [f"- {_code(d.id)}: {_md(d.error)}" for d in failed]
    return "\n".join(lines) + "\n"
