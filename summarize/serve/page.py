"""The editor's page: the form, its values, and the results rendered into it.

The duplicate report beside each summary is the HTML report itself
(``render_dedup_report(result, "html")``, the page ``summarize dedup --report x.html``
writes), shown in a sandboxed frame: one renderer, its styles and script kept apart
from the page's. The page is a plain HTML form that works without JavaScript; its
small script only adapts the budget field and shows that work is under way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..config import DEFAULT_METHOD, METHODS
from ..errors import ConfigError
from ..report import render_dedup_report
from ..report.language import common_lang, text_lang

if TYPE_CHECKING:
    import jinja2

    from ..results import Summary
    from .engine import Article, BatchResult

BUDGETS = ("sentences", "ratio", "words")
EMPTY_AMOUNT = {  # an empty amount means the default (3) only for the sentences budget
    "ratio": "give the ratio: the share of the sentences to keep, in (0, 1], e.g. 0.3",
    "words": "give the number of words, e.g. 60",
}
# The page's icon: three lines of a summary on the page's accent blue. Declared inline in
# the page's <head> (a data: URL), so a browser makes no request for it (no 404 in the
# console); also served at /favicon.ico for pages that do not declare one.
ICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<rect width="16" height="16" rx="3" fill="#1a56b0"/>'
    '<path d="M4 5h8M4 8h8M4 11h5" stroke="#fff" stroke-width="1.6" stroke-linecap="round"/>'
    "</svg>"
)
ICON_URL = "data:image/svg+xml," + quote(ICON_SVG, safe=" =:/")
# A line of three or more dashes (or equals signs) alone separates pasted batch articles.
SEPARATOR = re.compile(r"^[ \t]*(?:-{3,}|={3,})[ \t]*$", re.MULTILINE)


@dataclass
class Form:
    """What the editor typed, kept to fill the form again with the results."""

    text: str = ""
    title: str = ""
    budget: str = "sentences"
    amount: str = "3"
    method: str = DEFAULT_METHOD
    query: str = ""
    story_sentences: str = "5"
    batch: bool = False

    @classmethod
    def from_fields(cls, values: dict[str, str], *, batch: bool = False) -> Form:
        return cls(
            text=values.get("text", "").replace("\r\n", "\n"),  # browsers send CRLF
            title=values.get("title", "").strip(),
            budget=values.get("budget", "sentences"),
            amount=values.get("amount", "").strip(),
            method=values.get("method", DEFAULT_METHOD),
            query=values.get("query", "").strip(),
            story_sentences=values.get("story_sentences", "5").strip() or "5",
            batch=batch,
        )

    def settings(self) -> dict[str, Any]:
        """The budget and method as ``SummaryConfig`` fields (checked there)."""
        if self.budget not in BUDGETS:
            raise ConfigError(f"unknown budget {self.budget!r}; choose one of {', '.join(BUDGETS)}")
        out: dict[str, Any] = {"sentences": None, "ratio": None, "words": None}
        if not self.amount and self.budget != "sentences":  # never quietly 3 sentences
            raise ConfigError(EMPTY_AMOUNT[self.budget])
        if self.amount:
            if self.budget == "ratio":
                try:
                    out["ratio"] = float(self.amount)
                except ValueError:
                    raise ConfigError(f"ratio must be a number (got {self.amount!r})") from None
            else:
                out[self.budget] = _whole(self.amount, self.budget)
        return {**out, "method": self.method}

    def story_count(self) -> int:
        return _whole(self.story_sentences, "sentences per story")

    def pasted(self) -> list[str]:
        """The pasted articles: the whole text, or in batch mode each piece."""
        pieces = SEPARATOR.split(self.text) if self.batch else [self.text]
        return [p.strip("\n") for p in pieces if p.strip()]


def _whole(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {value!r})") from None


def render_page(
    model: str,
    form: Form,
    *,
    summaries: list[tuple[Article, Summary | str]] | None = None,
    batch: BatchResult | None = None,
    error: str | None = None,
) -> str:
    results = [_summary_view(article, s) for article, s in summaries or []]
    return (
        _environment()
        .get_template("page.html.j2")
        .render(
            model=model,
            icon=ICON_URL,
            one=form if not form.batch else Form(),
            many=form if form.batch else Form(batch=True),
            methods=METHODS,
            budgets=BUDGETS,
            results=results,
            batch=_batch_view(batch) if batch is not None else None,
            error=error if not form.batch else None,  # shown beside the form that was sent
            batch_error=error if form.batch else None,
        )
    )


def _summary_view(article: Article, summary: Summary | str) -> dict[str, Any]:
    """One article's card: its summary, what making it warned about (``article.warnings``;
    the query's match is said in the card's own line) and its report, or (a string) why
    it has none."""
    if isinstance(summary, str):
        return {"title": article.title or article.source or article.id or "Article",
                "error": summary}  # fmt: skip
    doc = summary.document
    return {
        "title": summary.title or article.id or "Article",
        "source": article.id,
        "summary": summary,
        "sentences": len(doc.sentences),
        "removed": len(summary.duplicates.removed),
        "report": render_dedup_report(summary.duplicates, "html"),
        "lang": text_lang(s.text for s in doc.sentences),  # the page's own words are English
        "warnings": list(article.warnings),
        "error": None,
    }


def _batch_view(result: BatchResult) -> dict[str, Any]:
    by_id = {r["id"]: {**r, "lang": text_lang(p["text"] for p in picks(r))} for r in result.records}
    stories = []
    for s in result.stories:
        docs = [by_id[a] for a in s["articles"] if a in by_id]
        stories.append({**s, "docs": docs, "lang": common_lang(d["lang"] for d in docs)})
    in_story = {a for s in result.stories for a in s["articles"]}
    alone = [r for r in by_id.values() if r["id"] not in in_story]
    return {"stories": stories, "alone": alone, "documents": result.documents,
            "failed": result.failed, "warnings": result.warnings}  # fmt: skip


def picks(record: dict[str, Any]) -> list[dict[str, Any]]:
    """A digest record's chosen sentences, whichever key the record schema uses."""
    for key in ("sentences", "summary"):
        value = record.get(key)
        if isinstance(value, list):
            return value
    return []


def source_line(record: dict[str, Any]) -> str:
    """Where an article came from, from the fields its input had (url, date...)."""
    fields = record.get("fields") or {}
    names = ("publisher", "site", "date", "published", "url", "link")
    return " · ".join(str(fields[n]) for n in names if isinstance(fields.get(n), (str, int)))


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("summarize.serve", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(picks=picks, source_line=source_line)
    return env
