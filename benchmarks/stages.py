"""Where ``summarize()``'s time goes, stage by stage (docs/speed.md).

    python -m benchmarks.stages [--data ../shared/data] [--backend static] [--docs 100]
        [--runs 4]

Times the pipeline's stages (prepare, embedding, duplicates, exclusions, ranking) over
``docs`` VietnameseMDS articles from their raw text, the in-process memos emptied before
each run as in ``benchmarks.backends``, with the same :class:`summarize.timing.StageTimer`
the digest reports from. Prints one line per run; the first run also pays for first
touches (the model's pages, the tokenizer's own cache).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .backends import _forget, load_docs
from .common import DEFAULT_DATA

STAGES = ("prepare", "embedding", "duplicates", "exclusions", "ranking")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--backend", default="static", help="static, onnx or torch")
    p.add_argument("--docs", type=int, default=100)
    p.add_argument("--runs", type=int, default=4)
    args = p.parse_args(argv)

    from summarize import Summarizer, SummaryConfig
    from summarize.embed import load_encoder
    from summarize.timing import StageTimer

    docs = load_docs(args.data, args.docs)
    if not docs:
        print(f"no VietnameseMDS articles under {args.data}: nothing to time")
        return 0
    encoder = load_encoder(backend=args.backend, cache=False)
    sentences = sum(len(d["doc"].sentences) for d in docs)
    timer = StageTimer()
    summarizer = Summarizer(SummaryConfig(sentences=3), encoder, timer=timer)
    encoder.encode(["khởi động"], "query")
    print(f"{len(docs)} articles, {sentences} sentences, backend {args.backend}; ms per run:")
    for run in range(1, args.runs + 1):
        _forget(encoder)
        timer.clear()
        t = time.perf_counter()
        for d in docs:
            summarizer.summarize(d["text"], title=d["title"])
        total = time.perf_counter() - t
        spent = timer.seconds
        parts = ", ".join(f"{k} {1000 * spent.get(k, 0.0):.0f}" for k in STAGES)
        rest = 1000 * (total - sum(spent.values()))
        print(f"run {run}: {sentences / total:.0f} sentences/s, total {1000 * total:.0f} "
              f"({parts}, other {rest:.0f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
