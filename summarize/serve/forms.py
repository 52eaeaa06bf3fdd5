"""The page's two forms: read what was pasted and uploaded, run it, render the page.

Uploads are read as the command line reads its inputs (``summarize.io.read_text``:
encodings, HTML extraction, JSON records); a ``.jsonl`` upload is a list of articles, one
JSON object per line, as ``summarize digest`` takes them (one summary each on the single
article form, never the whole file as one text). A mistake (an empty
form, a binary file, a budget out of range, a text over the server's cap) comes back as
the page, as HTML, with the message beside the form that was sent. What reading and
summarising an article warned about (``heard``) is shown in its card, or above the
batch's stories.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from ..errors import BudgetError, InputError, ModelError, SummarizeError
from .disconnect import run_watched
from .engine import MAX_BATCH, Article, ClientGone, Engine, TextTooLarge
from .heard import heard
from .page import Form, render_page
from .schemas import field_names

if TYPE_CHECKING:
    from ..results import Summary

log = logging.getLogger("summarize.serve")

MAX_FILES = 50  # uploads per form
JSONL = (".jsonl", ".ndjson")


async def handle(engine: Engine, request: Request, max_body: int, *, batch: bool) -> HTMLResponse:
    """Answer a form post with the page: results, or the form again with the error."""
    form = Form(batch=batch)
    try:
        data = await request.form(max_files=MAX_FILES, max_fields=40, max_part_size=max_body)
        values = {k: v for k, v in data.multi_items() if isinstance(v, str)}
        form = Form.from_fields(values, batch=batch)
        articles = [Article(t, form.title or None) for t in form.pasted()]
        for upload in data.getlist("files"):
            if isinstance(upload, UploadFile) and upload.filename:
                found = await run_in_threadpool(read_upload, upload.filename, upload.file, batch)
                articles.extend(found)
        settings = form.settings()
        if batch:
            result = await run_watched(
                request, engine.digest, articles, story_sentences=form.story_count(), **settings
            )
            return HTMLResponse(render_page(engine.model_name, form, batch=result))
        if not articles:
            raise InputError("paste an article or choose a file")
        if len(articles) > MAX_BATCH:
            raise InputError(
                f"at most {MAX_BATCH} articles at once (got {len(articles)}); for more, run "
                "`summarize FILE.jsonl` on the command line (one summary per record)"
            )
        # all of them together, before the first runs; one over the per-text cap is its
        # own card's error, when it is its turn (engine.summarize checks it before any work)
        engine.check_total([a.text for a in articles if not engine.too_long(a.text)])
        engine.summarizer.with_config(**settings, query=form.query or None)  # settings: once
        summaries: list[tuple[Article, Summary | str]] = []
        too_large = 0  # articles failed for being over the cap
        for a in articles:  # one at a time: others' requests get the model in between
            try:
                served = await run_watched(
                    request, engine.summarize, a.text, title=a.title,
                    query=form.query or None, **settings,
                )  # fmt: skip
            except (InputError, BudgetError) as e:
                if len(articles) == 1:
                    raise
                summaries.append((a, failure(a, e)))  # named; the other articles go on
                too_large += isinstance(e, TextTooLarge)
            else:  # its card shows what reading and summarising it warned about
                said = tuple(dict.fromkeys([*a.warnings, *served.warnings]))
                summaries.append((replace(a, warnings=said), served.result))
        failed = sum(isinstance(s, str) for _, s in summaries)
        page = render_page(engine.model_name, form, summaries=summaries)
        status = 200 if failed < len(summaries) else 413 if too_large == failed else 422
        return HTMLResponse(page, status_code=status)
    except HTTPException:
        raise  # a body over the limit, a malformed form: the JSON error handlers answer
    except ClientGone:
        raise  # nobody is there to read the page (app.py answers 499 and logs it)
    except SummarizeError as e:
        page = render_page(engine.model_name, form, error=field_names(str(e)))
        status = 500 if isinstance(e, ModelError) else 413 if isinstance(e, TextTooLarge) else 422
        return HTMLResponse(page, status_code=status)
    except Exception as e:  # the page says so; the server goes on
        log.exception("page request failed")
        error = f"internal error: {type(e).__name__}: {e}"
        return HTMLResponse(render_page(engine.model_name, form, error=error), status_code=500)


def failure(article: Article, error: SummarizeError) -> str:
    """One article's error, named as ``summarize news.jsonl`` names a failed record
    (``news.jsonl:3 (id): ...``), not as the pipeline's anonymous "input"."""
    message = field_names(str(error)).removeprefix("input: ")
    if isinstance(error, TextTooLarge):  # "too long: ...", as the batch's record says it
        message = message.removeprefix("text ")
    where = article.source or "the pasted text"
    if article.id and article.id != article.source:
        where += f" ({article.id})"
    return f"{where}: {message}"


def read_upload(name: str, stream: IO[bytes], batch: bool = False) -> list[Article]:
    """The articles of one uploaded file: one, or a JSONL file's records (one summary
    each, as ``summarize news.jsonl`` gives; in batch mode, one article each)."""
    from ..io import read_text

    safe = Path(name).name
    if safe in ("", ".", ".."):
        safe = "upload.txt"
    data = stream.read()
    if safe.lower().endswith(JSONL):
        return _jsonl_articles(data, safe)
    with tempfile.TemporaryDirectory(prefix="summarize-upload-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        try:
            with heard() as said:  # an HTML or JSON file's NULs, read as spaces before parsing
                raw = read_text(path)
        except SummarizeError as e:  # name the file as the editor knows it, not our temp path
            raise type(e)(str(e).replace(str(path), safe)) from None
    said = [w.replace(str(path), safe) for w in said]
    return [Article(raw.text, raw.title, safe, source=safe, warnings=tuple(said))]


def _jsonl_articles(data: bytes, name: str) -> list[Article]:
    """JSON objects with ``text`` (and ``title``, ``id``; other fields pass through)."""
    from ..io.readers import decode_bytes, decode_entities

    text, _ = decode_bytes(data, name=name)
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{name}:{n}: not JSON ({e.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(f'{name}:{n}: expected a JSON object with a "text" string')
        title, rid = record.pop("title", None), record.pop("id", None)
        body = decode_entities(record.pop("text"))  # "Pel&#233;": as summarize digest reads it
        title = decode_entities(title) if isinstance(title, str) else None
        out.append(Article(body, title,
                           str(rid) if rid is not None else f"{name}:{n}", record,
                           source=f"{name}:{n}"))  # fmt: skip
    return out
