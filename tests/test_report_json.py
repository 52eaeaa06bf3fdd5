"""The JSON dedup report: with the cleaned text it gives back the original exactly."""

from __future__ import annotations

import hashlib
import json

import pytest
from report_cases import HOSTILE, RESULTS, dedup, each_result

from summarize.dedup.document import DedupResult, reconstruct
from summarize.report import SCHEMA_VERSION, removed_from_json, render_dedup_report


@each_result
def test_json_round_trip_gives_back_the_original(
    name: str, original: str, result: DedupResult
) -> None:
    report = render_dedup_report(result, "json")
    record = json.loads(report)
    assert (record["schema_version"], record["kind"]) == (SCHEMA_VERSION, "dedup")
    assert reconstruct(result.text, removed_from_json(record)) == original
    assert reconstruct(result.text, removed_from_json(report)) == original  # str works too
    assert removed_from_json(record) == result.removed
    assert record["original_sha256"] == hashlib.sha256(original.encode()).hexdigest()
    assert record["cleaned_sha256"] == hashlib.sha256(result.text.encode()).hexdigest()

    counts = record["counts"]
    assert counts["removed"] == len(result.removed) == len(record["removed"])
    assert counts["original_chars"] - counts["removed_chars"] == counts["cleaned_chars"]
    assert sum(counts["removed_by_level"].values()) == counts["removed"]
    for item in record["removed"]:
        assert original[item["start"] : item["end"]] == item["text"]
        assert original[item["cut_start"] : item["cut_end"]] == item["cut_text"]
    dups = [r for r in result.removed if r.reason == "duplicate"]
    assert sum(len(c["members"]) for c in record["clusters"]) == len(dups)
    for cluster in record["clusters"]:
        kept = cluster["kept"]
        assert original[kept["start"] : kept["end"]] == kept["text"]
        for m in cluster["members"]:
            assert original[m["start"] : m["end"]] == m["text"]
            assert m["signal"] in {"exact", "near-exact", "contained", "semantic"}
    assert len(record["boilerplate"]) == len(result.boilerplate)
    for b in record["boilerplate"]:
        assert original[b["start"] : b["end"]] == b["text"]
        assert b["removed"] == name.endswith("-drop")
    for c in record["conflicts"]:
        assert original[c["start"] : c["end"]] == c["text"]
        assert original[c["other_start"] : c["other_end"]] == c["other_text"]
        assert c["differences"]


def test_json_conflicts_and_clusters_of_the_hostile_document() -> None:
    record = json.loads(render_dedup_report(dedup(HOSTILE, False), "json"))
    levels = {c["level"]: c for c in record["clusters"]}
    assert set(levels) == {"sentence", "phrase"}
    sentence = levels["sentence"]
    assert sentence["kept"]["text"].startswith("Công ty A&B <tuyên bố>")
    assert [m["signal"] for m in sentence["members"]] == ["exact"]
    diffs = {d for c in record["conflicts"] for d in c["differences"]}
    assert "number 200" in diffs


def test_removed_from_json_rejects_other_documents() -> None:
    with pytest.raises(ValueError, match="not a dedup report"):
        removed_from_json({"schema": "summarize.summary/1", "removed": []})
    with pytest.raises(ValueError, match="not a dedup report"):
        removed_from_json({"schema_version": SCHEMA_VERSION, "kind": "summary", "removed": []})
    with pytest.raises(ValueError, match="unsupported"):
        removed_from_json({"schema": "summarize.dedup/99", "removed": []})
    with pytest.raises(ValueError, match="unsupported"):
        removed_from_json({"schema_version": 99, "kind": "dedup", "removed": []})
    with pytest.raises(ValueError, match="unknown report format"):
        render_dedup_report(RESULTS[0][2], "pdf")
