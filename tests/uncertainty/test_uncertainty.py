"""Parameter uncertainty: what is declared, how it is drawn, and what a replication simulates."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pandas as pd
import pytest

import simulate
from simulate.scenario import LoadedScenario
from simulate.scenario.types import DatedPath
from simulate.uncertainty import apply, between, counts, declared, draws, replication_scenarios
from simulate.uncertainty.declare import split_path, standard_error, value_at
from simulate.uncertainty.sample import unit_column

KEY = ["replication", "year", "region", "level", "dimension", "indicator"]


def _by_name(uncertain):
    return {u.name: u for u in uncertain}


def test_levers_and_goals_are_never_sampled(baseline):
    uncertain = declared(baseline)
    assert len(uncertain) > 100
    assert not [p for u in uncertain for p in u.paths if p.startswith(("levers", "goals"))]
    assert sum(counts(uncertain).values()) == len(uncertain)


def test_every_declared_value_lies_in_its_range(baseline):
    for u in declared(baseline):
        if u.dist == "between":
            continue
        assert u.low <= u.centre <= u.high, u.name
        if u.dist == "triangular":
            assert u.low <= u.mode <= u.high, u.name


def test_each_parameter_at_either_end_gives_a_valid_scenario(baseline):
    sc = baseline.scenario
    uncertain = declared(baseline)
    for u in uncertain:
        for x in (u.low, u.high):
            row = {v.name: v.centre if v.dist != "between" else 0.5 for v in uncertain}
            row[u.name] = x
            apply(sc, uncertain, row)  # raises ValueError on an invalid scenario


def test_one_assumption_written_per_industry_is_one_draw(baseline):
    by = _by_name(declared(baseline))
    growth = by["region.industries[*].revenue_growth"]
    n = len(baseline.scenario.region.industries)
    assert len(growth.paths) == n and growth.dist == "triangular" and growth.mode == pytest.approx(0.091)
    # different values per industry are separate unknowns, named by the industry's id
    assert "region.industries[aviation].employment_share" in by
    assert "region.majors[nursing].enrollment_share" in by


def test_fitted_values_are_normal_within_se_and_the_parameter_files_range(baseline):
    by = _by_name(declared(baseline))
    u = by["behaviour.cohorts.progression_rate.secondary_vocational"]
    prov = baseline.sources["behaviour.cohorts.progression_rate.secondary_vocational"]
    assert u.dist == "normal" and u.sd == pytest.approx(standard_error(prov)) and 0.1 < u.sd < 0.3  # the fit's SE
    assert (u.low, u.high) == (0.35, 0.55)  # ±3 SE is wider than the range behaviour.yaml declares
    d = by["behaviour.cohorts.dropout_rate.secondary_vocational"]
    assert d.low == pytest.approx(0.03) and d.high == pytest.approx(0.06)


def test_a_path_with_low_and_high_paths_is_drawn_between_them(baseline):
    u = _by_name(declared(baseline))["behaviour.teachers.industry_hire_share"]
    assert u.dist == "between" and (u.low, u.high) == (0.0, 1.0)
    mid = between(u.low_path, u.high_path, 0.5)
    assert mid.kind == "ramp" and np.allclose(mid.points, ((2019, 0.3), (2021, 0.6)))
    assert not u.is_central(0.4)
    assert u.is_central(0.7) == (between(u.low_path, u.high_path, 0.7) == DatedPath("ramp", ((2019, 0.3), (2021, 0.6))))
    mixed = between(0.2, {"ramp": {"from_year": 2020, "from_value": 0.4, "to_year": 2022, "to_value": 0.8}}, 0.5)
    assert [mixed.at(y) for y in (2019, 2020, 2021, 2022, 2030)] == pytest.approx([0.3, 0.3, 0.4, 0.5, 0.5])


def test_integer_parameters_take_each_whole_number_in_their_range(baseline):
    u = _by_name(declared(baseline))["region.levels.secondary_vocational.majors_per_school"]
    assert u.integer
    x = u.quantile(np.linspace(0, 1, 601))
    assert set(x) == {4, 5, 6, 7, 8, 9}
    assert np.bincount(x.astype(int))[4:].min() >= 95


def test_draws_are_a_latin_hypercube_per_parameter_and_repeatable():
    u = unit_column(7, "behaviour.labour.matching_alpha", 40)
    assert sorted(np.floor(u * 40).astype(int)) == list(range(40))  # one draw in each stratum
    np.testing.assert_array_equal(u, unit_column(7, "behaviour.labour.matching_alpha", 40))
    assert not np.array_equal(u, unit_column(8, "behaviour.labour.matching_alpha", 40))
    assert not np.array_equal(u, unit_column(7, "behaviour.labour.matching_efficiency", 40))


def test_an_extra_parameter_does_not_shift_the_others_draws(baseline):
    uncertain = declared(baseline)
    full = draws(uncertain, 3, 12)
    fewer = draws([u for u in uncertain if u.name != "behaviour.labour.matching_alpha"], 3, 12)
    pd.testing.assert_frame_equal(full.drop(columns="behaviour.labour.matching_alpha"), fewer)


def test_applying_draws_leaves_the_scenario_untouched(baseline):
    sc = baseline.scenario
    before = sc.model_dump(mode="python")
    uncertain = declared(baseline)
    table = draws(uncertain, 1, 5)
    scenarios = replication_scenarios(sc, uncertain, table)
    assert sc.model_dump(mode="python") == before
    for sc_i, row in zip(scenarios, table.to_dict("records"), strict=True):
        for u in uncertain:
            if u.is_path:
                continue
            value = value_at(sc_i.model_dump(mode="python"), split_path(u.paths[0]))
            assert value == pytest.approx(row[u.name]), u.name


def test_drawn_school_shares_keep_the_subregions_summing_to_one(baseline):
    uncertain = declared(baseline)
    table = draws(uncertain, 2, 6)
    for sc in replication_scenarios(baseline.scenario, uncertain, table):
        for lv in ("technical_school", "higher_vocational"):
            assert sum(getattr(s.school_share, lv) for s in sc.region.subregions) == pytest.approx(1.0)


def _zero_width(loaded: LoadedScenario) -> LoadedScenario:
    """Every range set to [value, value] and every standard error to 0."""
    data = loaded.scenario.model_dump(mode="python")
    sources = {}
    for key, prov in loaded.sources.items():
        if prov.range is not None:
            root = key.split(".ramp", 1)[0]
            value = value_at(data, split_path(root))
            prov = dataclasses.replace(prov, range=(value, value), mode=None)
        if prov.source.startswith("fitted"):
            prov = dataclasses.replace(prov, se=0.0)
        sources[key] = prov
    return LoadedScenario(loaded.scenario, sources, loaded.files)


def test_zero_width_ranges_give_the_stochastic_run_bit_for_bit(small_loaded):
    narrow = _zero_width(small_loaded)
    assert len(declared(narrow)) == len(declared(small_loaded))
    sampled = simulate.run(narrow, seed=4, replications=3, uncertainty="parameters")
    plain = simulate.run(small_loaded, seed=4, replications=3, uncertainty="stochastic")
    assert len(sampled.parameters.columns) > 100 and len(plain.parameters.columns) == 1
    pd.testing.assert_frame_equal(sampled.frame, plain.frame, check_exact=True)


def test_draws_and_results_are_identical_on_one_and_two_workers(small_loaded):
    one = simulate.run(small_loaded, seed=9, replications=4, workers=1)
    two = simulate.run(small_loaded, seed=9, replications=4, workers=2)
    pd.testing.assert_frame_equal(one.parameters, two.parameters, check_exact=True)
    pd.testing.assert_frame_equal(one.frame.sort_values(KEY).reset_index(drop=True),
                                  two.frame.sort_values(KEY).reset_index(drop=True), check_exact=True)


def test_replications_differ_by_their_parameters_in_the_default_mode(small_loaded):
    r = simulate.run(small_loaded, seed=9, replications=4)
    plain = simulate.run(small_loaded, seed=9, replications=4, uncertainty="stochastic")
    assert r.uncertainty == "parameters" and plain.uncertainty == "stochastic"
    a = r.frame.set_index(KEY)["value"].sort_index()
    b = plain.frame.set_index(KEY)["value"].sort_index()
    assert (~np.isclose(a, b, equal_nan=True)).mean() > 0.3


def test_unknown_mode_is_refused(small_loaded):
    with pytest.raises(ValueError, match="parameters or|one of"):
        simulate.run(small_loaded, replications=1, uncertainty="sometimes")


def test_run_folder_has_the_draws_and_says_what_was_sampled(small_loaded, tmp_path):
    r = simulate.run(small_loaded, seed=2, replications=3)
    folder = r.write(tmp_path / "run")
    params = pd.read_parquet(folder / "parameters.parquet")
    assert list(params["replication"]) == [0, 1, 2]
    assert set(params.columns) == {"replication", *(u.name for u in r.uncertain)}
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["uncertainty"]
    assert summary["mode"] == "parameters" and summary["parameters"] == len(r.uncertain)
    assert sum(summary["by_distribution"].values()) == len(r.uncertain)
    assert "Latin hypercube" in summary["sampler"]
    first = summary["sampled"][0]
    assert {"name", "dist", "low", "high", "central", "source"} <= set(first)
    assert "decided_by" in pd.read_csv(folder / "goals.csv").columns


def test_a_bare_scenario_declares_nothing(small_scenario):
    r = simulate.run(small_scenario, seed=1, replications=2)
    assert r.uncertain == () and list(r.parameter_draws().columns) == ["replication"]


@pytest.mark.parametrize("body, needle", [
    ("behaviour:\n  labour:\n    matching_alpha: {value: 0.5, source: assumption, range: [0.3, 0.7], dist: triangular,"
     " mode: 0.9}\n", "triangular mode 0.9 outside"),
    ("behaviour:\n  teachers:\n    industry_hire_share: {value: {2019: 0.3, 2021: 0.6}, source: assumption,"
     " range: [0.2, 0.8]}\n", "range must be [low path, high path]"),
    ("behaviour:\n  labour:\n    matching_alpha: {value: 0.5, source: assumption, range: [0.3, 0.7],"
     " dist: lognormal}\n", "'dist' of a sourced value must be one of uniform, triangular, normal"),
])
def test_a_range_that_does_not_fit_its_value_is_a_scenario_error(small_file, body, needle):
    from simulate.scenario import ScenarioError

    path = small_file(body)
    with pytest.raises(ScenarioError, match=re.escape(needle)) as err:  # when loading, or when declaring
        declared(simulate.load_scenario(path))
    assert str(path) in str(err.value)


def test_a_zero_width_range_draws_the_value_itself(small_file):
    path = small_file("behaviour:\n  labour:\n    joint_outflow_factor: {value: 0.5, source: assumption, "
                      "range: [0.5, 0.5]}\n")
    u = _by_name(declared(simulate.load_scenario(path)))["behaviour.labour.joint_outflow_factor"]
    assert (u.dist, u.low, u.high) == ("uniform", 0.5, 0.5) and u.is_central(float(u.quantile(np.array([0.3]))[0]))
