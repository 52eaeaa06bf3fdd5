"""The cross-document step: story clusters, their summaries and shared sentences.

Works from the work file alone: sketches come from the work records, and the
documents that need a second look (those in a candidate pair) are read back with
their content sentences and stored vectors, through a small cache, so memory grows
with the number of documents (about 1 kB each), never with their text, and no
article is read, prepared or embedded a second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from ..dedup.calibration import dedup_config
from ..dedup.engine import cluster_id
from ..errors import SummarizeError
from ..pipeline import StoryArticle, Summarizer
from ..scope import applies as scope_applies
from ..text.normalize import joined_key
from .clusters import ClusterConfig, Content, Sketch, candidate_pairs, confirm_pair, story_id
from .events import (
    EventGraph,
    PairModel,
    average_linkage,
    load_pair_model,
    profile,
    published_day,
)
from .record import DocumentRecord, VectorRef
from .shared import Shared
from .translations import (
    Edition,
    Side,
    TranslationConfig,
    TranslationStats,
    find_translations,
    join,
)


@dataclass
class Story:
    """A story told by two or more documents (ordinals in input order)."""

    id: str
    members: list[int]
    signals: dict[int, str] = field(default_factory=dict)  # member -> why it joined
    # member -> the number behind its signal, for a reader who asks (the HTML tooltip)
    details: dict[int, str] = field(default_factory=dict)
    summary: list[dict[str, Any]] = field(default_factory=list)  # {n, index, text, score}
    error: str | None = None


@dataclass
class CrossResult:
    stories: list[Story]
    story_of: dict[int, str]  # ordinal -> story id, for documents in a multi-document story
    shared: dict[int, list[Shared]]
    candidate_pairs: int
    # ordinal -> its own id, for an article alone in its story whose content id is
    # another article's too (a copy the time window kept apart): ids never collide.
    own: dict[int, str] = field(default_factory=dict)
    # What the cross-lingual step did (``--cross-lingual``); None when it did not run.
    translations: TranslationStats | None = None
    _sizes: dict[str, int] = field(default_factory=dict, repr=False)

    def story_id_of(self, n: int, content_id: str | None) -> str | None:
        """The story an article is in: its story's id, or its own."""
        return self.story_of.get(n) or self.own.get(n, content_id)

    def give_own_ids(self, alone: list[tuple[int, str, str]]) -> None:
        """``alone``: (ordinal, content id, record id) of the articles in no story."""
        taken = Counter(content for _, content, _ in alone)
        taken.update(s.id for s in self.stories)
        for n, content, record_id in alone:
            if taken[content] > 1:
                self.own[n] = cluster_id("document", f"{content} {record_id}")

    def size(self, story: str | None) -> int:
        """Documents in a story: 1 for a story only one document tells."""
        if story is None:
            return 0
        if not self._sizes:
            self._sizes = {s.id: len(s.members) for s in self.stories}
        return self._sizes.get(story, 1)


