"""Value of a place: what one more place of capacity, or one place less of task, is worth.

An **estimate from the linear relaxation** of the top balance stage, per pool:

    z* = min z   s.t.  E[m] <= z F[m]  for every m with F[m] > 0,
                       every row of the pool model (cover, own places, import share),
                       lower[m,g] <= x[m,g] <= upper[m,g],   x, e >= 0 real (not whole).

z* is the smallest heaviest load the pool could reach if places could be split.
Its sensitivities come from the duals HiGHS returns (PuLP: ``row.pi``, ``var.dj``;
HiGHS's sign convention: the change of the objective per unit increase of the
row's bound or the variable's bound):

* ``capacity[m,g] = -dj(x[m,g])`` when x[m,g] sits at a finite upper bound:
  how much z* falls per extra place of capacity of (m, g); 0 otherwise.
* ``task[m,g] = pi(cover g) + sigma_g pi(import g) + pi(load m) z* w_g``: how much
  z* falls per place less of m's own task of g. The task enters the pool's cover
  row (and the import-share limit sigma_g T) *and* m's fair share F[m] (the
  coefficient -F[m] of z in m's load row), whence the last term; it is negative
  when m itself carries the heaviest load (a smaller fair share makes its own
  load heavier).
* ``pool_task[P,g] = pi(cover g) + sigma_g pi(import g)``: the fall per place less
  of the pool's task of g when no fair share changes.

The mathematics, symbol by symbol, is in models/value-of-a-place.md. These are
first-order, LP-relaxation figures: valid for small changes around the LP optimum
(a dual is one of several when the LP is degenerate), not a promise about the
whole-number proposal, whose heaviest load moves in steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulp

from ..instance import Instance
from ..model.pool import build_pool_model
from ..solver.runner import SolverOptions, run

LABEL = "estimate from the linear relaxation (places may be split)"
_ZERO = 1e-9


@dataclass(frozen=True)
class PlaceValue:
    pool: str
    municipality: str
    group: str
    capacity: float | None  # fall of the pool's z* per extra place of capacity (None: no upper bound)
    task: float  # fall of the pool's z* per place less of this municipality's task of this group
    at_capacity: bool  # x[m,g] sits at its upper bound in the LP optimum


@dataclass(frozen=True)
class PoolValue:
    pool: str
    status: str  # optimal | infeasible | error | no load
    heaviest_load: float | None  # z*
    task: dict[str, float] = field(default_factory=dict)  # group -> fall per place less of T[P,g]


@dataclass
class ValueOfAPlace:
    pools: list[PoolValue]
    places: list[PlaceValue]
    label: str = LABEL

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "pools": [{"pool": p.pool, "status": p.status, "heaviest_load_lp": p.heaviest_load,
                       "task": dict(p.task)} for p in self.pools],
            "places": [{"pool": v.pool, "municipality": v.municipality, "group": v.group,
                        "capacity": v.capacity, "task": v.task, "at_capacity": v.at_capacity}
                       for v in self.places],
        }


def _clean(x: float | None) -> float:
    """Round away solver noise: values within 1e-9 of zero are zero; 12 significant digits."""
    if x is None or abs(x) < _ZERO:
        return 0.0
    return float(f"{x:.12g}")


def value_of_a_place(instance: Instance, time_limit: float | None = None) -> ValueOfAPlace:
    """The LP-relaxation values of capacity and task, per pool, municipality and group (HiGHS)."""
    pools: list[PoolValue] = []
    places: list[PlaceValue] = []
    options = SolverOptions(name="highs", time_limit=time_limit)
    for pool in instance.pools():
        pm = build_pool_model(instance, pool)
        if not pm.loaded:
            pools.append(PoolValue(pool.id, "no load", None))
            continue
        for var in [*pm.x.values(), *pm.e.values()]:
            var.cat = pulp.LpContinuous  # the linear relaxation
        z = pulp.LpVariable(pm.name("z"), lowBound=0)
        for m in pm.loaded:
            effort = pulp.lpSum(float(pm.weight(g)) * pm.x[m, g] for g in pm.groups)
            pm.add_row("load", m, effort - float(pm.F[m]) * z <= 0)
        result = run(pm.problem(z), options)
        if not result.proven_optimal:
            pools.append(PoolValue(pool.id, result.termination, None))
            continue
        zstar = float(z.varValue or 0.0)
        # a row scaled to whole coefficients (model.add_whole_row) has its dual divided by the factor
        cover = {g: float(row.pi or 0.0) * pm.scale.get("cover", {}).get(g, 1)
                 for g, row in pm.rows["cover"].items()}
        imports = {g: float(row.pi or 0.0) * pm.scale.get("import", {}).get(g, 1)
                   for g, row in pm.rows.get("import", {}).items()}
        share = {g: float(instance.group(g).max_import_share) for g in pm.groups}
        pool_task = {g: _clean(cover[g] + share[g] * imports.get(g, 0.0)) for g in pm.groups}
        pools.append(PoolValue(pool.id, "optimal", _clean(zstar), pool_task))
        for m in pool.members:
            load_dual = float(pm.rows["load"][m].pi or 0.0) if m in pm.rows["load"] else 0.0
            for g in pm.groups:
                var = pm.x[m, g]
                upper = pm.upper[m, g]
                at_capacity = upper is not None and abs((var.varValue or 0.0) - upper) < 1e-7
                capacity: float | None = None
                if upper is not None:
                    # F = 0: the upper bound is the rule "no places above the lower bound",
                    # not a capacity that one more place could relax
                    dj = float(var.dj or 0.0)
                    capacity = _clean(-dj) if at_capacity and pm.F[m] > 0 and dj < 0 else 0.0
                task = pool_task[g] + load_dual * zstar * float(pm.weight(g))
                places.append(PlaceValue(pool.id, m, g, capacity, _clean(task), at_capacity))
    return ValueOfAPlace(pools, places)
