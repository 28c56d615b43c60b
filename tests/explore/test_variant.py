"""Values from the page become a variant of the base, checked whole by the schema with the CLI's messages."""

from __future__ import annotations

import pytest
import yaml

from simulate.cli.main import main
from simulate.explore.variant import WHERE, build_variant, dated_value
from simulate.scenario import ScenarioError


def _initial(explorer):
    values = {c.path: c.initial for c in explorer.controls}
    years = {c.path: c.initial_year for c in explorer.controls if c.kind == "dated"}
    return values, years


def test_controls_at_their_start_give_the_base_scenario(explorer):
    v = build_variant(explorer.loaded, explorer.controls, *_initial(explorer))
    assert v.changes == ()
    base = explorer.loaded.scenario.model_dump(mode="json")
    assert v.scenario.model_dump(mode="json") == {**base, "name": v.scenario.name}


def test_a_value_from_a_year_holds_from_that_year_and_the_base_before_it(explorer):
    values, years = _initial(explorer)
    values["per_student_funding.secondary"], years["per_student_funding.secondary"] = 10000, 2021
    v = build_variant(explorer.loaded, explorer.controls, values, years)
    (change,) = v.changes
    assert change.path == "per_student_funding.secondary" and change.value == {2019: 5000, 2021: 10000}
    path = v.scenario.levers.per_student_funding.secondary
    assert [path.at(y) for y in (2019, 2020, 2021, 2025)] == [5000, 5000, 10000, 10000]
    assert v.loaded.sources["levers.per_student_funding.secondary"].source == f"explore: {v.stamp}"


def test_a_start_at_the_base_year_gives_a_constant(explorer):
    base = explorer.loaded.scenario.levers.apprenticeship_share
    assert dated_value(base, 0.2, 2019, 2019) == 0.2
    assert dated_value(base, 0.2, 2018, 2019) == 0.2


def test_the_base_scenario_is_untouched(explorer):
    before = explorer.loaded.scenario.model_dump(mode="json")
    sources = dict(explorer.loaded.sources)
    build_variant(explorer.loaded, explorer.controls, {"apprenticeship_share": 0.3, "order_class_minimum.A": 5})
    assert explorer.loaded.scenario.model_dump(mode="json") == before
    assert explorer.loaded.sources == sources


def test_paths_the_page_has_no_control_for_are_ignored(explorer):
    v = build_variant(explorer.loaded, explorer.controls, {"region.name": "x", "levers.hack": 1, "seed": 3})
    assert v.changes == ()


@pytest.mark.parametrize(("path", "value", "overlay"), [
    ("per_student_funding.secondary", -5, {2019: 5000, 2020: -5}),
    ("apprenticeship_share", 1.5, {2019: 0.05, 2020: 1.5}),
    ("surcharge_credit.eligibility", "everyone", "everyone"),
    ("order_class_minimum.A", 2.5, 2.5),
    ("per_student_funding.higher", "abc", {2019: 12000, 2020: "abc"}),
    ("enrollment_adjustment.expand", "computing", "computing"),
])
def test_browser_values_get_the_schema_check_and_the_cli_message(explorer, short_file, tmp_path, capsys, path,
                                                                 value, overlay):
    with pytest.raises(ScenarioError) as err:
        build_variant(explorer.loaded, explorer.controls, {path: value})
    page = [p.format() for p in err.value.problems]
    assert all(p.startswith(f"{WHERE}: levers.{path}: ") for p in page), page

    data: dict = {"extends": str(short_file), "levers": {}}
    node = data["levers"]
    *head, last = path.split(".")
    for key in head:
        node = node.setdefault(key, {})
    node[last] = overlay
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(f)]) == 2
    cli = [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()]
    assert [p.split(": ", 1)[1] for p in page] == [c.split(": ", 1)[1] for c in cli]
