"""The goal catalogue (目标清单): every quantified target of the five policy documents, as data.

``catalogue.yaml`` beside this module holds one entry per target with its
Chinese text, source file, clause and line, the indicator it is judged on, the
comparator, target and deadline. Qualitative goals are operationalised by
labelled proxies (``proxy: true`` with a rationale); targets the model cannot
measure are listed with ``status: not_modelled`` and the reason.

Every goal has a ``kind``: an ``outcome`` is something the simulated world produces (teachers certified,
bases built, firms cooperating); a ``commitment`` is a setting the scenario itself makes (funding per
student, the surcharge earmark), judged on what is actually paid or done and reported apart from the
outcomes. An outcome that no lever setting in ``scenarios/lever_ranges.yaml`` can move carries
``fixed_because``: the reason about the world (never about the code) why it cannot move.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

CATALOGUE = Path(__file__).with_name("catalogue.yaml")
class Pending(NamedTuple):
    """An indicator the engine is adding, that goals are already judged on.

    Attributes:
        month: calendar month its yearly value is settled.
        definition: what it measures.
        stand_in: an indicator judged in its place until the engine writes it (``None``: no verdict).
    """

    month: int
    definition: str
    stand_in: str | None = None


PENDING_INDICATORS: dict[str, Pending] = {
    "per_student_funding_min": Pending(
        1, "yuan, level x region: the lowest per-student appropriation actually paid to any school of the "
           "level in the region that year (January budget)",
        stand_in="per_student_funding"),
}
"""Indicators goals are judged on that the engine is adding. Until the engine writes one, its stand-in is
judged and ``goals.csv`` names it (the average paid per student stands in for the lowest: while every
school of a level is paid the same rate they are equal); without a stand-in the goal has no verdict."""
REGION_PREFIXES: dict[str, str] = {"jx": "jiangxi", "nc": "nanchang", "hn": "hunan", "jl": "jilin", "cn": "national"}
"""The region a goal applies to, by the prefix of its id (the issuing jurisdiction of the document).

A goal is judged only on a scenario that simulates its region: the scenario's province or one of its
sub-regions (``nanchang`` in the Jiangxi scenarios), and ``national`` only on a scenario whose region is
``national``. A goal whose id has another prefix (one a scenario adds) names its region in ``region``."""
SEEDS_FILES = ("000_e33053aec7dde7aa.txt", "001_7664ff0e7f3b3d70.txt", "002_ed6320b76da44b90.txt",
               "003_6dbe643eb8838f3a.txt", "004_1a4bd3b1525ab7dc.txt")
"""The five source documents (``shared/seeds``)."""


class Source(BaseModel):
    """Where a target is written: seed file, clause and line."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    clause: str
    line: int = Field(ge=1)


