"""The vector-free screen: which candidates are worth a model call at all.

Why: in bulk, embedding is ~91% of the default model's digest time (docs/speed.md,
"Bulk default"), and most of an article's ~19 content sentences can never make its
summary: position, length and the words a sentence shares with the title and the
article already rank candidates nearly as well as the full scorer (docs/ranking.md's
ablation). So the scoped pipeline (``SummaryConfig.embed_scope == "screened"``):

1. scores every candidate with the columns of :data:`~.features.FEATURES` that need
   no vectors (:data:`TEXT_FEATURES`), by a linear model fitted like the learned
   ranker (``python -m benchmarks.train_screen``; weights in ``weights/screen-*.json``);
2. embeds the best :attr:`Screen.top` of them, plus what the other stages read
   (the article's first sentences, its title, the sentences of a pair that may reach
   the duplicate decision: :mod:`summarize.scope`);
3. ranks the embedded candidates with every feature, the vector ones computed among
   them (:func:`scoped_features`), by a scorer fitted in that same setting.

Unembedded candidates are never picked; they stay candidates (not excluded).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..config import DEFAULT_SENTENCES
from ..errors import ModelError
from .features import COLUMNS, FEATURES, TITLE_FEATURES, Context, feature_matrix
from .learned import LinearScorer, family
from .select import Overlap

# Feature groups read from vectors; every other column is text and position only.
VECTOR_GROUPS = frozenset({"title", "centroid", "lead", "centrality", "redundancy"})
TEXT_FEATURES = tuple(name for name, group in COLUMNS if group not in VECTOR_GROUPS)
SCREEN_FILES = {"default": "screen-default.json", "static": "screen-static.json"}
# The first candidates are always embedded: the lead features compare every sentence
# with them, and they win most summaries anyway.
ALWAYS_FIRST = 3
# With a word or ratio budget, embed candidates (best screened first) until their words
# reach this many times the budget, or twice the sentences a ratio asks for.
BUDGET_MARGIN = 2.0


@dataclass(frozen=True)
class Screen:
    """The two scorers of the scoped pipeline and how many candidates pass the screen.

    ``screen``: a :class:`LinearScorer` over text features only; ``ranker``: one over
    every feature, fitted on the candidates that passed the screen (vector features
    among them); ``top``: candidates embedded per article for a 3-sentence budget.
    ``untitled``: the ranker for text without a title, fitted without the title's
    columns (None in files written before it). All read their columns by name from a
    :data:`FEATURES`-wide matrix, so a feature added to :mod:`.features` later does not
    invalidate them (a removed one does).
    """

    screen: LinearScorer
    ranker: LinearScorer
    top: int
    untitled: LinearScorer | None = None

    def to_json(self) -> dict:
        out = {"top": self.top, "screen": self.screen.to_json(), "ranker": self.ranker.to_json()}
        if self.untitled is not None:
            out["untitled"] = self.untitled.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict) -> Screen:
        screen = LinearScorer.from_json(data["screen"])
        ranker = LinearScorer.from_json(data["ranker"])
        top = data.get("top")
        if not isinstance(top, int) or isinstance(top, bool) or top < 1:
            raise ModelError(f"screen weights: 'top' must be a whole number >= 1, not {top!r}")
        if not set(screen.features) <= set(TEXT_FEATURES):
            raise ModelError("the screen reads a feature that needs vectors; retrain it")
        untitled = LinearScorer.from_json(data["untitled"]) if "untitled" in data else None
        for scorer in (ranker, untitled):
            if scorer is not None and not set(scorer.features) <= set(FEATURES):
                raise ModelError("screen weights were fitted on other features; retrain them")
        if untitled is not None and set(untitled.features) & set(TITLE_FEATURES):
            raise ModelError("the screen's untitled ranker reads the title; retrain it")
        return cls(screen, ranker, top, untitled)

    def screen_scores(self, x: np.ndarray, *, word_budget: bool = False) -> np.ndarray:
        """Scores of rows of a :data:`FEATURES`-wide matrix (:func:`text_features`)."""
        return self.screen.score(self.screen.take(x), word_budget=word_budget)

    def rank_scores(
        self, x: np.ndarray, *, word_budget: bool = False, titled: bool = True
    ) -> tuple[np.ndarray, Overlap | None]:
        """Scores of rows of a :data:`FEATURES`-wide matrix (:func:`scoped_features`) and,
        for a ranker that carries a reference length, the set objective selection
        maximises (as :meth:`.learned.LinearScorer.output` for the learned method);
        ``titled=False``: the text has no title (the untitled ranker, if there is one)."""
        ranker = self.ranker if titled or self.untitled is None else self.untitled
        return ranker.output(ranker.take(x), word_budget=word_budget)


@lru_cache(maxsize=4)
def load_screen(kind: str = "default") -> Screen:
    """The shipped screen for a model family (package data, read with json)."""
    path = resources.files(__package__) / "weights" / SCREEN_FILES[kind]
    return Screen.from_json(json.loads(path.read_text(encoding="utf-8")))


_OVERRIDE: ContextVar[Screen | None] = ContextVar("summarize_screen", default=None)


def screen_for(model_name: str | None) -> Screen:
    """The screen in force: a held-out run's (:func:`screen_override`) or the shipped one."""
    return _OVERRIDE.get() or load_screen(family(model_name))


