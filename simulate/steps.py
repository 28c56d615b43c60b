"""The five yearly steps of the calendar (MODEL.md), each a vectorised update of a :class:`World`.

January budget → April major adjustment → June–July graduation and hiring →
September enrollment → December accounting. The engine's simpy processes call
these at their dates; they never loop over agents in Python. How each policy lever
acts lives in its own module under :mod:`simulate.policy`; the steps put the
pieces in calendar order and keep the books.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulate.agents import enterprises as ent
from simulate.agents import institutions as inst_mod
from simulate.agents import teachers as tch
from simulate.agents.cohorts import TRACKS, advance
from simulate.agents.intake import applicants as external_applicants
from simulate.agents.schools import merger_pairs
from simulate.alloc import fill
from simulate.flows import Accounting, Budget, Enrollment, Graduation, Planning, YearFlows
from simulate.jit import jit
from simulate.market.labour import MatchingParams, place_graduates, vacancies
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
from simulate.policy.budget import PublicCost
from simulate.scenario.schema import LEVELS
from simulate.streams import binomial
from simulate.world import World, group_sum

SECONDARY = (LEVELS.index("secondary_vocational"), LEVELS.index("technical_school"))
NEXT_LEVEL = {0: 2, 1: 2, 2: 3}
"""Where graduates of a level progress: secondary and technical → higher vocational → vocational undergraduate."""
JOINT = np.array([t != "regular" for t in TRACKS])


def budget_january(w: World) -> None:
    """January: firms grow; surcharge credits on last year's investment; schools are paid and share their money."""
    sc, y, f, s = w.sc, w.year, w.firms, w.schools
    fin = sc.behaviour.budget
    growth = np.array([ind.revenue_growth.at(y) for ind in sc.region.industries])
    elasticity = np.array([ind.employment_elasticity for ind in sc.region.industries])
    w.employees_start = ent.grow(f, growth, elasticity, sc.behaviour.enterprises.revenue_noise,
                                 w.rng("january", "growth"))
    credits = float((f.credit_due * f.weight).sum())
    vat_ct = float((f.revenue * f.weight).sum() * sc.region.enterprises.vat_ct_share_of_revenue)
    in_school = w.in_school().astype(float)
    sur = surcharge_share.collect(vat_ct, fin.local_surcharge_rate, fin.surcharge_rate, credits,
                                  sc.levers.surcharge_vocational_share.at(y), in_school)
    per_student = np.where(s.active, np.maximum(s.funding_level, funding.floors(sc, y, s.level)), 0.0)
    money = funding.pay(per_student, in_school, sur.to_schools, _needs(w, in_school))
    cost = PublicCost(appropriations=float(money.appropriations.sum()), surcharge_vocational=sur.spent_on_vocational,
                      credits_foregone=credits)
    w.flows = YearFlows(budget=Budget(money=money, surcharge=sur, cost=cost))


