"""Stories across languages: an article and its edition in another language, one story.

Why a step of its own: the digest's story candidates come from word shingles (MinHash
LSH: a Vietnamese article and its English edition share no word bigram) and from the
event model, whose features (shared names, numbers, titles) are spelled per language
and which was trained on Vietnamese pairs only. With ``--cross-lingual`` this step runs
after them, on what the work file already keeps (no article is read or embedded again):

1. **Language.** Each article's dominant language or script, from its content
   sentences' tags (:func:`summarize.dedup.language.script`): most tagged sentences in
   one language. An article with no clear language takes no part.
2. **Candidates.** Each article's nearest articles *in each other language* by their
   mean content vectors (the sketch's): exact (one matrix product per block) while the
   two languages' article counts multiply to at most :data:`EXACT_PAIRS`, an hnswlib
   index above (one thread, fixed seed: the same pairs every run).
3. **Confirmation.** A pair is one story when enough of the later article's sentences
   are translations of the earlier one's, as the duplicate engine judges them
   (:func:`summarize.dedup.engine.find_duplicates`: the model's calibrated
   cross-lingual cosine, and the number guard, so a sentence whose numbers differ is a
   conflict, never a match), one to one: at least :attr:`TranslationConfig.least`
   sentences (all of a shorter article's) and :attr:`TranslationConfig.share` of the
   *longer* article's, and more matches than conflicts. Why the longer: one generic
   sentence of a short article ("security experts warned users of the new virus")
   reaches the cosine with a sentence of almost any article on the subject, so a share
   of the shorter article joined 4-sentence articles to long ones (measured on baomoi and
   BBC, docs/digest.md); an edition states most of what the other states. A cheap bound
   (how many sentences reach the cosine at all) rules out most pairs before the engine.
4. **Joining.** Confirmed pairs are taken strongest first; each joins the two stories
   (or articles) they belong to, unless both already hold an article in one language:
   two Vietnamese stories the event step kept apart are never chained through one
   English article. The joining article's reason says ``cross-lingual``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..dedup.engine import DedupConfig, Item, find_duplicates
from ..dedup.language import dominant, script
from .record import VectorRef

# Language-pair sizes (articles of one language × of the other) compared exactly; above
# this the nearest articles come from an hnswlib index.
EXACT_PAIRS = 1_000_000
_MARGIN = 1e-3  # rounding room between a float32 bound and the engine's own cosine


@dataclass(frozen=True)
class TranslationConfig:
    """When two articles in different languages are one story (see the module doc)."""

    neighbours: int = 10  # nearest articles in each other language, per article
    least: int = 4  # translated sentences at least (all of a shorter article's) ...
    share: float = 0.4  # ... and this share of the longer article's content sentences
    dominant: float = 0.6  # share of an article's tagged sentences in its language
    min_tagged: int = 2  # sentences with a language tag an article needs
    opening: int = 30  # sentences read to tell an article's language (a cost per article)


@dataclass(frozen=True)
class Edition:
    """An article as this step sees it: its language and mean content vector."""

    language: str
    mean: np.ndarray  # unit float vector (the sketch's mean)
    ref: VectorRef | None = None  # where its content vectors are in the work folder


@dataclass(frozen=True)
class Translation:
    """``later`` states ``matched`` of the ``shorter`` article's sentences of
    ``earlier`` in another language; ``conflicts``: pairs that reach the cosine but
    state different numbers."""

    earlier: int
    later: int
    matched: int
    shorter: int
    conflicts: int
    longer: int = 0

    @property
    def share(self) -> float:
        return self.matched / self.shorter if self.shorter else 0.0

    def describe(self) -> str:
        clash = f", {self.conflicts} with other numbers" if self.conflicts else ""
        return (
            f"shares {self.matched} of {self.shorter} sentences in another language "
            f"(cross-lingual {self.matched}{clash})"
        )


@dataclass
class TranslationStats:
    """What the step did, for the digest's report and the benchmarks."""

    languages: dict[str, int] = field(default_factory=dict)  # articles per language
    candidates: int = 0  # article pairs in different languages proposed
    checked: int = 0  # of those, pairs the engine judged (past the cosine bound)
    confirmed: int = 0  # pairs that met the rule
    joined: int = 0  # confirmed pairs that joined two stories
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def article_language(texts: Iterable[str], config: TranslationConfig = TranslationConfig()) -> str:
    """The language or script most of an article's sentences are in; "" when unclear."""
    return dominant(
        texts, opening=config.opening, min_tagged=config.min_tagged, share=config.dominant
    )


