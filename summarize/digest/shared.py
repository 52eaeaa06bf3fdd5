"""Sentences repeated word for word across the whole batch, in bounded memory.

Each work record lists the sentence-cluster id (``cluster_id("sentence", key)``,
the engine's stable id) of its content sentences. Grouping those ids is a hash
join, not a comparison of pairs, and it runs in sqlite on disk so 100,000
documents (two million sentences) never sit in memory at once. Reworded
repeats are found inside each story by the engine (see ``stories``); this finds
the same sentence (after normalisation) wherever it appears.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SummarizeError


@dataclass
class Shared:
    """A sentence of one document that repeats a sentence of an earlier document."""

    index: int
    cluster: str  # stable sentence-cluster id
    kept_n: int
    kept_index: int


def shared_sentences(
    rows: Iterable[tuple[int, int, str]], scratch: Path
) -> dict[int, list[Shared]]:
    """``rows`` are (document, sentence index, sentence-cluster id) in input order.

    Every occurrence after the first, in another document, is reported against
    the first one.
    """
    try:
        return _shared_sentences(rows, scratch)
    except sqlite3.Error as exc:  # a full disk, a folder removed under us: one line, no traceback
        raise SummarizeError(f"{scratch}: cannot group the shared sentences ({exc})") from None


def _shared_sentences(
    rows: Iterable[tuple[int, int, str]], scratch: Path
) -> dict[int, list[Shared]]:
    scratch.unlink(missing_ok=True)
    con = sqlite3.connect(scratch)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE TABLE s (cluster TEXT, n INTEGER, i INTEGER)")
        con.executemany("INSERT INTO s VALUES (?, ?, ?)", ((c, n, i) for n, i, c in rows))
        con.execute("CREATE INDEX s_cluster ON s (cluster, n, i)")
        out: dict[int, list[Shared]] = {}
        query = """
            SELECT s.cluster, s.n, s.i, f.n, f.i FROM s
            JOIN (SELECT cluster, MIN(n) AS n FROM s GROUP BY cluster
                  HAVING COUNT(DISTINCT n) > 1) m ON m.cluster = s.cluster
            JOIN s f ON f.cluster = s.cluster AND f.n = m.n
                    AND f.i = (SELECT MIN(i) FROM s g WHERE g.cluster = s.cluster AND g.n = m.n)
            WHERE s.n > m.n
            ORDER BY s.n, s.i
        """
        seen: set[tuple[int, int]] = set()
        for cluster, n, i, kept_n, kept_i in con.execute(query):
            if (n, i) not in seen:
                seen.add((n, i))
                out.setdefault(n, []).append(Shared(i, cluster, kept_n, kept_i))
        return out
    finally:
        con.close()
        scratch.unlink(missing_ok=True)


def merge(*parts: dict[int, list[Shared]]) -> dict[int, list[Shared]]:
    """One list per document, by sentence index; the first report of a sentence wins."""
    out: dict[int, list[Shared]] = {}
    for part in parts:
        for n, items in part.items():
            have = {s.index for s in out.get(n, [])}
            out.setdefault(n, []).extend(s for s in items if s.index not in have)
    for items in out.values():
        items.sort(key=lambda s: s.index)
    return out
