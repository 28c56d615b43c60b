"""The app without a browser: every asset is local, the page holds every lever, foreign Host headers are refused."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from simulate.explore.app import Settings, create_app
from simulate.explore.layout import TABS
from simulate.explore.views import goal_table, info, tab_children, text
from simulate.scenario.lever_ranges import lever_paths


class NoRunner:
    """The layout and the static routes never touch the runner."""

    seed = 7


@pytest.fixture(scope="module")
def client(explorer, short_file):
    app = create_app(explorer, NoRunner(), Settings(scenario_file=short_file, lang="zh", reps=3))
    return app.server.test_client()


def test_the_page_and_its_scripts_come_from_this_server_only(client):
    page = client.get("/", headers={"Host": "127.0.0.1:8050"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "fonts.googleapis" not in html and "cdn." not in html
    for src in sources:
        if src.endswith(".js"):
            assert client.get(src, headers={"Host": "localhost"}).status_code == 200, src


def test_the_layout_has_a_control_for_every_lever(client):
    layout = client.get("/_dash-layout", headers={"Host": "127.0.0.1"}).get_data(as_text=True)
    ids = {json.dumps(m) for m in re.findall(r'"path": ?"([a-z_.A-Z]+)"', layout)}
    assert {json.dumps(p) for p in lever_paths()} <= ids
    first, second = (client.get("/_dash-layout", headers={"Host": "127.0.0.1"}).get_json() for _ in range(2))
    sessions = [re.search(r'"session", "data": "([0-9a-f]+)"', json.dumps(x)) for x in (first, second)]
    assert sessions[0] and sessions[1] and sessions[0].group(1) != sessions[1].group(1)


@pytest.mark.parametrize("host", ["evil.example", "192.168.1.10", "127.0.0.1.evil.example"])
def test_requests_for_another_host_name_are_refused(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 403


def test_texts_exist_in_both_languages(explorer):
    controls = {c.path: c for c in explorer.controls}
    for c in explorer.controls:
        for lang in ("zh", "en"):
            assert text(f"field:{c.path}", lang, controls) != f"field:{c.path}"
            assert info(c, lang)
    assert text("ui:reset", "zh", controls) == "恢复基准" and text("ui:reset", "en", controls) == "Reset to base"


def test_every_tab_renders_in_both_languages(funding_outcome):
    for lang in ("zh", "en"):
        for tab in TABS:
            assert tab_children(funding_outcome, tab, lang)
    table = str(goal_table(funding_outcome, "en"))
    assert "nc.dual_teachers" in table and "hn.per_student.secondary" not in table  # Hunan's goals apply elsewhere


def test_a_refilled_chart_equals_a_freshly_drawn_one(explorer, frames, funding_outcome):
    from simulate.explore.figures import BandCharts, difference_figure, trajectory_figure
    from simulate.explore.jobs import Job
    from simulate.explore.results import CELLS
    from simulate.explore.variant import build_variant

    other = build_variant(explorer.loaded, explorer.controls, {"apprenticeship_share": 0.3})
    second = explorer.finish(Job("s", 2, 2, other), frames(explorer.loaded.scenario, 2), frames(other.scenario, 2))
    cache = BandCharts()
    for draw in (trajectory_figure, difference_figure):
        for i, cell in enumerate(CELLS):
            for lang in ("zh", "en")[i % 2:][:1]:  # every cell, the languages in turn (keeps the test short)
                draw(funding_outcome, cell, lang, cache)  # keeps the first drawing
                refilled = draw(second, cell, lang, cache)
                fresh = draw(second, cell, lang)
                assert refilled["layout"] == fresh["layout"]
                assert len(refilled["data"]) == len(fresh["data"])
                for a, b in zip(refilled["data"], fresh["data"], strict=True):
                    assert {k: v for k, v in a.items() if k not in "xy"} == {
                        k: v for k, v in b.items() if k not in "xy"}
                    for axis in "xy":
                        np.testing.assert_allclose(_array(a[axis]), _array(b[axis]))


def _array(v) -> np.ndarray:
    """Plotly's typed-array form ({dtype, bdata}) or a list, as floats."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).astype(float)
    return np.asarray(v, dtype=float)
