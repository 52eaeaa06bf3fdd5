"""Which language or script an item is in, for cross-lingual duplicates only.

All the engine needs to know is whether two items can be compared by their wording:
shingles of a Vietnamese sentence and of its English translation share nothing,
so such a pair is decided by its vectors alone. That needs no language model: the
Unicode script of the letters tells Latin from Cyrillic, Greek, Arabic, Han, and so
on; and inside the Latin script, Vietnamese is told apart by letters no other
language writes. Breve, horn and the hook above and dot below tones (ă ơ ư đ ả ạ ệ
...) mark most Vietnamese syllables of any length and are absent from English,
French or German text, so a sentence with such letters in a fifth or more of its
words is Vietnamese and one with none is "latin". A general language identifier
(langid, fastText, lingua) would add a model and tens of milliseconds per thousand
sentences and still guess on short headlines; it would also tell English from
French, which this step does not need (the two share no wording either way, and
with ``cross_lingual`` they would still be compared by vectors if told apart).

Anything in between, or too short to say, is "": unknown, compared like any other
item (by wording first), because a wrong "different language" would let the vectors
alone decide a pair of sentences in one language.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["VIETNAMESE", "script"]

VIETNAMESE = "vi"
LATIN = "latin"
_MIN_WORDS = 3  # fewer: too short to tell (a name, a number, "OK")
# Vietnamese: a fifth of the words with a mark only Vietnamese writes, or half with any
# mark (most syllables carry one). Latin (English...): a third of the words marked at
# most, the names in "Prime Minister Nguyễn Xuân Phúc said on Monday".
_ONLY_SHARE, _MARKED_SHARE, _FOREIGN_SHARE = 0.2, 0.5, 0.34
# Marks only Vietnamese puts on Latin letters: breve, horn, hook above, dot below; and
# (in _letter) two marks on one letter ("ấ", "ề") or a tilde on i, u, y or e.
_MARKS = {"\u0306", "\u031b", "\u0309", "\u0323"}


def script(text: str) -> str:
    """ "vi", "latin", another script's name in lower case ("cyrillic", "cjk"), or ""."""
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    if len(words) < _MIN_WORDS:
        return ""
    counts: dict[str, int] = {}
    marked = only = 0  # words with a mark, and with a mark only Vietnamese writes
    for word in words:
        flags = 0
        for ch in word:
            if ch.isalpha():
                name, flag = _letter(ch)
                counts[name] = counts.get(name, 0) + 1
                flags |= flag
        marked += flags > 0
        only += flags > 1
    main = max(counts, key=counts.__getitem__)
    if main != LATIN:
        return main if counts[main] >= 0.8 * sum(counts.values()) else ""
    n = len(words)
    if only >= _ONLY_SHARE * n or marked >= _MARKED_SHARE * n:
        return VIETNAMESE
    return LATIN if only < _ONLY_SHARE * n and marked <= _FOREIGN_SHARE * n else ""


@lru_cache(maxsize=8192)
def _letter(ch: str) -> tuple[str, int]:
    """(script, 0 plain / 1 marked / 2 marked as only Vietnamese marks a letter)."""
    if ch in "đĐ":
        return LATIN, 2
    if ch < "\u0250" or "\u1e00" <= ch <= "\u1eff":  # Latin, Latin Extended Additional
        base, *marks = unicodedata.normalize("NFD", ch)
        if set(marks) & _MARKS or len(marks) > 1 or (marks == ["\u0303"] and base in "iuyeIUYE"):
            return LATIN, 2
        return LATIN, 1 if marks else 0
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0].lower() if name else "other"
    return {"hiragana": "japanese", "katakana": "japanese"}.get(first, first), 0
