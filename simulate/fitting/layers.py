"""Fitted values as scenario layers: YAML files a scenario ``extends:`` after the parameter files.

Three layers, because rates, the national cohort and regional drivers travel differently:

* the **behaviour** layer (``--out``, default ``runs/calibration/fitted/behaviour.yaml``; the shipped
  copy is ``calibration/fitted/behaviour.yaml``): dropout,
  progression, teacher attrition and certification — rates any region's scenario may extend;
* the **cohort** layer (``cohort.yaml`` beside the behaviour layer): national births by year, the lags
  and the fitted births → junior-graduates ratio — every scenario extends it;
* the **national region** layer (``national_region.yaml`` beside the behaviour layer): the intake
  paths (vocational and technical shares, external higher-vocational applicants per non-vocational
  junior graduate with the 扩招 shifts) and student–teacher ratios, for
  ``scenarios/national_baseline.yaml``. A province's intake layer is :mod:`~simulate.fitting.regional`'s.

Every value is ``{value, source, note}``, and every uncertain driver path also carries
``range: [low, high]`` (:mod:`~simulate.fitting.paths`); the source says how it was fitted. Weakly
identified parameters are not written (the scenario keeps its parameter file's value) and are listed
in the file's header and the report.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from simulate.fitting import paths
from simulate.fitting.calibrate import Fit, weakly_identified
from simulate.fitting.cohort import COHORT_LAG, GENERAL_YEARS, Births
from simulate.fitting.params import BY_NAME
from simulate.fitting.paths import DriverPath

BEHAVIOUR_KEYS = ("dropout_secondary_vocational", "dropout_technical_school", "dropout_higher_vocational",
                  "progression_secondary_vocational", "teacher_attrition")
RATIO_KEYS = ("ratio_secondary_vocational", "ratio_technical_school", "ratio_higher_vocational")


def source(fit: Fit, name: str, command: str) -> str:
    """``fitted: <command> (SE x)`` or with the bootstrap interval."""
    se = fit.se.get(name, math.nan)
    lo, hi = fit.interval.get(name, (math.nan, math.nan))
    unc = f"SE {_num(se)}" if math.isfinite(se) else "SE n/a"
    if math.isfinite(lo):
        unc += f", bootstrap 95% {_num(lo)}–{_num(hi)}"
    return f"fitted: {command} ({unc})"


def _num(v: float) -> str:
    return f"{v:.4g}"


def _set(tree: dict, dotted: str, leaf: dict) -> None:
    *head, last = dotted.split(".")
    node = tree
    for k in head:
        node = node.setdefault(k, {})
    node[last] = leaf


def usable(fit: Fit, name: str) -> bool:
    """Estimated and identified (a value at a bound is written: the data push it there)."""
    return name in fit.fitted and not weakly_identified(fit, name)


def behaviour_layer(fit: Fit, command: str) -> tuple[dict, list[str]]:
    """The behaviour layer as plain data, and the names left out (weakly identified or not fitted).

    The certification rate is not in it: it is fitted on the agent engine, where practice posts,
    retirements, quits and hires from industry move the share too, and written to its own layer
    (``teachers.yaml``, :mod:`~simulate.fitting.dual_share`).
    """
    tree: dict = {}
    skipped = []
    for name in BEHAVIOUR_KEYS:
        if not usable(fit, name):
            skipped.append(name)
            continue
        p = BY_NAME[name]
        note = p.meaning + (" (at a bound of the search)" if name in fit.at_bound else "")
        _set(tree, p.engine, {"value": round(float(fit.theta[name]), 5), "source": source(fit, name, command),
                              "note": note})
    return tree, skipped


def sourced(path: DriverPath, source_text: str, meaning: str) -> dict:
    """A sourced leaf ``{value, source, range: [low, high], note}`` of a driver path."""
    return {"value": path.value, "source": source_text, "range": [path.low, path.high],
            "note": f"{meaning}. Central path: {path.how}. Range: {path.range}."}


def region_layer(fit: Fit, command: str, base_year: int) -> tuple[dict, list[str]]:
    """The national region layer (teacher ratios and intake paths), for a scenario starting in ``base_year``.

    The intake paths are dated, so they hold for any base year; ``base_year`` only names the file's use.
    """
    tree: dict = {}
    skipped = []
    for name in RATIO_KEYS:
        if usable(fit, name):
            p = BY_NAME[name]
            _set(tree, p.engine, {"value": round(float(fit.theta[name]), 3), "source": source(fit, name, command),
                                  "note": "students per full-time teacher schools hire up to"})
        else:
            skipped.append(name)
    intake = {}
    if fit.groups.get("intake") == "fitted":
        for name, key in (("vocational_share", "vocational_share"),
                          ("technical_share", "technical_share_of_secondary")):
            intake[key] = sourced(paths.share_path(fit, name), source(fit, name, command), BY_NAME[name].meaning)
    if fit.groups.get("higher") == "fitted" and "external_share" in fit.fitted:
        intake["higher_external_rate"] = sourced(
            paths.external_rate_path(fit), source(fit, "external_share", command),
            "external applicants to 高职 per junior graduate of three years earlier who did not enter secondary "
            "vocational or technical school (the general track and others, incl. the 扩招 social applicants)")
    if usable(fit, "undergraduate_external"):
        intake["undergraduate_external_applicants"] = {
            "value": round(float(fit.theta["undergraduate_external"])),
            "source": source(fit, "undergraduate_external", command),
            "note": BY_NAME["undergraduate_external"].meaning}
    if intake:
        tree.setdefault("region", {})["intake"] = intake
    return tree, skipped


def cohort_layer(fit: Fit, births: Births, command: str) -> dict:
    """The national school-age cohort: births by year, the lags and the fitted births → graduates ratio.

    Region-independent: every scenario extends it (a province scales it by ``province_share``). The
    births are written in full from the file (the fit itself saw them only up to its cut-off).
    """
    years = [int(y) for y in births.values.index]
    quality = ", ".join(f"{q} {min(g)}–{max(g)}" for q, g in _runs(births.quality))
    intake = {
        "national_births": {
            "value": {y: int(round(births.values[y])) for y in years},
            "source": f"obs: calibration/{Path(births.file).name} ({quality}; NBS statistical communiqués from 2012, a "
                      "public compilation of NBS figures before)",
            "note": f"出生人口, persons; held at the {years[-1]} figure after {years[-1]} (reached by junior graduates "
                    f"only after {years[-1] + COHORT_LAG})"},
        "cohort_lag": {"value": COHORT_LAG, "source": "assumption: six years of primary school from age 6, three of "
                                                      "junior secondary (初中毕业生 born about 15 years earlier)"},
        "higher_external_lag": {"value": GENERAL_YEARS,
                                "source": "assumption: three years of general senior secondary (普通高中学制) before "
                                          "applying to 高职"},
    }
    ratio = paths.junior_ratio_path(fit)
    if ratio is not None:
        intake["junior_per_birth"] = sourced(ratio, f"fitted: {command}: junior_dropout "
                                                    f"{fit.theta['junior_dropout']:.4f}",
                                             "national junior-secondary graduates per birth 15 years earlier "
                                             "(registration undercounts make it drift; not assumed 1)")
    return {"region": {"intake": intake}}


def _runs(quality) -> list[tuple[str, list[int]]]:
    out: list[tuple[str, list[int]]] = []
    for y, q in quality.items():
        if out and out[-1][0] == q:
            out[-1][1].append(int(y))
        else:
            out.append((q, [int(y)]))
    return out


def dump_layer(tree: dict, header: list[str]) -> str:
    """YAML text of a layer with a comment header."""
    body = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=200)
    return "".join(f"# {h}\n" for h in header) + body
