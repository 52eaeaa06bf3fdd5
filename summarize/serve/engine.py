"""The work the server does, without HTTP: one loaded model, shared by every request.

An :class:`Engine` holds a :class:`~summarize.pipeline.Summarizer` whose model was
loaded once, at startup. Each request gets a summariser with its own settings
(``Summarizer.with_config``: same model object, settings checked again by
``SummaryConfig``) and runs under one lock: the model, its embedding cache and the
digest's work folders are then used by one request at a time, and two cores are not
split between two half-finished requests. The web layer calls these methods from a
worker thread, so the event loop keeps answering (``/healthz``) while one runs.

Two things keep one request from holding everyone else up:

- :class:`Limits`: a text (or a request's texts together) over the server's cap is
  refused before any work (:class:`TextTooLarge`, a 413); in a batch, one article over
  the per-text cap is that article's error and the others are digested. So the time one
  request holds the lock is bounded;
- a ``cancel`` event, set by the web layer when the client disconnects: work still
  waiting for the lock is dropped; running work stops at its next checkpoint: the next
  stage of the pipeline (embedding, exclusions, duplicates, ranking: the summariser's
  ``StageTimer.stage`` is the hook), the next model call, and in a batch the next
  article. A stage already started runs to its end (one text's sentences are embedded
  in one model call): it is not interruptible (docs/serve.md).

What the work warns about (a model with no calibrated decision, so the fallback was
used; NULs read as spaces) is heard (``heard.heard``) and handed back with the result
(:class:`Served`), so that the client is told, not only the server's log.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..dedup.document import DedupResult
from ..errors import InputError
from ..pipeline import Summarizer
from ..report.common import unmatched_query
from ..results import Summary
from ..timing import StageTimer
from .heard import heard
from .options import MAX_BATCH_TEXT, MAX_TEXT  # the caps' defaults (documented in docs/serve.md)

MAX_BATCH = 200  # articles in one batch request: the batch mode is for a desk, not an archive
POLL = 0.1  # seconds between looks at the cancel event while waiting for the lock
T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one request may hand the model; ``None``: no cap."""

    text: int | None = MAX_TEXT
    batch: int | None = MAX_BATCH_TEXT


class TextTooLarge(InputError):
    """A text or batch over the server's cap: answered with 413, before any work."""


class ClientGone(Exception):  # noqa: N818 - named for what happened, not as an error
    """The client disconnected: its work was skipped or stopped, and nobody reads an answer."""


class _Stop(BaseException):
    """Raised inside the pipeline when the client is gone. A BaseException, so the
    digest's per-article ``except Exception`` (which records a failed article and goes
    on) lets it through; turned into :class:`ClientGone` at the engine's boundary."""


@dataclass(frozen=True)
class Article:
    """One article of a batch: its text and whatever else the input had (url, date...)."""

    text: str
    title: str | None = None
    id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    html: str | None = None  # a web page instead of ``text``: its article text is used
    source: str | None = None  # where the page's form got it: "news.jsonl:3", "a.txt"
    warnings: tuple[str, ...] = ()  # what reading it said (an upload's NULs), one line each


@dataclass
class Served(Generic[T]):
    """A job's result and the warnings its work said, one line each, in order: how the
    answer was made differently from what was asked (the fallback of an uncalibrated
    model, NULs read as spaces). The answer's ``warnings`` (docs/serve.md)."""

    result: T
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    """A small digest: each article's record, and the stories told by two or more."""

    records: list[dict[str, Any]]  # the digest's JSONL records, in input order
    stories: list[dict[str, Any]]  # biggest first: id, size, articles (ids), summary
    documents: int
    failed: int
    warnings: list[str] = field(default_factory=list)  # what the work said, one line each


class _Watched:
    """The shared encoder, but each call first checks that the client is still there."""

    def __init__(self, inner: Any, cancel: threading.Event) -> None:
        self.inner = inner
        self.name: str = inner.name
        self.dim: int = inner.dim
        self._cancel = cancel

    def encode(self, texts, prompt_name: str = "passage"):  # noqa: ANN001, ANN201
        if self._cancel.is_set():
            raise _Stop
        return self.inner.encode(texts, prompt_name)


class _Checkpoints(StageTimer):
    """A stage timer that stops the pipeline, as a stage starts, if the client is gone."""

    def __init__(self, cancel: threading.Event) -> None:
        super().__init__()
        self._cancel = cancel

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._cancel.is_set():
            raise _Stop
        yield


class _Steps:
    """The digest's progress hooks, used only to stop between articles."""

    def __init__(self, cancel: threading.Event) -> None:
        self._cancel = cancel

    def stage(self, name: str, total: int | None, done: int = 0) -> None:
        self.advance(0)

    def advance(self, n: int = 1) -> None:
        if self._cancel.is_set():
            raise _Stop