def _needs(w: World, in_school: np.ndarray) -> funding.SchoolNeeds:
    """A school's needs this year (January), in yuan."""
    sc, s, t, y = w.sc, w.schools, w.teachers, w.year
    b, bt = sc.behaviour.budget, sc.behaviour.teachers
    rule = sc.levers.teacher_practice
    st = w.staff
    n = s.n
    # whole retirement ages by sex (as floor(where(female, f, m))), compared per teacher in the kernel
    whole_f, whole_m = np.floor(bt.retirement_age_female.at(y)), np.floor(bt.retirement_age_male.at(y))
    # the practice counts (as teacher_practice.practice_need and certification_need count them, over the window
    # before this summer) and the teachers at retirement age, per school, in one compiled pass over the records
    need, cand, retiring = _january_counts(
        t.practice, tch.window_rows(rule.window_years - 1, (y - 1) % tch.WINDOW), t.school, t.active, t.part_time,
        t.professional, t.dual, t.service, t.early_practice, t.age, t.female, rule.months_required,
        tch.at_least_threshold(whole_f), tch.at_least_threshold(whole_m), n)
    practice = rule.enforcement.at(y) * need
    courses = bt.certification_rate * cand
    new_pt = part_time.wanted(sc.levers.part_time_target.at(y), st.professional, st.part_time)
    new_bases = training_bases.need(s.bases, s.offers & s.active[:, None], sc.levers.bases_per_major_target.at(y))
    desired = np.ceil(in_school / w.base_ratio)
    leaving = retiring + bt.attrition_rate * (st.fulltime - retiring)  # this December's expected exits
    # posts freed by leavers are refilled within the staffing quota (编制): committed like salaries
    replaced = np.minimum(leaving, np.maximum(desired - st.fulltime + leaving, 0))
    committed = (bt.salary_cost * (st.fulltime - leaving + replaced) + b.part_time_cost * st.part_time
                 + b.base_cost * s.bases.sum(axis=1))
    return funding.SchoolNeeds(
        committed=committed,
        operations=w.operations_std[s.level] * in_school,
        hiring=bt.salary_cost * np.maximum(desired - st.fulltime, 0) * s.active,
        practice=practice * bt.practice_months_per_post * b.practice_cost_per_month,
        certification=courses * b.certification_cost,
        part_time=new_pt * b.part_time_cost,
        bases=new_bases * b.base_cost,
    )


@jit
def _january_counts(practice, rows, school, active, part_time, professional, dual, service, early, age, female,
                    months_required, old_f, old_m, n_schools):
    """``(3, S)`` per school: specialty teachers short of the practice rule, certification candidates, the old.

    The old are the full-time teachers at or over their sex's whole retirement age (``old_f``, ``old_m``, whole
    numbers). One kernel instead of about fifteen numpy passes (the window's month sums, the masks of
    :func:`teacher_practice.needing`, :func:`~teacher_practice.candidates` and the retirement ages, and three
    histograms), with the same tests per record: the months (the sum of the practice ``rows``) against the rule,
    the age against the whole age. The flags are combined into a byte code in a branch-free pass over byte
    views (the flags fall at random; the compiler vectorises it), then counted in a (school, code) histogram,
    record ``i`` in partial table ``i % 4`` so that adds to the same cell do not wait on each other (a school's
    records are scattered by hiring into freed slots). Integer counts: exact in any order.
    """
    n = school.size
    months = np.zeros(n, np.int16)
    for r in rows:
        row = practice[r]
        for i in range(n):
            months[i] += row[i]
    a8, p8, s8 = active.view(np.uint8), part_time.view(np.uint8), professional.view(np.uint8)
    d8, f8 = dual.view(np.uint8), female.view(np.uint8)
    code = np.empty(n, np.uint8)
    for i in range(n):
        full = a8[i] & (p8[i] ^ 1)
        specialty = full & s8[i]
        short = np.uint8(months[i] < months_required)
        old = (f8[i] & np.uint8(age[i] >= old_f)) | ((f8[i] ^ 1) & np.uint8(age[i] >= old_m))
        need = specialty & ((np.uint8(service[i] < 3) & np.uint8(early[i] < months_required)) | short)
        cand = specialty & (short ^ 1) & (d8[i] ^ 1)
        code[i] = need | (cand << 1) | (old << 2) | ((full ^ 1) << 3)  # 8 and over: not full-time, not counted
    part = np.zeros((4, n_schools, 16), np.int64)
    for i in range(n):
        part[i & 3, school[i], code[i]] += 1
    out = np.zeros((3, n_schools), np.int64)
    for s in range(n_schools):
        for q in range(4):
            for c in range(8):
                m = part[q, s, c]
                out[0, s] += m * (c & 1)
                out[1, s] += m * ((c >> 1) & 1)
                out[2, s] += m * ((c >> 2) & 1)
    return out


