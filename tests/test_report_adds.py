"""What a kept fuller wording adds, said readably in every human-facing report.

A later paragraph repeats the one before and adds the vote ("49 thuận, 2 chống"): the
fuller one is kept and the earlier removed. The reports said "kept: the fuller wording,
adds 2, 49", which reads as a count; they now say which values, quoted, and the HTML
report says it where it shows the signal, not only in a tooltip.
"""

from __future__ import annotations

import io
import json

from rich.console import Console

from summarize import deduplicate
from summarize.report import render_dedup_report
from summarize.report.common import added_values
from summarize.report.terminal import show_dedup

STATED = (
    "Tại kỳ họp, các đại biểu đã biểu quyết thông qua nghị quyết về bảng giá đất giai "
    "đoạn mới trên địa bàn tỉnh"
)
TEXT = (
    "HĐND tỉnh Lâm Đồng thông qua bảng giá đất mới\n\n"
    "Sáng 12/12, kỳ họp thứ 4 HĐND tỉnh Lâm Đồng khóa IX đã bế mạc sau ba ngày làm việc.\n\n"
    f"{STATED}.\n\n"
    "Nghị quyết có hiệu lực từ ngày 1/1 năm sau và thay thế bảng giá đất cũ.\n\n"
    f"{STATED}: 49 thuận, 2 chống.\n"
)
SAYS = "near-exact; kept: the fuller wording, which adds the numbers “2” and “49”"


def _result():
    result = deduplicate(TEXT, semantic=False)
    [removed] = result.removed
    assert removed.text == f"{STATED}." and removed.kept_adds == ("number 2", "number 49")
    return result


def test_markdown_and_terminal_quote_what_is_added() -> None:
    result = _result()
    md = render_dedup_report(result, "markdown")
    assert f"| {SAYS} |" in md
    out = io.StringIO()
    show_dedup(result, Console(file=out, width=200, color_system=None))
    assert SAYS.split("; ")[1] in out.getvalue()  # under the text (tests/test_report_terminal)
    assert "adds 2, 49" not in md + out.getvalue()


def test_html_shows_what_is_added_beside_the_signal() -> None:
    page = render_dedup_report(_result(), "html")
    # (html.escape leaves the curly quotes as they are)
    assert f'<span class="sig">{SAYS}</span>' in page  # the clusters panel
    assert f"· {SAYS} 0." in page  # the note after the removed paragraph
    assert f"removed: paragraph duplicate, {SAYS} 0." in page  # its tooltip


def test_machine_formats_keep_the_raw_values() -> None:
    result = _result()
    record = json.loads(render_dedup_report(result, "json"))
    assert record["removed"][0]["kept_adds"] == ["number 2", "number 49"]
    assert "number 2; number 49" in render_dedup_report(result, "csv")


def test_added_values_wording() -> None:
    assert added_values(("number 2024",)) == "the number “2024”"
    # A range's two numbers are written alike: named once.
    assert added_values(("number 2015-2019", "number 2015-2019")) == "the number “2015-2019”"
    assert added_values(("number 9", "number 2", "number 7")) == ("the numbers “9”, “2” and “7”")
    assert added_values(("number 14/3", "name Trần Văn Bình")) == (
        "the number “14/3” and the name “Trần Văn Bình”"
    )
