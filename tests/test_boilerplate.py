"""Site chrome is labelled; no sentence, heading or caption of an article ever is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.text.boilerplate import boilerplate_lines, boilerplate_reason, is_photo_caption

SAMPLES = Path(__file__).parent.parent / "samples"

# Every chrome line of every sample, by 1-based line number; all other lines are content.
CHROME: dict[str, dict[int, str]] = {
    "bac-giang-co-quan-tinh": {17: "byline"},
    "bac-ninh-khoi-co-quan-doanh-nghiep": {
        17: "byline",
        18: "form label",
        19: "image placeholder",
        20: "form label",
        21: "form label",
        22: "form label",
        23: "visitor counter",
        24: "visitor counter",
        25: "visitor counter",
        26: "visitor counter",
        27: "visitor counter",
        28: "navigation",
    },
    "khoi-co-quan-tinh-dien-hinh": {
        1: "date line",
        5: "date line",
        6: "view counter",
        21: "byline",
    },
    "quang-ninh-quang-binh": {
        45: "byline",
        47: "source credit",
        49: "comments",
        51: "form label",
        53: "section label",
        55: "section label",
        57: "section label",
    },
    "thua-thien-hue": {
        1: "section label",
        3: "date line",
        37: "byline",
        39: "share widget",
        42: "banner",
    },
}
# Chrome that only its position after the article gives away.
POSITIONAL = {("khoi-co-quan-tinh-dien-hinh", 21), ("quang-ninh-quang-binh", 45)}
POSITIONAL |= {("thua-thien-hue", 42)}


def sample_lines(stem: str) -> list[str]:
    return (SAMPLES / f"{stem}.txt").read_text(encoding="utf-8").splitlines()


def content_lines(stem: str) -> list[str]:
    chrome = CHROME[stem]
    return [
        line
        for number, line in enumerate(sample_lines(stem), 1)
        if line.strip() and number not in chrome
    ]


def test_every_sample_is_covered() -> None:
    assert sorted(p.stem for p in SAMPLES.glob("*.txt")) == sorted(CHROME)


@pytest.mark.parametrize("stem", sorted(CHROME))
def test_sample_lines_labelled_exactly(stem: str) -> None:
    lines = sample_lines(stem)
    labels = boilerplate_lines(lines)
    assert len(labels) == len(lines)
    for number, (line, label) in enumerate(zip(lines, labels, strict=True), 1):
        expected = CHROME[stem].get(number) if line.strip() else None
        assert label == expected, f"{stem}:{number}: {line!r}"


@pytest.mark.parametrize("stem", sorted(CHROME))
def test_sample_lines_alone(stem: str) -> None:
    """Without position, only the name-only bylines and the banner go unrecognised."""
    for number, line in enumerate(sample_lines(stem), 1):
        expected = CHROME[stem].get(number) if line.strip() else None
        if (stem, number) in POSITIONAL:
            expected = None
        assert boilerplate_reason(line) == expected, f"{stem}:{number}: {line!r}"


@pytest.mark.parametrize("stem", sorted(CHROME))
def test_no_content_sentence_is_chrome(stem: str) -> None:
    """The summariser asks about single sentences too; none of the articles' may match."""
    for line in content_lines(stem):
        for sentence in re.split(r"(?<=[.!?…:;])\s+", line.strip()):
            assert boilerplate_reason(sentence) is None, sentence


def test_headings_and_captions_are_content() -> None:
    for line in [
        "Xây điển hình, nhân phong trào",
        "Tạo khí thế thi đua sôi nổi",
        "Quảng Ninh trao giấy khen cho các TCCS Đảng trong sạch, vững mạnh giai đoạn 2014-2018",
        "Tiếp tục đẩy mạnh thực hiện",
        "Lựa chọn các vấn đề trọng tâm, đột phá",
        "Đoàn kết, hoàn thành nhiệm vụ được giao",
        "Ban Thường vụ Tỉnh ủy trao Bằng khen cho tập thể, cá nhân tiêu biểu",
        "Cụ thể hóa việc học và làm theo Bác",
    ]:
        assert boilerplate_reason(line) is None, line
        assert boilerplate_lines([line]) == [None], line


