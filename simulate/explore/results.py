"""What the page shows for a variant against the base: goals, trajectories, paired differences, budget, cost.

:class:`Explorer` holds the base scenario, its controls and the cache of the base's summary; its
:meth:`~Explorer.finish` turns the replications of a finished job into an :class:`Outcome` (the
numbers, language-free), and the functions below draw and tabulate an outcome in Chinese or English
with the briefing's own pieces (:mod:`simulate.report.metrics`, :mod:`~simulate.report.tables`,
:func:`~simulate.report.charts.band_chart` in the house style). Nothing here simulates.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulate.api import RunResult
from simulate.explore.controls import Control, lever_controls
from simulate.explore.figures import BandCharts
from simulate.explore.labels import ui
from simulate.explore.variant import Change, Variant, variant_name
from simulate.goals.catalogue import scenario_goals
from simulate.goals.verdicts import judged_indicators
from simulate.report import metrics, tables
from simulate.report.labels import label
from simulate.report.runs import ScenarioRun, from_result
from simulate.results.indicators import INDICATORS
from simulate.results.record import topics_for
from simulate.scenario import LoadedScenario

CELLS = metrics.KEY_INDICATORS
"""The headline indicators drawn as trajectories and paired differences (the briefing's)."""


def shown_indicators(loaded: LoadedScenario) -> set[str]:
    """Indicators the page and the goals need: the headline cells, the budget, matched graduates, goal metrics."""
    cells = (*CELLS, *metrics.BUDGET_ITEMS, metrics.MATCHED, metrics.DUAL)
    wanted = {c.indicator for c in cells} | judged_indicators(scenario_goals(loaded.scenario.goals))
    return {i for i in wanted if i in INDICATORS}


@dataclass
class Outcome:
    """A finished comparison of the variant against the base on common random numbers.

    Attributes:
        base: the base scenario's results (the rows of the indicators the page and the goals read).
        variant: the variant's results (the base's, renamed, when no lever changed), rows as ``base``.
        result: the variant with every row, as a :class:`~simulate.api.RunResult` (the briefing's run folder).
        changes: the levers moved.
        goals: one row per goal and deadline: P(met) of both, Δ, years met, margins (see :func:`compare_goals`).
        wins: the budget windows.
        generation: the job's generation.
        cache: what the page drew of it, by (tab, language).
    """

    base: ScenarioRun
    variant: ScenarioRun
    result: RunResult
    changes: tuple[Change, ...]
    goals: pd.DataFrame
    wins: list[tuple[int, int]]
    generation: int = 0
    cache: dict = field(default_factory=dict, repr=False)

    @property
    def reps(self) -> int:
        """Replications of both."""
        return self.variant.replications

    @property
    def seed(self) -> int:
        """The shared root seed."""
        return self.variant.seed


def compare_goals(base: ScenarioRun, variant: ScenarioRun) -> pd.DataFrame:
    """Modelled goals of both runs side by side.

    Columns: ``goal_id, kind, deadline, proxy, fixed, target, unit, p_base, p_variant, delta, period_variant,
    year_base, year_variant, margin_base, margin_variant``.
    """
    def rows(run: ScenarioRun) -> pd.DataFrame:
        g = run.goals[run.goals["status"] == "modelled"].copy()
        g["deadline"] = g["deadline"].astype(str)
        return g.set_index(["goal_id", "deadline"])

    b, v = rows(base), rows(variant)
    fixed = {g.id for g in variant.goal_defs if g.fixed_because}
    out = pd.DataFrame({
        "goal_id": [i for i, _ in v.index], "deadline": [d for _, d in v.index],
        "kind": v["kind"].to_numpy() if "kind" in v else "outcome",
        "proxy": v["proxy"].astype(str).str.lower().isin(["true", "1"]).to_numpy(),
        "target": v["target"].to_numpy(), "unit": v["unit"].to_numpy(),
        "p_base": b["probability_met"].reindex(v.index).astype(float).to_numpy(),
        "p_variant": v["probability_met"].astype(float).to_numpy(),
        "period_base": pd.to_numeric(b["probability_met_period"].reindex(v.index), errors="coerce").to_numpy(),
        "period_variant": pd.to_numeric(v["probability_met_period"], errors="coerce").to_numpy(),
        "year_base": pd.to_numeric(b["median_year_first_met"].reindex(v.index), errors="coerce").to_numpy(),
        "year_variant": pd.to_numeric(v["median_year_first_met"], errors="coerce").to_numpy(),
        "margin_base": b["margin"].reindex(v.index).astype(float).to_numpy(),
        "margin_variant": v["margin"].astype(float).to_numpy(),
    })
    out["fixed"] = out["goal_id"].isin(fixed)
    out["delta"] = out["p_variant"] - out["p_base"]
    return out


class Explorer:
    """The base scenario, its controls, and the summary of its replications (computed once per count).

    Args:
        loaded: the base scenario.
        seed: the root seed (the scenario's if ``None``).
    """

    def __init__(self, loaded: LoadedScenario, seed: int | None = None) -> None:
        self.loaded = loaded
        self.seed = loaded.scenario.seed if seed is None else int(seed)
        self.controls: tuple[Control, ...] = lever_controls(loaded)
        self.indicators = shown_indicators(loaded)
        self.topics = topics_for(self.indicators)
        self.charts = BandCharts()
        self._base: dict[int, ScenarioRun] = {}
        self._lock = threading.Lock()

    def shown(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows the page and the goals read (the rest is kept for the downloaded run folder)."""
        return frame[frame["indicator"].isin(self.indicators)].reset_index(drop=True)

    def base_run(self, frames: list[pd.DataFrame]) -> tuple[ScenarioRun, pd.DataFrame]:
        """The base scenario's summary over these replications and their whole frame (cached by their count)."""
        n = len(frames)
        with self._lock:
            cached = self._base.get(n)
            if cached is None:
                frame = pd.concat(frames, ignore_index=True) if n > 1 else frames[0]
                run = from_result(RunResult(self.loaded, self.seed, n, self.shown(frame), 0.0), self.loaded.files[-1])
                cached = self._base[n] = (run, frame)
            return cached

    def finish(self, job, base_frames: list[pd.DataFrame], frames: list[pd.DataFrame]) -> Outcome:
        """The outcome of a finished job (:class:`simulate.explore.jobs.Finisher`)."""
        base, base_frame = self.base_run(base_frames)
        variant: Variant | None = job.payload
        sc = self.loaded.scenario
        name = variant_name(sc)
        titles = {"title_zh": label("labelled", "zh", name=ui("variant", "zh"), text=sc.title_zh or sc.name),
                  "title_en": label("labelled", "en", name=ui("variant", "en"), text=sc.title_en or sc.name)}
        if variant is None or not variant.changes:
            data = sc.model_copy(update={"name": name, **titles})
            result = RunResult(LoadedScenario(data, self.loaded.sources, self.loaded.files), self.seed,
                               len(frames), base_frame.assign(scenario=name), job.seconds)
            run = dataclasses.replace(base, name=name, scenario={**base.scenario, "name": name, **titles},
                                      frame=base.frame.assign(scenario=name), origin="explore")
            changes: tuple[Change, ...] = ()
        else:
            loaded = variant.loaded
            loaded = LoadedScenario(loaded.scenario.model_copy(update=titles), loaded.sources, loaded.files)
            frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            result = RunResult(loaded, self.seed, len(frames), frame, 0.0)
            run = from_result(RunResult(loaded, self.seed, len(frames), self.shown(frame), 0.0), "explore")
            changes = variant.changes
        wins = metrics.windows(sc.base_year, sc.horizon)
        return Outcome(base=base, variant=run, result=result, changes=changes, goals=compare_goals(base, run),
                       wins=wins, generation=job.generation)


# -- drawing and tables (per language) ------------------------------------------------------------

def _region(o: Outcome, lang: str) -> str:
    region = o.base.scenario["region"]
    return (region.get("name_zh") or region["name"]) if lang == "zh" else str(region["name"]).replace("_", " ").title()


def budget_table(o: Outcome, lang: str) -> pd.DataFrame:
    """Budget items per window for base and variant (亿元 / million yuan), as the briefing's budget table."""
    df = tables.budget_table([o.base, o.variant], o.wins, lang)
    if df.empty:
        return df
    years = {label("per_year", lang, year=str(y)) for y in range(o.base.base_year - 1, o.base.horizon + 1)}
    out = df[[c for c in df.columns if c not in years]].copy()
    out.attrs = dict(df.attrs)
    return tables.round_sig(out, 4)


def cost_table(o: Outcome, lang: str) -> pd.DataFrame:
    """Additional public cost, matched graduates and dual-qualified teachers; cost per extra one (paired)."""
    ce = metrics.cost_effectiveness([o.base, o.variant], o.base, o.wins, paired=True)
    return tables.round_sig(tables.cost_table(ce, [o.base, o.variant], lang), 4)


def changes_table(o: Outcome, lang: str) -> pd.DataFrame:
    """The levers moved: path, base value, new value."""
    from simulate.explore.labels import field_name

    return pd.DataFrame({
        ui("lever_col", lang): [f"{field_name(c.path, lang)} ({c.path})" for c in o.changes],
        ui("base_col", lang): [c.base_text for c in o.changes],
        ui("variant_col", lang): [c.text for c in o.changes],
    })


def goal_label(o: Outcome, goal_id: str, deadline: str, lang: str) -> tuple[str, str]:
    """(goal name with ``*``/``†`` marks, deadline text) in ``lang``."""
    row = o.goals[(o.goals["goal_id"] == goal_id) & (o.goals["deadline"] == deadline)].iloc[0]
    marks = ("†" if row["fixed"] else "") + (("＊" if lang == "zh" else "*") if row["proxy"] else "")
    from simulate.report.labels import goal_name

    return marks + goal_name(goal_id, lang, o.variant.goal_defs or None), tables.deadline_text(deadline, lang)


def moved_rows(goals: pd.DataFrame, tol: float = 1e-9) -> np.ndarray:
    """Rows of :func:`compare_goals` whose P(met) or P(met every year of the plan period) differs."""
    d = np.abs(np.nan_to_num(goals["delta"].to_numpy(dtype=float))) > tol
    pb, pv = goals["period_base"].to_numpy(dtype=float), goals["period_variant"].to_numpy(dtype=float)
    return d | (np.abs(np.nan_to_num(pv - pb)) > tol)


def moved(o: Outcome) -> int:
    """Goals (with deadlines) whose P(met) or P(plan period) differs between base and variant."""
    return int(moved_rows(o.goals).sum())


__all__ = ["CELLS", "Explorer", "Outcome", "budget_table", "changes_table", "compare_goals", "cost_table",
           "goal_label", "moved", "moved_rows", "shown_indicators"]