def plan_april(w: World) -> None:
    """April: small schools merge; each school sets September's plan per major from the market, within capacity."""
    sc, y, s = w.sc, w.year, w.schools
    merged = np.zeros((0, 2), np.int64)
    in_school = w.in_school()
    if y > sc.base_year:
        mins = np.asarray(sc.behaviour.institutions.merger_min_intake.as_tuple()) * sc.scale
        merged = merger_pairs(s, mins, in_school)
        if merged.size:
            _merge(w, merged)
            in_school = w.in_school()  # students moved to the host schools
    ft = w.staff.fulltime
    cont = in_school - np.einsum("smt->s", w.students[np.arange(s.n), :, w.final_grade, :])  # integers: exact
    by_teachers = ft * w.base_ratio * sc.behaviour.teachers.max_ratio_factor
    room = np.where(s.active, np.maximum(np.floor(by_teachers) - cont, 0), 0)
    f = w.firms
    cap = training_bases.capacity(f, sc, surcharge_credit.investment_ratio(f, sc), w.relevance)[s.subregion]
    p = None if w.market is None else enrollment_adjustment.pressure(w.relevance, w.market.vacancies,
                                                                     w.market.supply)
    change = enrollment_adjustment.adjust(sc, y, s.plan, s.offers, s.level, len(LEVELS), p, room, cap)
    if change.opened.size:
        w.add_cells(change.opened[:, 0], change.opened[:, 1])
    s.plan = np.where(s.active[:, None], change.plan, 0)
    total = s.plan.sum(axis=1)
    scale = np.divide(room, total, out=np.ones(s.n), where=total > room)
    w.flows.planning = Planning(opened=change.opened, merged=merged,
                                plan=np.floor(s.plan * np.minimum(scale, 1.0)[:, None]).astype(np.int64))


def _merge(w: World, pairs: np.ndarray) -> None:
    """Merge schools (撤并): students, plans, bases, teachers and memberships move to the host school."""
    s, t = w.schools, w.teachers
    src, dst = pairs[:, 0], pairs[:, 1]
    newly = s.offers[src] & ~s.offers[dst]
    for k in range(src.size):
        w.students[dst[k]] += w.students[src[k]]
        w.students[src[k]] = 0
        s.plan[dst[k]] += s.plan[src[k]]
        s.bases[dst[k]] += s.bases[src[k]]
        opened = np.flatnonzero(newly[k])
        if opened.size:
            w.add_cells(np.full(opened.size, dst[k]), opened)
        s.offers[dst[k]] |= s.offers[src[k]]
        w.consortia.memberships[dst[k]] += w.consortia.memberships[src[k]]
        s.industrial_college[dst[k]] |= s.industrial_college[src[k]]
    s.plan[src] = 0
    s.bases[src] = 0
    s.offers[src] = False
    s.active[src] = False
    w.consortia.memberships[src] = 0
    s.industrial_college[src] = False
    remap = np.arange(s.n)
    remap[src] = dst
    t.school[:] = remap[t.school]
    s.consortium = w.consortia.member


