"""The Markdown report: counts, one table per cluster, boilerplate and conflicts, for
people. Document text is escaped so that it always renders literally."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import (
    DEDUP_SCHEMA,
    LEVELS,
    Cluster,
    blank,
    clusters,
    counts,
    cut_boilerplate,
    kept_label,
    level_dups,
    signal_text,
)
from .escape import md_escape

if TYPE_CHECKING:
    from ..dedup.document import DedupResult

__all__ = ["md_escape", "render_markdown"]  # md_escape: re-exported, its home is .escape


def render_markdown(result: DedupResult) -> str:
    found = clusters(result)
    lines = _summary(result, counts(result, found))
    lines += ["## Duplicate clusters", ""]
    if not found:
        lines += ["No duplicates found.", ""]
    for c in found:
        lines += _cluster_table(c)
    lines += _boilerplate(result)
    lines += _conflicts(result)
    return "\n".join(lines)


def _summary(result: DedupResult, n: dict[str, Any]) -> list[str]:
    doc = result.document
    title = md_escape(doc.title or doc.source or "document", newline=" ")
    meta = []
    if doc.source:
        source = " ".join(doc.source.replace("`", "'").splitlines())  # one code span
        meta.append(f"source `{source}`")
    if doc.encoding:
        meta.append(f"encoding {doc.encoding}")
    meta.append(f"schema {DEDUP_SCHEMA}")
    lines = [f"# Duplicate report: {title}", "", " · ".join(meta), "", "## Summary", ""]
    lines += [
        "| | count |",
        "|---|---:|",
        f"| paragraphs / sentences | {n['paragraphs']} / {n['sentences']} |",
        f"| items removed | {n['removed']} |",
    ]
    for level in LEVELS:
        lines.append(f"| … {level} duplicates | {level_dups(result, level)} |")
    return lines + [
        f"| … boilerplate lines | {n['removed_by_reason'].get('boilerplate', 0)} |",
        f"| characters removed | {n['removed_chars']} of {n['original_chars']} |",
        f"| duplicate clusters | {n['clusters']} |",
        f"| boilerplate lines labelled | {n['boilerplate']} |",
        f"| conflicting variants (kept) | {n['conflicts']} |",
        "",
        "Indices are 0-based; offsets are character positions in the original text.",
        "",
    ]


def _cluster_table(c: Cluster) -> list[str]:
    lines = [
        f"### {c.level.capitalize()} cluster `{c.id}` · {len(c.members)} removed",
        "",
        "| | # | offsets | text | signal | score |",
        "|---|---:|---|---|---|---:|",
        f"| {kept_label(c)} | {blank(c.kept_index)} | {c.kept_start}–{c.kept_end} | "
        f"{md_escape(c.kept_text)} | | |",
    ]
    for _, r in c.members:
        lines.append(
            f"| removed | {r.index} | {r.start}–{r.end} | {md_escape(r.text)} | "
            f"{md_escape(signal_text(r))} | {r.score:.3f} |"
        )
    return lines + [""]


def _boilerplate(result: DedupResult) -> list[str]:
    if not result.boilerplate:
        return ["## Boilerplate", "", "No boilerplate lines.", ""]
    lines = ["## Boilerplate", ""]
    cut = cut_boilerplate(result)
    for b in result.boilerplate:
        state = "removed" if (b.start, b.end) in cut else "kept"
        lines.append(
            f"- **{md_escape(b.label, newline=' ')}** ({state}, paragraph {b.paragraph}, "
            f"{b.start}–{b.end}): {md_escape(b.text, newline=' ')}"
        )
    return lines + [""]


def _conflicts(result: DedupResult) -> list[str]:
    if not result.conflicts:
        return ["## Conflicting variants", "", "No conflicting variants.", ""]
    lines = ["## Conflicting variants", ""]
    lines += ["Similar texts that state different facts; both are kept.", ""]
    for c in result.conflicts:
        diffs = ", ".join(md_escape(d, newline=" ") for d in c.differences) or "—"
        lines += [
            f"- **{c.level} {c.index} vs {c.other}** ({md_escape(c.signal)} {c.score:.3f}); "
            f"differs in: {diffs}",
            f"  - {c.index}: {md_escape(c.text, newline=' ')}",
            f"  - {c.other}: {md_escape(c.other_text, newline=' ')}",
        ]
    return lines + [""]
