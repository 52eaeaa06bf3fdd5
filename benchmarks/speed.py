"""Speed and memory: embedding throughput, documents per second, cold start, peak memory.

Everything is measured in child processes, so each number comes with that process's
peak resident memory (``ru_maxrss``) and no model stays loaded between measurements:

- *embedding throughput*: one worker per model (and per backend, when
  ``summarize.embed`` offers several) loads the encoder with the embedding cache
  off, encodes a fixed list of real sentences once to warm up, then ``runs`` more
  times; sentences/s is the median;
- *bulk* documents/s: in the same worker, ``summarize()`` over every document of a
  corpus in one process (model loaded once, embedding cache off), ``runs`` times;
  LEAD, sumy and summa get the same documents, segmented by our segmenter (which is
  timed for them too), each in a worker of its own. When ``summarize.digest`` is
  importable, its ``digest()`` over the same documents is timed too;
- *single-file use*: ``summarize FILE`` as a new process, from start to output, with
  the embedding cache warm (the file was summarised before) and cold (an empty
  cache folder that shares only the built model). Files rotate through the corpus;
  single-file documents/s is one over the median. The peer's equivalent is
  ``python -m benchmarks.peers FILE`` (sumy LexRank), because the ``sumy`` command
  cannot segment Vietnamese offline (it needs NLTK's punkt data).

Corpora: the articles in ``samples/`` and the first non-empty articles of the raw
baomoi scrape (``raw``: title, lead and body, as the scraper saved them).
The CPU may be shared with other work: the load average before and after is saved.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .common import BAOMOI, ModelSpec, median, present, read_jsonl

PEER_SYSTEMS = ("LEAD", "sumy LexRank", "sumy TextRank", "sumy LSA", "sumy Luhn", "summa TextRank")
REFERENCE_PEER = "sumy LexRank"


# --------------------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------------------


def load_corpora(
    data: Path, samples: Path, *, baomoi_docs: int, sample_docs: int | None = None, log=print
) -> dict[str, list[dict]]:
    corpora: dict[str, list[dict]] = {}
    files = sorted(samples.glob("*.txt"))[:sample_docs] if samples.is_dir() else []
    if files:
        corpora["samples"] = [{"id": f.stem, "text": f.read_text(encoding="utf-8")} for f in files]
    else:
        log(f"skipping the sample articles: no .txt file in {samples}")
    path = present(data, BAOMOI)
    if path is None:
        log(f"skipping the baomoi articles: {data / BAOMOI} not found")
    else:
        docs = []
        for r in read_jsonl(path):
            if r.get("text", "").strip() and r.get("raw", "").strip():
                docs.append({"id": r["id"], "text": r["raw"]})
            if len(docs) >= baomoi_docs:
                break
        corpora["baomoi"] = docs
    return corpora


def sentences_of(corpora: dict[str, list[dict]], limit: int) -> list[str]:
    """Real sentences for the throughput test, taken from every corpus in turn."""
    from summarize.text.segment import segment

    per = [[s.text for d in docs for s in segment(d["text"])[1]] for docs in corpora.values()]
    out: list[str] = []
    i = 0
    while len(out) < limit and any(i < len(p) for p in per):
        out.extend(p[i] for p in per if i < len(p))
        i += 1
    return out[:limit]


# --------------------------------------------------------------------------------------
# Workers (run as `python -m benchmarks.speed --worker SPEC.json OUT.json`)
# --------------------------------------------------------------------------------------


def _time_runs(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _worker(spec: dict) -> dict:
    corpora = {name: json.loads(Path(p).read_text()) for name, p in spec["corpora"].items()}
    runs = spec["runs"]
    result: dict = {"system": spec["system"], "corpora": {}}
    system = spec["system"]
    if system.startswith("summarize"):
        from summarize import summarize

        encoder = None
        if spec.get("model") is not None or spec.get("default_model"):
            from summarize.embed import load_encoder

            t0 = time.perf_counter()
            kwargs = {"cache": False}
            if spec.get("backend"):
                kwargs["backend"] = spec["backend"]
            encoder = load_encoder(spec.get("model"), **kwargs)
            result["load_seconds"] = round(time.perf_counter() - t0, 2)
            result["model"] = encoder.name
            sentences = spec.get("sentences") or []
            if sentences:
                encoder.encode(sentences[:16], prompt_name="query")  # warm-up
                times = _time_runs(lambda: encoder.encode(sentences, prompt_name="query"), runs)
                result["embedding"] = {"sentences": len(sentences), "seconds": times}
        method = spec["method"]
        for name, docs in corpora.items():

            def once(docs=docs):
                for d in docs:
                    try:
                        summarize(d["text"], method=method, model=encoder)
                    except Exception:  # noqa: BLE001 - an unreadable article is skipped
                        pass

            result["corpora"][name] = {"documents": len(docs), "seconds": _time_runs(once, runs)}
        if spec.get("digest"):
            result["digest"] = _digest_runs(corpora, encoder, method, runs)
    else:
        from summarize import prepare

        from .peers import PEERS, top_k

        peer = PEERS[system]
        for name, docs in corpora.items():

            def once(docs=docs):
                for d in docs:
                    try:
                        sents = [s.text for s in prepare(d["text"]).sentences]
                    except Exception:  # noqa: BLE001
                        continue
                    top_k(peer(sents, None), 3)

            result["corpora"][name] = {"documents": len(docs), "seconds": _time_runs(once, runs)}
    return result


def _digest_runs(corpora: dict[str, list[dict]], encoder, method: str, runs: int) -> dict:
    """The bulk command of the tool, if this version has one."""
    out: dict = {}
    try:
        from summarize.config import SummaryConfig
        from summarize.digest import DigestOptions, Output, digest
    except Exception as e:  # noqa: BLE001
        return {"status": f"unavailable: {type(e).__name__}: {e}"}
    for name, docs in corpora.items():
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.jsonl"
            src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
            times = []
            try:
                for i in range(runs):
                    target = Path(tmp) / f"out{i}.jsonl"
                    t0 = time.perf_counter()
                    digest(
                        [str(src)],
                        [Output(target, "jsonl")],
                        DigestOptions(SummaryConfig(method=method)),
                        model=encoder,
                    )
                    times.append(time.perf_counter() - t0)
            except Exception as e:  # noqa: BLE001
                return {"status": f"failed: {type(e).__name__}: {e}"}
            out[name] = {"documents": len(docs), "seconds": times}
    return out


def run_worker(spec: dict, tmp: Path, log=print) -> dict:
    """Run one worker process; its result plus its peak memory."""
    spec_path, out_path = tmp / "spec.json", tmp / "out.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False))
    out_path.unlink(missing_ok=True)
    err_path = tmp / "stderr.txt"
    with open(err_path, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.speed", "--worker", str(spec_path), str(out_path)],
            cwd=str(Path(__file__).resolve().parents[1]),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or not out_path.is_file():
        tail = err_path.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        log(f"worker {spec['system']} failed: {tail[0]}")
        return {"system": spec["system"], "status": f"failed: {tail[0]}"}
    result = json.loads(out_path.read_text())
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    result["status"] = "ok"
    return result


# --------------------------------------------------------------------------------------
# Cold start of one file
# --------------------------------------------------------------------------------------


def time_process(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds from start to exit, peak memory in MB, exit code."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=str(Path(__file__).resolve().parents[1]),
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    return seconds, round(usage.ru_maxrss / 1024, 1), os.waitstatus_to_exitcode(status)


def _summarize_cmd() -> list[str]:
    exe = shutil.which("summarize", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "summarize.cli"]


def cold_starts(
    files: dict[str, list[Path]],
    configs: Sequence[tuple[str, list[str], str]],
    runs: int,
    log=print,
) -> dict:
    """``configs``: (label, extra arguments, cache mode: "warm" | "cold" | "none" | "peer")."""
    from summarize.embed import cache_dir

    base_env = dict(os.environ)
    user_cache = cache_dir()
    out: dict = {}
    for label, args, mode in configs:
        entry: dict = {"mode": mode, "corpora": {}}
        for corpus, paths in files.items():
            if not paths:
                continue
            if mode == "warm":  # each file once before timing, so its vectors are cached
                for p in paths[:runs]:
                    time_process([*_summarize_cmd(), str(p), *args], base_env)
            secs, mems, failures = [], [], 0
            for i in range(runs):
                path = paths[i % len(paths)]
                env = dict(base_env)
                fresh = None
                if mode == "cold":
                    fresh = Path(tempfile.mkdtemp(prefix="summarize-cold-"))
                    if (user_cache / "models").is_dir():
                        (fresh / "models").symlink_to(user_cache / "models")
                    env["SUMMARIZE_CACHE_DIR"] = str(fresh)
                if mode == "peer":
                    cmd = [sys.executable, "-m", "benchmarks.peers", str(path)]
                else:
                    cmd = [*_summarize_cmd(), str(path), *args]
                s, m, code = time_process(cmd, env)
                if fresh is not None:
                    shutil.rmtree(fresh, ignore_errors=True)
                if code != 0:
                    failures += 1
                    continue
                secs.append(s)
                mems.append(m)
            entry["corpora"][corpus] = {
                "runs": len(secs),
                "failures": failures,
                "seconds": [round(s, 3) for s in secs],
                "median_seconds": round(median(secs), 3) if secs else None,
                "peak_rss_mb": max(mems) if mems else None,
            }
            log(f"cold start {label} on {corpus}: median {median(secs):.2f} s over {len(secs)}")
        out[label] = entry
    return out


# --------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------


def variants(spec: ModelSpec) -> list[tuple[str, str | None, bool]]:
    """(label, backend, is the shipped default) for a model: the default model has one
    per backend that ``summarize.embed`` lists; any other model runs as it is."""
    if spec.key != "e5":
        return [(spec.label, None, False)]
    try:
        from summarize.embed import available_backends

        rows = available_backends()
    except Exception:  # noqa: BLE001 - no backends listed: the model as it is
        return [(spec.label, None, True)]
    return [
        (r["alias"] + (", default" if r["default"] else ""), r["name"], r["default"]) for r in rows
    ]


def build(backend: str | None, log) -> str | None:
    """Build a model before it is timed (a first use would otherwise build it); why not."""
    try:
        if backend is None:
            from summarize.embed import build_default_model, default_model_status

            if not default_model_status()["built"]:
                log("building the default model first (not timed)")
                build_default_model()
            return None
        from summarize.embed import available_backends, build_backends

        if not any(r["name"] == backend and r["built"] for r in available_backends()):
            log(f"building the {backend} backend first (not timed)")
            build_backends([backend])
        return None
    except Exception as e:  # noqa: BLE001
        return f"failed to build: {type(e).__name__}: {e}"


def run(
    data: Path,
    samples: Path,
    *,
    models: Sequence[ModelSpec],
    methods: Sequence[str],
    quick: bool,
    runs: int | None = None,
    docs: int | None = None,
    log=print,
) -> dict:
    from summarize.config import EMBEDDING_METHODS

    from .common import machine

    runs = runs or (2 if quick else 3)
    cold_runs = 2 if quick else 5
    corpora = load_corpora(
        data,
        samples,
        baomoi_docs=docs or (2 if quick else 60),
        sample_docs=2 if quick else None,
        log=log,
    )
    before = machine()
    if not corpora:
        return {"skipped": "no articles to time", "machine": before}
    sentences = sentences_of(corpora, 16 if quick else 512)
    embed_method = next((m for m in methods if m in EMBEDDING_METHODS), None)
    result: dict = {
        "machine": before,
        "runs": runs,
        "corpora": {
            n: {"documents": len(d), "characters": sum(len(x["text"]) for x in d)}
            for n, d in corpora.items()
        },
        "embedding": {},
        "bulk": {},
        "digest": {},
        "single_file": {},
    }
    with tempfile.TemporaryDirectory(prefix="summarize-speed-") as tmp_s:
        tmp = Path(tmp_s)
        corpus_files = {}
        for name, docs in corpora.items():
            p = tmp / f"{name}.json"
            p.write_text(json.dumps(docs, ensure_ascii=False))
            corpus_files[name] = str(p)

        # One worker per model (x backend): throughput, then summarize() in bulk.
        if embed_method:
            for spec in models:
                found = variants(spec)
                if quick:  # the shipped default only
                    found = [v for v in found if v[2]] or found[:1]
                for label, backend, default in found:
                    name = f"summarize {embed_method} ({label})"
                    if name in result["bulk"]:  # e5-fp32 asked for and also a backend of e5
                        continue
                    if spec.error:
                        result["bulk"][name] = {"status": f"unavailable: {spec.error}"}
                        continue
                    why = build(backend, log) if spec.ref is None else None
                    if why:
                        result["bulk"][name] = {"status": why}
                        continue
                    log(f"timing {name} ...")
                    w = run_worker(
                        {
                            "system": name,
                            "method": embed_method,
                            "model": spec.ref,
                            "default_model": spec.ref is None,
                            "backend": backend,
                            "sentences": sentences,
                            "corpora": corpus_files,
                            "runs": runs,
                            "digest": default and not quick,
                        },
                        tmp,
                        log,
                    )
                    _collect(result, name, label, w)
        for method in methods:
            if method not in EMBEDDING_METHODS:
                name = f"summarize {method}"
                log(f"timing {name} ...")
                w = run_worker(
                    {"system": name, "method": method, "corpora": corpus_files, "runs": runs},
                    tmp,
                    log,
                )
                _collect(result, name, None, w)
        for peer in PEER_SYSTEMS:
            log(f"timing {peer} ...")
            w = run_worker({"system": peer, "corpora": corpus_files, "runs": runs}, tmp, log)
            _collect(result, peer, None, w)

        # Single-file use: `summarize FILE` from process start to output.
        files: dict[str, list[Path]] = {}
        for name, docs in corpora.items():
            if name == "samples":
                files[name] = sorted(samples.glob("*.txt"))[: len(docs)]
            else:
                folder = tmp / name
                folder.mkdir()
                files[name] = []
                for d in docs[:cold_runs]:
                    f = folder / f"{d['id']}.txt"
                    f.write_text(d["text"], encoding="utf-8")
                    files[name].append(f)
        if quick:  # one corpus is enough to keep the harness alive
            files = dict(list(files.items())[:1])
        configs: list[tuple[str, list[str], str]] = []
        if embed_method and any(s.key == "e5" and not s.error for s in models):
            configs.append(("summarize FILE (embedding cache warm)", [], "warm"))
            if not quick:
                configs.append(("summarize FILE (embedding cache cold)", [], "cold"))
                if any(
                    b == "static" for _, b, _ in variants(next(m for m in models if m.key == "e5"))
                ):
                    configs.append(
                        ("summarize FILE --fast (embedding cache cold)", ["--fast"], "cold")
                    )
        for method in methods:
            if method not in EMBEDDING_METHODS:
                configs.append((f"summarize FILE --method {method}", ["--method", method], "none"))
        configs.append(("sumy LexRank on FILE (python -m benchmarks.peers)", [], "peer"))
        result["single_file"] = cold_starts(files, configs, cold_runs, log)
    result["machine_after"] = {"load_average_1m": round(os.getloadavg()[0], 2)}
    result["ratios"] = ratios(result)
    return result


def _collect(result: dict, name: str, label: str | None, w: dict) -> None:
    if w.get("status") != "ok":
        result["bulk"][name] = {"status": w.get("status")}
        return
    entry: dict = {"status": "ok", "peak_rss_mb": w["peak_rss_mb"], "corpora": {}}
    if "load_seconds" in w:
        entry["load_seconds"] = w["load_seconds"]
    for corpus, r in w["corpora"].items():
        t = median(r["seconds"])
        entry["corpora"][corpus] = {
            "documents": r["documents"],
            "seconds": [round(s, 3) for s in r["seconds"]],
            "docs_per_s": round(r["documents"] / t, 3) if t > 0 else None,
        }
    result["bulk"][name] = entry
    if "embedding" in w and label:
        e = w["embedding"]
        t = median(e["seconds"])
        result["embedding"][label] = {
            "model": w.get("model"),
            "sentences": e["sentences"],
            "seconds": [round(s, 3) for s in e["seconds"]],
            "sentences_per_s": round(e["sentences"] / t, 1) if t > 0 else None,
            "load_seconds": w.get("load_seconds"),
            "peak_rss_mb": w["peak_rss_mb"],
        }
    if "digest" in w:
        d = w["digest"]
        if "status" in d:
            result["digest"][name] = {"status": d["status"]}
        else:
            result["digest"][name] = {
                corpus: {
                    "documents": r["documents"],
                    "seconds": [round(s, 3) for s in r["seconds"]],
                    "docs_per_s": round(r["documents"] / median(r["seconds"]), 3),
                }
                for corpus, r in d.items()
            }


def ratios(result: dict) -> dict:
    """Each system's speed over sumy LexRank's, on the same documents in the same run."""
    ref = result["bulk"].get(REFERENCE_PEER, {}).get("corpora", {})
    out: dict = {"reference": REFERENCE_PEER, "bulk_docs_per_s": {}, "single_file_seconds": {}}
    for name, entry in result["bulk"].items():
        for corpus, r in entry.get("corpora", {}).items():
            base = ref.get(corpus, {}).get("docs_per_s")
            if base and r.get("docs_per_s"):
                ratio = round(r["docs_per_s"] / base, 3)
                out["bulk_docs_per_s"].setdefault(name, {})[corpus] = ratio
    peer = next((e for e in result["single_file"].values() if e["mode"] == "peer"), None)
    for label, entry in result["single_file"].items():
        for corpus, r in entry["corpora"].items():
            base = (peer or {}).get("corpora", {}).get(corpus, {}).get("median_seconds")
            if base and r.get("median_seconds"):
                out["single_file_seconds"].setdefault(label, {})[corpus] = round(
                    r["median_seconds"] / base, 2
                )
    return out


def _main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.speed")
    p.add_argument("--worker", nargs=2, metavar=("SPEC", "OUT"), required=True)
    args = p.parse_args(argv)
    spec = json.loads(Path(args.worker[0]).read_text())
    out = _worker(spec)
    Path(args.worker[1]).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
