"""The Markdown dedup report: every removal listed, document text always literal."""

from __future__ import annotations

import re

from report_cases import each_result

from summarize.dedup.document import DedupResult, Removed, reconstruct
from summarize.report import md_escape, render_dedup_report
from summarize.types import Document, Paragraph


@each_result
def test_markdown_lists_every_removal(name: str, original: str, result: DedupResult) -> None:
    report = render_dedup_report(result, "markdown")
    assert report.startswith("# Duplicate report")
    assert f"| items removed | {len(result.removed)} |" in report
    for r in result.removed:
        if r.reason == "duplicate":
            assert md_escape(r.text) in report
            assert f"`{r.cluster}`" in report
            assert md_escape(original[r.kept_start : r.kept_end]) in report
        else:
            assert md_escape(r.text, newline=" ") in report
    for b in result.boilerplate:
        assert f"**{md_escape(b.label)}**" in report
    for c in result.conflicts:
        assert f"**{c.level} {c.index} vs {c.other}**" in report


def test_markdown_table_cells_are_escaped() -> None:
    block = "A | B\nsecond line"  # one item spanning a line break (a caption block)
    text = f"{block}\n{block}\n"
    n = len(block)
    doc = Document(
        text, paragraphs=[Paragraph(0, 0, n, block), Paragraph(1, n + 1, 2 * n + 1, block)]
    )
    removed = Removed(
        "paragraph", 1, n + 1, 2 * n + 1, block, "duplicate", "exact", 1.0, "p-x", 0, 0, n,
        n + 1, 2 * n + 2, text[n + 1 :],
    )  # fmt: skip
    result = DedupResult(doc, text[: n + 1], [removed])
    assert reconstruct(result.text, [removed]) == text
    report = render_dedup_report(result, "markdown")
    rows = [line for line in report.splitlines() if line.startswith(("| kept", "| removed"))]
    assert len(rows) == 2
    for row in rows:
        assert "A \\| B<br>second line" in row
        # Every cell border is an unescaped pipe: 7 of them for 6 columns.
        assert len(re.findall(r"(?<!\\)\|", row)) == 7
