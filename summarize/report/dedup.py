"""Reports of a duplicate removal: JSON, CSV, Markdown, HTML and a terminal summary.

Rendering never computes: everything shown comes from the ``DedupResult``. Offsets
always index the original text (``result.document.text``). The JSON form is the
reference; its fields are documented in ``docs/report-schema.md``.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from ..dedup.document import ConflictingVariant, DedupResult, Removed

__all__ = [
    "CSV_COLUMNS",
    "DEDUP_SCHEMA",
    "FORMATS",
    "dedup_record",
    "md_escape",
    "removed_from_json",
    "render_dedup_report",
    "show_dedup",
]

DEDUP_SCHEMA = "summarize.dedup/1"
FORMATS = ("json", "csv", "markdown", "html")
LEVELS = ("paragraph", "sentence", "phrase")
CSV_COLUMNS = (
    "cluster", "level", "index", "start", "end", "reason", "signal", "score",
    "kept_index", "kept_start", "kept_end", "text", "kept_text",
)  # fmt: skip


def render_dedup_report(result: DedupResult, fmt: str) -> str:
    """The report of every removal in ``fmt``: json, csv, markdown or html."""
    renderers = {"json": _json, "csv": _csv, "markdown": _markdown, "md": _markdown, "html": _html}
    try:
        render = renderers[fmt.lower()]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown report format {fmt!r}; choose one of {choices}") from None
    return render(result)


# --------------------------------------------------------------------------- model
# Clusters and spans derived once from a result, shared by every format.


@dataclass
class _Cluster:
    number: int  # position in the report, for anchors
    id: str
    level: str
    kept_index: int | None
    kept_start: int
    kept_end: int
    kept_text: str
    members: list[tuple[int, Removed]] = field(default_factory=list)  # (position in removed, r)


def _clusters(result: DedupResult) -> list[_Cluster]:
    """Duplicate removals grouped by cluster id (and kept span), in text order."""
    text = result.document.text
    found: dict[tuple, _Cluster] = {}
    for i, r in enumerate(result.removed):
        if r.reason != "duplicate" or r.cluster is None or r.kept_start is None:
            continue
        kept_end = r.kept_end if r.kept_end is not None else r.kept_start
        key = (r.cluster, r.level, r.kept_start, kept_end)
        if key not in found:
            found[key] = _Cluster(
                0, r.cluster, r.level, r.kept_index, r.kept_start, kept_end,
                text[r.kept_start : kept_end],
            )  # fmt: skip
        found[key].members.append((i, r))
    out = sorted(found.values(), key=lambda c: (c.kept_start, -c.kept_end, c.id))
    for n, c in enumerate(out):
        c.number = n
    return out


def _cut_span(r: Removed) -> tuple[int, int]:
    """The span a removal takes out; results built without cuts fall back to the item."""
    if r.cut_end > r.cut_start or r.cut_text:
        return r.cut_start, r.cut_end
    return r.start, r.end


def _unit_span(result: DedupResult, level: str, index: int, text: str) -> tuple[int, int] | None:
    """Offsets of a paragraph or sentence by index, checked against its text."""
    doc = result.document
    units = doc.paragraphs if level == "paragraph" else doc.sentences
    if 0 <= index < len(units) and units[index].text == text:
        return units[index].start, units[index].end
    pos = doc.text.find(text) if text else -1
    return (pos, pos + len(text)) if pos >= 0 else None


def _counts(result: DedupResult, clusters: list[_Cluster]) -> dict[str, Any]:
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
        "removed_chars": sum(b - a for a, b in map(_cut_span, result.removed)),
        "removed_by_level": by_level,
        "removed_by_reason": by_reason,
        "clusters": len(clusters),
        "boilerplate": len(result.boilerplate),
        "conflicts": len(result.conflicts),
    }


# ---------------------------------------------------------------------------- JSON


def dedup_record(result: DedupResult) -> dict[str, Any]:
    """The JSON form (schema ``summarize.dedup/1``) as a plain dict."""
    doc = result.document
    clusters = _clusters(result)
    cut = {(r.start, r.end) for r in result.removed if r.reason == "boilerplate"}
    return {
        "schema": DEDUP_SCHEMA,
        "source": doc.source,
        "encoding": doc.encoding,
        "id": doc.id or None,
        "title": doc.title,
        "original_sha256": _sha256(doc.text),
        "cleaned_sha256": _sha256(result.text),
        "counts": _counts(result, clusters),
        "removed": [asdict(r) for r in result.removed],
        "clusters": [
            {
                "id": c.id,
                "level": c.level,
                "kept": {
                    "index": c.kept_index,
                    "start": c.kept_start,
                    "end": c.kept_end,
                    "text": c.kept_text,
                },
                "members": [
                    {
                        "index": r.index,
                        "start": r.start,
                        "end": r.end,
                        "text": r.text,
                        "signal": r.signal,
                        "score": r.score,
                    }
                    for _, r in c.members
                ],
            }
            for c in clusters
        ],
        "boilerplate": [
            {**asdict(b), "removed": (b.start, b.end) in cut} for b in result.boilerplate
        ],
        "conflicts": [_conflict_record(result, c) for c in result.conflicts],
    }


def _conflict_record(result: DedupResult, c: ConflictingVariant) -> dict[str, Any]:
    span = _unit_span(result, c.level, c.index, c.text)
    other = _unit_span(result, c.level, c.other, c.other_text)
    return {
        "level": c.level,
        "index": c.index,
        "start": span[0] if span else None,
        "end": span[1] if span else None,
        "text": c.text,
        "other": c.other,
        "other_start": other[0] if other else None,
        "other_end": other[1] if other else None,
        "other_text": c.other_text,
        "signal": c.signal,
        "score": c.score,
        "differences": list(c.differences),
    }


def removed_from_json(record: Mapping[str, Any] | str | bytes) -> list[Removed]:
    """The ``Removed`` items of a JSON report (parsed or not), ready for ``reconstruct``.

    ``reconstruct(cleaned_text, removed_from_json(report))`` is the original text.
    """
    from ..dedup.document import Removed

    if isinstance(record, str | bytes):
        record = json.loads(record)
    if not isinstance(record, Mapping):
        raise ValueError("not a dedup report: expected a JSON object")
    schema = record.get("schema")
    if not isinstance(schema, str) or not schema.startswith("summarize.dedup/"):
        raise ValueError(f"not a dedup report (schema {schema!r})")
    if schema != DEDUP_SCHEMA:
        raise ValueError(f"unsupported report schema {schema!r}; this version reads {DEDUP_SCHEMA}")
    names = {f.name for f in fields(Removed)}
    return [Removed(**{k: v for k, v in item.items() if k in names}) for item in record["removed"]]


def _json(result: DedupResult) -> str:
    return json.dumps(dedup_record(result), ensure_ascii=False, indent=2) + "\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- CSV


def _csv(result: DedupResult) -> str:
    text = result.document.text
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for r in result.removed:
        kept_text = ""
        if r.kept_start is not None and r.kept_end is not None:
            kept_text = text[r.kept_start : r.kept_end]
        writer.writerow(
            [
                r.cluster or "", r.level, r.index, r.start, r.end, r.reason, r.signal,
                _score(r.score), _blank(r.kept_index), _blank(r.kept_start), _blank(r.kept_end),
                r.text, kept_text,
            ]
        )  # fmt: skip
    return buf.getvalue()


def _blank(value: int | None) -> str | int:
    return "" if value is None else value


def _score(score: float) -> str:
    return f"{score:.4f}"


# ------------------------------------------------------------------------ Markdown

_MD_SPECIAL = re.compile(r"([\\|<&*_`\[\]])")


def md_escape(text: str, *, newline: str = "<br>") -> str:
    """Text safe in a Markdown table cell: markup characters escaped, lines joined."""
    out = _MD_SPECIAL.sub(r"\\\1", text)
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline)


def _markdown(result: DedupResult) -> str:
    doc = result.document
    clusters = _clusters(result)
    counts = _counts(result, clusters)
    title = md_escape(doc.title or doc.source or "document", newline=" ")
    lines = [f"# Duplicate report: {title}", ""]
    meta = []
    if doc.source:
        source = doc.source.replace("`", "'")
        meta.append(f"source `{source}`")
    if doc.encoding:
        meta.append(f"encoding {doc.encoding}")
    meta.append(f"schema {DEDUP_SCHEMA}")
    lines += [" · ".join(meta), "", "## Summary", ""]
    lines += [
        "| | count |",
        "|---|---:|",
        f"| paragraphs / sentences | {counts['paragraphs']} / {counts['sentences']} |",
        f"| items removed | {counts['removed']} |",
    ]
    for level in LEVELS:
        lines.append(f"| … {level} duplicates | {_level_dups(result, level)} |")
    lines += [
        f"| … boilerplate lines | {counts['removed_by_reason'].get('boilerplate', 0)} |",
        f"| characters removed | {counts['removed_chars']} of {counts['original_chars']} |",
        f"| duplicate clusters | {counts['clusters']} |",
        f"| boilerplate lines labelled | {counts['boilerplate']} |",
        f"| conflicting variants (kept) | {counts['conflicts']} |",
        "",
        "Indices are 0-based; offsets are character positions in the original text.",
        "",
        "## Duplicate clusters",
        "",
    ]
    if not clusters:
        lines += ["No duplicates found.", ""]
    for c in clusters:
        n = len(c.members)
        lines += [
            f"### {c.level.capitalize()} cluster `{c.id}` · {n} removed",
            "",
            "| | # | offsets | text | signal | score |",
            "|---|---:|---|---|---|---:|",
            f"| kept | {_blank(c.kept_index)} | {c.kept_start}–{c.kept_end} | "
            f"{md_escape(c.kept_text)} | | |",
        ]
        for _, r in c.members:
            lines.append(
                f"| removed | {r.index} | {r.start}–{r.end} | {md_escape(r.text)} | "
                f"{md_escape(r.signal)} | {r.score:.3f} |"
            )
        lines.append("")
    lines += ["## Boilerplate", ""]
    if not result.boilerplate:
        lines += ["No boilerplate lines.", ""]
    cut = {(r.start, r.end) for r in result.removed if r.reason == "boilerplate"}
    for b in result.boilerplate:
        state = "removed" if (b.start, b.end) in cut else "kept"
        lines.append(
            f"- **{md_escape(b.label, newline=' ')}** ({state}, paragraph {b.paragraph}, "
            f"{b.start}–{b.end}): {md_escape(b.text, newline=' ')}"
        )
    if result.boilerplate:
        lines.append("")
    lines += ["## Conflicting variants", ""]
    if not result.conflicts:
        lines += ["No conflicting variants.", ""]
    else:
        lines += [
            "Similar texts that state different facts; both are kept.",
            "",
        ]
    for c in result.conflicts:
        diffs = ", ".join(md_escape(d, newline=" ") for d in c.differences) or "—"
        lines += [
            f"- **{c.level} {c.index} vs {c.other}** ({md_escape(c.signal)} {c.score:.3f}); "
            f"differs in: {diffs}",
            f"  - {c.index}: {md_escape(c.text, newline=' ')}",
            f"  - {c.other}: {md_escape(c.other_text, newline=' ')}",
        ]
    if result.conflicts:
        lines.append("")
    return "\n".join(lines)


def _level_dups(result: DedupResult, level: str) -> int:
    return sum(1 for r in result.removed if r.level == level and r.reason == "duplicate")


# ---------------------------------------------------------------------------- HTML


@dataclass
class _Mark:
    """One interval of the original text and how to show it."""

    start: int
    end: int
    classes: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()  # filter categories that hide the text
    mark: tuple[str, ...] = ()  # filter categories that only highlight it
    anchor: str | None = None  # id given to the first piece of the interval
    tip: str = ""  # tooltip (title attribute)
    note: str = ""  # HTML inserted after the interval (already escaped)


def _html(result: DedupResult) -> str:
    doc = result.document
    text = doc.text
    clusters = _clusters(result)
    counts = _counts(result, clusters)
    marks, kept_ids, removed_ids = _marks(result, clusters)
    body = _render_text(text, marks)

    e = html.escape
    title = doc.title or doc.source or "document"
    filters = [
        (f"dup-{level}", f"{level} duplicates", _level_dups(result, level), f"sw-{level}")
        for level in LEVELS
    ]
    filters += [
        ("boilerplate", "boilerplate", len(result.boilerplate), "sw-boiler"),
        ("conflicts", "conflicts", len(result.conflicts), "sw-conflict"),
    ]
    filter_html = "".join(
        f'<label class="filter"><input type="checkbox" checked data-filter="{e(key)}">'
        f'<span class="swatch {sw}"></span>{e(label)} <span class="n">{n}</span></label>'
        for key, label, n, sw in filters
    )
    meta = []
    if doc.source:
        meta.append(f"source <code>{e(doc.source)}</code>")
    if doc.encoding:
        meta.append(f"encoding {e(doc.encoding)}")
    meta.append(f"{counts['paragraphs']} paragraphs, {counts['sentences']} sentences")
    meta.append(f"schema {DEDUP_SCHEMA}")
    removed_pct = 100 * counts["removed_chars"] / max(1, counts["original_chars"])
    kinds = [_plural(_level_dups(result, lv), lv) for lv in LEVELS if _level_dups(result, lv)]
    if counts["removed_by_reason"].get("boilerplate"):
        kinds.append(_plural(counts["removed_by_reason"]["boilerplate"], "boilerplate line"))
    stats = (
        f"<b>{counts['removed']}</b> removed{': ' + ', '.join(kinds) if kinds else ''} · "
        f"<b>{counts['removed_chars']}</b> of {counts['original_chars']} characters "
        f"({removed_pct:.1f}%) · "
        + " · ".join(
            _plural(counts[k], w).replace(str(counts[k]), f"<b>{counts[k]}</b>", 1)
            for k, w in (
                ("clusters", "cluster"),
                ("boilerplate", "boilerplate line"),
                ("conflicts", "conflict"),
            )
        )
    )
    side = (
        _cluster_list(result, clusters, kept_ids, removed_ids)
        + _boilerplate_list(result)
        + _conflict_list(result)
    )
    return _PAGE.format(
        title=e(f"Duplicate report — {title}"),
        heading=e(title),
        meta=" · ".join(meta),
        stats=stats,
        filters=filter_html,
        body=body,
        side=side,
        css=_CSS,
        js=_JS,
    )


def _marks(
    result: DedupResult, clusters: list[_Cluster]
) -> tuple[list[_Mark], dict[tuple[int, int], str], dict[int, str]]:
    """Every interval to show: removed items (and their cut separators), kept items,
    labelled boilerplate and conflicting variants. Intervals may overlap or nest."""
    e = html.escape
    marks: list[_Mark] = []
    cluster_of = {i: c for c in clusters for i, _ in c.members}
    removed_by_kept: dict[tuple[int, int], list[_Cluster]] = {}
    for c in clusters:
        removed_by_kept.setdefault((c.kept_start, c.kept_end), []).append(c)
    kept_ids = {span: f"k{n}" for n, span in enumerate(sorted(removed_by_kept))}
    removed_ids = {i: f"r{i}" for i in range(len(result.removed))}

    for i, r in enumerate(result.removed):
        rid = removed_ids[i]
        if r.reason == "boilerplate":
            cat = "boilerplate"
            classes = ("rm", "rm-boiler", rid)
            tip = f"removed: boilerplate ({r.signal})"
            note = (
                f'<span class="note note-boiler" data-hide="{cat}">'
                f"boilerplate · {e(r.signal)}</span>"
            )
        else:
            cat = f"dup-{r.level}"
            classes = ("rm", "rm-dup", f"lvl-{r.level}", rid)
            tip = f"removed: {r.level} duplicate, {r.signal} {r.score:.3f}, cluster {r.cluster}"
            c = cluster_of.get(i)
            kid = kept_ids.get((r.kept_start, r.kept_end)) if c else None
            unit = e(_unit(r.level, r.kept_index))
            target = f'<a href="#{kid}">{unit}</a>' if kid else unit
            cl = f' · <a href="#c{c.number}">{e(c.id)}</a>' if c else ""
            note = (
                f'<span class="note note-{e(r.level)}" data-hide="{cat}">'
                f"dup of {target} · {e(r.signal)} {r.score:.2f}{cl}</span>"
            )
        cut_start, cut_end = _cut_span(r)
        # The separators cut with the item: hidden with it, not highlighted.
        if cut_start < r.start:
            marks.append(_Mark(cut_start, r.start, ("sep",), (cat,)))
        marks.append(_Mark(r.start, r.end, classes, (cat,), (), rid, tip, note))
        if r.end < cut_end:
            marks.append(_Mark(r.end, cut_end, ("sep",), (cat,)))

    for span, cs in removed_by_kept.items():
        kid = kept_ids[span]
        cats = tuple(sorted({f"dup-{c.level}" for c in cs}))
        n = sum(len(c.members) for c in cs)
        links = " ".join(f'<a href="#c{c.number}">{e(c.id)}</a>' for c in cs)
        note = (
            f'<span class="note note-kept" data-hide="{" ".join(cats)}">'
            f"kept · {n} cop{'y' if n == 1 else 'ies'} removed · {links}</span>"
        )
        tip = "kept: " + ", ".join(f"{c.level} cluster {c.id}" for c in cs)
        marks.append(_Mark(span[0], span[1], ("kept", kid), (), cats, kid, tip, note))

    span = result.document.title_span
    if span and span[1] > span[0]:
        marks.append(_Mark(span[0], span[1], ("ttl",)))

    cut_boiler = {(r.start, r.end) for r in result.removed if r.reason == "boilerplate"}
    for n, b in enumerate(result.boilerplate):
        if (b.start, b.end) in cut_boiler:
            continue  # shown as a removal
        marks.append(
            _Mark(
                b.start, b.end, ("bp",), ("boilerplate",), (), f"bp{n}",
                f"boilerplate ({b.label}), kept in the cleaned text",
                f'<span class="note note-boiler" data-hide="boilerplate">'
                f"boilerplate · {e(b.label)} · kept</span>",
            )
        )  # fmt: skip

    for n, c in enumerate(result.conflicts):
        diffs = ", ".join(c.differences) or "—"
        for own, other, label in ((c.index, c.other, "a"), (c.other, c.index, "b")):
            own_text = c.text if label == "a" else c.other_text
            span = _unit_span(result, c.level, own, own_text)
            if span is None:
                continue
            other_id = f"x{n}{'b' if label == 'a' else 'a'}"
            marks.append(
                _Mark(
                    span[0], span[1], ("conflict", f"x{n}"), (), ("conflicts",), f"x{n}{label}",
                    f"conflicting variant of {c.level} #{other}: {diffs} (both kept)",
                    f'<span class="note note-conflict" data-hide="conflicts">'
                    f'differs from <a href="#{other_id}">{e(c.level)} #{other}</a>: '
                    f"{e(diffs)}</span>",
                )
            )  # fmt: skip
    return marks, kept_ids, removed_ids


def _render_text(text: str, marks: list[_Mark]) -> str:
    """The whole text, cut at every mark boundary; each piece carries the classes of
    every mark covering it, so overlapping or nested marks always give valid HTML."""
    e = html.escape
    bounds = {0, len(text)}
    for m in marks:
        m.start, m.end = max(0, min(m.start, len(text))), max(0, min(m.end, len(text)))
        bounds.update((m.start, m.end))
    points = sorted(bounds)
    starts: dict[int, list[_Mark]] = {}
    ends: dict[int, list[_Mark]] = {}
    for m in marks:
        if m.end > m.start:
            starts.setdefault(m.start, []).append(m)
            ends.setdefault(m.end, []).append(m)
    active: list[_Mark] = []
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
        if not active:
            out.append(piece)
            continue
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
        out.append(f"{extra}<span {' '.join(attrs)}>{piece}</span>")
    for m in sorted(ends.get(len(text), []), key=lambda m: -m.start):
        out.append(m.note)
    return "".join(out)


def _unit(level: str, index: int | None) -> str:
    """How a reader finds an item: phrases are numbered by their paragraph."""
    return f"{'sentence' if level == 'sentence' else 'paragraph'} #{index}"


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


def _snippet(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _cluster_list(
    result: DedupResult,
    clusters: list[_Cluster],
    kept_ids: dict[tuple[int, int], str],
    removed_ids: dict[int, str],
) -> str:
    e = html.escape
    items = []
    for c in clusters:
        kid = kept_ids[(c.kept_start, c.kept_end)]
        members = "".join(
            f'<li class="member"><span class="chip chip-{e(c.level)}">removed</span> '
            f'<a href="#{removed_ids[i]}">{e(_unit(r.level, r.index))}</a> '
            f'<span class="sig">{e(r.signal)}</span> <span class="score">{r.score:.3f}</span>'
            f'<div class="snip">{e(_snippet(r.text))}</div></li>'
            for i, r in c.members
        )
        items.append(
            f'<li class="cluster" id="c{c.number}" data-hide="dup-{e(c.level)}">'
            f'<div class="ch"><span class="lvl lvl-{e(c.level)}">{e(c.level)}</span> '
            f"<code>{e(c.id)}</code> · {len(c.members)} removed</div>"
            f'<ul><li class="member"><span class="chip chip-kept">kept</span> '
            f'<a href="#{kid}">{e(_unit(c.level, c.kept_index))}</a> '
            f'<span class="off">{c.kept_start}–{c.kept_end}</span>'
            f'<div class="snip">{e(_snippet(c.kept_text))}</div></li>{members}</ul></li>'
        )
    body = f'<ol class="clusters">{"".join(items)}</ol>' if items else '<p class="none">None.</p>'
    n = len(clusters)
    return f'<section><h2>Duplicate clusters <span class="n">{n}</span></h2>{body}</section>'


def _boilerplate_list(result: DedupResult) -> str:
    e = html.escape
    cut = {(r.start, r.end): i for i, r in enumerate(result.removed) if r.reason == "boilerplate"}
    items = []
    for n, b in enumerate(result.boilerplate):
        removed = (b.start, b.end) in cut
        state = "removed" if removed else "kept"
        target = f"r{cut[(b.start, b.end)]}" if removed else f"bp{n}"
        items.append(
            f'<li data-hide="boilerplate"><span class="chip chip-boiler">{e(b.label)}</span> '
            f'<a href="#{target}">paragraph #{b.paragraph}</a> <span class="off">{state}</span>'
            f'<div class="snip">{e(_snippet(b.text))}</div></li>'
        )
    body = f'<ul class="plain">{"".join(items)}</ul>' if items else '<p class="none">None.</p>'
    n = len(result.boilerplate)
    return f'<section><h2>Boilerplate <span class="n">{n}</span></h2>{body}</section>'


def _conflict_list(result: DedupResult) -> str:
    e = html.escape
    items = []
    for n, c in enumerate(result.conflicts):
        diffs = ", ".join(c.differences) or "—"
        items.append(
            f'<li data-hide="conflicts"><span class="chip chip-conflict">{e(c.level)}</span> '
            f'<a href="#x{n}a">#{c.index}</a> vs <a href="#x{n}b">#{c.other}</a> '
            f'<span class="sig">{e(c.signal)}</span> <span class="score">{c.score:.3f}</span>'
            f'<div class="diff">differs in: {e(diffs)} — both kept</div>'
            f'<div class="snip">{e(_snippet(c.text))}</div>'
            f'<div class="snip">{e(_snippet(c.other_text))}</div></li>'
        )
    body = f'<ul class="plain">{"".join(items)}</ul>' if items else '<p class="none">None.</p>'
    n = len(result.conflicts)
    return f'<section><h2>Conflicting variants <span class="n">{n}</span></h2>{body}</section>'


_CSS = """
:root{--ink:#1d2327;--muted:#5f6b74;--line:#dfe3e8;--bg:#f6f7f9;
--para:#f9d4d0;--para-ink:#b3261e;--sent:#ffe2b8;--sent-ink:#a85a00;
--phr:#e6d9ff;--phr-ink:#6a3fc7;--boil:#e4e6ea;--boil-ink:#6b7280;
--kept:#dcf3e1;--kept-ink:#1e7b34;--conf:#2563eb}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 "Noto Sans","Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);
background:var(--bg)}
header{padding:18px 28px 12px;background:#fff;border-bottom:1px solid var(--line)}
h1{font-size:21px;margin:0 0 4px;line-height:1.3}
.meta{color:var(--muted);font-size:13px}
.stats{margin-top:6px;font-size:14px}
.filters{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:6px 16px;
padding:8px 28px;background:#fff;border-bottom:1px solid var(--line);font-size:13px}
.filters b{color:var(--muted);font-weight:600;margin-right:2px}
.filter{display:inline-flex;align-items:center;gap:5px;cursor:pointer;user-select:none}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid #0002}
.sw-paragraph{background:var(--para)}.sw-sentence{background:var(--sent)}
.sw-phrase{background:var(--phr)}.sw-boiler{background:var(--boil)}
.sw-conflict{background:#fff;border:2px dashed var(--conf)}
.sw-kept{background:var(--kept)}
.n{color:var(--muted);font-size:12px}
main{display:grid;grid-template-columns:minmax(0,820px) minmax(300px,420px);
justify-content:center;gap:20px;padding:20px 28px;max-width:1400px;margin:0 auto}
@media (max-width:1000px){main{grid-template-columns:1fr}}
.doc{background:#fff;border:1px solid var(--line);border-radius:8px;padding:22px 28px;
white-space:pre-wrap;overflow-wrap:anywhere;font-size:16px;line-height:1.8}
.gap{display:block;height:.6em}
aside{font-size:13px;position:sticky;top:46px;align-self:start;max-height:calc(100vh - 56px);
overflow:auto}
@media (max-width:1000px){aside{position:static;max-height:none}}
.doc .ttl{font-weight:600;font-size:1.08em}
aside section{background:#fff;border:1px solid var(--line);border-radius:8px;
padding:10px 14px;margin-bottom:14px}
aside h2{font-size:14px;margin:2px 0 8px;text-transform:uppercase;letter-spacing:.03em;
color:var(--muted)}
aside ol,aside ul{margin:0;padding:0;list-style:none}
.cluster{border-top:1px solid var(--line);padding:8px 0}
.cluster:first-child{border-top:0}
.cluster ul{margin-top:4px}
.member,.plain>li{padding:3px 0}
.plain>li{border-top:1px solid var(--line);padding:6px 0}
.plain>li:first-child{border-top:0}
.snip{color:var(--muted);margin:1px 0 0 2px;line-height:1.4;overflow-wrap:anywhere}
.diff{color:var(--conf);margin-top:2px}
.off,.score{color:var(--muted);font-variant-numeric:tabular-nums}
.sig{font-weight:600}
.chip,.lvl{display:inline-block;border-radius:3px;padding:0 5px;font-size:11px;
font-weight:600;text-transform:uppercase;letter-spacing:.02em}
.chip-paragraph,.lvl-paragraph.lvl{background:var(--para);color:var(--para-ink)}
.chip-sentence,.lvl-sentence.lvl{background:var(--sent);color:var(--sent-ink)}
.chip-phrase,.lvl-phrase.lvl{background:var(--phr);color:var(--phr-ink)}
.chip-kept{background:var(--kept);color:var(--kept-ink)}
.chip-boiler{background:var(--boil);color:var(--boil-ink)}
.chip-conflict{background:#dbe7ff;color:var(--conf)}
a{color:#1a56b0;text-decoration:none}a:hover{text-decoration:underline}
.doc .kept{background:var(--kept);box-shadow:inset 0 -2px var(--kept-ink)}
.doc .rm{text-decoration:line-through;text-decoration-thickness:1px}
.doc .lvl-paragraph{background:var(--para);text-decoration-color:var(--para-ink)}
.doc .lvl-sentence{background:var(--sent);text-decoration-color:var(--sent-ink)}
.doc .lvl-phrase{background:var(--phr);text-decoration-color:var(--phr-ink)}
.doc .rm-boiler,.doc .bp{background:var(--boil);color:var(--boil-ink)}
.doc .conflict{text-decoration:underline dashed var(--conf) 2px;text-underline-offset:3px}
.doc .sep{background:repeating-linear-gradient(90deg,#0000 0 3px,#0001 3px 6px)}
.note{display:inline-block;white-space:nowrap;margin:0 4px;padding:0 6px;border-radius:10px;
font-size:11.5px;line-height:1.6;vertical-align:1px;background:#fff;border:1px solid;
text-decoration:none;user-select:none}
.note-paragraph{border-color:var(--para-ink);color:var(--para-ink)}
.note-sentence{border-color:var(--sent-ink);color:var(--sent-ink)}
.note-phrase{border-color:var(--phr-ink);color:var(--phr-ink)}
.note-kept{border-color:var(--kept-ink);color:var(--kept-ink)}
.note-boiler{border-color:var(--boil-ink);color:var(--boil-ink)}
.note-conflict{border-color:var(--conf);color:var(--conf)}
.note a{color:inherit;text-decoration:underline}
.is-hidden{display:none!important}
.doc .is-plain{background:none;box-shadow:none;text-decoration:none}
.flash{outline:2px solid #f59e0b;outline-offset:1px;background:#fff3c4!important}
.none{color:var(--muted);margin:0}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 24px}
"""

_JS = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  function apply() {
    var off = {};
    boxes.forEach(function (b) { if (!b.checked) off[b.getAttribute("data-filter")] = 1; });
    function hit(el, attr) {
      return el.getAttribute(attr).split(" ").some(function (c) { return off[c]; });
    }
    document.querySelectorAll("[data-hide]").forEach(function (el) {
      el.classList.toggle("is-hidden", hit(el, "data-hide"));
    });
    document.querySelectorAll("[data-mark]").forEach(function (el) {
      el.classList.toggle("is-plain", hit(el, "data-mark"));
    });
    document.body.setAttribute("data-off", Object.keys(off).sort().join(" "));
  }
  function flash() {
    document.querySelectorAll(".flash").forEach(function (el) { el.classList.remove("flash"); });
    var id = location.hash.slice(1);
    if (/^[krx][0-9]+$/.test(id)) {
      document.querySelectorAll("." + id).forEach(function (el) { el.classList.add("flash"); });
    }
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  // A link such as report.html#hide=dup-sentence,boilerplate opens with those hidden.
  var m = /(?:^#|&)hide=([^&]*)/.exec(location.hash);
  if (m) {
    decodeURIComponent(m[1]).split(",").forEach(function (c) {
      boxes.forEach(function (b) {
        if (c === "all" || b.getAttribute("data-filter") === c) b.checked = false;
      });
    });
  }
  window.addEventListener("hashchange", flash);
  apply();
  flash();
  document.documentElement.setAttribute("data-ready", "1");
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="summarize dedup report">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header>
<h1>{heading}</h1>
<div class="meta">{meta}</div>
<div class="stats">{stats}</div>
</header>
<nav class="filters" aria-label="filters"><b>Show</b>{filters}
<span class="filter"><span class="swatch sw-kept"></span>kept occurrence</span></nav>
<main>
<article class="doc" lang="vi">{body}</article>
<aside>{side}</aside>
</main>
<footer>Highlighted text is cut from the cleaned text; hover for details, click a badge to
jump to the kept occurrence. Unticking a filter hides those removals (with every filter off
the text reads as the cleaned text).</footer>
<script>{js}</script>
</body>
</html>
"""


# ------------------------------------------------------------------------ terminal


def show_dedup(result: DedupResult, console: Console) -> None:
    """What was removed and why, on the terminal (document text is never markup)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    clusters = _clusters(result)
    counts = _counts(result, clusters)
    if not result.removed:
        extra = ""
        if result.boilerplate or result.conflicts:
            kept = [
                _plural(len(result.boilerplate), "boilerplate line") if result.boilerplate else "",
                _plural(len(result.conflicts), "conflict") if result.conflicts else "",
            ]
            extra = f"; kept {' and '.join(k for k in kept if k)}"
        console.print(
            Text(
                f"dedup: nothing removed ({_plural(counts['paragraphs'], 'paragraph')}, "
                f"{_plural(counts['sentences'], 'sentence')}{extra})"
            ),
            soft_wrap=True,
        )
        return

    headers = ("level", "#", "why", "score", "cluster", "kept")
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
    # Fixed columns sized to their content; the text gets what is left of the line
    # (two spaces between columns), shortened with an ellipsis.
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    text_width = max(16, min(80, console.width - sum(widths) - 2 * len(headers) - 1))
    table = Table(
        title=Text(f"Removed from {result.document.source or 'the document'}", style="bold"),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
    )
    for name, width in zip(headers, widths, strict=True):
        right = name in ("#", "score", "kept")
        table.add_column(name, justify="right" if right else "left", no_wrap=True, min_width=width)
    table.add_column("text", no_wrap=True, overflow="ellipsis", max_width=text_width)
    styles = {"paragraph": "red", "sentence": "yellow", "phrase": "magenta"}
    for r, row in zip(result.removed, rows, strict=True):
        style = styles.get(r.level, "") if r.reason == "duplicate" else "dim"
        cells = [Text(row[0], style=style), *(Text(c) for c in row[1:])]
        table.add_row(*cells, Text(_snippet(r.text, text_width)))
    console.print(table)
    parts = [_plural(_level_dups(result, lv), lv) for lv in LEVELS if _level_dups(result, lv)]
    if counts["removed_by_reason"].get("boilerplate"):
        parts.append(_plural(counts["removed_by_reason"]["boilerplate"], "boilerplate line"))
    console.print(
        Text(
            f"removed {', '.join(parts)}: {counts['removed_chars']} of "
            f"{counts['original_chars']} characters; {_plural(counts['clusters'], 'cluster')}"
        )
    )
    if result.boilerplate:
        labels: dict[str, int] = {}
        for b in result.boilerplate:
            labels[b.label] = labels.get(b.label, 0) + 1
        cut = counts["removed_by_reason"].get("boilerplate", 0)
        state = "removed" if cut == len(result.boilerplate) else "kept" if not cut else "some cut"
        listed = ", ".join(f"{label} ×{n}" for label, n in labels.items())
        console.print(Text(f"boilerplate lines ({state}): {listed}", style="dim"))
    for c in _limit(result.conflicts, 10, console, "conflicts"):
        diffs = ", ".join(c.differences) or "-"
        console.print(
            Text(
                f"conflict, both kept: {c.level} {c.index} vs {c.other} "
                f"({c.signal} {c.score:.3f}) differ in {diffs}: {_snippet(c.text, 60)}",
                style="cyan",
            )
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _limit(items: list, n: int, console: Console, what: str) -> Iterable:
    yield from items[:n]
    if len(items) > n:
        from rich.text import Text

        console.print(Text(f"… {len(items) - n} more {what} in the report", style="dim"))
