"""The public Python API: the whole pipeline behind two functions.

read → normalise → segment → embed → find duplicates → rank → select. The CLI
and the bulk digest call these same functions, so there is one code path.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from .dedup.document import DedupResult, Removed, deduplicate_document
from .dedup.engine import DedupConfig, Item, Keep, find_duplicates
from .embed.encoder import Encoder
from .errors import InputError
from .rank.methods import EMBEDDING_METHODS, METHODS
from .rank.methods import score as score_sentences
from .rank.select import Budget, Choice, choose
from .text.boilerplate import boilerplate_lines, boilerplate_reason, is_photo_caption
from .text.segment import segment
from .text.title import detect_title
from .types import Document, Sentence

# e5 asks for the "query: " prompt on symmetric tasks (sentence vs sentence).
SIMILARITY_PROMPT = "query"
HEADING_MAX_WORDS = 12


@dataclass(frozen=True)
class SummarySentence:
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Excluded:
    """A sentence that could not be selected, and why."""

    index: int
    start: int
    end: int
    text: str
    reason: str  # "title" | "boilerplate" | "heading" | "duplicate" | "dangling reference"
    detail: str = ""  # boilerplate label, duplicate cluster id and signal, ...


@dataclass
class Summary:
    title: str | None
    sentences: list[SummarySentence]
    method: str
    budget: str
    model: str | None
    document: Document
    duplicates: DedupResult
    excluded: list[Excluded] = field(default_factory=list)
    # The sentence vectors ranking used, one row per document sentence (zeros for
    # chrome lines); None for methods without a model. Kept so that callers that
    # need them too (the digest's clustering) do not embed the article again.
    vectors: np.ndarray | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


_ENCODERS: dict[tuple, Encoder] = {}


def get_encoder(
    model: str | Encoder | None = None, *, device: str | None = None, batch_size: int = 32
) -> Encoder:
    """Load a model once per process; an Encoder instance is used as given."""
    if model is not None and not isinstance(model, str):
        return model
    key = (model, device, batch_size)
    if key not in _ENCODERS:
        from .embed.encoder import load_encoder

        _ENCODERS[key] = load_encoder(model, device=device, batch_size=batch_size)
    return _ENCODERS[key]


def prepare(
    text: str,
    *,
    title: str | None = None,
    doc_id: str = "",
    encoding: str | None = None,
    source: str | None = None,
) -> Document:
    """Segment a text and find its title; the text itself is never altered."""
    if not isinstance(text, str):
        raise InputError(f"expected text as str, got {type(text).__name__}")
    if not text.strip():
        raise InputError(f"{source or 'input'}: no text")
    paragraphs, sentences = segment(text)
    if not any(any(c.isalpha() for c in s.text) for s in sentences):
        raise InputError(f"{source or 'input'}: no sentence found (no words in the text)")
    span = None
    if title is None:
        span = detect_title(text)
        if span is not None:
            title = text[span[0] : span[1]]
    return Document(text, doc_id, title, span, encoding, source, paragraphs, sentences)


def deduplicate(
    text: str | Document,
    *,
    title: str | None = None,
    threshold: float | None = None,
    keep: Keep = "first",
    drop_boilerplate: bool = False,
    semantic: bool = True,
    model: str | Encoder | None = None,
) -> DedupResult:
    """Remove repeated paragraphs, sentences and phrases; report every cut.

    ``threshold`` overrides the semantic (cosine) threshold calibrated for the
    model; ``semantic=False`` uses only the exact and shingle signals (no model).
    """
    doc = text if isinstance(text, Document) else prepare(text, title=title)
    encoder = get_encoder(model) if semantic else None
    config = _config(encoder, threshold, keep)
    embeddings = _embed_sentences(doc, encoder)[0] if encoder is not None else None
    return deduplicate_document(doc, embeddings, config=config, drop_boilerplate=drop_boilerplate)


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

    ``learned_boilerplate`` holds match keys (``text.normalize.match_key``) of lines
    or sentences known to be site chrome, e.g. learned from a batch by the digest.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    budget = Budget(sentences, ratio, words)
    doc = text if isinstance(text, Document) else prepare(text, title=title)
    encoder = get_encoder(model) if method in EMBEDDING_METHODS else None
    embeddings = title_vecs = None
    if encoder is not None:  # the title rides along: one model call per article
        titles = [doc.title] if doc.title else []
        embeddings, title_vecs = _embed_sentences(doc, encoder, titles)
    dedup = deduplicate_document(doc, embeddings, config=_config(encoder, threshold, "first"))

    excluded = _exclusions(doc, dedup, learned_boilerplate)
    out = {e.index for e in excluded}
    cands = [s for s in doc.sentences if s.index not in out]
    if not cands:
        raise InputError(f"{doc.source or 'input'}: no sentence to summarise")

    vecs = embeddings[[s.index for s in cands]] if embeddings is not None else None
    scores, picked = _rank(method, budget, [s.text for s in cands], vecs, title_vecs)
    for i in picked.dangling:
        s = cands[i]
        excluded.append(Excluded(s.index, s.start, s.end, s.text, "dangling reference"))

    chosen = sorted(picked.chosen)
    result = [
        SummarySentence(
            cands[i].index, cands[i].paragraph, cands[i].start, cands[i].end, cands[i].text,
            round(float(scores[i]), 6),
        )
        for i in chosen
    ]  # fmt: skip
    return Summary(
        doc.title,
        result,
        method,
        budget.describe(),
        encoder.name if encoder else None,
        doc,
        dedup,
        sorted(excluded, key=lambda e: e.index),
        embeddings,
    )


@dataclass(frozen=True)
class StorySentence:
    """A sentence of a multi-article summary; ``document`` indexes the input articles."""

    document: int
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    score: float


@dataclass
class StorySummary:
    """One summary for several articles on the same story."""

    sentences: list[StorySentence]
    method: str
    budget: str
    model: str | None
    documents: list[Document]
    # (document, sentence index) -> the (document, sentence index) it repeats
    cross_duplicates: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


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
    """A summary of a story told by several articles, each fact once.

    Each article is cleaned as in :func:`summarize`; then sentences repeated
    across articles (the same wire copy in two outlets) are collapsed by the same
    duplicate engine, keeping the first article's wording. Sentences are ranked
    together, with each one's lead prior taken from its own article.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    budget = Budget(sentences, ratio, words)
    docs = [t if isinstance(t, Document) else prepare(t) for t in texts]
    encoder = get_encoder(model) if method in EMBEDDING_METHODS else None
    config = _config(encoder, threshold, "first")
    pool: list[tuple[int, Sentence, int]] = []  # (document, sentence, position in document)
    rows: list[np.ndarray] = []
    for d, doc in enumerate(docs):
        emb = _embed_sentences(doc, encoder)[0] if encoder is not None else None
        dedup = deduplicate_document(doc, emb, config=config)
        out = {e.index for e in _exclusions(doc, dedup, learned_boilerplate)}
        cands = [s for s in doc.sentences if s.index not in out]
        for pos, s in enumerate(cands):
            pool.append((d, s, pos))
            if emb is not None:
                rows.append(emb[s.index])
    if not pool:
        raise InputError("no sentence to summarise in these articles")
    vecs = np.stack(rows) if rows else None
    items = [Item(s.key, s.text) for _, s, _ in pool]
    across = find_duplicates(items, vecs, level="sentence", config=config)
    gone = across.removed
    keep = [i for i in range(len(pool)) if i not in gone]
    titles = [doc.title for doc in docs if doc.title]
    title_vecs = None
    if encoder is not None and titles:
        title_vecs = encoder.encode(titles, prompt_name=SIMILARITY_PROMPT)
    scores, picked = _rank(
        method, budget, [pool[i][1].text for i in keep],
        vecs[keep] if vecs is not None else None, title_vecs, [pool[i][2] for i in keep],
    )  # fmt: skip
    chosen = sorted(picked.chosen, key=lambda i: (pool[keep[i]][0], pool[keep[i]][1].index))
    result = []
    for i in chosen:
        d, s, _ = pool[keep[i]]
        result.append(
            StorySentence(
                d, s.index, s.paragraph, s.start, s.end, s.text, round(float(scores[i]), 6)
            )
        )
    dups = {
        (pool[i][0], pool[i][1].index): (pool[m.kept][0], pool[m.kept][1].index)
        for i, m in gone.items()
    }
    return StorySummary(
        result, method, budget.describe(), encoder.name if encoder else None, docs, dups
    )


