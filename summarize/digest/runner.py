"""Run a digest: learn the batch's chrome, summarise each document, cluster, render.

Pass 1 streams the inputs once to learn boilerplate (it must be known before any
summary is made). Pass 2 streams them again and appends one work record per
document; this is the long part and the part ``--resume`` continues. The
cross-document step and the outputs are then built from the work file.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
import warnings
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from ..config import SummaryConfig, check_flag, check_whole
from ..embed import Encoder
from ..errors import ConfigError, InputWarning, SummarizeError
from ..io import atomic_output, check_outputs
from ..io.readers import DEFAULT_MAX_BYTES, check_max_bytes
from ..io.writers import ARRAY_END, StdoutWriter, array_item
from ..pipeline import Summarizer
from ..text.segment import segment
from ..timing import StageTimer
from . import html_page, render
from .batch_boilerplate import BoilerplateLearner, LearnConfig, LearnedBoilerplate
from .clusters import ClusterConfig, Sketch
from .events import DATE_FIELDS, published_day
from .inputs import STDIN, Fields, Source, iter_records, resolve_inputs, spool_stdin
from .lock import lock_path_for, locked_outputs
from .process import process_safely
from .readahead import read_ahead
from .shared import merge, shared_sentences
from .stories import CrossResult, PairFinder, Story, build_stories
from .translations import Edition, TranslationStats, article_language
from .workfile import WorkFile, work_dir_for

# "json": the records of "jsonl" as one JSON array (a .json file is one JSON value).
OutputFormat = Literal["jsonl", "json", "markdown", "html"]
EXIT_RECORDS_FAILED = 3
# The work file's record layout (digest/record.py): a run left by another layout is
# not resumed, since its records lack what the story step reads. 5: facts read amounts at
# their value (1,2 tỷ = 1.200 triệu), so fact sketches differ; 4: every exclusion kept.
WORK_FORMAT = 5


class Progress(Protocol):
    """What a front end shows; the CLI draws a rich progress bar with it."""

    def stage(self, name: str, total: int | None, done: int = 0) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _Silent:
    def stage(self, name: str, total: int | None, done: int = 0) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


class Engine(Protocol):
    """Runs the two passes and the candidate pairs elsewhere, with the same records this
    process would write (the Dask engine: :class:`~.dask_engine.DaskEngine`)."""

    def prepare(self, model: str | Encoder | None, config: SummaryConfig) -> str | Encoder | None:
        """The model the driver uses (the engine's workers load their own)."""
        ...

    def learn(
        self, sources: Sequence[Source], options: DigestOptions, show: Progress,
        timings: StageTimer,
    ) -> tuple[LearnedBoilerplate, int]: ...  # fmt: skip

    def summarise(
        self, sources: Sequence[Source], options: DigestOptions, config: SummaryConfig,
        learned: frozenset[str], work: WorkFile, done: set[str], total: int,
        show: Progress, timings: StageTimer,
    ) -> None: ...  # fmt: skip

    def pairs(
        self, sketches: dict[int, Sketch], config: ClusterConfig
    ) -> list[tuple[int, int]]: ...


@dataclass(frozen=True)
class Output:
    path: Path | None  # None: standard output
    format: OutputFormat


@dataclass(frozen=True)
class DigestOptions:
    summary: SummaryConfig = SummaryConfig()  # per article: budget, method, model
    story_sentences: int = 5
    story_docs: int = 20  # articles a story summary is built from
    fields: Fields = Fields()
    glob: str = "*"
    limit: int | None = None
    learn: LearnConfig | None = LearnConfig()  # None: no batch boilerplate
    clusters: ClusterConfig = ClusterConfig()
    resume: bool = False
    keep_work: bool = False  # leave the work folder (sketches, per-document records) behind
    title: str = "Digest"
    max_bytes: int | None = DEFAULT_MAX_BYTES  # per record (a file, a JSONL line); None: no limit
    follow_links: bool = False  # follow links that lead out of an input folder

    def __post_init__(self) -> None:
        """Every option a caller can get wrong fails here as a ``ConfigError``."""
        if not isinstance(self.summary, SummaryConfig):
            kind = type(self.summary).__name__
            raise ConfigError(f"summary must be a SummaryConfig, not {kind}")
        # Messages name these parameters; the CLI says its flags (cli._flag_names).
        check_whole("story_sentences", self.story_sentences)
        check_whole("story_docs", self.story_docs)
        check_whole("limit", self.limit, optional=True)
        check_whole("max_bytes", self.max_bytes, 0, optional=True)
        window = self.clusters.window_days
        number = isinstance(window, int | float) and not isinstance(window, bool)
        if window is not None and not (number and 0 <= window < math.inf):
            raise ConfigError(f"window_days must be a number of days, 0 or more (got {window!r})")
        for name in ("resume", "keep_work", "follow_links"):
            check_flag(name, getattr(self, name))
        if not isinstance(self.title, str) or not isinstance(self.glob, str):
            raise ConfigError("title and glob must be text")


@dataclass
class DigestResult:
    documents: int
    failed: int
    sentences: int
    stories: list[Story]  # told by two or more documents, biggest first
    learned: LearnedBoilerplate
    outputs: list[Output]
    resumed: int  # documents already done by an earlier, interrupted run
    candidate_pairs: int
    seconds: dict[str, float] = field(default_factory=dict)
    # --cross-lingual: what the step that joins editions in other languages did
    translations: TranslationStats | None = None
    # (id, source, error) of each failed record, in input order: what stderr names
    failures: list[tuple[str, str, str]] = field(default_factory=list)


def digest(
    inputs: Sequence[str],
    outputs: Sequence[Output],
    options: DigestOptions = DigestOptions(),
    *,
    model: str | Encoder | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> DigestResult:
    """Digest ``inputs`` (files, folders, JSONL files, ``-``) into ``outputs``.

    ``engine``: a started :class:`~.dask_engine.DaskEngine` runs the per-article work
    and the candidate pairs on its cluster (same records); None: this process does all.
    """
    check(options, outputs, inputs)
    show = progress or _Silent()
    timings = StageTimer()
    target = next((o.path for o in outputs if o.path is not None), None)
    # One run per output: a second one would delete this one's work folder as it works.
    with locked_outputs([o.path for o in outputs if o.path is not None]):
        if target is None:
            work = WorkFile(Path(tempfile.mkdtemp(prefix="summarize-digest-")))
        else:
            work = WorkFile(work_dir_for(target))
        try:
            if engine is not None:
                model = engine.prepare(model, options.summary)  # the workers load the model
            return _run(inputs, outputs, options, model, show, timings, work, engine)
        finally:
            if target is None:
                work.remove()  # a temporary folder: nothing to resume


def _run(
    inputs: Sequence[str],
    outputs: Sequence[Output],
    options: DigestOptions,
    model: str | Encoder | None,
    show: Progress,
    timings: StageTimer,
    work: WorkFile,
    engine: Engine | None = None,
) -> DigestResult:
    settings = _settings(inputs, options, model)
    meta = work.start(settings, options.resume)
    own = [p for o in outputs if o.path is not None for p in (o.path, lock_path_for(o.path))]
    sources = resolve_inputs(
        inputs, glob=options.glob,
        stdin_spool=_stdin(inputs, work, meta is not None, options.max_bytes),
        max_bytes=options.max_bytes, follow_links=options.follow_links, exclude=[*own, work.dir],
    )  # fmt: skip
    encoder = model if model is not None and not isinstance(model, str) else None
    config = options.summary
    if isinstance(model, str):
        config = replace(config, model=model)
    summarizer = Summarizer(config, encoder, timer=timings)

    if meta is None:
        learned, total = (engine.learn if engine else _learn)(sources, options, show, timings)
        meta = {"settings": settings, "total": total, "learned": learned.to_json()}
        work.write_meta(meta)
    learned = LearnedBoilerplate.from_json(meta["learned"])
    keys = learned.keys if options.learn is not None else frozenset()
    total = int(meta["total"])

    done = work.done_ids()
    show.stage("summarising", total, len(done))
    t_read = time.perf_counter()
    try:
        if engine is not None:
            engine.summarise(sources, options, config, keys, work, done, total, show, timings)
            records = iter(())
        else:
            records = read_ahead(
                iter_records(sources, fields=options.fields, limit=options.limit),
                summarizer,
                done,
                learned=keys,
            )
        for rec in records:
            timings.add("reading", time.perf_counter() - t_read)
            if rec.id not in done:
                record, vectors = process_safely(rec, summarizer, keys)
                with timings.stage("writing"):
                    work.append(record, vectors)
                show.advance()
            t_read = time.perf_counter()
    finally:
        work.close()

    with timings.stage("cross-document"):
        pairs = engine.pairs if engine else None
        cross, stats, index = _cross(work, options, summarizer, show, pairs)
    if stats["documents"] < total:  # never report success with records missing
        raise SummarizeError(
            f"{work.dir}: only {stats['documents']} of {total} records are in the work folder "
            "(was it changed by another process?); run the digest again with resume=False"
        )
    stats["learned"] = len(learned.lines)
    show.stage("writing", None)
    with timings.stage("writing"):
        with ExitStack() as files:
            # Every file output is complete before any replaces its old version: all or
            # nothing. Standard output comes after them, so that a reader who stops early
            # (``| head``) cannot take the files down with it.
            for out in (o for o in outputs if o.path is not None):
                _write(out, work, index, cross, learned, stats, options.title, files)
        try:
            for out in (o for o in outputs if o.path is None):
                _write(out, work, index, cross, learned, stats, options.title, files)
        finally:  # the files are complete: the work folder is not needed even then
            if not options.keep_work:
                work.remove()
            else:
                work.close()
    return DigestResult(
        stats["documents"], stats["failed"], stats["sentences"], cross.stories, learned,
        list(outputs), len(done), cross.candidate_pairs, dict(timings.seconds),
        cross.translations, stats["failures"],
    )  # fmt: skip


def output_format(path: Path, given: str | None = None) -> OutputFormat:
    """The format named, else the one the extension says."""
    fmt = given or _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"{path}: unknown output extension; use .jsonl, .json, .md or .html")
    return fmt  # type: ignore[return-value]


_SUFFIXES = {
    ".jsonl": "jsonl",
    ".json": "json",  # one JSON array: json.load reads it (JSONL there failed: "Extra data")
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
}


def check(options: DigestOptions, outputs: Sequence[Output], inputs: Sequence[str] = ()) -> None:
    """Mistakes a user can make, found before any input is read or model loaded.

    The options themselves were checked when ``options`` was made. Messages name the
    Python parameters (``resume``); the command line says its flags instead
    (``cli._flag_names``), as for ``SummaryConfig`` and ``DigestOptions``."""
    for item in inputs:
        if item != STDIN and not Path(item).exists():
            raise SummarizeError(f"{item}: no such file or folder")
    if not outputs:
        raise ConfigError("no output given")
    if options.resume and all(o.path is None for o in outputs):
        raise ConfigError("resume needs an output file, not standard output")
    if sum(o.path is None for o in outputs) > 1:
        raise ConfigError("only one output can go to standard output")
    check_max_bytes(options.max_bytes)
    # A folder, a missing or read-only folder, an input: refused now, not after the work.
    check_outputs([o.path for o in outputs if o.path is not None], inputs)


def _settings(inputs: Sequence[str], options: DigestOptions, model: Any) -> dict[str, Any]:
    """Everything that changes a work record; a resumed run must match it."""
    return json_safe(
        {
            "work_format": WORK_FORMAT,
            "inputs": [i if i == STDIN else str(Path(i).resolve()) for i in inputs],
            "glob": options.glob,
            "limit": options.limit,
            "fields": asdict(options.fields),
            "summary": options.summary.to_json(),  # every setting that changes a record
            "model": (
                (model or options.summary.model)
                if model is None or isinstance(model, str)
                else model.name
            ),
            "learn": None if options.learn is None else asdict(options.learn),
        }
    )


def json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _stdin(
    inputs: Sequence[str], work: WorkFile, resuming: bool, max_bytes: int | None
) -> Path | None:
    if STDIN not in inputs:
        return None
    spool = work.dir / "stdin.jsonl"
    if resuming and spool.exists():
        return spool  # the records already done came from this copy
    return spool_stdin(spool, max_bytes)


def _learn(
    sources, options: DigestOptions, show: Progress, timings: StageTimer
) -> tuple[LearnedBoilerplate, int]:
    """Pass 1: count recurring sentences over the whole batch (and the documents)."""
    learner = BoilerplateLearner(options.learn or LearnConfig())
    show.stage("learning boilerplate", None)
    total = 0
    with timings.stage("learning boilerplate"):
        for rec in iter_records(sources, fields=options.fields, limit=options.limit):
            total += 1
            if options.learn is not None and rec.text is not None:
                _, sentences = segment(rec.text)
                learner.add([s.text for s in sentences], rec.site, [s.key for s in sentences])
            show.advance()
    return learner.result(), total


def _cross(
    work: WorkFile,
    options: DigestOptions,
    summarizer: Summarizer,
    show: Progress,
    pairs: PairFinder | None = None,
) -> tuple[CrossResult, dict[str, Any], dict[int, int]]:
    """Read the work file once for sketches and counts, then cluster."""
    index: dict[int, int] = {}  # ordinal -> byte offset in the work file
    sketches: dict[int, Sketch] = {}
    alone: list[tuple[int, str, str]] = []  # (ordinal, content id, record id)
    # --cross-lingual: each article's language and mean vector (digest/translations.py)
    editions: dict[int, Edition] | None = {} if options.summary.cross_lingual else None
    telling = [0.0, 0.0]  # wall and CPU seconds spent telling articles' languages
    stats = {"documents": 0, "failed": 0, "sentences": 0, "duplicates": 0}
    failures: list[tuple[int, str, str, str]] = []
    undated = [0, 0]  # with a time window: articles with no date field, with an unread one
    window = options.clusters.window_days
    for offset, rec in work.records():
        if rec.n in index:
            continue  # cannot happen with one writer; never report a document twice
        index[rec.n] = offset
        stats["documents"] += 1
        if not rec.ok:
            stats["failed"] += 1
            failures.append((rec.n, rec.id, rec.source, rec.error or ""))
            continue
        stats["sentences"] += rec.sentences
        stats["duplicates"] += len(rec.duplicates)
        if window is not None and published_day(rec.fields) is None:
            undated[any(rec.fields.get(name) for name in DATE_FIELDS)] += 1
        if rec.sketch is not None:
            sketches[rec.n] = rec.sketch
            if editions is not None and rec.sketch.vector is not None:
                wall, cpu = time.perf_counter(), time.process_time()
                language = article_language(c.text for c in rec.content)
                mean = rec.sketch.vector.astype("float32")
                editions[rec.n] = Edition(language, mean, rec.vector_ref)
                telling[0] += time.perf_counter() - wall
                telling[1] += time.process_time() - cpu
        if rec.story is not None:
            alone.append((rec.n, rec.story, rec.id))
    if any(undated):
        _warn_undated(undated, stats["documents"] - stats["failed"], window)
    show.stage("clustering", None)
    stories = summarizer.with_config(sentences=options.story_sentences, ratio=None, words=None)
    cross = build_stories(
        sketches, lambda n: work.read_at(index[n]), work.vectors_of, config=options.clusters,
        summarizer=stories, story_docs=options.story_docs, advance=show.advance,
        title_vector_of=work.title_vector_of, pairs=pairs, editions=editions,
    )  # fmt: skip
    if cross.translations is not None:  # the step's cost includes telling languages
        cross.translations.seconds += telling[0]
        cross.translations.cpu_seconds += telling[1]
    rows = (
        (rec.n, i, cluster) for _, rec in work.records() for i, cluster in rec.shared_candidates()
    )
    cross.shared = merge(cross.shared, shared_sentences(rows, work.dir / "shared.sqlite"))
    cross.give_own_ids([a for a in alone if a[0] not in cross.story_of])
    stats["stories"] = len(cross.stories)
    stats["failures"] = [f[1:] for f in sorted(failures)]  # input order, whatever wrote them
    return cross, stats, index


def _warn_undated(undated: list[int], articles: int, window: float) -> None:
    """Say once that the time window could not apply to articles without a date: it
    keeps only dated articles apart, so a batch without dates was silently unwindowed."""
    missing, unread = undated
    why = []
    if missing:
        have = "has" if missing == 1 else "have"
        why.append(f'{missing} {have} no "date", "published" or "time" field')
    if unread:
        has = "has one" if unread == 1 else "have one"
        why.append(f"{unread} {has} that is not ISO 8601 or day-first like 20/05/2024")
    days = f"{window:g} day{'' if window == 1 else 's'}"
    warnings.warn(
        f"the time window of {days} was not applied to {missing + unread} of {articles} "
        f"articles, which have no date: {', '.join(why)}; they can join a story whatever "
        "their dates",
        InputWarning,
        stacklevel=4,
    )


def _write(
    out: Output,
    work: WorkFile,
    index: dict[int, int],
    cross: CrossResult,
    learned: LearnedBoilerplate,
    stats: dict[str, Any],
    title: str,
    files: ExitStack,
) -> None:
    """Render one output; a file is replaced when ``files`` closes, with the others."""
    if out.path is None:  # every byte, or BrokenPipeError (exit 141): io.writers
        stdout = StdoutWriter()
        _render(out.format, stdout, work, index, cross, learned, stats, title)
        stdout.flush()
        return
    handle = files.enter_context(atomic_output(out.path))
    _render(out.format, handle, work, index, cross, learned, stats, title)


def _render(fmt, handle, work, index, cross, learned, stats, title) -> None:
    if fmt in ("jsonl", "json"):
        # JSON: the same records, one a line, as the items of one array. Rendered from the
        # work file like every output, so a resumed run writes the whole array too.
        array = fmt == "json"
        for k, n in enumerate(sorted(index)):
            line = _json_line(render.output_record(work.read_at(index[n]), cross))
            handle.write(array_item(line, first=k == 0) if array else line)
        if array:
            handle.write(ARRAY_END if index else "[]\n")
        return
    if fmt == "html":
        html_page.write_page(
            handle, title, stats, cross, learned, sorted(index), lambda n: work.read_at(index[n])
        )
        return
    handle.write(render.markdown_header(title, stats))
    in_story = set(cross.story_of)
    for story in cross.stories:
        docs = [work.read_at(index[n]) for n in story.members]
        handle.write(render.markdown_story(story, docs))
    failed, heading = [], "\n## Other articles\n"  # written before the first only
    for n in sorted(index):
        if n in in_story:
            continue
        doc = work.read_at(index[n])
        if not doc.ok:
            failed.append(doc)
            continue
        handle.write(heading + render.markdown_article(doc))
        heading = ""
    handle.write(render.markdown_footer(learned, failed))


def _json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"
