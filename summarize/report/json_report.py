"""The JSON report (schema ``summarize.dedup/1``), the reference every other format views.

Its fields are documented in ``docs/report-schema.md``; with the cleaned text it gives
back the original exactly, which is why ``removed_from_json`` lives here too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from .common import DEDUP_SCHEMA, Cluster, clusters, counts, cut_boilerplate, unit_span

if TYPE_CHECKING:
    from ..dedup.document import ConflictingVariant, DedupResult, Removed


def render_json(result: DedupResult) -> str:
    return json.dumps(dedup_record(result), ensure_ascii=False, indent=2) + "\n"


def dedup_record(result: DedupResult) -> dict[str, Any]:
    """The JSON form as a plain dict, for callers that embed it in their own JSON."""
    doc = result.document
    found = clusters(result)
    cut = cut_boilerplate(result)
    return {
        "schema": DEDUP_SCHEMA,
        "source": doc.source,
        "encoding": doc.encoding,
        "id": doc.id or None,
        "title": doc.title,
        "original_sha256": _sha256(doc.text),
        "cleaned_sha256": _sha256(result.text),
        "counts": counts(result, found),
        "removed": [asdict(r) for r in result.removed],
        "clusters": [_cluster_record(c) for c in found],
        "boilerplate": [
            {**asdict(b), "removed": (b.start, b.end) in cut} for b in result.boilerplate
        ],
        "conflicts": [_conflict_record(result, c) for c in result.conflicts],
    }


def _cluster_record(c: Cluster) -> dict[str, Any]:
    kept = {"index": c.kept_index, "start": c.kept_start, "end": c.kept_end, "text": c.kept_text}
    members = [
        {
            "index": r.index,
            "start": r.start,
            "end": r.end,
            "text": r.text,
            "signal": r.signal,
            "score": r.score,
        }
        for _, r in c.members
    ]
    return {"id": c.id, "level": c.level, "kept": kept, "members": members}


def _conflict_record(result: DedupResult, c: ConflictingVariant) -> dict[str, Any]:
    span = unit_span(result, c.level, c.index, c.text)
    other = unit_span(result, c.level, c.other, c.other_text)
    return {
        "level": c.level,
        "index": c.index,
        "start": span[0] if span else None,
        "end": span[1] if span else None,
        "text": c.text,
        "other": c.other,
        "other_start": other[0] if other else None,
        "other_end": other[1] if other else None,
        "other_text": c.other_text,
        "signal": c.signal,
        "score": c.score,
        "differences": list(c.differences),
    }


def removed_from_json(record: Mapping[str, Any] | str | bytes) -> list[Removed]:
    """The ``Removed`` items of a JSON report (parsed or not), ready for ``reconstruct``.

    ``reconstruct(cleaned_text, removed_from_json(report))`` is the original text.
    """
    from ..dedup.document import Removed

    if isinstance(record, str | bytes):
        record = json.loads(record)
    if not isinstance(record, Mapping):
        raise ValueError("not a dedup report: expected a JSON object")
    schema = record.get("schema")
    if not isinstance(schema, str) or not schema.startswith("summarize.dedup/"):
        raise ValueError(f"not a dedup report (schema {schema!r})")
    if schema != DEDUP_SCHEMA:
        raise ValueError(f"unsupported report schema {schema!r}; this version reads {DEDUP_SCHEMA}")
    names = {f.name for f in fields(Removed)}
    return [Removed(**{k: v for k, v in item.items() if k in names}) for item in record["removed"]]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
