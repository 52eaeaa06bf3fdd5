"""Stage 6, select: from scores to a summary within the budget (MMR, dangling-reference
guard), and the position prior the news methods share."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Openers that point back to something said before. A sentence that starts with
# one makes no sense on its own in a summary.
_DANGLING = re.compile(
    r"^(?:tuy nhiên|tuy vậy|đó là|đó cũng|đây là|đây cũng|ông này|bà này|ông ấy|"
    r"bà ấy|anh ấy|chị ấy|theo đó|do đó|vì vậy|vì thế|bởi vậy|nhờ vậy|nhờ đó|từ đó|qua đó|"
    r"ngoài ra|bên cạnh đó|trong khi đó|mặt khác|hơn nữa|thêm vào đó|điều này|việc này|"
    r"những (?:kết quả|việc làm|điều) (?:này|trên|đó)|kết quả (?:này|đó|trên)|cũng (?:theo|trong)|"
    r"cụ thể|đặc biệt|nhưng|do vậy|chính vì|với (?:kết quả|những) (?:này|trên|đó))\b",
    re.IGNORECASE,
)


# "Đồng chí Ngô Hồng Quân cho biết" names its subject; "Đồng chí tham gia..." does not.
_UNNAMED_TITLE = re.compile(r"^(?:đồng chí|ông|bà|anh|chị)\s+(\w)", re.IGNORECASE)


def is_dangling(text: str) -> bool:
    """True if the sentence opens by pointing back at an earlier one."""
    head = text.lstrip(" “\"'‘(-–—•")
    if _DANGLING.match(head):
        return True
    m = _UNNAMED_TITLE.match(head)
    return bool(m) and m.group(1).islower() and head[:1].isupper()


@dataclass
class Choice:
    chosen: list[int]  # candidate positions, in the order they were picked
    dangling: list[int]  # candidates that lost their place for lack of antecedent
    over_budget: list[int]  # candidates skipped because they did not fit the words


def choose(
    scores: np.ndarray,
    sims: np.ndarray,
    texts: Sequence[str],
    limit: int,
    *,
    max_words: int | None = None,
    diversity: float = 0.3,
) -> Choice:
    """Maximal marginal relevance with a word budget and the dangling-reference guard.

    Candidates are positions 0..n-1 in document order. Scores are rescaled to
    [0, 1] so ``diversity`` means the same for every method. A sentence that
    opens by pointing back ("Tuy nhiên", "Theo đó") is taken together with the
    sentence before it when both fit, and is dropped otherwise.
    """
    n = len(texts)
    words = [len(t.split()) for t in texts]
    span = float(scores.max() - scores.min()) if n else 0.0
    rel = (scores - scores.min()) / span if span > 0 else np.ones(n)
    result = Choice([], [], [])
    left = set(range(n))
    used = 0

    def fits(extra: list[int]) -> bool:
        if len(result.chosen) + len(extra) > limit:
            return False
        return max_words is None or used + sum(words[i] for i in extra) <= max_words

    while left and len(result.chosen) < limit:
        best = max(
            sorted(left),
            key=lambda i: (
                (1 - diversity) * rel[i]
                - diversity * max((float(sims[i, j]) for j in result.chosen), default=0.0)
            ),
        )
        left.discard(best)
        take = [best]
        if is_dangling(texts[best]) and best > 0 and best - 1 not in result.chosen:
            take = [best - 1, best]
            if not fits(take):
                result.dangling.append(best)
                continue
            left.discard(best - 1)
        if not fits(take):
            result.over_budget.append(best)
            continue
        result.chosen.extend(take)
        used += sum(words[i] for i in take)
    return result


def position_prior(n: int) -> np.ndarray:
    """News puts the point first: weight decays with position, never to zero."""
    return np.array([1.0 / math.sqrt(1 + i) for i in range(n)])
