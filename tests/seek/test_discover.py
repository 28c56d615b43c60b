"""``talentsim discover``: PRIM recovers a box planted in synthetic sweep data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulate.cli.main import ExitStatus, main
from simulate.sweep.store import Store


@pytest.fixture
def planted(tmp_path):
    """A sweep store of 1,000 runs over three factors where the goal is met exactly in a ∈ [0.6, 1], b ∈ [0, 0.3]."""
    rng = np.random.default_rng(3)
    n = 1000
    x = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 10, n), "c": rng.uniform(-1, 1, n)})
    met = ((x.a >= 0.6) & (x.b <= 3.0)).astype(float)
    factors = [{"name": k, "path": f"levers.{k}", "lo": lo, "hi": hi, "levels": None, "baseline": lo,
                "categorical": False, "from_year": None, "label_zh": k, "label_en": k}
               for k, lo, hi in (("a", 0, 1), ("b", 0, 10), ("c", -1, 1))]
    outcomes = [{"column": "goal_nc_dual_teachers_2025", "kind": "goal", "outcome": "goal_nc_dual_teachers",
                 "year": 2025, "goal_id": "nc.dual_teachers"}]
    store = Store(tmp_path / "sweep.duckdb")
    design = pd.DataFrame({"point": range(n), "label": "", **{k: x[k] for k in x}})
    store.initialise({"name": "planted", "factors": factors, "outcomes": outcomes}, design,
                     {k: "DOUBLE" for k in x}, ["goal_nc_dual_teachers_2025"])
    ids = [f"{i:07d}-0000" for i in range(n)]
    exp = pd.DataFrame({"run_id": ids, "point": range(n), "replication": 0, "seed": 1, "engine_replication": 0,
                        **{k: x[k] for k in x}})
    out = pd.DataFrame({"run_id": ids, "goal_nc_dual_teachers_2025": met})
    store.write_batch(exp, out, pd.DataFrame(columns=["run_id", "session", "duration_s", "worker"]),
                      pd.DataFrame(columns=["run_id", "session", "error"]))
    store.close()
    return tmp_path


def test_prim_recovers_the_planted_box(planted):
    from simulate.seek.discover import discover

    d = discover(planted, "nc.dual_teachers", met=True)
    r = d.restrictions.set_index("factor")
    assert set(r.index) == {"a", "b"}                                  # c is not restricted
    assert r.loc["a", "low"] == pytest.approx(0.6, abs=0.03) and r.loc["b", "high"] == pytest.approx(3.0, abs=0.3)
    chosen = d.trajectory.iloc[d.chosen]
    assert chosen.density >= 0.95 and chosen.coverage >= 0.9
    assert list(d.trajectory.columns[:3]) == ["box", "coverage", "density"]


def test_discover_writes_into_the_sweep_report_folder(planted, capsys):
    assert main(["discover", str(planted), "--goal", "nc.dual_teachers", "--missed", "--lang", "en",
                 "--no-images"]) == ExitStatus.OK
    folder = planted / "report_en" / "discover_nc_dual_teachers_2025_missed"
    assert (folder / "report.html").is_file() and (folder / "tables" / "restrictions.csv").is_file()
    assert "coverage" in capsys.readouterr().out


def test_an_unknown_goal_names_the_sweep_goals(planted, capsys):
    assert main(["discover", str(planted), "--goal", "nc.order_trained", "--no-images"]) == ExitStatus.BAD_INPUT
    assert "nc.dual_teachers (2025)" in capsys.readouterr().err
