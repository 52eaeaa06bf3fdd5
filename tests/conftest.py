"""Shared fixtures.

Nothing a test does touches the user's real cache: ``SUMMARIZE_CACHE_DIR`` points, for
the whole session, at ``$SUMMARIZE_TEST_CACHE_DIR`` if set, else at a fresh temp dir.
The default model is built there on first use (about 15 s) and loaded once per session
by the ``encoder`` fixture. To build it once and reuse it across runs:

    SUMMARIZE_TEST_CACHE_DIR=~/.cache/summarize-test pytest
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


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
