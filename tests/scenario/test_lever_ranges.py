"""The shipped lever ranges: every lever covered, every bound sourced, ends applied to a copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulate.goals.catalogue import SEEDS_FILES
from simulate.scenario.errors import ScenarioError
from simulate.scenario.lever_ranges import (
    CLAUSE,
    apply_lever_ends,
    lever_paths,
    lever_ranges_file,
    load_lever_ranges,
    not_ranged_levers,
    read_lever_ranges,
)
from simulate.scenario.types import DatedPath

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def test_every_lever_of_the_schema_is_ranged_or_left_out_with_a_reason():
    ranged = [r.lever for r in load_lever_ranges()]
    left = [n.lever for n in not_ranged_levers()]
    assert sorted(ranged + left) == sorted(lever_paths())
    assert "per_student_funding.secondary" in ranged and "teacher_practice.post_rate" in ranged
    assert all(len(n.reason) > 30 for n in not_ranged_levers())


@pytest.mark.parametrize("r", load_lever_ranges(), ids=lambda r: r.lever)
def test_every_bound_cites_a_clause_an_observation_or_a_reasoned_assumption(r):
    for bound in (r.low, r.high):
        src = bound.source
        if CLAUSE.match(src):
            file = src.split(" ", 1)[0]
            assert file in SEEDS_FILES, src
            if SEEDS.exists():
                assert (SEEDS / file).is_file()
        else:
            assert re.match(r"^(assumption|obs): \S.{10,}", src), src


def test_both_ends_validate_on_the_baseline_and_leave_it_untouched(baseline):
    sc = baseline.scenario
    before = sc.model_dump(mode="json")
    low, high = apply_lever_ends(sc, "low"), apply_lever_ends(sc, "high")
    assert sc.model_dump(mode="json") == before
    assert low is not sc and high is not sc
    lv, hv = low.levers, high.levers
    assert lv.per_student_funding.secondary.at(2025) == 5000 and hv.per_student_funding.secondary.at(2025) == 15000
    # the high end starts in 2020: the base year keeps the scenario's own value
    assert hv.per_student_funding.secondary.at(2019) == sc.levers.per_student_funding.secondary.at(2019)
    assert (hv.order_class_minimum.A, hv.order_class_minimum.B, hv.order_class_minimum.other) == (5, 3, 2)
    assert hv.order_class_minimum.subregions == ["nanchang"] and hv.surcharge_credit.eligibility == "cooperating"
    assert lv.bases_per_major_target.at(2030) == 1 and hv.bases_per_major_target.at(2030) == 3
    assert hv.teacher_practice.months_required == lv.teacher_practice.months_required == 6


def test_a_from_year_keeps_a_ramping_scenario_path_before_it(make_scenario):
    sc = make_scenario({"levers.apprenticeship_share": {"ramp": {"from_year": 2019, "from_value": 0.0,
                                                                  "to_year": 2021, "to_value": 0.2}}})
    high = apply_lever_ends(sc, "high", only={"apprenticeship_share"})
    path = high.levers.apprenticeship_share
    assert isinstance(path, DatedPath) and path.at(2019) == 0.0 and path.at(2020) == 0.30 and path.at(2030) == 0.30
    assert high.levers.per_student_funding == sc.levers.per_student_funding  # only the named lever changed


def test_bad_requests_are_refused(baseline):
    with pytest.raises(ValueError, match="low' or 'high"):
        apply_lever_ends(baseline.scenario, "middle")
    with pytest.raises(ValueError, match="no lever range"):
        apply_lever_ends(baseline.scenario, "high", only={"enrollment_adjustment.expand"})


def test_a_range_naming_a_missing_subregion_does_not_validate(baseline_dict):
    from simulate.scenario import Scenario

    d = {**baseline_dict}
    region = dict(d["region"])
    region["subregions"] = [{**s, "name": "elsewhere" if s["name"] == "nanchang" else s["name"]}
                            for s in region["subregions"]]
    d["region"] = region
    with pytest.raises(ValueError, match="subregions"):
        apply_lever_ends(Scenario.model_validate(d), "high")


def test_the_file_is_read_strictly(tmp_path):
    good = lever_ranges_file().read_text(encoding="utf-8")
    dup = tmp_path / "dup.yaml"
    dup.write_text(good.replace("    unit: share of entrants\n", "    unit: share of entrants\n    unit: x\n"),
                   encoding="utf-8")
    with pytest.raises(ScenarioError, match="duplicate key 'unit'"):
        read_lever_ranges(dup)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(good.replace("lever: part_time_target", "lever: part_time_targt"), encoding="utf-8")
    with pytest.raises(ScenarioError, match="part_time_targt"):
        read_lever_ranges(unknown)
    unsourced = tmp_path / "unsourced.yaml"
    unsourced.write_text(good.replace('source: "assumption: status quo, no certificate subsidy in Jiangxi"',
                                      'source: "status quo"'), encoding="utf-8")
    with pytest.raises(ScenarioError, match="source must cite"):
        read_lever_ranges(unsourced)
