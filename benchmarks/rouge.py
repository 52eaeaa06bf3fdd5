"""Syllable-level ROUGE-1/2/L F1 with a tokenizer that keeps every letter.

Why not the common ``rouge_score`` package: its default tokenizer lowercases the
text and then replaces every character outside ``[a-z0-9]`` with a space. Every
Vietnamese letter with a diacritic (ă â đ ê ô ơ ư and all tone-marked vowels) is
deleted, so "Đảng bộ tỉnh" becomes the tokens "ng", "b", "t", "nh", and scores
measure leftover ASCII fragments: two summaries that share no Vietnamese word can
still overlap on "ng" and "nh". Texts in NFD (tone marks as separate combining
characters, common in scraped news) would break differently again from NFC ones.

Here text is NFC-normalised and case-folded, and a token is a maximal run of
letters, digits and combining marks of any script (Unicode categories L, N, M), so
a Vietnamese syllable is one token and Hindi or Thai words keep their vowel signs.
Vietnamese writes syllables apart, so these are syllable-level scores, the usual
unit for Vietnamese ROUGE; no word segmenter is involved.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence


def tokens(text: str) -> list[str]:
    out, cur = [], []
    for ch in unicodedata.normalize("NFC", text.casefold()):
        if unicodedata.category(ch)[0] in "LNM":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return [unicodedata.normalize("NFC", t) for t in out]


def _ngrams(toks: Sequence[str], n: int) -> Counter:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def _f1(overlap: float, cand: int, ref: int) -> float:
    if cand == 0 or ref == 0 or overlap == 0:
        return 0.0
    p, r = overlap / cand, overlap / ref
    return 2 * p * r / (p + r)


def rouge_n(candidate: str, reference: str, n: int) -> float:
    c, r = _ngrams(tokens(candidate), n), _ngrams(tokens(reference), n)
    return _f1(sum((c & r).values()), sum(c.values()), sum(r.values()))


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: str, reference: str) -> float:
    c, r = tokens(candidate), tokens(reference)
    return _f1(_lcs(c, r), len(c), len(r))


def rouge(candidate: str, references: str | Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1; with several references, the mean over references."""
    refs = [references] if isinstance(references, str) else list(references)
    out = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for ref in refs:
        out["rouge1"] += rouge_n(candidate, ref, 1) / len(refs)
        out["rouge2"] += rouge_n(candidate, ref, 2) / len(refs)
        out["rougeL"] += rouge_l(candidate, ref) / len(refs)
    return out
