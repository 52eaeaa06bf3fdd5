"""Fit the learned sentence scorer and report it honestly: held-out folds only.

    python -m benchmarks.train_ranker                 # cross-validate, print the tables
    python -m benchmarks.train_ranker --write         # ... and ship the weights
    python -m benchmarks.train_ranker --ablation      # ... and drop each feature group

Data (development only, ``../shared/data``): the raw baomoi articles and the
VietnameseMDS articles, each with its publisher lead. Articles whose body already
holds its lead (the lead's bigrams are nearly all in the first sentences) teach the
scorer to find a copy, not to summarise: they are left out of training, and kept in
evaluation. The English BBC set is never trained on: it is a held-out check of the
claim that the features are language-independent.

Cross-validation: 5 folds grouped by story (a VietnameseMDS cluster, or identical
baomoi bodies), so no fold is scored by a model that saw the same story. Each held-out
article is summarised exactly as :func:`summarize.summarize` does (the same candidates,
:func:`summarize.rank.methods.rank` and :func:`summarize.rank.select.choose`), 3
sentences for the leads, the reference's word count for BBC, and scored with the
harness's ROUGE (``benchmarks/rouge.py``). Embedding happens once per data set and
model (:mod:`benchmarks.ranker_data`, cached in ``/tmp/summarize-ranker``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from .common import DEFAULT_DATA, DEFAULT_OUT, machine
from .ranker_data import DEFAULT_CACHE, Article, Embedded, groups, load_or_collect
from .rouge import tokens

TRAIN_SETS = ("baomoi", "vmds")
CHECK_SETS = ("bbc",)
FOLDS = 5
LEAD_K = 3
CONTAINED = 0.8  # share of the lead's bigrams in the first sentences: the body holds it
C_REG = 1.0  # inverse L2 strength of the logistic regression (chosen by CV, see docs)
MODELS = {"default": None, "static": "e5-static"}
WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "summarize" / "rank" / "weights"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------- one article


@dataclass
class Item:
    """An article ready for fitting and scoring."""

    article: Article
    x: np.ndarray  # features, one row per candidate
    vectors: np.ndarray
    title: np.ndarray
    toks: list[list[str]]  # tokens of each candidate
    ref: list[str]  # tokens of the reference
    label: np.ndarray = field(default_factory=lambda: np.zeros(0))
    group: str = ""
    contains_lead: bool = False
    hits: np.ndarray = field(default_factory=lambda: np.zeros(0))  # reference bigrams held
    bigrams: np.ndarray = field(default_factory=lambda: np.zeros(0))  # bigrams of each one


def _ngrams(toks: Sequence[str], n: int) -> Counter:
    return Counter(zip(*(toks[i:] for i in range(n)), strict=False))


def rouge_f(cand: Sequence[str], ref: Sequence[str], n: int) -> float:
    c, r = _ngrams(cand, n), _ngrams(ref, n)
    hit = sum((c & r).values())
    if not hit:
        return 0.0
    p, rec = hit / sum(c.values()), hit / sum(r.values())
    return 2 * p * rec / (p + rec)


def oracle(toks: list[list[str]], ref: list[str], k: int = LEAD_K, full: bool = True) -> list[int]:
    """Greedy extractive oracle: add the sentence that raises R1+R2 most, up to ``k``.

    ``full``: always ``k`` sentences (the best *3-sentence* summary, which is what the
    budget asks for: short sentences that carry the lead's words win); otherwise stop
    when no sentence raises the score."""
    chosen: list[int] = []
    best = -1.0 if full else 0.0
    while len(chosen) < k:
        gains = []
        for i in range(len(toks)):
            if i in chosen:
                continue
            cand = [t for j in sorted([*chosen, i]) for t in toks[j]]
            gains.append((rouge_f(cand, ref, 1) + rouge_f(cand, ref, 2), i))
        if not gains:
            break
        score, i = max(gains)
        if score <= best:
            break
        chosen.append(i)
        best = score
    return chosen


def fold_of_group(group: str, k: int = FOLDS) -> int:
    """The cross-validation fold of a story: a stable hash, so every run and the quality
    harness agree, and a story never straddles two folds."""
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % k


def make_items(emb: Embedded, label: str, story: dict[str, str]) -> list[Item]:
    from summarize.rank.features import Context, feature_matrix

    out = []
    for k, a in enumerate(emb.articles):
        vecs = emb.of(a)
        title = emb.titles[k]
        ctx = Context(
            a.texts, vecs, title if np.any(title) else None, None, a.paragraph_starts,
            a.title or None,
        )  # fmt: skip
        toks = [tokens(t) for t in a.texts]
        ref = tokens(a.reference)
        group = story.get(a.id, f"{a.dataset}:{a.id}")
        item = Item(a, feature_matrix(ctx), vecs, title, toks, ref, group=group)
        first = [t for s in toks[:LEAD_K] for t in s]
        bigrams = _ngrams(ref, 2)
        if bigrams:
            hit = sum((_ngrams(first, 2) & bigrams).values())
            item.contains_lead = hit / sum(bigrams.values()) >= CONTAINED
        grams = [_ngrams(t, 2) for t in toks]
        item.bigrams = np.array([sum(g.values()) for g in grams], dtype=np.float64)
        item.hits = np.array([sum((g & bigrams).values()) for g in grams], dtype=np.float64)
        item.label = labels(item, label)
        out.append(item)
    return out


def labels(item: Item, kind: str) -> np.ndarray:
    """``oracle``: 1 for the oracle's sentences; ``rouge``: each sentence's R1+R2 F1;
    ``precision``: the share of each sentence's bigrams that are in the reference."""
    n = len(item.toks)
    if kind == "precision":
        return item.hits / np.maximum(item.bigrams, 1.0)
    if kind == "oracle":
        y = np.zeros(n)
        y[oracle(item.toks, item.ref)] = 1.0
        return y
    return np.array([rouge_f(t, item.ref, 1) + rouge_f(t, item.ref, 2) for t in item.toks])


# ------------------------------------------------------------------------- learners


def fit_linear(items: Sequence[Item], columns: np.ndarray, kind: str, select: str = "mmr"):
    """Logistic regression (oracle labels) or ridge (ROUGE labels) on standardised rows.

    ``select``: how a 3-sentence summary is then chosen; ``set`` (the command's default):
    the set with the best expected ROUGE-2 F1 (:func:`with_reference`); ``mmr`` (the
    screen's, ``benchmarks.train_screen``): the best scores one by one less a cost per
    log-word (:func:`with_length_cost`)."""
    from sklearn.linear_model import LogisticRegression, Ridge

    from summarize.rank.learned import LinearScorer

    x = np.concatenate([it.x[:, columns] for it in items])
    y = np.concatenate([it.label for it in items])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (x - mean) / scale
    if kind == "precision":
        return fit_precision(items, z, columns, mean, scale)
    if kind == "oracle":
        m = LogisticRegression(C=C_REG, max_iter=2000).fit(z, y.astype(int))
        coef, icpt = m.coef_[0], float(m.intercept_[0])
    else:
        m = Ridge(alpha=1.0).fit(z, y)
        coef, icpt = m.coef_, float(m.intercept_)
    scorer = LinearScorer(tuple(str(c) for c in columns), mean, scale, coef, icpt)
    if select == "set" and kind == "oracle":
        return with_reference(scorer, items, columns)
    return with_length_cost(scorer, items, columns)


def fit_precision(items: Sequence[Item], z: np.ndarray, columns, mean, scale):
    """Logistic regression on bigrams: each sentence is its bigrams, ``hits`` of them in the
    reference (label 1) and the rest not (label 0), so a long sentence weighs as much as
    its words do in ROUGE. The reference length of the set objective is then chosen on the
    training articles (:func:`with_reference`)."""
    from sklearn.linear_model import LogisticRegression

    from summarize.rank.learned import LinearScorer

    hits = np.concatenate([it.hits for it in items])
    total = np.concatenate([it.bigrams for it in items])
    keep = total > 0
    zz = np.concatenate([z[keep], z[keep]])
    y = np.concatenate([np.ones(int(keep.sum())), np.zeros(int(keep.sum()))])
    weight = np.concatenate([hits[keep], (total - hits)[keep]])
    m = LogisticRegression(C=C_REG, max_iter=3000).fit(zz, y, sample_weight=weight)
    scorer = LinearScorer(tuple(str(c) for c in columns), mean, scale, m.coef_[0],
                          float(m.intercept_[0]), target="precision")  # fmt: skip
    return with_reference(scorer, items, columns)


REFERENCE_SCALES = (0.1, 0.25, 0.5, 1.0, 2.0)


def with_reference(scorer, items: Sequence[Item], columns: np.ndarray):
    """The reference length of the set objective, a multiple of the training references'
    mean bigram count chosen by summarising a sample of the *training* articles.

    Why found, not assumed: the probabilities weighting each sentence's bigrams are not
    exact shares of shared bigrams (an oracle scorer's are not shares at all), so the
    length against which the set's own length is weighed is measured."""
    from summarize.rank.features import FEATURES
    from summarize.rank.select import Overlap

    names = tuple(FEATURES[c] for c in columns)
    mean_ref = statistics.fmean(max(len(it.ref) - 1, 1) for it in items)
    sample = [it for it in list(items)[:: max(1, len(items) // TUNE_ARTICLES)] if not budget(it)]
    best, best_ref = -1.0, mean_ref
    for k in REFERENCE_SCALES:
        r2 = statistics.fmean(
            rouge_f(summary_tokens(it, None, None, Overlap(scorer.precision(it.x[:, columns]),
                                                            k * mean_ref)), it.ref, 2)
            for it in sample
        )  # fmt: skip
        if r2 > best:
            best, best_ref = r2, k * mean_ref
    return replace(scorer, features=names, reference_bigrams=best_ref)


LENGTH_COSTS = (0.0, 0.25, 0.5, 0.75, 1.0)
TUNE_ARTICLES = 800


def with_length_cost(scorer, items: Sequence[Item], columns: np.ndarray):
    """Fold a cost per log-word into the scorer, chosen on its own training articles.

    Why: the oracle labels say which sentences belong in the best 3-sentence summary one
    sentence at a time, but ROUGE F1 of the summary also pays for every extra word; how
    much is decided by summarising (a sample of) the training articles, never held-out ones.
    """
    from summarize.rank.features import FEATURES

    names = [FEATURES[c] for c in columns]
    if "log_words" not in names:
        return scorer
    j = names.index("log_words")
    sample = list(items)[:: max(1, len(items) // TUNE_ARTICLES)]
    best, best_cost = -1.0, 0.0
    for cost in LENGTH_COSTS:
        r2 = statistics.fmean(
            rouge_f(summary_tokens(it, scorer.score(it.x[:, columns]) - cost * it.x[:, columns[j]],
                                   budget(it)), it.ref, 2)
            for it in sample if budget(it) is None
        )  # fmt: skip
        if r2 > best:
            best, best_cost = r2, cost
    return replace(scorer, features=tuple(names), length_cost=best_cost)


def fit_trees(items: Sequence[Item], columns: np.ndarray, kind: str):
    """Small gradient-boosted trees, for comparison only (not shipped unless they win)."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    x = np.concatenate([it.x[:, columns] for it in items])
    y = np.concatenate([it.label for it in items])
    if kind == "oracle":
        m = HistGradientBoostingClassifier(max_iter=200, max_depth=3, learning_rate=0.05)
        m.fit(x, y.astype(int))
        return lambda z: m.predict_proba(z)[:, 1]
    m = HistGradientBoostingRegressor(max_iter=200, max_depth=3, learning_rate=0.05).fit(x, y)
    return m.predict


# ------------------------------------------------------------------------- evaluation


def folds(items: Sequence[Item], k: int = FOLDS) -> list[int]:
    return [fold_of_group(it.group, k) for it in items]


def summary_tokens(item: Item, scores, budget_words: int | None, overlap=None) -> list[str]:
    """The summary's tokens as :func:`summarize.summarize` would choose it from ``scores``
    (or, with an :class:`~summarize.rank.select.Overlap` and no word budget, the set)."""
    return [t for i in summary_picks(item, scores, budget_words, overlap) for t in item.toks[i]]


def summary_picks(item: Item, scores, budget_words: int | None, overlap=None) -> list[int]:
    """The candidates :func:`summary_tokens` reads, in document order."""
    from summarize.rank.graph import similarity_matrix
    from summarize.rank.select import choose

    n = len(item.toks)
    limit = n if budget_words else min(LEAD_K, n)
    if scores is None:
        scores = overlap.precision
    pick = choose(scores, similarity_matrix(item.vectors), item.article.texts, limit,
                  max_words=budget_words, overlap=overlap)  # fmt: skip
    return sorted(pick.chosen)


def budget(item: Item) -> int | None:
    """Leads: 3 sentences. BBC: the extractive reference's word count."""
    return len(item.article.reference.split()) if item.article.dataset == "bbc" else None


def scores_of(method: str, item: Item) -> np.ndarray:
    from summarize.rank.methods import rank

    title = item.title[None, :] if np.any(item.title) else None
    return rank(method, item.vectors, title, texts=item.article.texts,
                title_text=item.article.title or None).scores  # fmt: skip


def evaluate(items: Sequence[Item], score: Callable[[Item], np.ndarray]) -> dict:
    """Mean ROUGE of the summaries; ``score`` gives an article's scores, or its scores and
    the :class:`~summarize.rank.select.Overlap` that selection maximises."""
    r1, r2 = [], []
    for it in items:
        got = score(it)
        scores, overlap = got if isinstance(got, tuple) else (got, None)
        toks = summary_tokens(it, scores, budget(it), overlap)
        r1.append(100 * rouge_f(toks, it.ref, 1))
        r2.append(100 * rouge_f(toks, it.ref, 2))
    return {"rouge1": _mean_ci(r1), "rouge2": _mean_ci(r2), "articles": len(items)}


def lead3(items: Sequence[Item]) -> dict:
    """LEAD-3 as the quality harness computes it: the document's first 3 sentences."""
    r1, r2 = [], []
    for it in items:
        if budget(it):
            # BBC: sentences in order while they fit, one too long skipped (take_words)
            text, used = [], 0
            for s in it.article.lead_sentences:
                if used + len(s.split()) > budget(it):
                    continue
                text.append(s)
                used += len(s.split())
            toks = tokens(" ".join(text))
        else:
            toks = tokens(" ".join(it.article.lead_sentences[:LEAD_K]))
        r1.append(100 * rouge_f(toks, it.ref, 1))
        r2.append(100 * rouge_f(toks, it.ref, 2))
    return {"rouge1": _mean_ci(r1), "rouge2": _mean_ci(r2), "articles": len(items)}


def _mean_ci(values: Sequence[float]) -> list[float]:
    if not values:
        return [float("nan"), float("nan")]
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return [round(statistics.fmean(values), 2), round(1.96 * sd / math.sqrt(len(values)), 2)]


def scorer_output(scorer, x: np.ndarray, *, word_budget: bool):
    """What :func:`summarize.rank.learned.learned_ranking` hands selection, from features."""
    scores, overlap = scorer.output(x, word_budget=word_budget)
    return scores if overlap is None else (scores, overlap)


def fit_folds(data: dict[str, list[Item]], columns: np.ndarray, fit: Callable, kind: str) -> list:
    """One model per fold, each fitted on the training articles of the other folds
    (articles that hold their lead left out)."""
    pool = [it for name in TRAIN_SETS for it in data.get(name, []) if not it.contains_lead]
    return [fit([it for it in pool if fold_of_group(it.group) != f], columns, kind)
            for f in range(FOLDS)]  # fmt: skip


def cross_validate(
    data: dict[str, list[Item]],
    columns: np.ndarray,
    fit: Callable,
    kind: str,
    *,
    models: list | None = None,
    rows: Callable[[Item], np.ndarray] = lambda it: it.x,
) -> dict[str, dict]:
    """Held-out scores per data set: each article scored by the model of its own fold,
    which never saw it (nor, for BBC, any English at all). ``models``: the fold models
    if already fitted; ``rows``: an article's feature rows (default: as collected)."""
    models = models or fit_folds(data, columns, fit, kind)

    def score(it: Item):
        m, z = models[fold_of_group(it.group)], rows(it)[:, columns]
        if not hasattr(m, "score"):
            return m(z)
        return scorer_output(m, z, word_budget=bool(budget(it)))

    return {name: evaluate(items, score) for name, items in data.items()}


def diagnose(data: dict[str, list[Item]], columns: np.ndarray, fit: Callable, kind: str) -> dict:
    """Where the held-out summaries lose to the oracle: the positions and lengths of the
    oracle's picks and of ours, how many we share, and how far the oracle gets within the
    first 5 or 10 candidates (``--diagnose``; the development sets only)."""
    models = fit_folds(data, columns, fit, kind)
    out = {}
    for name in TRAIN_SETS:
        rows = {"pos_oracle": [], "pos_ours": [], "len_oracle": [], "len_ours": [],
                "shared": [], "oracle": [], "oracle_first5": [], "oracle_first10": []}  # fmt: skip
        for it in data.get(name, []):
            got = scorer_output(models[fold_of_group(it.group)], it.x[:, columns],
                                word_budget=False)  # fmt: skip
            scores, overlap = got if isinstance(got, tuple) else (got, None)
            ours, best = summary_picks(it, scores, None, overlap), oracle(it.toks, it.ref)
            rows["pos_oracle"] += best
            rows["pos_ours"] += ours
            rows["len_oracle"] += [len(it.toks[i]) for i in best]
            rows["len_ours"] += [len(it.toks[i]) for i in ours]
            rows["shared"].append(len(set(best) & set(ours)))
            rows["oracle"].append(100 * rouge_f([t for i in sorted(best) for t in it.toks[i]],
                                                it.ref, 2))  # fmt: skip
            for k in (5, 10):
                sub = oracle(it.toks[:k], it.ref)
                rows[f"oracle_first{k}"].append(
                    100 * rouge_f([t for i in sorted(sub) for t in it.toks[i]], it.ref, 2)
                )
        if not rows["oracle"]:
            continue
        po, pu = np.array(rows["pos_oracle"]), np.array(rows["pos_ours"])
        out[name] = {
            "oracle_rouge2": _mean_ci(rows["oracle"]),
            "oracle_first5_rouge2": _mean_ci(rows["oracle_first5"]),
            "oracle_first10_rouge2": _mean_ci(rows["oracle_first10"]),
            "picks_at_position_5_or_later": {"oracle": round(float(np.mean(po >= 5)), 3),
                                              "ours": round(float(np.mean(pu >= 5)), 3)},
            "picks_in_first_3": {"oracle": round(float(np.mean(po < 3)), 3),
                                 "ours": round(float(np.mean(pu < 3)), 3)},
            "median_syllables_per_pick": {"oracle": float(np.median(rows["len_oracle"])),
                                          "ours": float(np.median(rows["len_ours"]))},
            "oracle_picks_we_share": round(float(np.mean(rows["shared"])), 2),
            "articles_sharing_none": round(float(np.mean(np.array(rows["shared"]) == 0)), 3),
        }  # fmt: skip
        print(f"\nDiagnosis, {name}: " + json.dumps(out[name], ensure_ascii=False))
    return out


# ------------------------------------------------------------------------- the command


def load_items(args, model_key: str, label: str) -> dict[str, list[Item]]:
    data = {}
    for name in (*TRAIN_SETS, *CHECK_SETS):
        if args.sets and name not in args.sets.split(","):
            continue
        emb = load_or_collect(args.data, name, MODELS[model_key], cache=args.cache, log=_log)
        if emb is not None:
            data[name] = make_items(emb, label, groups(args.data, name))
    return data


def _cell(r: dict) -> str:
    return f"{r['rouge2'][0]:.2f} ± {r['rouge2'][1]:.2f}"


def report_model(args, model_key: str) -> dict:
    from summarize.rank.features import COLUMNS, FEATURES

    data = load_items(args, model_key, args.label)
    if not data:
        return {}
    every = np.arange(len(FEATURES))
    linear = partial(fit_linear, select=args.select)
    fit = fit_trees if args.learner == "trees" else linear
    rows = {"LEAD-3": {n: lead3(v) for n, v in data.items()}}
    for method in ("lead", "textrank"):
        rows[f"summarize {method}"] = {n: evaluate(v, lambda it, m=method: scores_of(m, it))
                                       for n, v in data.items()}  # fmt: skip
    titled = fit_folds(data, every, fit, args.label)
    rows["summarize learned (held-out folds)"] = cross_validate(
        data, every, fit, args.label, models=titled
    )
    # The same articles given without their title: the titled scorer on the title's
    # columns at zero (what it did before the untitled scorer), and the untitled scorer.
    rows[WITHHELD_ROW] = cross_validate(
        data, every, fit, args.label, models=titled, rows=without_title
    )
    untitled = untitled_columns()
    bare = fit_folds(data, untitled, fit, args.label)
    rows[UNTITLED_ROW] = cross_validate(data, untitled, fit, args.label, models=bare)
    result = {"model": model_key, "rows": rows, "articles": {n: len(v) for n, v in data.items()},
              "left_out_of_training": {n: sum(it.contains_lead for it in v)
                                       for n, v in data.items() if n in TRAIN_SETS}}  # fmt: skip
    _print_rows(f"ROUGE-2 F1 x 100, {model_key} model (± 95% interval)", rows, data)
    if args.diagnose:
        result["diagnosis"] = diagnose(data, every, fit, args.label)
    if args.ablation:
        abl = {}
        for group in dict.fromkeys(g for _, g in COLUMNS):
            keep = np.array([i for i, (_, g) in enumerate(COLUMNS) if g != group])
            abl[f"without {group}"] = cross_validate(data, keep, fit, args.label)
            _log(f"ablation {group}: " + ", ".join(
                f"{n} {_cell(r)}" for n, r in abl[f"without {group}"].items()))  # fmt: skip
        result["ablation"] = abl
        every_row = {"all features": rows["summarize learned (held-out folds)"], **abl}
        _print_rows("Ablation: each feature group removed (held-out folds)", every_row, data)
    if args.write:
        pool = [it for n in TRAIN_SETS for it in data.get(n, []) if not it.contains_lead]
        write_weights(
            model_key, linear(pool, every, args.label), result, len(pool),
            untitled=linear(pool, untitled, args.label),
        )  # fmt: skip
        if fit is not linear:  # the held-out rows were another learner's: fit the shipped one
            titled, bare = (fit_folds(data, c, linear, args.label) for c in (every, untitled))
        write_fold_weights(model_key, titled, bare)
    return result


UNTITLED_ROW = "summarize learned, no title (held-out folds)"
WITHHELD_ROW = "... no title, the titled scorer on zeros (before the untitled scorer)"


def without_title(it: Item) -> np.ndarray:
    """The article's feature rows as computed without a title: its title columns zero
    (no other column reads the title)."""
    from summarize.rank.features import FEATURES, TITLE_FEATURES

    x = it.x.copy()
    x[:, [FEATURES.index(n) for n in TITLE_FEATURES]] = 0.0
    return x


def untitled_columns() -> np.ndarray:
    """Column indices of the features that do not read the title."""
    from summarize.rank.features import FEATURES, UNTITLED_FEATURES

    return np.array([FEATURES.index(n) for n in UNTITLED_FEATURES])


def fold_path(model_key: str, fold: int) -> Path:
    return DEFAULT_OUT / "ranker" / f"{model_key}-fold{fold}.json"


def write_fold_weights(model_key: str, models: Sequence, untitled: Sequence = ()) -> None:
    """The fold models (and the untitled ones), for the quality harness's held-out
    scores (not package data)."""
    for f, m in enumerate(models):
        path = fold_path(model_key, f)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"fold": f, "scorer": _full(m).to_json()}
        if untitled:
            payload["untitled"] = untitled[f].to_json()
        path.write_text(json.dumps(payload) + "\n")


def read_fold_files(paths: Sequence[Path]) -> list[dict] | None:
    """The fold files' JSON, None if one is missing. Each version of a file is parsed
    once: the quality harness asks for the fold models once per article."""
    if not all(p.is_file() for p in paths):
        return None
    return [_parsed(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths]


@lru_cache(maxsize=64)
def _parsed(path: str, mtime_ns: int, size: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_fold_scorers(model_key: str) -> list | None:
    """The fold models written by ``--write``; None if they are missing."""
    from summarize.rank.learned import LinearScorer

    found = read_fold_files([fold_path(model_key, f) for f in range(FOLDS)])
    return None if found is None else [LinearScorer.from_json(d["scorer"]) for d in found]


def load_fold_untitled(model_key: str) -> list | None:
    """The untitled fold models written by ``--write``; None if they are missing."""
    from summarize.rank.learned import LinearScorer

    found = read_fold_files([fold_path(model_key, f) for f in range(FOLDS)])
    if found is None or any(d.get("untitled") is None for d in found):
        return None
    return [LinearScorer.from_json(d["untitled"]) for d in found]


def _full(scorer):
    from summarize.rank.features import FEATURES

    return replace(scorer, features=FEATURES)


def _print_rows(heading: str, rows: dict[str, dict], data) -> None:
    names = list(data)
    print(f"\n{heading}\n")
    print("| system | " + " | ".join(f"{n} ({len(data[n])})" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for system, per in rows.items():
        print(f"| {system} | " + " | ".join(_cell(per[n]) for n in names) + " |")


def write_weights(model_key: str, scorer, result: dict, trained: int, untitled=None) -> Path:
    from summarize.rank.learned import WEIGHT_FILES

    scorer = _full(scorer)
    held = result["rows"]["summarize learned (held-out folds)"]
    payload = {
        "what": "learned sentence scorer (summarize.rank.learned); refit with "
                "python -m benchmarks.train_ranker --write",
        "model": model_key,
        "trained_on": f"{trained} development articles ({', '.join(TRAIN_SETS)}), "
                      f"label {LABEL_DOC[scorer.target]}",
        "cross_validated_rouge2": {n: r["rouge2"] for n, r in held.items()},
        "scorer": scorer.to_json(),
    }  # fmt: skip
    if untitled is not None:  # text without a title: the same fit without the title's columns
        payload["cross_validated_rouge2_untitled"] = {
            n: r["rouge2"] for n, r in result["rows"][UNTITLED_ROW].items()
        }
        payload["untitled"] = untitled.to_json()
    WEIGHTS_DIR.mkdir(parents=True, exist_ok=True)
    path = WEIGHTS_DIR / WEIGHT_FILES[model_key]
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    _log(f"wrote {path}")
    return path


LABEL_DOC = {
    "oracle": "oracle membership (greedy R1+R2 against the publisher lead, 3 sentences)",
    "precision": "share of each sentence's bigrams in the publisher lead (logistic on "
    "bigrams); sets chosen by expected ROUGE-2 F1",
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.train_ranker", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    p.add_argument("--models", default="default,static")
    p.add_argument("--label", choices=["oracle", "rouge", "precision"], default="oracle")
    p.add_argument("--learner", choices=["linear", "trees"], default="linear")
    p.add_argument("--select", choices=["set", "mmr"], default="set",
                   help="3-sentence summaries: the set with the best expected ROUGE-2 F1, "
                   "or MMR over scores less a cost per log-word")  # fmt: skip
    p.add_argument("--sets", default=None, help="only these data sets (default: all)")
    p.add_argument("--ablation", action="store_true")
    p.add_argument(
        "--diagnose",
        action="store_true",
        help="where held-out picks differ from the oracle's (positions, lengths)",
    )
    p.add_argument("--write", action="store_true", help="write the weights into the package")
    p.add_argument("--json", type=Path, default=None, help="save the results here")
    args = p.parse_args(argv)
    if not args.data.is_dir():
        _log(f"data not found at {args.data}: nothing to train on")
        return 0
    results = [report_model(args, key) for key in args.models.split(",") if key]
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