def candidate_pairs(
    editions: Mapping[int, Edition], neighbours: int = TranslationConfig.neighbours
) -> list[tuple[int, int]]:
    """Pairs (a < b) of articles in different languages, each article with its
    ``neighbours`` nearest of every other language by mean vector; sorted."""
    by_language: dict[str, list[int]] = {}
    for n in sorted(editions):
        if editions[n].language:
            by_language.setdefault(editions[n].language, []).append(n)
    pairs: set[tuple[int, int]] = set()
    for x, queries in sorted(by_language.items()):
        q = np.stack([editions[n].mean for n in queries]).astype(np.float32)
        for y, base in sorted(by_language.items()):
            if x == y:
                continue
            b = np.stack([editions[n].mean for n in base]).astype(np.float32)
            for i, row in enumerate(nearest(q, b, neighbours)):
                pairs.update((min(queries[i], base[j]), max(queries[i], base[j])) for j in row)
    return sorted(pairs)


def nearest(queries: np.ndarray, base: np.ndarray, k: int) -> list[list[int]]:
    """Each query row's ``k`` nearest base rows by inner product, nearest first:
    exact up to :data:`EXACT_PAIRS` row pairs, hnswlib above."""
    k = min(k, len(base))
    if k < 1 or not len(queries):
        return [[] for _ in range(len(queries))]
    if len(queries) * len(base) <= EXACT_PAIRS:
        out: list[list[int]] = []
        for start in range(0, len(queries), 1024):
            sims = queries[start : start + 1024] @ base.T
            for row in sims:
                top = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
                out.append(sorted(top.tolist(), key=lambda j: (-row[j], j)))
        return out
    import hnswlib

    index = hnswlib.Index(space="ip", dim=base.shape[1])
    index.init_index(max_elements=len(base), ef_construction=100, M=16, random_seed=1)
    index.set_num_threads(1)  # one thread: the same graph, so the same pairs, every run
    index.add_items(np.ascontiguousarray(base), np.arange(len(base)))
    index.set_ef(max(64, 2 * k))
    labels, _ = index.knn_query(np.ascontiguousarray(queries), k=k)
    return [[int(j) for j in row] for row in labels]


@dataclass(frozen=True)
class Side:
    """One article of a candidate pair: its content sentences, their match keys and
    vectors (rows in sentence order)."""

    texts: Sequence[str]
    keys: Sequence[str]
    vectors: np.ndarray


def could_match(a: np.ndarray, b: np.ndarray, cosine: float) -> int:
    """An upper bound of the sentences the engine can match across the pair: the
    sentences of each side that reach ``cosine`` with some sentence of the other."""
    hit = (a @ b.T) >= cosine - _MARGIN
    return int(min(hit.any(axis=1).sum(), hit.any(axis=0).sum()))


def needed(shorter: int, longer: int, config: TranslationConfig) -> int:
    """Translated sentences a pair needs: ``least`` (all of a shorter article's, never
    fewer than two: one shared sentence is a quote, not an edition) and ``share`` of the
    longer article's."""
    return max(2, min(config.least, shorter), int(np.ceil(config.share * longer - 1e-9)))


def confirm(
    earlier: int, later: int, a: Side, b: Side, dedup: DedupConfig, config: TranslationConfig
) -> Translation:
    """How many of ``b``'s sentences translate ``a``'s, by the duplicate engine."""
    keys, texts = [*a.keys, *b.keys], [*a.texts, *b.texts]
    items = [Item(k, t, script(t)) for k, t in zip(keys, texts, strict=True)]
    grouping = find_duplicates(
        items, np.vstack([a.vectors, b.vectors]), level="sentence", config=dedup
    )
    first = len(a.texts)
    later_rows: set[int] = set()
    kept_rows: set[int] = set()
    for cluster in grouping.clusters:
        if cluster.kept >= first:
            continue  # a repeat inside the later article
        for m in cluster.members:
            if m.index >= first and m.signal == "cross-lingual":
                later_rows.add(m.index)
                kept_rows.add(cluster.kept)
    conflicts = {
        c.index for c in grouping.conflicts
        if c.signal == "cross-lingual" and c.index >= first and c.other < first
    }  # fmt: skip
    matched = min(len(later_rows), len(kept_rows))  # one to one: a sentence counts once
    sizes = sorted((len(a.texts), len(b.texts)))
    return Translation(earlier, later, matched, sizes[0], len(conflicts), sizes[1])


