"""The scenario schema: a frozen, validated description of one simulation.

A scenario file (YAML) is validated into :class:`Scenario` at the boundary;
the engine never sees YAML. The schema has no numeric defaults for model
parameters: every value comes from a layer (``calibration/parameters/*.yaml``
or a scenario file) where it carries its source, so every figure in a report
traces to a statistic, a policy clause or a labelled assumption.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from simulate.scenario.types import (
    CountPath,
    GrowthPath,
    Persons,
    Rate,
    Share,
    SharePath,
    Yuan,
    YuanPath,
)

LEVELS = ("secondary_vocational", "technical_school", "higher_vocational", "vocational_undergraduate")
"""Education levels, in the order used by every per-level array (中职, 技工, 高职, 职业本科)."""
Level = Literal["secondary_vocational", "technical_school", "higher_vocational", "vocational_undergraduate"]
TIERS = ("A", "B", "other")
"""School tiers as Nanchang grades secondary vocational schools (A / B / other)."""
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class Strict(BaseModel):
    """Base for every schema model: unknown keys are errors, objects are frozen, numbers are finite (no inf, NaN)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PerLevel(Strict):
    """A value for each education level (中职 / 技工 / 高职 / 职业本科)."""

    secondary_vocational: float = Field(ge=0)
    technical_school: float = Field(ge=0)
    higher_vocational: float = Field(ge=0)
    vocational_undergraduate: float = Field(ge=0)

    def as_tuple(self) -> tuple[float, ...]:
        """Values in :data:`LEVELS` order."""
        return tuple(getattr(self, lv) for lv in LEVELS)


class SharePerLevel(PerLevel):
    """A share (0–1) for each education level."""

    secondary_vocational: Share
    technical_school: Share
    higher_vocational: Share
    vocational_undergraduate: Share


class LevelStock(Strict):
    """Published aggregates of one education level in the region (base-year stock)."""

    schools: int = Field(ge=0, description="number of schools")
    in_school: Persons
    program_years: int = Field(ge=1, le=5, description="years of study (学制)")
    student_teacher_ratio: float = Field(gt=0, le=100, description="students per full-time teacher (生师比)")
    professional_teacher_share: Share = Field(
        description="share of full-time teachers who teach specialty courses (专业课教师)")
    dual_qualified_share: Share = Field(description="双师型 share of specialty teachers in the base year")
    part_time_share: Share = Field(description="enterprise part-time teachers / specialty teachers (兼职教师)")
    majors_per_school: int = Field(ge=1, le=20)


class Subregion(Strict):
    """A city or the rest of the province; schools and enterprises are placed in one."""

    name: Identifier
    name_zh: str
    school_share: SharePerLevel = Field(description="share of each level's schools located here")
    enterprise_share: Share
    county_schools: int = Field(
        ge=0, description="county/district secondary schools (县区中职), industrial-college rule")


class Industry(Strict):
    """An industry of the regional plan (e.g. Jiangxi's ten systems, Nanchang's 4+4+X)."""

    id: Identifier
    name_zh: str
    name_en: str
    priority: bool = Field(description="a priority industry of the plan (judged by the 2030 mismatch proxy)")
    employment_share: Share = Field(description="share of the enterprise population's employees")
    revenue_growth: GrowthPath = Field(description="yearly revenue growth (e.g. 8810 plan ≈10%)")
    employment_elasticity: float = Field(ge=0, le=2, description="employment growth per unit revenue growth")
    replacement_rate: Share = Field(description="retirement + turnover per year, share of employees")


class Major(Strict):
    """A major group (专业大类) with its relevance to industries."""

    id: Identifier
    name_zh: str
    name_en: str
    enrollment_share: Share = Field(description="share of base-year enrollment across all levels")
    relevance: dict[Identifier, Annotated[float, Field(ge=0)]] = Field(
        description="weights of industries this major trains for (normalised to sum 1)"
    )


