"""Certification fitted on the engine: the national dual-qualified share of 2021 and 2022.

The national 双师型 share of secondary vocational specialty teachers rose from 55.51% (2021) to
56.18% (2022) (``observed_2015_2022.csv``). The share moves through every teacher mechanism at once
(retirement by age, quits, hires from industry, practice posts from firms and their funding,
certification), so the certification rate is fitted on the agent engine itself: the national
scenario is run from December 2020 with the 2021 share carried back one year at the observed rise
(55.51 − 0.67 = 54.84%), and the yearly certification chance is found by bisection so that the
engine's 2022 share is 56.18%; the rates at which it is 56.18 ± 0.5 points bound the range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.engine import simulate_replication
from simulate.scenario.schema import LEVELS, Scenario

OBSERVED = {2021: 0.5551, 2022: 0.5618}
"""national/secondary_vocational/dual_qualified_share_of_specialty_teachers (high)."""
TOLERANCE = 0.005
"""The hindcast must be within half a percentage point of each year."""


@dataclass(frozen=True)
class DualFit:
    """The fitted certification rate and the engine's hindcast with it.

    Attributes:
        rate: fitted yearly certification chance.
        low, high: rates at which the 2022 share is 0.5 points below / above the observation.
        hindcast: year → engine share of secondary vocational specialty teachers.
        initial: the December 2020 share the hindcast starts from.
    """

    rate: float
    low: float
    high: float
    hindcast: dict[int, float]
    initial: float

    @property
    def within_tolerance(self) -> bool:
        """Every observed year reproduced within half a point."""
        return all(abs(self.hindcast[y] - v) <= TOLERANCE for y, v in OBSERVED.items())

    def source(self) -> str:
        """The ``source`` text of the fitted value."""
        h = ", ".join(f"{y}: {100 * v:.2f}%" for y, v in sorted(self.hindcast.items()))
        return (f"fitted: national engine hindcast from Dec 2020 (share {100 * self.initial:.2f}%) to the observed "
                f"55.51% (2021) and 56.18% (2022); engine gives {h}")


def national_scenario(fit=None) -> Scenario:
    """The shipped national baseline, with the rates of ``fit`` (a :class:`~simulate.fitting.calibrate.Fit`) if given.

    The certification hindcast starts from it; ``talentsim calibrate`` passes the fit it has just made,
    so the dropout, progression and attrition rates are the ones written beside the certification rate.
    """
    from simulate import shipped
    from simulate.fitting import layers
    from simulate.scenario import load_scenario

    d = load_scenario(shipped.scenario_path("national_baseline")).scenario.model_dump(mode="python")
    if fit is not None:
        tree, _ = layers.behaviour_layer(fit, "")

        def overlay(target: dict, layer: dict) -> None:
            for key, value in layer.items():
                if isinstance(value, dict) and "value" in value and "source" in value:
                    target[key] = value["value"]
                else:
                    overlay(target[key], value)

        overlay(d, tree)
    return Scenario.model_validate(d)


def hindcast_scenario(national: Scenario, rate: float, scale: float = 0.1) -> Scenario:
    """The national scenario re-based to 2021–2022 with the Dec 2020 share and a given certification rate."""
    d = national.model_dump(mode="python")
    initial = OBSERVED[2021] - (OBSERVED[2022] - OBSERVED[2021])
    d["base_year"], d["horizon"], d["scale"] = 2021, 2022, scale
    d["region"]["enterprises"]["records"] = int(round(d["region"]["enterprises"]["records"] / max(scale, 1e-9)
                                                      * min(scale, 1.0)))
    for lv in ("secondary_vocational", "technical_school"):
        d["region"]["levels"][lv]["dual_qualified_share"] = initial
    d["behaviour"]["teachers"]["certification_rate"] = rate
    return Scenario.model_validate(d)


def engine_shares(sc: Scenario, seeds: tuple[int, ...] = (0, 1)) -> dict[int, float]:
    """Mean dual-qualified share of secondary vocational specialty teachers by year over ``seeds``."""
    lv = LEVELS.index("secondary_vocational")
    out: dict[int, list[float]] = {}
    for seed in seeds:
        w = simulate_replication(sc, seed, 0, topics=frozenset({"teachers"}))
        f = w.frame
        sel = f[(f.indicator == "dual_qualified_share") & (f.level == LEVELS[lv]) & (f.region == sc.region.name)
                & (f.dimension == "total")]
        for y, v in zip(sel.year, sel.value, strict=True):
            out.setdefault(int(y), []).append(float(v))
    return {y: float(np.mean(v)) for y, v in out.items()}


def _solve(national: Scenario, target: float, lo: float = 0.0, hi: float = 1.0, steps: int = 14) -> float:
    """Certification rate whose 2022 engine share equals ``target`` (the share rises with the rate)."""
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if engine_shares(hindcast_scenario(national, mid))[2022] < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def fit_certification(national: Scenario) -> DualFit:
    """Fit the certification rate on the national engine (a few seconds)."""
    rate = _solve(national, OBSERVED[2022])
    low = _solve(national, OBSERVED[2022] - TOLERANCE, 0.0, rate)
    high = _solve(national, OBSERVED[2022] + TOLERANCE, rate, 1.0)
    hindcast = engine_shares(hindcast_scenario(national, rate))
    initial = OBSERVED[2021] - (OBSERVED[2022] - OBSERVED[2021])
    return DualFit(rate=rate, low=low, high=high, hindcast=hindcast, initial=initial)


def layer_text(fit: DualFit) -> str:
    """The fitted scenario layer (``calibration/fitted/teachers.yaml``) as YAML text."""
    import yaml

    doc = {"behaviour": {"teachers": {"certification_rate": {
        "value": round(fit.rate, 4), "source": fit.source(),
        "range": [round(fit.low, 4), round(fit.high, 4)],
        "note": "range: the rates at which the engine's 2022 share is 56.18% ± 0.5 points",
    }}}}
    head = ("# Certification rate fitted on the national engine (simulate.fitting.dual_share): written by\n"
            "# `talentsim calibrate` (with the engine) beside the behaviour layer. A scenario extends this file\n"
            "# after calibration/parameters/*.yaml and fitted/behaviour.yaml.\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=200)
