"""Stage 3, find duplicates: removal inside one document, with an exact account of each cut.

Order of work: boilerplate lines are labelled, then whole paragraphs are compared
(a paragraph pasted twice, a caption repeated), then a line that repeats itself
("Chính trị - Xã hội Chính trị - Xã hội"), then the sentences that remain. Every
removal records the span it cut, so ``reconstruct`` gives back the original text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import InputError
from ..text.normalize import joined_key, match_key, one_line
from ..types import Document
from .engine import (
    DEFAULT_CONFIG,
    Conflict,
    DedupConfig,
    Grouping,
    Item,
    cluster_id,
    find_duplicates,
)
from .language import script


@dataclass(frozen=True)
class Removed:
    """One item cut from the text: where it was, why, and what it duplicates."""

    level: str  # "paragraph" | "sentence" | "phrase"
    index: int  # paragraph or sentence index
    start: int
    end: int
    text: str
    reason: str  # "duplicate" | "boilerplate"
    signal: str  # duplicate signal, or the boilerplate label
    score: float
    cluster: str | None = None
    kept_index: int | None = None
    kept_start: int | None = None
    kept_end: int | None = None
    # The exact span taken out of the original text, separators included.
    cut_start: int = 0
    cut_end: int = 0
    cut_text: str = ""
    # The values the kept item states and this one lacks, when the kept item is a later,
    # fuller wording that replaced it (DedupConfig.keep_fuller); else empty.
    kept_adds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Labelled:
    """A boilerplate line: reported always, cut only when asked."""

    paragraph: int
    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True)
class ConflictingVariant:
    """Two similar items that differ in a number or name: both kept."""

    level: str
    index: int
    other: int
    text: str
    other_text: str
    signal: str
    score: float
    differences: tuple[str, ...]


@dataclass
class DedupResult:
    document: Document
    text: str  # the cleaned text
    removed: list[Removed] = field(default_factory=list)
    boilerplate: list[Labelled] = field(default_factory=list)
    conflicts: list[ConflictingVariant] = field(default_factory=list)
    # Similar pairs left unjudged: their item had engine.MAX_CONFLICTS conflicts already.
    unjudged_conflicts: int = 0


def deduplicate_document(
    doc: Document,
    sentence_embeddings: np.ndarray | None = None,
    *,
    config: DedupConfig = DEFAULT_CONFIG,
    drop_boilerplate: bool = False,
) -> DedupResult:
    """Find duplicates at every level; cut them (and boilerplate if asked)."""
    chrome = doc.chrome.paragraphs
    boiler = [
        Labelled(p.index, p.start, p.end, p.text, chrome[p.index])
        for p in doc.paragraphs
        if p.index in chrome
    ]
    removed: list[Removed] = []
    if drop_boilerplate:
        removed += [
            Removed("paragraph", b.paragraph, b.start, b.end, b.text, "boilerplate", b.label, 1.0)
            for b in boiler
        ]
    # Chrome is not content: it never keeps a duplicate alive nor gets compared.
    skip = {b.paragraph for b in boiler}

    sent_keys = [s.key for s in doc.sentences]
    para_keys = _paragraph_keys(doc, sent_keys)
    tag = script if config.cross_lingual is not None else _untagged
    para_items = [
        Item(k, one_line(p.text), tag(p.text))
        for p, k in zip(doc.paragraphs, para_keys, strict=True)
    ]
    live_paras = [p.index for p in doc.paragraphs if p.index not in skip]
    span = doc.title_span or (0, 0)
    titled = {p.index for p in doc.paragraphs if span[0] <= p.start < span[1]}
    # The headline and the lead (its first paragraph, and the first sentence of the body)
    # are never replaced by a later, fuller wording: the cleaned text keeps its opening (a
    # lead repeated later with a vote count added stays, and the pair is a conflict, as
    # with keep="first"). Only the first sentence: a text of one paragraph (scraped
    # without line breaks) keeps the fuller wording everywhere else.
    lead = next((p for p in live_paras if p not in titled and para_keys[p]), None)
    fixed = titled | ({lead} if lead is not None else set())
    paras = find_duplicates(
        para_items, level="paragraph", config=config, candidates=live_paras, fixed=fixed
    )
    removed += _removals(doc, paras, "paragraph")
    conflicts = _conflicts(doc, paras.conflicts, "paragraph")

    gone = set(paras.removed) | (skip if drop_boilerplate else set())
    copies = _repeated_runs(doc, gone)
    removed += copies
    cut_paras = skip | gone | {c.index for c in copies}
    live = [s.index for s in doc.sentences if s.paragraph not in cut_paras]
    sent_items = [
        Item(k, s.line, tag(s.text)) for s, k in zip(doc.sentences, sent_keys, strict=True)
    ]
    opening = {s.index for s in doc.sentences if span[0] <= s.start < span[1]}
    first = next((s.index for s in doc.sentences if s.paragraph == lead), None)
    if first is not None:
        opening.add(first)
    sents = find_duplicates(
        sent_items,
        _without_title_meaning(doc, sentence_embeddings),
        level="sentence",
        config=config,
        candidates=live,
        fixed=opening,
    )
    removed += _removals(doc, sents, "sentence")
    removed += _orphaned_credits(doc, removed, cut_paras)
    # A one-sentence paragraph conflicts as a paragraph already: report it once.
    seen = {(c.text.strip(), c.other_text.strip()) for c in conflicts}
    conflicts += [
        c
        for c in _conflicts(doc, sents.conflicts, "sentence")
        if (c.text.strip(), c.other_text.strip()) not in seen
    ]

    removed = _with_cuts(doc, removed)
    # The larger of the two levels, not their sum: a one-sentence paragraph is judged at
    # both, and its conflicts are reported once (above).
    unjudged = max(paras.unjudged, sents.unjudged)
    return DedupResult(doc, _cut(doc.text, removed), removed, boiler, conflicts, unjudged)


def _untagged(text: str) -> str:
    return ""


def reconstruct(cleaned: str, removed: Sequence[Removed]) -> str:
    """Put every cut span back: cleaned text + report == the original, exactly.

    Raises :class:`~summarize.errors.InputError` when the pieces do not fit (cuts that
    overlap, a cut whose text is not as long as its span, a cleaned text too short
    for the offsets): a wrong report gives an error, never spliced text.
    """
    if not isinstance(cleaned, str):
        raise InputError(
            f"reconstruct: the cleaned text must be a str, not {type(cleaned).__name__}"
        )
    out: list[str] = []
    length = 0  # characters of the original rebuilt so far
    pos = 0  # position in the cleaned text
    for r in sorted(removed, key=_cut_order):
        take = r.cut_start - length
        if take < 0:
            raise InputError(
                f"reconstruct: the cut at {r.cut_start}-{r.cut_end} overlaps the one before it"
            )
        if r.cut_end - r.cut_start != len(r.cut_text):
            raise InputError(
                f"reconstruct: the cut at {r.cut_start}-{r.cut_end} holds "
                f"{len(r.cut_text)} characters, not {r.cut_end - r.cut_start}"
            )
        if pos + take > len(cleaned):
            raise InputError(
                f"reconstruct: the cleaned text ({len(cleaned)} characters) is too short "
                f"for the cut at {r.cut_start}"
            )
        out.append(cleaned[pos : pos + take])
        pos += take
        out.append(r.cut_text)
        length = r.cut_end
    out.append(cleaned[pos:])
    return "".join(out)


def _cut_order(r: Removed) -> int:
    if (
        not isinstance(r, Removed)
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in (r.cut_start, r.cut_end))
        or not isinstance(r.cut_text, str)
    ):
        raise InputError(f"reconstruct: not a removal with integer offsets and a text: {r!r:.80}")
    return r.cut_start


def _without_title_meaning(doc: Document, embeddings: np.ndarray | None) -> np.ndarray | None:
    """The embeddings with the title's rows zeroed: the title keeps no rewording out.

    Why: a lead that says what the title says is the article's point, not a repeat; with
    the title as the kept copy, the summary (which never shows the title) lost its best
    sentence. Copies of the title in the text are still found by the text signals.
    """
    span = doc.title_span
    if embeddings is None or span is None:
        return embeddings
    rows = [s.index for s in doc.sentences if span[0] <= s.start < span[1]]
    if not rows:
        return embeddings
    out = np.array(embeddings, copy=True)
    out[rows] = 0.0
    return out


def _paragraph_keys(doc: Document, sentence_keys: list[str]) -> list[str]:
    """The match key of each paragraph, from its sentences' keys where it can be.

    Why: a paragraph whose sentences are apart only by whitespace has their keys,
    joined, as its own (``joined_key``); normalising the paragraphs again cost as much
    as all the sentences. Anything else between them: normalised afresh.
    """
    text, keys = doc.text, []
    by_paragraph: dict[int, list[int]] = {}
    for s in doc.sentences:
        by_paragraph.setdefault(s.paragraph, []).append(s.index)
    for p in doc.paragraphs:
        ids = by_paragraph.get(p.index, [])
        edges = [p.start] + [x for i in ids for x in (doc.sentences[i].start, doc.sentences[i].end)]
        edges.append(p.end)
        gaps = [text[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True)]
        inner = gaps[1:-1]
        if ids and all(not g or g.isspace() for g in gaps) and all(inner):
            keys.append(joined_key(sentence_keys[i] for i in ids))
        else:
            keys.append(match_key(p.text))
    return keys


def _removals(doc: Document, grouping: Grouping, level: str) -> list[Removed]:
    units = doc.paragraphs if level == "paragraph" else doc.sentences
    out = []
    for cluster in grouping.clusters:
        kept = units[cluster.kept]
        for m in cluster.members:
            u = units[m.index]
            out.append(
                Removed(
                    level, u.index, u.start, u.end, u.text, "duplicate", m.signal, m.score,
                    cluster.id, kept.index, kept.start, kept.end, kept_adds=m.adds,
                )
            )  # fmt: skip
    return out


_CREDITS = frozenset({"photo credit", "source credit"})


def _orphaned_credits(doc: Document, removed: list[Removed], cut_paras: set[int]) -> list[Removed]:
    """The credit of a caption removed as a duplicate goes with it, in its cluster.

    Why: "Ảnh: Minh Anh" left alone on its line credits nothing, and the report would
    call the caption's paragraph kept while only its credit is.
    """
    gone = {r.index: r for r in removed if r.level == "sentence"}
    labels = doc.chrome.sentences
    by_paragraph: dict[int, list] = {}
    for s in doc.sentences:
        if s.paragraph not in cut_paras:
            by_paragraph.setdefault(s.paragraph, []).append(s)
    out = []
    for same in by_paragraph.values():
        content = [s for s in same if s.index not in labels]
        credits = [s for s in same if labels.get(s.index) in _CREDITS]
        if not content or not credits or len(content) + len(credits) < len(same):
            continue
        if not all(s.index in gone for s in content):
            continue
        caption = gone[content[-1].index]
        out += [
            replace(caption, index=c.index, start=c.start, end=c.end, text=c.text, kept_adds=())
            for c in credits
            if c.index not in gone  # a credit repeated word for word is removed already
        ]
    return out


def _conflicts(doc: Document, found: list[Conflict], level: str) -> list[ConflictingVariant]:
    units = doc.paragraphs if level == "paragraph" else doc.sentences
    return [
        ConflictingVariant(
            level, c.index, c.other, units[c.index].text, units[c.other].text,
            c.signal, c.score, c.differences,
        )
        for c in found
    ]  # fmt: skip


def _repeated_runs(doc: Document, gone: set[int]) -> list[Removed]:
    """A line that says the same thing over and over in a row (a doubled section header,
    a pasted sentence pair): every copy after the first is removed, each as one phrase
    whose kept item is the first copy.

    Why every copy and not the second half: a line of four copies cut in half kept two,
    and as the line's sentences are not compared again (its paragraph is cut at the
    phrase level), the summary could show the same sentence twice.
    """
    out = []
    for p in doc.paragraphs:
        if p.index in gone:
            continue
        words = p.text.split()
        size = _repeat_unit(words)
        if size is None:
            continue
        spans = _word_spans(doc.text, p.start, p.end)
        first_end = spans[size - 1][1]
        key = match_key(doc.text[p.start : first_end])
        for copy in range(size, len(words), size):
            start, end = spans[copy][0], spans[copy + size - 1][1]
            out.append(
                Removed(
                    "phrase", p.index, start, end, doc.text[start:end], "duplicate", "exact",
                    1.0, cluster_id("phrase", key), p.index, p.start, first_end,
                )
            )  # fmt: skip
    return out


def _repeat_unit(words: list[str]) -> int | None:
    """The fewest words (2 or more) whose copies, back to back, make the whole line, when
    there are at least two copies; None for a line that is no such run."""
    n = len(words)
    for size in range(2, n // 2 + 1):
        if n % size:
            continue
        unit = words[:size]
        if all(_same_key(unit, words[i : i + size]) for i in range(size, n, size)):
            return size
    return None


def _word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-separated word of ``text[start:end]``, as
    ``str.split`` finds them."""
    spans, i = [], start
    while i < end:
        while i < end and text[i].isspace():
            i += 1
        j = i
        while j < end and not text[j].isspace():
            j += 1
        if j > i:
            spans.append((i, j))
        i = j
    return spans


