"""Bottlenecks and certificates: which rules cannot all hold together, and a proof to add up.

For one pool's :class:`~lirt_opt.rules.RuleSystem`:

* **Bottleneck** (an irreducible infeasible subset of named rules). When the
  linear relaxation (with every row rounded as whole numbers allow, see
  ``rules.tightened``) is infeasible, HiGHS's IIS of it (``--solver highs``) or the
  support of a Farkas certificate (any solver) gives a small infeasible set of
  rules; a deletion filter with whole numbers then drops every rule the conflict
  does not need. When the relaxation is feasible (the conflict exists only in
  whole numbers), the deletion filter runs over every rule of the pool. Either
  way each tested rule is listed with the outcome: needed or not.
* **Certificate** (Farkas): multipliers y >= 0 on the bottleneck's rows, in the
  form a x >= b, such that the combined row c = sum y a can reach at most
  ``possible`` = sum over columns of c_j * (upper bound if c_j > 0, lower bound if
  c_j < 0), while it must reach ``required`` = sum y b; required > possible is the
  contradiction. Found as the optimal dual of the smallest-shortfall LP (an
  explicit LP, so both solvers give it), rounded to exact fractions and checked
  again with exact arithmetic.
* **Several conflicts** in one pool: one pool cover at a time first (each group's
  conflict on its own), then the remaining covers together; after a bottleneck
  is found its pool-cover rules are set aside and the search goes on.

The mathematics, symbol by symbol: ``models/diagnosis.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pulp

from ..instance import Instance
from ..model.rules import EQ, GE, LE, Row, Rule, RuleSystem, in_ge_form, tightened
from ..solver import runner as solver
from ..solver.runner import Clock, RunResult, SolverOptions, run

EPS = 1e-7
MULTIPLIER_LIMIT = 10_000  # bound on the multiplier of a row that is not a pool cover


class Unknown(Exception):
    """A solver run ended without an answer (time limit, error)."""


@dataclass(frozen=True)
class Resolved:
    """A whole re-solve of an instance (balanced, verified by the pipeline) and one more
    ``verify.check`` of its proposal: what the sufficiency proof and a repair's check need."""

    status: str
    termination: str
    message: str
    solver_runs: int
    has_proposal: bool
    max_load: Fraction | None
    checked: bool  # the proposal passed verify.check and is closing
    failures: tuple[str, ...]  # the check's failures, as text


# the pipeline's re-solve, handed to the diagnosis (which does not import the pipeline):
# (instance, options, clock) -> Resolved
Resolve = Callable[[Instance, SolverOptions, Clock], Resolved]


@dataclass
class Oracle:
    """Feasibility questions about subsets of rules, answered by the chosen solver; and the
    two callables of the diagnosis that reach beyond it: the whole re-solve (``resolve``)
    and the shortfall screen of a repaired instance (``screen``)."""

    options: SolverOptions
    clock: Clock
    runs: int = 0
    resolve: Resolve | None = None
    screen: Callable[[Instance], Any] | None = None

    def resolved(self, instance: Instance) -> Resolved:
        """Solve ``instance`` again (and check its proposal), counting the runs."""
        if self.resolve is None:
            raise ValueError("the diagnosis was given no re-solve")
        result = self.resolve(instance, self.options, self.clock)
        self.runs += result.solver_runs
        return result

    def feasible(self, system: RuleSystem, active: Collection[Rule], relax: bool = False) -> bool:
        """Can every rule in ``active`` hold at once? Whole numbers unless ``relax`` (the
        linear relaxation)."""
        lower, upper = system.column_bounds(active)
        if any(lo is not None and up is not None and lo > up for lo, up in zip(lower, upper)):
            return False
        rows = [system.rows[r] for r in sorted(active, key=Rule.sort_key) if r in system.rows]
        if not rows:
            return True
        prob, _ = build_problem(system, lower, upper, rows, integer=not relax)
        return self.solve(prob)

    def run(self, prob: pulp.LpProblem) -> RunResult:
        """One solver run within the diagnosis's time budget (none is started after it)."""
        if self.clock.expired():
            raise Unknown("the time limit was reached")
        self.runs += 1
        return run(prob, self.options, self.clock.left())

    def solve(self, prob: pulp.LpProblem) -> bool:
        result = self.run(prob)
        if result.termination == "optimal":
            return True
        if result.termination == "infeasible":
            return False
        raise Unknown(f"{result.termination} ({result.raw_status})")


