"""Recognise site chrome inside one scraped article, so it is never summarised.

Scrapers keep whatever the page showed around the article: share buttons,
visitor counters, dates, bylines, comment forms, "related news" headings. Each
rule below matches a *kind* of chrome common to Vietnamese news sites (their
vocabulary, counters, dates, URLs), never a sample string, and a line must be
chrome as a whole: a sentence that merely mentions "chia sẻ" is content.

Labels: "share widget", "article tools", "visitor counter", "view counter",
"engagement counter", "date line", "byline", "source credit", "photo credit",
"image placeholder", "form label", "comments", "navigation", "section label",
"related link", "read-more link", "media label", "hashtags", "tags", "copyright", "footer",
"advertisement", "link", "banner", "newsletter".

:func:`boilerplate_reason` judges one line (or sentence) on its own;
:func:`boilerplate_lines` also uses position, for chrome that only its place
gives away: a bare author name or an all-capitals promo after the last
paragraph of the article.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .normalize import single_spaced

__all__ = ["Chrome", "boilerplate_lines", "boilerplate_reason", "judge_chrome"]

# --------------------------------------------------------------------- normalising

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style tone placement "hoá, khoẻ, thuỷ" -> "hóa, khỏe, thủy" (not after q: "quý").
_OLD_TONE = re.compile(rf"(?<![qQ])([oO][aAeE]|[uU][yY])([{_TONES}])(?![^\W\d_])")
_BULLET = re.compile(r"^(?:[•·●○◦▪▫■□◆◇►▶➤→✓✔*+]|-(?=\s))+\s*")
_EDGE_PUNCT = " .:;,!?()[]{}\"'“”‘’«»"


def _clean(line: str) -> str:
    """One-spaced NFC text without list bullets: how the rules see a line."""
    text = single_spaced(line)
    bullet = _BULLET.match(text)
    return text[bullet.end() :] if bullet else text


# A line with none of these (in NFC) has no old-style tone to move: the common case,
# which then skips two normalisations and a regex over the decomposed text.
# (The look-behind comes after the first letter so the scan can skip to an "o" or "u".)
_OLD_TONE_HINT = re.compile(r"(?:o(?<!qo)[áàảãạéèẻẽẹ]|u(?<!qu)[ýỳỷỹỵ])(?![^\W\d_])")


def _key(text: str) -> str:
    """Lower-case, new-style tones, no edge punctuation: the form vocabularies use."""
    lowered = text.lower()
    if unicodedata.is_normalized("NFC", lowered) and not _OLD_TONE_HINT.search(lowered):
        return lowered.strip(_EDGE_PUNCT)
    decomposed = unicodedata.normalize("NFD", lowered)
    moved = _OLD_TONE.sub(lambda m: m[1][0] + m[2] + m[1][1], decomposed)
    return unicodedata.normalize("NFC", moved).strip(_EDGE_PUNCT)


def _words(text: str) -> list[str]:
    return text.split()


def _alternation(phrases: Sequence[str]) -> str:
    """Regex alternation, longest first so "chia sẻ bài viết" wins over "chia sẻ"."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


# ------------------------------------------------------------------- vocabularies

