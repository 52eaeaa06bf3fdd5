"""Command-line conventions a user expects of any tool (issue 17): `-o -`, --version, -h,
completion, flags shown as flags, several inputs, JSONL as records, exit statuses, a
quiet broken pipe, `models --json`, names never cut, progress on stderr.

Real processes on real files. Summaries use `-m lead` (no model) unless a test is about
the model, so they run in seconds.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HUE = SAMPLES / "thua-thien-hue.txt"
QN = SAMPLES / "quang-ninh-quang-binh.txt"


def cli(
    *args: str, stdin: bytes | None = None, cwd: Path = ROOT, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", *args],
        input=stdin, capture_output=True, cwd=cwd, timeout=600,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """Two real articles as JSONL records, then a line that is not JSON."""
    path = tmp_path / "news.jsonl"
    rows = [
        json.dumps({"id": "hue", "title": "Huế", "text": HUE.read_text()}, ensure_ascii=False),
        json.dumps({"id": "qn", "text": QN.read_text()}, ensure_ascii=False),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------ -o -


def test_dash_output_is_stdout_for_run(tmp_path: Path) -> None:
    p = cli("run", str(HUE), "-m", "lead", "-n", "2", "-o", "-", cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    assert "Cụ thể hóa việc học và làm theo Bác" in p.stdout.decode()
    assert not (tmp_path / "-").exists()


def test_dash_report_is_stdout_for_dedup(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    p = cli("dedup", str(HUE), "--no-semantic", "--report", "-", "-o", str(clean), cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    report = json.loads(p.stdout)
    assert (report["kind"], report["schema_version"]) == ("dedup", 2)
    assert clean.read_text() and not (tmp_path / "-").exists()
    both = cli("dedup", str(HUE), "--no-semantic", "--report", "-", cwd=tmp_path)
    assert both.returncode == 2 and b"stdout" in both.stderr and both.stdout == b""
    text = cli("dedup", str(HUE), "--no-semantic", "-o", "-", cwd=tmp_path)
    assert text.returncode == 0 and "Cụ thể hóa việc học" in text.stdout.decode()
    assert not (tmp_path / "-").exists()


def test_dedup_quiet_keeps_the_removals_table_off_stderr(tmp_path: Path) -> None:
    bg = SAMPLES / "bac-giang-co-quan-tinh.txt"  # repeats its statistics paragraph
    loud = cli("dedup", str(bg), "--no-semantic", "-o", str(tmp_path / "a.txt"))
    quiet = cli("dedup", str(bg), "--no-semantic", "-o", str(tmp_path / "b.txt"), "-q")
    assert loud.returncode == quiet.returncode == 0, quiet.stderr.decode()
    assert "paragraph" in loud.stderr.decode() and quiet.stderr == b""
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "b.txt").read_bytes()


def test_dash_output_is_stdout_for_digest(tmp_path: Path, news: Path) -> None:
    p = cli("digest", str(news), "-m", "lead", "-o", "-", "-q", cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    assert [r["id"] for r in jsonl(p.stdout)] == ["hue", "qn"]
    md = cli("digest", str(news), "-m", "lead", "-o", "-", "-f", "markdown", "-q", cwd=tmp_path)
    assert md.stdout.decode().startswith("# Digest")
    assert not (tmp_path / "-").exists()


# ------------------------------------------------------- --version, -h, completion


def test_version_and_short_help() -> None:
    from summarize import __version__

    p = cli("--version")
    assert (p.returncode, p.stdout.decode()) == (0, f"summarize {__version__}\n")
    for args in (["-h"], ["run", "-h"], ["digest", "-h"], ["cache", "-h"]):
        h = cli(*args, env={"COLUMNS": "120"})
        assert h.returncode == 0 and b"Usage: summarize" in h.stdout, args
        assert b"<bool>" not in h.stdout, args  # flags read as flags in every command


def test_flags_read_as_flags_in_help() -> None:
    out = cli("run", "--help", env={"COLUMNS": "160"}).stdout.decode()
    assert "<bool>" not in out
    fast = next(line for line in out.splitlines() if "--fast" in line)
    assert "Static fast model" in fast  # the help text follows the flag, no type between
    assert "<int>" in next(line for line in out.splitlines() if "--sentences" in line)


def test_help_at_80_columns_cuts_no_option_name_and_no_word() -> None:
    """Trial 3: at 80 columns `digest -h` cut 'sentence-transform…' and `dedup -h` even
    '--drop-boilerpla…'. Every command's help fits 80 columns with nothing cut, and a
    negative form stands under its option's name."""
    for command in ("run", "dedup", "digest", "serve", "models", "cache", "calibrate"):
        out = cli(command, "-h", env={"COLUMNS": "80"}).stdout.decode()
        assert "…" not in out, command
        assert max(len(line) for line in out.splitlines()) <= 80, command
    out = cli("dedup", "-h", env={"COLUMNS": "80"}).stdout.decode()
    assert "--drop-boilerplate " in out and "sentence-transformers model" in out
    assert "multilingual-e5-small," in out
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "--semantic" in line)
    assert "--no-semantic" in lines[at + 1]
    help_column = next(line for line in lines if "--threshold" in line).index("Semantic")
    assert 80 - help_column >= 30  # the help text has room, not ~20 columns


