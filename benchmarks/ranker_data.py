"""The development articles as the ranker sees them, embedded once and cached.

Each article goes through the real pipeline up to ranking (:meth:`Summarizer.analyse`:
prepare, embed, duplicates, exclusions), so training sees exactly the candidates and
vectors the shipped method will see. What is kept per article: the candidates' texts,
document positions and paragraph starts, the first sentences of the document (for
LEAD-3 as the harness computes it), the reference, and per model the candidates'
vectors (``query`` prompt, as the pipeline embeds them), the title's, and with
``passage=True`` the candidates' ``passage`` vectors too (to measure whether e5's
asymmetric prompts help; the pipeline does not compute them).

Files: ``CACHE/{dataset}-{model}.json`` (records) and ``.npz`` (vectors, rows in record
order). Nothing is written into the repository; the data's text stays in the cache.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unicodedata import normalize

import numpy as np

from .common import BAOMOI, VMDS_DOCS, present, read_jsonl

BBC = "bbc_en_dev/bbc_dev.jsonl"
DATASETS = {"baomoi": BAOMOI, "vmds": VMDS_DOCS, "bbc": BBC}
DEFAULT_CACHE = Path("/tmp/summarize-ranker")
LEAD_KEEP = 5  # first sentences of the document kept for LEAD-k


@dataclass
class Article:
    """One article's candidates and reference; ``rows`` slices the cached vectors."""

    id: str
    dataset: str
    title: str
    reference: str
    texts: list[str]
    indices: list[int]  # document sentence index of each candidate
    paragraph_starts: list[bool]
    lead_sentences: list[str]  # the document's first sentences, chrome and all
    sentence_count: int
    rows: tuple[int, int] = (0, 0)


@dataclass
class Embedded:
    """A data set's articles and their vectors for one model."""

    articles: list[Article]
    vectors: np.ndarray  # candidates' query vectors, all articles stacked
    titles: np.ndarray  # one title row per article (zeros when there is no title)
    passages: np.ndarray | None  # candidates' passage vectors, when collected

    def of(self, a: Article) -> np.ndarray:
        return self.vectors[a.rows[0] : a.rows[1]]

    def passages_of(self, a: Article) -> np.ndarray | None:
        return None if self.passages is None else self.passages[a.rows[0] : a.rows[1]]


def _records(data: Path, dataset: str, limit: int | None) -> Iterator[tuple[str, str, str, str]]:
    path = present(data, DATASETS[dataset])
    if path is None:
        return
    for r in read_jsonl(path, limit):
        text = normalize("NFC", r.get("text") or "")
        ref = normalize("NFC", r.get("summary") or "")
        if text.strip() and ref.strip():
            yield str(r["id"]), normalize("NFC", r.get("title") or ""), text, ref


def collect(
    data: Path, dataset: str, model: str | None, *, passage: bool = False,
    limit: int | None = None, log=print,
) -> Embedded | None:  # fmt: skip
    """Run the pipeline up to ranking on every article of ``dataset``."""
    from summarize.api import Summarizer
    from summarize.config import SummaryConfig
    from summarize.embed import load_encoder
    from summarize.errors import SummarizeError
    from summarize.text.prepare import prepare

    if present(data, DATASETS[dataset]) is None:
        log(f"skipping {dataset}: {data / DATASETS[dataset]} not found")
        return None
    encoder = load_encoder(model)
    # Every candidate embedded: the screened scope (the default since bddca60) leaves
    # rows it does not embed at zero, and training on those teaches the scorer nothing
    # (a cache built so scored TextRank 14.47 and the lead 12.69 on baomoi, against
    # 15.45 and 14.34 with every row embedded).
    summarizer = Summarizer(SummaryConfig(model=model, embed_scope="all"), encoder)
    articles, vecs, titles, passages = [], [], [], []
    t0, row = time.perf_counter(), 0
    for n, (rid, title, text, ref) in enumerate(_records(data, dataset, limit), 1):
        try:
            doc = prepare(text, title=title or None)
        except SummarizeError:
            continue
        found = summarizer.analyse(doc)
        cands = found.candidates.sentences
        if not cands:
            continue
        starts = {p.start for p in doc.paragraphs}
        texts = [s.text for s in cands]
        articles.append(Article(
            rid, dataset, title, ref, texts, [s.index for s in cands],
            [s.start in starts for s in cands],
            [s.text for s in doc.sentences[:LEAD_KEEP]], len(doc.sentences),
            (row, row + len(cands)),
        ))  # fmt: skip
        row += len(cands)
        vecs.append(found.vectors[[s.index for s in cands]])
        has_title = found.title_vectors is not None and len(found.title_vectors)
        titles.append(found.title_vectors[0] if has_title else np.zeros(vecs[-1].shape[1]))
        if passage:
            passages.append(encoder.encode(texts, prompt_name="passage"))
        if n % 200 == 0:
            log(f"{dataset}/{model or 'default'}: {n} articles, {time.perf_counter() - t0:.0f} s")
    return Embedded(
        articles, np.concatenate(vecs).astype(np.float32), np.stack(titles).astype(np.float32),
        np.concatenate(passages).astype(np.float32) if passage else None,
    )  # fmt: skip


def group_key(dataset: str, record: dict) -> str:
    """The story an article belongs to, from its raw record: a VietnameseMDS cluster, or
    the body itself (baomoi repeats some bodies word for word). Folds split by story."""
    if dataset == "vmds":
        return f"vmds:{record['cluster_id']}"
    body = normalize("NFC", record.get("text") or "").strip()
    return f"{dataset}:" + hashlib.sha1(body.encode()).hexdigest()[:16]


def groups(data: Path, dataset: str) -> dict[str, str]:
    """Article id -> story key, for every record of ``dataset``."""
    path = present(data, DATASETS[dataset])
    return {} if path is None else {str(r["id"]): group_key(dataset, r) for r in read_jsonl(path)}


def _paths(cache: Path, dataset: str, model: str | None) -> tuple[Path, Path]:
    stem = f"{dataset}-{(model or 'default').replace('/', '_')}"
    return cache / f"{stem}.json", cache / f"{stem}.npz"


def load_or_collect(
    data: Path, dataset: str, model: str | None, *, cache: Path = DEFAULT_CACHE,
    passage: bool = False, limit: int | None = None, log=print,
) -> Embedded | None:  # fmt: skip
    """The cached embedding of ``dataset`` for ``model``, collected on first use."""
    meta, arrays = _paths(cache, dataset, model)
    if meta.is_file() and arrays.is_file():
        with np.load(arrays) as z:
            got = Embedded(
                [Article(**{**a, "rows": tuple(a["rows"])}) for a in json.loads(meta.read_text())],
                z["vectors"], z["titles"], z["passages"] if "passages" in z else None,
            )  # fmt: skip
        if not passage or got.passages is not None:
            return got
    got = collect(data, dataset, model, passage=passage, limit=limit, log=log)
    if got is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    extra = {} if got.passages is None else {"passages": got.passages}
    np.savez(arrays, vectors=got.vectors, titles=got.titles, **extra)
    meta.write_text(json.dumps([a.__dict__ for a in got.articles], ensure_ascii=False))
    return got


if __name__ == "__main__":  # python -m benchmarks.ranker_data DATASET [MODEL] [--passage]
    from .common import DEFAULT_DATA

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    load_or_collect(
        DEFAULT_DATA, args[0], args[1] if len(args) > 1 else None,
        passage="--passage" in sys.argv,
        log=lambda m: print(m, file=sys.stderr, flush=True),
    )  # fmt: skip
