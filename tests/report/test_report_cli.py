"""``talentsim compare`` and ``talentsim report`` end to end on small scenarios (no images here)."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from simulate.cli.main import main

TABLES = ("lever_differences", "goal_matrix", "commitment_matrix", "trajectories", "differences", "budget",
          "cost_effectiveness", "assumptions")


def _csv(folder, name):
    return pd.read_csv(folder / "tables" / f"{name}.csv", encoding="utf-8-sig")


def test_compare_on_run_folders_does_not_call_the_engine(run_folders, tmp_path, monkeypatch):
    import simulate
    import simulate.api
    import simulate.engine

    def no_engine(*a, **k):
        raise AssertionError("the engine was called")

    for module, name in ((simulate, "run"), (simulate.api, "run"), (simulate.api, "simulate_replication"),
                         (simulate.engine, "simulate_replication")):
        monkeypatch.setattr(module, name, no_engine)
    assert main(["compare", str(run_folders["base"]), str(run_folders["funding"]), "--out", str(tmp_path),
                 "--no-images"]) == 0
    assert (tmp_path / "report.html").is_file() and (tmp_path / "tables.xlsx").is_file()
    assert {p.stem for p in (tmp_path / "tables").glob("*.csv")} == set(TABLES)
    assert not (tmp_path / "runs").exists()


def test_compare_yaml_simulates_on_common_seeds_and_keeps_run_folders(small_files, tmp_path, capsys):
    assert main(["compare", str(small_files["base"]), str(small_files["funding"]), "--reps", "2", "--workers", "1",
                 "--seed", "5", "--out", str(tmp_path), "--no-images", "--lang", "en"]) == 0
    summaries = [json.loads((tmp_path / "runs" / n / "summary.json").read_text()) for n in ("small", "small_funding")]
    assert [s["seed"] for s in summaries] == [5, 5] and [s["replications"] for s in summaries] == [2, 2]
    assert "paired on 2 common replications" in capsys.readouterr().out


def test_self_comparison_on_common_random_numbers_differs_by_exactly_zero(run_folders, small_files, tmp_path):
    # the folder was simulated with seed 11; the YAML is re-simulated with the baseline folder's seed
    assert main(["compare", str(run_folders["base"]), str(small_files["base"]), "--out", str(tmp_path),
                 "--no-images", "--lang", "en", "--no-save-runs"]) == 0
    diff = _csv(tmp_path, "differences")
    numbers = diff.select_dtypes("number").drop(columns=["Year"])
    assert len(diff) > 0 and (numbers.to_numpy() == 0).all()


def test_unpaired_runs_are_said_so_and_get_no_bands(run_folders, tmp_path):
    assert main(["compare", str(run_folders["base"]), str(run_folders["other_seed"]), "--out", str(tmp_path),
                 "--no-images", "--lang", "en"]) == 0
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "not paired" in page
    diff = _csv(tmp_path, "differences")
    assert diff["p5"].isna().all() and diff["p95"].isna().all() and diff["Median"].notna().all()


def test_paired_differences_equal_replication_by_replication_differences(run_folders, compare_dirs):
    a = pd.read_parquet(run_folders["base"] / "results.parquet")
    b = pd.read_parquet(run_folders["funding"] / "results.parquet")

    def cell(f):
        s = f[(f.indicator == "outflow") & (f.level == "all") & (f.region == "jiangxi") & (f.dimension == "total")
              & (f.year == 2028)]
        return s.sort_values("replication")["value"].to_numpy()

    d = cell(b) - cell(a)
    diff = _csv(compare_dirs["en"], "differences")
    row = diff[(diff["Indicator"] == "Graduates leaving the region") & (diff["Year"] == 2028)].iloc[0]
    assert row["Median"] == pytest.approx(np.median(d), rel=1e-5)
    assert row["p5"] == pytest.approx(np.quantile(d, 0.05), rel=1e-5)


def test_lever_differences_of_the_two_scenarios(compare_dirs):
    df = _csv(compare_dirs["en"], "lever_differences")
    assert list(df["Parameter"]) == ["levers.per_student_funding.secondary"]
    row = df.iloc[0]
    assert (row["Small baseline"], row["Small: higher per-student funding"]) == (5000, 10000)
    assert row["Small: higher per-student funding source"] == "test: raised funding"
    assert row["Small baseline source"].startswith("obs: ")


def test_goal_matrix_matches_each_runs_goals_csv(run_folders, compare_dirs):
    matrix = _csv(compare_dirs["en"], "goal_matrix")
    for key, title in (("base", "Small baseline"), ("funding", "Small: higher per-student funding")):
        goals = pd.read_csv(run_folders[key] / "goals.csv")
        goals = goals[(goals.status == "modelled") & (goals.kind == "outcome")]
        assert np.allclose(matrix[f"P(met) | {title}"].to_numpy(), goals["probability_met"].to_numpy())
        years = matrix[f"Median year met | {title}"].to_numpy(dtype=float)
        expected = goals["median_year_first_met"].round().to_numpy(dtype=float)
        assert np.array_equal(np.isnan(years), np.isnan(expected))
        assert np.allclose(years[~np.isnan(years)], expected[~np.isnan(expected)])
    assert matrix["Proxy"].sum() == goals["proxy"].sum() > 0


def test_budget_windows_equal_the_results(run_folders, compare_dirs):
    f = pd.read_parquet(run_folders["funding"] / "results.parquet")
    f = f[(f.indicator == "public_cost") & (f.level == "all") & (f.region == "jiangxi") & (f.dimension == "total")
          & f.year.between(2026, 2030)]
    expected = f.groupby("replication")["value"].sum().median() / 1e6  # million yuan in English
    budget = _csv(compare_dirs["en"], "budget")
    row = budget[(budget["Scenario"] == "Small: higher per-student funding") & (budget["Item"] == "Public cost")]
    assert row["5-year total (2026–2030)"].iloc[0] == pytest.approx(expected, rel=1e-5)
    zh = _csv(compare_dirs["zh"], "budget")
    assert zh.filter(like="5年合计").iloc[:, 0].max() == pytest.approx(budget.filter(like="5-year").iloc[:, 0].max()
                                                                       / 100, rel=1e-5)  # 亿元 = 100 million


def test_workbook_numbers_equal_the_csvs(compare_dirs):
    for folder in compare_dirs.values():
        wb = openpyxl.load_workbook(folder / "tables.xlsx")
        assert len(wb.sheetnames) == len(TABLES)
        for name in TABLES:
            sheet = wb[name[:31]]
            rows = list(sheet.iter_rows(values_only=True))
            csv = _csv(folder, name)
            assert list(rows[0]) == list(csv.columns)
            assert len(rows) - 1 == len(csv)
            for got, want in zip(rows[1:], csv.itertuples(index=False), strict=True):
                for g, w in zip(got, want, strict=True):
                    if isinstance(w, float) and math.isnan(w):
                        assert g is None or g == ""
                    elif isinstance(w, (int, float, np.number)) and not isinstance(w, bool):
                        assert float(g) == float(w), (name, g, w)
                    else:
                        assert str(g) == str(w), (name, g, w)


def test_languages_translate_headers_and_goal_names(compare_dirs, cjk):
    for name in TABLES:
        zh, en = _csv(compare_dirs["zh"], name), _csv(compare_dirs["en"], name)
        assert list(zh.columns) != list(en.columns), name
        assert all(cjk.search(c) or re.fullmatch(r"P\d+", c) for c in zh.columns), name
        assert not any(cjk.search(c) for c in en.columns), name
    en_goals, zh_goals = _csv(compare_dirs["en"], "goal_matrix"), _csv(compare_dirs["zh"], "goal_matrix")
    assert not en_goals["Goal"].str.contains(cjk).any()
    assert zh_goals["目标"].str.contains(cjk).all()


def test_figures_carry_only_the_chosen_language(run_folders, cjk):
    from simulate.report import runs as R
    from simulate.report.briefing import compare_bundle

    runs = [R.from_folder(run_folders["base"]), R.from_folder(run_folders["funding"])]
    for lang in ("zh", "en"):
        bundle = compare_bundle(runs, runs[0], lang=lang)
        assert len(bundle.figures) >= 17
        for name, fig in bundle.figures.items():
            d = fig.to_plotly_json()
            texts = [fig.layout.title.text or "", fig.layout.title.subtitle.text or "",
                     fig.layout.xaxis.title.text or "", fig.layout.yaxis.title.text or ""]
            texts += [t.get("name") or "" for t in d["data"]]
            texts += [str(v) for t in d["data"] if t["type"] in ("heatmap", "bar") for v in (t.get("y") or [])
                      if t["type"] == "heatmap"]
            texts += [str(v) for t in d["data"] if t["type"] == "bar" and name == "industry_balance" for v in t["x"]]
            joined = " ".join(texts)
            assert texts[0], name
            if lang == "en":
                assert not cjk.search(joined), (name, joined[:200])
            else:
                assert cjk.search(texts[0]), name


def test_report_briefs_one_run_folder_with_its_assumptions(run_folders, tmp_path, capsys):
    assert main(["report", str(run_folders["base"]), "--out", str(tmp_path), "--no-images", "--lang", "en"]) == 0
    summary = json.loads((run_folders["base"] / "summary.json").read_text())
    assumptions = _csv(tmp_path, "assumptions")
    assert set(assumptions["Parameter"]) == set(summary["assumptions"]) and len(assumptions) > 0
    verdicts, commitments = _csv(tmp_path, "verdicts"), _csv(tmp_path, "commitments")
    goals = pd.read_csv(run_folders["base"] / "goals.csv")
    modelled = goals[goals.status == "modelled"]
    assert len(verdicts) == (modelled.kind == "outcome").sum()
    assert len(commitments) == (modelled.kind == "commitment").sum()
    assert set(commitments["Goal id"]) == set(modelled.goal_id[modelled.kind == "commitment"])
    assert {"Judged on", "Margin (value − target)", "Fixed whatever the levers, because"} <= set(verdicts.columns)
    assert {p.stem for p in (tmp_path / "tables").glob("*.csv")} == {"verdicts", "commitments", "trajectories",
                                                                     "budget", "assumptions"}
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Labelled assumptions" in page and "modelled targets" in page and "Commitments kept" in page
    assert "modelled targets" in capsys.readouterr().out


def test_report_defaults_to_a_folder_inside_the_run(run_folders, tmp_path):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(run_folders["base"], run)
    assert main(["report", str(run), "--no-images"]) == 0
    assert (run / "report_zh" / "report.html").is_file()


@pytest.mark.parametrize("args", [
    ["compare", "missing.yaml", "also_missing.yaml"],
    ["compare", "{base}", "{empty}"],
    ["compare", "{base}", "{funding}", "--lang", "fr"],
    ["compare", "{base}", "{funding}", "--baseline", "nope"],
    ["compare", "{base}"],
    ["report", "{empty}"],
    ["report", "missing_dir"],
    ["report", "{base}", "--lang", "de"],
])
def test_bad_input_exits_2_with_one_line(args, run_folders, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = [a.format(base=run_folders["base"], funding=run_folders["funding"], empty=empty) for a in args]
    assert main([*argv, "--out", str(tmp_path / "out"), "--no-images"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
    assert not (tmp_path / "out").exists()


def test_compare_folder_is_refused_when_it_exists_and_replaced_whole_with_force(run_folders, tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", str(run_folders["base"]), str(run_folders["funding"]), "--out", str(out), "--no-images"]
    assert main(argv) == 0
    (out / "stale.csv").write_text("old")
    assert main(argv) == 2
    assert str(out) in capsys.readouterr().err and (out / "stale.csv").exists()
    assert main([*argv, "--force"]) == 0
    assert not (out / "stale.csv").exists() and (out / "report.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp"]  # no staging folder or lock left beside it


def test_shipped_scenarios_are_compared_by_name_refused_when_unlike(tmp_path, capsys):
    assert main(["compare", "jiangxi_baseline", "national_baseline", "--out", str(tmp_path / "x"),
                 "--no-images"]) == 2
    err = capsys.readouterr().err
    assert "jiangxi_baseline (jiangxi from 2019)" in err and "national_baseline (national from 2023)" in err
