"""The briefing's tables, with headers in the chosen language: levers, goals, differences, budget.

Each function is pure (runs or tidy frames in, DataFrame out). Numbers stay numbers (no
formatting), so the Excel sheet and the CSV carry the same values; display hints travel in
``DataFrame.attrs`` (``title``, ``caption``, ``probability_columns``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from simulate.report import metrics
from simulate.report.labels import UI, goal_name, label
from simulate.report.runs import DEFAULT_SOURCE, ScenarioRun

IDENTITY_KEYS = frozenset({"name", "title_zh", "title_en", "description", "seed"})
"""Top-level keys that name a scenario rather than set a lever (the run seed is reported apart)."""
EVERY_YEAR = re.compile(r"^(\d{4}) \(every year from (\d{4})\)$")
DEADLINE_FORMS = (
    (re.compile(r"^(\S+) \(sum from (\d{4})\)$"), "sum_from", ("deadline", "start")),
    (re.compile(r"^(\S+) \(change since (\d{4})\)$"), "change_since", ("deadline", "start")),
    (re.compile(r"^(\S+) \(value of (\d{4})\)$"), "value_of", ("deadline", "year")),
)
"""Other deadline texts of ``goals.csv`` (simulate.goals.verdicts.deadline_label) and their labels."""
STANDING_IN = re.compile(r"^(\S+) \(standing in for (\S+)\)$")
NOT_SEPARATE = re.compile(r"^(\S+) \((\S+) not recorded separately\)$")
MONEY_SCALE = {"zh": 1e8, "en": 1e6}
"""Money is shown in 亿元 (zh) or million yuan (en)."""


def round_sig(df: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """A copy with every float column rounded to ``digits`` significant digits (attrs kept)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            x = out[col].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                mag = np.where(np.isfinite(x) & (x != 0), np.floor(np.log10(np.abs(x))), 0)
            scale = 10.0 ** (digits - 1 - mag)
            out[col] = np.where(np.isfinite(x), np.round(x * scale) / scale, x)
    out.attrs = dict(df.attrs)
    return out


def fmt_value(value: object) -> str:
    """A compact, stable text of a parameter value (numbers without a trailing ``.0``)."""
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "—"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {fmt_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]"
    return str(value)


def flatten(data: object, sources: dict[str, str], path: str = "", key: str = "") -> dict[str, tuple[object, str]]:
    """Dotted display path → (value, source path) of every leaf.

    A path some file set as a whole (it has a source) is one leaf even if its value is a mapping
    (a dated lever path such as ``{ramp: …}``). List items with an ``id`` are keyed by it
    (``region.industries[aviation].employment_share``) so reordered lists still line up.
    """
    sourced = path in sources
    if isinstance(data, dict) and data and not sourced:
        out: dict[str, tuple[object, str]] = {}
        for k, v in data.items():
            out.update(flatten(v, sources, f"{path}.{k}" if path else str(k), f"{key}.{k}" if key else str(k)))
        return out
    if isinstance(data, list) and data and all(isinstance(v, dict) and "id" in v for v in data) and not sourced:
        out = {}
        for i, v in enumerate(data):
            out.update(flatten(v, sources, f"{path}[{i}]", f"{key}[{v['id']}]"))
        return out
    return {key: (data, path)}


def source_of(sources: dict[str, str], path: str) -> str:
    """The source of a path, or of the values under it (joined), or ``default``."""
    if path in sources:
        return sources[path]
    under = sorted({s for k, s in sources.items() if k.startswith(path + ".") or k.startswith(path + "[")})
    return "; ".join(under) if under else DEFAULT_SOURCE


