"""Does the Dask engine's driver stay flat? One driver digests several inputs in a row.

    python -m benchmarks.driver_memory --workers 2 --parts 3 --size 3000

The inputs are consecutive slices of ``--size`` articles of the corpus that
``python -m benchmarks.scale --copies 10`` builds (the 3,000 baomoi articles and their
lightly edited copies; built here when missing), digested with ``--method lead`` by one
``DaskEngine`` started once. The driver's resident memory (``VmRSS``) is printed after
each digest, and after ``malloc_trim`` at the end: a driver that keeps something per
article grows with every slice. ``--engine local`` runs the same without Dask.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import tempfile
from pathlib import Path

from benchmarks.scale import DATASET, build_corpus


def rss_mb() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", choices=["dask", "local"], default="dask")
    ap.add_argument("--parts", type=int, default=3)
    ap.add_argument("--size", type=int, default=3000)
    ap.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "summarize-scale")
    args = ap.parse_args(argv)
    src = args.data / DATASET
    if not src.is_file():
        print(f"skipped: {src} not found (the benchmark needs ../shared/data)")
        return 0
    args.scratch.mkdir(parents=True, exist_ok=True)
    lines = build_corpus(src, 10, args.scratch).read_text("utf-8").splitlines(keepends=True)
    parts = []
    for k in range(args.parts):
        part = args.scratch / f"slice-{k}.jsonl"
        part.write_text("".join(lines[k * args.size : (k + 1) * args.size]), "utf-8")
        parts.append(part)
    del lines  # the corpus is not the driver's to keep
    gc.collect()

    from summarize.config import SummaryConfig
    from summarize.digest import DigestOptions, Output, digest

    options = DigestOptions(summary=SummaryConfig(method="lead"))
    engine = None
    if args.engine == "dask":
        from summarize.digest.dask_engine import DaskEngine

        engine = DaskEngine(workers=args.workers)
        engine.start()
    try:
        print(f"start: {rss_mb()} MB", flush=True)
        for k, part in enumerate(parts):
            out = args.scratch / f"slice-{k}.out.jsonl"
            digest([str(part)], [Output(out, "jsonl")], options, engine=engine)
            out.unlink()
            gc.collect()
            print(f"after {(k + 1) * args.size} articles: {rss_mb()} MB", flush=True)
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        print(f"after malloc_trim: {rss_mb()} MB")
    finally:
        if engine is not None:
            engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
