"""No FILE on the command line: standard input when it is a pipe or a redirected file.

`summarize < a.txt > out.txt` is how a shell user tries a filter first; it must write
the summary, never the help, into out.txt. With no FILE on a terminal there is nothing
to read: a usage error on stderr (exit 2), stdout left empty. Summaries use the
deterministic ``fake_encoder`` in this process; the terminal case also runs as a real
process on a pseudo-terminal, since only a real one answers ``isatty()`` for real.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_main

import summarize.pipeline

ROOT = Path(__file__).resolve().parent.parent
HUE = ROOT / "samples" / "thua-thien-hue.txt"
QN = ROOT / "samples" / "quang-ninh-quang-binh.txt"
FIRST_LINE = "Cụ thể hóa việc học và làm theo Bác"  # in HUE's summary and cleaned text


class Terminal(io.TextIOWrapper):
    """Standard input as a terminal: ``isatty()`` is true."""

    def isatty(self) -> bool:
        return True


def piped(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


@pytest.fixture
def fake_model(monkeypatch, fake_encoder):
    monkeypatch.setattr(summarize.pipeline, "shared_encoder", lambda model=None, **_: fake_encoder)
    return fake_encoder


@pytest.mark.parametrize("args", [[], ["run"], ["-n", "2"], ["run", "-m", "lead"]])
def test_no_file_and_a_piped_stdin_summarises_stdin(monkeypatch, capsys, fake_model, args):
    code, out, err = run_main(monkeypatch, capsys, *args, stdin=piped(HUE.read_bytes()))
    assert code == 0, err
    assert FIRST_LINE in out and "Usage" not in out and "Commands" not in out
    # the same as naming standard input with `-`
    _, dash, _ = run_main(monkeypatch, capsys, *args, "-", stdin=piped(HUE.read_bytes()))
    assert out == dash


def test_dedup_and_digest_read_a_piped_stdin_too(monkeypatch, capsys, fake_model) -> None:
    code, out, err = run_main(
        monkeypatch, capsys, "dedup", "--no-semantic", "-q", stdin=piped(HUE.read_bytes())
    )
    assert code == 0, err
    assert FIRST_LINE in out
    _, dash, _ = run_main(
        monkeypatch, capsys, "dedup", "-", "--no-semantic", "-q", stdin=piped(HUE.read_bytes())
    )
    assert out == dash
    records = "".join(
        json.dumps({"id": p.stem, "text": p.read_text("utf-8")}, ensure_ascii=False) + "\n"
        for p in (HUE, QN)
    )
    code, out, err = run_main(
        monkeypatch, capsys, "digest", "-m", "lead", "-q", stdin=piped(records.encode())
    )
    assert code == 0, err
    assert [json.loads(line)["id"] for line in out.splitlines()] == [HUE.stem, QN.stem]


@pytest.mark.parametrize("command", ["run", "dedup"])
def test_verbose_names_standard_input_as_errors_do(monkeypatch, capsys, fake_model, command):
    """`cat a.html | summarize -v` said "read -: html, ..."; errors say <stdin>."""
    args = [command, "-v", "-m", "lead"] if command == "run" else [command, "-v", "-q"]
    code, out, err = run_main(monkeypatch, capsys, *args, stdin=piped(HUE.read_bytes()))
    assert code == 0, err
    assert err.splitlines()[0] == "read <stdin>: txt, encoding utf-8", err


def test_an_empty_pipe_is_an_empty_input_not_help(monkeypatch, capsys, fake_model) -> None:
    code, out, err = run_main(monkeypatch, capsys, stdin=piped(b""))
    assert (code, out) == (1, "")
    assert err.strip() == "summarize: error: <stdin>: input is empty"


@pytest.mark.parametrize("command", ["run", "digest"])
def test_nothing_to_read_is_an_input_error_for_summaries_and_digests_alike(
    monkeypatch, capsys, fake_model, tmp_path: Path, command: str
) -> None:
    """An empty pipe, an empty folder, an empty or blank JSONL file: one line naming what
    was given, exit 1 (docs/cli.md); the digest said "0 documents ... wrote stdout" and
    exited 0, as if a feed had been read."""
    folder = tmp_path / "feed"
    folder.mkdir()
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n \n")
    for args, stdin, named in [
        ([], piped(b""), "<stdin>"),
        ([str(folder)], None, str(folder)),
        ([str(tmp_path / "empty.jsonl")], None, "empty.jsonl"),
        ([str(tmp_path / "blank.jsonl"), str(folder)], None, f"blank.jsonl, {folder}"),
    ]:
        code, out, err = run_main(
            monkeypatch, capsys, command, *args, "-m", "lead", "-q", stdin=stdin or piped(b"x")
        )
        assert (code, out) == (1, ""), (args, err)
        (line,) = err.splitlines()
        assert line.startswith("summarize: error: ") and named in line, line
        assert "Traceback" not in err


@pytest.mark.parametrize(
    "args, needle",
    [([], "Commands"), (["run"], "Missing argument"), (["-n", "2"], "Missing argument"),
     (["dedup"], "Missing argument"), (["digest"], "Missing argument")],
)  # fmt: skip
def test_no_file_on_a_terminal_is_a_usage_error_on_stderr(monkeypatch, capsys, args, needle):
    code, out, err = run_main(monkeypatch, capsys, *args, stdin=Terminal(io.BytesIO(b"")))
    assert (code, out) == (2, "")
    assert "Usage: summarize" in err and needle in err
    assert "Traceback" not in err


def test_no_stdin_at_all_is_a_usage_error(monkeypatch, capsys) -> None:
    """`summarize <&-`: no standard input is attached, so there is nothing to read."""
    code, out, err = run_main(monkeypatch, capsys, "run", stdin=None)
    assert (code, out) == (2, "") and "Missing argument" in err


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_bare_summarize_on_a_real_terminal_prints_help_on_stderr() -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "summarize.cli"], stdin=follower, capture_output=True,
            cwd=ROOT, timeout=120,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert (p.returncode, p.stdout) == (2, b"")
    assert b"Usage: summarize" in p.stderr and b"dedup" in p.stderr


def test_a_real_pipe_is_read_without_a_file_argument() -> None:
    p = subprocess.run(
        [sys.executable, "-m", "summarize.cli", "dedup", "--no-semantic", "-q"],
        input=HUE.read_bytes(), capture_output=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr.decode()
    assert FIRST_LINE in p.stdout.decode()
