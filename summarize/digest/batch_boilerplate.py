"""Learn a batch's site chrome: short sentences that recur across unrelated stories.

A byline, "Ảnh: Internet", "Theo Baodatviet" or a footer is copied into every
article a site publishes, whatever the article is about. Real news repeats too
(the same wire sentence in three outlets' versions of one story), but only
within one story. So a sentence counts as chrome when it is short (or sits at
the start or end of bodies), and recurs in many documents that are *not* about
the same thing. "Not the same story" is judged by the documents' facts (names and
numbers, :func:`summarize.dedup.signals.facts`): two versions of one story share
them, unrelated stories do not. MinHash sketches of those facts keep the check
cheap and the memory per key small.

Memory is bounded: the table of counted keys is pruned of rare keys whenever it
grows past ``max_keys`` (lossy counting, so a key can be undercounted by at most
the pruning floor, which is reported).

Counting can be spread over processes or machines: :func:`count_documents` counts one
partition of the batch exactly (what ``add`` would see, per key and in order), and
:meth:`BoilerplateLearner.merge` folds partitions in input order. The result is the one
``add`` gives, document by document, as long as the table never reaches ``max_keys``
(then both are lossy counts with the same floor, pruned after a partition instead of
after a document).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from ..dedup.signals import facts
from ..text.boilerplate import boilerplate_reason
from ..text.normalize import match_key

_PERMS = 16
_SEED = 20170101


@dataclass(frozen=True)
class LearnConfig:
    """When a recurring sentence is chrome. Defaults were checked on 3,000 baomoi articles."""

    share: float = 0.002  # of the batch's documents ...
    min_documents: int = 3  # ... but never fewer unrelated stories than this
    max_words: int = 30  # longer sentences are statements, not chrome
    short_words: int = 12  # longer ones must also sit at the start or end of bodies
    edge_share: float = 0.6  # share of occurrences in the first/last two sentences
    same_story: float = 0.25  # estimated Jaccard of two documents' facts
    max_keys: int = 200_000  # table size before rare keys are pruned
    keep_stories: int = 64  # story sketches kept per key (enough to pass any threshold)


@dataclass(frozen=True)
class LearnedLine:
    """One recurring sentence judged to be chrome."""

    key: str  # match key, as ``summarize(learned_boilerplate=...)`` expects
    text: str  # the first wording seen
    documents: int
    stories: int  # distinct unrelated stories among those documents (capped)
    edge_share: float
    sites: int
    label: str  # the single-article rule's label when it has one, else "recurring"


@dataclass
class LearnedBoilerplate:
    lines: list[LearnedLine]
    documents: int
    min_stories: int
    pruned_below: int = 0  # keys seen in fewer documents may have been forgotten

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(line.key for line in self.lines)

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "min_stories": self.min_stories,
            "pruned_below": self.pruned_below,
            "lines": [line.__dict__ for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: dict) -> LearnedBoilerplate:
        lines = [LearnedLine(**x) for x in data["lines"]]
        return cls(lines, data["documents"], data["min_stories"], data.get("pruned_below", 0))


@dataclass
class _Entry:
    text: str
    documents: int = 0
    edges: int = 0
    sketches: list[np.ndarray] = field(default_factory=list)
    sites: set[str] = field(default_factory=set)


class BoilerplateLearner:
    """Feed it each document's sentences once (``add``), then ask for the ``result``."""

    def __init__(self, config: LearnConfig = LearnConfig()) -> None:
        self.config = config
        self.documents = 0
        self._table: dict[str, _Entry] = {}
        self._floor = 0

    def add(
        self, sentences: Sequence[str], site: str | None = None, keys: Sequence[str] | None = None
    ) -> None:
        """``keys``: the sentences' match keys, when the caller has them already."""
        cfg = self.config
        self.documents += 1
        sketch = story_sketch([s for s in sentences if len(s.split()) > cfg.short_words])
        n = len(sentences)
        seen: set[str] = set()
        for i, text in enumerate(sentences):
            words = len(text.split())
            if words > cfg.max_words:
                continue
            key = match_key(text) if keys is None else keys[i]
            if not key or key in seen or not any(c.isalpha() for c in key):
                continue
            seen.add(key)
            entry = self._table.get(key)
            if entry is None:
                entry = self._table[key] = _Entry(text)
            entry.documents += 1
            entry.edges += i < 2 or i >= n - 2
            if site is not None and len(entry.sites) < 2:
                entry.sites.add(site)
            if len(entry.sketches) < cfg.keep_stories and _new_story(
                sketch, entry.sketches, cfg.same_story
            ):
                entry.sketches.append(sketch)
        if len(self._table) > cfg.max_keys:
            self._prune()

    def merge(self, counts: Counts) -> None:
        """Fold in one partition's counts; partitions must come in input order.

        Why the partition keeps every sketch of a key, in order: whether a document is a
        new story depends on the stories kept before it in the whole batch, so the
        greedy choice is replayed here exactly as ``add`` makes it.
        """
        cfg = self.config
        self.documents += counts.documents
        for key, seen in counts.keys.items():
            entry = self._table.get(key)
            if entry is None:
                entry = self._table[key] = _Entry(seen.text)
            entry.documents += seen.documents
            entry.edges += seen.edges
            for site in seen.sites:
                if len(entry.sites) < 2:
                    entry.sites.add(site)
            for sketch in seen.sketches:
                if len(entry.sketches) >= cfg.keep_stories:
                    break
                if _new_story(sketch, entry.sketches, cfg.same_story):
                    entry.sketches.append(sketch)
        if len(self._table) > cfg.max_keys:
            self._prune()

    def result(self) -> LearnedBoilerplate:
        cfg = self.config
        need = max(cfg.min_documents, math.ceil(cfg.share * self.documents))
        track_sites = any(e.sites for e in self._table.values())
        lines = []
        for key, e in self._table.items():
            stories = len(e.sketches)
            edge = e.edges / e.documents
            if stories < need or (track_sites and len(e.sites) < 2):
                continue
            if len(e.text.split()) > cfg.short_words and edge < cfg.edge_share:
                continue
            label = boilerplate_reason(e.text) or "recurring"
            lines.append(
                LearnedLine(key, e.text, e.documents, stories, round(edge, 3), len(e.sites), label)
            )
        lines.sort(key=lambda x: (-x.documents, x.key))
        return LearnedBoilerplate(lines, self.documents, need, self._floor)

    def _prune(self) -> None:
        """Forget the rarest keys until the table is half full (lossy counting)."""
        while len(self._table) > self.config.max_keys // 2:
            self._floor += 1
            self._table = {k: e for k, e in self._table.items() if e.documents > self._floor}


