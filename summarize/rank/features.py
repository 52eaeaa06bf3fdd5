"""What the learned scorer sees of each candidate sentence: language-independent numbers.

Every feature comes from the sentence's place in the article, its vector, the words it
shares with the title and the article, or the shape of its characters (digits, capitals,
quote marks), never from a word list of some language, so a scorer
fitted on Vietnamese news applies to any language the model covers. Features that
compare sentences within one article are also given relative to the article (z-score,
rank), because an encoder's cosines have a different typical level in every article.

:data:`FEATURES` names the columns in order; :data:`GROUPS` maps each column to the
group the ablation in ``docs/ranking.md`` removes at once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..neighbours import Neighbours, use_sparse
from .graph import neighbour_graph, pagerank, sparse_pagerank, textrank_weights

CENTRALITY_ALPHA = 0.85
_WORD = re.compile(r"[^\W_]+")
# A whitespace-separated word with a digit. Every match starts a word (it runs to the
# word's end); the look-behind says so, so a word without a digit fails at once at each
# of its letters instead of being rescanned from each (the same matches, twice as fast).
_DIGIT_WORD = re.compile(r"(?<!\S)[^\s\d]*\d\S*")
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
    ("lead_cos", "lead"),
    ("lead_z", "lead"),
    ("centrality", "centrality"),
    ("centrality_rank", "centrality"),
    ("novelty", "redundancy"),
    ("title_words", "lexical"),
    ("title_words_z", "lexical"),
    ("shared_words", "lexical"),
    ("shared_words_z", "lexical"),
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
# The columns that read the title; without one they are all zeros, and a scorer fitted
# with them leans on them (it fell below LEAD-3), so untitled text has a scorer without.
TITLE_FEATURES = ("title_cos", "title_z", "title_rank", "title_words", "title_words_z")
UNTITLED_FEATURES = tuple(name for name in FEATURES if name not in TITLE_FEATURES)


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
    title: str | None = None


def has_title(title: str | None, title_vector: np.ndarray | None = None) -> bool:
    """Whether an article has a title to compare its sentences with (its text or its
    vector): the one test that picks the titled or the untitled scorer."""
    if title and title.strip():
        return True
    return title_vector is not None and bool(np.any(title_vector))


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
    cols.update(_title(vecs, ctx.title_vector))
    cols.update(_centroid(vecs))
    if use_sparse(n):  # a long document: the same features without the n x n matrix
        cols.update(_sparse_features(vecs, pos))
    else:
        sims = np.clip(vecs @ vecs.T, -1.0, 1.0) if n else np.zeros((0, 0))
        if n:
            np.fill_diagonal(sims, 0.0)
        cols.update(_lead(sims, pos))
        cols.update(_centrality(sims))
        cols["novelty"] = _novelty(sims, pos)
    cols.update(_surface(ctx.texts))
    cols.update(_lexical(ctx.texts, ctx.title))
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


LEAD_SENTENCES = 3


def _lead(sims: np.ndarray, pos: np.ndarray) -> dict[str, np.ndarray]:
    """Mean similarity to the article's own lead (its first sentences, itself left out):
    a publisher's summary restates the lead, and the lead is where the news is."""
    n = len(sims)
    others = (pos < LEAD_SENTENCES)[None, :] & ~np.eye(n, dtype=bool)
    count = others.sum(axis=1)
    total = np.where(others, sims, 0.0).sum(axis=1)
    out = np.divide(total, count, out=np.zeros(n), where=count > 0)
    return {"lead_cos": out, "lead_z": _zscore(out)}


def _centrality(sims: np.ndarray) -> dict[str, np.ndarray]:
    """PageRank on TextRank's graph with a uniform jump and the classic damping (0.85):
    centrality alone, without the news prior the textrank method adds."""
    n = len(sims)
    pr = pagerank(textrank_weights(sims), alpha=CENTRALITY_ALPHA) * n if n else np.zeros(0)
    return {"centrality": pr, "centrality_rank": _rank01(pr)}