def graduate_july(w: World) -> None:
    """June–July: dropout and graduation, progression, labour market, summer enterprise practice."""
    sc, y, s, f, t = w.sc, w.year, w.schools, w.firms, w.teachers
    coh, lab = sc.behaviour.cohorts, sc.behaviour.labour
    money = w.flows.budget.money
    base = np.asarray(coh.dropout_rate.as_tuple())[s.level]
    d = base / funding.resource_multiplier(money.resource_ratio, coh.dropout_resource_elasticity)
    track = np.where(JOINT, coh.dropout_joint_factor, 1.0)
    july = w.draws("july")
    step = advance(w.students, w.final_grade, np.clip(d[:, None] * track[None, :], 0.0, 1.0), cells=w.cells,
                   uniform=lambda idx: july("dropout", idx))
    n_l, n_r = len(LEVELS), len(sc.region.subregions)
    n_m, n_t = s.offers.shape[1], len(TRACKS)
    key = s.level.astype(np.int64) * n_r + s.subregion
    n_lr = n_l * n_r
    per_school = step.graduates.sum(axis=(1, 2))
    grads = group_sum(key, step.graduates, n_lr).reshape(n_l, n_r, n_m, n_t)  # integers: exact
    prog_rate = np.asarray(coh.progression_rate.as_tuple())
    further_rate = np.asarray(coh.further_study_rate.as_tuple())
    # uniforms keyed by flat cell, asked for the non-empty cells only (the same values as over every cell)
    want = binomial(grads, prog_rate[:, None, None, None], lambda idx: july("progression", idx))
    # further study is drawn among those who did not seek a place at the next level, so turned-away
    # applicants (plan full; no modelled level after vocational undergraduate) look for work instead
    further_p = np.clip(np.divide(further_rate, 1.0 - prog_rate, out=np.zeros(n_l), where=prog_rate < 1), 0.0, 1.0)
    further = binomial(grads - want, further_p[:, None, None, None], lambda idx: july("further_study", idx))
    progression = np.zeros_like(grads)
    level_plan = np.bincount(s.level, weights=w.flows.planning.plan.sum(axis=1), minlength=n_l).astype(np.int64)
    w.progressed_into[:] = 0
    for nxt in sorted(set(NEXT_LEVEL.values())):
        feeders = [lv for lv, tgt in NEXT_LEVEL.items() if tgt == nxt]
        wants = want[feeders]
        taken = fill(np.array([level_plan[nxt]]), wants.ravel(), np.zeros(wants.size, np.int64))
        progression[feeders] = taken.reshape(wants.shape)
        w.progressed_into[nxt] = int(taken.sum())
    n_i = len(sc.region.industries)
    employees_now = f.by_industry(f.employees, n_i)
    employees_before = f.by_industry(w.employees_start, n_i)
    replacement = np.array([ind.replacement_rate for ind in sc.region.industries])
    vac = vacancies(employees_now, employees_before, replacement, sc.region.enterprises.vocational_hire_share)
    q_school = funding.resource_multiplier(money.resource_ratio, lab.match_quality_elasticity)
    q_num = group_sum(key, q_school * per_school, n_lr)
    q_den = grads.sum(axis=(2, 3)).reshape(-1).astype(float)  # whole numbers: the same in any summation order
    quality = np.divide(q_num, q_den, out=np.ones_like(q_num), where=q_den > 0).reshape(n_l, n_r, 1, 1)
    params = MatchingParams(
        retention=np.array([0.0, lab.order_retention, lab.apprenticeship_retention]),
        outflow_before=lab.outflow_before_search, joint_outflow_factor=lab.joint_outflow_factor,
        outflow_unmatched=lab.outflow_unmatched, unmatched_job_share=lab.unmatched_job_share,
        efficiency=lab.matching_efficiency, alpha=lab.matching_alpha, second_search=lab.second_search_share)
    w.market = place_graduates(grads, progression, further, w.relevance, vac, quality, params,
                               july)  # keyed by flat cell index
    rule = sc.levers.teacher_practice
    posts = teacher_practice.posts_offered(f, sc, y, float(w.staff.professional.sum()))
    months = t.practice_months(rule.window_years - 1, (y - 1) % tch.WINDOW)
    placed = teacher_practice.place(
        t, months, rule.months_required, rule.enforcement.at(y), money.funded_share, posts.total,
        sc.behaviour.teachers.practice_months_per_post, y % tch.WINDOW, w.draws("july_practice"))
    w.flows.graduation = Graduation(dropouts=step.dropouts, graduates=step.graduates, market=w.market, posts=posts,
                                    placed=int(placed.size))


