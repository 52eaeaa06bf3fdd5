"""Renderers of results: the dedup report (JSON, CSV, Markdown, HTML and a terminal
view) and the summary (text, Markdown, JSON).

One module per format; ``common`` holds what the dedup formats derive from a result,
``marks`` and ``templates/`` the HTML report's text and page. Import from here: the
module layout is not the interface.
"""

from .common import DEDUP_SCHEMA, SCHEMA_VERSION
from .csv_report import CSV_COLUMNS
from .dedup import FORMATS, render_dedup_report
from .json_report import (
    dedup_record,
    dedup_to_json,
    removed_from_json,
    summary_to_json,
    to_json_line,
)
from .markdown_report import md_escape
from .summary import SUMMARY_SCHEMA, render_summary, summary_record
from .terminal import show_dedup

__all__ = [
    "CSV_COLUMNS",
    "DEDUP_SCHEMA",
    "FORMATS",
    "SCHEMA_VERSION",
    "SUMMARY_SCHEMA",
    "dedup_record",
    "dedup_to_json",
    "md_escape",
    "removed_from_json",
    "render_dedup_report",
    "render_summary",
    "show_dedup",
    "summary_record",
    "summary_to_json",
    "to_json_line",
]
