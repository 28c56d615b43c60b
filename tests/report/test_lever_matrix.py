"""The lever response matrix (``talentsim levers``): paired effects, and what decides an undecided one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulate
from simulate.goals.deciders import chance_level, parse
from simulate.policy import levers
from simulate.report import lever_matrix as lm
from simulate.scenario import LoadedScenario
from simulate.scenario.lever_ranges import apply_lever_ends, load_lever_ranges

ROOT = Path(__file__).resolve().parents[2]


def _planted(n: int = 40, k: int = 30, seed: int = 4) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, k)), columns=[f"p{j}" for j in range(k)])
    x.insert(0, "replication", np.arange(n))
    return x, rng


def test_the_parameter_that_sets_an_effects_sign_is_named_above_chance():
    params, rng = _planted()
    effect = pd.Series(3.0 * (0.55 - params["p7"]) + rng.normal(0, 0.1, len(params)), index=params["replication"])
    text, chance = lm.effect_deciders(effect, params)
    first = parse(text)[0]
    assert first["name"] == "p7" and first["op"] == "≤"  # positive when p7 is small
    assert abs(float(first["rho"].replace("−", "-"))) > chance == pytest.approx(chance_level(40, 30))
    assert 0.5 < float(first["threshold"]) < 0.6


def test_only_the_levers_own_parameters_are_ranked():
    params, rng = _planted()
    effect = pd.Series(3.0 * (0.55 - params["p7"]) + rng.normal(0, 0.1, len(params)), index=params["replication"])
    text, chance = lm.effect_deciders(effect, params, ("p3", "p12"))
    assert "p7" not in text and chance == pytest.approx(chance_level(40, 2))
    assert lm.effect_deciders(effect, params, ("p7",))[0].startswith("p7 ≤ ")
    assert lm.effect_deciders(effect, params, ("absent",))[0] == ""


def test_no_decider_for_a_constant_effect_or_without_draws():
    params, _ = _planted()
    assert lm.effect_deciders(pd.Series(2.0, index=params["replication"]), params)[0] == ""
    assert lm.effect_deciders(pd.Series(np.arange(40.0)), None)[0] == ""
    assert lm.effect_deciders(pd.Series(np.arange(40.0)), params[["replication"]])[0] == ""


@pytest.fixture(scope="module")
def small_runs():
    loaded = simulate.load_scenario(ROOT / "tests" / "data" / "small_jiangxi.yaml")
    sc = loaded.scenario
    ranges = load_lever_ranges()
    base = simulate.run(loaded, seed=5, replications=12)
    same = simulate.run(loaded, seed=5, replications=12)
    bases = [v for v in lm.variants(ranges, sc.region.name) if v.lever == "bases_per_major_target"][0]
    high = LoadedScenario(apply_lever_ends(sc, "high", only=set(bases.paths), ranges=ranges), loaded.sources,
                          loaded.files)
    return base, {lm.LeverVariant("unchanged", ("none",)): same, bases: simulate.run(high, seed=5, replications=12)}


def test_a_variant_equal_to_the_base_has_zero_effects_and_nothing_to_decide(small_runs):
    base, runs = small_runs
    m = lm.matrix(base, runs)
    assert list(m.columns) == lm.MATRIX_COLUMNS
    same = m[m["lever"] == "unchanged"]
    assert len(same) and (same["effect_median"] == 0).all() and (same["effect_p05"] == 0).all()
    assert not same["interval_excludes_zero"].any() and (same["effect_decided_by"] == "").all()


def test_three_bases_per_major_from_2020_raise_nanchangs_bases(small_runs):
    base, runs = small_runs
    m = lm.matrix(base, runs)
    row = m[(m["lever"] == "bases_per_major_target") & (m["goal_id"] == "nc.training_bases.count")
            & (m["year"] == 2025)]
    assert len(row) == 1
    assert row["effect_p05"].iloc[0] > 0 and bool(row["interval_excludes_zero"].iloc[0])
    assert row["effect_decided_by"].iloc[0] == ""  # a decided effect needs no decider
    # a decider, where one clears chance, is one of the lever's own mechanism parameters
    own = {lv.path: lv.parameters for lv in levers()}
    for r in m[m["effect_decided_by"] != ""].itertuples():
        for entry in parse(r.effect_decided_by):
            assert any(entry["name"] == p or entry["name"].startswith((p + ".", p + "[")) for p in own[r.lever])
    assert m["decided_by_chance_rho"].dropna().between(0, 1).all()
