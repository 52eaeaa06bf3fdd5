"""The pipeline's stages composed: a configuration, a model, and nothing else.

prepare → embed → find duplicates → exclusions → rank → select. Each stage is a
function of its own module (see docs/architecture.md) and the rules live there; a
:class:`Summarizer` only hands each stage's result to the next.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from .blas import one_thread
from .config import SummaryConfig, check_learned, check_texts
from .dedup.calibration import dedup_config
from .dedup.document import DedupResult, deduplicate_document, with_nuls
from .dedup.engine import Item, find_duplicates
from .dedup.language import script
from .embed import Encoder
from .embed.document import SIMILARITY_PROMPT, embed_document, prefetch_documents
from .embed.prefetch import PrefetchEncoder
from .errors import BudgetError, ConfigError, InputError
from .rank.candidates import Candidates, candidates
from .rank.features import has_title
from .rank.graph import similarity_matrix
from .rank.methods import rank, story_method
from .rank.query import Relevance, focus, relevance
from .rank.screen import scoped_features, screen_for
from .rank.select import (
    Choice,
    Restatements,
    choose,
    document_quotes,
    restates_cosine,
    within,
)
from .results import Excluded, Reason, StorySentence, StorySummary, Summary, SummarySentence
from .scope import Scope, applies, embed_scope
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
    # The sentences embedded when only some were (``embed_scope="screened"``); None: all.
    embedded: frozenset[int] | None = None


@dataclass(frozen=True)
class StoryArticle:
    """What a story summary needs of one article: its title, the sentences that may be
    picked, in order, and their vectors (one row each; None without a model)."""

    title: str | None
    sentences: list[Sentence]
    vectors: np.ndarray | None

    @classmethod
    def from_analysis(cls, found: Analysis) -> StoryArticle:
        cands = found.candidates.sentences
        rows = None
        if found.vectors is not None:
            rows = found.vectors[[s.index for s in cands]]
        return cls(found.document.title, cands, rows)


class Summarizer:
    """A configuration and the model it needs, loaded once, when a stage first needs it.

    ``encoder``: an object with ``encode(texts, prompt_name) -> float32 (n, d)`` unit
    rows and a ``name``; None loads ``config.model`` (``device``, ``batch_size``).
    ``timer`` collects seconds per stage (the digest's report, ``benchmarks.stages``).
    ``cache=False`` loads the model without the on-disk embedding cache (``--no-cache``).
    """

    def __init__(
        self,
        config: SummaryConfig | None = None,
        encoder: Encoder | None = None,
        *,
        device: str | None = None,
        batch_size: int = 32,
        timer: StageTimer | None = None,
        cache: bool = True,
    ):
        self.config = config or SummaryConfig()
        self.timer = timer or NO_TIMER
        if encoder is not None and not callable(getattr(encoder, "encode", None)):
            raise ConfigError(f"model must be a name, a folder or an encoder, not {encoder!r}")
        self._encoder = encoder
        self._load = (device, batch_size)
        self._cache = cache
        # Scopes computed ahead by prefetch(), taken by analyse(): each once per article.
        self._scopes: dict[tuple[str, str | None, frozenset[str]], Scope | None] = {}

    def with_config(self, **changes: Any) -> Summarizer:
        """The same model and timer with some settings changed (validated again)."""
        device, batch_size = self._load
        config = replace(self.config, **changes)
        return Summarizer(
            config, self._encoder, device=device, batch_size=batch_size, timer=self.timer,
            cache=self._cache,
        )  # fmt: skip

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            device, batch_size = self._load
            self._encoder = shared_encoder(
                self.config.model, device=device, batch_size=batch_size, cache=self._cache
            )
        return self._encoder

    def prefetch(
        self, docs: Sequence[Document], learned_boilerplate: Collection[str] = frozenset()
    ) -> None:
        """Embed the texts ``summarize(doc)`` will embed for each of ``docs`` in one model
        call, and drop what an earlier prefetch held. Why: a bulk run's model runs are
        then few and full instead of a few small ones per article (docs/speed.md); the
        per-document calls are served from memory. A no-op without a model.
        ``learned_boilerplate``: what the summaries will be given (it moves the scope)."""
        if not self.config.needs_model:
            return
        if not isinstance(self._encoder, PrefetchEncoder):
            self._encoder = PrefetchEncoder(self.encoder)
        self._encoder.forget()
        self._scopes.clear()
        scopes = None
        if applies(self.config):
            scopes = [self._scope(d, learned_boilerplate) for d in docs]
            for d, found in zip(docs, scopes, strict=True):
                self._scopes[_scope_key(d, learned_boilerplate)] = found
        with self.timer.stage("embedding"):
            prefetch_documents(
                self._encoder, docs,
                only=None if scopes is None else [s and s.sentences for s in scopes],
            )  # fmt: skip

    def _scope(self, doc: Document, learned: Collection[str]) -> Scope | None:
        """Which sentences ``analyse(doc)`` embeds (None: all); see summarize/scope.py."""
        key = _scope_key(doc, learned)
        if key in self._scopes:
            return self._scopes.pop(key)
        config = dedup_config(
            self.encoder.name, self.config.threshold, self.config.keep,
            cross_lingual=self.config.cross_lingual,
        )  # fmt: skip
        with self.timer.stage("screen"):
            return embed_scope(doc, self.config, config, self.encoder.name, learned)

    def analyse(
        self,
        doc: Document,
        learned_boilerplate: Collection[str] = frozenset(),
        *,
        embed_title: bool = True,
    ) -> Analysis:
        """Embed, find duplicates and exclude: everything before ranking."""
        learned_boilerplate = check_learned(learned_boilerplate)
        encoder = self.encoder if self.config.needs_model else None
        vectors = titles = None
        only = None
        if encoder is not None:  # the title rides along: one model call per article
            if embed_title and applies(self.config):
                scope = self._scope(doc, learned_boilerplate)
                only = scope.sentences if scope is not None else None
            extra = [doc.title] if embed_title and doc.title else []
            with self.timer.stage("embedding"):
                embedded = embed_document(doc, encoder, extra, only)
            vectors, titles = embedded.sentences, embedded.extra
        dedup = self._dedup(doc, vectors if self.config.semantic else None, encoder)
        with self.timer.stage("exclusions"):
            found = candidates(doc, dedup, learned_boilerplate)
        return Analysis(doc, vectors, titles, dedup, found, only)

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
            raise InputError(f"{doc.source or 'input'}: no sentence to summarise{_why_none(found)}")
        rows = found.vectors[[s.index for s in cands]] if found.vectors is not None else None
        starts = [s.start == doc.paragraphs[s.paragraph].start for s in cands]
        asked = None
        quotes = _document_quotes(doc, found.candidates)
        if found.embedded is not None:
            scores, picked = self._rank_screened(found, starts, quotes)
        else:
            scores, picked, asked = self._rank_and_select(
                cands, rows, found.title_vectors, starts=starts, title=doc.title, quotes=quotes
            )
        if not picked.chosen and picked.over_budget and self.config.words is not None:
            shortest = min(len(s.text.split()) for s in cands)
            raise BudgetError(
                f"{doc.source or 'input'}: a budget of {self.config.words} words is smaller "
                f"than every sentence (the shortest has {shortest} words); raise the word budget"
            )
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
            self.config.query,
            query_matched=asked.matched if asked is not None else None,
            query_margin=round(asked.margin, 4) if asked is not None else None,
            title_vector=found.title_vectors[0]
            if found.title_vectors is not None and len(found.title_vectors)
            else None,
        )

    def deduplicate(self, text: str | Document, *, title: str | None = None) -> DedupResult:
        """Remove repeated paragraphs, sentences and phrases; report every cut."""
        doc = self._document(text, title)
        encoder = self.encoder if self.config.semantic else None
        vectors = None
        if encoder is not None:
            with self.timer.stage("embedding"):
                vectors = embed_document(doc, encoder).sentences
        return with_nuls(self._dedup(doc, vectors, encoder))  # the original's NULs kept

    def summarize_many(
        self,
        texts: Sequence[str | Document],
        *,
        learned_boilerplate: Collection[str] = frozenset(),
    ) -> StorySummary:
        """A summary of a story told by several articles, each fact once.

        Each article is cleaned as in :meth:`summarize`, then the articles are
        summarised together by :meth:`summarize_story`.
        """
        docs = [self._document(t, None) for t in check_texts(texts)]
        found = [self.analyse(d, learned_boilerplate, embed_title=False) for d in docs]
        result = self.summarize_story([StoryArticle.from_analysis(a) for a in found])
        result.documents = docs
        return result

    def summarize_story(self, articles: Sequence[StoryArticle]) -> StorySummary:
        """One summary of articles already analysed (the digest keeps them).

        Sentences repeated across articles (the same wire copy in two outlets) are
        collapsed by the same duplicate engine, keeping the first article's wording (or,
        with ``keep="fuller"``, a later one that states all of it and adds a value).
        Sentences are ranked together, each one's lead prior from its own article, and
        a sentence that restates one already picked (another outlet's wording of the same
        fact, :class:`~.rank.select.Restatements`) is not picked again.
        """
        pool = [(d, s, pos) for d, a in enumerate(articles) for pos, s in enumerate(a.sentences)]
        if not pool:
            raise InputError("no sentence to summarise in these articles")
        vecs = None
        if self.config.needs_model:
            if any(a.vectors is None or len(a.vectors) != len(a.sentences) for a in articles):
                raise InputError("every article of a story needs one vector per sentence")
            vecs = np.vstack([a.vectors for a in articles])
        config = dedup_config(
            self._model_name(), self.config.threshold, self.config.keep,
            cross_lingual=self.config.cross_lingual,
        )  # fmt: skip
        tag = script if self.config.cross_lingual else (lambda _: "")
        # BLAS on one thread: the engine's products are small and its cosine prefilter is
        # sound whatever their rounding (summarize/blas.py)
        with self.timer.stage("duplicates"), one_thread():
            items = [Item(s.key, s.text, tag(s.text)) for _, s, _ in pool]
            meaning = vecs if self.config.semantic else None  # as within one article
            across = find_duplicates(items, meaning, level="sentence", config=config)
        removed = across.removed  # a property that builds its dict: once, not per sentence
        keep = [i for i in range(len(pool)) if i not in removed]
        if vecs is not None:
            # Candidates a screened scope left unembedded (zero rows, summarize/scope.py)
            # take part in the duplicates above (by their wording) but are not ranked: the
            # story is summarised from what each article's screen kept.
            embedded = [i for i in keep if vecs[i].any()]
            if embedded:
                keep = embedded
            else:  # nothing embedded left (not seen in practice): embed what is left
                with self.timer.stage("embedding"):
                    vecs[keep] = self.encoder.encode(
                        [pool[i][1].text for i in keep], prompt_name=SIMILARITY_PROMPT
                    )
        method = story_method(self.config.method)
        titles = [a.title for a in articles if a.title]
        title_vecs = None
        if vecs is not None and titles:
            with self.timer.stage("embedding"):
                title_vecs = self.encoder.encode(titles, prompt_name=SIMILARITY_PROMPT)
        scores, picked, _ = self._rank_and_select(
            [pool[i][1] for i in keep], vecs[keep] if vecs is not None else None, title_vecs,
            [pool[i][2] for i in keep], title=" ".join(titles) or None, method=method,
            needs=_story_needs(articles, pool, keep), story=True,
        )  # fmt: skip
        chosen = sorted(picked.chosen, key=lambda i: (pool[keep[i]][0], pool[keep[i]][1].index))
        result = [_story_pick(pool[keep[i]][0], pool[keep[i]][1], scores[i]) for i in chosen]
        dups = {
            (pool[i][0], pool[i][1].index): (pool[m.kept][0], pool[m.kept][1].index)
            for i, m in removed.items()
        }
        return StorySummary(
            result, method, self.config.describe_budget(), self._model_name(), [],
            dups,
        )  # fmt: skip

    def _model_name(self) -> str | None:
        return self.encoder.name if self.config.needs_model else None

    def _dedup(
        self, doc: Document, vectors: np.ndarray | None, encoder: Encoder | None
    ) -> DedupResult:
        config = dedup_config(
            encoder.name if encoder else None, self.config.threshold, self.config.keep,
            cross_lingual=self.config.cross_lingual,
        )  # fmt: skip
        with self.timer.stage("duplicates"):
            return deduplicate_document(
                doc, vectors, config=config, drop_boilerplate=self.config.drop_boilerplate
            )

    def _document(self, text: str | Document, title: str | None) -> Document:
        if isinstance(text, Document):
            return text
        with self.timer.stage("prepare"):
            return prepare(text, title=title)

    def _rank_screened(
        self,
        found: Analysis,
        starts: list[bool],
        quotes: list[list[int] | None],
        everything: bool = False,
    ) -> tuple[np.ndarray, Choice]:
        """Rank and select among the embedded candidates only (summarize/scope.py): text
        features as among all candidates, vector features among the embedded ones, by
        the scorer fitted that way (:mod:`.rank.screen`). The others score -inf.
        ``everything``: embed and rank them all (nothing embedded could be shown)."""
        cands = found.candidates.sentences
        texts = [s.line for s in cands]
        subset = [k for k, s in enumerate(cands) if s.index in (found.embedded or ())]
        scores = np.full(len(cands), -np.inf)
        assert found.vectors is not None
        budget = self.config.words
        if (
            everything or len(subset) < self.config.max_sentences(len(cands))
            if budget is None
            else everything or sum(len(texts[k].split()) for k in subset) < budget
        ) and len(subset) < len(cands):
            # Duplicates by meaning took screened candidates out: embed the rest now
            # rather than pick fewer sentences than the budget allows (rare).
            rest = [k for k in range(len(cands)) if k not in set(subset)]
            with self.timer.stage("embedding"):
                found.vectors[[cands[k].index for k in rest]] = self.encoder.encode(
                    [texts[k] for k in rest], prompt_name=SIMILARITY_PROMPT
                )
            subset = list(range(len(cands)))
        subset, needs = self._with_companions(cands, texts, subset, found.vectors, quotes)
        vecs = found.vectors[[cands[k].index for k in subset]]
        title = None
        if found.title_vectors is not None and len(found.title_vectors):
            t = found.title_vectors.mean(axis=0)
            title = t / (np.linalg.norm(t) or 1.0)
        screen = screen_for(self._model_name())
        with self.timer.stage("ranking"):
            x = scoped_features(texts, subset, vecs, title, None, starts, found.document.title)
            found_scores, overlap = screen.rank_scores(
                x, word_budget=budget is not None, titled=has_title(found.document.title, title)
            )
            scores[subset] = found_scores
            limit = min(self.config.max_sentences(len(cands)), len(subset))
            picked = choose(
                found_scores, similarity_matrix(vecs), [texts[k] for k in subset], limit,
                max_words=budget, overlap=overlap, paragraphs=[cands[k].paragraph for k in subset],
                needs=needs,
            )  # fmt: skip
        if not picked.chosen and len(subset) < len(cands):
            # The guards left nothing the embedded can show (a quotation longer than the
            # summary, its closing sentence after a removed opening): rank them all (rare)
            return self._rank_screened(found, starts, quotes, everything=True)
        back = [subset[i] for i in picked.chosen], [subset[i] for i in picked.dangling]
        return scores, Choice(*back, [subset[i] for i in picked.over_budget])

    def _with_companions(
        self,
        cands: list[Sentence],
        texts: list[str],
        subset: list[int],
        vectors: np.ndarray,
        quotes: list[list[int] | None] | None = None,
    ) -> tuple[list[int], list[list[int] | None]]:
        """``subset`` plus the candidates its sentences cannot be shown without, and what
        each needs (:func:`.rank.select.within`).

        The selection guard pairs a sentence that opens with "Tuy nhiên", "Ngoài ra"... with
        the sentence before it, and a quotation's sentence with the rest of it, *in the list
        it is given*: among the embedded candidates only, that was an earlier embedded
        sentence, and the summary showed the reference without what it refers to, or a
        quotation left open. The companions are embedded now (a few rows).
        """
        inside, needs = within(subset, texts, [c.paragraph for c in cands], quotes)
        before = sorted(set(inside).difference(subset))
        if before:
            with self.timer.stage("embedding"):
                vectors[[cands[k].index for k in before]] = self.encoder.encode(
                    [texts[k] for k in before], prompt_name=SIMILARITY_PROMPT
                )
        return inside, needs

    def _rank_and_select(
        self,
        cands: list[Sentence],
        vectors: np.ndarray | None,
        title_vectors: np.ndarray | None,
        positions: list[int] | None = None,
        starts: list[bool] | None = None,
        title: str | None = None,
        method: str | None = None,
        needs: list[list[int] | None] | None = None,
        quotes: list[list[int] | None] | None = None,
        story: bool = False,
    ) -> tuple[np.ndarray, Choice, Relevance | None]:
        """Scores, picks, and (with a query) how the sentences answer it. ``needs``:
        what each candidate cannot be shown without, when ``cands`` are not one text's;
        ``quotes``: each one's quotation and speaker, read on its text; ``story``: the
        candidates are several articles' (a sentence restating a pick is not picked)."""
        method = method or self.config.method
        limit = self.config.max_sentences(len(cands))
        texts = [s.line for s in cands]
        with self.timer.stage("ranking"):
            ranking = rank(
                method, vectors, title_vectors, positions, count=len(cands), texts=texts,
                paragraph_starts=starts, model=self._model_name(), title_text=title,
                word_budget=self.config.words is not None,
            )  # fmt: skip
        found = None
        if self.config.query is not None:
            with self.timer.stage("embedding"):
                found = relevance(self.encoder, self.config.query, texts)
            ranking = replace(ranking, scores=focus(found.scores, ranking.scores))
        with self.timer.stage("ranking"):
            overlap = ranking.overlap if self.config.query is None else None
            restates = None
            if story and vectors is not None:
                cosine = restates_cosine(self._model_name())
                restates = Restatements(texts, ranking.similarities, cosine)
            choice = choose(
                ranking.scores, ranking.similarities, texts, limit,
                max_words=self.config.words, overlap=overlap,
                paragraphs=[s.paragraph for s in cands], needs=needs, quotes=quotes,
                restates=restates,
            )  # fmt: skip
        return ranking.scores, choice, found


