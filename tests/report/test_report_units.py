"""Pure parts of the report: labels, style, lever differences, paired differences, budget, export files."""

from __future__ import annotations

import html.parser
import os

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from simulate.report import export, labels, metrics, style, tables
from simulate.results.indicators import INDICATORS

# --- labels and style -------------------------------------------------------------------------

def test_every_ui_string_has_chinese_and_english(cjk):
    for key, (zh, en) in labels.UI.items():
        assert zh and en, key
        assert cjk.search(zh) or not cjk.search(en), key  # Chinese text lives in the zh column
        assert not cjk.search(en), f"{key}: English text has Chinese characters: {en!r}"


def test_indicator_labels_come_from_the_reference(cjk):
    for name, ind in INDICATORS.items():
        assert labels.label(name, "zh") == ind.zh
        en = labels.label(name, "en")
        assert en and not cjk.search(en), name


def test_unknown_label_and_language_fail():
    with pytest.raises(KeyError):
        labels.label("no_such_key", "zh")
    assert labels.label("no_such_key", "en", default="x") == "x"
    with pytest.raises(ValueError):
        labels.label("year", "fr")


def test_goal_names_come_from_the_catalogue():
    from simulate.goals.catalogue import load_catalogue

    g = load_catalogue()[0]
    assert labels.goal_name(g.id, "zh") == g.name_zh
    assert labels.goal_name(g.id, "en") == g.name_en
    assert labels.goal_name("unknown.goal", "en") == "unknown.goal"


def test_house_style_is_pure_and_slide_sized():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    before = fig.to_plotly_json()
    styled = style.house_style(fig, "zh")
    assert fig.to_plotly_json() == before
    assert (styled.layout.width, styled.layout.height) == (style.SLIDE_WIDTH, style.SLIDE_HEIGHT) == (1280, 720)
    assert styled.layout.font.family.startswith("Noto Sans CJK SC")
    assert "CJK" not in style.house_style(fig, "en").layout.font.family.split(",")[0]
    assert list(styled.layout.colorway)[0] == style.PALETTE["blue"]
    assert style.house_style(fig, "en", width=800, height=600).layout.width == 800


# --- lever differences ------------------------------------------------------------------------

def test_lever_differences_lists_exactly_the_changed_values_with_sources(make_run):
    common = {"levers": {"share": 0.1, "funding": {"secondary": 5000, "higher": 12000}},
              "region": {"name": "prov", "industries": [{"id": "a", "w": 1.0}, {"id": "b", "w": 2.0}]}}
    a = make_run("a", {}, scenario=common, sources={"levers.funding.secondary": "obs: floor",
                                                    "region.industries[1].w": "assumption"})
    changed = {"levers": {"share": 0.1, "funding": {"secondary": {"ramp": {"from_year": 2020, "to_value": 1e4}},
                                                     "higher": 12000}},
               "region": {"name": "prov", "industries": [{"id": "b", "w": 3.0}, {"id": "a", "w": 1.0}]}}
    b = make_run("b", {}, scenario=changed, sources={"levers.funding.secondary.ramp.from_year": "plan §1",
                                                     "levers.funding.secondary.ramp.to_value": "plan §1"})
    df = tables.lever_differences([a, b], "en")
    keys = list(df["Parameter"])
    # titles always differ but are identity, not levers; reordered industries still line up by id
    assert keys == ["levers.funding.secondary", "region.industries[b].w"]
    row = df.iloc[0]
    assert row["a (en)"] == "5000" and row["b (en)"] == "{ramp: {from_year: 2020, to_value: 10000}}"
    assert row["a (en) source"] == "obs: floor" and row["b (en) source"] == "plan §1"
    assert df.iloc[1]["a (en) source"] == "assumption" and df.iloc[1]["b (en) source"] == "default"
    assert list(tables.lever_differences([a, a], "zh").columns)[0] == "参数路径"
    assert tables.lever_differences([a, a], "zh").empty


# --- paired differences, bands, budget, cost-effectiveness -------------------------------------

