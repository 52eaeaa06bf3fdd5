"""Summary quality on VietnameseMDS: this tool's methods and models against LEAD and peers.

Single documents (``vmds_docs.jsonl``): 3-sentence summaries scored against the
publisher's lead (sapo). The lead is abstractive, so ROUGE rewards content rather
than copying. Articles with 3 sentences or fewer are left out (every system would
return the whole text).

Story clusters (``vmds_clusters.jsonl``, 2-5 articles each): summaries of at most
as many words as the two human references have on average, scored against both
(mean of the two F1). The tool runs :func:`summarize.api.summarize_many` with
``words=budget``; peers rank the concatenated sentences of the cluster's articles
and take sentences in rank order while they fit (:func:`benchmarks.peers.take_words`,
the rule of the tool's own word budget).

Every system gets the sentences of our own segmentation, so only the choice of
sentences differs. If a system fails on one input it scores 0 there (an empty
summary) and the failure is counted; a peer that cannot be imported is reported.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from unicodedata import normalize

from .common import BAOMOI, VMDS_CLUSTERS, VMDS_DOCS, ModelSpec, present, read_jsonl, words
from .peers import PEERS, PeerUnavailable, take_words, top_k
from .ranker_data import BBC
from .rouge import rouge

METRICS = ("rouge1", "rouge2", "rougeL")
SINGLE_K = 3


@dataclass
class Tally:
    """Per-system scores, seconds and failures."""

    kind: str  # "ours" | "peer" | "floor"
    scores: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    first_error: str = ""
    status: str = "ok"

    def add(self, summary: str | None, refs: str | Sequence[str], seconds: float) -> None:
        self.seconds += seconds
        if summary is None:
            self.errors += 1
            self.scores.append(dict.fromkeys(METRICS, 0.0))
        else:
            self.scores.append(rouge(summary, refs))

    def result(self) -> dict:
        if self.status != "ok":
            return {"kind": self.kind, "status": self.status}
        out: dict = {"kind": self.kind, "status": "ok", "inputs": len(self.scores)}
        for m in METRICS:
            vals = [100 * r[m] for r in self.scores]
            out[m] = round(statistics.fmean(vals), 2) if vals else None
            # half-width of a 95% normal interval for the mean
            sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
            out[f"{m}_ci95"] = round(1.96 * sd / math.sqrt(len(vals)), 2) if vals else None
        out["errors"] = self.errors
        if self.first_error:
            out["first_error"] = self.first_error
        out["seconds"] = round(self.seconds, 2)
        return out


@dataclass(frozen=True)
class Ours:
    name: str
    method: str
    model: object  # an Encoder, or None for the lead method


def our_systems(methods: Sequence[str], models: Sequence[ModelSpec], log) -> list[Ours]:
    """One system per (method, model); the lead method needs no model."""
    from summarize.config import EMBEDDING_METHODS

    from .common import encoder_for

    out, encoders = [], {}
    for method in methods:
        if method not in EMBEDDING_METHODS:
            out.append(Ours(f"summarize {method}", method, None))
            continue
        for spec in models:
            name = f"summarize {method} ({spec.label})"
            if spec.error:
                out.append(Ours(name, method, RuntimeError(spec.error)))
                continue
            if spec.key not in encoders:
                t0 = time.perf_counter()
                try:
                    encoders[spec.key] = encoder_for(spec)
                except Exception as e:  # a model that does not load is a result
                    encoders[spec.key] = RuntimeError(f"{type(e).__name__}: {e}")
                log(f"model {spec.label}: loaded in {time.perf_counter() - t0:.1f} s")
            out.append(Ours(name, method, encoders[spec.key]))
    return out


def _run_ours(system: Ours, tally: Tally, call: Callable[[object], str], refs) -> None:
    if isinstance(system.model, Exception):
        tally.status = f"failed: {system.model}"
        return
    t0 = time.perf_counter()
    try:
        text = call(system.model)
    except Exception as e:  # noqa: BLE001 - scored as an empty summary, and counted
        tally.first_error = tally.first_error or f"{type(e).__name__}: {e}"
        text = None
    tally.add(text, refs, time.perf_counter() - t0)


def _run_peer(name: str, tally: Tally, call: Callable[[], str], refs) -> None:
    if tally.status != "ok":
        return
    t0 = time.perf_counter()
    try:
        text = call()
    except PeerUnavailable as e:
        tally.status = f"unavailable: {e}"
        return
    except Exception as e:  # noqa: BLE001 - scored as an empty summary, and counted
        tally.first_error = tally.first_error or f"{type(e).__name__}: {e}"
        text = None
    tally.add(text, refs, time.perf_counter() - t0)


def _one_article(doc, method: str, model, *, words: int | None = None, fold=None) -> str:
    from summarize import summarize

    budget = {"words": words} if words else {"sentences": SINGLE_K}
    with _held_out(method, model, fold):
        return summarize(doc, **budget, method=method, model=model).text


def _one_story(docs, budget: int, method: str, model, *, fold=None) -> str:
    from summarize.api import summarize_many

    with _held_out(method, model, fold):
        return summarize_many(docs, words=budget, method=method, model=model).text


def _held_out(method: str, model, fold: int | None):
    """The learned method scores an article of its training data with the scorer of the
    cross-validation fold that never saw it (``python -m benchmarks.train_ranker
    --write`` saves them), and the default model's screened scope with the fold's
    screen (``python -m benchmarks.train_screen --tops 6 --write``): that scope ranks
    with the screen file's scorer, so the learned fold alone would leave it in-sample.
    Other methods and unseen data sets use what ships."""
    from contextlib import ExitStack, nullcontext

    from summarize.rank.learned import family, scorer_override
    from summarize.rank.screen import screen_override

    from .train_ranker import load_fold_scorers, load_fold_untitled
    from .train_screen import load_fold_screens

    if method != "learned" or fold is None:
        return nullcontext()
    kind = family(getattr(model, "name", None))
    scorers = load_fold_scorers(kind)
    if scorers is None:
        raise RuntimeError("no fold scorers: run python -m benchmarks.train_ranker --write")
    screens = load_fold_screens() if kind == "default" else None
    if kind == "default" and screens is None:
        raise RuntimeError(
            "no fold screens: run python -m benchmarks.train_screen --tops 6 --write"
        )
    untitled = load_fold_untitled(kind)
    # Entered only once nothing can fail: _run_ours catches the error and goes on, and
    # an override entered before it would stay set for every later summary.
    stack = ExitStack()
    stack.enter_context(scorer_override(scorers[fold], untitled[fold] if untitled else None))
    if screens is not None:
        stack.enter_context(screen_override(screens[fold]))
    return stack


def _fold(dataset: str, record: dict) -> int | None:
    """The record's cross-validation fold if the learned scorer trains on ``dataset``."""
    from .ranker_data import group_key
    from .train_ranker import TRAIN_SETS, fold_of_group

    return fold_of_group(group_key(dataset, record)) if dataset in TRAIN_SETS else None


