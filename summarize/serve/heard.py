"""The warnings a request's work says, kept for its answer instead of only the server's log.

The pipeline says what it did differently from what was asked with Python warnings: a
model with no calibrated duplicate decision (``UncalibratedModelWarning``: the fallback
was used, e.g. cross-lingual duplicates with ``--fast``), NUL characters read as spaces
(``InputWarning``). The command line prints them on stderr; a server printed them on
*its* stderr, and the client never learnt that its answer was made differently. Here
:func:`heard` collects them while a request's work runs, as one-line strings for the
answer's ``warnings`` (docs/serve.md); the server's stderr still logs each distinct one
once.

Python's warning machinery is process-wide (filters, ``showwarning``), so one request
hears at a time (``_HEARING``): the model work already runs one request at a time
(``engine.Engine``), and a page's upload being read waits for it. Warnings of other
kinds, or from another thread, go where they went before, with one difference while a
request hears: the "always" filter is process-wide, so a warning of these kinds said by
another thread in that time is printed each time, not once per place.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..dedup.calibration import UncalibratedModelWarning, warn_afresh
from ..errors import InputWarning

# What a request is told: the pipeline's own warnings about the work it did for it.
TOLD = (InputWarning, UncalibratedModelWarning)
LOGGED_MAX = 1000  # distinct warnings remembered as logged (NUL positions differ per text)

_HEARING = threading.Lock()
_logged: set[str] = set()


@contextmanager
def heard() -> Iterator[list[str]]:
    """The warnings of :data:`TOLD` kinds said by this thread inside the block, each
    once, in order, as one line; each said again even if it was said to an earlier
    request (Python's "once per place" memory and the uncalibrated model's "once per
    run" are set aside for the block). After the block, each one the server has not
    logged yet is warned again, through the server's own filters and printer."""
    with _HEARING:
        ear = _Ear(threading.get_ident())
        try:
            with warnings.catch_warnings(), warn_afresh():
                ear.before = warnings.showwarning
                for kind in TOLD:  # every time, not once per place: each request hears its own
                    warnings.filterwarnings("always", category=kind)
                warnings.showwarning = ear
                yield ear.said
        finally:
            _log(ear.to_log)


@dataclass
class _Ear:
    """``warnings.showwarning`` while a request hears: its own kinds, said in its own
    thread, are kept; anything else goes to the printer that was there before."""

    thread: int
    said: list[str] = field(default_factory=list)
    to_log: list[warnings.WarningMessage] = field(default_factory=list)
    before: Callable[..., Any] = warnings.showwarning

    def __call__(self, message: Any, category: type[Warning], filename: str, lineno: int,
                 *rest: Any) -> None:  # fmt: skip
        if not (issubclass(category, TOLD) and threading.get_ident() == self.thread):
            self.before(message, category, filename, lineno, *rest)
            return
        text = one_line(str(message))
        if text not in self.said:
            self.said.append(text)
        if text not in _logged:
            self.to_log.append(warnings.WarningMessage(message, category, filename, lineno))


def _log(heard: list[warnings.WarningMessage]) -> None:
    """The server's log: each distinct warning once (``summarize: warning: ...`` on the
    stderr of ``summarize serve``), as its filters allow."""
    for w in heard:
        text = one_line(str(w.message))
        if text in _logged:
            continue
        if len(_logged) >= LOGGED_MAX:
            _logged.clear()
        _logged.add(text)
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def one_line(message: str) -> str:
    return " ".join(message.split())
