"""Run (or resume) a search into ``DIR/seek.duckdb`` with a progress bar, then write its outputs.

The executor (in-process, a local pool, or a Dask cluster) starts once with the search's context and
serves every batch; each finished chunk of runs is stored in one transaction as it arrives, so a
killed search loses at most the chunks in flight and ``--resume`` replays the rest from the store.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from simulate.seek.evaluate import STORE_NAME, Evaluator, SeekFailed, context, open_store, progress
from simulate.seek.plan import Seek
from simulate.seek.search import SearchResult, run_search
from simulate.sweep.executors import WorkerFailure, make_executor
from simulate.sweep.store import StoreError


@dataclass
class SeekRun:
    """A finished (or interrupted) search."""

    seek: Seek
    out: Path
    result: SearchResult
    evaluator: Evaluator
    executor: str
    workers: int
    already: int
    elapsed_s: float
    status: str

    @property
    def runs(self) -> int:
        """Runs stored now."""
        return self.already + self.evaluator.ran


class _Bar:
    """A rich progress bar (runs, runs/s, phase, best cost so far) on a terminal; silent otherwise."""

    def __init__(self, total: int, show: bool | None) -> None:
        self.show = sys.stderr.isatty() if show is None else show
        self.total, self._p, self._task = total, None, None

    def __enter__(self) -> _Bar:
        if self.show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._p = Progress(TextColumn("seek"), TextColumn("{task.description}"), BarColumn(),
                               MofNCompleteColumn(), TextColumn("runs"), TimeElapsedColumn(),
                               console=Console(stderr=True))
            self._p.__enter__()
            self._task = self._p.add_task("", total=self.total)
        return self

    def phase(self, name: str) -> None:
        """Show the current step."""
        if self._p is not None:
            self._p.update(self._task, description=f"[{name}]")

    def advance(self, n: int) -> None:
        """Count ``n`` more runs."""
        if self._p is not None:
            self._p.advance(self._task, n)

    def __exit__(self, *exc) -> None:
        if self._p is not None:
            self._p.__exit__(*exc)


def run_seek(seek: Seek, out: str | Path, *, workers: int = 1, scheduler: str | None = None, resume: bool = False,
             show_progress: bool | None = None) -> SeekRun:
    """Search for the cheapest lever mix; results stream into ``out/seek.duckdb``.

    Raises:
        StoreError: the store exists without ``resume``, holds another search, or is in use.
        SeekFailed: runs failed or a worker died (what is stored is kept).
    """
    out = Path(out)
    start = time.perf_counter()
    if (out / STORE_NAME).exists() and not resume:
        raise StoreError(f"{out / STORE_NAME} already exists: add --resume to continue that search, or choose "
                         "another --out")
    executor = make_executor(workers, scheduler)
    try:
        executor.start(context(seek))
        store = open_store(seek, out, resume)
    except BaseException:
        executor.close()
        raise
    spec = seek.spec
    total = spec.search.runs + spec.confirm.candidates * spec.confirm.replications
    status = "failed"
    session = store.begin_session(executor.name, executor.workers)
    ev = Evaluator(seek, out, executor, store, session)
    already = ev.load_stored()
    result = SearchResult()
    try:
        with _Bar(total, show_progress) as bar:
            last = [0.0]

            def ran(n: int) -> None:
                bar.advance(n)
                if time.monotonic() - last[0] > 1.0:
                    last[0] = time.monotonic()
                    progress(out, phase=current[0], stored=already + ev.ran, status="running")

            current = ["start"]
            ev.on_runs = ran

            def phase(name: str) -> None:
                current[0] = name
                bar.phase(name)
                progress(out, phase=name, stored=already + ev.ran, status="running")

            result = run_search(seek, ev, phase)
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
    except WorkerFailure as exc:
        raise SeekFailed(f"{exc}; the runs stored so far are kept: continue with --resume") from None
    finally:
        try:
            executor.close()
        except Exception:  # closing a broken pool must not hide the first error
            pass
        store.end_session(session, ev.ran, 0, status)
        progress(out, phase="done", stored=already + ev.ran, status=status)
        store.close()
    return SeekRun(seek, out, result, ev, executor.name, executor.workers, already, time.perf_counter() - start,
                   status)