# Made-up lines of the kinds Vietnamese news sites show around an article.
MADE_UP_CHROME = {
    "Ảnh: TTXVN": "photo credit",
    "(Ảnh: Minh Anh)": "photo credit",
    "Ảnh minh họa": "photo credit",
    "Ảnh minh hoạ: Internet": "photo credit",
    "Nguồn ảnh: Báo Nhân Dân": "photo credit",
    "Xem thêm: Hà Nội công bố lịch nghỉ lễ 30/4": "related link",
    ">> Giá vàng hôm nay tăng mạnh": "related link",
    "Xem thêm tại đây.": "read-more link",
    "Xem chi tiết tại đây": "read-more link",
    "Xem video tại đây.": "read-more link",
    "Đọc toàn văn bài phát biểu tại đây.": "read-more link",
    "Mời bạn đọc xem thêm ở đây.": "read-more link",
    "Tại đây.": "read-more link",
    "Bấm vào đây để xem chi tiết.": "read-more link",
    "Click here": "read-more link",
    "Click here to read the full report.": "read-more link",
    "Read more here.": "read-more link",
    "Watch the full interview here.": "read-more link",
    "Xem thêm video: Hồng Nhung": "media label",
    "VIDEO XEM THÊM: Quốc Bảo (Theo AP)": "media label",
    "Tin liên quan": "section label",
    "Bài viết liên quan": "section label",
    "Có thể bạn quan tâm": "section label",
    "Video: Toàn cảnh lễ khai mạc": "media label",
    "[VIDEO] - Người dân đổ về trung tâm": "media label",
    "Clip | Hiện trường vụ cháy": "media label",
    "(Theo VnExpress)": "source credit",
    "Theo TTXVN": "source credit",
    "Nguồn: Báo Tuổi Trẻ": "source credit",
    "Theo vietnamplus.vn": "source credit",
    "TTXVN": "byline",
    "Nhóm PV": "byline",
    "Hoàng Anh - TTXVN": "byline",
    "Minh Thu/VOV": "byline",
    "Lan Anh (tổng hợp)": "byline",
    "Tin, ảnh: Ngọc Mai": "byline",
    "Bài và ảnh: Trần Văn Hùng": "byline",
    "#hanoi #tintuc #thoisu": "hashtags",
    "Tags: Hà Nội, giao thông, mưa lớn": "tags",
    "Từ khóa: học tập và làm theo Bác": "tags",
    "Bình luận": "comments",
    "Ý kiến bạn đọc": "comments",
    "Gửi": "form label",
    "Gửi bình luận": "form label",
    "Họ và tên *": "form label",
    "Email": "form label",
    "In bài": "article tools",
    "Lưu bài viết": "article tools",
    "Quay lại": "navigation",
    "Về đầu trang": "navigation",
    "Trang chủ > Thời sự > Chính trị": "navigation",
    "Tin tức » Xây dựng Đảng": "navigation",
    "© 2023 Báo Điện tử Đảng Cộng sản Việt Nam": "copyright",
    "Copyright © 2024 VnExpress. All rights reserved.": "copyright",
    "Ghi rõ nguồn khi phát hành lại thông tin từ website này.": "copyright",
    "Tổng biên tập: Nguyễn Văn A": "footer",
    "Điện thoại: 0236 3822 145": "footer",
    "Giấy phép số 123/GP-BTTTT cấp ngày 1/1/2020": "footer",
    "Chia sẻ": "share widget",
    "Chia sẻ:": "share widget",
    "Facebook Twitter Zalo": "share widget",
    "Chia sẻ Facebook | Zalo | Email": "share widget",
    "Copy link": "share widget",
    "25 lượt xem": "view counter",
    "Lượt xem: 1.234": "view counter",
    "12 bình luận": "engagement counter",
    "Hôm qua: 2.450": "visitor counter",
    "Lượt truy cập": "visitor counter",
    "Thứ Hai, 12/6/2023 14:30 (GMT+7)": "date line",
    "Cập nhật: 10:30 12/06/2023": "date line",
    "Chủ nhật, 11/06/2023, 08:00": "date line",
    "2 giờ trước": "date line",
    "Thời sự": "section label",
    "Văn hoá - Xã hội": "section label",
    "Tin tức Tin tức": "section label",
    "Quảng cáo": "advertisement",
    "https://baochinhphu.vn/bai-viet-123.htm": "link",
}


