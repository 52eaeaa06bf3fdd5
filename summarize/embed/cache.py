"""The on-disk embedding cache.

Embedding the same sentence twice is the most common waste in a summariser that is
re-run over the same articles, so vectors are kept in one sqlite file keyed by
``sha256(encoder name, prompt name, text)``. sqlite is in the standard library, is safe
for several readers at once in WAL mode, and needs no server.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from summarize.embed.base import Encoder
from summarize.embed.store import cache_dir

log = logging.getLogger(__name__)

CACHE_FILE = "embeddings.sqlite"
_CHUNK = 500  # keys per IN (...) query; stays far below sqlite's bound-variable limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    key    BLOB PRIMARY KEY,  -- sha256(model \\0 prompt \\0 text)
    model  TEXT NOT NULL,     -- Encoder.name, kept so stores can be listed per model
    dim    INTEGER NOT NULL,
    vec    BLOB NOT NULL      -- float32, little-endian, dim values
) WITHOUT ROWID
"""


def default_cache_path() -> Path:
    return cache_dir() / CACHE_FILE


def cache_key(model: str, prompt_name: str, text: str) -> bytes:
    """NUL separators keep ("ab", "c") and ("a", "bc") apart."""
    return hashlib.sha256(f"{model}\0{prompt_name}\0{text}".encode()).digest()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we open transactions ourselves, so reads never hold a lock.
    con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer, nor it them
    con.execute("PRAGMA synchronous=NORMAL")  # WAL makes this crash-safe; losing a vector is fine
    con.execute(_SCHEMA)
    return con


def _chunks(items: Sequence[bytes], size: int = _CHUNK) -> Iterable[Sequence[bytes]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class CachedEncoder:
    """An Encoder that remembers every vector it has produced, across runs.

    ``hits`` counts input texts served from the store and ``misses`` the distinct texts
    that had to be encoded, so callers (and tests) can see whether the model ran.
    A broken or locked store never fails an encode: it only costs speed.
    """

    def __init__(self, inner: Encoder, path: str | Path | None = None) -> None:
        self.inner = inner
        self.name: str = inner.name
        self.dim: int = inner.dim
        self.path = Path(path) if path is not None else default_cache_path()
        self.hits = 0
        self.misses = 0
        self._con: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CachedEncoder({self.inner!r}, path={str(self.path)!r})"

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        texts = list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        keys = [cache_key(self.name, prompt_name, t) for t in texts]
        found = self._lookup(keys)
        todo: dict[bytes, str] = {}  # distinct misses, first-seen order
        for key, text in zip(keys, texts, strict=True):
            if key not in found:
                todo.setdefault(key, text)
        if todo:
            vecs = np.asarray(self.inner.encode(list(todo.values()), prompt_name), np.float32)
            fresh = dict(zip(todo, vecs, strict=True))
            self._store(fresh)
            found.update(fresh)
        for i, key in enumerate(keys):
            out[i] = found[key]
        self.misses += len(todo)
        self.hits += len(texts) - sum(1 for k in keys if k in todo)
        return out

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            self._con = _connect(self.path)
        return self._con

    def _lookup(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """All cached vectors among ``keys`` (usually a single query)."""
        unique = list(dict.fromkeys(keys))
        found: dict[bytes, np.ndarray] = {}
        if not unique:
            return found
        try:
            with self._lock:
                con = self._connection()
                for chunk in _chunks(unique):
                    marks = ",".join("?" * len(chunk))
                    sql = f"SELECT key, vec FROM embeddings WHERE dim = ? AND key IN ({marks})"
                    for key, blob in con.execute(sql, (self.dim, *chunk)):
                        found[key] = np.frombuffer(blob, dtype="<f4")
        except sqlite3.Error as exc:
            log.warning("embedding cache %s unreadable, encoding without it: %s", self.path, exc)
        return found

    def _store(self, vectors: dict[bytes, np.ndarray]) -> None:
        rows = [
            (key, self.name, self.dim, np.asarray(vec, dtype="<f4").tobytes())
            for key, vec in vectors.items()
        ]
        try:
            with self._lock:
                con = self._connection()
                con.execute("BEGIN IMMEDIATE")
                try:
                    con.executemany(
                        "INSERT OR IGNORE INTO embeddings (key, model, dim, vec) VALUES (?,?,?,?)",
                        rows,
                    )
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            log.warning("embedding cache %s not writable, vectors not kept: %s", self.path, exc)


def embedding_stores(path: str | Path | None = None) -> list[dict]:
    """One row per model that has vectors in the cache; never creates the file."""
    db = Path(path) if path is not None else default_cache_path()
    if not db.is_file():
        return []
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            rows = con.execute(
                "SELECT model, dim, COUNT(*), SUM(LENGTH(vec)) FROM embeddings "
                "GROUP BY model, dim ORDER BY model"
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        log.warning("embedding cache %s unreadable: %s", db, exc)
        return []
    return [
        {"name": m, "kind": "embedding-cache", "dim": d, "vectors": n, "bytes": b, "path": str(db)}
        for m, d, n, b in rows
    ]
