"""A sentence's vector from the default int8 model depends on that sentence only.

The int8 graph quantises activations with one scale per model call, so a sentence run in
a batch got a vector that depended on its batch-mates (cosine down to 0.995): a summary
changed with ``--batch-size``, with a warm cache and with ``digest --resume``. The onnx
backend now runs one text per call; these tests hold it to bit-identical vectors on real
sentences (the sample articles, split by the project's segmenter).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from summarize.embed import CachedEncoder, available_models, load_encoder
from summarize.embed.onnx_backend import RUN_FORMAT, OnnxEncoder
from summarize.text.segment import segment

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def real_sentences(n: int = 50) -> list[str]:
    """``n`` distinct sentences of the sample articles, spread over all of them."""
    found: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        _, sentences = segment(path.read_text(encoding="utf-8"))
        found += [s.text for s in sentences if s.text.strip() and s.text not in found]
    step = max(1, len(found) // n)
    picked = found[::step][:n]
    assert len(picked) == n
    return picked


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return real_sentences()


@pytest.fixture(scope="module")
def int8(default_encoder) -> OnnxEncoder:
    inner = getattr(default_encoder, "inner", default_encoder)
    assert isinstance(inner, OnnxEncoder)
    return inner


@pytest.fixture(scope="module")
def alone(int8: OnnxEncoder, sentences: list[str]) -> np.ndarray:
    """Each sentence's vector from a call of its own."""
    return np.concatenate([int8.encode([s]) for s in sentences])


def test_vector_does_not_depend_on_the_rest_of_the_call(int8, sentences, alone) -> None:
    lengths = {len(int8.tokenizer.encode(s).ids) for s in sentences}
    assert len(lengths) > 10  # padding and mixed lengths are exercised
    np.testing.assert_array_equal(int8.encode(sentences), alone)
    order = list(range(len(sentences)))
    random.Random(7).shuffle(order)
    shuffled = int8.encode([sentences[i] for i in order])
    np.testing.assert_array_equal(shuffled, alone[order])
    for prompt in ("query", "passage"):  # one sentence among others, either prompt
        first = int8.encode(sentences[:1], prompt)
        np.testing.assert_array_equal(int8.encode(sentences[:10], prompt)[:1], first)


@pytest.mark.parametrize("batch_size", [1, 8, 64])
def test_batch_size_does_not_change_vectors(batch_size: int, sentences, alone) -> None:
    encoder = load_encoder(batch_size=batch_size, cache=False)
    np.testing.assert_array_equal(encoder.encode(sentences), alone)


def test_warm_cache_gives_the_fresh_vectors(default_encoder, sentences, alone, tmp_path) -> None:
    """A summary never depends on the cache: half the vectors cached in another call,
    the rest computed now, all equal to fresh ones after the float32 round trip."""
    inner = getattr(default_encoder, "inner", default_encoder)
    cached = CachedEncoder(inner, tmp_path / "vectors.sqlite")
    cached.encode(sentences[::2])
    mixed = cached.encode(sentences)
    assert cached.hits == len(sentences[::2])
    np.testing.assert_array_equal(mixed, alone)


def test_run_format_is_in_the_cache_key(default_encoder) -> None:
    """Vectors of the batched runs before (name without the tag) are another store."""
    assert default_encoder.name.endswith(RUN_FORMAT)
    rows = [r for r in available_models() if r.get("id") == default_encoder.name]
    assert rows and rows[0]["kind"] == "backend onnx (default)"
