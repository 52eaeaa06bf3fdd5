"""Ampersands and HTML character references, from the input to every output.

Vietnamese agency names are written with "&" (Sở GD&ĐT, Bộ VH-TT&DL, Phòng TN&MT), and
scraped exports keep the page's character references ("Pel&#233;", "&#163;8m",
"Hoa&nbsp;bảnh bao"). A reader of any output wants the article's characters: Markdown
showed "Sở GD&amp;ĐT" (every "&" became an entity), and a JSONL record's references
reached the summary as written.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from summarize import SummaryConfig
from summarize.digest import DigestOptions, Output, digest
from summarize.digest.inputs import decode_entities
from summarize.report.escape import md_escape

# Two reports of one event (they share statements, so the digest makes them one story
# even without a model) and a sports article exported with its page's references.
GDDT_1 = {
    "id": "gd-1",
    "title": "Hà Nội yêu cầu Sở GD&ĐT báo cáo vụ cô giáo đánh học sinh",
    "text": (
        "Chủ tịch UBND TP Hà Nội vừa yêu cầu Sở GD&ĐT Hà Nội báo cáo vụ việc trước ngày "
        "15/3. Ông Nguyễn Hữu Độ, Giám đốc Sở GD&ĐT Hà Nội, cho biết sở đã lập đoàn kiểm "
        "tra và làm việc với nhà trường trong sáng nay.\n\n"
        "Theo lãnh đạo Sở GD&ĐT thành phố, trường đã đình chỉ giảng dạy cô giáo trong thời "
        "gian xác minh vụ việc. Phòng GD&ĐT quận Cầu Giấy đã nhận được phản ánh của phụ "
        "huynh về việc học sinh lớp 2 bị đánh bằng thước kẻ.\n\n"
        "Bộ VH-TT&DL cũng đề nghị các địa phương rà soát các cơ sở giáo dục tư thục có "
        "dấu hiệu vi phạm trong năm học này."
    ),
}
GDDT_2 = {
    "id": "gd-2",
    "title": "Giám đốc Sở GD&ĐT Hà Nội: Đã đình chỉ cô giáo đánh học sinh",
    "text": (
        "Ông Nguyễn Hữu Độ, Giám đốc Sở GD&ĐT Hà Nội, cho biết sở đã lập đoàn kiểm tra và "
        "làm việc với nhà trường trong sáng nay. Theo lãnh đạo Sở GD&ĐT thành phố, trường "
        "đã đình chỉ giảng dạy cô giáo trong thời gian xác minh vụ việc.\n\n"
        "Phòng GD&ĐT quận Cầu Giấy đã nhận được phản ánh của phụ huynh về việc học sinh "
        "lớp 2 bị đánh bằng thước kẻ. Phụ huynh mong kết quả xác minh được công bố công "
        "khai trước ngày 20/3."
    ),
}
EXPORTED = {
    "id": "sport-1",
    "title": "Tottenham tr&#7843; &#163;8m cho c&#7863;p &#273;&#244;i c&#7911;a Forest",
    "text": (
        "Tottenham đã đưa ra lời đề nghị &#163;8m cho hai cầu thủ trẻ của Nottingham "
        "Forest.&nbsp;Ban lãnh đạo Forest cho biết họ sẽ cân nhắc lời đề nghị trong tuần "
        "này.\n\n"
        "Huyền thoại Pel&#233; từng ca ngợi lối chơi của đội bóng khi sang Anh năm 1995. "
        "Câu lạc bộ viết trên trang chủ rằng ký hiệu &amp;amp; trong mã HTML là dấu &amp;."
    ),
}


def _digest(tmp_path: Path, records: list[dict]) -> tuple[str, list[dict], str]:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    outs = [tmp_path / "d.md", tmp_path / "d.jsonl", tmp_path / "d.html"]
    digest(
        [str(src)],
        [Output(outs[0], "markdown"), Output(outs[1], "jsonl"), Output(outs[2], "html")],
        DigestOptions(SummaryConfig(method="lead", sentences=4), learn=None),
    )
    jsonl = [json.loads(line) for line in outs[1].read_text("utf-8").splitlines()]
    return outs[0].read_text("utf-8"), jsonl, outs[2].read_text("utf-8")


def test_digest_markdown_shows_ampersands_as_written(tmp_path: Path) -> None:
    md, records, page = _digest(tmp_path, [GDDT_1, GDDT_2])
    assert "&amp;" not in md and "&#" not in md and "&quot;" not in md
    # The story's headline, its multi-article summary and each article's title.
    assert "## Hà Nội yêu cầu Sở GD&ĐT báo cáo vụ cô giáo đánh học sinh" in md
    story = md.split("Articles:")[0]
    assert re.search(r"^- .*Sở GD&ĐT Hà Nội", story, re.MULTILINE), story
    assert "**Giám đốc Sở GD&ĐT Hà Nội: Đã đình chỉ cô giáo đánh học sinh**" in md
    # JSONL: the characters; HTML: escaped exactly once.
    assert records[0]["story"]["size"] == 2
    assert records[0]["title"] == GDDT_1["title"]
    assert any("Sở GD&ĐT" in s["text"] for s in records[0]["sentences"])
    assert "Sở GD&amp;ĐT" in page and "&amp;amp;" not in page


def test_exported_references_read_once(tmp_path: Path) -> None:
    md, records, page = _digest(tmp_path, [EXPORTED, GDDT_1])
    rec = records[0]
    assert rec["title"] == "Tottenham trả £8m cho cặp đôi của Forest"
    texts = " ".join(s["text"] for s in rec["sentences"])
    assert "£8m" in texts and "Pelé" in texts and "&#" not in texts and "&nbsp;" not in texts
    # "&amp;amp;" was what the page showed as "&amp;": decoded once, never twice.
    assert "ký hiệu &amp; trong mã HTML là dấu &." in texts
    assert "### Tottenham trả £8m cho cặp đôi của Forest" in md
    assert "ký hiệu &amp;amp; trong mã HTML là dấu &." in md  # Markdown for "&amp;"
    assert "Pelé" in page and "ký hiệu &amp;amp; trong mã HTML là dấu &amp;." in page


def test_decode_entities_rules() -> None:
    assert decode_entities("Hoắc Kiến Hoa&nbsp;bảnh bao") == "Hoắc Kiến Hoa\xa0bảnh bao"
    assert decode_entities("S&#227;o Paulo, Bernab&#xE9;u") == "São Paulo, Bernabéu"
    # A bare "&", an unknown name and HTML's legacy names without ";" stay as written.
    for text in ("Sở GD&ĐT", "Phòng TN&MT; Sở KH&ĐT", "R&D, AT&T", "Q&paragraph &copy 2017"):
        assert decode_entities(text) == text


CASES = [
    "Giám đốc Sở GD&ĐT Hà Nội cho biết, Bộ VH-TT&DL và Phòng TN&MT; đã vào cuộc.",
    "Mã HTML &amp; và &#233; được viết đúng như thế, không phải ký tự.",
    '<img src=x onerror=alert(1)> và <script>alert("x")</script> là văn bản.',
    "Lãi suất < 5% và tỷ lệ > 3% theo báo cáo; a<b, x>y.",
    "> Trích dẫn: người dân cho biết nước lên nhanh.",
    "Tin **nóng** [bấm](javascript:alert(1)) và `mã` với ~gạch~ | ống \\ chéo.",
]


@pytest.mark.parametrize("text", CASES)
def test_md_escape_renders_the_text_itself(text: str) -> None:
    """CommonMark (markdown-it, as GitHub renders) shows exactly the text: no element,
    no entity left over, nothing lost."""
    markdown_it = pytest.importorskip("markdown_it")
    escaped = md_escape(text, newline=" ")
    rendered = markdown_it.MarkdownIt("commonmark").render(escaped).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[3:-4]
    assert "<" not in inner  # no element of the text's own became markup
    assert html.unescape(inner) == text


def test_md_escape_keeps_ampersands_readable() -> None:
    assert md_escape("Sở GD&ĐT và Bộ VH-TT&DL") == "Sở GD&ĐT và Bộ VH-TT&DL"
    assert md_escape("a < b > c") == "a < b > c"
    assert md_escape("&amp; &#39;") == "&amp;amp; &amp;#39;"
