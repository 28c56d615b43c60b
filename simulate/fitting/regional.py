"""A province's intake from the national drivers and its snapshot in the data.

Regions have snapshots, not series (Jiangxi 2021, Jilin 2017 and 2021, Hunan 2017–2018). A province
follows the national school-age cohort (births × the fitted ratio, :mod:`~simulate.fitting.cohort`)
through a **province share** of national junior graduates and the national general/vocational split
(no provincial junior-graduate or general-track series is in the data: a labelled assumption). The
share is set so that in the scenario's base year the applicants equal the cohorts the base-year
stocks hold, grade by grade — so the engine's plan (one grade of the stock), stock and applicants
agree:

* secondary vocational: the snapshot in-school stock over its three grades (the stock the scenario
  starts from);
* technical schools: the published snapshot **enrollment**, moved to the base year with the national
  technical enrollment (when the region publishes technical intake; else its stock over three grades).
  The region's technical share of secondary intake is the national one × a constant factor that
  reproduces that split in the base year;
* higher vocational: external applicants follow the national rate × the region's share of national
  higher-vocational students over its share of junior graduates.

Where the data has no in-school snapshot of a secondary level (Hunan has none; Jilin none for technical
schools), the base-year stock is the region's parameter file's (``calibration/parameters/<region>_region.yaml``,
``levels.<level>.in_school``, itself derived from national flows by a documented share), and the range of
the province share widens to the file's own ``intake.province_share.range``. A region is data: a new
province needs its region file, and this layer is then ``talentsim calibrate --regional <region>:<year>``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from simulate.fitting.calibrate import Fit
from simulate.fitting.data import Observed, harmonised
from simulate.fitting.layers import sourced
from simulate.fitting.paths import DriverPath, external_rate_path, share_path

SNAPSHOT = ("enrollment", "in_school", "graduates", "schools", "fulltime_teachers")
SECONDARY = ("secondary_vocational", "technical_school")
PROGRAM_YEARS = 3
"""Grades of the secondary stocks (the scenario's ``program_years``)."""
PARAMETERS = Path(__file__).resolve().parents[2] / "calibration" / "parameters"
"""Where the shipped region files are (``<region>_region.yaml``)."""


def region_file(region: str, folder: Path = PARAMETERS) -> Path:
    """The parameter file of ``region`` (it may not exist)."""
    return Path(folder) / f"{region}_region.yaml"


def file_cohorts(path: Path) -> tuple[dict[str, tuple[float, str]], list[float] | None]:
    """Base-year entrants of each secondary level from a region file's stocks, and its province-share range.

    Entrants are ``levels.<level>.in_school`` / ``program_years`` (the engine's first plan); empty if the file
    does not exist.
    """
    if not Path(path).is_file():
        return {}, None
    tree = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("region") or {}
    out: dict[str, tuple[float, str]] = {}
    for lv in SECONDARY:
        leaf = ((tree.get("levels") or {}).get(lv) or {})
        stock, years = leaf.get("in_school"), leaf.get("program_years")
        value = stock.get("value") if isinstance(stock, dict) else stock
        grades = (years.get("value") if isinstance(years, dict) else years) or PROGRAM_YEARS
        if value is None:
            continue
        out[lv] = (float(value) / int(grades), f"{Path(path).name} levels.{lv}.in_school ({float(value):,.0f}, no "
                                               f"snapshot in the data) / {int(grades)} grades")
    share = ((tree.get("intake") or {}).get("province_share") or {})
    rng = share.get("range") if isinstance(share, dict) else None
    return out, ([float(rng[0]), float(rng[1])] if rng else None)


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


def base_cohorts(obs: Observed, region: str, base_year: int) -> dict[str, tuple[float, str]]:
    """Entrants of each secondary level in ``base_year`` as the base-year stock holds them, with the arithmetic.

    Secondary vocational: snapshot in-school / 3. Technical schools: snapshot enrollment × national
    technical enrollment (base year / snapshot year), else in-school / 3. Empty if no snapshot.
    """
    out: dict[str, tuple[float, str]] = {}
    for lv in SECONDARY:
        stock = obs.series(lv, "in_school", region)
        if not len(stock):
            continue
        y = int(stock.index[-1])
        value, how = float(stock.iloc[-1]) / PROGRAM_YEARS, (
            f"{region}/{lv}/in_school/{y} ({stock.iloc[-1]:,.0f}) / {PROGRAM_YEARS} grades")
        enrol = obs.series(lv, "enrollment", region)
        nat = harmonised(obs, lv, "enrollment").values
        if len(enrol):
            ye = int(enrol.index[-1])
            if ye == base_year:
                value, how = float(enrol.iloc[-1]), f"{region}/{lv}/enrollment/{ye} ({enrol.iloc[-1]:,.0f})"
            elif ye in nat.index and base_year in nat.index:
                value = float(enrol.iloc[-1]) * float(nat[base_year] / nat[ye])
                how = (f"{region}/{lv}/enrollment/{ye} ({enrol.iloc[-1]:,.0f}) × national {lv} enrollment "
                       f"{base_year}/{ye} ({nat[base_year]:,.0f} / {nat[ye]:,.0f})")
        out[lv] = (value, how)
    return out


def intake_layer(fit: Fit, obs: Observed, region: str, base_year: int, command: str,
                 parameters: Path | None = PARAMETERS) -> dict:
    """``region.intake`` paths of a province scaled from the fitted national drivers (empty if no snapshot).

    A secondary level without an in-school snapshot in the data takes its base stock from the region's
    parameter file in ``parameters`` (``None``: the data alone).
    """
    cohorts = base_cohorts(obs, region, base_year)
    file_range = None
    if set(cohorts) != set(SECONDARY) and parameters is not None:
        stocks, file_range = file_cohorts(region_file(region, parameters))
        cohorts = {lv: cohorts.get(lv) or stocks[lv] for lv in SECONDARY if lv in cohorts or lv in stocks}
    if set(cohorts) != set(SECONDARY) or fit.groups.get("intake") != "fitted":
        return {}
    inputs, out = fit.project(max(base_year, fit.fit_until) + 1)
    at = {int(y): i for i, y in enumerate(inputs.years)}
    if base_year not in at:
        return {}
    junior = float(out[("driver", "junior_graduates")][at[base_year]])
    voc, tech = share_path(fit, "vocational_share"), share_path(fit, "technical_share")
    sv, ts = cohorts["secondary_vocational"][0], cohorts["technical_school"][0]
    share = (sv + ts) / (junior * voc.at(base_year))
    factor = ts / (sv + ts) / tech.at(base_year)
    shares = regional_shares(obs, region)
    spread = shares[shares.level.isin(SECONDARY + ("higher_vocational",))
                    & shares.indicator.isin(("in_school", "enrollment"))]
    low = min(float(spread.share.min()), share) if len(spread) else share
    high = max(float(spread.share.max()), share) if len(spread) else share
    note = "its snapshot"
    if file_range is not None:
        low, high = min(low, file_range[0]), max(high, file_range[1])
        note += f" and the range of its region file's province_share ({file_range[0]:g}–{file_range[1]:g})"
    intake: dict = {
        "province_share": {
            "value": round(share, 5),
            "source": (f"derived: {region} secondary entrants {base_year} ({sv:,.0f} + {ts:,.0f}) / national secondary "
                       f"applicants {base_year} (junior graduates {junior:,.0f} × vocational share "
                       f"{voc.at(base_year):.4f}, {command}) = {share:.4f}"),
            "range": [round(low, 5), round(high, 5)],
            "note": (f"assumption: {region} follows the national cohort and general/vocational split (no provincial "
                     "junior-graduate or births series in the data). Secondary vocational: "
                     f"{cohorts['secondary_vocational'][1]}; technical: {cohorts['technical_school'][1]}. Range: the "
                     f"spread of {region}'s shares of national vocational students across levels and indicators in "
                     + note),
        },
        "vocational_share": sourced(voc, f"derived: national path ({command})",
                                    "share of junior graduates entering secondary vocational or technical schools, "
                                    f"national path (assumption: {region} splits like the country)"),
        "technical_share_of_secondary": sourced(
            tech.scaled(factor, cap=1.0),
            f"derived: national path × {factor:.4f} ({command}), so {base_year} technical applicants = {ts:,.0f}",
            f"technical schools' share of secondary intake: the national path × {region}'s factor"),
    }
    hv = shares[(shares.level == "higher_vocational") & (shares.indicator == "in_school")]
    if len(hv) and fit.groups.get("higher") == "fitted":
        r = hv.iloc[-1]
        rate: DriverPath = external_rate_path(fit).scaled(float(r.share) / share)
        intake["higher_external_rate"] = sourced(
            rate, f"derived: national rate ({command}) × {region} share of national higher-vocational students "
                  f"({r.region}/higher_vocational/in_school/{r.year}: {r.regional:,.0f} / {r.national:,.0f} = "
                  f"{r.share:.4f}) / province_share {share:.4f}",
            f"external applicants to 高职 per non-vocational junior graduate three years earlier, {region}")
    return {"region": {"intake": intake}}
