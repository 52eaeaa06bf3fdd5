"""How the cost of one summary grows with the size of the text (issue 16).

    python -m benchmarks.scaling [--sizes 0.5,1,2,4] [--method lead] [--data ../shared/data]
                                 [--extra] [--timeout 600] [--model fast|default|NAME]
                                 [--recall MB]

Texts of the given sizes (MB of UTF-8) are built by concatenating real articles (the
VietnameseMDS bodies, then the raw baomoi bodies, one blank line apart; the samples when
the data folder is absent), cut at a character boundary. Each size is summarised by
``summarize FILE --method lead --max-bytes 0`` as a new process (wall seconds; peak
memory is the largest child's so far, ``getrusage(RUSAGE_CHILDREN)``, so read it for
ascending sizes), and the ratio of each time to the previous size's is printed: linear
cost is a ratio close to the size ratio. ``--extra`` also times the two shapes that
used to be quadratic: a 200,000-character line without punctuation and 20,000 one-word
lines (the same word, and distinct words).

``--model`` summarises with a model (``fast``: ``--fast``; ``default``: the default
model; else ``--model NAME``), so that the paths by meaning are timed: above
``summarize.neighbours.SPARSE_ABOVE`` sentences ranking and the duplicate search read
nearest neighbours instead of all pairs. ``--recall MB`` (with ``--model``) measures, in
this process, on that much text, how many of the all-pairs path's sentence pairs that the
duplicate decision judges similar (duplicate or conflict) the neighbour path also finds,
and whether the two paths give the same summary and removals.

The texts are written to a temporary folder and deleted: nothing from the data set is
kept. The CPU may be shared: the load average is printed with the times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .common import BAOMOI, DEFAULT_DATA, DEFAULT_SAMPLES, VMDS_DOCS, present, read_jsonl

SUMMARIZE = [sys.executable, "-c", "from summarize.cli import main; main()"]


def articles(data: Path) -> Iterator[str]:
    """Real article bodies, in a fixed order."""
    found = False
    for rel in (VMDS_DOCS, BAOMOI):
        path = present(data, rel)
        if path is None:
            continue
        for record in read_jsonl(path):
            body = (record.get("text") or "").strip()
            if body:
                found = True
                yield body
    if not found:
        for path in sorted(DEFAULT_SAMPLES.glob("*.txt")):
            yield path.read_text("utf-8").strip()


def build(data: Path, size: int) -> str:
    """``size`` bytes (at most) of articles one blank line apart, repeated if needed."""
    parts, total = [], 0
    while total < size:
        before = total
        for body in articles(data):
            parts.append(body)
            total += len(body.encode("utf-8")) + 2
            if total >= size:
                break
        if total == before:
            raise SystemExit("no article text found")
    return "\n\n".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")


def timed(args: list[str], timeout: float) -> tuple[float, float, int]:
    """(wall seconds, peak resident MB, exit status) of one ``summarize`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    try:
        code = subprocess.run(
            [*SUMMARIZE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=timeout,
        ).returncode  # fmt: skip
    except subprocess.TimeoutExpired:
        code = -9  # killed at the timeout: the time printed is the timeout
    seconds = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return seconds, peak, code


MODELS = {"fast": ["--fast"], "default": [], "": []}


def model_args(model: str | None) -> list[str]:
    """The CLI arguments that choose ``model`` (None: no model, ``--method lead`` only)."""
    if model is None:
        return []
    return MODELS.get(model, ["--model", model])


def recall(data: Path, mb: float, model: str, method: str) -> dict:
    """The neighbour path against all pairs on ``mb`` MB of articles (see the docstring)."""
    from summarize import api, neighbours
    from summarize.dedup import engine
    from summarize.dedup.calibration import dedup_config
    from summarize.pipeline import shared_encoder
    from summarize.text.prepare import prepare

    name = {"fast": "e5-static", "default": None}.get(model, model)
    text = build(data, int(mb * 1_000_000))
    encoder = shared_encoder(name)
    doc = prepare(text)
    vectors = encoder.encode([s.text for s in doc.sentences])
    config = dedup_config(encoder.name)
    items = [engine.Item(engine_key(s.text), s.text) for s in doc.sentences]
    order = [i for i in range(len(items)) if items[i].key]
    judged = {}
    for finder in (engine._Pairs, engine._Nearby):
        start = time.perf_counter()
        pairs = finder(items, order, vectors, config)
        kept, found, known = [True] * len(order), set(), {}
        for lo, hi in pairs.blocks:
            for p, row in pairs.firing(lo, hi, kept).items():
                for q, signal, score in row:
                    i, k = order[p], order[q]
                    if engine._judge(items, i, k, signal, score, known, config.decision):
                        found.add((p, q))
        judged[finder.__name__] = (found, time.perf_counter() - start)
    exact, sparse = judged["_Pairs"][0], judged["_Nearby"][0]
    outputs = {}
    for label, above in (("exact", 10**12), ("sparse", 0)):
        neighbours.SPARSE_ABOVE = above
        start = time.perf_counter()
        out = api.summarize(text, model=name, method=method, sentences=5)
        outputs[label] = (
            [s.index for s in out.sentences], repr(out.duplicates.removed),
            repr(out.duplicates.conflicts), time.perf_counter() - start,
        )  # fmt: skip
    return {
        "mb": mb, "model": model, "method": method, "sentences": len(doc.sentences),
        "pairs_judged_similar": len(exact), "found_by_neighbours": len(exact & sparse),
        "recall": round(len(exact & sparse) / max(1, len(exact)), 5),
        "extra_found": len(sparse - exact),
        "pair_seconds": {"all pairs": round(judged["_Pairs"][1], 2),
                         "neighbours": round(judged["_Nearby"][1], 2)},
        "same_summary": outputs["exact"][0] == outputs["sparse"][0],
        "same_removals": outputs["exact"][1] == outputs["sparse"][1],
        "same_conflicts": outputs["exact"][2] == outputs["sparse"][2],
        "summary_seconds": {k: round(v[3], 2) for k, v in outputs.items()},
    }  # fmt: skip


def engine_key(text: str) -> str:
    from summarize.text.normalize import match_key

    return match_key(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.5,1,2,4", help="MB, comma-separated")
    parser.add_argument("--method", default="lead")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--extra", action="store_true", help="also the long line and many lines")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--model", help="fast, default or a model name (default: none)")
    parser.add_argument("--recall", type=float, metavar="MB", help="neighbours vs all pairs")
    args = parser.parse_args(argv)
    if args.recall is not None:
        found = recall(args.data, args.recall, args.model or "fast", args.method)
        print(json.dumps(found, indent=2))
        if args.json:
            args.json.write_text(json.dumps(found, indent=2) + "\n", "utf-8")
        return 0
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    rows: list[dict] = []
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'input':>28} {'chars':>10} {'seconds':>8} {'ratio':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="summarize-scaling-") as tmp:
        inputs = [(f"{mb:g} MB of articles", build(args.data, int(mb * 1_000_000))) for mb in sizes]
        if args.extra:
            inputs += [
                ("200,000-char line", ("chữ " * 50_000)[:200_000]),
                ("20,000 lines, one word", "\n".join(["chữ"] * 20_000)),
                ("20,000 lines, distinct", "\n".join(f"từ{i}" for i in range(20_000))),
            ]
        previous = None
        for name, text in inputs:
            path = Path(tmp) / "input.txt"
            path.write_text(text, "utf-8")
            seconds, peak, code = timed(
                [str(path), "--method", args.method, "--max-bytes", "0",
                 *model_args(args.model)], args.timeout,
            )  # fmt: skip
            ratio = ""
            if previous is not None and name.endswith("articles"):
                ratio = f"{seconds / previous:.2f}"
            previous = seconds if name.endswith("articles") else previous
            note = "" if code == 0 else f"  (exit {code})"
            print(f"{name:>28} {len(text):>10,} {seconds:>8.2f} {ratio:>6} {peak:>8.0f}{note}")
            rows.append({"input": name, "chars": len(text), "seconds": round(seconds, 3),
                         "exit": code, "peak_mb": round(peak)})  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