def lever_differences(runs: list[ScenarioRun], lang: str) -> pd.DataFrame:
    """Every resolved parameter whose value differs between the runs, with each value's source."""
    all_sources: dict[str, str] = {}
    for run in runs:
        all_sources.update(run.sources)
    flat = []
    for run in runs:
        data = {k: v for k, v in run.scenario.items() if k not in IDENTITY_KEYS}
        # stop at any path some run sourced as a whole, so all runs compare at the same depth
        flat.append(flatten(data, all_sources))
    keys = sorted(set().union(*flat))
    missing = object()
    rows = []
    for key in keys:
        values = [f.get(key, (missing, None)) for f in flat]
        shown = [fmt_value(v) if v is not missing else label("absent", lang) for v, _ in values]
        if len(set(shown)) == 1:
            continue
        row = {label("parameter", lang): key}
        for run, (_, src_path), text in zip(runs, values, shown, strict=True):
            title = run.title(lang)
            row[title] = text
            src = source_of(run.sources, src_path) if src_path is not None else "—"
            row[label("source_of", lang, name=title)] = label("default_value", lang) if src == DEFAULT_SOURCE else src
        rows.append(row)
    cols = [label("parameter", lang)]
    for run in runs:
        cols += [run.title(lang), label("source_of", lang, name=run.title(lang))]
    df = pd.DataFrame(rows, columns=cols)
    df.attrs["title"] = label("lever_diff", lang)
    if df.empty:
        df.attrs["caption"] = label("lever_diff_none", lang)
    return df


def deadline_text(deadline: str, lang: str) -> str:
    """``2030 (every year from 2025)``, ``2025 (sum from 2023)``, … in the chosen language."""
    text = str(deadline)
    m = EVERY_YEAR.match(text)
    if m:
        return label("every_year_from", lang, year=m.group(1), start=m.group(2))
    for pattern, key, names in DEADLINE_FORMS:
        m = pattern.match(text)
        if m:
            return label(key, lang, **dict(zip(names, m.groups(), strict=True)))
    return text


def _place(name: str, lang: str, places: dict[str, tuple[str, str]]) -> str:
    if f"issuer_{name}" in UI:
        return label(f"issuer_{name}", lang)
    zh, en = places.get(name, (name, name.replace("_", " ").title()))
    return zh if lang == "zh" else en


def judged_region_text(text: object, lang: str, scenario: dict | None = None) -> str:
    """Whose figures a goal is judged on, in ``lang`` (``jiangxi (standing in for hunan)`` → 江西省（代湖南省判定）)."""
    if not isinstance(text, str) or not text:
        return "—"
    region = (scenario or {}).get("region") or {}
    places = {str(region.get("name")): (region.get("name_zh") or str(region.get("name")),
                                        str(region.get("name")).replace("_", " ").title())}
    for sub in region.get("subregions") or []:
        places[sub["name"]] = (sub.get("name_zh") or sub["name"], sub["name"].replace("_", " ").title())
    m = STANDING_IN.match(text)
    if m:
        return label("standing_in", lang, region=_place(m.group(1), lang, places),
                     issuer=_place(m.group(2), lang, places))
    m = NOT_SEPARATE.match(text)
    if m:
        return label("not_separate", lang, region=_place(m.group(1), lang, places),
                     sub=_place(m.group(2), lang, places))
    return _place(text, lang, places)


def judges_text(run: ScenarioRun, lang: str) -> str | None:
    """Which regions' goals a run judges and how many apply elsewhere.

    ``None`` for a ``goals.csv`` without ``applies_to`` (written before goals applied to regions).
    """
    g = run.goals
    if "applies_to" not in g or "status" not in g:
        return None
    region = (run.scenario or {}).get("region") or {}
    places = {str(region.get("name")): (region.get("name_zh") or str(region.get("name")),
                                        str(region.get("name")).replace("_", " ").title())}
    here = g[g["status"] != "applies_elsewhere"]
    away = g[g["status"] == "applies_elsewhere"].drop_duplicates("goal_id")
    sep = "、" if lang == "zh" else ", "
    names = sorted(dict.fromkeys(str(r) for r in here["applies_to"]), key=lambda r: (r != region.get("name"), r))
    regions = sep.join(_place(r, lang, places) for r in names)
    counts = away["applies_to"].value_counts(sort=False)
    elsewhere = sep.join(f"{_place(str(r), lang, places)} {n}" for r, n in counts.items())
    return label("judges_line", lang, title=run.title(lang), regions=regions or "—",
                 n=int(here[here["status"] == "modelled"]["goal_id"].nunique()), m=len(away),
                 elsewhere=elsewhere or "—")


def goal_rows(run: ScenarioRun, kind: str = "outcome") -> pd.DataFrame:
    """The modelled goals of one kind from a run's ``goals.csv`` (an older file without ``kind``: all outcomes)."""
    g = run.goals
    if "value_at_deadline" not in g and "median_value" in g:
        g = g.rename(columns={"median_value": "value_at_deadline"})
    kinds = g["kind"] if "kind" in g else pd.Series("outcome", index=g.index)
    return g[(g["status"] == "modelled") & (kinds == kind)].reset_index(drop=True)


