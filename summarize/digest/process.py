"""One document of a digest: the single-file pipeline, then its work record.

The summary comes from :class:`summarize.pipeline.Summarizer` itself (one code path);
this module only turns the result into a :class:`~.record.DocumentRecord` with the
document's cluster sketch and content vectors (the model is not called twice).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from ..errors import SummarizeError
from ..pipeline import Summarizer
from ..text.prepare import prepare
from .inputs import Record
from .record import DocumentRecord


def process(
    rec: Record, summarizer: Summarizer, learned: Collection[str]
) -> tuple[DocumentRecord, np.ndarray | None]:
    """The work record of one input record; errors a user can cause are recorded."""
    if rec.error is not None:
        return DocumentRecord.failed(rec, rec.error), None
    assert rec.text is not None
    try:
        with summarizer.timer.stage("prepare"):
            doc = prepare(
                rec.text, title=rec.title, doc_id=rec.id, encoding=rec.encoding, source=rec.source
            )
        result = summarizer.summarize(doc, learned_boilerplate=learned)
    except SummarizeError as exc:
        return DocumentRecord.failed(rec, str(exc)), None
    return DocumentRecord.from_summary(rec, result)


def process_safely(
    rec: Record, summarizer: Summarizer, learned: Collection[str]
) -> tuple[DocumentRecord, np.ndarray | None]:
    """A bug hit by one odd document fails that record, not a 100,000-document run."""
    try:
        return process(rec, summarizer, learned)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # reported in the record and in the failure count
        return DocumentRecord.failed(rec, f"internal error: {type(exc).__name__}: {exc}"), None
