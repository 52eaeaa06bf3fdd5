"""Stream the records of a digest from files, folders, JSONL files and stdin.

Records are produced one at a time so a 100,000-document input is never held in
memory. A record that cannot be read carries an ``error`` instead of text: the run
reports it and goes on.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import warnings
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import IO, Any

from ..errors import InputError, SummarizeError
from ..io.filetypes import of_file
from ..io.readers import (
    DEFAULT_MAX_BYTES,
    InputWarning,
    check_max_bytes,
    decode_bytes,
    decode_entities,  # a record's text and title: "Pel&#233;" is read as "Pelé", once
    file_kind,
    plain_json_error,
    read_text,
    too_large,
)

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
    max_bytes: int | None = DEFAULT_MAX_BYTES  # per record: a file, or one JSONL line


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
    # A single file not read yet (``iter_records(defer_files=True)``): whoever processes
    # the record reads it (:func:`read_deferred`), e.g. a Dask worker, not the driver.
    deferred: Source | None = None


def resolve_inputs(
    inputs: Sequence[str],
    *,
    glob: str = "*",
    stdin_spool: Path | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    follow_links: bool = False,
    exclude: Collection[Path] = (),
) -> list[Source]:
    """Expand folders (recursively, files matching ``glob``) in a stable order.

    A path that does not exist is the user's mistake and stops the run at once;
    a file that exists but cannot be read becomes a failed record later. Inside a
    folder, links that lead out of it are not followed unless ``follow_links``;
    they, dangling links, FIFOs/devices/sockets, hidden entries and the run's own
    outputs (``exclude``) are skipped, each kind said once as an :class:`InputWarning`.
    A file named explicitly is always taken, whatever it links to. A file given twice
    (``x.txt x.txt``, ``./x.txt``, a folder and a file in it) is read once, and said so:
    the same article twice is no second summary, and a digest made it a story of itself.
    Names are compared as paths, not by what they link to: a link is its own entry.
    """
    if not inputs:
        raise InputError("give at least one input: a file, a folder, a JSONL file or -")
    max_bytes = check_max_bytes(max_bytes)
    out: list[Source] = []
    skipped = Skipped()
    avoid = set()
    for p in exclude:  # by device and inode: another name for them is caught too
        try:
            avoid.add(_file_id(Path(p)))
        except OSError:
            pass  # not there (yet): it cannot be in a folder listing either
    taken: set[str] = set()  # each source's absolute path: a repeat is read once

    def take(source: Source) -> None:
        key = STDIN if source.name == "<stdin>" else os.path.abspath(source.path)
        if key in taken:
            skipped.add("repeat", source.name)
        else:
            taken.add(key)
            out.append(source)

    for item in inputs:
        if item == STDIN:
            if stdin_spool is None:
                raise InputError("-: standard input needs a spool file")
            take(Source(stdin_spool, "<stdin>", True, max_bytes))
            continue
        path = Path(item)
        if path.is_dir():
            for p in _folder_files(path, glob, follow_links, avoid, skipped):
                take(Source(p, str(p), _is_jsonl(p), max_bytes))
        elif path.exists():
            take(Source(path, item, _is_jsonl(path), max_bytes))
        else:
            raise InputError(f"{item}: no such file or folder")
    skipped.warn()
    return out


# Kinds of skipped folder entries, in the order they are reported, and a hint.
_SKIP_KINDS = {
    "outside": ("links leading out of the folder", " (follow_links=True reads them)"),
    "dangling": ("dangling links", " (their target does not exist)"),
    "special": ("entries that are not regular files", ""),
    "hidden": ("hidden files and folders", " (names starting with a dot)"),
    "unreadable": ("entries that cannot be read", ""),
    "output": ("this run's own outputs", ""),
    "repeat": ("inputs given more than once", " (each is read once)"),
    # photos, office documents, tables next to the articles (io/filetypes.py); the hint
    # counts them by kind
    "not text": ("files that are not articles", ""),
}
_NAMES_SHOWN = 5


@dataclass
class Skipped:
    """Folder entries left out of a digest, by kind; :meth:`warn` says so, one line each."""

    kinds: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)  # files not text, by their kind

    def add(self, kind: str, name: str) -> None:
        self.kinds.setdefault(kind, []).append(name)

    def add_not_text(self, name: str, group: str) -> None:
        self.add("not text", name)
        self.groups[group] = self.groups.get(group, 0) + 1

    def lines(self) -> list[str]:
        out = []
        for kind, (what, hint) in _SKIP_KINDS.items():
            names = self.kinds.get(kind, [])
            if not names:
                continue
            shown = ", ".join(names[:_NAMES_SHOWN])
            if kind == "not text":  # why: what they are ("2 images, 1 data table")
                groups = sorted(self.groups.items(), key=lambda g: (-g[1], g[0]))
                hint = " (" + ", ".join(f"{n} {g}{'s' * (n != 1)}" for g, n in groups) + ")"
            more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
            out.append(f"{what}: {len(names)} skipped{hint}: {shown}{more}")
        return out

    def warn(self) -> None:
        for line in self.lines():
            warnings.warn(line, InputWarning, stacklevel=3)


def _folder_files(
    root: Path, glob: str, follow_links: bool, avoid: set[tuple[int, int]], skipped: Skipped
) -> list[Path]:
    """Regular files under ``root`` matching ``glob`` (relative like ``Path.rglob``).

    Links are resolved before anything is read: one that leaves ``root`` is skipped
    unless ``follow_links`` (else a link to ``/etc`` or a home folder would publish
    its files), and a folder reached twice (a link loop) is walked once. One ``stat``
    per entry; nothing is opened.
    """
    top = _real(root)
    visited = {_file_id(root)}
    pattern = glob
    while pattern.startswith("**/"):  # rglob is recursive already
        pattern = pattern[3:]
    files: list[Path] = []

    def walk(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.add("unreadable", f"{folder} ({exc.strerror or exc})")
            return
        for entry in entries:
            path = Path(entry.path)
            wanted = PurePath(path.relative_to(root)).match(pattern)
            link = entry.is_symlink()
            try:
                info = os.stat(entry.path)  # follows links
            except OSError as exc:
                if link and wanted:
                    skipped.add("dangling", str(path))
                elif not link:
                    skipped.add("unreadable", f"{path} ({exc.strerror or exc})")
                continue
            is_dir = stat.S_ISDIR(info.st_mode)
            if not is_dir and not wanted:
                continue  # the user's filter, not a skip worth reporting
            if (info.st_dev, info.st_ino) in avoid:
                if not entry.name.startswith("."):
                    skipped.add("output", str(path))
                continue
            if entry.name.startswith("."):
                skipped.add("hidden", str(path))
                continue
            if link and not follow_links:
                target = _real(path)
                if not target.is_relative_to(top):
                    skipped.add("outside", f"{path} -> {target}")
                    continue
            if is_dir:
                key = (info.st_dev, info.st_ino)
                if key not in visited:
                    visited.add(key)
                    walk(path)
            elif stat.S_ISREG(info.st_mode):
                kind = of_file(path)  # a photo, a .docx, a .csv: not an article
                if kind is None:
                    files.append(path)
                else:
                    skipped.add_not_text(str(path), kind.group)
            else:
                skipped.add("special", f"{path} is {file_kind(info.st_mode)}")

    walk(root)
    return sorted(files)


def _file_id(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _real(path: Path) -> Path:
    """The absolute path with every link resolved (a loop resolves to itself)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def spool_stdin(target: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Path:
    """Copy stdin to ``target`` (atomically) so it can be read more than once.

    A line (one record) longer than ``max_bytes`` ends the copy: an endless stream
    such as ``/dev/zero`` cannot fill the disk. That record fails with the size
    limit as its error, the records before it are digested, and a warning says
    standard input was not read past it.
    """
    if sys.stdin is None:
        raise InputError("-: no standard input is attached")
    max_bytes = check_max_bytes(max_bytes)
    tmp = target.with_name(target.name + ".part")
    stream = getattr(sys.stdin, "buffer", None)
    with open(tmp, "wb") as out:
        if stream is None:  # already text (a StringIO in tests)
            stream = _BytesOf(sys.stdin)
        line_no = 0
        while True:
            line = stream.readline(-1 if max_bytes is None else max_bytes + 1)
            if not line:
                break
            line_no += 1
            out.write(line)
            if max_bytes is not None and _over(line, max_bytes):
                out.write(b"\n")
                warnings.warn(
                    f"<stdin>:{line_no}: longer than the {max_bytes:,}-byte record "
                    "limit; standard input was not read past it",
                    InputWarning,
                    stacklevel=2,
                )
                break
    os.replace(tmp, target)
    return target


class _BytesOf:
    """``readline`` in UTF-8 bytes over a text stream (a StringIO standing for stdin)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def readline(self, size: int = -1) -> bytes:
        return self._stream.readline(size).encode("utf-8")


def _over(line: bytes, max_bytes: int) -> bool:
    """A line read with ``readline(max_bytes + 1)`` that was cut: its record is too big."""
    return len(line) > max_bytes and not line.endswith(b"\n")


def iter_records(
    sources: Sequence[Source],
    *,
    fields: Fields = Fields(),
    limit: int | None = None,
    defer_files: bool = False,
) -> Iterator[Record]:
    """Every record of every source, with ids made unique (``id#2`` for a repeat).

    The same input always yields the same ids in the same order, which is what
    ``--resume`` relies on to do every document exactly once. ``defer_files``: a
    single file whose id is its name (any but ``.json``) is yielded unread, for
    :func:`read_deferred` where the record is processed.

    A renamed id never takes an id that another record of the input has: with
    ``dup``, ``dup``, ``dup#2`` the second becomes ``dup#3``, and the third keeps
    its own. The ids containing ``#`` are found first by a quick scan (only lines
    holding a ``#`` are parsed), so the same input gives the same ids every pass.
    """
    reserved = _ids_with_hash(sources, fields, limit)
    seen: set[str] = set()
    ordinal = 0
    for src in sources:
        if src.jsonl:
            records: Iterator[Record] | list[Record] = _jsonl_records(src, fields)
        elif defer_files and src.path.suffix.lower() != ".json":
            records = [Record(0, src.name, src.name, deferred=src)]
        else:
            records = [_file_record(src)]
        for rec in records:
            if limit is not None and ordinal >= limit:
                return
            rec.ordinal = ordinal
            rec.id = _unique(rec.id, seen, reserved)
            ordinal += 1
            yield rec


def _unique(record_id: str, seen: set[str], reserved: Collection[str] = ()) -> str:
    """``record_id``, or the first ``record_id#n`` that no record has or will have."""
    out, n = record_id, 1
    while out in seen or (n > 1 and out in reserved):
        n += 1
        out = f"{record_id}#{n}"
    seen.add(out)
    return out


def _ids_with_hash(sources: Sequence[Source], fields: Fields, limit: int | None) -> frozenset[str]:
    """Ids holding a ``#`` among the first ``limit`` records: the only ones a renamed
    id (``id#n``) could take."""
    found: set[str] = set()
    count = 0
    for src in sources:
        for record_id in _raw_ids(src, fields):
            if limit is not None and count >= limit:
                return frozenset(found)
            count += 1
            if record_id is not None and "#" in record_id:
                found.add(record_id)
    return frozenset(found)


def _raw_ids(src: Source, fields: Fields) -> Iterator[str | None]:
    """One entry per record of ``src``: its own id when it may hold a ``#``, else None."""
    if not src.jsonl:  # a single file: its name, or the "id" of a JSON file
        yield _file_record(src).id if src.path.suffix.lower() == ".json" else src.name
        return
    try:
        handle = _open_regular(src)
    except InputError:
        yield None
        return
    with handle:
        for _, line in _lines(handle, src.max_bytes):
            if line is None or b"#" not in line:
                yield None
                continue
            try:
                data = json.loads(line)
            except ValueError:
                yield None
                continue
            yield _id(data, fields) if isinstance(data, dict) else None


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES


def read_deferred(rec: Record) -> Record:
    """A record of :func:`iter_records` ``(defer_files=True)`` with its file read (the
    text, title and encoding, or the reason it cannot be read); others as they are."""
    if rec.deferred is None:
        return rec
    read = _file_record(rec.deferred)  # the source's own size limit
    return replace(
        rec, text=read.text, title=read.title, encoding=read.encoding, error=read.error,
        deferred=None,
    )  # fmt: skip


def _file_record(src: Source) -> Record:
    rec = Record(0, src.name, src.name)
    try:
        raw = read_text(src.path, max_bytes=src.max_bytes)
    except SummarizeError as exc:
        rec.error = str(exc)
        return rec
    rec.text, rec.title, rec.encoding = raw.text, raw.title, raw.encoding
    if raw.id is not None:
        rec.id = raw.id
    return rec


def _jsonl_records(src: Source, fields: Fields) -> Iterator[Record]:
    try:
        handle = _open_regular(src)
    except InputError as exc:
        yield Record(0, src.name, src.name, error=str(exc))
        return
    with handle:
        prose: list[Record] | None = []  # opening lines that are not JSON at all
        for line_no, line in _lines(handle, src.max_bytes):
            where = f"{src.name}:{line_no}"  # file:line, as compilers say it (and editors read)
            if line is None:  # over the size limit: that record fails, the run goes on
                assert src.max_bytes is not None
                error = too_large(where, src.max_bytes)
                yield Record(0, where, where, error=str(error))
                continue
            if not line.strip():
                continue
            rec = Record(0, where, where)
            try:
                data = _parse_line(line, where, fields)
            except SummarizeError as exc:
                rec.error = str(exc)
                _salvage_id(rec, line, fields)
                if prose is not None and not line.lstrip().startswith((b"{", b"[")):
                    prose.append(rec)
                    if len(prose) < _PROSE_LINES:
                        continue
                    # A plain article, not JSONL: one error, not one per line of it.
                    yield Record(0, src.name, src.name, error=_not_jsonl(src.name))
                    return
                yield from prose or ()
                prose = None
                yield rec
                continue
            if prose:
                yield from prose
            prose = None
            rec.id = _id(data, fields) or where
            rec.text, rec.title = decode_entities(data[fields.text]), _title(data, fields)
            rec.site = _site(data, fields)
            rec.encoding = "utf-8"
            rec.fields = _passed_through(data, fields)
            yield rec
        if prose:  # a short text with no JSON line at all
            yield Record(0, src.name, src.name, error=_not_jsonl(src.name))


_PROSE_LINES = 3  # opening lines that are no JSON at all: the input is not JSONL


def _not_jsonl(name: str) -> str:
    return (
        f"{name}: not JSONL (its first lines are not JSON objects); give one article per "
        'line as {"text": ...}, or summarise a single article with summarize FILE'
    )


def _open_regular(src: Source) -> IO[bytes]:
    """A JSONL source opened for reading, if it is a regular file (a FIFO would block)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(src.path, flags)
    except OSError as exc:
        raise InputError(_os_error(src, exc)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "a directory" if stat.S_ISDIR(mode) else file_kind(mode)
        raise InputError(f"{src.name}: is {what}, not a regular file; give a JSONL file or -")
    return os.fdopen(fd, "rb")


def _lines(handle: IO[bytes], max_bytes: int | None) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) with at most ``max_bytes`` + 1 bytes in memory per line; a
    longer line comes as None (its bytes are skipped up to the next newline)."""
    line_no = 0
    while True:
        line = handle.readline(-1 if max_bytes is None else max_bytes + 1)
        if not line:
            return
        line_no += 1
        if max_bytes is not None and _over(line, max_bytes):
            while line and not line.endswith(b"\n"):
                line = handle.readline(1 << 20)
            yield line_no, None
            continue
        yield line_no, line


def _parse_line(line: bytes, where: str, fields: Fields) -> dict[str, Any]:
    """One JSON object with a non-empty string in the text field; ``where`` names the line."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        text, _ = decode_bytes(line, name=where)
    try:
        data = json.loads(text.rstrip("\r\n"))  # a cut string is unclosed, not "control char"
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: invalid JSON at column {exc.colno}: {plain_json_error(exc)}"
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f'{where}: expected a JSON object {{...}} with a "{fields.text}" field, '
            f"got {_kind(data)}"
        )
    body = data.get(fields.text)
    if fields.text not in data:
        have = ", ".join(f'"{k}"' for k in list(data)[:8]) or "none"
        raise InputError(f'{where}: no "{fields.text}" field (the fields are: {have})')
    if not isinstance(body, str):
        raise InputError(f'{where}: the "{fields.text}" field is {_kind(body)}, not a string')
    if not body.strip():
        raise InputError(f'{where}: the "{fields.text}" field is empty')
    return data


def _kind(value: Any) -> str:
    """A JSON value's type in words."""
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    kinds = ((dict, "an object"), (list, "an array"), (str, "a string"), (int | float, "a number"))
    return next(word for kind, word in kinds if isinstance(value, kind))


def _salvage_id(rec: Record, line: bytes, fields: Fields) -> None:
    """A failed record keeps its own id, title, site and pass-through fields, so the user
    can find it and the outputs list it like the others."""
    try:
        data = json.loads(line)
    except ValueError:
        return
    if isinstance(data, dict):
        rec.id = _id(data, fields) or rec.id
        rec.title = _title(data, fields)
        rec.site = _site(data, fields)
        rec.fields = _passed_through(data, fields)


def _passed_through(data: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """The fields a record carries to the outputs as they are: all but id, text, title."""
    return {k: v for k, v in data.items() if k not in (fields.id, fields.text, fields.title)}


def _id(data: dict[str, Any], fields: Fields) -> str | None:
    value = data.get(fields.id)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def _title(data: dict[str, Any], fields: Fields) -> str | None:
    value = data.get(fields.title)
    return decode_entities(value).strip() or None if isinstance(value, str) else None


def _site(data: dict[str, Any], fields: Fields) -> str | None:
    if fields.site is None:
        return None
    value = data.get(fields.site)
    return str(value) if value not in (None, "") else None


def _os_error(src: Source, exc: OSError) -> str:
    return f"{src.name}: cannot read the file ({exc.strerror or exc})"
