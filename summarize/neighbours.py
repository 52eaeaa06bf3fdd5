"""Nearest neighbours by cosine, for documents too long for an all-pairs matrix.

Why: ranking (the similarity graph, the learned scorer's centrality and novelty, MMR)
and the duplicate search by meaning compared every pair of sentences of a document: n²
time and an n × n matrix (tens of thousands of sentences need gigabytes). Above
:data:`SPARSE_ABOVE` items they read a document's nearest neighbours instead, from an
HNSW index (hnswlib, as the digest's story clusters do): a k-NN graph for ranking, and
for duplicates every neighbour at or above the decision's floor cosine (a range search
by growing k), which is what the all-pairs path keeps of a pair. At or below the
threshold (every normal article: a long one has a few hundred sentences) nothing here
runs and the output is the exact path's, byte for byte.

The index is built with one thread and a fixed seed, so a run repeats itself.
"""

from __future__ import annotations

import numpy as np

# Items (sentences, paragraphs) above which the sparse paths run. The longest article of
# the development data has ~400 sentences; 3,000 keeps every article (and a long report)
# exact while an n × n float64 matrix is still only 72 MB.
SPARSE_ABOVE = 3000
# Neighbours per sentence in the ranking graph.
GRAPH_NEIGHBOURS = 32
# Rounding room between hnswlib's float32 inner product and the exact one that decides.
_MARGIN = 1e-3


def use_sparse(n: int) -> bool:
    """True when ``n`` items take the neighbour paths rather than all pairs."""
    return n > SPARSE_ABOVE


class Neighbours:
    """An HNSW index over unit-length rows; queries return exact-ish cosines."""

    def __init__(self, vectors: np.ndarray) -> None:
        import hnswlib

        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = self.vectors.shape
        self.index = hnswlib.Index(space="ip", dim=dim)
        self.index.init_index(max_elements=max(n, 1), ef_construction=100, M=16, random_seed=1)
        self.index.set_num_threads(1)  # one thread: the same graph every run
        if n:
            self.index.add_items(self.vectors, np.arange(n))

    def _query(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        self.index.set_ef(max(2 * k, 64))
        labels, distances = self.index.knn_query(self.vectors[rows], k=k)
        return labels.astype(np.int64), (1.0 - distances).astype(np.float32)

    def nearest(self, k: int = GRAPH_NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
        """(ids, cosines), both n × min(k, n - 1): each row's nearest other rows,
        nearest first (a row's own id is dropped)."""
        n = len(self.vectors)
        take = min(k + 1, n)
        if take < 2:
            return np.zeros((n, 0), np.int64), np.zeros((n, 0), np.float32)
        labels, cosines = self._query(np.arange(n), take)
        keep = labels != np.arange(n)[:, None]
        missing = keep.all(axis=1)  # self not returned (a tie): drop the farthest instead
        keep[missing, -1] = False
        width = take - 1
        return labels[keep].reshape(n, width), cosines[keep].reshape(n, width)

    def above(self, floor: float, start: int = 16) -> list[np.ndarray]:
        """Each row's other rows with a cosine of ``floor`` or more (less a rounding
        margin), ascending ids: k grows for the rows whose k-th neighbour still passes."""
        n = len(self.vectors)
        out: list[np.ndarray] = [np.zeros(0, np.int64)] * n
        todo, k = np.arange(n), start
        while len(todo) and n > 1:
            take = min(k + 1, n)
            labels, cosines = self._query(todo, take)
            passes = cosines >= floor - _MARGIN
            more = passes[:, -1] & (take < n)
            for r in np.flatnonzero(~more).tolist():
                i = int(todo[r])
                found = labels[r][passes[r] & (labels[r] != i)]
                out[i] = np.sort(found)
            todo, k = todo[more], k * 4
        return out
