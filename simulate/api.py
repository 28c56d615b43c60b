"""The Python API: run a scenario, get tidy results, write a run folder.

>>> import simulate
>>> loaded = simulate.load_scenario("jiangxi_baseline")   # a shipped name, or a file path
>>> result = simulate.run(loaded, seed=0, replications=40)
>>> result.frame.query("indicator == 'in_school' and level == 'all'")

Every replication draws the scenario's uncertain parameters (``uncertainty="parameters"``, the default;
:mod:`simulate.uncertainty`) as well as its own random numbers, so P(met) covers both what the model does
not know and chance; ``uncertainty="stochastic"`` keeps the parameters at their central values.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import platform
import signal
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from simulate.engine import simulate_replication
from simulate.goals.catalogue import scenario_goals
from simulate.goals.verdicts import bands, judge, simulated_regions, summarise
from simulate.results.runfolder import Writer, json_writer, text_writer, write_folder
from simulate.scenario import LoadedScenario, Scenario, load_scenario
from simulate.uncertainty import bounded, check_mode, declared, draws, replication_scenarios
from simulate.uncertainty import summary as uncertainty_summary


def package_version() -> str:
    """The installed talentsim version."""
    try:
        return version("talentsim")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


@dataclass
class RunResult:
    """Results of one scenario over its replications.

    Attributes:
        loaded: the scenario with the sources of its values.
        seed: the root seed; replication ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``.
        replications: number of replications.
        frame: the tidy table (``scenario, replication, year, region, level, dimension, indicator, value``).
        runtime_s: wall time of the simulation.
        uncertainty: ``parameters`` (each replication drew the uncertain parameters) or ``stochastic``.
        uncertain: the uncertain parameters drawn (empty for ``stochastic``).
        parameters: replication × parameter draws (``parameters.parquet``; only ``replication`` if none).
    """

    loaded: LoadedScenario
    seed: int
    replications: int
    frame: pd.DataFrame
    runtime_s: float
    uncertainty: str = "stochastic"
    uncertain: tuple = ()
    parameters: pd.DataFrame | None = None

    @property
    def scenario(self) -> Scenario:
        """The validated scenario."""
        return self.loaded.scenario

    def value(self, indicator: str, year: int, region: str | None = None, level: str = "all",
              dimension: str = "total") -> np.ndarray:
        """Values of one indicator cell across replications (ordered by replication)."""
        f = self.frame
        region = region or self.scenario.region.name
        sel = f[(f.indicator == indicator) & (f.year == year) & (f.region == region) & (f.level == level)
                & (f.dimension == dimension)]
        return sel.sort_values("replication")["value"].to_numpy()

    def summary(self) -> dict:
        """The content of ``summary.json``."""
        sc = self.scenario
        return {
            "scenario": sc.name,
            "seed": self.seed,
            "replications": self.replications,
            "base_year": sc.base_year,
            "horizon": sc.horizon,
            "runtime_s": round(self.runtime_s, 3),
            "talentsim_version": package_version(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "files": list(self.loaded.files),
            "assumptions": sorted(self.loaded.assumptions()),
            "rows": int(len(self.frame)),
            "uncertainty": uncertainty_summary(self.uncertainty, self.uncertain, self.replications),
        }

    def goal_verdicts(self) -> pd.DataFrame:
        """Per goal, deadline and replication: judged value, met, year first met, margins."""
        sc = self.scenario
        return judge(self.frame, scenario_goals(sc.goals), sc.region.name, sc.base_year, sc.horizon,
                     regions=simulated_regions(sc))

    def goals(self, verdicts: pd.DataFrame | None = None) -> pd.DataFrame:
        """The ``goals.csv`` table: P(met) with Wilson 95% interval, value bands, median year met, decided by."""
        verdicts = self.goal_verdicts() if verdicts is None else verdicts
        return summarise(verdicts, scenario_goals(self.scenario.goals), self.parameters,
                         regions=simulated_regions(self.scenario))

    def parameter_draws(self) -> pd.DataFrame:
        """Replication × parameter draws (``parameters.parquet``): ``replication`` and one column per parameter."""
        if self.parameters is None:
            return pd.DataFrame({"replication": np.arange(self.replications, dtype=np.int64)})
        return self.parameters

    def bands(self) -> pd.DataFrame:
        """p05–p95 of every indicator cell over replications (``bands.parquet``)."""
        return bands(self.frame)

    def files(self, verdicts: pd.DataFrame | None = None) -> dict[str, Writer]:
        """The run folder's files: resolved scenario, results, bands, goals, parameters, summary (name → writer)."""
        frame = self.frame
        params = self.parameter_draws()
        verdicts = self.goal_verdicts() if verdicts is None else verdicts
        goals = self.goals(verdicts)
        band = self.bands()
        return {
            "scenario.resolved.yaml": text_writer(self.loaded.resolved_yaml()),
            "results.parquet": lambda p: frame.to_parquet(p, index=False),
            "bands.parquet": lambda p: band.to_parquet(p, index=False),
            "goal_verdicts.parquet": lambda p: verdicts.to_parquet(p, index=False),
            "goals.csv": lambda p: goals.to_csv(p, index=False),
            "parameters.parquet": lambda p: params.to_parquet(p, index=False),
            "summary.json": json_writer(self.summary()),
        }

    def write(self, out: str | Path, verdicts: pd.DataFrame | None = None, *, replace: bool = False) -> Path:
        """Write the run folder all-or-nothing (see :mod:`simulate.results.runfolder`).

        Args:
            out: the folder.
            verdicts: :meth:`goal_verdicts`, if already computed.
            replace: replace an existing run folder whole (otherwise it is an error).

        Raises:
            FolderError: the folder exists (without ``replace``), is being written, or cannot be written.
        """
        return write_folder(Path(out), self.files(verdicts), replace=replace)


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _start_pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool whose workers never see Ctrl-C.

    SIGINT is blocked while they are forked (a Ctrl-C in that window waits for the parent, which gets it
    as soon as the pool exists) and ignored once they run.
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        return multiprocessing.Pool(workers, initializer=_ignore_sigint)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return multiprocessing.Pool(workers, initializer=_ignore_sigint)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _pool_map(jobs: list, workers: int, chunksize: int) -> list[pd.DataFrame]:
    """``_one`` over ``jobs`` in worker processes, in order; Ctrl-C stops the workers at once."""
    pool = _start_pool(workers)
    try:
        frames = pool.map(_one, jobs, chunksize=chunksize)
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
    return frames