def _document_quotes(doc: Document, found: Candidates) -> list[list[int] | None]:
    """Each candidate's quotation and speaker, read on the document's own sentences
    (:func:`.rank.select.document_quotes`), not on the candidates: a quotation's closing
    sentence whose opening one was removed as a duplicate was shown alone.

    The title, site chrome and captions are read as empty: they are not the article's
    prose, and a caption's mark left open ('cuốn sách ảnh “Nick Vujicic ... (Ảnh: X)' in
    VietnameseMDS) made the next sentence the end of its quotation, never shown."""
    outside = {
        e.index for e in found.excluded
        if e.reason in (Reason.TITLE, Reason.BOILERPLATE) or e.detail.startswith("caption")
    }  # fmt: skip
    texts = ["" if s.index in outside else s.line for s in doc.sentences]
    paragraphs = [s.paragraph for s in doc.sentences]
    return document_quotes(texts, paragraphs, [s.index for s in found.sentences])


def _story_needs(
    articles: Sequence[StoryArticle], pool: list[tuple[int, Sentence, int]], keep: list[int]
) -> list[list[int] | None]:
    """What each kept sentence of a story's pool cannot be shown without, read within its
    own article, as positions in ``keep``; None when that was not kept (a duplicate of
    another article's sentence, or left unembedded by the screen).

    Why: the pool runs the articles together, so read as one text a quotation left open
    at the end of one article went on into the next, a "Tuy nhiên" opening an article
    pointed back into the one before, and paragraph numbers of different articles met."""
    at = {i: n for n, i in enumerate(keep)}
    first: dict[int, int] = {}
    for i, (d, _, _) in enumerate(pool):
        first.setdefault(d, i)
    members: dict[int, list[int]] = {}
    for i in keep:
        members.setdefault(pool[i][0], []).append(i)
    out: list[list[int] | None] = [None] * len(keep)
    for d, kept in members.items():
        texts = [s.line for s in articles[d].sentences]
        paragraphs = [s.paragraph for s in articles[d].sentences]
        subset = [pool[i][2] for i in kept]
        inside, mapped = within(subset, texts, paragraphs)
        row = {pos: n for n, pos in enumerate(inside)}
        for i, pos in zip(kept, subset, strict=True):
            need = mapped[row[pos]]
            if need is None:
                continue
            wanted = [first[d] + inside[j] for j in need]
            if all(w in at for w in wanted):
                out[at[i]] = [at[w] for w in wanted]
    return out


