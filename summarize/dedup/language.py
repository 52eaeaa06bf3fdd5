"""Which language or script an item is in, for cross-lingual duplicates only.

All the engine needs to know is whether two items can be compared by their wording:
shingles of a Vietnamese sentence and of its English translation share nothing, so
such a pair is decided by its vectors alone. That needs no language model:

- the Unicode script of the letters tells Latin from Cyrillic, Greek, Arabic, Han...;
- inside the Latin script, Vietnamese is told by the marks no other language writes:
  breve, horn, the hook above and dot below tones, two marks on one letter, đ (ă ơ ư ả
  ạ ệ ...). They mark most Vietnamese syllables, so a fifth of the words with one, or
  half of the words with any mark, is Vietnamese;
- English is told by its function words ("the", "of", "said", ...): one in ten words
  and two at least (one in a line of four words or fewer), and few marked words ("Prime
  Minister Nguyễn Xuân Phúc said on Monday").
  Function words matter: inside a Vietnamese article, agency credits ("Duy Anh Theo
  Mashable"), line-ups and lists of names have no marks either, and as "English" they
  would be compared by their vectors alone with every Vietnamese sentence (measured:
  18 false merges in 300 articles without this check).

A general language identifier (langid, fastText, lingua) would add a model and tens of
milliseconds per thousand sentences and still guess on short lines. Other Latin-script
languages are not told apart (only English and Vietnamese are), and anything in between,
or shorter than 3 words, is "": unknown, compared like any other item (by wording
first), because a wrong "different language" would let the vectors alone decide a pair
of sentences in one language.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["ENGLISH", "VIETNAMESE", "dominant", "has_vietnamese_marks", "script"]

VIETNAMESE = "vi"
ENGLISH = "en"
LATIN = "latin"  # a letter's script; no item is tagged so
_MIN_WORDS = 3  # fewer: too short to tell (a name, a number, "OK")
# Vietnamese: a fifth of the words with a mark only Vietnamese writes, or half with any
# mark (most syllables carry one). Latin (English...): a third of the words marked at
# most, the names in "Prime Minister Nguyễn Xuân Phúc said on Monday".
_ONLY_SHARE, _MARKED_SHARE, _FOREIGN_SHARE = 0.2, 0.5, 0.34
_FUNCTION_SHARE = 0.1
_CONTRACTIONS = ("'ll", "'m", "'s", "n't", "'re", "'ve", "'d")
_ENGLISH = frozenset(
    "a about after all also an and are as at be been but by can could did do does for from "
    "had has have he her his how i if in into is it its more my no not of on or our out over "
    "said says she so than that the their them there they this to under up was we were what "
    "when which who will with would you your".split()
)
# Marks only Vietnamese puts on Latin letters: breve, horn, hook above, dot below; and
# (in _letter) two marks on one letter ("ấ", "ề") or a tilde on i, u, y or e.
_MARKS = {"\u0306", "\u031b", "\u0309", "\u0323"}


def script(text: str) -> str:
    """ "vi", "en", another script's name in lower case ("cyrillic", "cjk"), or ""."""
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
    if marked > _FOREIGN_SHARE * n:
        return ""
    function = sum(_function_word(w) for w in words)
    # two at least, unless the line is very short ("An Bình Theo Xinhua, BBC": "an")
    return ENGLISH if function >= max(1 if n <= 4 else 2, _FUNCTION_SHARE * n) else ""


def dominant(
    texts: Iterable[str], *, opening: int = 30, min_tagged: int = 2, share: float = 0.6
) -> str:
    """The language or script (a :func:`script` tag) most of ``texts`` are in: at least
    ``share`` of the first ``opening`` texts that have a tag, and ``min_tagged`` of them;
    "" when unclear. What an article is written in, for the digest's joins across
    languages (digest/translations.py) and the ``lang`` of an HTML page (report/language.py)."""
    counts = Counter(tag for tag in map(script, itertools.islice(texts, opening)) if tag)
    total = sum(counts.values())
    if total < min_tagged:
        return ""
    language, count = counts.most_common(1)[0]
    return language if count >= share * total else ""


def has_vietnamese_marks(text: str) -> bool:
    """True for a short text written like Vietnamese: a letter with a mark only Vietnamese
    writes ("bóng đá", "lũ lụt"), or a mark on half of the words ("giá vàng"). Enough to
    tell a short query's language, where :func:`script` needs three words."""
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    flags = [max((_letter(ch)[1] for ch in w if ch.isalpha()), default=0) for w in words]
    return bool(words) and (
        max(flags) > 1 or sum(f > 0 for f in flags) >= _MARKED_SHARE * len(words)
    )


def _function_word(word: str) -> bool:
    word = word.strip(".,;:!?()[]“”\"'‘’").casefold().replace("’", "'")
    return word in _ENGLISH or word.endswith(_CONTRACTIONS)


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
