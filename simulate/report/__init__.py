"""Charts, tables and briefings: side-by-side scenario comparison and one-scenario reports.

- :mod:`simulate.report.style` — the palette and :func:`house_style` (fonts, slide size);
- :mod:`simulate.report.labels` — every string in Chinese and English;
- :mod:`simulate.report.charts` — pure plot functions (DataFrame → figure);
- :mod:`simulate.report.tables` — lever differences, goal matrix, paired differences, budget;
- :mod:`simulate.report.export` — the bundle: offline HTML, PNG/SVG, Excel and CSV, written atomically;
- :mod:`simulate.report.briefing` — assembles a comparison or a one-scenario briefing.
"""

from simulate.report.export import chart_server, export_bundle
from simulate.report.labels import goal_name, label
from simulate.report.style import PALETTE, house_style

__all__ = ["PALETTE", "chart_server", "export_bundle", "goal_name", "house_style", "label"]
