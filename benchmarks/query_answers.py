"""Does a query-focused summary pick the sentences that answer the question (issue 12)?

    python -m benchmarks.query_answers                    # default model
    python -m benchmarks.query_answers --model e5-static  # the --fast model

``benchmarks/data/query_questions.jsonl`` (or a file given) holds one question a line,
written by hand over articles of the development data: ``{"lang": "vi"|"en", "id":
article id, "query": "...", "answers": [start offsets]}``, the start offsets (in the
article's ``text``) of the sentences that answer it. Nothing of the data's text is
stored there; the articles are read from ``--data`` (baomoi for "vi", BBC for "en").
Without the file or the data it says so and exits 0.

Each question is summarised as the tool does (``Summarizer`` with ``query=``, 3
sentences); the relevance the summary was ranked by and the article's own ranking are
kept, and the candidates are ranked again under other scorings:

- ``current``: the dense cosine with the query as z-scores + 0.2 x the article's ranking
  (``rank.query.focus``);
- ``lexical``: BM25 over the article's candidate sentences (``rank_bm25.BM25Okapi``), the
  query's words as the query, + 0.2 x the article's ranking;
- ``z+bm25``: z(cosine) + w x z(BM25) + 0.2 x the article's ranking;
- ``cos+bm25/max``: z(cosine) + w x BM25 / its maximum + 0.2 x the article's ranking;
- ``rrf``: reciprocal-rank fusion, 1/(60 + cosine rank) + w/(60 + BM25 rank), as z-scores
  + 0.2 x the article's ranking.

Words are ``match_key`` words (lower case, punctuation dropped; Vietnamese syllables),
with or without adjacent pairs (``+pairs``: a Vietnamese word is often two syllables),
with or without the question words (``-qw``: who, what, ai, bao nhiêu...). For each
question: the rank of its best answering sentence, hit@1, hit@3, and whether the
3-sentence summary chosen from those scores (``rank.select.choose`` with the pipeline's
own arguments) holds an answer. The weight w and the word variant are chosen by
leave-one-out over the questions (both languages together): each question is scored with
the setting that does best on the others, so the held-out counts are what a setting
chosen on this set would do on a new question.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .common import BAOMOI, DEFAULT_DATA, present, read_jsonl

BBC = "bbc_en_dev/bbc_dev.jsonl"
# 88 questions written for this benchmark (ids, offsets and our own wording only).
QUESTIONS = Path(__file__).parent / "data" / "query_questions.jsonl"
WEIGHTS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
GENERIC = 0.2
# Words that ask rather than say what is asked about; dropped in the "-qw" variants.
QUESTION_WORDS = frozenset(
    "ai gì nào đâu bao nhiêu mấy sao thế nào khi nào tại vì đã có không là được những các "
    "who whom whose what when where why how which much many did does do is are was were "
    "will would the a an of to in on for about say said".split()
)


@dataclass
class Asked:
    """One question as the pipeline saw it: its candidates and their scores."""

    lang: str
    query: str
    texts: list[str]
    answer: np.ndarray  # bool per candidate: answers the question
    dense: np.ndarray  # cosine with the query (passage prompt)
    generic: np.ndarray  # the article's own ranking
    shipped: list[int]  # candidates of the summary the tool printed
    pick: Callable[[np.ndarray], set[int]]  # the 3-sentence choice under other scores


def _z(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float64)
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)


def _ranks(x: np.ndarray) -> np.ndarray:
    """1 for the highest; ties share their mean rank (every sentence without a query word)."""
    order = np.argsort(-x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    for v in np.unique(x):
        same = x == v
        ranks[same] = ranks[same].mean()
    return ranks


def words(text: str, pairs: bool, drop: bool) -> list[str]:
    from summarize.text.normalize import match_key

    found = match_key(text).split()
    if drop:
        found = [w for w in found if w not in QUESTION_WORDS]
    if pairs:
        found = found + [f"{a}_{b}" for a, b in zip(found, found[1:], strict=False)]
    return found


def bm25(query: str, texts: list[str], pairs: bool, drop: bool) -> np.ndarray:
    from rank_bm25 import BM25Okapi

    corpus = [words(t, pairs, drop=False) or ["\0"] for t in texts]
    return np.asarray(BM25Okapi(corpus).get_scores(words(query, pairs, drop)), np.float64)


def ask(model: str | None, questions: list[dict], data: Path) -> list[Asked]:
    """Summarise each question's article with the query, keeping what was ranked."""
    import summarize.pipeline as pipeline
    from summarize.config import SummaryConfig
    from summarize.pipeline import Summarizer, shared_encoder

    articles: dict[str, dict] = {}
    for lang, rel in (("vi", BAOMOI), ("en", BBC)):
        path = present(data, rel)
        wanted = {q["id"] for q in questions if q["lang"] == lang}
        if path is not None and wanted:
            articles.update({r["id"]: r for r in read_jsonl(path) if r["id"] in wanted})
    encoder = shared_encoder(model)
    seen: dict = {}
    real_choose, real_focus, real_rank = (
        pipeline.choose,
        pipeline.focus,
        Summarizer._rank_and_select,
    )

    def focus(relevance: np.ndarray, generic: np.ndarray) -> np.ndarray:
        seen["dense"], seen["generic"] = np.array(relevance), np.array(generic)
        return real_focus(relevance, generic)

    def choose(scores, sims, texts, limit, **kw):  # type: ignore[no-untyped-def]
        seen["pick"] = lambda s: set(real_choose(s, sims, texts, limit, **kw).chosen)
        return real_choose(scores, sims, texts, limit, **kw)

    def rank_and_select(self, cands, *a, **kw):  # type: ignore[no-untyped-def]
        seen["starts"] = [s.start for s in cands]
        seen["texts"] = [s.line for s in cands]
        return real_rank(self, cands, *a, **kw)

    found: list[Asked] = []
    pipeline.choose, pipeline.focus = choose, focus
    Summarizer._rank_and_select = rank_and_select  # type: ignore[method-assign]
    try:
        for q in questions:
            art = articles.get(q["id"])
            if art is None:
                print(f"{q['id']}: not in the data, skipped", file=sys.stderr)
                continue
            s = Summarizer(SummaryConfig(query=q["query"]), encoder=encoder)
            summary = s.summarize(art["text"], title=art.get("title"))
            starts = seen["starts"]
            index = {st: i for i, st in enumerate(starts)}
            found.append(Asked(
                q["lang"], q["query"], seen["texts"],
                np.array([st in set(q["answers"]) for st in starts]),
                seen["dense"], seen["generic"],
                [index[p.start] for p in summary.sentences if p.start in index],
                seen["pick"],
            ))  # fmt: skip
    finally:
        pipeline.choose, pipeline.focus = real_choose, real_focus
        Summarizer._rank_and_select = real_rank  # type: ignore[method-assign]
    return found