_SHARE_TERMS = [
    "chia sẻ", "chia sẻ bài viết", "chia sẻ bài", "chia sẻ bài báo", "chia sẻ trang",
    "chia sẻ lên", "chia sẻ qua", "chia sẻ với bạn bè", "share", "tweet", "facebook",
    "zalo", "twitter", "linkedin", "pinterest", "telegram", "messenger", "viber",
    "whatsapp", "email", "e-mail", "gửi email", "gửi bài viết", "gửi cho bạn bè",
    "copy link", "sao chép link", "sao chép liên kết", "sao chép đường dẫn", "like", "thích",
    "share this article", "share this story", "share this page", "share this post",
    "share this", "share article", "share story", "share on facebook", "share on twitter",
    "share via email", "email this article", "copy article link",
]  # fmt: skip
_TOOL_TERMS = [
    "in bài", "in bài viết", "in trang", "bản in", "in", "lưu", "lưu bài", "lưu bài viết",
    "lưu tin", "bỏ lưu", "đã lưu", "cỡ chữ", "a a a", "a- a+", "a+ a-", "font size",
    "nghe bài viết", "nghe đọc bài", "nghe đọc bài viết", "đọc bài viết", "tải về",
    "download", "báo lỗi", "góp ý", "theo dõi", "theo dõi trên google news",
    "print", "print this article", "print this page", "save", "save article",
    "save this article", "listen to this article", "listen", "text size", "gift this article",
]  # fmt: skip
_FORM_TERMS = [
    "họ tên", "họ và tên", "tên của bạn", "tên", "email", "e-mail", "email của bạn",
    "địa chỉ email",
    "số điện thoại", "điện thoại", "tiêu đề", "nội dung", "mã kiểm tra", "mã xác nhận",
    "mã bảo mật", "nhập mã", "nhập mã xác nhận", "nhập mã kiểm tra", "captcha",
    "thông tin người gửi", "thông tin người gửi phản hồi", "thông tin người gửi bình luận",
    "thông tin bạn đọc", "ý kiến của bạn", "nhập nội dung", "nhập nội dung bình luận",
    "gửi", "gửi đi", "gửi bình luận", "gửi ý kiến", "gửi phản hồi", "gửi bài",
    "nhập lại", "làm lại", "làm mới", "hủy", "hủy bỏ", "xóa", "đồng ý",
    "bình luận của bạn", "viết bình luận", "viết bình luận của bạn", "viết phản hồi",
    "bạn đọc gửi ý kiến", "vui lòng nhập", "bắt buộc",
]  # fmt: skip
_COMMENT_TERMS = [
    "bình luận", "các bình luận", "ý kiến bạn đọc", "ý kiến", "phản hồi", "ý kiến phản hồi",
    "comments", "comment", "xem thêm bình luận", "bạn đọc bình luận", "chưa có bình luận",
    "chưa có bình luận nào", "hãy là người đầu tiên bình luận", "bình luận facebook",
    "bình luận của bạn sẽ được biên tập trước khi đăng", "trả lời",
    "leave a comment", "add a comment", "view comments", "show comments", "comments are closed",
    "join the conversation", "reply",
]  # fmt: skip
_NAV_TERMS = [
    "trang chủ", "về trang chủ", "quay lại", "quay về", "trở về", "trở lại", "về đầu trang",
    "lên đầu trang", "đầu trang", "xem tiếp", "trang sau", "trang trước", "trang tiếp",
    "bài tiếp theo", "bài trước", "tin tiếp theo", "tin trước", "đăng nhập", "đăng ký",
    "đăng xuất", "quên mật khẩu", "tìm kiếm", "menu", "sơ đồ trang", "sơ đồ website",
    "sitemap", "liên hệ", "giới thiệu", "rss", "english", "tiếng việt", "home", "login",
    "top", "back", "đóng", "close", "mở rộng", "thu gọn",
]  # fmt: skip
_SECTION_TERMS = [
    "các tin khác", "tin khác", "các bài khác", "bài khác", "tin liên quan", "bài liên quan",
    "bài viết liên quan", "tin tức liên quan", "tin cùng chuyên mục", "bài cùng chuyên mục",
    "tin mới", "tin mới nhất", "mới nhất", "mới cập nhật", "tin mới cập nhật", "tin đã đưa",
    "các tin đã đưa", "tin cũ hơn", "đọc nhiều", "đọc nhiều nhất", "xem nhiều",
    "xem nhiều nhất", "tin đọc nhiều", "tin xem nhiều", "tin nổi bật", "nổi bật",
    "tin tiêu điểm", "tiêu điểm", "tin nóng", "tin hot", "có thể bạn quan tâm",
    "bạn có thể quan tâm", "có thể bạn chưa đọc", "đừng bỏ lỡ", "liên kết website",
    "liên kết web", "liên kết", "website liên kết", "xem thêm", "đọc thêm", "chuyên mục",
    "chủ đề", "video", "video nổi bật", "ảnh", "tin ảnh", "thư viện ảnh", "thư viện video",
    "multimedia", "infographic", "infographics", "podcast", "emagazine", "e-magazine",
    "longform", "megastory", "tin tức", "tin tức - sự kiện", "tin tức sự kiện", "văn bản mới",
    "lịch công tác", "thông báo mới", "tin vắn", "dòng sự kiện",
    "related articles", "related stories", "related content", "related topics", "related",
    "more on this story", "top stories", "most read", "most popular", "trending",
    "you may also like", "recommended", "read more", "more stories", "latest news",
]  # fmt: skip
# News categories: a line made only of these is a section menu or breadcrumb.
_CATEGORY_TERMS = [
    "thời sự", "chính trị", "xã hội", "kinh tế", "văn hóa", "thể thao", "giáo dục",
    "pháp luật", "sức khỏe", "đời sống", "du lịch", "khoa học", "công nghệ", "quốc phòng",
    "an ninh", "thế giới", "quốc tế", "trong nước", "giải trí", "xây dựng đảng",
    "nông nghiệp", "nông thôn", "nông thôn mới", "môi trường", "y tế", "bạn đọc",
    "bất động sản", "nhà đất", "tài chính", "chứng khoán", "doanh nghiệp", "kinh doanh",
    "văn nghệ", "nghệ thuật", "địa phương", "phóng sự", "điều tra", "diễn đàn", "xe",
    "số hóa", "giáo dục - khoa học", "văn hóa - xã hội", "an ninh - quốc phòng",
    "tin tức", "tin trong nước", "tin quốc tế", "tin thế giới", "tin địa phương",
]  # fmt: skip
_AD_TERMS = [
    "quảng cáo", "liên hệ quảng cáo", "advertisement", "sponsored", "tài trợ",
    "sponsored content", "promoted", "ad", "skip advertisement",
]  # fmt: skip
_STAFF_TERMS = [
    "pv", "ctv", "btv", "nhóm pv", "nhóm phóng viên", "phóng viên", "nhóm ctv", "ttxvn",
    "vna", "tổng hợp", "t/h", "lược dịch", "biên dịch", "nhóm thực hiện",
]  # fmt: skip
_VISITOR_HEADINGS = [
    "thống kê truy cập", "thống kê", "lượt truy cập", "số lượt truy cập", "đang truy cập",
    "tổng lượt truy cập", "tổng truy cập", "bộ đếm truy cập", "bộ đếm", "số người truy cập",
    "đang online", "trực tuyến",
]  # fmt: skip
_VISITOR_FIELDS = [
    "đang online", "online", "đang truy cập", "trực tuyến", "hôm nay", "hôm qua",
    "trong tuần", "tuần này", "tuần trước", "trong tháng", "tháng này", "tháng trước",
    "năm nay", "tất cả", "tổng", "tổng cộng", "tổng số", "tổng lượt truy cập",
    "tổng truy cập", "lượt truy cập", "truy cập", "khách", "thành viên", "máy chủ tìm kiếm",
]  # fmt: skip

