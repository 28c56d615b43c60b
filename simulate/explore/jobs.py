"""Replications in a process pool owned by the app: one job per browser tab, the newest one wins.

Each browser tab has a session id (a random token the page holds in memory, so two tabs never share
one). :meth:`Runner.submit` starts a job for a session and supersedes the session's earlier job: its
replications not yet started are cancelled, and those already running finish but are ignored (every
job carries a generation number; only the session's newest is ever shown). The base scenario's
replications are computed once per process and shared by every job and session; a variant is
simulated on the same seed, so replication *i* of both uses ``SeedSequence(seed, spawn_key=(i,))``
(common random numbers).

Work per request is bounded: at most :data:`simulate.explore.MAX_REPLICATIONS` replications, the base
scenario's horizon, one live job per session and :attr:`Runner.max_sessions` sessions kept.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulate.explore import MAX_REPLICATIONS
from simulate.scenario import Scenario


def declared_draws(loaded: Any, seed: int) -> tuple[tuple, Any]:
    """The base scenario's uncertain parameters and their draws (``uncertain``, ``parameter_draws`` of :class:`Runner`).

    One row per replication up to :data:`~simulate.explore.MAX_REPLICATIONS`: what
    ``simulate.run(..., design_replications=MAX_REPLICATIONS)`` draws.
    """
    from simulate.uncertainty import declared, draws

    uncertain = declared(loaded)
    if not uncertain:
        return (), None
    return uncertain, draws(uncertain, seed, MAX_REPLICATIONS)[[u.name for u in uncertain]].to_numpy(float)


def replicate(sc: Scenario, seed: int, replication: int, topics: frozenset[str] | None,
              uncertain: tuple = (), row: Any = None) -> pd.DataFrame:
    """One replication's tidy frame (runs in a worker process); ``attrs["cpu_seconds"]`` is the CPU time it took.

    With ``uncertain``, the replication simulates ``sc`` with the parameter draws ``row`` written in, as
    :func:`simulate.run` does.
    """
    from simulate.engine import simulate_replication
    from simulate.uncertainty.sample import apply_row

    start = time.process_time()
    if uncertain:
        sc = apply_row(sc, uncertain, row)
    frame = simulate_replication(sc, seed, replication, topics=topics).frame
    frame.attrs["cpu_seconds"] = time.process_time() - start
    return frame


def _watch(app_pid: int, every: float = 2.0) -> None:
    """Worker initializer: leave when the app's process is gone (a killed app must not leave idle workers)."""
    import os

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(app_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # pragma: no cover - the pid was reused by another user's process
                os._exit(0)

    threading.Thread(target=watch, name="explore-watchdog", daemon=True).start()


def _warm() -> int:
    import simulate.engine  # noqa: F401  (import the engine before the first request)

    return 0


@dataclass
class Job:
    """One request of one session: the variant's replications and what becomes of them.

    Attributes:
        session: the browser tab's session id.
        generation: increases with every request of the session; only the newest is shown.
        reps: replications.
        payload: what the request asked for (the variant), handed to the finisher.
        futures: the variant's replications (empty when the variant is the base scenario).
        base: the base scenario's replications this job needs (shared with other jobs).
        state: ``running``, ``done``, ``error`` or ``superseded``.
        result: what the finisher made of the frames (when ``done``).
        error: the message when ``error``.
        started: ``time.perf_counter()`` at submission.
        seconds: wall time from submission to ``done``.
        cpu_seconds: CPU time of the variant's replications in the workers.
        pending_base: the base replications not yet done at submission (counted in the progress).
    """

    session: str
    generation: int
    reps: int
    payload: Any
    futures: list[Future] = field(default_factory=list)
    base: list[Future] = field(default_factory=list)
    state: str = "running"
    result: Any = None
    error: str = ""
    started: float = field(default_factory=time.perf_counter)
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    pending_base: list[Future] = field(default_factory=list)

    def progress(self) -> tuple[int, int]:
        """(replications done, replications to do): the variant's, and the base's not done at submission."""
        todo = self.futures + self.pending_base
        return sum(f.done() for f in todo), len(todo)


@dataclass
class Session:
    """A browser tab's jobs: the newest, and the newest that finished (still shown while another runs)."""

    generation: int = 0
    job: Job | None = None
    shown: Job | None = None


Finisher = Callable[[Job, list[pd.DataFrame], list[pd.DataFrame]], Any]
"""Turns a finished job's base and variant frames into what the page shows (runs in a thread)."""


class Runner:
    """The app's process pool, its sessions and the base scenario's replications.

    Args:
        base: the base scenario.
        seed: the root seed shared by base and variants.
        workers: worker processes.
        finish: called with (job, base frames, variant frames) when all of a job's replications are done.
        topics: recording topics of each replication (``None``: all).
        max_sessions: sessions kept; the least recently used is forgotten beyond this.
        uncertain: the base scenario's declared uncertain parameters (none: parameters at their centre).
        parameter_draws: their Latin-hypercube draws, one row per replication up to
            :data:`~simulate.explore.MAX_REPLICATIONS`: replication ``r`` of the base and of every variant
            uses row ``r``, as ``simulate.run(..., design_replications=MAX_REPLICATIONS)`` does.
    """

    def __init__(self, base: Scenario, seed: int, workers: int, finish: Finisher,
                 topics: frozenset[str] | None = None, max_sessions: int = 32, uncertain: tuple = (),
                 parameter_draws: Any = None) -> None:
        self.base = base
        self.uncertain = tuple(uncertain)
        self.parameter_draws = parameter_draws
        self.seed = int(seed)
        self.workers = max(1, int(workers))
        self.finish = finish
        self.topics = topics
        self.max_sessions = max_sessions
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._base: dict[int, Future] = {}
        ctx = multiprocessing.get_context("forkserver")  # never fork the threaded web server
        ctx.set_forkserver_preload(["simulate.engine", "simulate.explore.jobs"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_watch,
                                         initargs=(os.getpid(),))

    # -- base scenario ---------------------------------------------------------------------------
    def warm(self, reps: int) -> list[Future]:
        """Start the workers and the base scenario's first ``reps`` replications (returns their futures)."""
        for f in [self._pool.submit(_warm) for _ in range(self.workers)]:
            f.result()
        with self._lock:
            return self._base_futures(reps)

    def _base_futures(self, reps: int) -> list[Future]:
        for r in range(reps):
            f = self._base.get(r)
            if f is None or f.cancelled() or (f.done() and f.exception() is not None):
                self._base[r] = self._pool.submit(replicate, self.base, self.seed, r, self.topics, *self._draw(r))
        return [self._base[r] for r in range(reps)]

    # -- jobs ------------------------------------------------------------------------------------
    def submit(self, session: str, reps: int, payload: Any, scenario: Scenario | None) -> Job:
        """Start a job for a session; the session's earlier job is superseded.

        Args:
            session: the tab's session id.
            reps: replications (1 to :data:`~simulate.explore.MAX_REPLICATIONS`).
            payload: handed to the finisher with the frames.
            scenario: the variant to simulate; ``None`` when it is the base scenario (nothing new is run).
        """
        if not 1 <= int(reps) <= MAX_REPLICATIONS:
            raise ValueError(f"replications must be 1–{MAX_REPLICATIONS}, not {reps}")
        if scenario is not None and scenario.horizon > self.base.horizon:
            raise ValueError(f"horizon {scenario.horizon} is after the base scenario's {self.base.horizon}")
        with self._lock:
            s = self._session(session)
            old = s.job
            s.generation += 1
            job = Job(session, s.generation, int(reps), payload)
            job.base = self._base_futures(job.reps)
            job.pending_base = [f for f in job.base if not f.done()]
            if scenario is not None:
                job.futures = [self._pool.submit(replicate, scenario, self.seed, r, self.topics, *self._draw(r))
                               for r in range(job.reps)]
            s.job = job
            if old is not None and old.state == "running":
                self._supersede(old)
        threading.Thread(target=self._wait, args=(job,), name=f"explore-{session[:8]}-{job.generation}",
                         daemon=True).start()
        return job

    def _draw(self, r: int) -> tuple:
        """``(uncertain, row)`` of replication ``r`` (empty when parameters stay central)."""
        if not self.uncertain:
            return ()
        return (self.uncertain, tuple(float(x) for x in self.parameter_draws[r]))

    def _session(self, session: str) -> Session:
        s = self._sessions.get(session)
        if s is None:
            s = self._sessions[session] = Session()
            while len(self._sessions) > self.max_sessions:
                _, gone = self._sessions.popitem(last=False)
                if gone.job is not None and gone.job.state == "running":
                    self._supersede(gone.job)
        self._sessions.move_to_end(session)
        return s

    @staticmethod
    def _supersede(job: Job) -> None:
        job.state = "superseded"
        for f in job.futures:
            f.cancel()  # pending ones never start; a running one finishes and is ignored

    def _wait(self, job: Job) -> None:
        wait(job.futures + job.base)
        if job.state != "running":
            return
        try:
            base = [f.result() for f in job.base]
            frames = [f.result() for f in job.futures] or base
            result = self.finish(job, base, frames)
        except CancelledError:
            return
        except Exception as exc:  # a failed replication or summary is shown in the page
            with self._lock:
                if job.state == "running":
                    job.state, job.error = "error", f"{type(exc).__name__}: {exc}"
            return
        with self._lock:
            if job.state != "running":
                return
            job.result, job.seconds, job.state = result, time.perf_counter() - job.started, "done"
            job.cpu_seconds = sum(f.attrs.get("cpu_seconds", 0.0) for f in frames) if job.futures else 0.0
            s = self._sessions.get(job.session)
            if s is not None and s.job is job:
                s.shown = job

    def job(self, session: str, generation: int | None = None) -> Job | None:
        """The session's newest job (or ``None`` if it has none, or its newest is not ``generation``)."""
        with self._lock:
            s = self._sessions.get(session)
            job = s.job if s is not None else None
        if job is None or (generation is not None and job.generation != generation):
            return None
        return job

    def shown(self, session: str) -> Job | None:
        """The session's newest finished job."""
        with self._lock:
            s = self._sessions.get(session)
            return s.shown if s is not None else None

    def close(self) -> None:
        """Cancel what has not started and stop the workers."""
        with self._lock:
            for s in self._sessions.values():
                if s.job is not None and s.job.state == "running":
                    self._supersede(s.job)
        self._pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["Finisher", "Job", "Runner", "Session", "replicate"]
