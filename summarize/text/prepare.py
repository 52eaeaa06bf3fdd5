"""Stage 1, prepare: a text becomes a :class:`~summarize.types.Document`.

Paragraphs and sentences with offsets into the untouched original, the title (given,
or found on the first line), and the site chrome judged once for every later stage.
"""

from __future__ import annotations

import re
import warnings

from ..errors import InputError, InputWarning
from ..types import Document
from .normalize import one_line
from .segment import segment
from .title import detect_title

NUL = "\x00"


def separate_nuls(text: str, source: str | None = None) -> str:
    """Each NUL character read as a space, said once in an :class:`InputWarning`.

    The one rule for NULs, whatever door the text came in by (a file, stdin, the Python
    API, HTTP, a web page before its parser sees it). A NUL is no text: it stands where
    a byte went wrong (a bad copy, a database export), most often between two words, so
    it separates them as a space does: "Hello\\0world" reads "Hello world", never the new
    word "Helloworld" (injected) nor a NUL inside a sentence (kept). One character for
    one, so every offset into the text still indexes the caller's own.
    """
    count = text.count(NUL)
    if not count:
        return text
    first = text.index(NUL)
    what = "a NUL character" if count == 1 else f"{count} NUL characters"
    where = f"at character {first}" if count == 1 else f"the first at character {first}"
    name = "<stdin>" if source == "-" else source or "input"
    warnings.warn(
        f"{name}: {what} read as {'a space' if count == 1 else 'spaces'} ({where})",
        InputWarning,
        stacklevel=3,
    )
    return text.replace(NUL, " ")


def nul_positions(text: str) -> tuple[int, ...]:
    """Where ``text`` has NUL characters (none: the common case, one C-level scan)."""
    if NUL not in text:
        return ()
    return tuple(m.start() for m in re.finditer(NUL, text))


def prepare(
    text: str,
    *,
    title: str | None = None,
    doc_id: str = "",
    encoding: str | None = None,
    source: str | None = None,
) -> Document:
    """Segment a text and find its title; the text itself is never altered, but for
    NULs read as spaces (:func:`separate_nuls`, one character for one; ``Document.nuls``
    says where they were)."""
    if not isinstance(text, str):
        raise InputError(f"expected text as str, got {type(text).__name__}")
    nuls = nul_positions(text)
    text = separate_nuls(text, source)
    if isinstance(title, str):
        title = separate_nuls(title, f"{source or 'input'} (its title)")
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
            title = one_line(text[span[0] : span[1]])  # a wrapped headline on one line
    doc = Document(text, doc_id, title, span, encoding, source, paragraphs, sentences, nuls)
    doc.chrome  # noqa: B018 - judged here, once, so later stages only read it
    return doc
