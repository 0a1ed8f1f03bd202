"""Diagnosis: why places fall short, a proof anyone can check, and the smallest repairs.

When no closing proposal exists (SPEC §6):

1. **Shortfall** (:func:`shortfall`): relax every pool-cover row with a slack
   s[P,g] >= 0 and minimise sum weight[g] * s[P,g] over whole-number proposals. The
   minimum is the smallest total shortfall, in task units, that *any* proposal
   must leave; its split per pool and group comes from the optimal proposal.
   Bound conflicts (a lower bound above an upper bound for one municipality and
   group) are listed separately: no proposal can satisfy them.
2. **Bottlenecks** and 3. **certificates** (``conflicts.py``): per short pool, the
   irreducible sets of named rules that cannot hold together, each with a Farkas
   certificate whose arithmetic is checked with exact fractions.
4. **Repairs** (``repairs.py``): up to N changes that each make the instance
   closing, ranked by penalty, each applied as a scenario, re-solved and verified.

When the instance is closing after all, :func:`diagnose` proves it instead
(5. **sufficiency**): a closing proposal checked by ``verify.check``, the margin of
every pool and group (how many more places the task could ask before it stops
closing), and the three tightest pool covers with the rules that limit them.

This module returns data; the words are made by ``diagnose_words.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import pulp

from ..instance import Instance
from ..model.pool import build_pool_model
from ..model.rules import (
    GE,
    Row,
    Rule,
    RuleSystem,
    analysis_instance,
    bound_source,
    describe_rule,
    rule_system,
)
from ..proposal.writer import number
from ..solver.runner import Clock, SolverOptions, run
from .conflicts import (
    Bottleneck,
    BoundTerm,
    Certificate,
    Oracle,
    Resolve,
    RowTerm,
    Unknown,
    build_problem,
    find_bottleneck,
    pool_bottlenecks,
)
from .repairs import (
    DEFAULT_PENALTIES,
    KINDS,
    ConflictCandidates,
    RepairSearch,
    bound_conflict_candidates,
    pool_candidates,
    search,
)

DEFAULT_REPAIRS = 3
TIGHTEST = 3


@dataclass(frozen=True)
class ShortfallPart:
    pool: str
    group: str
    target: int
    places: Fraction  # uncovered places of the group
    task_units: Fraction  # weight * places


@dataclass(frozen=True)
class MilestoneShortfall:
    date: str
    pool: str
    group: str
    task: Fraction  # share x target
    places: Fraction  # uncovered places of the group on that date
    task_units: Fraction


@dataclass(frozen=True)
class BoundConflict:
    municipality: str
    group: str
    lower: int
    upper: int
    lower_reason: str
    upper_reason: str


@dataclass(frozen=True)
class Margin:
    """How far one pool cover is from failing: the most it can reach, minus its task."""

    pool: str
    group: str
    target: int
    reach: Fraction | None  # None: no upper limit (a municipality without a cap)
    margin: Fraction | None


@dataclass
class Tightest:
    margin: Margin
    rules: list[Rule]  # the rules that limit the cover (without the cover itself)
    certificate: Certificate | None  # task + margin + 1 cannot be covered


@dataclass
class Sufficiency:
    proposal_checked: bool  # the balanced proposal passed verify.check
    max_load: Fraction | None = None  # its heaviest load
    margins: list[Margin] = field(default_factory=list)
    tightest: list[Tightest] = field(default_factory=list)


@dataclass
class Diagnosis:
    closing: bool
    total: Fraction  # smallest total shortfall in task units
    parts: list[ShortfallPart] = field(default_factory=list)  # nonzero parts only
    conflicts: list[BoundConflict] = field(default_factory=list)
    proven: bool = True  # False when a solver run stopped before proving the minimum
    message: str = ""
    milestones: list[MilestoneShortfall] = field(default_factory=list)  # nonzero parts only
    # filled by diagnose()
    solver: str = ""
    bottlenecks: list[Bottleneck] = field(default_factory=list)
    repairs: RepairSearch | None = None
    repairs_requested: int = 0
    penalties: dict[str, Fraction] = field(default_factory=dict)
    sufficiency: Sufficiency | None = None
    rules: dict[Rule, dict[str, Any]] = field(default_factory=dict)  # rule -> facts, for words
    complete: bool = True  # False: a solver run stopped before the diagnosis was finished
    solver_runs: int = 0
    group_labels: dict[str, str] = field(default_factory=dict)  # group id -> label, for words
    pool_names: dict[str, str] = field(default_factory=dict)  # pool = municipality: code -> name

    def as_dict(self) -> dict[str, Any]:
        """diagnosis.json: every number exact where it is part of a certificate (as text)."""
        return {
            "closing": self.closing,
            "proven": self.proven,
            "complete": self.complete,
            "solver": self.solver,
            "shortfall": {
                "total": float(self.total),
                "by_pool": [{"pool": p.pool, "group": p.group, "target": p.target,
                             "places": float(p.places), "task_units": float(p.task_units)}
                            for p in self.parts],
            },
            "milestone_shortfall": [
                {"date": p.date, "pool": p.pool, "group": p.group, "task": float(p.task),
                 "places": float(p.places), "task_units": float(p.task_units)}
                for p in self.milestones],
            "bound_conflicts": [
                {"municipality": c.municipality, "group": c.group, "lower": c.lower,
                 "upper": c.upper, "lower_reason": c.lower_reason, "upper_reason": c.upper_reason}
                for c in self.conflicts],
            "bottlenecks": [_bottleneck_dict(b) for b in self.bottlenecks],
            "repairs": None if self.repairs is None else _repairs_dict(self),
            "sufficiency": None if self.sufficiency is None else _sufficiency_dict(self.sufficiency),
            "rules": {r.id: self.rules[r] for r in sorted(self.rules, key=Rule.sort_key)},
            "solver_runs": self.solver_runs,
            "message": self.message,
            "group_labels": dict(self.group_labels),
            "pool_names": dict(self.pool_names),
        }


# ---------------------------------------------------------------------------- 1. shortfall
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
    milestone_parts: list[MilestoneShortfall] = []
    proven, message = True, ""
    for pool in instance.pools():
        pm = build_pool_model(instance, pool, with_shortfall=True, relax_conflicts=True)
        objective = pulp.lpSum(float(pm.weight(g)) * s for g, s in pm.shortfall.items())
        result = run(pm.problem(objective), options, clock.left())
        if result.has_solution and pm.milestone_shortfall:
            # then, with the task's shortfall kept at its minimum, the milestones' shortfall
            best = result.objective or 0.0
            pm.add_row("shortfall", "task", objective <= best + 1e-6 * (1 + abs(best)))
            milestones = pulp.lpSum(float(pm.weight(g)) * s
                                    for (_, g), s in pm.milestone_shortfall.items())
            second = run(pm.problem(milestones), options, clock.left())
            if second.has_solution:
                result = replace(second, termination=second.termination if
                                 result.proven_optimal else result.termination)
        if not result.has_solution:
            proven, message = False, f"pool {pool.id}: {result.termination} ({result.raw_status})"
            continue
        proven = proven and result.proven_optimal
        for (k, g), s in sorted(pm.milestone_shortfall.items()):
            value = Fraction(s.varValue or 0.0).limit_denominator(10**6)
            if value > Fraction(1, 10**6):
                ms = instance.milestones[k]
                task = ms.share * instance.pool_target(pool, g)
                milestone_parts.append(MilestoneShortfall(ms.date.isoformat(), pool.id, g, task,
                                                          value, pm.weight(g) * value))
        places = pm.place_values()
        exchanged = pm.exchange_values()
        for g in pm.groups:
            target = instance.pool_target(pool, g)
            covered = (sum((Fraction(places[m, g]) for m in pool.members), Fraction(0))
                       - sum((Fraction(n) for (a, _), n in exchanged.items() if a == g), Fraction(0))
                       + sum((pm.rate(k, h) * n for (k, h), n in exchanged.items() if h == g),
                             Fraction(0)))
            short = max(Fraction(0), target - covered)
            if short > 0:
                parts.append(ShortfallPart(pool.id, g, target, short, pm.weight(g) * short))
    total = sum((p.task_units for p in parts), Fraction(0))
    closing = total == 0 and not milestone_parts and not conflicts and proven
    return Diagnosis(closing=closing, total=total, parts=parts, conflicts=conflicts,
                     proven=proven, message=message, milestones=milestone_parts)


# ---------------------------------------------------------------------------- the whole diagnosis
def penalties_of(instance: Instance) -> dict[str, Fraction]:
    return {k: Fraction(instance.repair_penalties.get(k, DEFAULT_PENALTIES[k])) for k in KINDS}


def diagnose(instance: Instance, options: SolverOptions | None = None,
             repairs: int = DEFAULT_REPAIRS, clock: Clock | None = None, *,
             resolve: Resolve) -> Diagnosis:
    """Shortfall, bottlenecks with certificates, and up to ``repairs`` verified repairs;
    or, for a closing instance, the proof of sufficiency. ``resolve`` is the pipeline's
    whole re-solve (``pipeline.resolve``), for the sufficiency proof and the repairs' checks."""
    options = options or SolverOptions()
    clock = clock or Clock(options.time_limit)
    diag = shortfall(instance, options, clock)
    diag.solver = options.name
    diag.group_labels = {g.id: g.label for g in instance.groups}
    if instance.pool == "municipality":
        diag.pool_names = {m.code: m.name for m in instance.municipalities}
    diag.repairs_requested = repairs
    diag.penalties = penalties_of(instance)
    oracle = Oracle(options, clock, resolve=resolve,
                    screen=lambda repaired: shortfall(repaired, options, clock))
    if not diag.proven:
        diag.complete = False
        return diag
    analysis, not_allowed = analysis_instance(instance)
    try:
        if diag.closing:
            diag.sufficiency = sufficiency(instance, analysis, not_allowed, diag, oracle)
        else:
            candidates: list[ConflictCandidates] = []
            for c in diag.conflicts:
                diag.bottlenecks.append(_bound_conflict_bottleneck(instance, c))
                candidates.append(bound_conflict_candidates(len(candidates), c, instance))
            short = {p.pool for p in diag.parts}
            for pool in instance.pools():
                if pool.id not in short:
                    continue
                system = rule_system(analysis, not_allowed, pool)
                found = pool_bottlenecks(system, oracle)
                diag.bottlenecks.extend(found)
                for b in found:
                    others = {r for o in found if o is not b for r in o.rules if r.kind == "cover"}
                    active = set(system.rules) - others
                    candidates.append(pool_candidates(len(candidates), b, system, active, instance,
                                                      oracle))
                    _describe(diag, instance, system, b)
            for b in diag.bottlenecks:
                if b.method == "bound-conflict":
                    _describe(diag, instance, None, b)
            diag.repairs = search(instance, candidates, repairs, oracle, diag.penalties)
            if diag.repairs.stopped:
                raise Unknown(diag.repairs.stopped)
    except Unknown as exc:
        diag.complete = False
        diag.message = (diag.message + "; " if diag.message else "") + \
            f"the diagnosis stopped early: {exc}"
    diag.solver_runs = oracle.runs + len(instance.pools())
    return diag


