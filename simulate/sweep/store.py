"""The sweep store: ``DIR/sweep.duckdb``, filled as runs finish, one transaction per batch.

Tables:

* ``meta(key, value)`` — the spec, the sweep's digest, factor and outcome descriptions (JSON);
* ``design(point, label, u_<factor>…, <factor>…)`` — every design point: unit coordinates and values;
* ``experiments(run_id PRIMARY KEY, point, replication, seed, engine_replication, <factor>…)``;
* ``outcomes(run_id PRIMARY KEY, <outcome>…)``;
* ``timings(run_id, session, duration_s, worker)``, ``failures(run_id, session, error)``, ``sessions``.

A batch's experiments, outcomes and timings are inserted in one transaction, so a crash (Ctrl-C,
``kill -9``, a lost machine) leaves either the whole batch or none of it; ``run_id`` is the primary
key, so nothing is stored twice; a resumed sweep skips stored run_ids. DuckDB locks the file while a
sweep writes; ``progress.json`` beside it says how far the sweep is.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

STORE_NAME = "sweep.duckdb"
PROGRESS_NAME = "progress.json"
KILL_HOOK = "TALENTSIM_SWEEP_TEST_KILL_IN_BATCH"
"""Test hook: SIGKILL this process inside the n-th batch transaction (after one of its inserts)."""


class StoreError(Exception):
    """The store cannot be used as asked (busy, missing, or holding a different sweep)."""


def q(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


class Store:
    """A sweep's DuckDB file, opened by one process at a time."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(f"{self.path} is in use by another process (a sweep still running?)") from None
            raise StoreError(f"cannot open {self.path}: {exc}") from None
        self._batches = 0

    @classmethod
    def open_dir(cls, out: Path, read_only: bool = False) -> Store:
        """Open ``out/sweep.duckdb`` (it must exist)."""
        path = Path(out) / STORE_NAME
        if not path.is_file():
            raise StoreError(f"no sweep store at {path}")
        return cls(path, read_only=read_only)

    def close(self) -> None:
        """Checkpoint and close."""
        self.con.close()

    # --- layout -------------------------------------------------------------------------------

    def initialise(self, meta: dict[str, Any], design: pd.DataFrame, factor_types: dict[str, str],
                   outcome_columns: list[str]) -> None:
        """Create the tables and write meta and design (one transaction)."""
        fcols = "".join(f", {q(c)} {t}" for c, t in factor_types.items())
        ocols = "".join(f", {q(c)} DOUBLE" for c in outcome_columns)
        self.con.execute("BEGIN")
        self.con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.con.execute(f"CREATE TABLE experiments (run_id VARCHAR PRIMARY KEY, point INTEGER NOT NULL, "
                         f"replication INTEGER NOT NULL, seed BIGINT NOT NULL, engine_replication INTEGER NOT NULL"
                         f"{fcols})")
        self.con.execute(f"CREATE TABLE outcomes (run_id VARCHAR PRIMARY KEY{ocols})")
        self.con.execute("CREATE TABLE timings (run_id VARCHAR PRIMARY KEY, session INTEGER, duration_s DOUBLE, "
                         "worker VARCHAR)")
        self.con.execute("CREATE TABLE failures (run_id VARCHAR PRIMARY KEY, session INTEGER, error VARCHAR)")
        self.con.execute("CREATE TABLE sessions (session INTEGER PRIMARY KEY, started DOUBLE, finished DOUBLE, "
                         "executor VARCHAR, workers INTEGER, runs INTEGER, failed INTEGER, status VARCHAR)")
        ucols = [c for c in design.columns if c not in ("point", "label")]
        types = ", ".join(f"{q(c)} {factor_types.get(c, 'DOUBLE')}" for c in ucols)
        self.con.execute(f"CREATE TABLE design (point INTEGER PRIMARY KEY, label VARCHAR, {types})")
        cols = ", ".join(q(c) for c in design.columns)
        self.con.register("_design", design)
        self.con.execute(f"INSERT INTO design ({cols}) SELECT {cols} FROM _design")
        self.con.unregister("_design")
        meta_df = pd.DataFrame({"key": list(meta), "value": [json.dumps(v, default=str) for v in meta.values()]})
        self.con.register("_meta", meta_df)
        self.con.execute("INSERT INTO meta SELECT key, value FROM _meta")
        self.con.unregister("_meta")
        self.con.execute("COMMIT")

    def initialised(self) -> bool:
        """Whether the tables exist."""
        names = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {"meta", "design", "experiments", "outcomes"} <= names

    def meta(self) -> dict[str, Any]:
        """The meta table, values decoded."""
        return {k: json.loads(v) for k, v in self.con.execute("SELECT key, value FROM meta").fetchall()}

    # --- runs ---------------------------------------------------------------------------------

    def stored_ids(self) -> set[str]:
        """run_ids with outcomes."""
        return {r[0] for r in self.con.execute("SELECT run_id FROM outcomes").fetchall()}

    def count(self, table: str = "outcomes") -> int:
        """Rows of a table."""
        return int(self.con.execute(f"SELECT count(*) FROM {q(table)}").fetchone()[0])

    def write_batch(self, experiments: pd.DataFrame, outcomes: pd.DataFrame, timings: pd.DataFrame,
                    failures: pd.DataFrame) -> None:
        """Insert one batch of finished runs atomically (all tables or none)."""
        self._batches += 1
        kill_at = os.environ.get(KILL_HOOK)
        con = self.con
        con.execute("BEGIN")
        try:
            for table, df in (("experiments", experiments), ("outcomes", outcomes), ("timings", timings)):
                if len(df):
                    cols = ", ".join(q(c) for c in df.columns)
                    con.register("_batch", df)
                    verb = "INSERT OR REPLACE" if table == "timings" else "INSERT"  # diagnostics: last try wins
                    con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM _batch")
                    con.unregister("_batch")
                if kill_at and int(kill_at) == self._batches and table == "experiments":
                    os.kill(os.getpid(), signal.SIGKILL)
            ids = list(outcomes["run_id"]) if len(outcomes) else []
            if ids:
                con.execute("DELETE FROM failures WHERE run_id IN (SELECT unnest($1))", [ids])
            if len(failures):
                con.register("_fail", failures)
                con.execute("INSERT OR REPLACE INTO failures SELECT run_id, session, error FROM _fail")
                con.unregister("_fail")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # --- sessions -----------------------------------------------------------------------------

    def begin_session(self, executor: str, workers: int) -> int:
        """Record the start of a sweep invocation; returns its number."""
        n = int(self.con.execute("SELECT coalesce(max(session), 0) + 1 FROM sessions").fetchone()[0])
        self.con.execute("INSERT INTO sessions VALUES (?, ?, NULL, ?, ?, 0, 0, 'running')",
                         [n, time.time(), executor, workers])
        return n

    def end_session(self, session: int, runs: int, failed: int, status: str) -> None:
        """Record how a sweep invocation ended."""
        self.con.execute("UPDATE sessions SET finished = ?, runs = ?, failed = ?, status = ? WHERE session = ?",
                         [time.time(), runs, failed, status, session])

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """A query's result as a DataFrame."""
        return self.con.execute(sql, params or []).df()


def write_progress(out: Path, **fields: Any) -> None:
    """Atomically replace ``out/progress.json`` (readable while DuckDB holds its lock)."""
    path = Path(out) / PROGRESS_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({**fields, "updated": time.time()}), encoding="utf-8")
    os.replace(tmp, path)


def read_progress(out: Path) -> dict[str, Any] | None:
    """The last progress record, if any."""
    try:
        return json.loads((Path(out) / PROGRESS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