def fixed_text(run: ScenarioRun, goal_id: str, csv_text: object, lang: str) -> str:
    """A goal's ``fixed_because`` in ``lang`` (the catalogue's; else the English text of ``goals.csv``)."""
    for g in run.goal_defs or ():
        if g.id == goal_id:
            return (g.fixed_because_zh if lang == "zh" else g.fixed_because) or ""
    return csv_text if isinstance(csv_text, str) else ""


def goal_long(runs: list[ScenarioRun], kind: str = "outcome") -> pd.DataFrame:
    """``goal_id, deadline, scenario, p_met, ci_low, ci_high, year_met, proxy, order`` of modelled goals."""
    parts = []
    for run in runs:
        g = goal_rows(run, kind)
        parts.append(pd.DataFrame({
            "goal_id": g["goal_id"], "deadline": g["deadline"].astype(str), "scenario": run.name,
            "p_met": g["probability_met"].astype(float), "ci_low": g["probability_ci_low"].astype(float),
            "ci_high": g["probability_ci_high"].astype(float),
            "year_met": pd.to_numeric(g["median_year_first_met"], errors="coerce"),
            "proxy": g["proxy"].astype(str).str.lower().isin(["true", "1"]), "order": np.arange(len(g)),
        }))
    long = pd.concat(parts, ignore_index=True)
    if long.empty:
        return long.drop(columns="order").assign(rank=pd.Series(dtype=int))
    first = long.groupby(["goal_id", "deadline"], sort=False)["order"].min().rename("rank")
    return long.drop(columns="order").join(first, on=["goal_id", "deadline"]).sort_values(["rank", "scenario"])


def goal_row_label(goal_id: str, deadline: str, proxy: bool, lang: str, goals=()) -> str:
    """``name · deadline`` with ``＊`` (``*``) in front of a proxy and ``†`` in front of a fixed goal."""
    mark = "＊" if lang == "zh" else "*"
    fixed = "†" if any(g.id == goal_id and g.fixed_because for g in goals or ()) else ""
    return (f"{fixed}{mark if proxy else ''}{goal_name(goal_id, lang, goals or None)} · "
            f"{deadline_text(deadline, lang)}")


def goal_matrix(runs: list[ScenarioRun], lang: str, kind: str = "outcome") -> pd.DataFrame:
    """Goal × scenario: P(met) and median year met for each scenario (proxies marked).

    ``kind="outcome"`` lists the outcome goals with any ``fixed_because``; ``kind="commitment"`` the
    commitments, which have their own table.
    """
    long = goal_long(runs, kind)
    goals = next((r.goal_defs for r in runs if r.goal_defs), ())
    keys = long.drop_duplicates(["goal_id", "deadline"])[["goal_id", "deadline", "proxy"]]
    out = pd.DataFrame({
        label("goal_id", lang): keys["goal_id"].to_numpy(),
        label("goal", lang): [goal_name(g, lang, goals or None) for g in keys["goal_id"]],
        label("deadline", lang): [deadline_text(d, lang) for d in keys["deadline"]],
        label("proxy", lang): keys["proxy"].to_numpy(),
    })
    if kind == "outcome":
        csv = {}
        for run in runs:
            g = goal_rows(run, kind)
            if "fixed_because" in g:
                csv.update(zip(g["goal_id"], g["fixed_because"], strict=True))
        out[label("fixed_because", lang)] = [fixed_text(runs[0], i, csv.get(i), lang) for i in keys["goal_id"]]
    prob_cols = []
    for run in runs:
        own = long[long["scenario"] == run.name].set_index(["goal_id", "deadline"])
        idx = list(zip(keys["goal_id"], keys["deadline"], strict=True))
        title = run.title(lang)
        col = label("col_of", lang, name=label("p_met", lang), scenario=title)
        out[col] = own["p_met"].reindex(idx).to_numpy()
        years = own["year_met"].reindex(idx).round()
        out[label("col_of", lang, name=label("median_year_met", lang), scenario=title)] = pd.array(years, dtype="Int64")
        prob_cols.append(col)
    caption = label("proxy_note", lang) if kind == "outcome" else label("commitment_note", lang)
    out.attrs.update(title=label("goal_matrix" if kind == "outcome" else "commitment_matrix", lang),
                     caption=caption, probability_columns=prob_cols)
    return out


