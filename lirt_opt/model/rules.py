"""Named rules: the feasibility model of one pool as rules a person can name and check.

The diagnosis (``diagnose.py``, ``conflicts.py``, ``repairs.py``) reasons about
*rules*, not about solver rows. A rule is one row family entry of
``PoolModel.rows`` (``cover``, ``own``, ``import``, and any family a later model
adds) or one bound on a variable (a cap, a commitment, a site capacity, the
F = 0 rule, or "this exchange is not allowed"). :func:`rule_system` reads a
built :class:`~lirt_opt.model.PoolModel` into exact data: every row as
``Fraction`` coefficients, every bound with the rule it comes from.

Exchanges that the instance does *not* allow are rules too ("AMV places may not
count for asylum"): the system is built on an instance with every missing
exchange g -> h added at the rate weight[g] / weight[h] and its variable fixed
to 0 by a ``no-exchange`` rule (see :func:`analysis_instance`). Dropping that
rule is the repair "allow the exchange".

Row families the table ``ROW_FAMILIES`` does not know (site rows of a later
model) are still rules: they get the family name and generic words, so the
diagnosis keeps working while their words are added to the table.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import networkx as nx
import pulp

from ..instance import Exchange, Instance, Pool
from .pool import PoolModel, build_pool_model

GE, LE, EQ = ">=", "<=", "="

# Row families of PoolModel.rows with a meaning in words (messages/diagnose.toml:
# rule.<family>). The order is the order in which rules are listed and tested.
ROW_FAMILIES: tuple[str, ...] = ("cover", "import", "own")
# Bound kinds: an upper or lower bound on a place variable x[m,g], or an exchange
# variable fixed to 0 because the exchange is not listed.
BOUND_KINDS: tuple[str, ...] = ("upper", "lower", "no-exchange")
# Where a bound on x[m,g] comes from (Instance.place_bounds gives the reason in words).
BOUND_SOURCES: tuple[str, ...] = ("cap", "site-capacity", "fair-share-0", "commitment",
                                  "existing-sites", "other")

# Order in which rules are listed and tested by the deletion filter; a rule tested earlier
# is dropped when the rest still conflicts, so row families without words of their own
# (unknown here) come before the bounds, which have.
_KIND_ORDER = {k: i for i, k in enumerate((*ROW_FAMILIES, "", *BOUND_KINDS))}


@dataclass(frozen=True)
class Rule:
    """One rule of a pool: ``kind`` is a row family or a bound kind; ``key`` names its entry."""

    kind: str
    pool: str
    key: tuple[str, ...]
    source: str = ""  # for bounds on x: one of BOUND_SOURCES

    @property
    def id(self) -> str:
        return ":".join((self.kind, self.pool, *self.key))

    def sort_key(self) -> tuple[Any, ...]:
        return (_KIND_ORDER.get(self.kind, _KIND_ORDER[""]), self.kind, self.pool, self.key)


@dataclass(frozen=True)
class Column:
    """A variable of the pool model, with its natural bounds (those no rule sets)."""

    ref: tuple[str, ...]  # ("x", m, g) | ("e", g, h) | ("v", pulp name)
    integer: bool
    lower: Fraction | None = Fraction(0)
    upper: Fraction | None = None


@dataclass(frozen=True)
class Row:
    """sum_j coefs[j] * column_j  (sense)  rhs, exactly."""

    rule: Rule
    coefs: Mapping[int, Fraction]
    sense: str
    rhs: Fraction


@dataclass(frozen=True)
class BoundRule:
    rule: Rule
    column: int
    side: str  # "lower" | "upper"
    value: Fraction


@dataclass
class RuleSystem:
    """The feasibility model of one pool as named rules (rows and bounds), exact."""

    instance: Instance  # the analysis instance (with the not-allowed exchanges added)
    pool: Pool
    columns: list[Column] = field(default_factory=list)
    rows: dict[Rule, Row] = field(default_factory=dict)
    bounds: dict[Rule, BoundRule] = field(default_factory=dict)
    index: dict[tuple[str, ...], int] = field(default_factory=dict)  # column ref -> index

    @property
    def rules(self) -> list[Rule]:
        return sorted([*self.rows, *self.bounds], key=Rule.sort_key)

    def column_bounds(self, active: Iterable[Rule]) -> tuple[list[Fraction | None],
                                                             list[Fraction | None]]:
        """Lower and upper bound of every column with the bound rules in ``active``."""
        lower = [c.lower for c in self.columns]
        upper = [c.upper for c in self.columns]
        for rule in active:
            b = self.bounds.get(rule)
            if b is None:
                continue
            if b.side == "lower":
                cur = lower[b.column]
                lower[b.column] = b.value if cur is None else max(cur, b.value)
            else:
                cur = upper[b.column]
                upper[b.column] = b.value if cur is None else min(cur, b.value)
        return lower, upper

    def bound_rule_of(self, column: int, side: str, active: Iterable[Rule]) -> BoundRule | None:
        """The active bound rule that sets this side of the column (the tightest one)."""
        best: BoundRule | None = None
        for rule in active:
            b = self.bounds.get(rule)
            if b is None or b.column != column or b.side != side:
                continue
            if best is None or (b.value > best.value if side == "lower" else b.value < best.value):
                best = b
        return best


# ---------------------------------------------------------------------------- building
def exact(value: float | int | Fraction) -> Fraction:
    """A PuLP coefficient back as the exact fraction it was made from.

    The model writes rates, weights and shares (exact decimals or small fractions)
    as floats; the nearest fraction with a denominator up to 10^9 recovers them.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(value).limit_denominator(10**9)