def _same_key(first: list[str], second: list[str]) -> bool:
    """``match_key`` of the two word lists is equal; most lines differ at the first word.

    Why the shortcut holds: keys are made word by word, so a line's key starts with
    its first word's key whenever that is not empty (punctuation).
    """
    if first == second:
        return True
    a, b = match_key(first[0]), match_key(second[0])
    if a and b and a.split()[0] != b.split()[0]:
        return False
    return match_key(" ".join(first)) == match_key(" ".join(second))


def _with_cuts(doc: Document, removed: list[Removed]) -> list[Removed]:
    """Give each removal a cut span; spans tile and never overlap.

    A removed paragraph takes its line up to the next paragraph. Removed
    sentences take the whitespace after them when a kept sentence follows in the
    paragraph, the whitespace before them otherwise, so the cleaned text has no
    doubled or dangling spaces. Whole paragraphs emptied sentence by sentence
    take their line break too.

    Paragraphs removed at the end of the text (none kept after them) take the break
    *before* them instead, up to their own end: the cleaned text then ends as the input
    did ("...tháng 3.\n", not "...tháng 3.\n\n" with the last paragraph's break left
    dangling).
    """
    text = doc.text
    gone = {r.index for r in removed if r.level == "sentence"}
    by_paragraph = _Paragraphs(doc, gone)
    tail = _trailing_removed(doc, removed, by_paragraph)
    lines = {p.index: _line(doc, p.index, tail) for p in doc.paragraphs}
    out = []
    for r in removed:
        if r.level == "paragraph":
            start, end = lines[r.index]
        elif r.level == "phrase":
            # Take the space before the copy as well (back to the end of the one before).
            start, end = r.start, r.end
            while start > 0 and text[start - 1].isspace():
                start -= 1
        else:
            start, end = _sentence_cut(doc, r.index, gone, lines, by_paragraph)
        out.append(_replace_cut(r, start, end, text[start:end]))
    return sorted(out, key=lambda r: r.cut_start)


