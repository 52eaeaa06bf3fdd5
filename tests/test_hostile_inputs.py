"""A careless or hostile user (issue 16, part A): nothing lost, nothing hangs, clear words.

Each case runs through the command line (in-process through ``cli.main`` where nothing
can hang, as a real process with a timeout where something could) and through the
Python API. The texts are the project's own samples.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import conftest
import pytest

from summarize.digest import DigestOptions, Output, digest
from summarize.digest.inputs import Fields, iter_records, resolve_inputs
from summarize.digest.lock import LockedError, lock_path_for, output_lock
from summarize.digest.workfile import work_dir_for
from summarize.errors import BudgetError, ConfigError, InputError, SummarizeError
from summarize.io import check_outputs, read_text, write_all_atomic
from summarize.io.readers import InputWarning, parse_size

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
ARTICLE = SAMPLES[0].read_bytes()
POSIX = os.name == "posix"


def text(i: int = 0) -> str:
    return SAMPLES[i % len(SAMPLES)].read_text("utf-8")


def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys, *args: str, stdin: bytes = b""
) -> tuple[int, str, str]:
    """``summarize ARGS`` in this process with ``stdin`` as its input bytes, every warning
    shown: (exit status, stdout, stderr)."""
    piped = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        return conftest.run_main(monkeypatch, capsys, *args, stdin=piped)


def run_process(*args: str, stdin: bytes | None = None, timeout: float = 120):
    """``summarize ARGS`` as a real process, killed after ``timeout`` seconds."""
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", *args],
        input=stdin, capture_output=True, cwd=ROOT, timeout=timeout,
    )  # fmt: skip


def one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], err


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


LEAD = DigestOptions().summary.__class__(method="lead")  # no model needed


def lead(**changes) -> DigestOptions:
    return DigestOptions(summary=LEAD, learn=None, **changes)


# ---------------------------------------------------------------------------- data loss


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE)
    return path


@pytest.mark.parametrize(
    "command",
    [["IN", "-o", "SAME"], ["dedup", "IN", "--no-semantic", "-o", "SAME"],
     ["dedup", "IN", "--no-semantic", "--report", "SAME"]],
)  # fmt: skip
@pytest.mark.parametrize("same", ["name", "hard link", "symlink"])
def test_output_that_is_the_input_is_refused(
    monkeypatch, capsys, tmp_path: Path, article: Path, command: list[str], same: str
) -> None:
    target = article
    if same == "hard link":
        target = tmp_path / "hard.txt"
        os.link(article, target)
    elif same == "symlink":
        target = tmp_path / "link.txt"
        target.symlink_to(article)
    args = [str(article) if a == "IN" else str(target) if a == "SAME" else a for a in command]
    code, out, err = run_main(monkeypatch, capsys, *args, "-m", "lead") if command[0] == "IN" \
        else run_main(monkeypatch, capsys, *args)  # fmt: skip
    one_line_error(code, err, "is the input", "another output file")
    assert article.read_bytes() == ARTICLE
    with pytest.raises(SummarizeError, match="is the input"):
        check_outputs([target], [article])


def test_output_and_report_the_same_file(monkeypatch, capsys, tmp_path, article) -> None:
    same = tmp_path / "r.json"
    code, _, err = run_main(
        monkeypatch, capsys, "dedup", str(article), "--no-semantic", "-o", str(same),
        "--report", str(same),
    )  # fmt: skip
    one_line_error(code, err, "named twice as an output")
    assert not same.exists()


def test_digest_output_that_is_its_input(monkeypatch, capsys, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": text(0)}])
    before = src.read_bytes()
    code, _, err = run_main(monkeypatch, capsys, "digest", str(src), "-m", "lead", "-o", str(src))
    one_line_error(code, err, "is the input")
    assert src.read_bytes() == before
    with pytest.raises(SummarizeError, match="is the input"):
        digest([str(src)], [Output(src, "jsonl")], lead())
    assert src.read_bytes() == before


def test_outputs_checked_before_the_work(monkeypatch, capsys, tmp_path, article) -> None:
    """A folder as -o, a missing folder: refused at once, nothing half written."""
    folder = tmp_path / "out.jsonl"
    folder.mkdir()
    code, _, err = run_main(monkeypatch, capsys, str(article), "-m", "lead", "-o", str(folder))
    one_line_error(code, err, "is a folder")
    # dedup: the report's folder is fine, the text's is missing -> neither is written
    report = tmp_path / "report.json"
    code, _, err = run_main(
        monkeypatch, capsys, "dedup", str(article), "--no-semantic", "--report", str(report),
        "-o", str(tmp_path / "missing" / "clean.txt"),
    )  # fmt: skip
    one_line_error(code, err, "does not exist")
    assert not report.exists()
    # digest -o onto a folder: fails before reading anything, leaves no work folder
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": text(0)}])
    start = time.monotonic()
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(src), "-m", "lead", "-o", str(folder)
    )
    one_line_error(code, err, "is a folder")
    assert time.monotonic() - start < 5
    assert not work_dir_for(folder).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "in.jsonl", "out.jsonl"]


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_unwritable_folder_is_refused_before_the_work() -> None:
    """A read-only output folder, refused by the OS itself. Root writes anywhere, so as
    root the command runs in a child process that drops to the unprivileged ``nobody``.
    The interpreter may live under root's home, so the child first runs the same command
    once as root into a writable folder (every lazy import done), then drops and runs it."""
    import tempfile

    code = (
        "import os, sys\n"
        "from summarize import cli\n"
        "if os.geteuid() == 0:\n"
        "    warm = sys.argv[1:-1] + [os.path.join(os.environ['WARM_DIR'], 's.txt')]\n"
        "    try:\n        cli.main(warm)\n    except SystemExit:\n        pass\n"
        "    os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
        "cli.main(sys.argv[1:])\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        article = Path(folder) / "a.txt"
        article.write_bytes(ARTICLE)
        article.chmod(0o644)
        locked = Path(folder) / "ro"
        locked.mkdir()
        locked.chmod(0o555)
        warm = tempfile.mkdtemp(dir=folder)  # where the warm-up run may write
        p = subprocess.run(
            [sys.executable, "-c", code, str(article), "-m", "lead", "-o", str(locked / "s.txt")],
            capture_output=True, text=True, cwd=folder, timeout=120,
            env={**os.environ, "WARM_DIR": warm},
        )  # fmt: skip
        assert list(locked.iterdir()) == []  # nothing written, not even a temporary
    one_line_error(p.returncode, p.stderr, "permission denied")
    assert p.stdout == ""


def test_several_files_are_written_all_or_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("old")
    with pytest.raises(SummarizeError, match="cannot write"):
        write_all_atomic([(first, "new"), (tmp_path / "gone" / "x.txt", "new"), (second, "x")])
    assert first.read_text() == "old" and not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.txt"]  # no temporary left
    write_all_atomic([(first, "new"), (second, "two")])
    assert (first.read_text(), second.read_text()) == ("new", "two")


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_devices_and_links_as_outputs_are_written_not_replaced(tmp_path: Path) -> None:
    """-o /dev/null writes into the device (as root, a rename would replace the device
    node with a file); -o LINK replaces the link's target and keeps the link."""
    from summarize.io import atomic_output, write_atomic

    before = os.stat("/dev/null")
    write_atomic(Path("/dev/null"), "tóm tắt\n")
    with atomic_output(Path("/dev/null")) as handle:
        handle.write("tóm tắt\n")
    write_all_atomic([(Path("/dev/null"), "x"), (tmp_path / "f.txt", "y")])
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    target, link = tmp_path / "real.txt", tmp_path / "link.txt"
    target.write_text("old")
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    with pytest.raises(SummarizeError, match="is a file, not a folder"):
        check_outputs([target / "x.txt"])


