"""Back-test: no look-ahead, predictions in the data's vocabulary, naive forecasts, the verdict."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulate.cli.main import ExitStatus, main
from simulate.fitting.backtest import PREDICTION_COLUMNS, backtest, naive
from simulate.fitting.data import LEVELS, load_observed

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "calibration" / "observed_2015_2022.csv"


@pytest.fixture(scope="module")
def obs():
    return load_observed(DATA)


@pytest.fixture(scope="module")
def bt2020(obs):
    return backtest(obs, 2020, 2022)


def _poisoned(tmp_path: Path, cut: int) -> Path:
    """Every later row ×1000, a later series the earlier rows never had, and a later row removed."""
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    later = df.year.astype(int) > cut
    df.loc[later, "value"] = (df.loc[later, "value"].astype(float) * 1000).map(repr)
    extra = df[later].iloc[:1].assign(level="secondary_vocational", indicator="poison_indicator", value="1e12")
    df = pd.concat([df.drop(df[later].index[-1]), extra], ignore_index=True)
    path = tmp_path / "poisoned.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("cut", [2018, 2020])
def test_rows_after_the_cut_off_change_nothing_but_the_scores(obs, tmp_path, cut):
    clean = backtest(obs, cut, 2022)
    dirty = backtest(load_observed(_poisoned(tmp_path, cut)), cut, 2022)
    pd.testing.assert_frame_equal(clean.predictions, dirty.predictions, check_exact=True)
    assert clean.fit.theta == dirty.fit.theta
    pd.testing.assert_series_equal(pd.Series(clean.fit.se), pd.Series(dirty.fit.se), check_exact=True)
    assert clean.fit.fitted == dirty.fit.fitted
    merged = clean.points.merge(dirty.points, on=["level", "indicator", "year"], suffixes=("", "_p"))
    assert len(merged) >= len(clean.points) - 1
    for k in ("model", "persistence", "trend"):
        np.testing.assert_array_equal(merged[k].to_numpy(), merged[f"{k}_p"].to_numpy())
    assert np.allclose(merged.actual_p, merged.actual * 1000)  # the poison reached the scores only


def test_predictions_cover_every_projected_national_series_in_the_data_vocabulary(bt2020):
    p = bt2020.predictions
    assert list(p.columns) == PREDICTION_COLUMNS
    assert set(p.region) == {"national"} and set(p.level) <= set(LEVELS)
    assert set(p.year) == {2021, 2022}
    assert not p.duplicated(["level", "indicator", "year"]).any()
    keys = set(zip(p.level, p.indicator, strict=True))
    for key in [("secondary_vocational", "in_school"), ("secondary_vocational", "enrollment"),
                ("secondary_vocational_incl_technical", "in_school"), ("technical_school", "graduates"),
                ("higher_vocational", "enrollment"), ("higher_vocational", "five_year_program_transfer_enrollment"),
                ("junior_secondary", "graduates"), ("general_senior_secondary", "enrollment")]:
        assert key in keys, key
    # not identified from the rows up to 2020: listed with the reason, not guessed
    why = bt2020.excluded.set_index(["level", "indicator"]).reason
    assert "not identified" in why[("vocational_undergraduate", "enrollment")]
    assert "not identified" in why[("secondary_vocational", "dual_qualified_share_of_specialty_teachers")]
    assert "component" in why[("vocational_high_school", "enrollment")]


def test_coverage_of_the_2021_higher_vocational_figure_is_respected(bt2020):
    p = bt2020.predictions.set_index(["level", "indicator", "year"]).value
    incl = p[("higher_vocational", "enrollment", 2021)]
    transfers = p[("higher_vocational", "five_year_program_transfer_enrollment", 2021)]
    # 2021 is published with transfers, 2022 without; the naive forecasts are converted the same way
    pts = bt2020.points.set_index(["level", "indicator", "year"])
    assert pts.loc[("higher_vocational", "enrollment", 2021), "persistence"] == 5243364 + 462800
    assert pts.loc[("higher_vocational", "enrollment", 2022), "persistence"] == 5243364
    assert incl - transfers == pytest.approx(bt2020.fit.project(2022)[1][
        ("higher_vocational", "enrollment_excluding_transfers")][-2])


def test_naive_forecasts(obs):
    train = obs.until(2020)
    pers, trend = naive(train, "general_senior_secondary", "enrollment", 2022)
    s = obs.series("general_senior_secondary", "enrollment").loc[2016:2020]
    slope, intercept = np.polyfit(s.index.to_numpy(float), s.to_numpy(float), 1)
    assert pers == 8764400
    assert trend == pytest.approx(intercept + slope * 2022)
    # across the break: the excluding-technical series before 2021 is rebuilt
    pers, _ = naive(train, "secondary_vocational", "enrollment", 2021)
    assert pers == 6446600 - 1601000


def test_errors_and_the_plain_verdict(bt2020):
    err = bt2020.errors()
    assert {"mape_model", "mape_persistence", "mape_trend", "in_overall"} <= set(err.columns)
    assert err.in_overall.sum() >= 15
    held = err[err.indicator == "schools"]
    assert not held.in_overall.any() and (held.mape_model == held.mape_persistence).all()
    o = bt2020.overall()
    common = bt2020.points.merge(err[err.in_overall][["level", "indicator"]])
    ape = (common.model - common.actual).abs() / common.actual * 100
    assert o["mape_model"] == pytest.approx(ape.mean())
    assert o["ratio"] == pytest.approx(o["mape_model"] / min(o["mape_persistence"], o["mape_trend"]))
    text = bt2020.verdict()
    assert f"{o['ratio']:.2f}" in text and ("so the model beats" in text or "does NOT beat" in text)


def test_cli_writes_predictions_errors_and_report(tmp_path, capsys):
    out = tmp_path / "bt"
    argv = ["backtest", "--fit-until", "2020", "--until", "2024", "--out", str(out), "--no-images"]
    assert main(argv) == ExitStatus.OK
    said = capsys.readouterr().out
    assert "model / best naive" in said
    pred = pd.read_csv(out / "predictions.csv")
    assert list(pred.columns) == PREDICTION_COLUMNS and set(pred.year) == {2021, 2022, 2023, 2024}
    row = pred[(pred.level == "secondary_vocational") & (pred.indicator == "in_school") & (pred.year == 2024)]
    assert len(row) == 1 and 1e7 < row.value.iloc[0] < 2e7
    err = pd.read_csv(out / "errors.csv")
    assert set(err.years.str.split(", ").explode().astype(int)) <= {2021, 2022}
    assert "model / best naive" in (out / "report.txt").read_text(encoding="utf-8")
    assert (out / "report.html").is_file() and (out / "tables.xlsx").is_file()
    assert set(pd.read_csv(out / "drivers.csv").level) <= set(LEVELS)


def test_cli_rejects_until_before_cut_off(tmp_path, capsys):
    assert main(["backtest", "--fit-until", "2020", "--until", "2019", "--out", str(tmp_path / "x"),
                 "--no-images"]) == ExitStatus.BAD_INPUT
    assert "--until (2019) must be after --fit-until (2020)" in capsys.readouterr().err


def test_fit_itself_cuts_the_data(obs, tmp_path):
    from simulate.fitting import fit

    clean, dirty = fit(obs, 2019), fit(load_observed(_poisoned(tmp_path, 2019)), 2019)
    assert clean.theta == dirty.theta
    assert clean.obs.year.max() <= 2019 and clean.train.frame.year.max() <= 2019


def test_each_series_error_is_put_down_to_a_driver(bt2020):
    d = bt2020.drivers.set_index(["level", "indicator"])
    assert {"mape_model", "explained_by", "share_of_error", "mape_realised_vocational_share"} <= set(d.columns)
    err = bt2020.errors().set_index(["level", "indicator"])
    for key, row in d.iterrows():
        assert row.mape_model == pytest.approx(err.loc[key, "mape_model"])
        assert row.explained_by
    # with every intake driver as it turned out, secondary enrollment is exact: its error is the drivers'
    assert d.loc[("secondary_vocational", "enrollment"), "mape_all_drivers_realised"] < 1e-9
    assert "split" in d.loc[("secondary_vocational", "enrollment"), "explained_by"]
    assert "高职" in d.loc[("higher_vocational", "enrollment"), "explained_by"]
    assert d.loc[("secondary_vocational", "student_teacher_ratio"), "explained_by"].startswith("rates and hiring")


def test_cli_without_report_writes_tables_and_text_only(tmp_path):
    out = tmp_path / "bt"
    argv = ["backtest", "--fit-until", "2021", "--until", "2022", "--out", str(out), "--no-report"]
    assert main(argv) == ExitStatus.OK
    assert (out / "drivers.csv").is_file() and (out / "report.txt").is_file()
    assert not (out / "report.html").exists()
    assert "Which driver explains the error" in (out / "report.txt").read_text(encoding="utf-8")


def test_chart_lines_join_the_fit_and_the_projection_at_the_cut_off(bt2020):
    from simulate.fitting.workflow import backtest_lines

    lines = backtest_lines(bt2020)
    pred = bt2020.predictions.set_index(["level", "indicator", "year"]).value
    for (lv, ind), g in lines.groupby(["level", "indicator"]):
        g = g.set_index("year")
        later = g.loc[g.index > 2020]
        np.testing.assert_allclose(later.model.dropna(), [pred[(lv, ind, y)] for y in later.model.dropna().index])
        if np.isfinite(g.loc[2020, "value"]):
            assert g.loc[2020, "persistence"] == g.loc[2020, "trend"] == g.loc[2020, "value"]
        assert g.loc[g.index < 2020, ["persistence", "trend"]].isna().all().all()


def test_births_after_the_cut_off_change_nothing(obs, tmp_path):
    from simulate.fitting.cohort import load_births

    df = pd.read_csv(ROOT / "calibration" / "births_national.csv", dtype=str, keep_default_na=False)
    later = df.year.astype(int) > 2019
    df.loc[later, "value"] = (df.loc[later, "value"].astype(float) * 1000).map(lambda v: f"{v:.0f}")
    path = tmp_path / "births.csv"
    df.to_csv(path, index=False)
    clean = backtest(obs, 2019, 2024)
    dirty = backtest(obs, 2019, 2024, births=load_births(path))
    pd.testing.assert_frame_equal(clean.predictions, dirty.predictions, check_exact=True)
    assert clean.fit.theta == dirty.fit.theta


def test_backtest_scores_the_provinces_later_snapshots(bt2020):
    """Jilin's 2021 school count, from its 2017 share of the national count (held from 2020), against persistence."""
    r = bt2020.regional.set_index(["region", "level", "indicator", "year"])
    row = r.loc[("jilin", "secondary_vocational", "schools", 2021)]
    assert row.actual == 241 and row.persistence == 277 and row.base_year == 2017
    assert row.share == pytest.approx(277 / 8210, rel=1e-6)
    assert row.model == pytest.approx(row.share * row.national) and row.ape_model < row.ape_persistence
    # Jiangxi's 2021 snapshot has no earlier figure of its series: listed, not scored
    jx = bt2020.regional[bt2020.regional.region == "jiangxi"]
    assert len(jx) and jx.model.isna().all() and (jx.note == "no earlier snapshot of the series to scale").all()
    # nothing after the cut-off is used to predict: the share comes from rows up to 2020 only
    assert (bt2020.regional.base_year.dropna() <= 2020).all()