def _novelty(sims: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """1 minus the highest similarity to any earlier sentence: does it add something new?"""
    earlier = pos[None, :] < pos[:, None]
    if not earlier.any():
        return np.ones(len(sims))
    highest = np.where(earlier, sims, -np.inf).max(axis=1)
    return np.where(earlier.any(axis=1), 1.0 - highest, 1.0)


def _sparse_features(vecs: np.ndarray, pos: np.ndarray) -> dict[str, np.ndarray]:
    """Lead similarity, centrality and novelty of a long document, in O(n) memory.

    Lead: the similarity to the lead sentences is n x (a few) columns, exact. Centrality:
    PageRank on TextRank's weights over the k-nearest-neighbour graph
    (:func:`.graph.neighbour_graph`). Novelty: the highest similarity to an earlier
    sentence is the nearest earlier neighbour when one is among the k nearest (then no
    farther earlier sentence can be closer); the other rows are computed exactly,
    against their earlier sentences, a block at a time.
    """
    n = len(vecs)
    lead = np.flatnonzero(pos < LEAD_SENTENCES)
    to_lead = np.clip(vecs @ vecs[lead].T, -1.0, 1.0)
    to_lead[lead, np.arange(len(lead))] = 0.0
    count = np.full(n, float(len(lead))) - np.isin(np.arange(n), lead)
    out = np.divide(to_lead.sum(axis=1), count, out=np.zeros(n), where=count > 0)
    cols = {"lead_cos": out, "lead_z": _zscore(out)}
    ids, cosines = Neighbours(vecs).nearest()
    pr = sparse_pagerank(neighbour_graph(vecs, nearest=(ids, cosines)), alpha=CENTRALITY_ALPHA)
    cols.update({"centrality": pr * n, "centrality_rank": _rank01(pr * n)})
    earlier = pos[ids] < pos[:, None]
    found = earlier.any(axis=1)
    first = np.argmax(earlier, axis=1)  # nearest first: the first earlier one is the closest
    highest = np.full(n, -np.inf)
    rows = np.flatnonzero(found)
    highest[rows] = np.clip(
        np.einsum("ij,ij->i", vecs[rows], vecs[ids[rows, first[rows]]]), -1.0, 1.0
    )
    for lo in range(0, int((~found).sum()), 256):  # no earlier one among the neighbours
        block = np.flatnonzero(~found)[lo : lo + 256]
        sims = np.clip(vecs[block] @ vecs.T, -1.0, 1.0)
        sims[np.arange(len(block)), block] = 0.0
        sims[pos[None, :] >= pos[block][:, None]] = -np.inf
        highest[block] = sims.max(axis=1)
    novelty = np.where(np.isfinite(highest), 1.0 - highest, 1.0)
    cols["novelty"] = novelty
    return cols


def _words_of(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _lexical(texts: Sequence[str], title: str | None) -> dict[str, np.ndarray]:
    """Wording shared with the title and with the rest of the article.

    Words are runs of letters and digits in any script (so this holds wherever words are
    written apart: Vietnamese syllables, English, Russian...). ``title_words``: the share
    of the title's words the sentence has; ``shared_words``: the share of the sentence's
    words that other sentences use too (the article's recurring vocabulary).
    """
    n = len(texts)
    words = [_words_of(t) for t in texts]
    head = _words_of(title) if title else set()
    tw = np.array([len(w & head) / len(head) if head else 0.0 for w in words])
    counts = Counter(chain.from_iterable(words))
    once = {x for x, c in counts.items() if c == 1}  # a sentence's other words recur
    shared = np.array([(len(w) - len(w & once)) / len(w) if w else 0.0 for w in words])
    return {
        "title_words": tw,
        "title_words_z": _zscore(tw) if n else tw,
        "shared_words": shared,
        "shared_words_z": _zscore(shared) if n else shared,
    }


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
    digits = len(_DIGIT_WORD.findall(text)) / count
    # Capitalised words after the first: names and places in any cased script.
    capitals = sum([w[:1].isupper() for w in words[1:]]) / count
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
