"""The server's settings and the checks made before the model loads.

Apart from the package so that the app and the engine read the defaults without
importing the package that imports them (no import cycle), and without FastAPI.
"""

from __future__ import annotations

import socket
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


# How each size option is read: its examples, and what 0 means (None: 0 is refused).
_SIZES = {
    "--max-body": ("10MB, 512kB, 10485760", None, "byte"),
    "--max-text": ("200000, 200k", "no cap", "character"),
    "--max-batch-text": ("2000000, 2M", "no cap", "character"),
}


def size_option(value: str, flag: str) -> int | None:
    """A size given on the command line (``10MB``, ``512k``, ``1GiB``, ``200000``), read
    as ``--max-bytes`` reads it. ``0`` or ``none`` is None (no cap) for the character
    caps; --max-body has no unlimited setting, so it refuses 0 and never offers it."""
    from ..io.readers import parse_size

    examples, zero, unit = _SIZES[flag]
    return parse_size(value, flag, examples=examples, zero=zero, unit=unit)


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