@pytest.mark.parametrize(("line", "label"), list(MADE_UP_CHROME.items()))
def test_made_up_chrome(line: str, label: str) -> None:
    assert boilerplate_reason(line) == label


MADE_UP_CONTENT = [
    "Theo đó, các đơn vị phải hoàn thành kế hoạch trước ngày 30/6/2024.",
    "Theo Bộ Y tế, số ca mắc mới trong tuần đã giảm 20%.",
    "Ảnh hưởng của bão số 3 khiến nhiều tuyến đường bị ngập sâu.",
    "Bà Lan chia sẻ: gia đình đã vượt qua khó khăn nhờ sự giúp đỡ của bà con.",
    "Hôm nay, Quốc hội thảo luận về dự án Luật Đất đai (sửa đổi).",
    "Video clip ghi lại vụ việc đã được lan truyền rộng rãi trên mạng xã hội.",
    "Bình luận về sự việc, ông Nam cho rằng cần xử lý nghiêm.",
    "Chiều 12/6, đoàn công tác đã làm việc tại xã Hải Ninh.",
    "Lúc 14:30 ngày 12/6/2023, xe khách bị lật tại đèo Hải Vân.",
    "Đại biểu tham quan gian hàng tại hội chợ. (Ảnh: Minh Anh)",
    "Năm 2021, tỉnh đón hơn 2 triệu lượt khách du lịch.",
    "Tổng số vốn đầu tư của dự án là 1.200 tỷ đồng.",
    "Luật sư cho rằng hành vi vi phạm bản quyền cần bị xử phạt.",
    "Học và làm theo Bác",
    "Địa chỉ đỏ cho trẻ em nghèo",
    "Điện thoại thông minh ngày càng phổ biến ở nông thôn.",
    "Video-clip ghi lại vụ việc được đăng trên mạng.",
    "Theo báo cáo của Sở Y tế tỉnh.",
    "Theo Bác, làm việc gì cũng phải có kế hoạch.",
    "Các báo cần ghi rõ nguồn khi trích dẫn tài liệu.",
    "Bản tin thời sự phát lúc 19:00 hằng ngày.",
    "In ấn tài liệu tuyên truyền được thực hiện kịp thời.",
    # "tại đây" / "xem" in a sentence that says something: content, not a link prompt
    "Tại đây, đoàn công tác đã kiểm tra hiện trường vụ sạt lở.",
    "Danh sách các trường đạt chuẩn được đăng tại đây.",
    "Du khách có thể xem múa rối nước ở đây vào mỗi tối.",
    "Xem video, nhiều phụ huynh bức xúc trước hành vi của bảo mẫu.",
    "Người dân ở đây chủ yếu sống bằng nghề đánh cá.",
    "They read the full statement here on Monday.",
    "XEM CLIP: Hàng chục cây xanh trên phố Nguyễn Trãi bị đục khoét trong đêm.",
    "Nguyễn Văn An",  # a name on its own is content unless it closes the article
    "KẾT QUẢ NỔI BẬT",  # a capitalised heading inside an article
]


@pytest.mark.parametrize("line", MADE_UP_CONTENT)
def test_made_up_content(line: str) -> None:
    assert boilerplate_reason(line) is None


