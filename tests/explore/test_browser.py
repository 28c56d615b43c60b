"""``talentsim explore`` in headless Chromium: load, move the funding slider, compare with the API, save, English.

The app runs as the CLI runs it (a subprocess on a free port, 3 replications of the short test scenario);
Playwright drives the Debian Chromium that ``.ci/run`` installs (never a downloaded browser). Every
request the page makes is recorded, so a page asking another host for anything fails the test.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import yaml

import simulate
from simulate.cli.main import main
from simulate.explore import MAX_REPLICATIONS
from simulate.explore.variant import build_variant
from simulate.report.labels import label
from simulate.report.tables import MONEY_SCALE
from simulate.scenario.lever_ranges import lever_paths

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install -e '.[test]')")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs the Debian chromium package (installed by .ci/run)"),
]
REPS = 2
SEED = 7
WAIT_MS = 120_000
DRAWN = """g => {
  const plots = [...document.querySelectorAll('#tab-content .dash-graph')];
  return plots.every(d => { const p = d.querySelector('.js-plotly-plot');
                            return p && p._fullLayout && p._fullLayout.meta && p._fullLayout.meta.generation === g; });
}"""
"""Every chart of the open tab is drawn by plotly from result ``g`` (the figures carry it in ``layout.meta``)."""
DRAWN_IN = DRAWN.replace("generation === g", "lang === g")
"""Every chart of the open tab is drawn in language ``g``."""


@pytest.fixture(scope="module")
def app(short_file, tmp_path_factory):
    """The CLI's app on a free port: (url, save folder); stopped when the module's tests are done."""
    save_dir = tmp_path_factory.mktemp("saved")
    cmd = [sys.executable, "-c", "from simulate.cli.main import main; main()", "explore", str(short_file),
           "--port", "0", "--workers", "2", "--reps", str(REPS), "--seed", str(SEED), "--save-dir", str(save_dir),
           "--no-images"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    url, seen, end = None, [], time.monotonic() + 180
    while url is None and time.monotonic() < end and proc.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if "open http://" in line:
            url = line.split("open ", 1)[1].split()[0]
    try:
        assert url is not None, "".join(seen)
        yield url, save_dir
    finally:
        proc.terminate()  # the CLI stops its workers on SIGTERM as on Ctrl-C
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Tab:
    """One browser tab on the app, with every request and console error it made."""

    def __init__(self, context, url: str):
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url)
        self.wait_generation(0)

    def generation(self) -> int:
        return int(self.page.get_attribute("#generation", "data-generation"))

    def wait_generation(self, after: int) -> int:
        """Wait until a newer result is shown and every chart of the open tab is drawn from it."""
        self.page.wait_for_function(
            "g => { const e = document.querySelector('#generation'); return e && Number(e.dataset.generation) > g; }",
            arg=after, timeout=WAIT_MS)
        gen = self.generation()
        self.page.wait_for_function(DRAWN, arg=gen, timeout=WAIT_MS)
        return gen

    def move_to_end(self, path: str) -> int:
        """Drag-free slider move: focus the thumb and press End (the documented high end); wait for the charts."""
        before = self.generation()
        self.page.locator(f'[data-path="{path}"] [role=slider]').focus()
        self.page.keyboard.press("End")
        return self.wait_generation(before)

    def open_tab(self, tab: str) -> None:
        self.page.click(f"#tab-{tab}")
        self.page.wait_for_selector(f'#generation[data-tab="{tab}"]', state="attached", timeout=WAIT_MS)

    def summary(self) -> str:
        return self.page.inner_text("#summary")


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000})
    yield ctx
    ctx.close()


def _api(explorer, values: dict, years: dict):
    v = build_variant(explorer.loaded, explorer.controls, values, years)
    return v, simulate.run(v.loaded, seed=SEED, replications=REPS, design_replications=MAX_REPLICATIONS)


def _medians(result, indicator: str) -> np.ndarray:
    f = result.frame
    sc = result.scenario
    sel = f[(f.indicator == indicator) & (f.region == sc.region.name) & (f.level == "all") & (f.dimension == "total")
            & (f.year >= sc.base_year)]
    return sel.groupby("year", observed=True)["value"].median().sort_index().to_numpy()


def test_the_page_opens_offline_and_the_funding_slider_updates_charts_and_goals_as_the_api_says(app, context,
                                                                                                  explorer):
    url, _ = app
    tab = Tab(context, url)
    host = url.split("/")[2]
    assert all(r.split("/")[2] == host for r in tab.requests if r.startswith("http")), tab.requests
    shown = set(tab.page.eval_on_selector_all("[data-path]", "els => els.map(e => e.dataset.path)"))
    assert shown == set(lever_paths())
    assert "尚未调整任何杠杆" in tab.summary()
    assert tab.page.locator("#tab-content .js-plotly-plot").count() == 7

    tab.move_to_end("per_student_funding.secondary")
    assert "per_student_funding.secondary" in tab.summary() and "15000" in tab.summary()
    variant, api = _api(explorer, {"per_student_funding.secondary": 15000}, {"per_student_funding.secondary": 2020})
    base = simulate.run(explorer.loaded, seed=SEED, replications=REPS, design_replications=MAX_REPLICATIONS)

    traces = tab.page.evaluate("() => document.querySelector('#traj-public_cost .js-plotly-plot')._fullData"
                               ".filter(t => t.mode === 'lines+markers')"
                               ".map(t => ({name: t.name, y: Array.from(t.y)}))")
    by_name = {t["name"]: np.array(t["y"], dtype=float) for t in traces}
    scale = MONEY_SCALE["zh"]
    np.testing.assert_allclose(by_name["调整后情景"], _medians(api, "public_cost") / scale, rtol=1e-9)
    np.testing.assert_allclose(by_name[label("baseline", "zh")], _medians(base, "public_cost") / scale, rtol=1e-9)
    assert not np.allclose(by_name["调整后情景"], by_name[label("baseline", "zh")])

    tab.open_tab("goals")
    goals = api.goals().query("status == 'modelled'").set_index(["goal_id", "deadline"])
    rows = tab.page.eval_on_selector_all(
        "tr[data-goal]", "rows => rows.map(r => ({goal: r.dataset.goal, deadline: r.dataset.deadline, "
        "p: r.querySelector('td.p-variant').dataset.p, text: r.querySelector('td.p-variant').innerText, "
        "period: r.querySelector('td.period').dataset.variant, base: r.querySelector('td.period').dataset.base}))")
    assert len(rows) == len(goals)
    for r in rows:
        g = goals.loc[(r["goal"], r["deadline"])]
        assert float(r["p"]) == pytest.approx(float(g["probability_met"]))
        assert r["text"] == f"{float(g['probability_met']):.0%}"
        if r["period"]:
            assert float(r["period"]) == pytest.approx(float(g["probability_met_period"]))
    assert not any(r["goal"].startswith(("hn.", "jl.")) for r in rows)  # Hunan's and Jilin's goals apply elsewhere
    assert tab.errors == []
    assert all(r.split("/")[2] == host for r in tab.requests if r.startswith("http")), tab.requests


def test_save_download_and_an_invalid_value_shown_as_the_cli_prints_it(app, context, explorer, short_file, tmp_path,
                                                                       capsys):
    url, save_dir = app
    tab = Tab(context, url)
    tab.move_to_end("per_student_funding.secondary")
    tab.page.fill("#save-name", "funding 15k / ../x")
    tab.page.keyboard.press("Enter")
    tab.page.click("#save")
    tab.page.wait_for_selector("#saved-path", timeout=WAIT_MS)
    path = tab.page.get_attribute("#saved-path", "data-path")
    assert path.endswith("funding_15k_x.yaml") and str(save_dir) in path
    capsys.readouterr()
    assert main(["validate", path]) == 0
    saved = simulate.load_scenario(path)
    expected = build_variant(explorer.loaded, explorer.controls, {"per_student_funding.secondary": 15000},
                             {"per_student_funding.secondary": 2020})
    assert saved.scenario.levers == expected.scenario.levers

    with tab.page.expect_download(timeout=WAIT_MS) as download:
        tab.page.click("#download")
    assert download.value.suggested_filename.endswith("_briefing_zh.zip")

    tab.page.evaluate("() => window.dash_clientside.set_props("
                      "{type: 'lever-value', kind: 'dated', path: 'per_student_funding.higher'}, {value: -5})")
    tab.page.wait_for_selector("#errors div", timeout=WAIT_MS)
    shown = tab.page.inner_text("#errors").splitlines()[-1]

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"extends": str(short_file), "levers": {"per_student_funding": {
        "higher": {2019: 12000, 2020: -5}}}}), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(bad)]) == 2
    cli = capsys.readouterr().err.strip().removeprefix("error: ")
    assert shown.startswith("explore: ") and shown.split(": ", 1)[1] == cli.split(": ", 1)[1]


def test_switching_to_english_translates_the_page_and_the_charts(app, context):
    url, _ = app
    tab = Tab(context, url)
    tab.page.click("text=English")
    tab.page.wait_for_function(DRAWN_IN, arg="en", timeout=WAIT_MS)
    assert tab.page.inner_text("aside h2") == "Policy levers"
    assert tab.page.inner_text("#tab-trajectories") == "Trajectories with 90% bands"
    title = tab.page.text_content("#traj-dual_qualified_share .gtitle")
    assert title == label("dual_qualified_share", "en")
    assert "No lever changed" in tab.summary()


def test_two_tabs_do_not_mix_their_results(app, context):
    url, _ = app
    first, second = Tab(context, url), Tab(context, url)
    first.move_to_end("per_student_funding.secondary")
    shown = first.generation()
    second.move_to_end("apprenticeship_share")
    time.sleep(1)  # any stray update for the first tab would arrive now
    assert first.generation() == shown
    assert "per_student_funding.secondary" in first.summary() and "apprenticeship_share" not in first.summary()
    assert "apprenticeship_share" in second.summary() and "per_student_funding" not in second.summary()