def _describe(diag: Diagnosis, instance: Instance, system: RuleSystem | None,
              b: Bottleneck | Tightest) -> None:
    rules = list(b.rules)
    cert = b.certificate
    if cert is not None:
        rules += cert.rules
    if isinstance(b, Bottleneck):
        rules += [r for r, _ in b.tested]
    for r in rules:
        if r not in diag.rules:
            diag.rules[r] = describe_rule(instance, r, system)


def _bound_conflict_bottleneck(instance: Instance, c: BoundConflict) -> Bottleneck:
    """x[m,g] >= lower and x[m,g] <= upper with lower > upper: the contradiction is lower > upper."""
    pool = instance.pool_of(c.municipality)
    low = Rule("lower", pool, (c.municipality, c.group), bound_source(c.lower_reason, "lower"))
    up = Rule("upper", pool, (c.municipality, c.group), bound_source(c.upper_reason, "upper"))
    cert = Certificate(pool=pool, rows=[RowTerm(low, Fraction(1), GE, Fraction(c.lower))],
                       bounds=[BoundTerm(("x", c.municipality, c.group), up, "upper", Fraction(1),
                                         Fraction(c.upper))],
                       required=Fraction(c.lower), possible=Fraction(c.upper),
                       verified=c.lower > c.upper)
    return Bottleneck(pool, [low, up], "bound-conflict", [], cert, 2)


