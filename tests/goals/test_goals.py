"""Goal catalogue and verdicts: coverage of the digest, traceability, Wilson interval, P = 1 / P = 0."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulate.goals.catalogue import PENDING_INDICATORS, SEEDS_FILES, Goal, load_catalogue, scenario_goals
from simulate.goals.verdicts import wilson_interval
from simulate.policy.order_classes import STANDARD as ORDER_CLASS_STANDARD
from simulate.policy.training_bases import STANDARD as BASES_STANDARD
from simulate.results.indicators import INDICATORS
from simulate.scenario.schema import GoalSettings

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DIGEST_IDS = [
    "nc.order_trained", "nc.dual_teachers", "nc.training_bases", "nc.groups", "nc.dual_share",
    "nc.parttime_share", "nc.order_classes", "nc.industrial_colleges", "nc.surcharge_share", "jx.practice_hours",
    "jx.training_funds", "jx.teacher_practice", "jx.2025", "jx.2030", "hn.per_student", "hn.teacher_posts",
    "hn.staff_training", "hn.teacher_practice", "hn.counts", "hn.big_firms", "hn.forecast", "jl.training_funds",
    "jl.cert_subsidy", "jl.223", "jl.committees", "cn.cities", "cn.enterprises", "jx.tech_transfer",
]
"""Every id of the POLICY_DIGEST.md target table (jx.2025 / jx.2030 is one row with two ids)."""


def test_digest_table_ids_match_this_list():
    digest = SHARED / "POLICY_DIGEST.md"
    if not digest.exists():
        pytest.skip("shared/ not beside the clone")
    found = set(re.findall(r"^\| ((?:nc|jx|hn|jl|cn)\.[a-z0-9_.]+)", digest.read_text(encoding="utf-8"), re.M))
    assert found == set(DIGEST_IDS) - {"jx.2030"}  # the "jx.2025 / jx.2030" row is read as jx.2025


@pytest.mark.parametrize("digest_id", DIGEST_IDS)
def test_catalogue_covers_every_digest_target(digest_id):
    goals = load_catalogue()
    assert any(g.digest_id == digest_id for g in goals), f"no goal for digest row {digest_id}"


def test_every_goal_names_a_seed_file_clause_and_a_produced_indicator():
    for g in load_catalogue():
        assert g.source.file in SEEDS_FILES
        assert g.source.clause
        if g.status == "modelled":
            assert g.metric in INDICATORS or g.metric in PENDING_INDICATORS, g.id
        else:
            assert g.reason
        if g.proxy:
            assert g.rationale


def test_source_lines_hold_the_target_text():
    seeds = SHARED / "seeds"
    if not seeds.exists():
        pytest.skip("shared/seeds not beside the clone")
    for g in load_catalogue():
        lines = (seeds / g.source.file).read_text(encoding="utf-8").split("\n")
        assert g.source.line <= len(lines), g.id
        flat = re.sub(r"\s", "", (seeds / g.source.file).read_text(encoding="utf-8"))
        assert re.sub(r"\s", "", g.text_zh)[:12] in flat or g.notes, g.id


@pytest.mark.parametrize("successes,n,low,high", [
    (0, 10, 0.0, 0.2775327), (10, 10, 0.7224673, 1.0), (5, 10, 0.2365931, 0.7634069), (1, 100, 0.0017674, 0.0544861),
])
def test_wilson_interval_matches_hand_computed_values(successes, n, low, high):
    lo, hi = wilson_interval(successes, n)
    assert lo == pytest.approx(low, abs=1e-6) and hi == pytest.approx(high, abs=1e-6)


def _goal(**kw) -> Goal:
    base = dict(id="t.goal", kind="outcome", name_zh="测试", name_en="test", text_zh="测试", text_en="test",
                source={"file": SEEDS_FILES[1], "clause": "§二", "line": 30}, region="jiangxi", level="all",
                metric="in_school", comparator=">=", target=0, unit="persons", deadline={"year": 2022},
                status="modelled")
    return Goal.model_validate({**base, **kw})


def test_scenario_can_override_a_target_and_add_a_goal():
    added = _goal(id="local.extra").model_dump(mode="json")
    settings = GoalSettings(override={"nc.dual_teachers": {"target": 700, "deadline": {"year": 2026}}}, add=[added])
    goals = {g.id: g for g in scenario_goals(settings)}
    assert goals["nc.dual_teachers"].target == 700 and goals["nc.dual_teachers"].deadline.year == 2026
    assert "local.extra" in goals
    assert {g.id: g for g in load_catalogue()}["nc.dual_teachers"].target == 600  # catalogue untouched
    with pytest.raises(ValueError, match="unknown goal"):
        scenario_goals(GoalSettings(override={"no.such": {"target": 1}}))


def doc_numbers(text: str) -> set[float]:
    """Every number written in a clause, percentages as shares (``50%`` → 0.5, ``0.5%`` → 0.005), ``1万`` as 10,000."""
    flat = re.sub(r"\s", "", text)
    return {float(n) * (10000 if wan else 1) / (100 if pct else 1)
            for n, wan, pct in re.findall(r"(\d+(?:\.\d+)?)(万?)(%?)", flat)}


DERIVED_COUNTS = {"nc.industrial_colleges.count": 4}
"""Targets that are a count derived from the text rather than written in it (one college at each of 4 schools)."""
COMPLIANCE = {"bases_per_major_compliance", "consortium_membership", "dual_share_compliance", "order_class_compliance",
              "industrial_college_compliance", "teacher_practice_compliance", "new_teacher_practice_compliance"}
"""Indicators that are the share of units meeting a per-unit standard of a clause."""


@pytest.mark.parametrize("goal", [g for g in load_catalogue() if g.status == "modelled" and not g.proxy],
                         ids=lambda g: g.id)
def test_threshold_is_the_documents_number_not_a_lever_value(goal):
    """Each documented target is a number of its clause, or an every-unit rule whose standard is in the clause."""
    numbers = doc_numbers(goal.text_zh)
    if goal.derived_target is None:
        assert goal.target in numbers, f"{goal.id}: target {goal.target} is not written in {goal.text_zh!r}"
        return
    cited = doc_numbers(goal.derived_target)
    assert cited & numbers, f"{goal.id}: derived_target cites none of the clause's numbers {sorted(numbers)}"
    if goal.id in DERIVED_COUNTS:
        assert goal.target == DERIVED_COUNTS[goal.id]
    else:  # every unit must meet the clause's standard, which lives in the indicator
        assert goal.metric in COMPLIANCE and goal.target == 1.0 and goal.unit == "share", goal.id


@pytest.mark.parametrize("goal", [g for g in load_catalogue() if g.status == "modelled" and g.proxy],
                         ids=lambda g: g.id)
def test_a_proxy_threshold_is_labelled_an_assumption(goal):
    assert "ASSUMPTION" in goal.rationale


def test_order_class_standard_is_the_plans_tiers_not_the_lever():
    goals = {g.id: g for g in load_catalogue()}
    tiers = [goals[f"nc.order_classes.{t}"] for t in ("tier_a", "tier_b", "other")]
    written = [max(n for n in doc_numbers(g.text_zh) if n < 10) for g in tiers]
    assert tuple(written) == ORDER_CLASS_STANDARD == (5, 3, 2)


def test_bases_standard_is_the_plans_three_per_major_not_the_lever():
    goal = {g.id: g for g in load_catalogue()}["nc.training_bases.per_major"]
    assert 3 in doc_numbers(goal.text_zh) and BASES_STANDARD == 3


def test_every_goal_has_a_kind_and_commitments_are_the_governments_own_settings():
    goals = {g.id: g for g in load_catalogue()}
    assert {g.kind for g in goals.values()} == {"outcome", "commitment"}
    for gid in ("hn.per_student.secondary", "hn.per_student.technical_school", "hn.per_student.higher_vocational",
                "nc.surcharge_share", "cn.surcharge_credit", "jl.cert_subsidy.certificate"):
        assert goals[gid].kind == "commitment", gid
    for gid in ("nc.order_trained", "nc.dual_teachers", "hn.teacher_posts", "hn.staff_training.trained_share"):
        assert goals[gid].kind == "outcome", gid
    # a per-school funding floor is judged on what the lowest-paid school actually received
    assert goals["hn.per_student.secondary"].metric == "per_student_funding_min"


def test_standing_rules_start_in_their_own_year_and_say_so_when_it_precedes_the_simulation():
    for g in load_catalogue():
        if g.status != "modelled" or g.aggregate != "every_year":
            continue
        assert g.from_year == g.deadline.year, g.id  # the rule binds from its own start
        if g.from_year < 2019:
            assert g.reading and "2019" in g.reading and str(g.from_year) in g.reading, g.id


def test_fixed_because_needs_both_languages_and_an_outcome():
    with pytest.raises(ValueError, match="both"):
        _goal(fixed_because="2019 value already above target")
    with pytest.raises(ValueError, match="outcome"):
        _goal(kind="commitment", fixed_because="x", fixed_because_zh="x")
    assert _goal(fixed_because="2019 value already above target", fixed_because_zh="2019年已达标").fixed_because
