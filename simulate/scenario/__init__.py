"""Scenario files: strict YAML loading, overlays (``extends``), the schema and dated lever paths."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulate import shipped
from simulate.scenario.errors import Problem, ScenarioError
from simulate.scenario.loader import Layered, Provenance, dump_resolved, load
from simulate.scenario.schema import Scenario


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where every value came from.

    Attributes:
        scenario: the frozen, validated :class:`Scenario` the engine takes.
        sources: key path → :class:`Provenance` (file, line, source text) of every value set by a layer.
        files: the files merged, bases first.
    """

    scenario: Scenario
    sources: dict[str, Provenance]
    files: tuple[str, ...]

    def resolved_yaml(self) -> str:
        """The scenario with every default filled in, each value written with its source."""
        return dump_resolved(self.scenario.model_dump(mode="python"), self.sources)

    def assumptions(self) -> dict[str, Provenance]:
        """Values whose source is a labelled assumption (no statistic behind them yet)."""
        return {k: v for k, v in self.sources.items() if v.source.strip().lower().startswith("assumption")}


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load, merge and validate a scenario file, or a shipped scenario by name (``"jiangxi_baseline"``).

    Raises:
        ScenarioError: naming file, line, column, key path and what was expected for every problem.
        simulate.shipped.UnknownName: a name no shipped scenario has.
    """
    if isinstance(path, str) and shipped.is_name(path) and not Path(path).exists():
        path = shipped.scenario_path(path)
    scenario, layered = load(path, Scenario)
    return LoadedScenario(scenario=scenario, sources=dict(layered.sources), files=tuple(layered.files))


__all__ = ["LoadedScenario", "Problem", "Scenario", "ScenarioError", "load_scenario", "Layered"]
