"""How much common random numbers (and shared parameter draws) sharpen a lever's effect.

    python benchmarks/pairing.py [--reps 20] [--year 2025] [--small] [--workers 2]

For each shipped lever scenario, the effect on the briefing's key indicators
(``simulate.report.metrics.KEY_INDICATORS``) in ``--year`` is measured replication by replication
against the baseline run on the same seed (paired: the same parameter draws and keyed random streams)
and on another seed (unpaired). Prints SD(paired) / SD(unpaired) per lever and indicator, in the default
mode (``parameters``) and in ``stochastic`` mode. ``--small`` uses the small test scenario (2019–2025).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import simulate
from simulate.report.metrics import KEY_INDICATORS
from simulate.scenario import LoadedScenario, Scenario

ROOT = Path(__file__).resolve().parents[1]
LEVER_SCENARIOS = ("apprenticeship_push", "funding_10k_12k", "surcharge_credit_30", "enrollment_adjustment",
                   "nanchang_8623")
SMALL = (f"extends: {ROOT / 'tests' / 'data' / 'small_jiangxi.yaml'}\nname: small\nhorizon: 2025\n"
         "region:\n  enterprises: {records: 25000}\n")


def with_levers(base: LoadedScenario, lever_file: Path) -> LoadedScenario:
    """The base scenario with the levers of a shipped lever scenario (its provenance otherwise)."""
    levers = simulate.load_scenario(lever_file).scenario.levers.model_dump(mode="python")
    data = base.scenario.model_dump(mode="python")
    data.update(levers=levers, name=lever_file.stem)
    return LoadedScenario(Scenario.model_validate(data), base.sources, base.files)


def cells(frame: pd.DataFrame, province: str, year: int) -> pd.DataFrame:
    """Replication × key indicator in ``year``."""
    out = {}
    for c in KEY_INDICATORS:
        sel = frame[(frame.indicator == c.indicator) & (frame.level == c.level) & (frame.dimension == c.dimension)
                    & (frame.region == province) & (frame.year == year)]
        out[c.indicator] = sel.set_index("replication")["value"].sort_index()
    return pd.DataFrame(out)


def ratios(base: LoadedScenario, reps: int, year: int, mode: str, seed: int = 11, workers: int = 1) -> pd.DataFrame:
    """Lever × indicator: SD of the paired effect / SD of the unpaired effect (NaN where neither varies)."""
    province = base.scenario.region.name

    def run(loaded, s):
        return cells(simulate.run(loaded, seed=s, replications=reps, workers=workers, uncertainty=mode).frame,
                     province, year)

    b = run(base, seed)
    rows = {}
    for name in LEVER_SCENARIOS:
        variant = with_levers(base, ROOT / "scenarios" / f"{name}.yaml")
        paired = run(variant, seed) - b
        unpaired = run(variant, seed + 1).to_numpy() - b.to_numpy()
        sd_u = unpaired.std(axis=0, ddof=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rows[name] = np.where(sd_u > 0, paired.to_numpy().std(axis=0, ddof=1) / sd_u, np.nan)
    return pd.DataFrame(rows, index=b.columns).T


def main() -> None:
    """Print the ratios in both modes."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--year", type=int, default=2025)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--small", action="store_true")
    args = p.parse_args()
    if args.small:
        path = Path(tempfile.mkdtemp()) / "small.yaml"
        path.write_text(SMALL, encoding="utf-8")
    else:
        path = ROOT / "scenarios" / "jiangxi_baseline.yaml"
    base = simulate.load_scenario(path)
    pd.set_option("display.width", 200)
    for mode in ("parameters", "stochastic"):
        r = ratios(base, args.reps, args.year, mode, workers=args.workers)
        print(f"\nSD(paired effect) / SD(unpaired effect), {mode} mode, {args.reps} replications, {args.year}, "
              f"{'small test scenario' if args.small else 'Jiangxi baseline'}")
        print(r.round(3).to_string())
        print(f"max {np.nanmax(r.to_numpy()):.3f}, median {np.nanmedian(r.to_numpy()):.3f}")


if __name__ == "__main__":
    main()
