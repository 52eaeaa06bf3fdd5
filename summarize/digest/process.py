"""One document of a digest: the single-file pipeline, plus what clustering needs.

The summary comes from :func:`summarize.api.summarize` itself (one code path);
this module only turns its result into a JSON work record and adds the
document's cluster sketch, computed from the summary's own sentence vectors and
match keys (the model is not called twice).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..api import Summarizer
from ..config import SummaryConfig
from ..dedup.engine import cluster_id
from ..embed import Encoder
from ..errors import SummarizeError
from ..results import NOT_CONTENT, Reason, Summary
from ..text.normalize import joined_key
from ..text.prepare import prepare
from ..timing import StageTimer
from .clusters import encode_array, sketch, story_id
from .inputs import Record
from .shared import MIN_WORDS as MIN_SHARED_WORDS


def process(
    rec: Record,
    settings: SummaryConfig,
    encoder: Encoder | None,
    learned: Collection[str],
    timer: StageTimer,
) -> dict[str, Any]:
    """The work record of one input record; errors a user can cause are recorded."""
    out = base_record(rec)
    if rec.error is not None:
        out["error"] = rec.error
        return out
    assert rec.text is not None
    try:
        with timer.stage("prepare"):
            doc = prepare(
                rec.text, title=rec.title, doc_id=rec.id, encoding=rec.encoding, source=rec.source
            )
        summarizer = Summarizer(settings, encoder, timer=timer)
        result = summarizer.summarize(doc, learned_boilerplate=learned)
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
            if e.reason is Reason.BOILERPLATE
        ],
    }  # fmt: skip
