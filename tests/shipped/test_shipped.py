"""simulate.shipped: where the shipped scenarios and calibration files are, and what their names mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulate import shipped

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_folders_are_the_repository_folders_in_an_editable_install():
    assert shipped.scenarios_dir().resolve() == (ROOT / "scenarios").resolve()
    assert shipped.calibration_dir().resolve() == (ROOT / "calibration").resolve()
    assert shipped.data_file("observed_2015_2022.csv").is_file()
    with pytest.raises(FileNotFoundError):
        shipped.data_file("missing.csv")


@pytest.mark.parametrize("text, name, layer", [
    ("jiangxi_baseline", True, False), ("jiangxi_baseline.yaml", False, False), ("./x", False, False),
    ("calibration/parameters/behaviour", False, True), ("calibration/parameters/behaviour.yaml", False, False),
    ("calibration/../secret", False, False), ("", False, False), ("..", False, False),
])
def test_what_counts_as_a_name(text, name, layer):
    assert (shipped.is_name(text), shipped.is_layer_name(text)) == (name, layer)


def test_only_scenarios_are_listed_as_scenarios(tmp_path, monkeypatch):
    (tmp_path / "sweeps").mkdir()
    (tmp_path / "base.yaml").write_text("name: base\nbase_year: 2019\ntitle_en: Base\n", encoding="utf-8")
    (tmp_path / "overlay.yaml").write_text("extends: base\nname: overlay\ntitle_zh: 叠加\n", encoding="utf-8")
    (tmp_path / "lever_ranges.yaml").write_text("apprenticeship_share: [0, 0.3]\n", encoding="utf-8")
    (tmp_path / "Bad-Name.yaml").write_text("name: x\nbase_year: 2019\n", encoding="utf-8")
    monkeypatch.setattr(shipped, "scenarios_dir", lambda: tmp_path)
    listed = {s.name: s for s in shipped.list_scenarios()}
    assert sorted(listed) == ["base", "overlay"]
    assert listed["overlay"].extends == ("base",) and listed["overlay"].title_zh == "叠加"
    assert shipped.scenario_path("lever_ranges").name == "lever_ranges.yaml"  # a shipped file by name
    with pytest.raises(shipped.UnknownName, match="did you mean 'overlay'"):
        shipped.scenario_path("overlayy")


def test_layers_are_named_without_their_suffix():
    path = shipped.layer_path("calibration/fitted/behaviour")
    assert path == shipped.calibration_dir() / "fitted" / "behaviour.yaml"
    with pytest.raises(shipped.UnknownName, match="calibration/parameters/behaviour"):
        shipped.layer_path("calibration/parameters/behavior")
