"""Matching form of text: the same words always give the same string.

Used only to compare text (duplicates, overlap); the original text is never altered.

Tone-mark convention: the "new style" (tone on the first vowel of an open ``oa``/``oe``/``uy``
syllable): "hoà, thuỷ, khoẻ" -> "hòa, thủy, khỏe". Syllables with a final consonant are the same
in both styles ("hoàng", "khuyến") and are left alone. This is also the direction of
underthesea's ``text_normalize`` table.

Why not underthesea's ``text_normalize``: it is a 2,904-entry lookup table, not a rule, so it
misses real syllables ("loà", "Loà") and skips every token longer than 6 characters; it also
spell-corrects words ("nghành" -> "ngành"), re-tokenises and re-joins with spaces
("khỏe mạnh!" -> "khỏe mạnh !"), and runs at ~0.3 MB/s. The placement rule below is complete for
the open syllables, loses nothing, and is a single regex pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["canonical_tones", "match_key", "normalize", "one_line"]

# Combining tone marks (grave, acute, hook above, tilde, dot below). Vowel-quality marks
# (circumflex, breve, horn) are not tones and stay on their letter.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_VOWELS = "aăâeêioôơuưy"


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _toned(letters: str) -> str:
    """Every tone-marked form of ``letters``, both cases, as one regex class body."""
    out = []
    for ch in letters + letters.upper():
        out.extend(_with_tone(ch, t) for t in _TONES)
    return "".join(out)


def _split_tone(ch: str) -> tuple[str, str]:
    """(letter without tone, tone mark or "")."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return base, tone


_ALL_VOWELS = "".join(
    sorted(
        {v for ch in _VOWELS + _VOWELS.upper() for v in (ch, *(_with_tone(ch, t) for t in _TONES))}
    )
)
# Word-final: no letter and no stray combining mark (a second tone) follows.
_LETTER_AHEAD = r"(?![^\W\d_]|[\u0300-\u036f])"
# One pass, three alternatives (the vowel before each match is checked in ``_fix_tone``, so the
# pattern starts with a plain character class and the regex engine can scan for it quickly):
# 1-2. old style: tone on the second vowel of a word-final "oa"/"oe" after a consonant or at the
#      start of the word ("hoà", "khoẻ", "oà");
# 3-4. the same for "uy" ("thuỷ"), except after "q" where "u" belongs to "qu" ("quý");
# 5-7. a tone misplaced on the "u" of "qu" ("qúy" -> "quý"): it belongs to the next vowel.
_TONE_FIX = re.compile(
    rf"([oO])([{_toned('ae')}]){_LETTER_AHEAD}"
    rf"|([uU])([{_toned('y')}]){_LETTER_AHEAD}"
    rf"|([qQ])([{_toned('u')}])([aăâeêioôơyAĂÂEÊIOÔƠY])"
)
_NOT_AFTER = {1: frozenset(_ALL_VOWELS), 3: frozenset(_ALL_VOWELS + "qQ")}


def _fix_tone(m: re.Match[str]) -> str:
    if m.group(5):  # "qúy": move the tone right
        u, tone = _split_tone(m.group(6))
        return m.group(5) + u + _with_tone(m.group(7), tone)
    g = 1 if m.group(1) else 3
    start = m.start()
    if start and m.string[start - 1] in _NOT_AFTER[g]:
        return m.group()  # "oa" inside a longer vowel run: not an open "oa"/"uy" syllable
    base, tone = _split_tone(m.group(g + 1))  # "oà": move the tone left
    return _with_tone(m.group(g), tone) + base


# Any candidate at all? A plain class pair is ~10x cheaper to scan for than the full pattern.
_TONE_HINT = re.compile(f"[oOuUqQ][{_toned('aeyu')}]")
# The hint fires on a third of news sentences ("quả", "hoạt"), the pattern on a fiftieth;
# without its groups the pattern scans twice as fast as with them.
_TONE_CANDIDATE = re.compile(re.sub(r"\((?!\?)", "(?:", _TONE_FIX.pattern))


def canonical_tones(text: str) -> str:
    """Put tone marks where the new style puts them; ``text`` must be NFC."""
    if not _TONE_HINT.search(text) or not _TONE_CANDIDATE.search(text):
        return text
    return _TONE_FIX.sub(_fix_tone, text)


