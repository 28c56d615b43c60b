"""The lever panel is generated from the schema: one control per lever field, with unit, range and source."""

from __future__ import annotations

from pathlib import Path

from simulate.explore.controls import KINDS, lever_controls
from simulate.explore.labels import FIELDS, field_name, group_name
from simulate.scenario.lever_ranges import lever_paths
from simulate.scenario.types import DatedPath


def test_every_lever_field_of_the_schema_has_exactly_one_control_in_schema_order(explorer):
    assert [c.path for c in explorer.controls] == list(lever_paths())
    assert {c.kind for c in explorer.controls} <= set(KINDS)


def test_every_lever_has_a_chinese_and_an_english_name():
    assert set(FIELDS) == set(lever_paths())
    for path in lever_paths():
        assert field_name(path, "zh") != field_name(path, "en")
    for group in {p.split(".")[0] for p in lever_paths()}:
        assert group_name(group, "zh") != group, f"{group}: not in the lever registry"


def test_controls_follow_the_field_types(explorer):
    by = {c.path: c for c in explorer.controls}
    sc = explorer.loaded.scenario
    assert by["per_student_funding.secondary"].kind == "dated"
    assert by["apprenticeship_share"].kind == "dated"
    assert by["order_class_minimum.A"].kind == "int" and by["order_class_minimum.A"].step == 1
    assert by["enrollment_adjustment.from_year"].kind == "year"
    assert by["surcharge_credit.eligibility"].kind == "choice"
    assert by["surcharge_credit.eligibility"].options == ("certified", "cooperating")
    assert by["enrollment_adjustment.expand"].options == tuple(m.id for m in sc.region.majors)
    sub = by["order_class_minimum.subregions"]
    assert sub.kind == "ids" and sub.nullable and sub.options == tuple(s.name for s in sc.region.subregions)
    dated = by["per_student_funding.secondary"]
    assert dated.options[0] == sc.base_year and dated.options[-1] == sc.horizon
    assert dated.initial_year == sc.base_year + 1


def test_sliders_span_the_documented_range_and_the_base_value(explorer):
    for c in explorer.controls:
        if c.kind not in ("dated", "int", "float"):
            continue
        assert c.low <= c.initial <= c.high, c.path
        assert c.low < c.high, c.path
        if c.range is not None and c.range.low.value != c.range.high.value:
            assert c.low <= float(c.range.low.value) and float(c.range.high.value) <= c.high, c.path
    funding = next(c for c in explorer.controls if c.path == "per_student_funding.secondary")
    assert (funding.low, funding.high) == (5000, 15000)
    assert funding.unit == "yuan per student per year"


def test_a_lever_the_documents_fix_uses_the_schema_bounds(explorer):
    rate = next(c for c in explorer.controls if c.path == "surcharge_credit.rate")
    assert rate.range.low.value == rate.range.high.value == 0.3
    assert (rate.low, rate.high) == (0.0, 1.0)


def test_each_control_shows_the_source_of_its_base_value(explorer):
    by = {c.path: c for c in explorer.controls}
    assert by["per_student_funding.secondary"].source.startswith("obs: nanchang/secondary_vocational/")
    assert by["surcharge_credit.rate"].source == "004_1a4bd3b1525ab7dc.txt §五(一)"
    assert by["order_class_minimum.A"].source == "assumption"  # set by the whole order_class_minimum mapping
    assert by["enrollment_adjustment.expand"].not_ranged


def test_a_ramp_base_starts_its_control_at_the_ramp_end():
    from simulate.scenario import load_scenario

    loaded = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "funding_10k_12k.yaml")
    funding = next(c for c in lever_controls(loaded) if c.path == "per_student_funding.secondary")
    assert isinstance(loaded.scenario.levers.per_student_funding.secondary, DatedPath)
    assert (funding.initial, funding.initial_year) == (10000, 2023)
