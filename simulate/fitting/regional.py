"""Regional shares of national flows, from the regional snapshots in the data.

Regions have snapshots, not series (Jiangxi 2021, Jilin 2017 and 2021, Hunan 2017–2018). A region's
share of a national stock in the snapshot year scales the fitted national drivers into a regional
intake layer: junior-secondary graduates by the region's share of secondary vocational and technical
students, external higher-vocational applicants by its share of higher-vocational students; the
growth paths are the national ones. Rates (vocational share, technical share) stay the region's own.
"""

from __future__ import annotations

import pandas as pd

from simulate.fitting.calibrate import Fit
from simulate.fitting.data import Observed, harmonised

SNAPSHOT = ("enrollment", "in_school", "graduates", "schools", "fulltime_teachers")
SECONDARY = ("secondary_vocational", "technical_school")


def regional_shares(obs: Observed, region: str) -> pd.DataFrame:
    """Every regional figure with a national figure of the same level, indicator and year, and its share."""
    f = obs.frame
    rows = []
    for r in f[(f.region == region) & f.indicator.isin(SNAPSHOT)].itertuples():
        nat = harmonised(obs, r.level, r.indicator).values
        if r.year in nat.index and nat[r.year] > 0:
            rows.append({"region": region, "level": r.level, "indicator": r.indicator, "year": int(r.year),
                         "regional": r.value, "national": float(nat[r.year]), "share": r.value / float(nat[r.year]),
                         "qualifier": r.qualifier, "quality": r.quality})
    return pd.DataFrame(rows, columns=["region", "level", "indicator", "year", "regional", "national", "share",
                                       "qualifier", "quality"])


def _share(shares: pd.DataFrame, levels: tuple[str, ...]) -> tuple[float, str] | None:
    """The region's share of the in-school stock of ``levels`` in the latest year all of them are known."""
    s = shares[(shares.indicator == "in_school") & shares.level.isin(levels)]
    years = [y for y, g in s.groupby("year") if set(g.level) == set(levels)]
    if not years:
        return None
    g = s[s.year == max(years)]
    share = g.regional.sum() / g.national.sum()
    how = " + ".join(f"{r.region}/{r.level}/in_school/{r.year} ({r.regional:,.0f})" for r in g.itertuples())
    return float(share), f"{how} / national ({g.national.sum():,.0f}) = {share:.4f}"


def intake_layer(fit: Fit, obs: Observed, region: str, base_year: int, command: str) -> dict:
    """``region.intake`` values of a region, scaled from the fitted national drivers (empty if no snapshot)."""
    from simulate.fitting.layers import _growth_steps

    shares = regional_shares(obs, region)
    inputs, out = fit.project(max(base_year + 6, fit.fit_until + 7))
    at = {int(y): i for i, y in enumerate(inputs.years)}
    intake: dict = {}
    sec = _share(shares, SECONDARY) or _share(shares, SECONDARY[:1])
    junior = out[("driver", "junior_graduates")]
    if sec and base_year in at:
        intake["junior_graduates"] = {
            "value": round(float(junior[at[base_year]] * sec[0])),
            "source": f"derived: national junior graduates {base_year} ({command}) × {sec[1]}"}
        intake["junior_graduates_growth"] = {"value": _growth_steps(junior, inputs.years, base_year),
                                             "source": f"derived: national junior cohort ({command})"}
    hv = _share(shares, ("higher_vocational",))
    external = out.get(("higher_vocational", "external_entrants"))
    if hv and external is not None and base_year in at:
        intake["higher_external_applicants"] = {
            "value": round(float(external[at[base_year]] * hv[0])),
            "source": f"derived: national external higher-vocational applicants {base_year} ({command}) × {hv[1]}"}
        intake["higher_external_growth"] = {"value": _growth_steps(external, inputs.years, base_year),
                                            "source": f"derived: national general-track cohort ({command})"}
    return {"region": {"intake": intake}} if intake else {}
