"""One document of a digest: the work file, the JSONL writer and the renderers read this.

A :class:`DocumentRecord` is made once per input record, from its
:class:`~summarize.results.Summary`, and written to the work file as one JSON line
(``to_json``/``from_json``). It keeps what the later, batch-wide steps need so that
no article is read, prepared or embedded twice: its content sentences (not title,
chrome or repeats) with their match keys, its cluster sketch, and where its content
vectors sit in the work folder's vector file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..dedup.engine import cluster_id
from ..dedup.signals import facts
from ..report.common import SCHEMA_VERSION
from ..report.json_report import article_fields, excluded_to_json, removed_to_json
from ..results import Reason, Summary
from ..text.normalize import joined_key
from ..types import Sentence
from .clusters import Sketch, decode_array, encode_array, sketch, story_id
from .events import opening_facts
from .inputs import Record

MIN_SHARED_WORDS = 8  # shorter repeats are headings, captions or chrome, not statements


@dataclass(frozen=True)
class Pick:
    """A summary sentence (fields and order as ``sentences[]`` of docs/schema.md)."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Cut:
    """A duplicate removed from the article (``removed[]`` of docs/schema.md)."""

    level: str
    index: int
    start: int
    end: int
    text: str
    reason: str
    signal: str
    score: float
    cluster: str | None
    kept_index: int | None
    kept_start: int | None
    kept_end: int | None


@dataclass(frozen=True)
class Left:
    """A sentence that could not be picked, and why (``excluded[]`` of docs/schema.md)."""

    index: int
    start: int
    end: int
    text: str
    reason: str
    detail: str


@dataclass(frozen=True)
class ContentSentence:
    """A sentence of the article's own content; ``candidate``: summary material."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str
    key: str
    candidate: bool

    def sentence(self) -> Sentence:
        return Sentence(self.index, self.paragraph, self.start, self.end, self.text, self.key)


@dataclass(frozen=True)
class VectorRef:
    """Where a record's vectors sit in the work folder's vector file: ``rows`` content
    rows of ``dim`` float32 from byte ``offset``, then the title's row if ``title``."""

    offset: int
    rows: int
    dim: int
    title: bool


