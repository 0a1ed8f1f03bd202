"""The baseline: the straightforward way to write this, measured in the same run as lirt-opt.

PuLP with CBC (one thread, gap 0), the classic leximin by cumulative ordered sums (Ogryczak &
Śliwiński 2003), and the whole model rebuilt from scratch for every stage (and
so for every scenario). Written out symbol by symbol in ``models/baseline.md``.

For one pool with loaded municipalities M+ (n of them) and loads
L[m] = sum_g w[g] x[m,g] / F[m], stage k = 1..n solves

    theta_k* = min  k t_k + sum_m d[k,m]
               s.t. d[j,m] >= L[m] - t_j,  d[j,m] >= 0          (j = 1..k, m in M+)
                    j t_j + sum_m d[j,m] <= theta_j* + EPS      (j < k)
                    the rows of SPEC §3 (bounds, cover, own places, import share)

theta_k is the sum of the k largest loads; making (theta_1, ..., theta_n)
lexicographically smallest is the same as making the sorted loads
lexicographically smallest. Pools are solved one after another (they share no
row), as lirt-opt does. No tie-breaks: the baseline stops at the sorted loads,
which makes it *faster* than the full problem lirt-opt solves (conservative for
the ratios reported).

Floats throughout, as someone would write it: the fixing rows carry a tolerance
EPS. ``same_loads`` in the benchmark output says whether the baseline reached
exactly lirt-opt's sorted loads (checked with fractions on the rounded places).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import pulp

from lirt_opt.instance import Instance, Pool
from lirt_opt.solver.runner import SolverOptions
from lirt_opt.solver.runner import run as run_solver

EPS = 1e-6


@dataclass
class BaselineResult:
    status: str  # optimal | infeasible | error | time_limit
    places: dict[tuple[str, str], int] = field(default_factory=dict)
    stages: int = 0
    seconds: float = 0.0
    message: str = ""

    def sorted_loads(self, instance: Instance) -> list[Fraction]:
        return sorted_loads(instance, self.places)


def sorted_loads(instance: Instance, places: dict[tuple[str, str], int]) -> list[Fraction]:
    """Exact loads of every municipality with a fair share, largest first."""
    out = []
    for m in instance.codes:
        fair = instance.fair_share(m)
        if fair > 0:
            effort = sum((g.weight * places[m, g.id] for g in instance.groups), Fraction(0))
            out.append(effort / fair)
    return sorted(out, reverse=True)


def _stage(instance: Instance, pool: Pool, k: int, fixed: list[float]
           ) -> tuple[pulp.LpProblem, dict[tuple[str, str], pulp.LpVariable]]:
    """Stage k of one pool, built from nothing."""
    prob = pulp.LpProblem(f"baseline_{k}", pulp.LpMinimize)
    groups = instance.group_ids
    x = {}
    for m in pool.members:
        for g in groups:
            b = instance.place_bounds(m, g)
            x[m, g] = pulp.LpVariable(f"x_{m}_{g}", lowBound=b.lower, upBound=b.upper,
                                      cat=pulp.LpInteger)
    e = {(ex.source, ex.target): pulp.LpVariable(f"e_{ex.source}_{ex.target}", lowBound=0,
                                                 cat=pulp.LpInteger)
         for ex in instance.exchanges}
    rate = {(ex.source, ex.target): float(ex.rate) for ex in instance.exchanges}
    for g in groups:
        own = pulp.lpSum(x[m, g] for m in pool.members)
        out = pulp.lpSum(v for (a, _), v in e.items() if a == g)
        inn = pulp.lpSum(rate[a, h] * v for (a, h), v in e.items() if h == g)
        prob += own - out + inn >= instance.pool_target(pool, g), f"cover_{g}"
        if any(a == g for a, _ in e):
            prob += out <= own, f"own_{g}"
        if any(h == g for _, h in e):
            share = float(instance.group(g).max_import_share)
            prob += inn <= share * instance.pool_target(pool, g), f"import_{g}"
    loaded = [m for m in pool.members if instance.fair_share(m) > 0]
    load = {m: pulp.lpSum(float(instance.group(g).weight / instance.fair_share(m)) * x[m, g]
                          for g in groups) for m in loaded}
    objective = None
    for j in range(1, k + 1):
        t = pulp.LpVariable(f"t_{j}")
        d = {m: pulp.LpVariable(f"d_{j}_{m}", lowBound=0) for m in loaded}
        for m in loaded:
            prob += d[m] >= load[m] - t, f"excess_{j}_{m}"
        theta = j * t + pulp.lpSum(d.values())
        if j < k:
            prob += theta <= fixed[j - 1] + EPS, f"fix_{j}"
        else:
            objective = theta
    prob += objective
    return prob, x


def solve(instance: Instance, time_limit: float | None = None) -> BaselineResult:
    """The leximin proposal by cumulative ordered sums, every stage rebuilt, CBC."""
    start = time.perf_counter()
    result = BaselineResult(status="optimal")
    for pool in instance.pools():
        loaded = [m for m in pool.members if instance.fair_share(m) > 0]
        fixed: list[float] = []
        x: dict[tuple[str, str], pulp.LpVariable] = {}
        for k in range(1, max(len(loaded), 1) + 1):
            left = None if time_limit is None else time_limit - (time.perf_counter() - start)
            if left is not None and left <= 0:
                result.status, result.message = "time_limit", f"pool {pool.id}, stage {k}"
                result.seconds = time.perf_counter() - start
                return result
            prob, x = _stage(instance, pool, k, fixed)
            if not loaded:
                prob.setObjective(pulp.LpAffineExpression(0.0))
            # PuLP labels a CBC run stopped on time "Optimal": read CBC's own status line
            # (lirt_opt.solver.run does), so a stopped baseline is reported as stopped
            run = run_solver(prob, SolverOptions(name="cbc"), left)
            result.stages += 1
            if not run.proven_optimal:
                result.status = {"infeasible": "infeasible", "time_limit": "time_limit"}.get(
                    run.termination, "error")
                result.message = f"pool {pool.id}, stage {k}: {run.raw_status}"
                result.seconds = time.perf_counter() - start
                return result
            fixed.append(float(pulp.value(prob.objective)))
        for key, var in x.items():
            result.places[key] = round(var.varValue or 0.0)
    result.seconds = time.perf_counter() - start
    return result
