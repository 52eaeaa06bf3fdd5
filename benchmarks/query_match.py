"""How well ``query_matched`` (summarize/rank/query.py) tells a query the text answers from
one it does not.

    python -m benchmarks.query_match                    # default model, 150 baomoi + samples
    python -m benchmarks.query_match --model e5-static  # the --fast model
    python -m benchmarks.query_match --set bbc          # English: BBC articles and queries

Each article is asked three kinds of query, scored exactly as a query-focused summary
scores them (``relevance`` over the article's candidate sentences):

- related: its own title, and the title cut to its first 4 words (a keyword query);
- unrelated: the title of another article of the sample (half the sample away; a few are
  on a kindred topic, so this share is a floor), and four fixed off-topic queries.

It prints, per kind, the share judged matched at ``MATCH_MARGIN`` and at other margins,
with the margin in units of what is left from the unrelated level up to 1.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

from .common import BAOMOI, DEFAULT_DATA, DEFAULT_SAMPLES, present, read_jsonl

OFF_TOPIC = {
    "baomoi": ("bóng đá World Cup", "giá bitcoin", "iPhone mới ra mắt", "công thức nấu phở"),
    "bbc": (
        "flooding in Vietnam", "bitcoin price", "recipe for pho soup", "hospital waiting times",
    ),
}  # fmt: skip
BBC = "bbc_en_dev/bbc_dev.jsonl"
MARGINS = (0.03, 0.05, 0.08, 0.10, 0.12, 0.15)


def _articles(
    data: Path, samples: Path, n: int, seed: int, which: str = "baomoi"
) -> list[tuple[str | None, str]]:
    path = present(data, BBC if which == "bbc" else BAOMOI)
    rows = [r for r in read_jsonl(path) if r.get("title") and len(r.get("text", "")) > 800]
    random.Random(seed).shuffle(rows)
    found: list[tuple[str | None, str]] = [(r["title"], r["text"]) for r in rows[:n]]
    if which == "baomoi":
        found += [(None, p.read_text("utf-8")) for p in sorted(samples.glob("*.txt"))]
    return found


def measure(
    model: str | None, data: Path, samples: Path, n: int, seed: int, which: str = "baomoi"
) -> dict:
    from summarize.config import SummaryConfig
    from summarize.pipeline import Summarizer, shared_encoder
    from summarize.rank.query import relevance
    from summarize.text.prepare import prepare

    encoder = shared_encoder(model)
    cands = Summarizer(SummaryConfig(method="lead"))  # candidates only: no model call
    arts = _articles(data, samples, n, seed, which)
    kinds: dict[str, list[float]] = {"title": [], "4 words": [], "other title": [], "off-topic": []}
    for k, (title, text) in enumerate(arts):
        doc = prepare(text, title=title)
        texts = [s.text for s in cands.analyse(doc).candidates.sentences]
        if len(texts) < 4:
            continue
        own = doc.title or ""
        other = arts[(k + len(arts) // 2) % len(arts)][0] or "giá xăng dầu tăng"  # samples
        asked = {"title": [own], "4 words": [" ".join(own.split()[:4])],
                 "other title": [other], "off-topic": list(OFF_TOPIC[which])}  # fmt: skip
        for kind, queries in asked.items():
            for q in queries:
                if q.strip():
                    r = relevance(encoder, q, texts)
                    kinds[kind].append((r.best - r.unrelated) / (1.0 - r.unrelated))
    return {"model": encoder.name, "articles": len(arts), "margins": kinds}


def main(argv: list[str] | None = None) -> int:
    from summarize.rank.query import MATCH_MARGIN

    p = argparse.ArgumentParser(prog="python -m benchmarks.query_match", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    p.add_argument("--model", default=None, help="default: the default model (int8)")
    p.add_argument("-n", type=int, default=150, help="baomoi articles (%(default)s)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--set", choices=("baomoi", "bbc"), default="baomoi",
                   help="Vietnamese (baomoi + samples) or English (BBC) articles")  # fmt: skip
    args = p.parse_args(argv)
    if present(args.data, BBC if args.set == "bbc" else BAOMOI) is None:
        print(f"{args.set} not found under {args.data}: nothing to measure", file=sys.stderr)
        return 0
    found = measure(args.model, args.data, args.samples, args.n, args.seed, args.set)
    print(f"model {found['model']}, {found['articles']} articles; share judged matched:")
    print(f"{'query':12s} {'n':>4s} " + " ".join(f"{m:>6.2f}" for m in MARGINS))
    for kind, values in found["margins"].items():
        v = np.asarray(values)
        print(f"{kind:12s} {len(v):4d} " + " ".join(f"{np.mean(v >= m):6.3f}" for m in MARGINS))
    print(f"(shipped margin: {MATCH_MARGIN})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
