"""The work directory of a digest: what makes ``--resume`` exact after any kill.

Each finished document is one :class:`~.record.DocumentRecord` appended to
``docs.jsonl`` as one JSON line with a single write, after its content vectors were
appended to ``vectors.f32``. A kill (even SIGKILL) can only leave a partial *last*
line, which :meth:`WorkFile.done_ids` cuts off; every complete line is a finished
document, so a restart skips exactly those and nothing is done twice (vectors a
killed run wrote without their line are never referenced). ``meta.json`` (written
atomically) holds the run's settings and the learned boilerplate, so a resumed run
uses the same ones, or refuses to mix settings.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..errors import ConfigError
from ..io import write_atomic
from .record import DocumentRecord, VectorRef

META = "meta.json"
DOCS = "docs.jsonl"
VECTORS = "vectors.f32"


def work_dir_for(output: Path) -> Path:
    """Beside the output, hidden: ``.digest.jsonl.digest-work/``."""
    return output.with_name(f".{output.name}.digest-work")


class WorkFile:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.docs = directory / DOCS
        self.meta_path = directory / META
        self.vectors = directory / VECTORS
        self._fd: int | None = None
        self._vector_fd: int | None = None
        self._reader: BinaryIO | None = None
        self._vector_reader: BinaryIO | None = None

    def start(self, settings: dict[str, Any], resume: bool) -> dict[str, Any] | None:
        """Prepare the directory; returns the saved meta when resuming a matching run."""
        if not resume and self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        meta = self.read_meta()
        if meta is None:
            self.docs.unlink(missing_ok=True)  # lines without meta belong to no known run
            self.vectors.unlink(missing_ok=True)
            return None
        if meta.get("settings") != settings:
            raise ConfigError(  # options that do not match the run: a usage error, exit 2
                f"{self.dir}: the unfinished run there used other settings or inputs; "
                "run with resume=False to start over"
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
        return {rec.id for _, rec in self.records()}

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

    def append(self, record: DocumentRecord, vectors: np.ndarray | None = None) -> None:
        """The vectors first, then one complete line, written with one write(2) where the
        OS allows."""
        if vectors is not None:
            if self._vector_fd is None:
                self._vector_fd = os.open(self.vectors, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            record.vectors_at = os.lseek(self._vector_fd, 0, os.SEEK_END)
            record.vector_dim = int(vectors.shape[1])
            _write_all(self._vector_fd, np.ascontiguousarray(vectors, "<f4").tobytes())
        line = json.dumps(record.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"
        if self._fd is None:
            self._fd = os.open(self.docs, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _write_all(self._fd, line.encode())

    def vectors_of(self, ref: VectorRef | None) -> np.ndarray | None:
        """The content vectors a record points at (one row per content sentence)."""
        stored = self._stored(ref)
        return None if stored is None or ref is None else stored[: ref.rows]

    def title_vector_of(self, ref: VectorRef | None) -> np.ndarray | None:
        """The title's vector a record points at, if it had a title and a model."""
        stored = self._stored(ref)
        return stored[-1] if stored is not None and ref is not None and ref.title else None

    def _stored(self, ref: VectorRef | None) -> np.ndarray | None:
        """One seek and one read: no JSON, so the story step can re-read vectors cheaply."""
        if ref is None:
            return None
        if self._vector_reader is None:
            self._vector_reader = open(self.vectors, "rb")
        rows = ref.rows + int(ref.title)
        self._vector_reader.seek(ref.offset)
        data = self._vector_reader.read(4 * rows * ref.dim)
        return np.frombuffer(data, "<f4").reshape(rows, ref.dim)

    def close(self) -> None:
        for name in ("_fd", "_vector_fd"):
            fd = getattr(self, name)
            if fd is not None:
                os.fsync(fd)
                os.close(fd)
                setattr(self, name, None)
        for name in ("_reader", "_vector_reader"):
            handle = getattr(self, name)
            if handle is not None:
                handle.close()
                setattr(self, name, None)

    def records(self) -> Iterator[tuple[int, DocumentRecord]]:
        """(byte offset, record) for every line, in file order, streamed."""
        if not self.docs.exists():
            return
        with open(self.docs, "rb") as f:
            offset = 0
            for line in f:
                yield offset, DocumentRecord.from_json(json.loads(line))
                offset += len(line)

    def read_at(self, offset: int) -> DocumentRecord:
        """The record at ``offset`` (one handle kept open for the whole assembly)."""
        if self._reader is None:
            self._reader = open(self.docs, "rb")
        self._reader.seek(offset)
        return DocumentRecord.from_json(json.loads(self._reader.readline()))

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
