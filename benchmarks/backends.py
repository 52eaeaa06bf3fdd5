"""Speed and quality of each backend of the default model, side by side (docs/speed.md).

    python -m benchmarks.backends [--data ../shared/data] [--backends onnx,torch,static]
        [--docs 150] [--quality-docs N] [--sentences 480] [--runs 3]
        [--cli-runs 5] [--digest 300,1000] [--json FILE]

For each backend (``onnx`` int8, the default; ``torch`` fp32, the reference; ``static``,
the fast model) in one process, with the embedding cache off for every timing:

- load: first ``load_encoder(backend=...)`` in the process (torch's import included);
- embedding: real sentences of VietnameseMDS articles, sentences/s, median of ``runs``;
- end to end: ``summarize(text, title=..., sentences=3)`` over ``docs`` articles from
  their raw text (segmentation included), sentences of the articles per second, median
  of ``runs``, each run with the in-process memos emptied. Repetitions go round the
  backends in turn, so a change in the machine's load hits every backend alike;
- quality: ROUGE-1/2/L F1 of those 3-sentence summaries against the publisher's lead
  over ``quality-docs`` articles (default all 628; the embedding cache is on here: it
  changes no vector, only time), duplicate P/R/F1 of the engine with each model's
  shipped threshold on vnPara and on ViSentSim (score >= 3.5), and the cosine of each
  backend's vectors to the fp32 model's on the same sentences. Ratios are to ``torch``.

Then, each in a new process: ``summarize FILE`` on the sample articles from start to
output, per backend, embedding cache cold (an empty cache folder sharing only the built
models) and warm; ``summarize --help``; and with ``--digest`` the bulk digest of the raw
baomoi articles at the given sizes, per backend: wall time, sentences/s, peak memory.
Skips each part cleanly when its data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unicodedata import normalize

ROOT = Path(__file__).resolve().parent.parent
VMDS = Path("vmds_ktlab") / "vmds_docs.jsonl"
VNPARA = Path("vnpara_dev") / "pairs.jsonl"
VISENTSIM = Path("visentsim") / "visentsim_100.jsonl"
BAOMOI = Path("vi_news_raw_baomoi") / "vi_news_raw_baomoi.jsonl"
REFERENCE = "torch"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(xs) -> float:
    return float(statistics.median(xs)) if xs else float("nan")


def load_docs(data: Path, limit: int | None) -> list[dict]:
    from summarize import prepare
    from summarize.errors import SummarizeError

    path = data / VMDS
    docs = []
    if not path.is_file():
        return docs
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            text, title = normalize("NFC", r["text"]), normalize("NFC", r["title"])
            try:
                doc = prepare(text, title=title)
            except SummarizeError:
                continue
            if len(doc.sentences) > 3:
                ref = normalize("NFC", r["summary"])
                docs.append({"doc": doc, "text": text, "title": title, "ref": ref})
            if limit and len(docs) >= limit:
                break
    return docs


def _forget(encoder) -> None:
    """Empty the in-process memos (static word ids, boilerplate labels), as a new process
    has them, so repeated runs over the same articles are not flattered."""
    from summarize.text.boilerplate import boilerplate_reason

    boilerplate_reason.cache_clear()
    memo = getattr(getattr(encoder, "inner", encoder), "_word_ids", None)
    if memo is not None:
        memo.clear()


def summaries(docs: list[dict], encoder) -> tuple[list[str], float]:
    from summarize import summarize

    t = time.perf_counter()  # from the raw text: segmentation is part of the pipeline
    out = [summarize(d["text"], title=d["title"], sentences=3, model=encoder).text for d in docs]
    return out, time.perf_counter() - t


def rouge_scores(texts: list[str], docs: list[dict]) -> dict[str, float]:
    from benchmarks.rouge import rouge

    rows = [rouge(t, d["ref"]) for t, d in zip(texts, docs, strict=True)]
    return {k: round(100 * statistics.fmean(r[k] for r in rows), 2) for k in rows[0]}


def duplicate_scores(data: Path, encoder) -> dict[str, dict]:
    from benchmarks.duplicates import engine_decisions
    from summarize.dedup.calibration import load_pairs, prf, semantic_threshold

    out = {}
    threshold = semantic_threshold(encoder.name)
    for name, rel in (("vnPara", VNPARA), ("ViSentSim", VISENTSIM)):
        if not (data / rel).is_file():
            continue
        pairs = load_pairs(data / rel, min_score=3.5)
        a = encoder.encode([p[0] for p in pairs], "query")
        b = encoder.encode([p[1] for p in pairs], "query")
        decided = engine_decisions(pairs, (a, b), threshold)
        p, r, f = prf(decided, [g for _, _, g in pairs])
        out[name] = {
            "precision": round(100 * p, 1),
            "recall": round(100 * r, 1),
            "f1": round(100 * f, 1),
            "threshold": threshold,
            "pairs": len(pairs),
        }
    return out


def in_process(args, backends: list[str]) -> dict:
    import numpy as np

    from summarize.embed import CachedEncoder, load_encoder

    docs = load_docs(args.data, args.quality_docs)
    if not docs:
        log(f"skipping speed and quality: {args.data / VMDS} not found")
        return {}
    timed_docs = docs[: args.docs]
    sentences = [s.text for d in timed_docs for s in d["doc"].sentences][: args.sentences]
    n_doc_sentences = sum(len(d["doc"].sentences) for d in timed_docs)
    res: dict = {b: {} for b in backends}
    enc = {}
    for b in backends:
        t = time.perf_counter()
        enc[b] = load_encoder(backend=b, cache=False)
        res[b]["model"] = enc[b].name
        res[b]["load_s"] = round(time.perf_counter() - t, 2)
        enc[b].encode(sentences[:16], "query")  # warm-up
        log(f"{b}: loaded {enc[b].name} in {res[b]['load_s']} s")
    emb_t = {b: [] for b in backends}
    e2e_t = {b: [] for b in backends}
    for rep in range(args.runs):
        for b in backends:
            t = time.perf_counter()
            enc[b].encode(sentences, "query")
            emb_t[b].append(time.perf_counter() - t)
            _forget(enc[b])
            _, secs = summaries(timed_docs, enc[b])
            e2e_t[b].append(secs)
            log(f"run {rep + 1}: {b} {len(sentences) / emb_t[b][-1]:.1f} sentences/s embedding, "
                f"{n_doc_sentences / secs:.1f} end to end")  # fmt: skip
    ref = enc.get(REFERENCE, enc[backends[0]]).encode(sentences, "query")
    for b in backends:
        if emb_t[b]:
            res[b]["embedding_sentences_per_s"] = round(len(sentences) / median(emb_t[b]), 1)
            res[b]["embedding_runs_s"] = [round(x, 2) for x in emb_t[b]]
            res[b]["end_to_end_sentences_per_s"] = round(n_doc_sentences / median(e2e_t[b]), 1)
            res[b]["end_to_end_runs_s"] = [round(x, 2) for x in e2e_t[b]]
        vecs = enc[b].encode(sentences, "query")
        if vecs.shape == ref.shape:  # the static model has fewer dimensions
            cos = np.sum(vecs * ref, axis=1)
            res[b]["cosine_to_fp32"] = {"min": round(float(cos.min()), 4),
                                        "mean": round(float(cos.mean()), 4)}  # fmt: skip
    for b in backends:
        cached = CachedEncoder(enc[b])  # quality: same vectors, kept for the next run
        texts, _ = summaries(docs, cached)
        res[b]["rouge"] = rouge_scores(texts, docs)
        res[b]["duplicates"] = duplicate_scores(args.data, cached)
        log(f"{b}: ROUGE {res[b]['rouge']}, duplicates {res[b]['duplicates']}")
    meta = {"timed_documents": len(timed_docs), "timed_document_sentences": n_doc_sentences,
            "embedding_sentences": len(sentences), "quality_documents": len(docs)}  # fmt: skip
    return {"meta": meta, "backends": res}


def _wall(cmd: list[str], env: dict) -> tuple[float, int, str]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    return time.perf_counter() - t, p.returncode, p.stderr[-300:]


def cli_times(backends: list[str], runs: int) -> dict:
    """`summarize FILE` and `summarize --help` in new processes, wall time from start."""
    from summarize.embed import BACKEND_ALIAS, DEFAULT_BACKEND, available_backends, cache_dir

    files = sorted((ROOT / "samples").glob("*.txt"))
    exe = [sys.executable, "-m", "summarize.cli"]
    out: dict = {}
    env = dict(os.environ)
    secs = [_wall([*exe, "--help"], env)[0] for _ in range(runs)]
    out["--help"] = {"median_s": round(median(secs), 2), "runs_s": [round(s, 2) for s in secs]}
    log(f"summarize --help: median {median(secs):.2f} s")
    if not files:
        return out
    models = cache_dir() / "models"
    built = {b["name"] for b in available_backends() if b["built"]}
    for b in backends:
        if b not in built:
            continue
        flag = [] if b == DEFAULT_BACKEND else ["--model", BACKEND_ALIAS[b]]
        for cache in ("cold", "warm"):
            secs, fails = [], 0
            for i in range(runs):
                f = files[i % len(files)]
                with tempfile.TemporaryDirectory() as tmp:
                    run_env = dict(env)
                    if cache == "cold":  # an empty cache folder that shares the built models
                        os.symlink(models, Path(tmp) / "models")
                        run_env["SUMMARIZE_CACHE_DIR"] = tmp
                    else:
                        _wall([*exe, str(f), *flag], run_env)  # make sure it is cached
                    s, code, err = _wall([*exe, str(f), *flag], run_env)
                if code:
                    fails += 1
                    log(f"summarize {f.name} {flag} failed: {err}")
                secs.append(s)
            label = f"summarize FILE {' '.join(flag)}".strip() + f" (embedding cache {cache})"
            out[label] = {"median_s": round(median(secs), 2), "runs_s": [round(s, 2) for s in secs],
                          "failures": fails}  # fmt: skip
            log(f"{label}: median {median(secs):.2f} s")
    return out


def _digest_one(backend: str, size: int, data: Path) -> dict:
    from summarize.digest import DigestOptions, Output, digest
    from summarize.embed import load_encoder

    t = time.perf_counter()
    encoder = load_encoder(backend=backend, cache=False)
    load = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = digest([str(data / BAOMOI)], [Output(Path(tmp) / "d.jsonl", "jsonl")],
                     DigestOptions(limit=size), model=encoder)  # fmt: skip
        wall = time.perf_counter() - t
    return {"backend": backend, "articles": size, "documents": res.documents,
            "sentences": res.sentences, "load_s": round(load, 1), "wall_s": round(wall, 1),
            "sentences_per_s": round(res.sentences / wall, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "load_1min": round(os.getloadavg()[0], 1)}  # fmt: skip


def digest_times(backends: list[str], sizes: list[int], data: Path) -> list[dict]:
    if not (data / BAOMOI).is_file():
        log(f"skipping the digest: {data / BAOMOI} not found")
        return []
    rows = []
    for b in backends:
        for n in sizes:
            cmd = [sys.executable, "-m", "benchmarks.backends", "--digest-one", f"{b}:{n}",
                   "--data", str(data)]  # fmt: skip
            p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            if p.returncode:
                log(f"digest {b} {n} failed: {p.stderr[-500:]}")
                continue
            rows.append(json.loads(p.stdout.strip().splitlines()[-1]))
            log(f"digest: {rows[-1]}")
    return rows


def table(result: dict) -> str:
    rows = result.get("backends", {})
    if not rows:
        return ""
    ref = rows.get(REFERENCE)
    lines = ["| backend | model | load s | embed sent/s | end-to-end sent/s | × fp32 | "
             "ROUGE-2 | × fp32 | vnPara F1 | × fp32 | ViSentSim F1 | cos min/mean |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for b, r in rows.items():

        def ratio(v, base):
            return f"{v / base:.3f}" if ref and base else "–"

        d = r.get("duplicates", {})
        vn, vs = d.get("vnPara", {}).get("f1"), d.get("ViSentSim", {}).get("f1")
        e2e = r.get("end_to_end_sentences_per_s", float("nan"))
        cos = r.get("cosine_to_fp32", {})
        lines.append(
            f"| {b} | {r['model'].split('@')[0]} | {r['load_s']} | "
            f"{r.get('embedding_sentences_per_s')} | {e2e} | "
            f"{ratio(e2e, ref and ref.get('end_to_end_sentences_per_s'))} | "
            f"{r['rouge']['rouge2']} | "
            f"{ratio(r['rouge']['rouge2'], ref and ref['rouge']['rouge2'])} | {vn} | "
            f"{ratio(vn or 0, ref and ref['duplicates'].get('vnPara', {}).get('f1'))} | {vs} | "
            f"{cos.get('min', '–')}/{cos.get('mean', '–')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--backends", default="onnx,torch,static")
    ap.add_argument("--docs", type=int, default=150, help="articles timed end to end")
    ap.add_argument("--quality-docs", type=int, default=None, help="default: all")
    ap.add_argument("--sentences", type=int, default=480, help="sentences timed embedding")
    ap.add_argument("--runs", type=int, default=3, help="0: quality only, no timing")
    ap.add_argument("--cli-runs", type=int, default=5, help="0: skip the CLI timings")
    ap.add_argument("--digest", default="", help="sizes, e.g. 300,1000,3000")
    ap.add_argument("--skip-quality", action="store_true", help="CLI and digest only")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--digest-one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.digest_one:
        b, n = args.digest_one.split(":")
        print(json.dumps(_digest_one(b, int(n), args.data)))
        return 0
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    from summarize.embed import build_backends

    build_backends(sorted(set(backends) | {"torch"}))  # not timed
    result: dict = {"load_1min_before": round(os.getloadavg()[0], 1), "cpus": os.cpu_count()}
    if not args.skip_quality:
        result.update(in_process(args, backends))
    if args.cli_runs:
        result["cli"] = cli_times(backends, args.cli_runs)
    if args.digest:
        sizes = [int(x) for x in args.digest.split(",")]
        result["digest"] = digest_times(backends, sizes, args.data)
    result["load_1min_after"] = round(os.getloadavg()[0], 1)
    print(table(result))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
