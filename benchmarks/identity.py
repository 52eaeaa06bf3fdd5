"""Identity harness: prove that a refactor changes no output, on every article we have.

Why: a refactor (issue 11) must keep every result identical. This module dumps what
the PUBLIC API and the digest CLI produce for every document of ``../shared/data``
and ``samples/``, once from the old code and once from the new, and compares the two
dumps with no tolerance at all.

    python -m benchmarks.identity dump OUT_DIR --model fast|default|none [--limit N]
                                         [--data ../shared/data] [--parts docs,pairs,digest]
    python -m benchmarks.identity compare A_DIR B_DIR [--subset] [--show 5]

Against an old checkout (a git worktree), run this file as a script so that
``summarize`` comes from the worktree and this harness from here::

    cd /tmp && PYTHONPATH=/tmp/baseline python /work/main/benchmarks/identity.py dump ...

(``-m benchmarks.identity`` with the worktree on PYTHONPATH would find the worktree's own
``benchmarks`` package first.) The dump records which ``summarize`` it imported in
``meta.json``; the digest subprocess is checked to import the same one.

What a dump holds (keys sorted, floats rounded to 6 digits, one JSONL line per document):

- ``docs-<set>.jsonl`` (vmds, baomoi, bbc, samples): ``summarize()`` with the default
  budget and method (``--model none``: ``method="lead"``), ``words=60`` on every 10th
  document (selected and excluded sentences, duplicates, title, budget, method, model,
  the segmentation offsets, and ``Summary.vectors`` as exact sha256 hashes, whole and per
  row), and ``deduplicate()`` semantic (with the model), lexical
  (``semantic=False``) and lexical with ``drop_boilerplate=True``; each with a
  ``reconstructs`` flag (``reconstruct(text, removed) == original``; a failure also
  makes ``dump`` exit 1). An exception is recorded as its class name and message.
- ``pairs-<set>.jsonl`` (vnpara, visentsim, tatoeba): the two sentences deduplicated as
  two paragraphs (``--model none``: lexical signals only).
- ``digest-<set>.{jsonl,html,md}`` (baomoi, vmds): the ``summarize digest`` CLI outputs
  (``--fast`` for fast, ``--method lead`` for none), plus ``digest-<set>.status.json``
  (exit code and the final stderr line).
- ``meta.json``: versions, paths, counts and timings; never compared, except that the
  model and limit of the two dumps must match.

Volatile fields, and only these, are left out or normalised: the digest CLI is run from
the data file's folder with the file's bare name, so its ``source`` field reads
``vi_news_raw_baomoi.jsonl:1`` wherever the data lives; in the status file the dump
folder's absolute path is replaced by ``OUT``; stderr lines other than the last (library
warnings, possibly with timestamps) go to ``meta.json`` only; wall times go to
``meta.json`` only. The digest JSONL/HTML/Markdown outputs hold no timings or
temporary paths (two runs were byte-identical), so they are stored exactly as written.
Two dumps of the same code were identical for every model, the int8 default included.

The embedding cache is off: the API dumps load their encoder with ``cache=False``; the
digest CLI has no switch, so it runs with ``SUMMARIZE_CACHE_DIR`` set to a new, empty
folder that only links the built models (the "cold cache" of benchmarks/backends.py):
the same on every run, whatever the user's cache holds.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
SAMPLES = REPO / "samples"

DOC_SETS = {  # name -> file under the data folder
    "vmds": "vmds_ktlab/vmds_docs.jsonl",
    "baomoi": "vi_news_raw_baomoi/vi_news_raw_baomoi.jsonl",
    "bbc": "bbc_en_dev/bbc_dev.jsonl",
}
PAIR_SETS = {  # name -> (file, first field, second field)
    "vnpara": ("vnpara_dev/pairs.jsonl", "sentence1", "sentence2"),
    "visentsim": ("visentsim/visentsim_100.jsonl", "sentence1", "sentence2"),
    "tatoeba": ("tatoeba_vi_en_dev/pairs.jsonl", "vi", "en"),
}
DIGEST_SETS = {"baomoi": DOC_SETS["baomoi"], "vmds": DOC_SETS["vmds"]}
DIGEST_OUTPUTS = ("jsonl", "html", "md")
PARTS = ("docs", "pairs", "digest")
WORDS_EVERY = 10  # the words=60 budget on every 10th document
WORDS = 60
DIGITS = 6
META = "meta.json"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- plain values


def plain(obj: Any) -> Any:
    """JSON-ready data: Enums by value, dataclasses field by field, floats rounded."""
    if isinstance(obj, enum.Enum):
        return plain(obj.value)
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return obj if math.isnan(obj) or math.isinf(obj) else round(obj, DIGITS)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(plain(k)): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [plain(v) for v in obj]
        return sorted(items, key=repr) if isinstance(obj, (set, frozenset)) else items
    import numpy as np

    if isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        rows = arr.reshape(len(arr), -1) if arr.ndim > 1 else arr.reshape(-1, 1)
        return {  # exact bytes; a short hash per row shows which sentence moved
            "dtype": str(arr.dtype),
            "shape": list(arr.shape),
            "sha256": hashlib.sha256(arr.tobytes()).hexdigest(),
            "rows": [hashlib.sha256(r.tobytes()).hexdigest()[:12] for r in rows],
        }
    if isinstance(obj, np.generic):
        return plain(obj.item())
    if hasattr(obj, "__dict__"):
        return {k: plain(v) for k, v in vars(obj).items() if not k.startswith("_")}
    return str(obj)


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def error(exc: BaseException) -> dict:
    return {"error": {"type": type(exc).__name__, "message": str(exc)}}


# --------------------------------------------------------------------------- dump


def read_jsonl(path: Path, limit: int | None) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        n = 0
        for line in f:
            if not line.strip():
                continue
            if limit is not None and n >= limit:
                return
            n += 1
            yield json.loads(line)


def unique_ids(rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    seen: dict[str, int] = {}
    out = []
    for key, row in rows:
        seen[key] = seen.get(key, 0) + 1
        out.append((key if seen[key] == 1 else f"{key}#{seen[key]}", row))
    return out


def load_encoder_for(model: str):
    """The encoder of a dump, loaded once, with the embedding cache off."""
    if model == "none":
        return None
    from summarize.embed import load_encoder

    return load_encoder("e5-static", cache=False) if model == "fast" else load_encoder(cache=False)


def dedup_record(result: Any, original: str) -> dict:
    from summarize import reconstruct

    return {
        "text": result.text,
        "removed": plain(list(result.removed)),
        "boilerplate": plain(list(result.boilerplate)),
        "conflicts": plain(list(result.conflicts)),
        "reconstructs": reconstruct(result.text, result.removed) == original,
    }


def summary_record(result: Any, original: str) -> dict:
    doc = result.document
    return {
        "title": result.title,
        "budget": plain(result.budget),
        "method": plain(result.method),
        "model": plain(result.model),
        "sentences": [
            plain(
                {
                    "index": s.index,
                    "paragraph": s.paragraph,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "score": s.score,
                }
            )
            for s in result.sentences
        ],
        "excluded": [
            plain(
                {
                    "index": e.index,
                    "reason": getattr(e.reason, "value", e.reason),
                    "detail": e.detail,
                }
            )
            for e in result.excluded
        ],
        "duplicates": dedup_record(result.duplicates, original),
        "segments": {
            "title_span": plain(doc.title_span),
            "paragraphs": [[p.start, p.end] for p in doc.paragraphs],
            "sentences": [[s.start, s.end, s.paragraph] for s in doc.sentences],
        },
        "vectors": plain(result.vectors),
    }


def attempt(fn, *args, **kwargs) -> tuple[Any, dict | None]:
    try:
        return fn(*args, **kwargs), None
    except Exception as exc:  # recorded: the same error must come back after a refactor
        return None, error(exc)


def document_record(n: int, text: Any, title: str | None, encoder: Any, model: str) -> dict:
    from summarize import deduplicate, summarize

    kw: dict[str, Any] = {"title": title}
    if model == "none":
        kw["method"] = "lead"
    else:
        kw["model"] = encoder
    rec: dict[str, Any] = {}
    res, err = attempt(summarize, text, **kw)
    rec["summary"] = err or summary_record(res, text)
    rec["sentence_count"] = len(res.document.sentences) if res is not None else 0
    if n % WORDS_EVERY == 0:
        res, err = attempt(summarize, text, words=WORDS, **kw)
        rec[f"summary_words{WORDS}"] = err or summary_record(res, text)
    variants: list[tuple[str, dict]] = [
        ("dedup_lexical", {"semantic": False}),
        ("dedup_lexical_drop_boilerplate", {"semantic": False, "drop_boilerplate": True}),
    ]
    if encoder is not None:
        variants.insert(0, ("dedup_semantic", {"model": encoder}))
    for name, options in variants:
        res, err = attempt(deduplicate, text, title=title, **options)
        rec[name] = err or dedup_record(res, text)
    return rec


def failed_reconstructions(rec: dict) -> list[str]:
    bad = []
    for key, value in rec.items():
        if not isinstance(value, dict):
            continue
        inner = value.get("duplicates", value)
        if isinstance(inner, dict) and inner.get("reconstructs") is False:
            bad.append(key)
    return bad


def document_rows(data: Path, name: str, limit: int | None) -> list[tuple[str, dict]] | None:
    if name == "samples":
        files = sorted(SAMPLES.glob("*.txt"))[:limit] if SAMPLES.is_dir() else []
        if not files:
            return None
        return [(f.name, {"text": f.read_text(encoding="utf-8"), "title": None}) for f in files]
    path = data / DOC_SETS[name]
    if not path.is_file():
        return None
    records = enumerate(read_jsonl(path, limit))
    return unique_ids([(str(r.get("id", i)), r) for i, r in records])


def dump_documents(out: Path, data: Path, encoder: Any, args, meta: dict) -> int:
    bad = 0
    for name in [*DOC_SETS, "samples"]:
        rows = document_rows(data, name, args.limit)
        if rows is None:
            log(f"{name}: no data, skipped")
            meta["skipped"].append(f"docs-{name}")
            continue
        t0 = time.perf_counter()
        sentences = errors = 0
        with open(out / f"docs-{name}.jsonl", "w", encoding="utf-8") as f:
            for n, (doc_id, row) in enumerate(rows):
                rec = document_record(
                    n, row.get("text"), row.get("title") or None, encoder, args.model
                )
                rec.update({"id": doc_id, "n": n})
                sentences += rec["sentence_count"]
                errors += "error" in rec["summary"]
                for what in failed_reconstructions(rec):
                    bad += 1
                    log(f"  RECONSTRUCT FAILED: {name} {doc_id} {what}")
                f.write(dumps(rec) + "\n")
                if (n + 1) % 250 == 0:
                    log(f"  {name}: {n + 1}/{len(rows)} ({time.perf_counter() - t0:.0f} s)")
        secs = time.perf_counter() - t0
        meta["sets"][f"docs-{name}"] = {
            "documents": len(rows), "summary_errors": errors, "sentences": sentences,
            "seconds": round(secs, 1),
        }  # fmt: skip
        log(f"docs-{name}: {len(rows)} documents, {sentences} sentences, {secs:.1f} s")
    return bad


def dump_pairs(out: Path, data: Path, encoder: Any, args, meta: dict) -> int:
    from summarize import deduplicate

    options: dict[str, Any] = {"model": encoder} if encoder is not None else {"semantic": False}
    bad = 0
    for name, (rel, first, second) in PAIR_SETS.items():
        path = data / rel
        if not path.is_file():
            log(f"{name}: no data, skipped")
            meta["skipped"].append(f"pairs-{name}")
            continue
        t0 = time.perf_counter()
        records = enumerate(read_jsonl(path, args.limit))
        rows = unique_ids([(str(r.get("id", i)), r) for i, r in records])
        with open(out / f"pairs-{name}.jsonl", "w", encoding="utf-8") as f:
            for n, (pair_id, row) in enumerate(rows):
                text = f"{row[first]}\n\n{row[second]}"
                res, err = attempt(deduplicate, text, **options)
                rec = err or dedup_record(res, text)
                if rec.get("reconstructs") is False:
                    bad += 1
                    log(f"  RECONSTRUCT FAILED: {name} {pair_id}")
                rec.update({"id": pair_id, "n": n})
                f.write(dumps(rec) + "\n")
        secs = time.perf_counter() - t0
        meta["sets"][f"pairs-{name}"] = {"documents": len(rows), "seconds": round(secs, 1)}
        log(f"pairs-{name}: {len(rows)} pairs, {secs:.1f} s")
    return bad


def _env_with_absolute_pythonpath() -> dict[str, str]:
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        parts = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) if p else p for p in parts)
    return env


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "summarize"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "summarize.cli"]


def dump_digests(out: Path, data: Path, args, meta: dict) -> None:
    import summarize
    from summarize.embed.cache import cache_dir

    flags = {"fast": ["--fast"], "default": [], "none": ["--method", "lead"]}[args.model]
    if args.limit is not None:
        flags += ["--limit", str(args.limit)]
    models = cache_dir() / "models"
    for name, rel in DIGEST_SETS.items():
        path = data / rel
        if not path.is_file():
            log(f"digest {name}: no data, skipped")
            meta["skipped"].append(f"digest-{name}")
            continue
        outs = [out / f"digest-{name}.{ext}" for ext in DIGEST_OUTPUTS]
        with tempfile.TemporaryDirectory(prefix="identity-cache-") as cold:
            if models.is_dir():
                os.symlink(models, Path(cold) / "models")
            env = _env_with_absolute_pythonpath()
            env["SUMMARIZE_CACHE_DIR"] = cold
            probe = subprocess.run(
                [sys.executable, "-c", "import summarize; print(summarize.__file__)"],
                cwd=path.parent, env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            if probe.stdout.strip() != summarize.__file__:
                raise SystemExit(
                    f"the digest CLI would import {probe.stdout.strip()}, not {summarize.__file__}"
                )
            cmd = [*_cli(), "digest", path.name, *flags]
            for o in outs:
                cmd += ["-o", str(o)]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, cwd=path.parent, env=env, capture_output=True, text=True)
            secs = time.perf_counter() - t0
        lines = [ln for ln in proc.stderr.replace(str(out), "OUT").splitlines() if ln.strip()]
        status = {"returncode": proc.returncode, "stderr_last_line": lines[-1] if lines else ""}
        (out / f"digest-{name}.status.json").write_text(dumps(status) + "\n", encoding="utf-8")
        meta["sets"][f"digest-{name}"] = {
            "command": " ".join(cmd), "returncode": proc.returncode,
            "stderr": lines[-20:], "seconds": round(secs, 1),
        }  # fmt: skip
        log(f"digest-{name}: exit {proc.returncode}, {secs:.1f} s: {status['stderr_last_line']}")
        if proc.returncode not in (0, 3):  # 3: some records failed (empty bodies), listed
            log(proc.stderr[-3000:])


def dump(args) -> int:
    import summarize

    out = Path(args.out_dir).resolve()
    data = Path(args.data).resolve()
    out.mkdir(parents=True, exist_ok=True)
    parts = [p for p in args.parts.split(",") if p]
    log(f"summarize from {summarize.__file__}; harness {Path(__file__).resolve()}; data {data}")
    meta: dict[str, Any] = {
        "model": args.model, "limit": args.limit, "parts": parts, "data": str(data),
        "summarize_file": summarize.__file__, "harness": str(Path(__file__).resolve()),
        "python": platform.python_version(), "argv": sys.argv, "sets": {}, "skipped": [],
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }  # fmt: skip
    t0 = time.perf_counter()
    encoder = load_encoder_for(args.model) if {"docs", "pairs"} & set(parts) else None
    meta["encoder"] = getattr(encoder, "name", None)
    meta["encoder_load_seconds"] = round(time.perf_counter() - t0, 1)
    bad = 0
    if "docs" in parts:
        bad += dump_documents(out, data, encoder, args, meta)
    if "pairs" in parts:
        bad += dump_pairs(out, data, encoder, args, meta)
    if "digest" in parts:
        dump_digests(out, data, args, meta)
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    meta["reconstruct_failures"] = bad
    (out / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")
    log(f"dump written to {out} in {meta['seconds']:.1f} s; {bad} reconstruction failures")
    return 1 if bad else 0


# --------------------------------------------------------------------------- compare


def short(value: Any, width: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else f"{text[: width // 2 - 3]} … {text[-(width // 2) :]}"


def same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def differences(a: Any, b: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every leaf where ``a`` and ``b`` differ, types included (1 is not 1.0)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            sub = f"{path}.{key}" if path else key
            if key not in a:
                yield sub, "<absent>", b[key]
            elif key not in b:
                yield sub, a[key], "<absent>"
            else:
                yield from differences(a[key], b[key], sub)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}.length", len(a), len(b)
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from differences(x, y, f"{path}[{i}]")
    elif not same(a, b):
        yield path, a, b


def read_records(path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        rec = json.loads(line)
        key = str(rec.get("id", f"line {i + 1}")) if isinstance(rec, dict) else f"line {i + 1}"
        while key in out:
            key += "#"
        out[key] = rec
    return out


def compare_jsonl(a: Path, b: Path, subset: bool, show: int) -> tuple[int, int, list[str]]:
    ra, rb = read_records(a), read_records(b)
    ids = list(rb) if subset else list(dict.fromkeys([*ra, *rb]))
    n_same = n_diff = 0
    notes: list[str] = []
    for key in ids:
        if key not in ra or key not in rb:
            n_diff += 1
            if len(notes) < show:
                notes.append(f"{key}: only in {'B' if key not in ra else 'A'}")
            continue
        if same(ra[key], rb[key]):
            n_same += 1
            continue
        n_diff += 1
        if len(notes) < show:
            diffs = list(differences(ra[key], rb[key]))
            for where, old, new in diffs[:3]:
                notes.append(f"{key} {where}: {short(old)} -> {short(new)}")
            if len(diffs) > 3:
                notes.append(f"{key}: ... {len(diffs) - 3} more differing fields")
    return n_same, n_diff, notes


def compare_text(a: Path, b: Path, show: int) -> tuple[int, int, list[str]]:
    la = a.read_text(encoding="utf-8").splitlines()
    lb = b.read_text(encoding="utf-8").splitlines()
    n_same = n_diff = 0
    notes = []
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<absent>"
        y = lb[i] if i < len(lb) else "<absent>"
        if x == y:
            n_same += 1
            continue
        n_diff += 1
        if len(notes) < show:
            notes.append(f"line {i + 1}: {short(x)} -> {short(y)}")
    return n_same, n_diff, notes


def compare(args) -> int:
    a, b = Path(args.a_dir), Path(args.b_dir)
    meta_a = json.loads((a / META).read_text("utf-8")) if (a / META).is_file() else {}
    meta_b = json.loads((b / META).read_text("utf-8")) if (b / META).is_file() else {}
    failed = False
    for side, meta in (("A", meta_a), ("B", meta_b)):
        print(
            f"{side}: {meta.get('summarize_file')} model={meta.get('model')} "
            f"limit={meta.get('limit')} parts={meta.get('parts')}"
        )
    for key in ("model",) if args.subset else ("model", "limit"):
        if meta_a.get(key) != meta_b.get(key):
            print(f"DIFFERENT {key}: {meta_a.get(key)} vs {meta_b.get(key)}")
            failed = True
    names_a = {p.name for p in a.iterdir() if p.is_file() and p.name != META}
    names_b = {p.name for p in b.iterdir() if p.is_file() and p.name != META}
    names = sorted(names_b if args.subset else names_a | names_b)
    for name in names:
        if args.subset and name.startswith("digest-"):
            print(f"{name}: skipped (--subset: a digest depends on the whole batch)")
            continue
        if name not in names_a or name not in names_b:
            print(f"{name}: only in {'A' if name in names_a else 'B'}")
            failed = True
            continue
        if name.endswith(".jsonl"):
            n_same, n_diff, notes = compare_jsonl(a / name, b / name, args.subset, args.show)
            unit = "records"
        else:
            n_same, n_diff, notes = compare_text(a / name, b / name, args.show)
            unit = "lines"
        verdict = "OK" if n_diff == 0 else "DIFFERENT"
        print(f"{name}: {n_same} {unit} identical, {n_diff} different  {verdict}")
        for note in notes:
            print(f"    {note}")
        failed |= n_diff > 0
    print("IDENTICAL" if not failed else "DIFFERENCES FOUND")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.identity",
        description="Dump every output of summarize on the data sets; compare two dumps.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="write a dump folder")
    d.add_argument("out_dir")
    d.add_argument("--model", choices=["fast", "default", "none"], required=True)
    d.add_argument("--limit", type=int, default=None, help="first N records of each set")
    d.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder (%(default)s)")
    d.add_argument("--parts", default=",".join(PARTS), help="subset of %(default)s")
    c = sub.add_parser("compare", help="compare two dump folders; exit 1 on any difference")
    c.add_argument("a_dir")
    c.add_argument("b_dir")
    c.add_argument(
        "--subset", action="store_true",
        help="B is a --limit run: compare only B's records and skip the digest files",
    )  # fmt: skip
    c.add_argument("--show", type=int, default=5, help="differences shown per file")
    args = p.parse_args(argv)
    if args.command == "dump":
        unknown = set(args.parts.split(",")) - set(PARTS) - {""}
        if unknown:
            p.error(f"unknown parts: {', '.join(sorted(unknown))}")
        return dump(args)
    return compare(args)


if __name__ == "__main__":
    if not __package__:  # run as a script: the benchmarks' own modules must shadow nothing
        here = Path(__file__).resolve().parent
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.exit(main())
