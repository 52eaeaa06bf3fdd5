"""Digest at scale: the local engine against the Dask engine with 1 and 2 workers.

    python -m benchmarks.scale                                  # 3,000 baomoi, default model
    python -m benchmarks.scale --method lead                    # ... no model
    python -m benchmarks.scale --copies 10 --method lead        # 30,000 articles
    python -m benchmarks.scale --copies 10 --fast --runs 2      # 30,000, fast model, 2 workers

``--runs`` lists what to run: ``local`` (this process does all) and worker counts for
``--engine dask`` (a LocalCluster of that many processes, one thread each). Every run
is a fresh process with a fresh embedding cache (the models folder is linked in), so
vectors are computed, never read from an earlier run. Reported per run: wall seconds
(model loading and cluster start included), articles per second, the cross-document
step's seconds, the driver's and each worker's peak resident memory, and whether the
JSONL output is byte-identical to the first run's. ``--copies N`` builds a corpus of N
copies of the 3,000 raw baomoi articles (copy k > 0 with light edits: one sentence
dropped, the title marked), in the scratch folder, never in the project.

Measurements on a shared machine are taken under load: the machine's CPU, core count
and load average before and after each run are reported with it. Skips cleanly when
the data folder is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATASET = Path("vi_news_raw_baomoi") / "vi_news_raw_baomoi.jsonl"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--copies", type=int, default=1, help="copies of the 3,000 articles")
    ap.add_argument("--limit", type=int, default=None, help="first N articles of the corpus")
    ap.add_argument("--method", default="learned", choices=["learned", "textrank", "lead"])
    ap.add_argument("--fast", action="store_true", help="the fast static model")
    ap.add_argument("--runs", default="local,1,2", help="local and/or worker counts")
    ap.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "summarize-scale")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows here")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    src = args.data / DATASET
    if not src.is_file():
        print(f"skipped: {src} not found (the benchmark needs ../shared/data)")
        return 0
    args.scratch.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(src, args.copies, args.scratch)
    if args.one is not None:
        print(json.dumps(_run(corpus, args)))
        return 0
    print(f"# {machine()}")
    rows, first = [], None
    for run in args.runs.split(","):
        cmd = [sys.executable, "-m", "benchmarks.scale", "--one", run, "--data", str(args.data)]
        cmd += ["--copies", str(args.copies), "--method", args.method]
        cmd += ["--scratch", str(args.scratch)] + (["--fast"] if args.fast else [])
        cmd += ["--limit", str(args.limit)] if args.limit else []
        load = os.getloadavg()
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode:
            sys.stderr.write(p.stderr[-3000:])
            return p.returncode
        row = json.loads(p.stdout.strip().splitlines()[-1])
        row["load_before"], row["load_after"] = _load(load), _load(os.getloadavg())
        first = first or row["output_sha256"]
        row["identical_to_first"] = row["output_sha256"] == first
        rows.append(row)
        _print(row)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    return 0


def build_corpus(src: Path, copies: int, scratch: Path) -> Path:
    """The raw articles, or ``copies`` of them with light edits (written once)."""
    if copies <= 1:
        return src
    out = scratch / f"baomoi-x{copies}.jsonl"
    if out.exists():
        return out
    lines = src.read_text("utf-8").splitlines()
    tmp = out.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as f:
        for k in range(copies):
            for line in lines:
                data = json.loads(line)
                if k:
                    data = _edited(data, k)
                f.write(json.dumps(data, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    return out


def _edited(data: dict, k: int) -> dict:
    """Copy ``k`` of an article: another id, one sentence left out, the title marked."""
    data = dict(data)
    data["id"] = f"{data.get('id')}~{k}"
    text = data.get("text") or ""
    sentences = SENTENCE_END.split(text)
    if len(sentences) > 3:
        del sentences[k % len(sentences)]
        data["text"] = " ".join(sentences)
    if data.get("title"):
        data["title"] = f"{data['title']} ({k})"
    return data


def _run(corpus: Path, args: argparse.Namespace) -> dict:
    """One run in this (fresh) process, with a fresh embedding cache."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=args.scratch))
    models = Path(os.environ.get("SUMMARIZE_CACHE_DIR", "~/.cache/summarize")).expanduser()
    (cache / "models").symlink_to(models / "models")
    os.environ["SUMMARIZE_CACHE_DIR"] = str(cache)

    from summarize.config import SummaryConfig
    from summarize.digest import DigestOptions, Output, digest

    model = "e5-static" if args.fast else None
    summary = SummaryConfig(method=args.method, model=model)
    options = DigestOptions(summary=summary, limit=args.limit)
    out = args.scratch / f"out-{args.one}.jsonl"
    workers: dict[str, int] = {}
    t0 = time.perf_counter()
    if args.one == "local":
        encoder = None
        if options.summary.needs_model:
            from summarize.pipeline import shared_encoder

            encoder = shared_encoder(model)
        result = digest([str(corpus)], [Output(out, "jsonl")], options, model=encoder)
    else:
        from summarize.digest.dask_engine import DaskEngine
        from summarize.digest.tasks import EncoderSpec

        engine = DaskEngine(workers=int(args.one), spec=EncoderSpec(model))
        with engine:
            result = digest([str(corpus)], [Output(out, "jsonl")], options, engine=engine)
        workers = engine.worker_peak_rss
    wall = time.perf_counter() - t0
    digest_sha = hashlib.sha256(out.read_bytes()).hexdigest()
    out.unlink()
    shutil.rmtree(cache, ignore_errors=True)
    seconds = {k: round(v, 2) for k, v in result.seconds.items()}
    return {
        "run": "local engine" if args.one == "local" else f"dask, {args.one} worker(s)",
        "articles": result.documents,
        "failed": result.failed,
        "stories": len(result.stories),
        "method": args.method,
        "model": "e5-static" if args.fast else ("none" if args.method == "lead" else "default"),
        "wall_s": round(wall, 1),
        "articles_per_s": round(result.documents / wall, 1),
        "cross_document_s": seconds.get("cross-document"),
        "learning_s": seconds.get("learning boilerplate"),
        "summarising_s": seconds.get("summarising"),
        "driver_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_mb": sorted(round(v / 2**20) for v in workers.values()),
        "seconds": seconds,
        "output_sha256": digest_sha,
    }


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, load average {_load(os.getloadavg())}"


def _load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.1f}" for x in load)


def _print(row: dict) -> None:
    print(
        f"{row['run']:<22} {row['articles']:>6} articles  {row['wall_s']:>7.1f} s  "
        f"{row['articles_per_s']:>6.1f}/s  cross {row['cross_document_s']} s  "
        f"driver {row['driver_peak_mb']} MB  workers {row['worker_peak_mb']} MB  "
        f"load {row['load_before']} -> {row['load_after']}  "
        f"identical {row['identical_to_first']}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
