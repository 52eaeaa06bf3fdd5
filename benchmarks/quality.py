"""Summary quality on VietnameseMDS: this tool's methods against LEAD-3 and peers.

Single documents: 3-sentence summaries scored against the publisher's lead
(sapo), which is abstractive, so ROUGE rewards content rather than copying.
Every system gets the sentences of our own segmentation, so only the choice of
sentences differs.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from unicodedata import normalize

from .peers import PEERS, PeerUnavailable
from .rouge import rouge

OURS = ("textrank", "lexrank")


def load_docs(data: Path, limit: int | None = None) -> list[dict]:
    path = data / "vmds_ktlab" / "vmds_docs.jsonl"
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line))
            if limit and len(docs) >= limit:
                break
    return docs


def single_document(data: Path, *, limit: int | None = None, model=None, k: int = 3) -> dict:
    """Mean ROUGE F1 per system over the VietnameseMDS articles."""
    from summarize import prepare, summarize
    from summarize.errors import SummarizeError

    docs = load_docs(data, limit)
    scores: dict[str, list[dict]] = {}
    status: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for d in docs:
        text = normalize("NFC", d["text"])
        ref = normalize("NFC", d["summary"])
        try:
            doc = prepare(text, title=normalize("NFC", d["title"]))
        except SummarizeError:
            continue
        sents = [s.text for s in doc.sentences]
        if len(sents) <= k:
            continue
        for method in OURS:
            t0 = time.perf_counter()
            result = summarize(doc, sentences=k, method=method, model=model)
            name = f"summarize {method}"
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0
            scores.setdefault(name, []).append(rouge(result.text, ref))
        for name, peer in PEERS.items():
            if status.get(name, "ok") != "ok":
                continue
            t0 = time.perf_counter()
            try:
                picked = peer(sents, k)
            except PeerUnavailable as e:
                status[name] = f"unavailable: {e}"
                continue
            except Exception as e:  # a peer crashing is a result too
                status[name] = f"failed: {type(e).__name__}: {e}"
                continue
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0
            scores.setdefault(name, []).append(rouge(" ".join(sents[i] for i in picked), ref))
    table = {}
    for name, rows in scores.items():
        table[name] = {
            m: round(100 * statistics.fmean(r[m] for r in rows), 2)
            for m in ("rouge1", "rouge2", "rougeL")
        }
        table[name]["documents"] = len(rows)
        table[name]["seconds"] = round(seconds.get(name, 0.0), 2)
    for name, why in status.items():
        if why != "ok":
            table[name] = {"status": why}
    return table
