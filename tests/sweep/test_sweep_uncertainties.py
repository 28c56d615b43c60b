"""``uncertainties: all``: every declared distribution becomes a sweep factor (levers stay the planner's)."""

from __future__ import annotations

import numpy as np
import pytest

from simulate.scenario import ScenarioError
from simulate.scenario.types import DatedPath
from simulate.sweep import design_for, load_sweep, run_sweep
from simulate.sweep.paths import get_at
from simulate.sweep.worker import Context, scenario_for
from simulate.uncertainty import declared


def _spec(kit, tmp_path, extra: str, factors: bool = True, method: str = "lhs", samples: int = 3):
    body = (f"name: tiny_psa\nscenario: tiny.yaml\nmethod: {method}\nsamples: {samples}\nreplications: 1\n"
            f"seed: 5\n{extra}{kit.FACTORS if factors else ''}{kit.OUTCOMES}")
    return kit.write_spec(tmp_path, body)


def test_uncertainties_all_adds_every_declared_parameter_as_a_factor(kit, tmp_path):
    sweep = load_sweep(_spec(kit, tmp_path, "uncertainties: all\n"))
    explicit = [f for f in sweep.factors if f.uncertain is None]
    added = [f for f in sweep.factors if f.uncertain is not None]
    assert [f.name for f in explicit] == ["apprenticeship_share", "funding_secondary", "credit_rate", "eligibility"]
    assert len(added) == len(declared(sweep.loaded)) > 100
    assert not [f for f in added if f.path.startswith("levers")]
    assert len({f.name for f in sweep.factors}) == len(sweep.factors)
    growth = next(f for f in added if f.path == "region.industries[*].revenue_growth")
    assert growth.dist == "triangular" and growth.name == "industries_revenue_growth"


def test_sampled_points_write_every_parameter_into_a_valid_scenario(kit, tmp_path):
    sweep = load_sweep(_spec(kit, tmp_path, "uncertainties: all\n"))
    design = design_for(sweep)
    ctx = Context("k", sweep.base, sweep.factors, sweep.outcomes)
    for point, values in enumerate(design.values):
        sc = scenario_for(ctx, point, tuple(values))
        for f, v in zip(sweep.factors, values, strict=True):
            if f.uncertain is not None and not f.uncertain.is_path:
                assert f.lo <= v <= f.hi
                value = get_at(sc, f.steps)
                value = value.at(2025) if isinstance(value, DatedPath) else value
                assert float(value) == pytest.approx(v), f.name
        n = len(sc.region.industries)
        growth = {i.revenue_growth.at(2025) for i in sc.region.industries}
        assert len(growth) == 1 and n > 1  # one draw for every industry
        assert sum(s.school_share.technical_school for s in sc.region.subregions) == pytest.approx(1.0)


def test_prefixes_choose_which_uncertainties_and_explicit_factors_win(kit, tmp_path):
    extra = ("uncertainties: [behaviour.labour]\nfactors:\n  - path: behaviour.labour.outflow_before_search\n"
             "    bounds: [0.1, 0.5]\n")
    body = (f"name: tiny_psa\nscenario: tiny.yaml\nmethod: lhs\nsamples: 3\nreplications: 1\nseed: 5\n{extra}"
            f"{kit.OUTCOMES}")
    sweep = load_sweep(kit.write_spec(tmp_path, body))
    added = [f for f in sweep.factors if f.uncertain is not None]
    assert added and all(f.path.startswith("behaviour.labour.") for f in added)
    assert "behaviour.labour.outflow_before_search" not in {f.path for f in added}
    assert sweep.factors[0].uncertain is None and sweep.factors[0].hi == 0.5


def test_a_sweep_needs_factors_or_uncertainties(kit, tmp_path):
    with pytest.raises(ScenarioError, match="at least one factor"):
        load_sweep(_spec(kit, tmp_path, "", factors=False))


def test_a_sweep_of_uncertainties_only_runs_and_stores_them(kit, tmp_path):
    sweep = load_sweep(_spec(kit, tmp_path, "uncertainties: [behaviour.enterprises]\n", factors=False, samples=2))
    summary = run_sweep(sweep, tmp_path / "out", workers=1, progress=False)
    assert summary.ran == 2 and summary.failed == 0
    stored = kit.ordered(tmp_path / "out")["experiments"]
    names = [f.name for f in sweep.factors]
    assert names and set(names) <= set(stored.columns)
    assert np.isfinite(stored[names].to_numpy(float)).all()
