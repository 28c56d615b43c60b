"""The sampling → analysis path on functions with known sensitivity indices (no simulation)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulate.sweep.analysis import analyse
from simulate.sweep.factors import FactorPlan
from simulate.sweep.runner import design_frame
from simulate.sweep.sampling import build_design

PI = math.pi
# Ishigami (a = 7, b = 0.1), inputs uniform on [-π, π]: analytic first-order and total indices
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def plan(name: str, lo: float | None = None, hi: float | None = None, levels=None, baseline=None, dist="uniform",
         args=(), integer=False) -> FactorPlan:
    base = baseline if baseline is not None else (levels[0] if levels else (lo + hi) / 2)
    return FactorPlan(name=name, path=name, steps=(name,), lo=lo, hi=hi, levels=tuple(levels) if levels else None,
                      dist=dist, dist_args=tuple(args), integer=integer, baseline=base)


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def evaluate(design, fn, outcomes=("y",), reps: int = 1, noise: float = 0.0, seed: int = 0):
    """Points table (design + outcome means) as the store would give it, and run-level outcomes."""
    x = np.array([[float(v) for v in row] for row in design.values])
    rng = np.random.default_rng(seed)
    runs = []
    for r in range(reps):
        e = rng.normal(0, noise) if noise else 0.0  # common random numbers: one shock per replication
        runs.append(pd.DataFrame({"point": range(len(x)), "replication": r, outcomes[0]: fn(x) + e}))
    runs = pd.concat(runs, ignore_index=True)
    means = runs.groupby("point")[list(outcomes)].mean().reset_index()
    points = design_frame(design).merge(means, on="point")
    desc = [{"column": c, "outcome": c, "year": 2030, "kind": "indicator"} for c in outcomes]
    fdesc = [{"name": f.name, "levels": f.levels, "categorical": f.categorical} for f in design.factors]
    return points, runs, desc, fdesc


THREE = (plan("x1", -PI, PI), plan("x2", -PI, PI), plan("x3", -PI, PI))


def test_sobol_recovers_the_ishigami_indices():
    design = build_design(THREE, "sobol", 2048, seed=3)
    assert design.n_points == 2048 * (3 + 2)
    points, _, desc, fdesc = evaluate(design, ishigami)
    a = analyse("sobol", points, desc, fdesc, design.options, resamples=200, seed=1)
    t = a.tables["sobol"].set_index("factor").loc[["x1", "x2", "x3"]]
    np.testing.assert_allclose(t.S1, ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(t.ST, ISHIGAMI_ST, atol=0.04)
    assert (t.S1_conf > 0).all() and (t.S1_conf < 0.1).all()
    assert (t.ST_conf > 0).all() and (t.ST_conf < 0.1).all()
    # the confidence interval covers the analytic value for at least most indices
    covered = (np.abs(t.ST - ISHIGAMI_ST) <= 2 * t.ST_conf).sum() + (np.abs(t.S1 - ISHIGAMI_S1) <= 2 * t.S1_conf).sum()
    assert covered >= 5


def test_rbd_fast_on_a_latin_hypercube_recovers_ishigami_first_order():
    design = build_design(THREE, "lhs", 3000, seed=5)
    points, _, desc, fdesc = evaluate(design, ishigami)
    t = analyse("lhs", points, desc, fdesc, design.options, resamples=100).tables["rbd_fast"].set_index("factor")
    np.testing.assert_allclose(t.loc[["x1", "x2", "x3"], "S1"], ISHIGAMI_S1, atol=0.06)


def test_morris_elementary_effects_of_a_linear_function_are_exact():
    # y = 2·x1 + 0.5·x2 + 0·x3 on ranges of width 10, 4, 1: μ* = slope × range, σ = 0
    factors = (plan("x1", 0, 10), plan("x2", -2, 2), plan("x3", 0, 1))
    design = build_design(factors, "morris", 20, seed=9, morris_levels=4)
    assert design.n_points == 20 * 4
    points, _, desc, fdesc = evaluate(design, lambda x: 2 * x[:, 0] + 0.5 * x[:, 1] + 0 * x[:, 2])
    t = analyse("morris", points, desc, fdesc, design.options, resamples=100).tables["morris"].set_index("factor")
    np.testing.assert_allclose(t.mu_star, [20.0, 2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(t.mu, [20.0, 2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(t.sigma, 0.0, atol=1e-9)
    np.testing.assert_allclose(t.sigma_conf, 0.0, atol=1e-9)


def test_morris_sigma_and_its_interval_see_an_interaction():
    factors = (plan("x1", 0, 1), plan("x2", 0, 1), plan("x3", 0, 1))
    design = build_design(factors, "morris", 30, seed=2)
    points, _, desc, fdesc = evaluate(design, lambda x: x[:, 0] * x[:, 1] + x[:, 2])
    t = analyse("morris", points, desc, fdesc, design.options, resamples=300).tables["morris"].set_index("factor")
    assert t.sigma["x1"] > 0.1 and t.sigma["x2"] > 0.1      # interacting factors vary in effect
    assert t.sigma["x3"] == pytest.approx(0, abs=1e-9)       # additive one does not
    assert t.mu_star["x3"] == pytest.approx(1.0)
    assert (t.sigma_conf[["x1", "x2"]] > 0).all() and (t.mu_star_conf[["x1", "x2"]] > 0).all()


def test_oat_tornado_gives_low_and_high_against_the_base_with_paired_intervals():
    factors = (plan("a", 0, 10, baseline=5), plan("b", 0, 2, baseline=0), plan("c", levels=["x", "y"], baseline="x"))
    design = build_design(factors, "oat", 3, seed=0)
    assert design.labels[0] == "base" and design.values[0] == [5, 0, "x"]
    assert design.n_points == 1 + 2 + 2 + 1          # a: 0, 10; b: 1, 2; c: y

    def fn(x_rows):
        return 3 * x_rows[:, 0] - 4 * x_rows[:, 1]

    design_num = build_design(factors[:2], "oat", 3, seed=0)
    points, runs, desc, fdesc = evaluate(design_num, fn, reps=5, noise=1.0)
    t = analyse("oat", points, desc, fdesc, design_num.options, runs=runs).tables["tornado"].set_index("factor")
    assert t.loc["a", ["low", "high", "base"]].tolist() == pytest.approx([0 + noise_mean(runs), 30 + noise_mean(runs),
                                                                          15 + noise_mean(runs)])
    assert t.loc["a", "delta_low"] == pytest.approx(-15) and t.loc["a", "delta_high"] == pytest.approx(15)
    assert t.loc["b", "delta_low"] == pytest.approx(0) and t.loc["b", "delta_high"] == pytest.approx(-8)
    assert t.index[0] == "a"                          # sorted by swing (30 > 8)
    # common random numbers: the shock cancels in paired differences, so the interval is ~0
    assert t.delta_high_conf.max() == pytest.approx(0, abs=1e-9)


def noise_mean(runs: pd.DataFrame) -> float:
    return float(runs[runs.point == 0].y.mean() - 15)


def test_grid_main_effects_are_level_means():
    factors = (plan("a", 0, 1), plan("b", levels=[0.0, 10.0]))
    design = build_design(factors, "grid", 3, seed=0)
    assert design.n_points == 3 * 2
    points, _, desc, fdesc = evaluate(design, lambda x: x[:, 0] + x[:, 1])
    t = analyse("grid", points, desc, fdesc, design.options).tables["main_effects"]
    a = t[t.factor == "a"].set_index("level")["mean"]
    assert a.tolist() == pytest.approx([5.0, 5.5, 6.0])


def test_designs_are_deterministic_and_depend_on_the_seed():
    a = build_design(THREE, "sobol", 64, seed=1).unit
    assert np.array_equal(a, build_design(THREE, "sobol", 64, seed=1).unit)
    assert not np.array_equal(a, build_design(THREE, "sobol", 64, seed=2).unit)
    m = build_design(THREE, "morris", 8, seed=4).unit
    assert np.array_equal(m, build_design(THREE, "morris", 8, seed=4).unit)


@pytest.mark.parametrize("dist,args", [("uniform", ()), ("triangular", (0.05,)), ("normal", (0.1, 0.2))])
def test_sampled_shares_stay_within_their_bounds(dist, args):
    f = plan("share", 0.0, 0.3, dist=dist, args=args)
    design = build_design((f, plan("other", 0, 1)), "lhs", 500, seed=8)
    v = np.array([row[0] for row in design.values])
    assert v.min() >= 0.0 and v.max() <= 0.3
    if dist == "triangular":
        assert abs(np.median(v) - 0.1) < 0.03        # median of triang(0, 0.05, 0.3) ≈ 0.106
    if dist == "normal":                              # truncated N(0.1, 0.2) on [0, 0.3]: mean below 0.15
        assert 0.1 < v.mean() < 0.15


def test_levels_and_integers_map_from_the_unit_interval():
    lv = plan("e", levels=["certified", "cooperating", "all"])
    assert lv.from_unit(np.array([0.0, 0.33, 0.34, 0.99, 1.0])) == ["certified", "certified", "cooperating", "all",
                                                                    "all"]
    n = plan("months", 0, 12, integer=True)
    assert n.from_unit(np.array([0.0, 0.51, 1.0])) == [0.0, 6.0, 12.0]
