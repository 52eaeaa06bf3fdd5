"""Sweep the learned method's set search (``rank/select.choose_set``) on held-out folds.

    python -m benchmarks.set_search                          # default model, every sweep
    python -m benchmarks.set_search --models static --sweep pool

What is swept, each setting chosen per fold on a sample of that fold's *training*
articles (as ``train_ranker.with_reference`` chooses the reference length), then scored
on the held-out fold:

- ``pool``: how many candidates the exhaustive search considers (6 / 12 / 20 / 30), ordered
  by expected shared bigrams (``exp``, what ``choose_set`` does) or by probability (``p``),
  with the reference length re-chosen for each pool;
- ``div``: a charge for the set's most similar pair (``choose_set``'s ``diversity``);
- ``terms``: set-level similarity terms, MatchSum-style: ``lc`` times the cosine between the
  set's mean vector and the document centroid, ``lt`` times its cosine with the title.

The search is vectorised over every 1-3 sentence subset of the pool's sentences, keeping the
guards' units (a dangling sentence with its antecedent, a quote with its speaker), so a pool
of 30 costs seconds per thousand articles; with the shipped settings it picks what
``choose_set`` picks (tests/test_set_search.py), and it reproduces the held-out scores of
``train_ranker`` exactly. BBC is scored with 3-sentence summaries here (its harness row uses
a word budget, which goes to MMR and is untouched by all of this).

Reads the embedding cache (:mod:`benchmarks.ranker_data`) and the fold models written by
``python -m benchmarks.train_ranker --write`` (``benchmarks/results/ranker/``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, product
from pathlib import Path

import numpy as np

from .common import DEFAULT_DATA, DEFAULT_OUT, machine
from .ranker_data import DEFAULT_CACHE

Pool = tuple[str, int]  # (order, size): "exp" expected shared bigrams, "p" probability

SWEEPS: dict[str, dict] = {
    "pool": {"pools": [("exp", 6), ("exp", 12), ("exp", 20), ("exp", 30),
                       ("p", 6), ("p", 12), ("p", 20), ("p", 30)],
             "scales": (0.1, 0.25, 0.5, 1.0, 2.0), "divs": (0.0,), "lcs": (0.0,), "lts": (0.0,)},
    "div": {"pools": [("exp", 12), ("exp", 20), ("exp", 30)], "scales": (0.1, 0.25, 0.5, 1.0),
            "divs": (0.0, 0.02, 0.05, 0.1, 0.15, 0.3), "lcs": (0.0,), "lts": (0.0,)},
    "terms": {"pools": [("exp", 12), ("exp", 20), ("exp", 30)], "scales": (0.25, 0.5),
              "divs": (0.0,), "lcs": (0.0, 0.25, 0.5, 1.0, 2.0, 4.0),
              "lts": (0.0, 0.25, 0.5, 1.0, 2.0)},
}  # fmt: skip
SHIPPED: Pool = ("exp", 12)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


@dataclass
class Sets:
    """Every set of 1-3 candidates the search may return for one article, with what each
    config weighs: expected shared bigrams ``hits``, bigrams ``length``, the most similar
    pair's cosine ``closest``, the mean vector's cosine with the centroid and the title."""

    sentences: list[int]  # candidate index of each column of a subset
    subsets: list[tuple[int, ...]]  # subsets of columns
    size: np.ndarray  # sentences per subset
    hits: np.ndarray
    length: np.ndarray
    closest: np.ndarray
    centroid: np.ndarray
    title: np.ndarray
    feasible: dict[Pool, np.ndarray]  # per pool: the subsets of the largest size reachable

    def best(self, pool: Pool, reference: float, div=0.0, lc=0.0, lt=0.0) -> list[int]:
        """The candidates of the set with the highest value (choose_set's objective plus the
        optional terms), in document order; the first of equals, as choose_set."""
        idx = self.feasible[pool]
        if not len(idx):
            return []
        v = 2 * self.hits[idx] / (self.length[idx] + reference) - div * self.closest[idx]
        if lc or lt:
            v = v + lc * self.centroid[idx] + lt * self.title[idx]
        return sorted(self.sentences[j] for j in self.subsets[int(idx[int(np.argmax(v))])])


def enumerate_sets(
    texts: Sequence[str], p: np.ndarray, vectors: np.ndarray, title: np.ndarray | None,
    pools: Sequence[Pool],
) -> Sets:  # fmt: skip
    """All sets of up to 3 sentences (the leads' budget) the search can return under each
    pool, scored once (see :class:`Sets`)."""
    from summarize.rank.quotes import speaker_needs
    from summarize.rank.select import _bigrams, _companions

    n = len(texts)
    want = min(3, n)
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    grams = [_bigrams(t) for t in texts]
    size = np.array([sum(g.values()) for g in grams], dtype=np.float64)
    expected = p * size
    orders = {"exp": np.argsort(-expected, kind="stable"), "p": np.argsort(-p, kind="stable")}
    needs = speaker_needs(texts)
    comp = [_companions(i, texts, needs) for i in range(n)]
    members = {pool: [int(i) for i in orders[pool[0]][: pool[1]] if comp[i] is not None]
               for pool in pools}  # fmt: skip
    cols = sorted({s for m in members.values() for i in m for s in comp[i]})
    m = len(cols)
    where = {s: j for j, s in enumerate(cols)}
    subsets = [c for r in range(1, want + 1) for c in combinations(range(m), r)]
    a = np.full((len(subsets), 3), m)  # column m: a zero-weight pad
    for q, c in enumerate(subsets):
        a[q, : len(c)] = c
    k = (a < m).sum(axis=1)
    member = np.zeros((len(subsets), m + 1), bool)
    member[np.arange(len(subsets))[:, None], a] = True
    member = member[:, :m]
    e = np.append(expected[cols], 0.0)
    bigrams = np.append(size[cols], 0.0)
    shared = np.zeros((m + 1, m + 1))
    for i, j in combinations(range(m), 2):
        common = sum((grams[cols[i]] & grams[cols[j]]).values())
        shared[i, j] = shared[j, i] = min(p[cols[i]], p[cols[j]]) * common
    vecs = np.asarray(vectors, dtype=np.float64)
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    sims = np.zeros((m + 1, m + 1))
    sims[:m, :m] = vecs[cols] @ vecs[cols].T
    pairs = [(0, 1), (0, 2), (1, 2)]
    hits = e[a].sum(axis=1) - sum(shared[a[:, x], a[:, y]] for x, y in pairs)
    closest = np.where(k >= 2, np.max([sims[a[:, x], a[:, y]] for x, y in pairs], axis=0), 0.0)
    padded = np.vstack([vecs[cols], np.zeros(vecs.shape[1])])
    means = padded[a].sum(axis=1)
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    centroid = _unit(vecs.mean(axis=0))
    has_title = title is not None and np.any(title)
    title_v = _unit(np.asarray(title, dtype=np.float64)) if has_title else np.zeros(vecs.shape[1])
    feasible = {}
    for pool in pools:
        # a subset is reachable when every sentence in it is covered by a unit inside it
        cover = np.zeros_like(member)
        for i in members[pool]:
            u = [where[s] for s in comp[i]]
            inside = member[:, u].all(axis=1)
            cover[np.ix_(inside, u)] = True
        ok = (cover == member).all(axis=1)
        feasible[pool] = np.zeros(0, int)
        for target in range(want, 0, -1):  # the largest size any set reaches, as choose_set
            if (hit := ok & (k == target)).any():
                feasible[pool] = np.flatnonzero(hit)
                break
    return Sets(cols, subsets, k, hits, bigrams[a].sum(axis=1), closest, means @ centroid,
                means @ title_v, feasible)  # fmt: skip


# ------------------------------------------------------------------------- the sweep


def configs(sweep: dict) -> list[tuple]:
    return list(product(sweep["pools"], sweep["scales"], sweep["divs"], sweep["lcs"], sweep["lts"]))


def article_scores(item, scorer, mean_ref: float, grid: list[tuple]) -> np.ndarray:
    """ROUGE-2 × 100 of the set each config picks for one article under one fold model."""
    from .train_ranker import rouge_f

    pools = list(dict.fromkeys(c[0] for c in grid))
    sets = enumerate_sets(item.article.texts, scorer.precision(item.x), item.vectors,
                          item.title, pools)  # fmt: skip
    memo: dict[tuple[int, ...], float] = {}
    out = np.zeros(len(grid))
    for c, (pool, scale, div, lc, lt) in enumerate(grid):
        picks = tuple(sets.best(pool, scale * mean_ref, div, lc, lt))
        if picks not in memo:
            memo[picks] = 100 * rouge_f([t for i in picks for t in item.toks[i]], item.ref, 2)
        out[c] = memo[picks]
    return out


def sweep_model(data: dict, scorers: list, grid: list[tuple], log) -> dict:
    """Held-out scores of every config, and of the config each fold chose on its training
    sample, per family of configs sharing a pool."""
    from .train_ranker import FOLDS, TRAIN_SETS, TUNE_ARTICLES, _mean_ci, fold_of_group

    train = [it for ds in TRAIN_SETS for it in data.get(ds, []) if not it.contains_lead]
    mean_ref, tune = {}, {}
    for f in range(FOLDS):
        fold_train = [it for it in train if fold_of_group(it.group) != f]
        mean_ref[f] = statistics.fmean(max(len(it.ref) - 1, 1) for it in fold_train)
        sample = fold_train[:: max(1, len(fold_train) // TUNE_ARTICLES)]
        tune[f] = np.mean([article_scores(it, scorers[f], mean_ref[f], grid) for it in sample],
                          axis=0)  # fmt: skip
        log(f"fold {f}: training sample scored")
    held, folds = {}, {}
    for ds, items in data.items():
        folds[ds] = [fold_of_group(it.group) for it in items]
        held[ds] = np.array([article_scores(it, scorers[f], mean_ref[f], grid)
                             for it, f in zip(items, folds[ds], strict=True)])  # fmt: skip
        log(f"{ds}: held-out scored")

    def chosen(keep) -> dict:
        family = [c for c, cfg in enumerate(grid) if keep(cfg)]
        pick = {f: max(family, key=lambda c: tune[f][c]) for f in tune}
        scores = {ds: _mean_ci(held[ds][np.arange(len(folds[ds])), [pick[f] for f in folds[ds]]]
                               .tolist()) for ds in held}  # fmt: skip
        return {"per_fold": {f: _label(grid[c]) for f, c in pick.items()}, "rouge2": scores}

    return {
        "fixed": {_label(cfg): {ds: round(float(held[ds][:, c].mean()), 2) for ds in held}
                  for c, cfg in enumerate(grid)},
        "chosen_per_pool": {f"{o} {k}{name}": chosen(lambda cfg, pool=(o, k), keep=keep:
                                                     cfg[0] == pool and keep(cfg))
                            for o, k in dict.fromkeys(cfg[0] for cfg in grid)
                            for name, keep in _families(grid)},
        "chosen_overall": chosen(lambda cfg: True),
    }  # fmt: skip


def _families(grid: list[tuple]) -> list[tuple[str, object]]:
    """Which settings a fold may choose from: all of the sweep's, and with set terms also
    the centroid alone and the title alone (the reference length is always free)."""
    out = [("", lambda cfg: True)]
    if len({cfg[3] for cfg in grid}) > 1 and len({cfg[4] for cfg in grid}) > 1:
        out += [(", centroid only", lambda cfg: cfg[4] == 0.0),
                (", title only", lambda cfg: cfg[3] == 0.0)]  # fmt: skip
    return out


def _label(cfg: tuple) -> str:
    (order, size), scale, div, lc, lt = cfg
    return f"pool {order} {size}, R {scale}x, div {div}, centroid {lc}, title {lt}"


def main(argv: list[str] | None = None) -> int:
    from .train_ranker import MODELS, load_fold_scorers, load_items

    p = argparse.ArgumentParser(prog="python -m benchmarks.set_search", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    p.add_argument("--models", default="default")
    p.add_argument("--sweep", default="pool,div,terms", help="of: " + ", ".join(SWEEPS))
    p.add_argument("--sets", default=None, help="only these data sets (default: all)")
    p.add_argument("--json", type=Path, default=None, help="save the results here")
    args = p.parse_args(argv)
    args.label = "oracle"
    if not args.data.is_dir():
        print(f"data not found at {args.data}: nothing to measure", file=sys.stderr)
        return 0

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = {}
    for model in args.models.split(","):
        if model not in MODELS:
            p.error(f"--models: unknown model {model!r} (one of {', '.join(MODELS)})")
        scorers = load_fold_scorers(model)
        if scorers is None:
            log(f"{model}: no fold models in {DEFAULT_OUT / 'ranker'}; run "
                "python -m benchmarks.train_ranker --write first")  # fmt: skip
            return 1
        data = load_items(args, model, "oracle")
        for name in args.sweep.split(","):
            if name not in SWEEPS:
                p.error(f"--sweep: unknown sweep {name!r} (one of {', '.join(SWEEPS)})")
            got = sweep_model(data, scorers, configs(SWEEPS[name]), log)
            results[f"{model}/{name}"] = got
            print(f"\n{model} model, sweep {name}: held-out ROUGE-2 × 100 (BBC: 3 sentences)\n")
            print("| settings | " + " | ".join(data) + " |\n|---|" + "---:|" * len(data))
            for cfg, per in got["fixed"].items():
                print(f"| {cfg} | " + " | ".join(f"{per[ds]:.2f}" for ds in data) + " |")
            for pool, row in got["chosen_per_pool"].items():
                cells = " | ".join(f"{row['rouge2'][ds][0]:.2f}" for ds in data)
                print(f"| **pool {pool}, settings chosen per fold on training** | {cells} |")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
