"""BLAS on one thread for many small float32 products (the story step's hot loops).

OpenBLAS splits a matrix product over every core once it has about 260,000
multiply-adds: a story's sentences against each other (100 x 100 x 256) or two
articles' sentences (40 x 60 x 384) already qualify. For products that small the
threads' start-up and spin-wait cost far more than the product: measured on 2 busy
cores, a 100 x 100 x 256 float32 product took 0.07 ms of CPU on one thread and
10 ms on two (36 ms wall); the digest's story step on 3,000 articles told ten times
each went from 20 to 10 CPU seconds.

One thread gives the same float32 values: OpenBLAS chooses its kernel before the
thread count, and its threads split a product by rows and columns, never along the
sum (tests/test_blas.py checks it on the sizes the digest meets). Not so for float64,
whose products of 100 or more rows came out different in the last bits: only wrap
float32 work.

The limit is process-wide (BLAS has no per-thread setting): nested and concurrent
uses share it, and the thread count in force before the first is restored when the
last one ends. The server runs one request at a time, the digest's story step runs
alone in its process, so no float64 work of another thread runs under it there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

_lock = threading.Lock()
_depth = 0
_restore: Any = None  # the active limit (threadpoolctl's), while _depth > 0


@cache
def _controller() -> Any:
    """The loaded BLAS libraries, found once (about 1 ms a look)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def one_thread() -> Iterator[None]:
    """BLAS on one thread inside the block; the earlier thread count after it."""
    global _depth, _restore
    with _lock:
        if _depth == 0:
            _restore = _controller().limit(limits=1, user_api="blas")
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _restore.restore_original_limits()
                _restore = None
