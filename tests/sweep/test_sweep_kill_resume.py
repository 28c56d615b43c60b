"""A sweep killed with SIGKILL mid-way (parent and workers), then resumed, equals an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from simulate.cli.main import ExitStatus, main

CLI = "import sys; from simulate.cli.main import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.slow
def test_kill_9_then_resume_equals_an_uninterrupted_sweep(spec_file, kit, tmp_path):
    spec = spec_file("morris", samples=16, replications=2)          # 16 × 5 points × 2 = 160 runs
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    proc = subprocess.Popen([sys.executable, "-c", CLI, "sweep", str(spec), "--out", str(killed), "--workers", "2",
                             "--no-report", "--no-progress"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            stored = json.loads((killed / "progress.json").read_text())["stored"]
        except (OSError, ValueError, KeyError):
            stored = 0
        if stored >= 20:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.stderr.read().decode()[-800:]}"
    os.killpg(proc.pid, signal.SIGKILL)                               # the parent and its worker processes
    proc.wait(timeout=30)
    proc.stderr.close()
    partial = kit.ordered(killed)
    assert 20 <= len(partial["outcomes"]) < 160
    assert partial["experiments"].run_id.tolist() == partial["outcomes"].run_id.tolist()

    assert main(["sweep", str(spec), "--out", str(killed), "--workers", "2", "--resume", "--no-report"]) \
        == ExitStatus.OK
    assert main(["sweep", str(spec), "--out", str(clean), "--workers", "1", "--no-report"]) == ExitStatus.OK
    a, b = kit.ordered(killed), kit.ordered(clean)
    assert len(a["outcomes"]) == len(b["outcomes"]) == 160
    for t in ("experiments", "outcomes"):
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=True)
    # the runs stored before the kill were not run again
    con = duckdb.connect(str(killed / "sweep.duckdb"), read_only=True)
    sessions = con.execute("SELECT session, runs, status FROM sessions ORDER BY session").fetchall()
    con.close()
    assert sessions[0][2] == "running"                                # killed: never closed
    assert sessions[-1][1] == 160 - len(partial["outcomes"]) and sessions[-1][2] == "complete"
