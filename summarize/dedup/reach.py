"""Which sentences of a document can take part in a duplicate found by meaning.

Why: the scoped pipeline (``SummaryConfig.embed_scope == "screened"``) embeds only the
sentences whose vector can change a decision. A pair is judged by meaning only when
both sentences have :attr:`~.engine.DedupConfig.min_semantic_words` words, their
shingle Jaccard reaches the decision's ``min_overlap`` and no text signal decides it
first; and the calibrated decision (:class:`~.decision.PairDecision`) is monotone in
the cosine, so a pair that would not reach the threshold even at a cosine of
:data:`CEILING` (its wording already says "two statements") never needs a vector.
Embedding both sentences of every other such pair gives the engine the same decisions as
embedding everything, save for pairs of different wording whose vectors would be closer
than :data:`CEILING`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

from ..types import Document
from .decision import SCORE_LIMIT, pair_features, unshared_words
from .engine import DedupConfig
from .facts import Facts, facts, same_values
from .signals import shingles

# Above this many live sentences the pairwise scan is not worth it: embed them all
# (a long document is not the bulk case the scope is for).
MAX_SENTENCES = 400
# The highest cosine two differently worded sentences of one article are expected to
# reach (default model). Measured on the first 300 raw baomoi articles: of the 808 pairs
# the decision would call duplicates only at a cosine above 0.97, none reached it (the
# closest fell 0.019 short); at 1.0 the scope embeds 2.0 times as many pair sentences
# (docs/speed.md, "Bulk default"). ``ceiling=1.0`` gives the exact bound.
CEILING = 0.98


def in_reach(
    doc: Document, live: Sequence[int], config: DedupConfig, ceiling: float = CEILING
) -> set[int] | None:
    """Sentence indices (among ``live``, the sentences compared at all) that belong to
    a pair the decision by meaning could call a duplicate; None: every one may (a
    decision that does not rise with the cosine, cross-lingual pairs, or too many
    sentences to scan)."""
    sents = [doc.sentences[i] for i in live]
    found = reaching([s.key for s in sents], [s.text for s in sents], config, ceiling)
    return None if found is None else {sents[k].index for k in found}


def reaching(
    keys: Sequence[str], texts: Sequence[str], config: DedupConfig, ceiling: float = CEILING
) -> set[int] | None:
    """:func:`in_reach` on items given by match key and text: positions in ``keys``."""
    if config.semantic is None:
        return set()
    if config.cross_lingual is not None or len(keys) > MAX_SENTENCES:
        return None
    d = config.decision
    # The decisions that bound a pair at the ceiling cosine: those that rise with it (a
    # stacked one may not, its gate does; both must pass).
    bounding = [x for x in (d, d.gate if d is not None else None) if x is not None]
    bounding = [x for x in bounding if x.weights[0] > 0]
    if d is not None and not bounding:
        return None  # a decision that does not rise with the cosine: no bound
    overlap = d.min_overlap if d is not None else config.min_semantic_overlap
    # A vector score at its most favourable (its bound): no vector is read here.
    best = None
    if d is not None and d.uses_vectors:
        w = d.weights[d.features.index("vector_score")]
        best = SCORE_LIMIT if w > 0 else -SCORE_LIMIT
    eligible = [
        k for k, key in enumerate(keys) if key and len(key.split()) >= config.min_semantic_words
    ]
    grams = {k: shingles(keys[k]) for k in eligible}
    known: dict[int, Facts] = {}
    found: set[int] = set()
    for p, q in combinations(eligible, 2):
        a, b = grams[p], grams[q]
        if keys[p] == keys[q] or not a or not b:
            continue
        inter = len(a & b)
        jac = inter / (len(a) + len(b) - inter)
        if jac < overlap or jac >= config.near_exact:
            continue  # never compared by meaning, or decided by the text signal
        if d is not None:
            for k in (p, q):
                if k not in known:
                    known[k] = facts(texts[k])
            small, large = sorted((len(a), len(b)))
            x = pair_features(
                ceiling, jac, inter / small, small / large, same_values(known[p], known[q]),
                unshared_words(keys[p], keys[q]), best,
            )  # fmt: skip
            if not all(float(b.logit(x)) >= _need(b) for b in bounding):
                continue  # not a duplicate even at the ceiling cosine
        found.update((p, q))
    return found


def _need(decision) -> float:
    """The log-odds a pair needs to reach ``decision``'s threshold."""
    return math.log(decision.threshold / (1.0 - decision.threshold))
