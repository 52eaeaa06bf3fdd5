"""Stage 2, embed: one vector per sentence of a document, in one model call.

The only stage that calls a model. Chrome lines are not worth a call: their rows
are zeros, which no later stage reads (chrome is never compared nor selected).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..types import Document
    from .base import Encoder

# e5 asks for the "query: " prompt on symmetric tasks (sentence vs sentence).
SIMILARITY_PROMPT = "query"


@dataclass(frozen=True)
class DocumentVectors:
    """``sentences``: one unit row per document sentence (zeros for chrome lines);
    ``extra``: one row per extra text embedded in the same call (the title)."""

    sentences: np.ndarray = field(repr=False)
    extra: np.ndarray = field(repr=False)


def embed_document(
    doc: Document,
    encoder: Encoder,
    extra: Sequence[str] = (),
    only: Collection[int] | None = None,
) -> DocumentVectors:
    """Embed the document's content sentences and ``extra`` texts together.

    One call, not two: the title rides along with the sentences. ``only``: embed just
    these sentence indices (the scoped pipeline, summarize/scope.py); the other rows
    are zeros, like chrome's.
    """
    todo = _todo(doc, only)
    texts = document_texts(doc, extra, only)
    vecs = encoder.encode(texts, prompt_name=SIMILARITY_PROMPT)
    dim = vecs.shape[1] if len(texts) else encoder.dim
    out = np.zeros((len(doc.sentences), dim), np.float32)
    for s, v in zip(todo, vecs, strict=False):
        out[s.index] = v
    return DocumentVectors(out, vecs[len(todo) :])


def document_texts(
    doc: Document, extra: Sequence[str] = (), only: Collection[int] | None = None
) -> list[str]:
    """The texts :func:`embed_document` embeds: content sentences (on one line: a wrapped
    paragraph's sentence spans lines), then ``extra``."""
    return [s.line for s in _todo(doc, only)] + list(extra)


def _todo(doc: Document, only: Collection[int] | None) -> list:
    chrome = doc.chrome.paragraphs
    return [
        s for s in doc.sentences if s.paragraph not in chrome and (only is None or s.index in only)
    ]


def prefetch_documents(
    encoder: Encoder,
    docs: Sequence[Document],
    titles: bool = True,
    only: Sequence[Collection[int] | None] | None = None,
) -> None:
    """Embed the texts several documents will ask for, in one call, if ``encoder`` can
    hold them ahead (:class:`~summarize.embed.prefetch.PrefetchEncoder`); else nothing.
    ``only``: per document, the sentence indices its own call will embed (None: all)."""
    prefetch = getattr(encoder, "prefetch", None)
    if prefetch is None:
        return
    texts: list[str] = []
    for k, doc in enumerate(docs):
        extra = [doc.title] if titles and doc.title else []
        texts += document_texts(doc, extra, None if only is None else only[k])
    prefetch(texts, SIMILARITY_PROMPT)
