"""Duplicate-removal reports as a whole: the shared cases cover every kind of mark, and
``render_dedup_report`` picks the format by name. Each format has its own test module
(``test_report_json``, ``_csv``, ``_markdown``, ``_html``, ``_terminal``)."""

from __future__ import annotations

import pytest
from report_cases import RESULTS

import summarize.report
from summarize.report import FORMATS, render_dedup_report


def test_samples_exercise_every_kind_of_mark() -> None:
    """The format tests only mean something if the inputs contain these situations."""
    removed = [r for _, _, res in RESULTS for r in res.removed]
    assert {r.level for r in removed} >= {"paragraph", "sentence", "phrase"}
    assert {r.reason for r in removed} == {"duplicate", "boilerplate"}
    assert any(res.conflicts for _, _, res in RESULTS)
    hostile = dict((n, r) for n, _, r in RESULTS)["hostile"]
    # A phrase cut from a line that is labelled boilerplate but kept: overlapping marks.
    boiler = hostile.boilerplate
    assert any(
        r.level == "phrase" and any(b.start <= r.start and r.end <= b.end for b in boiler)
        for r in hostile.removed
    )


def test_formats_by_name() -> None:
    result = RESULTS[0][2]
    for fmt in FORMATS:
        assert render_dedup_report(result, fmt.upper()) == render_dedup_report(result, fmt)
    assert render_dedup_report(result, "md") == render_dedup_report(result, "markdown")
    with pytest.raises(ValueError, match="unknown report format 'pdf'; choose one of json, csv"):
        render_dedup_report(result, "pdf")


def test_public_names_come_from_the_package() -> None:
    """Callers import from ``summarize.report``; the module layout may change."""
    for name in summarize.report.__all__:
        assert getattr(summarize.report, name) is not None
    assert {"render_dedup_report", "show_dedup", "removed_from_json", "render_summary"} <= set(
        summarize.report.__all__
    )