ARTICLE = [
    "Thứ Ba, 14/05/2024 | 10:05",
    "Hà Nội: Mở rộng mô hình dân vận khéo",
    "Năm qua, thành phố đã có hàng trăm mô hình dân vận khéo được nhân rộng ở cơ sở.",
    "KẾT QUẢ NỔI BẬT",
    "Nguyễn Văn An",
    "Nhiều mô hình đã giúp người dân tăng thu nhập, cải thiện đời sống và giữ gìn an ninh.",
    "",
    "Minh Anh - Thu Hà",
    "Theo Báo Hà Nội Mới",
    "TIN MỚI NHẤT TRONG NGÀY",
    "Tin liên quan",
]


def test_position_only_after_the_article() -> None:
    assert boilerplate_lines(ARTICLE) == [
        "date line",
        None,
        None,
        None,  # capitals inside the article: a heading, not a banner
        None,  # a name inside the article: content
        None,
        None,
        "byline",
        "source credit",
        "banner",
        "section label",
    ]


def test_no_prose_means_no_positional_guess() -> None:
    assert boilerplate_lines(["Thu Thủy", "ĐỒNG HÀNH"]) == [None, None]
    assert boilerplate_lines([]) == []


def test_whitespace_and_bullets() -> None:
    assert boilerplate_reason("") is None
    assert boilerplate_reason(" \u00a0 ") is None
    assert boilerplate_reason("\u00a0 •  Chia   sẻ bài viết ") == "share widget"


@settings(deadline=None)
@given(st.lists(st.text(max_size=80), max_size=12))
def test_never_crashes(lines: list[str]) -> None:
    labels = boilerplate_lines(lines)
    assert len(labels) == len(lines)
    assert all(label is None or isinstance(label, str) for label in labels)


