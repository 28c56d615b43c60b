"""How each policy lever acts: one module per lever, and the registry :data:`LEVERS` that documents them.

Every module holds all of its lever's logic and a :class:`Lever` record: the lever's path in the
scenario, the clauses it comes from, the months and steps where it acts, the indicators it moves and the
behavioural parameters its mechanism uses. ``docs/levers.md`` is generated from :func:`levers`
and checked by a test.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache


@dataclass(frozen=True)
class Lever:
    """Where and how one lever acts.

    Attributes:
        path: the lever's key under ``levers`` in a scenario.
        name_en, name_zh: names for planners.
        clauses: the policy clauses it comes from (seed file and clause).
        acts: (month, what happens) in calendar order.
        indicators: indicators its mechanism moves (``docs/indicators.md``).
        parameters: behavioural or regional parameters the mechanism uses (scenario paths).
        module: the module holding its logic.
    """

    path: str
    name_en: str
    name_zh: str
    clauses: tuple[str, ...]
    acts: tuple[tuple[str, str], ...]
    indicators: tuple[str, ...]
    parameters: tuple[str, ...]
    module: str = ""


@cache
def levers() -> tuple[Lever, ...]:
    """The lever registry, in the order of :class:`simulate.scenario.schema.Levers`.

    Imported lazily: the policy modules import this package for :class:`Lever`.
    """
    from simulate.policy import (
        apprenticeship,
        certificate_subsidy,
        enrollment_adjustment,
        funding,
        order_classes,
        part_time,
        surcharge_credit,
        surcharge_share,
        teacher_practice,
        training_bases,
    )

    modules = (enrollment_adjustment, apprenticeship, order_classes, funding, surcharge_credit, surcharge_share,
               teacher_practice, part_time, training_bases, certificate_subsidy)
    return tuple(replace(m.LEVER, module=m.__name__) for m in modules)