def _line(doc: Document, index: int, tail: int) -> tuple[int, int]:
    """The span a wholly removed paragraph takes: itself and the break after it, or, in
    the run of removed paragraphs that ends the text (from ``tail`` on), the break
    before it and itself, so whatever followed the last paragraph stays."""
    p = doc.paragraphs[index]
    if index >= tail:
        return (doc.paragraphs[index - 1].end if index > 0 else p.start), p.end
    last = index + 1 == len(doc.paragraphs)
    return p.start, len(doc.text) if last else doc.paragraphs[index + 1].start


def _sentence_cut(
    doc: Document,
    index: int,
    gone: set[int],
    lines: dict[int, tuple[int, int]],
    by_paragraph: _Paragraphs,
) -> tuple[int, int]:
    s = doc.sentences[index]
    same, pos, kept = by_paragraph.place(s)
    kept_after = kept[-1] - kept[pos + 1] > 0
    kept_before = kept[pos] > 0
    if kept_after:
        return s.start, same[pos + 1].start
    if kept_before:
        return same[pos - 1].end, s.end
    # Every sentence of the paragraph goes: remove the line itself (its first sentence
    # takes where the line starts, its last where it ends).
    line_start, line_end = lines[s.paragraph]
    start = min(line_start, s.start) if pos == 0 else s.start
    if pos + 1 < len(same):
        return start, same[pos + 1].start
    return start, line_end


