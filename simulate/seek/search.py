"""The search: base, ceiling, single-lever scan, optuna TPE with constraints, confirmation.

Every step is a function of stored results only, taken in a fixed order, so the same spec and seed give
the same candidates and the same ``best.yaml`` on one worker, many, or a Dask cluster, and a resumed
search replays the stored candidates (reading their runs back) until it reaches the first one that is
missing, then goes on running:

1. **base**: the base scenario itself (point 0), with the confirmation's replications;
2. **ceiling**: every lever at its strongest setting and earliest start. A goal this misses cannot be
   met by these levers (as far as goals rise with the levers): it leaves the constraint set and the
   report says so, with the value reached;
3. **single levers**: for every goal the base misses, each lever alone: its strongest setting first,
   then bisection on the settings (and later start years) for the weakest one that still meets the goal;
4. **search**: optuna's TPE sampler (seeded, multivariate, with constraints), ``batch`` candidates at a
   time, told in order; it stops when the run budget is spent or when ``patience`` batches bring no
   better feasible candidate;
5. **confirm**: the best candidates are run to ``confirm.replications`` (the replications already run are
   reused: common random numbers), and a goal counts as met only when the lower bound of its Wilson 95%
   interval clears its probability; the cheapest candidate that passes every goal is the result.

Feasibility during the search: at least ``ceil(q·n)`` of ``n`` replications meet each goal, where ``q`` is
the share the confirmation needs for its Wilson lower bound to clear ``p`` (0.92 for p = 0.8 and 50
replications): the search aims at what the confirmation can pass, not at ``p`` itself. The
constraint's violation is the relative shortfall of the replication that decides it (so the sampler
learns how far a candidate is from a goal, not just that it misses). Objective: the mean (or median)
over replications of the public cost over the window, plus what the candidate spends beyond the base
scenario in earlier years when a lever starts before the window, plus a tie-break worth at most
``tie_tolerance`` of the base cost that prefers weaker settings and later starts.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from simulate.goals.verdicts import wilson_interval
from simulate.seek.evaluate import Candidate, Evaluator, Stats
from simulate.seek.plan import GoalCheck, Seek


@dataclass
class Confirmed:
    """A candidate re-run with the confirmation's replications."""

    point: int
    stats: Stats
    wilson: dict[str, tuple[float, float]]
    passes: dict[str, bool]

    @property
    def all_pass(self) -> bool:
        """Every goal's Wilson lower bound clears its probability."""
        return all(self.passes.values())


@dataclass
class SearchResult:
    """What the search found (everything the outputs need)."""

    base_point: int = 0
    ceiling_point: int = 1
    unreachable: dict[str, str] = field(default_factory=dict)
    single: list[dict] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)
    confirmed: list[Confirmed] = field(default_factory=list)
    best: Confirmed | None = None
    status: str = "running"
    scan_checks: list[GoalCheck] = field(default_factory=list)


