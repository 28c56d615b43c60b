"""Run a sweep: design → tasks → executor → store, with progress and resume.

The parent builds the design, skips run_ids already stored (``resume``), feeds task chunks to the
executor and writes finished rows to the store in batches (one transaction each, at most every
``flush_s`` seconds or ``flush_rows`` rows). It holds no results: memory is flat however many runs
accumulate.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulate.api import package_version
from simulate.sweep.executors import make_executor
from simulate.sweep.plan import Sweep
from simulate.sweep.progress import Progress
from simulate.sweep.sampling import Design, design_for
from simulate.sweep.store import STORE_NAME, Store, StoreError, write_progress
from simulate.sweep.worker import Context, Task, run_id, run_seed


@dataclass
class SweepSummary:
    """What a sweep invocation did."""

    name: str
    out: Path
    executor: str
    workers: int
    points: int
    planned: int
    already: int = 0
    ran: int = 0
    failed: int = 0
    elapsed_s: float = 0.0
    status: str = "running"
    errors: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Runs in the store now."""
        return self.already + self.ran

    @property
    def rate(self) -> float:
        """Runs per second in this invocation."""
        return self.ran / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def text(self) -> str:
        """A few lines for the terminal."""
        lines = [f"sweep {self.name}: {self.stored:,} of {self.planned:,} runs stored ({self.points:,} points)"
                 f" — {self.ran:,} run now in {self.elapsed_s:.1f} s ({self.rate:.2f} runs/s, {self.executor}, "
                 f"{self.workers} worker{'s' if self.workers != 1 else ''})"
                 + (f", {self.already:,} already stored" if self.already else "")]
        if self.failed:
            lines.append(f"{self.failed} run(s) failed (table failures); first: {self.errors[0]}")
        if self.status == "interrupted":
            lines.append("interrupted: completed runs are stored; continue with --resume")
        lines.append(f"store: {self.out / STORE_NAME}")
        return "\n".join(lines)


def factor_types(sweep: Sweep) -> dict[str, str]:
    """Store column type of each factor."""
    return {f.name: "VARCHAR" if f.categorical else "DOUBLE" for f in sweep.factors}


def design_frame(design: Design) -> pd.DataFrame:
    """The design table: point, label, unit coordinates and values."""
    df = pd.DataFrame({"point": range(design.n_points), "label": design.labels})
    for j, f in enumerate(design.factors):
        df[f"u_{f.name}"] = design.unit[:, j]
    for j, f in enumerate(design.factors):
        col = [r[j] for r in design.values]
        df[f.name] = [str(v) for v in col] if f.categorical else pd.Series(col, dtype=float)
    return df


def sweep_meta(sweep: Sweep, design: Design) -> dict[str, Any]:
    """What the store records about the sweep (for resume checks and the report)."""
    s = sweep.spec
    return {
        "digest": sweep.digest(), "name": s.name, "spec_path": sweep.path, "spec": s.model_dump(mode="json"),
        "scenario": list(sweep.loaded.files), "scenario_name": sweep.scenario.name,
        "base_year": sweep.scenario.base_year, "horizon": sweep.scenario.horizon, "method": s.method,
        "samples": s.n_samples, "replications": s.replications, "points": design.n_points,
        "planned": design.n_points * s.replications, "options": design.options,
        "factors": [{"name": f.name, "path": f.path, "lo": f.lo, "hi": f.hi, "levels": f.levels,
                     "baseline": f.baseline, "categorical": f.categorical, "from_year": f.from_year,
                     "label_zh": f.label_zh, "label_en": f.label_en, "distribution": f.dist}
                    for f in sweep.factors],
        "outcomes": sweep.outcomes.describe(), "talentsim_version": package_version(), "created": time.time(),
    }