def band_table(frame: pd.DataFrame, runs: list[ScenarioRun], lang: str, title_key: str,
               paired: bool | None = None) -> pd.DataFrame:
    """``scenario, indicator, year, p05 … p95`` with translated headers (trajectories or differences).

    ``paired`` (differences only) adds a column saying whether each difference is paired.
    """
    titles = {r.name: r.title(lang) for r in runs}
    out = pd.DataFrame({
        label("scenario", lang): frame["scenario"].map(titles),
        label("indicator", lang): [label(i, lang) for i in frame["indicator"]],
        label("year", lang): frame["year"].astype(int),
        **{label(c, lang, default=c): frame[c] for c in metrics.BAND_COLUMNS if c not in ("p50",)},
    })
    out.insert(3, label("median", lang), frame["p50"].to_numpy())
    if paired is not None:
        out.insert(3, label("pairing", lang), label("paired" if paired else "unpaired", lang))
    out.attrs["title"] = label(title_key, lang)
    return out


def budget_table(runs: list[ScenarioRun], wins: list[tuple[int, int]], lang: str) -> pd.DataFrame:
    """Per scenario and budget item: money per year and over the windows (亿元 / million yuan)."""
    scale = MONEY_SCALE[lang]
    parts = []
    for run in runs:
        b = metrics.budget(run, wins, scale)
        if b.empty:
            continue
        b.insert(0, "scenario", run.title(lang))
        parts.append(b)
    if not parts:
        return pd.DataFrame()
    df = pd.concat(parts, ignore_index=True)
    rename = {"scenario": label("scenario", lang), "item": label("item", lang)}
    for col in df.columns:
        if col.isdigit():
            rename[col] = label("per_year", lang, year=col)
        elif col.startswith("window:"):
            first, last = (int(x) for x in col.split(":")[1].split("-"))
            rename[col] = label("window", lang, n=last - first + 1, start=first, end=last)
    df["item"] = [label(i, lang) for i in df["item"]]
    df.insert(2, label("unit", lang), label("money_unit", lang))
    df = df.rename(columns=rename)
    df.attrs.update(title=label("budget", lang), caption=label("budget_note", lang))
    return df


def cost_table(ce: pd.DataFrame, runs: list[ScenarioRun], lang: str) -> pd.DataFrame:
    """Cost-effectiveness against the baseline, per scenario and window, with reasons for n/a."""
    if ce.empty:
        return pd.DataFrame()
    titles = {r.name: r.title(lang) for r in runs}
    scale = MONEY_SCALE[lang]
    money, persons = label("money_unit", lang), label("persons", lang)
    out = {label("scenario", lang): ce["scenario"].map(titles),
           label("window_col", lang): [f"{a}–{b}" for a, b in zip(ce["first"], ce["last"], strict=True)]}
    for key, head, unit, div in (("cost", "delta_cost", money, scale), ("matched", "delta_matched", persons, 1),
                                 ("dual", "delta_dual", persons, 1)):
        for stat in ("p50", "p05", "p95"):
            name = label("median", lang) if stat == "p50" else label(stat, lang)
            column = label("col_unit_stat", lang, name=label(head, lang), unit=unit, stat=name)
            out[column] = ce[f"d_{key}_{stat}"] / div
    per = label("yuan_per_person", lang)
    for key, head in (("matched", "cost_per_matched"), ("dual", "cost_per_dual")):
        out[label("col_unit", lang, name=label(head, lang), unit=per)] = ce[f"cost_per_{key}"]
        out[label("col_reason", lang, name=label(head, lang))] = [label(r, lang) if r else "" for r in
                                                               ce[f"{key}_reason"]]
    df = pd.DataFrame(out)
    df.attrs.update(title=label("cost_per_matched", lang) + " / " + label("cost_per_dual", lang),
                    caption=label("budget_note", lang))
    return df


