"""The HTTP API's request bodies, as the OpenAPI page (/docs) shows them.

Only the types are checked here; ranges and combinations (one budget, ratio in (0, 1],
known method...) are checked where every entry point checks them, in
:class:`~summarize.config.SummaryConfig`, and come back as a 422 with its message.
Unknown fields are refused, so a misspelt ``"sentence": 2`` is an error, not ignored.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..config import DEFAULT_METHOD

Method = Literal["learned", "textrank", "lexrank", "lead"]


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sentences: int | None = Field(None, description="Sentences to select (default 3).")
    ratio: float | None = Field(None, description="Share of the sentences, in (0, 1].")
    words: int | None = Field(None, description="At most this many words.")
    method: Method = DEFAULT_METHOD

    def settings(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences, "ratio": self.ratio, "words": self.words,
            "method": self.method,
        }  # fmt: skip


class SummarizeRequest(Budget):
    text: str = Field(description="The article: plain text, paragraphs separated by blank lines.")
    title: str | None = Field(None, description="Its title, if the text does not start with it.")
    query: str | None = Field(None, description="Pick the sentences that answer this.")

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "query": self.query}


class DeduplicateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    title: str | None = None
    threshold: float | None = Field(None, description="Cosine threshold (default: calibrated).")
    keep: Literal["first", "longest"] = "first"
    drop_boilerplate: bool = Field(False, description="Also cut site chrome lines.")
    semantic: bool = Field(True, description="Use the sentence model, not only the wording.")
    cross_lingual: bool = Field(False, description="Also remove translations of earlier items.")

    def settings(self) -> dict[str, Any]:
        return self.model_dump(exclude={"text", "title"})


class ArticleIn(BaseModel):
    """An article of a batch; other fields (url, date, publisher...) are passed through."""

    model_config = ConfigDict(extra="allow")

    text: str
    title: str | None = None
    id: str | None = None


class DigestRequest(Budget):
    articles: list[ArticleIn] = Field(min_length=1, description="The articles (at most 200).")
    story_sentences: int = Field(5, ge=1, description="Sentences per story summary.")
    learn: bool = Field(True, description="Learn site chrome repeated across the batch.")


class ErrorBody(BaseModel):
    """Every error answer: one line saying what went wrong (``errors``: per field, on 422)."""

    detail: str
    errors: list[dict[str, Any]] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not JSON."},
    413: {"model": ErrorBody, "description": "The body is over the server's limit."},
    422: {"model": ErrorBody, "description": "A field or setting is wrong, or the text empty."},
    500: {"model": ErrorBody, "description": "The request failed inside; the server goes on."},
}