class EnterprisePopulation(Strict):
    """Employers of vocational graduates, synthesised as weighted records."""

    count: int = Field(ge=1, description="enterprises represented")
    employees: Persons
    records: int = Field(ge=1, description="records simulated (each weighted count/records)")
    size_sigma: float = Field(gt=0, le=4, description="lognormal sigma of employees per firm")
    revenue_per_employee: Yuan
    vat_ct_share_of_revenue: Share = Field(description="VAT + consumption tax paid / revenue")
    vocational_hire_share: Share = Field(description="share of vacancies open to vocational graduates")
    base_participation: Share = Field(description="share of enterprises cooperating with schools in the base year")
    base_certified: Share = Field(description="share certified as 产教融合型企业 in the base year")


class Intake(Strict):
    """Who applies to vocational schools each September."""

    junior_graduates: Persons = Field(description="junior-secondary graduates in the base year (初中毕业生)")
    junior_graduates_growth: GrowthPath
    vocational_share: SharePath = Field(description="share of junior graduates entering secondary vocational/technical")
    technical_share_of_secondary: SharePath = Field(description="technical schools' share of secondary intake")
    higher_external_applicants: Persons = Field(description="general-high-school and other applicants to 高职 per year")
    higher_external_growth: GrowthPath
    undergraduate_external_applicants: Persons


class Region(Strict):
    """The simulated province and its sub-regions."""

    name: Identifier
    name_zh: str
    levels: dict[Level, LevelStock]
    tier_shares: dict[Literal["A", "B", "other"], Share] = Field(description="secondary vocational schools by tier")
    subregions: list[Subregion] = Field(min_length=1)
    industries: list[Industry] = Field(min_length=1)
    majors: list[Major] = Field(min_length=1, max_length=40)
    enterprises: EnterprisePopulation
    intake: Intake

    @model_validator(mode="after")
    def _consistent(self) -> Region:
        missing = set(LEVELS) - set(self.levels)
        if missing:
            raise ValueError(f"levels must give all of {list(LEVELS)}; missing {sorted(missing)}")
        if abs(sum(self.tier_shares.values()) - 1) > 1e-6:
            raise ValueError("tier_shares must sum to 1")
        for lv in LEVELS:
            total = sum(getattr(s.school_share, lv) for s in self.subregions)
            if abs(total - 1) > 1e-6:
                raise ValueError(f"subregions' school_share.{lv} must sum to 1, got {total:g}")
        if abs(sum(s.enterprise_share for s in self.subregions) - 1) > 1e-6:
            raise ValueError("subregions' enterprise_share must sum to 1")
        ids = {i.id for i in self.industries}
        for m in self.majors:
            unknown = set(m.relevance) - ids
            if unknown:
                raise ValueError(f"major {m.id!r}: relevance names unknown industries {sorted(unknown)}")
            if sum(m.relevance.values()) <= 0:
                raise ValueError(f"major {m.id!r}: relevance weights must not all be zero")
        for name, items in (("industry", self.industries), ("major", self.majors), ("subregion", self.subregions)):
            keys = [getattr(x, "id", getattr(x, "name", None)) for x in items]
            if len(keys) != len(set(keys)):
                raise ValueError(f"{name} ids must be unique")
        return self


class Cohorts(Strict):
    """Student flows (per year)."""

    @model_validator(mode="after")
    def _shares(self) -> Cohorts:
        for lv in LEVELS:
            total = getattr(self.progression_rate, lv) + getattr(self.further_study_rate, lv)
            if total > 1:
                raise ValueError(f"progression_rate + further_study_rate of {lv} must not exceed 1, got {total:g}")
        return self

    dropout_rate: SharePerLevel = Field(description="yearly dropout (流失率)")
    progression_rate: SharePerLevel = Field(description="graduates continuing to the next modelled level (升学率)")
    further_study_rate: SharePerLevel = Field(
        description="graduates studying on outside the modelled levels (e.g. 专升本)")


class Labour(Strict):
    """Labour market and migration."""

    matching_efficiency: float = Field(gt=0, le=5, description="A in M = A·U^α·V^(1−α)")
    matching_alpha: float = Field(gt=0, lt=1, description="α, elasticity of matches to job seekers")
    order_retention: Share = Field(description="order/apprenticeship graduates hired by the partner firm")
    outflow_before_search: Share = Field(description="job-seeking graduates who leave the region before searching")
    outflow_unmatched: Share = Field(description="unmatched graduates who then leave the region")
    unmatched_job_share: Share = Field(description="remaining unmatched graduates who take a job outside their field")


