"""What was removed and why, on the terminal (rich). Document text is always wrapped
in ``Text``, never printed as a string, so rich never reads it as markup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .common import clusters, counts, plural, removed_kinds, signal_text, snippet

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from ..dedup.document import DedupResult

_HEADERS = ("level", "#", "why", "score", "cluster", "kept")
_TEXT_MIN = 24  # columns of removed text worth showing; below it the cluster column goes
_STYLES = {"paragraph": "red", "sentence": "yellow", "phrase": "magenta"}


def show_dedup(result: DedupResult, console: Console) -> None:
    """A table of the removals and a few summary lines; one line when nothing was cut."""
    from rich.text import Text

    n = counts(result, clusters(result))
    if not result.removed:
        console.print(Text(_nothing_removed(result, n)), soft_wrap=True)
        return
    console.print(_table(result, console.width))
    console.print(
        Text(
            f"removed {', '.join(removed_kinds(result, n['removed_by_reason']))}: "
            f"{n['removed_chars']} of {n['original_chars']} characters; "
            f"{plural(n['clusters'], 'cluster')}"
        )
    )
    if result.boilerplate:
        console.print(Text(_boilerplate_line(result, n), style="dim"))
    for c in _limit(result.conflicts, 10, console, "conflicts"):
        diffs = ", ".join(c.differences) or "-"
        console.print(
            Text(
                f"conflict, both kept: {c.level} {c.index} vs {c.other} "
                f"({c.signal} {c.score:.3f}) differ in {diffs}: {snippet(c.text, 60)}",
                style="cyan",
            )
        )


def _nothing_removed(result: DedupResult, n: dict[str, Any]) -> str:
    extra = ""
    if result.boilerplate or result.conflicts:
        kept = [
            plural(len(result.boilerplate), "boilerplate line") if result.boilerplate else "",
            plural(len(result.conflicts), "conflict") if result.conflicts else "",
        ]
        extra = f"; kept {' and '.join(k for k in kept if k)}"
    return (
        f"dedup: nothing removed ({plural(n['paragraphs'], 'paragraph')}, "
        f"{plural(n['sentences'], 'sentence')}{extra})"
    )


def _table(result: DedupResult, console_width: int) -> Table:
    """Fixed columns sized to their content, never wrapped or dropped; the text gets what
    is left of the line (two spaces between columns), shortened with an ellipsis. Why a
    fuller wording was kept goes under the text, wrapped: in the "why" column it took 75
    columns and left the text 3 letters at 80 columns (trial 3)."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    rows = [
        (
            r.level,
            str(r.index),
            r.signal,
            f"{r.score:.3f}" if r.reason == "duplicate" else "-",
            r.cluster or ("boilerplate" if r.reason == "boilerplate" else "-"),
            "-" if r.kept_index is None else str(r.kept_index),
        )
        for r in result.removed
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(_HEADERS)]
    headers = list(_HEADERS)
    if console_width - sum(widths) - 2 * (len(widths) + 1) < _TEXT_MIN:
        # Too narrow for all: the cluster id (the report's link) goes before the text does.
        at = headers.index("cluster")
        del headers[at], widths[at]
        rows = [row[:at] + row[at + 1 :] for row in rows]
    # Each column takes two more characters (edge or gap): the text gets the rest.
    text_width = max(16, min(80, console_width - sum(widths) - 2 * (len(widths) + 1)))
    table = Table(
        title=Text(f"Removed from {result.document.source or 'the document'}", style="bold"),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
    )
    for name, width in zip(headers, widths, strict=True):
        right = name in ("#", "score", "kept")
        table.add_column(name, justify="right" if right else "left", no_wrap=True, width=width)
    table.add_column("text", width=text_width)
    for r, row in zip(result.removed, rows, strict=True):
        style = _STYLES.get(r.level, "") if r.reason == "duplicate" else "dim"
        cells = [Text(row[0], style=style), *(Text(c) for c in row[1:])]
        # The text on one line, cut with an ellipsis at whatever width the column gets.
        text = Text(snippet(r.text, 200), no_wrap=True, overflow="ellipsis")
        why = signal_text(r).removeprefix(r.signal).removeprefix("; ")
        # Why a fuller wording was kept: under the text, wrapped on as many lines as needed.
        table.add_row(*cells, Group(text, Text(why, style="dim")) if why else text)
    return table


def _boilerplate_line(result: DedupResult, n: dict[str, Any]) -> str:
    labels: dict[str, int] = {}
    for b in result.boilerplate:
        labels[b.label] = labels.get(b.label, 0) + 1
    cut = n["removed_by_reason"].get("boilerplate", 0)
    state = "removed" if cut == len(result.boilerplate) else "kept" if not cut else "some cut"
    listed = ", ".join(f"{label} ×{k}" for label, k in labels.items())
    return f"boilerplate lines ({state}): {listed}"


def _limit(items: list, n: int, console: Console, what: str) -> Iterable:
    yield from items[:n]
    if len(items) > n:
        from rich.text import Text

        console.print(Text(f"… {len(items) - n} more {what} in the report", style="dim"))
