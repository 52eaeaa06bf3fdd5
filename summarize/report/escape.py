"""Article text in the formats we write, shown literally and never run.

An article is untrusted input: whatever it holds must come out as the same text, not as
markup, a formula or a script. Every Markdown and CSV writer goes through these two
helpers (the HTML report and page escape through Jinja's autoescape and ``html.escape``).

- Markdown (:func:`md_escape`): characters that start inline markup (``\\ ` * _ [ ] |
  ~``) get a backslash wherever they are. ``&`` and ``<`` become entities only where
  they would start markup: ``&`` before an entity reference (``&amp;``, ``&#39;``), so
  text that literally says "&amp;" is shown so, and ``<`` before anything but a space
  (a tag, a comment, an autolink), so ``<img onerror=...>`` is text, not an element.
  Everywhere else they stay as written, like ``>``: "Sở GD&ĐT" is "Sở GD&ĐT" in the
  file as well as on the rendered page (every Markdown flavour shows a bare ``&`` and
  ``< `` literally). A line that would start a block (``#`` heading, ``>`` quote,
  ``-``/``+`` list, ``1.``/``1)`` ordered list, ``=`` setext underline) has its marker
  escaped, so a sentence like "# Tin nóng" stays a sentence in a list item or table
  cell.
- CSV (:func:`csv_cell`): OWASP's rule against formula injection: a text cell starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
  which spreadsheets read as "this cell is text" and do not show. Numbers are left alone.
"""

from __future__ import annotations

import re
from typing import Any

_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
# "&" that would start an entity reference (CommonMark's three forms) and "<" that could
# start a tag, comment or autolink; a bare "&" or "< " is literal in every flavour.
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;"}
_MD_HTML = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]*;)|<(?=\S)")
# A block marker at the start of a line (after optional indentation).
_MD_BLOCK = re.compile(r"^([ \t]*)(#|[-+=>]|\d{1,9}(?=[.)](?:[ \t]|$)))", re.MULTILINE)
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def md_escape(text: str, *, newline: str = "<br>") -> str:
    """Text that renders literally in Markdown (a paragraph, list item or table cell);
    line breaks become ``newline`` (``<br>`` in a table cell, ``" "`` to join)."""
    out = _MD_INLINE.sub(r"\\\1", text)
    out = _MD_HTML.sub(lambda m: _MD_ENTITIES[m.group()], out)  # no tag, no entity
    out = out.replace("\r\n", "\n").replace("\r", "\n")
    out = _MD_BLOCK.sub(_escape_block, out)
    return out.replace("\n", newline)


def _escape_block(found: re.Match[str]) -> str:
    indent, marker = found.group(1), found.group(2)
    if marker[0].isdigit():  # "1." -> "1\." (the digits stay, the dot is escaped)
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def csv_cell(value: Any) -> Any:
    """A cell that a spreadsheet shows as text, never evaluates (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value
