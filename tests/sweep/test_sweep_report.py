"""``talentsim sweep-report DIR``: charts and tables rebuilt from the store, offline HTML, PNG/SVG, CSV, zh/en."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulate.cli.main import ExitStatus, main
from simulate.report.images import has_browser
from simulate.sweep.analysis import analyse_store
from simulate.sweep.charts import figures

CHROMIUM = has_browser()  # BROWSER_PATH, else the browser kaleido would find


@pytest.fixture(scope="module")
def oat_store(tmp_path_factory, kit) -> Path:
    folder = tmp_path_factory.mktemp("oat")
    spec = kit.write_spec(folder, "name: tiny_oat\ntitle_zh: 微型单因素\ntitle_en: Tiny OAT\nscenario: tiny.yaml\n"
                                  "method: oat\nsamples: 2\nreplications: 3\nseed: 5\n" + kit.FACTORS + kit.OUTCOMES)
    out = folder / "sweep"
    images = [] if CHROMIUM else ["--no-images"]  # PNG/SVG need the Debian chromium that .ci/run installs
    assert main(["sweep", str(spec), "--out", str(out), "--lang", "en", *images]) == ExitStatus.OK  # report included
    return out


@pytest.mark.skipif(not CHROMIUM, reason="PNG/SVG export needs the Debian chromium package (.ci/run installs it)")
def test_sweep_writes_the_report_with_images_tables_and_page(oat_store):
    report = oat_store / "report_en"
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "Tiny OAT" in html and "tornado" in html
    assert "<script src=" not in html or "http" not in html.split("<script src=")[1][:10]  # self-contained
    pngs = sorted(p.stem for p in (report / "figures").glob("*.png"))
    assert "overview" in pngs and "oat_order_trained" in pngs and "oat_goal_jx_per_student_floor" in pngs
    assert {p.stem for p in (report / "figures").glob("*.svg")} == set(pngs)
    assert all((report / "figures" / f"{n}.png").stat().st_size > 5000 for n in pngs)
    tornado = pd.read_csv(report / "tables" / "tornado.csv")
    assert {"outcome", "year", "factor", "low", "high", "base", "delta_low_conf", "swing"} <= set(tornado.columns)
    assert (report / "tables.xlsx").stat().st_size > 0
    # the funding lever, and only it, decides the per-student funding goal: P(met) 0 at the base, 1 at 12000
    g = tornado[(tornado.column == "goal_jx_per_student_floor_2025")].set_index("factor")
    assert g.loc["funding_secondary", ["base", "high"]].tolist() == [0.0, 1.0]
    assert g.swing.idxmax() == "funding_secondary" and (g.drop("funding_secondary").swing == 0).all()


def test_sweep_report_rebuilds_from_the_store_in_chinese(oat_store, tmp_path, capsys):
    out = tmp_path / "zh"
    assert main(["sweep-report", str(oat_store), "--lang", "zh", "--out", str(out), "--no-images"]) == ExitStatus.OK
    assert "report:" in capsys.readouterr().out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "微型单因素" in html and "龙卷风图" in html and "达成概率" in html
    assert not (out / "figures").exists()
    a = pd.read_csv(out / "tables" / "tornado.csv")
    b = pd.read_csv(oat_store / "report_en" / "tables" / "tornado.csv")
    pd.testing.assert_frame_equal(a.drop(columns=["outcome_label", "factor_label"]),
                                  b.drop(columns=["outcome_label", "factor_label"]))
    assert main(["sweep-report", str(oat_store), "--lang", "fr"]) == ExitStatus.BAD_INPUT


@pytest.mark.parametrize("method,samples,table,metrics", [
    ("morris", 4, "morris", {"mu_star", "mu_star_conf", "sigma", "sigma_conf"}),
    ("sobol", 4, "sobol", {"S1", "S1_conf", "ST", "ST_conf"}),
    ("lhs", 24, "rbd_fast", {"S1", "S1_conf"}),
    ("grid", 2, "main_effects", {"level", "mean"}),
])
def test_every_method_is_analysed_per_outcome_and_year(spec_file, tmp_path, method, samples, table, metrics):
    spec = spec_file(method, samples=samples, replications=1)
    out = tmp_path / method
    assert main(["sweep", str(spec), "--out", str(out), "--no-report"]) == ExitStatus.OK
    analysis, meta = analyse_store(out)
    t = analysis.tables[table]
    assert metrics <= set(t.columns)
    assert set(t.year) == {2023, 2025}
    assert set(t.factor) == {"apprenticeship_share", "funding_secondary", "credit_rate", "eligibility"}
    figs = figures(method, t, meta["outcomes"], meta["factors"], "en")
    assert any(name.startswith(f"{method}_order_trained") for name in figs)
    assert main(["sweep-report", str(out), "--no-images", "--lang", "en"]) == ExitStatus.OK
    assert (out / "report_en" / "tables" / f"{table}.csv").is_file()


def test_an_incomplete_sweep_cannot_be_reported(spec_file, tmp_path, capsys):
    import duckdb

    spec = spec_file("morris", samples=4, replications=1)
    out = tmp_path / "m"
    assert main(["sweep", str(spec), "--out", str(out), "--no-report"]) == ExitStatus.OK
    con = duckdb.connect(str(out / "sweep.duckdb"))
    for table in ("outcomes", "timings", "experiments"):  # as if the run had never finished
        con.execute(f"DELETE FROM {table} WHERE run_id IN (SELECT run_id FROM experiments WHERE point = 3)")
    con.close()
    capsys.readouterr()
    assert main(["sweep-report", str(out), "--no-images"]) == ExitStatus.BAD_INPUT
    assert "--resume" in capsys.readouterr().err
    assert main(["sweep", str(spec), "--out", str(out), "--resume", "--no-report"]) == ExitStatus.OK
    assert "1 run now" in capsys.readouterr().out
    assert main(["sweep-report", str(out), "--no-images"]) == ExitStatus.OK