class Deadline(BaseModel):
    """Deadline year (and month where the text gives one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    year: int = Field(ge=1990, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)

    def label(self) -> str:
        """``2025`` or ``2025-06``."""
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


class Goal(BaseModel):
    """One target of the catalogue (or one a scenario adds).

    Attributes:
        kind: ``outcome`` (the simulated world produces it) or ``commitment`` (a setting the scenario makes,
            judged on what is actually paid or done, reported apart).
        aggregate: ``value`` at the deadline; ``cumulative`` sum from ``from_year``; ``every_year`` from
            ``from_year`` (the clause's own start), judged at the 2025 and 2030 milestones; ``change`` since
            ``from_year``.
        reading: which reading of an ambiguous clause is used, and why.
        derived_target: how the target follows from the clause when the number is not written in it (an
            every-unit rule whose standard is inside a compliance indicator).
        fixed_because / fixed_because_zh: why no lever setting the documents support can move the verdict
            (a reason about the world, measured by ``talentsim goals --reachability``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: Literal["outcome", "commitment"]
    digest_id: str | None = None
    digest: bool = True
    name_zh: str
    name_en: str
    text_zh: str
    text_en: str
    source: Source
    region: str
    level: str
    metric: str | None
    aggregate: Literal["value", "cumulative", "every_year", "change"] = "value"
    from_year: int | None = None
    per_school: Literal["aggregate", "every_school"] | None = None
    comparator: Literal[">=", "<=", "between"]
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    unit: str
    deadline: Deadline
    proxy: bool = False
    rationale: str | None = None
    status: Literal["modelled", "not_modelled"]
    reason: str | None = None
    notes: str | None = None
    reading: str | None = None
    derived_target: str | None = None
    fixed_because: str | None = None
    fixed_because_zh: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Goal:
        if self.status == "modelled" and not self.metric:
            raise ValueError(f"goal {self.id}: a modelled goal needs a metric")
        if self.status == "not_modelled" and not self.reason:
            raise ValueError(f"goal {self.id}: a not_modelled goal needs a reason")
        if self.proxy and not self.rationale:
            raise ValueError(f"goal {self.id}: a proxy needs a rationale")
        if self.comparator == "between" and (self.target_low is None or self.target_high is None):
            raise ValueError(f"goal {self.id}: 'between' needs target_low and target_high")
        if self.comparator != "between" and self.target is None:
            raise ValueError(f"goal {self.id}: needs a target")
        if self.aggregate in ("cumulative", "every_year", "change") and self.from_year is None:
            raise ValueError(f"goal {self.id}: aggregate {self.aggregate} needs from_year")
        if (self.fixed_because is None) != (self.fixed_because_zh is None):
            raise ValueError(f"goal {self.id}: fixed_because needs both the English and the Chinese text")
        if self.fixed_because and (self.kind != "outcome" or self.status != "modelled"):
            raise ValueError(f"goal {self.id}: only a modelled outcome can be fixed_because")
        prefix = self.id.split(".", 1)[0]
        if prefix in REGION_PREFIXES and self.region != REGION_PREFIXES[prefix]:
            raise ValueError(f"goal {self.id}: a {prefix}.* goal applies to {REGION_PREFIXES[prefix]}, not "
                             f"{self.region!r}")
        return self

    def applies_to(self, regions) -> bool:
        """Whether the goal is judged on a scenario simulating ``regions`` (its province and sub-regions)."""
        return self.region in set(regions)

    @property
    def source_label(self) -> str:
        """``001_7664ff0e7f3b3d70.txt §二 (line 30)``."""
        return f"{self.source.file} {self.source.clause} (line {self.source.line})"


class Catalogue(BaseModel):
    """The catalogue file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    goals: list[Goal]

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        ids = [g.id for g in self.goals]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate goal ids {sorted(dup)}")
        return self


@cache
def load_catalogue(path: Path = CATALOGUE) -> tuple[Goal, ...]:
    """The shipped catalogue, validated."""
    return tuple(Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).goals)


def scenario_goals(settings) -> tuple[Goal, ...]:
    """The catalogue with a scenario's overrides applied and its added goals appended.

    Args:
        settings: ``Scenario.goals`` (:class:`simulate.scenario.schema.GoalSettings`).

    Raises:
        ValueError: an override names an unknown goal, or an added goal is malformed or reuses an id.
    """
    goals = list(load_catalogue())
    index = {g.id: i for i, g in enumerate(goals)}
    for gid, ov in settings.override.items():
        if gid not in index:
            raise ValueError(f"goals.override names unknown goal {gid!r}")
        update = {k: v for k, v in ov.model_dump().items() if v is not None}
        if "deadline" in update:
            update["deadline"] = Deadline(**update["deadline"])
        old = goals[index[gid]]
        notes = ((old.notes or "") + " Target/deadline set by the scenario.").strip()
        goals[index[gid]] = Goal.model_validate({**old.model_dump(), **update, "notes": notes})
    for raw in settings.add:
        g = Goal.model_validate(raw)
        if g.id in index:
            raise ValueError(f"goals.add reuses the catalogue id {g.id!r}")
        goals.append(g)
    return tuple(goals)
