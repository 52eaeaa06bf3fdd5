"""How often a story summary states one thing twice: twins among its picks, with ROUGE.

    python -m benchmarks.story_twins [--data ../shared/data] [--model e5] [--limit N]
        [--cosine 0.92] [--show 25]

The story summaries are the quality harness's (``benchmarks.quality.multi_document``):
``summarize_many`` on each VietnameseMDS cluster with the references' mean length as its
word budget, the held-out fold scorers and screens, mean F1 against both references.
For each summary it counts the picks with a *twin*, another pick of the same summary:

* at cosine ``--cosine`` or more (the model's unit vectors, similarity prompt), the
  measure docs/digest.md ("Not done") started from; about half of such pairs state one
  fact twice, the rest are two statements on one subject (25 read by hand);
* that the duplicate engine's own verdict calls duplicates (the model's calibrated
  decision with its shingle floor and fact guard: ``dedup.calibration.pair_signals``
  and ``verdicts``), a later pick against an earlier one.

``--show N`` prints N cosine twins at random (seeded), to read. Skips cleanly without
the data. Quick: the story summaries' vectors are in the embedding cache after one run.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from unicodedata import normalize

import numpy as np

from .common import DEFAULT_DATA, VMDS_CLUSTERS, encoder_for, present, read_jsonl, resolve_models
from .quality import _fold, _held_out, cluster_budget
from .rouge import rouge


def twins(texts: list[str], vectors: np.ndarray, cosine: float, config) -> tuple[list, list]:
    """Per pick: whether another pick is at ``cosine`` or more; whether the engine's
    verdict calls it a duplicate of an earlier pick."""
    from summarize.dedup.calibration import pair_signals, verdicts

    sims = vectors @ vectors.T
    near = [
        bool(any(sims[i, j] >= cosine for j in range(len(texts)) if j != i))
        for i in range(len(texts))
    ]
    pairs = [(j, i) for i in range(len(texts)) for j in range(i)]
    dup = [False] * len(texts)
    if pairs and config.decision is not None:
        s = pair_signals(
            [(texts[j], texts[i], False) for j, i in pairs],
            np.array([sims[j, i] for j, i in pairs]),
            config,
            vectors=(vectors[[j for j, _ in pairs]], vectors[[i for _, i in pairs]]),
        )
        for (_, i), found in zip(pairs, verdicts(s, config.decision, config), strict=True):
            dup[i] = dup[i] or bool(found)
    return near, dup


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--model", default="e5", help="as python -m benchmarks takes it (%(default)s)")
    p.add_argument("--method", default="learned")
    p.add_argument("--limit", type=int, default=None, help="the first N clusters")
    p.add_argument("--cosine", type=float, default=0.92)
    p.add_argument("--show", type=int, default=0, help="print N cosine twins to read")
    args = p.parse_args(argv)
    path = present(args.data, VMDS_CLUSTERS)
    if path is None:
        print(f"no development data under {args.data}: nothing to measure")
        return 0
    from summarize import prepare
    from summarize.api import summarize_many
    from summarize.dedup.calibration import dedup_config
    from summarize.embed.document import SIMILARITY_PROMPT
    from summarize.errors import SummarizeError

    [spec] = resolve_models([args.model])
    model = encoder_for(spec)
    config = dedup_config(model.name, None, "fuller")
    t0 = time.perf_counter()
    scores, picks, near_picks, near_summaries, dup_summaries, shown = [], 0, 0, 0, 0, []
    for c in read_jsonl(path, args.limit):
        refs = [normalize("NFC", s) for s in c["summaries"]]
        docs = []
        for d in c["docs"]:
            try:
                docs.append(
                    prepare(normalize("NFC", d["text"]), title=normalize("NFC", d["title"]))
                )
            except SummarizeError:
                continue
        if not docs or not refs:
            continue
        fold = _fold("vmds", {"cluster_id": str(c["id"]).removeprefix("vmds-")})
        with _held_out(args.method, model, fold):
            story = summarize_many(
                docs, words=cluster_budget(refs), method=args.method, model=model
            )
        scores.append(rouge(story.text, refs))
        texts = [s.text for s in story.sentences]
        if not texts:
            continue
        vectors = np.asarray(model.encode(texts, prompt_name=SIMILARITY_PROMPT), np.float32)
        near, dup = twins(texts, vectors, args.cosine, config)
        picks += len(texts)
        near_picks += sum(near)
        near_summaries += any(near)
        dup_summaries += any(dup)
        sims = vectors @ vectors.T
        shown += [
            (c["id"], float(sims[j, i]), texts[j], texts[i])
            for i in range(len(texts))
            for j in range(i)
            if sims[j, i] >= args.cosine
        ]
    n = len(scores)
    if not n:
        print("no cluster summarised")
        return 1

    def mean(metric: str) -> float:
        return 100 * sum(s[metric] for s in scores) / n

    print(f"{n} story summaries ({spec.label}, {args.method}), {picks} picks, "
          f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
    print(f"ROUGE-1 {mean('rouge1'):.2f}  ROUGE-2 {mean('rouge2'):.2f}  "
          f"ROUGE-L {mean('rougeL'):.2f}")  # fmt: skip
    print(f"picks with a twin at cosine >= {args.cosine}: {100 * near_picks / max(picks, 1):.1f} %"
          f"; summaries with one: {100 * near_summaries / n:.1f} %")  # fmt: skip
    print(f"summaries with two picks the duplicate decision calls duplicates: "
          f"{100 * dup_summaries / n:.1f} % ({dup_summaries})")  # fmt: skip
    for cid, cos, a, b in random.Random(7).sample(shown, min(args.show, len(shown))):
        print(f"\n{cid} cosine {cos:.3f}\n  {a}\n  {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
