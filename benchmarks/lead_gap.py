"""Why ``summarize lead`` (the first 3 candidates) scores below LEAD-3 (the document's first
3 sentences): which of the first sentences are not candidates, why, and what they carry.

    python -m benchmarks.lead_gap                 # baomoi and VietnameseMDS
    python -m benchmarks.lead_gap --oracle        # ... and the oracle over every sentence

Reads the ranker's embedding cache (:mod:`benchmarks.ranker_data`: each article's candidates
and first document sentences, as the pipeline produced them) and re-runs only the text
stages (prepare, exclusions with duplicates found by wording) to name the reason a sentence
left; what those stages keep but the cache does not is a duplicate by meaning. ROUGE-2 F1
× 100 against the publisher's lead, the harness's syllable tokens.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path
from unicodedata import normalize

from .common import DEFAULT_DATA, read_jsonl
from .ranker_data import DATASETS, DEFAULT_CACHE
from .rouge import tokens

LEAD_K = 3
BY_MEANING = "duplicate by meaning"


def _r2(texts: list[str], ref: list[str]) -> float:
    from .train_ranker import rouge_f

    return 100 * rouge_f(tokens(" ".join(texts)), ref, 2)


def reasons(record: dict) -> tuple[list, dict[int, str]]:
    """The document's sentences and why each excluded one is not a candidate."""
    from summarize.dedup.document import deduplicate_document
    from summarize.rank.candidates import candidates
    from summarize.text.prepare import prepare

    title = normalize("NFC", record.get("title") or "") or None
    doc = prepare(normalize("NFC", record["text"]), title=title)
    found = candidates(doc, deduplicate_document(doc, None))
    why = {}
    for e in found.excluded:
        why[e.index] = e.reason.value + (f": {e.detail}" if e.reason.value == "boilerplate" else "")
    return doc.sentences, why


def measure(data: Path, cache: Path, dataset: str, with_oracle: bool) -> dict:
    from .train_ranker import oracle

    articles = json.loads((cache / f"{dataset}-default.json").read_text())
    raw = {str(r["id"]): r for r in read_jsonl(data / DATASETS[dataset])}
    rows = {"LEAD-3": [], "first 3 candidates": [], "first 2 candidates": [],
            "first 3 sentences less the excluded (no refill)": []}  # fmt: skip
    lengths = {"LEAD-3": [], "first 3 candidates": []}
    lost, lost_articles = Counter(), 0
    oracle_all, oracle_cands, outside, picks = [], [], Counter(), 0
    for a in articles:
        ref = tokens(a["reference"])
        lead, keep = a["lead_sentences"], set(a["indices"])
        first = lead[:LEAD_K]
        rows["LEAD-3"].append(_r2(first, ref))
        rows["first 3 candidates"].append(_r2(a["texts"][:LEAD_K], ref))
        rows["first 2 candidates"].append(_r2(a["texts"][:2], ref))
        kept = [s for j, s in enumerate(first) if j in keep]
        rows["first 3 sentences less the excluded (no refill)"].append(_r2(kept, ref))
        lengths["LEAD-3"].append(len(tokens(" ".join(first))))
        lengths["first 3 candidates"].append(len(tokens(" ".join(a["texts"][:LEAD_K]))))
        gone = [j for j in range(len(first)) if j not in keep]
        best = []
        if gone or with_oracle:
            sentences, why = reasons(raw[a["id"]])
            lost.update(why.get(j, BY_MEANING) for j in gone)
            lost_articles += bool(gone)
        if with_oracle:
            toks = [tokens(s.text) for s in sentences]
            best = oracle(toks, ref)
            oracle_all.append(_r2([sentences[i].text for i in sorted(best)], ref))
            cand_toks = [tokens(t) for t in a["texts"]]
            mine = oracle(cand_toks, ref)
            oracle_cands.append(_r2([a["texts"][i] for i in sorted(mine)], ref))
            picks += len(best)
            outside.update(why.get(i, BY_MEANING) for i in best if i not in keep)
    out = {
        "articles": len(articles),
        "rouge2": {k: round(statistics.fmean(v), 2) for k, v in rows.items()},
        "syllables": {k: round(statistics.fmean(v), 1) for k, v in lengths.items()},
        "articles_losing_one_of_the_first_3": lost_articles,
        "why_lost": dict(lost.most_common()),
    }
    if with_oracle:
        out["oracle_rouge2"] = {
            "every sentence": round(statistics.fmean(oracle_all), 2),
            "candidates only": round(statistics.fmean(oracle_cands), 2),
        }
        out["oracle_picks"] = picks
        out["oracle_picks_outside_the_candidates"] = dict(outside.most_common())
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.lead_gap", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    p.add_argument("--sets", default="baomoi,vmds")
    p.add_argument("--oracle", action="store_true", help="also the oracle over every sentence")
    args = p.parse_args(argv)
    if not args.data.is_dir():
        print(f"data not found at {args.data}: nothing to measure", file=sys.stderr)
        return 0
    for name in args.sets.split(","):
        if not (args.cache / f"{name}-default.json").is_file():
            print(f"{name}: no ranker cache in {args.cache}; run python -m benchmarks."
                  "train_ranker first", file=sys.stderr)  # fmt: skip
            return 1
        print(name, json.dumps(measure(args.data, args.cache, name, args.oracle),
                               ensure_ascii=False, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
