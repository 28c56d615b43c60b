"""Certification fitted on the engine: the national dual-qualified share of 2021 and 2022.

The national 双师型 share of secondary vocational specialty teachers rose from 55.51% (2021) to
56.18% (2022) (``observed_2015_2022.csv``). The share moves through every teacher mechanism at once
(retirement by age, quits, hires from industry, practice posts from firms and their funding,
certification), so it is fitted on the agent engine itself, at the scale the scenarios run at: the
national scenario is run from December 2020 with the 2021 share carried back one year at the observed
rise (55.51 − 0.67 = 54.84%). Two drivers are fitted to the two years:

* ``initial_practice_share``, the share of non-dual specialty teachers whose practice in the base year's
  window makes them candidates for certification. It sets the first year's rise: a start above the
  share the status-quo enforcement keeps compliant certifies a burst of candidates in the first year
  and then stalls (the run's start, not the policy, would make the trend).
* ``certification_rate``, the yearly chance a practice-compliant candidate is certified. With the
  first driver, it sets the rise to 2022.

For each candidate initial share the rate that gives the 2022 share is found by bisection, and the
initial share by bisection on the 2021 share; the ranges are the values at which the engine's share is
0.5 points below and above the observation (2022 for the rate, 2021 for the initial share).
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
    """The fitted certification rate and initial practice share, and the engine's hindcast with them.

    Attributes:
        rate: fitted yearly certification chance.
        low, high: rates at which the 2022 share is 0.5 points below / above the observation.
        hindcast: year → engine share of secondary vocational specialty teachers.
        initial: the December 2020 share the hindcast starts from.
        practice: fitted base-year share of non-dual specialty teachers with practice in the window.
        practice_low, practice_high: initial shares at which the 2021 share is 0.5 points below / above.
    """

    rate: float
    low: float
    high: float
    hindcast: dict[int, float]
    initial: float
    practice: float
    practice_low: float
    practice_high: float

    @property
    def within_tolerance(self) -> bool:
        """Every observed year reproduced within half a point."""
        return all(abs(self.hindcast[y] - v) <= TOLERANCE for y, v in OBSERVED.items())

    def source(self) -> str:
        """The ``source`` text of the fitted value."""
        h = ", ".join(f"{y}: {100 * v:.2f}%" for y, v in sorted(self.hindcast.items()))
        return (f"fitted: national engine hindcast (scale 1) from Dec 2020 (share {100 * self.initial:.2f}%) to the "
                f"observed 55.51% (2021) and 56.18% (2022), with initial_practice_share {self.practice:.3f}; "
                f"engine gives {h}")

    def practice_source(self) -> str:
        """The ``source`` text of the fitted initial practice share."""
        return (f"fitted with the certification rate ({self.rate:.4f}): the national engine's first-year rise "
                f"from Dec 2020 matches the observed 2021 share (55.51%)")


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


def hindcast_scenario(national: Scenario, rate: float, scale: float | None = None,
                      practice: float | None = None) -> Scenario:
    """The national scenario re-based to 2021–2022 with the Dec 2020 share and a given certification rate.

    ``scale`` defaults to the national scenario's own (1.0): the fit must be made at the scale the scenarios
    run at. ``scale`` shrinks every school's students and teachers while the number of schools stays, and
    the teacher pipeline acts per school in whole teachers against per-school costs, so the share is not
    scale-free: with the same rate, the 2022 share is 56.2% at scale 0.1 and 58.0% at 1.0.
    ``practice`` sets ``initial_practice_share`` (default: the scenario's).
    """
    scale = national.scale if scale is None else scale
    d = national.model_dump(mode="python")
    initial = OBSERVED[2021] - (OBSERVED[2022] - OBSERVED[2021])
    d["base_year"], d["horizon"], d["scale"] = 2021, 2022, scale
    d["region"]["enterprises"]["records"] = int(round(d["region"]["enterprises"]["records"] / max(scale, 1e-9)
                                                      * min(scale, 1.0)))
    for lv in ("secondary_vocational", "technical_school"):
        d["region"]["levels"][lv]["dual_qualified_share"] = initial
    d["behaviour"]["teachers"]["certification_rate"] = rate
    if practice is not None:
        d["behaviour"]["teachers"]["initial_practice_share"] = practice
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


def _bisect(f, target: float, lo: float, hi: float, steps: int) -> float:
    """The x in [lo, hi] where the increasing function ``f`` crosses ``target``."""
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _solve(national: Scenario, target: float, lo: float = 0.0, hi: float = 0.5, steps: int = 11,
           practice: float | None = None) -> float:
    """Certification rate whose 2022 engine share equals ``target`` (the share rises with the rate)."""
    return _bisect(lambda r: engine_shares(hindcast_scenario(national, r, practice=practice))[2022], target,
                   lo, hi, steps)


def fit_certification(national: Scenario, practice_steps: int = 7) -> DualFit:
    """Fit the certification rate and the initial practice share on the national engine at its own scale.

    About five minutes: each trial is a two-year national run at scale 1 with two seeds.
    """
    def share_2021(p: float) -> float:
        rate = _solve(national, OBSERVED[2022], practice=p)
        return engine_shares(hindcast_scenario(national, rate, practice=p))[2021]

    practice = _bisect(share_2021, OBSERVED[2021], 0.0, 1.0, practice_steps)
    rate = _solve(national, OBSERVED[2022], practice=practice)
    low = _solve(national, OBSERVED[2022] - TOLERANCE, 0.0, rate, practice=practice)
    high = _solve(national, OBSERVED[2022] + TOLERANCE, rate, 0.5, practice=practice)

    def with_rate(p: float) -> float:
        return engine_shares(hindcast_scenario(national, rate, practice=p))[2021]

    p_low = _bisect(with_rate, OBSERVED[2021] - TOLERANCE, 0.0, practice, practice_steps)
    p_high = _bisect(with_rate, OBSERVED[2021] + TOLERANCE, practice, 1.0, practice_steps)
    hindcast = engine_shares(hindcast_scenario(national, rate, practice=practice))
    initial = OBSERVED[2021] - (OBSERVED[2022] - OBSERVED[2021])
    return DualFit(rate=rate, low=low, high=high, hindcast=hindcast, initial=initial, practice=practice,
                   practice_low=p_low, practice_high=p_high)


def layer_text(fit: DualFit) -> str:
    """The fitted scenario layer (``calibration/fitted/teachers.yaml``) as YAML text."""
    import yaml

    doc = {"behaviour": {"teachers": {
        "certification_rate": {
            "value": round(fit.rate, 4), "source": fit.source(),
            "range": [round(fit.low, 4), round(fit.high, 4)],
            "note": "range: the rates at which the engine's 2022 share is 56.18% ± 0.5 points",
        },
        "initial_practice_share": {
            "value": round(fit.practice, 3), "source": fit.practice_source(),
            "range": [round(fit.practice_low, 3), round(fit.practice_high, 3)],
            "note": "range: the initial shares at which the engine's 2021 share is 55.51% ± 0.5 points (at the "
                    "fitted rate)",
        },
    }}}
    head = ("# Certification rate and initial practice share fitted on the national engine at scale 1\n"
            "# (simulate.fitting.dual_share): written by `talentsim calibrate` (with the engine) beside the behaviour\n"
            "# layer. A scenario extends this file after calibration/parameters/*.yaml and fitted/behaviour.yaml.\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=200)