class Scorer:
    """Objective, constraints and feasibility of a candidate's stats."""

    def __init__(self, seek: Seek, base_cost: float, active: list[GoalCheck], scan_p: float):
        self.seek, self.active, self.scan_p = seek, active, scan_p
        self._required: dict[float, float] = {}
        obj = seek.spec.objective
        self.tie = obj.tie_tolerance * abs(base_cost) / max(1, len(seek.levers))

    def intensity(self, cand: Candidate) -> float:
        """Sum over levers of each choice's strength (0–1)."""
        return sum(lv.intensity(c) for lv, c in zip(self.seek.levers, cand, strict=True))

    def required(self, p: float) -> float:
        """The share of replications that must meet a goal for it to pass the confirmation.

        The smallest k/n (n = the confirmation's replications) whose Wilson lower bound clears ``p``: 0.92
        for p = 0.8 and n = 50. The search holds candidates to this share, not to ``p`` itself, so what it
        finds feasible is what the confirmation can pass.
        """
        if p not in self._required:
            n = self.seek.spec.confirm.replications
            self._required[p] = next((k / n for k in range(n + 1) if wilson_interval(k, n)[0] >= p - 1e-12), 1.0)
        return self._required[p]

    def feasible(self, s: Stats, c: GoalCheck, p: float | None = None) -> bool:
        """At least ceil(required(p)·n) of the n replications meet the goal."""
        q = self.required(c.probability if p is None else p)
        met = np.nan_to_num(s.met[c.met], nan=0.0)
        return int(met.sum()) >= math.ceil(q * s.n - 1e-9)

    def violation(self, s: Stats, c: GoalCheck, p: float | None = None) -> float:
        """0 when feasible, else the shortfall of the replication that decides it (≥ 1e-9)."""
        if self.feasible(s, c, p):
            return 0.0
        q = self.required(c.probability if p is None else p)
        m = np.sort(np.nan_to_num(s.margin[c.met], nan=-1.0))
        k = s.n - math.ceil(q * s.n - 1e-9)
        return float(max(1e-9, -m[k]))

    def goals_met(self, s: Stats, checks: list[GoalCheck] | None = None) -> int:
        """How many of the goal checks are feasible."""
        return sum(self.feasible(s, c) for c in (self.active if checks is None else checks))

    def score(self, s: Stats, cand: Candidate) -> tuple[float, list[float]]:
        """``(objective, constraints)`` for optuna (constraints ≤ 0 are met)."""
        obj = self.seek.spec.objective
        tie = self.tie * self.intensity(cand)
        if obj.kind == "least_cost":
            return s.cost + tie, [self.violation(s, c) for c in self.active]
        share = min(1.0, s.cost / obj.budget)
        return -self.goals_met(s) + 0.5 * share + tie / abs(obj.budget), [s.cost / obj.budget - 1.0]


def run_search(seek: Seek, ev: Evaluator, on_phase=None) -> SearchResult:
    """Run the five steps (see the module docstring)."""
    spec = seek.spec
    reps, creps = spec.search.replications, spec.confirm.replications
    L = len(seek.levers)
    res = SearchResult()
    say = on_phase or (lambda *a, **k: None)

    say("base")
    base: Candidate = (None,) * L
    res.base_point = ev.point(base, "base")
    ev.ensure([res.base_point], creps)
    base_stats = ev.stats(res.base_point, reps)
    constraints = list(seek.constraints)
    scan_p = max((c.probability for c in constraints), default=0.8)
    scorer = Scorer(seek, base_stats.cost, constraints, scan_p)

    say("ceiling")
    ceiling: Candidate = tuple((len(lv.settings) - 1, len(lv.starts) - 1) for lv in seek.levers)
    res.ceiling_point = ev.point(ceiling, "ceiling")
    ev.ensure([res.ceiling_point], reps)
    top = ev.stats(res.ceiling_point, reps)
    for c in constraints:
        if not scorer.feasible(top, c):
            res.unreachable[c.met] = _ceiling_reason(seek, top, c)
    scorer.active = [c for c in constraints if c.met not in res.unreachable]

    say("single levers")
    res.scan_checks = [c for c in seek.checks if not scorer.feasible(base_stats, c, c.probability or scan_p)]
    res.single = _single_lever_scan(seek, ev, scorer, res.scan_checks, reps)

    say("search")
    _tpe(seek, ev, scorer, res, ceiling, reps)

    say("confirm")
    _confirm(seek, ev, scorer, res, reps, creps)
    return res


def _ceiling_reason(seek: Seek, s: Stats, c: GoalCheck) -> str:
    g = seek.goal(c.goal_id)
    target = g.target if g.target is not None else g.target_low
    m = np.nanmedian(s.margin[c.met]) if np.isfinite(s.margin[c.met]).any() else float("nan")
    value = target + m * abs(target) if target else float("nan")
    p = float(np.nanmean(s.met[c.met]))
    why = g.fixed_because or ""
    return (f"every lever at its strongest setting and earliest start: P(met) = {p:.2f}, median value "
            f"{value:,.3g} against the target {target:g}" + (f". {why}" if why else ""))


def _single(L: int, i: int, choice) -> Candidate:
    return tuple(choice if j == i else None for j in range(L))


