"""Query-focused ranking: the sentences that answer a question come first.

e5 was trained for retrieval with asymmetric prompts: the question as ``query: ...``
and the text that answers it as ``passage: ...``. The pipeline embeds sentences with
the ``query`` prompt (for duplicates); a query-focused summary embeds its candidates
once more as passages and ranks them by cosine with the query. The article's own
ranking only breaks near-ties among relevant sentences (its weight is small), so a
sentence from another story in the same text never outranks one that answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..embed import Encoder

QUERY_PROMPT = "query"
PASSAGE_PROMPT = "passage"
GENERIC_WEIGHT = 0.2  # of the article's own ranking, both as z-scores


def _z(x: np.ndarray) -> np.ndarray:
    sd = float(x.std()) if len(x) > 1 else 0.0
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x, dtype=np.float64)


def relevance(encoder: Encoder, query: str, texts: Sequence[str]) -> np.ndarray:
    """Cosine of each text (as a passage) with the query."""
    passages = encoder.encode(list(texts), prompt_name=PASSAGE_PROMPT)
    q = encoder.encode([query], prompt_name=QUERY_PROMPT)[0]
    return passages @ q


def focus(relevance: np.ndarray, generic: np.ndarray) -> np.ndarray:
    """Relevance to the query first, the article's own ranking as a tie-breaker."""
    return _z(np.asarray(relevance, np.float64)) + GENERIC_WEIGHT * _z(np.asarray(generic, float))
