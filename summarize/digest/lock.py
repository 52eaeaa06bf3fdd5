"""One digest at a time per output: a lock file beside the output, held for the whole run.

Two digests writing the same output share its work folder; without a lock the second
deletes the first's records while it writes them. The lock is ``fcntl.flock`` on
``.NAME.digest-lock`` beside the output: the kernel drops it when its process exits,
however it exits, so a crashed run never leaves a stale lock. The file holds the
holder's pid, host and start time, so a second run can say who is writing.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..errors import SummarizeError

try:
    import fcntl
except ImportError:  # Windows: no flock, so no lock (the tool is tested on POSIX)
    fcntl = None  # type: ignore[assignment]


class LockedError(SummarizeError):
    """Another run holds the lock of an output."""


def lock_path_for(output: Path) -> Path:
    """Beside the output, hidden: ``.digest.jsonl.digest-lock``."""
    return output.with_name(f".{output.name}.digest-lock")


@contextmanager
def locked_outputs(outputs: Sequence[Path]) -> Iterator[None]:
    """Hold the lock of every output (in a fixed order) for the duration of the block."""
    with ExitStack() as stack:
        unique = {os.path.abspath(p): Path(p) for p in outputs}
        for key in sorted(unique):
            stack.enter_context(output_lock(unique[key]))
        yield


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold ``output``'s lock, or raise :class:`LockedError` naming who holds it."""
    path = lock_path_for(output)
    fd = _acquire(path, output)
    try:
        yield
    finally:
        _release(path, fd)


def _acquire(path: Path, output: Path) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SummarizeError(f"{path}: cannot create the lock file ({exc.strerror})") from None
        if fcntl is None:
            return fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise LockedError(
                f"{output}: another digest is writing this output ({holder}); wait for it to "
                "finish, or stop it, then run again"
            ) from None
        # The holder before us may have removed the file after we opened it: then our
        # lock is on a file nobody else can see, so take the lock again on the new one.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    os.ftruncate(fd, 0)
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    os.write(fd, json.dumps(info).encode())
    return fd


def _holder(fd: int) -> str:
    """Who holds the lock, in words, from what the holder wrote in the file."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096) or b"{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "it has just started"
    return f"pid {info['pid']} on {info.get('host', '?')}, started {info.get('started', '?')}"


def _release(path: Path, fd: int) -> None:
    """Remove the file while still holding the lock, then let go of it."""
    try:
        path.unlink(missing_ok=True)
    finally:
        os.close(fd)
