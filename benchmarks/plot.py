"""One PNG from the JSON results: quality panels, duplicate F1 and speed."""

from __future__ import annotations

import math
from pathlib import Path

OURS_COLOR = "#1f77b4"
PEER_COLOR = "#9a9a9a"
FLOOR_COLOR = "#d9d9d9"


def _rouge_panel(ax, part: dict, title: str) -> None:
    rows = [
        (name, r)
        for name, r in part["systems"].items()
        if r.get("status", "ok") == "ok" and r.get("rouge1") is not None
    ]
    rows.sort(key=lambda kv: kv[1]["rouge2"])
    names = [n for n, _ in rows]
    metrics = (("rougeL", "ROUGE-L", 0.35), ("rouge2", "ROUGE-2", 0.65), ("rouge1", "ROUGE-1", 1.0))
    h = 0.27
    for j, (metric, _, alpha) in enumerate(metrics):  # ROUGE-1 on top of each group
        ax.barh(
            [i + (j - 1) * h for i in range(len(rows))],
            [r[metric] for _, r in rows],
            height=h,
            color=[_color(r["kind"]) for _, r in rows],
            alpha=alpha,
        )
    ax.set_yticks(list(range(len(rows))), names, fontsize=7)
    ax.set_xlabel("F1 × 100", fontsize=8)
    ax.set_title(f"{title} (n = {part['inputs']})", fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    _legend(ax, [(label, alpha) for _, label, alpha in reversed(metrics)])


def _legend(ax, entries: list[tuple[str, float]]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color="#555555", alpha=a, label=label) for label, a in entries]
    ax.legend(
        handles=handles,
        fontsize=6,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=len(handles),
        frameon=False,
    )


def _color(kind: str | None) -> str:
    return {"ours": OURS_COLOR, "floor": FLOOR_COLOR}.get(kind or "", PEER_COLOR)


def _dup_panel(ax, dup: dict) -> None:
    sets = list(dup["sets"])
    names = [n for n, info in dup["systems"].items() if not info.get("status")]
    y = range(len(names))
    h = 0.8 / max(1, len(sets))
    alphas = [1.0 - 0.5 * j for j in range(len(sets))]
    for j, s in enumerate(sets):
        vals = [dup["sets"][s]["systems"].get(n, {}).get("f1", 0.0) for n in names]
        ax.barh(
            [i + ((len(sets) - 1) / 2 - j) * h for i in y],
            vals,
            height=h,
            color=[_color(dup["systems"][n]["kind"]) for n in names],
            alpha=alphas[j],
        )
    ax.set_yticks(list(y), [_short(n) for n in names], fontsize=7)
    ax.set_xlabel("duplicate F1 × 100", fontsize=8)
    ax.set_title("Duplicate sentence pairs (F1)", fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    _legend(ax, list(zip(sets, alphas, strict=True)))


def _short(name: str) -> str:
    return name.replace(" (no model: exact, shingles, containment)", " (no model)")


def _speed_panel(ax, speed: dict) -> None:
    corpus = "baomoi" if "baomoi" in speed.get("corpora", {}) else next(iter(speed["corpora"]))
    rows = [
        (name, e["corpora"][corpus]["docs_per_s"])
        for name, e in speed["bulk"].items()
        if e.get("status") == "ok" and e["corpora"].get(corpus, {}).get("docs_per_s")
    ]
    rows.sort(key=lambda kv: kv[1])
    ax.barh(
        range(len(rows)),
        [v for _, v in rows],
        color=[OURS_COLOR if n.startswith("summarize") else PEER_COLOR for n, _ in rows],
    )
    ax.set_xscale("log")
    ax.set_yticks(range(len(rows)), [n for n, _ in rows], fontsize=7)
    ax.set_xlabel("documents / s (log scale)", fontsize=8)
    n = speed["corpora"][corpus]["documents"]
    ax.set_title(
        f"Bulk speed, {n} {corpus} articles, {speed['machine']['cores']} CPU cores", fontsize=9
    )
    ax.tick_params(axis="x", labelsize=7)
    for i, (_, v) in enumerate(rows):
        ax.text(v, i, f" {v:.3g}", va="center", fontsize=6)


def write_plot(path: Path, quality: dict | None, speed: dict | None) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    if quality:
        if quality.get("single"):
            panels.append(
                lambda ax: _rouge_panel(ax, quality["single"], "Single articles, 3 sentences")
            )
        if quality.get("multi"):
            panels.append(
                lambda ax: _rouge_panel(ax, quality["multi"], "Story clusters, reference length")
            )
        if quality.get("duplicates"):
            panels.append(lambda ax: _dup_panel(ax, quality["duplicates"]))
    if speed and speed.get("bulk") and speed.get("corpora"):
        panels.append(lambda ax: _speed_panel(ax, speed))
    if not panels:
        return None
    cols = 2 if len(panels) > 1 else 1
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, 4.3 * rows), squeeze=False)
    for ax, draw in zip(axes.flat, panels, strict=False):
        draw(ax)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.suptitle("summarize (blue) against peers (grey)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
