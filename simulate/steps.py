"""The five yearly steps of the calendar (MODEL.md), each a vectorised update of a :class:`World`.

January budget → April major adjustment → June–July graduation and hiring →
September enrollment → December accounting. The engine's simpy processes call
these at their dates; they never loop over agents in Python.
"""

from __future__ import annotations

import numpy as np

from simulate.agents import enterprises as ent
from simulate.agents import teachers as tch
from simulate.agents.cohorts import TRACKS, advance, allocate, joint_training_share
from simulate.agents.intake import applicants as external_applicants
from simulate.agents.schools import adjust_plan
from simulate.market.labour import place_graduates, vacancies
from simulate.policy.budget import january_budget
from simulate.scenario.schema import LEVELS, TIERS
from simulate.world import World, group_sum

SECONDARY = (LEVELS.index("secondary_vocational"), LEVELS.index("technical_school"))
NEXT_LEVEL = {0: 2, 1: 2, 2: 3}
"""Where graduates of a level progress: secondary and technical → higher vocational → vocational undergraduate."""
JOINT = np.array([t != "regular" for t in TRACKS])


def budget_january(w: World) -> None:
    """January: surcharge credits on last year's investment, appropriations, firm growth for the year."""
    sc, y, f = w.sc, w.year, w.firms
    lv = sc.levers
    fin = sc.behaviour.budget
    vat_share = sc.region.enterprises.vat_ct_share_of_revenue
    credit = ent.surcharge_credit(f, lv.surcharge_credit.rate.at(y), lv.surcharge_credit.eligibility, vat_share,
                                  fin.surcharge_rate)
    credits = float((credit * f.weight).sum())
    vat_ct = float((f.revenue * f.weight).sum() * vat_share)
    higher = w.schools.level >= LEVELS.index("higher_vocational")
    funding = np.where(higher, lv.per_student_funding.higher.at(y), lv.per_student_funding.secondary.at(y))
    w.budget = january_budget(w.in_school().astype(float), funding, vat_ct, fin.local_surcharge_rate,
                              fin.surcharge_rate, credits, lv.surcharge_vocational_share.at(y))
    w.year_flows = {"funding_per_school": funding}
    growth = np.array([ind.revenue_growth.at(y) for ind in sc.region.industries])
    elasticity = np.array([ind.employment_elasticity for ind in sc.region.industries])
    w.employees_start = ent.grow(f, growth, elasticity, sc.behaviour.enterprises.revenue_noise, w.rng["enterprises"])


def plan_april(w: World) -> None:
    """April: each school sets September's plan per major from the market signal, within capacity."""
    sc, y, s = w.sc, w.year, w.schools
    adj = sc.levers.enrollment_adjustment
    n_m = s.offers.shape[1]
    if y >= adj.from_year:
        if w.market is not None:
            supply = w.market.supply.astype(float)
            demand = w.market.vacancies.astype(float)
            pressure = (w.relevance @ demand + 1.0) / (w.relevance @ supply + 1.0)
        else:  # the first April: no labour-market signal yet, but listed majors still expand
            pressure = np.ones(n_m)
        ids = [m.id for m in sc.region.majors]
        expand = np.isin(ids, adj.expand)
        close = np.isin(ids, adj.close)
        plan = adjust_plan(s.plan, s.offers, pressure, adj.responsiveness.at(y), adj.max_change.at(y), expand, close)
    else:
        plan = s.plan.copy()
    # capacity: teachers at the accepted ratio, and money for places
    ft = w.staff["fulltime"]
    cont = w.in_school() - w.students[np.arange(s.n), :, w.final_grade, :].reshape(s.n, -1).sum(axis=1)
    by_teachers = ft * w.base_ratio * sc.behaviour.teachers.max_ratio_factor
    seat_cost = max(sc.behaviour.budget.capacity_cost_per_seat, 1.0)
    funds = w.budget.school_funds if w.budget is not None else np.full(s.n, np.inf)
    by_money = funds / seat_cost
    room = np.maximum(np.floor(np.minimum(by_teachers, by_money)) - cont, 0)
    total = plan.sum(axis=1)
    scale = np.divide(room, total, out=np.ones(s.n), where=total > room)
    s.plan = np.floor(plan * np.minimum(scale, 1.0)[:, None]).astype(np.int64)


