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
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pulp

from ..instance import Instance, Location, Pool

# Largest whole coefficient or right-hand side a row is scaled to (add_whole_row): far below
# HiGHS's limit on matrix values (1e15) and exact in a float (2^53).
WHOLE_LIMIT = 10**12


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
    # rows[family][key] was multiplied by scale[family][key] to make its coefficients whole
    scale: dict[str, dict[Any, int]] = field(default_factory=dict)
    # the rows made by add_whole_row as exact data: (terms (coefficient, variable), sense, rhs)
    exact_rows: dict[str, dict[Any, tuple[Any, str, Fraction]]] = field(default_factory=dict)
    _names: itertools.count = field(default_factory=itertools.count)

    # ---- names and rows -----------------------------------------------------
    def name(self, prefix: str) -> str:
        """A fresh PuLP name; only PuLP sees it."""
        return f"{prefix}_{next(self._names)}"

    def add_row(self, family: str, key: Any, row: pulp.LpConstraint) -> pulp.LpConstraint:
        row.name = self.name(family.replace(" ", "_"))
        self.rows.setdefault(family, {})[key] = row
        return row

    def add_whole_row(self, family: str, key: Any, terms: list[tuple[Fraction, Any]], sense: str,
                      rhs: Fraction) -> pulp.LpConstraint:
        """sum coef * var (sense) rhs, exactly (SPEC §3: rates and shares are exact decimals).

        The solver sees whole numbers only: the row is multiplied by the lcm of its
        denominators, so a row that fails in exact arithmetic fails by at least 1 in the
        solver's (a rate of 0.33333333 is 33333333/10^8, not a float near 1/3). A row whose
        only fractional coefficient is that of one whole variable v in [0, N], with everything
        else whole, gets small coefficients instead (``reduced_rate``): r v + n >= b holds for
        whole n, b and v <= N exactly when a v + d n >= d b, a/d the largest fraction <= r with
        d <= N (for <=: the smallest fraction >= r). A coefficient of 10^8 on a whole variable
        would let the solver's integrality tolerance (1e-6) buy a whole unit of the row.
        The exact row is kept in ``exact_rows`` (the diagnosis reads it), the factor in
        ``scale`` (the value of a place rescales the dual)."""
        self.exact_rows.setdefault(family, {})[key] = (tuple(terms), sense, rhs)
        fractional = [(c, v) for c, v in terms if Fraction(c).denominator != 1]
        whole = rhs.denominator == 1 and all(v.cat == pulp.LpInteger for _, v in terms)
        if whole and len(fractional) == 1 and sense != "==":
            coef, var = fractional[0]
            top = var.upBound
            if top is not None and coef > 0 and var.lowBound == 0:
                approx = reduced_rate(Fraction(coef), int(top), below=sense == ">=")
                factor = approx.denominator
                terms = [(approx if v is var else c, v) for c, v in terms]
            else:
                factor = math.lcm(Fraction(coef).denominator)
        else:
            factor = math.lcm(rhs.denominator, *(Fraction(c).denominator for c, _ in terms))
        if factor * max([abs(Fraction(c)) for c, _ in terms] + [abs(rhs)]) > WHOLE_LIMIT:
            # too large for the solver (HiGHS refuses values above 1e15): the row as fractions
            # in floats; the verifier still decides in exact arithmetic (models/distribution.md)
            self.scale.get(family, {}).pop(key, None)
            expr = pulp.LpAffineExpression([(v, float(c)) for c, v in terms])
            row = {">=": expr >= float(rhs), "<=": expr <= float(rhs), "==": expr == float(rhs)}
            return self.add_row(family, key, row[sense])
        expr = pulp.LpAffineExpression()
        for coef, var in terms:
            expr.addterm(var, int(coef * factor))
        bound = int(rhs * factor)
        row = {">=": expr >= bound, "<=": expr <= bound, "==": expr == bound}[sense]
        if factor != 1:
            self.scale.setdefault(family, {})[key] = factor
        else:
            self.scale.get(family, {}).pop(key, None)
        return self.add_row(family, key, row)

    def remove_family(self, family: str) -> None:
        self.rows.pop(family, None)
        self.scale.pop(family, None)
        self.exact_rows.pop(family, None)

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

    def credited_in(self, g: str) -> list[tuple[Fraction, pulp.LpVariable]]:
        """sum_k rate[k,g] e[P,k,g] as exact terms (coefficient, variable)."""
        return [(self.rate(k, g), v) for (k, h), v in self.e.items() if h == g]

    def cover_terms(self, g: str) -> list[tuple[Fraction, pulp.LpVariable]]:
        """X[P,g] - sum_h e[P,g,h] + sum_k rate[k,g] e[P,k,g] as exact terms."""
        return ([(Fraction(1), self.x[m, g]) for m in self.pool.members]
                + [(Fraction(-1), v) for (a, _), v in self.e.items() if a == g]
                + self.credited_in(g))

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