# Typographic variants that scraped news mixes freely.
_CHAR_MAP = {
    **dict.fromkeys("“”„‟«»″〝〞＂", '"'),
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("‐‑‒–—―−﹣－", "-"),
    "…": "...",
    # Icelandic eth typed for "đ" (also in underthesea's character map).
    "ð": "đ",
    "Ð": "Đ",
    # Invisible characters: zero-width spaces/joiners, BOM, soft hyphen.
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
}
# A regex with a lookup is several times faster than str.translate on mostly-clean text.
_SPECIAL = re.compile("[" + re.escape("".join(_CHAR_MAP)) + "]")


def _unify(m: re.Match[str]) -> str:
    return _CHAR_MAP[m.group()]


def normalize(text: str) -> str:
    """NFC, canonical tone placement, unified punctuation and spaces, casefolded."""
    # Invisible characters go first: one between a letter and its mark blocks composition.
    text = _nfc(_SPECIAL.sub(_unify, text))
    text = canonical_tones(text)
    return _nfc(single_spaced(text).casefold())


def single_spaced(text: str) -> str:
    """Words joined by one ASCII space, no space at the ends.

    ``str.split()`` splits on every Unicode space (NBSP, thin, ideographic) and beats a
    regex; a printable text (no such space, no control character) with no doubled or
    edge space is left as it is, which costs a tenth of splitting it.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# Punctuation and symbols; letters, digits and combining marks (left by scripts without
# precomposed forms) stay.
_PUNCT = re.compile(r"[^\w\s\u0300-\u036f]|_")


def match_key(text: str) -> str:
    """``normalize`` without punctuation: equal keys mean the same words in the same order."""
    return " ".join(_PUNCT.sub(" ", normalize(text)).split())


def joined_key(keys: Iterable[str]) -> str:
    """``match_key`` of texts joined by whitespace, from their own keys.

    Keys are made word by word (normalising, tone placement and punctuation all act
    within a word), so the key of a joined text is its parts' keys joined.
    """
    return " ".join(k for k in keys if k)


# Kana and CJK ideographs, Thai, Lao, Burmese and Khmer: scripts written without spaces
# between words, so a count of words or a line's length in words means nothing for them.
UNSPACED = re.compile(
    "[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e01-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
# Thai, Lao, Burmese and Khmer write no space between words: a space there separates
# clauses, so a line of 150 characters has 3 "words" and a count of them would take any
# paragraph for a heading (rank/candidates.py) and any headline too long for a
# title (text/title.py). Their words are counted from characters instead: Thai news
# averages 4.9 characters a word (PyThaiNLP's newmm on a made-up article: 700 characters,
# 144 words); the others are taken as alike.
CLAUSE_SPACED = re.compile("[\u0e01-\u0eff\u1000-\u109f\u1780-\u17ff]")
CHARACTERS_PER_WORD = 5


def word_count(text: str) -> int:
    """Words of ``text``: its whitespace-separated words, but a run in one of the
    :data:`CLAUSE_SPACED` scripts counts one word per :data:`CHARACTERS_PER_WORD`
    characters. The same as ``len(text.split())`` for any text without them."""
    words = text.split()
    if not CLAUSE_SPACED.search(text):
        return len(words)
    return sum(
        max(1, round(len(w) / CHARACTERS_PER_WORD)) if CLAUSE_SPACED.search(w) else 1 for w in words
    )


# A line break with the spaces around it (the characters str.splitlines() breaks at).
_BREAK = r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
_LINE_BREAK = re.compile(rf"[ \t\u00a0]*{_BREAK}\s*")
_HYPHEN_BREAK = re.compile(rf"(?<=[^\W\d_])-[ \t]*{_BREAK}[ \t]*(?=[^\W\d_])")
# Any line break at all: the cheap test of one_line (a search for _LINE_BREAK tried its
# leading spaces at every position of every sentence).
_ANY_BREAK = re.compile(_BREAK)


def one_line(text: str) -> str:
    """``text`` with each line break (and the spaces around it) read as one space.

    Why: a sentence or title of a hard-wrapped paragraph spans lines; a model's tokenizer
    does not read a line break as a space (the vectors moved by up to 0.004 in cosine and
    the ranking with them), so what is embedded or shown as a title is the sentence on one
    line. Texts without a line break, every sentence of a text that is not wrapped, come
    back as they are.
    """
    if not _ANY_BREAK.search(text):
        return text
    # a word hyphenated at the break ("Al-" | "Gharafa") stays one word
    return _LINE_BREAK.sub(" ", _HYPHEN_BREAK.sub("-", text))