def graduate_july(w: World) -> None:
    """June–July: dropout and graduation, progression, labour market, summer enterprise practice."""
    sc, s = w.sc, w.schools
    coh = sc.behaviour.cohorts
    lab = sc.behaviour.labour
    dropout = np.asarray(coh.dropout_rate.as_tuple())[s.level]
    step = advance(w.students, w.final_grade, dropout, w.rng["cohorts"], w.cells)
    n_l, n_r = len(LEVELS), len(sc.region.subregions)
    n_m, n_t = s.offers.shape[1], len(TRACKS)
    key = s.level.astype(np.int64) * n_r + s.subregion
    grads = np.rint(group_sum(key, step.graduates, n_l * n_r)).astype(np.int64).reshape(n_l, n_r, n_m, n_t)
    rc = w.rng["cohorts"]
    prog_rate = np.asarray(coh.progression_rate.as_tuple())
    further_rate = np.asarray(coh.further_study_rate.as_tuple())
    want = rc.binomial(grads, prog_rate[:, None, None, None])
    # further study is drawn among those who did not seek a place at the next level, so turned-away
    # applicants (plan full; no modelled level after vocational undergraduate) look for work instead
    further_p = np.clip(np.divide(further_rate, 1.0 - prog_rate, out=np.zeros(n_l), where=prog_rate < 1), 0.0, 1.0)
    further = rc.binomial(grads - want, further_p[:, None, None, None])
    progression = np.zeros_like(grads)
    level_plan = np.bincount(s.level, weights=s.plan.sum(axis=1), minlength=n_l).astype(np.int64)
    w.progressed_into[:] = 0
    for nxt in sorted(set(NEXT_LEVEL.values())):
        feeders = [lv for lv, tgt in NEXT_LEVEL.items() if tgt == nxt]
        taken = allocate(int(level_plan[nxt]), want[feeders], rc)
        progression[feeders] = taken
        w.progressed_into[nxt] = int(taken.sum())
    employees_now = w.firms.by_industry(w.firms.employees, len(sc.region.industries))
    employees_before = w.firms.by_industry(w.employees_start, len(sc.region.industries))
    replacement = np.array([ind.replacement_rate for ind in sc.region.industries])
    vac = vacancies(employees_now, employees_before, replacement, sc.region.enterprises.vocational_hire_share)
    w.market = place_graduates(grads, progression, further, JOINT, w.relevance, vac,
                               lab.order_retention, lab.outflow_before_search, lab.outflow_unmatched,
                               lab.unmatched_job_share, lab.matching_efficiency, lab.matching_alpha,
                               w.rng["market"])
    rule = sc.levers.teacher_practice
    host_staff = w.firms.staff(w.firms.participating)
    posts = rule.post_rate.at(w.year) * host_staff
    placed = tch.summer_practice(w.teachers, posts, sc.behaviour.teachers.practice_months_per_post,
                                 rule.enforcement.at(w.year), rule.months_required, rule.window_years,
                                 w.year % tch.WINDOW, w.rng["teachers"])
    w.year_flows.update(dropouts=step.dropouts, graduates=step.graduates, practice_placed=np.array(placed),
                        practice_posts=np.array(posts), practice_host_staff=np.array(host_staff))


