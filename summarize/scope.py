"""Which sentences of a document the scoped pipeline embeds ("embed only what can
change a decision"; ``SummaryConfig.embed_scope == "screened"``).

Why: in a bulk digest the default model's time is ~91% embedding (docs/speed.md,
"Bulk default"), one row per content sentence. A summary needs vectors only for the
candidates that can still be picked, and the duplicate engine only for the pairs its
decision by meaning could call duplicates. So, before any model call:

1. duplicates by wording alone (the engine without vectors) and the exclusions give the
   candidates as far as text can tell;
2. the vector-free screen (:mod:`.rank.screen`) keeps the best of them, and the
   article's first ones;
3. :func:`.dedup.reach.in_reach` adds both sentences of every pair that could be a
   duplicate by meaning, so the engine decides exactly as with every vector.

Everything else keeps a zero row, as chrome lines already do. The title is embedded
with them (the caller's ``extra``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .config import SummaryConfig
from .dedup.document import deduplicate_document
from .dedup.engine import DedupConfig
from .dedup.reach import in_reach
from .rank.candidates import candidates
from .rank.learned import family
from .rank.screen import ALWAYS_FIRST, chosen, screen_for, text_features
from .rank.select import within
from .types import Document


@dataclass(frozen=True)
class Scope:
    """``sentences``: document sentence indices to embed; ``screened``: how many of the
    candidates the screen saw (for reports and tests)."""

    sentences: frozenset[int]
    screened: int


def applies(config: SummaryConfig) -> bool:
    """The scope is used for learned single-article summaries; every other kind reads all
    vectors (TextRank and LexRank centrality, query relevance, translations)."""
    return (
        config.embed_scope == "screened"
        and config.method == "learned"
        and config.query is None
        and not config.cross_lingual
    )


def embed_scope(
    doc: Document,
    config: SummaryConfig,
    dedup: DedupConfig,
    model_name: str | None,
    learned: Collection[str] = frozenset(),
) -> Scope | None:
    """The sentences to embed for ``summarize(doc)``; None: all of them (also for the
    static model, which costs nothing to run)."""
    if family(model_name) == "static":
        return None
    text_only = deduplicate_document(
        doc, None, config=dedup, drop_boilerplate=config.drop_boilerplate
    )
    cut = set(doc.chrome.paragraphs)
    cut.update(r.index for r in text_only.removed if r.level in ("paragraph", "phrase"))
    live = [s.index for s in doc.sentences if s.paragraph not in cut and not doc.in_title(s)]
    reach = in_reach(doc, live, dedup)
    if reach is None:
        return None
    gone = {r.index for r in text_only.removed if r.level == "sentence"}
    first = [i for i in live if i not in gone][:ALWAYS_FIRST]  # the story step's lead rows
    cands = candidates(doc, text_only, learned).sentences
    texts = [s.line for s in cands]
    starts = [s.start == doc.paragraphs[s.paragraph].start for s in cands]
    screen = screen_for(model_name)
    words = config.words
    scores = screen.screen_scores(
        text_features(texts, None, starts, doc.title), word_budget=words is not None
    )
    keep = chosen(
        scores, screen.top, [len(t.split()) for t in texts],
        sentences=None if words is not None else config.max_sentences(len(cands)),
        word_budget=words,
    )  # fmt: skip
    embed = {cands[k].index for k in keep} | reach | set(first)
    # An embedded candidate that points back ("Tuy nhiên", "Ngoài ra") or is part of a
    # quotation is picked with the candidates it needs or not at all (rank/select.py):
    # they need their vectors too.
    chosen_at = [k for k, c in enumerate(cands) if c.index in embed]
    grown, _ = within(chosen_at, texts, [c.paragraph for c in cands])
    embed |= {cands[k].index for k in grown}
    return Scope(frozenset(embed), len(cands))
