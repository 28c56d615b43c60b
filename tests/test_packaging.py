"""The wheel is the package: built from the sources, installed into a fresh venv, run from an empty folder.

The fresh venv gets the wheel and nothing of the source tree; the libraries talentsim depends on are
lent to it from the environment running the tests (a ``.pth`` line), so the test needs no download
beyond the build backend and takes seconds. ``.ci/run`` also installs the wheel with its dependencies
into a venv of its own, as a user would.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("simulate", "scenarios", "calibration", "setup.py", "pyproject.toml", "README.md")
SHIPPED = {"scenarios": "simulate/shipped/scenarios", "calibration": "simulate/shipped/calibration"}

pytestmark = pytest.mark.slow


def _run(argv: list, cwd: Path, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{argv}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _copy_sources(dest: Path) -> None:
    """The files a source distribution would hold (nothing built in the repository itself)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("wheel")
    _copy_sources(d / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", d / "dist", d / "src"], cwd=d)
    (found,) = (d / "dist").glob("talentsim-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A new venv holding the wheel; dependencies lent from the running environment."""
    v = tmp_path_factory.mktemp("venv") / "v"
    _run([sys.executable, "-m", "venv", v], cwd=v.parent)
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(subprocess.run([v / "bin" / "python", "-c", ask], capture_output=True, text=True,
                                  check=True).stdout.strip())
    lent = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
    (purelib / "lent_dependencies.pth").write_text("\n".join(sorted(lent)) + "\n")
    _run([v / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], cwd=v.parent)
    return v


def test_the_wheel_holds_every_shipped_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, package in SHIPPED.items():
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.relative_to(ROOT / folder).as_posix()
                assert f"{package}/{rel}" in names, f"{folder}/{rel} is not in the wheel"
    assert "simulate/goals/catalogue.yaml" in names


def test_the_installed_wheel_runs_from_an_empty_folder(venv, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    bin_ = venv / "bin"
    where = _run([bin_ / "python", "-c", "import simulate, simulate.shipped as s; print(simulate.__file__); "
                                         "print(s.scenarios_dir())"], cwd=empty).stdout.split()
    assert all(str(venv) in w for w in where), where  # the wheel's files, not the source tree
    # scenarios/ and calibration/ keep their places side by side, so a shipped scenario's relative
    # extends: ../calibration/parameters/x.yaml resolves inside the installed package too
    _run([bin_ / "python", "-c", "import simulate.shipped as s; "
                                 "assert (s.scenarios_dir() / '../calibration/parameters/behaviour.yaml').is_file()"],
         cwd=empty)
    _run([bin_ / "talentsim", "run", "--reps", "2", "--workers", "1"], cwd=empty)
    assert (empty / "runs" / "jiangxi_baseline" / "summary.json").is_file()
    listing = _run([bin_ / "talentsim", "scenarios"], cwd=empty).stdout
    assert "jiangxi_baseline" in listing and "funding_10k_12k" in listing
    (empty / "mine.yaml").write_text("extends: jiangxi_baseline\nname: mine\nhorizon: 2022\n", encoding="utf-8")
    _run([bin_ / "talentsim", "validate", "mine.yaml", "funding_10k_12k"], cwd=empty)
    _run([bin_ / "talentsim", "init", "plan.yaml", "--from", "nanchang_8623"], cwd=empty)
    _run([bin_ / "talentsim", "validate", "plan.yaml"], cwd=empty)
    _run([bin_ / "talentsim", "compare", "jiangxi_baseline", "funding_10k_12k", "--reps", "2", "--workers", "1",
          "--no-images", "--out", "cmp"], cwd=empty)
    assert (empty / "cmp" / "report.html").is_file()


def test_calibrate_writes_into_the_working_folder_never_the_package(venv, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    package = Path(_run([venv / "bin" / "python", "-c", "import simulate.shipped as s; print(s.calibration_dir())"],
                        cwd=empty).stdout.strip())
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}
    _run([venv / "bin" / "talentsim", "calibrate", "--no-engine", "--no-images"], cwd=empty)
    assert (empty / "runs" / "calibration" / "fitted" / "behaviour.yaml").is_file()
    assert (empty / "runs" / "calibration" / "fitted" / "national_region.yaml").is_file()
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before
