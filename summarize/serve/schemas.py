"""The HTTP API's request bodies, as the OpenAPI page (/docs) shows them.

Only the types are checked here; ranges and combinations (one budget, ratio in (0, 1],
known method...) are checked where every entry point checks them, in
:class:`~summarize.config.SummaryConfig`, and come back as a 422 with its message.
Unknown fields are refused, so a misspelt ``"sentence": 2`` is an error, not ignored, and
types are strict: ``"sentences": true`` or ``"semantic": "no"`` is a 422, never read as 1 or
as true. A string holding a lone surrogate (``"\\ud800"``, valid JSON but not Unicode text)
is refused here, before it reaches the model.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..config import DEFAULT_METHOD

Method = Literal["learned", "textrank", "lexrank", "lead"]
# SummaryConfig's and DigestOptions' messages already name the fields ("ratio must be in
# (0, 1]"); a message that names a command-line flag all the same (from a check shared
# with the command line) is said with the field's name here: a request names fields.
_FLAG = re.compile(
    r"--(sentences|ratio|words|method|threshold|keep|query|semantic|drop-boilerplate"
    r"|cross-lingual)\b"
)


def field_names(message: str) -> str:
    """A settings message with each command-line flag said as its field name."""
    return _FLAG.sub(lambda m: m.group(1).replace("-", "_"), message)


def _lone_surrogate(value: Any) -> int | None:
    """Where the first lone surrogate of a string (or of the strings inside) is, if any."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            return e.start
    elif isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            at = _lone_surrogate(item)
            if at is not None:
                return at
    return None


class Strict(BaseModel):
    """Strict types, no unknown field, and only text that is valid Unicode."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="after")
    def _valid_unicode(self) -> Strict:
        fields = {**dict(self), **(self.model_extra or {})}
        for name, value in fields.items():
            if isinstance(value, BaseModel):
                continue  # checked by its own validator
            at = _lone_surrogate(value)
            if at is not None:
                raise ValueError(f"{name} is not valid Unicode: a lone surrogate at character {at}")
        return self


class Budget(Strict):
    sentences: int | None = Field(None, description="Sentences to select (default 3).")
    ratio: float | None = Field(None, description="Share of the sentences, in (0, 1].")
    words: int | None = Field(None, description="At most this many words.")
    method: Method = Field(
        DEFAULT_METHOD, description="How sentences are ranked (with `query`: only ties)."
    )

    def settings(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences, "ratio": self.ratio, "words": self.words,
            "method": self.method,
        }  # fmt: skip


TEXT = "The article: plain text, paragraphs separated by blank lines (tags are kept as text)."
HTML = (
    "Instead of `text`: a web page; its article text and `<title>` are extracted as from "
    "an .html file (Python: `summarize(html=...)`). Give `text` or `html`, not both."
)


class TextOrHtml(Strict):
    """Exactly one of ``text`` and ``html``, as in ``summarize(text)`` / ``summarize(html=)``."""

    text: str | None = Field(None, description=TEXT)
    html: str | None = Field(None, description=HTML)
    title: str | None = Field(None, description="Its title, if the text does not start with it.")

    @model_validator(mode="after")
    def _one_input(self) -> TextOrHtml:
        if self.text is not None and self.html is not None:
            raise ValueError("give either text or html, not both")
        if self.text is None and self.html is None:
            raise ValueError("text is required (or html: a web page)")
        return self

    def source(self) -> dict[str, Any]:
        return {"text": self.text, "html": self.html, "title": self.title}


class SummarizeRequest(TextOrHtml, Budget):
    query: str | None = Field(
        None,
        description="Pick the sentences that answer this: they are ranked by relevance to "
        "the query first; `method` then only breaks near-ties (the answer's `method` is the "
        "tie-breaker, its `query` says the summary is query-focused).",
    )

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "query": self.query}


class DeduplicateRequest(TextOrHtml):
    threshold: float | None = Field(None, description="Cosine threshold (default: calibrated).")
    keep: Literal["first", "longest", "fuller"] = "fuller"
    drop_boilerplate: bool = Field(False, description="Also cut site chrome lines.")
    semantic: bool = Field(True, description="Use the sentence model, not only the wording.")
    cross_lingual: bool = Field(False, description="Also remove translations of earlier items.")

    def settings(self) -> dict[str, Any]:
        return self.model_dump(exclude={"text", "html", "title"})


class ArticleIn(Strict):
    """An article of a batch; other fields (url, date, publisher...) are passed through.

    A numeric ``id`` is taken as its decimal text, as ``summarize digest`` reads JSONL."""

    model_config = ConfigDict(extra="allow", strict=True)

    text: str | None = Field(None, description=TEXT)
    html: str | None = Field(None, description=HTML)
    title: str | None = None
    id: str | None = None

    @model_validator(mode="after")
    def _one_input(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError(
                "give either text or html, not both" if self.text is not None
                else "text is required (or html: a web page)"
            )  # fmt: skip
        return self

    @field_validator("id", mode="before")
    @classmethod
    def _numeric_id(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class DigestRequest(Budget):
    articles: list[ArticleIn] = Field(
        min_length=1,
        description="The articles (at most 200: for more, `summarize digest` on the command "
        "line). One over `--max-text` is its own failed record (`error`), not sent to the "
        "model; the others are digested.",
    )
    story_sentences: int = Field(5, ge=1, description="Sentences per story summary.")
    learn: bool = Field(True, description="Learn site chrome repeated across the batch.")


class ErrorBody(BaseModel):
    """Every error answer: one line saying what went wrong (``errors``: per field, on 422)."""

    detail: str
    errors: list[dict[str, Any]] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not JSON."},
    413: {
        "model": ErrorBody,
        "description": "The body is over the server's byte limit (`--max-body`), or a text "
        "over its character cap (`--max-text`, `--max-batch-text`); in `/api/digest`, only "
        "when no article is left to do (one over `--max-text` among others is its error).",
    },
    422: {"model": ErrorBody, "description": "A field or setting is wrong, or the text empty."},
    500: {"model": ErrorBody, "description": "The request failed inside; the server goes on."},
}
