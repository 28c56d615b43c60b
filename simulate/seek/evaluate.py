"""Candidates and their runs: the sweep's executors and DuckDB store, keyed by candidate and replication.

A candidate is one choice per lever. It gets a point number when it is first proposed (the search is
deterministic, so a resumed search numbers its candidates the same way) and is stored in the
``design`` table of ``DIR/seek.duckdb``; its runs are ``(point, replication)``, run on common random
numbers (replication ``r`` of every candidate uses the spec seed and engine replication ``r``) and
stored as the sweep stores them (``experiments``, ``outcomes``, one transaction per batch). Runs
already stored are never run again: a resumed search reads them back instead.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulate.api import package_version
from simulate.seek.plan import Choice, Seek
from simulate.sweep.store import Store, StoreError, q, write_progress
from simulate.sweep.worker import Context, Task, run_id, run_seed

STORE_NAME = "seek.duckdb"
Candidate = tuple[Choice, ...]


class SeekFailed(RuntimeError):
    """Runs failed or a worker died; what is stored is kept for ``--resume``."""


@dataclass
class Stats:
    """A candidate's results over its first ``n`` replications.

    Attributes:
        costs: per replication, the public cost over the window plus what the candidate spends beyond the
            base scenario (paired replication by replication) in the years before the window.
        met: goal check column → 1/0 per replication.
        margin: goal check column → relative margin per replication.
    """

    point: int
    n: int
    costs: np.ndarray
    met: dict[str, np.ndarray]
    margin: dict[str, np.ndarray]
    cost: float = 0.0


@dataclass
class Evaluator:
    """Proposes points, runs what is missing through an executor, and answers with :class:`Stats`."""

    seek: Seek
    out: Path
    executor: Any
    store: Store
    session: int
    on_runs: Any = None
    keys: dict[Candidate, int] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    rows: dict[int, dict[int, dict]] = field(default_factory=dict)
    ran: int = 0

    # --- points -----------------------------------------------------------------------------------

    def point(self, cand: Candidate, phase: str) -> int:
        """The point number of a candidate (new candidates are numbered in order and stored)."""
        if cand in self.keys:
            return self.keys[cand]
        p = len(self.candidates)
        self.keys[cand] = p
        self.candidates.append(cand)
        self.phases.append(phase)
        stored = self.store.con.execute("SELECT label FROM design WHERE point = ?", [p]).fetchone()
        label = self.label(cand)
        if stored is not None:
            if stored[0] != label:
                raise StoreError(f"{self.out / STORE_NAME} holds another search (point {p} is {stored[0]!r}, this "
                                 f"search proposes {label!r}): choose another --out")
            return p
        df = pd.DataFrame([{"point": p, "label": label, **self.columns(cand)}])
        self.store.con.register("_pt", df)
        cols = ", ".join(q(c) for c in df.columns)
        self.store.con.execute(f"INSERT INTO design ({cols}) SELECT {cols} FROM _pt")
        self.store.con.unregister("_pt")
        return p

    def label(self, cand: Candidate) -> str:
        """``name=value from year; …`` of the levers a candidate sets (``base`` when none)."""
        parts = [f"{lv.name}={lv.text(c)}" for lv, c in zip(self.seek.levers, cand, strict=True) if c is not None]
        return "; ".join(parts) or "base"

    def columns(self, cand: Candidate) -> dict[str, Any]:
        """Store columns of a candidate: each lever's setting and start year (NULL: the base setting)."""
        out: dict[str, Any] = {}
        for lv, c in zip(self.seek.levers, cand, strict=True):
            v = None if c is None else lv.settings[c[0]]
            out[lv.name] = None if v is None else (str(v) if lv_categorical(lv) else float(v))
            out[f"{lv.name}_from"] = None if c is None else lv.starts[c[1]]
        return out

    # --- runs -------------------------------------------------------------------------------------

    def have(self, point: int, reps: int) -> bool:
        """Whether replications 0..reps−1 of a point are known."""
        got = self.rows.get(point, {})
        return all(r in got for r in range(reps))

    def ensure(self, points: list[int], reps: int) -> None:
        """Run (or read back) replications 0..reps−1 of every point."""
        tasks: list[Task] = []
        for p in dict.fromkeys(points):
            got = self.rows.setdefault(p, {})
            for r in range(reps):
                if r not in got:
                    seed, engine_rep = run_seed(self.seek.seed, p, r, True)
                    tasks.append((run_id(p, r), p, r, seed, engine_rep, self.candidates[p]))
        if not tasks:
            return
        workers = max(1, self.executor.workers)
        size = max(1, min(8, math.ceil(len(tasks) / (2 * workers))))
        chunks = (tasks[i:i + size] for i in range(0, len(tasks), size))
        results = self.executor.map_chunks(chunks)
        try:
            for rows in results:
                self._store(rows)
        finally:
            results.close()

    def _store(self, rows: list[dict]) -> None:
        good = [r for r in rows if "_error" not in r]
        bad = [r for r in rows if "_error" in r]
        cols = self.seek.outcomes.columns
        exp, out = [], []
        for r in good:
            p, rep = (int(x) for x in r["run_id"].split("-"))
            seed, engine_rep = run_seed(self.seek.seed, p, rep, True)
            exp.append({"run_id": r["run_id"], "point": p, "replication": rep, "seed": seed,
                        "engine_replication": engine_rep, **self.columns(self.candidates[p])})
            out.append({"run_id": r["run_id"], **{c: float(r.get(c, float("nan"))) for c in cols}})
        exp_df = pd.DataFrame(exp, columns=["run_id", "point", "replication", "seed", "engine_replication",
                                            *self.lever_columns()])
        out_df = pd.DataFrame(out, columns=["run_id", *cols])
        out_df[cols] = out_df[cols].astype(float)
        tim = pd.DataFrame({"run_id": [r["run_id"] for r in good], "session": self.session,
                            "duration_s": [r["_duration"] for r in good], "worker": [r["_worker"] for r in good]})
        fail = pd.DataFrame({"run_id": [r["run_id"] for r in bad], "session": self.session,
                             "error": [r["_error"] for r in bad]})
        self.store.write_batch(exp_df, out_df, tim, fail)
        for r in out:
            p, rep = (int(x) for x in r["run_id"].split("-"))
            self.rows.setdefault(p, {})[rep] = r
        self.ran += len(good)
        if self.on_runs:
            self.on_runs(len(good))
        if bad:
            raise SeekFailed(f"{len(bad)} run(s) failed; first: {bad[0]['run_id']}: {bad[0]['_error']}")

    def lever_columns(self) -> list[str]:
        """The lever columns of the design and experiments tables."""
        return [c for lv in self.seek.levers for c in (lv.name, f"{lv.name}_from")]

    def load_stored(self) -> int:
        """Read every stored run back (``--resume``); returns how many."""
        cols = ", ".join(q(c) for c in ["run_id", *self.seek.outcomes.columns])
        df = self.store.frame(f"SELECT {cols} FROM outcomes")
        for rec in df.to_dict("records"):
            p, rep = (int(x) for x in rec["run_id"].split("-"))
            self.rows.setdefault(p, {})[rep] = rec
        return len(df)

    # --- statistics -------------------------------------------------------------------------------

    def stats(self, point: int, reps: int, base_point: int = 0) -> Stats:
        """A candidate's cost and goal results over replications 0..reps−1 (they must be known)."""
        rows = [self.rows[point][r] for r in range(reps)]
        first, last = self.seek.window
        window = np.array([sum(row[f"cost_{y}"] for y in range(first, last + 1)) for row in rows])
        before = [y for y in self.seek.cost_years if y < first]
        if before and point != base_point:
            base = [self.rows[base_point][r] for r in range(reps)]
            window = window + np.array([sum(row[f"cost_{y}"] - b[f"cost_{y}"] for y in before)
                                        for row, b in zip(rows, base, strict=True)])
        met = {c.met: np.array([row[c.met] for row in rows]) for c in self.seek.checks}
        margin = {c.met: np.array([row[c.margin] for row in rows]) for c in self.seek.checks}
        stat = float(np.mean(window) if self.seek.spec.objective.statistic == "mean" else np.median(window))
        return Stats(point, reps, window, met, margin, stat)