_PHRASES: dict[str, set[str]] = {
    "article tools": set(_TOOL_TERMS),
    "form label": set(_FORM_TERMS),
    "comments": set(_COMMENT_TERMS),
    "navigation": set(_NAV_TERMS),
    "section label": set(_SECTION_TERMS) | set(_CATEGORY_TERMS),
    "advertisement": set(_AD_TERMS),
    "byline": set(_STAFF_TERMS),
    "visitor counter": set(_VISITOR_HEADINGS),
    "image placeholder": {"no image", "image", "no photo", "hình ảnh", "đang tải", "loading"},
}

# A phrase in several vocabularies gets the label listed first above.
_PHRASE_LABEL = {p: label for label, ps in reversed(_PHRASES.items()) for p in ps}

# -------------------------------------------------------------------------- patterns

_NUMBER = r"\d[\d.,\s]*"
_SEP = r"\s*(?:[|/,•·&]|\s[-–—]\s|\s)\s*"
_SHARE = re.compile(rf"(?:{_alternation(_SHARE_TERMS)})(?:{_SEP}(?:{_alternation(_SHARE_TERMS)}))*")
_CATEGORY = re.compile(
    rf"(?:{_alternation(_CATEGORY_TERMS)})(?:\s*[-–—/|,&›»>]\s*(?:{_alternation(_CATEGORY_TERMS)}))*"
)
_VIEWS = re.compile(
    rf"{_NUMBER}\s*(?:lượt xem|lượt đọc|lần xem|lần đọc|views?)"
    rf"|(?:lượt xem|lượt đọc|số lượt xem|views?)\s*:?\s*{_NUMBER}"
)
_ENGAGEMENT = re.compile(
    rf"{_NUMBER}\s*(?:bình luận|lượt thích|thích|lượt chia sẻ|chia sẻ|comments?|likes?|shares?)"
    rf"|(?:bình luận|lượt thích|thích|chia sẻ)\s*\(?\s*{_NUMBER}\)?"
)
_VISITOR_FIELD = re.compile(rf"(?:{_alternation(_VISITOR_FIELDS)})\s*:\s*{_NUMBER}")
_URL = re.compile(r"(?:https?://|www\.)\S+|[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|info)(?:/\S*)?")
_SOURCE = re.compile(r"\(?\s*(?:theo|nguồn)\s*:?\s+(?P<what>[^()]+?)\s*\)?\.?")
_OUTLET = re.compile(
    r"(?:báo(?! cáo)|tạp chí|đài|truyền hình|cổng thông tin|trang|thông tấn|ttxvn|ttx|vna|vov|vtv|"
    r"vnexpress|vietnamplus|dân trí|tuổi trẻ|thanh niên|nhân dân|zing|vietnamnet|"
    r"reuters|afp|ap|bbc|cnn|xinhua|tân hoa xã|sputnik|bloomberg)\b"
)
_BYLINE_PREFIX = re.compile(
    r"(?:bài|tin|bài viết|bài và ảnh|tin và ảnh|bài, ảnh|tin, ảnh|ảnh, bài|bài, video|"
    r"tin, video|bài, clip|tác giả|người viết|nhóm thực hiện|thực hiện|phóng viên|"
    r"biên tập|trình bày|đồ họa|thiết kế|sản xuất)\s*:\s*(?P<who>.+)"
)
_PHOTO = re.compile(
    r"\(?\s*(?:ảnh|photo|nguồn ảnh|ảnh nguồn|hình|hình ảnh)\s*:\s*(?P<who>[^()]+?)\s*\)?\.?"
    r"|\(?\s*ảnh\s+(?:minh họa|tư liệu|internet|chụp màn hình|cắt từ clip|nguồn internet)"
    r"(?:\s*:\s*[^()]+)?\s*\)?\.?"
)
_MEDIA = re.compile(
    r"[\[(]?\s*(?:video|clip|audio|podcast|infographic|emagazine|e-magazine|longform|"
    r"megastory|trực tiếp|live)\s*[\])]?\s*(?::|\||\s[-–—]|(?<=[\])])\s*[-–—])\s*\S.*"
)
# "Xem thêm video: Hoài Vũ", "VIDEO XEM THÊM: Lê Cường": a pointer to a clip and its
# credit. Short only: a scraped body glues "XEM CLIP:" to its lead sentence, which is content.
_MORE_MEDIA = re.compile(
    r"(?:(?:mời )?xem (?:thêm )?(?:video|clip)|(?:video|clip) xem thêm)\s*:\s*\S.*"
)
_RELATED = re.compile(
    r"(?:>>+|»)\s*\S.*"
    r"|(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|xem tiếp|mời xem|mời quý vị xem|"
    r"video liên quan|tin cùng chuyên mục)\s*(?::|>>|»|\.\.\.)\s*.*"
)
# A "related news" block a one-line body glues into a sentence: the page's label, then
# headlines with no punctuation ("TIN LIÊN QUAN Clip cô giáo dùng dép đánh trẻ ...",
# "Hoàng Tâm - Thể Thao Việt Nam | 10:30 07/02/2017 Tin liên quan Kimberley Garner - ...").
# The label is written as a label: in capitals, or capitalised before a capitalised
# headline; "thông tin liên quan đến ..." in a sentence is neither. Whatever the sentence
# holds around it (a byline before, the first sentence of the text glued after the last
# headline) cannot be told apart from the headlines, so the sentence goes whole.
_RELATED_LABEL = re.compile(
    r"(?:^|(?<=\s))(?:TIN BÀI LIÊN QUAN|TIN LIÊN QUAN|BÀI VIẾT LIÊN QUAN|BÀI LIÊN QUAN"
    r"|(?:Tin bài|Tin|Bài viết|Bài) liên quan)\s*:?\s+[\"'“‘]?(?P<next>\w)"
)


