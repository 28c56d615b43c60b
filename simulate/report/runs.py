"""One scenario's results as the report needs them, from a fresh simulation or from a run folder.

A run folder is read without simulating anything: ``scenario.resolved.yaml`` is loaded (and
validated) again, which gives back the scenario and the source of every value;
``results.parquet`` the tidy numbers; ``goals.csv`` the verdicts; ``summary.json`` the seed,
replications and assumptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulate.report.labels import scenario_title

RUN_FILES = ("scenario.resolved.yaml", "results.parquet", "goals.csv", "summary.json")
"""Files a run folder must hold for a report."""
DEFAULT_SOURCE = "default"
"""Source shown for values no scenario file or parameter file set."""


class RunFolderError(ValueError):
    """A run folder is missing or incomplete."""


@dataclass
class ScenarioRun:
    """The results of one scenario with what the briefing needs to explain them.

    Attributes:
        name: the scenario's name (unique within a comparison).
        scenario: the resolved scenario as plain data (``Scenario.model_dump(mode="python")``).
        sources: dotted key path → source text of every value some file set.
        notes: dotted key path → note of a sourced value (where the file gave one).
        frame: the tidy results of every replication.
        goals: the ``goals.csv`` table.
        seed: root seed; replication ``i`` used ``SeedSequence(seed, spawn_key=(i,))``.
        replications: number of replications.
        assumptions: key paths whose source is a labelled assumption.
        origin: the YAML file or run folder it came from.
        simulated: True if simulated for this report, False if read from a run folder.
        uncertainty: what P(met) rests on (``summary.json``'s ``uncertainty``: mode, replications, parameters).
    """

    name: str
    scenario: dict
    sources: dict[str, str]
    notes: dict[str, str]
    frame: pd.DataFrame
    goals: pd.DataFrame
    seed: int
    replications: int
    assumptions: list[str]
    origin: str
    simulated: bool
    goal_defs: tuple = field(default=(), repr=False)
    uncertainty: dict = field(default_factory=dict, repr=False)

    @property
    def province(self) -> str:
        """The simulated province (region name), where province-level indicators live."""
        return self.scenario["region"]["name"]

    @property
    def base_year(self) -> int:
        """First simulated year."""
        return int(self.scenario["base_year"])

    @property
    def horizon(self) -> int:
        """Last simulated year."""
        return int(self.scenario["horizon"])

    def title(self, lang: str) -> str:
        """The scenario's title in ``lang`` (its name if it has none)."""
        return scenario_title(self.scenario, lang)


def _provenance(sources: dict, resolved_file: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Source and note texts by key path; values only the resolved file itself "set" are defaults."""
    own = set()
    if resolved_file is not None:
        own = {f"scenario file {resolved_file}", f"scenario file {resolved_file.resolve()}"}
    src, notes = {}, {}
    for key, prov in sources.items():
        text = prov.source.strip()
        src[key] = DEFAULT_SOURCE if text in own else text
        if prov.note:
            notes[key] = prov.note.strip()
    return src, notes


def _goal_defs(scenario) -> tuple:
    from simulate.goals.catalogue import scenario_goals

    try:
        return scenario_goals(scenario.goals)
    except ValueError:
        return ()


def from_result(result, origin: str | Path = "") -> ScenarioRun:
    """A :class:`ScenarioRun` from a :class:`simulate.api.RunResult` (just simulated)."""
    loaded = result.loaded
    src, notes = _provenance(loaded.sources)
    verdicts = result.goal_verdicts()
    return ScenarioRun(
        name=result.scenario.name, scenario=result.scenario.model_dump(mode="python"), sources=src, notes=notes,
        frame=result.frame, goals=result.goals(verdicts), seed=int(result.seed),
        replications=int(result.replications), assumptions=sorted(loaded.assumptions()), origin=str(origin),
        simulated=True, goal_defs=_goal_defs(result.scenario), uncertainty=result.summary()["uncertainty"],
    )


def is_run_folder(path: Path) -> bool:
    """Whether ``path`` is a directory that looks like a run folder."""
    return Path(path).is_dir() and (Path(path) / "summary.json").is_file()


def from_folder(folder: str | Path) -> ScenarioRun:
    """A :class:`ScenarioRun` read from a run folder (nothing is simulated).

    Raises:
        RunFolderError: the folder or one of its files is missing or unreadable.
        ScenarioError: ``scenario.resolved.yaml`` no longer validates.
    """
    from simulate.scenario import load_scenario

    folder = Path(folder)
    if not folder.is_dir():
        raise RunFolderError(f"run folder {str(folder)!r} not found")
    missing = [f for f in RUN_FILES if not (folder / f).is_file()]
    if missing:
        raise RunFolderError(f"{folder}: not a complete run folder (missing {', '.join(missing)})")
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        frame = pd.read_parquet(folder / "results.parquet")
        goals = pd.read_csv(folder / "goals.csv")
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"{folder}: cannot read run folder: {exc}") from exc
    resolved = folder / "scenario.resolved.yaml"
    loaded = load_scenario(resolved)
    src, notes = _provenance(loaded.sources, resolved)
    sc = loaded.scenario
    reps = int(summary.get("replications") or frame["replication"].nunique())
    return ScenarioRun(
        name=sc.name, scenario=sc.model_dump(mode="python"), sources=src, notes=notes, frame=frame, goals=goals,
        seed=int(summary.get("seed", sc.seed)), replications=reps,
        assumptions=sorted(summary.get("assumptions", [])), origin=str(folder), simulated=False,
        goal_defs=_goal_defs(sc), uncertainty=dict(summary.get("uncertainty") or {}),
    )


def applicable_goals(run: ScenarioRun) -> ScenarioRun:
    """Keep the goals that apply to the run's region (its province or country, or a sub-region).

    A Nanchang target says nothing about a national scenario (which has no Nanchang), and a Hunan
    target nothing about Jiangxi: such goals are dropped rather than judged on another region's figures.
    """
    region = run.scenario.get("region", {})
    places = {region.get("name"), *(s.get("name") for s in region.get("subregions", []) or [])}
    goals = run.goals
    if len(goals) and "applies_to" in goals.columns:
        run.goals = goals[goals["applies_to"].astype(str).isin(places)].reset_index(drop=True)
    elif len(goals) and "scope" in goals.columns:
        where = goals["scope"].astype(str).str.split("/").str[0]
        run.goals = goals[where.isin(places)].reset_index(drop=True)
    return run


def unlike(runs: list[ScenarioRun]) -> str:
    """How the runs differ in region or base year (``""`` when they are alike and may be paired)."""
    regions = list(dict.fromkeys(r.province for r in runs))
    years = list(dict.fromkeys(r.base_year for r in runs))
    parts = []
    if len(regions) > 1:
        parts.append("regions " + " / ".join(regions))
    if len(years) > 1:
        parts.append("base years " + " / ".join(map(str, years)))
    return "; ".join(parts)


def unique_names(runs: list[ScenarioRun]) -> list[ScenarioRun]:
    """Give runs that share a scenario name distinct names (``name``, ``name~2``, …)."""
    seen: dict[str, int] = {}
    for run in runs:
        n = seen.get(run.name, 0) + 1
        seen[run.name] = n
        if n > 1:
            run.name = f"{run.name}~{n}"
    return runs


def pairing(runs: list[ScenarioRun]) -> tuple[bool, int]:
    """Whether the runs share common random numbers, and how many replications they share.

    Runs are paired when their root seeds are equal: replication ``i`` of each drew from the same
    ``SeedSequence(seed, spawn_key=(i,))``.
    """
    reps = min(r.replications for r in runs)
    return len({r.seed for r in runs}) == 1, reps
