"""A rich progress bar for a digest: documents, documents/s and time left, per stage."""

from __future__ import annotations

from types import TracebackType

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
