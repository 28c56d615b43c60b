"""The cohort outlook the layers hand to the engine: junior graduates and applicants to the horizon.

Evaluates the central paths written into the scenario layers with the engine's own intake
equations (:mod:`simulate.agents.intake`), nationally and for each provincial intake layer, so the
calibration report can say what the falling birth cohort does to secondary-vocational intake.
"""

from __future__ import annotations

import pandas as pd
from pydantic import TypeAdapter

from simulate.fitting.cohort import COHORT_LAG, GENERAL_YEARS
from simulate.scenario.schema import PersonsPath, RatioPath

YEARS = (2019, 2022, 2025, 2030, 2035)
"""Milestones the report states."""
_PATH, _PERSONS = TypeAdapter(RatioPath), TypeAdapter(PersonsPath)


def _intake(tree: dict) -> dict:
    return {k: (_PERSONS if k == "national_births" else _PATH).validate_python(v["value"])
            for k, v in tree["region"]["intake"].items()
            if k in ("national_births", "junior_per_birth", "province_share", "vocational_share",
                     "technical_share_of_secondary", "higher_external_rate")}


def outlook(cohort: dict, regions: dict[str, dict], first: int = 2015, last: int = 2035) -> pd.DataFrame:
    """Per region and year: births 15 years earlier, junior graduates, shares and applicants per level.

    Args:
        cohort: the cohort layer (births, ratio); regions: region name → its intake layer (the national
            region layer with ``province_share`` 1 for ``national``).
    """
    base = _intake(cohort)
    rows = []
    for name, tree in regions.items():
        it = {**base, **_intake(tree)}
        share = it.get("province_share")

        def junior(y: int, it=it, share=share) -> float:
            j = it["national_births"].at(y - COHORT_LAG) * it["junior_per_birth"].at(y)
            return j * (share.at(y) if share is not None else 1.0)

        for y in range(first, last + 1):
            j, v, t = junior(y), it["vocational_share"].at(y), it["technical_share_of_secondary"].at(y)
            left = y - GENERAL_YEARS
            rows.append({"region": name, "year": y, "births_15_years_earlier": it["national_births"].at(y - COHORT_LAG),
                         "junior_graduates": j, "vocational_share": v, "technical_share": t,
                         "secondary_vocational_applicants": j * v * (1 - t), "technical_applicants": j * v * t,
                         "external_higher_vocational_applicants": it["higher_external_rate"].at(y) * junior(left)
                         * (1 - it["vocational_share"].at(left))})
    return pd.DataFrame(rows)


def statements(table: pd.DataFrame, a: int = 2030, b: int = 2035) -> list[str]:
    """One sentence per region: secondary-vocational applicants at the milestones and the fall from ``a`` to ``b``."""
    out = []
    for name, g in table.groupby("region", sort=False):
        g = g.set_index("year")
        sv = g.secondary_vocational_applicants
        births = g.births_15_years_earlier
        shown = ", ".join(f"{y} {sv[y]:,.0f}" for y in YEARS if y in sv.index)
        fewer = 1 - g.junior_graduates[b] / g.junior_graduates[a]
        out.append(f"{name}: secondary-vocational applicants {shown}. {b} is {1 - sv[b] / sv[a]:.1%} below {a}, "
                   f"following births {b - COHORT_LAG} vs {a - COHORT_LAG} ({births[b]:,.0f} vs {births[a]:,.0f}: "
                   f"{1 - births[b] / births[a]:.1%} fewer; junior graduates {fewer:.1%} fewer, vocational share "
                   f"{g.vocational_share[a]:.3f} → {g.vocational_share[b]:.3f}).")
    return out


__all__ = ["outlook", "statements"]
