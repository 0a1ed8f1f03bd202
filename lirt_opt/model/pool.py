"""Stage 3 — build: the integer programme of one pool (SPEC §3), with PuLP.

One function per family of variables or rows, each testable alone; the
formulation, symbol by symbol, is written out in ``models/distribution.md``.
Every row is kept in ``PoolModel.rows[family][key]``: code looks rows up by
these references, never by PuLP name (PuLP rewrites names).

Pools are independent (no row joins two pools), so a proposal is the union of
the pools' solutions; ``balance.py`` drives the leximin stages on this model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pulp

from ..instance import Instance, Location, Pool


@dataclass
class PoolModel:
    instance: Instance
    pool: Pool
    groups: tuple[str, ...]
    x: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)  # x[m,g]
    e: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)  # e[P,g,h]
    rows: dict[str, dict[Any, pulp.LpConstraint]] = field(default_factory=dict)
    lower: dict[tuple[str, str], int] = field(default_factory=dict)
    upper: dict[tuple[str, str], int | None] = field(default_factory=dict)
    D: int = 1  # common denominator of the weights: D * weight[g] is whole
    F: dict[str, Fraction] = field(default_factory=dict)  # fair share F[m]
    loaded: tuple[str, ...] = ()  # municipalities with F[m] > 0 (they have a load)
    shortfall: dict[str, pulp.LpVariable] = field(default_factory=dict)  # s[P,g] (diagnosis only)
    sites: list[Location] = field(default_factory=list)  # the pool's counting sites, by id
    not_counting: list[tuple[Location, str]] = field(default_factory=list)  # (site, reason)
    p: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)  # p[l,g]
    opened: dict[str, pulp.LpVariable] = field(default_factory=dict)  # o[l], optional sites
    e_ms: dict[tuple[int, str, str], pulp.LpVariable] = field(default_factory=dict)  # e^k[g,h]
    milestone_shortfall: dict[tuple[int, str], pulp.LpVariable] = field(default_factory=dict)
    _names: itertools.count = field(default_factory=itertools.count)

    # ---- names and rows -----------------------------------------------------
    def name(self, prefix: str) -> str:
        """A fresh PuLP name; only PuLP sees it."""
        return f"{prefix}_{next(self._names)}"

    def add_row(self, family: str, key: Any, row: pulp.LpConstraint) -> pulp.LpConstraint:
        row.name = self.name(family.replace(" ", "_"))
        self.rows.setdefault(family, {})[key] = row
        return row

    def remove_family(self, family: str) -> None:
        self.rows.pop(family, None)

    def problem(self, objective: pulp.LpAffineExpression | pulp.LpVariable | float
                ) -> pulp.LpProblem:
        """A PuLP problem of the rows now in the model and ``objective`` (minimised).

        Made afresh for each solve: PuLP keeps variables of deleted rows in its problem
        and then fails to read CBC's answer back, so rows live here, not in a problem.
        """
        prob = pulp.LpProblem("lirt_pool", pulp.LpMinimize)
        prob.setObjective(objective if isinstance(objective, pulp.LpAffineExpression)
                          else pulp.LpAffineExpression(objective))
        for family in self.rows.values():
            for row in family.values():
                prob.addConstraint(row)
        return prob

    # ---- expressions ----------------------------------------------------------
    def weight(self, g: str) -> Fraction:
        return self.instance.group(g).weight

    def effort_scaled(self, m: str) -> pulp.LpAffineExpression:
        """D * E[m] = sum_g (D * weight[g]) * x[m,g]: whole coefficients, whole values."""
        return pulp.lpSum(int(self.D * self.weight(g)) * self.x[m, g] for g in self.groups)

    def own_places(self, g: str) -> pulp.LpAffineExpression:
        """X[P,g] = sum_m x[m,g]."""
        return pulp.lpSum(self.x[m, g] for m in self.pool.members)

    def exchanged_out(self, g: str) -> pulp.LpAffineExpression:
        return pulp.lpSum(v for (a, _), v in self.e.items() if a == g)

    def credited_in(self, g: str) -> pulp.LpAffineExpression:
        return pulp.lpSum(float(self.rate(k, g)) * v for (k, h), v in self.e.items() if h == g)

    def rate(self, source: str, target: str) -> Fraction:
        for ex in self.instance.exchanges:
            if ex.source == source and ex.target == target:
                return ex.rate
        raise KeyError((source, target))

    # ---- solution -------------------------------------------------------------
    def place_values(self) -> dict[tuple[str, str], int]:
        """x rounded to whole numbers (the solver keeps them within its integrality tolerance)."""
        return {k: round(v.varValue or 0.0) for k, v in self.x.items()}

    def exchange_values(self) -> dict[tuple[str, str], int]:
        return {k: round(v.varValue or 0.0) for k, v in self.e.items()}

    def site_values(self) -> dict[tuple[str, str], int]:
        """p[l,g] rounded to whole numbers."""
        return {k: round(v.varValue or 0.0) for k, v in self.p.items()}

    def milestone_exchange_values(self) -> dict[tuple[int, str, str], int]:
        return {k: round(v.varValue or 0.0) for k, v in self.e_ms.items()}

    def site_places(self, loc: Location) -> pulp.LpAffineExpression:
        """z[l] = sum_g p[l,g]."""
        return pulp.lpSum(self.p[loc.id, g] for g in loc.groups)

    def new_sites(self) -> pulp.LpAffineExpression:
        """Number of newly opened (planned or candidate) sites: sum_l o[l]."""
        return pulp.lpSum(self.opened.values())

    def site_cost(self) -> pulp.LpAffineExpression:
        """sum_l cost[l] * z[l] (euros per year)."""
        return pulp.lpSum(float(loc.cost) * self.site_places(loc) for loc in self.sites
                          if loc.cost)

    def load(self, m: str, places: dict[tuple[str, str], int]) -> Fraction:
        """L[m] = E[m] / F[m], exactly."""
        return sum((self.weight(g) * places[m, g] for g in self.groups), Fraction(0)) / self.F[m]

    def min_load(self, m: str) -> Fraction:
        """The load of m at its lower bounds: no proposal gives m less."""
        return sum((self.weight(g) * self.lower[m, g] for g in self.groups), Fraction(0)) / self.F[m]


# ---------------------------------------------------------------------------- variables
def add_place_variables(pm: PoolModel, relax_conflicts: bool = False) -> None:
    """x[m,g] whole, lower <= x <= upper.

    The bounds combine bounds.csv (min, max), locations.csv (existing places below,
    capacity available by the deadline above) and the F = 0 rule (no places above
    the lower bound); see Instance.place_bounds.
    """
    inst = pm.instance
    for m in pm.pool.members:
        for g in pm.groups:
            b = inst.place_bounds(m, g)
            upper = b.upper
            if relax_conflicts and upper is not None and upper < b.lower:
                upper = b.lower
            pm.lower[m, g], pm.upper[m, g] = b.lower, upper
            pm.x[m, g] = pulp.LpVariable(pm.name("x"), lowBound=b.lower, upBound=upper,
                                         cat=pulp.LpInteger)


def add_exchange_variables(pm: PoolModel) -> None:
    """e[P,g,h] whole places of g in pool P credited to h, for each listed exchange g -> h."""
    for ex in pm.instance.exchanges:
        pm.e[ex.source, ex.target] = pulp.LpVariable(pm.name("e"), lowBound=0, cat=pulp.LpInteger)


def add_site_variables(pm: PoolModel) -> None:
    """For every site l of the pool that counts: p[l,g] whole >= 0 for each group g it serves,
    and for a planned or candidate site o[l] in {0, 1} (opened or not). A municipality with
    fair share 0 opens no site (o[l] = 0). Sites that do not count are kept, with their
    reason, in ``not_counting``: their places do not count for the task."""
    inst = pm.instance
    for m in pm.pool.members:
        for loc in inst.sites_of(m):
            counts, reason = inst.site_counts(loc)
            if not counts:
                pm.not_counting.append((loc, reason))
                continue
            pm.sites.append(loc)
            for g in loc.groups:
                pm.p[loc.id, g] = pulp.LpVariable(pm.name("p"), lowBound=0, upBound=loc.capacity,
                                                  cat=pulp.LpInteger)
            if loc.optional:
                pm.opened[loc.id] = pulp.LpVariable(
                    pm.name("o"), lowBound=0, upBound=0 if pm.F[m] == 0 else 1, cat=pulp.LpInteger)


# ---------------------------------------------------------------------------- rows
def add_site_rows(pm: PoolModel) -> None:
    """Sites: an existing site hosts its capacity, z[l] = cap[l]; an optional one hosts
    nothing or between its minimum and its capacity, minsize[l] o[l] <= z[l] <= cap[l] o[l];
    and x[m,g] = sum of p[l,g] over m's counting sites serving g."""
    inst = pm.instance
    for loc in pm.sites:
        z = pm.site_places(loc)
        if not loc.optional:
            pm.add_row("site existing", loc.id, z == loc.capacity)
        else:
            o = pm.opened[loc.id]
            pm.add_row("site capacity", loc.id, z - loc.capacity * o <= 0)
            pm.add_row("site min size", loc.id, z - inst.site_min_size(loc) * o >= 0)
    for m in pm.pool.members:
        for g in pm.groups:
            at_sites = [pm.p[loc.id, g] for loc in pm.sites
                        if loc.municipality == m and g in loc.groups]
            pm.add_row("site sum", (m, g), pm.x[m, g] - pulp.lpSum(at_sites) == 0)