def _trailing_removed(doc: Document, removed: list[Removed], by_paragraph: _Paragraphs) -> int:
    """The first paragraph of the run of wholly removed paragraphs that ends the text
    (``len(doc.paragraphs)`` when the last paragraph keeps something)."""
    whole = {r.index for r in removed if r.level == "paragraph"}
    tail = len(doc.paragraphs)
    while tail > 0 and (tail - 1 in whole or by_paragraph.emptied(tail - 1)):
        tail -= 1
    return tail


class _Paragraphs:
    """Each paragraph's sentences, and how many of them are kept before each one.

    Why: looking these up by scanning the paragraph for every cut sentence made a long
    one-paragraph text (a scraped body on one line) quadratic.
    """

    def __init__(self, doc: Document, gone: set[int]) -> None:
        self.sentences: dict[int, list] = {}
        self.position: dict[int, int] = {}
        for t in doc.sentences:
            same = self.sentences.setdefault(t.paragraph, [])
            self.position[t.index] = len(same)
            same.append(t)
        self.gone = gone
        self.kept: dict[int, list[int]] = {}

    def emptied(self, paragraph: int) -> bool:
        """Every sentence of the paragraph is cut (a paragraph without any: False)."""
        same = self.sentences.get(paragraph, [])
        return bool(same) and all(t.index in self.gone for t in same)

    def place(self, s) -> tuple[list, int, list[int]]:
        """(the paragraph's sentences, ``s``'s position, kept counts: ``kept[i]`` of the
        sentences before position ``i`` are kept)."""
        same = self.sentences[s.paragraph]
        if s.paragraph not in self.kept:
            counts = [0]
            for t in same:
                counts.append(counts[-1] + (t.index not in self.gone))
            self.kept[s.paragraph] = counts
        return same, self.position[s.index], self.kept[s.paragraph]


