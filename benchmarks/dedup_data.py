"""The labelled data the duplicate decision is fitted and checked on (../shared/data).

- vnPara (label 1 = paraphrase) and ViSentSim (mean score >= 3.5 = duplicate; pairs
  scored 2.5-3.5, "mostly the same", are left out of the fit but not of the scores);
- VietnameseMDS articles: sentences of one article are not duplicates of each other
  (except for copies, which the text signals find), so their pairs teach the decision
  what "same topic" looks like. The first 300 articles (as ``benchmarks.backends``
  reads them) are kept apart to check the result; the others are trained on;
- Tatoeba vi-en: a sentence and its translation (a pair) or another pair's translation.

Nothing from the data is written to the repository: only weights and scores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from unicodedata import normalize

import numpy as np

from .common import VISENTSIM, VMDS_DOCS, VNPARA, present, read_jsonl

TATOEBA = "tatoeba_vi_en_dev/pairs.jsonl"
CHECK_ARTICLES = 300
DUPLICATE_SCORE = 3.5
UNSURE = (2.5, 3.5)


def nfc(text: str) -> str:
    return normalize("NFC", text)


@dataclass
class PairSet:
    name: str
    pairs: list[tuple[str, str, bool]]
    weight: np.ndarray  # 0: not fitted on (still scored)


@dataclass
class Data:
    sets: list[PairSet]
    train_docs: list  # Documents whose sentence pairs are negatives
    check_docs: list  # Documents for the within-article check
    translations: list[tuple[str, str]]


def load(data: Path, log=print) -> Data | None:
    """Everything, or None when the labelled pairs are absent."""
    sets = []
    path = present(data, VNPARA)
    if path is not None:
        rows = list(read_jsonl(path))
        pairs = [(nfc(r["sentence1"]), nfc(r["sentence2"]), r["label"] == 1) for r in rows]
        sets.append(PairSet("vnPara", pairs, np.ones(len(pairs))))
    path = present(data, VISENTSIM)
    if path is not None:
        rows = list(read_jsonl(path))
        pairs = [
            (nfc(r["sentence1"]), nfc(r["sentence2"]), r["score"] >= DUPLICATE_SCORE) for r in rows
        ]
        unsure = [UNSURE[0] <= r["score"] < UNSURE[1] for r in rows]
        sets.append(PairSet("ViSentSim", pairs, 1.0 - np.array(unsure, float)))
    if not sets:
        log(f"skipping: no labelled pairs under {data}")
        return None
    docs = _articles(data)
    path = present(data, TATOEBA)
    translations = [(nfc(r["vi"]), nfc(r["en"])) for r in read_jsonl(path)] if path else []
    return Data(sets, docs[CHECK_ARTICLES:], docs[:CHECK_ARTICLES], translations)


def _articles(data: Path) -> list:
    from summarize.errors import SummarizeError
    from summarize.text.prepare import prepare

    path = present(data, VMDS_DOCS)
    docs = []
    for r in read_jsonl(path) if path else []:
        try:
            doc = prepare(nfc(r["text"]), title=nfc(r["title"]))
        except SummarizeError:
            continue
        if len(doc.sentences) > 3:
            docs.append(doc)
    return docs


def article_pairs(docs: list) -> tuple[list[tuple[str, str, bool]], list[tuple[int, int, int]]]:
    """Every pair of content sentences inside each article (earlier one kept), labelled 0,
    with (document, earlier sentence, later sentence) to look their vectors up."""
    pairs, where = [], []
    for d, doc in enumerate(docs):
        chrome = doc.chrome.paragraphs
        live = [s for s in doc.sentences if s.paragraph not in chrome]
        for i, a in enumerate(live):
            for b in live[i + 1 :]:
                pairs.append((a.text, b.text, False))
                where.append((d, a.index, b.index))
    return pairs, where


def with_cosines(signals, cosines: np.ndarray):
    """The same signals with the cosine column replaced (the text parts do not change)."""
    features = signals.features.copy()
    features[:, 0] = cosines
    return replace(signals, features=features)