# ---------------------------------------------------------------------------- 5. sufficiency
def _reach(system: RuleSystem, rule: Rule, oracle: Oracle) -> Fraction | None:
    """The most the cover row can reach with every rule of the pool holding (None: no limit)."""
    row = system.rows[rule]
    active = system.rules
    lower, upper = system.column_bounds(active)
    for j, c in row.coefs.items():
        if c > 0 and upper[j] is None and system.columns[j].ref[0] == "x":
            return None
    rows = [system.rows[r] for r in active if r in system.rows]
    prob, variables = build_problem(system, lower, upper, rows, integer=True)
    prob.setObjective(pulp.LpAffineExpression([(variables[j], -float(c))
                                               for j, c in row.coefs.items()]))
    result = oracle.run(prob)
    if result.termination != "optimal":
        # the rules hold together (the instance is closing), so "infeasible" here is HiGHS's
        # "unbounded or infeasible": no limit
        if result.termination in ("unbounded", "infeasible"):
            return None
        raise Unknown(f"{result.termination} ({result.raw_status})")
    values = {j: Fraction(round(v.varValue or 0.0)) if system.columns[j].integer
              else Fraction(v.varValue or 0.0).limit_denominator(10**6)
              for j, v in enumerate(variables)}
    return sum((c * values[j] for j, c in row.coefs.items()), Fraction(0))


