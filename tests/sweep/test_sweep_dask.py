"""The same sweep on a dask.distributed LocalCluster on 127.0.0.1 gives the local outcomes."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from simulate.cli.main import ExitStatus, main


def _state(dask_worker):
    import simulate.sweep.worker as w

    running = sorted(n for n, pc in dask_worker.periodic_callbacks.items() if n.startswith("profile")
                     and pc.is_running())
    return w._MALLOC_TUNED, running


@pytest.mark.slow
def test_local_cluster_gives_the_local_outcomes_and_leaves_its_workers_as_they_were(spec_file, kit, tmp_path):
    from distributed import Client, LocalCluster

    spec = spec_file("sobol", samples=4, replications=2)      # 4 × (4 + 2) points × 2 = 48 runs
    local = tmp_path / "local"
    assert main(["sweep", str(spec), "--out", str(local), "--no-report"]) == ExitStatus.OK
    # a cluster as a user would start it: default configuration (profiler on, MALLOC_TRIM_THRESHOLD_ set)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        before = client.run(_state)
        on_dask = tmp_path / "dask"
        assert main(["sweep", str(spec), "--out", str(on_dask), "--scheduler", cluster.scheduler_address,
                     "--no-report"]) == ExitStatus.OK
        assert client.run(_state) == before
        assert all(state == (False, ["profile", "profile-cycle"]) for state in before.values())
    a, b = kit.ordered(local), kit.ordered(on_dask)
    assert len(a["outcomes"]) == 48
    for t in ("experiments", "outcomes"):
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=True)
    con = duckdb.connect(str(on_dask / "sweep.duckdb"), read_only=True)
    workers = {r[0] for r in con.execute("SELECT worker FROM timings").fetchall()}
    con.close()
    assert len(workers) == 2                                    # both cluster workers ran runs


@pytest.mark.slow
def test_scheduler_local_starts_a_tuned_cluster(spec_file, kit, tmp_path, capsys):
    spec = spec_file("oat", samples=2, replications=1)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "a"), "--no-report"]) == ExitStatus.OK
    assert main(["sweep", str(spec), "--out", str(tmp_path / "b"), "--scheduler", "local", "--workers", "2",
                 "--no-report"]) == ExitStatus.OK
    assert "dask, 2 workers" in capsys.readouterr().out
    a, b = kit.ordered(tmp_path / "a"), kit.ordered(tmp_path / "b")
    pd.testing.assert_frame_equal(a["outcomes"], b["outcomes"], check_exact=True)


def test_an_unreachable_scheduler_is_reported(spec_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TALENTSIM_DASK_TIMEOUT", "1")
    spec = spec_file("oat", samples=2, replications=1)
    status = main(["sweep", str(spec), "--out", str(tmp_path / "x"), "--scheduler", "tcp://127.0.0.1:9",
                   "--no-report"])
    assert status == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()                       # no empty store left behind
