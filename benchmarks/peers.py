"""Peer summarisers, fed exactly the sentences our segmenter produced.

Each peer returns the indices of the sentences it picks. A peer that is not
installed or fails raises PeerUnavailable, and the harness reports it as such.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence


class PeerUnavailable(Exception):
    pass


class _WhitespaceTokenizer:
    """sumy needs a tokenizer object; sentences are already split, words are syllables."""

    language = "vietnamese"

    def to_sentences(self, text: str) -> list[str]:
        return [text]

    def to_words(self, sentence: str) -> list[str]:
        return [w for w in sentence.split() if any(c.isalnum() for c in w)]


def _sumy(kind: str) -> Callable[[Sequence[str], int], list[int]]:
    def run(sentences: Sequence[str], k: int) -> list[int]:
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
        cls = {
            "lexrank": LexRankSummarizer,
            "textrank": TextRankSummarizer,
            "lsa": LsaSummarizer,
            "luhn": LuhnSummarizer,
        }[kind]
        tok = _WhitespaceTokenizer()
        objs = [SumySentence(s, tok) for s in sentences]
        doc = ObjectDocumentModel([SumyParagraph(objs)])
        summarizer = cls(null_stemmer)
        picked = summarizer(doc, k)
        ids = {id(s): i for i, s in enumerate(objs)}
        out = [ids[id(s)] for s in picked if id(s) in ids]
        if len(out) < len(picked):  # sumy may rebuild sentence objects: match by text
            texts = {s: i for i, s in enumerate(sentences)}
            out = [texts[str(s)] for s in picked if str(s) in texts]
        return sorted(out)

    return run


def summa_textrank(sentences: Sequence[str], k: int) -> list[int]:
    try:
        from summa import summarizer
    except ImportError as e:
        raise PeerUnavailable(f"summa not installed ({e})") from None
    scored = summarizer.summarize("\n".join(sentences), ratio=1.0, scores=True, split=True)
    index = {s.strip(): i for i, s in enumerate(sentences)}
    ranked = [index[s.strip()] for s, _ in sorted(scored, key=lambda x: -x[1]) if s.strip() in index]
    return sorted(ranked[:k])


def lead(sentences: Sequence[str], k: int) -> list[int]:
    return list(range(min(k, len(sentences))))


def random_pick(seed: int = 0) -> Callable[[Sequence[str], int], list[int]]:
    def run(sentences: Sequence[str], k: int) -> list[int]:
        rng = random.Random(seed + len(sentences))
        return sorted(rng.sample(range(len(sentences)), min(k, len(sentences))))

    return run


PEERS: dict[str, Callable[[Sequence[str], int], list[int]]] = {
    "LEAD-3": lead,
    "sumy LexRank": _sumy("lexrank"),
    "sumy TextRank": _sumy("textrank"),
    "sumy LSA": _sumy("lsa"),
    "sumy Luhn": _sumy("luhn"),
    "summa TextRank": summa_textrank,
    "random": random_pick(),
}
