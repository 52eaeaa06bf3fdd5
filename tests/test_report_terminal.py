"""The terminal view of a dedup result (rich): a table, a few lines, never markup."""

from __future__ import annotations

import io

from report_cases import HOSTILE, dedup
from rich.console import Console

from summarize.dedup.document import ConflictingVariant, DedupResult, Labelled, Removed
from summarize.report import show_dedup
from summarize.types import Document, Paragraph


def _console(width: int = 100) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, force_terminal=False, color_system=None), out


def test_show_dedup_table() -> None:
    result = dedup(HOSTILE, True)
    console, out = _console()
    show_dedup(result, console)
    text = out.getvalue()
    for r in result.removed:
        assert r.level in text and r.signal in text
        if r.cluster:
            assert r.cluster in text
    cut = len(HOSTILE) - len(result.text)
    assert f"removed 1 sentence, 3 boilerplate lines: {cut} of {len(HOSTILE)} characters" in text
    labels = ", ".join(f"{b.label} ×1" for b in result.boilerplate)
    assert f"boilerplate lines (removed): {labels}" in text
    assert "conflict, both kept" in text and "number 200" in text


def test_show_dedup_never_reads_document_text_as_markup() -> None:
    text = "[bold red]Cảnh báo[/bold red] hôm nay.\n[bold red]Cảnh báo[/bold red] hôm nay.\n"
    doc = Document(text, paragraphs=[Paragraph(0, 0, 37, text[0:37])])
    r = Removed(
        "paragraph", 1, 38, 75, text[38:75], "duplicate", "exact", 1.0, "p-1", 0, 0, 37,
        38, 76, text[38:76],
    )  # fmt: skip
    console, out = _console(120)
    show_dedup(DedupResult(doc, text[:38], [r]), console)
    assert "[bold red]Cảnh báo[/bold red]" in out.getvalue()


def test_show_dedup_one_line_when_nothing_removed() -> None:
    text = "Một câu.\n"
    doc = Document(text, paragraphs=[Paragraph(0, 0, 8, "Một câu.")])
    console, out = _console()
    show_dedup(DedupResult(doc, text), console)
    assert out.getvalue().count("\n") == 1
    assert "nothing removed" in out.getvalue()
    # With labelled lines and conflicts, still one line.
    lab = Labelled(0, 0, 8, "Một câu.", "byline")
    conflict = ConflictingVariant("sentence", 0, 0, "a", "b", "near-exact", 0.9, ("number 1",))
    console, out = _console()
    show_dedup(DedupResult(doc, text, [], [lab], [conflict]), console)
    assert out.getvalue().count("\n") == 1


def test_at_80_columns_every_column_stays_and_the_text_takes_the_rest() -> None:
    """Trial 3: a long "why" (a kept fuller wording and what it adds) took 75 columns; the
    #, score and kept columns were dropped and the text cut to "Bác…". Now the why goes
    under the text, wrapped, and the text has what the fixed columns leave."""
    from summarize import deduplicate

    stated = (
        "Tại kỳ họp, các đại biểu đã biểu quyết thông qua nghị quyết về bảng giá đất giai "
        "đoạn mới trên địa bàn tỉnh"
    )
    text = (
        "HĐND tỉnh Lâm Đồng thông qua bảng giá đất mới\n\n"
        "Sáng 12/12, kỳ họp thứ 4 HĐND tỉnh Lâm Đồng khóa IX đã bế mạc sau ba ngày làm việc.\n\n"
        f"{stated}.\n\n"
        "Nghị quyết có hiệu lực từ ngày 1/1 năm sau và thay thế bảng giá đất cũ.\n\n"
        f"{stated}: 49 thuận, 2 chống.\n"
    )
    result = deduplicate(text, semantic=False)
    [removed] = result.removed
    assert removed.kept_adds  # the long "why"
    console, out = _console(80)
    show_dedup(result, console)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if " level " in line)
    assert header.split() == ["level", "#", "why", "score", "cluster", "kept", "text"]
    row = next(line for line in lines if line.lstrip().startswith("paragraph"))
    assert row.split()[1:6] == [str(removed.index), "near-exact", f"{removed.score:.3f}",
                                removed.cluster, str(removed.kept_index)]  # fmt: skip
    shown = row.split(removed.cluster, 1)[1].split(None, 1)[1].rstrip()
    assert len(shown) >= 25 and shown.endswith("…") and stated.startswith(shown[:-1].rstrip())
    below = " ".join(" ".join(lines[lines.index(row) + 1 :]).split())
    assert "kept: the fuller wording, which adds the numbers “2” and “49”" in below


def test_a_narrow_terminal_gives_up_the_cluster_column_before_the_text() -> None:
    result = dedup(HOSTILE, True)
    console, out = _console(60)
    show_dedup(result, console)
    header = next(line for line in out.getvalue().splitlines() if " level " in line)
    assert header.split() == ["level", "#", "why", "score", "kept", "text"]