def _cells(cost, matched, dual):
    return {("public_cost", "all", "total"): cost,
            ("graduate_destinations", "all", "destination:matched"): matched,
            ("dual_qualified_teachers", "all", "total"): dual}


def test_paired_differences_are_taken_replication_by_replication(make_run):
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 1000, size=(8, 5))  # shared by both runs: common random numbers
    a = make_run("a", {("outflow", "all", "total"): 5000 + noise})
    b = make_run("b", {("outflow", "all", "total"): 5000 + noise + 7})
    d = metrics.paired_differences([a, b], a, metrics.Cell("outflow"), paired=True)
    assert list(d["scenario"].unique()) == ["b"]
    assert np.allclose(d[metrics.BAND_COLUMNS].to_numpy(), 7.0)  # the noise cancels exactly
    unpaired = metrics.paired_differences([a, b], a, metrics.Cell("outflow"), paired=False)
    assert unpaired["p05"].isna().all() and unpaired["p95"].isna().all()
    assert np.allclose(unpaired["p50"], 7.0)
    bands = metrics.bands([a], metrics.Cell("outflow"))
    assert np.allclose(bands["p50"], np.median(5000 + noise, axis=0))


def test_cost_per_additional_matched_graduate_and_dual_teacher(make_run):
    ones = np.ones((4, 5))
    a = make_run("a", _cells(100e6 * ones, 1000 * ones, 500 * ones))
    b = make_run("b", _cells(110e6 * ones, 1100 * ones, 520 * ones))
    ce = metrics.cost_effectiveness([a, b], a, [(2026, 2030)], paired=True).iloc[0]
    assert ce["d_cost_mean"] == pytest.approx(5 * 10e6)
    assert ce["d_matched_mean"] == pytest.approx(5 * 100)  # matched graduates: summed over the window
    assert ce["d_dual_mean"] == pytest.approx(20)  # dual-qualified teachers: a stock, at the window's end
    assert ce["cost_per_matched"] == pytest.approx(50e6 / 500) and ce["matched_reason"] == ""
    assert ce["cost_per_dual"] == pytest.approx(50e6 / 20)


@pytest.mark.parametrize(("matched", "dual", "cost", "matched_reason", "dual_reason"), [
    (1000, 500, 110e6, "na_no_gain", "na_no_gain"),
    (900, 480, 110e6, "na_loss", "na_loss"),
    (1100, 520, 90e6, "na_saving", "na_saving"),
])
def test_cost_ratio_is_na_with_a_reason_not_inf(make_run, matched, dual, cost, matched_reason, dual_reason):
    ones = np.ones((3, 5))
    a = make_run("a", _cells(100e6 * ones, 1000 * ones, 500 * ones))
    b = make_run("b", _cells(cost * ones, matched * ones, dual * ones))
    ce = metrics.cost_effectiveness([a, b], a, [(2026, 2030)], paired=True).iloc[0]
    assert np.isnan(ce["cost_per_matched"]) and np.isnan(ce["cost_per_dual"])
    assert (ce["matched_reason"], ce["dual_reason"]) == (matched_reason, dual_reason)
    shown = tables.cost_table(pd.DataFrame([ce]), [a, b], "en")
    reasons = [c for c in shown.columns if c.endswith("reason")]
    assert [shown.iloc[0][c] for c in reasons] == [labels.label(matched_reason, "en"), labels.label(dual_reason, "en")]
    assert not np.isinf(shown.select_dtypes("number").to_numpy(dtype=float)).any()


