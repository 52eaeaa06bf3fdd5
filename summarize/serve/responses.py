"""The HTTP API's answers, described for the OpenAPI schema (/docs, /openapi.json).

The routes return the records the command line writes, built by the same functions
(``summary_to_json``, ``dedup_to_json``, the digest's records); these models only
*describe* them (``responses={200: ...}``), field by field as docs/schema.md does, so a
client generated from /openapi.json knows ``sentences[]``, ``removed[]`` and the rest.
They are not used to filter or re-serialise an answer: what is sent is the record
itself. tests/test_serve.py validates real answers against them with no unknown field
allowed, so the description cannot drift from what the server sends.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Described(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _warnings() -> Any:
    """The ``warnings`` field of every answer (one Field object per model)."""
    return Field(
        description="How the work differed from what was asked, one line each, as the command "
        "line says it on stderr: a model with no calibrated duplicate decision (the fallback "
        "was used, e.g. cross_lingual on a server started with --fast), NUL characters read "
        "as spaces, a query nothing in the text answers. Empty when none."
    )


class Pick(Described):
    """A chosen sentence: ``text == original[start:end]``."""

    index: int = Field(description="Sentence number in the article, from 0 (title included).")
    paragraph: int = Field(description="Paragraph (line) number, from 0.")
    start: int = Field(description="Offset of the sentence in the text sent (code points).")
    end: int = Field(description="End offset, exclusive.")
    text: str = Field(description="The sentence exactly as in the text sent.")
    score: float = Field(description="The ranking score that chose it (method-dependent scale).")


class Left(Described):
    """A sentence that could not be picked, and why."""

    index: int
    start: int
    end: int
    text: str
    reason: str = Field(description="title, boilerplate, heading, duplicate or dangling reference.")
    detail: str = Field(description="The chrome label, the duplicate's cluster and signal, or ''.")


class Cut(Described):
    """What duplicate removal cut (``original[start:end] == text``)."""

    level: Literal["paragraph", "sentence", "phrase"]
    index: int = Field(description="Paragraph index (paragraph, phrase) or sentence index.")
    start: int
    end: int
    text: str
    reason: str = Field(description="duplicate, or boilerplate (drop_boilerplate only).")
    signal: str = Field(description="exact, near-exact, contained, semantic, cross-lingual, "
                        "or the boilerplate label.")  # fmt: skip
    score: float = Field(description="Strength of the signal, 0-1.")
    cluster: str | None = Field(description="Duplicate-cluster id; null for boilerplate.")
    kept_index: int | None = Field(description="The occurrence that stays.")
    kept_start: int | None
    kept_end: int | None


class ExactCut(Cut):
    """A cut of the dedup report, with the exact span taken out (separators included)."""

    cut_start: int
    cut_end: int
    cut_text: str = Field(description="original[cut_start:cut_end]; put back, gives the original.")


class ArticleCounts(Described):
    paragraphs: int
    sentences: int
    selected: int = Field(description="Length of sentences[].")
    excluded: int
    removed: int


class Record(Described):
    """The fields every per-article record shares (docs/schema.md)."""

    schema_version: int = Field(description="2 today; bumped when a field changes meaning.")
    id: str | None = Field(description="The article's id.")
    title: str | None = Field(description="Title given or detected.")
    source: str | None = Field(description="null: the text was sent, not read from a file.")
    sentences: list[Pick] = Field(description="The picks, in original order.")
    excluded: list[Left]
    removed: list[Cut] = Field(description="What duplicate removal cut from the article.")
    counts: ArticleCounts
    error: str | None = Field(description="Why this article has no result; null otherwise.")


class SummaryOut(Record):
    """``/api/summarize``: the summary record of ``summarize -f json``."""

    kind: Literal["summary"]
    encoding: str | None
    method: str = Field(description="The ranking method; with a query, only the tie-breaker.")
    query: str | None = Field(description="Set for a query-focused summary: picks answer it.")
    query_matched: bool | None = Field(
        description="With a query: false when no sentence answers it better than an unrelated "
        "question is answered (the picks are then only the closest); null without a query."
    )
    query_margin: float | None = Field(
        description="With a query: how far the best sentence is above what unrelated "
        "questions reach, as a share of what is left up to 1 (query_matched from 0.08); "
        "a stricter filter can ask for more. Null without a query."
    )
    model: str | None = Field(description="Encoder name and build; null if none was used.")
    budget: str = Field(description="e.g. '3 sentences', 'ratio 0.2', '60 words'.")
    warnings: list[str] = _warnings()


class Kept(Described):
    index: int
    start: int
    end: int
    text: str


class Member(Kept):
    signal: str
    score: float


class Cluster(Described):
    id: str = Field(description="Stable id: p-/s-/r- and a hash of the kept item.")
    level: Literal["paragraph", "sentence", "phrase"]
    kept: Kept
    members: list[Member]


class ChromeLine(Described):
    paragraph: int
    start: int
    end: int
    text: str
    label: str = Field(description="byline, date line, share widget, navigation, ...")
    removed: bool = Field(description="Cut (drop_boilerplate) or only reported.")


class Conflict(Described):
    """Two similar items that state different facts: both kept."""

    level: str
    index: int
    start: int | None
    end: int | None
    text: str
    other: int
    other_start: int | None
    other_end: int | None
    other_text: str
    signal: str
    score: float
    differences: list[str] = Field(description="e.g. ['number 120', 'number 200'].")


class DedupCounts(Described):
    paragraphs: int
    sentences: int
    original_chars: int
    cleaned_chars: int
    removed: int
    removed_chars: int
    removed_by_level: dict[str, int]
    removed_by_reason: dict[str, int]
    clusters: int
    boilerplate: int
    conflicts: int


class DedupOut(Described):
    """``/api/deduplicate``: the dedup report of ``summarize dedup --report x.json``, plus
    the cleaned ``text``; ``reconstruct(text, removed_from_json(answer))`` is the original."""

    schema_version: int
    kind: Literal["dedup"]
    source: str | None
    encoding: str | None
    id: str | None
    title: str | None
    original_sha256: str
    cleaned_sha256: str
    counts: DedupCounts
    removed: list[ExactCut] = Field(description="Every cut, in text order.")
    clusters: list[Cluster]
    boilerplate: list[ChromeLine]
    conflicts: list[Conflict]
    text: str = Field(description="The cleaned text.")
    warnings: list[str] = _warnings()


class StoryRef(Described):
    id: str
    size: int


class SharedSentence(Described):
    index: int
    cluster: str
    kept_n: int
    kept_index: int


class DigestRecord(Record):
    """One article's record, as a line of ``summarize digest -o x.jsonl``."""

    kind: Literal["digest-article"]
    story: StoryRef | None = Field(description="The story it belongs to; null if alone/failed.")
    shared_sentences: list[SharedSentence]
    fields: dict[str, Any] = Field(description="The article's other fields, passed through.")


class StoryPick(Described):
    n: int = Field(description="Position of the article in the request, from 0.")
    article: str = Field(description="Its id.")
    index: int
    text: str
    score: float


class Story(Described):
    id: str = Field(description="Stable story id (d-...).")
    size: int = Field(description="How many articles tell it (2 or more).")
    articles: list[str] = Field(description="Their ids.")
    summary: list[StoryPick] = Field(description="The story's summary, each fact once.")
    error: str | None


class DigestOut(Described):
    """``/api/digest``: the stories told by two or more articles, and every record."""

    documents: int
    failed: int
    stories: list[Story] = Field(description="Biggest first.")
    records: list[DigestRecord] = Field(description="One per article, in request order.")
    warnings: list[str] = _warnings()


class Health(Described):
    status: Literal["ok"]
    model: str
    version: str
