"""`summarize serve`: a web page for editors and an HTTP API, on FastAPI and uvicorn.

The model is loaded once, before the server accepts connections; every request shares
it (``engine.Engine``). ``app.create_app`` builds the ASGI app around an engine, so tests
and other ASGI servers can use it with any encoder; :func:`serve` is what the command runs.

FastAPI and uvicorn are the ``serve`` extra (``pip install "summarize[serve]"``); they are
imported only here, never by the rest of the package.
"""

from __future__ import annotations

import logging
import sys

from ..errors import SummarizeError
from .options import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    LOOPBACK,
    MAX_BATCH_TEXT,
    MAX_BODY,
    MAX_TEXT,
    ServeOptions,
    check,
    size_option,
)

__all__ = [
    "DEFAULT_HOST", "DEFAULT_PORT", "LOOPBACK", "MAX_BATCH_TEXT", "MAX_BODY", "MAX_TEXT",
    "ServeOptions", "check", "serve", "size_option",
]  # fmt: skip


def serve(summarizer, options: ServeOptions | None = None) -> None:
    """Load the model, then serve until interrupted (Ctrl-C or SIGTERM stop it cleanly)."""
    options = options or ServeOptions()
    try:
        import uvicorn

        from .app import create_app
        from .engine import Engine, Limits
    except ImportError as e:
        raise SummarizeError(
            f"summarize serve needs the serve extra ({e.name} is missing): "
            'pip install "summarize[serve]"'
        ) from None
    check(options)
    log_to_stderr(options.log_level)
    engine = Engine(summarizer, Limits(options.max_text, options.max_batch_text))
    sys.stderr.write("summarize serve: loading the model…\n")
    engine.load()
    app = create_app(engine, max_body=options.max_body)
    sys.stderr.write(
        f"summarize serve: model {engine.model_name} ready; "
        f"open http://{_shown(options.host)}:{options.port}/ (API docs at /docs)\n"
    )
    if options.host not in LOOPBACK:
        sys.stderr.write(
            f"summarize serve: warning: listening on {options.host} with no authentication; "
            "anyone who can reach it can use it (see docs/serve.md)\n"
        )
    sys.stderr.flush()
    uvicorn.run(app, host=options.host, port=options.port, log_level=options.log_level)


def log_to_stderr(level: str = "info") -> None:
    """The server's own log lines (``summarize.serve``: a client that went away, a
    request that failed) on stderr, as ``summarize serve: ...``. Without a handler,
    Python prints only warnings and errors, and ``info`` lines were lost."""
    log = logging.getLogger("summarize.serve")
    number = logging.getLevelName(level.upper())  # uvicorn's names; its "trace" is not one
    log.setLevel(number if isinstance(number, int) else logging.DEBUG)
    if not any(getattr(h, "summarize_serve", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("summarize serve: %(message)s"))
        handler.summarize_serve = True  # type: ignore[attr-defined]
        log.addHandler(handler)
        log.propagate = False  # said once, even if something configures the root logger


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
