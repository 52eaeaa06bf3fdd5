"""What a user can choose, checked in one place.

Every entry point (the functions in :mod:`summarize.api`, the CLI, the digest) builds a
:class:`SummaryConfig`; an argument a user got wrong fails here, with a
:class:`~summarize.errors.ConfigError` that names it, before any file or model is read.
Messages name the Python parameters (``sentences must be at least 1``), as a caller of
the API wrote them; the command line says its flags instead (``cli._flag_names``) and the
HTTP API's fields are the Python names.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .errors import BudgetError, ConfigError

Keep = Literal["first", "longest", "fuller"]
METHODS = ("learned", "textrank", "lexrank", "lead")
EMBEDDING_METHODS = ("learned", "textrank", "lexrank")  # the others need no model
DEFAULT_METHOD = "learned"  # the best under cross-validation (docs/ranking.md)
KEEP_POLICIES = ("first", "longest", "fuller")
# "screened": embed only the sentences that can change a decision (summarize/scope.py);
# "all": every content sentence, as before 2026-12-07 (docs/speed.md, "Bulk default").
EMBED_SCOPES = ("screened", "all")
DEFAULT_EMBED_SCOPE = "screened"  # docs/speed.md: quality within 1 %, half the CPU
DEFAULT_SENTENCES = 3


@dataclass(frozen=True)
class SummaryConfig:
    """Budget, method, model and duplicate settings of a summary or a cleaning.

    At most one budget (``sentences``, ``ratio`` or ``words``); none means three
    sentences. ``model`` is a model name or local folder (None: the default model);
    to use an encoder object, hand it to :class:`summarize.pipeline.Summarizer`.
    ``threshold`` overrides the semantic-duplicate cosine calibrated for the model;
    ``semantic=False`` finds duplicates by their wording only; ``cross_lingual=True`` also
    finds an item and its translation (items in different languages, by their vectors).
    ``keep``: which of two repeats stays; "fuller" (the default since 2026-12-07): the
    first unless a later wording states all it does and adds a value; "first"; or
    "longest" (docs/duplicates.md, "Keeping the fuller wording").
    ``query``: pick the sentences that answer it (a query-focused summary; needs the model).
    ``embed_scope``: "screened" embeds only the sentences that can change the summary or
    a duplicate decision (learned summaries; docs/speed.md), "all" every content sentence.
    """

    sentences: int | None = None
    ratio: float | None = None
    words: int | None = None
    method: str = DEFAULT_METHOD
    model: str | None = None
    threshold: float | None = None
    keep: Keep = "fuller"
    semantic: bool = True
    drop_boilerplate: bool = False
    cross_lingual: bool = False
    query: str | None = None
    embed_scope: str = DEFAULT_EMBED_SCOPE

    def __post_init__(self) -> None:
        _check_budget(self.sentences, self.ratio, self.words)
        if not isinstance(self.method, str) or self.method not in METHODS:
            raise ConfigError(f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.model is not None and not isinstance(self.model, str):
            raise ConfigError(
                f"model must be a model name or folder, got {type(self.model).__name__}"
            )
        if self.threshold is not None and not (
            _is_number(self.threshold) and 0 < self.threshold <= 1
        ):
            raise ConfigError(f"threshold must be in (0, 1] (got {self.threshold!r})")
        if self.keep not in KEEP_POLICIES:
            raise ConfigError(f"keep must be one of {', '.join(KEEP_POLICIES)} (got {self.keep!r})")
        if self.query is not None and not (isinstance(self.query, str) and self.query.strip()):
            raise ConfigError(f"query must be a non-empty text (got {self.query!r})")
        if self.embed_scope not in EMBED_SCOPES:
            raise ConfigError(
                f"embed_scope must be one of {', '.join(EMBED_SCOPES)} (got {self.embed_scope!r})"
            )
        for name in ("semantic", "drop_boilerplate", "cross_lingual"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be True or False")
        if self.cross_lingual and not self.needs_model:
            raise ConfigError(
                "cross_lingual finds translations by the model's vectors: "
                "it cannot be used with the lead method"
            )

    @property
    def needs_model(self) -> bool:
        """Ranking by meaning, or finding duplicates by meaning, needs the encoder."""
        return self.method in EMBEDDING_METHODS or self.query is not None

    def max_sentences(self, available: int) -> int:
        """How many sentences the budget allows out of ``available`` candidates."""
        if self.ratio is not None:
            return max(1, math.ceil(self.ratio * available))
        if self.words is not None:
            return available
        return min(self.sentences or DEFAULT_SENTENCES, available)

    def describe_budget(self) -> str:
        """The budget as every output shows it (JSON ``budget``, ``--verbose``, the serve
        page): "3 sentences", "1 sentence", "40 words", "ratio 0.2"."""
        if self.ratio is not None:
            return f"ratio {self.ratio:g}"
        if self.words is not None:
            return f"{self.words} word{'' if self.words == 1 else 's'}"
        n = self.sentences or DEFAULT_SENTENCES
        return f"{n} sentence{'' if n == 1 else 's'}"

    def to_json(self) -> dict[str, Any]:
        """What changes a result: a resumed digest must match it."""
        return {
            "method": self.method,
            "budget": [self.sentences, self.ratio, self.words],
            "model": self.model,
            "threshold": self.threshold,
            "keep": self.keep,
            "semantic": self.semantic,
            "drop_boilerplate": self.drop_boilerplate,
            **({"query": self.query} if self.query is not None else {}),
            **({"cross_lingual": True} if self.cross_lingual else {}),
            **({"embed": self.embed_scope} if self.embed_scope != "all" else {}),
        }


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_budget(sentences: Any, ratio: Any, words: Any) -> None:
    given = [x for x in (sentences, ratio, words) if x is not None]
    if len(given) > 1:
        raise BudgetError("give only one budget: sentences, ratio or words")
    for name, value in (("sentences", sentences), ("words", words)):
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise BudgetError(f"{name} must be a whole number (got {value!r})")
        if value < 1:
            raise BudgetError(f"{name} must be at least 1 (got {value})")
    if ratio is not None and not (_is_number(ratio) and 0 < ratio <= 1):
        raise BudgetError(f"ratio must be in (0, 1] (got {ratio})")


def check_texts(texts: Any) -> list[Any]:
    """The articles of a story (``summarize_many``): a list or other sequence of texts,
    not one text (a str is a sequence of characters) and not None."""
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
        raise ConfigError(
            f"texts must be a list of articles (str or Document), not {type(texts).__name__}"
        )
    return list(texts)


def check_learned(learned: Any) -> Collection[str]:
    """``learned_boilerplate``: a collection of match keys (str), not one str."""
    if (
        isinstance(learned, (str, bytes))
        or not isinstance(learned, Collection)
        or not all(isinstance(k, str) for k in learned)
    ):
        raise ConfigError(
            "learned_boilerplate must be a collection of match keys (str), "
            f"not {type(learned).__name__}"
        )
    return learned


def check_whole(name: str, value: Any, minimum: int = 1, *, optional: bool = False) -> None:
    """A whole-number option (not a bool, not a float) of at least ``minimum``."""
    if optional and value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum} (got {value!r})")


def check_flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False (got {value!r})")