def test_shell_completion_script() -> None:
    # As a user runs it: from bash, which typer detects in the process tree (run from a
    # shell it does not support, such as sh, it says so and exits 1).
    # (": ;" keeps bash from replacing itself with the command, so it stays the parent)
    command = f": ; {shlex.quote(sys.executable)} -m summarize.cli --show-completion; exit $?"
    p = subprocess.run(["bash", "-c", command], capture_output=True, cwd=ROOT, timeout=600)
    assert p.returncode == 0, p.stderr.decode()
    script = p.stdout.decode()
    assert "_SUMMARIZE_COMPLETE" in script and "complete" in script
    # What the installed script asks: commands and options complete.
    env = {"_SUMMARIZE_COMPLETE": "complete_bash", "COMP_CWORD": "2"}
    words = cli(env={**env, "COMP_WORDS": "summarize dig", "COMP_CWORD": "1"}).stdout.split()
    assert words == [b"digest"]
    flags = cli(env={**env, "COMP_WORDS": "summarize digest --no-c"}).stdout.split()
    assert flags == [b"--no-cache"]


# ------------------------------------------------------------ several inputs, JSONL


def test_several_files_one_summary_each_with_headers() -> None:
    p = cli(str(HUE), str(QN), "-m", "lead", "-n", "1")
    assert p.returncode == 0, p.stderr.decode()
    out = p.stdout.decode()
    assert out.count("==> ") == 2
    assert out.index(f"==> {HUE} <==") < out.index(f"==> {QN} <==")
    assert "Cụ thể hóa việc học" in out and "Quảng Ninh" in out
    md = cli(str(HUE), str(QN), "-m", "lead", "-n", "1", "-f", "markdown").stdout.decode()
    assert md.count(f"# {HUE}") == 1 and md.count("\n## ") == 2  # titles one level down


def test_several_files_as_json_are_jsonl() -> None:
    p = cli(str(HUE), str(QN), "-m", "lead", "-n", "2", "-f", "json")
    assert p.returncode == 0, p.stderr.decode()
    rows = jsonl(p.stdout)
    assert [r["source"] for r in rows] == [str(HUE), str(QN)]
    for r, path in zip(rows, (HUE, QN), strict=True):
        assert (r["schema_version"], r["kind"], r["error"]) == (2, "summary", None)
        text = path.read_text()
        assert len(r["sentences"]) == 2
        assert all(text[s["start"] : s["end"]] == s["text"] for s in r["sentences"])


def test_jsonl_input_is_records_never_raw_json(news: Path) -> None:
    p = cli(str(news), "-m", "lead", "-n", "1", "-f", "json")
    assert p.returncode == 0, p.stderr.decode()
    rows = jsonl(p.stdout)
    assert [(r["id"], r["title"]) for r in rows] == [
        ("hue", "Huế"), ("qn", "Quảng Ninh: Nhân rộng các mô hình học và làm theo gương Bác")
    ]  # fmt: skip
    for r in rows:
        assert not any(s["text"].lstrip().startswith("{") for s in r["sentences"])
        assert '"text"' not in json.dumps([s["text"] for s in r["sentences"]])
    text = cli(str(news), "-m", "lead", "-n", "1").stdout.decode()
    assert f"==> {news}:1 (hue) <==" in text and '{"id"' not in text