def sufficiency(instance: Instance, analysis: Instance, not_allowed: frozenset[tuple[str, str]],
                diag: Diagnosis, oracle: Oracle) -> Sufficiency:
    """Proof that the instance is closing: a checked proposal, every margin, the tightest covers.

    The proposal is the balanced one (the pipeline's re-solve, which verifies it), checked
    by ``verify.check`` once more.
    """
    result = oracle.resolved(instance)
    if not result.has_proposal and result.termination == "time_limit":
        raise Unknown("the time limit was reached")
    out = Sufficiency(proposal_checked=result.checked, max_load=result.max_load)
    systems: dict[str, RuleSystem] = {}
    for pool in instance.pools():
        system = rule_system(analysis, not_allowed, pool)
        systems[pool.id] = system
        for g in instance.group_ids:
            rule = Rule("cover", pool.id, (g,))
            target = instance.pool_target(pool, g)
            reach = _reach(system, rule, oracle)
            out.margins.append(Margin(pool.id, g, target, reach,
                                      None if reach is None else reach - target))
    finite = sorted((m for m in out.margins if m.margin is not None),
                    key=lambda m: (m.margin, m.pool, m.group))
    for margin in finite[:TIGHTEST]:
        system = systems[margin.pool]
        rule = Rule("cover", margin.pool, (margin.group,))
        assert margin.reach is not None
        row = system.rows[rule]
        raised = RuleSystem(system.instance, system.pool, system.columns,
                            {**system.rows, rule: Row(rule, row.coefs, row.sense, margin.reach + 1)},
                            system.bounds, system.index)
        found = find_bottleneck(raised, set(raised.rules), oracle)
        tight = Tightest(margin, [r for r in found.rules if r != rule], found.certificate)
        out.tightest.append(tight)
        _describe(diag, instance, raised, tight)
        diag.rules[rule] = describe_rule(instance, rule, system)
    return out


# ---------------------------------------------------------------------------- JSON
def frac(x: Fraction) -> str:
    return str(x)


def certificate_dict(cert: Certificate) -> dict[str, Any]:
    return {
        "rows": [{"rule": t.rule.id, "multiplier": frac(t.multiplier), "sense": t.sense,
                  "rhs": frac(t.rhs), "scale": frac(t.scale),
                  "rounded_rhs": None if t.rounded_rhs is None else frac(t.rounded_rhs),
                  "contribution": frac(t.contribution)} for t in cert.rows],
        "bounds": [{"variable": list(t.ref), "rule": None if t.rule is None else t.rule.id,
                    "side": t.side, "coefficient": frac(t.coefficient), "bound": frac(t.bound),
                    "contribution": frac(t.contribution)} for t in cert.bounds],
        "required": frac(cert.required),
        "possible": frac(cert.possible),
        "gap": frac(cert.gap),
        "verified": cert.verified,
    }


def _bottleneck_dict(b: Bottleneck) -> dict[str, Any]:
    return {
        "pool": b.pool,
        "method": b.method,
        "rules": [r.id for r in b.rules],
        "tested": [{"rule": r.id, "needed": needed} for r, needed in b.tested],
        "pool_rules": b.pool_rules,
        "certificate": None if b.certificate is None else certificate_dict(b.certificate),
    }


def _json_detail(key: str, value: Any) -> Any:
    if key == "caps":  # the parts of a pool change: tuples of (name, value) pairs
        return [dict(part) for part in value]
    if isinstance(value, Fraction):
        return number(value) if value.denominator == 1 else str(value)
    return value


def _repairs_dict(diag: Diagnosis) -> dict[str, Any]:
    search = diag.repairs
    assert search is not None
    return {
        "requested": diag.repairs_requested,
        "penalties": {k: float(v) for k, v in diag.penalties.items()},
        "found": [{"rank": n + 1, "penalty": frac(r.penalty), "scenario": r.file,
                   "verified": r.verified,
                   "max_load": None if r.max_load is None else frac(r.max_load),
                   "changes": [{"kind": ch.kind, "key": list(ch.key), "size": frac(ch.size),
                                **{k: _json_detail(k, v) for k, v in ch.details}}
                               for ch in r.changes]}
                  for n, r in enumerate(search.repairs)],
        "tried": search.tried,
        "rejected": search.rejected,
        "unrepairable_conflicts": search.unrepairable,
    }


def _sufficiency_dict(s: Sufficiency) -> dict[str, Any]:
    def margin(m: Margin) -> dict[str, Any]:
        return {"pool": m.pool, "group": m.group, "target": m.target,
                "reach": None if m.reach is None else frac(m.reach),
                "margin": None if m.margin is None else frac(m.margin)}

    return {
        "proposal_checked": s.proposal_checked,
        "max_load": None if s.max_load is None else frac(s.max_load),
        "margins": [margin(m) for m in s.margins],
        "tightest": [{**margin(t.margin), "rules": [r.id for r in t.rules],
                      "certificate": None if t.certificate is None else certificate_dict(
                          t.certificate)} for t in s.tightest],
    }