def build_problem(system: RuleSystem, lower: list[Fraction | None], upper: list[Fraction | None],
             rows: Iterable[Row], integer: bool,
             objective: pulp.LpAffineExpression | None = None, sense: int = pulp.LpMinimize
             ) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    variables = [
        pulp.LpVariable(f"c{j}", lowBound=None if lo is None else float(lo),
                        upBound=None if up is None else float(up),
                        cat=pulp.LpInteger if integer and col.integer else pulp.LpContinuous)
        for j, (col, lo, up) in enumerate(zip(system.columns, lower, upper))]
    prob = pulp.LpProblem("lirt_diagnosis", sense)
    prob.setObjective(objective if objective is not None else pulp.LpAffineExpression())
    for n, row in enumerate(rows):
        expr = pulp.LpAffineExpression([(variables[j], float(c)) for j, c in row.coefs.items()])
        pulp_sense = {GE: pulp.LpConstraintGE, LE: pulp.LpConstraintLE, EQ: pulp.LpConstraintEQ}
        prob.addConstraint(pulp.LpConstraint(expr, pulp_sense[row.sense], f"r{n}", float(row.rhs)))
    return prob, variables


# ---------------------------------------------------------------------------- IIS (HiGHS)
def highs_iis(system: RuleSystem, active: Collection[Rule],
              time_left: float | None = None) -> list[Rule] | None:
    """HiGHS's irreducible infeasible subset of the linear relaxation, as rules.

    None when HiGHS finds the relaxation feasible, gives no valid IIS, runs out of
    ``time_left`` (seconds; the command's clock) or hangs (``solver.guarded_run``, the
    watchdog of every HiGHS run). Bounds that no rule sets (x >= 0, e >= 0) are part of
    the model, not rules, and are left out of the answer.
    """
    import highspy
    import numpy as np

    solver._silence_highs_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 1)
    if time_left is not None:
        h.setOptionValue("time_limit", max(time_left, 0.01))
    h.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyFromRay)
                     | int(highspy.IisStrategy.kIisStrategyIrreducible))
    inf = highspy.kHighsInf
    lower, upper = system.column_bounds(active)
    h.addVars(len(system.columns),
              np.array([-inf if lo is None else float(lo) for lo in lower], dtype=np.float64),
              np.array([inf if up is None else float(up) for up in upper], dtype=np.float64))
    row_rules: list[Rule] = []
    for rule in sorted((r for r in active if r in system.rows), key=Rule.sort_key):
        row = system.rows[rule]
        lo = float(row.rhs) if row.sense in (GE, EQ) else -inf
        hi = float(row.rhs) if row.sense in (LE, EQ) else inf
        idx = np.array(list(row.coefs), dtype=np.int32)
        val = np.array([float(c) for c in row.coefs.values()], dtype=np.float64)
        h.addRow(lo, hi, len(idx), idx, val)
        row_rules.append(rule)
    try:
        solver.guarded_run(h, time_left)
    except solver.HighsStuck:
        return None  # the deletion filter finds the conflict without HiGHS's IIS
    if h.getModelStatus() != highspy.HighsModelStatus.kInfeasible:
        return None
    status, iis = h.getIis()
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return None
    found: set[Rule] = {row_rules[i] for i in iis.row_index_}
    B = highspy.IisBoundStatus
    sides = {int(B.kIisBoundStatusLower): ("lower",), int(B.kIisBoundStatusUpper): ("upper",),
             int(B.kIisBoundStatusBoxed): ("lower", "upper")}
    for j, bound in zip(iis.col_index_, iis.col_bound_):
        for side in sides.get(int(bound), ()):
            b = system.bound_rule_of(j, side, active)
            if b is not None:
                found.add(b.rule)
    return sorted(found, key=Rule.sort_key)


# ---------------------------------------------------------------------------- deletion filter
def deletion_filter(system: RuleSystem, candidates: Iterable[Rule], oracle: Oracle
                    ) -> tuple[list[Rule], list[tuple[Rule, bool]]]:
    """Drop, one by one in a fixed order, every rule without which the rest still conflicts.

    ``candidates`` must not all hold together (in whole numbers). Returns the
    irreducible rest and every rule tested with whether it is needed.
    """
    current = sorted(set(candidates), key=Rule.sort_key)
    tested: list[tuple[Rule, bool]] = []
    for rule in list(current):
        trial = [r for r in current if r != rule]
        needed = oracle.feasible(system, trial)
        tested.append((rule, needed))
        if not needed:
            current = trial
    return current, tested


# ---------------------------------------------------------------------------- certificate
@dataclass(frozen=True)
class RowTerm:
    """Multiplier ``y`` times a rule's row, in the form a x >= b.

    The row may first be rounded for whole numbers: multiplied by ``scale`` and its
    right-hand side rounded (down for <=, up for >=) to ``rounded_rhs``.
    """

    rule: Rule
    multiplier: Fraction
    sense: str  # the rule's own sense
    rhs: Fraction  # the rule's own right-hand side (before rounding)
    scale: Fraction = Fraction(1)
    rounded_rhs: Fraction | None = None

    @property
    def ge_rhs(self) -> Fraction:
        rhs = self.rounded_rhs if self.rounded_rhs is not None else self.rhs * self.scale
        return -rhs if self.sense == LE else rhs

    @property
    def contribution(self) -> Fraction:
        return self.multiplier * self.ge_rhs


