"""The cross-document step: story clusters, their summaries and shared sentences.

Works from the work file alone: sketches come from the work records, and the few
texts that need a second look (documents in a candidate component) are read
again from where the input had them, one component at a time, so memory grows
with the number of documents (about 1 kB each), never with their text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..api import StorySummary, prepare, summarize_many
from ..dedup.engine import cluster_id
from ..embed.encoder import Encoder
from ..errors import SummarizeError
from ..text.normalize import match_key
from ..types import Document
from .clusters import (
    ClusterConfig,
    DocumentItem,
    Sketch,
    candidate_pairs,
    components,
    confirm,
    story_id,
)
from .inputs import Fields, load_text


@dataclass
class Story:
    """A story told by two or more documents (ordinals in input order)."""

    id: str
    members: list[int]
    signals: dict[int, str] = field(default_factory=dict)  # member -> why it joined
    summary: list[dict[str, Any]] = field(default_factory=list)  # {n, index, text, score}
    error: str | None = None


@dataclass
class Shared:
    """A sentence of one document that repeats a sentence of another in its story."""

    index: int
    cluster: str  # stable sentence-cluster id
    kept_n: int
    kept_index: int


@dataclass
class CrossResult:
    stories: list[Story]
    story_of: dict[int, str]  # ordinal -> story id, for documents in a multi-document story
    shared: dict[int, list[Shared]]
    candidate_pairs: int

    def size(self, story: str | None) -> int:
        """Documents in a story: 1 for a story only one document tells."""
        if story is None:
            return 0
        if not hasattr(self, "_sizes"):
            self._sizes = {s.id: len(s.members) for s in self.stories}
        return self._sizes.get(story, 1)


def build_stories(
    sketches: dict[int, Sketch],
    loc_of: Callable[[int], tuple[tuple[str, int], list[int], str | None]],
    *,
    config: ClusterConfig,
    fields: Fields,
    method: str,
    story_sentences: int,
    story_docs: int,
    encoder: Encoder | None,
    learned: Collection[str],
    advance: Callable[[int], None] = lambda n: None,
) -> CrossResult:
    """Cluster the documents and summarise each multi-document story.

    ``loc_of(n)`` gives a document's input location, dropped sentence indices and
    title, so its text can be read again.
    """
    order = sorted(sketches)
    local = [sketches[n] for n in order]
    pairs = list(candidate_pairs(local, config))
    stories: list[Story] = []
    story_of: dict[int, str] = {}
    shared: dict[int, list[Shared]] = {}
    for comp in components(len(order), pairs):
        members = [order[i] for i in comp]
        docs = {n: _load(n, loc_of, fields) for n in members}
        items = [DocumentItem(_key(docs[n][0], docs[n][1]), docs[n][2]) for n in members]
        vectors = _vectors([sketches[n] for n in members])
        grouping = confirm(items, vectors, config)
        for c in grouping.clusters:
            ns = [members[c.kept]] + [members[m.index] for m in c.members]
            story = Story(story_id(items[c.kept].key), sorted(ns))
            story.signals = {members[m.index]: f"{m.signal} {m.score:.3f}" for m in c.members}
            for n in ns:
                story_of[n] = story.id
            _summarise(story, docs, method, story_sentences, story_docs, encoder, learned, shared)
            stories.append(story)
        advance(len(members))
    stories.sort(key=lambda s: (-len(s.members), s.members[0]))
    return CrossResult(stories, story_of, shared, len(pairs))


def _load(
    n: int, loc_of: Callable[[int], tuple[tuple[str, int], list[int], str | None]], fields: Fields
) -> tuple[Document, set[int], str]:
    loc, drop, title = loc_of(n)
    text, raw_title = load_text(loc, fields)
    doc = prepare(text, title=title or raw_title, doc_id=str(n))
    guard = doc.title or (doc.sentences[0].text if doc.sentences else "")
    return doc, set(drop), guard


def _key(doc: Document, drop: set[int]) -> str:
    return match_key(" ".join(s.text for s in doc.sentences if s.index not in drop))


def _vectors(sketches: list[Sketch]) -> np.ndarray | None:
    if any(s.vector is None for s in sketches):
        return None
    return np.stack([s.vector for s in sketches]).astype(np.float32)


def _summarise(
    story: Story,
    docs: dict[int, tuple[Document, set[int], str]],
    method: str,
    sentences: int,
    limit: int,
    encoder: Encoder | None,
    learned: Collection[str],
    shared: dict[int, list[Shared]],
) -> None:
    """One summary from the story's first ``limit`` articles, each fact once."""
    ns = story.members[:limit]
    try:
        result: StorySummary = summarize_many(
            [docs[n][0] for n in ns], sentences=sentences, method=method, model=encoder,
            learned_boilerplate=learned,
        )  # fmt: skip
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
        kept_text = result.documents[kd].sentences[ki].text
        cluster = cluster_id("sentence", match_key(kept_text))
        shared.setdefault(ns[d], []).append(Shared(i, cluster, ns[kd], ki))