class Engine:
    """The loaded model and the three jobs the server offers: summary, cleaning, digest."""

    def __init__(self, summarizer: Summarizer, limits: Limits = Limits()) -> None:
        self.summarizer = summarizer
        self.limits = limits
        self._lock = threading.Lock()
        # requests whose client left: skipped while waiting, stopped while running
        self.skipped = 0
        self.stopped = 0

    @property
    def model_name(self) -> str:
        return self.summarizer.encoder.name

    def load(self) -> None:
        """Load the model now (at startup), not on the first request."""
        _ = self.summarizer.encoder

    def summarize(
        self,
        text: str | None = None,
        *,
        html: str | None = None,
        title: str | None = None,
        cancel: threading.Event | None = None,
        **settings: Any,
    ) -> Served[Summary]:
        """A summary (its ``duplicates`` is the dedup result the report shows), and its
        warnings; a query nothing answers is not among them (:func:`query_warning`)."""
        worker = self.summarizer.with_config(**settings)  # bad settings fail here
        text, title, said = self._article(text, html, title)
        with self._turn(cancel), heard() as more:
            summary = self._worker(worker, cancel).summarize(text, title=title)
        return Served(summary, _once(said + more))

    def deduplicate(
        self,
        text: str | None = None,
        *,
        html: str | None = None,
        title: str | None = None,
        cancel: threading.Event | None = None,
        **settings: Any,
    ) -> Served[DedupResult]:
        worker = self.summarizer.with_config(**settings)
        text, title, said = self._article(text, html, title)
        with self._turn(cancel), heard() as more:
            result = self._worker(worker, cancel).deduplicate(text, title=title)
        return Served(result, _once(said + more))

    def digest(
        self,
        articles: Sequence[Article],
        *,
        story_sentences: int = 5,
        learn: bool = True,
        cancel: threading.Event | None = None,
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
            raise InputError(
                f"at most {MAX_BATCH} articles in one batch (got {len(articles)}); for a "
                "larger batch, run `summarize digest FILE.jsonl -o digest.html` on the command "
                "line, which takes any number"
            )
        with heard() as said:  # a page's NULs, said as the article's
            articles = [_from_html(a, n) for n, a in enumerate(articles, 1)]
        said = [w for a in articles for w in a.warnings] + said
        # An article over the per-text cap is that article's failed record, as an empty
        # one is (below), never sent to the model; the others are digested. The whole
        # request is refused only when nothing is left to do, or over the per-request cap.
        over = {n: why for n, a in enumerate(articles, 1) if (why := self.too_long(a.text))}
        self.check_total([a.text for n, a in enumerate(articles, 1) if n not in over])
        if not any(
            isinstance(a.text, str) and a.text.strip() and n not in over
            for n, a in enumerate(articles, 1)
        ):
            if over:  # nothing left to do: refused as a single text over the cap is
                n, why = next(iter(over.items()))
                if len(articles) == 1:
                    raise TextTooLarge(f"text {why}")
                raise TextTooLarge(
                    f"no article to digest: {len(over)} of {len(articles)} are too long"
                    f"{'' if len(over) == len(articles) else ', the others empty'} "
                    f"(the first, {_where(articles[n - 1], n)}: {why})"
                )
            raise InputError("every article is empty: paste or send at least one article")
        # one empty article among others is the digest's failed record (counted in `failed`,
        # with its error), as `summarize digest` reports it, not a refusal of the whole batch
        config = self.summarizer.with_config(**settings).config
        options = DigestOptions(
            summary=config, story_sentences=story_sentences, title="Batch",
            learn=LearnConfig() if learn else None,
        )  # fmt: skip
        with (
            tempfile.TemporaryDirectory(prefix="summarize-serve-") as tmp,
            self._turn(cancel),
            heard() as more,
        ):
            source = Path(tmp) / "articles.jsonl"
            with source.open("w", encoding="utf-8") as out:
                for i, a in enumerate(articles):
                    record = {**a.fields, "id": a.id or f"article-{i + 1}", "text": a.text}
                    if i + 1 in over:  # no text: the digest fails it (its error, below)
                        del record["text"]
                    if a.title:
                        record["title"] = a.title
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            target = Path(tmp) / "digest.jsonl"
            model = self.summarizer.encoder if config.needs_model else None
            if model is not None and cancel is not None:
                model = _Watched(model, cancel)
            steps = _Steps(cancel) if cancel is not None else None
            result = run_digest(
                [str(source)], [Output(target, "jsonl")], options, model=model, progress=steps
            )
            records = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
        for n, (record, a) in enumerate(zip(records, articles, strict=True), 1):
            record["source"] = None  # not the work file's temporary path (schema.md)
            if n in over:
                record["error"] = f"{_where(a, n)}: {over[n]}"
            elif isinstance(record.get("error"), str):  # named as the article was sent
                at = f"{source}:{n}:"
                error = record["error"]
                if error.startswith(at):
                    error = f"{_where(a, n)}:{error.removeprefix(at)}"
                record["error"] = _unpath(error, source)
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
        said += [_unpath(w, source) for w in more]
        return BatchResult(records, stories, result.documents, result.failed, _once(said))

    def check_text(self, text: str, what: str = "text") -> None:
        """:class:`TextTooLarge` for one text over the per-text cap."""
        why = self.too_long(text)
        if why:
            raise TextTooLarge(f"{what} {why}")

    def too_long(self, text: str) -> str | None:
        """Why a text is over the per-text cap (``too long: ...``), or None."""
        cap = self.limits.text
        if cap is None or not isinstance(text, str) or len(text) <= cap:
            return None
        return (
            f"too long: {len(text):,} characters; this server takes at most "
            f"{cap:,} characters per text (summarize serve --max-text)"
        )

    def check_total(self, texts: Sequence[str]) -> None:
        """All the texts a request has worked on under the per-request cap
        (:class:`TextTooLarge`): the texts over the per-text cap are not among them,
        as they are each their own article's error, never worked on."""
        cap = self.limits.batch
        total = sum(len(t) for t in texts if isinstance(t, str))
        if cap is not None and total > cap:
            raise TextTooLarge(
                f"too much text in one request: {total:,} characters in {len(texts)} articles; "
                f"this server takes at most {cap:,} (summarize serve --max-batch-text)"
            )

    def _article(
        self, text: str | None, html: str | None, title: str | None
    ) -> tuple[str, str | None, list[str]]:
        """The text to work on: the given text, or a page's article text and title (as
        ``summarize(html=...)`` and an .html file get them), checked against the cap;
        and what extracting it said."""
        said: list[str] = []
        if html is not None:
            from ..io.readers import extract_html

            with heard() as said:
                text, found = extract_html(html, "html")
            title = title or found
            self.check_text(text, "html (its article text)")
        else:
            self.check_text(text)  # type: ignore[arg-type]
        return _text(text), title, said  # type: ignore[arg-type]

    @staticmethod
    def _worker(worker: Summarizer, cancel: threading.Event | None) -> Summarizer:
        """The request's summariser; with a cancel event, its stages and model calls
        watch it (same model object, same settings)."""
        if cancel is None:
            return worker
        return Summarizer(
            worker.config, _Watched(worker.encoder, cancel), timer=_Checkpoints(cancel)
        )

    @contextmanager
    def _turn(self, cancel: threading.Event | None) -> Iterator[None]:
        """The model to ourselves; skipped (:class:`ClientGone`) if the client leaves
        while waiting, stopped at the next model call if it leaves while running."""
        if cancel is None:
            with self._lock:
                yield
            return
        while not self._lock.acquire(timeout=POLL):
            if cancel.is_set():
                self.skipped += 1
                raise ClientGone("the client went away while its request waited: skipped")
        try:
            if cancel.is_set():
                self.skipped += 1
                raise ClientGone("the client went away while its request waited: skipped")
            yield
        except _Stop:
            self.stopped += 1
            raise ClientGone("the client went away: its request was stopped") from None
        finally:
            self._lock.release()


def query_warning(summary: Summary) -> list[str]:
    """The command line's warning for a query nothing in the text answers (``summarize
    --query``, cli.py), for an answer's ``warnings``: the record's ``query_matched`` is
    false and the picks are only the sentences closest to the query."""
    if summary.query is None or summary.query_matched is not False:
        return []
    return [unmatched_query(summary.query)]


def _once(said: Sequence[str]) -> list[str]:
    """Each warning once, in the order first said (a digest reads a record twice)."""
    return list(dict.fromkeys(said))


def _from_html(article: Article, n: int) -> Article:
    """An article sent as ``html``: its article text and title, extracted as from a file."""
    if article.html is None:
        return article
    from ..io.readers import extract_html

    text, found = extract_html(article.html, f"article {n}: html")
    return replace(article, text=text, title=article.title or found, html=None)


def _where(article: Article, n: int) -> str:
    """An article of a batch named as the client knows it: the page's upload as
    ``summarize digest`` names a record (``news.jsonl:3 (baomoi-1)``), else ``article 3``."""
    if not article.source:
        return f"article {n}"
    if article.id and article.id != article.source:
        return f"{article.source} ({article.id})"
    return article.source


def _unpath(message: str, source: Path) -> str:
    """A digest message about the temporary JSONL, said in terms of the articles sent:
    ``/tmp/summarize-serve-x/articles.jsonl:3: ...`` becomes ``article 3: ...``."""
    return message.replace(f"{source}:", "article ").replace(str(source), "the batch")


def _text(text: str, what: str = "text") -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{what} is empty: paste or send an article")
    return text
