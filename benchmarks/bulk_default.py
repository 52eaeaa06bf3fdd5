"""The default model's cost in a bulk digest, with and without the read-ahead (docs/speed.md).

    python -m benchmarks.bulk_default [--data ../shared/data] [--limit 300]
        [--variants lead,per-article,read-ahead,learned,screened] [--json FILE]

Each variant digests the first ``limit`` raw baomoi articles in a new process whose
``SUMMARIZE_CACHE_DIR`` holds only links to the built models, so the embedding cache
starts empty. ``per-article`` is the digest with its read-ahead turned off (one model
call per article, as before 2026-12-07); both rank with TextRank. ``learned`` is the
default method with every sentence embedded (``--embed all``), ``screened`` the same with
only what can change a decision embedded (``--embed screened``). Reported: CPU seconds
of the process (user + system, all threads: comparable on a shared machine, where wall
time is not), wall seconds and load average; then how the outputs of the variants with
a model differ (identical picks, identical removed sentences, ROUGE against the
publisher's lead).
Skips cleanly when the data folder is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import DEFAULT_DATA

BAOMOI = Path("vi_news_raw_baomoi") / "vi_news_raw_baomoi.jsonl"
VARIANTS = ("lead", "per-article", "read-ahead", "learned", "screened")

_CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
variant, src, limit, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
import summarize.digest.runner as runner
if variant == "per-article":
    runner.read_ahead = lambda records, *args, **kwargs: records
from summarize.config import SummaryConfig
from summarize.digest import DigestOptions, Output, digest
method = {"lead": "lead", "learned": "learned", "screened": "learned"}.get(variant, "textrank")
scope = "screened" if variant == "screened" else "all"
t = time.perf_counter()
res = digest([src], [Output(Path(out), "jsonl")],
             DigestOptions(SummaryConfig(method=method, embed_scope=scope), limit=limit))
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"variant": variant, "cpu_s": round(ru.ru_utime + ru.ru_stime, 1),
                  "wall_s": round(wall, 1), "sentences": res.sentences,
                  "stages_s": {k: round(v, 1) for k, v in sorted(res.seconds.items())},
                  "load_after": round(os.getloadavg()[0], 1)}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)
    src = args.data / BAOMOI
    if not src.is_file():
        print(f"skipped: {src} not found")
        return 0
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        print(f"unknown variants: {', '.join(sorted(unknown))}; choose from {', '.join(VARIANTS)}")
        return 2
    from summarize.embed.store import models_dir

    models = models_dir()
    rows, outputs = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for v in variants:
            cache = Path(tmp) / f"cache-{v}"
            (cache / "models").mkdir(parents=True)
            for m in models.iterdir() if models.is_dir() else ():
                if not m.name.startswith("."):
                    (cache / "models" / m.name).symlink_to(m.resolve())
            out = Path(tmp) / f"{v}.jsonl"
            load = round(os.getloadavg()[0], 1)
            cmd = [sys.executable, "-c", _CHILD, v, str(src), str(args.limit), str(out)]
            env = dict(os.environ, SUMMARIZE_CACHE_DIR=str(cache))
            p = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if p.returncode:
                sys.stderr.write(p.stderr[-3000:])
                return p.returncode
            row = json.loads(p.stdout.strip().splitlines()[-1]) | {"load_before": load}
            rows.append(row)
            print(json.dumps(row), flush=True)
            outputs[v] = _articles(out)
        lead = next((r["cpu_s"] for r in rows if r["variant"] == "lead"), None)
        for r in rows:
            if lead:
                r["cpu_x_lead"] = round(r["cpu_s"] / lead, 1)
        result = {"rows": rows, "outputs": _compare(outputs, _leads(src))}
    print(json.dumps(result["outputs"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


def _articles(path: Path) -> dict[str, dict]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("kind") == "digest-article":
            out[rec["id"]] = rec
    return out


def _leads(src: Path) -> dict[str, str]:
    from .common import read_jsonl

    return {str(r["id"]): r.get("summary") or "" for r in read_jsonl(src)}


def _compare(outputs: dict[str, dict], leads: dict[str, str]) -> dict:
    from .rouge import rouge

    def picks(rec: dict) -> list[int]:
        return [s["index"] for s in rec.get("sentences") or []]

    def removed(rec: dict) -> list[int]:
        return sorted(r["index"] for r in rec.get("removed") or [])

    res: dict = {}
    for v, arts in outputs.items():
        keys = [k for k, r in arts.items() if r.get("sentences") and leads.get(k)]
        scores = [rouge(" ".join(s["text"] for s in arts[k]["sentences"]), leads[k]) for k in keys]
        if scores:
            res[v] = {m: round(100 * statistics.fmean(s[m] for s in scores), 2) for m in scores[0]}
    for x, y in (("per-article", "read-ahead"), ("learned", "screened")):
        a, b = outputs.get(x), outputs.get(y)
        if a and b:
            res[f"{x} vs {y}"] = {
                "identical_picks": sum(picks(a[k]) == picks(b.get(k, {})) for k in a),
                "identical_removed": sum(removed(a[k]) == removed(b.get(k, {})) for k in a),
                "removed": [sum(len(r.get("removed") or []) for r in v.values()) for v in (a, b)],
                "story_sizes_equal": sum(
                    (a[k].get("story") or {}).get("size")
                    == (b.get(k, {}).get("story") or {}).get("size")
                    for k in a
                ),
                "articles": len(a),
            }
    return res


if __name__ == "__main__":
    raise SystemExit(main())
