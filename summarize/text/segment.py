"""Paragraph and sentence splitting for scraped Vietnamese news, with offsets.

Rule-based on purpose. underthesea's ``sent_tokenize`` (9.5) was evaluated on the cases this
project meets and is not used because:

* it returns strings, not offsets, and we must point back into the original text;
* it splits "PGS.TS. Nguyễn" after "TS." and gives a closing quote to the next sentence
  ("Ông nói: “Tôi đi.” Sau đó" -> "” Sau đó ...");
* it ignores "…" (U+2026) entirely ("“Dân chủ muôn năm”… Nhà chức trách" stays one sentence)
  and never ends a sentence on "v.v.";
* it splits on every "?"/"!" even when speech continues in lowercase ("Sao vậy?” anh hỏi");
* it does not treat a line break as a boundary, so headings and captions merge with the next
  paragraph.

The splitter below is one regex scan per paragraph (linear) plus local look-around rules.
Quoted speech is split at its inner sentence ends like any other text; a closing quote always
stays with the sentence it closes, and "“...”, anh nói." is never split at the quote.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable

from summarize.text.normalize import match_key
from summarize.types import Paragraph, Sentence

__all__ = ["ABBREVIATIONS", "BULLETS", "is_space", "segment", "split_paragraphs", "split_sentences"]

# Invisible characters that str.isspace() does not cover; treated as spaces at edges.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# The same set str.splitlines() uses: every one of them ends a paragraph.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")

# Sentence-final punctuation run, with the closing quotes/brackets glued to it ("làm được.”").
# Chinese and Japanese end sentences with full-width marks and no space after them. Burmese
# ("။"), Khmer ("។"; "៕" ends a section), Hindi and Bengali ("।", "॥"), Arabic ("؟") and
# Urdu ("۔") have no capital letters, so what follows their own full stop cannot confirm
# it: like the full-width marks, they end a sentence whatever follows.
_TERM = re.compile(r"[.!?…。！？｡။។៕।॥؟۔]+[\"'”’»)\]」』）】〉》]*")
_CLOSERS = "\"'”’»)]」』）】〉》"
_WIDE_STOPS = "。！？｡။។៕।॥؟۔"
_KANA = re.compile("[\u3041-\u309f]")  # hiragana: a Japanese particle goes on after a quote
# A Chinese attribution after a quote ("“……。”他说。"): a short clause ending in a verb of
# saying belongs to the quote, as "he said" does in English.
_ZH_ATTRIBUTION = re.compile(
    "[^。！？｡“「『]{1,30}?(?<![很难好不么])"  # "很难说": "hard to say" is no speaker
    "(?:说|表示|称|指出|强调|介绍|补充|透露|回应|解释|回答|认为|写|问)道?(?=[。！？｡])"
)
_OPENERS = "\"'“‘«([-–—>»›"
BULLETS = "•●▪■◦►"  # list bullets: one opens an item, inside a line too
_BULLET = re.compile(f"(?<=\\s)[{BULLETS}]")  # a bullet inside a line starts a new item

# Abbreviations after which "." never ends a sentence (compared casefolded, on the last
# dot-separated part of the word before the period: "PGS.TS." -> "ts"). Titles, degrees and
# place types that always precede a name or number. Abbreviations that are also Vietnamese
# words ("no", "sen", "gen", "cn", "h") are left out: "ăn no. Tôi" must split.
ABBREVIATIONS = frozenset(
    """
    tp tx tt q p gs pgs ts tskh ths bs bsck cki ckii ks ls ds ncs nsnd nsưt nsut
    nxb tr tel đt sđt mr mrs ms dr prof jr sr st col lt capt sgt gov rep vs
    """.split()
)
# Abbreviations that may end a sentence ("cam, quýt v.v. Ngoài ra", byline "P.V.").
_ETC = frozenset({"v.v", "vv", "etc", "p.v"})
# English abbreviations that are also Vietnamese words ("no", "gen") when lower-case: only
# their capitalised form, before a number or a name, is taken as the abbreviation.
_BEFORE_NUMBER = frozenset({"No", "Nos", "Vol", "Fig", "Nr"})
_CASED_TITLES = frozenset({"Gen", "Maj", "Brig", "Adm", "Cmdr", "Rev", "Hon", "Supt", "Insp"})
_LIST_MARKER = re.compile(r"[(\[]?(?:\d{1,3}|[IVXLCDM]{1,6}|[A-Za-z])[)\].]?")

# Photo credit glued to the next sentence in one-line bodies: "... - Ảnh: AFP Theo Hãng tin".
# Any spaces between its words: a wrap may break it ("Ảnh minh\nhọa:", "Đồ \nhọa:").
_CREDIT = re.compile(
    r"(?<![^\s\-–—])(?:(?:Ả|A\u0309)nh(?:\s+minh\s+h(?:ọa|oạ))?|Nguồn|Đồ\s+h(?:ọa|oạ))\s*:\s*"
)
_CREDIT_PAREN = re.compile(  # a wrapped paragraph may break a credit: "(Ảnh: Nguyễn\nDân)"
    r"\((?:Ả|A\u0309|ả|a\u0309)nh\b[^()]{0,80}\)|\(Nguồn\s*:[^()]{0,80}\)"
)
# A picture's note with no colon and no name, glued to the next sentence in a one-line
# body: "Ảnh cắt từ clip Vài ngày trước, ...", "Ảnh minh họa Thủ tướng Nhật Bản ...",
# "... vai trò chủ đạo Ảnh minh họa Sáng nay (22/10) ...". A sentence ends after it when a
# sentence opens there, and before it when a word runs into it with no punctuation.
_PICTURE_NOTE = re.compile(
    r"(?<![^\s\-–—(])(?:Ả|A\u0309)nh\s+(?:minh\s+h(?:ọa|oạ)|cắt\s+từ\s+(?:clip|video)|tư\s+liệu"
    r"|chụp\s+màn\s+hình|(?:nguồn\s+)?[Ii]nternet)\)?(?=\s)"
)
# Cheap pre-check: most paragraphs hold no photo credit at all.
_CREDIT_HINTS = ("Ả", "(ả", "\u0309", "Nguồn", "Đồ")
# Words that open a sentence but are not name syllables: the credit ends before them.
_STARTERS = frozenset(
    """
    theo trong tại khi sau các những một cả ông bà chị em đây đó hiện ngày hôm vào với từ nhưng
    tuy trước còn ngoài bên cũng năm lúc chúng tôi mỗi nhiều hai ba để do vì nếu dù mặc như
    riêng đặc cùng kể nhờ sáng chiều tối trưa đêm tuần tháng người này thế vậy song rồi giờ
    hơn gần có không chưa đã đang sẽ được bị cho là
    """.split()
)
_MAX_CREDIT_WORDS = 8
_BULLET_HINT = re.compile(f"[{BULLETS}]")
_WORD = re.compile(r"[^\W\d_]+")
_NONSPACE = re.compile(r"\S+")


def is_space(ch: str) -> bool:
    """Whitespace, NBSP and the invisible zero-width characters."""
    return ch.isspace() or ch in _INVISIBLE


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and is_space(text[start]):
        start += 1
    while end > start and is_space(text[end - 1]):
        end -= 1
    return start, end


def _skip_space(p: str, i: int) -> int:
    while i < len(p) and is_space(p[i]):
        i += 1
    return i


def split_paragraphs(text: str) -> list[Paragraph]:
    """One paragraph per line that holds anything but spaces (scraped text: a line break ends
    a paragraph; blank and NBSP-only lines are layout, not content), except in hard-wrapped
    text, where the lines a wrap broke are one paragraph (:func:`_wrapped_breaks`)."""
    lines: list[tuple[int, int, int]] = []  # (start, end, where the line starts in the text)
    adjacent: list[bool] = []  # line i follows line i - 1 with a single line break
    after_blank = True
    for m in _LINE.finditer(text):
        start, end = _strip(text, m.start(), m.end())
        if start >= end:
            after_blank = True
            continue
        if lines:
            gap = text[lines[-1][1] : m.start()]
            adjacent.append(not after_blank and _single_break(gap))
        lines.append((start, end, m.start()))
        after_blank = False
    joins = _wrapped_breaks(text, lines, adjacent)
    paragraphs: list[Paragraph] = []
    first = 0
    for i in range(len(lines)):
        if i in joins:
            continue  # line i goes on into line i + 1
        start, end = lines[first][0], lines[i][1]
        paragraphs.append(Paragraph(len(paragraphs), start, end, text[start:end]))
        first = i + 1
    return paragraphs


# Hard-wrapped plain text (an e-mail, a text filled to 72 columns): the widths a wrap
# can have, and the share of its breaks that must look like a wrap's.
_WRAP_MIN, _WRAP_MAX = 40, 100
_WRAP_SLACK = 2
_BALANCE = 3  # a balanced fill's broken lines are within width // 3 of the width
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_FINAL = ".!?…:;。！？"
_STOPS = ".!?…。！？"  # a colon or a semicolon goes on
# A list item's marker ("- Bị can", "1. Nội dung", "• "); a dash or a number is one only
# before a capital or a digit, never in "– ngôi sao người Uruguay nói" (a wrap before a
# dash inside the sentence).
_ITEM = re.compile(r"(?:[-–—*]|\(?\d{1,3}[.)])[^\S\n]+[\"“(]?(?=\w)")


def _opens_item(text: str, i: int) -> bool:
    """A list item starts at ``text[i]``."""
    if _BULLET_HINT.match(text, i):
        return True
    m = _ITEM.match(text, i)
    return m is not None and (text[m.end()].isupper() or text[m.end()].isdigit())


def _single_break(gap: str) -> bool:
    """``gap`` (between two lines' texts) holds one line break: "\\n", "\\r\\n", ..."""
    breaks = sum(ch in _LINE_BREAKS for ch in gap) - gap.count("\r\n")
    return breaks == 1


def _wrapped_breaks(text: str, lines: list[tuple[int, int, int]], adjacent: list[bool]) -> set[int]:
    """The lines ``i`` that a hard wrap broke off from line ``i + 1`` (none in most texts).

    Why measured, not assumed: scraped articles put one paragraph, heading or caption on
    each line, with a single line break between them, and must not be joined. A wrap
    filled to a width ``w`` leaves a trace no such text has: the lines it broke are at
    most ``w`` long and close to it, and most of them end inside a sentence, the next
    line going on with a small letter. How close depends on the wrapper:

    * a greedy fill (Python's ``textwrap``, an editor, ``fold -s -w w``) puts each word on
      the line while it fits, so the next line's first word would not have fitted
      (``len(line) + 1 + len(word) > w``). ``fold -s`` breaks after the last blank and
      keeps it at the end of the line (stripped before measuring; the line with it is at
      most ``w``), and moves a word that ends exactly at column ``w`` before a blank down
      (``len + 1 + len(word) == w``): the slack covers that and a doubled space;
    * a balanced fill (GNU ``fmt``: width 75 by default, aiming at 93% of it) chooses the
      breaks of a whole paragraph at once: it ends a line early at a sentence's end or a
      comma, or to even out the next lines, so the next word often would have fitted.
      Its broken lines stay within a third of the width from it (measured: none of
      89,471 lines of ``fmt -w 60/75/80`` on the BBC texts and the samples is shorter;
      20 are shorter than three quarters);
    * GNU ``fmt`` and ``fold`` (coreutils 9.1) count bytes, not characters: a Vietnamese
      line wrapped at 75 bytes holds 50 to 70 characters, and only its length in bytes
      looks filled. Both units are tried and the one that explains more breaks wins.

    A greedy fill never leaves a line short of a word that fitted, so in a greedily
    filled text with single line breaks between paragraphs a line short of the width
    ends its paragraph. Lines are read as balanced only when the text shows it: a short
    line that does not end a sentence, or blank lines between its paragraphs (``fmt``
    keeps them, and joins lines that have none), and few lines short by more than a
    third (paragraph ends, headings) beside them (:func:`_fill_breaks`).
    """
    breaks = [i for i, near in enumerate(adjacent) if near]
    if not breaks:
        return set()
    blank_gaps = not all(adjacent)
    joins: set[int] = set()
    for unit in (_characters,) if text.isascii() else (_characters, _utf8_bytes):
        found = _fill_breaks(text, lines, breaks, unit, blank_gaps)
        if len(found) > len(joins):
            joins = found
    return joins


def _characters(text: str, start: int, end: int) -> int:
    return end - start


def _utf8_bytes(text: str, start: int, end: int) -> int:
    return len(text[start:end].encode("utf-8", "surrogatepass"))


def _fill_breaks(
    text: str,
    lines: list[tuple[int, int, int]],
    breaks: list[int],
    unit: Callable[[str, int, int], int],
    blank_gaps: bool,
) -> set[int]:
    """The breaks a fill to one width explains, lengths counted in ``unit``.

    The width is the one that explains the most breaks as a greedy fill's (an over-long
    URL line does not set it), and the line after a break is no longer than it; a
    balanced fill's is its longest line, up to a tenth wider (its short lines fit no
    greedy fill that wide). A text is read as wrapped only when at least two breaks (or
    its one break, before a small letter) fit, at least half its single breaks do, and at
    least half of those end without a sentence's final punctuation and a quarter go on
    with a small letter or after a comma (news names many people and places, and a list
    of headlines opens every line with a capital). Then each break that fits is joined,
    unless the line ends a sentence (or a colon) and the next opens a list item ("- ",
    "1. ", "•"): a wrap also breaks before a dash inside a sentence ("ông A\\n– Chủ tịch
    xã"). Headings, short last lines of a paragraph and paragraphs of other lengths never
    fit, so they stay paragraphs of their own.
    """
    size: dict[int, int] = {}  # line -> its length, from where it starts (indentation too)
    reach: dict[int, int] = {}  # break -> the widest width a greedy fill could have had
    cover = [0] * (_WRAP_MAX + 2)
    for i in breaks:
        for j in (i, i + 1):
            if j not in size:
                size[j] = unit(text, lines[j][2], lines[j][1])
        word = _NONSPACE.match(text, lines[i + 1][0], lines[i + 1][1])
        # Widths size..reach fit a greedy fill; the slack allows for a doubled space, a
        # wrapper that counts one column less and ``fold -s`` (see above).
        reach[i] = size[i] + (unit(text, word.start(), word.end()) if word else 0) + _WRAP_SLACK
        low, high = max(size[i], _WRAP_MIN), min(reach[i], _WRAP_MAX)
        if low <= high:
            cover[low] += 1
            cover[high + 1] -= 1
    width = _best_width(cover)
    if not width:
        return set()

    def within(i: int, w: int) -> bool:
        """A wrap to ``w`` could have broken line ``i`` and left the next one."""
        nxt = lines[i + 1]
        return size[i] <= w and (
            size[i + 1] <= w or _NONSPACE.fullmatch(text, nxt[0], nxt[1]) is not None
        )

    fit = [i for i in breaks if width <= reach[i] and within(i, width)]
    top = max([width] + [n for n in size.values() if n <= width + width // 10])
    shortest = top - top // _BALANCE
    greedy = set(fit)
    short = [i for i in breaks if i not in greedy and size[i] >= shortest and within(i, top)]
    stray = sum(1 for i in breaks if i not in greedy and size[i] < shortest)
    balanced = (
        bool(short)
        and 3 * stray <= len(short)
        and (blank_gaps or not all(_ends(text, lines[i], _STOPS) for i in short))
    )
    if balanced:
        fit = [i for i in breaks if i in short or (reach[i] >= width and within(i, top))]
    # ``fold -s`` keeps the space it broke at: where most broken lines end with one, a line
    # without it ended in the text before the fold (a paragraph whose last line is long).
    marked = [i for i in fit if lines[i][1] < len(text) and text[lines[i][1]] in " \t"]
    if 4 * len(marked) >= 3 * len(fit):
        fit = marked
    closed = {i for i in fit if _ends(text, lines[i])}
    open_ = [i for i in fit if i not in closed]
    # Prose goes on with a small letter after many of a wrap's breaks; a list of
    # headlines, or paragraphs, opens every line with a capital. A list of names wrapped
    # ("Ross (captain), Gordon Bulloch,\nDavid Callam") goes on after a comma.
    lower = [i for i in fit if _goes_on(text, lines[i + 1][0])]
    going = [i for i in fit if i in lower or text[lines[i][1] - 1] == ","]
    # One break alone is little evidence: the next line must go on with a small letter.
    enough = len(fit) >= 2 or (len(breaks) == 1 and bool(lower))
    if not (
        enough
        and 2 * len(fit) >= len(breaks)
        and 2 * len(open_) >= len(fit)
        and 4 * len(going) >= len(fit)
    ):
        return set()
    listed = {i for i in closed if text[lines[i][1] - 1] != ";"}  # "; - Bị can" goes on
    return {i for i in fit if not (i in listed and _opens_item(text, lines[i + 1][0]))}


def _best_width(cover: list[int]) -> int:
    """The widest width that the most breaks fit (0: none fits any); ``cover`` holds the
    changes in their count from one width to the next."""
    best, width, running = 0, 0, 0
    for w in range(_WRAP_MAX + 1):
        running += cover[w]
        if running >= best and running:
            best, width = running, w
    return width


def _ends(text: str, line: tuple[int, int, int], marks: str = _FINAL) -> bool:
    """The line ends with one of ``marks`` (a sentence's final punctuation or a colon),
    maybe behind closing quotes or brackets ("... làm được.”")."""
    end = line[1]
    while end > line[0] and text[end - 1] in _CLOSERS:
        end -= 1
    return end > line[0] and text[end - 1] in marks


def _goes_on(text: str, i: int) -> bool:
    """A small letter starts the line, not a brand in camel case ("iPad Pro 2 sẽ ra mắt")."""
    return text[i].islower() and not text[i + 1 : i + 2].isupper()


def _word_before(p: str, i: int) -> tuple[int, str]:
    """The non-space run ending at ``i`` without its opening punctuation, and where it starts."""
    j = i
    while j > 0 and not is_space(p[j - 1]):
        j -= 1
    while j < i and p[j] in _OPENERS:
        j += 1
    return j, p[j:i]


def _starts_sentence(p: str, j: int) -> bool:
    """A capital, a digit or a letter of a script without capitals (after opening
    quotes/brackets/dashes/list marks) can open a sentence; "”" glued to the next word is
    a misused opening quote."""
    while j < len(p) and (p[j] in _OPENERS or p[j] in "”*" or is_space(p[j])):
        j += 1
    if j >= len(p):
        return False
    if p[j] in BULLETS or p[j].isupper() or p[j].isdigit():
        return True
    if p[j].isalpha() and not p[j].islower():
        return True  # a script without capitals: Korean, Arabic, Hebrew, Hindi, Thai
    # A brand written in camel case opens a sentence too: "iPad", "eBay", "eFinance".
    return p[j].islower() and j + 1 < len(p) and p[j + 1].isupper()


def _period_is_final(p: str, dot: int, sentence_start: int) -> bool:
    """Whether a single "." at ``dot`` followed by a capital/digit ends the sentence."""
    word_start, word = _word_before(p, dot)
    if word.casefold() in _ETC:
        return True
    if _SPACED_SENTENCES.search(word):
        return False  # Thai writes no full stop: "พ.ศ. 2567", "ดร. สมชาย" are abbreviations
    last = word.rsplit(".", 1)[-1]
    if last.casefold() in ABBREVIATIONS:
        return False
    if last in _BEFORE_NUMBER and _digit_follows(p, dot + 1):
        return False  # "No. 10 Downing Street", "Vol. 2"
    if last in _CASED_TITLES:
        return False  # "Gen. Mills", "Rev. King": the English title, capitalised
    if dot - sentence_start <= 8 and _LIST_MARKER.fullmatch(p[sentence_start:dot].strip()):
        return False  # "1. Nội dung", "II. Kết quả", "a. Mục tiêu"
    if len(last) == 1 and "A" <= last <= "Z":
        # An initial ("Anthony J. Santino", "trọng tài F. Brych", "M.U.") or a letter that ends
        # the sentence ("anh H. Ngày 20/5", "Serie A. Với việc", "độ C. Hà Nội"): only a common
        # sentence-opening word after it, or a temperature, makes it final.
        if word == last and _word_before(p, _skip_back(p, word_start))[1].casefold() == "độ":
            return True
        return _next_word(p, dot + 1).casefold() in _STARTERS
    return True


def _digit_follows(p: str, i: int) -> bool:
    while i < len(p) and is_space(p[i]):
        i += 1
    return i < len(p) and p[i].isdigit()


def _next_word(p: str, i: int) -> str:
    m = _WORD.search(p, i)
    return m.group() if m else ""


def _skip_back(p: str, i: int) -> int:
    while i > 0 and is_space(p[i - 1]):
        i -= 1
    return i


def _glued_period_is_final(p: str, dot: int) -> bool:
    """A missing space ("trường.Từ đó") after a lowercase word, before a capitalised word.

    Not "TP.HCM", "Tp.Hồ Chí Minh" (the word before is not all lowercase) nor
    "www.Axeapollo.com" (the next word holds a dot)."""
    _, word = _word_before(p, dot)
    if len(word) < 2 or not word.isalpha() or not word.islower():
        return False
    j = dot + 1
    if not (j + 1 < len(p) and p[j].isupper() and p[j + 1].islower()):
        return False
    k = j
    while k < len(p) and not is_space(p[k]):
        if p[k] in "./@":
            return False
        k += 1
    return True


def _credit_end(p: str, j: int) -> int | None:
    """End of a photo credit starting at ``j`` when a new sentence follows it on the same line.

    The credit name is one or more capitalised words; the next sentence starts at the first
    common sentence-opening word, else after a run of all-caps words ("AFP", "REUTERS"), else at
    the last capitalised word before a lowercase one ("Sky News Cảnh sát ...")."""
    words: list[tuple[int, int]] = []
    followed_by_lower = False
    for m in _NONSPACE.finditer(p, j):
        w = m.group()
        if w[-1] in ".!?…)" or len(words) > _MAX_CREDIT_WORDS:
            return None  # a period or bracket ends the credit: the other rules handle it
        first = next((c for c in w if c.isalpha()), "")
        if not first:
            break  # a number or a dash: no longer a name
        if not first.isupper() and not (words == [] and "." in w):  # a site: "scmp.com"
            followed_by_lower = True
            break
        words.append((m.start(), m.end()))
    if len(words) < 2:
        return None
    texts = [p[s:e].strip(",;:") for s, e in words]
    if p[words[-1][1] - 1] == ",":
        return words[0][1]  # "Ảnh: Theverge Anh Trần Mạnh Hiệp, quản trị": a name opens it
    for i in range(1, len(words)):
        if texts[i].casefold() in _STARTERS:
            return words[i - 1][1]
    if texts[0].isupper() and len(texts[0]) > 1:
        for i in range(1, len(words)):
            if not texts[i].isupper():
                return words[i - 1][1]
    if followed_by_lower:
        return words[-2][1]
    return None


# A photo caption or a subheading with no final period, glued to the next sentence in a
# one-line body ("... nhảy xuống vịnh Như chúng tôi đã đưa tin, vào khoảng 9h ..."): a
# sentence starts before one of these openers when a word ending in a small letter
# precedes it with no punctuation. Only openers that never follow a small letter inside a
# sentence: connectives, "Theo" with its source, datelines. Left out because they do:
# "Điều này" (a law's "khoản 1 Điều này"), "Khi", "Nếu", "Vì", "Từ", "Trong", "Do", "Sáng",
# "Tối" alone (titles of songs and films, "Từ Thiếu Hoa", "Do Thái", "Tòa án Tối cao").
_GLUED_ANY = (
    "Tuy nhiên", "Tuy vậy", "Dù vậy", "Thế nhưng", "Trước đó", "Sau đó", "Sau khi",
    "Trước khi", "Trong khi", "Ngoài ra", "Bên cạnh đó", "Cũng theo", "Cùng ngày",
    "Đáng chú ý", "Như chúng tôi", "Do đó", "Vì vậy", "Vì thế", "Mặc dù", "Đây là", "Đó là",
)  # fmt: skip
_GLUED_COMMA = (  # with the comma only: "anh Hiện, 45 tuổi" is a name
    "Hiện", "Hiện nay", "Hiện tại", "Như vậy", "Được biết", "Đồng thời", "Trong đó",
    "Cụ thể", "Trước đây", "Tại đây", "Đặc biệt",
    "Như đã đưa tin", "Như đã thông tin", "Như đã biết", "Như đã phản ánh",
)  # fmt: skip
_DATELINE = ("Ngày", "Sáng", "Trưa", "Chiều", "Tối", "Đêm", "Rạng sáng")  # + " 6/2,"
_FEAST = frozenset({"niệm", "mừng", "dịp"})  # "chào mừng Ngày 8/3, ..." names a feast
# First words that are also given names ("anh Hiện", "Quỳnh Như", "đánh Trong"): the word
# before must be a small-letter word and no form of address.
_NAMEABLE = ("Hiện", "Như", "Trong", "Thế")
_ADDRESS = frozenset("ông bà anh chị em cô chú bác cụ cháu con cậu dì mợ thím của".split())
# Words after "Theo" that keep it inside a name or a verb ("Tổ chức Theo dõi Nhân quyền",
# the footballer "Theo Hernandez"): a capitalised source must be an office or an acronym.
_THEO_NOT = frozenset({"dõi", "dấu", "đuổi", "gót"})
_THEO_SOURCES = frozenset(
    """
    Bộ Sở Ban Cục Chi Tổng Viện Trung Công Chủ Thứ Phó Chánh Trưởng Giám Thượng Đại Thiếu
    Quyết Luật Nghị Thông Ủy Hội Hiệp Tòa Cơ Phòng Đài Báo
    """.split()
)
_VIET_LETTER = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9\u0300-\u0309\u0323]")


def _alternatives(phrases: tuple[str, ...]) -> str:
    """The phrases as regex alternatives, NFC and NFD (some scraped texts are decomposed)."""
    forms = {unicodedata.normalize(f, x) for x in phrases for f in ("NFC", "NFD")}
    return "|".join(re.escape(x) for x in sorted(forms, key=len, reverse=True))


_END = r"(?![\w\u0300-\u036f])"
_LETTER_END = re.compile(r"[^\W\d_]|[\u0300-\u036f]")  # a letter or a tone mark
# The scan tests the openers' first letters before trying them (6 times faster than the
# alternatives alone); the space and the word before are checked after a match.
_FIRSTS = sorted({x[0] for x in (*_GLUED_ANY, *_GLUED_COMMA, *_DATELINE, "Năm", "Tháng", "Theo")})
_GLUED_OPENER = re.compile(
    f"(?=[{''.join(_FIRSTS)}])(?P<o>"
    rf"(?:{_alternatives(_GLUED_ANY)}){_END}"
    rf"|(?:{_alternatives(_GLUED_COMMA)}),"
    rf"|(?:{_alternatives(_DATELINE)})(?: ngày)? \d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?,"
    r"|(?:Năm \d{4}|Tháng \d{1,2}[/.-]\d{4}),"
    r"|Theo\s+(?P<w>[^\W\d_]+)"
    ")"
)


def _is_source(word: str) -> bool:
    """A capitalised word after "Theo" that opens a source: an office or an acronym."""
    return word in _THEO_SOURCES or (word.isupper() and len(word) > 1)


def _glued_opener_cuts(p: str) -> list[int]:
    """Ends of captions glued to the next sentence (see :data:`_GLUED_OPENER`)."""
    cuts = []
    for m in _GLUED_OPENER.finditer(p):
        end = _skip_back(p, m.start())
        if end == m.start() or end == 0 or not _LETTER_END.match(p, end - 1):
            continue  # glued to the word before it, or after punctuation: "nói, Theo đó"
        _, word = _word_before(p, end)
        letters = [c for c in word if c.isalpha()]
        if not letters or not letters[-1].islower():
            continue  # "vịnh", "Việt Nam" end with a small letter; "TP.HCM", "AFP" do not
        opener, w = unicodedata.normalize("NFC", m.group("o")), m.group("w")
        if opener.startswith(_NAMEABLE) and (not word.islower() or word.casefold() in _ADDRESS):
            continue
        if opener.startswith(_DATELINE) and unicodedata.normalize("NFC", word) in _FEAST:
            continue
        if w is not None:
            if not _VIET_LETTER.search(p, m.start("w"), m.end("w") + 40):
                continue  # English: "film maker Theo van Gogh"
            if not (w not in _THEO_NOT if w[0].islower() else _is_source(w)):
                continue
        cuts.append(end)
    return cuts


def _extra_cuts(p: str) -> list[int]:
    """Cuts that do not come from end punctuation: before bullets, after photo credits and
    captions glued to the next sentence."""
    cuts = _glued_opener_cuts(p)
    if _BULLET_HINT.search(p):
        for m in _BULLET.finditer(p):
            before = _skip_back(p, m.start())
            if before > 0:
                cuts.append(before)
    if not any(hint in p for hint in _CREDIT_HINTS):
        return sorted(set(cuts))
    for m in _CREDIT_PAREN.finditer(p):
        j = _skip_space(p, m.end())
        if j > m.end() and j < len(p) and _starts_sentence(p, j):
            cuts.append(m.end())
    for m in _CREDIT.finditer(p):
        end = _credit_end(p, m.end())
        if end is not None:
            cuts.append(end)
    for m in _PICTURE_NOTE.finditer(p):
        if not _starts_sentence(p, m.end()):
            continue  # "Ảnh chụp màn hình tài khoản ...": the caption goes on
        cuts.append(m.end())
        before = _skip_back(p, m.start())
        if before > 0 and before < m.start() and _LETTER_END.match(p, before - 1):
            cuts.append(before)
    return sorted(set(cuts))


# Thai and Lao write no full stop and no space between words: a space ends a sentence, or a
# clause, or stands around a number, a name or a foreign word. Not split with PyThaiNLP's
# sent_tokenize (crfcut, tried 2026-12-07): a 22 MB wheel (65 MB installed) with the compiled
# python-crfsuite as an extra, 2 s to load, a data folder created in $HOME on import, and
# on made-up news it cut before "และ" ("and"), "โดยเฉพาะ" ("especially") and "เพื่อให้" ("so
# that"): clauses that cannot stand alone in a summary. So a space between two Thai or Lao
# letters is a cut when both sides are long enough to be sentences (a short run is a name,
# a place, a date's part) and the next word does not carry the sentence on.
_SPACED_SENTENCES = re.compile("[\u0e01-\u0e4e\u0e81-\u0edf]")  # Thai, Lao; not their digits
_SCRIPT_SPACE = re.compile(
    # not after "ๆ"/"ໆ" (a repeated word, written with a space after it: "หลายๆ คน")
    "(?<=[\u0e01-\u0e45\u0e47-\u0e4e\u0e81-\u0ec5\u0ec7-\u0edf])[ \u00a0]+"
    "(?=[\u0e01-\u0e4e\u0e81-\u0edf])"
)
_SPACED_SENTENCE_MIN = 20  # characters on each side of a cut
# Words that carry a Thai sentence on after a space: conjunctions, relatives, "that",
# verbs of saying after a speaker's name; a personal title opens a name that a role or
# a verb before it introduced. Lao conjunctions: ແລະ ຫຼື ໂດຍ ເພື່ອ ທີ່ ວ່າ ຂອງ ຊຶ່ງ ແຕ່.
_GOES_ON = re.compile(
    "(?:และ|หรือ|แต่|โดย|ซึ่ง|เพื่อ|เพราะ|เนื่องจาก|ว่า|ที่|ของ|กับ|จึง|ก็|ทำให้|รวมถึง|รวมทั้ง|ตลอดจน"
    "|เช่น|ได้แก่|คือ|จน|กล่าว|เปิดเผย|ระบุ|เผย|ชี้แจง|บอก|แถลง|ยืนยัน"
    "|นาย(?!ก)|นาง|น\\.ส\\.|ดร\\.|ແລະ|ຫຼື|ໂດຍ|ເພື່ອ|ທີ່|ວ່າ|ຂອງ|ຊຶ່ງ|ແຕ່)"
)
_NAME_TITLE = re.compile("(?:นาย(?!ก)|นาง|น\\.ส\\.|ดร\\.)")  # "นายสมชาย ใจดี": a surname follows
_THAI_MONTH = re.compile(  # "วันที่ 3 มีนาคม เทศบาล...": a dateline, not a sentence
    "(?:มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม)$"
)
_QUOTE_PAIRS = (("“", "”"), ("(", ")"))
_NAME_MAX = 40


def _space_cuts(p: str) -> set[int]:
    """Sentence ends at spaces in Thai or Lao text (see :data:`_SPACED_SENTENCES`); none
    inside a quotation or brackets, and every piece at least :data:`_SPACED_SENTENCE_MIN`
    characters. One scan, counting quotes as it goes (linear on a one-paragraph page)."""
    if not _SPACED_SENTENCES.search(p):
        return set()
    cuts: set[int] = set()
    last = seen = 0
    depth = [0] * len(_QUOTE_PAIRS)
    straight = 0
    for m in _SCRIPT_SPACE.finditer(p):
        for k, (o, c) in enumerate(_QUOTE_PAIRS):
            depth[k] += p.count(o, seen, m.start()) - p.count(c, seen, m.start())
        straight += p.count('"', seen, m.start())
        seen = m.start()
        if m.start() - last < _SPACED_SENTENCE_MIN or len(p) - m.end() < _SPACED_SENTENCE_MIN:
            continue
        if any(d > 0 for d in depth) or straight % 2:
            continue
        if _GOES_ON.match(p, m.end()):
            continue
        # bounded look-backs: a long run is no first name, a month name is short
        before = p.rfind(" ", m.start() - _NAME_MAX, m.start())
        if before >= 0 and _NAME_TITLE.match(p, before + 1):
            continue
        if _THAI_MONTH.search(p, max(last, m.start() - _NAME_MAX), m.start()):
            continue
        cuts.add(m.start())
        last = m.end()
        depth = [0] * len(_QUOTE_PAIRS)
        straight = 0
    return cuts


def _cuts(p: str) -> list[int]:
    """Positions in paragraph ``p`` where a sentence ends (before any following space)."""
    extra = _extra_cuts(p)
    cuts = set(extra) | _space_cuts(p)
    last_start = 0
    for m in _TERM.finditer(p):
        dot, end = m.start(), m.end()
        if end >= len(p):
            break
        k = bisect.bisect_right(extra, dot)
        sentence_start = max(last_start, extra[k - 1] if k else 0)
        core = m.group().rstrip(_CLOSERS)
        single_period = core == "."
        if core[-1] in _WIDE_STOPS:
            if m.group()[-1] in "」』" and _KANA.match(p, end):
                continue  # "「難しい。」と述べた": the quote goes on into the sentence
            if m.group()[-1] in "”」』" and _ZH_ATTRIBUTION.match(p, end):
                continue  # "“……。”他说。": the speaker stays with the quote
            cuts.add(end)  # "开幕。论坛": no space, no capital letter follows
            last_start = _skip_space(p, end)
        elif is_space(p[end]):
            j = _skip_space(p, end)
            cut = end
            if p[j] == "”" and (j + 1 == len(p) or is_space(p[j + 1])):
                cut, j = j + 1, _skip_space(p, j + 1)  # detached closing quote: "tốt. ” Anh"
                if j >= len(p):
                    break
            if not _starts_sentence(p, j):
                continue
            if single_period and not _period_is_final(p, dot, _skip_space(p, sentence_start)):
                continue
            cuts.add(cut)
            last_start = j
        elif core == m.group() and p[end].isupper():
            ellipsis = "…" in core or core.count(".") >= 2
            if ellipsis or (single_period and _glued_period_is_final(p, dot)):
                cuts.add(end)  # "môi trường...Từ đó", "chia sẻ.Theo"
                last_start = end
    return sorted(cuts)


def split_sentences(text: str, paragraph: Paragraph, first_index: int = 0) -> list[Sentence]:
    """Sentences of one paragraph, offsets into ``text``."""
    p, base = paragraph.text, paragraph.start
    sentences = []
    prev = 0
    for cut in [*_cuts(p), len(p)]:
        start, end = _strip(p, prev, cut)
        prev = cut
        if start < end:
            s = text[base + start : base + end]
            sentences.append(
                Sentence(
                    index=first_index + len(sentences),
                    paragraph=paragraph.index,
                    start=base + start,
                    end=base + end,
                    text=s,
                    key=match_key(s),
                )
            )
    return sentences


def segment(text: str) -> tuple[list[Paragraph], list[Sentence]]:
    """Paragraphs and sentences of ``text``; ``text[s.start:s.end] == s.text`` for both."""
    paragraphs = split_paragraphs(text)
    sentences: list[Sentence] = []
    for paragraph in paragraphs:
        sentences.extend(split_sentences(text, paragraph, len(sentences)))
    return paragraphs, sentences
