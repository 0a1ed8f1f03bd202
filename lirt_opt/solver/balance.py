"""Stage 4 — solve: the balanced (leximin) proposal of one pool, exactly, over whole places.

Leximin on load: sort the loads L[m] = E[m]/F[m] from largest to smallest and make
that vector lexicographically smallest. Such a vector is a sequence of *levels*
z1 > z2 > ... with counts c1, c2, ...: c1 municipalities at z1, then c2 at z2, ...
The driver finds the levels one at a time. With N the number of municipalities
on the levels found so far:

* **Step A (estimate).** Minimise z such that every municipality not on a level
  has E[m] <= z F[m]. The solution's (N+1)-th largest *exact* load is the
  candidate z'.
* **Step B (prove and count).** Require the municipalities not on a level to
  have ``D E[m] <= floor(D z' F[m])``, and ``D E[m] <= ceil(D z' F[m]) - 1``
  unless v[m] = 1; minimise the sum of v: the fewest of them that must sit at
  z'. If that is 0, some proposal does better than z': lower z' to its
  (N+1)-th load and repeat. Otherwise z' is the next level and the minimum is
  its count. D is the common denominator of the weights, so both sides of these
  rows are whole numbers: no tolerance decides the outcome.

**Levels as an assignment.** A municipality can sit *exactly* on level z_j only
when D z_j F[m] is a whole number within its bounds, so it has few admissible
levels (often one). Binaries y[m,j] for the admissible pairs say who sits where:
``D E[m] = sum_j D z_j F[m] y[m,j]`` for an assigned municipality,
``D E[m] <= ceil(D z_s F[m]) - 1`` (below the last level) for the others, and
``sum_m y[m,j] = c_j``. These rows describe exactly the proposals whose sorted
loads start with the levels found: the next stages, and the tie-breaks once the
whole vector is known, search among precisely those.

Why this is exact, and the iterative "fix the saturated ones" method is not: the
count step asks how many municipalities must share a level *jointly*, over whole
numbers, instead of testing each one alone; two municipalities that can each
avoid the top level but not both are counted as one that must stay.

Shortcut: when the municipalities below the levels found all sit at their
smallest possible loads (set by their lower bounds), and these are the smallest
such loads in the pool, the rest of the vector is known without solving.

After the loads, three tie-breaks (SPEC §3), each a stage that fixes its optimum
before the next: group mixes close to each municipality's own targets, fewer
exchanged places, then a deterministic preference by municipality code. The
formulation is written out in models/distribution.md.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

import pulp

from ..instance import Location, Pool
from ..model.pool import PoolModel
from .highs_session import HighsSession
from .runner import Clock, HighsStuck, RunResult, SolverOptions, run

PoolStatus = Literal["optimal", "feasible", "infeasible", "error"]

# Relative MIP gap and time cap (seconds) of the Step A estimates. Step B proves every
# level with gap 0 and no cap, so these change how fast the levels are found, not which.
ESTIMATE_GAP = 1e-3
ESTIMATE_CAP = 2.0
# Step A only for level 1: a later level's Step B starts from the last proven proposal
# (its candidate is as valid as Step A's; models/distribution.md section 4b).
PROVE_FROM_INCUMBENT = True

# The mix stage with sites: when the rows allow at most this many openings of the optional
# sites (all found by a cost-guided enumeration), the mix is solved once per opening with the
# openings fixed; with more, it searches the openings itself (models/distribution.md 5a).
MIX_OPENINGS = 4

# Per-municipality floors on new sites (site_floors): exact rows that make the stages with
# sites faster; False only to measure without them.
SITE_FLOORS = True

# Breakpoints of the mix penalty phi (see _mix_tie_break): fine where deviations are small.
MIX_BREAKPOINTS: tuple[float, ...] = tuple(
    [i * 0.005 for i in range(20)] + [0.1 + i * 0.025 for i in range(8)]
    + [0.3 + i * 0.1 for i in range(7)] + [1.0 + i * 0.5 for i in range(5)])


# The breakpoints as exact fractions, and phi(delta) = max(0, max over consecutive
# breakpoints a < b of (a + b) delta - a b): phi is convex, so the maximum is the chord of
# the segment that holds delta (the last chord beyond the last breakpoint).
_BREAKS = tuple(Fraction(b).limit_denominator(10**6) for b in MIX_BREAKPOINTS)
_CHORDS = tuple(itertools.pairwise(_BREAKS))


def phi(delta: Fraction) -> Fraction:
    """The mix penalty of one municipality's mix deviation, exactly."""
    if delta <= 0:
        return Fraction(0)
    i = min(max(bisect.bisect_left(_BREAKS, delta) - 1, 0), len(_CHORDS) - 1)
    a, b = _CHORDS[i]
    return max(Fraction(0), (a + b) * delta - a * b)


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
    site_places: dict[tuple[str, str], int] | None = None  # p[l,g]
    milestone_exchanges: dict[tuple[int, str, str], int] | None = None  # e^k[g,h]
    levels: list[Level] = field(default_factory=list)
    runs: list[tuple[str, RunResult]] = field(default_factory=list)  # (stage, result)
    message: str = ""
    notes: list[str] = field(default_factory=list)  # what went wrong and was recovered
    stopped: str = ""  # why the stages stopped early (a termination: time_limit, ...), or ""

    @property
    def proven(self) -> bool:
        return self.status == "optimal"


