"""Progress of long work (a digest, several files): a rich bar on a terminal, plain
lines when stderr is a log or a pipe; documents, documents/s and time left, per stage."""

from __future__ import annotations

import contextlib
import sys
import time
from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f} docs/s", style="progress.data.speed")


def _is_tty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


class RichProgress:
    """Implements :class:`summarize.digest.runner.Progress`; use as a context manager."""

    def __init__(self, console: Console) -> None:
        self._bar = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            _Rate(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
            # Prints to stdout go above the bar only when stdout is that terminal too:
            # rich sends them to its console (stderr), which would steal the results of
            # `summarize digest ... > out.jsonl` from the file.
            redirect_stdout=_is_tty(sys.stdout),
        )
        self._task: int | None = None

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()
        self._bar.stop()

    def _close(self) -> None:
        """Show the current stage as complete."""
        if self._task is not None:
            self._bar.update(self._task, total=self._bar.tasks[-1].completed)

    def stage(self, name: str, total: int | None, done: int = 0) -> None:
        self._close()
        self._task = self._bar.add_task(name, total=total, completed=done)
        # Documents done by an earlier run must not count toward this run's speed.
        self._bar.reset(self._task, total=total, completed=done)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, n)


class LineProgress:
    """Progress as plain lines on a stream that is not a terminal (a log, a pipe).

    Nothing for work shorter than ``every`` seconds; then at most a line every ``every``
    seconds, and one when the stage ends: enough to see a long run is alive, never a
    flood of redraws, and no noise around a quick one.
    """

    def __init__(self, stream: IO[str], every: float = 10.0, unit: str = "docs") -> None:
        self._out = stream
        self._every = every
        self._unit = unit
        self._name: str | None = None
        self._total: int | None = None
        self._done = self._start_done = 0
        self._start = self._last = 0.0
        self._spoke = False  # a line of this stage was written: its end is written too

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._spoke and exc[0] is None:
            self._line(final=True)

    def stage(self, name: str, total: int | None, done: int = 0) -> None:
        if self._spoke:
            self._line(final=True)
        self._name, self._total, self._done, self._start_done = name, total, done, done
        self._start = self._last = time.monotonic()
        self._spoke = False

    def advance(self, n: int = 1) -> None:
        self._done += n
        if time.monotonic() - self._last >= self._every:
            self._line()

    def _line(self, final: bool = False) -> None:
        self._spoke = True
        now = time.monotonic()
        self._last = now
        secs = now - self._start
        of = f"/{self._total}" if self._total else ""
        rate = (self._done - self._start_done) / secs if secs > 0 else 0.0
        state = "done" if final else "at"
        unit = self._unit
        self._write(
            f"{self._name}: {state} {self._done}{of} {unit}, {secs:.0f} s, {rate:.1f} {unit}/s"
        )

    def _write(self, text: str) -> None:
        self._out.write(f"summarize: {text}\n")
        self._out.flush()


def progress_for(console: Console, quiet: bool = False):  # -> a Progress context manager
    """A rich bar on a terminal, plain lines on stderr otherwise, nothing when ``quiet``."""
    if quiet:
        return contextlib.nullcontext(None)
    if console.is_terminal:
        return RichProgress(console)
    return LineProgress(sys.stderr)
