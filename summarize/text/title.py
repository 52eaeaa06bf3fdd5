"""Title of a plain-text article, found in the text itself.

Scraped .txt articles usually open with the headline, sometimes after a date line
("Thứ 5, 28/11/2024, 02:18[GMT+7]", "21/08/2020 - 07:15") or a section label that the page
repeats ("Chính trị - Xã hội Chính trị - Xã hội"). The headline is short and has no final
period; a body sentence or a one-line body is not a title.
"""

from __future__ import annotations

import re

from summarize.text.normalize import CLAUSE_SPACED, UNSPACED, normalize, word_count
from summarize.text.segment import segment, split_paragraphs

__all__ = ["detect_title", "is_dateline_or_meta", "is_section_label"]

_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 35
_MAX_META_CHARS = 100
_MAX_SKIPPED = 3  # date/section lines allowed before the title

# Pieces of a date/time/view-count line. Each match is removed; if nothing but separators is
# left and at least one date, time or count was seen, the line is metadata.
_META_STRONG = re.compile(
    r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"  # 28/11/2024, 21-08-2020
    r"|\d{1,2}:\d{2}(?::\d{2})?"  # 02:18, 09:18:47
    r"|\d{1,2}h\d{2}"  # 7h15
    r"|\b(?:gmt|utc)\s*[+\-]?\s*\d{0,2}"
    r"|[\d.,]+\s*(?:lượt\s+(?:xem|thích|chia\s+sẻ|bình\s+luận)|views?|bình\s+luận)",
    re.IGNORECASE,
)
_META_WEAK = re.compile(
    r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|t[2-7]|cn"
    r"|ngày|tháng|năm|lúc|giờ|cập\s+nhật|đăng|đăng\s+lúc|sáng|chiều|tối|am|pm"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\d{1,4}",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s|,\-–—/()\[\]:.+>»›]+")

# Site sections that pages print above the headline (compared after ``normalize``).
_SECTIONS = frozenset(
    normalize(s)
    for s in (
        "Thời sự",
        "Chính trị",
        "Xã hội",
        "Kinh tế",
        "Thế giới",
        "Văn hóa",
        "Thể thao",
        "Giáo dục",
        "Pháp luật",
        "Sức khỏe",
        "Đời sống",
        "Tin tức",
        "Trang chủ",
        "Giải trí",
        "Công nghệ",
        "Du lịch",
        "Bạn đọc",
        "Quốc phòng",
        "An ninh",
        "Quốc tế",
        "Trong nước",
        "Sự kiện",
        "Tin tức - Sự kiện",
        "Xây dựng Đảng",
        "Tin tổng hợp",
        "Kinh doanh",
        "Khoa học",
        "Môi trường",
        "Tin mới nhất",
        "Tin mới",
        "Mới nhất",
        "Tin nóng",
        "Tin nổi bật",
        "Tin hot",
        "Latest news",
        "Breaking news",
        "Top stories",
    )
)
_SECTION_SPLIT = re.compile(r"\s*[|/>»›]\s*|\s+-\s+")


def is_dateline_or_meta(line: str) -> bool:
    """A line that only carries a date, time or view count ("21/08/2020 - 07:15")."""
    line = line.strip()
    if not line or len(line) > _MAX_META_CHARS:
        return False
    rest, strong = _META_STRONG.subn(" ", line)
    if not strong:
        return False
    rest = _META_WEAK.sub(" ", rest)
    return not _SEPARATORS.sub("", rest)


def is_section_label(line: str) -> bool:
    """A site section label, or any label the page printed twice ("X - Y X - Y")."""
    words = line.split()
    if not words:
        return False
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return True
    parts = [normalize(p) for p in _SECTION_SPLIT.split(line.strip()) if p.strip()]
    return bool(parts) and all(p in _SECTIONS for p in parts)


# Headlines often open on a quotation ("'Thuốc độc' Honda Super Cub...", "“Tôi đi”").
_OPENING_QUOTES = "\"'“‘«"
_CLOSING_QUOTES = "\"'”’» "
_STOPS = (".", "!", "?", "…")
_MAX_TITLE_PARTS = 3


def _looks_like_title(line: str) -> bool:
    words = len(line.split())
    if CLAUSE_SPACED.search(line):  # Thai: a space separates clauses
        words = word_count(line)
    elif UNSPACED.search(line):  # Chinese, Japanese: words are not written apart
        words = len([c for c in line if not c.isspace()][::2])  # about two characters a word
    if not 2 <= words <= _MAX_TITLE_WORDS or len(line) > _MAX_TITLE_CHARS:
        return False
    if _ends_like_a_sentence(line):
        return False
    head = line.lstrip(_OPENING_QUOTES).lstrip()  # "' Góa phụ trắng ' làm thơ ..."
    # "iPad Pro 2 sẽ ra mắt": a brand written with a small first letter still opens a title.
    brand = head[:1].islower() and head[1:2].isupper()
    if not (head[:1].isupper() or head[:1].isdigit() or brand or UNSPACED.match(head)):
        return False
    sentences = len(segment(line)[1])
    if sentences == 1:
        return True
    # "A. B." is body text; a headline of two or three short parts leaves its last one open
    # ("CẬP NHẬT sáng 7/2: Chiến thuật ... điên rồ. Juventus bán sao sang Trung Quốc",
    # "Yahoo! Mail mới ..."), where a standfirst ends its last sentence, in quotes or not.
    return sentences <= _MAX_TITLE_PARTS and not line.rstrip(_CLOSING_QUOTES).endswith(_STOPS)


def _ends_like_a_sentence(line: str) -> bool:
    """A final period, comma or colon, or a dash: a dateline that opens the body ("LONDON
    (Reuters) -"); a trailing ellipsis ("Nga nhạt giọng...") is a headline's teaser, not
    the end of body text."""
    if line.endswith(("..", "…")):
        return False
    return line[-1] in ".,;:。，；：-–—။។៕।॥۔"  # the full stops of Burmese, Khmer, Hindi, Urdu


def detect_title(text: str) -> tuple[int, int] | None:
    """Span of the headline line, or None when the first meaningful line is not one.

    Date lines and section labels before it are skipped; a text with a single meaningful line
    has no title (it is a one-line body)."""
    paragraphs = split_paragraphs(text)
    for i, paragraph in enumerate(paragraphs[: _MAX_SKIPPED + 1]):
        line = paragraph.text
        if is_dateline_or_meta(line) or is_section_label(line):
            continue
        if i + 1 < len(paragraphs) and _looks_like_title(line):
            return paragraph.start, paragraph.end
        return None
    return None