def _rank(
    method: str,
    budget: Budget,
    texts: list[str],
    vecs: np.ndarray | None,
    title_vecs: np.ndarray | None,
    positions: list[int] | None = None,
) -> tuple[np.ndarray, Choice]:
    """Score candidates and choose within the budget (shared by one and many articles).

    ``title_vecs``: the articles' titles embedded, one row each (None: no title)."""
    n = len(texts)
    sims, title_sims = np.zeros((n, n)), None
    if vecs is not None:
        sims = np.clip(vecs @ vecs.T, -1.0, 1.0)
        np.fill_diagonal(sims, 0.0)
        if title_vecs is not None and len(title_vecs):
            t = title_vecs.mean(axis=0)
            title_sims = vecs @ (t / (np.linalg.norm(t) or 1.0))
    scores = score_sentences(method, n, sims if vecs is not None else None, title_sims, positions)
    limit = budget.max_sentences(n)
    return scores, choose(scores, sims, texts, limit, max_words=budget.words)


def _config(encoder: Encoder | None, threshold: float | None, keep: Keep) -> DedupConfig:
    if encoder is None:
        return DedupConfig(keep=keep)
    from .dedup.calibration import semantic_threshold

    return DedupConfig(semantic=threshold or semantic_threshold(encoder.name), keep=keep)