def test_date_scan_says_what_the_substitution_says() -> None:
    """The early-exit scan of date lines against the plain two-substitution form."""
    from summarize.text.boilerplate import _DATE_TOKEN, _clean, _key, _only_date_tokens

    leftover = re.compile(r"[\s,.;:|/()\[\]–—-]+")
    lines = [*MADE_UP_CHROME, *MADE_UP_CONTENT, *ARTICLE, "ngày 12/6 lúc", "12/6/2023 x"]
    for path in sorted(SAMPLES.glob("*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        key = _key(_clean(line))
        assert _only_date_tokens(key) == (not leftover.sub("", _DATE_TOKEN.sub(" ", key))), line


def test_initials_after_the_article_are_a_byline(fake_encoder) -> None:
    """A one-line body signed with the writer's initials ("... (ảnh chụp ngày 5-2-2017). A.D",
    a raw baomoi article): the initials are the byline, never the summary."""
    from summarize import summarize

    caption = (
        "Rác lấn chiếm lòng đường ĐH409 ngay chỗ có dựng biển cấm đổ rác (ảnh chụp ngày 5-2-2017)."
    )
    assert boilerplate_lines([caption, "A.D"]) == [None, "byline"]
    assert boilerplate_lines([caption, "N.T.H."]) == [None, "byline"]
    assert boilerplate_lines(["A.D", caption]) == [None, None]  # before the prose: not guessed
    text = (
        "Người dân đổ rác ra đường ngay dưới biển cấm ở xã Tân Phú. "
        "Chính quyền xã cho biết sẽ phạt nặng các trường hợp vi phạm. A.D"
    )
    result = summarize(text, sentences=3, model=fake_encoder)
    assert [s.text for s in result.sentences] == [
        "Người dân đổ rác ra đường ngay dưới biển cấm ở xã Tân Phú.",
        "Chính quyền xã cho biết sẽ phạt nặng các trường hợp vi phạm.",
    ]
    assert any(e.text == "A.D" and e.detail == "byline" for e in result.excluded)


def test_an_article_of_a_caption_and_initials_says_why_it_has_no_summary(fake_encoder) -> None:
    from summarize import InputError, summarize

    text = (
        "Cấm cứ cấm, đổ cứ đổ\n\nRác lấn chiếm lòng đường ĐH409 ngay chỗ có dựng biển cấm "
        "đổ rác (ảnh chụp ngày 5-2-2017). A.D\n"
    )
    with pytest.raises(
        InputError,
        match=r"no sentence to summarise \(every sentence is "
        r"excluded: title 1, photo caption 1, byline 1\)$",
    ):
        summarize(text, model=fake_encoder)


def test_a_video_caption_with_its_credit_is_a_caption() -> None:
    """New-user trial: "Clip đánh học sinh bằng dép, đầu gối: LV" (a baomoi video caption)
    was picked for a summary. A clip or video line that ends in a credit is a caption; a
    sentence about a video is not."""
    for caption in (
        "Clip đánh học sinh bằng dép, đầu gối: LV",
        "Video bàn thắng của Đức Chinh vào lưới U20 Argentina: H.H",
        "Video: In The Now",
    ):
        assert is_photo_caption(caption), caption
    for sentence in (
        "Clip này cho thấy: Học sinh bị đánh bằng dép.",
        "Video được chia sẻ trên mạng xã hội khiến nhiều người bức xúc.",
        "The video shows: Smith scoring twice.",
    ):
        assert not is_photo_caption(sentence), sentence


def test_a_read_more_prompt_closing_a_paragraph_is_never_the_summary(
    fake_encoder, tmp_path: Path
) -> None:
    """New-user trial (D-B1): "Xem thêm tại đây." ends a paragraph after a real sentence
    (the link text a scrape or a Markdown link leaves behind) and was picked as the
    second summary sentence. It is chrome; the sentence before it is content."""
    from summarize import summarize
    from summarize.io.readers import read_text

    body = (
        "Sáng 3/4, Sở Giao thông vận tải tổ chức họp báo về dự án cầu Hòa Bình tại Hải Phòng.\n\n"
        "Phó giám đốc Sở Nguyễn Minh Tâm cho biết cầu sẽ thông xe vào cuối tháng 6.\n\n"
        "Theo kế hoạch, tổng vốn đầu tư của dự án là 1.250 tỷ đồng. Xem thêm tại đây.\n\n"
        "Cây cầu dài 2,1 km sẽ rút ngắn thời gian đi lại giữa hai quận còn 10 phút.\n"
    )
    markdown = tmp_path / "cau.md"
    markdown.write_text(
        "# Cầu Hòa Bình sắp thông xe\n\n"
        + body.replace("Xem thêm tại đây.", "Xem chi tiết [tại đây](https://example.org)."),
        "utf-8",
    )
    raw = read_text(markdown)
    for text, title in ((body, None), (raw.text, raw.title)):
        result = summarize(text, sentences=4, title=title, model=fake_encoder)
        picked = [s.text for s in result.sentences]
        assert len(picked) == 4
        assert "Theo kế hoạch, tổng vốn đầu tư của dự án là 1.250 tỷ đồng." in picked
        assert not any("tại đây" in s for s in picked), picked
        assert any(e.detail == "read-more link" for e in result.excluded)


_PROSE = "Sáng 12/3, một xưởng gỗ ở Bình Dương bốc cháy dữ dội, ba công nhân bị thương nhẹ."


def test_headlines_under_a_related_label_are_links() -> None:
    """Fourth new-user trial: the label "TIN LIÊN QUAN" was excluded but the headlines
    under it ("... trong mùa khô ...") were picked. Under the label, a short line cut off
    with "..." or left unpunctuated is a link; the run ends at the text's next sentence."""
    lines = [
        _PROSE,
        "TIN LIÊN QUAN",
        "Cháy lớn tại khu công nghiệp, thiệt hại hàng tỷ đồng ...",
        "Liên tiếp xảy ra cháy xưởng trong mùa khô…",
        "Cảnh báo nguy cơ cháy nổ tại các xưởng gỗ",
        "Lực lượng chữa cháy đã điều 8 xe đến hiện trường, sau 2 giờ đám cháy được khống chế.",
        "Khu vực này còn nhiều xưởng gỗ khác ...",
    ]
    assert boilerplate_lines(lines) == [
        None, "section label", "related link", "related link", "related link", None, None,
    ]  # fmt: skip


def test_a_sentence_that_trails_off_is_content_away_from_a_label() -> None:
    line = "Nhiều mã trên hai sàn có thanh khoản tốt như HPG, FLC, OGC ..."
    assert boilerplate_lines([_PROSE, line, _PROSE]) == [None, None, None]


def test_a_related_block_glued_into_a_sentence_is_a_link() -> None:
    """A one-line body keeps the block as sentences: the label glued to the first
    headline, the other headlines cut at their "...", or the label inside a sentence after
    a byline. Each is a link; so are the headlines after it. "thông tin liên quan" in a
    sentence is no label, and a paragraph that holds the block is still mostly text."""
    sentences = [
        "TIN LIÊN QUAN Cô giáo dùng dép đánh trẻ ở trường mầm non tư thục ...",
        "Buộc thôi việc hai cô giáo mầm non đánh trẻ ...",
        "Ngày 6/2, công an quận đã mời hai giáo viên lên làm việc về vụ việc.",
        "Công an đang thu thập thông tin liên quan đến vụ việc.",
        "Minh Hà | 08:50 07/02/2017 Tin liên quan Hai đội bóng hòa nhau 1-1 Đội khách thua đậm",
    ]
    assert boilerplate_lines(sentences, sentences=True) == [
        "related link", "related link", None, None, "related link",
    ]  # fmt: skip
    assert boilerplate_lines([" ".join(sentences)]) == [None]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Minh Tuệ (T/h) Theo Đời sống Plus", "byline"),
        ("Hoàng Sang - Duy Tuấn Theo VietNamNet", "byline"),
        ("HT Tổng hợp", "byline"),
        ("Theo Đời sống Plus", "source credit"),
        ("Theo Phụ nữ sức khỏe", "source credit"),
    ],
)
def test_sign_offs_after_the_article(line: str, label: str) -> None:
    """Fourth new-user trial: "Minh Tuệ (T/h) Theo Đời sống Plus" was picked. After the
    last paragraph, a writer's name with the outlet taken from, initials with "Tổng hợp",
    or "Theo" and an outlet written in sentence case sign the article off."""
    assert boilerplate_lines([_PROSE, line]) == [None, label]
    assert boilerplate_lines([line, _PROSE]) == [None, None]  # inside the text: not guessed