def accepted(t: Translation, config: TranslationConfig) -> bool:
    """The rule: enough translated sentences, and more than sentences with other numbers."""
    return t.matched >= needed(t.shorter, t.longer, config) and t.matched > t.conflicts


def find_translations(
    editions: Mapping[int, Edition],
    vectors: Callable[[int], np.ndarray | None],
    side: Callable[[int], Side],
    dedup: DedupConfig,
    config: TranslationConfig = TranslationConfig(),
    stats: TranslationStats | None = None,
) -> list[Translation]:
    """Confirmed pairs of articles in different languages (see the module doc).

    ``vectors(n)``: article n's content vectors (None: it has none), for the bound;
    ``side(n)``: its sentences too, for the engine; ``dedup``: the engine's
    sentence-level config with a cross-lingual cosine.
    """
    if dedup.cross_lingual is None:
        raise ValueError("find_translations needs a DedupConfig with a cross-lingual cosine")
    stats = stats if stats is not None else TranslationStats()
    wall, cpu = time.perf_counter(), time.process_time()
    stats.languages = dict(Counter(e.language for e in editions.values() if e.language))
    pairs = candidate_pairs(editions, config.neighbours)
    stats.candidates += len(pairs)
    found: list[Translation] = []
    for a, b in pairs:
        va, vb = vectors(a), vectors(b)
        if va is None or vb is None or not len(va) or not len(vb):
            continue
        shorter, longer = sorted((len(va), len(vb)))
        if could_match(va, vb, dedup.cross_lingual) < needed(shorter, longer, config):
            continue
        stats.checked += 1
        t = confirm(a, b, side(a), side(b), dedup, config)
        if accepted(t, config):
            found.append(t)
    stats.confirmed += len(found)
    stats.seconds += time.perf_counter() - wall
    stats.cpu_seconds += time.process_time() - cpu
    return found


def join(
    groups: Sequence[Sequence[int]],
    signals: Mapping[int, str],
    found: Iterable[Translation],
    languages: Mapping[int, str],
    stats: TranslationStats | None = None,
) -> tuple[list[list[int]], dict[int, str]]:
    """The stories after joining confirmed translations (see the module doc, step 4).

    ``groups``: the stories so far (ordinals, first article first); every other
    article is a story of its own. Returns the stories of two or more articles, each in
    input order, and why each article after a story's first joined it.
    """
    members: dict[int, list[int]] = {}  # a story's first article -> its articles
    head: dict[int, int] = {}  # article -> its story's first article
    for g in groups:
        members[g[0]] = sorted(g)
        head.update(dict.fromkeys(g, g[0]))
    why = dict(signals)

    def story(n: int) -> int:
        if n not in head:
            head[n], members[n] = n, [n]
        return head[n]

    def spoken(h: int) -> set[str]:
        return {languages[n] for n in members[h] if languages.get(n)}

    order = sorted(found, key=lambda t: (-t.share, -t.matched, t.earlier, t.later))
    for t in order:
        x, y = story(t.earlier), story(t.later)
        if x == y or spoken(x) & spoken(y):
            continue  # one story already, or each has an article in one language
        first, other = (x, y) if x < y else (y, x)
        why[other] = t.describe()
        merged = sorted(members.pop(first) + members.pop(other))
        members[first] = merged
        head.update(dict.fromkeys(merged, first))
        if stats is not None:
            stats.joined += 1
    stories = [ns for h, ns in sorted(members.items()) if len(ns) > 1]
    return stories, {n: why[n] for ns in stories for n in ns[1:]}