@dataclass
class Seen:
    """One key in one partition: what ``add`` would have recorded for it, unpruned."""

    text: str  # its first wording in the partition
    documents: int = 0
    edges: int = 0
    sites: list[str] = field(default_factory=list)  # the first two distinct
    sketches: list[np.ndarray | None] = field(default_factory=list)  # one per document


@dataclass
class Counts:
    """Exact counts of one partition of a batch (see :meth:`BoilerplateLearner.merge`)."""

    documents: int = 0
    keys: dict[str, Seen] = field(default_factory=dict)


def count_documents(
    docs: Sequence[tuple[Sequence[str], str | None, Sequence[str]]],
    config: LearnConfig = LearnConfig(),
) -> Counts:
    """Count one partition: ``docs`` are (sentences, site, match keys) in input order,
    as ``add`` takes them. The same rules as ``add`` decide which sentences count."""
    out = Counts(len(docs))
    for sentences, site, keys in docs:
        sketch = story_sketch([s for s in sentences if len(s.split()) > config.short_words])
        n = len(sentences)
        seen: set[str] = set()
        for i, text in enumerate(sentences):
            if len(text.split()) > config.max_words:
                continue
            key = keys[i]
            if not key or key in seen or not any(c.isalpha() for c in key):
                continue
            seen.add(key)
            entry = out.keys.get(key)
            if entry is None:
                entry = out.keys[key] = Seen(text)
            entry.documents += 1
            entry.edges += i < 2 or i >= n - 2
            if site is not None and len(entry.sites) < 2 and site not in entry.sites:
                entry.sites.append(site)
            entry.sketches.append(sketch)
    return out


def story_sketch(sentences: Sequence[str]) -> np.ndarray | None:
    """A MinHash of a document's names and numbers; None when it states none."""
    tokens: set[str] = set()
    for s in sentences:
        f = facts(s)
        tokens.update(f.names)
        tokens.update(n for n in f.numbers if len(n) > 1)
    if len(tokens) < 3:
        return None
    from datasketch import MinHash  # imports scipy: not on import of this module

    m = MinHash(num_perm=_PERMS, seed=_SEED, permutations=_permutations(), scheme="affine32")
    m.update_batch([t.casefold().encode("utf-8") for t in tokens])
    return m.hashvalues


@cache
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=_PERMS, seed=_SEED).permutations


def _new_story(sketch: np.ndarray | None, kept: list[np.ndarray], threshold: float) -> bool:
    """True unless ``sketch`` looks like the same story as one already kept."""
    if sketch is None:
        return True  # no facts to compare: count it, the other guards still apply
    return all(np.mean(sketch == k) < threshold for k in kept)