def scorings(a: Asked) -> dict[tuple[str, str, float], np.ndarray]:
    """Every scoring of one question's candidates: (family, word variant, weight)."""
    g = GENERIC * _z(a.generic)
    d = _z(a.dense)
    out = {("current", "", 0.0): d + g}
    for pairs in (False, True):
        for drop in (False, True):
            variant = ("+pairs" if pairs else "") + ("-qw" if drop else "")
            b = bm25(a.query, a.texts, pairs, drop)
            out[("lexical", variant, 0.0)] = _z(b) + g
            top = float(b.max())
            for w in WEIGHTS:
                out[("z+bm25", variant, w)] = d + w * _z(b) + g
                out[("cos+bm25/max", variant, w)] = d + w * (b / top if top > 0 else 0 * b) + g
                rrf = 1 / (60 + _ranks(a.dense)) + w / (60 + _ranks(b))
                out[("rrf", variant, w)] = _z(rrf) + g
    return out


@dataclass(frozen=True)
class Outcome:
    rank: int  # of the best answering candidate (0: no answering candidate)
    in_summary: bool

    @property
    def hit1(self) -> bool:
        return self.rank == 1

    @property
    def hit3(self) -> bool:
        return 1 <= self.rank <= 3


def outcome(a: Asked, scores: np.ndarray) -> Outcome:
    if not a.answer.any():
        return Outcome(0, False)
    order = np.argsort(-scores, kind="stable")
    rank = int(np.flatnonzero(a.answer[order])[0]) + 1
    return Outcome(rank, any(a.answer[i] for i in a.pick(scores)))


def _goodness(outs: list[Outcome]) -> tuple[int, int, int, float]:
    """What a setting is chosen by: answers in the summary, hit@1, hit@3, mean 1/rank."""
    return (
        sum(o.in_summary for o in outs), sum(o.hit1 for o in outs), sum(o.hit3 for o in outs),
        sum(1 / o.rank for o in outs if o.rank),
    )  # fmt: skip


def held_out(table: dict[tuple, list[Outcome]], family: str) -> tuple[list[Outcome], list]:
    """Leave-one-out: each question gets the family's setting that does best on the others."""
    keys = [k for k in table if k[0] == family]
    n = len(next(iter(table.values())))
    chosen, picks = [], []
    for i in range(n):
        best = max(keys, key=lambda k: _goodness(table[k][:i] + table[k][i + 1 :]))
        chosen.append(table[best][i])
        picks.append(best[1:])
    return chosen, picks


