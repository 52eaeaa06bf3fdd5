"""The on-disk embedding cache: compact, bounded, and never trusted blindly.

Embedding the same sentence twice is the most common waste in a summariser that is
re-run over the same articles, so vectors are kept in one sqlite file keyed by
``sha256(encoder name, prompt name, text)``. sqlite is in the standard library, is safe
for several readers at once in WAL mode, and needs no server.

The layout (format 2, ``vectors.sqlite``) keeps each vector as its raw float32 bytes in
an ordinary rowid table, where a 1.5 KB row fits in its page. Format 1
(``embeddings.sqlite``) kept them in a WITHOUT ROWID table, whose rows may hold only
about 1 KB in place: every vector spilled into an overflow page of its own, so the file
was about 3 times the data. Vectors stay float32 (not float16) so that a summary made
from cached vectors is exactly the summary made without the cache.

Bounded: past ``max_bytes`` (``$SUMMARIZE_CACHE_MAX_MB``, default
:data:`DEFAULT_MAX_MB`) of pages in use, the least recently used vectors are dropped
(down to 90 % of it) and the space given back; the write-ahead log adds at most a few
MB while a run writes, and is folded in when it ends. Checked: a row of
the wrong length or with a NaN is recomputed, and a file sqlite cannot read is moved
aside (``*.broken-<time>``) and replaced by a fresh store, said once on stderr.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from summarize.embed.base import Encoder
from summarize.embed.store import cache_dir
from summarize.errors import ConfigError

log = logging.getLogger(__name__)

CACHE_FILE = "vectors.sqlite"
OLD_CACHE_FILE = "embeddings.sqlite"  # format 1: read once into the new file, then removed
FORMAT = 2  # PRAGMA user_version of a store in this layout
DEFAULT_MAX_MB = 512  # about 330,000 vectors of the default 384-dim model
MAX_MB_ENV = "SUMMARIZE_CACHE_MAX_MB"
_CHUNK = 500  # keys per IN (...) query; stays far below sqlite's bound-variable limit
_EVICT_TO = 0.9  # after going over the limit, drop down to this share of it

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS models (
        id    INTEGER PRIMARY KEY,
        name  TEXT NOT NULL UNIQUE,  -- Encoder.name, so stores can be listed per model
        dim   INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS vectors (
        id     INTEGER PRIMARY KEY,  -- insertion order: the tie-break of eviction
        key    BLOB NOT NULL UNIQUE, -- sha256(model \\0 prompt \\0 text)
        model  INTEGER NOT NULL REFERENCES models(id),
        used   INTEGER NOT NULL,     -- day (since 1970) of the last use: eviction order
        vec    BLOB NOT NULL         -- float32, little-endian, models.dim values
    )""",
)


def default_cache_path() -> Path:
    return cache_dir() / CACHE_FILE


