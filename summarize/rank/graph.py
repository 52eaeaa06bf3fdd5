"""Centrality on a sentence-similarity graph (PageRank, as networkx defines it).

Sentence encoders such as e5 put nearly every pair of sentences of one article
at cosine 0.75-0.9, so a graph weighted by raw cosine is close to uniform and
PageRank degenerates to sentence length. We therefore weight an edge by how much
more similar a pair is than the article's typical pair (cosine minus the median
off-diagonal cosine, clipped at zero). Negative and below-typical similarities
become "no edge", which also keeps PageRank's weights non-negative as it needs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# Damping: the share of each step that follows graph edges rather than jumping by the
# news prior (lead position + title). Less than TextRank's classic 0.85, because the
# lead is strong in news; 0.2 keeps the graph a real part of the score rather than
# chasing the best value on one data set (the sweep: docs/benchmarks.md).
PAGERANK_ALPHA = 0.2
PAGERANK_TOL = 1.0e-8


def similarity_matrix(embeddings: np.ndarray) -> np.ndarray:
    """Cosine similarities of L2-normalised rows (in their dtype), diagonal zeroed."""
    sims = np.clip(embeddings @ embeddings.T, -1.0, 1.0)
    np.fill_diagonal(sims, 0.0)
    return sims


def textrank_weights(sims: np.ndarray) -> np.ndarray:
    """Edge weights: similarity above the article's median pair, never negative, no
    self-loops (with a negative median the zeroed diagonal would become one)."""
    n = len(sims)
    if n < 3:
        return np.clip(sims, 0.0, None)
    off = ~np.eye(n, dtype=bool)
    return np.clip(sims - float(np.median(sims[off])), 0.0, None) * off


def lexrank_weights(sims: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """LexRank's unweighted graph: an edge where similarity passes a threshold.

    The default threshold is the article's 75th-percentile pair, for the same
    reason as above: a fixed cosine means nothing across encoders.
    """
    n = len(sims)
    if n < 2:
        return np.zeros_like(sims)
    if threshold is None:
        threshold = float(np.percentile(sims[~np.eye(n, dtype=bool)], 75))
    return (sims >= threshold).astype(np.float64) * (1 - np.eye(n))


def pagerank(
    weights: np.ndarray,
    personalization: np.ndarray | None = None,
    *,
    alpha: float = PAGERANK_ALPHA,
) -> np.ndarray:
    """PageRank scores, deterministic and always converged.

    Dangling nodes (no edges) jump by the personalisation vector, so a sentence
    with nothing in common with the rest still gets its prior. If power iteration
    does not converge within its budget we fall back to weighted degree: a result
    is always returned.

    Why not ``networkx.pagerank``: it takes a Graph, and building one from our
    dense matrix (then converting it back to a matrix inside networkx) cost
    0.6 ms for a 16-sentence article and 3 ms for 64, 25-50 times the iteration
    itself and more than the whole fast model. This is networkx's own power
    iteration (``_pagerank_scipy``: row-normalised weights, dangling mass and
    random jumps by the personalisation, stop when the L1 change < n * tol) run
    on the matrix; tests/test_rank.py checks it against ``nx.pagerank``.
    """
    n = len(weights)
    if n == 0:
        return np.zeros(0)
    if n == 1:
        return np.ones(1)
    jump = _jump(n, personalization)
    out_weight = weights.sum(axis=1)
    dangling = out_weight == 0
    step = np.divide(weights, out_weight[:, None], out=np.zeros((n, n)), where=~dangling[:, None])
    return _power(lambda x: x @ step, dangling, jump, alpha, out_weight)


# Above ``neighbours.SPARSE_ABOVE`` candidates: the same graph from each sentence's nearest
# neighbours, the typical pair's cosine from a fixed sample of pairs, and similarities
# computed when selection asks for them. Memory and time grow with n, not n².
SAMPLED_PAIRS = 50_000


class VectorSimilarities:
    """What :func:`similarity_matrix` holds, computed on demand from the rows: ``[i, j]``
    one pair, :meth:`row` one sentence against all (selection reads a few rows)."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    def __len__(self) -> int:
        return len(self.vectors)

    def __getitem__(self, ij: tuple[int, int]) -> float:
        i, j = ij
        return 0.0 if i == j else float(np.clip(self.vectors[i] @ self.vectors[j], -1.0, 1.0))

    def row(self, j: int) -> np.ndarray:
        out = np.clip(self.vectors @ self.vectors[j], -1.0, 1.0).astype(np.float64)
        out[j] = 0.0
        return out