def _peer_top_k(peer, sents: list[str]) -> str:
    return " ".join(sents[i] for i in top_k(peer(sents, None), SINGLE_K))


def _peer_words(peer, sents: list[str], positions: list[int], budget: int) -> str:
    return " ".join(sents[i] for i in take_words(peer(sents, positions), sents, budget))


def _tallies(systems: Sequence[Ours]) -> dict[str, Tally]:
    tallies = {s.name: Tally("ours") for s in systems}
    for name in PEERS:
        tallies[name] = Tally("floor" if name == "random" else "peer")
    return tallies


ARTICLE_SETS = {
    "vmds": (VMDS_DOCS, "publisher lead (sapo) of each article"),
    "baomoi": (BAOMOI, "publisher lead (sapo) of each raw baomoi article"),
    "bbc": (BBC, "extractive reference summary (BBC News Summary, English)"),
}


def single_document(
    data: Path, systems: Sequence[Ours], *, limit: int | None = None, log=print,
    dataset: str = "vmds",
) -> dict | None:  # fmt: skip
    """Mean ROUGE F1 per system over one set of articles, each against its reference.

    Leads: 3 sentences. BBC: the reference's word count (its summaries are extracts of
    about 40% of the article). The learned method is scored on held-out folds.
    """
    from summarize import prepare
    from summarize.errors import SummarizeError

    rel, reference = ARTICLE_SETS[dataset]
    path = present(data, rel)
    if path is None:
        log(f"skipping single-document quality ({dataset}): {data / rel} not found")
        return None
    tallies = _tallies(systems)
    skipped = 0
    for n, d in enumerate(read_jsonl(path, limit), 1):
        text, ref = normalize("NFC", d["text"]), normalize("NFC", d["summary"])
        try:
            doc = prepare(text, title=normalize("NFC", d["title"]) or None)
        except SummarizeError:
            skipped += 1
            continue
        sents = [s.text for s in doc.sentences]
        if len(sents) <= SINGLE_K or not ref.strip():
            skipped += 1
            continue
        budget = words(ref) if dataset == "bbc" else None
        fold = _fold(dataset, d)
        for s in systems:
            call = partial(_one_article, doc, s.method, words=budget, fold=fold)
            _run_ours(s, tallies[s.name], call, ref)
        for name, peer in PEERS.items():
            if budget:
                call = partial(_peer_words, peer, sents, list(range(len(sents))), budget)
            else:
                call = partial(_peer_top_k, peer, sents)
            _run_peer(name, tallies[name], call, ref)
        if n % 100 == 0:
            log(f"single documents ({dataset}): {n} read")
    results = {name: t.result() for name, t in tallies.items()}
    used = max((r.get("inputs", 0) for r in results.values()), default=0)
    return {
        "data": str(path),
        "reference": reference,
        "budget": "reference length in words" if dataset == "bbc" else f"{SINGLE_K} sentences",
        "inputs": used,
        "skipped": skipped,
        "systems": results,
    }


