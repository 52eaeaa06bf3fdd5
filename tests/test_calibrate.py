"""`summarize calibrate` and the calibration helpers it stands on.

Pairs are made up here (``_made_up_pairs`` in test_dedup_decision.py); the command runs
on the static model (``--model e5-static``: no torch, a few seconds), writing to a
temporary folder, never to the user's cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_dedup_decision import _made_up_pairs, _many_made_up_pairs

from summarize.dedup.calibration import Calibration, calibrate, load_pairs
from summarize.dedup.decision import PairDecision, load_decision

ROOT = Path(__file__).resolve().parent.parent


def write_pairs(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def labelled(pairs=None) -> list[dict]:
    return [
        {"sentence1": a, "sentence2": b, "label": int(g)} for a, b, g in pairs or _made_up_pairs()
    ]


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", "calibrate", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "SUMMARIZE_CACHE_DIR": str(cache)},
    )  # fmt: skip


# ------------------------------------------------------------------------ load_pairs


def test_load_pairs_reads_labels_and_graded_scores(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        '{"sentence1": "Một", "sentence2": "Hai", "label": 1}\n'
        "\n"  # blank lines are skipped
        '{"sentence1": "Ba", "sentence2": "Bốn", "label": 0, "id": 7}\n'
        '{"sentence1": "Năm", "sentence2": "Sáu", "score": 3.5}\n'
        '{"sentence1": "Bảy", "sentence2": "Tám", "score": 3.4}\n',
        "utf-8",
    )
    assert load_pairs(path) == [
        ("Một", "Hai", True), ("Ba", "Bốn", False), ("Năm", "Sáu", True), ("Bảy", "Tám", False),
    ]  # fmt: skip
    # --min-score moves the line between duplicate and not, for graded pairs only
    assert [g for *_, g in load_pairs(path, min_score=3.0)] == [True, False, True, True]
    assert [g for *_, g in load_pairs(path, min_score=4.0)] == [True, False, False, False]


# ------------------------------------------------------------- the threshold rule


def test_calibrate_takes_the_highest_recall_threshold_at_the_precision_asked() -> None:
    cosines = np.array([0.95, 0.90, 0.85, 0.80, 0.75])
    gold = [True, True, False, True, False]
    # at 0.90: precision 1, recall 2/3; lower thresholds let the false pair in
    strict = calibrate(cosines, gold, min_precision=0.98)
    assert strict == Calibration(0.9, 1.0, pytest.approx(2 / 3), pytest.approx(0.8), 5)
    # precision 0.75 is enough at 0.80, which finds every duplicate
    loose = calibrate(cosines, gold, min_precision=0.7)
    assert (loose.threshold, loose.precision, loose.recall) == (0.8, 0.75, 1.0)
    # no threshold reaches precision 1.01: the best F1 (0.80, F1 6/7) is returned
    best_f1 = calibrate(cosines, gold, min_precision=1.01)
    assert best_f1.threshold == 0.8 and best_f1.f1 == pytest.approx(6 / 7)


# ------------------------------------------------------------------ the command


def test_calibrate_command_writes_a_decision_that_runs_find(
    tmp_path: Path, static_encoder, summarize_cache_dir: Path, monkeypatch
) -> None:
    pairs = write_pairs(tmp_path / "pairs.jsonl", labelled())
    out = tmp_path / "cache" / "decisions"
    p = run(str(pairs), "--model", "e5-static", "-o", str(out), cache=summarize_cache_dir)
    assert p.returncode == 0, p.stderr
    said = " ".join(p.stdout.split())
    (written,) = out.glob("*.json")
    assert f"decision written to {written}" in said
    assert "on these 12 pairs: precision 1.000" in said  # made-up pairs separate cleanly
    assert "copy it to" in said  # with -o, runs will not find it by themselves
    # 12 pairs are too few for the vector score: the command says so (new-user trial)
    assert "no vector score: it needs 20 pairs of each kind reaching the decision" in said
    decision = PairDecision.from_json(json.loads(written.read_text("utf-8")))
    assert written.name == f"{decision.model}.json"
    assert decision.model == static_encoder.name.split("@")[0]
    assert decision.info == {"pairs": 12, "translations": 0}
    # and a run whose cache holds that folder uses it, not the shipped decision
    assert load_decision(static_encoder.name) != decision
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    assert load_decision(static_encoder.name) == decision


def test_calibrate_fits_the_vector_score_too(
    tmp_path: Path, static_encoder, summarize_cache_dir: Path, monkeypatch
) -> None:
    """By default (``--vector-score``) and with enough pairs of each kind, the written
    decision carries its vector score (numbers in the JSON), and runs read it: the engine
    judges with the pair's vectors. With ``--six-features``: six features."""
    from summarize.dedup.decision import FEATURES

    pairs = write_pairs(tmp_path / "pairs.jsonl", labelled(_many_made_up_pairs()))
    out = tmp_path / "cache" / "decisions"
    args = ("--model", "e5-static", "-o", str(out))
    p = run(str(pairs), *args, cache=summarize_cache_dir)
    assert p.returncode == 0, p.stderr
    (written,) = out.glob("*.json")
    data = json.loads(written.read_text("utf-8"))
    assert data["features"] == list(FEATURES) and set(data["vectors"]) >= {"product_axes"}
    decision = PairDecision.from_json(data)
    assert decision.vectors is not None and decision.vectors.dimension == static_encoder.dim
    k = data["info"]["vector_score"]["axes"]
    assert len(data["vectors"]["product_axes"]) == k == len(decision.vectors.weights) // 2
    assert f"vector score on {k} axes" in " ".join(p.stdout.split())
    assert "on these 72 pairs: precision 1.000" in " ".join(p.stdout.split())
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    assert load_decision(static_encoder.name) == decision
    from summarize import deduplicate

    a, b, _ = _many_made_up_pairs()[0]
    result = deduplicate(f"{a}\n\n{b}", model=static_encoder)
    assert [r.signal for r in result.removed] == ["semantic"]
    plain = tmp_path / "plain"
    args = ("--model", "e5-static", "-o", str(plain), "--six-features")
    p = run(str(pairs), *args, cache=summarize_cache_dir)
    assert p.returncode == 0 and "vector score" not in p.stdout, p.stderr
    (written,) = plain.glob("*.json")
    assert "vectors" not in json.loads(written.read_text("utf-8"))


