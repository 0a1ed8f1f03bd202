"""Diagnosis: when no closing proposal exists, where places fall short and by how much.

Shortfall (SPEC §6): relax every pool-cover row with a slack s[P,g] >= 0 and
minimise sum weight[g] * s[P,g] over whole-number proposals. The minimum is the
smallest total shortfall, in task units, that *any* proposal must leave; its split
per pool and group comes from the optimal proposal. Bound conflicts (a lower bound
above an upper bound for one municipality and group) are listed separately: no
proposal can satisfy them, whatever the pool does.

This module returns data; the CLI turns it into sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pulp

from .instance import Instance
from .model import build_pool_model
from .solver import Clock, SolverOptions, run


@dataclass(frozen=True)
class ShortfallPart:
    pool: str
    group: str
    target: int
    places: Fraction  # uncovered places of the group
    task_units: Fraction  # weight * places


@dataclass(frozen=True)
class BoundConflict:
    municipality: str
    group: str
    lower: int
    upper: int
    lower_reason: str
    upper_reason: str


@dataclass
class Diagnosis:
    closing: bool
    total: Fraction  # smallest total shortfall in task units
    parts: list[ShortfallPart] = field(default_factory=list)  # nonzero parts only
    conflicts: list[BoundConflict] = field(default_factory=list)
    proven: bool = True  # False when a solver run stopped before proving the minimum
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "closing": self.closing,
            "proven": self.proven,
            "shortfall": {
                "total": float(self.total),
                "by_pool": [{"pool": p.pool, "group": p.group, "target": p.target,
                             "places": float(p.places), "task_units": float(p.task_units)}
                            for p in self.parts],
            },
            "bound_conflicts": [
                {"municipality": c.municipality, "group": c.group, "lower": c.lower,
                 "upper": c.upper, "lower_reason": c.lower_reason, "upper_reason": c.upper_reason}
                for c in self.conflicts],
            "message": self.message,
        }


def bound_conflicts(instance: Instance) -> list[BoundConflict]:
    out = []
    for m in instance.codes:
        for g in instance.group_ids:
            b = instance.place_bounds(m, g)
            if b.upper is not None and b.upper < b.lower:
                out.append(BoundConflict(m, g, b.lower, b.upper, b.lower_reason, b.upper_reason))
    return out


def shortfall(instance: Instance, options: SolverOptions | None = None,
              clock: Clock | None = None) -> Diagnosis:
    """The smallest total shortfall over all whole-number proposals, split per pool and group."""
    options = options or SolverOptions()
    clock = clock or Clock(options.time_limit)
    conflicts = bound_conflicts(instance)
    parts: list[ShortfallPart] = []
    proven, message = True, ""
    for pool in instance.pools():
        pm = build_pool_model(instance, pool, with_shortfall=True, relax_conflicts=True)
        objective = pulp.lpSum(float(pm.weight(g)) * s for g, s in pm.shortfall.items())
        result = run(pm.problem(objective), options, clock.left())
        if not result.has_solution:
            proven, message = False, f"pool {pool.id}: {result.termination} ({result.raw_status})"
            continue
        proven = proven and result.proven_optimal
        places = pm.place_values()
        flows = pm.exchange_values()
        for g in pm.groups:
            target = instance.pool_target(pool, g)
            covered = (sum((Fraction(places[m, g]) for m in pool.members), Fraction(0))
                       - sum((Fraction(n) for (a, _), n in flows.items() if a == g), Fraction(0))
                       + sum((pm.rate(k, h) * n for (k, h), n in flows.items() if h == g),
                             Fraction(0)))
            short = max(Fraction(0), target - covered)
            if short > 0:
                parts.append(ShortfallPart(pool.id, g, target, short, pm.weight(g) * short))
    total = sum((p.task_units for p in parts), Fraction(0))
    closing = total == 0 and not conflicts and proven
    return Diagnosis(closing=closing, total=total, parts=parts, conflicts=conflicts,
                     proven=proven, message=message)