def enrol_september(w: World) -> None:
    """September: new cohorts enter by plan, a share in order classes / apprenticeships (seats permitting)."""
    sc, y, s = w.sc, w.year, w.schools
    inst = sc.behaviour.institutions
    external = external_applicants(sc, y)
    plan = w.flows.planning.plan
    entrants = np.zeros_like(plan)
    # schools are synthesised level by level: each level is then one run of rows, taken as a slice (a view)
    # rather than gathered and scattered through its indices (same rows in the same order)
    by_level = s.level.size < 2 or np.count_nonzero(s.level[1:] < s.level[:-1]) == 0
    bounds = np.searchsorted(s.level, np.arange(len(LEVELS) + 1)) if by_level else None
    for li in range(len(LEVELS)):
        rows = slice(bounds[li], bounds[li + 1]) if by_level else np.flatnonzero(s.level == li)
        applicants = int(external[li]) + int(w.progressed_into[li])
        cap = plan[rows]
        entrants[rows] = fill(np.array([applicants]), cap.ravel(), np.zeros(cap.size, np.int64)).reshape(cap.shape)
    s.entrants = entrants.sum(axis=1)
    if y == sc.base_year:
        s.base_entrants = s.entrants.copy()
    f = w.firms
    seats = apprenticeship.seats_by_block(f, sc, surcharge_credit.investment_ratio(f, sc))
    minimum = order_classes.minimum_students(sc, y, s.level, s.tier, s.subregion)
    sought = apprenticeship.sought_places(entrants, sc.levers.apprenticeship_share.at(y), minimum)
    jt = apprenticeship.place(entrants, sought, seats, w.relevance, s.subregion)
    joint = jt.joint
    # a cell without joint entrants has no apprentices (floor(0 × share + u) = 0 for u < 1): the keyed uniforms
    # are drawn for the others only, each the value it has among all cells
    some = np.flatnonzero(joint)
    appr = np.zeros(joint.shape, np.int64)
    js = joint.reshape(-1)[some]
    u = w.draws("september")("apprentices", some)
    appr.reshape(-1)[some] = np.minimum(np.floor(js * inst.apprenticeship_of_joint + u), js)
    w.students[:, :, 0, 0] = entrants - joint
    w.students[:, :, 0, 1] = joint - appr
    w.students[:, :, 0, 2] = appr
    w.usage = jt.usage
    w.flows.enrollment = Enrollment(entrants=entrants, joint=jt,
                                    order_classes=order_classes.classes(joint.sum(axis=1), inst.order_class_size))


def account_december(w: World) -> None:
    """December: teachers are certified, leave, are hired; part-time teachers; institutions; firms decide."""
    sc, y, s, t = w.sc, w.year, w.schools, w.teachers
    bt, rule = sc.behaviour.teachers, sc.levers.teacher_practice
    money = w.flows.budget.money
    months = t.practice_months(rule.window_years, y % tch.WINDOW)
    draw = w.draws("december")
    certified = teacher_practice.certify(t, months, rule.months_required, bt.certification_rate, money.funded_share,
                                         draw)
    retired, quit_ = tch.retire_and_quit(t, bt.retirement_age_male.at(y), bt.retirement_age_female.at(y), y, draw)
    in_school = w.in_school()
    # the year's per-school head counts from one pass; hires and part-time changes below update them
    ft, pt_now, specialty = t.serving_per_school(s.n)
    desired = np.ceil(in_school / w.base_ratio)
    # leavers' posts are refilled (quota); posts beyond them only as far as the school's money pays
    exits = np.bincount(t.school[np.concatenate([retired, quit_])], minlength=s.n)
    growth = np.maximum(desired - ft - exits, 0)  # beyond refilling: funded like the school's other needs
    afford = exits + np.floor(money.funded_share * growth + w.uniform("december", "hire_round", s.n))
    hires = np.where(s.active, np.minimum(np.maximum(desired - ft, 0), afford), 0).astype(np.int64)
    prof_share = np.array([sc.region.levels[lv].professional_teacher_share for lv in LEVELS])[s.level]
    hired = tch.hire(t, hires, prof_share, bt, rule.months_required, y, draw)
    # enterprise part-time teachers
    f = w.firms
    ratio = surcharge_credit.investment_ratio(f, sc)
    offered = float((f.weight * f.employees * ratio * f.participating).sum()
                    * sc.behaviour.enterprises.part_time_per_1000_staff / 1000)
    released = tch.release_part_time(t, part_time.releases(pt_now, offered))
    pt_now = pt_now - np.bincount(t.school[released], minlength=s.n)
    specialty = specialty + np.bincount(t.school[hired[t.professional[hired]]], minlength=s.n)
    want = np.where(s.active, part_time.wanted(sc.levers.part_time_target.at(y), specialty, pt_now), 0)
    engage = part_time.engagements(want, money.funded_share, offered, int(pt_now.sum()),
                                   w.uniform("december", "part_time_round", s.n))
    engaged = tch.engage_part_time(t, engage, y)
    if months.size == t.size:  # only the slots filled this December have new practice months: recount those
        new = np.concatenate([hired, engaged])
        months[new] = t.practice_months(rule.window_years, y % tch.WINDOW, new)
    else:  # the records grew (rare): count them all
        months = t.practice_months(rule.window_years, y % tch.WINDOW)
    w.months = months
    w.staff = tch.tally(t, s.n, w.months, rule.months_required, rule.window_years)
    _institutions(w, ratio, money.funded_share)
    trained = float((f.weight * f.employees * certificate_subsidy.training_share(f, sc, y)).sum())
    w.flows.budget.cost = replace(w.flows.budget.cost, subsidies=certificate_subsidy.subsidy_paid(trained, sc, y))
    joined, left = _decide(w, y + 1)
    w.flows.accounting = Accounting(certified=int(certified.size), retired=int(retired.size), quit=int(quit_.size),
                                    hired=int(hired.size), engaged=int(engaged.size), released=int(released.size),
                                    staff_trained=trained, joined=joined, left=left)


