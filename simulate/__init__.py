"""talentsim: regional talent supply and demand under industry–education integration (产教融合) levers.

A discrete-event simulator for education and industry planners.

Public API:

* :func:`load_scenario` — read and validate a scenario YAML file.
* :func:`run` — simulate it (replications, workers) and get a :class:`RunResult`
  with the tidy results frame; ``RunResult.write(DIR)`` writes a run folder.
"""

from simulate.api import RunResult, package_version, run
from simulate.scenario import LoadedScenario, ScenarioError, load_scenario

__all__ = ["LoadedScenario", "RunResult", "ScenarioError", "load_scenario", "package_version", "run"]
