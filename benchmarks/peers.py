"""Peer summarisers, fed exactly the sentences our segmenter produced.

Each peer *ranks* the sentences (best first), so one ranking serves both budgets of
the harness: the top ``k`` sentences, or sentences in rank order while they fit a
word budget (:func:`take_words`, the rule of the tool's own ``--words`` budget).
A peer that is not installed or fails raises :class:`PeerUnavailable` or its own
error, and the harness reports it as such.

How each peer is driven, as a user would:

- sumy LexRank, TextRank, LSA and Luhn: ``sumy.summarizers.*`` with sumy's null
  stemmer and no stop words (sumy has neither for Vietnamese), on an
  ``ObjectDocumentModel`` of our sentences; words are whitespace-separated syllables.
  The ranking is sumy's own (its ratings, sorted the way ``_get_best_sentences`` sorts
  them), so its top ``k`` is exactly what ``summarizer(document, k)`` returns.
  (The ``sumy`` command itself cannot run on Vietnamese offline: its tokenizer needs
  NLTK's punkt data.)
- summa TextRank: summa's own cleaning, graph and PageRank, on our sentences instead
  of its regex splitter (which breaks "TP. HCM" in two); language "english", summa's
  default (it has no Vietnamese; the English stemmer and stop words barely touch it).
- LEAD: sentences in order; over several articles, the first sentence of each in
  turn, then the second ones, and so on.
- random: a seeded shuffle, the floor.

``python -m benchmarks.peers FILE`` is the "sumy on one file" command of the speed
benchmark: read, segment, sumy LexRank, print three sentences.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Sequence

from .common import words

Ranker = Callable[[Sequence[str], Sequence[int] | None], list[int]]


class PeerUnavailable(Exception):
    pass


class _WhitespaceTokenizer:
    """sumy needs a tokenizer object; sentences are already split, words are syllables."""

    language = "vietnamese"

    def to_sentences(self, text: str) -> list[str]:
        return [text]

    def to_words(self, sentence: str) -> list[str]:
        return [w for w in sentence.split() if any(c.isalnum() for c in w)]


def _sumy(kind: str) -> Ranker:
    def rank(sentences: Sequence[str], positions: Sequence[int] | None = None) -> list[int]:
        try:
            from sumy.models.dom import ObjectDocumentModel
            from sumy.models.dom import Paragraph as SumyParagraph
            from sumy.models.dom import Sentence as SumySentence
            from sumy.nlp.stemmers import null_stemmer
            from sumy.summarizers.lex_rank import LexRankSummarizer
            from sumy.summarizers.lsa import LsaSummarizer
            from sumy.summarizers.luhn import LuhnSummarizer
            from sumy.summarizers.text_rank import TextRankSummarizer
        except ImportError as e:
            raise PeerUnavailable(f"sumy not installed ({e})") from None
        base = {
            "lexrank": LexRankSummarizer,
            "textrank": TextRankSummarizer,
            "lsa": LsaSummarizer,
            "luhn": LuhnSummarizer,
        }[kind]

        class Ranked(base):  # type: ignore[misc, valid-type]
            ranking: list[int] = []

            def _get_best_sentences(self, sents, count, rating, *args, **kwargs):
                rate = (lambda s: rating[s]) if isinstance(rating, dict) else rating
                rated = [(rate(s, *args, **kwargs), o) for o, s in enumerate(sents)]
                # sumy sorts with reverse=True, which keeps document order among ties
                self.ranking = [o for _, o in sorted(rated, key=lambda x: x[0], reverse=True)]
                return ()

        tok = _WhitespaceTokenizer()
        doc = ObjectDocumentModel([SumyParagraph([SumySentence(s, tok) for s in sentences])])
        summarizer = Ranked(null_stemmer)
        summarizer(doc, len(sentences))
        return _complete(summarizer.ranking, len(sentences))

    return rank


def summa_textrank(sentences: Sequence[str], positions: Sequence[int] | None = None) -> list[int]:
    try:
        from summa import summarizer as sm
        from summa.preprocessing import textcleaner
    except ImportError as e:
        raise PeerUnavailable(f"summa not installed ({e})") from None
    textcleaner.init_textcleanner("english", None)
    units = textcleaner.merge_syntactic_units(list(sentences), textcleaner.filter_words(sentences))
    graph = sm._build_graph([u.token for u in units])
    sm._set_graph_edge_weights(graph)
    sm._remove_unreachable_nodes(graph)
    if len(graph.nodes()) == 0:
        return list(range(len(sentences)))
    sm._add_scores_to_sentences(units, sm._pagerank(graph))
    ranked = sorted(units, key=lambda u: u.score, reverse=True)  # summa's own order
    return _complete([u.index for u in ranked], len(sentences))


def lead(sentences: Sequence[str], positions: Sequence[int] | None = None) -> list[int]:
    if positions is None:
        return list(range(len(sentences)))
    return sorted(range(len(sentences)), key=lambda i: (positions[i], i))


def random_rank(seed: int = 0) -> Ranker:
    def rank(sentences: Sequence[str], positions: Sequence[int] | None = None) -> list[int]:
        order = list(range(len(sentences)))
        random.Random(seed + len(sentences)).shuffle(order)
        return order

    return rank


def _complete(ranking: list[int], n: int) -> list[int]:
    """Sentences a peer dropped (empty after cleaning) go last, in document order."""
    seen = set(ranking)
    return ranking + [i for i in range(n) if i not in seen]


def top_k(ranking: Sequence[int], k: int) -> list[int]:
    return sorted(ranking[:k])


def take_words(ranking: Sequence[int], sentences: Sequence[str], budget: int) -> list[int]:
    """Sentences in rank order while they fit ``budget`` words; one that does not fit is
    skipped and the next ones still tried (what the tool's ``--words`` does)."""
    out, used = [], 0
    for i in ranking:
        n = words(sentences[i])
        if used + n <= budget:
            out.append(i)
            used += n
    return sorted(out)


PEERS: dict[str, Ranker] = {
    "LEAD": lead,
    "sumy LexRank": _sumy("lexrank"),
    "sumy TextRank": _sumy("textrank"),
    "sumy LSA": _sumy("lsa"),
    "sumy Luhn": _sumy("luhn"),
    "summa TextRank": summa_textrank,
    "random": random_rank(),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Summarise one file with sumy LexRank (the peer's single-file command)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m benchmarks.peers FILE", file=sys.stderr)
        return 2
    from summarize.text.segment import segment

    with open(args[0], encoding="utf-8") as f:
        _, sents = segment(f.read())
    texts = [s.text for s in sents]
    for i in top_k(PEERS["sumy LexRank"](texts, None), 3):
        print(texts[i])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
