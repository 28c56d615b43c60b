"""Observed statistics, parameter files and fitted layers: the package data ``simulate.shipped.calibration``.

Read them through :mod:`simulate.shipped` (``calibration_dir()``, ``data_file("observed_2015_2022.csv")``),
never by a path relative to the source tree: an installed talentsim has no source tree.
"""