def _holds_related_block(text: str) -> bool:
    if "QUAN" not in text and "quan" not in text:
        return False  # the cheap test: most sentences stop here
    text = unicodedata.normalize("NFC", text)
    return any(m["next"].isupper() or m["next"].isdigit() for m in _RELATED_LABEL.finditer(text))


# A sentence that only sends the reader to a link: "Xem thêm tại đây.", "Xem chi tiết
# tại đây", "Đọc toàn văn bài phát biểu tại đây", "Bấm vào đây để xem", "Tại đây.",
# "Click here to read more", "Read more here". It ends a paragraph after a real
# sentence (the link text itself is gone), so only the sentence shows it. A sentence
# with content before the verb ("Danh sách ứng dụng có thể xem tại đây") is not one.
_READ_VERB = (
    r"(?:mời (?:bạn đọc |quý vị |quý độc giả |độc giả |các bạn |bạn )?)?"
    r"(?:xem|đọc|nghe|theo dõi|tham khảo|tải)"
    r"(?: (?:thêm|tiếp|chi tiết|toàn văn|toàn bộ|đầy đủ|lại))*"
)
_HERE = r"tại (?:đây|link (?:này|sau|dưới đây)|đường link (?:này|sau)|liên kết (?:này|sau))"
_CLICK = r"(?:bấm|nhấn|nhấp|kích|click|chạm)(?: chuột)?(?: vào)? (?:đây|link|đường link|liên kết)"
_EN_OBJECT = (
    r"(?: (?:more|it|them|all|the|full|this|our|latest|video|videos|story|article|report|"
    r"list|interview|statement|coverage|highlights|updates|details|text|episode|programme))*"
)
_READ_MORE = re.compile(
    rf"(?:{_READ_VERB}(?: [^\s.!?]+){{0,5}} )?{_HERE}"  # "Xem cách làm tại đây"
    rf"|{_READ_VERB} ở đây"  # "Xem thêm ở đây", not "Xem phim ở đây" (a remark)
    rf"|{_READ_VERB}(?: (?:video|clip|ảnh|bài|bài viết|tin))?"  # "Xem thêm", "Đọc tiếp"
    rf"|{_CLICK}(?: (?:này|sau))?(?: để (?:{_READ_VERB})(?: [^\s.!?]+){{0,5}})?"
    r"|(?:click|tap) (?:here|this link|the link(?: below)?)"
    r"(?: (?:to|for)(?: [^\s.!?]+){1,6})?"  # "Click here to read the full report"
    rf"|(?:read|see|watch|view|listen to){_EN_OBJECT}(?: here| below| online)"
    r"|(?:read|see) more|more here|(?:the )?full story(?: here)?"
)

# English site chrome that names a network or a newsletter: "Follow us on Twitter and
# Facebook", "Sign up for our daily newsletter", "Image caption ...", "Getty Images".
_NETWORK = r"(?:facebook|twitter|x|instagram|linkedin|youtube|tiktok|threads|whatsapp|telegram|"
_NETWORK += r"google news|bluesky|mastodon|flipboard|rss)"
_FOLLOW = re.compile(
    rf"(?:follow|like|find|join) us(?: on| at)?(?:\s*(?:{_NETWORK}|[,&/:|]|and|or))*"
)
_NEWSLETTER = re.compile(
    r"(?:sign up|subscribe|register)(?: now| today| here)?(?: to| for)?(?: our| the| a)?"
    r"(?: free)?(?: daily| weekly| morning| evening)?(?: email)? newsletters?\b.*"
)
_IMAGE_CHROME = re.compile(
    r"(?:image|photo|picture|video) (?:caption|copyright|source|credit)s?\b.*"
    r"|(?:getty images|afp via getty images|reuters|ap photo|pa media|epa)"
)
_HASHTAGS = re.compile(r"#[^\s#]+(?:\s+#[^\s#]+)*")
_TAGS = re.compile(r"(?:tags?|từ khóa|thẻ|chủ đề|keywords?)\s*:\s*\S.*")
_COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|all rights reserved|bản quyền thuộc|giữ bản quyền|"
    r"ghi rõ nguồn.*(?:phát hành|sử dụng|đăng tải) lại"
)
_FOOTER = re.compile(
    r"(?:địa chỉ|địa chỉ tòa soạn|điện thoại|đt|tel|fax|email|e-mail|hotline|"
    r"đường dây nóng|tổng biên tập|phó tổng biên tập|tòa soạn|trụ sở|cơ quan chủ quản|"
    r"chịu trách nhiệm(?: nội dung| xuất bản)?|giấy phép(?: số| hoạt động| xuất bản)?|"
    r"website)\s*:\s*\S.*"
    r"|(?:giấy phép(?: hoạt động| xuất bản)?(?: báo chí)? số\s*\d|thiết kế bởi|"
    r"phát triển bởi|designed by|powered by)\s*\S.*"
)
_BREADCRUMB_HINT = re.compile(r"[>»›]|\s/\s")
_BREADCRUMB_SEP = re.compile(r"\s*(?:>|»|›|/|\|)\s*")

