"""`summarize serve`: a web page for editors and an HTTP API, on FastAPI and uvicorn.

The model is loaded once, before the server accepts connections; every request shares
it (``engine.Engine``). ``app.create_app`` builds the ASGI app around an engine, so tests
and other ASGI servers can use it with any encoder; :func:`serve` is what the command runs.

FastAPI and uvicorn are the ``serve`` extra (``pip install "summarize[serve]"``); they are
imported only here, never by the rest of the package.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass

from ..errors import ConfigError, SummarizeError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Defined here, not in .engine: this module must import without FastAPI.
MAX_BODY = 10 * 1024 * 1024  # bytes of one request: far above any article, far below RAM
# Characters of one text (a summary's or cleaning's text, one article of a batch): about
# 40 printed pages, where a news article is 3,000-10,000. The time one text takes grows
# with its length (665,000 characters took 173 s with the default model on 2 cores; at
# the cap, 53 s under heavy load, docs/serve.md) and the model serves one request at a
# time: the cap bounds everyone's wait.
MAX_TEXT = 200_000
MAX_BATCH_TEXT = 2_000_000  # characters of all the texts of one request (a batch, the page)


@dataclass(frozen=True)
class ServeOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_body: int = MAX_BODY
    log_level: str = "info"
    max_text: int | None = MAX_TEXT  # None: no cap
    max_batch_text: int | None = MAX_BATCH_TEXT


def size_option(value: str, flag: str) -> int | None:
    """A size given on the command line (``10MB``, ``512k``, ``1GiB``, ``200000``), read
    as ``--max-bytes`` reads it; ``0`` or ``none``: None (no limit)."""
    from ..io.readers import parse_size

    try:
        return parse_size(value)
    except ConfigError as e:
        raise ConfigError(str(e).replace("--max-bytes", flag, 1)) from None


def check(options: ServeOptions) -> None:
    """Mistakes found before the model is loaded: a bad port or limit (``ConfigError``,
    a usage error), an address that cannot be listened on (``SummarizeError``)."""
    if not 0 < options.port < 65536:
        raise ConfigError(f"--port must be in 1..65535 (got {options.port})")
    if options.max_body is None or options.max_body < 1:
        raise ConfigError(f"--max-body must be at least 1 byte (got {options.max_body or 0})")
    caps = (("--max-text", options.max_text), ("--max-batch-text", options.max_batch_text))
    for flag, cap in caps:
        if cap is not None and cap < 1:
            raise ConfigError(f"{flag} must be at least 1 character, or 0 for no cap (got {cap})")
    try:
        family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((options.host, options.port))
    except OSError as e:
        raise SummarizeError(
            f"cannot listen on {options.host}:{options.port}: {e.strerror or e}"
        ) from None


def serve(summarizer, options: ServeOptions = ServeOptions()) -> None:
    """Load the model, then serve until interrupted (Ctrl-C or SIGTERM stop it cleanly)."""
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


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
