"""Embedding many documents' sentences in one model call, behind the Encoder interface.

Why: the digest embeds one article at a time, about 18 sentences, which the onnx backend
runs as a few small length-sorted batches; every model run has a fixed cost (about 400
graph nodes, activations quantised per run), so small runs waste most of it. Told the
next documents' texts ahead (:meth:`PrefetchEncoder.prefetch`), this wrapper embeds
them in one call, and then serves each document's own ``encode`` from memory. Texts it
was not told about go to the inner encoder as before. Results never depend on whether a
prefetch happened: the int8 and static backends give a text the same vector whatever
else is in the call, the fp32 one within 2e-7 (the int8 one runs one text per model call
since 2026-12-07, so it no longer gains from the larger calls either: docs/speed.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from summarize.embed.base import Encoder, text_list


class PrefetchEncoder:
    """An Encoder that can embed texts ahead of the calls that will ask for them.

    ``prefetch(texts, prompt_name)`` embeds the texts not already held, in one call of
    the inner encoder; ``encode`` takes what it holds and asks the inner encoder for the
    rest; ``forget()`` drops what is held (call it once a window of documents is done,
    so memory stays bounded by the window).
    """

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name: str = inner.name
        self.dim: int = inner.dim
        self._held: dict[tuple[str, str], np.ndarray] = {}

    def __repr__(self) -> str:
        return f"PrefetchEncoder({self.inner!r})"

    def prefetch(self, texts: Iterable[str], prompt_name: str = "passage") -> None:
        todo = [t for t in dict.fromkeys(text_list(texts)) if (prompt_name, t) not in self._held]
        if not todo:
            return
        vecs = np.asarray(self.inner.encode(todo, prompt_name), dtype=np.float32)
        self._held.update(((prompt_name, t), v) for t, v in zip(todo, vecs, strict=True))

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        texts = text_list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing = [i for i, t in enumerate(texts) if (prompt_name, t) not in self._held]
        if missing:
            out[missing] = self.inner.encode([texts[i] for i in missing], prompt_name)
        for i, t in enumerate(texts):
            held = self._held.get((prompt_name, t))
            if held is not None:
                out[i] = held
        return out

    def forget(self) -> None:
        self._held.clear()

    def __len__(self) -> int:
        return len(self._held)