class Teachers(Strict):
    """Teacher dynamics."""

    attrition_rate: Share = Field(description="yearly quits (besides retirement)")
    career_years: int = Field(ge=10, le=50, description="years of service at retirement")
    salary_cost: Yuan = Field(description="yearly cost of one full-time teacher")
    max_ratio_factor: float = Field(ge=1, le=3, description="students per teacher a school accepts, × base ratio")
    certification_rate: Share = Field(description="yearly certification chance of a practice-compliant teacher")
    practice_months_per_post: int = Field(ge=1, le=12, description="months one practice post gives a teacher a year")


class Enterprises(Strict):
    """Enterprise participation and what cooperating firms offer."""

    participation_intercept: float = Field(ge=-20, le=20, description="logit intercept of joining")
    participation_size: float = Field(ge=-10, le=10, description="logit effect of being large (≥1亿 or ≥1000 staff)")
    participation_incentive: float = Field(ge=0, le=50, description="logit effect per unit credit / investment")
    participation_peers: float = Field(ge=0, le=20, description="logit effect of industry participation share")
    participation_hires: float = Field(ge=0, le=50, description="logit effect of expected hires per 100 staff")
    exit_rate: Share = Field(description="yearly chance a cooperating firm stops cooperating")
    certification_rate: Share = Field(description="yearly chance a qualifying cooperating firm is certified")
    seats_per_100_staff: float = Field(ge=0, le=50, description="order/apprenticeship seats per 100 employees")
    investment_per_employee: Yuan = Field(description="qualifying investment in vocational education per employee")
    part_time_per_1000_staff: float = Field(ge=0, le=100, description="part-time teachers offered per 1,000 staff")
    bases_per_firm: float = Field(ge=0, le=10, description="training bases a cooperating firm hosts")
    staff_training_share: Share = Field(description="employees trained per year in a cooperating firm")
    revenue_noise: float = Field(ge=0, le=1, description="sd of firm-level revenue growth shocks")


class Institutions(Strict):
    """Consortia, industrial colleges and order classes."""

    order_class_size: int = Field(ge=5, le=100, description="students per order class")
    apprenticeship_of_joint: Share = Field(
        description="share of joint-training entrants in apprenticeship (vs order class)")
    consortium_size: int = Field(ge=2, le=200, description="schools per vocational education group")
    consortium_formation_rate: Share = Field(description="yearly chance an unaffiliated school joins/forms one")
    base_membership: Share = Field(description="share of schools in a group or consortium in the base year")
    industrial_college_partners: int = Field(
        ge=1, le=100, description="partner firms a school needs to open an industrial college")


class Budget(Strict):
    """Public finance of vocational schools."""

    capacity_cost_per_seat: Yuan = Field(description="non-salary yearly cost per student place")
    surcharge_rate: Share = Field(description="education surcharge (3%) + local education surcharge (2%) on VAT+CT")
    local_surcharge_rate: Share = Field(description="local education surcharge rate (2%)")


class Behaviour(Strict):
    """Behavioural parameters, each from calibration or a labelled assumption."""

    cohorts: Cohorts
    labour: Labour
    teachers: Teachers
    enterprises: Enterprises
    institutions: Institutions
    budget: Budget


class EnrollmentAdjustment(Strict):
    """专业动态调整: plans follow employment outcomes and demand outlook."""

    responsiveness: SharePath = Field(description="how strongly plans follow the employment signal (0 = not at all)")
    max_change: SharePath = Field(description="cap on a major's yearly plan change")
    expand: list[Identifier] = Field(default_factory=list, description="majors to expand (shortage majors)")
    close: list[Identifier] = Field(default_factory=list, description="majors to stop enrolling")
    from_year: int = Field(ge=1990, le=2100, description="first April the plans are adjusted")


class OrderClassMinimum(Strict):
    """Minimum order classes per secondary school per year by tier (Nanchang: A≥5, B≥3, other≥2)."""

    A: int = Field(ge=0, le=100, description="order classes a year in each A-tier school")
    B: int = Field(ge=0, le=100, description="order classes a year in each B-tier school")
    other: int = Field(ge=0, le=100, description="order classes a year in each other school")
    subregions: list[Identifier] | None = Field(default=None, description="where the rule applies (all if absent)")
    from_year: int = Field(default=1990, ge=1990, le=2100, description="first September the rule applies")


