"""Stage 1, prepare: a text becomes a :class:`~summarize.types.Document`.

Paragraphs and sentences with offsets into the untouched original, the title (given,
or found on the first line), and the site chrome judged once for every later stage.
"""

from __future__ import annotations

from ..errors import InputError
from ..types import Document
from .segment import segment
from .title import detect_title


def prepare(
    text: str,
    *,
    title: str | None = None,
    doc_id: str = "",
    encoding: str | None = None,
    source: str | None = None,
) -> Document:
    """Segment a text and find its title; the text itself is never altered."""
    if not isinstance(text, str):
        raise InputError(f"expected text as str, got {type(text).__name__}")
    if title is not None and not isinstance(title, str):
        raise InputError(f"expected the title as str, got {type(title).__name__}")
    if not text.strip():
        raise InputError(f"{source or 'input'}: no text")
    paragraphs, sentences = segment(text)
    if not any(any(c.isalpha() for c in s.text) for s in sentences):
        raise InputError(f"{source or 'input'}: no sentence found (no words in the text)")
    span = None
    if title is not None and not title.strip():
        # A blank title is no title (as the CLI, JSONL and the web form read one): its
        # vector would pass for a title's and rank with the titled scorer.
        title = None
    if title is None:
        span = detect_title(text)
        if span is not None:
            title = text[span[0] : span[1]]
    doc = Document(text, doc_id, title, span, encoding, source, paragraphs, sentences)
    doc.chrome  # noqa: B018 - judged here, once, so later stages only read it
    return doc
