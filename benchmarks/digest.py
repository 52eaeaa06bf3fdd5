"""Digest throughput on the raw baomoi articles: docs/s, sentences/s, memory, stages.

    python -m benchmarks.digest [--data ../shared/data] [--limit N] [--method lead]
    python -m benchmarks.digest --sizes 300,1000,3000 --method lead   # cross-document growth

Each size runs in a fresh process, so peak memory (ru_maxrss) is that run's own.
Stage times: reading (records from the input), segmenting (``prepare``), embedding
(model calls and embedding-cache lookups), dedup and ranking (inside
``summarize()``, per article), learning boilerplate (pass 1), cross-document
(candidate pairs, engine confirmation and story summaries), writing (work file
and outputs). Skips cleanly when the data folder is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATASET = Path("vi_news_raw_baomoi") / "vi_news_raw_baomoi.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--limit", type=int, default=None, help="first N articles (default: all)")
    ap.add_argument("--sizes", default=None, help="comma-separated sizes, e.g. 300,1000,3000")
    ap.add_argument("--method", default="textrank", choices=["textrank", "lexrank", "lead"])
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = ap.parse_args(argv)
    src = args.data / DATASET
    if not src.is_file():
        print(f"skipped: {src} not found (the benchmark needs ../shared/data)")
        return 0
    if args.one:
        print(json.dumps(_run(src, args.limit, args.method)))
        return 0
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [args.limit]
    rows = []
    for n in sizes:
        cmd = [sys.executable, "-m", "benchmarks.digest", "--one", "--data", str(args.data)]
        cmd += ["--method", args.method] + (["--limit", str(n)] if n else [])
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode:
            sys.stderr.write(p.stderr)
            return p.returncode
        rows.append(json.loads(p.stdout.strip().splitlines()[-1]))
        _print(rows[-1])
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def _run(src: Path, limit: int | None, method: str) -> dict:
    from summarize import api
    from summarize.config import SummaryConfig
    from summarize.digest import DigestOptions, Output, digest

    cached = encoder = api.shared_encoder() if method != "lead" else None
    hits0 = getattr(cached, "hits", 0)
    misses0 = getattr(cached, "misses", 0)
    with tempfile.TemporaryDirectory() as tmp:
        outs = [Output(Path(tmp) / f"d.{ext}", fmt) for ext, fmt in
                (("jsonl", "jsonl"), ("md", "markdown"), ("html", "html"))]  # fmt: skip
        t = time.perf_counter()
        options = DigestOptions(SummaryConfig(method=method), limit=limit)
        res = digest([str(src)], outs, options, model=encoder)
        wall = time.perf_counter() - t
    sec = dict(res.seconds)  # the pipeline's own stage timer (summarize.timing)
    return {
        "documents": res.documents,
        "failed": res.failed,
        "sentences": res.sentences,
        "method": method,
        "wall_s": round(wall, 2),
        "docs_per_s": round(res.documents / wall, 2),
        "sentences_per_s": round(res.sentences / wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stages_s": {k: round(v, 2) for k, v in sorted(sec.items())},
        "candidate_pairs": res.candidate_pairs,
        "stories": len(res.stories),
        "docs_in_stories": sum(len(s.members) for s in res.stories),
        "learned_lines": len(res.learned.lines),
        "embedding_cache_hits": getattr(cached, "hits", 0) - hits0,
        "embedding_cache_misses": getattr(cached, "misses", 0) - misses0,
        "load_1min": round(os.getloadavg()[0], 1),
    }


def _print(row: dict) -> None:
    print(
        f"{row['documents']} docs ({row['failed']} failed), {row['sentences']} sentences, "
        f"{row['method']}: {row['wall_s']} s, {row['docs_per_s']} docs/s, "
        f"{row['sentences_per_s']} sentences/s, peak {row['peak_rss_mb']} MB; "
        f"{row['candidate_pairs']} candidate pairs, {row['stories']} stories "
        f"({row['docs_in_stories']} docs), {row['learned_lines']} learned lines; "
        f"cache {row['embedding_cache_hits']} hits / {row['embedding_cache_misses']} misses; "
        f"load average {row['load_1min']}"
    )
    print("  stages (s): " + ", ".join(f"{k} {v}" for k, v in row["stages_s"].items()))


if __name__ == "__main__":
    raise SystemExit(main())
