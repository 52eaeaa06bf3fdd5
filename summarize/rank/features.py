"""What the learned scorer sees of each candidate sentence: language-independent numbers.

Every feature comes from the sentence's place in the article, its vector, or the shape
of its characters (digits, capitals, quote marks), never from a word list, so a scorer
fitted on Vietnamese news applies to any language the model covers. Features that
compare sentences within one article are also given relative to the article (z-score,
rank), because an encoder's cosines have a different typical level in every article.

:data:`FEATURES` names the columns in order; :data:`GROUPS` maps each column to the
group the ablation in ``docs/ranking.md`` removes at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .graph import pagerank, textrank_weights

CENTRALITY_ALPHA = 0.85
QUOTES = '"“”«»„'
_OPEN_QUOTES = "\"“«„'‘"

# (name, group); the order is the column order of the matrix.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("first", "position"),
    ("second", "position"),
    ("third", "position"),
    ("inv_position", "position"),
    ("log_position", "position"),
    ("relative_position", "position"),
    ("paragraph_start", "position"),
    ("log_candidates", "position"),
    ("title_cos", "title"),
    ("title_z", "title"),
    ("title_rank", "title"),
    ("centroid_cos", "centroid"),
    ("centroid_z", "centroid"),
    ("centrality", "centrality"),
    ("centrality_rank", "centrality"),
    ("novelty", "redundancy"),
    ("log_words", "length"),
    ("short", "length"),
    ("digits", "content"),
    ("capitals", "content"),
    ("quoted", "content"),
    ("opens_with_quote", "content"),
    ("ends_with_colon", "content"),
    ("question", "content"),
)
FEATURES = tuple(name for name, _ in COLUMNS)
GROUPS = tuple(dict.fromkeys(group for _, group in COLUMNS))


@dataclass(frozen=True)
class Context:
    """One article's candidates: texts in document order and what selection knows of them.

    ``positions``: each candidate's rank among its article's candidates;
    ``paragraph_starts``: whether it opens its paragraph (None: unknown, all False).
    """

    texts: Sequence[str]
    vectors: np.ndarray
    title_vector: np.ndarray | None = None
    positions: Sequence[int] | None = None
    paragraph_starts: Sequence[bool] | None = None


def feature_matrix(ctx: Context) -> np.ndarray:
    """One row per candidate, one column per entry of :data:`FEATURES` (float64)."""
    n = len(ctx.texts)
    pos = (
        np.arange(n, dtype=np.float64)
        if ctx.positions is None
        else np.asarray(ctx.positions, float)
    )
    cols: dict[str, np.ndarray] = {}
    cols.update(_position(pos, ctx.paragraph_starts, n))
    vecs = np.asarray(ctx.vectors, dtype=np.float64)
    sims = np.clip(vecs @ vecs.T, -1.0, 1.0) if n else np.zeros((0, 0))
    if n:
        np.fill_diagonal(sims, 0.0)
    cols.update(_title(vecs, ctx.title_vector))
    cols.update(_centroid(vecs))
    cols.update(_centrality(sims))
    cols["novelty"] = _novelty(sims, pos)
    cols.update(_surface(ctx.texts))
    return np.column_stack([cols[name] for name in FEATURES]) if n else np.zeros((0, len(FEATURES)))


def _position(pos: np.ndarray, starts: Sequence[bool] | None, n: int) -> dict[str, np.ndarray]:
    last = max(float(pos.max()) if n else 0.0, 1.0)
    return {
        "first": (pos == 0).astype(float),
        "second": (pos == 1).astype(float),
        "third": (pos == 2).astype(float),
        "inv_position": 1.0 / (1.0 + pos),
        "log_position": np.log1p(pos),
        "relative_position": pos / last,
        "paragraph_start": np.zeros(n) if starts is None else np.asarray(starts, float),
        "log_candidates": np.full(n, np.log1p(last + 1)),
    }


def _zscore(x: np.ndarray) -> np.ndarray:
    sd = float(x.std()) if len(x) > 1 else 0.0
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)


def _rank01(x: np.ndarray) -> np.ndarray:
    """1 for the highest value, falling to 0 for the lowest (ties keep document order)."""
    n = len(x)
    if n < 2:
        return np.ones(n)
    order = np.argsort(-x, kind="stable")
    out = np.empty(n)
    out[order] = 1.0 - np.arange(n) / (n - 1)
    return out


def _title(vecs: np.ndarray, title: np.ndarray | None) -> dict[str, np.ndarray]:
    n = len(vecs)
    if title is None or n == 0 or not np.any(title):
        zero = np.zeros(n)
        return {"title_cos": zero, "title_z": zero, "title_rank": zero}
    t = np.asarray(title, dtype=np.float64)
    cos = vecs @ (t / (np.linalg.norm(t) or 1.0))
    return {"title_cos": cos, "title_z": _zscore(cos), "title_rank": _rank01(cos)}


def _centroid(vecs: np.ndarray) -> dict[str, np.ndarray]:
    c = vecs.sum(axis=0) if len(vecs) else np.zeros(1)
    cos = vecs @ (c / (np.linalg.norm(c) or 1.0)) if len(vecs) else np.zeros(0)
    return {"centroid_cos": cos, "centroid_z": _zscore(cos)}


def _centrality(sims: np.ndarray) -> dict[str, np.ndarray]:
    """PageRank on TextRank's graph with a uniform jump and the classic damping (0.85):
    centrality alone, without the news prior the textrank method adds."""
    n = len(sims)
    pr = pagerank(textrank_weights(sims), alpha=CENTRALITY_ALPHA) * n if n else np.zeros(0)
    return {"centrality": pr, "centrality_rank": _rank01(pr)}


def _novelty(sims: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """1 minus the highest similarity to any earlier sentence: does it add something new?"""
    n = len(sims)
    out = np.ones(n)
    for i in range(n):
        earlier = pos < pos[i]
        if earlier.any():
            out[i] = 1.0 - float(sims[i, earlier].max())
    return out


def _surface(texts: Sequence[str]) -> dict[str, np.ndarray]:
    rows = [_shape(t) for t in texts]
    names = ("log_words", "short", "digits", "capitals", "quoted", "opens_with_quote",
             "ends_with_colon", "question")  # fmt: skip
    if not rows:
        return {k: np.zeros(0) for k in names}
    arr = np.array(rows, dtype=np.float64)
    return {k: arr[:, i] for i, k in enumerate(names)}


def _shape(text: str) -> tuple[float, ...]:
    words = text.split()
    count = max(len(words), 1)
    digits = sum(any(c.isdigit() for c in w) for w in words) / count
    # Capitalised words after the first: names and places in any cased script.
    capitals = sum(w[:1].isupper() for w in words[1:]) / count
    stripped = text.strip()
    return (
        float(np.log1p(len(words))),
        float(len(words) < 8),
        digits,
        capitals,
        float(any(q in text for q in QUOTES)),
        float(stripped[:1] in _OPEN_QUOTES),
        float(stripped.endswith(":")),
        float(stripped.rstrip(QUOTES + "'’ ").endswith("?")),
    )
