"""Deprecated module name, kept until api.py, cli.py and digest/ import from the package.

Everything here now lives in ``summarize.embed`` (``registry``, ``base``,
``torch_backend``); import it from ``summarize.embed``. To be deleted once nothing
imports ``summarize.embed.encoder``.
"""

from summarize.embed.base import Encoder, folder_fingerprint
from summarize.embed.cache import CachedEncoder, embedding_stores
from summarize.embed.registry import (
    ALIASES,
    BACKEND_ABOUT,
    BACKEND_ALIAS,
    BACKENDS,
    DEFAULT_BACKEND,
    available_backends,
    available_models,
    build_backends,
    load_encoder,
)
from summarize.embed.torch_backend import SentenceTransformerEncoder

__all__ = [
    "ALIASES",
    "BACKENDS",
    "BACKEND_ABOUT",
    "BACKEND_ALIAS",
    "DEFAULT_BACKEND",
    "CachedEncoder",
    "Encoder",
    "SentenceTransformerEncoder",
    "available_backends",
    "available_models",
    "build_backends",
    "embedding_stores",
    "folder_fingerprint",
    "load_encoder",
]
