"""Quotations and their speakers: a quote in a summary must say who is speaking.

News splits long quotations over several sentences and names the speaker once: before
(``Ông Sơn cho biết: “...``) or after (``... ”, ông Sơn nói.``). A sentence of such a
quote picked alone reads as an anonymous claim. :func:`speaker_needs` names, for each
sentence, the sentence that carries its speaker, so selection takes it along or drops
the quote. Only quote marks and punctuation are read: the rule holds in any language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_OPEN = "“«„"
_CLOSE = "”»"
_STRAIGHT = '"'
_MIN_LETTERS = 3  # "”, ông Sơn nói" names someone; "”." does not
_LOOKAHEAD = 4  # sentences searched forward for the end of a quotation
_MARK = re.compile("[" + re.escape(_OPEN + _CLOSE + _STRAIGHT) + "]")


@dataclass(frozen=True)
class _Marks:
    inside_before: bool  # a quotation opened earlier is still open at the start
    depth_after: int
    opens_at: int  # index of the first opening mark that starts a quotation here, or -1
    closes_at: int  # index of the last mark that closes a quotation here, or -1
    new_part: bool = False  # a paragraph starts here with a quotation open before it


_SPACE_BEFORE = " \t\n([{–—-:/"  # what an opening straight mark follows


def _straight(t: str, k: int, depth: int, first: bool) -> str:
    """What a straight mark at ``t[k]`` does: "open", "close", "go on" (a new paragraph of
    the quotation open before it: English news opens each one again and closes only the
    last; the paragraphs of this data set are often glued into one) or "skip".

    Why: a straight mark has no direction, and reading each one as the other of the one
    before let one stray mark (an inch sign, a quotation whose opening is in another
    sentence) turn every later quotation inside out: the rest of a BBC article read as
    quoted, and a quote's closing sentence read as opening one."""
    before = t[k - 1] if k else " "
    after = t[k + 1] if k + 1 < len(t) else " "
    if before.isdigit() and not after.isalnum():
        return "skip"  # 15" screen: an inch sign
    opens = before in _SPACE_BEFORE and (after.isalnum() or after in "'‘“«(…")
    closes = after.isspace() or after in ".,;:!?)…-–—"
    if depth == 0:
        return "close" if closes and not opens else "open"
    return "go on" if opens and first else "close"


def _scan(texts: Sequence[str], paragraphs: Sequence[int] | None = None) -> list[_Marks]:
    out, depth = [], 0
    for n, t in enumerate(texts):
        lead = len(t) - len(t.lstrip())  # where the first mark of the sentence would be
        new_paragraph = paragraphs is not None and n > 0 and paragraphs[n] != paragraphs[n - 1]
        part = new_paragraph and depth > 0  # the part of the quotation before ends here
        if part and t[lead : lead + 1] not in _OPEN + _STRAIGHT:
            depth = 0  # a paragraph that does not open again ends the quotation before it
        before, opens, closes = depth > 0, -1, -1
        for found in _MARK.finditer(t):  # only the marks change anything
            k, c = found.start(), found.group()
            if c == _STRAIGHT:
                what = _straight(t, k, depth, k == lead)
            elif c in _OPEN:
                what = "go on" if depth > 0 and k == lead else "open"
            else:
                what = "close"
            if what == "go on":
                part = True
            elif what == "open":
                if depth == 0 and opens < 0:
                    opens = k
                depth += 1
            elif what == "close" and depth > 0:
                depth -= 1
                if depth == 0:
                    closes = k
        out.append(_Marks(before, depth, opens, closes, part))
    return out


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _speaker_in(text: str, m: _Marks) -> bool:
    """The sentence names its speaker around its own quotation marks."""
    before = m.opens_at >= 0 and _letters(text[: m.opens_at]) >= _MIN_LETTERS
    after = m.closes_at >= 0 and _letters(text[m.closes_at + 1 :]) >= _MIN_LETTERS
    return before or after