def test_dedup_writes_text_and_report_together(monkeypatch, capsys, tmp_path, article) -> None:
    clean, report = tmp_path / "clean.txt", tmp_path / "report.json"
    code, out, _ = run_main(
        monkeypatch, capsys, "dedup", str(article), "--no-semantic", "-o", str(clean),
        "--report", str(report),
    )  # fmt: skip
    assert code == 0 and out == ""
    assert clean.read_text("utf-8").strip() and json.loads(report.read_text("utf-8"))


# --------------------------------------------------------------------- concurrent digests


@pytest.mark.skipif(not POSIX, reason="flock")
def test_second_digest_on_the_same_output_is_refused(tmp_path: Path) -> None:
    """Two real processes: the second names the first and exits non-zero; the first
    finishes with every record."""
    records = [{"id": f"r{i}", "text": text(i)} for i in range(6)]
    out = tmp_path / "digest.jsonl"
    first = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", "digest", "-", "-m", "lead", "-o", str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    try:
        # The first run holds the lock while it waits for its standard input.
        deadline = time.monotonic() + 60
        while not lock_path_for(out).exists() and time.monotonic() < deadline:
            assert first.poll() is None, first.stderr.read().decode()
            time.sleep(0.05)
        src = write_jsonl(tmp_path / "in.jsonl", records)
        second = run_process("digest", str(src), "-m", "lead", "-o", str(out))
        err = second.stderr.decode()
        one_line_error(second.returncode, err, "another digest is writing", f"pid {first.pid}")
        with pytest.raises(LockedError, match=f"pid {first.pid}"):
            digest([str(src)], [Output(out, "jsonl")], lead())
        stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
        _, err_first = first.communicate(stdin, timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err_first.decode()
    assert [r["id"] for r in read_jsonl(out)] == [r["id"] for r in records]
    assert not lock_path_for(out).exists() and not work_dir_for(out).exists()


@pytest.mark.skipif(not POSIX, reason="flock")
def test_lock_is_released_when_the_holder_ends(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    with output_lock(out):
        with pytest.raises(LockedError, match=f"pid {os.getpid()}"):
            with output_lock(out):
                pass
    with output_lock(out):  # free again
        pass


def test_records_missing_from_the_work_folder_fail_the_run(monkeypatch, tmp_path) -> None:
    """Whatever removed them, a digest never reports success with records missing."""
    from summarize.digest.workfile import WorkFile

    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": text(i)} for i in range(4)])
    append = WorkFile.append

    def lose_one(self, record, vectors=None):
        if record.id != "r2":
            append(self, record, vectors)

    monkeypatch.setattr(WorkFile, "append", lose_one)
    out = tmp_path / "d.jsonl"
    with pytest.raises(SummarizeError, match="only 3 of 4 records"):
        digest([str(src)], [Output(out, "jsonl")], lead())
    assert not out.exists()


def test_shared_sentence_step_errors_are_one_line(tmp_path: Path) -> None:
    """The sqlite step whose folder vanished (what a second run used to do) says so."""
    from summarize.digest.shared import shared_sentences

    rows = [(0, 0, "s1"), (1, 0, "s1")]
    assert shared_sentences(rows, tmp_path / "s.sqlite")[1][0].kept_n == 0
    with pytest.raises(SummarizeError, match="cannot group the shared sentences"):
        shared_sentences(rows, tmp_path / "gone" / "s.sqlite")


# ------------------------------------------------------------------ digest folder entries


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An input folder with one article, a link out of it, a dangling link, a FIFO and
    hidden entries."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "one.txt").write_text(text(0), "utf-8")
    secret = tmp_path / "private.txt"
    secret.write_text(text(1), "utf-8")
    (root / "leak.txt").symlink_to(secret)
    (root / "dangling.txt").symlink_to(tmp_path / "nothing-here")
    (root / "inside.txt").symlink_to(root / "sub" / "one.txt")  # stays in the folder
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.txt")
    (root / ".hidden.txt").write_text(text(2), "utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text(text(3), "utf-8")
    return root


@pytest.mark.skipif(not POSIX, reason="symlinks and FIFOs")
def test_folder_links_leaving_it_are_not_followed(monkeypatch, capsys, folder, tmp_path) -> None:
    out = tmp_path / "d.jsonl"
    start = time.monotonic()
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(folder), "-m", "lead", "-o", str(out)
    )
    assert time.monotonic() - start < 60  # the FIFO is never opened
    assert code == 0, err
    ids = [r["id"] for r in read_jsonl(out)]
    assert ids == [str(folder / "inside.txt"), str(folder / "sub" / "one.txt")]
    assert "private" not in out.read_text("utf-8")
    lines = [ln for ln in err.splitlines() if "warning" in ln]
    assert len(lines) == 4, err  # one line per kind
    kinds = ("leading out of the folder", "dangling", "not regular files", "hidden")
    by_kind = {k: next(ln for ln in lines if k in ln) for k in kinds}
    assert "leak.txt" in by_kind["leading out of the folder"]
    assert "--follow-links" in by_kind["leading out of the folder"]
    assert "dangling.txt" in by_kind["dangling"]
    assert "pipe.txt is a named pipe" in by_kind["not regular files"]
    assert ".git" in by_kind["hidden"] and ".hidden.txt" in by_kind["hidden"]
    # --follow-links reads the link that leaves the folder, and still says the rest
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(folder), "-m", "lead", "-o", str(out), "--follow-links"
    )
    assert code == 0, err
    assert str(folder / "leak.txt") in [r["id"] for r in read_jsonl(out)]
    assert "leading out" not in err and "dangling" in err


@pytest.mark.skipif(not POSIX, reason="symlinks and FIFOs")
def test_folder_skips_are_warnings_in_the_api(folder: Path) -> None:
    with pytest.warns(InputWarning) as caught:
        sources = resolve_inputs([str(folder)])
    assert [s.name for s in sources] == [str(folder / "inside.txt"), str(folder / "sub/one.txt")]
    assert len(caught) == 4
    with pytest.warns(InputWarning) as caught:
        names = [s.name for s in resolve_inputs([str(folder)], follow_links=True)]
    assert str(folder / "leak.txt") in names and len(caught) == 3


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_link_loops_and_recursive_globs(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "a" / "b").mkdir(parents=True)
    (root / "top.txt").write_text(text(0), "utf-8")
    (root / "a" / "b" / "deep.txt").write_text(text(1), "utf-8")
    (root / "a" / "b" / "up").symlink_to(root)  # a loop, inside the folder
    names = [s.name for s in resolve_inputs([str(root)])]
    assert names == [str(root / "a/b/deep.txt"), str(root / "top.txt")]
    assert [s.name for s in resolve_inputs([str(root)], glob="**/*.txt")] == names
    assert [s.name for s in resolve_inputs([str(root)], glob="b/*.txt")] == names[:1]


def test_a_digest_never_reads_its_own_output(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(text(0), "utf-8")
    out = root / "digest.jsonl"
    digest([str(root)], [Output(out, "jsonl")], lead())
    with pytest.warns(InputWarning, match="this run's own outputs"):
        again = digest([str(root)], [Output(out, "jsonl")], lead())
    assert again.documents == 1


# ------------------------------------------------------------------------------ resources


def test_size_limit(monkeypatch, capsys, article: Path) -> None:
    code, _, err = run_main(monkeypatch, capsys, str(article), "-m", "lead", "--max-bytes", "2kB")
    one_line_error(code, err, "larger than the 2,000-byte input limit", "--max-bytes")
    code, out, _ = run_main(monkeypatch, capsys, str(article), "-m", "lead", "--max-bytes", "1MB")
    assert code == 0 and out.strip()
    code, _, err = run_main(monkeypatch, capsys, "dedup", str(article), "--max-bytes", "100")
    one_line_error(code, err, "input limit")
    code, _, err = run_main(monkeypatch, capsys, str(article), "--max-bytes", "lots")
    one_line_error(code, err, "--max-bytes", "not a size")
    with pytest.raises(InputError, match="2,000-byte input limit"):
        read_text(article, max_bytes=2000)
    assert read_text(article, max_bytes=None).text
    for bad in (0, -1, 2.5, True, "20MB"):
        with pytest.raises(ConfigError, match="max_bytes"):
            read_text(article, max_bytes=bad)  # type: ignore[arg-type]
    assert parse_size("20MB") == 20_000_000 and parse_size("1KiB") == 1024
    assert parse_size("0") is None
    with pytest.raises(ConfigError, match="less than one byte"):
        parse_size("0.5")  # not 0: never read as no limit
    with pytest.raises(ConfigError, match=r"0: no limit\)$"):
        parse_size("12XB")  # --max-bytes: 0 is no limit, and the hint says so


@pytest.mark.parametrize(
    ("flag", "zero"),
    [("--max-body", None), ("--max-text", "no cap"), ("--max-batch-text", "no cap")],
)
def test_a_size_hint_offers_0_only_where_0_is_taken(monkeypatch, capsys, flag, zero) -> None:
    """Trial 3: `serve --max-body 12XB` offered "0: no limit", and `--max-body 0` was
    refused. Every size option's hint says what 0 does only where it does it."""
    code, _, err = run_main(monkeypatch, capsys, "serve", flag, "12XB", "--port", "1")
    one_line_error(code, err, f"{flag}: '12XB' is not a size")
    assert code == 2 and ("0: " in err) == (zero is not None)
    if zero:
        assert f"0: {zero}" in err
        return
    for value in ("0", "none"):  # refused, and said to have no unlimited setting
        code, _, err = run_main(monkeypatch, capsys, "serve", flag, value, "--port", "1")
        one_line_error(code, err, f"{flag} must be at least 1 byte", "no unlimited setting")


def test_stdin_is_read_with_the_limit(monkeypatch, capsys) -> None:
    code, _, err = run_main(monkeypatch, capsys, "-", "-m", "lead", "--max-bytes", "1000",
                            stdin=ARTICLE)  # fmt: skip
    one_line_error(code, err, "<stdin>", "1,000-byte input limit")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_never_hangs() -> None:
    p = run_process("/dev/zero", "-m", "lead", timeout=60)
    one_line_error(p.returncode, p.stderr.decode(), "character device", "not a regular file")
    with open("/dev/zero", "rb") as zero:
        p = subprocess.run(
            [sys.executable, "-m", "summarize.cli", "-", "-m", "lead", "--max-bytes", "1MB"],
            stdin=zero, capture_output=True, cwd=ROOT, timeout=60,
        )  # fmt: skip
    one_line_error(p.returncode, p.stderr.decode(), "input limit")
    with pytest.raises(InputError, match="character device"):
        read_text("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_never_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # nobody ever writes to it
    p = run_process(str(fifo), "-m", "lead", timeout=60)
    one_line_error(p.returncode, p.stderr.decode(), "named pipe", "summarize - <")
    p = run_process("digest", str(fifo), "-m", "lead", "-o", str(tmp_path / "d.jsonl"), timeout=60)
    # that record, the only one, failed (exit 1: every record failed); nothing hung
    assert p.returncode == 1, p.stderr.decode()
    assert "named pipe" in read_jsonl(tmp_path / "d.jsonl")[0]["error"]
    with pytest.raises(InputError, match="named pipe"):
        read_text(fifo)


def test_digest_record_over_the_limit_fails_alone(monkeypatch, capsys, tmp_path: Path) -> None:
    big = text(0) * 3  # over 20 kB
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "small", "text": text(1)}, {"id": "big", "text": big, "url": "https://x.vn/b"},
        {"id": "after", "text": text(2)},
    ])  # fmt: skip
    out = tmp_path / "d.jsonl"
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(src), "-m", "lead", "-o", str(out), "--max-bytes", "20kB"
    )
    assert code == 3, err
    got = {r["id"]: r for r in read_jsonl(out)}
    assert list(got) == ["small", "in.jsonl:2".replace("in.jsonl", str(src)), "after"]
    failed = got[f"{src}:2"]
    assert failed["error"].startswith(f"{src}:2: ") and "20,000-byte input limit" in failed["error"]
    assert got["small"]["error"] is None and got["after"]["error"] is None
    # the API, and a single file over the limit
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "a.txt").write_text(big, "utf-8")
    (tmp_path / "folder" / "b.txt").write_text(text(1), "utf-8")
    res = digest([str(tmp_path / "folder")], [Output(out, "jsonl")], lead(max_bytes=20_000))
    assert (res.documents, res.failed) == (2, 1)
    assert "input limit" in read_jsonl(out)[0]["error"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_digest_of_endless_stdin_stops(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    with open("/dev/zero", "rb") as zero:
        p = subprocess.run(
            [sys.executable, "-m", "summarize.cli", "digest", "-", "-m", "lead", "-o", str(out),
             "--max-bytes", "1MB"],
            stdin=zero, capture_output=True, cwd=ROOT, timeout=120,
        )  # fmt: skip
    err = p.stderr.decode()
    assert p.returncode == 1 and "Traceback" not in err, err  # its only record failed
    assert "not read past it" in err
    assert "input limit" in read_jsonl(out)[0]["error"]


# ---------------------------------------------------------------------------- correctness


def test_renamed_ids_never_take_another_records_id(monkeypatch, capsys, tmp_path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "dup", "text": text(0)}, {"id": "dup", "text": text(1)},
        {"id": "dup#2", "text": text(2)}, {"id": "dup", "text": text(3)},
    ])  # fmt: skip
    ids = [r.id for r in iter_records(resolve_inputs([str(src)]))]
    assert ids == ["dup", "dup#3", "dup#2", "dup#4"]
    out = tmp_path / "d.jsonl"
    code, _, err = run_main(monkeypatch, capsys, "digest", str(src), "-m", "lead", "-o", str(out))
    assert code == 0, err
    assert [r["id"] for r in read_jsonl(out)] == ids
    # with --limit the ids are those of the first records alone
    assert [r.id for r in iter_records(resolve_inputs([str(src)]), limit=2)] == ["dup", "dup#2"]