def add_milestone_rows(pm: PoolModel) -> None:
    """For every milestone k (date d_k, share s_k) and group g, with the places of the sites
    available on d_k, X^k[P,g] = sum p[l,g], and exchanges e^k of their own:
    X^k - sum_h e^k[g,h] + sum_k' rate e^k[k',g] >= s_k T[P,g], sum_h e^k[g,h] <= X^k[P,g],
    sum_k' rate e^k[k',g] <= max_import_share[g] s_k T[P,g]."""
    inst = pm.instance
    for k, ms in enumerate(inst.milestones):
        for ex in inst.exchanges:
            pm.e_ms[k, ex.source, ex.target] = pulp.LpVariable(pm.name("ek"), lowBound=0,
                                                               cat=pulp.LpInteger)
        for g in pm.groups:
            own = pulp.lpSum(pm.p[loc.id, g] for loc in pm.sites
                             if g in loc.groups and inst.available_on(loc, ms.date))
            out = pulp.lpSum(v for (kk, a, _), v in pm.e_ms.items() if kk == k and a == g)
            inn = pulp.lpSum(float(pm.rate(a, h)) * v for (kk, a, h), v in pm.e_ms.items()
                             if kk == k and h == g)
            task = ms.share * inst.pool_target(pm.pool, g)
            covered = own - out + inn
            if pm.shortfall:  # the diagnosis model: s^k[P,g] >= 0 left uncovered at the milestone
                pm.milestone_shortfall[k, g] = pulp.LpVariable(pm.name("sk"), lowBound=0)
                covered += pm.milestone_shortfall[k, g]
            pm.add_row("milestone cover", (k, g), covered >= float(task))
            if any(a == g for (kk, a, _) in pm.e_ms if kk == k):
                pm.add_row("milestone own", (k, g), out - own <= 0)
            if any(h == g for (kk, _, h) in pm.e_ms if kk == k):
                limit = inst.group(g).max_import_share * task
                pm.add_row("milestone import", (k, g), inn <= float(limit))


