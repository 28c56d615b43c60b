"""PNG and SVG charts through kaleido and the system Chromium: slide size, Chinese text, real glyphs."""

from __future__ import annotations

import struct

import plotly.graph_objects as go
import pytest

from simulate.report import export, images, style

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not images.has_browser(), reason="kaleido needs the Debian chromium package"),
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_compare_writes_slide_sized_pngs_and_chinese_svgs(run_folders, tmp_path, cjk):
    from simulate.cli.main import main

    assert main(["compare", str(run_folders["base"]), str(run_folders["funding"]), "--out", str(tmp_path)]) == 0
    pngs = sorted((tmp_path / "figures").glob("*.png"))
    svgs = sorted((tmp_path / "figures").glob("*.svg"))
    assert len(pngs) >= 17 and [p.stem for p in pngs] == [s.stem for s in svgs]
    for p in pngs:
        assert png_size(p.read_bytes()) == (1280, 720), p.name
    for s in svgs:
        text = s.read_text(encoding="utf-8")
        assert text.lstrip().startswith("<svg") and 'width="1280"' in text and 'height="720"' in text, s.name
        assert cjk.search(text), f"{s.name}: no Chinese text"


def test_english_svgs_and_configured_sizes(tmp_path, cjk):
    fig = style.house_style(go.Figure(go.Scatter(x=[2020, 2021], y=[1, 2], name="Baseline")).update_layout(
        title="Dual-qualified teachers", xaxis_title="Year"), "en", width=960, height=540)
    written = export.export_bundle(tmp_path, title="t", lang="en", figures={"f": fig}, tables={}, scale=2)
    assert png_size(written["figures/f.png"].read_bytes()) == (1920, 1080)
    svg = written["figures/f.svg"].read_text(encoding="utf-8")
    assert "Dual-qualified teachers" in svg and "Year" in svg and not cjk.search(svg)


def test_chinese_glyphs_render_as_distinct_shapes_not_boxes():
    """Without a CJK font every ideograph is drawn as the same empty box, so two titles of equal length
    would give byte-identical images; with Noto Sans CJK they differ."""
    images = {}
    with export.chart_server():
        for title in ("双师型教师占比", "订单式培养人才", "双师型教师占比"):
            fig = style.house_style(go.Figure().update_layout(title=title), "zh", width=400, height=120)
            images.setdefault(title, []).append(export.figure_image(fig, "png"))
    same, other = images["双师型教师占比"], images["订单式培养人才"]
    assert same[0] == same[1]  # rendering is deterministic, so a difference below means different glyphs
    assert same[0] != other[0]