def speaker_needs(
    texts: Sequence[str], paragraphs: Sequence[int] | None = None
) -> list[list[int] | None]:
    """For each sentence: the other sentences it cannot be shown without (``[]`` for
    none), or None when it cannot be shown at all. ``paragraphs``: each text's paragraph,
    when known.

    A quotation over several sentences is shown whole with the sentence that names its
    speaker: a part of it alone leaves a quote mark open or closed with no pair, or the
    words unattributed ("Đại úy Khoa tâm sự: “Không phải ..." with the rest of his words
    missing). Whole up to the end of its paragraph: a quotation over several paragraphs
    leaves each but the last open (English news opens each one again), so a reader meets
    a paragraph of it as the writer wrote it. None when no speaker is near, or when the
    part to show runs past :data:`_LOOKAHEAD` sentences."""
    marks = _scan(texts, paragraphs)
    out: list[list[int] | None] = []
    opened = 0  # the first sentence of the quotation sentence i is in (found once: an
    # unclosed mark early in a long text made walking back for each sentence quadratic)
    part = 0  # the first sentence of the paragraph of the quotation sentence i is in
    ends = _part_ends(marks)
    for i, m in enumerate(marks):
        if i == 0 or not m.inside_before:
            opened = part = i
        elif m.new_part:
            part = i
        end = ends[i]  # None: never closed, a stray mark
        if end is None and m.inside_before:
            out.append([])  # after a stray mark: no quotation to show whole, no mark to pair
            continue
        if end is not None and end - part > _LOOKAHEAD:
            out.append(None)
            continue
        rest = list(range(part, end + 1)) if end is not None else []
        starts_quoted = texts[i].lstrip()[:1] in _OPEN + _STRAIGHT
        first = opened
        if not (m.inside_before or starts_quoted) or _speaker_in(texts[i], m):
            speaker: list[int] | None = []
        elif first != i and _speaker_in(texts[first], marks[first]) and marks[first].opens_at > 0:
            speaker = [first]  # Ông Sơn nói: “... | ... (this sentence)
        elif first > 0 and texts[first - 1].rstrip().endswith(":"):
            speaker = [first - 1]  # Ông Sơn cho biết: | “... | ...
        else:
            speaker = _closing_speaker(texts, marks, i)
        if speaker is None and paragraphs is not None:
            speaker = _speaker_of_paragraph_before(texts, marks, paragraphs, first)
        if speaker is None:
            out.append(None)
            continue
        out.append(sorted(set(rest + speaker) - {i}))
    for i, t in enumerate(texts):
        if introduces(t) and out[i] is not None:
            # "Ông Sơn cho biết:" | "“...": the line that names the speaker says nothing
            # without the words it introduces (candidates.py keeps no other colon line)
            out[i] = sorted({*out[i], i + 1}) if i + 1 < len(texts) else None
    return out


def introduces(text: str) -> bool:
    """The sentence ends on a colon: what it introduces (a list, a quotation) follows it.
    Why: "The key new technologies include:" and "Cụ thể như sau:" were shown alone."""
    return text.rstrip().endswith((":", "："))


def opens_quotation(text: str) -> bool:
    """The sentence opens with a quotation mark."""
    return text.lstrip()[:1] in _OPEN + _STRAIGHT


def _part_ends(marks: Sequence[_Marks]) -> list[int | None]:
    """For each sentence, the last sentence of the part of a quotation it is in: the
    first from it on that leaves no quotation open, or that ends the quotation's
    paragraph; None when its quotation is never closed."""
    out: list[int | None] = [None] * len(marks)
    nxt: int | None = None
    for i in range(len(marks) - 1, -1, -1):
        if marks[i].depth_after == 0 or (i + 1 < len(marks) and marks[i + 1].new_part):
            nxt = i
        out[i] = nxt
    return out


def _speaker_of_paragraph_before(
    texts: Sequence[str], marks: Sequence[_Marks], paragraphs: Sequence[int], first: int
) -> list[int] | None:
    """The last sentence of the paragraph before, when a quotation with no speaker of its
    own opens a paragraph right after a quotation that names one: news goes on quoting
    the same person ('"We lost," said Smith.' | '"It was a bad day."')."""
    if first == 0 or paragraphs[first] == paragraphs[first - 1]:
        return None
    j = first - 1
    return [j] if marks[j].closes_at >= 0 and _speaker_in(texts[j], marks[j]) else None


def _closing_speaker(texts: Sequence[str], marks: Sequence[_Marks], i: int) -> list[int] | None:
    """The sentence that closes the quotation and names the speaker after it."""
    for j in range(i + 1, min(len(texts), i + 1 + _LOOKAHEAD)):
        if not marks[j].inside_before:
            return None
        if marks[j].depth_after == 0:
            return [j] if _speaker_in(texts[j], marks[j]) else None
    return None
