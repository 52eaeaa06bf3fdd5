"""Story clusters across documents, without comparing every pair.

Candidates come from two MinHash LSH indexes (datasketch): one over each
document's word bigrams (a republished or lightly edited article) and one over its
facts, the names and numbers it states (the same story told by another outlet).
Only documents linked by a candidate pair are ever compared, and the comparison
is the one duplicate engine (:func:`summarize.dedup.engine.find_duplicates` at
``level="document"``), so a cluster id is the engine's stable id of the kept
article.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from ..dedup.engine import DedupConfig, Item, Match, cluster_id, find_duplicates
from ..dedup.signals import facts
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
    """Thresholds for documents (not sentences): whole bodies share less text."""

    text_lsh: float = 0.3  # word-bigram Jaccard worth a look
    fact_lsh: float = 0.5  # names-and-numbers Jaccard worth a look
    near_exact: float = 0.5  # character-shingle Jaccard of two bodies
    contained: float = 0.8  # share of the shorter body inside the longer
    semantic: float | None = 0.93  # cosine of mean sentence vectors (None: text only)

    def engine(self) -> DedupConfig:
        return DedupConfig(
            near_exact=self.near_exact,
            contained=self.contained,
            min_contained_words=30,
            semantic=self.semantic,
            min_semantic_words=30,
        )


@dataclass(frozen=True)
class Sketch:
    """What clustering keeps per document: small enough for 100,000 in memory."""

    text: np.ndarray | None  # uint32 MinHash of word bigrams
    facts: np.ndarray | None  # uint32 MinHash of names and numbers
    vector: np.ndarray | None  # float16 mean sentence vector


def sketch(sentences: Sequence[str], vectors: np.ndarray | None = None) -> Sketch:
    """Sketch a document from its content sentences (chrome already left out)."""
    bigrams: set[str] = set()
    named: set[str] = set()
    for s in sentences:
        words = match_key(s).split()
        bigrams.update(" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1)))
        f = facts(s)
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


@dataclass(frozen=True)
class DocumentItem:
    """One candidate document as the engine sees it."""

    key: str  # match key of its content sentences
    title: str  # its facts guard: titles that differ in a number are different stories


def confirm_pair(
    earlier: DocumentItem,
    later: DocumentItem,
    vectors: np.ndarray | None,
    config: ClusterConfig,
) -> Match | None:
    """Does ``later`` tell the story ``earlier`` tells? Asked of the duplicate engine.

    The fact guard runs on titles, not bodies: two outlets' versions of one story
    always differ in some number somewhere, but "ngày 5/2" and "ngày 6/2" in the
    titles of two lottery reports are two stories however alike their text is.
    """
    items = [Item(earlier.key, earlier.title), Item(later.key, later.title)]
    engine = config.engine()
    if vectors is None:
        engine = replace(engine, semantic=None)
    found = find_duplicates(items, vectors, level="document", config=engine).removed
    return found.get(1)


def story_id(key: str) -> str:
    """The stable id of a story cluster: its kept document's content key."""
    return cluster_id("document", key)