def reduced_rate(rate: Fraction, top: int, below: bool = True) -> Fraction:
    """The largest fraction <= ``rate`` (``below``; else the smallest >= it) whose denominator
    is at most ``top`` (>= 1). For whole v in [0, top] and whole n, rate * v >= n exactly when
    this fraction times v >= n: no n/v with v <= top lies strictly between the two (the
    fraction is a neighbour of ``rate`` in the Farey sequence of order ``top``)."""
    top = max(top, 1)
    if rate.denominator <= top:
        return rate
    if not below:
        return -reduced_rate(-rate, top)
    # continued-fraction convergents of rate; the best approximations from below are among
    # the last convergent and the semiconvergent before the denominator passes ``top``
    p0, q0, p1, q1 = 0, 1, 1, 0
    n, d = rate.numerator, rate.denominator
    while d:
        a = n // d
        q2 = q0 + a * q1
        if q2 > top:
            break
        p0, q0, p1, q1 = p1, q1, p0 + a * p1, q2
        n, d = d, n - a * d
    k = (top - q0) // q1
    candidates = [Fraction(p0 + k * p1, q0 + k * q1), Fraction(p1, q1)]
    return max(c for c in candidates if c <= rate)


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
            lower = b.lower
            if relax_conflicts and upper is not None and upper < lower:
                # lifted for the shortfall: a cap up to the minimum; but the site rows keep
                # x within the sites' capacity, so a minimum above it comes down instead
                if b.upper_reason.startswith("capacity of counting sites"):
                    lower = upper
                else:
                    upper = lower
            pm.lower[m, g], pm.upper[m, g] = lower, upper
            pm.x[m, g] = pulp.LpVariable(pm.name("x"), lowBound=lower, upBound=upper,
                                         cat=pulp.LpInteger)


def add_exchange_variables(pm: PoolModel) -> None:
    """e[P,g,h] whole places of g in pool P credited to h, for each listed exchange g -> h."""
    for ex in pm.instance.exchanges:
        pm.e[ex.source, ex.target] = pulp.LpVariable(
            pm.name("e"), lowBound=0, upBound=exchange_top(pm, ex.target, ex.rate),
            cat=pulp.LpInteger)


def exchange_top(pm: PoolModel, target: str, rate: Fraction, share: Fraction = Fraction(1)
                 ) -> int:
    """Most places of one exchange into ``target``: rate * e <= max_import_share * share * T
    (the import-share row alone), so e <= floor(that / rate)."""
    limit = pm.instance.group(target).max_import_share * share * pm.instance.pool_target(
        pm.pool, target)
    return math.floor(limit / rate)


def add_site_variables(pm: PoolModel) -> None:
    """For every site l of the pool that counts: p[l,g] whole >= 0 for each group g it serves,
    and for a planned or candidate site o[l] in {0, 1} (opened or not). A municipality with
    fair share 0 opens sites only up to its lower bounds (the bounds on x). Sites that do
    not count are kept, with their reason, in ``not_counting``: their places do not count
    for the task."""
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
                pm.opened[loc.id] = pulp.LpVariable(pm.name("o"), lowBound=0, upBound=1,
                                                    cat=pulp.LpInteger)


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
            pm.e_ms[k, ex.source, ex.target] = pulp.LpVariable(
                pm.name("ek"), lowBound=0, upBound=exchange_top(pm, ex.target, ex.rate, ms.share),
                cat=pulp.LpInteger)
        for g in pm.groups:
            one = Fraction(1)
            own = [(one, pm.p[loc.id, g]) for loc in pm.sites
                   if g in loc.groups and inst.available_on(loc, ms.date)]
            out = [(-one, v) for (kk, a, _), v in pm.e_ms.items() if kk == k and a == g]
            inn = [(pm.rate(a, h), v) for (kk, a, h), v in pm.e_ms.items() if kk == k and h == g]
            task = ms.share * inst.pool_target(pm.pool, g)
            covered = own + out + inn
            if pm.shortfall:  # the diagnosis model: s^k[P,g] >= 0 left uncovered at the milestone
                pm.milestone_shortfall[k, g] = pulp.LpVariable(pm.name("sk"), lowBound=0)
                covered.append((one, pm.milestone_shortfall[k, g]))
            pm.add_whole_row("milestone cover", (k, g), covered, ">=", task)
            if out:
                pm.add_whole_row("milestone own", (k, g), out + [(-c, v) for c, v in own],
                                 "<=", Fraction(0))
            if inn:
                limit = inst.group(g).max_import_share * task
                pm.add_whole_row("milestone import", (k, g), inn, "<=", limit)


def add_shortfall_variables(pm: PoolModel) -> None:
    """s[P,g] >= 0: the part of T[P,g] left uncovered (only in the diagnosis model)."""
    for g in pm.groups:
        pm.shortfall[g] = pulp.LpVariable(pm.name("s"), lowBound=0)


def add_pool_cover_rows(pm: PoolModel) -> None:
    """X[P,g] - sum_h e[P,g,h] + sum_k rate[k,g] e[P,k,g] (+ s[P,g]) >= T[P,g], for every g."""
    for g in pm.groups:
        target = pm.instance.pool_target(pm.pool, g)
        covered = pm.cover_terms(g)
        if g in pm.shortfall:
            covered.append((Fraction(1), pm.shortfall[g]))
        pm.add_whole_row("cover", g, covered, ">=", Fraction(target))


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
            pm.add_whole_row("import", g, pm.credited_in(g), "<=", limit)


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
