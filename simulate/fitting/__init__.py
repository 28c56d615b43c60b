"""Calibration to published statistics and back-testing against naive forecasts (issue #6).

* :mod:`~simulate.fitting.data` — the strict loader of the observed statistics and their coverage rules;
* :mod:`~simulate.fitting.cohort` — national births and the births → junior-graduates ratio;
* :mod:`~simulate.fitting.model` — the engine's cohort and staffing equations in expected value;
* :mod:`~simulate.fitting.calibrate` — bounded weighted least squares, standard errors, bootstrap;
* :mod:`~simulate.fitting.backtest` — fit up to a year, project, score against naive forecasts;
* :mod:`~simulate.fitting.layers` — fitted values as scenario layers (``extends:``-able YAML);
* :mod:`~simulate.fitting.paths` — the intake drivers as dated paths with a central path and a range;
* :mod:`~simulate.fitting.regional` — a province's intake from the national drivers and its snapshot;
* :mod:`~simulate.fitting.outlook` — the cohort outlook the layers hand to the engine;
* :mod:`~simulate.fitting.attribution` — which driver explains a back-test error;
* :mod:`~simulate.fitting.engine_check` — the same fit checked with the agent engine;
* :mod:`~simulate.fitting.report` — fit report and back-test report (CSV, charts, HTML).
"""

from simulate.fitting.calibrate import Fit, fit, fit_statistics
from simulate.fitting.data import DataError, Observed, harmonised, load_observed

__all__ = ["DataError", "Fit", "Observed", "fit", "fit_statistics", "harmonised", "load_observed"]