@dataclass(frozen=True)
class BoundTerm:
    """Coefficient c of a variable in the combined row, times the bound it meets."""

    ref: tuple[str, ...]
    rule: Rule | None  # None: the bound is part of the model (e >= 0, x >= 0)
    side: str
    coefficient: Fraction
    bound: Fraction

    @property
    def contribution(self) -> Fraction:
        return self.coefficient * self.bound


@dataclass
class Certificate:
    pool: str
    rows: list[RowTerm] = field(default_factory=list)
    bounds: list[BoundTerm] = field(default_factory=list)
    required: Fraction = Fraction(0)  # sum of multiplier * right-hand side
    possible: Fraction = Fraction(0)  # the most the combined row can reach within the bounds
    verified: bool = False

    @property
    def gap(self) -> Fraction:
        return self.required - self.possible

    @property
    def rules(self) -> list[Rule]:
        out = [t.rule for t in self.rows] + [t.rule for t in self.bounds if t.rule is not None]
        return sorted(set(out), key=Rule.sort_key)


def _weight(system: RuleSystem, rule: Rule) -> Fraction:
    return system.instance.group(rule.key[0]).weight


def certificate(system: RuleSystem, active: Collection[Rule], oracle: Oracle) -> Certificate | None:
    """A Farkas certificate that the rules in ``active`` cannot all hold, checked exactly.

    Solves max sum y b - sum p u + sum q l  s.t.  sum_i y_i a_ij - p_j + q_j = 0,
    y, p, q >= 0, y <= weight on pool-cover rows (so the optimum is the smallest
    shortfall of the relaxation in task units). None if the optimum is 0 (the
    rules hold together in the relaxation) or the rounded multipliers do not add
    up to a contradiction.
    """
    lower, upper = system.column_bounds(active)
    if any(lo is not None and up is not None and lo > up for lo, up in zip(lower, upper)):
        return None  # a bound conflict: reported on its own
    rules = sorted((r for r in active if r in system.rows), key=Rule.sort_key)
    rows = {r: tightened(system.rows[r], system.columns) or system.rows[r] for r in rules}
    y = {}
    for n, r in enumerate(rules):
        limit = float(_weight(system, r)) if r.kind == "cover" else MULTIPLIER_LIMIT
        free = rows[r].sense == EQ
        y[r] = pulp.LpVariable(f"y{n}", lowBound=-limit if free else 0, upBound=limit)
    used = sorted({j for r in rules for j in rows[r].coefs})
    objective = pulp.lpSum(float(in_ge_form(rows[r])[1]) * y[r] for r in rules)
    # minimise -V (PuLP's HiGHS interface reports a maximised objective with the wrong sign)
    prob = pulp.LpProblem("lirt_farkas", pulp.LpMinimize)
    sizes: list[pulp.LpVariable] = []
    for j in used:
        column = [(y[r], float(in_ge_form(rows[r])[0][j])) for r in rules if j in rows[r].coefs]
        expr = pulp.LpAffineExpression(column)
        up, lo = upper[j], lower[j]
        if up is not None:
            p = pulp.LpVariable(f"p{j}", lowBound=0)
            expr -= p
            objective -= float(up) * p
            sizes.append(p)
        if lo is not None:
            q = pulp.LpVariable(f"q{j}", lowBound=0)
            expr += q
            objective += float(lo) * q
            sizes.append(q)
        prob.addConstraint(expr == 0, f"col{j}")
    prob.setObjective(-objective)
    if not _solve_lp(prob, oracle):
        return None
    best = -(pulp.value(prob.objective) or 0.0)
    if best <= EPS:
        return None
    # Second stage: among the best certificates, the one with the smallest multipliers (the
    # first stage's optimum is often not unique: the same sum can be reached by larger
    # multipliers on rows with a zero right-hand side); both solvers then give the same one.
    prob.addConstraint(objective >= best - 1e-7 * (1 + abs(best)), "best")
    prob.setObjective(pulp.lpSum([v for r, v in y.items() if r.kind != "cover"] + sizes))
    if not _solve_lp(prob, oracle):
        return None
    multipliers = {r: Fraction(v.varValue or 0.0).limit_denominator(10**6) for r, v in y.items()}
    return exact_certificate(system, active, {r: m for r, m in multipliers.items() if m != 0})


def _solve_lp(prob: pulp.LpProblem, oracle: Oracle) -> bool:
    result = oracle.run(prob)
    if result.termination == "optimal":
        return True
    if result.termination in ("infeasible", "unbounded"):
        return False
    raise Unknown(f"{result.termination} ({result.raw_status})")


