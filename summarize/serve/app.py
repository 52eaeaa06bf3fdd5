"""The web application: the newsroom page, the JSON API, and their errors.

Routes are thin: they parse a request, hand it to the :class:`~.engine.Engine` in a
worker thread (``run_in_threadpool``: the model work is CPU-bound and must not stall the
event loop), and render what comes back with the project's own renderers
(``summarize.report``). Every failure becomes a response, never a dead server:

- malformed JSON → 400, wrong types or unknown fields → 422, settings that
  :class:`~summarize.config.SummaryConfig` refuses or an empty text → 422, each with a
  JSON body ``{"detail": "<one line>"}``;
- a body over ``max_body`` bytes → 413 (``middleware.BodyLimit``: refused on its declared
  length, or counted as the bytes arrive when it has none); a text over the engine's
  character cap (``engine.Limits``) → 413 too, before any model work (in a batch, one
  article over the per-text cap is that article's error; the others are digested);
- a client that disconnects: its work is skipped or stopped (``disconnect.run_watched``);
- anything else a handler raises → 500 with a JSON body (``middleware.CatchAll``); the
  connection and the server go on.

The answers of the three API routes have ``warnings``: the one-line warnings the command
line prints on stderr for the same work (``heard``, ``engine.query_warning``); ``[]``
when none.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import ModelError, SummarizeError
from ..report import dedup_to_json, summary_to_json
from . import forms
from .disconnect import run_watched
from .engine import Article, ClientGone, Engine, TextTooLarge, query_warning
from .middleware import BodyLimit, CatchAll
from .options import MAX_BODY  # MAX_BODY: the default request limit
from .page import ICON_SVG, Form, render_page
from .responses import DedupOut, DigestOut, Health, SummaryOut
from .schemas import (
    ERRORS,
    DeduplicateRequest,
    DigestRequest,
    SummarizeRequest,
    field_names,
)

log = logging.getLogger("summarize.serve")


def create_app(engine: Engine, *, max_body: int = MAX_BODY) -> FastAPI:
    """The ASGI app around an engine whose model is loaded (``Engine.load``)."""
    app = FastAPIOffline(  # /docs and /redoc from files shipped in the package, not a CDN
        title="summarize",
        version=__version__,
        description="Extractive summaries, duplicate removal and story clusters for "
        "(Vietnamese) news text. The page for editors is at `/`.",
    )
    app.add_middleware(CatchAll)  # added first: inside the body limit
    app.add_middleware(BodyLimit, max_body=max_body)
    app.state.engine = engine
    _errors(app)

    @app.api_route(
        "/healthz", methods=["GET", "HEAD"], tags=["service"], response_model=None,
        responses={200: {"model": Health, "description": "The server is up."}},
    )  # fmt: skip
    def healthz() -> dict[str, Any]:
        """Liveness: the model is loaded and the server answers."""
        return {"status": "ok", "model": engine.model_name, "version": __version__}

    @app.post(
        "/api/summarize", tags=["api"], response_model=None,
        responses={200: {"model": SummaryOut, "description": "The summary record."}, **ERRORS},
    )  # fmt: skip
    async def api_summarize(body: SummarizeRequest, request: Request) -> dict[str, Any]:
        """An extractive summary: the summary JSON schema (``sentences[]`` with
        ``text``, ``index``, ``start``, ``end``, ``score``; offsets index ``text``, or the
        article text extracted from ``html``)."""
        served = await run_watched(request, engine.summarize, **body.source(), **body.settings())
        summary = served.result
        return {**summary_to_json(summary), "warnings": served.warnings + query_warning(summary)}

    @app.post(
        "/api/deduplicate", tags=["api"], response_model=None,
        responses={200: {"model": DedupOut, "description": "The dedup report."}, **ERRORS},
    )  # fmt: skip
    async def api_deduplicate(body: DeduplicateRequest, request: Request) -> dict[str, Any]:
        """The cleaned text (``text``) and every cut (``removed[]``, with the dedup
        report's clusters, boilerplate and conflicts)."""
        served = await run_watched(request, engine.deduplicate, **body.source(), **body.settings())
        result = served.result
        return {**dedup_to_json(result), "text": result.text, "warnings": served.warnings}

    @app.post(
        "/api/digest", tags=["api"], response_model=None,
        responses={200: {"model": DigestOut, "description": "Stories and records."}, **ERRORS},
    )  # fmt: skip
    async def api_digest(body: DigestRequest, request: Request) -> dict[str, Any]:
        """A small batch: each article's digest record and the story clusters."""
        articles = [
            Article(a.text or "", a.title, a.id, dict(a.model_extra or {}), html=a.html)
            for a in body.articles
        ]
        result = await run_watched(
            request, engine.digest, articles, story_sentences=body.story_sentences,
            learn=body.learn, **body.settings(),
        )  # fmt: skip
        return {
            "documents": result.documents,
            "failed": result.failed,
            "stories": result.stories,
            "records": result.records,
            "warnings": result.warnings,
        }

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse,
                   include_in_schema=False)  # fmt: skip
    def page() -> HTMLResponse:  # HEAD: the same headers, no body (the server drops it)
        return HTMLResponse(render_page(engine.model_name, Form()))

    @app.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
    def favicon() -> Response:
        """The page's icon (it declares it inline, so a browser asks for this only on
        pages that do not: /docs, a JSON answer opened in a tab)."""
        return Response(ICON_SVG, media_type="image/svg+xml",
                        headers={"cache-control": "public, max-age=86400"})  # fmt: skip

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def page_summarize(request: Request) -> HTMLResponse:
        return await forms.handle(engine, request, max_body, batch=False)

    @app.post("/batch", response_class=HTMLResponse, include_in_schema=False)
    async def page_batch(request: Request) -> HTMLResponse:
        return await forms.handle(engine, request, max_body, batch=True)

    return app


