"""Sweep specs: the shipped ones load; every mistake is reported as file:line, exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulate.cli.main import ExitStatus, main
from simulate.scenario import Scenario, ScenarioError
from simulate.sweep.plan import load_sweep
from simulate.sweep.sampling import design_for
from simulate.sweep.worker import Context, scenario_for

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))

HEAD = "name: bad\nscenario: tiny.yaml\nmethod: oat\nseed: 1\n"
ONE_FACTOR = "factors:\n  - path: levers.apprenticeship_share\n    bounds: [0.0, 0.3]\n"
GOOD_OUT = "outcomes:\n  indicators: [matched_rate]\n"

# case → (spec body, expected line, text the message must contain)
BAD = {
    "typo_top_key": (HEAD + "replicatons: 3\n" + ONE_FACTOR + GOOD_OUT, 5, "did you mean 'replications'"),
    "unknown_method": (HEAD.replace("oat", "fast99") + ONE_FACTOR + GOOD_OUT, 3, "method"),
    "bad_path": (HEAD + "factors:\n  - path: levers.apprenticeship_shar\n    bounds: [0, 0.3]\n" + GOOD_OUT, 6,
                 "did you mean 'apprenticeship_share'"),
    "share_above_one": (HEAD + "factors:\n  - path: levers.apprenticeship_share\n    bounds: [0.0, 1.5]\n"
                        + GOOD_OUT, 7, "invalid scenario"),
    "group_not_value": (HEAD + "factors:\n  - path: levers.per_student_funding\n    bounds: [1, 2]\n" + GOOD_OUT,
                        6, "is a group"),
    "from_year_not_dated": (HEAD + "factors:\n  - path: behaviour.labour.outflow_before_search\n"
                                   "    bounds: [0.1, 0.3]\n    from_year: 2022\n" + GOOD_OUT, 8, "not a dated lever"),
    "both_bounds_and_levels": (HEAD + "factors:\n  - path: levers.apprenticeship_share\n    bounds: [0, 0.2]\n"
                                      "    levels: [0.1, 0.2]\n" + GOOD_OUT, 6, "exactly one of"),
    "reversed_bounds": (HEAD + "factors:\n  - path: levers.apprenticeship_share\n    bounds: [0.3, 0.1]\n"
                        + GOOD_OUT, 6, "low < high"),
    "unknown_indicator": (HEAD + ONE_FACTOR + "outcomes:\n  indicators: [matched_rat]\n", 9,
                          "did you mean 'matched_rate'"),
    "unknown_goal": (HEAD + ONE_FACTOR + "outcomes:\n  goals: [jx.2030.participaton]\n", 9, "unknown goal"),
    "goal_of_another_region": (HEAD + ONE_FACTOR + "outcomes:\n  goals: [hn.per_student.secondary]\n", 9,
                               "applies to hunan, which the scenario does not simulate"),
    "year_outside_horizon": (HEAD + ONE_FACTOR + "outcomes:\n  years: [2040]\n  indicators: [matched_rate]\n", 9,
                             "outside the simulated years"),
    "sobol_not_power_of_two": (HEAD.replace("oat", "sobol") + "samples: 100\n" + ONE_FACTOR + GOOD_OUT, 1,
                               "power of 2"),
    "share_set_without_rest": (HEAD + "factors:\n  - path: region.tier_shares.A\n    bounds: [0.1, 0.5]\n" + GOOD_OUT,
                               7, "list the other shares of the set under 'rest'"),
    "duplicate_key": (HEAD + "seed: 2\n" + ONE_FACTOR + GOOD_OUT, 5, "duplicate"),
    "missing_scenario_file": (HEAD.replace("tiny.yaml", "nope.yaml") + ONE_FACTOR + GOOD_OUT, 2, "not found"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_spec_errors_name_file_and_line(case, tmp_path, capsys, kit):
    body, line, needle = BAD[case]
    path = kit.write_spec(tmp_path, body)
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    text = str(info.value)
    assert f"{path}:{line}:" in text, text
    assert needle in text
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{path}:{line}:" in err
    assert not out.exists()


def test_missing_spec_and_bad_options_exit_2(tmp_path, spec_file, capsys):
    assert main(["sweep", str(tmp_path / "none.yaml")]) == ExitStatus.BAD_INPUT
    assert "not found" in capsys.readouterr().err
    sobol = spec_file("sobol", samples=8)
    assert main(["sweep", str(sobol), "--samples", "10", "--out", str(tmp_path / "o")]) == ExitStatus.BAD_INPUT
    assert "power of 2" in capsys.readouterr().err
    assert main(["sweep-report", str(tmp_path / "nothing")]) == ExitStatus.BAD_INPUT
    assert "no sweep store" in capsys.readouterr().err


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_specs_load_and_design(path):
    sweep = load_sweep(path)
    design = design_for(sweep)
    assert design.n_points >= 5
    assert sweep.outcomes.columns
    ctx = Context(sweep.digest(), sweep.base, sweep.factors, sweep.outcomes)
    for p in (0, design.n_points - 1):
        assert isinstance(scenario_for(ctx, p, tuple(design.values[p])), Scenario)


def test_shipped_four_lever_specs_vary_the_four_levers():
    names = {"oat": "four_levers_oat.yaml", "morris": "four_levers_morris.yaml"}
    for method, file in names.items():
        sweep = load_sweep(ROOT / "scenarios" / "sweeps" / file)
        assert sweep.spec.method == method
        paths = {f.path for f in sweep.factors}
        assert {"levers.enrollment_adjustment.responsiveness", "levers.apprenticeship_share",
                "levers.per_student_funding.secondary", "levers.surcharge_credit.rate"} <= paths
    assert any(load_sweep(p).spec.method == "sobol" for p in SHIPPED)


def test_values_enter_the_scenario_and_shares_that_sum_to_one_are_rescaled(tmp_path, kit):
    body = ("name: comp\nscenario: tiny.yaml\nmethod: lhs\nsamples: 20\nseed: 3\nfactors:\n"
            "  - path: region.tier_shares.A\n    bounds: [0.05, 0.6]\n"
            "    rest: [region.tier_shares.B, region.tier_shares.other]\n"
            "  - path: levers.apprenticeship_share\n    bounds: [0.0, 0.3]\n    from_year: 2022\n"
            "  - path: region.industries.digital_economy.employment_elasticity\n    bounds: [0.2, 1.5]\n"
            "  - path: levers.teacher_practice.months_required\n    bounds: [3, 9]\n"
            + GOOD_OUT)
    sweep = load_sweep(kit.write_spec(tmp_path, body))
    design = design_for(sweep)
    ctx = Context(sweep.digest(), sweep.base, sweep.factors, sweep.outcomes)
    base = sweep.scenario
    base_b_over_other = base.region.tier_shares["B"] / base.region.tier_shares["other"]
    for p, values in enumerate(design.values):
        sc = scenario_for(ctx, p, tuple(values))
        shares = sc.region.tier_shares
        assert shares["A"] == pytest.approx(values[0])
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-9)
        assert shares["B"] / shares["other"] == pytest.approx(base_b_over_other)
        path = sc.levers.apprenticeship_share
        assert path.at(2021) == pytest.approx(base.levers.apprenticeship_share.at(2021))
        assert path.at(2022) == pytest.approx(values[1]) and path.at(2030) == pytest.approx(values[1])
        ind = {i.id: i for i in sc.region.industries}["digital_economy"]
        assert ind.employment_elasticity == pytest.approx(values[2])
        assert isinstance(sc.levers.teacher_practice.months_required, int)
        assert sc.levers.teacher_practice.months_required == values[3]
    assert base.region.tier_shares == sweep.scenario.region.tier_shares  # the base is never mutated


def test_factor_and_outcome_columns(spec_file, kit):
    sweep = load_sweep(spec_file("oat"))
    assert [f.name for f in sweep.factors] == ["apprenticeship_share", "funding_secondary", "credit_rate",
                                               "eligibility"]
    cols = sweep.outcomes.columns
    assert "order_trained_2023" in cols and "enterprise_participation_rate_2025" in cols
    assert "public_cost_cumulative_2025" in cols
    assert "goal_jx_per_student_floor_2025" in cols and "goal_nc_dual_teachers_2025" in cols
    assert kit.FACTORS and kit.OUTCOMES  # the shared spec parts are used


def test_shipped_sweeps_sample_fitted_parameters_over_their_fitted_range():
    """A sweep that samples a fitted parameter uses the range the calibration wrote (re-fits move it)."""
    import yaml

    fitted = yaml.safe_load((ROOT / "calibration" / "fitted" / "teachers.yaml").read_text(encoding="utf-8"))
    ranges = {f"behaviour.teachers.{k}": v["range"] for k, v in fitted["behaviour"]["teachers"].items()}
    checked = 0
    for path in SHIPPED:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for u in spec.get("factors", []) or []:
            if isinstance(u, dict) and u.get("path") in ranges:
                assert list(u["bounds"]) == pytest.approx(ranges[u["path"]]), (path.name, u["path"])
                checked += 1
    assert checked
