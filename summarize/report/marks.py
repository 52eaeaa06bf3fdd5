"""The HTML report's document text: the whole original, with marks laid over it.

A mark is an interval of the original text and how to show it (classes, filter
categories, anchor, tooltip, badge). One function per kind of mark says what a reader
should see about it; ``render_text`` then cuts the text at every mark boundary, so marks
may overlap or nest and the markup stays well formed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .common import Cluster, cut_boilerplate, cut_span, signal_text, unit_span
from .templating import differences, environment

if TYPE_CHECKING:
    from ..dedup.document import DedupResult, Removed


@dataclass
class Mark:
    """One interval of the original text and how to show it."""

    start: int
    end: int
    classes: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()  # filter categories that hide the text
    mark: tuple[str, ...] = ()  # filter categories that only highlight it
    anchor: str | None = None  # id given to the first piece of the interval
    tip: str = ""  # tooltip (title attribute)
    note: str = ""  # HTML inserted after the interval (already escaped)


def kept_ids(clusters: list[Cluster]) -> dict[tuple[int, int], str]:
    """Anchor of each kept span; several clusters (levels) may keep the same span."""
    spans = sorted({(c.kept_start, c.kept_end) for c in clusters})
    return {span: f"k{n}" for n, span in enumerate(spans)}


def all_marks(result: DedupResult, clusters: list[Cluster]) -> list[Mark]:
    """Every mark, in the order their classes combine on a piece of text."""
    kids = kept_ids(clusters)
    return [
        *removal_marks(result, clusters, kids),
        *kept_marks(clusters, kids),
        *title_marks(result),
        *boilerplate_marks(result),
        *conflict_marks(result),
    ]


def removal_marks(
    result: DedupResult, clusters: list[Cluster], kids: dict[tuple[int, int], str]
) -> list[Mark]:
    """Removed items; the separators cut with them are hidden with them, not highlighted."""
    notes = _notes()
    cluster_of = {i: c for c in clusters for i, _ in c.members}
    marks = []
    for i, r in enumerate(result.removed):
        rid = f"r{i}"
        if r.reason == "boilerplate":
            cat = "boilerplate"
            classes: tuple[str, ...] = ("rm", "rm-boiler", rid)
            tip = f"removed: boilerplate ({r.signal})"
            note = notes.removed_boilerplate(r)
        else:
            cat = f"dup-{r.level}"
            classes = ("rm", "rm-dup", f"lvl-{r.level}", rid)
            tip = (
                f"removed: {r.level} duplicate, {signal_text(r)} {r.score:.3f}, cluster {r.cluster}"
            )
            c = cluster_of.get(i)
            kid = kids.get((r.kept_start, r.kept_end)) if c else None
            note = notes.removed_duplicate(r, kid, c)
        item = Mark(r.start, r.end, classes, hide=(cat,), anchor=rid, tip=tip, note=note)
        marks += _with_separators(r, item)
    return marks


def _with_separators(r: Removed, item: Mark) -> list[Mark]:
    cut_start, cut_end = cut_span(r)
    marks = [item]
    if cut_start < r.start:
        marks.insert(0, Mark(cut_start, r.start, ("sep",), item.hide))
    if r.end < cut_end:
        marks.append(Mark(r.end, cut_end, ("sep",), item.hide))
    return marks


def kept_marks(clusters: list[Cluster], kids: dict[tuple[int, int], str]) -> list[Mark]:
    """Kept occurrences: highlighted, never hidden (they are in the cleaned text)."""
    notes = _notes()
    by_span: dict[tuple[int, int], list[Cluster]] = {}
    for c in clusters:
        by_span.setdefault((c.kept_start, c.kept_end), []).append(c)
    marks = []
    for span, cs in by_span.items():
        kid = kids[span]
        cats = tuple(sorted({f"dup-{c.level}" for c in cs}))
        n = sum(len(c.members) for c in cs)
        note = notes.kept(cs, " ".join(cats), n)
        tip = "kept: " + ", ".join(f"{c.level} cluster {c.id}" for c in cs)
        marks.append(
            Mark(span[0], span[1], ("kept", kid), mark=cats, anchor=kid, tip=tip, note=note)
        )
    return marks


def title_marks(result: DedupResult) -> list[Mark]:
    span = result.document.title_span
    return [Mark(span[0], span[1], ("ttl",))] if span and span[1] > span[0] else []


def boilerplate_marks(result: DedupResult) -> list[Mark]:
    """Labelled lines that stay in the cleaned text (cut ones are shown as removals)."""
    notes = _notes()
    cut = cut_boilerplate(result)
    return [
        Mark(
            b.start,
            b.end,
            ("bp",),
            hide=("boilerplate",),
            anchor=f"bp{n}",
            tip=f"boilerplate ({b.label}), kept in the cleaned text",
            note=notes.kept_boilerplate(b),
        )
        for n, b in enumerate(result.boilerplate)
        if (b.start, b.end) not in cut
    ]


def conflict_marks(result: DedupResult) -> list[Mark]:
    """Both sides of each conflict, each linking to the other; both are kept text."""
    notes = _notes()
    marks = []
    for n, c in enumerate(result.conflicts):
        diffs = differences(c.differences)
        for own, other, label in ((c.index, c.other, "a"), (c.other, c.index, "b")):
            own_text = c.text if label == "a" else c.other_text
            span = unit_span(result, c.level, own, own_text)
            if span is None:
                continue
            other_id = f"x{n}{'b' if label == 'a' else 'a'}"
            marks.append(
                Mark(
                    span[0],
                    span[1],
                    ("conflict", f"x{n}"),
                    mark=("conflicts",),
                    anchor=f"x{n}{label}",
                    tip=f"conflicting variant of {c.level} #{other}: {diffs} (both kept)",
                    note=notes.conflict(c, other, other_id),
                )
            )
    return marks


def _notes() -> Any:
    return environment().get_template("notes.html.j2").module


def render_text(text: str, marks: list[Mark]) -> str:
    """The whole text, cut at every mark boundary; each piece carries the classes of
    every mark covering it, so overlapping or nested marks always give valid HTML."""
    bounds = {0, len(text)}
    for m in marks:
        m.start, m.end = max(0, min(m.start, len(text))), max(0, min(m.end, len(text)))
        bounds.update((m.start, m.end))
    points = sorted(bounds)
    starts: dict[int, list[Mark]] = {}
    ends: dict[int, list[Mark]] = {}
    for m in marks:
        if m.end > m.start:
            starts.setdefault(m.start, []).append(m)
            ends.setdefault(m.end, []).append(m)
    active: list[Mark] = []
    out: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        for m in ends.get(a, []):
            active.remove(m)
        # Notes of marks ending here, innermost (latest start) first.
        for m in sorted(ends.get(a, []), key=lambda m: -m.start):
            out.append(m.note)
        new = starts.get(a, [])
        active.extend(new)
        piece = _gaps(text, a, b)
        out.append(_piece(piece, active, new) if active else piece)
    for m in sorted(ends.get(len(text), []), key=lambda m: -m.start):
        out.append(m.note)
    return "".join(out)


def _piece(piece: str, active: list[Mark], new: list[Mark]) -> str:
    """One span for a piece of text, with what every mark over it contributes."""
    e = html.escape
    classes = [c for m in active for c in m.classes]
    hide = sorted({c for m in active for c in m.hide})
    mark = sorted({c for m in active for c in m.mark} - set(hide))
    anchors = [m.anchor for m in new if m.anchor]
    tips = [m.tip for m in active if m.tip]
    attrs = [f'class="{e(" ".join(dict.fromkeys(classes)))}"']
    if anchors:
        attrs.insert(0, f'id="{e(anchors[0])}"')
    if hide:
        attrs.append(f'data-hide="{e(" ".join(hide))}"')
    if mark:
        attrs.append(f'data-mark="{e(" ".join(mark))}"')
    if tips:
        attrs.append(f'title="{e(" | ".join(tips))}"')
    # Further anchors starting at the same point get empty targets.
    extra = "".join(f'<span id="{e(x)}"></span>' for x in anchors[1:])
    return f"{extra}<span {' '.join(attrs)}>{piece}</span>"


def _gaps(text: str, a: int, b: int) -> str:
    """Escaped ``text[a:b]``; a single line break (one paragraph per line) gets an
    empty spacer after it so paragraphs read apart. The text itself is unchanged."""
    out, pos = [], a
    for i in range(a, b):
        if text[i] == "\n" and text[i - 1 : i] != "\n" and text[i + 1 : i + 2] not in ("\n", ""):
            out.append(html.escape(text[pos : i + 1]) + '<span class="gap"></span>')
            pos = i + 1
    out.append(html.escape(text[pos:b]))
    return "".join(out)
