"""Writing results: the old file or the new one, never half of one.

Every output of the tool (summaries, cleaned text, reports, digests, work-file
metadata) goes through :func:`atomic_output`: the data is streamed into a hidden
temporary file beside the target, fsynced, and renamed over it only once complete,
so a reader, a crash or a kill never sees a partial file.
"""

from __future__ import annotations

import io
import os
import secrets
import select
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import ConfigError, SummarizeError


@contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """A stream whose content replaces ``path`` when the block ends without error.

    The temporary file lives in the target's folder, so ``os.replace`` is a rename on
    one filesystem; a replaced file keeps its permission bits. A symlink is written
    through (its target is replaced, the link stays); a device or FIFO that already
    exists (``/dev/null``, ``/dev/stdout``) is written into directly, never replaced.
    """
    path, direct = _target(Path(path))
    if direct:
        yield from _direct_output(path, binary)
        return
    tmp: Path | None = None
    try:
        tmp, fd = _create_temp(path)
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise SummarizeError(f"{_shown(path)}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _target(path: Path) -> tuple[Path, bool]:
    """The file to replace (links followed), and whether it must be written in place."""
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = real.stat().st_mode
    except OSError:
        return real, False
    return real, not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _direct_output(path: Path, binary: bool) -> Iterator[IO]:
    """Write into an existing device or FIFO (there is no file to replace)."""
    try:
        kwargs = {} if binary else {"encoding": "utf-8", "newline": "\n"}
        with open(path, "wb" if binary else "w", **kwargs) as handle:
            yield handle
    except OSError as exc:
        raise SummarizeError(f"{_shown(path)}: cannot write ({exc.strerror or exc})") from None


ARRAY_END = "\n]\n"


def array_item(line: str, first: bool) -> str:
    """One JSONL record as an item of a JSON array written record by record: the array
    opens before the first, a comma comes between; :data:`ARRAY_END` closes it. Why: a
    ``.json`` output is one JSON value (JSONL there: json.load fails, "Extra data"), and
    the records are written as they come, never held all at once."""
    return ("[\n" if first else ",\n") + line.rstrip("\n")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (str as UTF-8) with :func:`atomic_output`."""
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with atomic_output(path, binary=True) as handle:
        handle.write(payload)


def write_all_atomic(items: Sequence[tuple[Path, str | bytes]]) -> None:
    """Write several files all or nothing: every one is complete on disk before any is
    renamed into place, so a failure (a full disk, a bad folder) leaves all old files.
    """
    staged: list[tuple[Path, Path]] = []
    path = Path()
    try:
        direct = []
        for given, data in items:
            payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            path, in_place = _target(Path(given))
            if in_place:  # a device or FIFO: written last, once every file is staged
                direct.append((path, payload))
                continue
            tmp, fd = _create_temp(path)
            staged.append((Path(path), tmp))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            _keep_mode(Path(path), tmp)
        for path, tmp in staged:
            os.replace(tmp, path)
        for folder in {p.parent for p, _ in staged}:
            _fsync_dir(folder)
        for path, payload in direct:
            with open(path, "wb") as handle:
                handle.write(payload)
    except OSError as exc:
        raise SummarizeError(f"{_shown(path)}: cannot write ({exc.strerror or exc})") from None
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)


def check_outputs(outputs: Sequence[Path], inputs: Sequence[str | Path] = ()) -> None:
    """Refuse outputs that cannot be written or would destroy an input, before any work.

    An output is refused when it is a folder, when its folder does not exist or is not
    writable, when it is the same file as an input (by device and inode, so another
    name, a hard link or a symlink to the input is caught too), and when two outputs
    are the same file.
    """
    seen: dict[tuple[int, int] | str, Path] = {}
    for out in outputs:
        out = Path(out)
        name = _shown(out)
        if out.is_dir():
            raise SummarizeError(f"{name}: is a folder; give a file name to write to")
        parent = out.parent
        if parent.exists() and not parent.is_dir():
            raise SummarizeError(f"{name}: {_shown(parent)} is a file, not a folder")
        if not parent.is_dir():
            raise SummarizeError(f"{name}: the folder {_shown(parent)} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise SummarizeError(f"{name}: cannot write in the folder {_shown(parent)} "
                                 "(permission denied)")  # fmt: skip
        for src in inputs:
            if str(src) != "-" and _same_file(out, Path(src)):
                raise ConfigError(  # options that exclude each other: a usage error, exit 2
                    f"{name}: is the input {_shown(Path(src))}; writing there would destroy "
                    "it, so give another output file"
                )
        key = _identity(out)
        if key in seen:
            also = "" if seen[key] == out else f" (also as {_shown(seen[key])})"
            raise ConfigError(  # a usage error (exit 2), as `-o - -o -` is
                f"{name}: named twice as an output{also}; give each output its own file"
            )
        seen[key] = out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): not the same file
        return False


def _identity(path: Path) -> tuple[int, int] | str:
    """The file an output names: its inode when it exists, else its absolute path."""
    try:
        info = path.stat()
    except OSError:
        return str(path.resolve())
    return (info.st_dev, info.st_ino)


def _shown(path: Path) -> str:
    """A path on one line, for messages."""
    return str(path).replace("\r", "\\r").replace("\n", "\\n")


def _create_temp(path: Path) -> tuple[Path, int]:
    """A new hidden file beside ``path``; mode 0o666 lets the umask decide like open()."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def _keep_mode(path: Path, tmp: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    os.chmod(tmp, mode)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on Windows."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_stdout(text: str) -> None:
    """Write all of ``text`` to stdout, or raise ``BrokenPipeError`` (exit 141).

    With unbuffered stdout (``PYTHONUNBUFFERED=1``, ``python -u``) the text layer sits on
    the raw file, and when a pipe's reader leaves mid-write (`| head -1`) the system
    writes part and says how much; Python's text layer drops the rest without a word,
    so the run exited 0 with its output cut. Writing the bytes until every one is out
    turns that into the EPIPE it is. A buffered stdout already does so on ``flush``.
    """
    stream = sys.stdout
    raw = getattr(stream, "buffer", None)
    if not (isinstance(stream, io.TextIOWrapper) and isinstance(raw, io.RawIOBase)) or (
        os.linesep != "\n"
    ):  # buffered (or a test's capture, a progress display's proxy): its own flush
        stream.write(text)
        stream.flush()
        return
    stream.flush()
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while data:
        written = raw.write(data)
        if written is None:  # a non-blocking stdout that is full: wait until it drains
            select.select([], [raw], [])
            continue
        data = data[written:]


class StdoutWriter:
    """A text handle on stdout for output written in many pieces (a digest): each piece
    is kept until 64 kB are waiting, then all of them go out through
    :func:`write_stdout` (every byte, or ``BrokenPipeError``). Call :meth:`flush` at
    the end."""

    def __init__(self, size: int = 1 << 16) -> None:
        self._parts: list[str] = []
        self._waiting = 0
        self._size = size

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._waiting += len(text)
        if self._waiting >= self._size:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._parts:
            text = "".join(self._parts)
            self._parts, self._waiting = [], 0
            write_stdout(text)
