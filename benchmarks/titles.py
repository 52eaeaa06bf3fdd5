"""How often the title is found on the text's first line, and how often a body without one
is wrongly given one.

    python -m benchmarks.titles            # baomoi, VietnameseMDS, BBC

Each record's own title is written as the first line above its body, as scraped ``.txt``
articles have it, and :func:`summarize.text.title.detect_title` must find exactly that line;
the body alone must get no title (a body line taken for a headline leaves the candidates).
Why it matters: without its title an article ranks with the untitled scorer, about 1.7
ROUGE-2 lower on baomoi (docs/ranking.md, "Text without a title").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from unicodedata import normalize

from .common import DEFAULT_DATA, present, read_jsonl
from .ranker_data import DATASETS


def _visible(text: str) -> str:
    """The text without zero-width characters, which a title span may leave out."""
    return text.translate(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))).strip()


def measure(path: Path) -> dict:
    from summarize.text.title import detect_title

    found = given = wrong = 0
    missed: list[str] = []
    for record in read_jsonl(path, None):
        title = normalize("NFC", (record.get("title") or "").strip())
        body = normalize("NFC", record.get("text") or "")
        if not title or not body.strip():
            continue
        given += 1
        text = f"{title}\n\n{body}"
        span = detect_title(text)
        if span is not None and _visible(text[span[0] : span[1]]) == _visible(title):
            found += 1
        elif len(missed) < 5:
            missed.append(title)
        wrong += detect_title(body) is not None
    return {"articles": given, "title_found": found, "body_given_a_title": wrong, "missed": missed}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.titles", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--sets", default="baomoi,vmds,bbc")
    args = p.parse_args(argv)
    if not args.data.is_dir():
        print(f"data not found at {args.data}: nothing to measure", file=sys.stderr)
        return 0
    for name in args.sets.split(","):
        path = present(args.data, DATASETS[name])
        if path is None:
            print(f"{name}: not found under {args.data}, skipped", file=sys.stderr)
            continue
        print(name, json.dumps(measure(path), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