@pytest.mark.parametrize(
    "content, needle",
    [(None, ": no such file"), ("", ": no pairs"),
     ('{"sentence1": "Một"}\n', ":1: not a pairs file"),
     ("sentence1,sentence2,label\n", ":1: not a pairs file"),
     # the loader's InputError names the line, file:line (no handler of the command rewords it)
     ('{"sentence1": "a", "sentence2": "b", "label": 1}\n[1, 2]\n',
      ":2: not a pairs file: the line is not an object"),
     ('{"sentence1": "a", "sentence2": 3, "label": 1}\n',
      ':1: not a pairs file: "sentence2" must be a string')],
)  # fmt: skip
def test_calibrate_bad_pairs_file_is_one_line(tmp_path: Path, content, needle) -> None:
    """Refused before any model is loaded: the cache here holds no model at all."""
    path = tmp_path / "pairs.jsonl"
    if content is not None:
        path.write_text(content, "utf-8")
    p = run(str(path), cache=tmp_path / "empty-cache")
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 1 and len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
    assert lines[0].startswith(f"summarize: error: {path}{needle}"), lines
    assert not (tmp_path / "empty-cache").exists()  # nothing built, nothing written


def test_calibrate_bad_translations_file_is_one_line(tmp_path: Path) -> None:
    """A translations line with one text fails naming the line, before any model loads."""
    pairs = write_pairs(tmp_path / "pairs.jsonl", labelled())
    xl = tmp_path / "xl.jsonl"
    xl.write_text('{"vi": "Một câu.", "en": "A sentence."}\n{"vi": "Chỉ một."}\n', "utf-8")
    p = run(str(pairs), "--translations", str(xl), cache=tmp_path / "empty-cache")
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 1 and len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
    assert lines[0].startswith(
        f"summarize: error: {xl}:2: not a translations file: the line has one text"
    ), lines
    assert not (tmp_path / "empty-cache").exists()


def test_calibrate_needs_both_kinds_of_pairs(
    tmp_path: Path, static_encoder, summarize_cache_dir: Path
) -> None:
    same_only = [r for r in labelled() if r["label"] == 1]
    pairs = write_pairs(tmp_path / "pairs.jsonl", same_only)
    p = run(
        str(pairs), "--model", "e5-static", "-o", str(tmp_path / "out"), cache=summarize_cache_dir
    )
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 1 and len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
    assert lines[0].startswith(f"summarize: error: {pairs}: "), lines
    assert not (tmp_path / "out").exists()


def test_calibrate_a_folder_is_not_a_missing_file(tmp_path: Path, monkeypatch, capsys) -> None:
    """`summarize calibrate DIR` said "DIR: no such file" of a folder that exists."""
    from conftest import run_main

    code, out, err = run_main(monkeypatch, capsys, "calibrate", str(tmp_path))
    assert code == 1 and out == "", err
    assert err.strip() == f"summarize: error: {tmp_path}: a folder, not a pairs file (JSONL)"