@pytest.mark.parametrize(
    "line",
    [
        "Theo ông Nam, giá gỗ sẽ còn tăng.",
        "Theo dự báo, trời còn nắng nóng 3 ngày",
        "Minh Tuệ nói theo ý mình",
    ],
)
def test_a_closing_sentence_that_opens_with_theo_is_content(line: str) -> None:
    assert boilerplate_lines([_PROSE, line]) == [None, None]


def test_a_pointer_to_pictures_with_its_credit_is_a_caption() -> None:
    """Fourth new-user trial: "Một số hình ảnh sáng nay: Trần Thường" was picked. A line
    that points at pictures or a clip and ends in a name or initials after a colon is a
    caption; a sentence with a colon and a statement after it is not."""
    for caption in (
        "Một số hình ảnh buổi lễ sáng nay: Trần Thường",
        "Xem bàn thắng đẹp của đội tuyển: Q.C",
        "Mời xem lại trận đấu tối qua: Minh Anh - VTV",
    ):
        assert is_photo_caption(caption), caption
    for sentence in (
        "Người xem video: Không ai tin điều đó.",
        "Hình ảnh này cho thấy: Nước đã rút.",
        "Ảnh hưởng của bão: Nguyễn Văn A cho biết nhà ông bị tốc mái.",
    ):
        assert not is_photo_caption(sentence), sentence
