"""The digest's read-ahead: the next window of articles embedded in one model call.

Why: embedding one article at a time runs the model on a few small batches per article,
and each run has a fixed cost; a window of articles embedded together runs in full,
length-sorted batches (docs/speed.md, "Cheaper default in bulk"). Records pass through
unchanged and in order; only the model calls move earlier.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator
from itertools import islice

from ..pipeline import Summarizer
from ..text.prepare import prepare
from ..timing import NO_TIMER
from ..types import Document
from .inputs import Record

WINDOW = 64  # articles per read-ahead: ~1,100 sentences, a few MB of vectors


def read_ahead(
    records: Iterable[Record],
    summarizer: Summarizer,
    skip: Collection[str] = frozenset(),
    window: int = WINDOW,
    *,
    learned: Collection[str] = frozenset(),
) -> Iterator[Record]:
    """Yield ``records`` in order, each window's texts embedded before its first record.

    Records in ``skip`` (done in an earlier run), failed reads and texts that cannot be
    prepared are not embedded ahead: the per-record step handles them as before (and
    prepares every text again: about 1 % of the default model's cost). ``learned``: the
    batch's chrome keys the summaries will be given (they move a screened scope).
    """
    it = iter(records)
    while chunk := list(islice(it, window)):
        if summarizer.config.needs_model:
            t = time.perf_counter()
            docs = [d for d in (_prepared(r, summarizer) for r in chunk if r.id not in skip) if d]
            summarizer.prefetch(docs, learned)
            # The caller times the whole wait for a record as "reading"; this part is
            # already counted as "prepare" and "embedding" (stages must not overlap).
            if summarizer.timer is not NO_TIMER:
                summarizer.timer.add("reading", -(time.perf_counter() - t))
        yield from chunk


def _prepared(rec: Record, summarizer: Summarizer) -> Document | None:
    if rec.error is not None or rec.text is None:
        return None
    try:
        with summarizer.timer.stage("prepare"):
            return prepare(
                rec.text, title=rec.title, doc_id=rec.id, encoding=rec.encoding, source=rec.source
            )
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception:  # a bad record: the per-record step reports it, as before
        return None
