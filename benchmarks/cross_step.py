"""Time the digest's cross-document step alone, on a work folder a digest kept.

    summarize digest baomoi-x10.jsonl -o out.jsonl --fast --keep-work
    python -m benchmarks.cross_step .out.jsonl.digest-work --fast [--profile]

The step (story candidates, the event model or the statement confirmation, the story
summaries, the shared-sentence join) is run as the digest runs it, from the work
folder, with the settings given here (``--fast``, ``--method lead`` or the default
model: the ones the digest was run with), and the JSONL the digest would write is
rendered to memory. Printed: wall and CPU seconds of the step, the load average, the
stories and candidate pairs, and the JSONL's sha256, so that two versions of the code
can be compared on the same records (their outputs must be byte-identical).
``--profile`` adds cProfile's top functions by cumulative time.

The folder's ``shared.sqlite`` scratch file is made and removed as in a digest; nothing
else in it is changed.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import os
import pstats
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("work", type=Path, help="a digest's kept work folder (--keep-work)")
    ap.add_argument("--fast", action="store_true", help="the fast static model")
    ap.add_argument("--method", default="learned", choices=["learned", "textrank", "lead"])
    ap.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = ap.parse_args(argv)
    from summarize.config import SummaryConfig
    from summarize.digest import DigestOptions
    from summarize.digest.batch_boilerplate import LearnedBoilerplate
    from summarize.digest.runner import _cross, _render, _Silent
    from summarize.digest.workfile import WorkFile
    from summarize.pipeline import Summarizer, shared_encoder

    work = WorkFile(args.work)
    meta = work.read_meta()
    if meta is None:
        print(f"{args.work}: not a digest's work folder (no meta.json)", file=sys.stderr)
        return 2
    summary = SummaryConfig(method=args.method, model="e5-static" if args.fast else None)
    options = DigestOptions(summary=summary)
    encoder = shared_encoder(summary.model) if summary.needs_model else None
    summarizer = Summarizer(summary, encoder)
    learned = LearnedBoilerplate.from_json(meta["learned"])
    profile = cProfile.Profile() if args.profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    cross, stats, index = _cross(work, options, summarizer, _Silent())
    if profile:
        profile.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stats["learned"] = len(learned.lines)
    out = io.StringIO()
    _render("jsonl", out, work, index, cross, learned, stats, "Digest")
    work.close()
    digest = hashlib.sha256(out.getvalue().encode()).hexdigest()
    print(
        f"cross-document step: {wall:.1f} s wall, {cpu:.1f} s CPU, load "
        f"{os.getloadavg()[0]:.1f}; {stats['documents']} documents, {len(cross.stories)} "
        f"stories, {cross.candidate_pairs} candidate pairs; JSONL sha256 {digest}"
    )
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
