"""The talentsim command, tested in-process: exit statuses, error lines, run folders."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulate import shipped
from simulate.cli.main import ExitStatus, main
from simulate.results.indicators import INDICATORS, reference_markdown

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [s.path for s in shipped.list_scenarios()]
BASELINE = shipped.scenario_path("jiangxi_baseline")


def write_variant(tmp_path: Path, body: str, name: str = "variant.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {BASELINE}\n{body}", encoding="utf-8")
    return path


MALFORMED = {
    "typo_key": ("levers:\n  apprenticeship_shar: 0.1\n", 2, "did you mean 'apprenticeship_share'"),
    "wrong_type": ("horizon: soon\n", 1, "horizon"),
    "share_above_one": ("levers:\n  apprenticeship_share: 1.3\n", 2, "levers.apprenticeship_share"),
    "negative_yuan": ("levers:\n  per_student_funding:\n    secondary: -5\n", 3,
                      "levers.per_student_funding.secondary"),
    "duplicate_key": ("seed: 1\nseed: 2\n", 2, "duplicate"),
    "yaml_syntax": ("levers: [unclosed\n", None, "variant.yaml:"),
    "bad_step_year": ("levers:\n  apprenticeship_share: {20x5: 0.2}\n", 2, "apprenticeship_share"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_scenario_exits_2_with_file_and_line(case, tmp_path, capsys):
    body, line, needle = MALFORMED[case]
    path = write_variant(tmp_path, body)
    out = tmp_path / "out"
    for argv in (["validate", str(path)], ["run", str(path), "--out", str(out)]):
        assert main(argv) == ExitStatus.BAD_INPUT
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert str(path) in err
        assert needle in err
        if line is not None:
            assert f"{path}:{line + 1}:" in err  # +1: the extends line comes first
    assert not out.exists()


def test_bad_input_leaves_an_earlier_run_folder_intact(tmp_path, small_scenario_file):
    out = tmp_path / "run"
    assert main(["run", str(small_scenario_file), "--out", str(out)]) == ExitStatus.OK
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = write_variant(tmp_path, "levers:\n  apprenticeship_share: 2\n", "bad.yaml")
    assert main(["run", str(bad), "--out", str(out)]) == ExitStatus.BAD_INPUT
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_scenario_file_is_bad_input(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.yaml")]) == ExitStatus.BAD_INPUT
    assert "not found" in capsys.readouterr().err


def test_run_writes_a_self_describing_folder(tmp_path, small_scenario_file, capsys):
    out = tmp_path / "run"
    assert main(["run", str(small_scenario_file), "--out", str(out), "--seed", "7", "--reps", "3"]) == ExitStatus.OK
    printed = capsys.readouterr().out
    assert "in_school" in printed and "goal verdicts" in printed
    assert "P(met) covers both parameter uncertainty" in printed
    assert sorted(p.name for p in out.iterdir()) == ["bands.parquet", "goal_verdicts.parquet", "goals.csv",
                                                     "parameters.parquet", "results.parquet", "scenario.resolved.yaml",
                                                     "summary.json"]
    goals = pd.read_csv(out / "goals.csv")
    assert list(goals.columns[:3]) == ["goal_id", "name_en", "name_zh"]
    for col in ("kind", "scope", "judged_region", "deadline", "target", "value_at_deadline", "margin", "p05", "p95",
                "probability_met", "probability_ci_low", "probability_ci_high", "median_year_first_met", "proxy",
                "fixed_because", "source", "decided_by"):
        assert col in goals.columns
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 7 and summary["replications"] == 3
    assert summary["uncertainty"]["mode"] == "parameters" and summary["uncertainty"]["parameters"] > 100
    assert summary["talentsim_version"] and summary["runtime_s"] > 0
    frame = pd.read_parquet(out / "results.parquet")
    assert list(frame.columns) == ["scenario", "replication", "year", "region", "level", "dimension",
                                   "indicator", "value"]
    assert set(frame["indicator"].astype(str)) <= set(INDICATORS)
    # the resolved scenario is itself a valid scenario that reproduces the run, parameter draws included
    assert main(["run", str(out / "scenario.resolved.yaml"), "--out", str(tmp_path / "again"), "--seed", "7",
                 "--reps", "3"]) == 0
    again = pd.read_parquet(tmp_path / "again" / "results.parquet")
    pd.testing.assert_frame_equal(frame, again)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "parameters.parquet"),
                                  pd.read_parquet(tmp_path / "again" / "parameters.parquet"))


def test_stochastic_mode_keeps_parameters_central(tmp_path, small_scenario_file, capsys):
    out = tmp_path / "run"
    argv = ["run", str(small_scenario_file), "--out", str(out), "--reps", "2", "--uncertainty", "stochastic"]
    assert main(argv) == ExitStatus.OK
    assert "P(met) covers stochastic uncertainty only" in capsys.readouterr().out
    assert list(pd.read_parquet(out / "parameters.parquet").columns) == ["replication"]
    assert main(argv[:-1] + ["sometimes"]) == ExitStatus.BAD_INPUT


def test_resolved_scenario_carries_sources(tmp_path, small_scenario_file):
    out = tmp_path / "run"
    main(["run", str(small_scenario_file), "--out", str(out)])
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    funding = resolved["levers"]["per_student_funding"]["secondary"]
    assert funding["source"].startswith("obs: nanchang/secondary_vocational/per_student_appropriation_floor")
    dropout = resolved["behaviour"]["cohorts"]["dropout_rate"]["secondary_vocational"]
    assert dropout["source"].startswith("fitted: talentsim calibrate")  # the fitted layer overrides the prior
    retention = resolved["behaviour"]["labour"]["order_retention"]
    assert retention["source"] == "assumption"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_validates(path, capsys):
    assert main(["validate", str(path)]) == ExitStatus.OK
    assert "ok:" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_runs(path, tmp_path):
    assert main(["run", str(path), "--out", str(tmp_path / path.stem), "--reps", "2"]) == ExitStatus.OK
    frame = pd.read_parquet(tmp_path / path.stem / "results.parquet")
    assert frame["year"].max() == 2035


def test_schema_is_json_schema_with_levers(capsys):
    assert main(["schema"]) == ExitStatus.OK
    schema = json.loads(capsys.readouterr().out)
    assert "levers" in schema["properties"] and "extends" in schema["properties"]
    assert "Levers" in schema["$defs"]


def test_run_defaults_to_40_replications_and_says_so(capsys):
    from simulate.cli.run import DEFAULT_REPS

    assert DEFAULT_REPS == 40
    assert main(["run", "--help"]) == ExitStatus.OK
    text = " ".join(capsys.readouterr().out.split())
    assert "40 replications" in text and "available" in text and "cores" in text
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "by default 40 replications, spread over the available CPU cores" in readme


def test_shipped_scenarios_run_by_name(tmp_path, capsys):
    assert main(["validate", "jiangxi_baseline", "funding_10k_12k"]) == ExitStatus.OK
    assert capsys.readouterr().out.count("ok:") == 2
    assert main(["validate", "jiangxi_basline"]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert "did you mean 'jiangxi_baseline'" in err and err.count("\n") == 1
    assert main(["scenarios"]) == ExitStatus.OK
    listing = capsys.readouterr().out
    for s in shipped.list_scenarios():
        assert s.name in listing and s.title_en in listing


def test_indicator_reference_page_is_current():
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == reference_markdown()


def test_unknown_command_is_bad_input(capsys):
    assert main(["frobnicate"]) == ExitStatus.BAD_INPUT


def test_exit_codes_returned_by_commands_are_kept(monkeypatch):
    import simulate.cli.main as cli

    for returned, expected in ((None, 0), (0, 0), (2, 2), (1, 1), (130, 130), (7, 1)):
        monkeypatch.setattr(cli, "app", lambda *a, _rv=returned, **k: _rv)
        assert cli.main(["run"]) == expected