def _institutions(w: World, invest_ratio: np.ndarray, funded_share: np.ndarray) -> None:
    """Training bases, consortia and industrial colleges (December)."""
    sc, s, f = w.sc, w.schools, w.firms
    inst = sc.behaviour.institutions
    n_r = len(sc.region.subregions)
    cap_rm = training_bases.capacity(f, sc, invest_ratio, w.relevance)
    draw = w.draws("december")
    held = np.flatnonzero(s.bases)  # school-majors without bases lose none: draw (keyed by cell) for the others
    lost = np.zeros(s.bases.shape, np.int64)
    lost.reshape(-1)[held] = binomial(s.bases.reshape(-1)[held], inst.base_attrition, draw("bases_lost", held))
    s.bases = training_bases.build(s.bases, s.offers & s.active[:, None], sc.levers.bases_per_major_target.at(w.year),
                                   funded_share, cap_rm, s.subregion, lost, w.uniform("december", "bases_round", s.n),
                                   inst.own_base_share)
    # bincount adds each bin's weights one by one in record order; the non-participants' terms are +0.0, which
    # leave a running sum unchanged, so summing the participants alone gives the same bits
    who = f.participants()
    coop_r = np.bincount(f.subregion[who], weights=f.weight[who], minlength=n_r)
    partners = inst_mod.partner_firms(coop_r, s.active, s.subregion)
    c = w.consortia
    ended = binomial(c.memberships, inst.consortium_dissolution_rate, draw("consortia_ended", np.arange(s.n)))
    inst_mod.update(c, s.active, partners, inst.consortium_formation_rate, inst.consortium_partner_firms,
                    inst.consortium_join_rate, ended, draw("consortium_form", np.arange(s.n)),
                    draw("consortium_join", np.arange(s.n)))
    s.consortium = c.member
    s.industrial_college = s.active & inst_mod.industrial_colleges(s.industrial_college, partners,
                                                                  inst.industrial_college_partners)


