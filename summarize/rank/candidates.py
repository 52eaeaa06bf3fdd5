"""Stage 4, exclusions: which sentences may be ranked at all, and why the rest may not.

The title, site chrome, headings and duplicates are never summary material. Each is
excluded with a :class:`~summarize.results.Reason`, so nothing leaves silently.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Collection
from dataclasses import dataclass

from ..dedup.document import DedupResult, Removed
from ..results import Excluded, Reason
from ..text.normalize import UNSPACED, word_count
from ..text.segment import BULLETS
from ..types import Document, Sentence
from .quotes import introduces, opens_quotation
from .select import is_dangling

HEADING_MAX_WORDS = 12
# In a text whose paragraphs end with punctuation, an unpunctuated line on its own up to
# this length is a caption or a subheading too ("Ban Thường vụ Tỉnh ủy trao Bằng khen cho
# tập thể, cá nhân tiêu biểu" under a photo): its writer punctuates sentences.
CAPTION_MAX_WORDS = 30
BODY_MIN_WORDS = 31  # a paragraph this long is body text, whose ending shows the habit
# A line of only no-break or zero-width spaces is what an image leaves in scraped text
# (``<p>&nbsp;<img></p>`` becomes "\u00a0"); the segmenter drops it as blank. A whole
# line only: no-break spaces that indent a paragraph ("\u00a0\u00a0Text") are no image.
_IMAGE_SLOT = re.compile(r"[ \t]*[\u00a0\u200b\u2060\ufeff][ \t\u00a0\u200b\u2060\ufeff]*")
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines' (the segmenter's)
PUNCTUATED_SHARE = 0.75
_FINAL = (".", "!", "?", "…", "”", '"', ":", "。", "！", "？", "」", "』")
_FINAL += ("။", "។", "៕", "।", "॥", "؟", "۔")  # Burmese, Khmer, Hindi, Bengali, Arabic, Urdu
LEARNED = "learned from the batch"


@dataclass(frozen=True)
class Candidates:
    """The sentences that may be ranked, in document order, and those that may not."""

    sentences: list[Sentence]
    excluded: list[Excluded]


def candidates(
    doc: Document, dedup: DedupResult, learned: Collection[str] = frozenset()
) -> Candidates:
    """Exclude the title, chrome, headings and duplicates.

    ``learned``: match keys of sentences known to be chrome (learned from a batch).
    """
    dup_of = _duplicate_of(doc, dedup.removed)
    para_sizes: dict[int, int] = {}
    for s in doc.sentences:
        para_sizes[s.paragraph] = para_sizes.get(s.paragraph, 0) + 1
    chrome = doc.chrome
    longest = CAPTION_MAX_WORDS if punctuated(doc) else HEADING_MAX_WORDS
    doubled = doubled_lines(doc, para_sizes)
    capitalised = capitalises(doc)
    by_image = beside_images(doc, para_sizes)
    credited = before_credits(doc)
    run_on = run_on_lines(doc, capitalised)
    excluded, kept = [], []
    for s in doc.sentences:
        reason, detail = None, ""
        if doc.in_title(s):
            reason = Reason.TITLE
        elif s.paragraph in chrome.paragraphs:
            reason, detail = Reason.BOILERPLATE, chrome.paragraphs[s.paragraph]
        elif s.index in chrome.sentences:
            reason, detail = Reason.BOILERPLATE, chrome.sentences[s.index]
        elif learned and s.key in learned:
            reason, detail = Reason.BOILERPLATE, LEARNED
        elif s.index in dup_of:
            r = dup_of[s.index]
            reason, detail = Reason.DUPLICATE, f"{r.cluster} {r.signal} {r.score:.3f}"
        elif is_heading(s.text, para_sizes[s.paragraph], longest):
            reason = Reason.HEADING
        elif is_fragment(s.text, capitalised):
            reason, detail = Reason.HEADING, "fragment: cut off mid-sentence"
        elif s.index in doubled:
            reason, detail = Reason.HEADING, "caption: the next or previous line repeats it"
        elif s.index in by_image:
            reason, detail = Reason.HEADING, "caption: next to an image's place"
        elif s.index in credited:
            reason, detail = Reason.HEADING, "caption: its photo credit follows"
        elif s.index in run_on:
            reason, detail = Reason.HEADING, "caption: no final punctuation, text goes on after it"
        elif introduces(s.text) and not _quotation_follows(doc, s):
            reason, detail = Reason.HEADING, "fragment: ends on a colon, before what it introduces"
        if reason:
            excluded.append(Excluded(s.index, s.start, s.end, s.text, reason, detail))
        else:
            kept.append(s)
    set_in = set_in_lines(doc, kept, para_sizes)
    if set_in:  # read on what the rules above leave: the text's own paragraphs
        detail = "caption: a short line set between paragraphs of text"
        excluded += [
            Excluded(s.index, s.start, s.end, s.text, Reason.HEADING, detail)
            for s in kept
            if s.index in set_in
        ]
        excluded.sort(key=lambda e: e.index)
        kept = [s for s in kept if s.index not in set_in]
    return Candidates(kept, excluded)


def _quotation_follows(doc: Document, s: Sentence) -> bool:
    """A quotation opens right after ``s`` ("Ông Sơn cho biết:" | "“..."): ``s`` names the
    speaker and stays a candidate, shown only with the quotation (rank/quotes.py). Any
    other sentence that ends on a colon introduces a list or a paragraph a summary would
    leave out: "The key new technologies include:", "Cụ thể như sau:"."""
    nxt = s.index + 1
    return nxt < len(doc.sentences) and opens_quotation(doc.sentences[nxt].text)


def _duplicate_of(doc: Document, removed: list[Removed]) -> dict[int, Removed]:
    """Sentence index -> the removal that cut it (whatever level cut it; the last one
    listed wins). The sentences inside a removal are found by bisection on their
    starts: a scan of every sentence per removal made a long text quadratic."""
    sentences = doc.sentences
    starts = [s.start for s in sentences]
    dup_of: dict[int, Removed] = {}
    for r in removed:
        inside = []
        for s in sentences[bisect_left(starts, r.start) : bisect_right(starts, r.end)]:
            if s.end <= r.end:
                inside.append(s.index)
        if r.level == "sentence" and 0 <= r.index < len(sentences):
            inside.append(r.index)
        for index in sorted(set(inside)):
            dup_of[index] = r
    return dup_of


def doubled_lines(doc: Document, para_sizes: dict[int, int]) -> set[int]:
    """Sentences alone in their paragraph, up to :data:`CAPTION_MAX_WORDS` words, next to
    a paragraph that repeats them word for word with the final punctuation dropped or
    added. Why: a scraped photo keeps its caption twice, as the figure's caption and as
    the image's alt text ("... giai đoạn 2014-2018." then "... giai đoạn 2014-2018"); the
    duplicate step removes one copy, and the other, an early short line close to the
    title, would otherwise be a likely pick. A paragraph scraped twice as written (a
    lead copied into the body) ends both copies alike and stays a candidate."""
    alone = {
        s.paragraph: s
        for s in doc.sentences
        if para_sizes[s.paragraph] == 1 and word_count(s.text) <= CAPTION_MAX_WORDS and s.key
    }

    def ends(s: Sentence) -> bool:
        return s.text.rstrip().endswith(_FINAL)

    return {
        s.index
        for p, s in alone.items()
        for q in (p - 1, p + 1)
        if q in alone and alone[q].key == s.key and ends(alone[q]) != ends(s)
    }


def beside_images(doc: Document, para_sizes: dict[int, int]) -> set[int]:
    """Sentences alone in their paragraph, up to :data:`CAPTION_MAX_WORDS` words, with an
    image's place right before or after them: a line of no-break spaces, or a paragraph
    the chrome judge calls an "image placeholder" ("no image"). Why: a caption under a
    photo is often punctuated like a sentence ("Nhiều điển hình tiên tiến ... được khen
    thưởng."), so only where the image stood tells it apart; a short one-sentence
    paragraph alone is ordinary style (English news) and stays."""
    paragraphs = doc.paragraphs
    placeholder = {i for i, label in doc.chrome.paragraphs.items() if label == "image placeholder"}

    def image_between(a: int, b: int) -> bool:
        """A whole line of the gap ``text[a:b]`` between two paragraphs is an image slot;
        its first piece ends the line before and its last opens the line after."""
        pieces = doc.text[a:b].splitlines(keepends=True)
        for k, piece in enumerate(pieces):
            line = piece.rstrip(_LINE_BREAKS)
            whole = (k > 0 or a == 0) and (line != piece or b == len(doc.text))
            if whole and _IMAGE_SLOT.fullmatch(line):
                return True
        return False

    found, body_seen = set(), False
    for s in doc.sentences:
        p = s.paragraph
        if not body_seen:
            # An image between the title and a short lead is the article's photo, and the
            # line under it the lead: only after body text is a short line a caption.
            body_seen = word_count(paragraphs[p].text) >= BODY_MIN_WORDS
            continue
        if para_sizes[p] != 1 or word_count(s.text) > CAPTION_MAX_WORDS:
            continue
        before = paragraphs[p - 1].end if p > 0 else 0
        after = paragraphs[p + 1].start if p + 1 < len(paragraphs) else len(doc.text)
        if (
            image_between(before, paragraphs[p].start)
            or image_between(paragraphs[p].end, after)
            or {p - 1, p + 1} & placeholder
        ):
            found.add(s.index)
    return found


# A credit that names who took or owns a photo ("Ảnh: Tường Hiếu", "(Ảnh: Thống Nhất/
# TTXVN)", chrome label "photo credit") or a bracketed source under a picture ("(Nguồn:
# Reuters)"): the line before it is the picture's caption. Not an illustration's ("Ảnh
# minh họa"): a stock picture is dropped under a paragraph with no caption of its own.
# Not "Theo VnExpress": that credits the article.
_ILLUSTRATION = re.compile(r"minh\s*h(?:ọa|oạ|oa)|illustration|stock", re.IGNORECASE)
_SOURCE_UNDER_PICTURE = re.compile(r"\(?\s*(?:nguồn|source)\s*:", re.IGNORECASE)
# Openers no caption has: it cites no one and goes on from no sentence before it
# ("Theo Guardian, ông Kim bị kết án ...", "Nếu Andy Dufresne ...", "Nhất là sợ ...";
# the data's real sentences before a credit). Pointing back (select.is_dangling) too.
_NOT_CAPTION = re.compile(
    r"(?:theo|nếu|nhất là|chưa kể|thậm chí|vì|bởi|mà|và|còn|according to|if)\b", re.IGNORECASE
)
# "Ông al-Thani (ảnh) tuyên bố ...": a sentence that points at the picture is the text
# beside it, not its caption. "... cho biết thông tin trên": the sentence after the
# credit refers back over it, to a sentence of the text.
_SHOWN = re.compile(r"\((?:trong )?(?:ảnh|hình|photo|pictured)\)", re.IGNORECASE)
_ABOVE = re.compile(
    r"\b(?:thông tin|tuyên bố|lời gợi ý|nhận định|phát biểu|con số|sự việc|ý kiến) (?:trên|này)\b",
    re.IGNORECASE,
)
CREDITED_MAX_WORDS = 11  # VietnameseMDS ROUGE-2 cost 0.02 at 10, 0.05 at 11, 0.06 at 12
# A text with this share of its content lines right before a credit is a photo story:
# its captions are what it says.
PHOTO_STORY_SHARE = 0.5


def _is_credit(doc: Document, s: Sentence) -> bool:
    label = doc.chrome.sentences.get(s.index) or doc.chrome.paragraphs.get(s.paragraph)
    text = s.text.strip()
    if label == "photo credit":
        return not _ILLUSTRATION.search(text)
    return label == "source credit" and bool(_SOURCE_UNDER_PICTURE.match(text))


def before_credits(doc: Document) -> set[int]:
    """Sentences up to :data:`CREDITED_MAX_WORDS` words right before a photo's credit,
    with text after the credit (a credit at the end credits the article): a caption,
    written as a sentence ("Lực lượng cứu hộ tìm kiếm nạn nhân tại hiện trường." then
    "Ảnh: Tường Hiếu"). Where paragraphs are kept, only a sentence that opens its
    paragraph (the caption's own line, or "caption. Ảnh: X" on one line); in a page
    flattened into one paragraph (the credit runs on into the next sentence), any. Never
    the text's first sentence (an article's lead, then its photo's credit: 4 to 5 of 30
    such first sentences read by hand in baomoi), one that cites, goes on or points back
    (:data:`_NOT_CAPTION`), one the sentence after the credit refers back to, and nothing
    in a photo story (:data:`PHOTO_STORY_SHARE`).

    Measured (2026-12-07, docs/ranking.md): 0 of 18,260 BBC candidates, 22 of 9,213
    VietnameseMDS, 188 of 54,415 baomoi; 30 read by hand, all captions. Longer captions
    stay: they restate the news as the lead does, and removing them up to 30 words cost
    VietnameseMDS 0.17 ROUGE-2."""
    sentences = doc.sentences
    chrome = doc.chrome
    content = [
        s for s in sentences
        if s.paragraph not in chrome.paragraphs and s.index not in chrome.sentences
        and not doc.in_title(s)
    ]  # fmt: skip
    if not content:
        return set()
    first, last = content[0].index, content[-1].index
    found = set()
    for k, s in enumerate(sentences[:-1]):
        credit = sentences[k + 1]
        if s.index > last or credit.index > last or not _is_credit(doc, credit):
            continue
        if word_count(s.text) > CREDITED_MAX_WORDS:
            continue
        head = s.text.lstrip(" \"'“‘(-–—•")
        if is_dangling(s.text) or _NOT_CAPTION.match(head) or _SHOWN.search(s.text):
            continue
        after = next((t for t in content if t.index > credit.index), None)
        if after is not None and (is_dangling(after.text) or _ABOVE.search(after.text)):
            continue  # the text goes on from it: a lead sentence, then its photo's credit
        glued = k + 2 < len(sentences) and sentences[k + 2].paragraph == credit.paragraph
        opens = k == 0 or sentences[k - 1].paragraph != s.paragraph
        if s.index != first and (glued or opens):
            found.add(s.index)
    if len(found) >= PHOTO_STORY_SHARE * len(content):
        return set()
    return found


# A set-in line is at most this share of the text's median candidate sentence, in words:
# the sample's two captions are 0.35 and 0.37 of theirs; the BBC one-sentence paragraphs
# that pass every other test of :func:`set_in_lines` are 0.9 of theirs or more.
SET_IN_SHARE = 0.5


def set_in_lines(doc: Document, kept: list[Sentence], para_sizes: dict[int, int]) -> set[int]:
    """Candidates alone in their paragraph, up to :data:`CAPTION_MAX_WORDS` words and
    :data:`SET_IN_SHARE` of the text's median candidate sentence, set between two
    paragraphs of text (two sentences or more, :data:`BODY_MIN_WORDS` words or more), in
    a text whose every other paragraph is longer than :data:`CAPTION_MAX_WORDS` words.
    Why: a page that keeps its photos' captions as lines of their own, punctuated like
    sentences, with no credit and no image slot left to show them ("Khoa Cấp cứu, Bệnh
    viện Đa khoa tỉnh bình quân mỗi ngày tiếp nhận 120 bệnh nhân." between a 211-word and
    a 384-word paragraph, samples/khoi-co-quan-tinh-dien-hinh). A one-sentence paragraph
    in a text of short paragraphs (English news) is that text's style, and one as long as
    the text's sentences is a sentence: both stay. Read on the candidates (``kept``):
    headings, chrome and duplicates are not the text's paragraphs.

    Each condition is needed, measured on the 912 BBC articles (whose bodies keep a few
    paragraph breaks) with the other caption rules in place: one-sentence paragraphs up to
    30 words between two paragraphs of text, 131 (30 read: all real sentences); with every
    other paragraph longer, 7; with the share of the median sentence alone, 1; with both,
    0. VietnameseMDS and baomoi bodies are flattened into one paragraph: 0 there, so
    nothing measured says how often a real short paragraph in a text of long ones is lost
    (docs/ranking.md)."""
    per: dict[int, list[Sentence]] = {}
    for s in kept:
        per.setdefault(s.paragraph, []).append(s)
    body = sorted(per)
    if len(body) < 3:
        return set()
    words = {p: word_count(doc.paragraphs[p].text) for p in body}

    def text_paragraph(p: int) -> bool:
        return p in per and para_sizes[p] >= 2 and words[p] >= BODY_MIN_WORDS

    lines = [
        p for p in body[1:-1]
        if para_sizes[p] == 1 and words[p] <= CAPTION_MAX_WORDS
        and text_paragraph(p - 1) and text_paragraph(p + 1)
    ]  # fmt: skip
    if not lines or any(words[p] <= CAPTION_MAX_WORDS for p in body if p not in lines):
        return set()
    typical = statistics.median(word_count(s.text) for s in kept)
    return {per[p][0].index for p in lines if word_count(per[p][0].text) <= SET_IN_SHARE * typical}


def is_heading(text: str, sentences_in_paragraph: int, max_words: int = HEADING_MAX_WORDS) -> bool:
    """A short line on its own with no final punctuation: a heading, a label or a caption.
    Counted in :func:`word_count`: a Thai paragraph, written without a full stop, is a
    heading only when it is as short as one.

    ``max_words``: how long such a line may be; :data:`CAPTION_MAX_WORDS` where the text
    punctuates its paragraphs (:func:`punctuated`), :data:`HEADING_MAX_WORDS` otherwise.
    """
    stripped = text.rstrip()
    return (
        sentences_in_paragraph == 1
        and word_count(stripped) <= max_words
        and not stripped.endswith(_FINAL)
    )


_CUT_END = (",", ";", " -", " –", " —")
_CUT_START = (",", ";")


MIN_WORDS = 3  # shorter is a scrap: "Hill.", "Đ.Thắng", "TTXVN/Tin Tức", "9,033."


_CLOSING = "\"'”’»)]"
# Longer run-on lines that open their paragraph stay: they restate the news as a sentence
# does (VietnameseMDS, 3 sentences: excluding them up to 30 words cost 0.10 ROUGE-2, up to
# 12 words 0.09 of the 0.09 the segmenter's cut gained; baomoi 0.15 and 0.06 of 0.06), and
# the sentences after an opening line often point back to it ("Cụ thể, ông ..."): without
# it, a text may have nothing left to show.
RUN_ON_MAX_WORDS = 12
# Inside a paragraph, after a sentence of the text, up to 30 words, as a caption on a line
# of its own (:data:`CAPTION_MAX_WORDS`): "Perez không hài lòng về quyết định hoãn trận đấu
# của La Liga", "Nghi can Long bị bắt giữ tại cơ quan công an Tang vật thu giữ ..."
INNER_RUN_ON_MAX_WORDS = CAPTION_MAX_WORDS


def run_on_lines(doc: Document, capitalised: bool) -> set[int]:
    """Sentences with no final punctuation that the next sentence follows on their line: a
    caption or a subheading whose line break the scrape lost, cut off by the segmenter
    before a sentence opener or after a photo credit ("Hiện trường vụ cháy ở chợ huyện",
    then "Tuy nhiên, ..." in a one-line body). On a line of its own it would be a heading
    (:func:`is_heading`); picked, it shows as a fragment. Up to :data:`RUN_ON_MAX_WORDS`
    words (the sentence after it shows that the writer punctuates), only in a text that
    capitalises its sentences (Thai is cut at spaces and has no full stop), never a list
    item. Measured (2026-12-07, first 500 baomoi, 3-sentence summaries): 42 of 1,478 picks
    were such lines once the segmenter cut glued captions off (e43e54b), 3 before; and 29
    picks held a glued caption before that cut.

    After a sentence of its paragraph the limit is :data:`INNER_RUN_ON_MAX_WORDS`: raised
    from 12 to 30 words, 13 of 9,565 VietnameseMDS candidates and 105 of 54,603 baomoi more
    are excluded, 0 of 18,259 BBC; read by hand, 2 of the 13 and 4 of 35 baomoi were
    sentences that lost their full stop, the rest captions and subheadings."""
    if not capitalised:
        return set()
    found = set()
    sentences = doc.sentences
    for k, (s, after) in enumerate(zip(sentences, sentences[1:], strict=False)):
        text = s.text.rstrip()
        if after.paragraph != s.paragraph or text.endswith(_FINAL):
            continue
        inner = k > 0 and sentences[k - 1].paragraph == s.paragraph
        longest = INNER_RUN_ON_MAX_WORDS if inner else RUN_ON_MAX_WORDS
        if text.rstrip(_CLOSING).endswith(_FINAL) or word_count(text) > longest:
            continue  # "... in the end.''"
        if text.lstrip()[:1] in BULLETS or after.text.lstrip()[:1] in BULLETS:
            continue
        found.add(s.index)
    return found


def capitalises(doc: Document) -> bool:
    """Whether the text opens its sentences with a capital letter: :data:`PUNCTUATED_SHARE`
    of those that open with a letter. Only then is a lower-case opening a lost word."""
    firsts = [c for s in doc.sentences for c in s.text.lstrip()[:1] if c.isalpha()]
    cased = [c for c in firsts if c.isupper() or c.islower()]
    return bool(cased) and sum(c.isupper() for c in cased) >= PUNCTUATED_SHARE * len(cased)


def is_fragment(text: str, capitalised: bool = True) -> bool:
    """A piece of a sentence, or a scrap: it ends on a comma or a dash, opens on a comma
    or a lower-case word (in a text that capitalises, :func:`capitalises`), or has
    fewer than :data:`MIN_WORDS` words, none of them lower-case (a name, a credit, a
    number; "Gió nhẹ." is a weather bulletin's sentence). Why: a scraped page
    loses its linked words ("At the same meeting," then ", who broke onto the
    international scene ...", "also set a new championship mark ..." around removed
    athletes' names, BBC), keeps bylines and team sheets ("Phong Vân -", "Hill.",
    "Morrison, Wilson."); the set search likes them for their shortness. Measured on the
    candidates (fragments and scraps together, 2026-12-07): 101 of 18,361 BBC, 222 of
    54,637 baomoi, 35 of 9,248 VietnameseMDS (bylines, credits, "Điều 246.")."""
    stripped = text.strip()
    if stripped.endswith(_CUT_END) or stripped.startswith(_CUT_START):
        return True
    words = stripped.split()
    if (
        len(words) < MIN_WORDS
        and not any(w[:1].islower() for w in words)  # "Gió nhẹ." is a sentence
        and not UNSPACED.search(stripped)  # Chinese, Japanese, Thai: no spaces between words
    ):
        return True
    first = words[0]
    return capitalised and first.isalpha() and first.islower()  # "iPhone", "eBay": names


def punctuated(doc: Document) -> bool:
    """Whether the text ends its body paragraphs with punctuation: at least two paragraphs
    of :data:`BODY_MIN_WORDS` words or more, and :data:`PUNCTUATED_SHARE` of them end with
    final punctuation. Why: only then is an unpunctuated line a sign of a caption; a text
    written without full stops (a transcript, a chat) keeps its longer lines."""
    body = [p.text.rstrip() for p in doc.paragraphs if word_count(p.text) >= BODY_MIN_WORDS]
    if len(body) < 2:
        return False
    return sum(t.endswith(_FINAL) for t in body) >= PUNCTUATED_SHARE * len(body)
