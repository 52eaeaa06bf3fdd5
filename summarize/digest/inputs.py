"""Stream the records of a digest from files, folders, JSONL files and stdin.

Records are produced one at a time so a 100,000-document input is never held in
memory. A record that cannot be read carries an ``error`` instead of text: the run
reports it and goes on.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, SummarizeError
from ..io.readers import decode_bytes, read_text

STDIN = "-"
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Fields:
    """Names of the JSONL fields that hold the id, text, title and (optional) site."""

    id: str = "id"
    text: str = "text"
    title: str = "title"
    site: str | None = None  # e.g. "domain": lets boilerplate learning require 2+ sites


@dataclass(frozen=True)
class Source:
    """One file to read: a JSONL file of records or a single document."""

    path: Path
    name: str  # as shown to the user ("<stdin>" for a spooled stdin)
    jsonl: bool


@dataclass
class Record:
    """One input document, or the reason it could not be read."""

    ordinal: int  # position in the input stream, from 0
    id: str  # unique within the run
    source: str  # "path" or "path:line"
    text: str | None = None
    title: str | None = None
    site: str | None = None
    encoding: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # other JSONL fields, passed through
    error: str | None = None


def resolve_inputs(
    inputs: Sequence[str], *, glob: str = "*", stdin_spool: Path | None = None
) -> list[Source]:
    """Expand folders (recursively, files matching ``glob``) in a stable order.

    A path that does not exist is the user's mistake and stops the run at once;
    a file that exists but cannot be read becomes a failed record later.
    """
    if not inputs:
        raise InputError("give at least one input: a file, a folder, a JSONL file or -")
    out: list[Source] = []
    for item in inputs:
        if item == STDIN:
            if stdin_spool is None:
                raise InputError("-: standard input needs a spool file")
            out.append(Source(stdin_spool, "<stdin>", True))
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob(glob) if p.is_file() and not _hidden(p.relative_to(path))
            )
            out.extend(Source(p, str(p), _is_jsonl(p)) for p in files)
        elif path.exists():
            out.append(Source(path, item, _is_jsonl(path)))
        else:
            raise InputError(f"{item}: no such file or folder")
    return out


def spool_stdin(target: Path) -> Path:
    """Copy stdin to ``target`` (atomically) so it can be read more than once."""
    if sys.stdin is None:
        raise InputError("-: no standard input is attached")
    tmp = target.with_name(target.name + ".part")
    stream = getattr(sys.stdin, "buffer", None)
    with open(tmp, "wb") as out:
        if stream is not None:
            shutil.copyfileobj(stream, out)
        else:  # already text (a StringIO in tests)
            out.write(sys.stdin.read().encode("utf-8"))
    os.replace(tmp, target)
    return target


def iter_records(
    sources: Sequence[Source], *, fields: Fields = Fields(), limit: int | None = None
) -> Iterator[Record]:
    """Every record of every source, with ids made unique (``id#2`` for a repeat).

    The same input always yields the same ids in the same order, which is what
    ``--resume`` relies on to do every document exactly once.
    """
    seen: set[str] = set()
    ordinal = 0
    for src in sources:
        for rec in _jsonl_records(src, fields) if src.jsonl else [_file_record(src)]:
            if limit is not None and ordinal >= limit:
                return
            rec.ordinal = ordinal
            rec.id = _unique(rec.id, seen)
            ordinal += 1
            yield rec


def _unique(record_id: str, seen: set[str]) -> str:
    out, n = record_id, 1
    while out in seen:
        n += 1
        out = f"{record_id}#{n}"
    seen.add(out)
    return out


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES


def _file_record(src: Source) -> Record:
    rec = Record(0, src.name, src.name)
    try:
        raw = read_text(src.path)
    except SummarizeError as exc:
        rec.error = str(exc)
        return rec
    rec.text, rec.title, rec.encoding = raw.text, raw.title, raw.encoding
    if raw.id is not None:
        rec.id = raw.id
    return rec


def _jsonl_records(src: Source, fields: Fields) -> Iterator[Record]:
    try:
        handle = open(src.path, "rb")
    except OSError as exc:
        yield Record(0, src.name, src.name, error=_os_error(src, exc))
        return
    with handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{src.name}:{line_no}"
            rec = Record(0, where, where)
            try:
                data = _parse_line(line, where, fields)
            except SummarizeError as exc:
                rec.error = str(exc)
                _salvage_id(rec, line, fields)
                yield rec
                continue
            rec.id = _id(data, fields) or where
            rec.text, rec.title = data[fields.text], _title(data, fields)
            rec.site = _site(data, fields)
            rec.encoding = "utf-8"
            rec.fields = {
                k: v for k, v in data.items() if k not in (fields.id, fields.text, fields.title)
            }
            yield rec


def _parse_line(line: bytes, where: str, fields: Fields) -> dict[str, Any]:
    """One JSON object with a non-empty string in the text field."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        text, _ = decode_bytes(line, name=where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON at column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(data).__name__}")
    body = data.get(fields.text)
    if not isinstance(body, str):
        raise InputError(f'{where}: no "{fields.text}" field holding a string')
    if not body.strip():
        raise InputError(f'{where}: the "{fields.text}" field is empty')
    return data


def _salvage_id(rec: Record, line: bytes, fields: Fields) -> None:
    """A record with empty text still has its own id, so the user can find it."""
    try:
        data = json.loads(line)
    except ValueError:
        return
    if isinstance(data, dict):
        rec.id = _id(data, fields) or rec.id
        rec.title = _title(data, fields)


def _id(data: dict[str, Any], fields: Fields) -> str | None:
    value = data.get(fields.id)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def _title(data: dict[str, Any], fields: Fields) -> str | None:
    value = data.get(fields.title)
    return value.strip() or None if isinstance(value, str) else None


def _site(data: dict[str, Any], fields: Fields) -> str | None:
    if fields.site is None:
        return None
    value = data.get(fields.site)
    return str(value) if value not in (None, "") else None


def _os_error(src: Source, exc: OSError) -> str:
    return f"{src.name}: cannot read the file ({exc.strerror or exc})"
