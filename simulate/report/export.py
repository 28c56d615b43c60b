"""Write a briefing bundle: one offline HTML file, PNG + SVG of every chart, an Excel workbook, CSVs.

Every file is written atomically (:func:`simulate.results.runfolder.write_atomic`). Static images
come from kaleido 1.x driving the system Chromium (:mod:`simulate.report.images`): the browser is
found before anything is written, one server is kept for all charts of a bundle (≈0.2 s per chart
instead of ≈3 s for a browser per ``write_image``), and every image has a time limit. Use
:func:`chart_server` around several bundles to share one server between them.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from simulate.report.html_page import render_page
from simulate.report.images import chart_server, figure_image, find_browser
from simulate.report.style import check_lang
from simulate.results.runfolder import write_atomic

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")
"""Allowed figure and table names (they become file names)."""
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_names(names: list[str]) -> dict[str, str]:
    """Excel sheet names (≤ 31 characters, none of ``[]:*?/`` or backslash, unique) for table names."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = SHEET_FORBIDDEN.sub("_", name)[:31] or "sheet"
        candidate, i = base, 1
        while candidate.lower() in used:
            suffix = f"~{i}"
            candidate, i = base[:31 - len(suffix)] + suffix, i + 1
        used.add(candidate.lower())
        out[name] = candidate
    return out


def write_workbook(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """One sheet per table (header bold and frozen, columns sized to their content)."""
    from openpyxl.styles import Font, PatternFill

    from simulate.report.html_page import probability_colour

    names = sheet_names(list(tables))
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        if not tables:
            pd.DataFrame().to_excel(writer, sheet_name="empty", index=False)
        for name, df in tables.items():
            sheet = names[name]
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for j, col in enumerate(df.columns, start=1):  # P(met) cells coloured as in the HTML and charts
                if col in df.attrs.get("probability_columns", ()):
                    for i, value in enumerate(df[col], start=2):
                        if isinstance(value, (int, float)) and value == value:
                            fill = probability_colour(float(value)).lstrip("#")
                            ws.cell(row=i, column=j).fill = PatternFill("solid", start_color=fill, end_color=fill)
            for col in ws.columns:
                width = max((len(str(c.value)) if c.value is not None else 0) for c in col[:200])
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width * 1.2 + 2))


def _check_names(kind: str, names) -> None:
    for name in names:
        if not NAME.match(name):
            raise ValueError(f"{kind} name {name!r} must match {NAME.pattern} (it becomes a file name)")


def export_bundle(out: Path, *, title: str, lang: str, figures: dict[str, go.Figure],
                  tables: dict[str, pd.DataFrame], sections: list[tuple[str, list[str]]] | None = None,
                  notes: list[str] | None = None, images: bool = True, scale: float = 1.0) -> dict[str, Path]:
    """Write the briefing bundle into ``out``.

    Args:
        out: destination folder (created if needed; other files in it are left alone).
        title: the HTML page title and heading.
        lang: ``"zh"`` or ``"en"`` (page language and fonts).
        figures: name → styled figure; each becomes ``figures/<name>.png`` and ``.svg`` at its
            layout size (slide size 1280×720 if unset) and an interactive chart in the HTML.
        tables: name → table; each becomes a sheet of ``tables.xlsx``, ``tables/<name>.csv``
            (UTF-8 with BOM, so Excel opens Chinese text correctly) and an HTML table.
        sections: ``(heading, [figure or table names])`` in page order; by default one section of
            all figures, then one of all tables.
        notes: paragraphs shown under the title (provenance, pairing, caveats).
        images: write PNG and SVG files (needs kaleido and Chromium; :class:`~simulate.report.images.BrowserNotFound`
            before anything is written if there is none, :class:`~simulate.report.images.ImageError` if the
            browser fails or exceeds its time limit).
        scale: PNG pixel scale (1 gives exactly the layout size).

    Returns:
        Relative file name (``report.html``, ``figures/x.png``, …) → written path.
    """
    check_lang(lang)
    _check_names("figure", figures)
    _check_names("table", tables)
    clash = set(figures) & set(tables)
    if clash:
        raise ValueError(f"names used for both a figure and a table: {sorted(clash)}")
    if sections is None:
        sections = [(title, list(figures) + list(tables))]
    listed = {n for _, names in sections for n in names}
    unknown = listed - set(figures) - set(tables)
    if unknown:
        raise ValueError(f"sections name unknown figures or tables: {sorted(unknown)}")
    if images and figures:
        find_browser()  # before anything is written: no browser, no files
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}

    def put(rel: str, write) -> None:
        path = out / rel
        write_atomic(path, write)  # ordinary file permissions, not mkstemp's 0600
        written[rel] = path

    page = render_page(title=title, lang=lang, figures=figures, tables=tables, sections=sections,
                       notes=notes or [], generated=datetime.now().strftime("%Y-%m-%d %H:%M"))
    put("report.html", lambda p: p.write_text(page, encoding="utf-8"))
    for name, df in tables.items():
        put(f"tables/{name}.csv", lambda p, df=df: df.to_csv(p, index=False, encoding="utf-8-sig"))
    put("tables.xlsx", lambda p: write_workbook(p, tables))
    if images and figures:
        with chart_server() as server:
            for name, fig in figures.items():
                for fmt in ("png", "svg"):
                    data = server.image(fig, fmt, scale=scale if fmt == "png" else 1.0)
                    put(f"figures/{name}.{fmt}", lambda p, data=data: p.write_bytes(data))
    return written


def escape(text: object) -> str:
    """HTML-escape any value."""
    return html.escape(str(text), quote=True)


__all__ = ["chart_server", "escape", "export_bundle", "figure_image", "sheet_names", "write_workbook"]
