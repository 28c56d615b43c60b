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
    AgePath,
    CountPath,
    GrowthPath,
    Persons,
    Rate,
    Share,
    SharePath,
    Yuan,
    YuanPath,
    dated,
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


class SubregionLevel(Strict):
    """Where a sub-region's schools of one level differ from the province's."""

    in_school_share: Share | None = Field(default=None, description="share of the level's students here")
    dual_qualified_share: Share | None = Field(
        default=None, description="双师型 share of specialty teachers here in the base year")


class Subregion(Strict):
    """A city or the rest of the province; schools and enterprises are placed in one."""

    name: Identifier
    name_zh: str
    school_share: SharePerLevel = Field(description="share of each level's schools located here")
    levels: dict[Level, SubregionLevel] = Field(
        default_factory=dict, description="per-level figures that differ from the province's")
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


class StatusQuo(Strict):
    """The policy in force when the base year's enterprise participation was observed.

    Firms' decisions are aligned to the published participation under this policy, so a scenario that
    changes a lever from its first year still changes participation (its levers are not absorbed into the
    alignment).
    """

    credit_rate: Share = Field(description="surcharge credit rate in force (004 §五(一))")
    credit_eligibility: Literal["certified", "cooperating"] = Field(description="who could claim the credit")
    certificate_subsidy: Yuan = Field(description="certificate subsidy in force (yuan per certificate)")
    apprenticeship_share: Share = Field(description="share of entrants schools sought to train jointly")


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
    status_quo: StatusQuo = Field(description="the policy under which base_participation was observed")


class Finance(Strict):
    """What schools are actually paid before any funding floor (生均拨款 as it stands)."""

    funding_level: PerLevel = Field(description="average per-student appropriation (yuan a year)")
    funding_dispersion: float = Field(ge=0, le=2, description="coefficient of variation across schools")


PersonsPath = dated(0.0, None, "persons")
"""A dated path of head counts (e.g. births by calendar year, ``{2000: 17650000, …}``)."""
RatioPath = dated(0.0, 5.0, "ratio")
"""A dated path of non-negative ratios (persons per person)."""


class Intake(Strict):
    """Who applies to vocational schools each September: the school-age cohort and how it splits.

    Junior-secondary graduates (初中毕业生) of year *y* = ``national_births`` of *y* − ``cohort_lag`` ×
    ``junior_per_birth`` (*y*) × ``province_share`` (*y*). Of them, ``vocational_share`` apply to
    secondary vocational or technical schools, ``technical_share_of_secondary`` of those to technical
    schools. External applicants to 高职 in *y* = ``higher_external_rate`` (*y*) × the graduates of
    *y* − ``higher_external_lag`` who did not enter vocational school (general-track leavers and
    others, incl. the 扩招 social applicants). :func:`simulate.agents.intake.applicants` computes them.
    The uncertain paths carry a ``range`` in their layer (see ``calibration/README.md``).
    """

    national_births: PersonsPath = Field(description="national births by calendar year (出生人口), {year: persons}")
    cohort_lag: int = Field(ge=10, le=20, description="years from birth to junior-secondary graduation")
    junior_per_birth: RatioPath = Field(
        description="national junior graduates per birth cohort_lag years earlier (registration drift; fitted)")
    province_share: SharePath = Field(description="the region's share of national junior graduates (1 nationally)")
    vocational_share: SharePath = Field(description="share of junior graduates entering secondary vocational/technical")
    technical_share_of_secondary: SharePath = Field(description="technical schools' share of secondary intake")
    higher_external_rate: RatioPath = Field(
        description="external applicants to 高职 per junior graduate of higher_external_lag years earlier who did "
                    "not enter vocational school")
    higher_external_lag: int = Field(ge=1, le=6, description="years from junior graduation to applying to 高职 "
                                                             "(three years of general senior secondary)")
    undergraduate_external_applicants: Persons = Field(
        description="external applicants to four-year vocational undergraduate programmes per year")


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
    finance: Finance
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
        for lv in LEVELS:
            given = [s.levels[lv].in_school_share for s in self.subregions
                     if lv in s.levels and s.levels[lv].in_school_share is not None]
            if given and sum(given) > 1 + 1e-6:
                raise ValueError(f"subregions' levels.{lv}.in_school_share must not sum to more than 1")
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

    dropout_rate: SharePerLevel = Field(description="yearly dropout at standard school resources (流失率)")
    progression_rate: SharePerLevel = Field(description="graduates continuing to the next modelled level (升学率)")
    further_study_rate: SharePerLevel = Field(
        description="graduates studying on outside the modelled levels (e.g. 专升本)")
    dropout_resource_elasticity: float = Field(
        ge=0, le=3, description="dropout × (operating money paid / standard need)^−ε: schools short of money lose more")
    dropout_joint_factor: Share = Field(
        description="dropout of order-class and apprenticeship students relative to regular students")