def add_shortfall_variables(pm: PoolModel) -> None:
    """s[P,g] >= 0: the part of T[P,g] left uncovered (only in the diagnosis model)."""
    for g in pm.groups:
        pm.shortfall[g] = pulp.LpVariable(pm.name("s"), lowBound=0)


def add_pool_cover_rows(pm: PoolModel) -> None:
    """X[P,g] - sum_h e[P,g,h] + sum_k rate[k,g] e[P,k,g] (+ s[P,g]) >= T[P,g], for every g."""
    for g in pm.groups:
        target = pm.instance.pool_target(pm.pool, g)
        covered = pm.own_places(g) - pm.exchanged_out(g) + pm.credited_in(g)
        if g in pm.shortfall:
            covered += pm.shortfall[g]
        pm.add_row("cover", g, covered >= target)


def add_own_places_rows(pm: PoolModel) -> None:
    """sum_h e[P,g,h] <= X[P,g]: only a pool's own places of g are exchanged."""
    for g in pm.groups:
        if any(a == g for a, _ in pm.e):
            pm.add_row("own", g, pm.exchanged_out(g) <= pm.own_places(g))


def add_import_share_rows(pm: PoolModel) -> None:
    """sum_k rate[k,g] e[P,k,g] <= max_import_share[g] * T[P,g]."""
    for g in pm.groups:
        if any(h == g for _, h in pm.e):
            share = pm.instance.group(g).max_import_share
            limit = share * pm.instance.pool_target(pm.pool, g)
            pm.add_row("import", g, pm.credited_in(g) <= float(limit))


def build_pool_model(instance: Instance, pool: Pool, with_shortfall: bool = False,
                     relax_conflicts: bool = False) -> PoolModel:
    """The feasibility model of one pool: variables, bounds, cover, exchange rules.

    ``with_shortfall`` adds s[P,g] to the cover rows (the diagnosis model);
    ``relax_conflicts`` lifts an upper bound below the lower bound up to it.
    """
    pm = PoolModel(instance=instance, pool=pool,
                   groups=instance.group_ids, D=instance.weight_denominator())
    pm.F = {m: instance.fair_share(m) for m in pool.members}
    pm.loaded = tuple(m for m in pool.members if pm.F[m] > 0)
    add_place_variables(pm, relax_conflicts)
    add_exchange_variables(pm)
    if instance.locations is not None:
        add_site_variables(pm)
    if with_shortfall:
        add_shortfall_variables(pm)
    add_pool_cover_rows(pm)
    add_own_places_rows(pm)
    add_import_share_rows(pm)
    if instance.locations is not None:
        add_site_rows(pm)
        add_milestone_rows(pm)
    return pm