def _embed_sentences(
    doc: Document, encoder: Encoder, extra: Sequence[str] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """One row per sentence, and one per ``extra`` text, in one model call.

    Chrome lines are not worth a model call: their rows are zeros.
    """
    labels = {p.index for p in doc.paragraphs if boilerplate_reason(p.text)}
    todo = [s for s in doc.sentences if s.paragraph not in labels]
    texts = [s.text for s in todo] + list(extra)
    vecs = encoder.encode(texts, prompt_name=SIMILARITY_PROMPT)
    dim = vecs.shape[1] if len(texts) else encoder.dim
    out = np.zeros((len(doc.sentences), dim), np.float32)
    for s, v in zip(todo, vecs, strict=False):
        out[s.index] = v
    return out, vecs[len(todo) :]


def _exclusions(
    doc: Document, dedup: DedupResult, learned: Collection[str] = frozenset()
) -> list[Excluded]:
    """Sentences never eligible: the title, chrome, headings and duplicates."""
    chrome = {b.paragraph: b.label for b in dedup.boilerplate}
    dup_of: dict[int, Removed] = {}
    for r in dedup.removed:
        for s in doc.sentences:
            if (
                r.start <= s.start
                and s.end <= r.end
                or (r.level == "sentence" and r.index == s.index)
            ):
                dup_of[s.index] = r
    # Sentence by sentence too: one-line bodies glue bylines to the text.
    by_position = boilerplate_lines([s.text for s in doc.sentences])
    para_sizes: dict[int, int] = {}
    for s in doc.sentences:
        para_sizes[s.paragraph] = para_sizes.get(s.paragraph, 0) + 1
    out = []
    for s in doc.sentences:
        reason, detail = None, ""
        if doc.title_span and doc.title_span[0] <= s.start < doc.title_span[1]:
            reason = "title"
        elif s.paragraph in chrome:
            reason, detail = "boilerplate", chrome[s.paragraph]
        elif label := by_position[s.index]:
            reason, detail = "boilerplate", label
        elif is_photo_caption(s.text):
            reason, detail = "boilerplate", "photo caption"
        elif learned and s.key in learned:
            reason, detail = "boilerplate", "learned from the batch"
        elif s.index in dup_of:
            r = dup_of[s.index]
            reason, detail = "duplicate", f"{r.cluster} {r.signal} {r.score:.3f}"
        elif _is_heading(s.text, para_sizes[s.paragraph]):
            reason = "heading"
        if reason:
            out.append(Excluded(s.index, s.start, s.end, s.text, reason, detail))
    return out


def _is_heading(text: str, sentences_in_paragraph: int) -> bool:
    """A short line on its own with no final punctuation: a heading or a label."""
    stripped = text.rstrip()
    return (
        sentences_in_paragraph == 1
        and len(stripped.split()) <= HEADING_MAX_WORDS
        and not stripped.endswith((".", "!", "?", "…", "”", '"', ":"))
    )
