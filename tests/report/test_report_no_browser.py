"""Without a browser, chart commands stop within seconds, before any work, with exit 2 and both remedies.

A browser that hangs or dies mid-way ends the command with a clear error within the time limit
(``TALENTSIM_IMAGE_TIMEOUT``), never a wait. The browser is hidden with ``BROWSER_PATH`` (choreographer,
kaleido's browser driver, honours it) pointing nowhere, or at a fake that never answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest

from simulate import shipped
from simulate.report import images

TALENTSIM = [sys.executable, "-m", "simulate"]
REMEDIES = ("apt-get install chromium fonts-noto-cjk", "--no-images")


def run(argv: list[str], env: dict[str, str], timeout: float = 90) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run(TALENTSIM + argv, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env})
    return done, time.perf_counter() - start


COMMANDS = {
    "compare": ["compare", "{base}", "{funding}", "--out", "{out}"],
    "report": ["report", "{base}", "--out", "{out}"],
    "sweep": ["sweep", "four_levers_oat", "--out", "{out}"],
    "sweep-report": ["sweep-report", "{store}", "--out", "{out}"],
    "calibrate": ["calibrate", "--out", "{out}/b.yaml", "--report", "{out}/report"],
    "backtest": ["backtest", "--fit-until", "2020", "--out", "{out}"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_browser_stops_at_once_before_any_work(command, run_folders, tmp_path):
    out = tmp_path / "out"
    fitted = {p: p.read_bytes() for p in (shipped.calibration_dir() / "fitted").glob("*.yaml")}
    before = {p.name for p in run_folders["base"].iterdir()}
    store = tmp_path / "sweep"
    store.mkdir()
    (store / "sweep.duckdb").write_bytes(b"")  # never opened: the browser is looked for first
    argv = [a.format(base=run_folders["base"], funding=run_folders["funding"], out=out, store=store)
            for a in COMMANDS[command]]
    done, took = run(argv, {"BROWSER_PATH": str(tmp_path / "no" / "chromium")})
    assert done.returncode == 2, done.stderr
    assert took < 30  # Python's start and imports; nothing is simulated, fitted or rendered
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and all(r in lines[0] for r in REMEDIES), done.stderr
    assert "Traceback" not in done.stderr and "ChromeNotFound" not in done.stderr
    assert not out.exists()
    assert {p.name for p in run_folders["base"].iterdir()} == before
    assert {p: p.read_bytes() for p in fitted} == fitted


def test_no_images_needs_no_browser(run_folders, tmp_path):
    done, _ = run(["report", str(run_folders["base"]), "--out", str(tmp_path / "r"), "--no-images", "--lang", "en"],
                  {"BROWSER_PATH": str(tmp_path / "none")})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "report.html").is_file() and not (tmp_path / "r" / "figures").exists()


def test_sweep_takes_no_images(tmp_path):
    done, _ = run(["sweep", "--help"], {})
    assert "--no-images" in done.stdout


def test_a_browser_that_never_answers_ends_the_command_within_the_time_limit(run_folders, tmp_path):
    fake = tmp_path / "chromium"
    pid_file = tmp_path / "browser.pid"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n")
    fake.chmod(0o755)
    out = tmp_path / "out"
    done, took = run(["compare", str(run_folders["base"]), str(run_folders["funding"]), "--out", str(out)],
                     {"BROWSER_PATH": str(fake), "TALENTSIM_IMAGE_TIMEOUT": "3"})
    assert done.returncode == 1, done.stderr
    assert took < 40
    assert "did not start within 3 s" in done.stderr and "--no-images" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert not out.exists()  # the bundle was staged, and is gone with the failed command
    browser = Path("/proc") / pid_file.read_text().strip()
    for _ in range(50):  # the hung browser was killed, not left behind
        if not browser.exists() or " Z " in (browser / "stat").read_text(errors="replace"):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the hung browser is still running")


def test_find_browser_honours_browser_path(tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "nothing"))
    with pytest.raises(images.BrowserNotFound) as info:
        images.find_browser()
    assert all(r in str(info.value) for r in REMEDIES)
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    assert images.find_browser() == str(fake)


@pytest.mark.slow
@pytest.mark.skipif(not images.has_browser(), reason="needs the Debian chromium package (installed by .ci/run)")
def test_a_browser_that_dies_mid_way_ends_in_an_image_error_not_a_wait():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    server = images.ChartServer(timeout=20)
    server.start()
    try:
        assert server.image(fig, "png")[:4] == b"\x89PNG"
        os.killpg(server._kaleido.subprocess.pid, 9)  # noqa: SLF001 - the browser dies
        start = time.perf_counter()
        with pytest.raises(images.ImageError):
            server.image(fig, "svg")
        assert time.perf_counter() - start < 25
    finally:
        server.stop()