def max_bytes_from_env() -> int:
    """The size limit: ``$SUMMARIZE_CACHE_MAX_MB`` megabytes (0: no vectors kept)."""
    raw = os.environ.get(MAX_MB_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MB * 1_000_000
    try:
        mb = float(raw)
    except ValueError:
        mb = -1.0
    if not (mb >= 0 and math.isfinite(mb)):
        raise ConfigError(f"{MAX_MB_ENV} must be a number of megabytes, 0 or more (got {raw!r})")
    return int(mb * 1_000_000)


def cache_key(model: str, prompt_name: str, text: str) -> bytes:
    """NUL separators keep ("ab", "c") and ("a", "bc") apart."""
    return hashlib.sha256(f"{model}\0{prompt_name}\0{text}".encode()).digest()


def _today() -> int:
    return int(time.time() // 86400)


def _chunks(items: Sequence[bytes], size: int = _CHUNK) -> Iterable[Sequence[bytes]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class UnreadableStore(Exception):
    """The file is not a store sqlite can read (damaged, or another program's file)."""


def _unreadable(exc: sqlite3.Error) -> bool:
    """sqlite's own verdict that the file is damaged or not a database at all; a locked
    or busy store (OperationalError) is only a reason to go without it for a while."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we open transactions ourselves, so reads never hold a lock.
    con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    try:
        if con.execute("PRAGMA user_version").fetchone()[0] == 0:
            # Both must precede the first table (no-ops on a store that has one). Freed
            # pages can go back to the disk, and ten 1.6 KB rows fill a 16 KB page where
            # two filled only 3.2 KB of 4 KB.
            con.execute("PRAGMA page_size=16384")
            con.execute("PRAGMA auto_vacuum=INCREMENTAL")
        con.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer, nor it them
        con.execute("PRAGMA synchronous=NORMAL")  # crash-safe with WAL; a lost vector is fine
        con.execute("PRAGMA journal_size_limit=8000000")  # the WAL shrinks back after a checkpoint
        # Checked and created under the write lock: a store another process is creating
        # right now is never taken for a foreign file.
        con.execute("BEGIN IMMEDIATE")
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if version not in (0, FORMAT) or (version == 0 and tables):
                raise UnreadableStore(f"not a format-{FORMAT} embedding store")
            if version == 0:
                for ddl in _SCHEMA:
                    con.execute(ddl)
                con.execute(f"PRAGMA user_version={FORMAT}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except BaseException:
        con.close()
        raise
    return con


@dataclass
class CacheStats:
    path: Path
    vectors: int
    bytes: int  # file size, WAL included
    data_bytes: int  # the vectors themselves
    max_bytes: int


class CachedEncoder:
    """An Encoder that remembers every vector it has produced, across runs.

    ``hits`` counts input texts served from the store, ``misses`` the distinct texts
    that had to be encoded and ``repaired`` the stored rows that were damaged (wrong
    length, NaN or infinity) and encoded again. A locked store never fails an encode:
    it only costs speed; a damaged file is replaced (see the module docstring).
    """

    def __init__(
        self, inner: Encoder, path: str | Path | None = None, *, max_bytes: int | None = None
    ) -> None:
        self.inner = inner
        self.name: str = inner.name
        self.dim: int = inner.dim
        self.path = Path(path) if path is not None else default_cache_path()
        self.max_bytes = max_bytes_from_env() if max_bytes is None else max_bytes
        self.hits = 0
        self.misses = 0
        self.repaired = 0
        self._con: sqlite3.Connection | None = None
        self._model_id: int | None = None
        self._lock = threading.Lock()
        self._said_repaired = False

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

    # ---------------------------------------------------------------- the store

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            try:
                self._con = _connect(self.path)
            except (UnreadableStore, sqlite3.DatabaseError) as exc:
                if isinstance(exc, sqlite3.Error) and not _unreadable(exc):
                    raise
                self._con = self._replace_store(exc)
            _import_old_store(self._con, self.path.with_name(OLD_CACHE_FILE))
        return self._con

    def _replace_store(self, exc: BaseException) -> sqlite3.Connection:
        """Move a store sqlite cannot read aside and start a fresh one; say so once."""
        if self._con is not None:
            self._con.close()
            self._con = None
        aside = self.path.with_name(f"{self.path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:  # another process set it aside first: use its new store
            self._model_id = None
            return _connect(self.path)
        for suffix in ("-wal", "-shm"):  # they belong to the damaged file
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        sys.stderr.write(
            f"summarize: warning: the embedding cache {self.path} could not be read "
            f"({' '.join(str(exc).split())}); kept it as {aside.name} and started a new one\n"
        )
        self._model_id = None
        return _connect(self.path)

    def _run(self, work):
        """``work(con)`` under the lock; a damaged file is replaced and ``work`` retried."""
        with self._lock:
            try:
                return work(self._connection())
            except sqlite3.DatabaseError as exc:
                if not _unreadable(exc):
                    raise
                self._con = self._replace_store(exc)
                return work(self._con)

    def _model(self, con: sqlite3.Connection) -> int:
        if self._model_id is None:
            new = "INSERT OR IGNORE INTO models (name, dim) VALUES (?, ?)"
            con.execute(new, (self.name, self.dim))
            row = con.execute("SELECT id FROM models WHERE name = ?", (self.name,)).fetchone()
            self._model_id = int(row[0])
        return self._model_id

    def _lookup(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """All good cached vectors among ``keys`` (usually a single query)."""
        unique = list(dict.fromkeys(keys))
        if not unique:
            return {}

        def read(con: sqlite3.Connection) -> tuple[dict[bytes, np.ndarray], int]:
            found: dict[bytes, np.ndarray] = {}
            bad = 0
            for chunk in _chunks(unique):
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT key, vec FROM vectors WHERE key IN ({marks})"
                for key, blob in con.execute(sql, chunk):
                    vec = _valid(blob, self.dim)
                    if vec is None:
                        bad += 1  # recomputed by the caller, and overwritten
                    else:
                        found[key] = vec
            self._touch(con, list(found))
            return found, bad

        try:
            found, bad = self._run(read)
        except sqlite3.Error as exc:
            log.warning("embedding cache %s unreadable, encoding without it: %s", self.path, exc)
            return {}
        if bad:
            self.repaired += bad
            if not self._said_repaired:
                self._said_repaired = True
                sys.stderr.write(
                    f"summarize: warning: {bad} damaged vector(s) in the embedding cache "
                    f"{self.path} (wrong length or not finite); recomputing them\n"
                )
        return found

    def _touch(self, con: sqlite3.Connection, keys: list[bytes]) -> None:
        """Mark vectors as used today (once a day per row: reads stay reads)."""
        if not keys:
            return
        today = _today()
        try:
            for chunk in _chunks(keys):
                marks = ",".join("?" * len(chunk))
                con.execute(
                    f"UPDATE vectors SET used = ? WHERE used < ? AND key IN ({marks})",
                    (today, today, *chunk),
                )
        except sqlite3.OperationalError:  # locked by a writer: the date can wait
            pass

    def _store(self, vectors: dict[bytes, np.ndarray]) -> None:
        if self.max_bytes <= 0:
            return
        today = _today()

        def write(con: sqlite3.Connection) -> None:
            model = self._model(con)
            rows = [
                (key, model, today, np.asarray(vec, dtype="<f4").tobytes())
                for key, vec in vectors.items()
                if _valid(np.asarray(vec, dtype="<f4").tobytes(), self.dim) is not None
            ]
            con.execute("BEGIN IMMEDIATE")
            try:
                con.executemany(
                    "INSERT INTO vectors (key, model, used, vec) VALUES (?,?,?,?) "
                    "ON CONFLICT(key) DO UPDATE SET vec = excluded.vec, model = excluded.model, "
                    "used = excluded.used",
                    rows,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            _evict(con, self.max_bytes)

        try:
            self._run(write)
        except sqlite3.Error as exc:
            log.warning("embedding cache %s not writable, vectors not kept: %s", self.path, exc)


def _valid(blob: bytes, dim: int) -> np.ndarray | None:
    """The stored vector, or None when it cannot be one of this model's vectors."""
    if not isinstance(blob, bytes) or len(blob) != dim * 4:
        return None
    vec = np.frombuffer(blob, dtype="<f4")
    return vec if np.isfinite(vec).all() else None


def _live_bytes(con: sqlite3.Connection) -> int:
    """Bytes of pages in use (the file minus its free pages)."""
    size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    free = con.execute("PRAGMA freelist_count").fetchone()[0]
    return (pages - free) * size


def _evict(con: sqlite3.Connection, max_bytes: int) -> int:
    """Drop the least recently used vectors until the store is under ``max_bytes``.

    Rows are dropped by an estimate of their share of the pages; half-empty pages can
    keep the store over the limit, so it is measured again (a few rounds at most).
    """
    dropped = 0
    for _ in range(5):
        live = _live_bytes(con)
        if live <= max_bytes:
            break
        count = con.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        if not count:
            break
        drop = min(count, max(1, math.ceil((live - max_bytes * _EVICT_TO) * count / live)))
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(
                "DELETE FROM vectors WHERE id IN "
                "(SELECT id FROM vectors ORDER BY used, id LIMIT ?)",
                (drop,),
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        # Give the freed pages back to the disk, then the log (a busy reader only
        # delays that). executescript steps the pragma to the end: execute() runs one
        # step, which frees a single page.
        con.executescript("PRAGMA incremental_vacuum;")
        dropped += drop
    if dropped:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return dropped


def _import_old_store(con: sqlite3.Connection, old: Path) -> None:
    """Copy the vectors of a format-1 store (``embeddings.sqlite``) in, then delete it."""
    if not old.is_file():
        return
    try:
        src = sqlite3.connect(f"{old.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            rows = src.execute("SELECT key, model, dim, vec FROM embeddings").fetchall()
        finally:
            src.close()
    except sqlite3.Error as exc:
        log.warning("old embedding cache %s unreadable, not imported: %s", old, exc)
        rows = []
    today = _today()
    models: dict[tuple[str, int], int] = {}
    con.execute("BEGIN IMMEDIATE")
    try:
        for name, dim in {(m, d) for _, m, d, _ in rows}:
            con.execute("INSERT OR IGNORE INTO models (name, dim) VALUES (?, ?)", (name, dim))
            row = con.execute("SELECT id, dim FROM models WHERE name = ?", (name,)).fetchone()
            models[(name, dim)] = row[0] if row[1] == dim else -1
        con.executemany(
            "INSERT OR IGNORE INTO vectors (key, model, used, vec) VALUES (?,?,?,?)",
            [
                (key, models[(m, d)], today, blob)
                for key, m, d, blob in rows
                if models[(m, d)] >= 0 and _valid(blob, d) is not None
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    for suffix in ("", "-wal", "-shm"):
        Path(f"{old}{suffix}").unlink(missing_ok=True)
    sys.stderr.write(
        f"summarize: note: moved {len(rows)} cached vectors from {old.name} (old format) "
        f"into {CACHE_FILE} and removed {old.name}\n"
    )


# ------------------------------------------------------------------- maintenance


def _open_existing(path: Path) -> sqlite3.Connection | None:
    if not path.is_file():
        return None
    return _connect(path)


def cache_stats(path: str | Path | None = None, max_bytes: int | None = None) -> CacheStats:
    """Size and count of the store (nothing is created)."""
    db = Path(path) if path is not None else default_cache_path()
    limit = max_bytes_from_env() if max_bytes is None else max_bytes
    size = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").is_file())
    vectors = data = 0
    con = _open_existing(db)
    if con is not None:
        try:
            sql = "SELECT COUNT(*), COALESCE(SUM(LENGTH(vec)), 0) FROM vectors"
            vectors, data = con.execute(sql).fetchone()
        finally:
            con.close()
    return CacheStats(db, vectors, size, data, limit)


def prune_cache(
    path: str | Path | None = None,
    *,
    max_bytes: int | None = None,
    stale: Iterable[str] = (),
    clear: bool = False,
) -> tuple[int, CacheStats]:
    """Drop the vectors of ``stale`` encoder names, then the least recently used down to
    ``max_bytes``, and give the space back (VACUUM); ``clear`` drops everything.
    Returns the number of vectors dropped and the store's size after."""
    db = Path(path) if path is not None else default_cache_path()
    limit = max_bytes_from_env() if max_bytes is None else max_bytes
    con = _open_existing(db)
    if con is None:
        return 0, cache_stats(db, limit)
    try:
        before = con.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        con.execute("BEGIN IMMEDIATE")
        if clear:
            con.execute("DELETE FROM vectors")
            con.execute("DELETE FROM models")
        else:
            for name in stale:
                con.execute(
                    "DELETE FROM vectors WHERE model IN (SELECT id FROM models WHERE name = ?)",
                    (name,),
                )
                con.execute("DELETE FROM models WHERE name = ?", (name,))
        con.execute("COMMIT")
        if not clear:
            _evict(con, limit)
        after = con.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")
    finally:
        con.close()
    return before - after, cache_stats(db, limit)


def embedding_stores(path: str | Path | None = None) -> list[dict]:
    """One row per model that has vectors in the cache; never creates the file."""
    db = Path(path) if path is not None else default_cache_path()
    if not db.is_file():
        return []
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            rows = con.execute(
                "SELECT m.name, m.dim, COUNT(v.id), COALESCE(SUM(LENGTH(v.vec)), 0) "
                "FROM models m JOIN vectors v ON v.model = m.id "
                "GROUP BY m.id ORDER BY m.name"
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
