"""The ``lang`` attribute of an HTML page: the language its text is in, never assumed.

Every page said ``lang="vi"``, so a browser hyphenated, spoke (screen readers) and
picked fonts for an English article as Vietnamese. The language comes from the tags
the duplicate step already gives each sentence (:func:`summarize.dedup.language.script`,
the same rule that tells an article's language for the digest's joins across
languages), said as a BCP 47 code. A tag that names only a script written by several
languages (Latin past English and Vietnamese, Cyrillic, Arabic, Han) has no code here:
the attribute is then left out, which says "unknown", rather than a guess that a
browser would act on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..dedup.language import dominant

# script() tags -> BCP 47 codes, for scripts one language writes (the others: unknown)
CODES = {
    "vi": "vi", "en": "en", "greek": "el", "hangul": "ko", "japanese": "ja", "thai": "th",
    "hebrew": "he", "georgian": "ka", "armenian": "hy", "khmer": "km", "lao": "lo",
}  # fmt: skip
# Sentences read to tell a text's language: 10 told the same as 30 for 2,934 of the 2,935
# baomoi articles and all of 300 BBC ones, at half the cost (a digest page tells every
# article's language: about 0.5 ms an article).
OPENING = 10
# A page of many articles (the digest) takes a language when at least this share of the
# articles whose language is known are in it; fewer: a mixed page, no lang of its own.
MOSTLY = 0.8


def text_lang(texts: Iterable[str]) -> str | None:
    """The BCP 47 code of the language most of ``texts`` (an article's sentences) are
    in; None when unclear or not one language (the attribute is then left out)."""
    return CODES.get(dominant(texts, opening=OPENING))


def common_lang(langs: Iterable[str | None], mostly: float = MOSTLY) -> str | None:
    """The language of most of the items (articles) whose language is known; None when
    they are mixed or none is known."""
    counts = Counter(lang for lang in langs if lang)
    if not counts:
        return None
    lang, n = counts.most_common(1)[0]
    return lang if n >= mostly * sum(counts.values()) else None


def lang_attr(lang: str | None) -> str:
    """`` lang="vi"`` for an element's start tag, or nothing when the language is unknown."""
    return f' lang="{lang}"' if lang else ""
