"""Seek specs are validated like scenarios: every problem as file:line, before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulate.scenario.errors import ScenarioError
from simulate.seek.plan import load_seek

ROOT = Path(__file__).resolve().parents[2]


def _problems(path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_seek(path)
    return [p.format() for p in err.value.problems]


def test_the_tiny_spec_resolves(seek_kit, tmp_path):
    seek = load_seek(seek_kit.write_spec(tmp_path))
    assert [lv.name for lv in seek.levers] == ["surcharge_vocational_share", "teacher_practice_post_rate"]
    assert seek.levers[0].settings[:3] == (0.3, 0.32, 0.34) and len(seek.levers[0].settings) == 11
    assert seek.base["horizon"] == 2021 and seek.cost_years == (2020, 2021)
    assert [c.goal_id for c in seek.constraints] == ["test.surcharge_share", "test.out_of_reach"]
    # a dated lever with a start year becomes steps that keep the base path before it
    assert seek.levers[0].value((4, 0)) == {2018: 0.3, 2020: 0.38}


@pytest.mark.parametrize(("old", "new", "expect"), [
    ("test.surcharge_share: 0.5", "test.surcharge_shar: 0.5", ":5:3: goals.test.surcharge_shar: unknown goal"),
    ("step: 0.02", "step: 0.03", "does not divide the bounds"),
    ("path: levers.surcharge_vocational_share\n    bounds: [0.30, 0.50]\n    step: 0.02\n    from_year: 2020",
     "path: levers.surcharge_credit.eligibility\n    bounds: [0.30, 0.50]\n    step: 0.02",
     "holds 'certified', not a number"),
    ("window: [2020, 2021]", "window: [2020, 2031]", "objective.window: the window must lie within"),
    ("bounds: [0.005, 0.01]\n    step: 0.0025", "bounds: [0.005, 1.505]\n    step: 0.5", "gives an invalid scenario"),
])
def test_problems_name_file_line_and_key(seek_kit, tmp_path, old, new, expect):
    assert old in seek_kit.SPEC
    path = seek_kit.write_spec(tmp_path, seek_kit.SPEC.replace(old, new))
    assert any(expect in p for p in _problems(path)), _problems(path)


def test_a_start_year_on_a_lever_that_is_not_dated_is_refused(seek_kit, tmp_path):
    body = seek_kit.SPEC.replace("  - path: levers.teacher_practice.post_rate\n    bounds: [0.005, 0.01]\n"
                                 "    step: 0.0025\n    from_year: 2020\n",
                                 "  - path: levers.surcharge_credit.eligibility\n    levels: [certified, cooperating]\n"
                                 "    from_year: 2020\n")
    assert any("not a dated lever" in p for p in _problems(seek_kit.write_spec(tmp_path, body)))


def test_shipped_specs_load():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "scenarios" / "seeks"
    for path in sorted(root.glob("*.yaml")):
        seek = load_seek(path)
        assert seek.constraints, path


def test_candidates_draw_exactly_the_parameters_talentsim_run_draws_for_best_yaml(tmp_path):
    """Replication r of every candidate simulates the draws `talentsim run best.yaml --reps N` makes for
    replication r (N = confirm.replications): best.yaml sets levers only, so it declares the same
    uncertain parameters, and its seed is the search's."""
    import numpy as np

    import simulate
    from simulate.uncertainty import declared, draws

    seek = load_seek(ROOT / "scenarios" / "seeks" / "nanchang_2025_least_cost.yaml")
    assert len(seek.uncertain) > 50 and seek.parameter_draws is not None
    best = tmp_path / "best.yaml"
    best.write_text(f"extends: {seek.loaded.files[-1]}\nname: best\nseed: {seek.seed}\n"
                    "levers:\n  teacher_practice:\n    enforcement: 1.0\n", encoding="utf-8")
    loaded = simulate.load_scenario(best)
    uncertain = declared(loaded)
    assert [u.name for u in uncertain] == [u.name for u in seek.uncertain]
    table = draws(uncertain, seek.seed, seek.spec.confirm.replications)
    np.testing.assert_array_equal(table[[u.name for u in uncertain]].to_numpy(float), seek.parameter_draws)


def test_stochastic_specs_draw_nothing(seek_kit, tmp_path):
    path = seek_kit.write_spec(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "uncertainty: stochastic\n", encoding="utf-8")
    seek = load_seek(path)
    assert seek.uncertain == () and seek.parameter_draws is None
