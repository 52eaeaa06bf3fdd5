"""Query-focused ranking: the sentences that answer a question come first.

e5 was trained for retrieval with asymmetric prompts: the question as ``query: ...``
and the text that answers it as ``passage: ...``. The pipeline embeds sentences with
the ``query`` prompt (for duplicates); a query-focused summary embeds its candidates
once more as passages and ranks them by cosine with the query. The article's own
ranking only breaks near-ties among relevant sentences (its weight is small), so a
sentence from another story in the same text never outranks one that answers.

Whether anything answers at all is told apart from what an unrelated question gets on the
same sentences: e5's cosines sit high for any pair (0.77-0.89 for a query on another
topic), so a fixed bar would depend on the model and the article. :data:`UNRELATED`
queries on topics far apart are asked of the same passages; the median of their best
cosines is the level no relevance reaches (one of them may be on the article's topic, the
median ignores it). The query matched when its best sentence is above that level by
:data:`MATCH_MARGIN` of what is left up to 1 (docs/ranking.md has the measurements).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..dedup.language import has_vietnamese_marks

if TYPE_CHECKING:
    from ..embed import Encoder

QUERY_PROMPT = "query"
PASSAGE_PROMPT = "passage"
GENERIC_WEIGHT = 0.2  # of the article's own ranking, both as z-scores
# Queries on eight topics news keeps apart: what an unrelated question gets (their median).
# Asked in the query's language: e5 gives a question in another language than the text
# lower cosines, so Vietnamese references under an English query on English text set the
# bar too low (measured on BBC: 55% of off-topic English queries "matched"; docs/ranking.md).
UNRELATED = {
    "vi": (
        "giá vàng hôm nay", "kết quả bóng đá", "thời tiết ngày mai", "lãi suất ngân hàng",
        "điện thoại thông minh mới", "tai nạn giao thông", "phim ca nhạc giải trí",
        "bệnh viện y tế",
    ),
    "en": (
        "gold price today", "football results", "weather tomorrow", "bank interest rates",
        "new smartphone", "traffic accident", "film and music entertainment",
        "hospital and health care",
    ),
}  # fmt: skip
# Share of the way from the unrelated level to 1 the best sentence must be. Measured on
# 150 baomoi articles and the 5 samples (default int8 model): each article's title cut to
# 4 words matched 154 of 155 times, another article's title was unmatched 136 of 155
# (most of the rest on a kindred topic); docs/ranking.md.
MATCH_MARGIN = 0.08


def _z(x: np.ndarray) -> np.ndarray:
    sd = float(x.std()) if len(x) > 1 else 0.0
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x, dtype=np.float64)


@dataclass(frozen=True)
class Relevance:
    """Each text's cosine with the query, and the level unrelated queries reach."""

    scores: np.ndarray = field(repr=False)
    unrelated: float  # median over UNRELATED of each one's best cosine with the texts

    @property
    def best(self) -> float:
        return float(self.scores.max()) if len(self.scores) else self.unrelated

    @property
    def margin(self) -> float:
        """How far the best text is above the unrelated level, as a share of what is left
        up to 1: 0 at the level an unrelated question reaches, 1 for a perfect match.
        Given to users, so that a monitoring filter can be stricter than :attr:`matched`."""
        room = 1.0 - self.unrelated
        return (self.best - self.unrelated) / room if room > 1e-9 else 0.0

    @property
    def matched(self) -> bool:
        """Some text answers the query better than an unrelated question is answered."""
        return self.margin >= MATCH_MARGIN


def unrelated_queries(query: str, texts: Sequence[str] = ()) -> tuple[str, ...]:
    """The reference queries in the query's language: Vietnamese when it is written like
    Vietnamese, else English (the model's other main language). A query without a letter
    ("2024") has no language: the text's first sentences decide."""
    asked = query if any(ch.isalpha() for ch in query) else " ".join(texts[:5])
    return UNRELATED["vi" if has_vietnamese_marks(asked) else "en"]


def relevance(encoder: Encoder, query: str, texts: Sequence[str]) -> Relevance:
    """Cosine of each text (as a passage) with the query, and with unrelated queries."""
    passages = encoder.encode(list(texts), prompt_name=PASSAGE_PROMPT)
    q = encoder.encode([query, *unrelated_queries(query, texts)], prompt_name=QUERY_PROMPT)
    cos = passages @ q.T
    return Relevance(cos[:, 0], float(np.median(cos[:, 1:].max(axis=0))))


def focus(relevance: np.ndarray, generic: np.ndarray) -> np.ndarray:
    """Relevance to the query first, the article's own ranking as a tie-breaker."""
    return _z(np.asarray(relevance, np.float64)) + GENERIC_WEIGHT * _z(np.asarray(generic, float))
