"""Stage 2, embed: one vector per sentence of a document, in one model call.

The only stage that calls a model. Chrome lines are not worth a call: their rows
are zeros, which no later stage reads (chrome is never compared nor selected).
"""

from __future__ import annotations

from collections.abc import Sequence
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


def embed_document(doc: Document, encoder: Encoder, extra: Sequence[str] = ()) -> DocumentVectors:
    """Embed the document's content sentences and ``extra`` texts together.

    One call, not two: the title rides along with the sentences.
    """
    chrome = doc.chrome.paragraphs
    todo = [s for s in doc.sentences if s.paragraph not in chrome]
    texts = document_texts(doc, extra)
    vecs = encoder.encode(texts, prompt_name=SIMILARITY_PROMPT)
    dim = vecs.shape[1] if len(texts) else encoder.dim
    out = np.zeros((len(doc.sentences), dim), np.float32)
    for s, v in zip(todo, vecs, strict=False):
        out[s.index] = v
    return DocumentVectors(out, vecs[len(todo) :])


def document_texts(doc: Document, extra: Sequence[str] = ()) -> list[str]:
    """The texts :func:`embed_document` embeds: content sentences, then ``extra``."""
    chrome = doc.chrome.paragraphs
    return [s.text for s in doc.sentences if s.paragraph not in chrome] + list(extra)


def prefetch_documents(encoder: Encoder, docs: Sequence[Document], titles: bool = True) -> None:
    """Embed the texts several documents will ask for, in one call, if ``encoder`` can
    hold them ahead (:class:`~summarize.embed.prefetch.PrefetchEncoder`); else nothing."""
    prefetch = getattr(encoder, "prefetch", None)
    if prefetch is None:
        return
    texts: list[str] = []
    for doc in docs:
        texts += document_texts(doc, [doc.title] if titles and doc.title else [])
    prefetch(texts, SIMILARITY_PROMPT)
