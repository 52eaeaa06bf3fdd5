"""Stories across languages (``summarize digest --cross-lingual``): false merges, recall, cost.

There is no set of real Vietnamese articles with their English editions in
``../shared/data``, so this measures what can be measured honestly:

* ``--set mix``: the 3,000 raw baomoi articles (Vietnamese) and the 912 BBC articles
  (English, sport and tech, 2004-05) digested together. No story is told in both, so
  every story that joins the two languages is a **false merge**; the run also gives the
  cost of the step on 3,912 articles.
* ``--set tatoeba``: a **synthetic check of the mechanism**, not news: the 500 Tatoeba
  Vietnamese-English sentence pairs shuffled into groups of 8-12 (seeded); each group's
  Vietnamese sentences are one "article" and their translations its English "edition".
  Recall is the share of groups whose two editions end in one story; a story joining two
  groups is a false merge. The sentences are short everyday lines, all on similar
  subjects, so the groups are hard negatives for each other.

For each run it also scores every candidate pair of the kept work folder without the
rule (how many sentences the engine matches, of how many, with how many number
conflicts), so the rule's minimum (``least``) and share can be chosen from the table.

    python -m benchmarks.cross_lingual_stories --set mix --model fast --compare
    python -m benchmarks.cross_lingual_stories --set tatoeba --model default
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import time
from collections import Counter
from pathlib import Path

from .common import BAOMOI, DEFAULT_DATA

BBC = "bbc_en_dev/bbc_dev.jsonl"
TATOEBA = "tatoeba_vi_en_dev/pairs.jsonl"
MODELS = {"default": None, "fast": "e5-static"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--set", choices=["mix", "tatoeba"], default="mix")
    ap.add_argument("--model", choices=sorted(MODELS), default="fast")
    ap.add_argument("--out", type=Path, default=Path("/tmp/cross-lingual-stories"))
    ap.add_argument("--compare", action="store_true", help="also time a run without the flag")
    ap.add_argument("--show", type=int, default=5, help="cross-language stories to print")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    src = args.out / f"{args.set}.jsonl"
    labels = build(args.set, args.data, src)
    result: dict = {"set": args.set, "model": args.model, "articles": len(labels)}
    with_flag = run(src, args.out / f"{args.set}-{args.model}", args.model, True)
    result["with"] = with_flag["row"]
    result["stories"] = evaluate(with_flag["stories"], labels, args.show)
    result["pairs"] = pair_table(with_flag["work"], with_flag["encoder"], labels)
    shutil.rmtree(with_flag["work"], ignore_errors=True)
    if args.compare:
        without = run(src, args.out / f"{args.set}-{args.model}-plain", args.model, False)
        shutil.rmtree(without["work"], ignore_errors=True)
        result["without"] = without["row"]
        result["without"]["stories"] = evaluate(without["stories"], labels, 0)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


def build(which: str, data: Path, dest: Path) -> dict[str, tuple[str, str]]:
    """Write the input JSONL; returns id -> (language, group): group is the true story
    (Tatoeba) or the article itself (the mix, where no story spans two languages)."""
    labels: dict[str, tuple[str, str]] = {}
    rows: list[dict] = []
    if which == "mix":
        for path, language in ((data / BAOMOI, "vi"), (data / BBC, "en")):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    rows.append({"id": r["id"], "title": r.get("title"), "text": r["text"]})
                    labels[r["id"]] = (language, r["id"])
    else:
        with open(data / TATOEBA, encoding="utf-8") as f:
            pairs = [json.loads(line) for line in f]
        rng = random.Random(13)
        rng.shuffle(pairs)
        groups: list[list[dict]] = []
        while pairs:
            size = rng.randint(8, 12)
            groups.append(pairs[:size])
            pairs = pairs[size:]
        for g, members in enumerate(groups):
            for language in ("vi", "en"):
                ident = f"tatoeba-{language}-{g:03d}"
                rows.append({"id": ident, "text": " ".join(p[language] for p in members)})
                labels[ident] = (language, f"g{g}")
        rng.shuffle(rows)
    dest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return labels


def run(src: Path, out: Path, model: str, cross: bool) -> dict:
    from summarize.config import SummaryConfig
    from summarize.digest import DigestOptions, Output, digest
    from summarize.pipeline import shared_encoder

    encoder = shared_encoder(MODELS[model])
    jsonl = out.with_suffix(".jsonl")
    options = DigestOptions(SummaryConfig(cross_lingual=cross), keep_work=True)
    load = os.getloadavg()[0]
    t, cpu = time.perf_counter(), time.process_time()
    res = digest([str(src)], [Output(jsonl, "jsonl")], options, model=encoder)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    ids = {}
    for n, line in enumerate(jsonl.read_text("utf-8").splitlines()):
        ids[n] = json.loads(line)["id"]
    stats = res.translations
    row = {
        "cross_lingual": cross,
        "documents": res.documents,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "load_1min_before": round(load, 1),
        "load_1min_after": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cross_document_s": round(res.seconds.get("cross-document", 0.0), 2),
        "stories": len(res.stories),
    }
    if stats is not None:
        row["step"] = {
            "languages": stats.languages, "candidates": stats.candidates,
            "checked": stats.checked, "confirmed": stats.confirmed, "joined": stats.joined,
            "wall_s": round(stats.seconds, 2), "cpu_s": round(stats.cpu_seconds, 2),
        }  # fmt: skip
    stories = [
        ([ids[n] for n in s.members], {ids[n]: why for n, why in s.signals.items()}, s.summary)
        for s in res.stories
    ]
    return {"row": row, "stories": stories, "work": work_of(jsonl), "encoder": encoder}


def work_of(output: Path) -> Path:
    from summarize.digest.workfile import work_dir_for

    return work_dir_for(output)


def evaluate(stories: list, labels: dict[str, tuple[str, str]], show: int) -> dict:
    """Stories that span languages: true when every member is of one group."""
    groups_vi_en = Counter(g for language, g in labels.values())
    both = {g for g, c in groups_vi_en.items() if c == 2}
    crossing, true, false, shown = 0, set(), 0, 0
    for members, why, summary in stories:
        languages = {labels[m][0] for m in members}
        if len(languages) < 2:
            continue
        crossing += 1
        groups = {labels[m][1] for m in members}
        if len(groups) == 1:
            true.update(groups)
            continue
        false += 1
        if shown < show:
            shown += 1
            print(f"\nfalse merge: {members}")
            for m in members[1:]:
                print(f"  {m}: {why.get(m)}")
            for s in summary[:3]:
                print(f"  - {s['text'][:160]}")
    return {
        "spanning_languages": crossing,
        "false_merges": false,
        "groups_with_both_editions": len(both),
        "joined_true": len(true & both),
        "recall": round(len(true & both) / len(both), 3) if both else None,
    }


def pair_table(work_dir: Path, encoder, labels: dict[str, tuple[str, str]]) -> dict:
    """Every candidate pair scored by the engine without the rule, and what each
    setting of the rule (least, share) would accept: true and false pairs."""
    from summarize.dedup.calibration import dedup_config
    from summarize.digest.translations import (
        Edition,
        Side,
        TranslationConfig,
        article_language,
        candidate_pairs,
        confirm,
        could_match,
        needed,
    )
    from summarize.digest.workfile import WorkFile

    work = WorkFile(work_dir)
    editions, records = {}, {}
    for _, rec in work.records():
        if rec.ok and rec.sketch is not None and rec.sketch.vector is not None:
            language = article_language(c.text for c in rec.content)
            editions[rec.n] = Edition(language, rec.sketch.vector.astype("float32"), rec.vector_ref)
            records[rec.n] = rec
    dedup = dedup_config(encoder.name, cross_lingual=True)
    pairs = candidate_pairs(editions, TranslationConfig().neighbours)
    scored = []
    for a, b in pairs:
        ra, rb = records[a], records[b]
        va, vb = work.vectors_of(ra.vector_ref), work.vectors_of(rb.vector_ref)
        true = labels[ra.id][1] == labels[rb.id][1]
        if could_match(va, vb, dedup.cross_lingual) < 1:
            scored.append((true, 0, min(len(va), len(vb)), 0, max(len(va), len(vb))))
            continue
        sa = Side([c.text for c in ra.content], [c.key for c in ra.content], va)
        sb = Side([c.text for c in rb.content], [c.key for c in rb.content], vb)
        t = confirm(a, b, sa, sb, dedup, TranslationConfig())
        scored.append((true, t.matched, t.shorter, t.conflicts, t.longer))
    work.close()
    ids = {rec.n: rec.id for rec in records.values()}
    true_groups = {labels[ids[n]][1] for n in editions} if editions else set()
    candidates_true = sum(1 for s in scored if s[0])
    rules = {}
    for least in (3, 4, 5):
        for share in (0.2, 0.3, 0.4, 0.5):
            rule = TranslationConfig(least=least, share=share)
            ok = [s for s in scored if s[1] >= needed(s[2], s[4], rule) and s[1] > s[3]]
            rules[f"least {least}, share {share}"] = {
                "true": sum(1 for s in ok if s[0]),
                "false": sum(1 for s in ok if not s[0]),
            }
    return {
        "candidates": len(scored),
        "candidates_true": candidates_true,
        "groups": len(true_groups),
        "matched_histogram_false": dict(sorted(Counter(s[1] for s in scored if not s[0]).items())),
        "rules": rules,
    }


if __name__ == "__main__":
    raise SystemExit(main())
