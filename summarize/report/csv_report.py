"""The CSV report: one row per removal, for spreadsheets (no cut spans: use JSON to
reconstruct)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from .common import blank
from .escape import csv_cell

if TYPE_CHECKING:
    from ..dedup.document import DedupResult

CSV_COLUMNS = (
    "cluster", "level", "index", "start", "end", "reason", "signal", "score",
    "kept_index", "kept_start", "kept_end", "text", "kept_text", "kept_adds",
)  # fmt: skip


def render_csv(result: DedupResult) -> str:
    """Every removal as a row; text cells go through :func:`.escape.csv_cell`, so a line
    starting with "=" or "-" stays text in a spreadsheet (it starts with an apostrophe)."""
    text = result.document.text
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for r in result.removed:
        kept_text = ""
        if r.kept_start is not None and r.kept_end is not None:
            kept_text = text[r.kept_start : r.kept_end]
        row = [
            r.cluster or "", r.level, r.index, r.start, r.end, r.reason, r.signal,
            f"{r.score:.4f}", blank(r.kept_index), blank(r.kept_start), blank(r.kept_end),
            r.text, kept_text, "; ".join(r.kept_adds),
        ]  # fmt: skip
        writer.writerow([csv_cell(cell) for cell in row])
    return buf.getvalue()
