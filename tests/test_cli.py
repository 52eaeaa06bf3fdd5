"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def run(
    *args: str, stdin: bytes | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def assert_one_line_error(p: subprocess.CompletedProcess, *needles: str) -> None:
    err = p.stderr.decode()
    assert p.returncode != 0
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    for n in needles:
        assert n in lines[0], err
    assert p.stdout == b""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "blank.txt"  # the names never contain the words the errors must say
    empty.write_text("  \n\n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    bad = tmp_path / "latin.txt"
    bad.write_bytes(b"Tin t\xff\xfe\x81c m\x8d\x8f\x90i \x9d\x81\x8d")
    nowords = tmp_path / "marks.txt"
    nowords.write_text("....\n!!! ???\n")
    return {"empty": empty, "binary": binary, "bad": bad, "nowords": nowords, "dir": tmp_path}


@pytest.mark.parametrize(
    "case, needle",
    [("missing", "no such file"), ("empty", "empty"),
     ("binary", "binary"), ("bad", "decode"), ("nowords", "no sentence")],
)  # fmt: skip
def test_bad_input_is_one_line(files, case: str, needle: str) -> None:
    path = "no-such-file.txt" if case == "missing" else str(files[case])
    p = run(path, "--method", "lead")
    assert_one_line_error(p, needle)
    assert path in p.stderr.decode()  # and names the file


@pytest.mark.parametrize(
    "args, needle",
    [(["-n", "0"], "--sentences"), (["--ratio", "-0.5"], "--ratio"), (["--words", "0"], "--words"),
     (["--ratio", "2"], "--ratio"),
     (["-n", "2", "-r", "0.5"], "give only one budget: --sentences, --ratio or --words"),
     (["-m", "lead", "--query", " "], "--query must be a non-empty text (got ' ')"),
     (["dedup", "--threshold", "2"], "--threshold must be in (0, 1] (got 2.0)"),
     (["digest", "-m", "lead", "-n", "0"], "--sentences must be at least 1 (got 0)")],
)  # fmt: skip
def test_bad_budget_is_one_line(args, needle) -> None:
    """The flags the user typed; the same message names the parameters in Python."""
    command = [args.pop(0)] if args[0] in ("dedup", "digest") else []
    p = run(*command, str(SAMPLES / "thua-thien-hue.txt"), *args)
    assert_one_line_error(p, needle)
    assert p.returncode == 2


def test_unknown_option_is_a_usage_error_not_a_traceback() -> None:
    p = run(str(SAMPLES / "thua-thien-hue.txt"), "--method", "magic")
    assert p.returncode == 2
    assert b"Traceback" not in p.stderr


def test_help_lists_commands() -> None:
    p = run("--help")
    assert p.returncode == 0
    # the first word of each row of the Commands panel, not a substring of the prose
    rows = [ln.strip("│ ").split() for ln in p.stdout.decode().splitlines()]
    listed = {row[0] for row in rows if row}
    assert {"run", "dedup", "digest", "models", "calibrate"} <= listed


def test_lead_from_stdin_skips_chrome_and_title() -> None:
    data = (SAMPLES / "khoi-co-quan-tinh-dien-hinh.txt").read_bytes()
    p = run("-", "--method", "lead", "-n", "2", "--format", "json", stdin=data)
    assert p.returncode == 0, p.stderr.decode()
    out = json.loads(p.stdout)
    assert (
        out["title"] == "Lan tỏa các điển hình học và làm theo Bác ở Đảng bộ Khối các cơ quan tỉnh"
    )
    texts = [s["text"] for s in out["sentences"]]
    assert texts[0].startswith("Thực hiện Kết luận số 01-KL/TW")  # not the date or "1,407 lượt xem"
    original = data.decode()
    for s in out["sentences"]:
        assert original[s["start"] : s["end"]] == s["text"]
        assert set(s) >= {"index", "start", "end", "paragraph", "score", "text"}


def test_dedup_command_writes_clean_text_and_report(tmp_path: Path) -> None:
    clean, report = tmp_path / "clean.txt", tmp_path / "report.json"
    src = SAMPLES / "bac-giang-co-quan-tinh.txt"
    p = run("dedup", str(src), "--no-semantic", "-o", str(clean), "--report", str(report))
    assert p.returncode == 0, p.stderr.decode()
    assert "removed 1 paragraph" in p.stderr.decode()  # what went, said on stderr
    original = src.read_text(encoding="utf-8")
    cleaned = clean.read_text(encoding="utf-8")
    assert cleaned.count("987 vấn đề") == 1 and original.count("987 vấn đề") == 2
    from summarize.dedup.document import reconstruct
    from summarize.report import removed_from_json

    assert reconstruct(cleaned, removed_from_json(json.loads(report.read_text()))) == original


@pytest.mark.slow
def test_default_model_summary_end_to_end(default_encoder, summarize_cache_dir: Path) -> None:
    """The README's first command: default model, real sample, a sensible summary."""
    src = SAMPLES / "thua-thien-hue.txt"
    p = run(str(src), "--format", "json", env={"SUMMARIZE_CACHE_DIR": str(summarize_cache_dir)})
    assert p.returncode == 0, p.stderr.decode()
    out = json.loads(p.stdout)
    assert out["title"] == "Cụ thể hóa việc học và làm theo Bác"
    assert len(out["sentences"]) == 3
    idx = [s["index"] for s in out["sentences"]]
    assert idx == sorted(idx)
    chrome = ("Chia sẻ bài viết", "21/08/2020", "ĐỒNG HÀNH", "Bài, ảnh", "Chính trị - Xã hội")
    for s in out["sentences"]:
        assert not any(c in s["text"] for c in chrome)
    assert out["model"].startswith("multilingual-e5-small")
