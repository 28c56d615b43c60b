"""Why the apprenticeship push's effect has no sign: a trainee's yearly value to a firm decides it.

    python benchmarks/apprenticeship_value.py [--scenario jiangxi_baseline] [--reps 40] [--workers 2] [--year 2025]

Runs the scenario and the scenario with ``apprenticeship_share`` at the top of its documented range
(``scenarios/lever_ranges.yaml``), on the same seed, so both share every parameter draw and random stream.
For each replication it computes the mechanism's own quantity on the scenario that replication simulated
(:func:`simulate.policy.apprenticeship.seat_value`): retention × hire value / mean programme years − the
cost of a trainee-year; then the paired effect of the push on Nanchang's secondary
order-class entrants and on the region's enterprise participation, split by the sign of that value, and
the rank correlation of the value with the effect (beside the best single parameter's).
This backs the README's statement in "What each lever does".
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import simulate
from simulate.policy.apprenticeship import seat_value
from simulate.scenario import LoadedScenario
from simulate.scenario.lever_ranges import apply_lever_ends, load_lever_ranges
from simulate.scenario.schema import LEVELS
from simulate.uncertainty import declared, replication_scenarios


def _cell(frame: pd.DataFrame, indicator: str, region: str, level: str, year: int) -> pd.Series:
    f = frame[(frame.indicator == indicator) & (frame.region == region) & (frame.level == level)
              & (frame.dimension == "total") & (frame.year == year)]
    return f.set_index("replication")["value"].sort_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="jiangxi_baseline")
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()

    loaded = simulate.load_scenario(args.scenario)
    sc = loaded.scenario
    push = apply_lever_ends(sc, "high", only={"apprenticeship_share"}, ranges=load_lever_ranges())
    base = simulate.run(loaded, seed=sc.seed, replications=args.reps, workers=args.workers)
    pushed = simulate.run(LoadedScenario(push, loaded.sources, loaded.files), seed=sc.seed,
                          replications=args.reps, workers=args.workers)
    draws = base.parameters.set_index("replication").sort_index()
    # each replication's scenario, as the run built it, and the model's own seat value on it
    uncertain = declared(loaded)
    years = float(np.mean([sc.region.levels[lv].program_years for lv in LEVELS]))
    value = pd.Series([seat_value(s, years) for s in replication_scenarios(sc, uncertain, base.parameters)],
                      index=base.parameters["replication"]).sort_index()
    q = value.quantile([0.05, 0.5, 0.95])
    print(f"{args.scenario}, apprenticeship_share {sc.levers.apprenticeship_share.at(args.year):g} → top of range, "
          f"{args.reps} replications, {args.year}")
    print(f"a seat's yearly value to a firm (yuan): p05 {q[0.05]:,.0f}, median {q[0.5]:,.0f}, p95 {q[0.95]:,.0f}; "
          f"positive in {(value > 0).sum()} of {len(value)} draws")
    province = sc.region.name
    for label, ind, region, level in (
            ("Nanchang secondary order-class entrants", "joint_entrants", "nanchang", "secondary_vocational"),
            (f"{province} enterprise participation", "enterprise_participation_rate", province, "enterprise")):
        effect = _cell(pushed.frame, ind, region, level, args.year) - _cell(base.frame, ind, region, level, args.year)
        effect = effect.reindex(value.index)
        pos, neg = value > 0, value <= 0
        rho = spearmanr(value, effect).statistic
        singles = {c: spearmanr(draws[c], effect).statistic for c in draws.columns if draws[c].nunique() > 1}
        best = max(singles, key=lambda c: abs(singles[c]) if np.isfinite(singles[c]) else -1)
        print(f"{label}: effect median {effect.median():+.4g} [{effect.quantile(0.05):+.4g}, "
              f"{effect.quantile(0.95):+.4g}]")
        print(f"  value > 0 ({pos.sum()} draws): effect > 0 in {(effect[pos] > 0).sum()}, "
              f"median {effect[pos].median():+.4g}")
        print(f"  value ≤ 0 ({neg.sum()} draws): effect < 0 in {(effect[neg] < 0).sum()}, "
              f"median {effect[neg].median():+.4g}")
        print(f"  rank correlation with the value {rho:+.2f}; best single parameter {best} {singles[best]:+.2f}")


if __name__ == "__main__":
    main()