def test_calibrate_usage_names_its_argument_and_takes_fast(tmp_path: Path, monkeypatch, capsys):
    """The usage line said `summarize calibrate [OPTIONS] {pairs}` and "Missing argument
    'pairs'" (a Python name; the README says PAIRS.jsonl); and `--fast`, the static model
    every other command takes, was "No such option" (the cross-lingual warning of
    `dedup --fast --cross-lingual` sends users to calibrate)."""
    from conftest import run_main

    code, out, err = run_main(monkeypatch, capsys, "calibrate")
    assert code == 2 and "Usage: summarize calibrate [OPTIONS] {PAIRS}" in err, err  # typer: {}
    assert "Missing argument 'PAIRS'" in err and "{pairs}" not in err
    code, out, err = run_main(monkeypatch, capsys, "calibrate", "-h")
    assert code == 0 and "--fast" in out and "{pairs}" not in out
    pairs = write_pairs(tmp_path / "pairs.jsonl", labelled())
    code, out, err = run_main(
        monkeypatch, capsys, "calibrate", str(pairs), "--fast", "--model", "e5-static"
    )
    assert code == 2 and "--fast and --model exclude each other" in err


def test_calibrate_output_must_be_a_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    """`-o FILE` (an existing file) said only "File exists: FILE"; refused before any model
    loads, naming the option."""
    from conftest import run_main

    pairs = write_pairs(tmp_path / "pairs.jsonl", labelled())
    taken = tmp_path / "taken"
    taken.write_text("", "utf-8")
    code, out, err = run_main(monkeypatch, capsys, "calibrate", str(pairs), "-o", str(taken))
    assert code == 1 and out == "", err
    said = f"summarize: error: -o {taken}: not a folder (the decision is written into one)"
    assert err.strip() == said


def test_too_few_pairs_says_how_many_of_each_kind_reach_it(tmp_path: Path, fake_encoder) -> None:
    """Only duplicates, none different: the error counts what reached the decision, instead
    of a bare "too few pairs of both kinds"."""
    from summarize.dedup.calibration import calibrate_model

    same_only = [(a, b, True) for a, b, g in _made_up_pairs() if g]
    with pytest.raises(ValueError) as e:
        calibrate_model(fake_encoder, same_only, folder=tmp_path / "out")
    message = str(e.value)
    assert message.startswith("too few pairs of both kinds reach the decision to fit it (")
    reached = int(message.split("(")[1].split(" duplicate")[0])
    assert 0 < reached <= len(same_only)
    assert f"{reached} duplicate and 0 other pairs of {len(same_only)};" in message
    assert "at least 1 of each and 4 in all" in message
    assert not (tmp_path / "out").exists()


def test_calibrate_says_what_the_cross_lingual_cosine_finds(
    tmp_path: Path, static_encoder, summarize_cache_dir: Path
) -> None:
    """With --translations the command says how many of them the cosine it chose finds
    and how many wrong pairs it merges, not only the cosine (fourth new-user trial)."""
    pairs = write_pairs(tmp_path / "pairs.jsonl", labelled())
    xl = [
        ("Chính phủ sẽ tăng lương tối thiểu từ tháng sau.",
         "The government will raise the minimum wage next month."),
        ("Bão số 3 đã đổ bộ vào Quảng Ninh chiều nay.",
         "Typhoon number 3 made landfall in Quang Ninh this afternoon."),
        ("Giá xăng sẽ giảm từ 15 giờ chiều mai.", "Petrol prices will fall from 3 p.m. tomorrow."),
        ("Đội tuyển bóng đá sẽ đá hai trận giao hữu ở châu Âu.",
         "The football team will play two friendlies in Europe."),
    ]  # fmt: skip
    translations = write_pairs(
        tmp_path / "xl.jsonl", [{"sentence1": a, "sentence2": b} for a, b in xl]
    )
    out = tmp_path / "decisions"
    p = run(str(pairs), "--model", "e5-static", "--translations", str(translations), "-o",
            str(out), cache=summarize_cache_dir)  # fmt: skip
    assert p.returncode == 0, p.stderr
    said = " ".join(p.stdout.split())
    assert "; cross-lingual cosine " in said
    found = said.split("% of the translations found")[0].rsplit(" ", 1)[1]
    false = said.split("% of sentences merged with another's translation")[0].rsplit(" ", 1)[1]
    assert 0 <= float(found) <= 100 and 0 <= float(false) <= 100
    from summarize.dedup.calibration import calibrate_model

    fit = calibrate_model(static_encoder, _made_up_pairs(), translations=xl, folder=out)
    cosines = static_encoder.encode([a for a, _ in xl], prompt_name="query") @ (
        static_encoder.encode([b for _, b in xl], prompt_name="query").T
    )
    expect = float(np.mean(np.diag(cosines) >= fit.decision.cross_lingual))
    assert fit.translations_found == pytest.approx(expect)
    assert f"{expect:.1%}" in said
    assert fit.translations_false is not None and fit.translations_false <= 0.1
