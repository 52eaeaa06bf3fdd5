"""The digest on a Dask cluster: ``summarize digest ... --engine dask``.

The driver (this process) streams the inputs and hands them out in partitions; the
workers do the per-article work (:mod:`.tasks`: read, segment, embed, find duplicates,
summarise), each with its model loaded once (:class:`ModelPlugin`). What stays with
the driver is what makes the run exact and resumable:

- results are folded **in input order**: pass 1's boilerplate counts are merged
  partition by partition (:meth:`~.batch_boilerplate.BoilerplateLearner.merge`), and
  pass 2's work records are appended to the same work file the local engine writes
  (:mod:`.workfile`), so ``--resume`` works across engines and after any kill;
- at most a few partitions per worker are in flight (:func:`distributed.as_completed`),
  so the driver's memory does not grow with the corpus;
- a record is appended once: partitions are written by index, once each, and a record
  whose id is already in the work file is never appended again (a task that ran twice
  after a lost worker, or a resumed run).

The story step's candidate pairs come from the cluster too: every sketch's LSH band
keys are grouped by a shuffle (:meth:`DaskEngine.pairs`), so no process holds an index
of every document. The event model then runs on the driver over what the work file
keeps (profiles and content vectors), never over article texts; and the few titles a
story summary embeds are embedded by a worker (:class:`RemoteEncoder`), so the driver
never loads a model.

Dask is imported only here, and this module only when ``--engine dask`` is asked for.
"""

from __future__ import annotations

import logging
import math
import resource
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from operator import getitem
from typing import TYPE_CHECKING, Any

import numpy as np

from ..config import SummaryConfig
from ..embed import Encoder
from ..embed.base import text_list
from ..errors import SummarizeError
from ..timing import StageTimer
from .batch_boilerplate import BoilerplateLearner, LearnConfig, LearnedBoilerplate
from .clusters import ClusterConfig, Sketch, decode_pairs, lsh_bands
from .inputs import Record, Source, iter_records
from .readahead import WINDOW
from .tasks import (
    EncoderSpec,
    band_partition,
    count_partition,
    encode_texts,
    encoder_identity,
    pairs_of_parts,
    summarise_partition,
    worker_encoder,
)

try:
    import dask
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed
except ImportError as exc:  # pragma: no cover - the message is the test
    raise SummarizeError(
        "the Dask engine needs Dask: pip install 'summarize[dask]' (dask[distributed])"
    ) from exc

if TYPE_CHECKING:
    from .runner import DigestOptions, Progress
    from .workfile import WorkFile

PARTITION = 2 * WINDOW  # records per task (128): hides a task's overhead (~1 ms); whole
# read-ahead windows, so a partition's model calls are the local engine's (int8 identity)
IN_FLIGHT = 3  # partitions per worker submitted or waiting to be written, at most
SKETCHES_PER_PARTITION = 2_000  # sketches per task of the band-key step
MESSAGE_LOG = 16  # messages Distributed keeps per connection for debugging (default 1,000)


class ModelPlugin(WorkerPlugin):
    """Loads the digest's model when a worker starts (or joins), once per process.

    Tasks then find it in the per-process cache (:func:`.tasks.worker_encoder`).
    """

    name = "summarize-model"

    def __init__(self, spec: EncoderSpec) -> None:
        self.spec = spec

    def setup(self, worker: Any) -> None:
        worker_encoder(self.spec)


class RemoteEncoder:
    """The :class:`~summarize.embed.Encoder` interface, served by a worker's model.

    The driver needs the model's name (settings, the story model) and, for a story
    summary, the vectors of a few titles: both are asked of a worker, so the driver
    process never loads the model itself.
    """

    def __init__(self, client: Client, spec: EncoderSpec) -> None:
        self._client = client
        self.spec = spec
        self.name, self.dim = client.submit(encoder_identity, spec, pure=False).result()

    def encode(self, texts: Sequence[str], prompt_name: str = "passage") -> np.ndarray:
        texts = text_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        future = self._client.submit(encode_texts, self.spec, texts, prompt_name, pure=False)
        return future.result()


