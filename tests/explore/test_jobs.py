"""The runner: a tab's newer change supersedes its older one, tabs never mix, work is bounded, numbers are the API's."""

from __future__ import annotations

import time

import numpy as np
import pytest

import simulate
from simulate.explore import MAX_REPLICATIONS
from simulate.explore.jobs import Runner, declared_draws
from simulate.explore.variant import build_variant


@pytest.fixture(scope="module")
def runner(explorer):
    uncertain, table = declared_draws(explorer.loaded, explorer.seed)
    r = Runner(explorer.loaded.scenario, explorer.seed, 1, explorer.finish, explorer.topics, max_sessions=8,
               uncertain=uncertain, parameter_draws=table)
    for f in r.warm(2):
        f.result()
    yield r
    r.close()


def wait(job, timeout: float = 180):
    end = time.monotonic() + timeout
    while job.state == "running" and time.monotonic() < end:
        time.sleep(0.05)
    assert job.state != "running", "job did not finish in time"
    return job


def variant(explorer, **values):
    values = {k.replace("__", "."): v for k, v in values.items()}
    return build_variant(explorer.loaded, explorer.controls, values)


def test_a_newer_change_of_a_tab_supersedes_the_older(runner, explorer):
    first = variant(explorer, apprenticeship_share=0.2)
    second = variant(explorer, apprenticeship_share=0.25)
    old = runner.submit("tab-supersede", 5, first, first.scenario)
    new = runner.submit("tab-supersede", 2, second, second.scenario)
    assert old.state == "superseded"
    # one worker: at most the running replication and one queued call can no longer be cancelled
    assert sum(f.cancelled() for f in old.futures) >= len(old.futures) - 2
    wait(new)
    assert new.state == "done" and old.result is None
    assert runner.job("tab-supersede") is new and runner.shown("tab-supersede") is new
    assert runner.job("tab-supersede", old.generation) is None
    assert new.result.changes == second.changes


def test_two_tabs_do_not_mix_their_results(runner, explorer):
    a = variant(explorer, per_student_funding__secondary=9000)
    b = variant(explorer, order_class_minimum__A=5)
    ja = runner.submit("tab-a", 2, a, a.scenario)
    jb = runner.submit("tab-b", 2, b, b.scenario)
    wait(ja), wait(jb)
    assert ja.state == jb.state == "done"
    assert runner.shown("tab-a").result.changes == a.changes
    assert runner.shown("tab-b").result.changes == b.changes
    assert [c.path for c in ja.result.changes] == ["per_student_funding.secondary"]


def test_the_page_shows_the_api_numbers_for_the_same_settings_and_seed(runner, explorer):
    v = variant(explorer, per_student_funding__secondary=10000)
    job = wait(runner.submit("tab-api", 2, v, v.scenario))
    o = job.result
    api_variant = simulate.run(v.loaded, seed=explorer.seed, replications=2, design_replications=MAX_REPLICATIONS)
    api_base = simulate.run(explorer.loaded, seed=explorer.seed, replications=2, design_replications=MAX_REPLICATIONS)
    base_rows = explorer.shown(api_base.frame)
    for mine, api in ((o.result.frame, api_variant.frame), (o.base.frame, base_rows)):
        keys = ["replication", "year", "region", "level", "dimension", "indicator"]
        a = mine.astype({k: str for k in keys[2:]}).sort_values(keys)["value"].to_numpy()
        b = api.astype({k: str for k in keys[2:]}).sort_values(keys)["value"].to_numpy()
        np.testing.assert_array_equal(a, b)
    goals = api_variant.goals().query("status == 'modelled'").set_index(["goal_id", "deadline"])
    shown = o.goals.set_index(["goal_id", "deadline"])
    np.testing.assert_allclose(shown["p_variant"], goals.loc[shown.index, "probability_met"].astype(float))
    np.testing.assert_allclose(shown["margin_variant"], goals.loc[shown.index, "margin"].astype(float))
    assert (shown["margin_variant"].fillna(0) != shown["margin_base"].fillna(0)).any()  # funding moves some goal


def test_unchanged_settings_reuse_the_base_replications(runner, explorer):
    v = variant(explorer)
    job = wait(runner.submit("tab-same", 2, v, None))
    assert job.futures == []
    o = job.result
    np.testing.assert_array_equal(o.variant.frame["value"].to_numpy(), o.base.frame["value"].to_numpy())
    assert len(o.result.frame) > len(o.variant.frame)  # the run folder gets every row
    assert (o.goals["delta"].fillna(0) == 0).all()


def test_work_per_request_is_bounded(runner, explorer):
    v = variant(explorer)
    for reps in (0, MAX_REPLICATIONS + 1):
        with pytest.raises(ValueError, match="replications"):
            runner.submit("tab-bounds", reps, v, None)
    longer = explorer.loaded.scenario.model_copy(update={"horizon": explorer.loaded.scenario.horizon + 1})
    with pytest.raises(ValueError, match="horizon"):
        runner.submit("tab-bounds", 2, v, longer)


def test_the_least_recently_used_sessions_are_forgotten(runner, explorer):
    v = variant(explorer)
    for i in range(runner.max_sessions + 2):
        wait(runner.submit(f"tab-lru-{i}", 2, v, None))
    assert runner.job("tab-lru-0") is None and runner.job("tab-lru-1") is None
    assert runner.job(f"tab-lru-{runner.max_sessions + 1}") is not None
