"""The JSON records of every result, in one vocabulary (``docs/schema.md``).

Every record a user or program reads (``summarize -f json``, the dedup ``--report``,
the digest's JSONL, the HTTP API) carries ``schema_version`` and ``kind`` and names
the same things the same way: ``sentences`` are the picks, ``removed`` the cuts of
duplicate removal, ``excluded`` the sentences that could not be picked and why,
``counts`` the sizes. ``summary_to_json``, ``dedup_to_json`` and ``article_fields``
build them; the dedup report with the cleaned text gives back the original exactly,
which is why ``removed_from_json`` lives here too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from .common import (
    SCHEMA_VERSION,
    Cluster,
    clusters,
    counts,
    cut_boilerplate,
    unit_span,
)

if TYPE_CHECKING:
    from ..dedup.document import ConflictingVariant, DedupResult, Removed
    from ..results import Summary

LEGACY_DEDUP_SCHEMA = "summarize.dedup/1"  # what version 1 reports said instead

# What a removal is called everywhere; the dedup report adds the cut spans
# (cut_start, cut_end, cut_text) that reconstruction needs.
REMOVED_FIELDS = (
    "level", "index", "start", "end", "text", "reason", "signal", "score", "cluster",
    "kept_index", "kept_start", "kept_end",
)  # fmt: skip


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """The ``summary`` record of one article, as a plain dict (``kind: "summary"``)."""
    doc = summary.document
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "summary",
        **article_fields(
            doc_id=doc.id or None,
            title=summary.title,
            source=doc.source,
            sentences=[asdict(s) for s in summary.sentences],
            excluded=[excluded_to_json(e) for e in summary.excluded],
            removed=[removed_to_json(r) for r in summary.duplicates.removed],
            paragraphs=len(doc.paragraphs),
            total=len(doc.sentences),
        ),
        "encoding": doc.encoding,
        "method": summary.method,
        "query": summary.query,
        "query_matched": summary.query_matched,
        "query_margin": summary.query_margin,
        "model": summary.model,
        "budget": summary.budget,
        "error": None,  # a batch (`summarize a.txt b.txt -f json`) names a failed input's
    }


def article_fields(
    *,
    doc_id: str | None,
    title: str | None,
    source: str | None,
    sentences: list[dict[str, Any]],
    excluded: list[dict[str, Any]],
    removed: list[dict[str, Any]],
    paragraphs: int,
    total: int,
) -> dict[str, Any]:
    """The fields every per-article record shares (a summary, a digest article), in order."""
    return {
        "id": doc_id,
        "title": title,
        "source": source,
        "sentences": sentences,
        "excluded": excluded,
        "removed": removed,
        "counts": {
            "paragraphs": paragraphs,
            "sentences": total,
            "selected": len(sentences),
            "excluded": len(excluded),
            "removed": len(removed),
        },
    }


def removed_to_json(r: Removed | Any) -> dict[str, Any]:
    """One removal (a ``Removed`` or an object with the same fields) without its cut span."""
    return {name: getattr(r, name, None) for name in REMOVED_FIELDS}


def excluded_to_json(e: Any) -> dict[str, Any]:
    """A sentence that could not be picked: where, what, and why (``reason``, ``detail``)."""
    return {
        "index": e.index, "start": e.start, "end": e.end, "text": e.text,
        "reason": str(e.reason), "detail": e.detail,
    }  # fmt: skip


def to_json_line(record: Mapping[str, Any]) -> str:
    """One record as one line of JSONL (UTF-8 text as it is, no indentation)."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def render_json(result: DedupResult) -> str:
    return json.dumps(dedup_to_json(result), ensure_ascii=False, indent=2) + "\n"


def dedup_to_json(result: DedupResult) -> dict[str, Any]:
    """The dedup report as a plain dict (``kind: "dedup"``), for callers that embed it."""
    doc = result.document
    found = clusters(result)
    cut = cut_boilerplate(result)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "dedup",
        "source": doc.source,
        "encoding": doc.encoding,
        "id": doc.id or None,
        "title": doc.title,
        "original_sha256": _sha256(doc.text),
        "cleaned_sha256": _sha256(result.text),
        "counts": counts(result, found),
        "removed": [_removed_record(r) for r in result.removed],
        "clusters": [_cluster_record(c) for c in found],
        "boilerplate": [
            {**asdict(b), "removed": (b.start, b.end) in cut} for b in result.boilerplate
        ],
        "conflicts": [_conflict_record(result, c) for c in result.conflicts],
    }


def _removed_record(r: Removed) -> dict[str, Any]:
    """A removal with its cut span; ``kept_adds`` only when a fuller wording met after it was
    kept (``DedupConfig.keep_fuller``): the values it states that this one lacks."""
    record = asdict(r)
    if not record["kept_adds"]:
        del record["kept_adds"]
    return record


def _cluster_record(c: Cluster) -> dict[str, Any]:
    kept = {"index": c.kept_index, "start": c.kept_start, "end": c.kept_end, "text": c.kept_text}
    if c.kept_removed_by:
        kept["removed_by"] = list(c.kept_removed_by)
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
    if "schema_version" in record:
        if record.get("kind") != "dedup":
            raise ValueError(f"not a dedup report (kind {record.get('kind')!r})")
        if record["schema_version"] != SCHEMA_VERSION:
            raise ValueError(
                f"unsupported report schema_version {record['schema_version']!r}; "
                f"this version reads {SCHEMA_VERSION}"
            )
    else:  # version 1 reports named themselves with a string; their removals read the same
        schema = record.get("schema")
        if not isinstance(schema, str) or not schema.startswith("summarize.dedup/"):
            raise ValueError(f"not a dedup report (schema {schema!r})")
        if schema != LEGACY_DEDUP_SCHEMA:
            raise ValueError(
                f"unsupported report schema {schema!r}; this version reads "
                f"schema_version {SCHEMA_VERSION} and {LEGACY_DEDUP_SCHEMA}"
            )
    names = {f.name for f in fields(Removed)}
    return [
        Removed(
            **{k: tuple(v or ()) if k == "kept_adds" else v for k, v in item.items() if k in names}
        )
        for item in record["removed"]
    ]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The name of version 0.1, kept for its callers.
dedup_record = dedup_to_json
