"""Where runs execute: in this process, a local process pool, or a dask.distributed cluster.

Each executor takes an iterator of task chunks and yields the chunks' outcome rows as they finish,
keeping only a bounded number of chunks in flight: nothing accumulates in the parent, whatever the
sweep's size. Outcomes do not depend on the executor (a run's numbers are fixed by its scenario and
seed), so ``--workers 1``, ``--workers 2`` and a cluster give identical stores.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from simulate.sweep.worker import Context, Task, init_process, run_chunk, run_chunk_pooled, untune_malloc

Rows = list[dict[str, Any]]

DASK_WORKER_CONFIG = {
    # glibc stops adapting its mmap threshold once MALLOC_TRIM_THRESHOLD_ is set: every large numpy
    # temporary is then mmap'ed and unmapped again (5–12% slower runs measured); None unsets it.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # the statistical profiler samples every worker thread each 10 ms (≈3%)
    "distributed.worker.profile.enabled": False,
    # import the model while the cluster starts, not in the first task
    "distributed.worker.preload": ["simulate.sweep.worker"],
    # the event loop's 20 ms tick and 100 ms memory poll take the GIL from the running task
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask configuration for clusters talentsim starts itself (tests, benchmark, ``--scheduler local``)."""


class WorkerFailure(RuntimeError):
    """The execution backend failed (a worker process died, the cluster went away)."""


class SchedulerUnreachable(WorkerFailure):
    """No Dask scheduler answers at the address given."""


class InlineExecutor:
    """Runs in this process, one chunk at a time (``--workers 1``)."""

    name = "in-process"

    def __init__(self) -> None:
        self.workers = 1
        self._ctx: Context | None = None

    def start(self, ctx: Context) -> None:
        """Keep the context."""
        self._ctx = ctx

    def map_chunks(self, chunks: Iterator[list[Task]]) -> Iterator[Rows]:
        """Yield each chunk's rows."""
        for chunk in chunks:
            yield run_chunk(self._ctx, chunk)

    def close(self) -> None:
        """Nothing to release."""


def _ready() -> bool:
    return True


