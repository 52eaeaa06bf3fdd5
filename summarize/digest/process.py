"""One document of a digest: the single-file pipeline, plus what clustering needs.

The summary comes from :func:`summarize.api.summarize` itself (one code path);
this module only turns its result into a JSON work record and adds the
document's cluster sketch, computed from the summary's own sentence vectors and
match keys (the model is not called twice).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..api import Summary, prepare, summarize
from ..dedup.engine import cluster_id
from ..embed.encoder import Encoder
from ..errors import SummarizeError
from ..text.normalize import joined_key
from .clusters import encode_array, sketch, story_id
from .inputs import Record
from .shared import MIN_WORDS as MIN_SHARED_WORDS

# Sentences that are not the article's own content: never part of its sketch.
NOT_CONTENT = frozenset({"title", "boilerplate", "duplicate"})


@dataclass
class Timings:
    """Seconds per stage, summed over documents."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


class TimedEncoder:
    """Wraps an encoder to measure embedding time (cache lookups included)."""

    def __init__(self, inner: Encoder, timings: Timings) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.timings = timings

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        t = time.perf_counter()
        try:
            return self.inner.encode(texts, prompt_name)
        finally:
            self.timings.add("embedding", time.perf_counter() - t)


@dataclass(frozen=True)
class Settings:
    method: str
    sentences: int | None
    ratio: float | None
    words: int | None


def process(
    rec: Record,
    settings: Settings,
    encoder: Encoder | None,
    learned: Collection[str],
    timings: Timings,
) -> dict[str, Any]:
    """The work record of one input record; errors a user can cause are recorded."""
    out = base_record(rec)
    if rec.error is not None:
        out["error"] = rec.error
        return out
    assert rec.text is not None
    try:
        t = time.perf_counter()
        doc = prepare(
            rec.text, title=rec.title, doc_id=rec.id, encoding=rec.encoding, source=rec.source
        )
        timings.add("segmenting", time.perf_counter() - t)
        t = time.perf_counter()
        before = timings.seconds.get("embedding", 0.0)
        result = summarize(
            doc, sentences=settings.sentences, ratio=settings.ratio, words=settings.words,
            method=settings.method, model=encoder, learned_boilerplate=learned,
        )  # fmt: skip
        spent = time.perf_counter() - t - (timings.seconds.get("embedding", 0.0) - before)
        timings.add("dedup+ranking", spent)
    except SummarizeError as exc:
        out["error"] = str(exc)
        return out
    out.update(summary_fields(result))
    drop = {e.index for e in result.excluded if e.reason in NOT_CONTENT}
    kept = [s for s in doc.sentences if s.index not in drop]
    keys = [s.key for s in kept]
    vectors = None
    if result.vectors is not None and kept:  # the summary's own vectors: no second call
        vectors = result.vectors[[s.index for s in kept]]
    sk = sketch([s.text for s in kept], vectors, keys=keys)
    out["title"] = result.title
    out["drop"] = sorted(drop)
    out["story"] = story_id(joined_key(keys))  # == match_key(" ".join(content))
    out["sentence_ids"] = [
        [s.index, cluster_id("sentence", key)]
        for s, key in zip(kept, keys, strict=True)
        if len(s.text.split()) >= MIN_SHARED_WORDS
    ]
    out["sketch"] = {
        "text": encode_array(sk.text),
        "facts": encode_array(sk.facts),
        "vector": encode_array(sk.vector),
    }
    return out


def base_record(rec: Record) -> dict[str, Any]:
    return {
        "n": rec.ordinal,
        "id": rec.id,
        "title": rec.title,
        "source": rec.source,
        "loc": list(rec.loc),
        "fields": rec.fields,
        "error": None,
    }


def summary_fields(result: Summary) -> dict[str, Any]:
    """The parts of a Summary a digest reports, in JSON form."""
    return {
        "sentences": len(result.document.sentences),
        "summary": [
            {"index": s.index, "start": s.start, "end": s.end, "score": s.score, "text": s.text}
            for s in result.sentences
        ],
        "duplicates": [
            {
                "index": r.index, "level": r.level, "start": r.start, "end": r.end,
                "text": r.text, "signal": r.signal, "score": r.score, "cluster": r.cluster,
                "kept_index": r.kept_index,
            }
            for r in result.duplicates.removed
        ],
        "boilerplate": [
            {"index": e.index, "start": e.start, "end": e.end, "text": e.text, "label": e.detail}
            for e in result.excluded
            if e.reason == "boilerplate"
        ],
    }  # fmt: skip