def _one(args: tuple[Scenario, int, int]) -> pd.DataFrame:
    sc, seed, rep = args
    return simulate_replication(sc, seed, rep).frame


def run(scenario: LoadedScenario | Scenario | str | Path, seed: int | None = None, replications: int = 1,
        workers: int = 1, uncertainty: str = "parameters", design_replications: int | None = None) -> RunResult:
    """Simulate a scenario.

    Args:
        scenario: a loaded scenario, a validated :class:`Scenario`, or a path to a scenario file.
        seed: root seed (defaults to the scenario's ``seed``).
        replications: Monte Carlo replications; each gets its own ``SeedSequence`` child, so the
            numbers do not depend on ``workers``.
        workers: processes to spread replications over.
        uncertainty: ``parameters`` (default): replication ``i`` simulates the scenario with the ``i``-th
            Latin-hypercube draw of every uncertain parameter it declares (:mod:`simulate.uncertainty`),
            drawn once here from the seed, so the numbers still do not depend on ``workers`` and compared
            scenarios share their draws; ``stochastic``: parameters at their central values. A bare
            :class:`Scenario` declares nothing (its sources are unknown).
        design_replications: draw the parameters from a Latin hypercube of this many rows and simulate
            the first ``replications`` of them (default: ``replications`` rows). A run of 10 with a design
            of 40 simulates exactly the first 10 replications of a 40-replication run (``talentsim
            explore`` relies on it).

    Returns:
        A :class:`RunResult` with the tidy frame of all replications.
    """
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario)
    if isinstance(scenario, Scenario):
        scenario = LoadedScenario(scenario=scenario, sources={}, files=())
    scenario = bounded(scenario)  # fitted values carry the range that bounds them into the resolved file
    sc = scenario.scenario
    seed = sc.seed if seed is None else int(seed)
    start = time.perf_counter()
    uncertain = declared(scenario) if check_mode(uncertainty) == "parameters" else ()
    design = replications if design_replications is None else int(design_replications)
    if design < replications:
        raise ValueError(f"design_replications ({design}) must be at least replications ({replications})")
    table = draws(uncertain, seed, design).iloc[:replications]
    jobs = [(s, seed, r) for r, s in enumerate(replication_scenarios(sc, uncertain, table))]
    if workers > 1 and replications > 1:
        workers = min(workers, replications, available_cores())
        frames = _pool_map(jobs, workers, chunksize=max(1, replications // (4 * workers)))
    else:
        frames = [_one(j) for j in jobs]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return RunResult(scenario, seed, replications, frame, time.perf_counter() - start, uncertainty, uncertain, table)