def sampled_cosines(vectors: np.ndarray, count: int = SAMPLED_PAIRS) -> np.ndarray:
    """Cosines of ``count`` pairs of distinct rows drawn with a fixed seed: the median and
    percentiles of all pairs, estimated without the n × n matrix."""
    n = len(vectors)
    rng = np.random.default_rng(0)
    a = rng.integers(0, n, count)
    b = (a + rng.integers(1, n, count)) % n  # never a itself
    out = np.empty(count)
    for lo in range(0, count, 1 << 14):
        va, vb = vectors[a[lo : lo + (1 << 14)]], vectors[b[lo : lo + (1 << 14)]]
        out[lo : lo + len(va)] = np.einsum("ij,ij->i", va, vb)
    return np.clip(out, -1.0, 1.0)


def neighbour_graph(
    vectors: np.ndarray,
    kind: str = "textrank",
    nearest: tuple[np.ndarray, np.ndarray] | None = None,
):  # -> scipy.sparse.csr_matrix
    """TextRank's (``textrank``) or LexRank's (``lexrank``) weights on the k-nearest-
    neighbour graph, made symmetric (an edge when either end lists the other).
    ``nearest``: the (ids, cosines) of :meth:`~summarize.neighbours.Neighbours.nearest`
    when already known."""
    from scipy import sparse

    from ..neighbours import Neighbours

    n = len(vectors)
    ids, cosines = nearest if nearest is not None else Neighbours(vectors).nearest()
    typical = sampled_cosines(vectors)
    if kind == "lexrank":
        weights = (cosines >= float(np.percentile(typical, 75))).astype(np.float64)
    else:
        weights = np.clip(cosines.astype(np.float64) - float(np.median(typical)), 0.0, None)
    rows = np.repeat(np.arange(n), ids.shape[1])
    graph = sparse.csr_matrix((weights.ravel(), (rows, ids.ravel())), shape=(n, n))
    graph = graph.maximum(graph.T).tocsr()  # no self-loops: nearest() leaves a row's own id out
    graph.eliminate_zeros()
    return graph


def sparse_pagerank(
    weights, personalization: np.ndarray | None = None, *, alpha: float = PAGERANK_ALPHA
) -> np.ndarray:
    """:func:`pagerank` on a scipy sparse matrix (the same iteration, the same fallback)."""
    n = weights.shape[0]
    if n == 0:
        return np.zeros(0)
    if n == 1:
        return np.ones(1)
    jump = _jump(n, personalization)
    out_weight = np.asarray(weights.sum(axis=1)).ravel()
    dangling = out_weight == 0
    scale = np.divide(1.0, out_weight, out=np.zeros(n), where=~dangling)
    step_t = weights.multiply(scale[:, None]).T.tocsr()  # x @ step == step.T @ x
    return _power(lambda x: step_t @ x, dangling, jump, alpha, out_weight)


def _power(
    walk: Callable[[np.ndarray], np.ndarray],
    dangling: np.ndarray,
    jump: np.ndarray,
    alpha: float,
    out_weight: np.ndarray,
) -> np.ndarray:
    """The power iteration of PageRank, for the dense and the sparse graph alike (``walk``:
    one step of the walk); the weighted degrees if it does not converge."""
    n = len(jump)
    x = np.full(n, 1.0 / n)
    for _ in range(2000):
        last = x
        x = alpha * (walk(x) + last[dangling].sum() * jump) + (1 - alpha) * jump
        if np.abs(x - last).sum() < n * PAGERANK_TOL:
            return x
    return out_weight / out_weight.sum() if out_weight.sum() > 0 else np.full(n, 1.0 / n)


def _jump(n: int, personalization: np.ndarray | None) -> np.ndarray:
    """Where the random surfer lands: the personalisation normalised, else uniform."""
    if personalization is not None and float(personalization.sum()) > 0:
        return np.asarray(personalization, dtype=np.float64) / float(personalization.sum())
    return np.full(n, 1.0 / n)
