"""Fixtures for the explore app: a small, short scenario file, its controls, and a finished comparison."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small_jiangxi.yaml"
SEED = 7


@pytest.fixture(scope="session")
def short_file(tmp_path_factory) -> Path:
    """The small test scenario to 2025 (the 2021–2025 plan period is judged; a replication takes a moment)."""
    path = tmp_path_factory.mktemp("explore") / "short.yaml"
    path.write_text(f"extends: {SMALL}\nname: short\nhorizon: 2025\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def explorer(short_file):
    """The explorer of the short scenario (controls, base summary cache), seed 7."""
    from simulate.explore.results import Explorer
    from simulate.scenario import load_scenario

    return Explorer(load_scenario(short_file), seed=SEED)


@pytest.fixture(scope="session")
def frames(explorer):
    """``frames(scenario, reps)``: the tidy frames of replications 0..reps−1 as the runner makes them (cached)."""
    from simulate.explore.jobs import declared_draws, replicate

    uncertain, table = declared_draws(explorer.loaded, explorer.seed)
    cache: dict = {}

    def get(sc, reps: int):
        key = (sc.model_dump_json(), reps)
        if key not in cache:
            cache[key] = [replicate(sc, explorer.seed, r, explorer.topics, *((uncertain, table[r]) if uncertain
                                                                              else ())) for r in range(reps)]
        return cache[key]

    return get


@pytest.fixture(scope="session")
def funding_outcome(explorer, frames):
    """A finished comparison: secondary funding 10,000 from 2021 against the base, 2 replications."""
    from simulate.explore.jobs import Job
    from simulate.explore.variant import build_variant

    v = build_variant(explorer.loaded, explorer.controls, {"per_student_funding.secondary": 10000},
                      {"per_student_funding.secondary": 2021})
    job = Job("test-session", 1, 2, v)
    return explorer.finish(job, frames(explorer.loaded.scenario, 2), frames(v.scenario, 2))