@dataclass
class DocumentRecord:
    """What the digest knows of one input record after the per-article stages."""

    n: int  # position in the input, from 0
    id: str
    title: str | None
    source: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    sentences: int = 0  # in the article, all kinds
    paragraphs: int = 0
    summary: list[Pick] = field(default_factory=list)
    duplicates: list[Cut] = field(default_factory=list)
    excluded: list[Left] = field(default_factory=list)  # every reason, chrome included
    content: list[ContentSentence] = field(default_factory=list)
    story: str | None = None  # its own story id (its content key); clusters may merge it
    sketch: Sketch | None = None
    # Its content sentences' vectors in the work folder's vector file: byte offset and
    # width (float32 rows, one per content sentence, then the title's when it has one);
    # None without a model.
    vectors_at: int | None = None
    vector_dim: int = 0
    title_vector: bool = False
    # Names (in how many opening sentences) and numbers its opening states: what the
    # story step compares (digest/events.opening_facts), computed once, here.
    names: dict[str, int] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)

    @classmethod
    def failed(cls, rec: Record, error: str) -> DocumentRecord:
        return cls(rec.ordinal, rec.id, rec.title, rec.source, rec.fields, error)

    @classmethod
    def from_summary(cls, rec: Record, result: Summary) -> tuple[DocumentRecord, np.ndarray | None]:
        """The record of an article summarised without error, and its content vectors."""
        excluded = {e.index: e.reason for e in result.excluded}
        wanted = set(result.content_sentences())
        content = [
            ContentSentence(
                s.index, s.paragraph, s.start, s.end, s.text, s.key,
                excluded.get(s.index) in (None, Reason.DANGLING),
            )
            for s in result.document.sentences
            if s.index in wanted
        ]  # fmt: skip
        vectors = None
        if result.vectors is not None and content:  # the summary's own: no second call
            vectors = result.vectors[[c.index for c in content]]
        keys = [c.key for c in content]
        found = [facts(c.text) for c in content]
        stored = vectors
        if vectors is not None and result.title_vector is not None:
            stored = np.vstack([vectors, result.title_vector[None, :]])
        record = cls(
            rec.ordinal, rec.id, result.title, rec.source, rec.fields, None,
            len(result.document.sentences), len(result.document.paragraphs),
            [Pick(s.index, s.paragraph, s.start, s.end, s.text, s.score)
             for s in result.sentences],
            [Cut(**removed_to_json(r)) for r in result.duplicates.removed],
            [Left(**excluded_to_json(e)) for e in result.excluded],
            content,
            story_id(joined_key(keys)),  # == match_key(" ".join(content))
            sketch([c.text for c in content], vectors, keys=keys, found=found),
        )  # fmt: skip
        record.names, record.numbers = opening_facts(found)
        record.title_vector = stored is not None and len(stored) > len(content)
        return record, stored

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def vector_ref(self) -> VectorRef | None:
        """Where its vectors are stored; None without a model."""
        if self.vectors_at is None:
            return None
        return VectorRef(self.vectors_at, len(self.content), self.vector_dim, self.title_vector)

    def shared_candidates(self) -> list[tuple[int, str]]:
        """(sentence index, sentence-cluster id) of statements long enough to be shared."""
        return [
            (c.index, cluster_id("sentence", c.key))
            for c in self.content
            if len(c.text.split()) >= MIN_SHARED_WORDS
        ]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["sketch"] = None
        if self.sketch is not None:
            out["sketch"] = {
                "text": encode_array(self.sketch.text),
                "facts": encode_array(self.sketch.facts),
                "vector": encode_array(self.sketch.vector),
            }
        out["content"] = [list(asdict(c).values()) for c in self.content]  # compact rows
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentRecord:
        sk = data.get("sketch")
        return cls(
            data["n"], data["id"], data.get("title"), data.get("source"),
            data.get("fields") or {}, data.get("error"),
            data.get("sentences", 0), data.get("paragraphs", 0),
            [Pick(**p) for p in data.get("summary", [])],
            [Cut(**c) for c in data.get("duplicates", [])],
            [Left(**b) for b in data.get("excluded", [])],
            [ContentSentence(*row) for row in data.get("content", [])],
            data.get("story"),
            None if sk is None else Sketch(
                decode_array(sk["text"], "<u4"), decode_array(sk["facts"], "<u4"),
                decode_array(sk["vector"], "<f2"),
            ),
            data.get("vectors_at"), data.get("vector_dim", 0), data.get("title_vector", False),
            data.get("names") or {}, data.get("numbers") or [],
        )  # fmt: skip

    @property
    def boilerplate(self) -> list[Left]:
        """The sentences left out as site chrome (``detail`` is the label)."""
        return [e for e in self.excluded if e.reason == Reason.BOILERPLATE.value]

    def public_json(self, story: str | None, story_size: int, shared: list) -> dict[str, Any]:
        """The digest's public JSONL record (``kind: "digest-article"``, docs/schema.md):
        the fields of a summary record, then the story and what the article shares."""
        ok = self.ok
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "digest-article",
            **article_fields(
                doc_id=self.id,
                title=self.title,
                source=self.source,
                sentences=[asdict(p) for p in self.summary],
                excluded=[asdict(e) for e in self.excluded],
                removed=[asdict(c) for c in self.duplicates],
                paragraphs=self.paragraphs,
                total=self.sentences,
            ),
            "story": {"id": story, "size": story_size} if ok and story else None,
            "shared_sentences": [s.__dict__ for s in shared],
            "error": self.error,
            "fields": self.fields,
        }