def potential_exchanges(instance: Instance) -> list[Exchange]:
    """Exchanges g -> h the instance does not list, at rate weight[g] / weight[h].

    Left out: those that would close a cycle of exchanges whose rates multiply to
    more than 1 (allowing them would make an invalid instance).
    """
    listed = {(ex.source, ex.target): ex.rate for ex in instance.exchanges}
    graph = nx.DiGraph()
    graph.add_nodes_from(instance.group_ids)
    for (a, b), rate in listed.items():
        graph.add_edge(a, b, rate=rate)
    out = []
    for g in instance.groups:
        for h in instance.groups:
            if g.id == h.id or (g.id, h.id) in listed:
                continue
            rate = g.weight / h.weight
            gains = False
            for path in nx.all_simple_paths(graph, h.id, g.id):
                product = rate
                for a, b in itertools.pairwise(path):
                    product *= graph.edges[a, b]["rate"]
                if product > 1:
                    gains = True
                    break
            if not gains:
                out.append(Exchange(g.id, h.id, rate))
    return out


def analysis_instance(instance: Instance) -> tuple[Instance, frozenset[tuple[str, str]]]:
    """The instance with every missing exchange added (to be fixed at 0 by a rule)."""
    extra = potential_exchanges(instance)
    if not extra:
        return instance, frozenset()
    return (replace(instance, exchanges=instance.exchanges + tuple(extra)),
            frozenset((ex.source, ex.target) for ex in extra))


def bound_source(reason: str, side: str) -> str:
    """Classify Instance.place_bounds' reason for a bound (its words are English text)."""
    if side == "upper":
        if reason.startswith("bounds.csv max"):
            return "cap"
        if reason.startswith(("capacity of locations", "capacity of counting sites")):
            return "site-capacity"
        if reason.startswith("fair share 0"):
            return "fair-share-0"
    else:
        if reason.startswith("bounds.csv min"):
            return "commitment"
        if reason.startswith(("existing locations", "existing sites")):
            return "existing-sites"
    return "other"


def _key(key: Any) -> tuple[str, ...]:
    return tuple(str(k) for k in key) if isinstance(key, tuple) else (str(key),)