def _single_lever_scan(seek: Seek, ev: Evaluator, scorer: Scorer, checks: list[GoalCheck], reps: int) -> list[dict]:
    """Each lever alone: strongest first, then bisection on settings and later starts, for each goal missed."""
    L = len(seek.levers)
    tops = [_single(L, i, (len(lv.settings) - 1, len(lv.starts) - 1)) for i, lv in enumerate(seek.levers)]
    points = [ev.point(c, "single") for c in tops]
    ev.ensure(points, reps)
    p_of = {c.met: c.probability or scorer.scan_p for c in checks}

    def meets(cand: Candidate, c: GoalCheck) -> bool:
        return scorer.feasible(ev.stats(ev.point(cand, "single"), reps), c, p_of[c.met])

    # bisection in lockstep over (lever, goal) pairs, one batch of runs per step
    state = {(i, c.met): [-1, len(lv.settings) - 1] for i, lv in enumerate(seek.levers) for c in checks
             if meets(tops[i], c)}
    by_met = {c.met: c for c in checks}
    while True:
        todo = {k: (lo + hi) // 2 for k, (lo, hi) in state.items() if hi - lo > 1}
        if not todo:
            break
        cands = {k: _single(L, k[0], (mid, len(seek.levers[k[0]].starts) - 1)) for k, mid in todo.items()}
        ev.ensure([ev.point(c, "single") for c in cands.values()], reps)
        for k, mid in todo.items():
            if meets(cands[k], by_met[k[1]]):
                state[k][1] = mid
            else:
                state[k][0] = mid
    starts = {k: len(seek.levers[k[0]].starts) - 1 for k in state}
    live = set(state)
    while live:
        cands = {k: _single(L, k[0], (state[k][1], starts[k] - 1)) for k in live if starts[k] > 0}
        if not cands:
            break
        ev.ensure([ev.point(c, "single") for c in cands.values()], reps)
        live = set()
        for k, cand in cands.items():
            if meets(cand, by_met[k[1]]):
                starts[k] -= 1
                live.add(k)
    out = []
    singles = [(p, cand) for cand, p in ev.keys.items() if sum(x is not None for x in cand) == 1]
    for c in checks:
        best = None
        for p, cand in singles:
            if not ev.have(p, reps):
                continue
            s = ev.stats(p, reps)
            if scorer.feasible(s, c, p_of[c.met]):
                key = s.cost + scorer.tie * scorer.intensity(cand)
                if best is None or key < best[0]:
                    best = (key, p, cand, s)
        if best is None:
            reach = max((float(np.nanmean(ev.stats(p, reps).met[c.met])) for p, _ in singles if ev.have(p, reps)),
                        default=float("nan"))
            out.append({"goal_id": c.goal_id, "year": c.year, "check": c.met, "lever": None, "setting": None,
                        "point": None, "cost": float("nan"), "p_met": reach})
            continue
        _, p, cand, s = best
        i = next(j for j, x in enumerate(cand) if x is not None)
        lv = seek.levers[i]
        out.append({"goal_id": c.goal_id, "year": c.year, "check": c.met, "lever": lv.name,
                    "setting": lv.text(cand[i]), "point": p, "cost": s.cost,
                    "p_met": float(np.nanmean(s.met[c.met])), "choice": cand[i]})
    return out


def _tpe(seek: Seek, ev: Evaluator, scorer: Scorer, res: SearchResult, ceiling: Candidate, reps: int) -> None:
    import optuna
    from optuna.distributions import IntDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    spec = seek.spec.search
    dists = {}
    for lv in seek.levers:
        dists[lv.name] = IntDistribution(0, len(lv.settings) - 1)
        if len(lv.starts) > 1:
            dists[f"{lv.name}__start"] = IntDistribution(0, len(lv.starts) - 1)

    def params(cand: Candidate) -> dict:
        out = {}
        for lv, c in zip(seek.levers, cand, strict=True):
            out[lv.name] = c[0]
            if len(lv.starts) > 1:
                out[f"{lv.name}__start"] = c[1]
        return out

    def candidate(p: dict) -> Candidate:
        return tuple((int(p[lv.name]), int(p.get(f"{lv.name}__start", 0))) for lv in seek.levers)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(seed=seek.seed % 2**32, n_startup_trials=spec.startup,
                                             multivariate=True)
        study = optuna.create_study(direction="minimize", sampler=sampler)
    study.enqueue_trial(params(ceiling))
    union = _union(seek, res)
    if union is not None:
        study.enqueue_trial(params(union))

    def used() -> int:
        return sum(min(len(ev.rows.get(p, {})), reps) for p in range(len(ev.candidates)))

    best, stale, batch_no = math.inf, 0, 0
    res.status = "budget"
    while used() + spec.batch * reps <= spec.runs:
        batch_no += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            trials = [study.ask(dists) for _ in range(spec.batch)]
        cands = [candidate(t.params) for t in trials]
        points = [ev.point(c, "search") for c in cands]
        ev.ensure(points, reps)
        improved = False
        for t, cand, p in zip(trials, cands, points, strict=True):
            s = ev.stats(p, reps)
            obj, cons = scorer.score(s, cand)
            for k, v in enumerate(cons):
                t.set_constraint(f"c{k}", v)
            study.tell(t, obj)
            feasible = all(x <= 0 for x in cons)
            if feasible and obj < best - 1e-9:
                best, improved = obj, True
            res.trace.append({"trial": t.number, "batch": batch_no, "point": p, "objective": obj,
                              "cost": s.cost, "feasible": feasible, "goals_met": scorer.goals_met(s),
                              "best": best if math.isfinite(best) else float("nan"), "runs": used()})
        stale = 0 if improved else stale + 1
        if batch_no * spec.batch >= spec.startup and stale >= spec.patience:
            res.status = "converged"
            break


def _union(seek: Seek, res: SearchResult) -> Candidate | None:
    """Each constraint's cheapest single-lever setting, together (the strongest where two share a lever)."""
    chosen: dict[int, tuple[int, int]] = {}
    active = {c.met for c in seek.constraints} - set(res.unreachable)
    for row in res.single:
        if row["check"] not in active or row["lever"] is None:
            continue
        i = next(j for j, lv in enumerate(seek.levers) if lv.name == row["lever"])
        a, b = row["choice"], chosen.get(i)
        chosen[i] = a if b is None else (max(a[0], b[0]), max(a[1], b[1]))
    if not chosen:
        return None
    return tuple(chosen.get(i, (0, 0)) for i in range(len(seek.levers)))


def _confirm(seek: Seek, ev: Evaluator, scorer: Scorer, res: SearchResult, reps: int, creps: int) -> None:
    spec = seek.spec.confirm
    ranked = []
    for cand, p in ev.keys.items():
        if p == res.base_point or not ev.have(p, reps):
            continue
        s = ev.stats(p, reps)
        obj, cons = scorer.score(s, cand)
        ranked.append((0 if all(x <= 0 for x in cons) else 1, sum(cons), obj, p))
    ranked.sort()
    feasible = [r for r in ranked if r[0] == 0] or ranked[:spec.candidates]
    for k in range(spec.rounds):
        group = [r[3] for r in feasible[k * spec.candidates:(k + 1) * spec.candidates]]
        if not group:
            break
        ev.ensure(group, creps)
        for p in group:
            s = ev.stats(p, creps)
            wil, ok = {}, {}
            for c in scorer.active:
                met = np.nan_to_num(s.met[c.met], nan=0.0)
                wil[c.met] = wilson_interval(int(met.sum()), s.n)
                ok[c.met] = wil[c.met][0] >= c.probability - 1e-12
            res.confirmed.append(Confirmed(p, s, wil, ok))
        passing = [c for c in res.confirmed if c.all_pass]
        if passing:
            break
    if not res.confirmed:
        return
    tie = scorer.tie

    def key(c: Confirmed):
        return (-sum(c.passes.values()), c.stats.cost + tie * scorer.intensity(ev.candidates[c.point]))

    res.best = min(res.confirmed, key=key)
    res.status = res.status if res.best.all_pass else f"{res.status}; no candidate passed every goal"


def elapsed_since(start: float) -> float:
    """Seconds since ``start`` (perf_counter)."""
    return time.perf_counter() - start
