"""The sweep's progress bar: runs done, runs/s and ETA (rich), on a terminal only by default."""

from __future__ import annotations

import sys


class Progress:
    """A rich progress bar (runs done, runs/s, ETA) on a terminal; silent otherwise."""

    def __init__(self, total: int, show: bool | None) -> None:
        self.show = sys.stderr.isatty() if show is None else show
        self.total = total
        self._p = None

    def __enter__(self) -> Progress:
        if self.show:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                ProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.text import Text

            class Rate(ProgressColumn):
                def render(self, task) -> Text:
                    speed = task.finished_speed or task.speed
                    return Text("— runs/s" if speed is None else f"{speed:.1f} runs/s")

            self._p = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), Rate(), TextColumn("ETA"),
                               TimeRemainingColumn(), TimeElapsedColumn(), console=Console(stderr=True),
                               speed_estimate_period=60)
            self._p.__enter__()
            self._task = self._p.add_task("runs", total=self.total)
        return self

    def advance(self, n: int) -> None:
        """Count ``n`` more runs done."""
        if self._p is not None:
            self._p.advance(self._task, n)

    def __exit__(self, *exc) -> None:
        if self._p is not None:
            self._p.__exit__(*exc)