class PoolExecutor:
    """A local process pool, started before the store opens.

    Workers are forked from this process when it has no other thread (they start in milliseconds,
    with everything imported); otherwise a forkserver (preloaded with the worker module) forks them,
    which is safe beside other threads but needs the usual ``if __name__ == "__main__":`` guard in
    scripts.
    """

    name = "local processes"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def start(self, ctx: Context) -> None:
        """Start the worker processes (each receives the context once) and wait until they answer."""
        if threading.active_count() == 1 and sys.platform == "linux":
            mp = multiprocessing.get_context("fork")
        else:
            mp = multiprocessing.get_context("forkserver")
            mp.set_forkserver_preload(["simulate.sweep.worker"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp, initializer=init_process,
                                         initargs=(ctx,))
        for fut in [self._pool.submit(_ready) for _ in range(self.workers)]:
            fut.result()

    def map_chunks(self, chunks: Iterator[list[Task]]) -> Iterator[Rows]:
        """Yield chunks' rows as they complete, at most ``2 × workers`` chunks in flight."""
        pending: set = set()
        source = iter(chunks)

        def fill() -> None:
            while len(pending) < 2 * self.workers:
                chunk = next(source, None)
                if chunk is None:
                    return
                pending.add(self._pool.submit(run_chunk_pooled, chunk))

        try:
            fill()
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    try:
                        rows = fut.result()
                    except Exception as exc:  # BrokenProcessPool: a worker was killed
                        raise WorkerFailure(f"a worker process failed: {type(exc).__name__}: {exc}") from None
                    yield rows
                fill()
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        """Stop the pool (running chunks finish; queued ones are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """An existing dask.distributed cluster (``--scheduler tcp://host:port``), or one started here.

    The context is scattered to every worker once; chunks are submitted with ``pure=False`` and
    collected with ``as_completed``, at most ``2 × threads`` in flight. Workers need talentsim installed.
    On a cluster it did not start, the workers' profiler is paused for the sweep and their allocator
    tuned (:func:`simulate.sweep.worker.tune_malloc`); both are given back at the end
    (``TALENTSIM_DASK_TUNE=0`` / ``TALENTSIM_MALLOC_TUNE=0`` leave the workers alone).
    """

    name = "dask"

    def __init__(self, address: str | None = None, *, cluster: Any = None, timeout: float | None = None) -> None:
        from distributed import Client

        self._own_cluster = None
        if cluster is None and address is None:
            raise ValueError("a scheduler address or a cluster is needed")
        timeout = timeout if timeout is not None else float(os.environ.get("TALENTSIM_DASK_TIMEOUT", "10"))
        try:
            self.client = Client(cluster if cluster is not None else address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler {address}: {exc}") from None
        self.address = self.client.scheduler.address
        self.workers = 0
        self._paused: dict = {}
        self._ctx: Context | None = None
        self._ctx_future = None

    @classmethod
    def local(cls, workers: int) -> DaskExecutor:
        """Start a LocalCluster on 127.0.0.1 (one single-threaded process per worker, tuned) and use it."""
        import dask
        from distributed import LocalCluster

        with dask.config.set(DASK_WORKER_CONFIG):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None)
        ex = cls(cluster=cluster)
        ex._own_cluster = cluster
        return ex

    def start(self, ctx: Context) -> None:
        """Wait for a worker, pause the profilers of a cluster started elsewhere, scatter the context."""
        self.client.wait_for_workers(1, timeout=60)
        self.workers = max(1, sum(self.client.nthreads().values()))
        if self._own_cluster is None and os.environ.get("TALENTSIM_DASK_TUNE") != "0":
            self._paused = self.client.run(_profiler, False)
        self._ctx = ctx
        self._ctx_future = self.client.scatter(ctx, broadcast=True, hash=False)

    def map_chunks(self, chunks: Iterator[list[Task]]) -> Iterator[Rows]:
        """Yield chunks' rows as they complete."""
        from distributed import as_completed

        ctx, ctx_future = self._ctx, self._ctx_future
        source = iter(chunks)
        ac = as_completed(loop=self.client.loop)
        in_flight = 0

        def fill() -> None:
            nonlocal in_flight
            while in_flight < 2 * self.workers:
                chunk = next(source, None)
                if chunk is None:
                    return
                key = f"talentsim-sweep-{ctx.key[:10]}-{chunk[0][0]}"
                ac.add(self.client.submit(run_chunk, ctx_future, chunk, pure=False, key=key))
                in_flight += 1

        try:
            fill()
            for fut in ac:
                in_flight -= 1
                try:
                    rows = fut.result()
                except Exception as exc:
                    raise WorkerFailure(f"a Dask task failed: {type(exc).__name__}: {exc}") from None
                fut.release()
                yield rows
                fill()
        finally:
            for fut in list(ac.futures):
                fut.cancel()
            ac.clear()

    def close(self) -> None:
        """Disconnect (and stop the cluster if this executor started it); others' workers get their settings back."""
        if self._own_cluster is None:
            try:
                paused = [w for w, was in self._paused.items() if was]
                if paused:
                    self.client.run(_profiler, True, workers=paused)
                self.client.run(untune_malloc)
            except Exception:  # a worker that left needs nothing back
                pass
        if self._ctx_future is not None:
            self._ctx_future.release()
        self.client.close()
        if self._own_cluster is not None:
            self._own_cluster.close()


def _profiler(enable: bool, dask_worker=None) -> bool:
    """Stop (or restart) a Dask worker's statistical profiler; returns whether it was running."""
    was = False
    for name in ("profile", "profile-cycle"):
        pc = dask_worker.periodic_callbacks.get(name) if dask_worker is not None else None
        if pc is not None:
            was = was or pc.is_running()
            pc.start() if enable else pc.stop()
    return was


def make_executor(workers: int, scheduler: str | None):
    """``--workers``/``--scheduler`` → an executor (``--scheduler local`` starts a LocalCluster of ``workers``)."""
    if scheduler == "local":
        return DaskExecutor.local(workers)
    if scheduler:
        return DaskExecutor(scheduler)
    return InlineExecutor() if workers == 1 else PoolExecutor(workers)