def _line(name: str, outs: list[Outcome]) -> str:
    n = len(outs)
    ranks = [o.rank for o in outs if o.rank]
    return (
        f"{name:28s} {n:3d} {sum(o.hit1 for o in outs):5d} {sum(o.hit3 for o in outs):5d} "
        f"{sum(o.in_summary for o in outs):7d} {np.mean([1 / r for r in ranks]):6.3f} "
        f"{np.median(ranks):6.1f}"
    )


def _paired(asked: list[Asked], before: list[Outcome], after: list[Outcome], lang: str) -> str:
    """Question by question against the current scoring: how many moved up or down."""
    pairs = [(b, o) for a, b, o in zip(asked, before, after, strict=True) if a.lang == lang]
    up = sum(o.rank and (not b.rank or o.rank < b.rank) for b, o in pairs)
    down = sum(b.rank and (not o.rank or o.rank > b.rank) for b, o in pairs)
    gained = sum(o.in_summary and not b.in_summary for b, o in pairs)
    lost = sum(b.in_summary and not o.in_summary for b, o in pairs)
    return (f"vs current: answer ranked higher {up}, lower {down}; "
            f"summary gains an answer {gained}, loses one {lost}")  # fmt: skip


def _of(asked: list[Asked], outs: list[Outcome], lang: str) -> list[Outcome]:
    return [o for a, o in zip(asked, outs, strict=True) if a.lang == lang]


def report(asked: list[Asked]) -> None:
    per = [scorings(a) for a in asked]
    table = {k: [outcome(a, s[k]) for a, s in zip(asked, per, strict=True)] for k in per[0]}
    langs = sorted({a.lang for a in asked}, reverse=True)
    head = f"{'scoring':28s} {'n':>3s} {'hit@1':>5s} {'hit@3':>5s} {'summary':>7s}"
    head += f" {'MRR':>6s} {'rank':>6s}"
    print("All settings on all questions (not held out):")
    print(head)
    for k, outs in table.items():
        if k[0] in ("current", "lexical") or k[2] in (0.5, 1.0, 2.0):
            name = f"{k[0]}{k[1]}" + (f" w={k[2]:g}" if k[2] else "")
            for lang in langs:
                print(_line(f"{name} [{lang}]", _of(asked, outs, lang)))
    print("\nHeld out (leave-one-out over the questions of both languages):")
    print(head)
    for family in ("current", "lexical", "z+bm25", "cos+bm25/max", "rrf"):
        outs, picks = held_out(table, family)
        for lang in langs:
            print(_line(f"{family} [{lang}]", _of(asked, outs, lang)))
            if family != "current":
                print("  " + _paired(asked, table[("current", "", 0.0)], outs, lang))
        if family not in ("current",):
            common = max(set(picks), key=picks.count)
            print(f"  (setting chosen most often: {common[0] or 'syllables'} w={common[1]:g}, "
                  f"{picks.count(common)} of {len(picks)})")  # fmt: skip
    shipped = sum(any(a.answer[i] for i in a.shipped) for a in asked)
    replayed = sum(o.in_summary for o in table[("current", "", 0.0)])
    print(
        f"\n(check: the tool's own summaries hold an answer for {shipped}, the replay {replayed})"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.query_answers", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument(
        "questions", type=Path, nargs="?", default=QUESTIONS,
        help="JSON lines: lang, id, query, answers (default: the 88 shipped questions)",
    )  # fmt: skip
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--model", default=None, help="default: the default model (int8)")
    args = p.parse_args(argv)
    if not args.questions.is_file():
        print(f"{args.questions}: no question file, nothing to measure", file=sys.stderr)
        return 0
    if present(args.data, BAOMOI) is None and present(args.data, BBC) is None:
        print(f"no baomoi or BBC data under {args.data}: nothing to measure", file=sys.stderr)
        return 0
    try:
        import rank_bm25  # noqa: F401
    except ImportError:
        print(
            "rank_bm25 is not installed (pip install rank-bm25): nothing measured", file=sys.stderr
        )
        return 1
    questions = [
        json.loads(line) for line in args.questions.read_text("utf-8").splitlines() if line.strip()
    ]
    asked = ask(args.model, questions, args.data)
    if not asked:
        print("no question's article found: nothing to measure", file=sys.stderr)
        return 0
    print(f"model {args.model or 'default'}, {len(asked)} questions")
    report(asked)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
