"""Where ``summarize()``'s time goes, stage by stage (docs/speed.md).

    python -m benchmarks.stages [--data ../shared/data] [--backend static] [--docs 100]
        [--runs 4]

Times the pipeline's stages (segmenting, embedding with the chrome check before it,
duplicates, exclusions, ranking) over ``docs`` VietnameseMDS articles from their raw
text, the in-process memos emptied before each run as in ``benchmarks.backends``. The
stages are timed by wrapping the functions ``summarize()`` calls, so the total is a few
percent above an unwrapped run. Prints one line per run; the first run also pays for
first touches (the model's pages, the tokenizer's own cache).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from .backends import _forget, load_docs
from .common import DEFAULT_DATA

STAGES = {
    "prepare": "segmenting",
    "_embed_sentences": "embedding",
    "deduplicate_document": "duplicates",
    "_exclusions": "exclusions",
    "_rank": "ranking",
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--backend", default="static", help="static, onnx or torch")
    p.add_argument("--docs", type=int, default=100)
    p.add_argument("--runs", type=int, default=4)
    args = p.parse_args(argv)

    import summarize.api as api
    from summarize.embed import load_encoder

    docs = load_docs(args.data, args.docs)
    if not docs:
        print(f"no VietnameseMDS articles under {args.data}: nothing to time")
        return 0
    encoder = load_encoder(backend=args.backend, cache=False)
    sentences = sum(len(d["doc"].sentences) for d in docs)
    spent: Counter[str] = Counter()
    originals = {name: getattr(api, name) for name in STAGES}
    for name, stage in STAGES.items():
        setattr(api, name, _timed(originals[name], stage, spent))
    try:
        encoder.encode(["khởi động"], "query")
        print(f"{len(docs)} articles, {sentences} sentences, backend {args.backend}; ms per run:")
        for run in range(1, args.runs + 1):
            _forget(encoder)
            spent.clear()
            t = time.perf_counter()
            for d in docs:
                api.summarize(d["text"], title=d["title"], sentences=3, model=encoder)
            total = time.perf_counter() - t
            parts = ", ".join(f"{k} {1000 * v:.0f}" for k, v in spent.items())
            rest = 1000 * (total - sum(spent.values()))
            print(f"run {run}: {sentences / total:.0f} sentences/s, total {1000 * total:.0f} "
                  f"({parts}, other {rest:.0f})")  # fmt: skip
    finally:
        for name, fn in originals.items():
            setattr(api, name, fn)
    return 0


def _timed(fn, stage: str, spent: Counter[str]):
    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[stage] += time.perf_counter() - t

    return timed


if __name__ == "__main__":
    raise SystemExit(main())