def enrol_september(w: World) -> None:
    """September: new cohorts enter by plan, a share in order classes / apprenticeships (seats permitting)."""
    sc, y, s = w.sc, w.year, w.schools
    inst = sc.behaviour.institutions
    external = external_applicants(sc, y)
    rc = w.rng["cohorts"]
    entrants = np.zeros_like(s.plan)
    for li in range(len(LEVELS)):
        idx = np.flatnonzero(s.level == li)
        applicants = int(external[li]) + int(w.progressed_into[li])
        entrants[idx] = allocate(applicants, s.plan[idx], rc)
    # joint-training seats from cooperating firms, by sub-region and major
    f = w.firms
    n_r, n_i = len(sc.region.subregions), len(sc.region.industries)
    coop = f.participating
    seats_ri = group_sum(f.subregion[coop].astype(np.int64) * n_i + f.industry[coop],
                         f.weight[coop] * f.employees[coop] * sc.behaviour.enterprises.seats_per_100_staff / 100,
                         n_r * n_i).reshape(n_r, n_i)
    col = w.relevance / np.maximum(w.relevance.sum(axis=0, keepdims=True), 1e-12)
    seats_rm = seats_ri @ col.T
    ent_rm = group_sum(s.subregion, entrants, n_r)
    share = np.divide(entrants, ent_rm[s.subregion], out=np.zeros(entrants.shape), where=ent_rm[s.subregion] > 0)
    seats = seats_rm[s.subregion] * share
    ocm = sc.levers.order_class_minimum
    minimum = np.array([getattr(ocm, tr) for tr in TIERS])[s.tier] * inst.order_class_size
    applies = (s.level == LEVELS.index("secondary_vocational")) & (y >= ocm.from_year)
    if ocm.subregions is not None:
        names = [r.name for r in sc.region.subregions]
        applies &= np.isin(np.array(names)[s.subregion], ocm.subregions)
    minimum = np.where(applies, minimum, 0)
    joint = joint_training_share(entrants, seats, sc.levers.apprenticeship_share.at(y), minimum)
    appr = np.zeros_like(joint)
    some = joint > 0  # few school-majors have joint training: draw only there
    appr[some] = rc.binomial(joint[some], inst.apprenticeship_of_joint)
    w.students[:, :, 0, 0] = entrants - joint
    w.students[:, :, 0, 1] = joint - appr
    w.students[:, :, 0, 2] = appr
    classes = np.ceil(joint.sum(axis=1) / inst.order_class_size).astype(np.int64)
    w.year_flows.update(enrollment=entrants, joint_entrants=joint, order_classes=classes)


