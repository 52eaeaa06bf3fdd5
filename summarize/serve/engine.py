"""The work the server does, without HTTP: one loaded model, shared by every request.

An :class:`Engine` holds a :class:`~summarize.pipeline.Summarizer` whose model was
loaded once, at startup. Each request gets a summariser with its own settings
(``Summarizer.with_config``: same model object, settings checked again by
``SummaryConfig``) and runs under one lock: the model, its embedding cache and the
digest's work folders are then used by one request at a time, and two cores are not
split between two half-finished requests. The web layer calls these methods from a
worker thread, so the event loop keeps answering (``/healthz``) while one runs.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dedup.document import DedupResult
from ..errors import InputError
from ..pipeline import Summarizer
from ..results import Summary

MAX_BATCH = 200  # articles in one batch request: the batch mode is for a desk, not an archive


@dataclass(frozen=True)
class Article:
    """One article of a batch: its text and whatever else the input had (url, date...)."""

    text: str
    title: str | None = None
    id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchResult:
    """A small digest: each article's record, and the stories told by two or more."""

    records: list[dict[str, Any]]  # the digest's JSONL records, in input order
    stories: list[dict[str, Any]]  # biggest first: id, size, articles (ids), summary
    documents: int
    failed: int


class Engine:
    """The loaded model and the three jobs the server offers: summary, cleaning, digest."""

    def __init__(self, summarizer: Summarizer) -> None:
        self.summarizer = summarizer
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.summarizer.encoder.name

    def load(self) -> None:
        """Load the model now (at startup), not on the first request."""
        _ = self.summarizer.encoder

    def summarize(self, text: str, *, title: str | None = None, **settings: Any) -> Summary:
        """A summary (its ``duplicates`` is the dedup result the report shows)."""
        worker = self.summarizer.with_config(**settings)  # bad settings fail here
        with self._lock:
            return worker.summarize(_text(text), title=title)

    def deduplicate(self, text: str, *, title: str | None = None, **settings: Any) -> DedupResult:
        worker = self.summarizer.with_config(**settings)
        with self._lock:
            return worker.deduplicate(_text(text), title=title)

    def digest(
        self,
        articles: Sequence[Article],
        *,
        story_sentences: int = 5,
        learn: bool = True,
        **settings: Any,
    ) -> BatchResult:
        """Story clusters and summaries of a few articles, by the bulk digest's own code.

        The articles go to the digest as one JSONL input in a temporary folder (removed
        afterwards), so batch mode clusters exactly as ``summarize digest`` does.
        """
        from ..digest import DigestOptions, LearnConfig, Output
        from ..digest import digest as run_digest

        if not articles:
            raise InputError("give at least one article")
        if len(articles) > MAX_BATCH:
            raise InputError(f"at most {MAX_BATCH} articles in one batch (got {len(articles)})")
        if not any(isinstance(a.text, str) and a.text.strip() for a in articles):
            raise InputError("every article is empty: paste or send at least one article")
        # one empty article among others is the digest's failed record (counted in `failed`,
        # with its error), as `summarize digest` reports it, not a refusal of the whole batch
        config = self.summarizer.with_config(**settings).config
        options = DigestOptions(
            summary=config, story_sentences=story_sentences, title="Batch",
            learn=LearnConfig() if learn else None,
        )  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="summarize-serve-") as tmp, self._lock:
            source = Path(tmp) / "articles.jsonl"
            with source.open("w", encoding="utf-8") as out:
                for i, a in enumerate(articles):
                    record = {**a.fields, "id": a.id or f"article-{i + 1}", "text": a.text}
                    if a.title:
                        record["title"] = a.title
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            target = Path(tmp) / "digest.jsonl"
            model = self.summarizer.encoder if config.needs_model else None
            result = run_digest([str(source)], [Output(target, "jsonl")], options, model=model)
            records = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
        for record in records:  # not the work file's temporary path: texts were sent (schema.md)
            record["source"] = None
            if isinstance(record.get("error"), str):
                record["error"] = _unpath(record["error"], source)
        ids = [r["id"] for r in records]
        stories = [
            {
                "id": s.id,
                "size": len(s.members),
                "articles": [ids[n] for n in s.members],
                "summary": [{**p, "article": ids[p["n"]]} if "n" in p else p for p in s.summary],
                "error": s.error,
            }
            for s in result.stories
        ]
        return BatchResult(records, stories, result.documents, result.failed)


def _unpath(message: str, source: Path) -> str:
    """A digest message about the temporary JSONL, said in terms of the articles sent:
    ``/tmp/summarize-serve-x/articles.jsonl, line 3: ...`` (or ``...articles.jsonl:3: ...``)
    becomes ``article 3: ...``."""
    for where in (f"{source}, line ", f"{source}:"):
        message = message.replace(where, "article ")
    return message.replace(str(source), "the batch")


def _text(text: str, what: str = "text") -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{what} is empty: paste or send an article")
    return text
