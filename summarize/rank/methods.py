"""Stage 5, rank: one score per candidate sentence, and the similarities selection needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..config import METHODS
from ..errors import ConfigError
from ..neighbours import use_sparse
from .features import Context
from .graph import (
    VectorSimilarities,
    lexrank_weights,
    neighbour_graph,
    pagerank,
    similarity_matrix,
    sparse_pagerank,
    textrank_weights,
)
from .learned import learned_ranking
from .select import Overlap, position_prior

# How much of the random-jump mass follows the title rather than the position.
TITLE_WEIGHT = 0.5


def news_prior(positions: Sequence[int], title_sims: np.ndarray | None) -> np.ndarray:
    """Where PageRank's random surfer lands: early sentences and those like the title.

    ``positions`` are each candidate's rank among the candidates, so site chrome
    and duplicates removed before ranking do not push the lead down.
    """
    pos = position_prior(max(positions, default=0) + 1)[list(positions)]
    pos = pos / pos.sum()
    if title_sims is None or len(title_sims) == 0:
        return pos
    t = np.clip(title_sims - title_sims.min(), 0.0, None)
    if t.sum() <= 0:
        return pos
    return (1 - TITLE_WEIGHT) * pos + TITLE_WEIGHT * t / t.sum()


def score(
    method: str,
    n: int,
    sims: np.ndarray | None = None,
    title_sims: np.ndarray | None = None,
    positions: Sequence[int] | None = None,
) -> np.ndarray:
    """Scores for ``n`` candidates in document order; ``sims`` is their similarity matrix.

    ``positions`` gives each candidate's rank within its own article (several
    articles are ranked together for a story cluster); default 0..n-1.
    """
    if method == "lead":
        if positions is not None:  # lead of each article first, then second sentences...
            return 1.0 / (1.0 + np.asarray(positions, dtype=float))
        return np.linspace(1.0, 0.0, num=n, endpoint=False)
    if method not in METHODS:
        raise ConfigError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    assert sims is not None and len(sims) == n
    prior = news_prior(range(n) if positions is None else positions, title_sims)
    if method == "textrank":
        return pagerank(textrank_weights(sims), prior)
    return pagerank(lexrank_weights(sims), prior)


# The learned scorer was fitted on single articles against their leads; a story told by
# several articles ranks better by TextRank (VietnameseMDS clusters, held-out folds:
# learned 39.9 ROUGE-2, TextRank 41.9, LEAD 41.4; docs/ranking.md).
_STORY_METHODS = {"learned": "textrank"}


def story_method(method: str) -> str:
    """The method that ranks a multi-article story when ``method`` is asked for."""
    return _STORY_METHODS.get(method, method)


@dataclass(frozen=True)
class Ranking:
    """Scores of the candidates in document order, and their pairwise similarities
    (zeros without a model), which selection uses against redundancy; ``overlap``: what
    a set of sentences is expected to share with a reference, when the scorer predicts it
    (the learned method, a budget in sentences), for :func:`.select.choose`."""

    scores: np.ndarray
    similarities: np.ndarray | VectorSimilarities  # computed on demand above the threshold
    overlap: Overlap | None = None


def rank(
    method: str,
    vectors: np.ndarray | None,
    title_vectors: np.ndarray | None = None,
    positions: Sequence[int] | None = None,
    *,
    count: int | None = None,
    texts: Sequence[str] | None = None,
    paragraph_starts: Sequence[bool] | None = None,
    model: str | None = None,
    title_text: str | None = None,
    word_budget: bool = False,
) -> Ranking:
    """Score candidates (rows of ``vectors``, or ``count`` of them without a model).

    ``title_vectors``: the titles of the articles the candidates come from, one row
    each (their mean is the title direction); ``positions``: each candidate's rank in
    its own article, when several articles are ranked together. The learned method
    also reads the candidates' ``texts``, whether each opens its paragraph, the
    ``title_text``, the ``model`` name (the static model has weights of its own) and
    whether the budget counts words (``word_budget``).
    """
    n = len(vectors) if vectors is not None else int(count or 0)
    if vectors is None:
        return Ranking(score(method, n, None, None, positions), np.zeros((n, n)))
    sparse = use_sparse(n)  # a long document: the neighbour graph, no n x n matrix
    sims = VectorSimilarities(vectors) if sparse else similarity_matrix(vectors)
    title = None
    if title_vectors is not None and len(title_vectors):
        t = title_vectors.mean(axis=0)
        title = t / (np.linalg.norm(t) or 1.0)
    if method == "learned":
        if texts is None:
            raise ConfigError("the learned method needs the candidates' texts")
        ctx = Context(texts, vectors, title, positions, paragraph_starts, title_text)
        scores, overlap = learned_ranking(ctx, model, word_budget=word_budget)
        return Ranking(scores, sims, overlap)
    title_sims = vectors @ title if title is not None else None
    if sparse and method in ("textrank", "lexrank"):
        prior = news_prior(range(n) if positions is None else positions, title_sims)
        return Ranking(sparse_pagerank(neighbour_graph(vectors, method), prior), sims)
    return Ranking(score(method, n, sims, title_sims, positions), sims)