def cluster_budget(summaries: Sequence[str]) -> int:
    """The word budget of a cluster: the mean length of its references, in words."""
    return max(1, round(statistics.fmean(words(s) for s in summaries)))


def multi_document(
    data: Path, systems: Sequence[Ours], *, limit: int | None = None, log=print
) -> dict | None:
    """Mean ROUGE F1 per system over the VietnameseMDS clusters (two references each)."""
    from summarize import prepare
    from summarize.errors import SummarizeError

    path = present(data, VMDS_CLUSTERS)
    if path is None:
        log(f"skipping multi-document quality: {data / VMDS_CLUSTERS} not found")
        return None
    tallies = _tallies(systems)
    skipped, budgets = 0, []
    for n, c in enumerate(read_jsonl(path, limit), 1):
        refs = [normalize("NFC", s) for s in c["summaries"]]
        docs = []
        for d in c["docs"]:
            try:
                text, title = normalize("NFC", d["text"]), normalize("NFC", d["title"])
                docs.append(prepare(text, title=title))
            except SummarizeError:
                continue
        if not docs or not refs:
            skipped += 1
            continue
        budget = cluster_budget(refs)
        budgets.append(budget)
        sents = [s.text for doc in docs for s in doc.sentences]
        positions = [i for doc in docs for i in range(len(doc.sentences))]
        fold = _fold("vmds", {"cluster_id": str(c["id"]).removeprefix("vmds-")})
        for s in systems:
            call = partial(_one_story, docs, budget, s.method, fold=fold)
            _run_ours(s, tallies[s.name], call, refs)
        for name, peer in PEERS.items():
            call = partial(_peer_words, peer, sents, positions, budget)
            _run_peer(name, tallies[name], call, refs)
        if n % 50 == 0:
            log(f"clusters: {n} read")
    results = {name: t.result() for name, t in tallies.items()}
    return {
        "data": str(path),
        "reference": "two human summaries per cluster (mean of the two F1)",
        "budget": "mean reference length in words",
        "budget_words_mean": round(statistics.fmean(budgets), 1) if budgets else None,
        "inputs": len(budgets),
        "skipped": skipped,
        "systems": results,
    }