def build_stories(
    sketches: dict[int, Sketch],
    record_of: Callable[[int], DocumentRecord],
    vectors_of: Callable[[VectorRef | None], np.ndarray | None],
    *,
    config: ClusterConfig,
    summarizer: Summarizer,
    story_docs: int,
    title_vector_of: Callable[[VectorRef | None], np.ndarray | None] = lambda ref: None,
    advance: Callable[[int], None] = lambda n: None,
    pairs: PairFinder | None = None,
    editions: dict[int, Edition] | None = None,
    translation: TranslationConfig | None = None,
) -> CrossResult:
    """Cluster the documents and summarise each multi-document story.

    With a model that has a shipped story model (:mod:`.events`), articles are grouped
    by event; otherwise (``--method lead``, another model) by shared statements.
    ``summarizer`` makes the story summaries (its budget is the story's). ``pairs``
    finds the LSH candidate pairs (ordinals, a < b); by default one in-memory index,
    the Dask engine groups band keys on its cluster instead. ``editions``: each
    article's language and mean vector, to join an article and its edition in another
    language (``--cross-lingual``, :mod:`.translations`); None: no such step.
    """
    pairs = pairs or ordinal_pairs
    load = lru_cache(maxsize=512)(lambda n: _load(record_of(n), vectors_of, sketches[n]))
    pair_model = None
    if config.events and summarizer.config.needs_model:
        scope = "screened" if scope_applies(summarizer.config) else "all"
        pair_model = load_pair_model(summarizer.encoder.name, scope)
    details: dict[int, str] = {}
    if pair_model is not None:
        groups, signals, count, details = _event_groups(
            sketches, load, vectors_of, title_vector_of, pair_model, config, advance, pairs
        )
    else:
        groups, signals, count = _statement_groups(
            sketches, load, config, summarizer, advance, pairs
        )
    translated = None
    if editions is not None and summarizer.config.needs_model:
        translated = TranslationStats()
        groups, signals = _join_translations(
            groups, signals, editions, load, vectors_of, summarizer,
            translation or TranslationConfig(), translated,
            config.window_days,
        )  # fmt: skip
    stories: list[Story] = []
    story_of: dict[int, str] = {}
    shared: dict[int, list[Shared]] = {}
    for ns in groups:
        story = Story(story_id(load(ns[0])[0].key), ns, {n: signals[n] for n in ns[1:]})
        story.details = {n: details[n] for n in ns[1:] if n in details}
        label_copies(story, lambda n: (load(n)[0].key, load(n)[2].id))
        story_of.update(dict.fromkeys(ns, story.id))
        _summarise(story, {n: load(n) for n in ns[:story_docs]}, summarizer, shared)
        stories.append(story)
    stories.sort(key=lambda s: (-len(s.members), s.members[0]))
    return CrossResult(stories, story_of, shared, count, translations=translated)


VECTOR_CACHE = 1024  # articles' vectors kept for pair scoring (about 30 kB each)
Groups = tuple[list[list[int]], dict[int, str], int]  # stories, why each joined, pairs
# The LSH candidate pairs (a < b, ordinals) of documents' sketches, each pair once.
PairFinder = Callable[[dict[int, Sketch], ClusterConfig], Iterable[tuple[int, int]]]


def _statement_groups(
    sketches: dict[int, Sketch],
    load: Callable[[int], tuple[Content, StoryArticle, DocumentRecord]],
    config: ClusterConfig,
    summarizer: Summarizer,
    advance: Callable[[int], None],
    pairs: PairFinder,
) -> Groups:
    """Leader clustering as in the engine, over LSH candidate pairs: documents are
    visited in input order, and each joins the earliest-kept story whose first document
    the engine confirms it repeats (strongest signal first), or starts its own."""
    earlier: dict[int, list[int]] = {}
    count = 0
    for a, b in pairs(sketches, config):
        window = config.window_days
        if window is not None and _outside_window(load(a)[2], load(b)[2], window):
            continue
        earlier.setdefault(b, []).append(a)
        count += 1
    model = summarizer.encoder.name if summarizer.config.needs_model else None
    # Which statements two documents share: which wording would be kept does not matter.
    sentence_config = dedup_config(model, keep="first")
    members: dict[int, list[int]] = {}  # kept document -> the documents that joined it
    signals: dict[int, str] = {}
    joined: set[int] = set()
    for n in sorted(earlier):
        best: tuple[float, int, str] | None = None
        for k in sorted(earlier[n]):
            if k in joined:
                continue  # only a story's first document speaks for it: no chains
            found = confirm_pair(load(k)[0], load(n)[0], config, sentence_config)
            if found is not None and (best is None or found[0] > best[0]):
                best = (found[0], k, found[1])
        if best is not None:
            members.setdefault(best[1], []).append(n)
            signals[n] = best[2]
            joined.add(n)
        advance(1)
    return [[k, *members[k]] for k in sorted(members)], signals, count


