"""The HTML report: one self-contained page (inline CSS and script, no external
resource) showing the whole original with every removal marked, and a side panel.

The page, side panel and badges are Jinja templates in ``templates/``; the document text
is cut into marked pieces in ``marks.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import DEDUP_SCHEMA, LEVELS, clusters, counts, level_dups, removed_kinds
from .language import text_lang
from .marks import all_marks, kept_ids, render_text
from .templating import asset, environment

if TYPE_CHECKING:
    from ..dedup.document import DedupResult


def render_html(result: DedupResult) -> str:
    from markupsafe import Markup

    doc = result.document
    found = clusters(result)
    n = counts(result, found)
    body = render_text(doc.text, all_marks(result, found))
    filters = [
        (f"dup-{level}", f"{level} duplicates", level_dups(result, level), f"sw-{level}")
        for level in LEVELS
    ]
    filters += [
        ("boilerplate", "boilerplate", len(result.boilerplate), "sw-boiler"),
        ("conflicts", "conflicts", len(result.conflicts), "sw-conflict"),
    ]
    cut = {(r.start, r.end): i for i, r in enumerate(result.removed) if r.reason == "boilerplate"}
    page = environment().get_template("dedup.html.j2")
    return page.render(
        result=result,
        doc=doc,
        title=doc.title or doc.source or "document",
        lang=text_lang(s.text for s in doc.sentences),  # the article's, never assumed
        schema=DEDUP_SCHEMA,
        counts=n,
        kinds=", ".join(removed_kinds(result, n["removed_by_reason"])),
        removed_pct=100 * n["removed_chars"] / max(1, n["original_chars"]),
        filters=filters,
        body=Markup(body),
        clusters=found,
        kept_ids=kept_ids(found),
        cut_boilerplate=cut,
        css=asset("dedup.css"),
        js=asset("dedup.js"),
    )
