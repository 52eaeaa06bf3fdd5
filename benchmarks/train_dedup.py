"""Fit and check the duplicate decision of each model; write the shipped decision files.

    python -m benchmarks.train_dedup [--data ../shared/data] [--models e5,e5-static,e5-fp32]
        [--write] [--readme] [--seeds 3] [--six-features]

For each model (``e5`` is the default int8 model): the pairs are embedded (prompt
"query", as the engine does) and then, all cross-validated (5 folds, stratified by
set and label, repeated ``--seeds`` times; every number is on held-out pairs):

- each signal alone (cosine, shingle Jaccard, containment), at the best-F1 threshold
  of the training folds, and at the best threshold that keeps the decision's precision
  on the training folds (the like-for-like comparison);
- the engine as it was before (cosine >= the model's old threshold with shingle
  overlap >= 0.2, text signals, fact guard);
- the combined decision fitted on the pairs only, and the shipped one: fitted on the
  pairs and on sentence pairs inside VietnameseMDS articles (which are not
  duplicates), letting at most 2% of those merge; the decisions' thresholds keep a
  precision of 0.995 on the training folds (``--min-precision``), for 0.99 held out;
- the combined decision trained on one set and scored on the other;
- cross-lingual (Tatoeba vi-en): the cosine at which at most 1% of the training
  folds' pairs of a sentence and another pair's translation merge, scored on the
  held-out pairs through the engine (number guard, word minimum): recall, false
  merges with the next pair's translation, and the share of sentences that would
  merge with any of the 499 other translations (a harder test than the goal's);
- inside 300 other VietnameseMDS articles: sentences removed by meaning, before
  and after.

Every decision stacks a score on the pairs' sentence vectors (fitted on the labelled
pairs only, with a six-feature gate that keeps 99% of its merges; docs/duplicates.md,
"The vector score"); ``--six-features`` leaves it out (the decisions shipped before
2026-12-07). The "combined" rows keep the first wording, "combined_fuller" a later,
fuller one (the default keep policy).
``--write`` saves the decisions fitted on all pairs to ``summarize/dedup/decisions/``;
``--readme`` rewrites the README table between ``<!-- dedup-table -->`` markers.
Results go to ``benchmarks/results/dedup.json``. Skips cleanly without the data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import dedup_eval
from .common import DEFAULT_DATA, DEFAULT_OUT, REPO, cpu_model, resolve_models, save
from .dedup_data import article_pairs, load, with_cosines
from .dedup_eval import cross_lingual, cv_decision, cv_single, cv_transfer, old_rule, within

MAX_UNRELATED = 0.02  # share of same-article pairs the decision may merge
# A model whose translations reach less held-out recall ships no cross-lingual cosine
# (the static model's vectors barely align languages): it falls back, with a warning.
MIN_CROSS_RECALL = 0.8
MODELS = "e5,e5-static,e5-fp32"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.train_dedup", description=__doc__)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--models", default=MODELS)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument(
        "--min-precision",
        type=float,
        default=dedup_eval.MIN_PRECISION,
        help="precision every threshold is chosen to keep on the training folds",
    )
    p.add_argument("--write", action="store_true", help="write the shipped decision files")
    p.add_argument(
        "--six-features",
        dest="vector_score",
        action="store_false",
        help="no score on the pairs' vectors (docs/duplicates.md, 'The vector score')",
    )
    p.add_argument("--readme", action="store_true", help="rewrite the README table")
    args = p.parse_args(argv)
    dedup_eval.MIN_PRECISION = args.min_precision
    if not args.data.is_dir():
        log(f"benchmark data not found at {args.data}: skipping")
        return 0
    data = load(args.data, log)
    if data is None:
        return 0
    from summarize.dedup.calibration import pair_signals

    log("text signals of the pairs and of same-article sentence pairs")
    lexical = [pair_signals(s.pairs, np.zeros(len(s.pairs))) for s in data.sets]
    apairs, where = article_pairs(data.train_docs)
    alexical = pair_signals(apairs, np.zeros(len(apairs)))
    results = {"command": "python -m benchmarks.train_dedup " + " ".join(argv or sys.argv[1:])}
    results |= {"date": dt.date.today().isoformat(), "cpu": cpu_model(), "models": {}}
    for spec in resolve_models(args.models.split(",")):
        log(f"model {spec.label}")
        results["models"][spec.label] = run_model(spec, data, lexical, alexical, where, args)
    path = save(DEFAULT_OUT, "dedup", results)
    table = markdown(results)
    print(table)
    log(f"results: {path}")
    if args.readme:
        _rewrite_readme(table)
    return 0


def run_model(spec, data, lexical, alexical, where, args) -> dict:
    from summarize.dedup.decision import model_key, save_decision
    from summarize.dedup.engine import DEFAULT_CONFIG
    from summarize.embed import load_encoder

    encoder = load_encoder(spec.ref)
    sets = []
    for s, lex in zip(data.sets, lexical, strict=True):
        a = encoder.encode([x for x, _, _ in s.pairs], prompt_name="query")
        b = encoder.encode([x for _, x, _ in s.pairs], prompt_name="query")
        a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
        signals = with_cosines(lex, np.sum(a * b, axis=1))
        sets.append((s, replace(signals, va=a, vb=b) if args.vector_score else signals))
    train_vectors = _article_vectors(encoder, data.train_docs)
    acos = np.array([float(train_vectors[d][i] @ train_vectors[d][j]) for d, i, j in where])
    unrelated = with_cosines(alexical, acos)
    budget = _budget(unrelated)
    if args.vector_score:
        unrelated = _with_vectors(unrelated, where, train_vectors)
    key = model_key(encoder.name)
    seeds = range(args.seeds)
    out: dict = {"encoder": encoder.name, "unrelated_pairs": budget[1], "max_unrelated": budget[0]}
    out["single"] = cv_single(sets, seeds)
    out["single_precise"] = cv_single(sets, seeds, dedup_eval.MIN_PRECISION)
    out["min_precision"] = dedup_eval.MIN_PRECISION
    out["before"] = old_rule(sets, encoder.name)
    out["pairs_only"] = cv_decision(key, sets, seeds)
    out["combined"] = cv_decision(key, sets, seeds, unrelated, budget[0])
    # The same decision when a later, fuller wording replaces the earlier one (the default).
    fuller = replace(DEFAULT_CONFIG, keep_fuller=True)
    out["combined_fuller"] = cv_decision(key, sets, seeds, unrelated, budget[0], config=fuller)
    out["transfer"] = cv_transfer(key, sets, unrelated, budget[0])
    decision = _final(key, sets, unrelated, budget[0])
    if data.translations:
        out["cross_lingual"], threshold = cross_lingual(encoder, data.translations, seeds)
        usable = out["cross_lingual"]["recall"] >= MIN_CROSS_RECALL
        decision = replace(decision, cross_lingual=threshold if usable else None)
    check_vectors = _article_vectors(encoder, data.check_docs)
    out["within"] = within(data.check_docs, check_vectors, encoder.name, decision)
    loose = _final(key, sets, None, 0)  # fitted on the pairs only: the jump it would make
    out["within_pairs_only"] = within(data.check_docs, check_vectors, encoder.name, loose)
    out["decision"] = decision.to_json()
    if args.write:
        info = {k: out[k] for k in ("combined", "within") if k in out}
        info |= {k: v for k, v in decision.info.items() if k == "vector_score"}
        info["cross_lingual"] = out.get("cross_lingual")
        info |= {"fitted": dt.date.today().isoformat(), "by": "python -m benchmarks.train_dedup"}
        folder = REPO / "summarize" / "dedup" / "decisions"
        log(f"wrote {save_decision(replace(decision, info=info), folder)}")
    return out


def _article_vectors(encoder, docs) -> list[np.ndarray]:
    from summarize.embed.document import embed_document

    return [embed_document(doc, encoder).sentences for doc in docs]


def _with_vectors(unrelated, where, vectors):
    """The same-article pairs the decision sees (the others never reach it: neither its
    fit nor its threshold reads them), with their two sentence vectors."""
    from summarize.dedup.calibration import PairSignals, _reaching
    from summarize.dedup.engine import DEFAULT_CONFIG

    seen = np.flatnonzero(_reaching(unrelated, 0.1, DEFAULT_CONFIG))
    arrays = {f: getattr(unrelated, f)[seen] for f in dedup_eval._FIELDS}
    va = np.stack([vectors[where[n][0]][where[n][1]] for n in seen]).astype(np.float32)
    vb = np.stack([vectors[where[n][0]][where[n][2]] for n in seen]).astype(np.float32)
    return PairSignals(**arrays, va=va, vb=vb)


def _budget(unrelated) -> tuple[int, int]:
    """(merges allowed, pairs the decision sees) among the same-article pairs."""
    from summarize.dedup.calibration import _reaching
    from summarize.dedup.engine import DEFAULT_CONFIG

    seen = int(_reaching(unrelated, 0.1, DEFAULT_CONFIG).sum())
    return int(MAX_UNRELATED * seen), seen


def _final(key, sets, unrelated, budget):
    from summarize.dedup.calibration import fit_decision

    from .dedup_eval import concat

    signals, gold, weight, _ = concat(sets)
    return fit_decision(key, signals, gold, weight=weight, unrelated=unrelated,
                        max_unrelated=budget, min_precision=dedup_eval.MIN_PRECISION)  # fmt: skip


def markdown(results: dict) -> str:
    """The README table: held-out P / R / F1 (× 100) per system and set."""
    from .dedup_eval import table

    return table(results)


def _rewrite_readme(table: str) -> None:
    path = REPO / "README.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- dedup-table -->", "<!-- /dedup-table -->"
    if start not in text or end not in text:
        log("README has no dedup-table markers: not rewritten")
        return
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")
    log("README table rewritten")


if __name__ == "__main__":
    sys.exit(main())
