"""Writing results: the old file or the new one, never half of one.

Every output of the tool (summaries, cleaned text, reports, digests, work-file
metadata) goes through :func:`atomic_output`: the data is streamed into a hidden
temporary file beside the target, fsynced, and renamed over it only once complete,
so a reader, a crash or a kill never sees a partial file.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import SummarizeError


@contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """A stream whose content replaces ``path`` when the block ends without error.

    The temporary file lives in the target's folder, so ``os.replace`` is a rename on
    one filesystem; a replaced file keeps its permission bits.
    """
    path = Path(path)
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
        shown = str(path).replace("\r", "\\r").replace("\n", "\\n")  # one line
        raise SummarizeError(f"{shown}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (str as UTF-8) with :func:`atomic_output`."""
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with atomic_output(path, binary=True) as handle:
        handle.write(payload)


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
