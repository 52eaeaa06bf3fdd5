"""Plain text hard-wrapped by GNU ``fmt`` or ``fold -s`` reads as the text before the wrap.

Found by hand: ``fmt FILE > wrapped.txt`` then ``summarize wrapped.txt`` picked fragments of
sentences, and ``summarize dedup`` could cut one line out of the middle of a sentence,
because only greedy fills (Python's ``textwrap``) were recognised as wrapped. The two tools
wrap differently, so the tests build their output in Python, exactly as coreutils 9.1 does
(checked against the real tools when they are installed):

* ``fold -s -w W`` counts bytes; when a line would pass ``W`` bytes it breaks after the
  last blank within the first ``W`` bytes and keeps that blank at the end of the line;
* ``fmt -w W`` (75 by default) counts bytes too, keeps blank lines, joins the lines of a
  paragraph and then breaks each paragraph where a cost is lowest: lines shorter than
  ``W`` aiming at 93% of it, even lengths, a bonus for ending a line at a sentence's end
  (a period at the end of an input line or before two spaces) or a punctuation mark, a
  penalty for breaking after any other period. It puts two spaces after a sentence's end
  that was at the end of an input line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from summarize import deduplicate, reconstruct
from summarize.text.segment import segment, split_paragraphs

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = sorted(p.stem for p in SAMPLES.glob("*.txt"))


def read(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def spaced(text: str) -> str:
    """Each non-blank line a paragraph of its own, blank lines between (``fmt`` joins lines
    that have none between them: the text a user wraps with it)."""
    return "\n\n".join(line for line in text.splitlines() if line.strip()) + "\n"


# --- fold -s ---------------------------------------------------------------------------------


def fold_s(text: str, width: int) -> str:
    """``fold -s -w width`` of GNU coreutils 9.1 (bytes, the blank kept at the line's end)."""
    out = []
    for line in text.split("\n"):
        data = line.encode()
        while len(data) > width:
            blank = data.rfind(b" ", 0, width)
            cut = width if blank < 0 else blank + 1
            out.append(data[:cut].decode())
            data = data[cut:]
        out.append(data.decode())
    return "\n".join(out)


# --- fmt (a port of fmt_paragraph, base_cost and line_cost in coreutils 9.1 src/fmt.c) -------


def _cost(n: int) -> int:
    return n * n  # EQUIV


@dataclass
class _Word:
    text: str
    length: int  # bytes
    space: int  # spaces after it on the line
    period: bool  # ends with . ? ! (before closing brackets and quotes)
    final: bool  # a sentence's end: a period at the end of the input line or before 2 spaces
    punct: bool  # ends with ASCII punctuation
    paren: bool  # starts with an opening bracket or quote


def _words(rows: list[str]) -> list[_Word]:
    words = []
    for row in rows:
        found = list(re.finditer(r"[^ \t]+", row))
        for k, m in enumerate(found):
            w = m.group()
            last = k == len(found) - 1
            space = 1 if last else found[k + 1].start() - m.end()
            period = (w.rstrip(")]'\"") or w)[-1] in ".?!"
            final = period and (last or space > 1)
            words.append(
                _Word(
                    w,
                    len(w.encode()),
                    (2 if final else 1) if last else space,
                    period,
                    final,
                    w[-1] in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
                    w[0] in "(['`\"",
                )
            )
    words[-1].final = True  # the end of the paragraph
    return words


def fmt(text: str, width: int = 75) -> str:
    """``fmt -w width`` of GNU coreutils 9.1 on paragraphs separated by blank lines."""
    goal = width * (2 * (100 - 7) + 1) // 200
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        rows = block.split("\n")
        first = len(rows[0]) - len(rows[0].lstrip(" "))
        other = len(rows[1]) - len(rows[1].lstrip(" ")) if len(rows) > 1 else first
        words = _words(rows)
        n = len(words)
        best, after, length = [0] * (n + 1), [n] * (n + 1), [0] * (n + 1)

        def base_cost(i: int, words: list[_Word] = words) -> int:
            cost = _cost(70)
            if i > 0:
                before = words[i - 1]
                if before.period:
                    cost += -_cost(50) if before.final else _cost(600)
                elif before.punct:
                    cost -= _cost(40)
                elif i > 1 and words[i - 2].final:
                    cost += _cost(200) // (before.length + 2)  # a widow
            if words[i].paren:
                cost -= _cost(40)
            elif words[i].final:
                cost += _cost(150) // (words[i].length + 2)  # an orphan
            return cost

        for start in range(n - 1, -1, -1):
            lowest = None
            size = (first if start == 0 else other) + words[start].length
            nxt = start
            while True:
                nxt += 1
                cost = best[nxt]
                if nxt < n:
                    cost += _cost((goal - size) * 10)
                    if after[nxt] != n:
                        cost += _cost((size - length[nxt]) * 10) // 2
                if lowest is None or cost < lowest:
                    lowest, after[start], length[start] = cost, nxt, size
                if nxt == n:
                    break
                size += words[nxt - 1].space + words[nxt].length
                if size >= width:
                    break
            best[start] = lowest + base_cost(start)
        lines, i = [], 0
        while i < n:
            j = after[i]
            line = "".join(w.text + " " * w.space for w in words[i:j]).rstrip(" ")
            lines.append(" " * (first if i == 0 else other) + line)
            i = j
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + "\n"


@pytest.mark.skipif(not (shutil.which("fmt") and shutil.which("fold")), reason="no coreutils")
@pytest.mark.parametrize("name", NAMES)
def test_the_ports_wrap_as_coreutils(name):
    """The Python ports above give the tools' exact output on the samples (the tests below
    then run without them)."""

    def tool(*args: str, text: str) -> str:
        done = subprocess.run(
            args, input=text.encode(), capture_output=True, check=True, timeout=30
        )
        return done.stdout.decode()

    text = read(name)
    for width in (60, 72, 75, 80):
        assert tool("fold", "-s", "-w", str(width), text=text) == fold_s(text, width)
        assert tool("fmt", "-w", str(width), text=spaced(text)) == fmt(spaced(text), width)


# --- segmentation ----------------------------------------------------------------------------


def squeezed_paragraphs(text: str) -> list[str]:
    return ["".join(p.text.split()) for p in split_paragraphs(text)]


def squeezed_sentences(text: str) -> list[str]:
    return ["".join(s.text.split()) for s in segment(text)[1]]


def check_offsets(text: str) -> None:
    paragraphs, sentences = segment(text)
    assert all(text[p.start : p.end] == p.text for p in paragraphs)
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("width", [60, 75, 80])
def test_fmt_wrapped_samples_read_as_the_originals(name, width):
    """Vietnamese filled by ``fmt`` (in bytes: a line holds 50-70 characters, and ``fmt``
    ends lines early to balance them) gives the paragraphs and sentences of the text."""
    original = spaced(read(name))
    wrapped = fmt(original, width)
    assert wrapped.count("\n") > 2 * original.count("\n")  # the wrap broke many lines
    check_offsets(wrapped)
    assert squeezed_paragraphs(wrapped) == squeezed_paragraphs(original)
    assert squeezed_sentences(wrapped) == squeezed_sentences(original)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("width", [60, 72, 80])
def test_fold_wrapped_samples_read_as_the_originals(name, width):
    """``fold -s`` keeps single line breaks between paragraphs (three samples have some):
    a paragraph's last line stays its own end even when the next word would have fitted,
    because the lines the fold broke end with the blank it broke at."""
    original = read(name)
    wrapped = fold_s(original, width)
    check_offsets(wrapped)
    assert squeezed_paragraphs(wrapped) == squeezed_paragraphs(original)
    assert squeezed_sentences(wrapped) == squeezed_sentences(original)


ENGLISH = [  # sentences end with two spaces, as in text that went through ``fmt`` before
    "The match was stopped twice because of heavy rain.  Both teams returned to the pitch "
    "after a delay of almost an hour, and the home side scored twice in the last ten "
    "minutes.  Their coach said afterwards that the players had kept their concentration "
    "remarkably well under the circumstances.",
    "Prices rose again last month.  Fuel and food were the main reasons, according to the "
    "statistics office, which publishes its figures on the first Monday of every month.  "
    "Economists expect the increase to slow down before the summer, when the new harvest "
    "reaches the markets.",
    "The museum will close for renovation in March.  Its collection of paintings will "
    "travel to three other cities while the building is repaired.  Visitors who bought "
    "annual passes can ask for a refund at the ticket office or online until the end of "
    "February.",
]


def test_fmt_lines_that_a_greedy_fill_would_have_filled_are_joined():
    """``fmt`` leaves room for the next word on some lines ("ask for a refund at" before
    "the", to even the lines out): joined all the same."""
    original = "\n\n".join(ENGLISH) + "\n"
    wrapped = fmt(original)
    lines = wrapped.splitlines()
    roomy = [
        a
        for a, b in zip(lines, lines[1:], strict=False)
        if a and b and len(a) + 1 + len(b.split()[0]) <= 72
    ]
    assert roomy  # the case a greedy fill never makes (its lines reach 74)
    assert squeezed_paragraphs(wrapped) == squeezed_paragraphs(original)
    assert len(split_paragraphs(wrapped)) == 3


def test_a_greedy_fill_with_single_breaks_keeps_its_paragraph_ends():
    """Paragraphs filled greedily and set one under the other: a last line long enough to
    look balanced still ends its paragraph (a greedy fill would have put the next word
    on it), so the text is not read as ``fmt``'s."""
    import textwrap

    paragraphs = [
        "Năm nay, thành phố sẽ hoàn thành việc cải tạo hai tuyến đường chính ở trung "
        "tâm, lắp thêm đèn chiếu sáng và trồng cây xanh dọc vỉa hè cho người đi bộ.",
        "Theo kế hoạch, các công trình được thi công vào ban đêm để hạn chế ùn tắc giao "
        "thông, và người dân được thông báo trước mỗi đợt thi công ít nhất một tuần.",
        "Ý kiến người dân",
        "Nhiều người dân cho biết họ ủng hộ kế hoạch nhưng mong thành phố giữ vệ sinh "
        "và bảo đảm an toàn cho người đi đường trong thời gian thi công kéo dài.",
    ]
    wrapped = "\n".join(textwrap.fill(p, 60) for p in paragraphs) + "\n"
    assert [" ".join(p.text.split()) for p in split_paragraphs(wrapped)] == paragraphs


SCRAPED = """Hà Nội mở thêm ba tuyến xe buýt điện nối các khu đô thị mới
Thứ 2, 07/12/2026, 08:15 (GMT+7)
Từ tháng sau, ba tuyến xe buýt điện mới sẽ nối các khu đô thị phía tây với trung tâm thành phố
Mỗi tuyến có 20 xe, chạy từ 5 giờ sáng đến 22 giờ đêm với tần suất 10 phút một chuyến
Sở Giao thông vận tải cho biết giá vé không đổi so với các tuyến hiện có
Người dân có thể tra cứu lộ trình và giờ chạy trên ứng dụng của thành phố
"""


def test_scraped_lines_are_not_joined():
    """A scraped article, one paragraph a line with no final period, lines of wrap-like
    lengths: the capital letters after every break, the byline and the short lines say
    it is no wrap, in characters and in bytes."""
    assert len(split_paragraphs(SCRAPED)) == len(SCRAPED.splitlines())


# --- what the user sees ----------------------------------------------------------------------


@pytest.mark.parametrize("wrapper", ["fmt", "fold"])
def test_wrapped_sample_summary_is_the_originals(wrapper, fake_encoder):
    from summarize import summarize

    original = spaced(read("thua-thien-hue"))
    wrapped = fmt(original) if wrapper == "fmt" else fold_s(original, 72)
    want = summarize(original, sentences=4, model=fake_encoder)
    got = summarize(wrapped, sentences=4, model=fake_encoder)
    assert [" ".join(s.text.split()) for s in got.sentences] == [s.text for s in want.sentences]
    assert all(wrapped[s.start : s.end] == s.text for s in got.sentences)


REPEATED = (
    "Ban Thường vụ Tỉnh ủy đã ban hành kế hoạch thực hiện chuyên đề năm 2024 với nhiều nội "
    "dung thiết thực, gắn với nhiệm vụ chính trị của từng cơ quan, đơn vị trong tỉnh."
)
DEDUP_TEXT = (
    "Tỉnh ủy tổng kết việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh\n\n"
    "Sáng nay, Tỉnh ủy tổ chức hội nghị tổng kết năm năm thực hiện chỉ thị của Bộ Chính "
    f"trị về việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. {REPEATED} "
    "Các cấp ủy đã chú trọng xây dựng những mô hình điển hình ở cơ sở.\n\n"
    "Phát biểu tại hội nghị, đồng chí Bí thư Tỉnh ủy ghi nhận những kết quả đã đạt được "
    f"trong năm năm qua. {REPEATED} Đồng chí đề nghị các cấp ủy tiếp tục nhân rộng các mô "
    "hình hay, cách làm sáng tạo trong thời gian tới.\n"
)


@pytest.mark.parametrize("wrapper", ["fmt", "fold"])
def test_dedup_of_a_wrapped_text_removes_whole_sentences(wrapper):
    """The repeated sentence, wrapped over three lines, is removed whole, as in the
    unwrapped text; no line is cut out of the sentences around it."""
    wrapped = fmt(DEDUP_TEXT) if wrapper == "fmt" else fold_s(DEDUP_TEXT, 72)
    want = deduplicate(DEDUP_TEXT, semantic=False)
    got = deduplicate(wrapped, semantic=False)
    assert [(r.level, r.text) for r in want.removed] == [("sentence", REPEATED)]
    assert [(r.level, " ".join(r.text.split())) for r in got.removed] == [("sentence", REPEATED)]
    assert reconstruct(got.text, got.removed) == wrapped
    assert " ".join(got.text.split()) == " ".join(want.text.split())


CREDITED = (
    "Theo báo cáo thường niên về môi trường kinh doanh, thủ tục của Việt Nam chưa có nhiều "
    "cải thiện trong năm qua, nhất là thủ tục nộp thuế và đăng ký tài sản. Ảnh minh họa: "
    "Nguyễn Văn An Tương tự những năm trước, đánh giá đưa ra dựa trên mười hạng mục, từ "
    "thành lập doanh nghiệp đến xử lý doanh nghiệp mất khả năng thanh toán. Đồ họa: Minh "
    "Châu Báo cáo cũng ghi nhận nhiều tiến bộ trong việc tiếp cận điện năng của các doanh "
    "nghiệp nhỏ và vừa ở những tỉnh miền núi phía bắc."
)


@pytest.mark.parametrize("width", range(60, 81))
def test_a_wrap_inside_a_photo_credit_leaves_the_sentences(width):
    """Wherever the wrap falls ("Ảnh minh\\nhọa:", "Đồ \\nhọa:" after ``fold``, "Minh\\nChâu"),
    the credit ends where it ends on one line."""
    want = squeezed_sentences(CREDITED)
    assert any(s.startswith("Ảnhminhhọa:NguyễnVănAn") for s in want)
    for wrapped in (fmt(CREDITED, width), fold_s(CREDITED, width)):
        assert squeezed_sentences(wrapped) == want
