"""``talentsim explore``: a local browser app where a planner moves lever sliders and sees results update.

The pieces, each usable and tested without a browser:

- :mod:`~simulate.explore.controls`: one control per lever, generated from the scenario schema
  (:class:`simulate.scenario.schema.Levers`), with its unit, documented range and the base value's source;
- :mod:`~simulate.explore.variant`: the controls' values overlaid on the base scenario and validated by the
  schema, with the messages the CLI prints;
- :mod:`~simulate.explore.jobs`: a process pool owned by the app; one job per browser tab, a newer change
  supersedes an older one; the base scenario's replications are computed once;
- :mod:`~simulate.explore.results`: base and variant on common random numbers → goal matrix, trajectories,
  paired differences, budget and cost per extra outcome (zh/en);
- :mod:`~simulate.explore.save`: "save as scenario" (a YAML file that ``extends:`` the base) and the briefing zip;
- :mod:`~simulate.explore.app`: the Dash app (every asset served from this machine).
"""

from __future__ import annotations

MAX_REPLICATIONS = 40
"""Replications one request may ask for (bounded work per request)."""
DEFAULT_REPLICATIONS = 10
"""Replications of the base and of each variant unless ``--reps`` says otherwise."""