class Labour(Strict):
    """Labour market and migration."""

    matching_efficiency: float = Field(gt=0, le=5, description="A in M = A·U^α·V^(1−α)")
    matching_alpha: float = Field(gt=0, lt=1, description="α, elasticity of matches to job seekers")
    order_retention: Share = Field(description="order-class graduates hired by their partner firm")
    apprenticeship_retention: Share = Field(description="apprenticeship graduates hired by their partner firm")
    outflow_before_search: Share = Field(description="job-seeking graduates who leave the region before searching")
    joint_outflow_factor: Share = Field(
        description="early outflow of order/apprenticeship graduates not kept by the partner, relative to others")
    outflow_unmatched: Share = Field(description="unmatched graduates who then leave the region")
    unmatched_job_share: Share = Field(description="remaining unmatched graduates who take a job outside their field")
    match_quality_elasticity: float = Field(
        ge=0, le=3, description="search effectiveness × (school operating money paid / need)^ε")
    second_search_share: Share = Field(
        description="unmatched graduates who search once more across all industries their major serves")


class Teachers(Strict):
    """Teacher dynamics: ages and retirement, quits, hiring, enterprise practice, certification."""

    attrition_rate: Share = Field(description="yearly quits of teachers below retirement age")
    retirement_age_male: AgePath = Field(description="statutory retirement age of men (法定退休年龄)")
    retirement_age_female: AgePath = Field(description="statutory retirement age of women teachers")
    female_share: Share = Field(description="share of teachers who are women")
    entry_age: int = Field(ge=18, le=45, description="age of a teacher hired from university")
    industry_hire_age: int = Field(ge=18, le=55, description="age of a specialty teacher hired from industry")
    salary_cost: Yuan = Field(description="yearly cost of one full-time teacher incl. contributions and support staff")
    max_ratio_factor: float = Field(ge=1, le=3, description="students per teacher a school accepts, × base ratio")
    certification_rate: Share = Field(description="yearly certification chance of a practice-compliant teacher with a "
                                                  "funded course place")
    practice_months_per_post: int = Field(ge=1, le=12, description="months one practice post gives a teacher a year")
    industry_hire_share: SharePath = Field(
        description="share of new specialty teachers hired from industry with enterprise experience")
    industry_hire_dual_share: Share = Field(
        description="share of industry hires recognised dual-qualified on arrival")
    initial_practice_share: Share = Field(
        description="base year: share of non-dual specialty teachers meeting the practice rule in its window")