# ------------------------------------------------------------------------------- messages


def test_a_nul_byte_in_an_article_reads_as_a_space_with_a_warning(monkeypatch, capsys, tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(ARTICLE[:300] + b"\x00" + ARTICLE[300:])  # between two characters
    at = len(ARTICLE[:300].decode("utf-8"))
    code, out, err = run_main(monkeypatch, capsys, str(path), "-m", "lead")
    assert code == 0 and out.strip(), err
    said = [line for line in err.splitlines() if "warning" in line]
    assert said == [
        f"summarize: warning: {path}: a NUL character read as a space (at character {at})"
    ]
    with pytest.warns(InputWarning, match=f"at character {at}"):
        raw = read_text(path)
    article = ARTICLE.decode("utf-8")
    assert raw.text == article[:at] + " " + article[at:]  # one for one: offsets still hold
    binary = tmp_path / "photo.txt"  # many NULs: still binary
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02\x03" * 100)
    with pytest.raises(InputError, match="binary"):
        read_text(binary)


def test_dedup_gives_back_a_file_with_nuls_character_for_character(
    monkeypatch, capsys, tmp_path: Path
) -> None:
    """Trial 3: a NUL became a space in the cleaned text, so cleaned text + report no
    longer gave back the original (README's promise). Matching still reads a space; the
    cleaned text and the cuts keep the NUL, in a kept sentence and in a removed one."""
    from summarize import reconstruct
    from summarize.report import removed_from_json

    article = ARTICLE.decode("utf-8")
    repeated = next(line for line in article.splitlines()[1:] if len(line) > 80)
    glued = repeated.replace(" ", "\x00", 1)
    text = article.replace(" ", "\x00", 1) + "\n\n" + glued + "\n"  # a repeat, with a NUL
    path, clean, report = tmp_path / "nul.txt", tmp_path / "clean.txt", tmp_path / "r.json"
    path.write_text(text, encoding="utf-8", newline="")
    args = ("dedup", str(path), "-o", str(clean), "--report", str(report), "--no-semantic", "-q")
    code, _, err = run_main(monkeypatch, capsys, *args)
    assert code == 0, err
    assert err.count("NUL characters read as spaces") == 1, err
    cleaned = clean.read_bytes().decode("utf-8")
    removed = removed_from_json(report.read_text(encoding="utf-8"))
    assert any("\x00" in r.cut_text for r in removed)  # the repeat went, with its NUL
    assert cleaned.count("\x00") == 1  # the other one stays
    assert reconstruct(cleaned, removed) == text
    # read_text keeps them only when asked, and only in plain text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_text(path, keep_nuls=True).text == text


# "Hello\0world": the NUL stands between two words, so they stay two words, the same
# through every door (file, stdin, html=, the Python API, HTTP in test_serve.py).
GLUED = (ROOT / "samples" / "thua-thien-hue.txt").read_text("utf-8")
GLUED = GLUED.replace("chức năng", "chức\x00năng", 1)


def test_a_nul_between_words_is_one_rule_for_the_cli_and_the_api(
    monkeypatch, capsys, tmp_path: Path, fake_encoder
) -> None:
    from summarize import deduplicate, reconstruct, summarize

    assert "\x00" in GLUED  # the sample still has the words this test needs
    path = tmp_path / "glued.txt"
    path.write_text(GLUED, encoding="utf-8")
    for args, stdin in (([str(path)], b""), (["-"], GLUED.encode())):
        code, out, err = run_main(monkeypatch, capsys, *args, "-m", "lead", "-n", "2", stdin=stdin)
        assert code == 0, err
        assert "chức năng" in out and "chứcnăng" not in out and "\x00" not in out
        assert err.count("NUL character read as a space") == 1, err
    with pytest.warns(InputWarning, match=r"^input: a NUL character read as a space"):
        result = summarize(GLUED, method="lead", sentences=2, model=fake_encoder)
    first = result.sentences[0]
    assert "chức năng" in first.text and "\x00" not in first.text
    assert GLUED[first.start : first.end].replace("\x00", " ") == first.text  # offsets hold
    assert result.document.text == GLUED.replace("\x00", " ")
    with pytest.warns(InputWarning, match="NUL"):
        clean = deduplicate(GLUED, semantic=False)
    assert "chức\x00năng" in clean.text  # kept: the cleaned text is the text as given
    assert reconstruct(clean.text, clean.removed) == GLUED
    assert "\x00" not in clean.document.text  # what matching read: a space
    page = (
        "<html><body><article>"
        + "".join(f"<p>{line}</p>" for line in GLUED.splitlines() if line.strip())
        + "</article></body></html>"
    )
    with pytest.warns(InputWarning, match="NUL"):
        from_page = summarize(html=page, method="lead", sentences=2, model=fake_encoder)
    assert "chức năng" in from_page.sentences[0].text  # the parser would glue the words


def test_invalid_utf8_names_the_byte_offset(monkeypatch, capsys, tmp_path: Path) -> None:
    cut = ARTICLE.index("ạ".encode())  # a two-byte... three-byte letter, cut in half
    path = tmp_path / "cut.txt"
    path.write_bytes(ARTICLE[: cut + 1] + b" " + ARTICLE[cut + 3 :])
    code, _, err = run_main(monkeypatch, capsys, str(path), "-m", "lead")
    one_line_error(code, err, f"invalid UTF-8 at byte offset {cut}")
    with pytest.raises(InputError, match=f"byte offset {cut}"):
        read_text(path)


def test_html_nested_too_deep_says_so(monkeypatch, capsys, tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in text(0).splitlines() if line.strip())
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{'<div>' * 400}{body}{'</div>' * 400}</body></html>", "utf-8")
    code, _, err = run_main(monkeypatch, capsys, str(path), "-m", "lead")
    one_line_error(code, err, "nested deeper than the parser's limit")
    with pytest.raises(InputError, match="nested deeper"):
        read_text(path)
    shallow = tmp_path / "ok.html"
    shallow.write_text(f"<html><body>{'<div>' * 20}{body}{'</div>' * 20}</body></html>", "utf-8")
    assert read_text(shallow).text


def test_word_budget_smaller_than_every_sentence(monkeypatch, capsys, article: Path) -> None:
    code, out, err = run_main(monkeypatch, capsys, str(article), "-m", "lead", "-w", "2")
    one_line_error(code, err, "2 words is smaller than every sentence", "shortest has")
    assert out == ""
    from summarize import summarize

    with pytest.raises(BudgetError, match="smaller than every sentence"):
        summarize(text(0), words=2, method="lead")
    assert summarize(text(0), words=60, method="lead").sentences


@pytest.mark.parametrize(
    "line, words",
    [('{"id": "x", "text": "Một câu. Hai câu.}', "a string is not closed"),
     ('{"id" "x", "text": "Một câu."}', "a colon is missing"),
     ('{"id": "x" "text": "Một câu."}', "a comma is missing"),
     ('{"id": "x", "text": "Một câu.",}', "field name must be in double quotes"),
     ('["x", "Một câu."]', 'got an array'),
     ('{"id": "x", "body": "Một câu."}', 'no "text" field (the fields are: "id", "body")'),
     ('{"id": "x", "text": 12}', '"text" field is a number, not a string')],
)  # fmt: skip
def test_malformed_jsonl_names_the_line_and_the_problem(
    monkeypatch, capsys, tmp_path: Path, line: str, words: str
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "ok", "text": text(0)}) + "\n" + line + "\n", "utf-8")
    out = tmp_path / "d.jsonl"
    code, _, err = run_main(monkeypatch, capsys, "digest", str(src), "-m", "lead", "-o", str(out))
    assert code == 3 and "Traceback" not in err, err
    error = read_jsonl(out)[1]["error"]
    assert error.startswith(f"{src}:2: ") and words in error, error
    bad = [r for r in iter_records(resolve_inputs([str(src)])) if r.error]
    assert len(bad) == 1 and words in bad[0].error


def test_failed_records_keep_their_pass_through_fields(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "ok", "text": text(0), "url": "https://a.vn/1"},
        {"id": "empty", "title": "Tin rỗng", "text": " ", "url": "https://a.vn/2",
         "domain": "a.vn", "published": "2020-08-21"},
    ])  # fmt: skip
    out = tmp_path / "d.jsonl"
    res = digest([str(src)], [Output(out, "jsonl")], lead(fields=Fields(site="domain")))
    assert res.failed == 1
    failed = read_jsonl(out)[1]
    failed = {**failed, **(failed.get("fields") or {})}  # pass-through fields, nested or not
    assert failed["id"] == "empty" and failed["error"]
    assert failed["url"] == "https://a.vn/2" and failed["published"] == "2020-08-21"
    assert failed["domain"] == "a.vn" and failed["title"] == "Tin rỗng"
