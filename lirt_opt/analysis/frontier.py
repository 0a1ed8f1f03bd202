"""The trade-off between the heaviest load and the number of newly opened sites.

Per pool P, with k new sites allowed (a budget row sum_l o[l] <= k), the heaviest load
z_P(k) is found exactly (Step A + Step B of the leximin, level 1 only). k runs from
the fewest new sites that close the pool to the number at which the heaviest load
stops falling. Pools are independent, so the province's frontier combines them: for
a heaviest load tau, the fewest new sites is K(tau) = sum_P min{k : z_P(k) <= tau};
the points are the (K(tau), tau) that no other point beats on both. Each point's
proposal (the pools' solutions at their k) is verified before it is reported.
Formulation: models/distribution.md, section "Frontier".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..instance import Instance, Pool
from ..model.pool import build_pool_model
from ..solver.balance import LeximinDriver, PoolOutcome, _Stopped
from ..solver.extract import Proposal, extract
from ..solver.runner import Clock, SolverOptions
from ..verify.verifier import CheckReport, check


class FrontierError(Exception):
    """A pool has no closing proposal, or the solver stopped before a point was proven."""


@dataclass(frozen=True)
class PoolPoint:
    pool: str
    new_sites: int
    max_load: Fraction
    outcome: PoolOutcome


@dataclass(frozen=True)
class FrontierPoint:
    new_sites: int
    max_load: Fraction
    pools: tuple[PoolPoint, ...]
    proposal: Proposal
    check: CheckReport


def _heaviest(instance: Instance, pool: Pool, options: SolverOptions, clock: Clock,
              budget: int | None) -> tuple[Fraction, int, PoolOutcome]:
    """(heaviest load, new sites used, the solution) with at most ``budget`` new sites."""
    pm = build_pool_model(instance, pool)
    if budget is not None:
        pm.add_row("budget", 0, pm.new_sites() <= budget)
    driver = LeximinDriver(pm, options, clock)
    try:
        if pm.loaded:
            driver.estimate()
            driver.prove_level(0)
        else:
            driver.solve("feasibility", 0.0)
        if budget is None and pm.loaded:
            # the fewest new sites with every load at most this heaviest load
            pm.remove_family("levels")
            for m in pm.loaded:
                pm.add_row("heaviest", m, pm.effort_scaled(m) <= driver.top[m])
            driver.fewest_sites()
        elif budget is None:
            driver.fewest_sites()
    except _Stopped as stop:
        first = driver.outcome.runs[0][1] if driver.outcome.runs else None
        if first is not None and first.termination == "infeasible":
            raise FrontierError(f"pool {pool.id}: no closing proposal"
                                + ("" if budget is None else f" with {budget} new sites")) from None
        raise FrontierError(f"pool {pool.id}: {stop.message}") from None
    out = driver.outcome
    out.status = "optimal"
    z = driver.loads_desc()[0] if pm.loaded else Fraction(0)
    used = sum(1 for loc in pm.sites if loc.optional and driver.is_open(loc))
    return z, used, out


def _fewest_sites(instance: Instance, pool: Pool, options: SolverOptions, clock: Clock) -> int:
    pm = build_pool_model(instance, pool)
    driver = LeximinDriver(pm, options, clock)
    try:
        driver.solve("fewest new sites", pm.new_sites())
    except _Stopped as stop:
        raise FrontierError(f"pool {pool.id}: no closing proposal ({stop.message})") from None
    return sum(1 for loc in pm.sites if loc.optional and driver.is_open(loc))


def pool_frontier(instance: Instance, pool: Pool, options: SolverOptions, clock: Clock
                  ) -> list[PoolPoint]:
    """The pool's points (new sites, heaviest load), fewest sites first, loads falling."""
    z_free, k_free, out_free = _heaviest(instance, pool, options, clock, None)
    points: list[PoolPoint] = []
    k = _fewest_sites(instance, pool, options, clock)
    while k < k_free:
        z, used, out = _heaviest(instance, pool, options, clock, k)
        if z <= z_free:
            break
        if not points or z < points[-1].max_load:
            points.append(PoolPoint(pool.id, used, z, out))
        k += 1
    points.append(PoolPoint(pool.id, k_free, z_free, out_free))
    return points


def combine(per_pool: dict[str, list[PoolPoint]]) -> list[tuple[int, Fraction, list[PoolPoint]]]:
    """The province's points: for each threshold, the fewest sites per pool that reach it."""
    thresholds = sorted({p.max_load for pts in per_pool.values() for p in pts}, reverse=True)
    floor = max(pts[-1].max_load for pts in per_pool.values())
    result: list[tuple[int, Fraction, list[PoolPoint]]] = []
    for tau in thresholds:
        if tau < floor:
            break
        chosen = [next(p for p in pts if p.max_load <= tau) for pts in per_pool.values()]
        total = sum(p.new_sites for p in chosen)
        load = max(p.max_load for p in chosen)
        if result and (total, load) == result[-1][:2]:
            continue
        if not result or load < result[-1][1]:
            result.append((total, load, chosen))
    return result


def frontier(instance: Instance, solver: str = "highs", time_limit: float | None = None
             ) -> list[FrontierPoint]:
    """Every point of the trade-off, each with a verified proposal."""
    options = SolverOptions(name=solver, time_limit=time_limit)
    clock = Clock(time_limit)
    per_pool = {pool.id: pool_frontier(instance, pool, options, clock) for pool in instance.pools()}
    points: list[FrontierPoint] = []
    for total, load, chosen in combine(per_pool):
        proposal = extract(instance, [p.outcome for p in chosen])
        report = check(instance, proposal.places, proposal.exchanges,
                       sites=proposal.sites if instance.locations is not None else None)
        if not report.ok:
            raise FrontierError("the verifier rejected a frontier point: "
                                + "; ".join(str(f) for f in report.failures))
        points.append(FrontierPoint(total, load, tuple(chosen), proposal, report))
    return points