def test_jsonl_on_stdin_is_records(news: Path) -> None:
    p = cli("-", "-m", "lead", "-n", "1", "-f", "json", stdin=news.read_bytes())
    assert p.returncode == 0, p.stderr.decode()
    assert [r["id"] for r in jsonl(p.stdout)] == ["hue", "qn"]


def test_a_folder_is_one_summary_per_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(HUE.read_text())
    (tmp_path / "b.txt").write_text(QN.read_text())
    p = cli(str(tmp_path), "-m", "lead", "-n", "1", "-f", "json")
    assert p.returncode == 0, p.stderr.decode()
    assert [Path(r["source"]).name for r in jsonl(p.stdout)] == ["a.txt", "b.txt"]


# ----------------------------------------------------------------------- exit codes


def test_partial_failure_of_a_batch_exits_3_and_names_the_record(news: Path) -> None:
    with open(news, "a") as f:
        f.write("{oops\n")
    p = cli(str(news), "-m", "lead", "-n", "1", "-f", "json")
    assert p.returncode == 3, p.stderr.decode()
    rows = jsonl(p.stdout)
    assert [r["error"] is None for r in rows] == [True, True, False]  # one line per record
    err = p.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"summarize: error: {news}:3: invalid JSON")


def test_a_record_line_is_named_file_colon_line_in_every_error(tmp_path: Path) -> None:
    """A JSONL line was "f.jsonl:2: ..." in some errors and "f.jsonl, line 44: ..." in
    others: every one now says `file:line:` as compilers do (what editors, grep -n and
    shell tools parse), for `summarize`, `summarize digest` (a file, stdin) and a .json file."""
    src = tmp_path / "f.jsonl"
    good = json.dumps({"id": "ok", "text": HUE.read_text("utf-8")[:1500]}, ensure_ascii=False)
    src.write_text(
        "\n".join([good, '{"id": "e", "text": ""}', "{oops", '{"id": "p", "text": "!!! ???"}',
                   json.dumps({"id": "big", "text": "Câu rất dài. " * 400})]) + "\n",
        "utf-8",
    )  # fmt: skip
    said = {"2": "the \"text\" field is empty", "3": "invalid JSON at column 2",
            "4": "no sentence found", "5": "larger than the 4,000-byte input limit"}  # fmt: skip
    for args, name, stdin in [
        ([str(src)], str(src), None),
        (["digest", str(src), "-q", "-o", str(tmp_path / "d.jsonl")], str(src), None),
        (["digest", "-", "-q", "-o", str(tmp_path / "s.jsonl")], "<stdin>", src.read_bytes()),
    ]:
        p = cli(*args, "-m", "lead", "--max-bytes", "4000", stdin=stdin)
        assert p.returncode == 3, p.stderr.decode()
        errors = [x for x in p.stderr.decode().splitlines() if x.startswith("summarize: error:")]
        assert len(errors) == 4, errors
        for line, (n, words) in zip(errors, said.items(), strict=True):
            assert line.startswith(f"summarize: error: {name}:{n}: ") and words in line, line
        assert ", line " not in p.stderr.decode()
    article = tmp_path / "a.json"
    article.write_text('{"title": "x",\n "text": }\n', "utf-8")
    (line,) = cli(str(article)).stderr.decode().splitlines()
    assert line.startswith(f"summarize: error: {article}:2: invalid JSON at column 10: "), line


def test_every_record_failing_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n{"id": 2, "text": ""}\n')
    p = cli(str(bad), "-m", "lead")
    assert p.returncode == 1 and p.stderr.decode().count("summarize: error:") == 2


@pytest.mark.parametrize(
    "args, code",
    [(["--no-such-option", str(HUE)], 2), ([str(HUE), "-n", "0"], 2),
     ([str(HUE), "--fast", "--model", "x"], 2), (["no-such-file.txt"], 1),
     (["run", str(HUE), str(QN), "--title", "T", "-m", "lead"], 2),
     ([str(HUE), "--model", "./no/such/model"], 4)],
)  # fmt: skip
def test_exit_statuses(args: list[str], code: int) -> None:
    p = cli(*args)
    assert p.returncode == code, p.stderr.decode()
    assert b"Traceback" not in p.stderr