def _decide(w: World, year: int) -> tuple[float, float]:
    """December: credits due in January on this year's investment; firms join, leave or are certified for ``year``.

    A firm's net benefit of cooperating (yuan a year per employee): the credit it expects on the programme
    it would run without a credit, the value of the trainees it would host, the certificate subsidy on the
    extra employees it trains as a partner, less that programme's cost. Outsiders join with the logit of their
    utility; participants leave at the exit rate scaled by how their net benefit moved since the base year.

    Returns:
        Firms (weighted) that joined and that left.
    """
    sc, f = w.sc, w.firms
    b = sc.behaviour.enterprises
    state = f.state
    n_i = len(sc.region.industries)
    part = f.participants()
    staff = f.by_industry(f.employees, n_i)
    part_staff = np.zeros(f.size)  # participants' staff, zero elsewhere (a where over every firm costs ~5×)
    part_staff[part] = f.employees[part]
    peers = np.divide(f.by_industry(part_staff, n_i), staff, out=np.zeros(n_i), where=staff > 0)
    hires = np.divide(100.0 * w.market.vacancies, staff, out=np.zeros(n_i), where=staff > 0) \
        if w.market is not None else np.zeros(n_i)
    # the scalars and per-class / per-industry factors of the policy functions the kernel fuses, computed as
    # they compute them (numpy for the pow, Python floats in their order)
    cr = sc.levers.surcharge_credit
    rate = cr.rate.at(year)
    claim_code, chances = (0, np.ones(1)) if cr.eligibility == "cooperating" else (
        1, np.array([0.0, b.certification_rate, 1.0]))  # :func:`surcharge_credit.claim_classes`
    factor = np.power(1.0 - np.clip(rate * chances, 0.0, 0.95), -b.investment_credit_elasticity)
    years = sum(sc.region.levels[lv].program_years for lv in LEVELS) / len(LEVELS)  # the mean (whole years)
    scalars = np.array([
        sc.behaviour.budget.surcharge_rate * sc.region.enterprises.vat_ct_share_of_revenue,  # surcharge_due
        cr.rate.at(year - 1), rate, 1.0 if rate <= 1e-9 else 0.0, b.investment_per_employee,
        b.seats_per_100_staff, apprenticeship.seat_value(sc, years),
        certificate_subsidy.cooperation_value_per_employee(sc, year),
        f.intercept + 0.0, f.intercept + b.participation_size, b.participation_benefit])
    large = np.empty(f.size, bool)
    credit_due, invest, nb, util = (np.empty(f.size) for _ in range(4))
    out = np.empty(f.size, np.int64)
    n_out, top_x = _firm_terms(f.revenue, f.employees, state, f.industry, f.investment, w.usage,
                               b.participation_peers * peers, b.participation_hires * hires / 100, scalars,
                               cr.eligibility == "certified", claim_code, chances, factor, ent.KERNEL_STATES,
                               ent.KERNEL_LARGE, large, credit_due, invest, nb, util, out)
    f.credit_due = credit_due
    out = out[:n_out]
    draw = w.draws("december")
    joins = out[_below_logistic(draw("firm_join", out), util[out], top_x)]
    part_state = state[part]
    base_exit = np.where(part_state == ent.CERTIFIED, b.certified_exit_rate, b.exit_rate)
    exit_p = base_exit * np.exp(-b.participation_benefit * (nb[part] - f.nb_base[part]))
    leaves = part[draw("firm_exit", part) < exit_p]
    coop = part[(part_state == ent.COOPERATING) & large[part]]  # among the participants: same indices, in order
    certify = coop[draw("firm_certify", coop) < b.certification_rate]
    leaving = np.zeros(f.size, bool)
    leaving[leaves] = True
    certify = certify[~leaving[certify]]  # as np.setdiff1d(certify, leaves), in certify's order, without sorting
    state[joins] = ent.COOPERATING
    state[leaves] = ent.NONE
    state[certify] = ent.CERTIFIED
    f.investment = _participants_only(invest, state, ent.COOPERATING)  # this year's investment of the participants
    return float(f.weight[joins].sum()), float(f.weight[leaves].sum())


def _below_logistic(u: np.ndarray, x: np.ndarray, top_x: float) -> np.ndarray:
    """Positions where ``u < logistic(x)``, evaluating the logistic only where it can hold.

    Joining is rare (chances well below 1%), and the logistic costs an ``exp`` per firm: no firm's chance
    exceeds that of the largest ``x`` (``top_x``, NaN if any ``x`` is; the logistic rises with ``x``; the margin
    covers its last-bit rounding), so only uniforms below it are compared, with the same values as over all firms.
    """
    if not x.size:
        return np.zeros(0, np.int64)
    top = float(ent.logistic(np.array([top_x]))[0])
    if not np.isfinite(top):  # a NaN utility: compare every firm, as the plain rule does (its own NaN is False)
        return np.flatnonzero(u < ent.logistic(x))
    maybe = np.flatnonzero(u < top * (1 + 1e-9))
    return maybe[u[maybe] < ent.logistic(x[maybe])]