def assumptions_table(runs: list[ScenarioRun], lang: str) -> pd.DataFrame:
    """Every labelled assumption of the runs: parameter, value(s), note, which scenarios carry it."""
    rows: dict[str, dict] = {}
    for run in runs:
        flat = flatten(run.scenario, run.sources)
        by_source_path = {src: value for value, src in flat.values()}
        for key in run.assumptions:
            row = rows.setdefault(key, {"values": {}, "note": run.notes.get(key, ""), "in": []})
            value = by_source_path.get(key, "—")
            row["values"][run.title(lang)] = fmt_value(value)
            row["in"].append(run.title(lang))
    out = []
    for key, row in sorted(rows.items()):
        values = set(row["values"].values())
        shown = next(iter(values)) if len(values) == 1 else "; ".join(f"{k}: {v}" for k, v in row["values"].items())
        out.append({label("parameter", lang): key, label("value", lang): shown, label("note", lang): row["note"],
                    label("scenarios_col", lang): ", ".join(row["in"])})
    df = pd.DataFrame(out, columns=[label(k, lang) for k in ("parameter", "value", "note", "scenarios_col")])
    df.attrs.update(title=label("assumptions", lang), caption=label("assumptions_intro", lang))
    return df


def _num_or_text(value: object) -> object:
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def decided_text(text: object, lang: str) -> str:
    """A ``decided_by`` entry list in ``lang``: "met if X ≥ t (ρ +0.71, 88%)" per parameter, joined."""
    from simulate.goals.deciders import parse

    parts = [label("decided_entry", lang, name=e["name"], op=e["op"], threshold=e["threshold"],
                   rho=e["rho"].replace("-", "−"), right=e["right"]) for e in parse(text)]
    return ("；" if lang == "zh" else "; ").join(parts)


def verdict_table(run: ScenarioRun, lang: str, kind: str = "outcome") -> pd.DataFrame:
    """One scenario's modelled goals of one kind: whose figures, target, value, margin, P(met), year met.

    Outcomes carry their ``fixed_because`` where the catalogue gives one; commitments (``kind="commitment"``)
    are a table of their own.
    """
    g = goal_rows(run, kind)

    def col(name: str) -> pd.Series:
        return g[name] if name in g else pd.Series(np.nan, index=g.index)

    out = pd.DataFrame({
        label("goal_id", lang): g["goal_id"].to_numpy(),
        label("goal", lang): [goal_name(i, lang, run.goal_defs or None) for i in g["goal_id"]],
        label("deadline", lang): [deadline_text(d, lang) for d in g["deadline"].astype(str)],
        label("judged_region", lang): [judged_region_text(t, lang, run.scenario) for t in col("judged_region")],
        label("proxy", lang): g["proxy"].astype(str).str.lower().isin(["true", "1"]).to_numpy(),
        label("target", lang): [_num_or_text(t) for t in g["target"]],
        label("median_value", lang): col("value_at_deadline").astype(float).to_numpy(),
        label("margin", lang): col("margin").astype(float).to_numpy(),
        label("p05_value", lang): g["p05"].astype(float).to_numpy(),
        label("p95_value", lang): g["p95"].astype(float).to_numpy(),
        label("p_met", lang): g["probability_met"].astype(float).to_numpy(),
        label("ci_low", lang): g["probability_ci_low"].astype(float).to_numpy(),
        label("ci_high", lang): g["probability_ci_high"].astype(float).to_numpy(),
        label("p_met_plan", lang): col("probability_met_period").astype(float).to_numpy(),
        label("median_year_met", lang): pd.array(pd.to_numeric(g["median_year_first_met"], errors="coerce").round(),
                                                 dtype="Int64"),
        label("source", lang): g["source"].astype(str).to_numpy(),
        label("decided_by", lang): [decided_text(t, lang) for t in col("decided_by")],
    })
    if kind == "outcome":
        out[label("fixed_because", lang)] = [fixed_text(run, i, t, lang) for i, t in
                                             zip(g["goal_id"], col("fixed_because"), strict=True)]
        title, caption = label("verdicts", lang), label("proxy_note", lang) + " " + label("fixed_note", lang)
    else:
        title, caption = label("commitments", lang), label("commitment_note", lang)
    caption += " " + label("decided_note", lang)
    out.attrs.update(title=title, caption=caption,
                     probability_columns=[label("p_met", lang), label("p_met_plan", lang)])
    return out
