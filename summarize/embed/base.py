"""What every part of ``summarize.embed`` shares: the Encoder interface and small helpers.

This is the bottom layer: it imports nothing from summarize but ``errors``, so the store,
the backends, the build recipes and the registry can all depend on it without a cycle.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

MANIFEST = "manifest.json"  # in every folder we build: sha256 and size of each file
_HEAD_TAIL = 1 << 20  # bytes of a large file that enter its fingerprint, at each end


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit vectors, one row per text."""

    name: str  # stable id; the embedding cache is keyed by it
    dim: int

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        """float32 array of shape (len(texts), dim), rows L2-normalised; n may be 0."""
        ...


def text_list(texts: Sequence[str]) -> list[str]:
    """``texts`` as a list, refusing non-strings early: a model would fail obscurely."""
    texts = list(texts)
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("encode() takes a sequence of str")
    return texts


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit length in place; an all-zero row (no token) stays zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


def one_line(exc: BaseException, limit: int = 200) -> str:
    """The first non-blank line of an error, cut to ``limit``: our errors are one line."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def version(package: str) -> str:
    """Installed version of ``package`` ("unknown" if absent), recorded in manifests."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def console():  # -> rich.console.Console
    """stderr console for build progress; imported late, rich is not needed to encode."""
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


def fingerprint(manifest: dict) -> str:
    """A short id of a built folder's files; it changes whenever any of them changes."""
    blob = json.dumps(manifest["files"], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def folder_fingerprint(folder: Path) -> str:
    """A short content id for a model folder, for cache keys.

    Our own builds carry a manifest of sha256s, which is used as is. For other folders
    the small files are hashed whole, but of each large one (the weights) only its size
    and first and last megabyte: reading gigabytes on every load would cost seconds, and
    a re-trained model changes its tensors' bytes at both ends of the file.
    """
    manifest = folder / MANIFEST
    if manifest.is_file():
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
