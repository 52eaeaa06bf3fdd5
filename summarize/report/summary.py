"""Render a Summary as text, Markdown, JSON or an HTML page. Rendering never computes."""

from __future__ import annotations

import json

from ..results import Summary
from ..text.normalize import one_line
from .common import SCHEMA_VERSION
from .escape import md_escape
from .json_report import summary_to_json

SUMMARY_SCHEMA = f"summarize.summary/{SCHEMA_VERSION}"


def render_summary(summary: Summary, fmt: str = "text") -> str:
    if fmt == "html":
        return render_summary_html(summary)
    if fmt == "json":
        return json.dumps(summary_record(summary), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":  # the article's text escaped: it shows, it never renders
        head = f"# {md_escape(summary.title, newline=' ')}\n\n" if summary.title else ""
        body = "\n".join(f"- {md_escape(s.text, newline=' ')}" for s in summary.sentences)
        return f"{head}{body}\n"
    # one line per pick (a sentence of a hard-wrapped paragraph spans lines in the text):
    # what `head -n 4` or `wc -l` of the output expects
    head = f"{one_line(summary.title)}\n\n" if summary.title else ""
    return head + "\n".join(one_line(s.text) for s in summary.sentences) + "\n"


def render_summary_html(summary: Summary) -> str:
    """One self-contained page (``summarize ARTICLE -o summary.html``): the title, the
    picks in original order with their place in the text, and what was left out; every
    piece of article text escaped (``templating.environment``)."""
    from .language import text_lang
    from .templating import environment

    doc = summary.document
    return (
        environment()
        .get_template("summary.html.j2")
        .render(
            summary=summary,
            doc=doc,
            title=summary.title or doc.source or "Summary",
            removed=len(summary.duplicates.removed),
            lang=text_lang(s.text for s in doc.sentences),  # the article's, never assumed
        )  # fmt: skip
    )


def summary_record(summary: Summary) -> dict:
    """The JSON form (``docs/schema.md``); the same as ``summary_to_json``."""
    return summary_to_json(summary)