@jit
def _participants_only(values, state, cooperating):
    """``values`` where the firm cooperates or is certified (state ≥ ``cooperating``), +0.0 elsewhere (one pass)."""
    out = np.zeros(values.size)
    for i in range(values.size):
        if state[i] >= cooperating:
            out[i] = values[i]
    return out


@jit
def _nan_min(a: float, b: float) -> float:
    """``np.minimum`` of two floats: NaN if either is."""
    return a if a <= b or a != a else b


@jit
def _nan_max(a: float, b: float) -> float:
    """``np.maximum`` of two floats: NaN if either is."""
    return a if a >= b or a != a else b


@jit
def _firm_terms(revenue, employees, state, industry, investment, usage, peers, hires, scalars, certified_only,
                claim_code, chances, factor, states, large_at, large, credit_due, invest, nb, util, out):
    """Every firm's December terms in one pass: the numpy chain of ~30 whole-array passes it replaces, fused.

    Per firm, with the operations and their order of :attr:`Enterprises.large`, :func:`surcharge_credit.surcharge_due`,
    :func:`~surcharge_credit.credits`, :func:`~surcharge_credit.claim_classes`, :func:`~surcharge_credit.investment`,
    :func:`apprenticeship.trainee_value`, :func:`~surcharge_credit.expected_credit` (on the investment without a
    credit), :func:`certificate_subsidy.cooperation_value` and the utility of joining (element-wise arithmetic
    only: the same bits). ``peers`` and ``hires`` are the per-industry utility terms, already scaled; ``factor``
    the investment response per claim class (a ``pow``, computed by numpy); ``claim_code`` 0 if every
    cooperating firm may claim (one class), else 1. Writes ``large``, ``credit_due``, ``invest`` (if the firm
    cooperates), ``nb`` (net benefit, 100 yuan per employee) and ``util`` (of joining), and the outsiders'
    indices into ``out``. ``states`` (none, cooperating, certified) and ``large_at`` (revenue, staff) are
    :data:`enterprises.KERNEL_STATES` and :data:`~enterprises.KERNEL_LARGE`: arguments, not globals, so a change
    to them reaches the cached machine code.

    Returns:
        The number of outsiders (state none) and their largest utility (NaN if any is NaN; −inf if none).
    """
    due_rate, credit_rate, rate, no_credit, per_employee = scalars[0], scalars[1], scalars[2], scalars[3], scalars[4]
    seats_per_100, seat_value, coop_value = scalars[5], scalars[6], scalars[7]
    small_util, large_util, benefit = scalars[8], scalars[9], scalars[10]
    none, cooperating, certified = states[0], states[1], states[2]
    n_out = 0
    top = -np.inf
    for i in range(state.size):
        emp = employees[i]
        st = state[i]
        lg = revenue[i] >= large_at[0] or emp >= large_at[1]
        large[i] = lg
        due = due_rate * revenue[i]
        eligible = st == certified if certified_only else st >= cooperating
        credit_due[i] = _nan_min(credit_rate * investment[i], due) if eligible else 0.0
        code = 0
        if claim_code:
            code = 2 if st == certified else (1 if lg else 0)  # claim class: certified, large, small
        base = per_employee * emp
        if no_credit:
            inv = base
        else:
            wanted = base * factor[code]
            cap = due / rate
            inv = _nan_max(base, cap) if wanted > cap else wanted
        invest[i] = inv
        ratio = inv / _nan_max(base, 1e-9)
        value = emp * seats_per_100 / 100.0 * _nan_max(ratio, 1.0) * usage[industry[i]] * seat_value
        v = chances[code] * _nan_min(rate * base, due)
        v += value
        v += coop_value * emp
        v -= base
        v /= emp * 100.0
        nb[i] = v
        u = large_util if lg else small_util
        u += benefit * v
        u += peers[industry[i]]
        u += hires[industry[i]]
        util[i] = u
        if st == none:
            out[n_out] = i
            n_out += 1
            if top == top and (u > top or u != u):  # np.max: a NaN stays
                top = u
    return n_out, top
