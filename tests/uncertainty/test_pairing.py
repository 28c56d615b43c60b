"""Compared scenarios stay paired with parameter uncertainty on: a lever's effect is measured sharply.

The bound holds where the effect's spread across replications is noise that pairing removes. Where the
effect itself depends on uncertain parameters it is genuine uncertainty about the effect and pairing keeps
it: at full scale in 2030 the order-trained effect of the apprenticeship push has SD(paired) / SD(unpaired)
≈ 0.77, the mismatch effect of enrollment adjustment ≈ 0.63 (``python benchmarks/pairing.py --year 2030``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulate
from simulate.report.metrics import KEY_INDICATORS
from simulate.scenario import LoadedScenario, Scenario

ROOT = Path(__file__).resolve().parents[2]
LEVER_SCENARIOS = ("apprenticeship_push", "funding_10k_12k", "surcharge_credit_30", "enrollment_adjustment",
                   "nanchang_8623")
REPS, YEAR, SEED = 20, 2025, 11


def _with_levers(base: LoadedScenario, name: str) -> LoadedScenario:
    levers = simulate.load_scenario(ROOT / "scenarios" / f"{name}.yaml").scenario.levers.model_dump(mode="python")
    data = base.scenario.model_dump(mode="python")
    data.update(levers=levers, name=name)
    return LoadedScenario(Scenario.model_validate(data), base.sources, base.files)


def _cells(result) -> pd.DataFrame:
    f = result.frame
    f = f[(f.region == result.scenario.region.name) & (f.year == YEAR)]
    return pd.DataFrame({c.indicator: f[(f.indicator == c.indicator) & (f.level == c.level)
                                        & (f.dimension == c.dimension)].set_index("replication")["value"].sort_index()
                         for c in KEY_INDICATORS})


@pytest.mark.slow
def test_paired_effects_vary_at_most_a_third_as_much_as_unpaired_ones(small_loaded):
    base = _cells(simulate.run(small_loaded, seed=SEED, replications=REPS))
    worst = {}
    for name in LEVER_SCENARIOS:
        variant = _with_levers(small_loaded, name)
        paired = _cells(simulate.run(variant, seed=SEED, replications=REPS)) - base
        unpaired = _cells(simulate.run(variant, seed=SEED + 1, replications=REPS)).to_numpy() - base.to_numpy()
        sd_u = unpaired.std(axis=0, ddof=1)
        ratio = paired.to_numpy().std(axis=0, ddof=1) / np.where(sd_u > 0, sd_u, np.nan)
        assert (paired.abs().to_numpy() > 0).any(), name  # the lever has an effect by then
        worst[name] = float(np.nanmax(ratio))
    assert max(worst.values()) <= 0.3, worst


def test_compared_scenarios_share_every_parameter_draw(small_loaded):
    a = simulate.run(small_loaded, seed=3, replications=4)
    b = simulate.run(_with_levers(small_loaded, "funding_10k_12k"), seed=3, replications=4)
    pd.testing.assert_frame_equal(a.parameters, b.parameters, check_exact=True)
