"""Every user error exits 2 with a sentence that says what to do; Ctrl-C prints 'interrupted' and exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulate.cli.main import ExitStatus, main
from simulate.results.runfolder import write_atomic


def variant(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "variant.yaml"
    path.write_text("extends: jiangxi_baseline\n" + body, encoding="utf-8")
    return path


NOT_FINITE = {
    "funding_inf": ("levers:\n  per_student_funding:\n    secondary: .inf\n", 4,
                    "levers.per_student_funding.secondary"),
    "funding_steps_inf": ("levers:\n  per_student_funding:\n    higher: {2019: 12000, 2023: .inf}\n", 4,
                          "levers.per_student_funding.higher"),
    "subsidy_inf": ("levers:\n  certificate_subsidy: {value: .inf, source: x}\n", 3, "levers.certificate_subsidy"),
    "ramp_nan": ("levers:\n  certificate_subsidy: {ramp: {from_year: 2020, from_value: 0, to_year: 2025, "
                 "to_value: .nan}}\n", 3, "levers.certificate_subsidy"),
    "salary_nan": ("behaviour:\n  teachers:\n    salary_cost: .nan\n", 4, "behaviour.teachers.salary_cost"),
    "revenue_inf": ("region:\n  enterprises:\n    revenue_per_employee: -.inf\n", 4,
                    "region.enterprises.revenue_per_employee"),
}


@pytest.mark.parametrize("case", sorted(NOT_FINITE))
def test_money_and_other_numbers_refuse_inf_and_nan_with_file_and_line(case, tmp_path, capsys):
    body, line, key = NOT_FINITE[case]
    path = variant(tmp_path, body)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--reps", "1"]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and key in err and "finite" in err, err
    assert not (tmp_path / "out").exists()


def test_a_negative_seed_is_a_sentence_not_an_internal_error(small_scenario_file, tmp_path, capsys):
    for argv in (["run", str(small_scenario_file), "--seed", "-5", "--out", str(tmp_path / "o")],
                 ["compare", str(small_scenario_file), str(small_scenario_file), "--seed", "-5", "--no-images",
                  "--out", str(tmp_path / "c")]):
        assert main(argv) == ExitStatus.BAD_INPUT
        err = capsys.readouterr().err
        assert "--seed -5" in err and "0 or more" in err and "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.yaml"]


def test_a_tab_is_called_a_tab(tmp_path, capsys):
    path = variant(tmp_path, "levers:\n\tapprenticeship_share: 0.1\n")
    assert main(["validate", str(path)]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert f"{path}:3:" in err and "tab" in err and "spaces" in err


def test_a_horizon_before_the_base_year_points_at_the_horizon_in_one_short_line(tmp_path, capsys):
    path = variant(tmp_path, "seed: 1\nhorizon: 2010\n")
    assert main(["validate", str(path)]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:3:1: horizon: ") and "2019" in err and "2010" in err
    assert err.count("\n") == 1 and len(err) < 250  # no dump of the scenario


def test_a_folder_given_as_a_scenario_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    for arg in ("plans", "plans/", str(tmp_path / "plans")):
        assert main(["validate", arg]) == ExitStatus.BAD_INPUT
        err = capsys.readouterr().err
        assert "is a folder, not a scenario file" in err and "not found" not in err
    path = tmp_path / "v.yaml"
    path.write_text("extends: plans/\n", encoding="utf-8")
    assert main(["validate", str(path)]) == ExitStatus.BAD_INPUT
    assert "is a folder" in capsys.readouterr().err


def test_a_fifo_given_as_a_scenario_says_so_and_never_blocks(tmp_path):
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    top = tmp_path / "top.yaml"
    top.write_text("extends: plan.yaml\n", encoding="utf-8")
    for target in (fifo, top):
        done = subprocess.run([sys.executable, "-m", "simulate", "validate", str(target)], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr


def test_unknown_shipped_names_suggest_the_closest(capsys):
    assert main(["run", "jiangxi_basline", "--reps", "1"]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert "did you mean 'jiangxi_baseline'?" in err and "my_plan.yaml" in err


def test_files_written_through_write_atomic_get_ordinary_permissions(tmp_path):
    """calibrate, backtest and the briefings write every file this way (it used to leave them 0600)."""
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.yaml", lambda p: p.write_text("a"))
        existing = tmp_path / "b.yaml"
        existing.write_text("b")
        existing.chmod(0o640)
        write_atomic(existing, lambda p: p.write_text("new"))
    finally:
        os.umask(old)
    assert (tmp_path / "a.yaml").stat().st_mode & 0o777 == 0o644
    assert existing.stat().st_mode & 0o777 == 0o640 and existing.read_text() == "new"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_prints_interrupted_and_exits_130_leaving_nothing(small_scenario_file, tmp_path, workers):
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "simulate", "run", str(small_scenario_file), "--reps", "2000",
                             "--workers", workers, "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    lock = tmp_path / ".run.lock"
    deadline = time.monotonic() + 60
    while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the lock is taken just before simulating
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitStatus.INTERRUPTED, err
    assert err.strip() == "interrupted"
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["small.yaml"]
