"""The public Python API: one function per task, each a thin wrapper over a
:class:`~summarize.pipeline.Summarizer` (the way ``httpx.get`` wraps a ``Client``).

A call builds the settings (checked in :class:`~summarize.config.SummaryConfig`), and
models loaded by one call are reused by the next. Hold a ``Summarizer`` to control
which model is used and for how long.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from .config import DEFAULT_EMBED_SCOPE, DEFAULT_METHOD, SummaryConfig
from .dedup.document import DedupResult
from .embed import Encoder
from .errors import ConfigError
from .pipeline import Analysis, StoryArticle, Summarizer, shared_encoder
from .results import StorySummary, Summary
from .types import Document

__all__ = [
    "Analysis",
    "StoryArticle",
    "Summarizer",
    "deduplicate",
    "digest_records",
    "shared_encoder",
    "summarize",
    "summarize_many",
]


def summarize(
    text: str | Document | None = None,
    *,
    html: str | None = None,
    title: str | None = None,
    sentences: int | None = None,
    ratio: float | None = None,
    words: int | None = None,
    method: str = DEFAULT_METHOD,
    model: str | Encoder | None = None,
    threshold: float | None = None,
    learned_boilerplate: Collection[str] = frozenset(),
    query: str | None = None,
    embed_scope: str = DEFAULT_EMBED_SCOPE,
    cross_lingual: bool = False,
) -> Summary:
    """Extractive summary in original order; duplicates are removed before ranking.

    One budget of ``sentences`` (default 3), ``ratio`` or ``words``. ``model``: a
    model name, local folder or encoder object. ``learned_boilerplate`` holds match
    keys (``text.normalize.match_key``) of lines known to be site chrome. ``query``:
    pick the sentences that answer it instead (a query-focused summary).
    ``embed_scope``: "screened" (default) embeds only the sentences that can change the
    summary, "all" every sentence (``--embed``; docs/speed.md). ``cross_lingual=True``:
    a sentence that translates an earlier one is a duplicate too (as in
    :func:`deduplicate`), for a text that mixes languages.

    ``html``: a web page as a string instead of ``text``; its article text and title
    are extracted as for an .html file (a string passed as ``text`` is always plain
    text, tags included).
    """
    text, title = _text_or_html(text, html, title)
    summarizer = _summarizer(
        model, sentences=sentences, ratio=ratio, words=words, method=method, threshold=threshold,
        query=query, embed_scope=embed_scope, cross_lingual=cross_lingual,
    )  # fmt: skip
    return summarizer.summarize(text, title=title, learned_boilerplate=learned_boilerplate)


def deduplicate(
    text: str | Document | None = None,
    *,
    html: str | None = None,
    title: str | None = None,
    threshold: float | None = None,
    keep: str = "fuller",
    drop_boilerplate: bool = False,
    semantic: bool = True,
    model: str | Encoder | None = None,
    cross_lingual: bool = False,
) -> DedupResult:
    """Remove repeated paragraphs, sentences and phrases; report every cut.

    ``threshold`` replaces the model's calibrated duplicate decision by a cosine
    threshold; ``keep``: which of two repeats stays (``"fuller"``, the default: the first
    unless a later wording states all it does and adds a value; ``"first"``;
    ``"longest"``); ``semantic=False`` uses only the exact and shingle signals (no model);
    ``cross_lingual=True`` also removes a translation of an earlier item (signal
    ``cross-lingual``; items in different languages are compared by their vectors).
    ``html``: a web page as a string instead of ``text`` (as in :func:`summarize`).
    """
    text, title = _text_or_html(text, html, title)
    summarizer = _summarizer(
        model, threshold=threshold, keep=keep, drop_boilerplate=drop_boilerplate,
        semantic=semantic, cross_lingual=cross_lingual,
    )  # fmt: skip
    return summarizer.deduplicate(text, title=title)


def summarize_many(
    texts: Sequence[str | Document],
    *,
    sentences: int | None = None,
    ratio: float | None = None,
    words: int | None = None,
    method: str = DEFAULT_METHOD,
    model: str | Encoder | None = None,
    threshold: float | None = None,
    learned_boilerplate: Collection[str] = frozenset(),
    cross_lingual: bool = False,
) -> StorySummary:
    """A summary of a story told by several articles, each fact once. ``cross_lingual``:
    an article's sentence that translates another article's is a duplicate too (a story
    told in two languages)."""
    summarizer = _summarizer(
        model, sentences=sentences, ratio=ratio, words=words, method=method,
        threshold=threshold, cross_lingual=cross_lingual,
    )  # fmt: skip
    return summarizer.summarize_many(texts, learned_boilerplate=learned_boilerplate)


def _text_or_html(
    text: str | Document | None, html: str | None, title: str | None
) -> tuple[str | Document, str | None]:
    """Exactly one of ``text`` and ``html``; a page gives its article text and title."""
    if (text is None) == (html is None):
        raise ConfigError(
            "give either text or html, not both"
            if text is not None
            else "give the text to summarise (or html=...)"
        )
    if html is None:
        return text, title  # type: ignore[return-value]
    from .io.readers import extract_html

    body, found = extract_html(html)
    return body, title or found


def digest_records(items, **options):  # noqa: ANN001, ANN201 - documented where it lives
    """Per-article digest records from any iterable, lazily: see
    :func:`summarize.digest.stream.digest_records` (stories need the batch ``digest``)."""
    from .digest.stream import digest_records as stream

    return stream(items, **options)


def _summarizer(model: str | Encoder | None, **settings: Any) -> Summarizer:
    if model is None or isinstance(model, str):
        return Summarizer(SummaryConfig(model=model, **settings))
    return Summarizer(SummaryConfig(**settings), encoder=model)
