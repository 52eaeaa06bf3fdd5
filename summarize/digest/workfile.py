"""The work directory of a digest: what makes ``--resume`` exact after any kill.

Each finished document is one JSON line appended to ``docs.jsonl`` with a single
write. A kill (even SIGKILL) can only leave a partial *last* line, which
:func:`WorkFile.open` cuts off; every complete line is a finished document, so a
restart skips exactly those and nothing is done twice. ``meta.json`` (written
atomically) holds the run's settings and the learned boilerplate, so a resumed
run uses the same ones, or refuses to mix settings.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import SummarizeError
from ..io.readers import write_atomic

META = "meta.json"
DOCS = "docs.jsonl"


def work_dir_for(output: Path) -> Path:
    """Beside the output, hidden: ``.digest.jsonl.digest-work/``."""
    return output.with_name(f".{output.name}.digest-work")


class WorkFile:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.docs = directory / DOCS
        self.meta_path = directory / META
        self._fd: int | None = None
        self._reader: BinaryIO | None = None

    def start(self, settings: dict[str, Any], resume: bool) -> dict[str, Any] | None:
        """Prepare the directory; returns the saved meta when resuming a matching run."""
        if not resume and self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        meta = self.read_meta()
        if meta is None:
            self.docs.unlink(missing_ok=True)  # lines without meta belong to no known run
            return None
        if meta.get("settings") != settings:
            raise SummarizeError(
                f"{self.dir}: the unfinished run there used other settings or inputs; "
                "run without --resume to start over"
            )
        return meta

    def read_meta(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.meta_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def write_meta(self, meta: dict[str, Any]) -> None:
        write_atomic(self.meta_path, json.dumps(meta, ensure_ascii=False))

    def done_ids(self) -> set[str]:
        """Ids of finished documents, after cutting off a partial last line."""
        self._repair()
        return {rec["id"] for _, rec in self.records()}

    def _repair(self) -> None:
        if not self.docs.exists():
            return
        with open(self.docs, "rb+") as f:
            good = 0
            for line in f:
                if not line.endswith(b"\n"):
                    break
                try:
                    json.loads(line)
                except ValueError:
                    break
                good += len(line)
            f.truncate(good)

    def append(self, record: dict[str, Any]) -> None:
        """One complete line per call, written with one write(2) where the OS allows."""
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        if self._fd is None:
            self._fd = os.open(self.docs, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def close(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(byte offset, record) for every line, in file order, streamed."""
        if not self.docs.exists():
            return
        with open(self.docs, "rb") as f:
            offset = 0
            for line in f:
                yield offset, json.loads(line)
                offset += len(line)

    def read_at(self, offset: int) -> dict[str, Any]:
        """The record at ``offset`` (one handle kept open for the whole assembly)."""
        if self._reader is None:
            self._reader = open(self.docs, "rb")
        self._reader.seek(offset)
        return json.loads(self._reader.readline())

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)
