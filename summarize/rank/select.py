"""Stage 6, select: from scores to a summary within the budget (MMR, dangling-reference
guard), and the position prior the news methods share."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain, combinations

import numpy as np

from ..dedup.facts import Facts, fact_differences, facts, unmentioned
from .quotes import speaker_needs

# Openers that point back to something said before. A sentence that starts with
# one makes no sense on its own in a summary.
_DANGLING = re.compile(
    r"^(?:tuy nhiên|tuy vậy|đó là|đó cũng|đây là|đây cũng|ông này|bà này|ông ấy|"
    r"bà ấy|anh ấy|chị ấy|theo đó|do đó|vì vậy|vì thế|bởi vậy|nhờ vậy|nhờ đó|từ đó|qua đó|"
    r"ngoài ra|bên cạnh đó|trong khi đó|trong (?:số )?đó|mặt khác|hơn nữa|thêm vào đó|"
    r"thế nhưng|trước đó|"
    r"điều này|việc này|"
    r"những (?:kết quả|việc làm|điều) (?:này|trên|đó)|kết quả (?:này|đó|trên)|cũng (?:theo|trong)|"
    r"cụ thể|đặc biệt|nhưng|do vậy|chính vì|với (?:kết quả|những) (?:này|trên|đó))\b",
    re.IGNORECASE,
)


# The same in English: connectives, demonstratives ("This", not "This year") and pronoun
# subjects whose antecedent is in the sentence before ("He added", "They said").
_DANGLING_EN = re.compile(
    r"^(?:however|but|yet|meanwhile|moreover|furthermore|in addition|additionally|also|"
    r"therefore|thus|hence|consequently|as a result|instead|nevertheless|nonetheless|"
    r"likewise|similarly|indeed|in fact|besides|otherwise|and|the former|the latter|"
    r"(?:this|that|these|those|such)(?!\s+(?:year|week|month|season|morning|afternoon|"
    r"evening|weekend|summer|winter|spring|autumn|time)\b)|"
    r"he|she|they|his|her|their|him|them|it (?:said|says|added|adds|also)|"
    r"the (?:company|firm|group|club|player|minister|spokesman|spokeswoman) (?:said|says|added))\b",
    re.IGNORECASE,
)

# "Đồng chí Ngô Hồng Quân cho biết" names its subject; "Đồng chí tham gia..." does not.
_UNNAMED_TITLE = re.compile(r"^(?:đồng chí|ông|bà|anh|chị)\s+(\w)", re.IGNORECASE)


# "Bí thư Chi bộ ... cho biết: Những kết quả này ...": speech after a colon with no quote
# mark. The next sentence is often still the speaker's ("Bảo đảm chất lượng thuốc ...", a
# sample of the brief), with nothing to say so: it is shown with the sentence that names
# the speaker or not at all. Quoted speech is rank/quotes.py's.
_UNQUOTED_SPEECH = re.compile(
    r"\b(?:cho biết|cho hay|nói|khẳng định|chia sẻ|nhấn mạnh|cho rằng|phát biểu|bày tỏ|"
    r"giải thích|tâm sự|nhận định|said|says|added|told \w+)\s*:\s+(?![“\"'‘«])\w",
    re.IGNORECASE,
)


def continues_speech(before: str) -> bool:
    """True if the sentence after ``before`` may still be the unquoted speech it opens."""
    return ":" in before and bool(_UNQUOTED_SPEECH.search(before))  # no colon: no match


def is_dangling(text: str) -> bool:
    """True if the sentence opens by pointing back at an earlier one."""
    head = text.lstrip(" “\"'‘(-–—•")
    if _DANGLING.match(head) or _DANGLING_EN.match(head):
        return True
    m = _UNNAMED_TITLE.match(head)
    return bool(m) and m.group(1).islower() and head[:1].isupper()


def antecedents(texts: Sequence[str], i: int, paragraphs: Sequence[int] | None = None) -> list[int]:
    """The sentences ``i`` cannot be shown without, nearest first: the one before it when
    it points back, and so on back along a chain ("Do vậy, ..." after "Đây là ..." needs
    both and the sentence "Đây là" refers to), or when the sentence before, in the same
    paragraph (``paragraphs``: each text's paragraph, when known), opens an unquoted
    speech it may continue."""
    back, j = [], i
    while j > 0 and (is_dangling(texts[j]) or _speech_goes_on(texts, j, paragraphs)):
        j -= 1
        back.append(j)
    return back


def _speech_goes_on(texts: Sequence[str], j: int, paragraphs: Sequence[int] | None) -> bool:
    same = paragraphs is None or paragraphs[j - 1] == paragraphs[j]
    return same and continues_speech(texts[j - 1])


@dataclass
class Choice:
    chosen: list[int]  # candidate positions, in the order they were picked
    dangling: list[int]  # candidates that lost their place for lack of antecedent
    over_budget: list[int]  # candidates skipped because they did not fit the words
    repeats: list[int] = field(default_factory=list)  # skipped: they restate a pick


def choose(
    scores: np.ndarray,
    sims: np.ndarray,
    texts: Sequence[str],
    limit: int,
    *,
    max_words: int | None = None,
    diversity: float = 0.3,
    overlap: Overlap | None = None,
    paragraphs: Sequence[int] | None = None,
    needs: Sequence[list[int] | None] | None = None,
    quotes: Sequence[list[int] | None] | None = None,
    restates: Callable[[int, list[int]], bool] | None = None,
) -> Choice:
    """Maximal marginal relevance with a word budget and the dangling-reference guard.

    With ``overlap`` (the learned scorer's expected shared bigrams) and no word budget,
    the set is chosen by :func:`choose_set` instead, under the same guards.

    Candidates are positions 0..n-1 in document order. Scores are rescaled to
    [0, 1] so ``diversity`` means the same for every method. A sentence that
    opens by pointing back ("Tuy nhiên", "Theo đó", "However") is taken together with
    the sentence before it when both fit, and is dropped otherwise; so is a quotation
    with the sentence that names its speaker (:mod:`summarize.rank.quotes`).
    ``needs``: what each text cannot be shown without, when ``texts`` are a subset of the
    candidates and it was found among all of them (:func:`within`; no neighbour in
    ``texts`` is read then); found among ``texts`` otherwise. ``quotes``: each text's
    quotation and speaker read on the document (:func:`document_quotes`), when ``texts``
    are all the candidates of one document and ``needs`` is not given. ``restates``:
    whether a candidate restates one of the sentences already picked (a story summary's
    :class:`Restatements`); such a candidate is skipped (``Choice.repeats``) and the next
    best takes its place (MMR only: not with ``overlap``).
    """
    if overlap is not None and max_words is None:
        dense = sims if isinstance(sims, np.ndarray) else None
        return choose_set(
            overlap, texts, limit, sims=dense, paragraphs=paragraphs, needs=needs, quotes=quotes
        )
    n = len(texts)
    words = [len(t.split()) for t in texts]
    span = float(scores.max() - scores.min()) if n else 0.0
    rel = (scores - scores.min()) / span if span > 0 else np.ones(n)
    result = Choice([], [], [])
    back = needs is None  # given: from within(), with the sentences pointed back to
    if needs is None:
        needs = speaker_needs(texts, paragraphs) if quotes is None else quotes
    memo: dict[int, bool] = {}
    left = set(range(n))
    used = 0

    def fits(extra: list[int]) -> bool:
        if len(result.chosen) + len(extra) > limit:
            return False
        return max_words is None or used + sum(words[i] for i in extra) <= max_words

    # Long documents: similarities come a row at a time (rank.graph.VectorSimilarities),
    # and each candidate's highest similarity to the chosen is kept up to date.
    closest = None if isinstance(sims, np.ndarray) else np.full(n, -np.inf)
    gone = np.zeros(n, bool)
    while left and len(result.chosen) < limit:
        if closest is not None:
            gain = (1 - diversity) * rel - diversity * (closest if result.chosen else 0.0)
            gain[gone] = -np.inf
            best = int(np.argmax(gain))  # the first of equals, as max() over sorted(left)
        else:
            best = max(
                sorted(left),
                key=lambda i: (
                    (1 - diversity) * rel[i]
                    - diversity * max((float(sims[i, j]) for j in result.chosen), default=0.0)
                ),
            )
        left.discard(best)
        gone[best] = True
        take = _companions(best, texts, needs, paragraphs, back=back, memo=memo)
        if take is None:  # a quotation whose speaker is nowhere near
            result.dangling.append(best)
            continue
        take = [i for i in take if i not in result.chosen]
        if restates is not None and result.chosen and any(restates(i, result.chosen) for i in take):
            result.repeats.append(best)
            continue
        if not fits(take):
            (result.dangling if len(take) > 1 else result.over_budget).append(best)
            continue
        left.difference_update(take)
        gone[take] = True
        result.chosen.extend(take)
        if closest is not None:
            for j in take:
                closest = np.maximum(closest, sims.row(j))
        used += sum(words[i] for i in take)
    return result


# A story summary's picks state each fact once: a candidate at this cosine or more to a
# sentence already picked, stating nothing that sentence lacks, is not picked
# (:class:`Restatements`). Chosen on the 199 VietnameseMDS clusters (docs/ranking.md,
# "Restatements in story summaries"): with e5, ROUGE-2 41.99 -> 42.38, picks with a
# twin at cosine 0.92 or more 35.3 % -> 19.9 %; five folds by cluster choose 0.92 in
# three, 0.94 in two. The static model's cosines are far lower: its bar takes the same
# share of a story's sentence pairs as 0.92 does with e5 (1.9 %).
RESTATES_COSINE = 0.92
RESTATES_COSINE_STATIC = 0.55


def restates_cosine(model: str | None) -> float:
    """The cosine at which a story's candidate may restate a pick, for ``model``."""
    return RESTATES_COSINE_STATIC if model and "static" in model.lower() else RESTATES_COSINE


# A time or a date (canonical forms of dedup.facts: "14h", "8h45", "12/3", "12/3/2024",
# "5/2024"): outlets give their own hour and day to one event. A day is read as one
# only after a word that says so ("ngày 12/3", "chiều 12/3", "hôm qua (12/3)"): "2/3 người
# dân" is two thirds, a value of its own.
_TIME = re.compile(r"\d{1,2}h(?:\d{2})?")
_DAY = re.compile(r"\d{1,2}/\d{1,2}(?:/\d{4})?|\d{1,2}/\d{4}")
_DAY_WORD = re.compile(
    r"(?:ngày|hôm|mùng|sáng|trưa|chiều|tối|đêm|khuya|tháng|lúc|qua|nay|on|since|until)"
    r"\s*[(,]?\s*$",
    re.IGNORECASE,
)


class Restatements:
    """Whether a candidate restates a sentence already picked, for :func:`choose`'s
    ``restates``: at ``cosine`` or more to one of them, stating no value and no name it
    lacks, no negation or rise-against-fall it does not (``dedup.facts.fact_differences``
    with the candidate as the one that would go). A time or a date the candidate adds is
    not a new fact unless the pick states another ("Khoảng 14h ngày 12/3, xưởng gỗ ...
    bốc cháy" after "Một vụ cháy lớn ... chiều 12/3" says the same; "15/3" against
    "12/3" may be another fire, and "9h" against "8 giờ 45" is a disagreement to show).

    Why: the duplicate engine runs over a story's pooled sentences before ranking, but
    it is fitted to call two sentences the same sentence (precision 0.99 on pairs), and
    several outlets' wordings of one event are not that: each is kept, ranks high (they
    are the story's centre) and MMR's charge on similarity is weak against e5's cosines
    (most pairs of one story are above 0.8). So the same fact was picked two or three
    times. Nothing is removed from any text: a restatement is only not picked again, so
    a later sentence with its own count or name stays eligible.
    """

    def __init__(self, texts: Sequence[str], sims, cosine: float = RESTATES_COSINE) -> None:
        self.texts = texts
        self.sims = sims  # [i, j] -> cosine: an n x n array or rank.graph.VectorSimilarities
        self.cosine = cosine
        self._facts: dict[int, Facts] = {}

    def __call__(self, i: int, chosen: Sequence[int]) -> bool:
        return any(self.pair(i, j) for j in chosen)

    def pair(self, i: int, j: int) -> bool:
        """True if candidate ``i`` states nothing pick ``j`` does not, at ``cosine``."""
        if i == j or float(self.sims[i, j]) < self.cosine:
            return False
        a, b = self._read(i), self._read(j)
        if unmentioned(a, b):  # a name the pick does not mention: a fact of its own
            return False
        mine = Counter(c for c, _ in a.values)
        theirs = Counter(c for c, _ in b.values)
        if not (self._when(j) & set(theirs - mine)):  # the pick's own hour or day
            a, b = _without(a, self._when(i)), _without(b, self._when(j))
            mine = Counter(c for c, _ in a.values)
        # Any value the pick lacks, a number word too ("hai người bị thương", which the
        # guard reads only against another number), is a fact of its own.
        if mine - Counter(c for c, _ in b.values):
            return False
        return not fact_differences(a, b, a_inside_b=True)

    def _read(self, i: int) -> Facts:
        if i not in self._facts:
            self._facts[i] = facts(self.texts[i])
        return self._facts[i]

    def _when(self, i: int) -> set[str]:
        """The canonical values of text ``i`` that are a time or a day."""
        text = self.texts[i]
        return {c for c, written in self._read(i).values if _is_when(c, written, text)}


def _is_when(canonical: str, written: str, text: str) -> bool:
    if _TIME.fullmatch(canonical):
        return True
    if not _DAY.fullmatch(canonical):
        return False
    at = text.find(written)
    return at >= 0 and _DAY_WORD.search(text[max(0, at - 16) : at]) is not None


def _without(found: Facts, when: set[str]) -> Facts:
    kept = tuple(v for v in found.values if v[0] not in when)
    return replace(found, values=kept, numbers=frozenset(c for c in found.numbers if c not in when))


@dataclass(frozen=True)
class Overlap:
    """What a summary of whole sentences is judged on: the bigrams it shares with a
    reference summary. ``precision``: how likely each candidate's bigrams are to be in a
    reference (the learned scorer's probability, :meth:`.learned.LinearScorer.precision`);
    ``reference``: the number of bigrams a reference is taken to have (fitted with it).

    Why: ROUGE-2 F1, and a reader, pay for every word of a 3-sentence summary. The best set
    is not the three best sentences one by one but the set whose expected shared bigrams
    ``H`` are largest against its own length ``L``: ``F = 2 H / (L + reference)``.
    """

    precision: np.ndarray
    reference: float


SET_POOL = 12  # candidates (by expected shared bigrams) whose sets are searched exhaustively
_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def _pairs(toks: list[str]) -> Counter:
    return Counter(zip(toks, toks[1:], strict=False))


def _bigrams(text: str) -> Counter:
    return _pairs(_tokens(text))


def choose_set(
    overlap: Overlap,
    texts: Sequence[str],
    limit: int,
    *,
    sims: np.ndarray | None = None,
    diversity: float = 0.0,
    pool: int = SET_POOL,
    paragraphs: Sequence[int] | None = None,
    needs: Sequence[list[int] | None] | None = None,
    quotes: Sequence[list[int] | None] | None = None,
) -> Choice:
    """The set of ``limit`` sentences with the highest expected ROUGE-2 F1 (:class:`Overlap`),
    searched exhaustively among the ``pool`` candidates with the most expected shared bigrams.

    The guards of :func:`choose` hold: a sentence that points back comes with the sentence
    before it, a quotation with its speaker's sentence, or not at all (a unit of the search
    is a candidate with its companions). Bigrams two picks share count once, so two
    sentences saying the same thing do not add up; ``diversity`` (with ``sims``) further
    charges a set for its most similar pair, as MMR does.
    """
    n = len(texts)
    want = min(limit, n)
    toks = [_tokens(t) for t in texts]
    # A text's bigram count is its tokens less one; only the pool's units need the
    # bigrams themselves (counting every candidate's cost --fast a tenth of its ranking).
    size = np.array([max(len(t) - 1, 0) for t in toks], dtype=np.float64)
    p = np.clip(np.asarray(overlap.precision, dtype=np.float64), 0.0, 1.0)
    expected = p * size
    order = [int(i) for i in np.argsort(-expected, kind="stable")]
    back = needs is None  # given: from within(), with the sentences pointed back to
    if needs is None:
        needs = speaker_needs(texts, paragraphs) if quotes is None else quotes
    memo: dict[int, bool] = {}
    units: dict[tuple[int, ...], None] = {}
    lost: list[int] = []
    for i in order[:pool]:
        take = _companions(i, texts, needs, paragraphs, back=back, memo=memo)
        if take is None or len(take) > want:  # a unit larger than the summary never fits
            lost.append(i)  # (and its thousands of "Nhưng ..." made the pairs below quadratic)
        else:
            units[tuple(take)] = None
    # Every set of ``target`` sentences the units make, each valued at once with numpy
    # (the same operations in the same order as one at a time, so the same floats and the
    # same first-of-equals choice): --fast spent half its time here in a Python loop.
    members = sorted(set(chain.from_iterable(units)))
    at = {i: k for k, i in enumerate(members)}
    local = np.array(members, dtype=np.intp)
    pair = np.zeros((len(members), len(members)))
    grams = {i: _pairs(toks[i]) for i in members}
    for a, b in combinations(range(len(members)), 2):
        i, j = members[a], members[b]
        shared = grams[i].keys() & grams[j].keys()  # a Counter's & is 5x slower here
        pair[a, b] = min(p[i], p[j]) * sum(min(grams[i][g], grams[j][g]) for g in shared)
    best: list[int] | None = None
    largest = list(accumulate(sorted((len(u) for u in units), reverse=True)))
    for target in range(want, 0, -1):  # all ``limit`` sentences if the units allow it
        sets = [
            picks
            for k in range(1, target + 1)
            if k <= len(largest) and largest[k - 1] >= target  # else k units are too few
            for combo in combinations(units, k)
            if len(picks := sorted(set(chain.from_iterable(combo)))) == target
        ]
        if not sets:
            continue
        rows = np.array([[at[i] for i in picks] for picks in sets], dtype=np.intp)
        hits = expected[local[rows]].sum(axis=1)
        closest = np.zeros(len(rows))
        for a, b in combinations(range(target), 2):
            hits -= pair[rows[:, a], rows[:, b]]
            if diversity and sims is not None:
                closest = np.maximum(closest, sims[local[rows[:, a]], local[rows[:, b]]])
        value = 2 * hits / (size[local[rows]].sum(axis=1) + overlap.reference)
        value -= diversity * closest
        best = sets[int(np.argmax(value))]
        break
    if best is None:  # nothing in the pool can stand alone
        return Choice([], lost, [])
    rank = {i: r for r, i in enumerate(order)}
    chosen = sorted(best, key=rank.__getitem__)
    last = max(rank[i] for i in chosen)

    def unit(i: int) -> list[int] | None:
        return _companions(i, texts, needs, paragraphs, back=back, memo=memo)

    dangling = [
        i for i in order[:last] if i not in best and (i in lost or len(unit(i) or ()) > 1)
    ]  # fmt: skip
    return Choice(chosen, dangling, [])


def _companions(
    i: int,
    texts: Sequence[str],
    needs: Sequence[list[int] | None],
    paragraphs: Sequence[int] | None = None,
    *,
    back: bool = True,
    memo: dict[int, bool] | None = None,
) -> list[int] | None:
    """Sentence ``i`` with what it cannot stand without: the sentences before it that it
    points back to, its whole quotation and the speaker's sentence, and theirs in turn
    ("Tuy nhiên, ông Sơn cho biết:" before a quotation needs the sentence before it too);
    None when any of that is missing. ``back=False``: ``needs`` already hold the
    sentences pointed back to (:func:`within`), so the neighbours in ``texts`` are not read.

    Each sentence adds only the one just before it when it points back: that one adds
    its own, so the closure is the whole chain of :func:`antecedents` in one pass (calling
    it for every member walked the chain again each time: cubic in a text of "But ...").
    ``memo``: whether each sentence points back, kept across calls on the same texts."""
    group, todo = {i}, [i]
    while todo:
        j = todo.pop()
        need = needs[j]
        if need is None:
            return None
        if back and j == 0 and _points_back(texts, 0, paragraphs, memo):
            return None  # it points back to nothing it could be shown with
        before = [j - 1] if back and j > 0 and _points_back(texts, j, paragraphs, memo) else []
        for k in (*need, *before):
            if k not in group:
                group.add(k)
                todo.append(k)
    return sorted(group)


def _points_back(
    texts: Sequence[str], j: int, paragraphs: Sequence[int] | None, memo: dict[int, bool] | None
) -> bool:
    if memo is not None and j in memo:
        return memo[j]
    found = is_dangling(texts[j]) or (j > 0 and _speech_goes_on(texts, j, paragraphs))
    if memo is not None:
        memo[j] = found
    return found


def document_quotes(
    texts: Sequence[str], paragraphs: Sequence[int] | None, members: Sequence[int]
) -> list[list[int] | None]:
    """:func:`~.quotes.speaker_needs` read on the document's own sentences ``texts``, for
    each of ``members`` (the candidates, as indices into ``texts``, in order): the other
    members its quotation and speaker are, as positions in ``members``; None when one of
    them is not a member (removed as a duplicate, a caption, a heading, chrome).

    Why: read among the candidates, a quotation whose opening sentence was removed as a
    duplicate ended in a sentence that seemed to open nothing: its closing sentence was
    shown alone, a closing mark and no opening. Read on the text, it needs the opening
    sentence, which cannot be shown, so it is not shown either. Pointing back ("Tuy nhiên",
    "He said") is still read among the candidates: BBC's scraped pages lose linked names
    and cut sentences in two ("ask for an option on ..."), and read on the text every
    "He said" after such a piece lost its place (BBC, 200 articles: ROUGE-2 -0.08)."""
    needs = speaker_needs(texts, paragraphs)
    at = {k: n for n, k in enumerate(members)}
    out: list[list[int] | None] = []
    for k in members:
        need = needs[k]
        if need is None or any(j not in at for j in need):
            out.append(None)
        else:
            out.append([at[j] for j in need])
    return out


def within(
    subset: Sequence[int],
    texts: Sequence[str],
    paragraphs: Sequence[int] | None = None,
    quotes: Sequence[list[int] | None] | None = None,
) -> tuple[list[int], list[list[int] | None]]:
    """``subset`` of the candidates ``texts`` grown by what its sentences cannot be shown
    without, and what each sentence of the grown subset cannot be shown without (its
    quotation, the speaker's sentence, the sentences it points back to, and theirs), as
    positions in it; None when it cannot be shown. Give them to :func:`choose` as
    ``needs``: it then reads no neighbour in the subset.

    Why: the guards read neighbours (the sentence before, the rest of a quotation), and
    among a subset (the screened candidates, summarize/scope.py) the neighbour of a
    sentence is not the one in the text: the first sentence of a quotation whose end
    was not embedded read as a whole quote; a "Tuy nhiên" whose sentence before cannot
    be shown was shown after another one; a sentence after a subset neighbour that opens
    unquoted speech ("Ông Sơn cho biết: ...") was taken for its continuation.
    ``quotes``: each text's quotation and speaker read on the document
    (:func:`document_quotes`), when ``texts`` are all of one document's candidates."""
    needs = speaker_needs(texts, paragraphs) if quotes is None else quotes
    memo: dict[int, bool] = {}
    closures = {k: _companions(k, texts, needs, paragraphs, memo=memo) for k in subset}
    grown = set(subset).union(*(c for c in closures.values() if c is not None))
    inside = sorted(grown)
    at = {k: i for i, k in enumerate(inside)}
    mapped: list[list[int] | None] = []
    for k in inside:
        # what k needs directly (choose walks on from there); a member of a closure has
        # all of its own inside it, and a sentence of the subset whose closure is None
        # cannot be shown: its neighbour in the subset is not its neighbour in the text
        need = needs[k]
        if need is None or (k in closures and closures[k] is None):
            mapped.append(None)
            continue
        before = [k - 1] if k > 0 and _points_back(texts, k, paragraphs, memo) else []
        mapped.append(sorted(at[j] for j in {*need, *before}))
    return inside, mapped


def position_prior(n: int) -> np.ndarray:
    """News puts the point first: weight decays with position, never to zero."""
    return np.array([1.0 / math.sqrt(1 + i) for i in range(n)])
