"""Shipped scenarios and sweep specs, installed as the package data ``simulate.shipped.scenarios``.

Read them through :mod:`simulate.shipped` (``scenario_path("jiangxi_baseline")``), never by a path
relative to the source tree: an installed talentsim has no source tree.
"""