def _event_groups(
    sketches: dict[int, Sketch],
    load: Callable[[int], tuple[Content, StoryArticle, DocumentRecord]],
    vectors_of: Callable[[VectorRef | None], np.ndarray | None],
    title_vector_of: Callable[[VectorRef | None], np.ndarray | None],
    model: PairModel,
    config: ClusterConfig,
    advance: Callable[[int], None],
    pairs: PairFinder,
) -> tuple[list[list[int]], dict[int, str], int, dict[int, str]]:
    """Articles grouped by event: neighbours and LSH pairs scored by the pair model,
    merged by average linkage (see :mod:`.events`). Also returns, for each article
    that joined, the probability behind its signal in words (:func:`event_signal`)."""
    order, profiles, refs, days = [], [], [], []
    for n in sorted(sketches):  # one pass: a second would read every record again
        content, _, record = load(n)
        if content.vectors is None:
            continue
        order.append(n)
        ref = record.vector_ref
        profiles.append(
            profile(
                record.title,
                record.names,
                record.numbers,
                embedded_rows(content.vectors),
                title_vector_of(ref),
            )  # fmt: skip
        )
        refs.append(ref)
        days.append(published_day(record.fields))
    positions = {n: i for i, n in enumerate(order)}
    lsh = [
        (positions[a], positions[b])
        for a, b in pairs(sketches, config)
        if a in positions and b in positions
    ]
    # Pairs ask for vectors in no useful order: read them alone (one seek each) rather
    # than whole records through the record cache.
    vectors = lru_cache(maxsize=VECTOR_CACHE)(lambda i: embedded_rows(vectors_of(refs[i])))
    graph = EventGraph(profiles, vectors, lsh, days=days, window=config.window_days)
    probs = graph.probabilities(model, graph.pairs)
    scored = dict(zip(graph.pairs, probs.tolist(), strict=True))
    advance(len(order))

    def probability(i: int, j: int) -> float:
        pair = (min(i, j), max(i, j))
        if pair not in scored:
            scored[pair] = float(graph.probabilities(model, [pair])[0])
        return scored[pair]

    def many(cross: list[tuple[int, int]]) -> list[float]:
        """A merge's cross pairs, those not scored yet in one call of the model (a call
        per pair cost 7 ms: 90 trees walked for one row)."""
        asked = sorted({(min(i, j), max(i, j)) for i, j in cross})
        asked = [pair for pair in asked if pair not in scored]
        scored.update(zip(asked, graph.probabilities(model, asked).tolist(), strict=True))
        return [scored[min(i, j), max(i, j)] for i, j in cross]

    edges = graph.seeds(scored)
    groups = average_linkage(len(order), edges, probability, model.threshold, graph.conflict, many)
    stories, signals, details = [], {}, {}
    for group in groups:
        if len(group) < 2:
            continue
        for k, i in enumerate(group[1:], start=1):
            best = max(probability(i, e) for e in group[:k])
            signals[order[i]], details[order[i]] = event_signal(best, model.threshold)
        stories.append([order[i] for i in group])
    return stories, signals, len(graph.pairs), details


# How sure the story model is that an article reports an earlier article's event, in
# an editor's words (new-user trial: "same event (p 0.42)" said nothing: is 0.42 weak?).
# Articles join when their probabilities average the model's threshold (0.3 for the
# default model) or more, so a pair near it is the one to check.
SURE_EVENT = 0.9
LIKELY_EVENT = 0.6


def event_signal(probability: float, threshold: float) -> tuple[str, str]:
    """Why an article joined a story by event, and the number behind it.

    The first is shown; the second explains it on demand (the HTML page's tooltip)."""
    if probability >= SURE_EVENT:
        words = "same event: almost certain"
    elif probability >= LIKELY_EVENT:
        words = "same event: likely"
    else:
        words = "same event: borderline, worth a check"
    detail = (
        f"the story model gives {probability:.2f} as the probability that this article "
        f"reports the event of an earlier article of the story; articles join at "
        f"{threshold:.2f} or more on average"
    )
    return words, detail


COPY_SIGNAL = "same text (a copy)"


def label_copies(story: Story, key_of: Callable[[int], tuple[str, str]]) -> None:
    """Say "a copy" for an article whose text is an earlier member's, word for word.

    Why: the story model gives a copy "same event: almost certain", as it does a
    rewrite; an editor wants to know the article adds nothing (new-user trial).
    ``key_of(n)``: the article's content key (its content sentences' match keys joined:
    the same words in the same order, letter case, spacing and punctuation aside) and id.
    """
    seen: dict[str, str] = {}
    for n in story.members:
        key, ident = key_of(n)
        if key and key in seen and n in story.signals:
            story.signals[n] = COPY_SIGNAL
            story.details[n] = (
                f"every content sentence is the same, in the same order, as in {seen[key]} "
                "(letter case, spacing and punctuation aside)"
            )
        seen.setdefault(key, ident)