def exact_certificate(system: RuleSystem, active: Collection[Rule],
                      multipliers: dict[Rule, Fraction]) -> Certificate:
    """Add up the certificate with exact fractions: required, possible, and whether it holds."""
    lower, upper = system.column_bounds(active)
    cert = Certificate(pool=system.pool.id)
    combined: dict[int, Fraction] = {}
    valid = True
    for rule in sorted(multipliers, key=Rule.sort_key):
        y = multipliers[rule]
        original = system.rows[rule]
        rounded = tightened(original, system.columns)
        row = rounded or original
        if y < 0 and row.sense != EQ:
            valid = False
        scale = Fraction(1)
        if rounded is not None:
            j0 = next(iter(original.coefs))
            scale = rounded.coefs[j0] / original.coefs[j0]
        cert.rows.append(RowTerm(rule, y, original.sense, original.rhs, scale,
                                 None if rounded is None else rounded.rhs))
        a, _ = in_ge_form(row)
        for j, c in a.items():
            combined[j] = combined.get(j, Fraction(0)) + y * c
    for j, c in sorted(combined.items()):
        if c == 0:
            continue
        side = "upper" if c > 0 else "lower"
        bound = upper[j] if c > 0 else lower[j]
        if bound is None:
            valid = False
            continue
        b = system.bound_rule_of(j, side, active)
        cert.bounds.append(BoundTerm(system.columns[j].ref, None if b is None else b.rule, side, c,
                                     bound))
    cert.required = sum((t.contribution for t in cert.rows), Fraction(0))
    cert.possible = sum((t.contribution for t in cert.bounds), Fraction(0))
    cert.verified = valid and cert.required > cert.possible
    return cert


# ---------------------------------------------------------------------------- bottlenecks
@dataclass
class Bottleneck:
    pool: str
    rules: list[Rule]
    method: str  # highs-iis | farkas | deletion-filter | bound-conflict
    tested: list[tuple[Rule, bool]] = field(default_factory=list)  # (rule, needed)
    certificate: Certificate | None = None
    pool_rules: int = 0  # rules in the pool's model


def pool_bottlenecks(system: RuleSystem, oracle: Oracle) -> list[Bottleneck]:
    """Every conflict of one pool: a bottleneck and its certificate each.

    First one pool cover at a time (the other covers set aside), so that each group's
    conflict is named on its own; then all remaining covers together, for conflicts
    that only arise jointly (groups that compete through exchanges). Once a
    bottleneck is found, its covers are set aside and the search goes on.
    """
    everything = set(system.rules)
    covers = sorted((r for r in everything if r.kind == "cover"), key=Rule.sort_key)
    handled: set[Rule] = set()
    found: list[Bottleneck] = []
    for cover in covers:
        if cover in handled:
            continue
        active = everything - (set(covers) - {cover})
        if not oracle.feasible(system, active):
            found.append(find_bottleneck(system, active, oracle))
            handled |= {r for r in found[-1].rules if r.kind == "cover"} or {cover}
    for _ in range(len(covers) + 1):
        active = everything - handled
        if oracle.feasible(system, active):
            break
        found.append(find_bottleneck(system, active, oracle))
        handled |= {r for r in found[-1].rules if r.kind == "cover"} or set(found[-1].rules)
    return found


def find_bottleneck(system: RuleSystem, active: set[Rule], oracle: Oracle) -> Bottleneck:
    """One irreducible conflict among ``active`` (which must not all hold in whole numbers)."""
    candidates: list[Rule] | None = None
    method = "deletion-filter"
    if not oracle.feasible(system, active, relax=True):
        if oracle.options.name == "highs":
            if oracle.clock.expired():
                raise Unknown("the time limit was reached")
            candidates, method = highs_iis(system, active, oracle.clock.left()), "highs-iis"
        if candidates is None:
            cert = certificate(system, active, oracle)
            if cert is not None and cert.verified:
                candidates, method = cert.rules, "farkas"
    if candidates is None:
        candidates, method = sorted(active, key=Rule.sort_key), "deletion-filter"
    else:
        # A site model ties x[m,g] to its sites' places ("site sum"), which repeats the bounds
        # the sites give x[m,g]; offer those bounds too, so that the filter (which tests row
        # families before bounds) keeps the rule with words of its own whatever the start.
        tied = {r.key for r in candidates if r.kind == "site sum"}
        candidates = sorted(set(candidates) | {r for r in active if r.kind in ("upper", "lower")
                                               and r.key in tied}, key=Rule.sort_key)
    kept, tested = deletion_filter(system, candidates, oracle)
    cert = certificate(system, kept, oracle)
    return Bottleneck(system.pool.id, kept, method, tested,
                      cert if cert is not None and cert.verified else None, len(active))
