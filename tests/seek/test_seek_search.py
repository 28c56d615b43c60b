"""``talentsim seek`` on the tiny scenario: the hand-bisected answer, worker-count independence, kill and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import duckdb
import pandas as pd
import pytest
import yaml

from simulate.cli.main import ExitStatus, main

CLI = "import sys; from simulate.cli.main import main; sys.exit(main(sys.argv[1:]))"


def _best(out) -> dict:
    """best.yaml without ``extends`` (a path relative to the output folder)."""
    doc = yaml.safe_load((out / "best.yaml").read_text(encoding="utf-8"))
    doc.pop("extends")
    return doc


def _design(out) -> pd.DataFrame:
    con = duckdb.connect(str(out / "seek.duckdb"), read_only=True)
    try:
        return con.execute("SELECT point, label FROM design ORDER BY point").df()
    finally:
        con.close()


def test_seek_finds_the_cheapest_setting_bisection_finds_by_hand(one_worker_run):
    assert one_worker_run.status == ExitStatus.OK
    levers = _best(one_worker_run.out)["levers"]
    share = levers["surcharge_vocational_share"]["value"]
    assert share[2020] == pytest.approx(0.38, abs=0.02 + 1e-9)              # within one step of the hand answer
    assert "seek: " in levers["surcharge_vocational_share"]["source"]
    # the free lever stays at its weakest setting (or is left to the base scenario)
    post = levers.get("teacher_practice", {}).get("post_rate", {"value": {2020: 0.005}})["value"]
    assert post[2020] == pytest.approx(0.005)
    single = pd.read_csv(one_worker_run.out / "tables" / "single_lever.csv")
    row = single[single.goal_id == "test.surcharge_share"].iloc[0]
    assert row.lever == "surcharge_vocational_share" and row.setting.startswith("0.38")
    goals = pd.read_csv(one_worker_run.out / "tables" / "goals.csv")
    out = goals[goals.goal_id == "test.out_of_reach"].iloc[0]
    assert out.role == "not reachable (found)" and "strongest setting" in out.why_not
    assert not single[single.goal_id == "test.out_of_reach"].lever.notna().any()   # no single lever either


def test_best_yaml_runs_and_meets_the_goal_on_the_confirmation_runs(one_worker_run):
    from simulate.api import run
    from simulate.scenario import load_scenario

    best = _best(one_worker_run.out)
    loaded = load_scenario(one_worker_run.out / "best.yaml")
    result = run(loaded, replications=4)
    goals = result.goals().set_index("goal_id")
    assert goals.loc["test.surcharge_share", "probability_met"] >= 0.5
    assert loaded.scenario.seed == best["seed"] == 7


@pytest.mark.slow
def test_two_workers_and_a_dask_cluster_give_the_same_best_yaml(one_worker_run, seek_kit, tmp_path):
    spec = one_worker_run.spec
    for name, extra in (("two", ["--workers", "2"]), ("dask", ["--scheduler", "local", "--workers", "2"])):
        out = tmp_path / name
        assert main(["seek", str(spec), "--out", str(out), "--no-report", "--no-progress", *extra]) == ExitStatus.OK
        assert _best(out) == _best(one_worker_run.out)
        pd.testing.assert_frame_equal(_design(out), _design(one_worker_run.out))


@pytest.mark.slow
def test_kill_9_then_resume_gives_the_uninterrupted_result(one_worker_run, tmp_path):
    spec = one_worker_run.spec
    out = tmp_path / "killed"
    env = {**os.environ, "TALENTSIM_SWEEP_TEST_KILL_IN_BATCH": "6"}   # SIGKILL inside the 6th batch transaction
    proc = subprocess.run([sys.executable, "-c", CLI, "seek", str(spec), "--out", str(out), "--no-report",
                           "--no-progress"], env=env, capture_output=True, timeout=300, start_new_session=True)
    assert proc.returncode == -signal.SIGKILL
    partial = _design(out)
    assert 0 < len(partial) < len(_design(one_worker_run.out))
    assert main(["seek", str(spec), "--out", str(out), "--resume", "--no-report", "--no-progress"]) == ExitStatus.OK
    assert _best(out) == _best(one_worker_run.out)
    pd.testing.assert_frame_equal(_design(out), _design(one_worker_run.out))


def test_an_existing_store_needs_resume(one_worker_run, capsys):
    status = main(["seek", str(one_worker_run.spec), "--out", str(one_worker_run.out), "--no-report"])
    assert status == ExitStatus.BAD_INPUT
    assert "--resume" in capsys.readouterr().err
