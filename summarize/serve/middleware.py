"""Two pure ASGI middlewares that keep every failure a JSON answer on a live connection.

:class:`BodyLimit`: a body whose declared ``Content-Length`` is over the limit is refused
before it is read; a body without one (chunked) is counted as it arrives and refused as
soon as it passes the limit, so no request holds more than ``max_body`` bytes in memory.

:class:`CatchAll`: an exception a handler raises becomes a 500 with a JSON body *here*,
inside Starlette's outermost error middleware. That one answers too, but then re-raises
to the server, and uvicorn closes the connection: a client's next request on it (HTTP
keep-alive) would fail with a reset. Caught here, the connection stays usable.
"""

from __future__ import annotations

import json
import logging

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("summarize.serve")
DISCARD = 64 * 1024 * 1024  # bytes of a refused body read and dropped, at most


class TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {limit} bytes")


class BodyLimit:
    """Pure ASGI middleware (no buffering): 413 with ``{"detail": ...}`` past ``max_body``."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _discard(receive, message=None)
            await _reply(send, TooLarge(self.max_body))
            return
        seen = 0
        watched = _Watched(send)

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    await _discard(receive, message)
                    raise TooLarge(self.max_body)  # the routes' error handler renders it
            return message

        try:
            await self.app(scope, counted, watched)
        except TooLarge as e:  # raised where no handler was in reach
            if watched.started:
                raise
            await _reply(send, e)


class CatchAll:
    """Any exception out of the app: logged with its traceback, answered with a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = _Watched(send)
        try:
            await self.app(scope, receive, watched)
        except Exception as e:
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if not watched.started:  # else the response is cut short; nothing better can be sent
                await _send_json(send, 500, f"internal error: {type(e).__name__}: {e}")


class _Watched:
    """``send``, remembering whether the response has started (after that, an error can
    only cut it short, not replace it)."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


async def _discard(receive: Receive, message: Message | None) -> None:
    """Read and drop the rest of a refused body (up to ``DISCARD`` bytes) before answering.

    The server closes the connection after a 413; bytes the client sent that were never
    read make the kernel reset it, and a client still writing its body may then see the
    reset instead of the answer. Draining first lets it read the 413. A body beyond
    ``DISCARD`` is not worth the wait: the connection is closed on it.
    """
    dropped = 0
    while message is None or (message["type"] == "http.request" and message.get("more_body")):
        message = await receive()
        dropped += len(message.get("body", b""))
        if dropped > DISCARD:
            return


async def _reply(send: Send, error: TooLarge) -> None:
    await _send_json(send, 413, error.detail, close=True)


async def _send_json(send: Send, status: int, message: str, close: bool = False) -> None:
    body = json.dumps({"detail": " ".join(message.split())}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:  # the unread body is still on its way: this connection cannot be reused
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