@lru_cache(maxsize=4)
def shared_encoder(
    model: str | None = None, *, device: str | None = None, batch_size: int = 32,
    cache: bool = True,
) -> Encoder:  # fmt: skip
    """A model loaded once per process for the module-level functions and the CLI.

    Loading takes a second or more; hold a :class:`Summarizer` to control lifetime.
    ``cache=False``: without the on-disk embedding cache.
    """
    from .embed import load_encoder

    return load_encoder(model, device=device, batch_size=batch_size, cache=cache)


def _scope_key(doc: Document, learned: Collection[str]) -> tuple[str, str | None, frozenset[str]]:
    known = learned if isinstance(learned, frozenset) else frozenset(learned)
    return (doc.text, doc.title, known)


def _why_none(found: Any) -> str:
    """Why no sentence is left to rank ("every sentence is excluded: photo caption 1,
    byline 1"): an article that is only a caption and a signature says so."""
    kinds: dict[str, int] = {}
    for e in found.candidates.excluded:
        kind = e.detail if e.reason is Reason.BOILERPLATE and e.detail else e.reason.value
        kinds[kind] = kinds.get(kind, 0) + 1
    if not kinds:
        return ""
    return " (every sentence is excluded: " + ", ".join(f"{k} {n}" for k, n in kinds.items()) + ")"


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
