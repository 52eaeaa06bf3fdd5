"""What a summary hands back: the picks, and every sentence left out with its reason.

Offsets index the original text of the document (see :mod:`summarize.types`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from .dedup.document import DedupResult
from .types import Document


class Reason(str, Enum):
    """Why a sentence could not be selected. Compares and serialises as its value."""

    TITLE = "title"
    BOILERPLATE = "boilerplate"
    HEADING = "heading"
    DUPLICATE = "duplicate"
    DANGLING = "dangling reference"

    def __str__(self) -> str:  # the value, on every Python version
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


# Sentences that are not the article's own content: never part of what describes it.
NOT_CONTENT = frozenset({Reason.TITLE, Reason.BOILERPLATE, Reason.DUPLICATE})


@dataclass(frozen=True)
class SummarySentence:
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Excluded:
    """A sentence that could not be selected, and why."""

    index: int
    start: int
    end: int
    text: str
    reason: Reason
    detail: str = ""  # boilerplate label, duplicate cluster id and signal, ...


@dataclass
class Summary:
    title: str | None
    sentences: list[SummarySentence]
    method: str
    budget: str
    model: str | None
    document: Document
    duplicates: DedupResult
    excluded: list[Excluded] = field(default_factory=list)
    # The sentence vectors ranking used, one row per document sentence (zeros for
    # chrome lines); None for methods without a model. Kept so that callers that
    # need them too (the digest's clustering) do not embed the article again.
    vectors: np.ndarray | None = field(default=None, repr=False)
    query: str | None = None  # what a query-focused summary was asked about
    # With a query: whether any sentence answers it better than an unrelated question is
    # answered (rank/query.py); False: the picks are only the closest there are. None
    # without a query.
    query_matched: bool | None = None
    # With a query: how far the best sentence is above the level unrelated questions reach,
    # as a share of what is left up to 1 (matched from 0.08; rank/query.py). None without.
    query_margin: float | None = None
    # The title's vector, embedded with the sentences (None without a model or title):
    # the digest's story clustering compares titles without another model call.
    title_vector: np.ndarray | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def content_sentences(self) -> list[int]:
        """Indices of the article's own sentences: not title, chrome or a repeat."""
        drop = {e.index for e in self.excluded if e.reason in NOT_CONTENT}
        return [s.index for s in self.document.sentences if s.index not in drop]


@dataclass(frozen=True)
class StorySentence:
    """A sentence of a multi-article summary; ``document`` indexes the input articles."""

    document: int
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    score: float


@dataclass
class StorySummary:
    """One summary for several articles on the same story."""

    sentences: list[StorySentence]
    method: str
    budget: str
    model: str | None
    documents: list[Document]
    # (document, sentence index) -> the (document, sentence index) it repeats
    cross_duplicates: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)
