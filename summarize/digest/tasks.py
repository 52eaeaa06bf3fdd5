"""What a Dask worker runs for a digest: plain functions over partitions of records.

Nothing here imports Dask, so the functions are tested (and could be run) without a
cluster. Each takes a partition (a list of :class:`~.inputs.Record`, in input order)
and returns small, picklable results the driver folds in input order:

- :func:`count_partition`: pass 1, the batch-boilerplate counts of the partition;
- :func:`summarise_partition`: pass 2, one work record (and its vectors) per record;
- :func:`band_partition` and :func:`pairs_of_parts`: the story step's LSH band keys
  (numpy rows, split by key) and the pairs of documents that share one.

A worker process loads the model once (:func:`worker_encoder`, a per-process cache the
engine's worker plugin fills at start-up), never per task.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..config import SummaryConfig
from ..embed import Encoder
from ..pipeline import Summarizer, shared_encoder
from ..text.segment import segment
from ..timing import StageTimer
from .batch_boilerplate import Counts, LearnConfig, count_documents
from .clusters import Sketch, band_rows, pairs_of_rows, split_rows
from .inputs import Record, read_deferred
from .process import process_safely
from .readahead import read_ahead
from .record import DocumentRecord


@dataclass(frozen=True)
class EncoderSpec:
    """Which model a worker loads: the arguments of :func:`summarize.pipeline.shared_encoder`
    (the same arguments hit the same per-process cache entry)."""

    model: str | None = None
    device: str | None = None
    batch_size: int = 32
    cache: bool = True  # the worker machine's on-disk embedding cache (--no-cache: False)


def worker_encoder(spec: EncoderSpec) -> Encoder:
    """The model of this process, loaded on first use and then kept."""
    return shared_encoder(
        spec.model, device=spec.device, batch_size=spec.batch_size, cache=spec.cache
    )


def encoder_identity(spec: EncoderSpec) -> tuple[str, int]:
    """(name, dim) of a worker's model: the driver's stand-in needs both."""
    encoder = worker_encoder(spec)
    return encoder.name, encoder.dim


def encode_texts(spec: EncoderSpec, texts: list[str], prompt_name: str) -> np.ndarray:
    return worker_encoder(spec).encode(texts, prompt_name=prompt_name)


@dataclass
class Counted:
    counts: Counts
    records: int  # every record, unreadable ones too (the run's total)
    seconds: dict[str, float] = field(default_factory=dict)


def count_partition(records: Sequence[Record], learn: LearnConfig | None) -> Counted:
    """Pass 1 on one partition: read, segment, count recurring sentences."""
    timer = StageTimer()
    docs = []
    for rec in records:
        with timer.stage("reading"):
            rec = read_deferred(rec)
        if learn is not None and rec.text is not None:
            with timer.stage("learning boilerplate"):
                _, sentences = segment(rec.text)
                docs.append(([s.text for s in sentences], rec.site, [s.key for s in sentences]))
    with timer.stage("learning boilerplate"):
        counts = count_documents(docs, learn or LearnConfig())
    return Counted(counts, len(records), dict(timer.seconds))


@dataclass
class Summarised:
    items: list[tuple[DocumentRecord, np.ndarray | None]]
    seconds: dict[str, float] = field(default_factory=dict)


def summarise_partition(
    records: Sequence[Record],
    config: SummaryConfig,
    spec: EncoderSpec | None,
    learned: frozenset[str],
) -> Summarised:
    """Pass 2 on one partition: the same per-record work as the local engine, with its
    read-ahead (a partition that starts at a multiple of the read-ahead window embeds the
    same texts per model call as the local engine, so int8 vectors are identical)."""
    timer = StageTimer()
    encoder = worker_encoder(spec) if spec is not None and config.needs_model else None
    summarizer = Summarizer(config, encoder, timer=timer)
    read = []
    for rec in records:
        t = time.perf_counter()
        read.append(read_deferred(rec))
        timer.add("reading", time.perf_counter() - t)
    items = []
    t = time.perf_counter()
    for rec in read_ahead(read, summarizer, learned=learned):
        timer.add("reading", time.perf_counter() - t)  # read_ahead takes its share back
        items.append(process_safely(rec, summarizer, learned))
        t = time.perf_counter()
    return Summarised(items, dict(timer.seconds))


def band_partition(
    sketches: Sequence[tuple[int, Sketch]],
    bands: list[tuple[str, list[tuple[int, int]]]],
    parts: int,
) -> list[np.ndarray]:
    """The partition's band-key rows, split into ``parts`` by key (the shuffle's map)."""
    return split_rows(band_rows(sketches, bands), parts)


def pairs_of_parts(pieces: Sequence[np.ndarray]) -> np.ndarray:
    """The pairs sharing a band key among one key group's rows from every partition
    (the shuffle's reduce), as int64 codes (:func:`~.clusters.decode_pairs`)."""
    return pairs_of_rows(np.concatenate(pieces))