def _replace_cut(r: Removed, start: int, end: int, cut_text: str) -> Removed:
    return replace(r, cut_start=start, cut_end=end, cut_text=cut_text)


def with_nuls(result: DedupResult) -> DedupResult:
    """The cleaned text and each cut as the text was given: with its NULs.

    Matching reads a NUL as a space (:func:`~summarize.text.prepare.separate_nuls`), but
    the cleaned text plus the report must give back the original character for character
    (README): a NUL outside every cut goes back into the cleaned text, one inside a cut
    into its ``cut_text``. One character for one, so no offset moves.
    """
    nuls = result.document.nuls
    if not nuls:
        return result
    chars = list(result.document.text)
    for at in nuls:
        chars[at] = "\x00"
    original = "".join(chars)
    removed = [replace(r, cut_text=original[r.cut_start : r.cut_end]) for r in result.removed]
    text = _cut(original, removed)
    if len(text) != len(result.text):  # the cuts are not those of result.text: leave it
        return result
    return replace(result, text=text, removed=removed)


def _cut(text: str, removed: Sequence[Removed]) -> str:
    out, pos = [], 0
    for r in sorted(removed, key=lambda r: r.cut_start):
        out.append(text[pos : r.cut_start])
        pos = r.cut_end
    out.append(text[pos:])
    return "".join(out)
