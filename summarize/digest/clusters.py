"""Story clusters across documents, without comparing every pair.

Candidates come from two MinHash LSH indexes (datasketch): one over each
document's word bigrams (a republished or lightly edited article) and one over its
facts, the names and numbers it states (the same story told by another outlet).
Only documents linked by a candidate pair are ever compared, and they are
compared statement by statement by the one duplicate engine
(:func:`summarize.dedup.engine.find_duplicates` at sentence level): two articles
tell one story when a good share of their sentences say the same thing.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

import numpy as np

from ..dedup.engine import DedupConfig, Item, cluster_id, find_duplicates
from ..dedup.signals import Facts, facts, names_shared
from ..text.normalize import match_key

TEXT_PERMS = 64
FACT_PERMS = 32
_SEED = 1
SCHEME = "affine32"  # datasketch 2: 32-bit values, stored as they are


@cache
def _permutations(perms: int):
    """datasketch imports scipy (seconds): loaded on first use, not on import."""
    from datasketch import MinHash

    return MinHash(num_perm=perms, seed=_SEED).permutations


@dataclass(frozen=True)
class ClusterConfig:
    """When two articles tell one story: they share statements, not just a topic.

    A mean sentence vector says what an article is *about*: two different reports
    on Party-building in two provinces score 0.99. So it only rules pairs out
    (``topic``); a pair is one story when enough of the shorter article's
    sentences repeat sentences of the other, as judged by the duplicate engine at
    sentence level (exact, near-exact, contained or semantic, with its fact guard).
    """

    text_lsh: float = 0.3  # word-bigram Jaccard worth a look
    fact_lsh: float = 0.5  # names-and-numbers Jaccard worth a look
    topic: float = 0.85  # mean-vector cosine below which a pair is not looked at
    shared_share: float = 0.2  # of the shorter article's content sentences ...
    shared_least: int = 2  # ... and at least this many (one for 1-3 sentence articles)
    # Group by event (digest/events.py) when the model has a shipped story model;
    # False: by shared statements only, as above.
    events: bool = True
    # Articles published more than this many days apart are never one story (read from
    # a "date", "published" or "time" field of the input; None: no window).
    window_days: float | None = None


@dataclass(frozen=True)
class Sketch:
    """What clustering keeps per document: small enough for 100,000 in memory."""

    text: np.ndarray | None  # uint32 MinHash of word bigrams
    facts: np.ndarray | None  # uint32 MinHash of names and numbers
    vector: np.ndarray | None  # float16 mean sentence vector


def sketch(
    sentences: Sequence[str],
    vectors: np.ndarray | None = None,
    *,
    keys: Sequence[str] | None = None,
    found: Sequence[Facts] | None = None,
) -> Sketch:
    """Sketch a document from its content sentences (chrome already left out).

    ``keys``, ``found``: the sentences' match keys and facts when the caller has them.
    """
    bigrams: set[str] = set()
    named: set[str] = set()
    keys = [match_key(s) for s in sentences] if keys is None else keys
    found = [facts(s) for s in sentences] if found is None else found
    for key, f in zip(keys, found, strict=True):
        words = key.split()
        if len(words) > 1:
            bigrams.update(map(" ".join, itertools.pairwise(words)))
        else:
            bigrams.add(" ".join(words))  # a one-word (or empty) key stands for itself
        named.update(n.casefold() for n in f.names)
        named.update(n for n in f.numbers if len(n) > 1)
    vec = None
    if vectors is not None and len(vectors):
        mean = vectors.mean(axis=0)
        norm = float(np.linalg.norm(mean))
        vec = (mean / norm).astype(np.float16) if norm else None
    return Sketch(_minhash(bigrams, TEXT_PERMS, 3), _minhash(named, FACT_PERMS, 5), vec)


def _minhash(tokens: set[str], perms: int, least: int) -> np.ndarray | None:
    if len(tokens) < least:
        return None
    from datasketch import MinHash

    m = MinHash(num_perm=perms, seed=_SEED, permutations=_permutations(perms), scheme=SCHEME)
    m.update_batch([t.encode("utf-8") for t in tokens])
    return m.hashvalues.astype(np.uint32)


def encode_array(a: np.ndarray | None) -> str | None:
    """Compact text form for a JSON work record."""
    return None if a is None else base64.b64encode(a.tobytes()).decode("ascii")


def decode_array(s: str | None, dtype: str) -> np.ndarray | None:
    return None if s is None else np.frombuffer(base64.b64decode(s), dtype=dtype)


def candidate_pairs(sketches: Sequence[Sketch], config: ClusterConfig) -> Iterator[tuple[int, int]]:
    """Pairs (i < j) that share a band in either LSH index; each pair at most once."""
    from datasketch import MinHash, MinHashLSH

    seen: set[tuple[int, int]] = set()
    for attr, perms, threshold in (
        ("text", TEXT_PERMS, config.text_lsh),
        ("facts", FACT_PERMS, config.fact_lsh),
    ):
        perm = _permutations(perms)
        lsh = MinHashLSH(threshold=threshold, num_perm=perms)
        hashed = {}
        for i, sk in enumerate(sketches):
            values = getattr(sk, attr)
            if values is None:
                continue
            m = MinHash(num_perm=perms, hashvalues=values, permutations=perm, scheme=SCHEME)
            hashed[i] = m
            lsh.insert(i, m, check_duplication=False)
        for i, m in hashed.items():
            for j in lsh.query(m):
                pair = (min(i, j), max(i, j))
                if i != j and pair not in seen:
                    seen.add(pair)
                    yield pair


def lsh_bands(config: ClusterConfig) -> list[tuple[str, list[tuple[int, int]]]]:
    """(sketch field, its bands as value ranges), as :func:`candidate_pairs` bands them.

    The ranges are datasketch's own for the thresholds, so two documents share a band
    here exactly when one's query finds the other there.
    """
    from datasketch import MinHashLSH

    return [
        (attr, list(MinHashLSH(threshold=threshold, num_perm=perms).hashranges))
        for attr, perms, threshold in (
            ("text", TEXT_PERMS, config.text_lsh),
            ("facts", FACT_PERMS, config.fact_lsh),
        )
    ]


def band_rows(
    items: Sequence[tuple[int, Sketch]], bands: list[tuple[str, list[tuple[int, int]]]]
) -> np.ndarray:
    """Every band of every sketch as one uint32 row ``[field, band, values..., ordinal]``
    (a field's bands padded to the widest): two documents share a band exactly when
    their rows agree on every column but the last. Why arrays, not a key per band: a
    30,000-article digest has about a million band keys, and as Python objects their
    shuffle took gigabytes and minutes (docs/scale.md)."""
    width = max((end - start for _, ranges in bands for start, end in ranges), default=0)
    blocks = []
    for which, (attr, ranges) in enumerate(bands):
        kept = [(n, getattr(sk, attr)) for n, sk in items if getattr(sk, attr) is not None]
        if not kept:
            continue
        ordinals = np.array([n for n, _ in kept], dtype=np.uint32)
        values = np.stack([np.asarray(v, dtype=np.uint32) for _, v in kept])
        for band, (start, end) in enumerate(ranges):
            block = np.zeros((len(kept), width + 3), dtype=np.uint32)
            block[:, 0], block[:, 1] = which, band
            block[:, 2 : 2 + end - start] = values[:, start:end]
            block[:, -1] = ordinals
            blocks.append(block)
    return np.concatenate(blocks) if blocks else np.zeros((0, width + 3), dtype=np.uint32)


def split_rows(rows: np.ndarray, parts: int) -> list[np.ndarray]:
    """``rows`` in ``parts`` groups by their key, so equal keys land in one group
    (a MinHash value is uniform, so its first value spreads the keys evenly)."""
    key = rows[:, 2].astype(np.uint64) + rows[:, 1].astype(np.uint64) * 65_537 + rows[:, 0]
    part = (key % np.uint64(parts)).astype(np.intp)
    return [rows[part == j] for j in range(parts)]


def pairs_of_rows(rows: np.ndarray) -> np.ndarray:
    """The pairs (a < b) of distinct documents that share a band key, each once, as
    sorted int64 codes ``a << 32 | b`` (8 bytes a pair; :func:`decode_pairs` reads them)."""
    if len(rows) < 2:
        return np.zeros(0, dtype=np.int64)
    keys = rows[:, :-1]
    rows = rows[np.lexsort(keys.T[::-1])]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = np.any(rows[1:, :-1] != rows[:-1, :-1], axis=1)
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, len(rows)))
    codes = []
    for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
        members = np.unique(rows[start : start + size, -1]).astype(np.int64)
        if len(members) > 1:
            a, b = np.triu_indices(len(members), 1)
            codes.append((members[a] << 32) | members[b])
    return np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)


def decode_pairs(codes: np.ndarray) -> list[tuple[int, int]]:
    return [(int(c) >> 32, int(c) & 0xFFFF_FFFF) for c in codes]


@dataclass(frozen=True)
class Content:
    """One candidate article as the confirmation sees it."""

    key: str  # match key of its content sentences (the story id comes from it)
    title: str  # fact guard: titles that differ in a number are different stories
    sentences: list[str]  # content sentences (no title, chrome or repeats)
    vectors: np.ndarray | None  # their vectors (served by the embedding cache)
    mean: np.ndarray | None  # the sketch's mean vector
    # Their match keys, when known (a work record keeps them): not computed again for
    # every pair the article is in. None: computed from ``sentences``.
    keys: list[str] | None = None


def confirm_pair(
    earlier: Content, later: Content, config: ClusterConfig, sentences: DedupConfig
) -> tuple[float, str] | None:
    """(share, description) when ``later`` tells the story ``earlier`` tells, else None.

    The statements are compared by the duplicate engine (``sentences`` is its
    sentence-level config). The titles' facts must agree: "Xổ số ngày 5/2" and
    "ngày 6/2" share their template sentences but are two draws.
    """
    if earlier.mean is not None and later.mean is not None:
        if float(earlier.mean.astype(np.float32) @ later.mean.astype(np.float32)) < config.topic:
            return None
    if _titles_disagree(earlier.title, later.title):
        return None
    a, b = earlier.sentences, later.sentences
    if not a or not b:
        return None
    keys = [*_keys_of(earlier), *_keys_of(later)]
    items = [Item(k, t) for k, t in zip(keys, a + b, strict=True)]
    vectors = None
    if earlier.vectors is not None and later.vectors is not None:
        vectors = np.vstack([earlier.vectors, later.vectors])
    else:
        sentences = replace(sentences, semantic=None)
    grouping = find_duplicates(items, vectors, level="sentence", config=sentences)
    signals: dict[str, int] = {}
    matched: set[int] = set()
    for cluster in grouping.clusters:
        for m in cluster.members:
            # A pair across the two articles: the later article's sentence counts, kept
            # or removed (a fuller later wording is kept: DedupConfig.keep_fuller).
            later = max(m.index, cluster.kept)
            if min(m.index, cluster.kept) < len(a) <= later and later not in matched:
                matched.add(later)
                signals[m.signal] = signals.get(m.signal, 0) + 1
    shorter = min(len(a), len(b))
    least = 1 if shorter <= 3 else config.shared_least
    share = len(matched) / shorter
    if len(matched) < least or share < config.shared_share:
        return None
    how = ", ".join(f"{k} {v}" for k, v in sorted(signals.items()))
    return share, f"shares {len(matched)} of {shorter} sentences ({how})"


def _keys_of(content: Content) -> list[str]:
    return [match_key(t) for t in content.sentences] if content.keys is None else content.keys


def _titles_disagree(a: str, b: str) -> bool:
    """Both titles state numbers and share none, or name different people or places.

    Looser than the sentence guard: one outlet's title often leaves a number out.
    """
    fa, fb = _title_facts(a), _title_facts(b)
    if fa.numbers and fb.numbers and not fa.numbers & fb.numbers:
        return True
    only_names = Facts(frozenset(), fa.names), Facts(frozenset(), fb.names)
    return bool(fa.names and fb.names) and not names_shared(*only_names)


@lru_cache(maxsize=4096)
def _title_facts(title: str) -> Facts:
    """A title's facts, read once: an article is in many candidate pairs."""
    return facts(title)


def story_id(key: str) -> str:
    """The stable id of a story cluster: its kept document's content key."""
    return cluster_id("document", key)