@pytest.mark.parametrize(
    "args, usage, said",
    [([str(HUE), "--window-days", "3"], "summarize [OPTIONS] [FILE]...",
      "--window-days (an option of `summarize digest`, not of `summarize FILE...`; "
      "see `summarize digest -h`)"),
     ([str(HUE), "--window-days=3"], "summarize [OPTIONS] [FILE]...",
      "--window-days (an option of `summarize digest`"),
     (["dedup", str(HUE), "--story-sentences", "2"], "summarize dedup [OPTIONS] [FILE]",
      "--story-sentences (an option of `summarize digest`, not of `summarize dedup`"),
     (["digest", str(HUE), "--report", "r.html"], "summarize digest [OPTIONS] [FILE]...",
      "--report (an option of `summarize dedup`, not of `summarize digest`"),
     (["digest", str(HUE), "--query", "x"], "summarize digest [OPTIONS] [FILE]...",
      "--query (an option of `summarize FILE...`, not of `summarize digest`; "
      "see `summarize run -h`)")],
    ids=["run", "run-equals", "dedup", "digest", "digest-query"],
)  # fmt: skip
def test_an_option_of_another_command_says_whose_it_is(
    args: list[str], usage: str, said: str
) -> None:
    """`summarize a.txt --window-days 3` showed the usage of `summarize run` (a command
    the user never typed) and offered --words as a near miss: the error names the option
    and the command it belongs to, under the usage of what was typed."""
    p = cli(*args)
    assert (p.returncode, p.stdout) == (2, b"")
    lines = p.stderr.decode().splitlines()
    assert lines[0] == f"Usage: {usage}", lines
    hint = usage.split(" [")[0]
    assert lines[1] == f"Try '{hint} -h' for help.", lines
    assert lines[-1].startswith(f"Error: No such option: {said}"), lines
    assert "Possible options" not in lines[-1] and "summarize run [" not in p.stderr.decode()


def test_summarize_file_speaks_as_summarize_not_run() -> None:
    """Usage errors, help and hints of `summarize FILE...` say `summarize`, the command
    typed; a near miss of its own options is still offered; `summarize run` is unchanged."""
    p = cli(str(HUE), "--sentense", "2")
    lines = p.stderr.decode().splitlines()
    assert p.returncode == 2 and lines[:2] == [
        "Usage: summarize [OPTIONS] [FILE]...", "Try 'summarize -h' for help."
    ]  # fmt: skip
    assert lines[-1] == "Error: No such option: --sentense (Possible options: --sentences)"
    h = cli(str(HUE), "-h")
    assert h.returncode == 0 and "Usage: summarize [OPTIONS] [FILE]..." in h.stdout.decode()
    assert "--sentences" in h.stdout.decode()
    r = cli("run", str(HUE), "--sentense", "2")
    assert r.stderr.decode().startswith("Usage: summarize run [OPTIONS] [FILE]...")


@pytest.mark.parametrize(
    "typed, meant",
    [("digset", "digest"), ("dedupe", "dedup"), ("serv", "serve"), ("calibrat", "calibrate"),
     ("model", "models")],
)  # fmt: skip
def test_a_mistyped_command_is_said_so_not_a_missing_file(
    tmp_path: Path, news: Path, typed: str, meant: str
) -> None:
    """`summarize digset news.jsonl` said "digset: no such file or folder": the word was
    taken for a file to summarise. A word near a command that names no file is a usage
    error that says which command was meant; a file of that name is still summarised."""
    p = cli(typed, str(news), cwd=tmp_path)
    assert (p.returncode, p.stdout) == (2, b""), p.stderr.decode()
    (line,) = p.stderr.decode().splitlines()
    assert line == (
        f"summarize: error: {typed}: no such file or command; did you mean `summarize {meant}`?"
    )
    (tmp_path / typed).write_text(HUE.read_text("utf-8"), "utf-8")  # a file by that name
    p = cli(typed, "-m", "lead", "-n", "1", cwd=tmp_path)
    assert p.returncode == 0 and "Cụ thể hóa" in p.stdout.decode(), p.stderr.decode()
    p = cli(f"{meant}.txt", cwd=tmp_path)  # a missing file name is still a missing file
    assert p.returncode == 1 and "did you mean" not in p.stderr.decode()


