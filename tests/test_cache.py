"""The embedding cache (summarize/embed/cache.py): compact, bounded, checked on read,
a damaged file replaced, format 1 imported, `summarize cache`, and `--no-cache`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from summarize.embed.cache import (
    CACHE_FILE,
    OLD_CACHE_FILE,
    CachedEncoder,
    cache_key,
    cache_stats,
    embedding_stores,
    max_bytes_from_env,
    prune_cache,
)
from summarize.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DIM = 384


class Encoder:
    """Deterministic unit vectors per text; counts what it was asked to encode."""

    def __init__(self, name: str = "model-a@0123456789ab", dim: int = DIM) -> None:
        self.name, self.dim = name, dim
        self.encoded: list[str] = []

    def encode(self, texts, prompt_name: str = "passage") -> np.ndarray:
        self.encoded += list(texts)
        rows = []
        for t in texts:
            seed = int.from_bytes(cache_key(self.name, prompt_name, t)[:4], "little")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)


def sentences(n: int, tag: str = "") -> list[str]:
    return [f"Câu thứ {i}{tag}: mưa lớn ở Hà Nội làm ngập nhiều tuyến phố." for i in range(n)]


def fill(path: Path, texts: list[str], **kw) -> CachedEncoder:
    cached = CachedEncoder(Encoder(), path, **kw)
    for i in range(0, len(texts), 50):  # an article's sentences per call, as a run does
        cached.encode(texts[i : i + 50])
    return cached


def on_disk(path: Path) -> int:
    return sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))


# ---------------------------------------------------------------------- compact


def test_vectors_are_stored_compactly(tmp_path: Path) -> None:
    """Format 1 spilled every 1.5 KB row into an overflow page (about 3x the data)."""
    db = tmp_path / "v.sqlite"
    fill(db, sentences(2000)).close()
    data = 2000 * DIM * 4
    assert cache_stats(db).vectors == 2000 and cache_stats(db).data_bytes == data
    assert on_disk(db) < 1.2 * data, on_disk(db) / data


def test_cached_vectors_are_exactly_the_fresh_ones(tmp_path: Path) -> None:
    texts = sentences(30)
    fresh = Encoder().encode(texts)
    first = CachedEncoder(Encoder(), tmp_path / "v.sqlite")
    np.testing.assert_array_equal(first.encode(texts), fresh)
    again = CachedEncoder(Encoder(), tmp_path / "v.sqlite")
    np.testing.assert_array_equal(again.encode(texts), fresh)  # float32, not rounded
    assert (again.hits, again.misses, again.inner.encoded) == (30, 0, [])


# ------------------------------------------------------------------------- limit


def test_size_limit_drops_the_least_recently_used(tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite"
    limit = 400_000  # room for about 170 vectors of 1.5 KB in 16 KB pages
    olds = sentences(100, "a")
    cached = fill(db, olds, max_bytes=limit)
    con = sqlite3.connect(db)
    con.execute("UPDATE vectors SET used = used - 10")  # "a" was used ten days ago...
    con.commit()
    con.close()
    cached.encode(olds[:10])  # ...but ten of them again today
    news = sentences(120, "b")
    cached.encode(news)
    cached.close()
    stats = cache_stats(db, limit)
    assert 100 < stats.vectors < 220  # some went
    assert on_disk(db) < limit * 1.1
    again = CachedEncoder(Encoder(), db, max_bytes=10**9)
    again.encode(news + olds[:10])
    assert again.misses == 0  # today's vectors all kept
    again.encode(olds[10:])
    assert again.misses == 220 - stats.vectors  # what went was the old ones


def test_size_limit_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("SUMMARIZE_CACHE_MAX_MB", raising=False)
    assert max_bytes_from_env() == 512_000_000
    monkeypatch.setenv("SUMMARIZE_CACHE_MAX_MB", "1.5")
    assert max_bytes_from_env() == 1_500_000
    for bad in ("-1", "lots", "nan"):
        monkeypatch.setenv("SUMMARIZE_CACHE_MAX_MB", bad)
        with pytest.raises(ConfigError, match="SUMMARIZE_CACHE_MAX_MB"):
            max_bytes_from_env()


def test_a_limit_of_zero_keeps_nothing(tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite"
    fill(db, sentences(20), max_bytes=0)
    assert cache_stats(db).vectors == 0


# ----------------------------------------------------------------------- prune


def test_prune_drops_stale_models_and_gives_space_back(tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite"
    fill(db, sentences(500)).close()
    other = CachedEncoder(Encoder("model-a@ffffffffffff"), db)
    other.encode(sentences(500, "old"))
    other.close()
    before = on_disk(db)
    dropped, stats = prune_cache(db, max_bytes=10**9, stale=["model-a@ffffffffffff"])
    assert dropped == 500 and stats.vectors == 500
    assert [s["name"] for s in embedding_stores(db)] == ["model-a@0123456789ab"]
    assert on_disk(db) < 0.7 * before
    dropped, stats = prune_cache(db, max_bytes=200_000)
    assert stats.vectors < 150 and dropped == 500 - stats.vectors
    dropped, stats = prune_cache(db, clear=True)
    assert stats.vectors == 0


# ---------------------------------------------------------------- damaged rows


@pytest.mark.parametrize("damage", ["short", "nan"])
def test_damaged_rows_are_recomputed(tmp_path: Path, damage: str, capsys) -> None:
    db = tmp_path / "v.sqlite"
    texts = sentences(5)
    fill(db, texts).close()
    con = sqlite3.connect(db)
    key = cache_key("model-a@0123456789ab", "passage", texts[2])
    blob = b"\x00" * 100 if damage == "short" else np.full(DIM, np.nan, "<f4").tobytes()
    con.execute("UPDATE vectors SET vec = ? WHERE key = ?", (blob, key))
    con.commit()
    con.close()

    cached = CachedEncoder(Encoder(), db)
    got = cached.encode(texts)
    np.testing.assert_array_equal(got, Encoder().encode(texts))  # no NaN reaches a score
    assert (cached.repaired, cached.inner.encoded) == (1, [texts[2]])
    assert capsys.readouterr().err.count("damaged vector") == 1
    healed = CachedEncoder(Encoder(), db)
    healed.encode(texts)
    assert (healed.hits, healed.repaired) == (5, 0)  # the row was rewritten


def test_an_unreadable_store_is_kept_aside_and_replaced(tmp_path: Path, capsys) -> None:
    db = tmp_path / CACHE_FILE
    db.write_bytes(b"this is not a database, " * 400)
    cached = CachedEncoder(Encoder(), db)
    texts = sentences(3)
    np.testing.assert_array_equal(cached.encode(texts), Encoder().encode(texts))
    cached.encode(texts)
    assert cached.hits == 3  # the fresh store works
    aside = list(tmp_path.glob(f"{CACHE_FILE}.broken-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    err = capsys.readouterr().err
    assert err.count("could not be read") == 1 and aside[0].name in err


def test_a_store_damaged_while_open_is_replaced(tmp_path: Path, capsys) -> None:
    db = tmp_path / CACHE_FILE
    fill(db, sentences(200)).close()
    data = bytearray(db.read_bytes())
    data[20000:60000] = os.urandom(40000)  # pages overwritten in place
    db.write_bytes(bytes(data))
    cached = CachedEncoder(Encoder(), db)
    texts = sentences(200)
    np.testing.assert_array_equal(cached.encode(texts), Encoder().encode(texts))
    err = capsys.readouterr().err
    assert err.count("summarize: warning") <= 2 and "Traceback" not in err


# -------------------------------------------------------------------- format 1


def test_format_1_store_is_imported_and_removed(tmp_path: Path, capsys) -> None:
    old = tmp_path / OLD_CACHE_FILE
    con = sqlite3.connect(old)
    con.execute(
        "CREATE TABLE embeddings (key BLOB PRIMARY KEY, model TEXT NOT NULL, "
        "dim INTEGER NOT NULL, vec BLOB NOT NULL) WITHOUT ROWID"
    )
    enc = Encoder()
    texts = sentences(20)
    vecs = enc.encode(texts)
    con.executemany(
        "INSERT INTO embeddings VALUES (?,?,?,?)",
        [(cache_key(enc.name, "passage", t), enc.name, DIM, v.astype("<f4").tobytes())
         for t, v in zip(texts, vecs, strict=True)],
    )  # fmt: skip
    con.commit()
    con.close()
    cached = CachedEncoder(Encoder(), tmp_path / CACHE_FILE)
    np.testing.assert_array_equal(cached.encode(texts), vecs)
    assert (cached.hits, cached.misses) == (20, 0)
    assert not old.exists() and "moved 20 cached vectors" in capsys.readouterr().err


# ------------------------------------------------------------------ command line


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", *args],
        capture_output=True, cwd=ROOT, timeout=600, env={**os.environ, **env},
    )  # fmt: skip


def test_cache_command_shows_prunes_and_clears(tmp_path: Path) -> None:
    fill(tmp_path / CACHE_FILE, sentences(300)).close()
    env = {"SUMMARIZE_CACHE_DIR": str(tmp_path)}
    shown = json.loads(cli("cache", "--json", env=env).stdout)
    assert shown["vectors"] == 300 and shown["max_bytes"] == 512_000_000
    pruned = cli("cache", "--prune", "--max-mb", "0.2", "--json", env=env)
    assert pruned.returncode == 0, pruned.stderr.decode()
    facts = json.loads(pruned.stdout)
    assert facts["vectors"] < 150 and facts["dropped"] == 300 - facts["vectors"]
    cleared = cli("cache", "--clear", env=env)
    assert cleared.returncode == 0 and b"0 vectors" in cleared.stdout
    assert cli("cache", "--prune", "--clear", env=env).returncode == 2
    assert cli("cache", "--max-mb", "3", env=env).returncode == 2


def test_no_cache_switch_neither_reads_nor_writes(encoder, tmp_path: Path, monkeypatch) -> None:
    """`--no-cache` on run, dedup and digest: the store is never opened."""
    from summarize import cli as summarize_cli
    from summarize.embed import cache

    def refuse(*args, **kwargs):
        raise AssertionError("the embedding cache was used")

    monkeypatch.setattr(cache.CachedEncoder, "encode", refuse)
    sample = str(ROOT / "samples" / "thua-thien-hue.txt")
    for args in (
        ["run", sample, "--no-cache", "-n", "2"],
        ["dedup", sample, "--no-cache", "-o", str(tmp_path / "clean.txt")],
        ["digest", sample, "--no-cache", "-q", "-o", str(tmp_path / "d.jsonl")],
    ):
        try:
            summarize_cli.main(args)
        except SystemExit as done:  # only a failure exits from main()
            raise AssertionError(f"{args}: exit {done.code}") from None
    assert (tmp_path / "clean.txt").read_text() and (tmp_path / "d.jsonl").read_text()


def _fill_from_another_process(path: str, tag: str) -> int:
    cached = CachedEncoder(Encoder(), path)
    for i in range(0, 200, 20):
        cached.encode(sentences(200, tag)[i : i + 20] + sentences(20, "shared"))
    cached.close()
    return cached.misses


def test_processes_sharing_a_new_store(tmp_path: Path, capsys) -> None:
    """Four processes create and fill one store at once: none takes it for a damaged file."""
    import multiprocessing

    db = str(tmp_path / CACHE_FILE)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        misses = pool.starmap(_fill_from_another_process, [(db, f"p{i}") for i in range(4)])
    assert all(m >= 200 for m in misses)
    assert not list(tmp_path.glob("*.broken-*"))
    assert cache_stats(db).vectors == 4 * 200 + 20
