"""The cross-document step: story clusters, their summaries and shared sentences.

Works from the work file alone: sketches come from the work records, and the
texts that need a second look (documents in a candidate pair) are read again
from where the input had them, through a small cache, so memory grows with the
number of documents (about 1 kB each), never with their text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..api import summarize_many
from ..dedup.calibration import semantic_threshold
from ..dedup.engine import DedupConfig, cluster_id
from ..embed import Encoder
from ..embed.document import SIMILARITY_PROMPT
from ..errors import SummarizeError
from ..results import StorySummary
from ..text.normalize import match_key
from ..text.prepare import prepare
from ..types import Document
from .clusters import (
    ClusterConfig,
    Content,
    Sketch,
    candidate_pairs,
    confirm_pair,
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
    """A sentence of one document that repeats a sentence of an earlier document."""

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
    _sizes: dict[str, int] = field(default_factory=dict, repr=False)

    def size(self, story: str | None) -> int:
        """Documents in a story: 1 for a story only one document tells."""
        if story is None:
            return 0
        if not self._sizes:
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

    Leader clustering as in the engine, over candidate pairs only: documents are
    visited in input order, and each joins the earliest-kept story whose first
    document the engine confirms it repeats (strongest signal first), or starts
    its own. ``loc_of(n)`` gives a document's input location, dropped sentence
    indices and title, so its text can be read again.
    """
    order = sorted(sketches)
    earlier: dict[int, list[int]] = {}
    count = 0
    for i, j in candidate_pairs([sketches[n] for n in order], config):
        earlier.setdefault(order[j], []).append(order[i])
        count += 1
    sentence_config = DedupConfig()
    if encoder is not None:
        sentence_config = DedupConfig(semantic=semantic_threshold(encoder.name))
    load = lru_cache(maxsize=512)(lambda n: _load(n, loc_of, fields, sketches[n], encoder))
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

    stories: list[Story] = []
    story_of: dict[int, str] = {}
    shared: dict[int, list[Shared]] = {}
    for kept in sorted(members):
        ns = [kept, *members[kept]]
        story = Story(story_id(load(kept)[0].key), ns, {n: signals[n] for n in ns[1:]})
        story_of.update(dict.fromkeys(ns, story.id))
        docs = {n: load(n)[1] for n in ns[:story_docs]}
        _summarise(story, docs, method, story_sentences, story_docs, encoder, learned, shared)
        stories.append(story)
    stories.sort(key=lambda s: (-len(s.members), s.members[0]))
    return CrossResult(stories, story_of, shared, count)


def _load(
    n: int,
    loc_of: Callable[[int], tuple[tuple[str, int], list[int], str | None]],
    fields: Fields,
    sketch: Sketch,
    encoder: Encoder | None,
) -> tuple[Content, Document]:
    """A document read again from its input: its content for confirmation, and itself."""
    loc, drop, title = loc_of(n)
    text, raw_title = load_text(loc, fields)
    doc = prepare(text, title=title or raw_title, doc_id=str(n))
    gone = set(drop)
    content = [s.text for s in doc.sentences if s.index not in gone]
    vectors = encoder.encode(content, SIMILARITY_PROMPT) if encoder and content else None
    key = match_key(" ".join(content))
    return Content(key, doc.title or "", content, vectors, sketch.vector), doc


def _summarise(
    story: Story,
    docs: dict[int, Document],
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
            [docs[n] for n in ns], sentences=sentences, method=method, model=encoder,
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