@contextmanager
def screen_override(screen: Screen) -> Iterator[None]:
    """Screen with ``screen`` instead of the shipped weights inside the block (held-out
    evaluation: each article by the fold model that never saw it)."""
    token = _OVERRIDE.set(screen)
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def text_features(
    texts: Sequence[str],
    positions: Sequence[int] | None = None,
    starts: Sequence[bool] | None = None,
    title: str | None = None,
) -> np.ndarray:
    """:data:`FEATURES`-wide rows of every candidate, computed without vectors: the
    :data:`TEXT_FEATURES` columns are real, the others are not to be read."""
    n = len(texts)
    if not n:
        return np.zeros((0, len(FEATURES)))
    return feature_matrix(Context(texts, np.zeros((n, 1)), None, positions, starts, title))


def chosen(
    scores: np.ndarray,
    top: int,
    words: Sequence[int],
    *,
    sentences: int | None = None,
    word_budget: int | None = None,
) -> list[int]:
    """Candidates (positions, ascending) to embed: the first :data:`ALWAYS_FIRST`, then
    the best screened, ``top`` in all for the default budget of 3 sentences.

    ``sentences``: how many the budget allows; each one past 3 adds
    :data:`BUDGET_MARGIN` candidates. ``word_budget``: a budget in words, whose
    candidates must hold :data:`BUDGET_MARGIN` times that many words.
    """
    n = len(scores)
    want = top
    if sentences is not None and sentences > DEFAULT_SENTENCES:
        want += math.ceil(BUDGET_MARGIN * (sentences - DEFAULT_SENTENCES))
    keep = set(range(min(ALWAYS_FIRST, n)))
    total = sum(words[i] for i in keep)
    for i in np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable").tolist():
        enough = len(keep) >= want
        if word_budget is not None:
            enough = enough and total >= BUDGET_MARGIN * word_budget
        if enough:
            break
        if i not in keep:
            keep.add(i)
            total += words[i]
    return sorted(keep)


def scoped_features(
    texts: Sequence[str],
    subset: Sequence[int],
    vectors: np.ndarray,
    title_vector: np.ndarray | None,
    positions: Sequence[int] | None = None,
    starts: Sequence[bool] | None = None,
    title: str | None = None,
) -> np.ndarray:
    """:data:`FEATURES` rows of the candidates at ``subset`` (ascending positions among
    all ``texts``): text and position columns as among all candidates, vector columns
    among the embedded ones (``vectors``: one row per subset entry)."""
    subset = list(subset)
    n = len(texts)
    if not subset:
        return np.zeros((0, len(FEATURES)))
    pos = list(range(n)) if positions is None else list(positions)
    full = text_features(texts, pos, starts, title)[subset]
    sub = feature_matrix(
        Context(
            [texts[i] for i in subset],
            vectors,
            title_vector,
            [pos[i] for i in subset],
            None if starts is None else [starts[i] for i in subset],
            title,
        )  # fmt: skip
    )
    vector_cols = [k for k, (_, group) in enumerate(COLUMNS) if group in VECTOR_GROUPS]
    full[:, vector_cols] = sub[:, vector_cols]
    return full
