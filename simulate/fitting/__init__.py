"""Calibration to published statistics and back-testing against naive forecasts (issue #6).

* :mod:`~simulate.fitting.data` — the strict loader of the observed statistics and their coverage rules;
* :mod:`~simulate.fitting.model` — the engine's cohort and staffing equations in expected value;
* :mod:`~simulate.fitting.calibrate` — bounded weighted least squares, standard errors, bootstrap;
* :mod:`~simulate.fitting.backtest` — fit up to a year, project, score against naive forecasts;
* :mod:`~simulate.fitting.layers` — fitted values as scenario layers (``extends:``-able YAML);
* :mod:`~simulate.fitting.engine_check` — the same fit checked with the agent engine;
* :mod:`~simulate.fitting.report` — fit report and back-test report (CSV, charts, HTML).
"""

from simulate.fitting.calibrate import Fit, fit, fit_statistics
from simulate.fitting.data import DataError, Observed, harmonised, load_observed

__all__ = ["DataError", "Fit", "Observed", "fit", "fit_statistics", "harmonised", "load_observed"]
