"""Several inputs, one summary each: `summarize a.txt b.txt`, `summarize news.jsonl`.

Inputs are read the way the digest reads them (:mod:`summarize.digest.inputs`: files,
folders, the records of a JSONL file, each with an id), and each is summarised on its own
by one :class:`~summarize.pipeline.Summarizer`. A record that fails is reported and the
others go on. A JSONL file is always a list of records, never one article: its raw JSON
is never summarised as text.

Output: text and Markdown get a header per input (``==> name <==`` as ``head`` and
``tail`` print it, a Markdown heading); JSON is one record per line (JSONL), a failed
input included (with its ``error``), so line *n* always belongs to input *n*.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .digest.inputs import JSONL_SUFFIXES, STDIN, Record, Source, iter_records, resolve_inputs
from .errors import ConfigError, SummarizeError
from .pipeline import Summarizer
from .report import render_summary, summary_to_json, to_json_line
from .report.common import SCHEMA_VERSION
from .results import Summary
from .text.prepare import prepare


@dataclass
class Item:
    """One input's outcome: its summary, or why it has none."""

    record: Record
    summary: Summary | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        """How headers and messages call it: the path, or ``path:line (id)`` for a record."""
        rec = self.record
        if rec.id != rec.source:
            return f"{rec.source} ({rec.id})"
        return rec.source


def is_batch(inputs: Sequence[str]) -> bool:
    """More than one input, a folder or a JSONL file: one summary per record."""
    return len(inputs) > 1 or any(
        i != STDIN and (Path(i).is_dir() or Path(i).suffix.lower() in JSONL_SUFFIXES)
        for i in inputs
    )


def looks_like_jsonl(text: str) -> bool:
    """Two or more lines, the first a JSON object: records, not an article (stdin)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except ValueError:
        return False


@contextmanager
def stdin_records(text: str) -> Iterator[list[Source]]:
    """JSONL read from stdin as a source of records (kept in a temporary file)."""
    with tempfile.TemporaryDirectory(prefix="summarize-stdin-") as folder:
        spool = Path(folder) / "stdin.jsonl"
        spool.write_text(text, encoding="utf-8")
        yield [Source(spool, "<stdin>", True)]


def count_records(sources: Sequence[Source]) -> int:
    """How many records the sources hold (non-blank lines of JSONL files), for progress."""
    total = 0
    for src in sources:
        if not src.jsonl:
            total += 1
            continue
        try:
            with open(src.path, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            total += 1  # read later, and reported as that record's error
    return total


def summarize_sources(
    sources: Sequence[Source], summarizer: Summarizer, *, advance=lambda n=1: None
) -> Iterator[Item]:
    """Each record's summary, in input order; errors a user can cause are recorded."""
    for rec in iter_records(sources):
        item = Item(rec)
        if rec.error is not None:
            item.error = rec.error
        else:
            try:
                doc = prepare(
                    rec.text or "", title=rec.title, doc_id=rec.id, encoding=rec.encoding,
                    source=rec.source,
                )  # fmt: skip
                item.summary = summarizer.summarize(doc)
            except SummarizeError as exc:
                item.error = str(exc)
        advance(1)
        yield item


def sources_of(inputs: Sequence[str], **reading) -> list[Source]:
    """The sources of several inputs (``reading``: options of ``resolve_inputs``)."""
    if STDIN in inputs:
        raise ConfigError("- (standard input) must be the only input")  # usage, exit 2
    return resolve_inputs(inputs, **reading)


def render_item(item: Item, fmt: str, first: bool) -> str:
    """One input's block of the output: header and summary, or its JSONL line."""
    if fmt == "json":
        if item.summary is not None:
            return to_json_line(summary_to_json(item.summary))
        rec = item.record
        return to_json_line(
            {
                "schema_version": SCHEMA_VERSION, "kind": "summary", "id": rec.id,
                "title": rec.title, "source": rec.source, "error": item.error,
            }
        )  # fmt: skip
    gap = "" if first else "\n"
    if fmt == "markdown":
        head = f"{gap}# {_md_line(item.name)}\n\n"
        if item.summary is None:
            return f"{head}_error: {_md_line(item.error or '')}_\n"
        body = render_summary(item.summary, "markdown")
        return head + ("#" + body if body.startswith("# ") else body)  # its title one level down
    head = f"{gap}==> {item.name} <==\n"
    if item.summary is None:
        return f"{head}error: {item.error}\n"
    return head + render_summary(item.summary, "text")


def _md_line(text: str) -> str:
    from .report import md_escape

    return md_escape(" ".join(text.split()))