@dataclass
class DaskEngine:
    """Where the digest's work runs: a local cluster of ``workers`` processes this
    engine starts, or the existing cluster at ``scheduler`` (``tcp://host:8786``).

    Use it as a context manager (the cluster it started is always closed) and pass it
    to :func:`summarize.digest.digest` as ``engine=``.
    """

    workers: int | None = None
    scheduler: str | None = None
    threads_per_worker: int = 1
    spec: EncoderSpec = field(default_factory=EncoderSpec)
    partition: int = PARTITION
    in_flight: int = IN_FLIGHT
    connect_timeout: float = 20.0
    client: Client | None = field(default=None, init=False, repr=False)
    # Peak resident memory (bytes) of each worker, read when the engine closes.
    worker_peak_rss: dict[str, int] = field(default_factory=dict, init=False)
    _cluster: LocalCluster | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.workers is not None and self.scheduler is not None:
            raise SummarizeError("give workers (a local cluster) or scheduler, not both")
        if self.workers is not None and self.workers < 1:
            raise SummarizeError("workers must be at least 1")
        if self.threads_per_worker < 1 or self.partition < 1 or self.in_flight < 1:
            raise SummarizeError("threads per worker, partition size and in-flight must be ≥ 1")

    # ---------------------------------------------------------------- lifetime

    def __enter__(self) -> DaskEngine:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        if self.client is not None:
            return
        # Distributed keeps the last 1,000 messages under 1 MB of each connection for
        # debugging; ours carry partitions of articles, so that log grew the driver by
        # about 19 kB per article. A few are enough (set before any connection opens;
        # the nanny passes the setting on to the worker processes it starts).
        dask.config.set({"distributed.admin.low-level-log-length": MESSAGE_LOG})
        if self.scheduler is not None:
            try:
                self.client = Client(self.scheduler, timeout=self.connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise SummarizeError(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {exc}"
                ) from None
            return
        self._cluster = LocalCluster(
            n_workers=self.workers or 2,
            threads_per_worker=self.threads_per_worker,
            processes=True,
            dashboard_address=":0",  # a free port: 8787 may be taken
            silence_logs=logging.ERROR,
        )
        self.client = Client(self._cluster)

    def close(self) -> None:
        if self.client is not None:
            try:
                self.worker_peak_rss = self.client.run(peak_rss)
            except Exception:  # a closing or broken cluster: the numbers are optional
                pass
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    @property
    def _client(self) -> Client:
        if self.client is None:
            self.start()
        assert self.client is not None
        return self.client

    def worker_count(self) -> int:
        return max(1, len(self._client.scheduler_info(n_workers=-1)["workers"]))

    # ---------------------------------------------------------------- the model

    def prepare(self, model: str | Encoder | None, config: SummaryConfig) -> str | Encoder | None:
        """The model the driver uses: a :class:`RemoteEncoder` when the digest needs one.

        The workers load the model named by ``model`` (or the configuration) once each.
        """
        if model is not None and not isinstance(model, str | RemoteEncoder):
            raise SummarizeError(
                "the Dask engine loads its model on the workers: give its name, not an encoder"
            )
        if isinstance(model, RemoteEncoder):
            return model
        self.spec = replace(self.spec, model=model or config.model)
        if not config.needs_model:
            return model
        self._client.register_plugin(ModelPlugin(self.spec))
        return RemoteEncoder(self._client, self.spec)

    # ---------------------------------------------------------------- pass 1

    def learn(
        self, sources: Sequence[Source], options: DigestOptions, show: Progress,
        timings: StageTimer,
    ) -> tuple[LearnedBoilerplate, int]:  # fmt: skip
        """Pass 1: each partition counted on a worker, the counts merged in input order."""
        learner = BoilerplateLearner(options.learn or LearnConfig())
        show.stage("learning boilerplate", None)
        total = 0
        records = self._records(sources, options)
        with timings.stage("learning boilerplate"):
            for counted in self._ordered(
                "count",
                _chunks(records, self.partition),
                lambda chunk: (count_partition, chunk, options.learn),
            ):
                total += counted.records
                if options.learn is not None:
                    learner.merge(counted.counts)
                _add_worker_seconds(timings, counted.seconds)
                show.advance(counted.records)
        return learner.result(), total

    # ---------------------------------------------------------------- pass 2

    def summarise(
        self, sources: Sequence[Source], options: DigestOptions, config: SummaryConfig,
        learned: frozenset[str], work: WorkFile, done: set[str], total: int,
        show: Progress, timings: StageTimer,
    ) -> None:  # fmt: skip
        """Pass 2: partitions summarised on the workers, appended here in input order."""
        client = self._client
        done = set(done)  # the caller's set says what an earlier run did: not ours to grow
        [keys] = client.scatter([learned], broadcast=True, hash=False)  # one object
        spec = self.spec if config.needs_model else None
        left = max(0, total - len(done))
        size = min(self.partition, math.ceil(left / (4 * self.worker_count())))
        size = max(1, min(self.partition, math.ceil(size / WINDOW) * WINDOW))
        todo = (rec for rec in self._records(sources, options) if rec.id not in done)
        with timings.stage("summarising"):
            for part in self._ordered(
                "summarise",
                _chunks(todo, size),
                lambda chunk: (summarise_partition, chunk, config, spec, keys),
            ):
                with timings.stage("writing"):
                    written = append_once(work, part.items, done)
                _add_worker_seconds(timings, part.seconds)
                show.advance(written)

    # ---------------------------------------------------------------- story step

    def pairs(self, sketches: dict[int, Sketch], config: ClusterConfig) -> list[tuple[int, int]]:
        """The story step's LSH candidate pairs, by grouping band keys on the cluster:
        each partition's band keys as numpy rows split by key, each key group's rows
        gathered by one task that pairs the documents sharing a key. The driver only
        receives the pairs (8 bytes each)."""
        items = [(n, Sketch(sk.text, sk.facts, None)) for n, sk in sorted(sketches.items())]
        if len(items) < 2:
            return []
        client = self._client
        bands = lsh_bands(config)
        parts = max(2, 2 * self.worker_count())
        maps = [
            client.submit(band_partition, chunk, bands, parts, pure=False)
            for chunk in _chunks(iter(items), SKETCHES_PER_PARTITION)
        ]
        reduces = [
            client.submit(pairs_of_parts, [client.submit(getitem, m, j) for m in maps], pure=False)
            for j in range(parts)
        ]
        codes = np.unique(np.concatenate([np.zeros(0, np.int64), *client.gather(reduces)]))
        return decode_pairs(codes)

    # ---------------------------------------------------------------- helpers

    def _records(self, sources: Sequence[Source], options: DigestOptions) -> Iterator[Record]:
        """Records as the driver streams them: single files unread (a worker reads them)."""
        return iter_records(sources, fields=options.fields, limit=options.limit, defer_files=True)

    def _ordered(
        self, name: str, chunks: Iterable[list[Record]], task: Callable[[list[Record]], tuple]
    ) -> Iterator[Any]:
        """Each chunk's result, in chunk order, with a bounded number in flight."""
        client = self._client
        limit = max(2, self.in_flight * self.worker_count())
        run = uuid.uuid4().hex[:12]
        source = enumerate(chunks)
        pending: dict[Any, int] = {}
        ready: dict[int, Any] = {}
        queue = as_completed()
        next_index = 0

        def fill() -> None:
            while len(pending) + len(ready) < limit:
                item = next(source, None)
                if item is None:
                    return
                i, chunk = item
                fn, *args = task(chunk)
                future = client.submit(fn, *args, key=f"summarize-{name}-{run}-{i}")
                pending[future] = i
                queue.add(future)

        try:
            fill()
            for future in queue:
                i = pending.pop(future)
                try:
                    ready[i] = future.result()
                except Exception as exc:
                    raise SummarizeError(_task_error(name, exc)) from None
                finally:
                    future.release()
                while next_index in ready:
                    yield ready.pop(next_index)
                    next_index += 1
                fill()
        finally:
            for future in pending:
                future.cancel()


def append_once(
    work: WorkFile, items: Iterable[tuple[Any, np.ndarray | None]], done: set[str]
) -> int:
    """Append the records not in the work file yet; returns how many were appended."""
    written = 0
    for record, vectors in items:
        if record.id in done:
            continue  # already there: a task that ran twice, or a resumed run
        work.append(record, vectors)
        done.add(record.id)
        written += 1
    return written


def peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _chunks(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _add_worker_seconds(timings: StageTimer, seconds: dict[str, float]) -> None:
    """Workers' stage seconds, summed over workers (CPU-side time, not wall time)."""
    for stage, s in seconds.items():
        timings.add(f"workers: {stage}", s)


def _task_error(name: str, exc: BaseException) -> str:
    kind = type(exc).__name__
    if kind == "KilledWorker":
        return (
            f"a Dask worker died during the {name} step (out of memory?); "
            "rerun with resume=True to continue"
        )
    return f"the {name} step failed on a Dask worker: {kind}: {exc}"
