"""Sentence-split agreement with the VietnameseMDS release's own segmentation.

    python -m benchmarks.segmentation [--data ../shared/data] [--examples 3]

The release's ``sentences`` are not gold: its splitter breaks before lowercase words, inside
URLs and after "TP."/"GS.TS", and misses boundaries after numbers and ellipses. So the numbers
measure agreement, and the disagreements are printed by kind with a heuristic verdict to read.

A boundary is the position, in the NFC'd whitespace-collapsed text, of the first character of
every sentence but the first. The release re-spaced some sentences ("Rainsy-" vs "Rainsy -"), so
both sides are aligned on non-space characters, then mapped to collapsed positions.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from summarize.text.segment import ABBREVIATIONS, segment
from summarize.types import Sentence

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_CREDIT_NEAR = re.compile(r"(?:Ảnh(?: minh họa| minh hoạ)?|Nguồn)\s*:\s*\S+(?:\s+\S+){0,6}$")


@dataclass
class Tally:
    docs: int = 0
    skipped: int = 0
    ours: int = 0  # boundaries
    release: int = 0
    both: int = 0
    our_sentences: int = 0
    release_sentences: int = 0
    same_sentences: int = 0
    seconds: float = 0.0
    chars: int = 0
    kinds: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=lambda: defaultdict(list))


def prepare_text(raw: str) -> str:
    """The benchmark's view of a body: NFC, invisible characters removed."""
    return unicodedata.normalize("NFC", raw).translate(_INVISIBLE)


def _nonspace_prefix(text: str) -> list[int]:
    """``prefix[i]`` = number of non-space characters in ``text[:i]``."""
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (not ch.isspace()))
    return prefix


def _collapsed_positions(text: str) -> tuple[str, list[int]]:
    """Collapsed text and, for each non-space character rank, its index in it."""
    collapsed = " ".join(text.split())
    where = [i for i, ch in enumerate(collapsed) if ch != " "]
    return collapsed, where


def release_spans(sentences: list[str], text: str) -> list[tuple[int, int]] | None:
    """Release sentences as (start, end) in non-space ranks; None if they do not tile the text."""
    squeezed = re.sub(r"\s+", "", text)
    spans, pos = [], 0
    for s in sentences:
        piece = re.sub(r"\s+", "", prepare_text(s))
        if not piece:
            continue
        if squeezed.find(piece, pos) != pos:
            return None
        spans.append((pos, pos + len(piece)))
        pos += len(piece)
    return spans if pos == len(squeezed) else None


def our_spans(text: str, sentences: list[Sentence]) -> list[tuple[int, int]]:
    prefix = _nonspace_prefix(text)
    return [(prefix[s.start], prefix[s.end]) for s in sentences]


def classify(collapsed: str, at: int, ours: bool) -> tuple[str, str]:
    """(kind, heuristic verdict) of a boundary only one side has, from the text around it."""
    before = collapsed[:at].rstrip()
    prev = before[-1:]
    nxt = next((c for c in collapsed[at:] if c.isalnum()), "")
    word = before.rsplit(" ", 1)[-1]
    if ours:
        if prev == "…" or before.endswith(".."):
            return "'…' before a capital", "usually ours (release never splits after '…')"
        if prev in ".!?" or prev in "”\"'":
            return "end punctuation + capital", "release missed it (often after a number)"
        if _CREDIT_NEAR.search(before) or prev == ")":
            return "after a photo credit", "ours (release glues the credit to the next sentence)"
        return "other", "?"
    if nxt.islower():
        return "before a lowercase word", "release error"
    if prev not in ".!?…”\"')":
        return "no end punctuation", "release error unless a byline or heading"
    core = word.strip("(“\"'[").rstrip(".").rsplit(".", 1)[-1].casefold()
    if prev == "." and (core in ABBREVIATIONS or len(core) == 1):
        return "after an abbreviation or initial", "usually release error (splits a name)"
    return "end punctuation + capital", "ours: missed boundary"


def evaluate(docs: list[dict], examples: int) -> Tally:
    tally = Tally()
    for doc in docs:
        text = prepare_text(doc["text"])
        t0 = time.perf_counter()
        sentences = segment(text)[1]
        tally.seconds += time.perf_counter() - t0
        ours = our_spans(text, sentences)
        tally.chars += len(text)
        release = release_spans(doc["sentences"], text)
        if release is None:
            tally.skipped += 1
            continue
        tally.docs += 1
        collapsed, where = _collapsed_positions(text)
        ours_b = {s for s, _ in ours} - {0}
        release_b = {s for s, _ in release} - {0}
        tally.ours += len(ours_b)
        tally.release += len(release_b)
        tally.both += len(ours_b & release_b)
        tally.our_sentences += len(ours)
        tally.release_sentences += len(release)
        tally.same_sentences += len(set(ours) & set(release))
        for side, only in (("ours", ours_b - release_b), ("release", release_b - ours_b)):
            for b in sorted(only):
                at = where[b]
                kind = (side, *classify(collapsed, at, side == "ours"))
                tally.kinds[kind] += 1
                if len(tally.examples[kind]) < examples:
                    context = collapsed[max(0, at - 70) : at] + " ‖ " + collapsed[at : at + 45]
                    tally.examples[kind].append(context)
    return tally


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def report(tally: Tally) -> None:
    p = tally.both / tally.ours if tally.ours else 0.0
    r = tally.both / tally.release if tally.release else 0.0
    print(f"VietnameseMDS articles: {tally.docs} compared, {tally.skipped} not aligned")
    print(f"boundaries: ours {tally.ours}, release {tally.release}, shared {tally.both}")
    print(f"boundary precision {p:.4f}  recall {r:.4f}  F1 {_f1(p, r):.4f}")
    print(
        f"exact sentences: {tally.same_sentences} shared; "
        f"{tally.same_sentences / tally.release_sentences:.4f} of the release's "
        f"{tally.release_sentences}, {tally.same_sentences / tally.our_sentences:.4f} of our "
        f"{tally.our_sentences}"
    )
    rate = tally.chars / tally.seconds / 1e6 if tally.seconds else 0.0
    per_doc = (tally.docs + tally.skipped) / tally.seconds if tally.seconds else 0.0
    print(f"speed: {per_doc:,.0f} articles/s, {rate:.2f} M chars/s (segment + normalize)")
    print("\ndisagreements (side that has the boundary / kind / heuristic verdict):")
    for kind, n in tally.kinds.most_common():
        side, what, verdict = kind
        print(f"\n  [{side} only] {what}: {n}  -> {verdict}")
        for context in tally.examples[kind]:
            print(f"      {context!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--examples", type=int, default=3, help="examples per kind")
    args = parser.parse_args(argv)
    path = args.data / "vmds_ktlab" / "vmds_docs.jsonl"
    if not path.is_file():
        print(f"skip: {path} not found (pass --data)")
        return 0
    with open(path, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    report(evaluate(docs, args.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
