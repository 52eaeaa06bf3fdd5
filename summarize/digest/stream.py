"""The digest as a stream, for people who build pipelines: records in, records out.

``digest_records(items)`` takes any iterable of articles (dicts with ``text``, and
optionally ``id``, ``title``, ``html`` and fields of your own; or plain strings) and
yields one per-article record each, as soon as it is done, in input order: the digest's
JSONL record (``kind: "digest-article"``, docs/schema.md) with the summary, what was
removed or excluded and why, and the fields passed through. Memory stays flat whatever
the length of the input.

What it cannot give is what needs the whole batch: story clusters (``story`` is null and
``shared_sentences`` empty) and boilerplate learned across the batch (pass known chrome
lines as ``learned_boilerplate``). For those, run the batch API
(:func:`summarize.digest.digest`) or ``summarize digest``. Each article goes through the
same per-article stage as the batch digest (``digest/process.py``), so a record is the
record the batch would write, story fields aside.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..config import DEFAULT_METHOD, SummaryConfig
from ..embed import Encoder
from ..errors import InputError, SummarizeError
from ..io.readers import extract_html
from ..pipeline import Summarizer
from ..text.normalize import match_key
from .inputs import Fields, Record, _unique
from .process import process_safely


def digest_records(
    items: Iterable[Mapping[str, Any] | str],
    *,
    sentences: int | None = None,
    ratio: float | None = None,
    words: int | None = None,
    method: str = DEFAULT_METHOD,
    model: str | Encoder | None = None,
    fields: Fields | None = None,
    learned_boilerplate: Collection[str] = (),
    summarizer: Summarizer | None = None,
    cross_lingual: bool = False,
) -> Iterator[dict[str, Any]]:
    """One digest record per item, lazily (see the module docstring).

    ``fields`` names the id, text and title keys (as ``--id-field`` etc.). A dict may
    give ``html`` instead of the text (not both): its article text and title are extracted.
    ``learned_boilerplate``: chrome lines (as text) to keep out of every summary.
    ``cross_lingual``: a sentence that translates an earlier one of its article (an
    English paragraph and its Vietnamese version) is removed as a duplicate (signal
    ``cross-lingual``); story joins across languages need the batch digest.
    ``summarizer`` replaces the budget, method, model and cross-lingual settings.
    A bad item becomes a record with an ``error``; the stream goes on.
    """
    if summarizer is None:
        config = SummaryConfig(sentences, ratio, words, method, cross_lingual=cross_lingual)
        if model is None or isinstance(model, str):
            summarizer = Summarizer(replace(config, model=model))
        else:
            summarizer = Summarizer(config, encoder=model)
    fields = fields or Fields()
    chrome = frozenset(match_key(line) for line in learned_boilerplate)
    return _stream(items, summarizer, fields, chrome)  # settings checked above, not lazily


def _stream(
    items: Iterable[Mapping[str, Any] | str],
    summarizer: Summarizer,
    fields: Fields,
    chrome: frozenset[str],
) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for n, item in enumerate(items):
        rec = _record(n, item, fields)
        rec.id = _unique(rec.id, seen)
        record, _ = process_safely(rec, summarizer, chrome)
        yield record.public_json(None, 0, [])


def _record(n: int, item: Mapping[str, Any] | str, fields: Fields) -> Record:
    """The digest's input record for one item; what is wrong with it becomes its error."""
    where = f"item {n}"
    if isinstance(item, str):
        return Record(n, where, where, text=item, encoding="utf-8")
    if not isinstance(item, Mapping):
        kind = type(item).__name__
        return Record(n, where, where, error=f"{where}: expected a dict or a string, got {kind}")
    raw_id = item.get(fields.id)
    ident = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else ""
    rec = Record(n, ident or where, where, encoding="utf-8")
    rec.fields = {
        k: v for k, v in item.items() if k not in (fields.id, fields.text, fields.title, "html")
    }
    title = item.get(fields.title)
    rec.title = title.strip() or None if isinstance(title, str) else None
    text, html = item.get(fields.text), item.get("html")
    try:
        if text is not None and html is not None:  # as summarize() and the HTTP API say
            raise InputError(f'{where}: give either "{fields.text}" or "html", not both')
        if isinstance(text, str) and text.strip():
            rec.text = text
        elif isinstance(html, str):
            rec.text, found = extract_html(html, where)
            rec.title = rec.title or found
        elif isinstance(text, str):  # there, but blank: say so, as `summarize digest` does
            raise InputError(f'{where}: the "{fields.text}" field is empty')
        else:
            raise InputError(f'{where}: needs a "{fields.text}" string (or "html")')
    except SummarizeError as exc:
        rec.error = str(exc)
    return rec
