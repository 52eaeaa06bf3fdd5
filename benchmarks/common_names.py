"""Derive the names and numbers common in news at large (summarize/digest/data/common-names.json).

    python -m benchmarks.common_names [--data ../shared/data] [--names 0.02] [--numbers 0.01]
        [--write]

The story step (summarize/digest/events.py, ``EventGraph.strangers``) asks whether two
articles name any person or place *of their own* in common. Which names are nobody's own
("Việt Nam", "Hà Nội", "Hồ Chí Minh", "Donald Trump") a large digest can count for
itself, but a digest of five articles cannot: there, the names of the campaign all its
reports share look as rare as a province's. So the story step also reads a shipped list:
the names in more than ``--names`` of the 3,000 raw baomoi articles (2017) and the
numbers in more than ``--numbers`` of them, counted in each article's opening facts as
the digest records them (``digest/events.opening_facts``: the first 40 sentences that
are not site chrome). Only the counts' verdict is kept, never text. Provinces stay
usable: Quảng Ninh is in 0.95 % of the articles, Bắc Ninh 0.88 %, Thanh Hóa 1.9 %.
Without ``--write`` it prints what it would ship. Skips cleanly without the data.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from .common import DEFAULT_DATA, read_jsonl

OUT = Path(__file__).resolve().parent.parent / "summarize" / "digest" / "data" / "common-names.json"
BAOMOI = "vi_news_raw_baomoi/vi_news_raw_baomoi.jsonl"


def opening(title: str | None, text: str) -> tuple[set[str], set[str]]:
    """An article's opening names and numbers, as the digest's records hold them."""
    from summarize.dedup.signals import facts
    from summarize.digest.events import opening_facts
    from summarize.text.prepare import prepare

    doc = prepare(text, title=title or None)
    chrome = doc.chrome
    content = [
        s.text
        for s in doc.sentences
        if s.paragraph not in chrome.paragraphs and s.index not in chrome.sentences
    ]
    names, numbers = opening_facts([facts(t) for t in content])
    return set(names), set(numbers)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--names", type=float, default=0.02, help="share of articles (0.02 = 2 %%)")
    p.add_argument("--numbers", type=float, default=0.01, help="share of articles")
    p.add_argument("--write", action="store_true", help="write the shipped list")
    args = p.parse_args(argv)
    path = args.data / BAOMOI
    if not path.exists():
        print(f"no development data under {args.data}: nothing to derive")
        return 0
    names: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    articles = 0
    for record in read_jsonl(path):
        if not (record.get("text") or "").strip():
            continue
        found_names, found_numbers = opening(record.get("title"), record["text"])
        names.update(found_names)
        numbers.update(found_numbers)
        articles += 1
    data = {
        "source": f"{BAOMOI} ({articles} articles with text)",
        "command": "python -m benchmarks.common_names --write",
        "names_share": args.names,
        "numbers_share": args.numbers,
        "names": sorted(n for n, c in names.items() if c > args.names * articles),
        "numbers": sorted(n for n, c in numbers.items() if c > args.numbers * articles),
    }
    print(f"{articles} articles: {len(data['names'])} common names, "
          f"{len(data['numbers'])} common numbers")  # fmt: skip
    for name in ("hồ chí minh", "đà nẵng", "thanh hóa", "quảng ninh", "bắc ninh"):
        print(f"  {name}: {names[name] / articles:.2%}")
    if args.write:
        OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
