"""Data that flows through the pipeline.

Offsets (``start``/``end``) always index the *original* text of the document, so
any result can be traced back to the exact characters a user gave us.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .text.boilerplate import Chrome, judge_chrome
from .text.normalize import one_line


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int
    end: int
    text: str  # == document.text[start:end]


@dataclass(frozen=True)
class Sentence:
    index: int  # position among all sentences of the document
    paragraph: int  # index of the Paragraph that holds it
    start: int
    end: int
    text: str  # == document.text[start:end], never altered
    key: str  # match_key(text): normalised, punctuation dropped; for matching only

    @property
    def line(self) -> str:
        """The text on one line: what is embedded, ranked, compared and printed. A
        sentence of a hard-wrapped paragraph spans lines (:func:`.text.normalize.one_line`)."""
        return one_line(self.text)


@dataclass
class Document:
    text: str  # the original text, exactly as decoded
    id: str = ""
    title: str | None = None
    # Where the title sits in ``text`` when it was detected from the text itself.
    title_span: tuple[int, int] | None = None
    encoding: str | None = None
    source: str | None = None  # path, "-" for stdin, or a record id
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    # Where the text as given had a NUL, read as a space in ``text`` (text/prepare.py):
    # the cleaned text of deduplicate() puts them back, so it still rebuilds the original.
    nuls: tuple[int, ...] = ()

    @cached_property
    def chrome(self) -> Chrome:
        """Site chrome, judged once: embedding, duplicates and selection all read it."""
        return judge_chrome([p.text for p in self.paragraphs], [s.text for s in self.sentences])

    def in_title(self, sentence: Sentence) -> bool:
        """The sentence is (part of) the title line found in the text."""
        span = self.title_span
        return span is not None and span[0] <= sentence.start < span[1]