def open_store(sweep: Sweep, design: Design, out: Path, resume: bool) -> Store:
    """Create the store, or (``resume``) reopen it after checking it holds this very sweep."""
    path = Path(out) / STORE_NAME
    if path.exists() and not resume:
        raise StoreError(f"{path} already exists: add --resume to continue that sweep, or choose another --out")
    Path(out).mkdir(parents=True, exist_ok=True)
    store = Store(path)
    if not store.initialised():
        store.initialise(sweep_meta(sweep, design), design_frame(design), factor_types(sweep),
                         sweep.outcomes.columns)
        return store
    meta = store.meta()
    if meta.get("digest") != sweep.digest():
        store.close()
        why = [k for k, mine in (("samples", sweep.spec.n_samples), ("replications", sweep.spec.replications),
                                 ("method", sweep.spec.method), ("points", design.n_points)) if meta.get(k) != mine]
        raise StoreError(f"{path} holds a different sweep ({meta.get('name')!r}"
                         + (f"; differs in {', '.join(why)}" if why else "; the spec or its base scenario changed")
                         + "): resume with the same spec and --samples, or choose another --out")
    return store


def _tasks(sweep: Sweep, design: Design, done: set[str]) -> Iterator[Task]:
    s = sweep.spec
    for point, values in enumerate(design.values):
        for rep in range(s.replications):
            rid = run_id(point, rep)
            if rid not in done:
                seed, engine_rep = run_seed(s.seed, point, rep, s.common_random_numbers)
                yield rid, point, rep, seed, engine_rep, tuple(values)


