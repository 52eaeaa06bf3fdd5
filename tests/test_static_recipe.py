"""The fast model's recipe distils only the pieces Vietnamese and English text is made of.

Why it matters: those ~96k of the 250k vocabulary pieces are the only ones run through the
default model (the build's cost); a piece real text uses but the selection misses would
get the linear approximation instead of its distilled vector.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from summarize.embed.recipes.static import map_from_inputs, vietnamese_english_pieces

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
ENGLISH = (
    "The committee said on Tuesday that the £2.5bn project would be finished by 2027, "
    "although critics doubt it."
)
# NFD text (decomposed tone marks), as some VietnameseMDS articles have.
DECOMPOSED = "Hà Nội mưa lớn, nhiều tuyến phố ngập sâu."


def test_every_piece_of_real_vietnamese_and_english_text_is_distilled(default_encoder) -> None:
    import unicodedata

    tokenizer = getattr(default_encoder, "inner", default_encoder).tokenizer
    vocab = tokenizer.get_vocab_size()
    distilled = vietnamese_english_pieces([tokenizer.id_to_token(i) or "" for i in range(vocab)])
    assert 80_000 < distilled.sum() < 110_000  # about 38 % of the 250,002 pieces
    texts = [p.read_text() for p in SAMPLES] + [ENGLISH, unicodedata.normalize("NFD", DECOMPOSED)]
    for text in texts:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        missed = [tokenizer.id_to_token(i) for i in ids if not distilled[i]]
        assert ids and not missed, missed
    others = ["北京是中国的首都", "Москва — столица России", "القاهرة عاصمة مصر"]
    for text in others:  # their words are left to the linear map (punctuation is shared)
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        words = [i for i in ids if any(ch.isalpha() for ch in tokenizer.id_to_token(i))]
        assert words and not any(distilled[i] for i in words)


def test_map_from_inputs_fills_only_the_other_rows_with_the_fitted_map() -> None:
    rng = np.random.default_rng(7)
    inputs = rng.standard_normal((600, 16)).astype(np.float32)
    true_w, true_b = rng.standard_normal((16, 8)), rng.standard_normal(8)
    outputs = (inputs @ true_w + true_b).astype(np.float32)
    fit = np.zeros(600, dtype=bool)
    fit[:400] = True
    fill = ~fit
    fill[-10:] = False  # rows neither fitted nor filled (special tokens) stay as they are
    raw = outputs.copy()
    raw[400:] = 0.0
    got = map_from_inputs(raw, inputs, fit, fill)
    np.testing.assert_array_equal(got[:400], outputs[:400])
    np.testing.assert_allclose(got[400:590], outputs[400:590], atol=1e-3)
    assert not got[590:].any()
