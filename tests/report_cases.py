"""The documents the report tests share: the samples, and one built to be hostile.

Each sample is deduplicated twice (boilerplate kept, then dropped); the results are
computed once per session and shared by every format's tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.api import deduplicate
from summarize.dedup.document import DedupResult

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.txt"))
BAC_GIANG = next(p for p in SAMPLES if p.name.startswith("bac-giang"))

# A document that tries to run script, with markup and ampersands in it, a sentence
# repeated inside a kept paragraph, a doubled header that is also boilerplate, and two
# statements that differ only in a number (a conflict: both kept).
HOSTILE = (
    'Tin <b>nóng</b> & mới: <script>document.title="pwned";'
    'document.documentElement.setAttribute("data-pwned","1")</script>\n'
    "\n"
    "Khoa Cấp cứu, Bệnh viện Đa khoa tỉnh bình quân mỗi ngày tiếp nhận 120 bệnh nhân. "
    "Đây là con số rất lớn so với năm trước.\n"
    "\n"
    "Khoa Cấp cứu, Bệnh viện Đa khoa tỉnh bình quân mỗi ngày tiếp nhận 200 bệnh nhân.\n"
    "\n"
    "Công ty A&B <tuyên bố> rằng doanh thu năm nay tăng mạnh nhờ xuất khẩu nông sản sang "
    "châu Âu. Ông Nguyễn Văn An cho biết thêm nhiều chi tiết.\n"
    "\n"
    "Công ty A&B <tuyên bố> rằng doanh thu năm nay tăng mạnh nhờ xuất khẩu nông sản sang "
    "châu Âu. Điều này được nhiều chuyên gia đánh giá cao.\n"
    "\n"
    "Chính trị - Xã hội Chính trị - Xã hội\n"
    "\n"
    "Bài, ảnh: Anh Phong\n"
)


def _results() -> list[tuple[str, str, DedupResult]]:
    out = []
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        for drop in (False, True):
            out.append((f"{path.stem}{'-drop' if drop else ''}", text, dedup(text, drop)))
    out.append(("hostile", HOSTILE, dedup(HOSTILE, False)))
    out.append(("hostile-drop", HOSTILE, dedup(HOSTILE, True)))
    return out


def dedup(text: str, drop: bool) -> DedupResult:
    return deduplicate(text, semantic=False, drop_boilerplate=drop)


RESULTS = _results()
IDS = [name for name, _, _ in RESULTS]
each_result = pytest.mark.parametrize(("name", "original", "result"), RESULTS, ids=IDS)