def _errors(app: FastAPI) -> None:
    """One JSON shape for every error: ``{"detail": "<one line>"}`` (plus ``errors``,
    the field-by-field list, for a request that does not match its schema)."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            where = next(e for e in errors if e.get("type") == "json_invalid")
            reason = (where.get("ctx") or {}).get("error", "JSON decode error")
            pos = where["loc"][-1] if where.get("loc") else "?"
            return _error(400, f"malformed JSON body: {reason} at character {pos}")
        whole = [
            e for e in errors
            if tuple(e.get("loc", ())) == ("body",) and e.get("type") != "value_error"
        ]  # fmt: skip
        if whole:  # the body as a whole: absent, not JSON, or JSON but not an object
            return JSONResponse(
                {"detail": _body_problem(request, whole[0]), "errors": _plain(errors)},
                status_code=422,
            )
        return JSONResponse(
            {"detail": _one_line(errors), "errors": _plain(errors)}, status_code=422
        )

    @app.exception_handler(SummarizeError)
    async def refused(request: Request, exc: SummarizeError) -> JSONResponse:
        status = 413 if isinstance(exc, TextTooLarge) else 422
        return _error(500 if isinstance(exc, ModelError) else status, field_names(str(exc)))

    @app.exception_handler(ClientGone)
    async def gone(request: Request, exc: ClientGone) -> JSONResponse:
        # one line on the stderr of `summarize serve` (its handler: serve/__init__.py)
        log.info("%s %s: %s", request.method, request.url.path, exc)
        return _error(499, str(exc))  # nobody reads it: the connection is closed

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, UnicodeDecodeError):
            # FastAPI says only "There was an error parsing the body": say what and where
            return _error(
                400,
                f"malformed JSON body: not UTF-8 (byte 0x{cause.object[cause.start]:02x} "
                f"at byte {cause.start}); send JSON encoded as UTF-8",
            )
        if exc.status_code == 400 and isinstance(cause, RecursionError):
            return _error(400, "malformed JSON body: nested too deeply to read")
        return _error(exc.status_code, str(exc.detail), headers=exc.headers)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": " ".join(message.split())}, status_code=status, headers=headers)


def _body_problem(request: Request, error: dict[str, Any]) -> str:
    """A request whose body is not a JSON object, said in terms of what the client sent."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if isinstance(error.get("input"), bytes):  # not read as JSON: its declared type says why
        got = f"got {kind}" if kind else "no content-type was given"
        return f"the body must be a JSON object sent as application/json ({got})"
    if error.get("type") == "missing":
        return "the body is empty: send a JSON object"
    return f"the body must be a JSON object (got {_json_kind(error.get('input'))})"


def _json_kind(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")


def _one_line(errors: list[dict[str, Any]]) -> str:
    """``body.sentences: Input should be a valid integer; body.text: Field required``."""
    parts = []
    for e in errors:
        where = ".".join(str(x) for x in e.get("loc", ()))
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")  # our validators' own
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts) or "invalid request"


def _plain(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The validation errors as plain JSON (their ``ctx`` may hold exception objects)."""
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in errors
    ]
