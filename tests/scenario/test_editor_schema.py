"""``talentsim schema`` describes the files planners write, checked with a standard JSON Schema validator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import Field

from simulate import shipped
from simulate.cli.main import ExitStatus, main
from simulate.scenario.editor_schema import editor_schema, scenario_schema, sweep_schema, year_keys
from simulate.scenario.schema import Levers, Strict

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")
LAYERS = sorted(shipped.calibration_dir().rglob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_editor_sees(path: Path):
    """The file as an editor hands it to the schema: YAML, every key as text."""
    return year_keys(yaml.safe_load(path.read_text(encoding="utf-8")))


def messages(errors) -> list[str]:
    out = []
    for e in errors:
        out.append(f"{'/'.join(map(str, e.absolute_path))}: {e.validator}: {e.message}")
        out += messages(e.context)
    return out


@pytest.mark.parametrize("path", [s.path for s in shipped.list_scenarios()] + LAYERS
                         + [ROOT / "tests" / "data" / "small_jiangxi.yaml"], ids=lambda p: p.stem)
def test_every_shipped_scenario_and_layer_validates(path, validator):
    errors = list(validator.iter_errors(as_editor_sees(path)))
    assert not errors, messages(errors)[:5]


@pytest.mark.parametrize("path", [s.path for s in shipped.list_sweep_specs()], ids=lambda p: p.stem)
def test_every_shipped_sweep_spec_validates(path):
    schema = sweep_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(as_editor_sees(path)))
    assert not errors, messages(errors)[:5]


def test_init_output_and_its_schema_validate(tmp_path, validator, capsys):
    plan = tmp_path / "plan.yaml"
    assert main(["init", str(plan), "--from", "nanchang_8623"]) == ExitStatus.OK
    assert plan.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=talentsim.schema.json\n")
    written = json.loads((tmp_path / "talentsim.schema.json").read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["schema"]) == ExitStatus.OK
    assert written == json.loads(capsys.readouterr().out)
    errors = list(validator.iter_errors(as_editor_sees(plan)))
    assert not errors, messages(errors)[:5]


@pytest.mark.parametrize("doc, flagged", [
    ({"levers": {"apprenticeship_shar": 0.1}}, "apprenticeship_shar"),
    ({"levers": {"per_student_funding": {"secondary": {"value": 5000, "sourse": "x"}}}}, "sourse"),
    ({"levrs": {}}, "levrs"),
    ({"region": {"industries": [{"id": "x"}]}}, "name_zh"),  # a list item is replaced whole: all keys needed
])
def test_typos_and_incomplete_list_items_are_flagged(doc, flagged, validator):
    found = messages(validator.iter_errors(doc))
    assert found and any(flagged in m for m in found), found


@pytest.mark.parametrize("value, ok", [
    (0.2, True), ({"2019": 0.05, "2023": 0.15}, True),
    ({"ramp": {"from_year": 2020, "from_value": 0.05, "to_year": 2025, "to_value": 0.2}}, True),
    ({"value": {"2019": 0.05, "2023": 0.15}, "source": "assumption", "note": "n"}, True),
    ({"2019": {"value": 0.05, "source": "obs"}}, True),
    ({"value": 0.1, "source": "s", "range": [0.0, 0.3], "dist": "triangular", "mode": 0.1, "se": 0.02}, True),
    (1.5, False), ({"19": 0.1}, False), ({"ramp": {"from_year": 2020}}, False), ({"value": 0.1}, False),
    ({"value": 0.1, "source": "s", "dist": "lognormal"}, False), ("high", False),
])
def test_every_dated_path_form_plain_or_sourced(value, ok, validator):
    errors = list(validator.iter_errors({"extends": "jiangxi_baseline", "levers": {"apprenticeship_share": value}}))
    assert (not errors) == ok, messages(errors)[:3]


def test_extends_is_a_name_a_path_or_a_list(validator):
    for extends in ("jiangxi_baseline", "../base.yaml", ["calibration/parameters/behaviour", "x.yaml"]):
        assert not list(validator.iter_errors({"extends": extends}))
    for extends in (3, [], [""]):
        assert list(validator.iter_errors({"extends": extends}))


def test_every_lever_has_chinese_and_english_hover_text():
    defs = scenario_schema()["$defs"]
    seen = 0

    def walk(name):
        nonlocal seen
        for key, prop in defs[name]["properties"].items():
            seen += 1
            assert " · " in prop["title"] and CJK.search(prop["title"]) and key in prop["title"], (name, key)
            assert CJK.search(prop["description"]) and re.search("[a-z]{3}", prop["description"]), (name, key)
            for ref in re.findall(r'"#/\$defs/([A-Za-z]+)"', json.dumps(prop)):
                if ref in defs and ref != name and "properties" in defs[ref]:
                    walk(ref)

    walk("Levers")
    assert seen >= len(Levers.model_fields)


def test_the_schema_follows_the_models():
    class Extra(Strict):
        """A model with a field nobody described by hand."""

        new_lever: float = Field(ge=0, description="a lever added later")

    schema = editor_schema(Extra, title="t")
    prop = schema["properties"]["new_lever"]
    assert "a lever added later" in prop["description"] and "required" not in schema
    v = jsonschema.Draft202012Validator(schema)
    assert not list(v.iter_errors({"new_lever": {"value": 2, "source": "s"}}))
    assert list(v.iter_errors({"new_lever": -1})) and list(v.iter_errors({"new_levr": 1}))