class Enterprises(Strict):
    """Enterprise participation decisions in yuan and what cooperating firms offer."""

    participation_size: float = Field(ge=-10, le=10, description="logit effect of being large (≥1亿 or ≥1000 staff)")
    participation_benefit: float = Field(
        ge=0, le=20, description="logit effect per 100 yuan of net benefit per employee a year")
    participation_peers: float = Field(ge=0, le=20, description="logit effect of industry participation share")
    participation_hires: float = Field(ge=0, le=50, description="logit effect of expected hires per 100 staff")
    exit_rate: Share = Field(description="yearly chance a cooperating firm stops, at zero net benefit")
    certified_exit_rate: Share = Field(description="yearly chance a certified firm stops cooperating")
    certification_rate: Share = Field(
        description="yearly chance a large cooperating firm is certified (产教融合型企业)")
    investment_per_employee: Yuan = Field(
        description="qualifying investment in vocational education per employee of a cooperating firm, no credit")
    investment_credit_elasticity: float = Field(
        ge=0, le=5, description="investment × (1 − credit rate at the margin)^−η")
    seats_per_100_staff: float = Field(ge=0, le=50, description="order/apprenticeship seats per 100 employees at the "
                                                                "investment without credit")
    hire_value: Yuan = Field(description="value to a firm of a trained graduate it keeps (recruiting, induction, "
                                         "early productivity saved)")
    apprentice_cost: Yuan = Field(description="yearly cost to a firm of one order-class or apprenticeship trainee")
    medium_staff: int = Field(ge=1, description="employees from which a firm is medium-sized (大中型企业)")
    post_compliance_participating: Share = Field(
        description="share of the asked practice posts that cooperating large and medium firms offer")
    post_compliance_other: Share = Field(
        description="share of the asked practice posts that other large and medium firms offer")
    public_posts_per_100_teachers: float = Field(
        ge=0, le=50, description="practice places at public teacher-training bases per 100 specialty teachers")
    part_time_per_1000_staff: float = Field(ge=0, le=100, description="part-time teachers offered per 1,000 staff")
    bases_per_firm: float = Field(ge=0, le=10, description="training bases a cooperating firm can host")
    staff_training_base: Share = Field(description="employees trained per year in a firm that does not cooperate")
    staff_training_participant: Share = Field(description="employees trained per year in a cooperating firm")
    training_cost_per_employee: Yuan = Field(description="cost of one employee's certified training")
    certified_share_of_trained: Share = Field(
        description="share of trained employees who earn a vocational certificate the subsidy pays for")
    training_subsidy_elasticity: float = Field(
        ge=0, le=5, description="training share × (cost / (cost − subsidy))^ε")
    revenue_noise: float = Field(ge=0, le=1, description="sd of firm-level revenue growth shocks")


class Institutions(Strict):
    """Order classes, consortia, training bases, industrial colleges, majors and school mergers."""

    order_class_size: int = Field(ge=5, le=100, description="students per order class")
    apprenticeship_of_joint: Share = Field(
        description="share of joint-training entrants in apprenticeship (vs order class)")
    consortium_overlap: float = Field(
        ge=1, le=20, description="schools of one level and sub-region taking part in the same consortium")
    consortium_formation_rate: Share = Field(
        description="yearly chance a school forms a new consortium when it has the reference partner firms")
    consortium_partner_firms: float = Field(gt=0, description="partner firms per school at the formation rate")
    consortium_dissolution_rate: Share = Field(description="yearly chance a school's membership of a consortium ends")
    base_membership: Share = Field(description="share of schools in a group or consortium in the base year")
    consortium_join_rate: Share = Field(
        description="yearly chance a school joins one more consortium, at the reference partner firms")
    base_bases_per_school: float = Field(ge=0, le=100, description="practice/training bases per school, base year")
    base_attrition: Share = Field(description="yearly share of training bases lost (partner leaves, equipment ages)")
    own_base_share: Share = Field(
        description="share of a school-major's funded base need that firms cannot host built on campus each year")
    industrial_college_partners: int = Field(
        ge=1, le=100, description="partner firms a school needs to open an industrial college")
    major_min_intake: int = Field(ge=0, le=500, description="a school-major planning fewer entrants stops enrolling")
    major_opening_pressure: float = Field(
        ge=1, le=10, description="relative demand pressure above which a school opens a major it lacks")
    merger_min_intake: PerLevel = Field(
        description="entrants a year below which a school merges into another of its level and sub-region")


class Budget(Strict):
    """Public finance of vocational schools: what a school's money pays for."""

    standard_cost_per_student: PerLevel = Field(
        description="all-in yearly cost per student at standard staffing, operations and teacher development")
    practice_cost_per_month: Yuan = Field(description="school's cost of one teacher-month of enterprise practice")
    certification_cost: Yuan = Field(description="school's cost of one dual-qualified certification course")
    base_cost: Yuan = Field(description="school's yearly equipment cost of one practice/training base")
    part_time_cost: Yuan = Field(description="yearly pay of one enterprise part-time teacher")
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
    apprenticeship_share: SharePath = Field(
        description="share of entrants schools seek to train jointly with firms (order classes, apprenticeship)")
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