# Dates: "Thứ 5, 28/11/2024, 02:18[GMT+7]", "21/08/2020 - 07:15", "Cập nhật 10:30 12/6/2023".
_DATE = (
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
    r"|ngày\s*\d{1,2}\s*tháng\s*\d{1,2}(?:\s*năm\s*\d{4})?"
)
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:am|pm|sa|ch))?|\d{1,2}h\d{2}"
_WEEKDAY = (
    r"thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|cn|t[2-7]"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_DATE_FILLER = (
    r"ngày đăng|ngày cập nhật|cập nhật lúc|cập nhật|đăng lúc|đăng ngày|đăng|xuất bản|"
    r"ngày|lúc|giờ|gmt\s*[+-]\s*\d{1,2}|utc\s*(?:[+-]\s*\d{1,2})?|ict"
)
_DATE_TOKEN = re.compile(rf"{_DATE}|{_TIME}|{_WEEKDAY}|{_DATE_FILLER}")
_HAS_DATE = re.compile(rf"{_DATE}|{_TIME}")
_RELATIVE_DATE = re.compile(r"\d+\s*(?:giây|phút|giờ|ngày|tuần|tháng|năm)\s*trước")
_DIGIT = re.compile(r"\d")
_LEFTOVER_CHARS = frozenset(",.;:|/()[]–—-")  # and spaces


# --------------------------------------------------------------------- single rules


def _full(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.fullmatch(text) is not None


def _is_date_line(key: str) -> bool:
    """Only dates, times, weekdays and words like "cập nhật" are on the line."""
    if not _DIGIT.search(key):  # every date and time pattern has a digit
        return False
    if _full(_RELATIVE_DATE, key):
        return True
    return _only_date_tokens(key) and _HAS_DATE.search(key) is not None


def _only_date_tokens(key: str) -> bool:
    """``not _LEFTOVER.sub("", _DATE_TOKEN.sub(" ", key))``, scanning as ``sub`` does.

    Why by hand: prose fails on its first word here, instead of after a substitution
    over the whole paragraph (the costliest rule on long lines).
    """
    pos = 0
    while pos < len(key):
        token = _DATE_TOKEN.match(key, pos)
        if token:
            pos = token.end()
        elif key[pos].isspace() or key[pos] in _LEFTOVER_CHARS:
            pos += 1
        else:
            return False
    return True


def _is_source(key: str) -> bool:
    """A source credit ("Theo https://...", "(Theo VnExpress)", "Nguồn: TTXVN"), not a sentence."""
    match = _SOURCE.fullmatch(key)
    if not match:
        return False
    what = match["what"]
    size = len(_words(what))
    if "," in what or size > 8 or (size > 4 and what.endswith((".", "!", "?"))):
        return False  # a sentence that starts with "Theo ...", not a credit
    return bool(_full(_URL, what) or _OUTLET.match(what) or key.startswith(("(", "nguồn")))


def _is_short(text: str, limit: int) -> bool:
    return len(text.split(None, limit)) <= limit  # stops splitting past the limit


def _is_name(text: str) -> bool:
    """A Vietnamese personal name: 2-4 capitalised syllables ("Thu Thủy", "Quốc Trường")."""
    words = _words(text)
    return 2 <= len(words) <= 4 and all(
        w.isalpha() and len(w) <= 7 and w[0].isupper() and (len(w) == 1 or w[1:].islower())
        for w in words
    )


_NAME_SPLIT = re.compile(r"\s*(?:[,&/]|\s[-–—]\s|\svà\s)\s*")
_AGENCY_SPLIT = re.compile(r"\s*(?:[-–—/]|\()\s*")


def _is_names(text: str) -> bool:
    """One to three names joined by ",", "-", "và" (a shared byline)."""
    parts = _NAME_SPLIT.split(text)
    return len(parts) <= 3 and all(_is_name(p) for p in parts)


# A writer's initials: "Q.H", "P.V.", "N.T.H" (a byline signed short).
_INITIALS = re.compile(r"(?:[A-ZĐ]\.){1,3}[A-ZĐ]\.?")


def _is_agency_byline(text: str) -> bool:
    """Name plus outlet: "Vân Giang-Báo Bắc Ninh", "Minh Thu/VOV", "Hải Nam (TTXVN)",
    "Kim Thanh (T/h)" (tổng hợp), "Q.H (Tổng hợp)", "Minh Anh (Theo BBC)"."""
    text = text.strip()
    first, *rest = text.split(None, 2)[:2] or [""]
    initials = _INITIALS.fullmatch(first.rstrip(",")) is not None
    if not initials and (not rest or not rest[0][:1].isupper()):
        return False  # a name has two capitalised words or more: prose fails here
    parts = _AGENCY_SPLIT.split(text.rstrip(")"), maxsplit=1)
    if len(parts) != 2 or not (_is_names(parts[0]) or _INITIALS.fullmatch(parts[0])):
        return False
    if ")" in parts[1]:
        return False  # "Minh Thu (Reuters) cho biết ...": the credit inside a sentence
    org = _key(parts[1])
    return (
        bool(_OUTLET.match(org)) or org in _PHRASES["byline"] or _is_acronym(parts[1])
        or _is_credited(org, parts[1])
    )  # fmt: skip


def _is_credited(org: str, text: str) -> bool:
    """ "Theo Dân trí", "theo Daily Mail": the outlet the writer took the story from."""
    match = _SOURCE.fullmatch(org)
    if not match or not _is_short(match["what"], 5):
        return False
    what = text.split(None, 1)[-1]
    return bool(_OUTLET.match(match["what"])) or (
        _is_title_case(what) and not any(c.isdigit() for c in what)
    )


def _is_acronym(text: str) -> bool:
    return 2 <= len(text) <= 6 and text.isalpha() and text.isupper()


def _is_breadcrumb(text: str) -> bool:
    """Short segments joined by path separators: "Trang chủ > Tin tức > Chính trị"."""
    if not _is_short(text, 14) or not _BREADCRUMB_HINT.search(text):
        return False
    parts = [p for p in _BREADCRUMB_SEP.split(text) if p]
    return len(parts) >= 2 and all(_is_short(p, 5) and not p.endswith(".") for p in parts)


def _is_doubled(key: str) -> bool:
    """A label the page rendered twice: "Chính trị - Xã hội Chính trị - Xã hội"."""
    if key.count(" ") >= 12:  # more than 12 words (keys are single-spaced): not a label
        return False
    words = _words(key)
    half, odd = divmod(len(words), 2)
    return not odd and 2 <= half <= 6 and words[:half] == words[half:]


def _phrase_label(key: str) -> str | None:
    """Whole-line vocabulary: the line *is* a widget label, nothing more."""
    label = _PHRASE_LABEL.get(key)
    if label or not key.endswith(("image", "*", ")")):  # no marker to take off
        return label
    bare = _FIELD_MARKER.sub("", key).strip(_EDGE_PUNCT)
    if bare and bare != key and bare in _FORM_TERMS:
        return "form label"  # "Họ tên no image", "Email *": the field's required marker
    return _PHRASE_LABEL.get(bare)


_FIELD_MARKER = re.compile(r"\s*(?:no image\s*)+$|\s*\*+$|\s*\(\s*\d*\s*\)$")


# Order matters: the first match names the kind.
_RULES: list[tuple[str, Callable[[str, str], bool]]] = [
    ("date line", lambda text, key: _is_date_line(key)),
    ("view counter", lambda text, key: _full(_VIEWS, key)),
    ("engagement counter", lambda text, key: _full(_ENGAGEMENT, key)),
    ("visitor counter", lambda text, key: _full(_VISITOR_FIELD, key)),
    ("link", lambda text, key: _full(_URL, key)),
    ("photo credit", lambda text, key: _full(_PHOTO, key) and _is_short(key, 12)),
    ("source credit", lambda text, key: _is_source(key)),
    ("byline", lambda text, key: _full(_BYLINE_PREFIX, key) and _is_short(key, 14)),
    ("byline", lambda text, key: _is_agency_byline(text)),
    ("media label", lambda text, key: _full(_MEDIA, key) and _is_short(key, 25)),
    ("related link", lambda text, key: _full(_RELATED, key) and _is_short(key, 30)),
    ("read-more link", lambda text, key: _full(_READ_MORE, key) and _is_short(key, 12)),
    ("media label", lambda text, key: _full(_MORE_MEDIA, key) and _is_short(key, 8)),
    ("share widget", lambda text, key: _full(_SHARE, key)),
    ("share widget", lambda text, key: _full(_FOLLOW, key)),
    ("newsletter", lambda text, key: _full(_NEWSLETTER, key) and _is_short(key, 20)),
    ("photo credit", lambda text, key: _full(_IMAGE_CHROME, key) and _is_short(key, 25)),
    ("hashtags", lambda text, key: _full(_HASHTAGS, key)),
    ("tags", lambda text, key: _full(_TAGS, key) and _is_short(key, 30)),
    ("copyright", lambda text, key: bool(_COPYRIGHT.search(key)) and _is_short(key, 30)),
    ("footer", lambda text, key: _full(_FOOTER, key) and _is_short(key, 25)),
    ("navigation", lambda text, key: _is_breadcrumb(text)),
    ("section label", lambda text, key: _full(_CATEGORY, key)),
    ("section label", lambda text, key: _is_doubled(key)),
]


@lru_cache(maxsize=8192)
def boilerplate_reason(line: str) -> str | None:
    """The kind of site chrome ``line`` is, or None for content (and blank lines).

    Judges the line alone, so it is safe on single sentences too; bylines that
    are only a name need :func:`boilerplate_lines`. Memoised: the pipeline asks
    about a paragraph more than once, and a batch repeats its chrome lines.
    """
    text = _clean(line)
    key = _key(text)
    if not key:
        return None
    label = _phrase_label(key)
    if label:
        return label
    for label, rule in _RULES:
        if rule(text, key):
            return label
    return None


# ------------------------------------------------------------------------ position


def boilerplate_lines(lines: Sequence[str], *, sentences: bool = False) -> list[str | None]:
    """Label each line like :func:`boilerplate_reason`, plus chrome known by position.

    After the last real paragraph of the article only the sign-off and site
    chrome follow, so there a bare name is the byline, "Theo Báo X" a source
    credit and an all-capitals line a promo banner. Nowhere else are those
    guessed: the same shapes are headings and titles inside the article. Under
    a related-news label, the headlines that follow are links too.

    ``sentences``: the lines are a text's sentences, where a one-line body glues a
    related-news block into one (:data:`_RELATED_LABEL`); a whole paragraph holding
    such a label is still mostly text.
    """
    labels = [boilerplate_reason(line) for line in lines]
    if sentences:
        for i, line in enumerate(lines):
            if labels[i] is None and _holds_related_block(line):
                labels[i] = "related link"
    _label_related_headlines(lines, labels)
    prose = [i for i, line in enumerate(lines) if labels[i] is None and _is_prose(line)]
    if not prose:
        return labels
    for i in range(prose[-1] + 1, len(lines)):
        if labels[i] is None:
            labels[i] = _trailing_reason(_clean(lines[i]))
    return labels


# Section labels that head a list of links to other articles.
_RELATED_HEADINGS = frozenset(
    {
        "tin liên quan", "bài liên quan", "tin bài liên quan", "bài viết liên quan",
        "tin tức liên quan", "tin cùng chuyên mục", "bài cùng chuyên mục", "các tin khác",
        "tin khác", "các bài khác", "bài khác", "có thể bạn quan tâm", "bạn có thể quan tâm",
        "xem thêm", "đọc thêm", "related articles", "related stories", "related",
        "more on this story", "you may also like", "read more", "more stories",
    }
)  # fmt: skip
HEADLINE_MAX_WORDS = 25
_ELLIPSIS = ("...", "…")
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";")


def _label_related_headlines(lines: Sequence[str], labels: list[str | None]) -> None:
    """The lines right after a related-news label that read as headlines: up to
    :data:`HEADLINE_MAX_WORDS` words, cut short ("Buộc thôi việc 2 cô giáo mầm non cầm
    dép đánh vào đầu ...") or with no final punctuation. Only under the label: a sentence
    that trails off ("... như HPG, FLC, OGC ...") is common in the text itself. The run
    ends at the first line of another shape, the text's own next sentence."""
    for i, label in enumerate(labels):
        if label != "related link" and not (
            label == "section label" and _key(_clean(lines[i])) in _RELATED_HEADINGS
        ):
            continue
        for j in range(i + 1, len(lines)):
            if labels[j] is not None:
                continue  # other chrome inside the block: a date, another label
            if not _is_headline(_clean(lines[j])):
                break
            labels[j] = "related link"


def _is_headline(text: str) -> bool:
    """A headline as a list of links shows it: short, cut off or unpunctuated."""
    if not text or not _is_short(text, HEADLINE_MAX_WORDS):
        return False
    return text.endswith(_ELLIPSIS) or not text.endswith(_SENTENCE_END)


def _is_prose(line: str) -> bool:
    """A real paragraph: a long line, or a full sentence of some length."""
    words = len(line.split(None, 10))  # the count up to 10, then 11: enough to decide
    return words >= 10 or (words >= 6 and line.rstrip().endswith((".", "!", "?", "…")))


def _trailing_reason(text: str) -> str | None:
    """Chrome shapes that are only safe to call after the article has ended."""
    if not text:
        return None
    if _is_names(text.removesuffix(".")) or _INITIALS.fullmatch(text):
        return "byline"  # "Thu Thủy", or signed short: "A.D", "N.T.H."
    if _is_signed_credit(text):
        return "byline"  # "Minh Tuệ (T/h) Theo Đời sống Plus", "HT Tổng hợp"
    if _is_trailing_source(text):
        return "source credit"
    letters = [c for c in text if c.isalpha()]
    if len(_words(text)) >= 2 and len(letters) >= 4 and all(c.isupper() for c in letters):
        return "banner"
    return None


def _is_trailing_source(text: str) -> bool:
    """ "Theo Báo X", "Theo Đời sống Plus": a short source after "Theo" or "Nguồn", named
    with a capital (an outlet's name is often written in sentence case), no digit."""
    match = _SOURCE.fullmatch(_key(text))
    if not match or not _is_short(match["what"], 6):
        return False
    what = text.split(None, 1)[-1].lstrip("(: ")
    return _is_title_case(what) or (what[:1].isupper() and not _DIGIT.search(what))


# A sign-off of a writer and the outlet taken from: "Minh Tuệ (T/h) Theo Đời sống Plus",
# "Q.H - Theo VnExpress"; or a writer's initials and "Tổng hợp": "HT Tổng hợp".
_SIGNED = re.compile(r"(?P<by>.+?)\s*[-–—,|]?\s+(?P<src>\(?\s*(?:[Tt]heo|[Nn]guồn)\b.+)")
_UNDOTTED_INITIALS = re.compile(r"[A-ZĐ]{2,4}")


def _is_signed_credit(text: str) -> bool:
    first, _, rest = text.partition(" ")
    if _UNDOTTED_INITIALS.fullmatch(first) and _key(rest) in _PHRASES["byline"]:
        return True
    match = _SIGNED.fullmatch(text)
    if not match or not _is_trailing_source(match["src"].strip()):
        return False
    by = match["by"].strip()
    return _is_names(by) or _INITIALS.fullmatch(by) is not None or _is_agency_byline(by)


def _is_title_case(text: str) -> bool:
    words = [w for w in re.split(r"[\s()]+", text) if w]
    return bool(words) and all(w[0].isupper() or not w[0].isalpha() for w in words)


# A caption ends with its photo credit: "Biểu tình tại Campuchia (Ảnh: Đỗ Tuấn Anh)",
# "Người biểu tình sáng nay - Ảnh: AFP". Captions describe a picture the reader of
# a summary cannot see, so they are never selected.
# A dot inside a name ("M.T", "G.Minh") is part of the credit; ". " ends a sentence.
_CAPTION_CREDIT = re.compile(
    r"(?:^|[\s(\-–—,.])\(?\s*(?:ảnh|photo|nguồn ảnh|hình|image|picture)\s*:\s*"
    r"(?P<who>(?:[^.!?()]|\.(?=\S)){1,60})\)?\s*\.?\s*$",
    re.IGNORECASE,
)
# "(Ảnh minh họa)", "(Ảnh Nguyễn Duy)", "(ảnh cắt từ clip)", "(Photo)": a parenthesis at
# the end that only points at a picture. Not "(ảnh hưởng ...)" nor "(hình thức ...)".
_CAPTION_PAREN = re.compile(
    r"\(\s*(?:ảnh|photo|hình|image|picture)(?P<rest>(?:\s[^()]{0,60})?)\)\s*\.?\s*$",
    re.IGNORECASE,
)
_PICTURE_KINDS = re.compile(
    r"\s*(?:minh họa|minh hoạ|tư liệu|internet|chụp|cắt từ|nguồn|từ|của|do|"
    r"illustration|file|courtesy|by|via)\b",
    re.IGNORECASE,
)
# A short line that is only a credit: "Ảnh của Canloker.", "Tin-ảnh: G.Minh".
_CREDIT_LINE = re.compile(
    r"(?:ảnh|hình)\s+(?:của|do)\s+\S.{0,40}|(?:tin|bài)\s*[-–,/&]\s*ảnh\s*:\s*\S.{0,40}",
    re.IGNORECASE,
)

# A video's caption with its credit: "Clip đánh học sinh bằng dép, đầu gối: LV", "Video
# bàn thắng của Đức Chinh: H.H" (6 such lines in the development sets, all captions).
_VIDEO_CAPTION = re.compile(
    r"(?:clip|video)\b[^:]{0,150}:\s*(?P<who>\w[\w.]*(?:\s+\w[\w.]*){0,3})\s*\.?",
    re.IGNORECASE,
)

# A pointer to pictures or a clip with its credit after a colon: "Một số hình ảnh sáng
# nay: Trần Thường", "Xem bàn thắng của các cầu thủ Celtic: Q.C". The credit is a name,
# initials or a writer's sign-off.
_POINTER_CAPTION = re.compile(
    r"(?:(?:mời )?xem\b|[^:]{0,60}?\b(?:hình ảnh|clip|video)\b)[^:]{0,150}:\s*(?P<who>[^:]{1,60}?)"
    r"\s*\.?",
    re.IGNORECASE,
)

_CAPTION_WORD = re.compile("ảnh|photo|hình|image|picture|clip|video|xem", re.IGNORECASE)


def is_photo_caption(sentence: str) -> bool:
    """True for a sentence that ends in a photo credit or only points at a picture."""
    if not _CAPTION_WORD.search(sentence):
        return False  # the cheap half of the patterns: most sentences stop here
    text = sentence.strip()
    m = _CAPTION_CREDIT.search(text) if ":" in text else None
    if m and m.group("who").strip()[:1].isupper():  # a credit names someone
        return True
    m = _VIDEO_CAPTION.fullmatch(text)
    if m and len(text.split()) <= 25 and all(w[0].isupper() for w in m.group("who").split()):
        return True  # the credit is a name: every word capitalised
    m = _POINTER_CAPTION.fullmatch(text) if ":" in text else None
    if m and _is_short(text, 25):
        who = m.group("who").strip()
        if _is_names(who) or _INITIALS.fullmatch(who) or _is_agency_byline(who):
            return True
    m = _CAPTION_PAREN.search(text)
    if m:
        rest = m.group("rest").strip()
        return not rest or bool(_PICTURE_KINDS.match(rest)) or rest[:1].isupper()
    return _is_short(text, 8) and _CREDIT_LINE.fullmatch(text.rstrip(".")) is not None


# ------------------------------------------------------------------------ one judgement


@dataclass(frozen=True)
class Chrome:
    """Site chrome in one document, judged once for every stage that needs it.

    ``paragraphs``: whole lines that are chrome (never embedded, compared or selected).
    ``sentences``: sentences that are chrome inside a content line (a one-line body
    glues bylines and photo credits to the text): never selected, still compared.
    """

    paragraphs: dict[int, str]
    sentences: dict[int, str]


def judge_chrome(paragraphs: Sequence[str], sentences: Sequence[str]) -> Chrome:
    """Label paragraphs and sentences (by their index) that are site chrome."""
    para_labels = boilerplate_lines(paragraphs)
    sent_labels = boilerplate_lines(sentences, sentences=True)
    by_sentence = {}
    for i, text in enumerate(sentences):
        label = sent_labels[i] or ("photo caption" if is_photo_caption(text) else None)
        if label:
            by_sentence[i] = label
    return Chrome({i: label for i, label in enumerate(para_labels) if label}, by_sentence)