def test_budget_years_are_medians_and_windows_medians_of_sums(make_run):
    cost = np.array([[1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [10, 10, 10, 10, 10]], dtype=float) * 1e8
    run = make_run("a", {("public_cost", "all", "total"): cost})
    b = metrics.budget(run, [(2026, 2028), (2026, 2030)], scale=1e8)
    row = b[b["item"] == "public_cost"].iloc[0]
    assert row["2026"] == 2 and row["2030"] == 6
    assert row["window:2026-2028"] == 9  # per-replication sums 6, 9, 30 → median 9
    assert row["window:2026-2030"] == 20  # sums 15, 20, 50


def test_budget_windows_default_to_the_15th_five_year_plan_and_clip():
    assert metrics.windows(2019, 2035) == [(2026, 2030), (2026, 2035)]
    assert metrics.windows(2019, 2030) == [(2026, 2030)]  # the 10-year window is cut to the same years
    assert metrics.windows(2019, 2025) == [(2021, 2025)]
    assert metrics.windows(2019, 2035, start=2020) == [(2020, 2024), (2020, 2029)]


def test_round_sig_keeps_six_significant_digits():
    df = pd.DataFrame({"x": [0.20899871999999997, 123456789.0, np.nan, 0.0], "s": ["a", "b", "c", "d"]})
    df.attrs["title"] = "t"
    out = tables.round_sig(df)
    assert out["x"].tolist()[:2] == [0.208999, 123457000.0] and np.isnan(out["x"][2]) and out["x"][3] == 0
    assert out.attrs["title"] == "t"


# --- export (no images) -----------------------------------------------------------------------

class _Sources(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.remote, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href", "data", "poster", "srcset"):
            v = (a.get(key) or "").strip().lower()
            if v.startswith(("http:", "https:", "//")):
                self.remote.append((tag, key, v))


def remote_sources(text: str) -> list:
    p = _Sources()
    p.feed(text)
    return p.remote


def test_remote_source_detector_can_fail():
    assert remote_sources('<script src="https://cdn.plot.ly/x.js"></script><img src="//a/b.png">'
                          '<link rel="stylesheet" href="http://f/c.css">') != []


def test_export_without_images_writes_offline_html_workbook_and_csvs(tmp_path):
    figs = {"one": style.house_style(go.Figure(go.Bar(x=["甲", "乙"], y=[1, 2])), "zh")}
    tab = pd.DataFrame({"目标": ["a", "b"], "达成概率": [0.25, 1.0], "n": [1, 2]})
    tab.attrs["probability_columns"] = ["达成概率"]
    long_name = "a_table_name_that_is_much_longer_than_thirty_one"
    written = export.export_bundle(tmp_path, title="测试<简报>", lang="zh", figures=figs,
                                   tables={"goals": tab, long_name: tab}, notes=["说明 & 注"], images=False)
    assert set(written) == {"report.html", "tables.xlsx", "tables/goals.csv", f"tables/{long_name}.csv"}
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert remote_sources(page) == []
    assert page.count("Plotly.newPlot(") == 1 and page.count("plotly.js v") == 1  # plotly.js inlined once
    assert "测试&lt;简报&gt;" in page and "说明 &amp; 注" in page  # escaped
    assert f"background:{style.PALETTE['met']}\">1.00<" in page  # P(met) cells coloured by the scale
    assert f"background:{style.PALETTE['unlikely']}\">0.25<" in page
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert wb.sheetnames == ["goals", long_name[:31]]
    assert all(len(n) <= 31 for n in wb.sheetnames)
    assert oct((tmp_path / "report.html").stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    with pytest.raises(ValueError):
        export.export_bundle(tmp_path, title="x", lang="zh", figures={}, tables={"../evil": tab}, images=False)


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def test_sheet_names_are_unique_short_and_legal():
    names = export.sheet_names(["x" * 40, "x" * 41, "a/b:c", "A/B:C"])
    assert all(len(v) <= 31 for v in names.values())
    assert len({v.lower() for v in names.values()}) == 4
    assert names["a/b:c"] == "a_b_c"


def test_a_failed_export_leaves_earlier_files_intact(tmp_path, monkeypatch):
    tab = pd.DataFrame({"a": [1.0]})
    export.export_bundle(tmp_path, title="t", lang="en", figures={}, tables={"t": tab}, images=False)
    before = (tmp_path / "tables.xlsx").read_bytes()

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "write_workbook", boom)
    with pytest.raises(RuntimeError):
        export.export_bundle(tmp_path, title="t", lang="en", figures={}, tables={"t": tab * 2}, images=False)
    assert (tmp_path / "tables.xlsx").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