def _join_translations(
    groups: list[list[int]],
    signals: dict[int, str],
    editions: dict[int, Edition],
    load: Callable[[int], tuple[Content, StoryArticle, DocumentRecord]],
    vectors_of: Callable[[VectorRef | None], np.ndarray | None],
    summarizer: Summarizer,
    config: TranslationConfig,
    stats: TranslationStats,
    window: float | None,
) -> tuple[list[list[int]], dict[int, str]]:
    """The stories with each article and its edition in another language joined."""
    dedup = dedup_config(
        summarizer.encoder.name, summarizer.config.threshold, cross_lingual=True
    )  # the model's calibrated cross-lingual cosine, and the number guard
    vectors = lru_cache(maxsize=VECTOR_CACHE)(lambda n: vectors_of(editions[n].ref))

    def side(n: int) -> Side:
        content, _, record = load(n)
        assert content.vectors is not None
        return Side(content.sentences, [c.key for c in record.content], content.vectors)

    found = find_translations(editions, vectors, side, dedup, config, stats)
    found = [t for t in found if not _outside_window(load(t.earlier)[2], load(t.later)[2], window)]
    languages = {n: e.language for n, e in editions.items()}
    return join(groups, signals, found, languages, stats)


def embedded_rows(vectors: np.ndarray | None) -> np.ndarray | None:
    """The rows that were embedded: a screened scope (summarize/scope.py) leaves zero rows
    for sentences that could not change the article's summary, and a zero row aligns
    with nothing. Every row, when all were embedded."""
    if vectors is None:
        return None
    embedded = np.any(vectors, axis=1)
    return vectors if embedded.all() or not embedded.any() else vectors[embedded]


def _outside_window(a: DocumentRecord, b: DocumentRecord, window: float | None) -> bool:
    if window is None:
        return False
    da, db = published_day(a.fields), published_day(b.fields)
    return da is not None and db is not None and abs(da - db) > window


def ordinal_pairs(sketches: dict[int, Sketch], config: ClusterConfig) -> list[tuple[int, int]]:
    """The LSH candidate pairs from one in-memory index (the local engine)."""
    order = sorted(sketches)
    return [(order[i], order[j]) for i, j in candidate_pairs([sketches[n] for n in order], config)]


def _load(
    record: DocumentRecord,
    vectors_of: Callable[[VectorRef | None], np.ndarray | None],
    sketch: Sketch,
) -> tuple[Content, StoryArticle, DocumentRecord]:
    """A document as confirmation sees it, and as a story summary sees it."""
    vectors = vectors_of(record.vector_ref)
    texts = [c.text for c in record.content]
    keys = [c.key for c in record.content]  # == match_key(text): segment made both
    key = joined_key(keys)
    content = Content(key, record.title or "", texts, vectors, sketch.vector, keys)
    picks = [i for i, c in enumerate(record.content) if c.candidate]
    rows = vectors[picks] if vectors is not None else None
    article = StoryArticle(record.title, [record.content[i].sentence() for i in picks], rows)
    return content, article, record


def _summarise(
    story: Story,
    loaded: dict[int, tuple[Content, StoryArticle, DocumentRecord]],
    summarizer: Summarizer,
    shared: dict[int, list[Shared]],
) -> None:
    """One summary from the story's first articles, each fact once."""
    ns = list(loaded)
    try:
        result = summarizer.summarize_story([loaded[n][1] for n in ns])
    except SummarizeError as exc:
        story.error = str(exc)
        return
    story.summary = [
        {"n": ns[s.document], "index": s.index, "text": s.text, "score": s.score}
        for s in result.sentences
    ]
    for (d, i), (kd, ki) in sorted(result.cross_duplicates.items()):
        if d == kd:
            continue  # a repeat inside one article is already in its own record
        kept_key = next(c.key for c in loaded[ns[kd]][2].content if c.index == ki)
        cluster = cluster_id("sentence", kept_key)  # the key is match_key(text)
        shared.setdefault(ns[d], []).append(Shared(i, cluster, ns[kd], ki))