def lv_categorical(lv) -> bool:
    """Text or boolean settings."""
    return isinstance(lv.settings[0], (str, bool))


def store_types(seek: Seek) -> dict[str, str]:
    """Column types of the lever columns."""
    out = {}
    for lv in seek.levers:
        out[lv.name] = "VARCHAR" if lv_categorical(lv) else "DOUBLE"
        out[f"{lv.name}_from"] = "INTEGER"
    return out


def seek_meta(seek: Seek) -> dict[str, Any]:
    """What the store records about the search (for resume checks and reports)."""
    return {"digest": seek.digest(), "kind": "seek", "name": seek.spec.name, "spec_path": seek.path,
            "spec": seek.spec.model_dump(mode="json"), "scenario": list(seek.loaded.files),
            "scenario_name": seek.scenario.name, "seed": seek.seed, "horizon_simulated": seek.base["horizon"],
            "levers": [{"name": lv.name, "path": lv.path, "settings": list(lv.settings), "starts": list(lv.starts),
                        "label_zh": lv.label_zh, "label_en": lv.label_en} for lv in seek.levers],
            "outcomes": seek.outcomes.describe(), "talentsim_version": package_version(), "created": time.time()}


def open_store(seek: Seek, out: Path, resume: bool) -> Store:
    """Create ``out/seek.duckdb``, or (``resume``) reopen it after checking it holds this very search."""
    path = Path(out) / STORE_NAME
    if path.exists() and not resume:
        raise StoreError(f"{path} already exists: add --resume to continue that search, or choose another --out")
    Path(out).mkdir(parents=True, exist_ok=True)
    store = Store(path)
    if not store.initialised():
        design = pd.DataFrame({"point": pd.Series(dtype="int64"), "label": pd.Series(dtype="str"),
                               **{c: pd.Series(dtype="object" if t == "VARCHAR" else "float64")
                                  for c, t in store_types(seek).items()}})
        store.initialise(seek_meta(seek), design, store_types(seek), seek.outcomes.columns)
        return store
    meta = store.meta()
    if meta.get("digest") != seek.digest():
        store.close()
        raise StoreError(f"{path} holds a different search ({meta.get('name')!r}; the spec, its base scenario or "
                         "the seed changed): resume with the same spec, or choose another --out")
    return store


def context(seek: Seek) -> Context:
    """What every worker receives once."""
    return Context(seek.digest(), seek.base, seek.levers, seek.outcomes, seek.uncertain, seek.parameter_draws)


def progress(out: Path, **fields: Any) -> None:
    """``out/progress.json``."""
    write_progress(out, **fields)
