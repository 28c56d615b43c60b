"""Save as scenario writes a valid file inside --save-dir only; the briefing zip is `talentsim report`'s bundle."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml

from simulate.cli.main import main
from simulate.explore.save import briefing_zip, save_scenario, scenario_name
from simulate.explore.variant import build_variant


@pytest.fixture
def funding(explorer):
    return build_variant(explorer.loaded, explorer.controls,
                         {"per_student_funding.secondary": 10000, "surcharge_credit.eligibility": "cooperating"},
                         {"per_student_funding.secondary": 2021})


def test_a_saved_scenario_extends_the_base_sets_the_changes_with_sources_and_validates(explorer, short_file,
                                                                                       funding, tmp_path, capsys):
    folder = tmp_path / "saved"
    path, loaded = save_scenario(explorer.loaded, short_file, funding, "Funding 10k!", folder)
    assert path == folder / "funding_10k.yaml"
    assert main(["validate", str(path)]) == 0
    assert "ok:" in capsys.readouterr().out
    assert loaded.scenario.levers == funding.scenario.levers
    assert loaded.scenario.name == "funding_10k"
    for key in ("levers.per_student_funding.secondary", "levers.surcharge_credit.eligibility"):
        assert loaded.sources[key].source == f"explore: {funding.stamp}"
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (path.parent / saved["extends"]).resolve() == short_file.resolve()
    assert set(saved) == {"extends", "name", "title_zh", "title_en", "description", "levers"}


@pytest.mark.parametrize(("typed", "name"), [
    ("../../etc/passwd", "etc_passwd"), ("/tmp/x", "tmp_x"), ("..", None), ("", None), ("名字", None),
    ("A" * 80, "a" * 40), ("2030 plan", "plan"),
])
def test_names_from_the_browser_never_leave_the_save_folder(explorer, short_file, funding, tmp_path, typed, name):
    assert scenario_name(typed, "fallback") == (name or "fallback")
    folder = tmp_path / "saved"
    path, _ = save_scenario(explorer.loaded, short_file, funding, typed, folder)
    assert path.parent == folder and list(tmp_path.rglob("*.yaml")) == [path]


def test_an_existing_file_is_never_replaced(explorer, short_file, funding, tmp_path):
    first, _ = save_scenario(explorer.loaded, short_file, funding, "plan", tmp_path)
    before = first.read_text(encoding="utf-8")
    second, loaded = save_scenario(explorer.loaded, short_file, funding, "plan", tmp_path)
    assert (first.name, second.name, loaded.scenario.name) == ("plan.yaml", "plan_2.yaml", "plan_2")
    assert first.read_text(encoding="utf-8") == before


def test_the_briefing_zip_is_the_run_folder_and_the_report_of_talentsim_report(funding_outcome, tmp_path):
    name, data = briefing_zip(funding_outcome, "en", images=False)
    assert name.endswith("_briefing_en.zip")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = set(zf.namelist())
        zf.extractall(tmp_path / "zip")
    root = funding_outcome.variant.name
    for f in ("scenario.resolved.yaml", "results.parquet", "goals.csv", "summary.json", "report_en/report.html",
              "report_en/tables.xlsx"):
        assert f"{root}/{f}" in files
    run_dir = tmp_path / "zip" / root
    assert main(["report", str(run_dir), "--lang", "en", "--no-images", "--out", str(tmp_path / "again")]) == 0
    again = {p.relative_to(tmp_path / "again").as_posix() for p in (tmp_path / "again").rglob("*") if p.is_file()}
    assert {f.split("/report_en/", 1)[1] for f in files if "/report_en/" in f} == again