class _Stopped(Exception):
    """A stage ended without proving its optimum; keep the incumbent. ``termination``: why
    (``time_limit`` when the clock ran out, before or during the stage)."""

    def __init__(self, message: str, termination: str):
        super().__init__(message)
        self.message = message
        self.termination = termination


class LeximinDriver:
    def __init__(self, pm: PoolModel, options: SolverOptions, clock: Clock):
        self.pm = pm
        self.options = options
        self.clock = clock
        self.outcome = PoolOutcome(pool=pm.pool, status="error")
        self.top: dict[str, int] = {}  # U[m] = floor(D z1 F[m]): D E[m] never exceeds it
        self.y: dict[tuple[str, int], pulp.LpVariable] = {}  # m sits on level j
        self.session: HighsSession | None = None  # HiGHS: one model kept in step (in place)
        self.floors: dict[str, tuple[int, list[Location]]] = {}  # m: (k[m], m's optional sites)
        D = pm.D
        self.lowest = {m: sum((int(D * pm.weight(g)) * pm.lower[m, g] for g in pm.groups), 0)
                       for m in pm.loaded}  # smallest D E[m]
        self.highest: dict[str, int | None] = {m: self._highest(m) for m in pm.loaded}

    def _highest(self, m: str) -> int | None:
        """Largest D E[m] the upper bounds allow (None: unbounded)."""
        total = 0
        for g in self.pm.groups:
            upper = self.pm.upper[m, g]
            if upper is None:
                return None
            total += int(self.pm.D * self.pm.weight(g)) * upper
        return total

    # ---- plumbing -------------------------------------------------------------
    def solve(self, stage: str, objective: pulp.LpAffineExpression | pulp.LpVariable | float,
              gap: float = 0.0, cap: float | None = None, infeasible_ok: bool = False) -> RunResult:
        """One stage. ``gap`` and ``cap`` (seconds) are for estimates only: a stage run with a
        cap that stops at it with a solution is accepted as an estimate (never as proven).

        A run that says optimal is believed only when the objective of the solution it gives
        back is the objective it claims (``claim_holds``): HiGHS 1.16, given a MIP start, can
        report an optimum and a bound that its own solution does not reach (models/
        distribution.md). Such a stage runs once more without the start; if the claim still
        does not hold, the stage is not proven. With ``infeasible_ok`` a proven infeasible run
        is an answer (returned, its gap closed), not a stop."""
        estimate = cap is not None or gap > 0
        if self.clock.expired():
            raise _Stopped(f"time limit reached before stage {stage}", "time_limit")
        result, left = self._run(stage, objective, gap, cap)
        if result.proven_optimal and not self.claim_holds(objective, result):
            claimed, actual = result.objective, self.objective_value(objective)
            self.outcome.notes.append(
                f"stage {stage}: the solver claimed the optimum {claimed!r} but its solution has "
                f"{actual!r}; the stage ran again without a start")
            self.outcome.runs.append((stage, replace(result, termination="other", status="warning",
                                                     estimate=estimate,
                                                     raw_status=f"{result.raw_status} (claim "
                                                     f"{claimed!r} not met: {actual!r})")))
            self.forget_start()
            if self.clock.expired():
                raise _Stopped(f"time limit reached in stage {stage}", "time_limit")
            result, left = self._run(stage, objective, gap, cap)
            if result.proven_optimal and not self.claim_holds(objective, result):
                result = replace(result, termination="other", status="warning",
                                 raw_status=f"{result.raw_status} (claimed objective "
                                 f"{result.objective!r} not met: "
                                 f"{self.objective_value(objective)!r})")
        cut = (cap is not None and result.termination == "time_limit" and result.has_solution
               and (left is None or cap < left))
        if cut:
            result = replace(result, raw_status=f"{result.raw_status} (estimate cut at {cap:g} s)")
        result = replace(result, estimate=estimate)
        accepted = result.proven_optimal or cut
        self.outcome.runs.append((stage, result))
        if result.has_solution:
            places = self.pm.place_values()
            # an accepted stage always moves forward; another one (a limit hit) only
            # replaces the incumbent when its sorted loads are no worse
            if (accepted or self.outcome.places is None
                    or self.sorted_loads(places) <= self.sorted_loads(self.outcome.places)):
                self.outcome.places = places
                self.outcome.exchanges = self.pm.exchange_values()
                self.outcome.site_places = self.pm.site_values()
                self.outcome.milestone_exchanges = self.pm.milestone_exchange_values()
        if not accepted:
            if infeasible_ok and result.termination == "infeasible":
                # a proof (no such solution), not a stop: its gap is closed
                self.outcome.runs[-1] = (stage, replace(result, mip_gap=0.0))
                return result
            if result.termination == "infeasible" and self.outcome.places is not None:
                raise _Stopped(f"stage {stage}: solver reported infeasible after a solution was "
                               "known (numerical trouble); keeping the last solution", "other")
            raise _Stopped(f"stage {stage}: {result.termination} ({result.raw_status})",
                           result.termination)
        return result

    def _run(self, stage: str, objective: pulp.LpAffineExpression | pulp.LpVariable | float,
             gap: float, cap: float | None) -> tuple[RunResult, float | None]:
        """One solver run of a stage within the clock; (result, seconds left when it began)."""
        left = self.clock.left()
        limit = cap if left is None else (left if cap is None else min(cap, left))
        result = None
        if self.options.name == "highs" and self.options.persistent:
            if self.session is None:
                self.session = HighsSession(self.options)
            try:
                result = self.session.solve(self.pm.rows, objective, limit, gap)
            except HighsStuck as exc:
                # HiGHS hung (solver.guarded_run): this pool goes on without the kept model,
                # rebuilt per stage and with another seed, which changes HiGHS's search
                self.session = None
                self.options = replace(self.options, persistent=False,
                                       seed=self.options.seed + 1)
                self.outcome.notes.append(f"stage {stage}: {exc}; the stage ran again with the "
                                          "model rebuilt")
                left = self.clock.left()
                limit = cap if left is None else (left if cap is None else min(cap, left))
        if result is None:
            result = run(self.pm.problem(objective), self.options, limit, gap)
        return result, left

    @staticmethod
    def _terms(objective: pulp.LpAffineExpression | pulp.LpVariable | float
               ) -> list[tuple[pulp.LpVariable, float]]:
        if isinstance(objective, pulp.LpVariable):
            return [(objective, 1.0)]
        if isinstance(objective, pulp.LpAffineExpression):
            return list(objective.items())
        return []

    def objective_value(self, objective: pulp.LpAffineExpression | pulp.LpVariable | float
                        ) -> float:
        """The objective at the values the variables now hold (the run's solution)."""
        constant = (float(objective.constant) if isinstance(objective, pulp.LpAffineExpression)
                    else 0.0 if isinstance(objective, pulp.LpVariable) else float(objective))
        return constant + sum(float(c) * float(v.varValue or 0.0)
                              for v, c in self._terms(objective))

    def claim_holds(self, objective: pulp.LpAffineExpression | pulp.LpVariable | float,
                    result: RunResult) -> bool:
        """Does the solution the run gave back have the objective the run reports? For an
        integral objective (whole coefficients on integer variables) exactly, on the whole
        values the solution is read as; else within 1e-6 relative."""
        if result.objective is None:
            return True
        terms = self._terms(objective)
        integral = all(v.cat == pulp.LpInteger and float(c).is_integer() for v, c in terms)
        if integral:
            actual = sum(int(c) * round(v.varValue or 0.0) for v, c in terms)
            return abs(actual - result.objective) < 0.5
        actual_f = self.objective_value(objective)
        return abs(actual_f - result.objective) <= 1e-6 * (1 + abs(result.objective))

    def forget_start(self) -> None:
        """Drop the values the variables hold, so that the next run has no MIP start."""
        variables: set[pulp.LpVariable] = set()
        for family in self.pm.rows.values():
            for row in family.values():
                variables.update(row.keys())
        if self.session is not None:
            variables.update(self.session.variables)
        for v in variables:
            v.varValue = None

    def sorted_loads(self, places: dict[tuple[str, str], int]) -> list[Fraction]:
        """Loads of the loaded municipalities, largest first (the leximin vector)."""
        return sorted((self.pm.load(m, places) for m in self.pm.loaded), reverse=True)

    def loads_desc(self) -> list[Fraction]:
        if self.outcome.places is None:
            raise RuntimeError("no solution yet")
        return self.sorted_loads(self.outcome.places)

    def scaled(self, z: Fraction, m: str) -> Fraction:
        """D z F[m]: the scaled effort of m at load z."""
        return self.pm.D * z * self.pm.F[m]

    def assigned(self, m: str) -> pulp.LpAffineExpression:
        """1 when m sits on one of the levels found, else 0."""
        return pulp.lpSum(v for (mm, _), v in self.y.items() if mm == m)

    # ---- levels as an assignment ----------------------------------------------------
    def admissible(self, m: str, z: Fraction) -> bool:
        value = self.scaled(z, m)
        highest = self.highest[m]
        return (value.denominator == 1 and value >= self.lowest[m]
                and (highest is None or value <= highest))

    def add_level(self, z: Fraction, above: int, through: int) -> None:
        """Record level z (municipalities above+1 .. through) and rewrite the level rows."""
        pm = self.pm
        j = len(self.outcome.levels)
        self.outcome.levels.append(Level(z, above, through))
        for m in pm.loaded:
            if self.admissible(m, z):
                self.y[m, j] = pulp.LpVariable(pm.name("y"), cat=pulp.LpBinary)
        pm.remove_family("levels")
        last = self.outcome.levels[-1].load
        for m in pm.loaded:
            on = [(jj, v) for (mm, jj), v in self.y.items() if mm == m]
            value = pulp.lpSum(int(self.scaled(self.outcome.levels[jj].load, m)) * v
                               for jj, v in on)
            assigned = pulp.lpSum(v for _, v in on)
            below = math.ceil(self.scaled(last, m)) - 1  # strictly below the last level
            if on:
                pm.add_row("levels", (m, "one"), assigned <= 1)
                pm.add_row("levels", (m, "on"), pm.effort_scaled(m) - value >= 0)
            pm.add_row("levels", (m, "off"), pm.effort_scaled(m) - value + below * assigned <= below)
        for jj, level in enumerate(self.outcome.levels):
            pm.add_row("levels", ("count", jj),
                       pulp.lpSum(v for (_, k), v in self.y.items() if k == jj)
                       == level.through - level.above)

    # ---- the stages -------------------------------------------------------------------
    def estimate(self, below: Fraction | None = None) -> None:
        """Step A: minimise z with E[m] <= z F[m] for every municipality not on a level; with
        ``below``, those municipalities also stay strictly below that load (exact rows)."""
        pm = self.pm
        z = pulp.LpVariable(pm.name("z"), lowBound=0)
        for m in pm.loaded:
            slack = self.top[m] * self.assigned(m) if self.outcome.levels else 0
            pm.add_row("estimate", m, pm.effort_scaled(m) - float(pm.D * pm.F[m]) * z - slack <= 0)
            if below is not None:
                bound = math.ceil(self.scaled(below, m)) - 1
                big_m = self.top[m] - bound if self.outcome.levels else 0
                pm.add_row("estimate", (m, "below"),
                           pm.effort_scaled(m) - big_m * self.assigned(m) <= bound)
        stage = f"estimate level {len(self.outcome.levels) + 1}"
        try:
            # an estimate only: Step B proves the level exactly, so a small gap and a time cap
            # change the path, never the answer
            try:
                self.solve(stage, z, gap=ESTIMATE_GAP, cap=ESTIMATE_CAP)
            except _Stopped as stop:
                # (the clock may have run out before the stage began: then no run is recorded)
                if stop.termination != "time_limit" or self.clock.expired():
                    raise
                if below is None:  # no solution within the cap: estimate without one
                    self.solve(stage, z, gap=ESTIMATE_GAP)
                # with ``below`` the incumbent already beats the candidate: Step B goes on
                # from it
        finally:
            pm.remove_family("estimate")

    def prove_level(self, above: int) -> int:
        """Step B: from the incumbent's candidate z', find the next level; returns its through."""
        pm = self.pm
        while True:
            z = self.loads_desc()[above]
            if above == 0:
                self.top = {m: math.floor(self.scaled(z, m)) for m in pm.loaded}
            flags = []
            for m in pm.loaded:
                assigned = self.assigned(m)
                at_most = math.floor(self.scaled(z, m))
                pm.add_row("candidate", (m, "at most"),
                           pm.effort_scaled(m) - (self.top[m] - at_most) * assigned <= at_most)
                below = math.ceil(self.scaled(z, m)) - 1
                big_m = self.top[m] - below
                if big_m > 0:  # m can reach load z'
                    v = pulp.LpVariable(pm.name("v"), cat=pulp.LpBinary)
                    pm.add_row("candidate", (m, "below"),
                               pm.effort_scaled(m) - big_m * v - big_m * assigned <= below)
                    flags.append(v)
            try:
                self.solve(f"prove level {len(self.outcome.levels) + 1}",
                           pulp.lpSum(flags) if flags else 0.0)
            finally:
                pm.remove_family("candidate")
            through = sum(1 for load in self.loads_desc() if load >= z)
            if through > above:
                self.add_level(z, above, through)
                return through
            # a proposal exists whose (above+1)-th load is below z': estimate again below z'
            self.estimate(below=z)

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
            self.add_level(z, count_above, through)
        return True

    def leximin(self) -> None:
        pm = self.pm
        if not pm.loaded:
            self.solve("feasibility", 0.0)
            return
        n = len(pm.loaded)
        above = 0
        while above < n:
            if above == 0 or not PROVE_FROM_INCUMBENT:
                self.estimate()
            # later levels: Step B starts from the last proven stage's solution; when its
            # candidate is beaten, Step B estimates again below it (prove_level)
            above = self.prove_level(above)
            if above < n and self.finish_from_minimum(above):
                break

    def tie_breaks(self) -> None:
        pm = self.pm
        pairs = [(m, g) for m in pm.pool.members for g in pm.groups]
        # 1. group mixes close to the own targets. A municipality's own mix, scaled to its
        #    load, is L[m] * t[m,g] = (t[m,g] / F[m]) * E[m]: linear in x. Its mix deviation
        #    is delta[m] = sum_g weight[g] * |x[m,g] - L[m] t[m,g]| / F[m].
        exact_mix = False
        if len(pm.groups) > 1 and pm.loaded:
            if self.mix_penalty(self.outcome.places or {}) == 0:
                # every municipality already has its own target mix: nothing can be better;
                # keep it so (x[m,g] F[m] = t[m,g] E[m]) without the penalty's rows
                exact_mix = True
                for m in pm.loaded:
                    effort = pulp.lpSum(float(pm.weight(h)) * pm.x[m, h] for h in pm.groups)
                    for g in pm.groups:
                        pm.add_row("tie-break", ("mix exact", m, g), float(pm.F[m]) * pm.x[m, g]
                                   - float(pm.instance.target(m, g)) * effort == 0)
            else:
                self._mix_tie_break()
                exact_mix = self.mix_penalty(self.outcome.places or {}) == 0
        self.keep_sites()
        # 2. fewer exchanged places (nothing to do when the incumbent exchanges none)
        if pm.e and sum((self.outcome.exchanges or {}).values()) > 0:
            exchanged = pulp.lpSum(pm.e.values())
            self.solve("tie-break: exchanges", exchanged)
            total = sum((self.outcome.exchanges or {}).values())
            pm.add_row("tie-break", "exchanges", exchanged <= total + 0.5)
        elif pm.e:
            pm.add_row("tie-break", "exchanges", pulp.lpSum(pm.e.values()) <= 0)
        # 3. deterministic order by municipality code: lower codes take places first.
        #    Squared ranks, so that moving a place of one group from m to m' and one of
        #    another group back is not a tie.
        if not self.places_are_unique(exact_mix or len(pm.groups) == 1):
            k = len(pairs)
            ranked = sorted(pairs, key=lambda mg: (mg[0], pm.groups.index(mg[1])))
            self.solve("tie-break: code order",
                       pulp.lpSum(-((k - i) ** 2) * pm.x[p] for i, p in enumerate(ranked)))
        self.site_order()

    def site_order(self) -> None:
        """4. Places of a municipality divided over its open sites in site-id order: lower
        ids fill first. Runs with x fixed at the proposal, only when some municipality has
        two or more open sites whose places are not fixed (an existing site hosts exactly
        its capacity, so only planned, candidate and several-group sites can move)."""
        pm = self.pm
        free: dict[str, int] = {}
        for loc in pm.sites:
            if self.is_open(loc) and (loc.optional or len(loc.groups) > 1):
                free[loc.municipality] = free.get(loc.municipality, 0) + 1
        if not any(n > 1 for n in free.values()):
            return
        keys = sorted(((loc.municipality, loc.id, pm.groups.index(g)), (loc.id, g))
                      for loc in pm.sites if free.get(loc.municipality, 0) > 1
                      for g in loc.groups if (loc.id, g) in pm.p)
        k = len(keys)
        saved = {key: (v.lowBound, v.upBound) for key, v in pm.x.items()}
        try:
            for key, v in pm.x.items():
                v.lowBound = v.upBound = (self.outcome.places or {})[key]
            self.solve("tie-break: site order", pulp.lpSum(
                -((k - i) ** 2) * pm.p[lg] for i, (_, lg) in enumerate(keys)))
        finally:
            for key, (lo, up) in saved.items():
                pm.x[key].lowBound, pm.x[key].upBound = lo, up

    def places_are_unique(self, own_mix: bool) -> bool:
        """True when no other proposal has these sorted loads and mixes: every loaded
        municipality on one level z with its own target mix (so x[m,g] = z t[m,g]), and
        every municipality without a load fixed by its bounds."""
        pm = self.pm
        levels = self.outcome.levels
        if not own_mix or len(levels) != 1 or levels[0].through != len(pm.loaded):
            return False
        return all(pm.lower[m, g] == pm.upper[m, g] and not any(
            loc.municipality == m and len(loc.groups) > 1 for loc in pm.sites)
            for m in pm.pool.members if m not in pm.loaded for g in pm.groups)

    def mix_penalty(self, places: dict[tuple[str, str], int]) -> Fraction:
        """sum_m F[m] phi(delta[m]) of a whole-number proposal, exactly (phi: the chords)."""
        pm, inst = self.pm, self.pm.instance
        total = Fraction(0)
        for m in pm.loaded:
            load = pm.load(m, places)
            delta = sum((pm.weight(g) * abs(places[m, g] - load * inst.target(m, g))
                         for g in pm.groups), Fraction(0)) / pm.F[m]
            total += pm.F[m] * phi(delta)
        return total

    def _mix_tie_break(self) -> None:
        """Minimise sum_m F[m] * phi(delta[m]), phi the piecewise-linear interpolation of
        delta^2 at MIX_BREAKPOINTS (convex: it spreads a pool's extra places of one group
        over its municipalities in proportion, instead of piling them on one)."""
        pm, inst = self.pm, self.pm.instance
        penalty = []
        for m in pm.loaded:
            effort = pulp.lpSum(float(pm.weight(h)) * pm.x[m, h] for h in pm.groups)
            delta = []  # delta[m] = sum_g (weight[g] / F[m]) d[m,g], as (d, coefficient)
            for g in pm.groups:
                d = pulp.LpVariable(pm.name("d"), lowBound=0)
                share = float(Fraction(inst.target(m, g)) / pm.F[m])
                pm.add_row("deviation", (m, g, "+"), d - pm.x[m, g] + share * effort >= 0)
                pm.add_row("deviation", (m, g, "-"), d + pm.x[m, g] - share * effort >= 0)
                delta.append((d, float(pm.weight(g)) * (1.0 / float(pm.F[m]))))
            phi = pulp.LpVariable(pm.name("phi"), lowBound=0)
            for a, b in itertools.pairwise(MIX_BREAKPOINTS):
                # the chord of delta^2 between a and b: phi - (a + b) delta >= -a b (built
                # directly: 36 rows per municipality, PuLP's operator arithmetic is slow)
                row = pulp.LpAffineExpression([(phi, 1.0)] + [(d, -(c * (a + b)))
                                                              for d, c in delta])
                pm.add_row("mix-penalty", (m, a),
                           pulp.LpConstraint(row, pulp.LpConstraintGE, rhs=-a * b))
            penalty.append(float(pm.F[m]) * phi)
        objective = pulp.lpSum(penalty)
        openings = self.openings()
        if openings is None:
            self.solve("tie-break: mix", objective)
        else:
            self._mix_per_opening(objective, openings)
        # fix it at the value the solution really has (exact from its whole places), not at
        # the solver's figure, which its feasibility tolerance on the chord rows can lower
        best = float(self.mix_penalty(self.outcome.places or {}))
        pm.add_row("tie-break", "mix", objective <= best + 1e-7 * (1 + abs(best)))

    def site_floors(self) -> None:
        """Rows sum_{l in S_m} o[l] >= k[m]: k[m] the fewest new sites municipality m needs
        with its own rows alone (models/distribution.md section 4d).

        k[m] is the optimum of a small MIP over m's own variables (x[m,.], its sites' p and o,
        y[m,.]) and the rows that hold only those; a level whose count equals the number of
        municipalities that can sit on it holds all of them (their y = 1). Every proposal with
        the levels found meets these rows, so they change no optimum; they tell the solver
        what the pool's row sum o <= k* means per municipality, which its relaxation does not
        see (o fractional), and that makes the later stages with sites fast."""
        pm = self.pm
        by_m: dict[str, list[Location]] = {}
        for loc in pm.sites:
            if loc.id in pm.opened and pm.opened[loc.id].upBound != 0:
                by_m.setdefault(loc.municipality, []).append(loc)
        if not by_m:
            return
        forced: set[str] = set()  # y that a level's count makes 1
        for j, level in enumerate(self.outcome.levels):
            on = [v for (_, k), v in self.y.items() if k == j]
            if len(on) == level.through - level.above:
                forced.update(v.name for v in on)
        rows = [row for family in pm.rows.values() for row in family.values()]
        for m, locs in sorted(by_m.items()):
            own = {v.name for (mm, _), v in pm.x.items() if mm == m}
            own |= {v.name for (mm, _), v in self.y.items() if mm == m}
            for loc in pm.sites:
                if loc.municipality == m:
                    own |= {pm.p[loc.id, g].name for g in loc.groups}
                    if loc.id in pm.opened:
                        own.add(pm.opened[loc.id].name)
            prob = pulp.LpProblem("site_floor", pulp.LpMinimize)
            count = pulp.lpSum(pm.opened[loc.id] for loc in locs)
            prob.setObjective(count)
            for row in rows:
                variables = list(row.keys())
                if variables and all(v.name in own for v in variables):
                    prob.addConstraint(row)
            for (mm, _), v in self.y.items():
                if mm == m and v.name in forced:
                    prob.addConstraint(v >= 1)
            saved = {v.name: v.varValue for v in prob.variables()}
            try:
                result = run(prob, self.options, self.clock.left(), 0.0)
            finally:
                for v in prob.variables():
                    v.varValue = saved[v.name]
            self.outcome.runs.append((f"site floor {m}", result))
            if not result.proven_optimal or result.objective is None:
                continue  # no floor for m: a floor is only a help
            floor = math.ceil(result.objective - 1e-6)
            self.floors[m] = (floor, locs)
            if floor > 0:
                pm.add_row("site floor", m, count >= floor)

    def _opening(self) -> dict[str, int]:
        """o[l] of the incumbent: a site is open exactly when it hosts places (min size >= 1)."""
        return {loc.id: int(self.is_open(loc)) for loc in self.pm.sites if loc.id in self.pm.opened}

    def openings(self) -> list[dict[str, int]] | None:
        """Every opening o of the optional sites that the rows allow now, the incumbent's
        first, when there are at most MIX_OPENINGS; None when there are more, or when no cost
        objective is fixed (models/distribution.md section 5a).

        Each next opening is a solution of the rows with a no-good row for every opening
        found, sum_{o_l = 0} o[l] - sum_{o_l = 1} o[l] >= 1 - |{l : o_l = 1}|, minimising the
        cost (its relaxation is what makes the proof of "no other" fast; the rows already
        hold the cost at its optimum). Proven infeasible: the list is complete."""
        pm = self.pm
        if not pm.opened or "cost" not in pm.rows.get("objective", {}):
            return None
        found = [self._opening()]
        try:
            while True:
                last = found[-1]
                pm.add_row("opening", len(found), pulp.lpSum(
                    -pm.opened[lid] if on else pm.opened[lid] for lid, on in last.items())
                    >= 1 - sum(last.values()))
                result = self.solve("tie-break: mix, another opening", pm.site_cost(),
                                    infeasible_ok=True)
                if result.termination == "infeasible":
                    return found
                if len(found) >= MIX_OPENINGS:
                    return None
                found.append(self._opening())
        finally:
            pm.remove_family("opening")

    def _mix_per_opening(self, objective: pulp.LpAffineExpression,
                         openings: list[dict[str, int]]) -> None:
        """The mix stage as one run per opening, its o fixed: the least penalty over all
        openings the rows allow is the mix optimum. Equal penalties: the first opening found
        (the incumbent's)."""
        pm = self.pm
        saved = {lid: (v.lowBound, v.upBound) for lid, v in pm.opened.items()}
        best: tuple[Fraction, int] | None = None
        try:
            for i, opening in enumerate(openings):
                for lid, on in opening.items():
                    pm.opened[lid].lowBound = pm.opened[lid].upBound = on
                self.solve(f"tie-break: mix, opening {i + 1}", objective)
                value = self.mix_penalty(self.outcome.places or {})
                if best is None or value < best[0]:
                    best = (value, i)
            if best is not None and best[1] != len(openings) - 1:
                for lid, on in openings[best[1]].items():
                    pm.opened[lid].lowBound = pm.opened[lid].upBound = on
                self.solve(f"tie-break: mix, opening {best[1] + 1}", objective)
        finally:
            for lid, (lo, up) in saved.items():
                pm.opened[lid].lowBound, pm.opened[lid].upBound = lo, up

    def fewest_sites(self) -> None:
        """Objective 'sites': fewest newly opened (planned or candidate) sites; then fixed."""
        pm = self.pm
        if not pm.opened:
            return
        self.solve("objective: fewest new sites", pm.new_sites())
        opened = sum(1 for loc in pm.sites if loc.optional and self.is_open(loc))
        pm.add_row("objective", "sites", pm.new_sites() <= opened + 0.5)

    def keep_sites(self) -> None:
        """After the mix, the opened sites stay as they are: the last tie-breaks (exchanges,
        code order) only divide places among them."""
        for loc in self.pm.sites:
            o = self.pm.opened.get(loc.id)
            if o is not None:
                value = 1 if self.is_open(loc) else 0
                o.lowBound = o.upBound = value

    def is_open(self, loc: Location) -> bool:
        places = self.outcome.site_places or {}
        return sum(places.get((loc.id, g), 0) for g in loc.groups) > 0

    def lowest_cost(self) -> None:
        """Objective 'cost': lowest sum of cost per place per year x places; then fixed at its
        optimum exactly. Costs are exact decimals: times C, the common denominator of the
        pool's costs, every coefficient is whole, so the objective is a whole number and
        ``C cost <= best`` admits the optimum and nothing worse (no tolerance)."""
        pm = self.pm
        costs = {loc.id: Fraction(loc.cost) for loc in pm.sites if loc.cost}
        if not costs:
            return
        scale = math.lcm(*(c.denominator for c in costs.values()))
        whole = {lg: int(costs[lg[0]] * scale) for lg in pm.p if lg[0] in costs}
        scaled = pulp.LpAffineExpression([(pm.p[lg], c) for lg, c in whole.items()])
        self.solve("objective: lowest cost", scaled)
        places = self.outcome.site_places or {}
        best = sum(c * places.get(lg, 0) for lg, c in whole.items())
        pm.add_row("objective", "cost", scaled <= best)

    def run(self) -> PoolOutcome:
        out = self.outcome
        stages = {"balance": self.leximin, "sites": self.fewest_sites, "cost": self.lowest_cost}
        try:
            for name in self.pm.instance.objective_order:
                stages[name]()
                if name == "balance" and SITE_FLOORS:
                    self.site_floors()
            if self.outcome.places is None:  # no stage needed a solver run
                self.solve("feasibility", 0.0)
            self.tie_breaks()
            out.status = "optimal"
        except _Stopped as stop:
            out.message = stop.message
            out.stopped = stop.termination
            first = out.runs[0][1] if out.runs else None
            if out.places is None:
                infeasible = first is not None and first.termination == "infeasible"
                out.status = "infeasible" if infeasible else "error"
                if infeasible:
                    out.message = "no proposal covers every task of this pool"
                elif stop.termination == "time_limit":
                    out.message = f"time limit reached before a proposal was found ({stop.message})"
            else:
                out.status = "feasible"
        return out


def balance_pool(pm: PoolModel, options: SolverOptions, clock: Clock) -> PoolOutcome:
    """The balanced proposal of one pool (or why there is none)."""
    return LeximinDriver(pm, options, clock).run()
