"""What the search relies on: a run stopped early, recording only what the seek reads, gives the same numbers."""

from __future__ import annotations

import numpy as np

from simulate.engine import simulate_replication
from simulate.scenario import Scenario


def test_a_shorter_horizon_and_fewer_topics_change_no_recorded_value(small_base_dict):
    from simulate.goals.catalogue import scenario_goals
    from simulate.goals.verdicts import judged_indicators
    from simulate.results.record import topics_for

    sc = Scenario.model_validate(small_base_dict)
    short = Scenario.model_validate({**small_base_dict, "horizon": sc.base_year + 3})
    goals = [g for g in scenario_goals(sc.goals) if g.id in ("nc.dual_teachers", "nc.parttime_share")]
    topics = topics_for(judged_indicators(goals) | {"public_cost"})
    full = simulate_replication(sc, 5, 1).frame
    part = simulate_replication(short, 5, 1, topics=topics).frame
    keys = ["year", "region", "level", "dimension", "indicator"]
    merged = part.merge(full, on=keys, suffixes=("_part", "_full"), how="left")
    assert len(merged) == len(part) and {"public_cost", "dual_qualified_teachers"} <= set(part.indicator)
    np.testing.assert_array_equal(merged.value_part.to_numpy(), merged.value_full.to_numpy())
