"""Stage 4 — solve: the balanced (leximin) proposal of one pool, exactly, over whole places.

Leximin on load: sort the loads L[m] = E[m]/F[m] from largest to smallest and make
that vector lexicographically smallest. Such a vector is a sequence of *levels*
z1 > z2 > … with counts: c1 municipalities at z1, c2 at z2, … This driver finds
them one at a time:

* **Step A (estimate).** Minimise z subject to: at most N of the loaded
  municipalities have E[m] > z·F[m] (binaries, N = how many sit on the levels
  found so far). The solution's (N+1)-th largest *exact* load is the candidate z'.
* **Step B (prove and count).** With exact whole-number rows
  ``D·E[m] <= floor(D·z'·F[m])`` (for all but N) and
  ``D·E[m] <= ceil(D·z'·F[m]) - 1`` unless v[m] = 1, minimise Σ v[m]: the fewest
  municipalities at load >= z'. If that minimum is N, some proposal has its
  (N+1)-th load below z': take it, lower z' and repeat. Otherwise z' is the next
  level and the minimum is N_new = N + c. D is the common denominator of the
  weights, so every side of these rows is a whole number: no tolerance decides.

Why this is exact (and "fix the saturated ones" is not): the count step asks how
many municipalities *must* share the level over whole numbers, jointly, instead of
testing each municipality alone; two municipalities that can each avoid the top
level but not both are counted as one that must stay. The constraints kept for
the levels found (``#{m : L[m] > z_j} <= N_{j-1}``) describe exactly the proposals
whose sorted loads start with the levels found. See models/distribution.md.

When the municipalities below the levels found all sit at their smallest possible
loads (given their lower bounds) and these are the smallest such values in the
pool, the rest of the vector is known without solving.

After the loads, three tie-breaks (SPEC §3), each a stage that fixes its optimum
before the next: group mixes close to each municipality's own targets (minimise
Σ weight·|x − t|), fewer exchanged places, then a deterministic preference by
municipality code (lower codes first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import pulp

from .instance import Pool
from .model import PoolModel
from .solver import Clock, RunResult, SolverOptions, run

PoolStatus = Literal["optimal", "feasible", "infeasible", "error"]

# Breakpoints of the mix penalty phi (see _mix_tie_break): fine where deviations are small.
MIX_BREAKPOINTS: tuple[float, ...] = tuple(
    [i * 0.005 for i in range(20)] + [0.1 + i * 0.025 for i in range(8)]
    + [0.3 + i * 0.1 for i in range(7)] + [1.0 + i * 0.5 for i in range(5)])


@dataclass(frozen=True)
class Level:
    load: Fraction  # z_j
    above: int  # N_{j-1}: municipalities with a larger load
    through: int  # N_j: municipalities with a load >= z_j


@dataclass
class PoolOutcome:
    pool: Pool
    status: PoolStatus
    places: dict[tuple[str, str], int] | None = None
    exchanges: dict[tuple[str, str], int] | None = None
    levels: list[Level] = field(default_factory=list)
    runs: list[tuple[str, RunResult]] = field(default_factory=list)  # (stage, result)
    message: str = ""

    @property
    def proven(self) -> bool:
        return self.status == "optimal"


class _Stopped(Exception):
    """A stage ended without proving its optimum; keep the incumbent."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LeximinDriver:
    def __init__(self, pm: PoolModel, options: SolverOptions, clock: Clock):
        self.pm = pm
        self.options = options
        self.clock = clock
        self.outcome = PoolOutcome(pool=pm.pool, status="error")
        self.top: dict[str, int] = {}  # U[m] = floor(D * z1 * F[m]): D*E[m] never exceeds it

    # ---- plumbing -------------------------------------------------------------
    def solve(self, stage: str, objective: pulp.LpAffineExpression | float) -> RunResult:
        if self.clock.expired():
            raise _Stopped(f"time limit reached before stage {stage}")
        result = run(self.pm.problem(objective), self.options, self.clock.left())
        self.outcome.runs.append((stage, result))
        if result.has_solution:
            places = self.pm.place_values()
            # a proven stage always moves forward; an unproven one (a limit hit) only
            # replaces the incumbent when its sorted loads are no worse
            if (result.proven_optimal or self.outcome.places is None
                    or self.sorted_loads(places) <= self.sorted_loads(self.outcome.places)):
                self.outcome.places = places
                self.outcome.exchanges = self.pm.exchange_values()
        if not result.proven_optimal:
            if result.termination == "infeasible":
                raise _Stopped(f"stage {stage}: solver reported infeasible after a solution was "
                               "known (numerical trouble); keeping the last solution")
            raise _Stopped(f"stage {stage}: {result.termination} ({result.raw_status})")
        return result

    def sorted_loads(self, places: dict[tuple[str, str], int]) -> list[Fraction]:
        """Loads of the loaded municipalities, largest first (the leximin vector)."""
        return sorted((self.pm.load(m, places) for m in self.pm.loaded), reverse=True)

    def loads_desc(self) -> list[Fraction]:
        if self.outcome.places is None:
            raise RuntimeError("no solution yet")
        return self.sorted_loads(self.outcome.places)

    def scaled(self, z: Fraction, m: str) -> Fraction:
        return self.pm.D * z * self.pm.F[m]

    # ---- level rows -------------------------------------------------------------
    def add_above_rows(self, family: str, z: Fraction, above: int) -> None:
        """At most ``above`` loaded municipalities have L[m] > z (exact, whole rows)."""
        pm = self.pm
        if above == 0:
            for m in pm.loaded:
                pm.add_row(family, m, pm.effort_scaled(m) <= math.floor(self.scaled(z, m)))
            return
        rows = []
        for m in pm.loaded:
            bound = math.floor(self.scaled(z, m))
            big_m = self.top[m] - bound
            if big_m > 0:
                rows.append((m, bound, big_m))
        if len(rows) <= above:
            return  # every municipality that could exceed z may do so: nothing to say
        flags = []
        for m, bound, big_m in rows:
            u = pulp.LpVariable(pm.name("u"), cat=pulp.LpBinary)
            pm.add_row(family, m, pm.effort_scaled(m) - big_m * u <= bound)
            flags.append(u)
        pm.add_row(family, "count", pulp.lpSum(flags) <= above)

    def add_at_or_above_rows(self, family: str, z: Fraction) -> list[pulp.LpVariable]:
        """v[m] = 0 forces L[m] < z (exactly); returns the v's (to count or to limit)."""
        pm = self.pm
        flags = []
        for m in pm.loaded:
            bound = math.ceil(self.scaled(z, m)) - 1
            big_m = self.top[m] - bound
            if big_m <= 0:
                continue  # m cannot reach load z at all
            v = pulp.LpVariable(pm.name("v"), cat=pulp.LpBinary)
            pm.add_row(family, m, pm.effort_scaled(m) - big_m * v <= bound)
            flags.append(v)
        return flags

    # ---- the stages -------------------------------------------------------------------
    def estimate_first(self) -> None:
        """Step A for level 1: minimise z with E[m] <= z F[m] for every loaded m."""
        pm = self.pm
        z = pulp.LpVariable(pm.name("z"), lowBound=0)
        for m in pm.loaded:
            pm.add_row("estimate", m, pm.effort_scaled(m) - float(self.pm.D * pm.F[m]) * z <= 0)
        try:
            self.solve("estimate level 1", z)
        finally:
            pm.remove_family("estimate")

    def estimate_next(self, above: int) -> None:
        """Step A for a later level: minimise z with at most ``above`` loads above z."""
        pm = self.pm
        z = pulp.LpVariable(pm.name("z"), lowBound=0)
        flags = []
        for m in pm.loaded:
            b = pulp.LpVariable(pm.name("b"), cat=pulp.LpBinary)
            pm.add_row("estimate", m, pm.effort_scaled(m) - float(self.pm.D * pm.F[m]) * z
                       - self.top[m] * b <= 0)
            flags.append(b)
        pm.add_row("estimate", "count", pulp.lpSum(flags) <= above)
        try:
            self.solve(f"estimate level {len(self.outcome.levels) + 1}", z)
        finally:
            pm.remove_family("estimate")

    def prove_level(self, above: int) -> Level:
        """Step B: from the incumbent's candidate z', find the exact next level and its count."""
        pm = self.pm
        while True:
            z = self.loads_desc()[above]
            if above == 0:
                self.top = {m: math.floor(self.scaled(z, m)) for m in pm.loaded}
            self.add_above_rows("candidate", z, above)
            flags = self.add_at_or_above_rows("frontier-candidate", z)
            stage = f"prove level {len(self.outcome.levels) + 1}"
            try:
                self.solve(stage, pulp.lpSum(flags) if flags else 0.0)
            except _Stopped:
                pm.remove_family("candidate")
                pm.remove_family("frontier-candidate")
                raise
            through = sum(1 for load in self.loads_desc() if load >= z)
            if through > above:
                level = Level(z, above, through)
                j = len(self.outcome.levels) + 1
                pm.rows[f"level {j}"] = pm.rows.pop("candidate", {})
                pm.remove_family("frontier")
                if through < len(pm.loaded):
                    pm.rows["frontier"] = pm.rows.pop("frontier-candidate", {})
                    if flags and len(flags) > through:
                        pm.add_row("frontier", "count", pulp.lpSum(flags) <= through)
                else:
                    pm.remove_family("frontier-candidate")
                self.outcome.levels.append(level)
                return level
            # a proposal exists whose (above+1)-th load is below z: lower the candidate
            pm.remove_family("candidate")
            pm.remove_family("frontier-candidate")

    def finish_from_minimum(self, above: int) -> bool:
        """If the loads below the levels found are the smallest the pool allows, add them."""
        pm = self.pm
        rest = self.loads_desc()[above:]
        smallest = sorted(pm.min_load(m) for m in pm.loaded)[: len(rest)]
        if sorted(rest) != smallest:
            return False
        for z in sorted(set(rest), reverse=True):
            count_above = above + sum(1 for load in rest if load > z)
            through = above + sum(1 for load in rest if load >= z)
            j = len(self.outcome.levels) + 1
            self.add_above_rows(f"level {j}", z, count_above)
            self.outcome.levels.append(Level(z, count_above, through))
        pm.remove_family("frontier")
        return True

    def leximin(self) -> None:
        pm = self.pm
        if not pm.loaded:
            self.solve("feasibility", 0.0)
            return
        self.estimate_first()
        n = len(pm.loaded)
        above = 0
        while above < n:
            level = self.prove_level(above)
            above = level.through
            if above < n and self.finish_from_minimum(above):
                break
            if above < n:
                self.estimate_next(above)

    def tie_breaks(self) -> None:
        pm = self.pm
        pairs = [(m, g) for m in pm.pool.members for g in pm.groups]
        # 1. group mixes close to the own targets. A municipality's own mix, scaled to its
        #    load, is L[m] * t[m,g] = (t[m,g] / F[m]) * E[m]: linear in x. Its mix deviation
        #    is delta[m] = sum_g weight[g] * |x[m,g] - L[m] t[m,g]| / F[m].
        if len(pm.groups) > 1 and pm.loaded:
            self._mix_tie_break()
        # 2. fewer exchanged places
        if pm.e:
            exchanged = pulp.lpSum(pm.e.values())
            self.solve("tie-break: exchanges", exchanged)
            total = sum((self.outcome.exchanges or {}).values())
            pm.add_row("tie-break", "exchanges", exchanged <= total + 0.5)
        # 3. deterministic order by municipality code: lower codes take places first.
        #    Squared ranks, so that moving a place of one group from m to m' and one of
        #    another group back is not a tie.
        k = len(pairs)
        ranked = sorted(pairs, key=lambda mg: (mg[0], pm.groups.index(mg[1])))
        self.solve("tie-break: code order",
                   pulp.lpSum(-((k - i) ** 2) * pm.x[p] for i, p in enumerate(ranked)))

    def _mix_tie_break(self) -> None:
        """Minimise sum_m F[m] * phi(delta[m]), phi the piecewise-linear interpolation of
        delta^2 at MIX_BREAKPOINTS (convex: it spreads a pool's extra places of one group
        over its municipalities in proportion, instead of piling them on one)."""
        pm, inst = self.pm, self.pm.instance
        penalty = []
        for m in pm.loaded:
            effort = pulp.lpSum(float(pm.weight(h)) * pm.x[m, h] for h in pm.groups)
            terms = []
            for g in pm.groups:
                d = pulp.LpVariable(pm.name("d"), lowBound=0)
                share = float(Fraction(inst.target(m, g)) / pm.F[m])
                pm.add_row("deviation", (m, g, "+"), d - pm.x[m, g] + share * effort >= 0)
                pm.add_row("deviation", (m, g, "-"), d + pm.x[m, g] - share * effort >= 0)
                terms.append(float(pm.weight(g)) * d)
            delta = pulp.lpSum(terms) * (1.0 / float(pm.F[m]))
            phi = pulp.LpVariable(pm.name("phi"), lowBound=0)
            for a, b in zip(MIX_BREAKPOINTS, MIX_BREAKPOINTS[1:]):
                # the chord of delta^2 between a and b: slope a + b, intercept -a*b
                pm.add_row("mix-penalty", (m, a), phi - (a + b) * delta >= -a * b)
            penalty.append(float(pm.F[m]) * phi)
        objective = pulp.lpSum(penalty)
        result = self.solve("tie-break: mix", objective)
        best = result.objective or 0.0
        pm.add_row("tie-break", "mix", objective <= best + 1e-6 * (1 + abs(best)))

    def run(self) -> PoolOutcome:
        out = self.outcome
        try:
            self.leximin()
            self.tie_breaks()
            out.status = "optimal"
        except _Stopped as stop:
            out.message = stop.message
            first = out.runs[0][1] if out.runs else None
            if out.places is None:
                infeasible = first is not None and first.termination == "infeasible"
                out.status = "infeasible" if infeasible else "error"
                if infeasible:
                    out.message = "no proposal covers every task of this pool"
            else:
                out.status = "feasible"
        return out


def balance_pool(pm: PoolModel, options: SolverOptions, clock: Clock) -> PoolOutcome:
    """The balanced proposal of one pool (or why there is none)."""
    return LeximinDriver(pm, options, clock).run()