def test_exit_statuses_are_documented() -> None:
    from summarize import exits

    text = (ROOT / "docs" / "cli.md").read_text() + (ROOT / "README.md").read_text()
    for code, _ in exits.TABLE:
        assert f"| {code} |" in text, code


def test_broken_pipe_exits_quietly(tmp_path: Path, news: Path) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text(news.read_text() * 200)
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", str(many), "-m", "lead"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith(b"==> ")
        proc.stdout.close()  # what `| head -1` does
        _, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 141
    assert err == b"", err.decode()  # no traceback, no "Exception ignored"


def test_a_large_dedup_output_into_a_closed_pipe_exits_141(tmp_path: Path) -> None:
    """``summarize dedup big.txt | head -1`` with unbuffered stdout (PYTHONUNBUFFERED=1,
    python -u): the one write of the whole text stops part way when the reader leaves, and
    Python's text layer dropped the rest without an error (exit 0, output silently cut)."""
    line = next(x for x in HUE.read_text("utf-8").splitlines() if len(x) > 150)
    big = tmp_path / "big.txt"  # 100 kB, more than a pipe holds; no paragraph a duplicate
    big.write_text("\n\n".join(f"Đoạn {i}: {line} Mã số {i * 7919}." for i in range(320)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", "dedup", str(big), "--no-semantic", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.read(10)
        proc.stdout.close()  # what `| head -1` does
        _, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 141, err.decode()
    assert err == b"", err.decode()


def _big_article() -> str:
    """100 kB, more than a pipe holds, in one summary with ``-m lead -r 1``."""
    line = next(x for x in HUE.read_text("utf-8").splitlines() if len(x) > 150)
    return "\n\n".join(f"Đoạn {i}: {line} Mã số {i * 7919}." for i in range(320))


@pytest.mark.parametrize(
    "command",
    [
        ["{folder}", "-m", "lead", "-r", "1", "-q"],  # a batch: one summary per file
        ["digest", "{jsonl}", "-m", "lead", "-r", "1", "-q", "-o", "-"],
        ["digest", "{jsonl}", "-m", "lead", "-r", "1", "-q", "-f", "html", "-o", "-"],
    ],
    ids=["batch", "digest-jsonl", "digest-html"],
)
def test_batch_and_digest_output_into_a_closed_pipe_exits_141(
    tmp_path: Path, command: list[str]
) -> None:
    """``summarize FOLDER | head -c 10`` and ``summarize digest x.jsonl -o - | head -c 10``
    with unbuffered stdout: the last big write stopped part way when the reader left and
    the rest was dropped without an error (exit 0, output silently cut), as for dedup."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text(_big_article(), "utf-8")
    jsonl = tmp_path / "big.jsonl"
    jsonl.write_text(json.dumps({"id": "big", "text": _big_article()}) + "\n", "utf-8")
    args = [a.format(folder=folder, jsonl=jsonl) for a in command]
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.read(10)
        proc.stdout.close()  # what `| head -c 10` does
        _, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 141, err.decode()
    assert err == b"", err.decode()


def test_a_digest_reader_who_stops_early_leaves_the_files_written(tmp_path: Path) -> None:
    """``digest -o page.html -o - | head -c 10``: stdout breaks, the page is still whole."""
    many = tmp_path / "many.jsonl"
    rows = [
        json.dumps({"id": f"a{i}", "text": (HUE if i % 2 else QN).read_text() + f" Số {i}."},
                   ensure_ascii=False)
        for i in range(60)
    ]  # fmt: skip
    many.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page = tmp_path / "page.html"
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", "digest", str(many), "-m", "lead", "-q",
         "-o", str(page), "-o", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.read(10).startswith(b"{")
        proc.stdout.close()  # what `| head -c 10` does
        _, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 141, err.decode()
    assert b"cannot write" not in err and b"Traceback" not in err, err.decode()
    html = page.read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>") and "a59" in html
    assert not list(tmp_path.glob(".page.html.digest-work*"))  # nothing left behind


# --------------------------------------------------------------------------- models


def test_models_json_and_names_never_cut() -> None:
    p = cli("models", "--json")
    assert p.returncode == 0, p.stderr.decode()
    rows = json.loads(p.stdout)
    names = [r["name"] for r in rows]
    assert any(r["kind"].startswith("backend onnx") for r in rows)
    narrow = cli("models", env={"COLUMNS": "80"})
    assert narrow.returncode == 0
    for name in names:
        assert name in narrow.stdout.decode(), name
    lines = narrow.stdout.decode().splitlines()
    whole = ("  kind: ", "  status: ", "  path: ")  # the list layout: one line per value
    assert all(len(line) <= 80 or line.strip() in names or line.startswith(whole) for line in lines)
    if any(line.startswith(whole) for line in lines):
        assert all(f"  status: {r['status']}" in lines for r in rows)  # never folded


# ------------------------------------------------------------------------- progress


def test_line_progress_off_a_terminal() -> None:
    from summarize.digest.progress import LineProgress

    quick = io.StringIO()
    with LineProgress(quick, every=3600) as bar:
        bar.stage("summarising", 3)
        bar.advance(3)
    assert quick.getvalue() == ""  # quick work: no noise
    slow = io.StringIO()
    with LineProgress(slow, every=0) as bar:
        bar.stage("summarising", 3)
        bar.advance(2)
        bar.advance(1)
    lines = slow.getvalue().splitlines()
    assert lines[0].startswith("summarize: summarising: at 2/3 docs")
    assert lines[-1].startswith("summarize: summarising: done 3/3 docs")


def test_model_build_is_always_announced(capsys) -> None:
    import time

    from summarize.embed.store import announced_build

    with announced_build("the fast model e5-static", every=0.05):
        time.sleep(0.2)
    err = capsys.readouterr().err
    assert "Building the fast model e5-static" in err
    assert "summarize models --build" in err
    assert "still building the fast model e5-static" in err  # stderr is not a terminal


def test_progress_bar_on_a_terminal_never_takes_stdout(tmp_path: Path, news: Path) -> None:
    """stderr a terminal (the bar is drawn), stdout a file: the results reach the file."""
    import pty
    import threading

    master, slave = pty.openpty()
    screen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out = tmp_path / "out.jsonl"
    try:
        for args in (["digest", str(news)], [str(news), str(news), "-f", "json"]):
            with open(out, "wb") as handle:
                p = subprocess.run(
                    [sys.executable, "-m", "summarize.cli", *args, "-m", "lead"],
                    stdout=handle, stderr=slave, cwd=ROOT, timeout=300,
                )  # fmt: skip
            assert p.returncode == 0
            rows = jsonl(out.read_bytes())
            assert len(rows) in (2, 4) and all(r["error"] is None for r in rows), args
    finally:
        os.close(slave)
        reader.join(5)
        os.close(master)
    assert b"summarising" in screen  # the bar was drawn on the terminal
    assert b'"schema_version"' not in screen


def test_usage_mistakes_with_inputs_and_outputs_exit_2(tmp_path) -> None:
    """Naming stdin twice, an output twice or an input as the output: options that
    exclude each other, so status 2 as `-o - -o -` (README's exit status table)."""
    src = tmp_path / "a.txt"
    src.write_text("Tiêu đề\n\nCâu thứ nhất của bài. Câu thứ hai của bài.", encoding="utf-8")
    twice = str(tmp_path / "d.md")
    cases = [
        (["-", "-", "-m", "lead"], "must be the only input"),
        (["digest", str(src), "-m", "lead", "-o", twice, "-o", twice], "named twice as an output"),
        ([str(src), "-m", "lead", "-o", str(src)], "writing there would destroy it"),
    ]
    for args, said in cases:
        done = cli(*args, stdin="Một câu. Hai câu.".encode())
        err = done.stderr.decode()
        assert done.returncode == 2, (args, err)
        assert said in err and "Traceback" not in err
    assert src.read_text(encoding="utf-8").startswith("Tiêu đề")
