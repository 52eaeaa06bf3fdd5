"""The public Python API: the pipeline's stages composed, and nothing else.

prepare → embed → find duplicates → exclusions → rank → select. Each stage is a
function of its own module (see docs/architecture.md); the rules live there. A
:class:`Summarizer` holds a configuration and a loaded model; the module-level
:func:`summarize`, :func:`deduplicate` and :func:`summarize_many` build one per call,
the way ``httpx.get`` wraps a ``Client``, and share loaded models between calls.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from .config import SummaryConfig
from .dedup.calibration import dedup_config
from .dedup.document import DedupResult, deduplicate_document
from .dedup.engine import Item, find_duplicates
from .embed import Encoder
from .embed.document import SIMILARITY_PROMPT, embed_document
from .errors import ConfigError, InputError
from .rank.candidates import Candidates, candidates
from .rank.methods import rank
from .rank.select import Choice, choose
from .results import Excluded, Reason, StorySentence, StorySummary, Summary, SummarySentence
from .text.prepare import prepare
from .timing import NO_TIMER, StageTimer
from .types import Document, Sentence


@dataclass
class Analysis:
    """One article after the per-document stages: what ranking starts from."""

    document: Document
    vectors: np.ndarray | None  # one row per sentence (None without a model)
    title_vectors: np.ndarray | None  # the title's row, when embedded with the sentences
    duplicates: DedupResult
    candidates: Candidates


class Summarizer:
    """A configuration and the model it needs, loaded once, when a stage first needs it.

    ``encoder``: an object with ``encode(texts, prompt_name) -> float32 (n, d)`` unit
    rows and a ``name``; None loads ``config.model`` (``device``, ``batch_size``).
    ``timer`` collects seconds per stage (the digest's report, ``benchmarks.stages``).
    """

    def __init__(
        self,
        config: SummaryConfig | None = None,
        encoder: Encoder | None = None,
        *,
        device: str | None = None,
        batch_size: int = 32,
        timer: StageTimer | None = None,
    ):
        self.config = config or SummaryConfig()
        self.timer = timer or NO_TIMER
        if encoder is not None and not callable(getattr(encoder, "encode", None)):
            raise ConfigError(f"model must be a name, a folder or an encoder, not {encoder!r}")
        self._encoder = encoder
        self._load = (device, batch_size)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            device, batch_size = self._load
            self._encoder = shared_encoder(self.config.model, device=device, batch_size=batch_size)
        return self._encoder

    def analyse(
        self,
        doc: Document,
        learned_boilerplate: Collection[str] = frozenset(),
        *,
        embed_title: bool = True,
    ) -> Analysis:
        """Embed, find duplicates and exclude: everything before ranking."""
        encoder = self.encoder if self.config.needs_model else None
        vectors = titles = None
        if encoder is not None:  # the title rides along: one model call per article
            extra = [doc.title] if embed_title and doc.title else []
            with self.timer.stage("embedding"):
                embedded = embed_document(doc, encoder, extra)
            vectors, titles = embedded.sentences, embedded.extra
        dedup = self._dedup(doc, vectors if self.config.semantic else None, encoder)
        with self.timer.stage("exclusions"):
            found = candidates(doc, dedup, learned_boilerplate)
        return Analysis(doc, vectors, titles, dedup, found)

    def summarize(
        self,
        text: str | Document,
        *,
        title: str | None = None,
        learned_boilerplate: Collection[str] = frozenset(),
    ) -> Summary:
        """Extractive summary in original order; duplicates are removed before ranking."""
        doc = self._document(text, title)
        found = self.analyse(doc, learned_boilerplate)
        cands = found.candidates.sentences
        if not cands:
            raise InputError(f"{doc.source or 'input'}: no sentence to summarise")
        rows = found.vectors[[s.index for s in cands]] if found.vectors is not None else None
        scores, picked = self._rank_and_select(cands, rows, found.title_vectors)
        excluded = found.candidates.excluded + _dangling(cands, picked)
        return Summary(
            doc.title,
            [_pick(cands[i], scores[i]) for i in sorted(picked.chosen)],
            self.config.method,
            self.config.describe_budget(),
            self.encoder.name if self.config.needs_model else None,
            doc,
            found.duplicates,
            sorted(excluded, key=lambda e: e.index),
            found.vectors,
        )

    def deduplicate(self, text: str | Document, *, title: str | None = None) -> DedupResult:
        """Remove repeated paragraphs, sentences and phrases; report every cut."""
        doc = self._document(text, title)
        encoder = self.encoder if self.config.semantic else None
        vectors = None
        if encoder is not None:
            with self.timer.stage("embedding"):
                vectors = embed_document(doc, encoder).sentences
        return self._dedup(doc, vectors, encoder)

    def summarize_many(
        self,
        texts: Sequence[str | Document],
        *,
        learned_boilerplate: Collection[str] = frozenset(),
        analyses: Sequence[Analysis] | None = None,
    ) -> StorySummary:
        """A summary of a story told by several articles, each fact once.

        Each article is cleaned as in :meth:`summarize`; then sentences repeated across
        articles (the same wire copy in two outlets) are collapsed by the same duplicate
        engine, keeping the first article's wording. Sentences are ranked together, each
        one's lead prior taken from its own article. ``analyses``: the articles already
        analysed (the digest has them), so nothing is embedded twice.
        """
        if analyses is None:
            docs = [self._document(t, None) for t in texts]
            analyses = [self.analyse(d, learned_boilerplate, embed_title=False) for d in docs]
        pool = [
            (d, s, pos)
            for d, a in enumerate(analyses)
            for pos, s in enumerate(a.candidates.sentences)
        ]
        if not pool:
            raise InputError("no sentence to summarise in these articles")
        vecs = None
        if self.config.needs_model:
            vecs = np.stack([analyses[d].vectors[s.index] for d, s, _ in pool])
        across = find_duplicates(
            [Item(s.key, s.text) for _, s, _ in pool], vecs, level="sentence",
            config=dedup_config(self._model_name(), self.config.threshold, self.config.keep),
        )  # fmt: skip
        keep = [i for i in range(len(pool)) if i not in across.removed]
        titles = [a.document.title for a in analyses if a.document.title]
        title_vecs = None
        if vecs is not None and titles:
            with self.timer.stage("embedding"):
                title_vecs = self.encoder.encode(titles, prompt_name=SIMILARITY_PROMPT)
        scores, picked = self._rank_and_select(
            [pool[i][1] for i in keep], vecs[keep] if vecs is not None else None, title_vecs,
            [pool[i][2] for i in keep],
        )  # fmt: skip
        chosen = sorted(picked.chosen, key=lambda i: (pool[keep[i]][0], pool[keep[i]][1].index))
        result = [_story_pick(pool[keep[i]][0], pool[keep[i]][1], scores[i]) for i in chosen]
        dups = {
            (pool[i][0], pool[i][1].index): (pool[m.kept][0], pool[m.kept][1].index)
            for i, m in across.removed.items()
        }
        return StorySummary(
            result, self.config.method, self.config.describe_budget(), self._model_name(),
            [a.document for a in analyses], dups,
        )  # fmt: skip

    def _model_name(self) -> str | None:
        return self.encoder.name if self.config.needs_model else None

    def _dedup(
        self, doc: Document, vectors: np.ndarray | None, encoder: Encoder | None
    ) -> DedupResult:
        config = dedup_config(encoder.name if encoder else None, self.config.threshold)
        config = replace(config, keep=self.config.keep)
        with self.timer.stage("duplicates"):
            return deduplicate_document(
                doc, vectors, config=config, drop_boilerplate=self.config.drop_boilerplate
            )

    def _document(self, text: str | Document, title: str | None) -> Document:
        if isinstance(text, Document):
            return text
        with self.timer.stage("prepare"):
            return prepare(text, title=title)

    def _rank_and_select(
        self,
        cands: list[Sentence],
        vectors: np.ndarray | None,
        title_vectors: np.ndarray | None,
        positions: list[int] | None = None,
    ) -> tuple[np.ndarray, Choice]:
        method, limit = self.config.method, self.config.max_sentences(len(cands))
        with self.timer.stage("ranking"):
            ranking = rank(method, vectors, title_vectors, positions, count=len(cands))
            texts = [s.text for s in cands]
            choice = choose(
                ranking.scores, ranking.similarities, texts, limit, max_words=self.config.words
            )
        return ranking.scores, choice


# ------------------------------------------------------------------ module-level API


def summarize(
    text: str | Document,
    *,
    title: str | None = None,
    sentences: int | None = None,
    ratio: float | None = None,
    words: int | None = None,
    method: str = "textrank",
    model: str | Encoder | None = None,
    threshold: float | None = None,
    learned_boilerplate: Collection[str] = frozenset(),
) -> Summary:
    """Extractive summary in original order; duplicates are removed before ranking.

    One budget of ``sentences`` (default 3), ``ratio`` or ``words``. ``model``: a
    model name, local folder or encoder object. ``learned_boilerplate`` holds match
    keys (``text.normalize.match_key``) of lines known to be site chrome.
    """
    summarizer = _summarizer(
        model, sentences=sentences, ratio=ratio, words=words, method=method, threshold=threshold
    )
    return summarizer.summarize(text, title=title, learned_boilerplate=learned_boilerplate)


def deduplicate(
    text: str | Document,
    *,
    title: str | None = None,
    threshold: float | None = None,
    keep: str = "first",
    drop_boilerplate: bool = False,
    semantic: bool = True,
    model: str | Encoder | None = None,
) -> DedupResult:
    """Remove repeated paragraphs, sentences and phrases; report every cut.

    ``threshold`` overrides the semantic (cosine) threshold calibrated for the
    model; ``semantic=False`` uses only the exact and shingle signals (no model).
    """
    summarizer = _summarizer(
        model, threshold=threshold, keep=keep, drop_boilerplate=drop_boilerplate,
        semantic=semantic,
    )  # fmt: skip
    return summarizer.deduplicate(text, title=title)


def summarize_many(
    texts: Sequence[str | Document],
    *,
    sentences: int | None = None,
    ratio: float | None = None,
    words: int | None = None,
    method: str = "textrank",
    model: str | Encoder | None = None,
    threshold: float | None = None,
    learned_boilerplate: Collection[str] = frozenset(),
) -> StorySummary:
    """A summary of a story told by several articles, each fact once."""
    summarizer = _summarizer(
        model, sentences=sentences, ratio=ratio, words=words, method=method, threshold=threshold
    )
    return summarizer.summarize_many(texts, learned_boilerplate=learned_boilerplate)


@lru_cache(maxsize=4)
def shared_encoder(
    model: str | None = None, *, device: str | None = None, batch_size: int = 32
) -> Encoder:
    """A model loaded once per process for the module-level functions and the CLI.

    Loading takes a second or more; hold a :class:`Summarizer` to control lifetime.
    """
    from .embed import load_encoder

    return load_encoder(model, device=device, batch_size=batch_size)


def _summarizer(model: str | Encoder | None, **settings: Any) -> Summarizer:
    if model is None or isinstance(model, str):
        return Summarizer(SummaryConfig(model=model, **settings))
    return Summarizer(SummaryConfig(**settings), encoder=model)


def _pick(s: Sentence, score: float) -> SummarySentence:
    return SummarySentence(s.index, s.paragraph, s.start, s.end, s.text, round(float(score), 6))


def _story_pick(document: int, s: Sentence, score: float) -> StorySentence:
    return StorySentence(
        document, s.index, s.paragraph, s.start, s.end, s.text, round(float(score), 6)
    )


def _dangling(cands: list[Sentence], picked: Choice) -> list[Excluded]:
    """Sentences that lost their place for lack of the sentence they point back to."""
    return [
        Excluded(cands[i].index, cands[i].start, cands[i].end, cands[i].text, Reason.DANGLING)
        for i in picked.dangling
    ]
