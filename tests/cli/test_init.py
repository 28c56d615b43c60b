"""``talentsim init``: a starter scenario that extends a shipped one, shows every lever, and changes nothing."""

from __future__ import annotations

import pytest

from simulate import shipped
from simulate.cli.main import ExitStatus, main
from simulate.scenario import load_scenario
from simulate.scenario.schema import Levers

TITLES = {"name", "title_zh", "title_en"}


def without_titles(loaded) -> dict:
    return {k: v for k, v in loaded.scenario.model_dump(mode="python").items() if k not in TITLES}


@pytest.mark.parametrize("base", ["jiangxi_baseline", "nanchang_8623", "national_baseline"])
def test_the_starter_extends_its_base_shows_every_lever_and_reproduces_it(base, tmp_path, capsys):
    plan = tmp_path / "My Plan.yaml"
    assert main(["init", str(plan), "--from", base]) == ExitStatus.OK
    assert "written:" in capsys.readouterr().out
    text = plan.read_text(encoding="utf-8")
    assert f"\nextends: {base}\n" in text and "\nname: my_plan\n" in text
    for lever in Levers.model_fields:
        assert f"\n  {lever}:" in text, lever
    start = shipped.scenario_path(base)
    mine, theirs = load_scenario(plan), load_scenario(start)
    assert without_titles(mine) == without_titles(theirs)
    for key, prov in theirs.sources.items():  # the levers' sources travel into the starter
        if key.startswith("levers.") and not prov.source.startswith("scenario file"):
            assert mine.sources[key].source == prov.source, key
            assert mine.sources[key].file == str(plan)


def test_the_starter_works_from_a_file_of_ones_own_anywhere(tmp_path):
    (tmp_path / "a").mkdir()
    own = tmp_path / "a" / "own.yaml"
    own.write_text("extends: jiangxi_baseline\nname: own\nlevers:\n  apprenticeship_share: {value: 0.2, source: x}\n",
                   encoding="utf-8")
    plan = tmp_path / "b" / "next.yaml"
    assert main(["init", str(plan), "--from", str(own)]) == ExitStatus.OK
    assert "extends: ../a/own.yaml" in plan.read_text(encoding="utf-8")
    assert load_scenario(plan).scenario.levers.apprenticeship_share.at(2030) == 0.2


@pytest.mark.parametrize("argv, needle", [
    (["init", "{dir}/plan.txt"], "ends in .yaml"),
    (["init", "{dir}/exists.yaml"], "--force"),
    (["init", "{dir}/p.yaml", "--from", "jiangxi_basline"], "did you mean 'jiangxi_baseline'"),
])
def test_init_refuses_with_a_sentence(argv, needle, tmp_path, capsys):
    (tmp_path / "exists.yaml").write_text("keep", encoding="utf-8")
    assert main([a.format(dir=tmp_path) for a in argv]) == ExitStatus.BAD_INPUT
    assert needle in capsys.readouterr().err
    assert (tmp_path / "exists.yaml").read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.yaml"]


def test_a_copy_of_a_shipped_scenario_works_outside_the_repository(tmp_path, capsys):
    for s in shipped.list_scenarios():
        copy = tmp_path / "plans" / s.path.name
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(s.path.read_bytes())
    assert main(["validate", *map(str, sorted((tmp_path / "plans").glob("*.yaml")))]) == ExitStatus.OK
    assert capsys.readouterr().out.count("ok:") == len(shipped.list_scenarios())