def rule_system(analysis: Instance, not_allowed: frozenset[tuple[str, str]], pool: Pool,
                pm: PoolModel | None = None) -> RuleSystem:
    """Read the pool model of ``analysis`` (built here unless given) as named rules.

    Bound conflicts (a lower bound above an upper bound) are lifted as in the
    shortfall (``relax_conflicts``); they are reported as conflicts of their own.
    """
    if pm is None:
        pm = build_pool_model(analysis, pool, relax_conflicts=True)
    system = RuleSystem(instance=analysis, pool=pool)
    by_name: dict[str, int] = {}

    def add_column(var: pulp.LpVariable, ref: tuple[str, ...], lower: Fraction | None,
                   upper: Fraction | None) -> int:
        system.columns.append(Column(ref, var.cat == pulp.LpInteger, lower, upper))
        by_name[var.name] = len(system.columns) - 1
        system.index[ref] = len(system.columns) - 1
        return len(system.columns) - 1

    for (m, g), var in sorted(pm.x.items()):
        j = add_column(var, ("x", m, g), Fraction(0), None)
        b = analysis.place_bounds(m, g)
        lower, upper = pm.lower[m, g], pm.upper[m, g]
        if lower > 0:
            rule = Rule("lower", pool.id, (m, g), bound_source(b.lower_reason, "lower"))
            system.bounds[rule] = BoundRule(rule, j, "lower", Fraction(lower))
        if upper is not None:
            rule = Rule("upper", pool.id, (m, g), bound_source(b.upper_reason, "upper"))
            system.bounds[rule] = BoundRule(rule, j, "upper", Fraction(upper))
    for (g, h), var in sorted(pm.e.items()):
        j = add_column(var, ("e", g, h), Fraction(0), None)
        if (g, h) in not_allowed:
            rule = Rule("no-exchange", pool.id, (g, h))
            system.bounds[rule] = BoundRule(rule, j, "upper", Fraction(0))
    site_refs = {v.name: ("site", loc, g) for (loc, g), v in pm.p.items()}
    site_refs.update({v.name: ("site opened", loc) for loc, v in pm.opened.items()})
    for family, entries in pm.rows.items():
        if family.startswith("milestone"):
            continue  # milestones are diagnosed by their own shortfall, not as task rules
        for key, row in entries.items():
            # rows the model made whole (model.add_whole_row) are read from their exact terms
            exact_row = pm.exact_rows.get(family, {}).get(key)
            items = row.items() if exact_row is None else [(v, c) for c, v in exact_row[0]]
            coefs: dict[int, Fraction] = {}
            for var, coef in items:
                if var.name not in by_name:  # a variable of a later model (e.g. sites)
                    low = None if var.lowBound is None else exact(var.lowBound)
                    up = None if var.upBound is None else exact(var.upBound)
                    add_column(var, site_refs.get(var.name, ("v", var.name)), low, up)
                j = by_name[var.name]
                coefs[j] = coefs.get(j, Fraction(0)) + exact(coef)
            sense = {pulp.LpConstraintGE: GE, pulp.LpConstraintLE: LE,
                     pulp.LpConstraintEQ: EQ}[row.sense]
            rhs = -exact(row.constant) if exact_row is None else exact_row[2]
            if exact_row is not None:
                sense = {">=": GE, "<=": LE, "==": EQ}[exact_row[1]]
            rule = Rule(family, pool.id, _key(key))
            system.rows[rule] = Row(rule, {j: c for j, c in sorted(coefs.items()) if c != 0},
                                    sense, rhs)
    return system


