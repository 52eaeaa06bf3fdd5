"""Tables from the JSON results: rich on the terminal, Markdown for the README.

``python -m benchmarks report`` writes ``results.md`` next to the JSON files; the
README's results section is that file, so every number in it comes from a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KIND_ORDER = {"ours": 0, "peer": 1, "baseline": 1, "floor": 2}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def _num(x, digits: int = 1) -> str:
    if x is None:
        return "–"
    return f"{x:.{digits}f}"


def _status_note(name: str, r: dict) -> str | None:
    if r.get("status", "ok") != "ok":
        return f"{name}: {r['status']}"
    if r.get("errors"):
        why = r.get("first_error", "")
        return f"{name}: failed on {r['errors']} of {r['inputs']} inputs ({why})"
    return None


def rouge_table(title: str, part: dict) -> Table:
    rows, notes = [], []
    systems = sorted(
        part["systems"].items(),
        key=lambda kv: (KIND_ORDER.get(kv[1].get("kind"), 3), -(kv[1].get("rouge1") or -1)),
    )
    for name, r in systems:
        note = _status_note(name, r)
        if note:
            notes.append(note)
        if r.get("status", "ok") != "ok":
            rows.append([name, "–", "–", "–", r["status"]])
            continue
        rows.append(
            [name]
            + [f"{r[m]:.2f} ± {r[f'{m}_ci95']:.2f}" for m in ("rouge1", "rouge2", "rougeL")]
            + [str(r["inputs"])]
        )
    notes.insert(
        0,
        f"{part['inputs']} inputs, budget {part['budget']}"
        + (f" ({part['budget_words_mean']} on average)" if part.get("budget_words_mean") else "")
        + f"; reference: {part['reference']}. F1 × 100, ± half-width of a 95% interval.",
    )
    return Table(title, ["system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "inputs"], rows, notes)


def duplicates_table(dup: dict) -> Table:
    sets = list(dup["sets"])
    headers = ["system", "threshold"]
    for s in sets:
        n = dup["sets"][s]
        headers.append(f"{s} P / R / F1 ({n['duplicates']} of {n['pairs']} pairs)")
    rows, notes = [], []
    for name, info in dup["systems"].items():
        if info.get("status"):
            rows.append([name, "–", *[info["status"]] * len(sets)])
            continue
        t = info["threshold"]
        cells = [name, f"{t:g}: {info['threshold_from']}" if t is not None else "–"]
        for s in sets:
            r = dup["sets"][s]["systems"].get(name)
            cells.append(
                f"{r['precision']:.1f} / {r['recall']:.1f} / **{r['f1']:.1f}**" if r else "–"
            )
        rows.append(cells)
    notes.append(dup["rule"] + "; tuning rule: " + dup["tuning"] + ".")
    return Table("Duplicate decisions on sentence pairs", headers, rows, notes)


def _corpora(speed: dict) -> list[str]:
    return list(speed.get("corpora", {}))


def embedding_table(speed: dict) -> Table:
    rows = []
    for label, e in speed["embedding"].items():
        rows.append(
            [label, _num(e["sentences_per_s"]), _num(e["load_seconds"]), _num(e["peak_rss_mb"], 0)]
        )
    n = next(iter(speed["embedding"].values()), {}).get("sentences", 0)
    return Table(
        "Embedding throughput (cache off)",
        ["model", "sentences/s", "load s", "peak MB"],
        rows,
        [f"{n} sentences from the corpora below, batch 32, median of {speed['runs']} runs."],
    )


def bulk_table(speed: dict) -> Table:
    corpora = _corpora(speed)
    ratios = speed.get("ratios", {}).get("bulk_docs_per_s", {})
    ref = speed.get("ratios", {}).get("reference", "sumy LexRank")
    headers = ["system"]
    for c in corpora:
        headers += [f"{c} docs/s", f"{c} × {ref}"]
    headers.append("peak MB")
    rows, notes = [], []
    for name, e in speed["bulk"].items():
        if e.get("status") != "ok":
            rows.append([name, *["–"] * (2 * len(corpora)), "–"])
            notes.append(f"{name}: {e.get('status')}")
            continue
        cells = [name]
        for c in corpora:
            r = e["corpora"].get(c, {})
            cells += [_num(r.get("docs_per_s"), 2), _num(ratios.get(name, {}).get(c), 3)]
        cells.append(_num(e["peak_rss_mb"], 0))
        rows.append(cells)
    for name, d in speed.get("digest", {}).items():
        if "status" in d:
            notes.append(f"`summarize.digest` with {name}: {d['status']}")
        else:
            parts = ", ".join(f"{c} {r['docs_per_s']:.2f} docs/s" for c, r in d.items())
            notes.append(f"`summarize.digest.digest()` (whole bulk command) with {name}: {parts}")
    docs = ", ".join(f"{c}: {v['documents']} articles" for c, v in speed["corpora"].items())
    notes.insert(
        0,
        f"One process, model loaded once (load time excluded), embedding cache off; {docs}; "
        f"median of {speed['runs']} runs. Peers are fed our segmentation, timed with them.",
    )
    return Table("Bulk: documents per second in one process", headers, rows, notes)


def single_file_table(speed: dict) -> Table:
    corpora = [
        c for c in _corpora(speed) if any(c in e["corpora"] for e in speed["single_file"].values())
    ]
    ratios = speed.get("ratios", {}).get("single_file_seconds", {})
    headers = ["command"]
    for c in corpora:
        headers += [f"{c} s", f"{c} docs/s", f"{c} × sumy"]
    headers.append("peak MB")
    rows = []
    runs = 0
    for label, e in speed["single_file"].items():
        cells = [label]
        peak = None
        for c in corpora:
            r = e["corpora"].get(c, {})
            s = r.get("median_seconds")
            runs = max(runs, r.get("runs", 0))
            ratio = ratios.get(label, {}).get(c)
            cells += [_num(s, 2), _num(1 / s if s else None, 2), _num(ratio, 1)]
            if r.get("peak_rss_mb") is not None:
                peak = max(peak or 0, r["peak_rss_mb"])
        cells.append(_num(peak, 0))
        rows.append(cells)
    return Table(
        "Single file: process start to output",
        headers,
        rows,
        [
            f"Median of {runs} runs per corpus, files in rotation; docs/s = 1 / median; "
            "× sumy = time over the sumy command's time on the same files."
        ],
    )


def machine_line(m: dict, after: dict | None = None) -> str:
    load = f"load average {m.get('load_average_1m')}"
    if after:
        load += f" before, {after.get('load_average_1m')} after"
    v = m.get("versions", {})
    return (
        f"{m['date']}; {m['cores']} cores, {m['cpu']}, {m.get('memory_gb')} GB RAM, no GPU; "
        f"{load}; Python {m['python']}, torch {v.get('torch')}, "
        f"sentence-transformers {v.get('sentence-transformers')}, sumy {v.get('sumy')}, "
        f"summa {v.get('summa')}, datasketch {v.get('datasketch')}; commit {m.get('git_commit')}"
    )


def quality_tables(q: dict) -> list[Table]:
    out = []
    if q.get("single"):
        out.append(rouge_table("Single documents: VietnameseMDS articles", q["single"]))
    if q.get("baomoi"):
        out.append(rouge_table("Single documents: raw baomoi articles", q["baomoi"]))
    if q.get("english"):
        out.append(rouge_table("Single documents: English (BBC, never trained on)", q["english"]))
    if q.get("multi"):
        out.append(rouge_table("Story clusters: VietnameseMDS", q["multi"]))
    if q.get("duplicates"):
        out.append(duplicates_table(q["duplicates"]))
    return out


def speed_tables(s: dict) -> list[Table]:
    if s.get("skipped"):
        return []
    out = []
    if s.get("embedding"):
        out.append(embedding_table(s))
    if s.get("bulk"):
        out.append(bulk_table(s))
    if s.get("single_file"):
        out.append(single_file_table(s))
    return out


def to_markdown(t: Table) -> str:
    lines = [f"**{t.title}**", ""]
    lines.append("| " + " | ".join(t.headers) + " |")
    lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(t.headers))) + "|")
    for r in t.rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    if t.notes:
        lines.append("")
        lines.extend(f"{n}  " if i < len(t.notes) - 1 else n for i, n in enumerate(t.notes))
    return "\n".join(lines) + "\n"


def print_rich(tables: list[Table], console=None) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    console = console or Console()
    for t in tables:
        rt = RichTable(title=t.title, title_justify="left")
        for i, h in enumerate(t.headers):
            rt.add_column(h, justify="left" if i == 0 else "right")
        for r in t.rows:
            rt.add_row(*[c.replace("**", "") for c in r])
        console.print(rt)
        for n in t.notes:
            console.print(f"  [dim]{n}[/dim]", highlight=False)


def markdown(quality: dict | None, speed: dict | None) -> str:
    parts = []
    if quality:
        parts.append(f"### Quality\n\nMeasured {machine_line(quality['machine'])}.\n")
        parts.append(f"Command: `{quality['command']}`\n")
        parts += [to_markdown(t) for t in quality_tables(quality)]
    if speed and not speed.get("skipped"):
        parts.append(
            "### Speed and memory\n\n"
            f"Measured {machine_line(speed['machine'], speed.get('machine_after'))}.\n"
        )
        parts.append(f"Command: `{speed['command']}`\n")
        parts += [to_markdown(t) for t in speed_tables(speed)]
    return "\n".join(parts)


def write_markdown(out: Path, quality: dict | None, speed: dict | None) -> Path:
    path = out / "results.md"
    path.write_text(markdown(quality, speed), encoding="utf-8")
    return path
