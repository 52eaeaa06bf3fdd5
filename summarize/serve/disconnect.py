"""Model work that stops when its client leaves.

A client that gives up (a timeout, a closed tab) used to leave its request queued for
the model, or running, for minutes, while everyone behind it waited. :func:`run_watched`
runs an engine call in a worker thread with a ``cancel`` event and, meanwhile, looks every
``POLL`` seconds whether the client has disconnected (``Request.is_disconnected``: the
server reports a closed connection as ``http.disconnect``); if so it sets the event, and
the engine skips or stops the work (see ``engine``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

POLL = 0.2  # seconds between looks at the connection
T = TypeVar("T")


async def run_watched(request: Request, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(*args, cancel=event, **kwargs)`` in a thread; the event is set if the client
    disconnects before it is done."""
    gone = threading.Event()

    async def watch() -> None:
        while not await request.is_disconnected():
            await anyio.sleep(POLL)
        gone.set()

    if await request.is_disconnected():  # already gone (the page's next article): skip it
        gone.set()
    failure: Exception | None = None
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(watch)
        try:
            result = await run_in_threadpool(work, *args, cancel=gone, **kwargs)
        except Exception as e:  # raised out here, not inside the group (an ExceptionGroup)
            failure = e
        finally:
            tasks.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return result