def account_december(w: World) -> None:
    """December: teachers leave, are hired and certified; institutions; enterprises decide for next year."""
    sc, y, s, t = w.sc, w.year, w.schools, w.teachers
    bt, rule = sc.behaviour.teachers, sc.levers.teacher_practice
    rt = w.rng["teachers"]
    months = t.practice_months(rule.window_years, y % tch.WINDOW)
    certified = tch.certify(t, months, rule.months_required, bt.certification_rate, rt)
    retired, quit_ = tch.leave(t, bt.attrition_rate, bt.career_years, rt)
    # last December's tally less this year's leavers (teachers change only in December)
    gone = np.concatenate([retired, quit_])
    school, part, prof = t.school[gone], t.part_time[gone], t.professional[gone]
    ft = w.staff["fulltime"] - np.bincount(school[~part], minlength=s.n)
    prof_ft = w.staff["professional"] - np.bincount(school[prof & ~part], minlength=s.n)
    pt = w.staff["part_time"] - np.bincount(school[part], minlength=s.n)
    in_school = w.in_school()
    desired = np.ceil(in_school / w.base_ratio)
    funds = w.budget.school_funds if w.budget is not None else np.zeros(s.n)
    spare = np.maximum(funds - sc.behaviour.budget.capacity_cost_per_seat * in_school, 0)
    affordable = w.establishment + np.floor(spare / max(bt.salary_cost, 1.0))
    hires = np.maximum(np.minimum(desired, affordable) - ft, 0).astype(np.int64)
    prof_share = np.array([sc.region.levels[lv].professional_teacher_share for lv in LEVELS])[s.level]
    hired = tch.hire(t, hires, prof_share, rt)
    prof_ft = prof_ft + np.bincount(t.school[hired[t.professional[hired]]], minlength=s.n)
    # enterprise part-time teachers, offered by cooperating firms
    f = w.firms
    offered = f.staff(f.participating) * sc.behaviour.enterprises.part_time_per_1000_staff / 1000
    deficit = np.maximum(np.floor(sc.levers.part_time_target.at(y) * prof_ft) - pt, 0)
    avail = max(offered - pt.sum(), 0.0)
    fill = min(1.0, avail / deficit.sum()) if deficit.sum() > 0 else 0.0
    engaged = tch.engage_part_time(t, np.floor(deficit * fill).astype(np.int64))
    if months.size < t.active.size:  # the record arrays grew while hiring
        months = np.concatenate([months, np.zeros(t.active.size - months.size, months.dtype)])
    months[hired] = 0
    months[engaged] = 0
    w.staff = tch.tally(t, s.n, months, rule.months_required)
    _institutions(w)
    hires_per_100 = np.zeros(len(sc.region.industries))
    if w.market is not None:
        staff = f.by_industry(f.employees, len(sc.region.industries))
        hires_per_100 = np.divide(100.0 * w.market.vacancies, staff, out=hires_per_100, where=staff > 0)
    ent.decide_participation(f, sc, y + 1, hires_per_100, w.rng["enterprises"])
    w.year_flows.update(teachers_certified=np.array(certified), teachers_retired=np.array(retired.size),
                        teachers_quit=np.array(quit_.size), teachers_hired=np.array(hired.size),
                        part_time_engaged=np.array(engaged.size))


def _institutions(w: World) -> None:
    """Training bases, consortium membership and industrial colleges from cooperating firms."""
    sc, s, f = w.sc, w.schools, w.firms
    inst = sc.behaviour.institutions
    n_r, n_i = len(sc.region.subregions), len(sc.region.industries)
    coop = f.participating
    cap_ri = group_sum(f.subregion[coop].astype(np.int64) * n_i + f.industry[coop],
                       f.weight[coop] * sc.behaviour.enterprises.bases_per_firm, n_r * n_i).reshape(n_r, n_i)
    col = w.relevance / np.maximum(w.relevance.sum(axis=0, keepdims=True), 1e-12)
    cap_rm = cap_ri @ col.T
    target = sc.levers.bases_per_major_target.at(w.year)
    offered_rm = group_sum(s.subregion, s.offers, n_r)
    total_rm = np.floor(np.minimum(cap_rm, offered_rm * target) + 1e-9).astype(np.int64)
    bases = np.zeros(s.offers.shape, np.int64)
    for r in range(n_r):  # spread each sub-region's bases evenly over the school-majors offering the major
        idx = np.flatnonzero(s.subregion == r)
        off = s.offers[idx]
        n_off = np.maximum(off.sum(axis=0), 1)
        rank = np.cumsum(off, axis=0) - 1
        per = total_rm[r] // n_off + (rank < (total_rm[r] % n_off))
        bases[idx] = np.where(off, per, 0)
    s.bases = bases
    ri = w.rng["institutions"]
    join = ~s.consortium & (ri.random(s.n) < inst.consortium_formation_rate)
    s.consortium |= join
    coop_r = np.bincount(f.subregion[coop], weights=f.weight[coop], minlength=n_r)
    in_school = w.in_school().astype(float)
    sub_students = np.bincount(s.subregion, weights=in_school, minlength=n_r)
    partners = coop_r[s.subregion] * np.divide(in_school, sub_students[s.subregion],
                                               out=np.zeros(s.n), where=sub_students[s.subregion] > 0)
    s.industrial_college |= partners >= inst.industrial_college_partners
