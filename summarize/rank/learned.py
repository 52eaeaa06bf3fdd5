"""The learned sentence scorer: a linear model over :mod:`summarize.rank.features`.

Its weights are data, not code: a small JSON file per model family in
``summarize/rank/weights/`` (read with :mod:`json`, never unpickled), fitted by
``python -m benchmarks.train_ranker`` on the development articles and their publisher
leads (docs/ranking.md has the cross-validated scores and the ablation). The static
fast model has weights of its own, because its vectors place sentences differently;
every other model (e5 int8, e5 fp32, a user's model) uses the default's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import ModelError
from .features import FEATURES, UNTITLED_FEATURES, Context, feature_matrix, has_title
from .select import Overlap

WEIGHT_FILES = {"default": "learned-default.json", "static": "learned-static.json"}


TARGETS = ("oracle", "precision")


@dataclass(frozen=True)
class LinearScorer:
    """``score = ((x - mean) / scale) @ coef + intercept``, one row per sentence, less
    ``length_cost`` per log-word when the budget counts sentences.

    Why the cost is apart: with a budget of k sentences, ROUGE F1 pays for every extra word
    of each pick, so shorter sentences that carry the same content should win; a budget
    in words already charges for length, and charging twice favours fragments.

    ``target`` says what the linear score predicts. ``oracle``: the log-odds that the
    sentence is one of the best 3-sentence extract's. ``precision``: the log-odds that a
    bigram of the sentence is in the reference summary. With ``reference_bigrams`` set,
    a budget in sentences is filled by the set with the best expected ROUGE-2 F1
    (:class:`.select.Overlap`), each sentence's bigrams weighted by :meth:`precision`
    (the probability the score stands for) against a reference of that many bigrams,
    instead of by ``length_cost`` and MMR.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    length_cost: float = 0.0
    target: str = "oracle"
    reference_bigrams: float = 0.0

    def precision(self, x: np.ndarray) -> np.ndarray:
        """The probability each row's score stands for: a bigram of the sentence in the
        reference (``precision``), the sentence in the best extract (``oracle``)."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def output(
        self, x: np.ndarray, *, word_budget: bool = False
    ) -> tuple[np.ndarray, Overlap | None]:
        """Scores of the rows and, with ``reference_bigrams`` and a budget in sentences,
        the :class:`.select.Overlap` that selection maximises."""
        if self.target == "precision":
            scores = self.precision(x)
        else:
            scores = self.score(x, word_budget=word_budget)
        if word_budget or not self.reference_bigrams > 0:
            return scores, None
        return scores, Overlap(self.precision(x), self.reference_bigrams)

    def take(self, x: np.ndarray) -> np.ndarray:
        """This scorer's columns of a :data:`~.features.FEATURES`-wide matrix."""
        if self.features == FEATURES:
            return x
        return x[:, [FEATURES.index(name) for name in self.features]]

    def score(self, x: np.ndarray, *, word_budget: bool = False) -> np.ndarray:
        out = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        if self.length_cost and not word_budget and "log_words" in self.features:
            out = out - self.length_cost * x[:, self.features.index("log_words")]
        return out

    def to_json(self) -> dict:
        return {
            "kind": "linear",
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
            "length_cost": round(float(self.length_cost), 8),
            "target": self.target,
            "reference_bigrams": round(float(self.reference_bigrams), 4),
        }

    @classmethod
    def from_json(cls, data: dict) -> LinearScorer:
        if data.get("kind") != "linear":
            raise ModelError(f"unknown scorer kind {data.get('kind')!r}")
        features = tuple(data["features"])
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (len(features),) for a in arrays):
            raise ModelError("scorer weights do not match its feature list")
        mean, scale, coef = arrays
        target = data.get("target", "oracle")
        if target not in TARGETS:
            raise ModelError(f"unknown scorer target {target!r}")
        reference = float(data.get("reference_bigrams", 0.0))
        if target == "precision" and not reference > 0:
            raise ModelError("a precision scorer needs reference_bigrams > 0")
        return cls(
            features, mean, np.where(scale > 0, scale, 1.0), coef, float(data["intercept"]),
            float(data.get("length_cost", 0.0)), target, reference,
        )  # fmt: skip


def family(model_name: str | None) -> str:
    """Which weights a model uses: the static fast model its own, others the default's."""
    return "static" if model_name and "static" in model_name.lower() else "default"


@lru_cache(maxsize=4)
def load_scorer(kind: str = "default") -> LinearScorer:
    """The shipped scorer for a model family (package data; no network, no pickle)."""
    path = resources.files(__package__) / "weights" / WEIGHT_FILES[kind]
    data = json.loads(path.read_text(encoding="utf-8"))
    scorer = LinearScorer.from_json(data["scorer"])
    if scorer.features != FEATURES:
        raise ModelError(f"{WEIGHT_FILES[kind]} was fitted on other features; retrain it")
    return scorer


@lru_cache(maxsize=4)
def load_untitled(kind: str = "default") -> LinearScorer | None:
    """The family's scorer for text without a title (``untitled`` in its weights file),
    fitted without the title's columns; None in a file written before it existed."""
    path = resources.files(__package__) / "weights" / WEIGHT_FILES[kind]
    data = json.loads(path.read_text(encoding="utf-8")).get("untitled")
    if data is None:
        return None
    scorer = LinearScorer.from_json(data)
    if scorer.features != UNTITLED_FEATURES:
        raise ModelError(f"{WEIGHT_FILES[kind]}: the untitled scorer was fitted on other features")
    return scorer


def scorer_for(model_name: str | None, *, titled: bool = True) -> LinearScorer:
    """The scorer in force: a held-out run's (:func:`scorer_override`) or the shipped one,
    the untitled one for text without a title when there is one."""
    override = _OVERRIDE.get()
    if override is not None:
        scorer, untitled = override
    else:
        kind = family(model_name)
        scorer, untitled = load_scorer(kind), load_untitled(kind)
    return scorer if titled or untitled is None else untitled


_OVERRIDE: ContextVar[tuple[LinearScorer, LinearScorer | None] | None] = ContextVar(
    "summarize_scorer", default=None
)


@contextmanager
def scorer_override(scorer: LinearScorer, untitled: LinearScorer | None = None) -> Iterator[None]:
    """Score with ``scorer`` (and ``untitled`` for text without a title; None: ``scorer``
    for all) instead of the shipped weights, inside the block.

    Why: held-out evaluation (``python -m benchmarks quality``) summarises each article
    with the scorer of the cross-validation fold that never saw it.
    """
    token = _OVERRIDE.set((scorer, untitled))
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def learned_scores(
    ctx: Context, model_name: str | None = None, *, word_budget: bool = False
) -> np.ndarray:
    """Scores of an article's candidates (document order) by the model family's scorer;
    ``word_budget``: the summary's budget is in words (no cost per word on top)."""
    return learned_ranking(ctx, model_name, word_budget=word_budget)[0]


def learned_ranking(
    ctx: Context, model_name: str | None = None, *, word_budget: bool = False
) -> tuple[np.ndarray, Overlap | None]:
    """Scores of an article's candidates and, from a ``precision`` scorer with a budget in
    sentences, the :class:`.select.Overlap` that selection maximises instead of picking
    the best-scored sentences one by one."""
    if len(ctx.texts) == 0:
        return np.zeros(0), None
    scorer = scorer_for(model_name, titled=has_title(ctx.title, ctx.title_vector))
    return scorer.output(scorer.take(feature_matrix(ctx)), word_budget=word_budget)