# ---------------------------------------------------------------------------- whole numbers
def tightened(row: Row, columns: list[Column]) -> Row | None:
    """The row rounded as whole numbers allow, or None when rounding changes nothing.

    If every variable of the row is whole: scale the coefficients to whole numbers
    (times the lcm L of their denominators), divide by their gcd d; the left side
    is then a whole number, so the right side rounds (down for <=, up for >=).
    E.g. 2 e <= 1.5 becomes e <= 0; e <= 109.6 becomes e <= 109.
    """
    if row.sense == EQ or not row.coefs:
        return None
    if not all(columns[j].integer for j in row.coefs):
        return None
    lcm = math.lcm(*(c.denominator for c in row.coefs.values()))
    ints = [int(c * lcm) for c in row.coefs.values()]
    gcd = math.gcd(*ints)
    scale = Fraction(lcm, gcd)
    rhs = row.rhs * scale
    rounded = Fraction(math.floor(rhs) if row.sense == LE else math.ceil(rhs))
    if rounded == rhs:
        return None
    return Row(row.rule, {j: c * scale for j, c in row.coefs.items()}, row.sense, rounded)


def in_ge_form(row: Row) -> tuple[dict[int, Fraction], Fraction]:
    """(a, b) with the row as a x >= b (a <= row negated)."""
    if row.sense == LE:
        return {j: -c for j, c in row.coefs.items()}, -row.rhs
    return dict(row.coefs), row.rhs


# ---------------------------------------------------------------------------- facts for words
def _number(x: Fraction) -> int | float:
    return x.numerator if x.denominator == 1 else float(x)


def describe_rule(instance: Instance, rule: Rule, system: RuleSystem | None = None
                  ) -> dict[str, Any]:
    """The facts of a rule that its words need (JSON-ready): names, targets, bounds, shares."""
    facts: dict[str, Any] = {"kind": rule.kind, "pool": rule.pool}
    pool = next((p for p in instance.pools() if p.id == rule.pool), None)
    if rule.kind in ("cover", "own", "import") and len(rule.key) == 1:
        g = rule.key[0]
        facts["group"] = g
        target = instance.pool_target(pool, g) if pool is not None else 0
        if rule.kind == "cover":
            facts["target"] = target
        elif rule.kind == "import":
            share = instance.group(g).max_import_share
            facts.update(share=str(share), target=target, limit=str(share * target))
    elif rule.kind in ("upper", "lower"):
        m, g = rule.key
        facts.update(municipality=m, name=instance.municipality(m).name, group=g,
                     source=rule.source)
        b = instance.place_bounds(m, g)
        value: Fraction | int | None = b.upper if rule.kind == "upper" else b.lower
        if system is not None and rule in system.bounds:
            value = system.bounds[rule].value
        facts["value"] = None if value is None else _number(Fraction(value))
        if rule.source == "site-capacity" and instance.deadline is not None:
            facts["deadline"] = instance.deadline.isoformat()
    elif rule.kind == "no-exchange":
        g, h = rule.key
        facts.update({"from": g, "to": h,
                      "rate": str(instance.group(g).weight / instance.group(h).weight)})
    elif rule.kind.startswith("milestone") and len(rule.key) == 2:
        ms, g = instance.milestones[int(rule.key[0])], rule.key[1]
        target = instance.pool_target(pool, g) if pool is not None else 0
        facts.update(group=g, date=ms.date.isoformat(), share=str(ms.share),
                     target=str(ms.share * target), key=list(rule.key))
    elif rule.kind in ("site capacity", "site min size", "site existing") and instance.locations:
        loc = next(loc for loc in instance.locations if loc.id == rule.key[0])
        facts.update(site=loc.id, name=instance.municipality(loc.municipality).name,
                     capacity=loc.capacity, min_size=instance.site_min_size(loc),
                     key=list(rule.key))
    elif rule.kind == "site sum" and len(rule.key) == 2:
        m, g = rule.key
        facts.update(municipality=m, name=instance.municipality(m).name, group=g,
                     key=list(rule.key))
    else:
        facts["key"] = list(rule.key)
        if system is not None and rule in system.rows:
            row = system.rows[rule]
            facts.update(sense=row.sense, rhs=str(row.rhs))
    return facts
