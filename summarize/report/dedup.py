"""The dedup report in any format, by name (the CLI picks it from a file extension).

Rendering never computes: everything shown comes from the ``DedupResult``, and offsets
always index the original text (``result.document.text``). JSON is the reference; CSV,
Markdown and HTML are views of the same data (``docs/schema.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .csv_report import render_csv
from .html_report import render_html
from .json_report import render_json
from .markdown_report import render_markdown

if TYPE_CHECKING:
    from ..dedup.document import DedupResult

FORMATS = ("json", "csv", "markdown", "html")
_RENDERERS: dict[str, Callable[[DedupResult], str]] = {
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
    "md": render_markdown,
    "html": render_html,
}


def render_dedup_report(result: DedupResult, fmt: str) -> str:
    """The report of every removal in ``fmt``: json, csv, markdown (md) or html."""
    try:
        render = _RENDERERS[fmt.lower()]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown report format {fmt!r}; choose one of {choices}") from None
    return render(result)