class Funding(Strict):
    """生均拨款: per-student appropriations by level (yuan per student per year)."""

    secondary: YuanPath = Field(description="secondary vocational and technical schools")
    higher: YuanPath = Field(description="higher vocational and vocational undergraduate")


class SurchargeCredit(Strict):
    """教育费附加抵免: credit of qualifying investment against the surcharge due."""

    rate: SharePath = Field(description="share of qualifying investment credited (30%)")
    eligibility: Literal["certified", "cooperating"] = Field(description="who may claim the credit")


class TeacherPractice(Strict):
    """Enterprise practice rule (6 months per 5 years) and its enforcement."""

    months_required: int = Field(ge=0, le=60, description="months of enterprise practice a teacher needs")
    window_years: int = Field(ge=1, le=10, description="years within which the months are due (5)")
    enforcement: SharePath = Field(description="share of non-compliant teachers sent to practice")
    post_rate: SharePath = Field(description="practice posts firms offer, share of their staff (0.5%)")


class Levers(Strict):
    """The policy levers, each a dated path (constant, steps or ramp)."""

    enrollment_adjustment: EnrollmentAdjustment
    apprenticeship_share: SharePath = Field(description="cap on the share of entrants in order/apprenticeship tracks")
    order_class_minimum: OrderClassMinimum
    per_student_funding: Funding
    surcharge_credit: SurchargeCredit
    surcharge_vocational_share: SharePath = Field(
        description="share of local education surcharge for vocational schools")
    teacher_practice: TeacherPractice
    part_time_target: SharePath = Field(description="target enterprise part-time share of specialty teachers")
    bases_per_major_target: CountPath = Field(description="training bases each major should have")
    certificate_subsidy: YuanPath = Field(description="subsidy per certified employee (yuan)")


class GoalOverride(Strict):
    """A planner's local target or deadline for a catalogue goal."""

    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    deadline: dict[Literal["year", "month"], int] | None = None


class GoalSettings(Strict):
    """Goals a scenario adds to the catalogue, and overrides of catalogue targets and deadlines."""

    add: list[dict] = Field(default_factory=list, description="goals in the catalogue's format")
    override: dict[str, GoalOverride] = Field(default_factory=dict, description="goal id → new target/deadline")


class Scenario(Strict):
    """A complete, validated scenario: region, behaviour and levers over a horizon."""

    name: Identifier
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    base_year: int = Field(ge=2000, le=2100)
    horizon: int = Field(ge=2000, le=2100)
    scale: float = Field(default=1.0, gt=0, le=100, description="population multiplier (benchmarks)")
    seed: int = Field(default=0, ge=0)
    region: Region
    behaviour: Behaviour
    levers: Levers
    goals: GoalSettings = Field(default_factory=GoalSettings)

    @field_validator("horizon")
    @classmethod
    def _after_base_year(cls, horizon: int, info: ValidationInfo) -> int:
        base_year = info.data.get("base_year")
        if base_year is not None and horizon <= base_year:
            raise ValueError(f"horizon must be a year after base_year ({base_year}), got {horizon}: the last "
                             "simulated year comes after the first")
        return horizon

    @model_validator(mode="after")
    def _years(self) -> Scenario:
        majors = {m.id for m in self.region.majors}
        adj = self.levers.enrollment_adjustment
        from simulate.goals.catalogue import scenario_goals  # goals are data; no engine import

        try:
            scenario_goals(self.goals)
        except Exception as exc:  # report a malformed goal like any other schema problem
            raise ValueError(f"goals: {exc}".replace("\n", "; ")) from None
        ocm = self.levers.order_class_minimum.subregions or []
        unknown_sub = set(ocm) - {s.name for s in self.region.subregions}
        if unknown_sub:
            raise ValueError(f"levers.order_class_minimum.subregions names unknown subregions {sorted(unknown_sub)}")
        for key in ("expand", "close"):
            unknown = set(getattr(adj, key)) - majors
            if unknown:
                raise ValueError(f"levers.enrollment_adjustment.{key} names unknown majors {sorted(unknown)}")
        return self


__all__ = ["LEVELS", "TIERS", "Scenario", "Region", "Behaviour", "Levers", "Rate", "Share"]
