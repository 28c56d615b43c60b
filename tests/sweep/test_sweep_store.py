"""Sweeps into DuckDB: tables, outcomes equal to a direct simulation, resume, crash inside a batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from simulate.cli.main import ExitStatus, main
from simulate.engine import simulate_replication
from simulate.sweep.outcomes import extract
from simulate.sweep.plan import load_sweep
from simulate.sweep.sampling import design_for
from simulate.sweep.store import KILL_HOOK
from simulate.sweep.worker import Context, run_id, scenario_for

ROOT = Path(__file__).resolve().parents[2]


def tables(out: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(out / "sweep.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY run_id").df()
                for t in ("experiments", "outcomes", "timings", "failures")}
    finally:
        con.close()


def assert_same_results(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for t in ("experiments", "outcomes"):
        pd.testing.assert_frame_equal(ta[t], tb[t], check_exact=True)


def sweep(spec: Path, out: Path, *extra: str) -> int:
    return main(["sweep", str(spec), "--out", str(out), "--no-report", *extra])


def test_sweep_stores_every_run_with_the_outcomes_of_a_direct_simulation(spec_file, tmp_path, capsys):
    spec = spec_file("oat", samples=2, replications=2)
    out = tmp_path / "out"
    assert sweep(spec, out) == ExitStatus.OK
    printed = capsys.readouterr().out
    s = load_sweep(spec)
    design = design_for(s)
    # base + apprenticeship 0, 0.3 + funding 12000 (5000 is the base) + credit 0, 0.6 + eligibility cooperating
    assert design.n_points == 7
    assert "14 of 14 runs stored (7 points)" in printed and "runs/s" in printed
    t = tables(out)
    assert len(t["experiments"]) == len(t["outcomes"]) == len(t["timings"]) == 14 and t["failures"].empty
    assert t["experiments"].run_id.tolist() == t["outcomes"].run_id.tolist()
    assert t["experiments"].run_id.is_unique
    exp = t["experiments"].set_index("run_id")
    assert exp.loc[run_id(3, 1), "funding_secondary"] == 12000.0
    assert exp.loc[run_id(6, 0), "eligibility"] == "cooperating"
    assert (exp.seed == 11).all() and (exp.engine_replication == exp.replication).all()  # common random numbers
    # the stored row of a run equals simulating that point's scenario directly
    ctx = Context(s.digest(), s.base, s.factors, s.outcomes)
    for point, rep in ((0, 0), (1, 1), (6, 1)):
        sc = scenario_for(ctx, point, tuple(design.values[point]))
        direct = extract(simulate_replication(sc, 11, rep).frame, s.outcomes)
        stored = t["outcomes"].set_index("run_id").loc[run_id(point, rep)]
        for col, value in direct.items():
            assert stored[col] == value or (np.isnan(stored[col]) and np.isnan(value)), col
    # the levers move what they should: funding raises cost, apprenticeship share 0 stops order training
    o = t["outcomes"].set_index("run_id")
    assert o.loc[run_id(3, 0), "public_cost_cumulative_2025"] > o.loc[run_id(0, 0), "public_cost_cumulative_2025"]
    assert o.loc[run_id(3, 0), "goal_jx_per_student_floor_2025"] == 1.0
    assert o.loc[run_id(0, 0), "goal_jx_per_student_floor_2025"] == 0.0
    assert o.loc[run_id(1, 0), "order_trained_2025"] == 0.0 < o.loc[run_id(0, 0), "order_trained_2025"]
    progress = json.loads((out / "progress.json").read_text())
    assert progress["stored"] == progress["planned"] == 14 and progress["status"] == "complete"


def test_an_existing_store_needs_resume_and_the_same_sweep(spec_file, tmp_path, capsys):
    spec = spec_file("oat", samples=2, replications=1)
    out = tmp_path / "out"
    assert sweep(spec, out) == ExitStatus.OK
    before = tables(out)
    capsys.readouterr()
    assert sweep(spec, out) == ExitStatus.BAD_INPUT
    assert "--resume" in capsys.readouterr().err
    assert sweep(spec, out, "--resume") == ExitStatus.OK
    assert "7 of 7 runs stored" in capsys.readouterr().out
    assert_same_results(out, out)
    pd.testing.assert_frame_equal(before["outcomes"], tables(out)["outcomes"])
    assert sweep(spec, out, "--resume", "--samples", "3") == ExitStatus.BAD_INPUT
    assert "different sweep" in capsys.readouterr().err


def test_one_and_two_local_workers_give_identical_stores(spec_file, tmp_path):
    spec = spec_file("morris", samples=4, replications=2)
    assert sweep(spec, tmp_path / "w1", "--workers", "1") == ExitStatus.OK
    assert sweep(spec, tmp_path / "w2", "--workers", "2") == ExitStatus.OK
    assert_same_results(tmp_path / "w1", tmp_path / "w2")
    assert len(tables(tmp_path / "w1")["outcomes"]) == 4 * 5 * 2


def test_a_crash_inside_a_batch_transaction_leaves_whole_batches_only(spec_file, tmp_path):
    spec = spec_file("lhs", samples=12, replications=2)
    crashed, clean = tmp_path / "crashed", tmp_path / "clean"
    code = ("import sys; from simulate.sweep.plan import load_sweep; from simulate.sweep.runner import run_sweep\n"
            "if __name__ == '__main__':\n"
            "    run_sweep(load_sweep(sys.argv[1]), sys.argv[2], flush_rows=5, flush_s=60, chunk=1, progress=False)")
    env = {**os.environ, KILL_HOOK: "2"}  # SIGKILL after the 2nd batch's experiments insert, before its commit
    proc = subprocess.run([sys.executable, "-c", code, str(spec), str(crashed)], env=env, capture_output=True,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL
    t = tables(crashed)
    assert len(t["outcomes"]) == 5                  # the first batch, whole; nothing of the second
    assert t["experiments"].run_id.tolist() == t["outcomes"].run_id.tolist() == t["timings"].run_id.tolist()
    assert sweep(spec, crashed, "--resume") == ExitStatus.OK
    assert sweep(spec, clean) == ExitStatus.OK
    assert_same_results(crashed, clean)
    assert len(tables(crashed)["outcomes"]) == 24


def test_progress_bar_shows_runs_rate_and_eta(spec_file, tmp_path, capsys):
    spec = spec_file("oat", samples=2, replications=1)
    assert sweep(spec, tmp_path / "p", "--progress") == ExitStatus.OK
    err = capsys.readouterr().err
    assert "7/7" in err and "runs/s" in err and "ETA" in err


def test_failed_runs_are_recorded_and_retried_on_resume(spec_file, tmp_path, monkeypatch, capsys):
    import simulate.sweep.worker as worker

    spec = spec_file("oat", samples=2, replications=2)
    out = tmp_path / "f"
    real = worker.simulate_replication

    def flaky(sc, seed, rep):
        if sc.levers.surcharge_credit.eligibility == "cooperating":   # the last design point
            raise RuntimeError("engine broke")
        return real(sc, seed, rep)

    monkeypatch.setattr(worker, "simulate_replication", flaky)
    assert sweep(spec, out) == ExitStatus.INTERNAL_ERROR
    captured = capsys.readouterr()
    assert "2 run(s) failed" in captured.out and "engine broke" in captured.out
    assert "--resume" in captured.err and "Traceback" not in captured.err
    t = tables(out)
    assert t["failures"].run_id.tolist() == [run_id(6, 0), run_id(6, 1)]
    assert len(t["outcomes"]) == len(t["experiments"]) == 12
    monkeypatch.setattr(worker, "simulate_replication", real)
    assert sweep(spec, out, "--resume") == ExitStatus.OK
    t = tables(out)
    assert t["failures"].empty and len(t["outcomes"]) == 14
