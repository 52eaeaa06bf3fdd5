"""The CSV dedup report: one row per removal, offsets into the original."""

from __future__ import annotations

import csv
import io

import pytest
from report_cases import each_result

from summarize.dedup.document import DedupResult
from summarize.report import CSV_COLUMNS, render_dedup_report


@each_result
def test_csv_one_row_per_removal_with_exact_offsets(
    name: str, original: str, result: DedupResult
) -> None:
    report = render_dedup_report(result, "csv")
    rows = list(csv.reader(io.StringIO(report, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    records = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    assert len(records) == len(result.removed)
    for row, r in zip(records, result.removed, strict=True):
        start, end = int(row["start"]), int(row["end"])
        assert (start, end) == (r.start, r.end)
        assert row["text"] == original[start:end]
        assert row["level"] == r.level and row["reason"] == r.reason
        assert row["signal"] == r.signal and float(row["score"]) == pytest.approx(r.score)
        if r.reason == "duplicate":
            assert row["cluster"] == r.cluster
            ks, ke = int(row["kept_start"]), int(row["kept_end"])
            assert row["kept_text"] == original[ks:ke]
            assert int(row["kept_index"]) == r.kept_index
        else:
            assert row["kept_start"] == row["kept_text"] == ""
