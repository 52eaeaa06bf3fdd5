"""Render a Summary as text, Markdown or JSON. Rendering never computes."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..results import Summary

SUMMARY_SCHEMA = "summarize.summary/1"


def render_summary(summary: Summary, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(summary_record(summary), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        head = f"# {summary.title}\n\n" if summary.title else ""
        body = "\n".join(f"- {s.text}" for s in summary.sentences)
        return f"{head}{body}\n"
    head = f"{summary.title}\n\n" if summary.title else ""
    return head + "\n".join(s.text for s in summary.sentences) + "\n"


def summary_record(summary: Summary) -> dict:
    """The JSON form; field names match the Python API's attribute names."""
    doc = summary.document
    return {
        "schema": SUMMARY_SCHEMA,
        "source": doc.source,
        "encoding": doc.encoding,
        "title": summary.title,
        "method": summary.method,
        "query": summary.query,
        "model": summary.model,
        "budget": summary.budget,
        "sentences": [asdict(s) for s in summary.sentences],
        "excluded": [asdict(e) for e in summary.excluded],
        "duplicates_removed": [
            {k: v for k, v in asdict(r).items() if not k.startswith("cut_")}
            for r in summary.duplicates.removed
        ],
    }
