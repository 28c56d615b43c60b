"""Published-style statistics from an engine run, to test that calibration recovers its parameters.

:func:`engine_statistics` writes what a statistical bulletin would publish about a simulated
province (national vocabulary: the region is written as ``national``): enrollment, in-school and
graduates per level, full-time teachers, the dual-qualified share of specialty teachers, the
progression rate of secondary vocational graduates, and the junior-secondary graduates that drove
the intake (from the years whose leavers applied to 高职 in the first simulated year). Every figure
is ``quality = high`` with a source naming the scenario, seed and replication.
"""

from __future__ import annotations

import pandas as pd

from simulate.agents.intake import junior_graduates
from simulate.fitting.data import COLUMNS
from simulate.scenario.schema import Scenario

LEVELS = ("secondary_vocational", "technical_school", "higher_vocational")
COUNTS = ("enrollment", "in_school", "graduates", "fulltime_teachers")


def engine_statistics(frame: pd.DataFrame, sc: Scenario, replication: int = 0) -> pd.DataFrame:
    """One replication of an engine run as rows of the observed-statistics format."""
    region = sc.region.name
    f = frame[(frame.region == region) & (frame.dimension == "total") & (frame.replication == replication)]
    cell = f.set_index(["level", "indicator", "year"])["value"]
    source = f"engine: talentsim scenario {sc.name}, replication {replication}"
    rows = []

    def put(level: str, indicator: str, year: int, value: float, unit: str) -> None:
        rows.append({"region": "national", "level": level, "indicator": indicator, "year": int(year),
                     "value": float(value), "qualifier": "", "unit": unit, "quality": "high", "source": source,
                     "quote": f"{region} {level} {indicator} {year}"})

    years = range(sc.base_year - 1, sc.horizon + 1)
    for lv in LEVELS:
        for ind in COUNTS:
            for y in years:
                v = cell.get((lv, ind, y))
                if v is not None and v == v:
                    put(lv, ind, y, v, "persons")
        for y in years:
            dual, prof = cell.get((lv, "dual_qualified_teachers", y)), cell.get((lv, "professional_teachers", y))
            if dual is not None and prof:
                put(lv, "dual_qualified_share_of_specialty_teachers", y, 100 * dual / prof, "percent")
    for y in years:
        grads, prog = cell.get(("secondary_vocational", "graduates", y)), cell.get(("secondary_vocational",
                                                                                     "progression", y))
        if grads and prog is not None:
            put("secondary_vocational", "graduate_progression_rate", y, 100 * prog / grads, "percent")
    lag = sc.region.intake.higher_external_lag  # the pool of external 高职 applicants left junior school then
    for y in range(sc.base_year - 1 - lag, sc.horizon + 1):
        put("junior_secondary", "graduates", y, junior_graduates(sc, y) * sc.scale, "persons")
    return pd.DataFrame(rows, columns=list(COLUMNS))
