"""Parameter uncertainty: what the model does not know, declared beside each value and drawn per replication.

>>> from simulate.uncertainty import declared, draws, replication_scenarios
>>> uncertain = declared(loaded)                       # doctest: +SKIP
>>> table = draws(uncertain, seed=0, replications=40)  # doctest: +SKIP

:mod:`~simulate.uncertainty.declare` reads the distributions from a loaded scenario's provenance (ranges,
standard errors of fitted values, low and high paths); :mod:`~simulate.uncertainty.sample` draws them by
a Latin hypercube keyed per parameter and writes them into each replication's scenario. The engine never
imports this package: it simulates ordinary validated scenarios.
"""

from simulate.uncertainty.declare import DISTRIBUTIONS, Uncertain, between, bounded, counts, declared
from simulate.uncertainty.sample import MODES, apply, check_mode, draws, replication_scenarios, summary, write

__all__ = ["DISTRIBUTIONS", "MODES", "Uncertain", "apply", "between", "bounded", "check_mode", "counts", "declared",
           "draws", "replication_scenarios", "summary", "write"]