def _chunks(tasks: Iterator[Task], total: int, workers: int, size: int | None = None,
            cap: int = 8) -> Iterator[list[Task]]:
    """Task chunks: ``size`` runs each, or guided (a quarter of each worker's share of what remains).

    Guided chunks hold at most ``cap`` runs, so goal judging is shared by up to ``cap`` runs while the
    last chunks, of one run each, keep every worker busy to the end.
    """
    remaining = total
    while True:
        n = size or max(1, min(cap, remaining // (4 * max(workers, 1))))
        chunk = list(itertools.islice(tasks, n))
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk


class _Writer:
    """Buffers finished rows and writes them in transactions."""

    def __init__(self, store: Store, sweep: Sweep, design: Design, session: int, flush_rows: int, flush_s: float):
        self.store, self.sweep, self.design, self.session = store, sweep, design, session
        self.flush_rows, self.flush_s = flush_rows, flush_s
        self.rows: list[dict] = []
        self.last = time.monotonic()
        self.ok = self.failed = 0
        self.errors: list[str] = []

    def add(self, rows: list[dict]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.flush_rows or time.monotonic() - self.last >= self.flush_s:
            self.flush()

    def flush(self) -> None:
        self.last = time.monotonic()
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        good = [r for r in rows if "_error" not in r]
        bad = [r for r in rows if "_error" in r]
        s, names = self.sweep.spec, [f.name for f in self.sweep.factors]
        exp = []
        for r in good:
            point, rep = (int(x) for x in r["run_id"].split("-"))
            seed, engine_rep = run_seed(s.seed, point, rep, s.common_random_numbers)
            exp.append([r["run_id"], point, rep, seed, engine_rep, *self.design.values[point]])
        exp_df = pd.DataFrame(exp, columns=["run_id", "point", "replication", "seed", "engine_replication", *names])
        for f in self.sweep.factors:
            exp_df[f.name] = exp_df[f.name].astype(str) if f.categorical else exp_df[f.name].astype(float)
        cols = self.sweep.outcomes.columns
        out_df = pd.DataFrame([[r["run_id"], *(r.get(c, float("nan")) for c in cols)] for r in good],
                              columns=["run_id", *cols])
        out_df[cols] = out_df[cols].astype(float)
        tim_df = pd.DataFrame({"run_id": [r["run_id"] for r in good], "session": self.session,
                               "duration_s": [r["_duration"] for r in good], "worker": [r["_worker"] for r in good]})
        fail_df = pd.DataFrame({"run_id": [r["run_id"] for r in bad], "session": self.session,
                                "error": [r["_error"] for r in bad]})
        self.store.write_batch(exp_df, out_df, tim_df, fail_df)
        self.ok += len(good)
        self.failed += len(bad)
        self.errors += [f"{r['run_id']}: {r['_error']}" for r in bad[:3]]


def run_sweep(sweep: Sweep, out: str | Path, *, workers: int = 1, scheduler: str | None = None,
              resume: bool = False, progress: bool | None = None, chunk: int | None = None,
              flush_rows: int = 256, flush_s: float = 1.0,
              on_rows: Callable[[int], None] | None = None) -> SweepSummary:
    """Run (or resume) a sweep into ``out/sweep.duckdb``.

    Args:
        sweep: a loaded spec (:func:`simulate.sweep.plan.load_sweep`).
        out: the sweep folder.
        workers: local processes (1: in this process); with ``scheduler``, workers of ``--scheduler local``.
        scheduler: a dask.distributed scheduler address, or ``"local"`` to start a LocalCluster.
        resume: continue the sweep stored in ``out``, skipping run_ids already stored.
        progress: show a progress bar (default: when stderr is a terminal).
        chunk: runs per task (default: guided, 1–8).
        flush_rows: write a batch after this many rows ...
        flush_s: ... or after this many seconds.
        on_rows: called with the number of rows stored after each batch (tests, embedding).

    Raises:
        StoreError: the store exists without ``resume``, holds another sweep, or is in use.
    """
    out = Path(out)
    design = design_for(sweep)
    start = time.perf_counter()
    ctx = Context(sweep.digest(), sweep.base, sweep.factors, sweep.outcomes)
    executor = make_executor(workers, scheduler)
    try:
        if Path(out, STORE_NAME).exists() and not resume:  # before starting workers
            raise StoreError(f"{Path(out, STORE_NAME)} already exists: add --resume to continue that sweep, "
                             "or choose another --out")
        executor.start(ctx)  # workers first: a pool forks before the store's threads exist
        store = open_store(sweep, design, out, resume)
    except BaseException:
        executor.close()
        raise
    summary = SweepSummary(sweep.spec.name, out, executor.name, workers, design.n_points,
                           design.n_points * sweep.spec.replications)
    writer = None
    results = None
    session = 0
    try:
        done = store.stored_ids()
        summary.already = len(done)
        todo = summary.planned - summary.already
        session = store.begin_session(executor.name, workers)
        writer = _Writer(store, sweep, design, session, flush_rows, flush_s)
        write_progress(out, stored=summary.already, planned=summary.planned, failed=0, status="running")
        bar = Progress(todo, progress)
        with bar:
            results = executor.map_chunks(_chunks(_tasks(sweep, design, done), todo, executor.workers, chunk))
            for rows in results:
                before = writer.ok + writer.failed
                writer.add(rows)
                bar.advance(len(rows))
                if writer.ok + writer.failed != before:
                    write_progress(out, stored=summary.already + writer.ok, planned=summary.planned,
                                   failed=writer.failed, status="running")
                    if on_rows:
                        on_rows(summary.already + writer.ok)
            writer.flush()
            if on_rows:
                on_rows(summary.already + writer.ok)
        summary.status = "complete" if summary.already + writer.ok == summary.planned else "incomplete"
        summary.workers = executor.workers
    except KeyboardInterrupt:
        summary.status = "interrupted"
        if writer is not None:
            writer.flush()
    finally:
        if results is not None:
            results.close()
        if executor is not None:  # always set here
            try:
                executor.close()
            except Exception:  # closing a broken pool/cluster must not hide the first error
                pass
        summary.elapsed_s = time.perf_counter() - start
        if writer is not None:
            summary.ran, summary.failed, summary.errors = writer.ok, writer.failed, writer.errors
            status = summary.status if summary.status != "running" else "failed"
            store.end_session(session, writer.ok, writer.failed, status)
            write_progress(out, stored=summary.stored, planned=summary.planned, failed=writer.failed, status=status)
        store.close()
    return summary
