"""What every dedup report format derives from a result, computed once per render.

Rendering never computes anything new: these helpers only regroup and count what the
``DedupResult`` holds, so the four formats and the terminal view cannot disagree.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..dedup.document import DedupResult, Removed

# Every JSON record carries ``schema_version`` (and ``kind``); bumped only when a change
# breaks readers (docs/schema.md). Version 1 named each record ``summarize.<kind>/1``.
SCHEMA_VERSION = 2
DEDUP_SCHEMA = f"summarize.dedup/{SCHEMA_VERSION}"  # how the Markdown/HTML reports cite it
LEVELS = ("paragraph", "sentence", "phrase")


@dataclass
class Cluster:
    """A kept item and the duplicates removed because of it."""

    number: int  # position in the report, for anchors
    id: str
    level: str
    kept_index: int | None
    kept_start: int
    kept_end: int
    kept_text: str
    members: list[tuple[int, Removed]] = field(default_factory=list)  # (position in removed, r)
    # The clusters whose removals took the kept item's whole text out after all: a
    # paragraph kept against its copy can lose every sentence at the sentence level. The
    # copy is still a repeat (the text it repeats lives on in those clusters' kept items),
    # but the report must not call an item "kept" that the cleaned text no longer has.
    kept_removed_by: tuple[str, ...] = ()


def signal_text(r: Removed) -> str:
    """A duplicate's signal as reports show it: with the values its kept item adds when
    that item is a fuller wording met after it that replaced it (``DedupConfig.keep_fuller``;
    later in the text, or shorter with ``keep="longest"``)."""
    adds = getattr(r, "kept_adds", ())
    if not adds:
        return r.signal
    return f"{r.signal}; kept: the fuller wording, which adds {added_values(adds)}"


def added_values(adds: tuple[str, ...] | list[str]) -> str:
    """What a fuller wording adds, readable in a sentence: ``("number 2", "number 49")``
    is 'the numbers “2” and “49”' (bare, "adds 2, 49" read as a count). Each value once,
    in quotes, under its kind ("number", "name")."""
    kinds: dict[str, list[str]] = {}
    for item in adds:
        kind, _, value = item.partition(" ")
        kind, value = (kind, value) if value else ("value", kind)
        values = kinds.setdefault(kind, [])
        if value not in values:
            values.append(value)
    return _and(
        f"the {kind if len(values) == 1 else kind + 's'} {_and([f'“{v}”' for v in values])}"
        for kind, values in kinds.items()
    )


def _and(items) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def clusters(result: DedupResult) -> list[Cluster]:
    """Duplicate removals grouped by cluster id (and kept span), in text order."""
    text = result.document.text
    found: dict[tuple, Cluster] = {}
    for i, r in enumerate(result.removed):
        if r.reason != "duplicate" or r.cluster is None or r.kept_start is None:
            continue
        kept_end = r.kept_end if r.kept_end is not None else r.kept_start
        key = (r.cluster, r.level, r.kept_start, kept_end)
        if key not in found:
            found[key] = Cluster(
                0, r.cluster, r.level, r.kept_index, r.kept_start, kept_end,
                text[r.kept_start : kept_end],
            )  # fmt: skip
        found[key].members.append((i, r))
    out = sorted(found.values(), key=lambda c: (c.kept_start, -c.kept_end, c.id))
    by_start = sorted(result.removed, key=lambda r: r.start)
    starts = [r.start for r in by_start]
    longest = max((r.end - r.start for r in by_start), default=0)
    for n, c in enumerate(out):
        c.number = n
        near = by_start[
            bisect_left(starts, c.kept_start - longest) : bisect_left(starts, c.kept_end)
        ]
        c.kept_removed_by = _removed_by(text, near, c.kept_start, c.kept_end)
    return out


def kept_label(c: Cluster) -> str:
    """ "kept", or what took the kept item out at another level after all."""
    if not c.kept_removed_by:
        return "kept"
    return "kept here, then removed in " + _and(f"`{name}`" for name in c.kept_removed_by)


def _removed_by(text: str, removed: list[Removed], start: int, end: int) -> tuple[str, ...]:
    """The clusters (or boilerplate labels) of the removals that together cover every
    non-blank character of ``text[start:end]``; empty when any of it is left."""
    inside = [r for r in removed if r.start < end and r.end > start]  # sorted by start
    at = start
    for r in inside:
        if text[at : r.start].strip():
            return ()
        at = max(at, r.end)
    if not inside or text[at:end].strip():
        return ()
    return tuple(dict.fromkeys(r.cluster or r.signal for r in inside))


def cut_span(r: Removed) -> tuple[int, int]:
    """The span a removal takes out; results built without cuts fall back to the item."""
    if r.cut_end > r.cut_start or r.cut_text:
        return r.cut_start, r.cut_end
    return r.start, r.end


def unit_span(result: DedupResult, level: str, index: int, text: str) -> tuple[int, int] | None:
    """Offsets of a paragraph or sentence by index, checked against its text (a conflict
    carries only indices, and an index alone could point at the wrong unit)."""
    doc = result.document
    units = doc.paragraphs if level == "paragraph" else doc.sentences
    if 0 <= index < len(units) and units[index].text == text:
        return units[index].start, units[index].end
    pos = doc.text.find(text) if text else -1
    return (pos, pos + len(text)) if pos >= 0 else None


def cut_boilerplate(result: DedupResult) -> set[tuple[int, int]]:
    """Spans of the labelled lines that were cut: a labelled line is reported either way."""
    return {(r.start, r.end) for r in result.removed if r.reason == "boilerplate"}


def counts(result: DedupResult, found: list[Cluster]) -> dict[str, Any]:
    """The JSON ``counts`` object; the other formats quote the same numbers."""
    doc = result.document
    by_level = {level: 0 for level in LEVELS}
    by_reason = {"duplicate": 0, "boilerplate": 0}
    for r in result.removed:
        by_level[r.level] = by_level.get(r.level, 0) + 1
        by_reason[r.reason] = by_reason.get(r.reason, 0) + 1
    return {
        "paragraphs": len(doc.paragraphs),
        "sentences": len(doc.sentences),
        "original_chars": len(doc.text),
        "cleaned_chars": len(result.text),
        "removed": len(result.removed),
        "removed_chars": sum(b - a for a, b in map(cut_span, result.removed)),
        "removed_by_level": by_level,
        "removed_by_reason": by_reason,
        "clusters": len(found),
        "boilerplate": len(result.boilerplate),
        "conflicts": len(result.conflicts),
        # Only when some were left unjudged (dedup.engine.MAX_CONFLICTS): absent otherwise.
        **({"unjudged_conflicts": result.unjudged_conflicts} if result.unjudged_conflicts else {}),
    }


def level_dups(result: DedupResult, level: str) -> int:
    """Duplicates at one level; ``removed_by_level`` also counts boilerplate lines."""
    return sum(1 for r in result.removed if r.level == level and r.reason == "duplicate")


def removed_kinds(result: DedupResult, by_reason: dict[str, int]) -> list[str]:
    """The kinds of removal present ("2 sentences", "1 boilerplate line"), for a one-liner."""
    kinds = [plural(level_dups(result, lv), lv) for lv in LEVELS if level_dups(result, lv)]
    if by_reason.get("boilerplate"):
        kinds.append(plural(by_reason["boilerplate"], "boilerplate line"))
    return kinds


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 story", "2 stories": ``many`` for a plural that is not ``word`` + "s"."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def snippet(text: str, width: int = 160) -> str:
    """One line of at most ``width`` characters, for lists and tables."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


QUERY_SHOWN = 60  # characters of a query a warning quotes: a 3,600-character one filled a screen


def quoted_query(query: str) -> str:
    """The query as a warning quotes it: on one line, cut to QUERY_SHOWN characters + "…"."""
    return repr(snippet(query, QUERY_SHOWN + 1))


def unmatched_query(query: str, where: str = "the text") -> str:
    """The warning for a query nothing in a text answers (``query_matched`` false), as
    the command line prints it and the HTTP answer's ``warnings`` holds it."""
    return (
        f"nothing in {where} matches the query {quoted_query(query)}; "
        "the summary is only the sentences closest to it"
    )


def blank(value: int | None) -> str | int:
    return "" if value is None else value
