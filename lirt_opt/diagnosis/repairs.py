"""Repairs: the smallest changes that make an instance closing, ranked, re-solved and verified.

Every conflict (bottleneck) must lose one of its rules, so the candidates for a
conflict are its rules that policy can change, each relaxed by the least amount
that resolves the conflict (one MIP each, on the pool's rules with the other
conflicts of the pool set aside):

=============  ==========================================  =============================
kind           change                                      size (places)
=============  ==========================================  =============================
cap            raise a cap (bounds.csv ``max``)            places the cap rises
site           bring a site forward to the deadline        the site's capacity
exchange       allow an exchange g -> h (weight rate)      places exchanged to close
import_share   raise a group's ``max_import_share``        extra places other groups cover
pool           more places in the pool, spread over its    places added
               capped municipalities in proportion to
               their task
=============  ==========================================  =============================

A repair of the instance takes one candidate per conflict (a change of an
exchange or an import share serves every conflict it resolves); its penalty is
the sum over its changes of ``penalty[kind] * size``, with the rates from
``[repairs]`` in instance.toml. Repairs are tried from the lowest penalty up
(ties: the order of the kinds above, then the smaller load increase, then the
names; two repairs with the same effect on the instance are one); each is
written as a scenario overlay of the instance (merged with the scenario already
applied), read back through the ordinary reader and validator, re-solved (the balanced
proposal) and checked by ``verify.check``.
Only repairs that pass are reported.
"""

from __future__ import annotations

import itertools
import math
import re
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pulp

from ..base.errors import InvalidInstance, LirtError
from ..instance import Bound, Instance
from ..instance.loader import load
from ..instance.overrides import parse_label
from ..model.rules import LE, Row, Rule, RuleSystem, bound_source
from ..read import schema
from .conflicts import Bottleneck, Oracle, Unknown, build_problem

KINDS = schema.REPAIR_KINDS  # also the order of the kinds when penalties tie
DEFAULT_PENALTIES: dict[str, Fraction] = {  # declared with [repairs] in the schema
    key.path.split(".", 1)[1]: Fraction(str(key.default))
    for key in schema.INSTANCE_KEYS if key.path.startswith("repairs.")}
SHARE_DECIMALS = 4  # a raised import share is rounded up to this many decimals
MAX_COMBINATIONS = 20_000


@dataclass(frozen=True)
class Change:
    """One change of one rule. ``key``: cap (m, g); site (location,); exchange (g, h);
    import_share (h,); pool (P, g). ``details``: the numbers, for words and the scenario."""

    kind: str
    key: tuple[str, ...]
    size: Fraction
    details: tuple[tuple[str, Any], ...] = ()
    tiebreak: Fraction = Fraction(0)

    @property
    def info(self) -> dict[str, Any]:
        return dict(self.details)


@dataclass
class Repair:
    changes: list[Change]
    penalty: Fraction
    scenario_toml: str = ""
    verified: bool = False
    max_load: Fraction | None = None  # heaviest load of the verified, balanced proposal
    file: str = ""  # relative name in the output directory


@dataclass
class RepairSearch:
    repairs: list[Repair] = field(default_factory=list)
    tried: int = 0
    rejected: list[str] = field(default_factory=list)  # why a candidate repair failed its check
    stopped: str = ""  # why the search stopped before it had tried enough (time limit)
    unrepairable: list[int] = field(default_factory=list)  # conflicts with no candidate


# ---------------------------------------------------------------------------- numbers
def decimal_text(x: Fraction) -> str | None:
    """The exact decimal text of x (None if its expansion does not end in 9 digits)."""
    for digits in range(10):
        scaled = x * 10**digits
        if scaled.denominator == 1:
            n = scaled.numerator
            if digits == 0:
                return str(n)
            sign = "-" if n < 0 else ""
            s = str(abs(n)).rjust(digits + 1, "0")
            return f"{sign}{s[:-digits]}.{s[-digits:]}"
    return None


def share_up(x: Fraction) -> Fraction:
    """x rounded up to SHARE_DECIMALS decimals, at most 1."""
    unit = 10**SHARE_DECIMALS
    return min(Fraction(math.ceil(x * unit), unit), Fraction(1))


# ---------------------------------------------------------------------------- minimal sizes
def _row_value(row: Row, values: dict[int, Fraction]) -> Fraction:
    return sum((c * values[j] for j, c in row.coefs.items()), Fraction(0))


def _solve_min(system: RuleSystem, active: set[Rule], oracle: Oracle,
               extra: Callable[[pulp.LpProblem, list[pulp.LpVariable]], pulp.LpAffineExpression]
               ) -> dict[int, Fraction] | None:
    """Minimise what ``extra`` adds to the problem of ``active``; whole-number solution or None."""
    lower, upper = system.column_bounds(active)
    rows = [system.rows[r] for r in sorted(active, key=Rule.sort_key) if r in system.rows]
    prob, variables = build_problem(system, lower, upper, rows, integer=True)
    prob.setObjective(extra(prob, variables))
    result = oracle.run(prob)
    if result.termination == "infeasible":
        return None
    if result.termination != "optimal":
        raise Unknown(f"{result.termination} ({result.raw_status})")
    return {j: Fraction(round(v.varValue or 0.0)) if system.columns[j].integer
            else Fraction(v.varValue or 0.0).limit_denominator(10**6)
            for j, v in enumerate(variables)}


def min_relaxation(system: RuleSystem, active: set[Rule], rule: Rule, oracle: Oracle,
                   limit: Fraction | None = None) -> Fraction | None:
    """The least amount by which ``rule`` must give way for ``active`` to hold (None: never).

    Upper bounds rise by a whole delta (at most ``limit``); a no-exchange rule is
    dropped and the amount is the places exchanged; a <= row's right side rises,
    a >= row's falls, by the exact violation at the optimum.
    """
    rest = active - {rule}
    if rule in system.bounds:
        b = system.bounds[rule]
        if rule.kind == "no-exchange":
            values = _solve_min(system, rest, oracle, lambda _p, v: pulp.lpSum([v[b.column]]))
            return None if values is None else values[b.column]

        def raise_bound(prob: pulp.LpProblem, v: list[pulp.LpVariable]) -> pulp.LpAffineExpression:
            delta = pulp.LpVariable("delta", lowBound=0, upBound=None if limit is None
                                    else float(limit), cat=pulp.LpInteger)
            prob.addConstraint(v[b.column] - delta <= float(b.value), "relaxed")
            return pulp.lpSum([delta])

        values = _solve_min(system, rest, oracle, raise_bound)
        return None if values is None else max(Fraction(0), values[b.column] - b.value)
    row = system.rows[rule]

    def relax_row(prob: pulp.LpProblem, v: list[pulp.LpVariable]) -> pulp.LpAffineExpression:
        delta = pulp.LpVariable("delta", lowBound=0)
        expr = pulp.LpAffineExpression([(v[j], float(c)) for j, c in row.coefs.items()])
        if row.sense == LE:
            prob.addConstraint(expr - delta <= float(row.rhs), "relaxed")
        else:
            prob.addConstraint(expr + delta >= float(row.rhs), "relaxed")
        return pulp.lpSum([delta])

    values = _solve_min(system, rest, oracle, relax_row)
    if values is None:
        return None
    value = _row_value(row, values)
    return max(Fraction(0), value - row.rhs if row.sense == LE else row.rhs - value)


# ---------------------------------------------------------------------------- candidates
# The location API is read through these helpers only (the sites model of a later
# issue gives a site several groups and more counting rules).
def site_groups(loc: Any) -> tuple[str, ...]:
    groups = getattr(loc, "groups", None)
    return tuple(groups) if groups else (loc.group,)


def _late_sites(instance: Instance, m: str, g: str) -> list[Any]:
    """Sites of (m, g) that open after the deadline (their places do not count)."""
    if instance.locations is None or instance.deadline is None:
        return []
    deadline = instance.deadline
    return sorted((loc for loc in instance.locations
                   if loc.municipality == m and g in site_groups(loc)
                   and loc.available_from is not None and loc.available_from > deadline),
                  key=lambda loc: loc.id)


def _cap_room(instance: Instance, m: str, g: str, upper: int) -> Fraction | None:
    """How far raising bounds.csv max can lift x[m,g]: to the bound the instance gives
    without the cap (its sites' capacity), or without limit."""
    old = instance.bounds.get((m, g))
    uncapped = replace(instance, bounds={**instance.bounds,
                                         (m, g): Bound(None if old is None else old.min, None)})
    limit = uncapped.place_bounds(m, g).upper
    return None if limit is None else Fraction(max(limit - upper, 0))


def _largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    whole = sum(weights.values())
    quotas = {m: Fraction(total * w, whole) for m, w in weights.items()}
    shares = {m: math.floor(q) for m, q in quotas.items()}
    left = total - sum(shares.values())
    for m in sorted(quotas, key=lambda m: (-(quotas[m] - shares[m]), m))[:left]:
        shares[m] += 1
    return shares


@dataclass
class ConflictCandidates:
    """The candidate changes of one conflict; pool-level amounts for the global kinds."""

    index: int
    pool: str | None
    local: list[Change] = field(default_factory=list)
    exchange: dict[tuple[str, str], Fraction] = field(default_factory=dict)  # (g,h) -> places
    import_need: dict[str, tuple[Fraction, Fraction]] = field(default_factory=dict)  # h -> (share, extra)


def pool_candidates(index: int, bottleneck: Bottleneck, system: RuleSystem,
                    active: set[Rule], original: Instance, oracle: Oracle) -> ConflictCandidates:
    """Candidate changes for one conflict of a pool (``active``: the rules it must satisfy)."""
    out = ConflictCandidates(index, bottleneck.pool)
    pool = system.pool
    for rule in bottleneck.rules:
        if rule.kind == "upper" and rule.source == "cap":
            m, g = rule.key
            value = system.bounds[rule].value
            room = _cap_room(original, m, g, int(value))
            delta = min_relaxation(system, active, rule, oracle, limit=room)
            if delta is not None and delta > 0:
                fair = original.fair_share(m)
                out.local.append(Change(
                    "cap", (m, g), delta,
                    (("municipality", m), ("name", original.municipality(m).name), ("group", g),
                     ("from", int(value)), ("to", int(value + delta))),
                    tiebreak=delta / fair if fair > 0 else delta))
        elif rule.kind == "upper" and rule.source == "site-capacity":
            m, g = rule.key
            for loc in _late_sites(original, m, g):
                change = _site_change(original, loc)
                if change is not None and _site_resolves(system, active, rule, original, loc,
                                                         oracle):
                    out.local.append(change)
        elif rule.kind == "no-exchange":
            g, h = rule.key
            rate = original.group(g).weight / original.group(h).weight
            if decimal_text(rate) is None:  # a scenario cannot state the rate exactly
                continue
            places = min_relaxation(system, active, rule, oracle)
            if places is not None:
                out.exchange[g, h] = places
        elif rule.kind == "import":
            h = rule.key[0]
            share = original.group(h).max_import_share
            extra = min_relaxation(system, active, rule, oracle)
            target = original.pool_target(pool, h)
            if extra is not None and extra > 0 and target > 0:
                needed = (share * target + extra) / target
                if needed <= 1:
                    out.import_need[h] = (needed, extra)
        elif rule.kind == "cover":
            g = rule.key[0]
            missing = min_relaxation(system, active, rule, oracle)
            if missing is not None and missing > 0:
                change = _pool_change(original, system, pool.id, g, math.ceil(missing))
                if change is not None:
                    out.local.append(change)
    return out


def _site_change(instance: Instance, loc: Any) -> Change | None:
    if instance.deadline is None:
        return None
    return Change("site", (loc.id,), Fraction(loc.capacity),
                  (("location", loc.id), ("municipality", loc.municipality),
                   ("name", instance.municipality(loc.municipality).name),
                   ("group", "|".join(site_groups(loc))),
                   ("capacity", loc.capacity), ("from", loc.available_from.isoformat()),
                   ("to", instance.deadline.isoformat())),
                  tiebreak=Fraction(loc.capacity))


def _site_resolves(system: RuleSystem, active: set[Rule], rule: Rule, instance: Instance,
                   loc: Any, oracle: Oracle) -> bool:
    """Does the site's capacity, counted by the deadline, let ``active`` hold?"""
    b = system.bounds[rule]
    m, g = rule.key
    bound = instance.bounds.get((m, g))
    new_upper = b.value + loc.capacity
    if bound is not None and bound.max is not None:
        new_upper = min(new_upper, Fraction(bound.max))
    if new_upper <= b.value:
        return False

    def extra(prob: pulp.LpProblem, v: list[pulp.LpVariable]) -> pulp.LpAffineExpression:
        prob.addConstraint(v[b.column] <= float(new_upper), "site")
        return pulp.LpAffineExpression()

    # with sites, x[m,g] is also the sum over m's counting sites ("site sum"): the moved
    # site joins that sum, which the raised bound stands for
    tied = {r for r in active if r.kind == "site sum" and r.key == (m, g)}
    return _solve_min(system, active - {rule} - tied, oracle, extra) is not None


def _pool_change(instance: Instance, system: RuleSystem, pool: str, g: str,
                 places: int) -> Change | None:
    """``places`` more places of g in the pool, as raised caps in proportion to the task."""
    eligible: dict[str, int] = {}
    caps: dict[str, int] = {}
    for rule, b in system.bounds.items():
        if rule.kind == "upper" and rule.source == "cap" and rule.key[1] == g:
            m = rule.key[0]
            if instance.fair_share(m) > 0 and instance.target(m, g) > 0:
                eligible[m] = instance.target(m, g)
                caps[m] = int(b.value)
    if not eligible:
        return None
    shares = _largest_remainder(places, eligible)
    parts = []
    for m in sorted(shares):
        if shares[m] == 0:
            continue
        room = _cap_room(instance, m, g, caps[m])
        if room is not None and shares[m] > room:
            return None
        parts.append({"municipality": m, "name": instance.municipality(m).name,
                      "from": caps[m], "to": caps[m] + shares[m]})
    return Change("pool", (pool, g), Fraction(places),
                  (("pool", pool), ("group", g), ("places", places), ("caps", tuple(
                      tuple(p.items()) for p in parts))))


def bound_conflict_candidates(index: int, conflict: Any, instance: Instance) -> ConflictCandidates:
    """A lower bound above an upper bound: raise the cap to it, or bring a site forward."""
    out = ConflictCandidates(index, None)
    m, g = conflict.municipality, conflict.group
    delta = Fraction(conflict.lower - conflict.upper)
    source = bound_source(conflict.upper_reason, "upper")
    if source == "cap":
        room = _cap_room(instance, m, g, conflict.upper)
        if room is None or delta <= room:
            fair = instance.fair_share(m)
            out.local.append(Change(
                "cap", (m, g), delta,
                (("municipality", m), ("name", instance.municipality(m).name), ("group", g),
                 ("from", conflict.upper), ("to", conflict.lower)),
                tiebreak=delta / fair if fair > 0 else delta))
    elif source == "site-capacity":
        for loc in _late_sites(instance, m, g):
            if loc.capacity >= delta:
                change = _site_change(instance, loc)
                if change is not None:
                    out.local.append(change)
    return out


# ---------------------------------------------------------------------------- combining
def _options(c: ConflictCandidates, penalties: dict[str, Fraction] | None = None
             ) -> list[tuple[str, Any]]:
    """The conflict's candidates, cheapest first (each on its own)."""
    penalties = penalties or DEFAULT_PENALTIES
    ranked: list[tuple[tuple[Any, ...], tuple[str, Any]]] = []
    for ch in c.local:
        ranked.append(((penalties[ch.kind] * ch.size, KINDS.index(ch.kind), ch.tiebreak,
                        str(ch.key)), ("local", ch)))
    for key, places in c.exchange.items():
        ranked.append(((penalties["exchange"] * places, KINDS.index("exchange"), Fraction(0),
                        str(key)), ("exchange", key)))
    for h, (_, extra) in c.import_need.items():
        ranked.append(((penalties["import_share"] * extra, KINDS.index("import_share"),
                        Fraction(0), h), ("import_share", h)))
    return [option for _, option in sorted(ranked, key=lambda item: item[0])]


def combine(conflicts: Sequence[ConflictCandidates], instance: Instance,
            penalties: dict[str, Fraction]) -> list[list[Change]]:
    """Every choice of one candidate per conflict, as change lists, cheapest first."""
    option_lists = [_options(c, penalties) for c in conflicts]
    if not option_lists or any(not opts for opts in option_lists):
        return []
    total = math.prod(len(o) for o in option_lists)
    while total > MAX_COMBINATIONS:  # keep each conflict's cheapest options
        longest = max(range(len(option_lists)), key=lambda i: len(option_lists[i]))
        option_lists[longest] = option_lists[longest][: max(1, len(option_lists[longest]) // 2)]
        total = math.prod(len(o) for o in option_lists)
    ranked: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[Change]]] = {}
    for choice in itertools.product(*option_lists):
        changes = _changes(choice, conflicts, instance)
        if changes is None:
            continue
        penalty = sum((penalties[ch.kind] * ch.size for ch in changes), Fraction(0))
        ident = tuple(sorted(effect for ch in changes for effect in effects(ch)))
        order = (penalty, tuple(sorted(KINDS.index(ch.kind) for ch in changes)),
                 sum((ch.tiebreak for ch in changes), Fraction(0)), ident)
        if ident not in ranked or order < ranked[ident][0]:
            ranked[ident] = (order, changes)
    return [changes for _, changes in sorted(ranked.values(), key=lambda item: item[0])]


def effects(ch: Change) -> list[tuple[str, ...]]:
    """What a change does to the instance: two changes with the same effects are one repair."""
    info = ch.info
    if ch.kind == "cap":
        return [("bounds", info["municipality"], info["group"], str(info["to"]))]
    if ch.kind == "pool":
        return [("bounds", dict(p)["municipality"], info["group"], str(dict(p)["to"]))
                for p in info["caps"]]
    if ch.kind == "site":
        return [("location", info["location"])]
    if ch.kind == "exchange":
        return [("exchange", *ch.key)]
    return [("import_share", ch.key[0], str(info["to"]))]


def _changes(choice: Sequence[tuple[str, Any]], conflicts: Sequence[ConflictCandidates],
             instance: Instance) -> list[Change] | None:
    local: dict[tuple[str, tuple[str, ...]], Change] = {}
    exchange: dict[tuple[str, str], Fraction] = {}
    shares: dict[str, tuple[Fraction, Fraction]] = {}
    for (kind, value), c in zip(choice, conflicts):
        if kind == "local":
            prev = local.get((value.kind, value.key))
            if prev is not None and prev != value:
                return None  # one rule changed two ways: not a single repair
            local[value.kind, value.key] = value
        elif kind == "exchange":
            exchange[value] = exchange.get(value, Fraction(0)) + c.exchange[value]
        else:
            need, extra = c.import_need[value]
            share, total = shares.get(value, (Fraction(0), Fraction(0)))
            shares[value] = (max(share, need), total + extra)
    changes = list(local.values())
    for (g, h), places in sorted(exchange.items()):
        rate = instance.group(g).weight / instance.group(h).weight
        changes.append(Change("exchange", (g, h), places,
                              (("from_group", g), ("to_group", h), ("rate", decimal_text(rate)),
                               ("places", str(places)))))
    for h, (need, extra) in sorted(shares.items()):
        before = instance.group(h).max_import_share
        after = share_up(need)
        changes.append(Change("import_share", (h,), extra,
                              (("group", h), ("from", decimal_text(before) or str(before)),
                               ("to", decimal_text(after)), ("needed", str(need)),
                               ("places", str(extra)))))
    return sorted(changes, key=lambda ch: (KINDS.index(ch.kind), ch.key))


# ---------------------------------------------------------------------------- scenario overlay
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE.match(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if any(ch in text for ch in ".en") else text + ".0"
    if isinstance(value, Fraction):
        exact = decimal_text(value)
        if exact is None:
            raise ValueError(f"{value} has no exact decimal text")
        return exact
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def toml_text(data: dict[str, Any], header: Sequence[str] = ()) -> str:
    """A small TOML writer for scenario files: scalars, tables, arrays of tables."""
    lines = [f"# {h}" for h in header]
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict) and not _is_table_array(v)}
    for k, v in scalars.items():
        lines.append(f"{_toml_key(k)} = {_toml_value(v)}")

    def table(prefix: str, body: dict[str, Any]) -> None:
        plain = {k: v for k, v in body.items() if not isinstance(v, dict) and not _is_table_array(v)}
        if plain or not body:
            lines.extend(["", f"[{prefix}]"])
            lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in plain.items())
        for k, v in body.items():
            if isinstance(v, dict):
                table(f"{prefix}.{_toml_key(k)}", v)

    for k, v in data.items():
        if isinstance(v, dict):
            table(_toml_key(k), v)
    for k, v in data.items():
        if _is_table_array(v):
            for entry in v:
                lines.extend(["", f"[[{_toml_key(k)}]]"])
                lines.extend(f"{_toml_key(a)} = {_toml_value(b)}" for a, b in entry.items()
                             if b is not None)
    return "\n".join(lines) + "\n"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def scenario_data(instance: Instance, changes: Sequence[Change], name: str) -> dict[str, Any]:
    """The scenario applied to ``instance`` (if any) with ``changes`` on top, as TOML data."""
    data: dict[str, Any] = {}
    if instance.scenario is not None and instance.scenario.file:
        try:
            data = tomllib.loads(Path(instance.scenario.file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise LirtError(f"{instance.scenario.file}: cannot read the scenario again ({exc})"
                            ) from exc
    base = data.get("name", instance.scenario.name if instance.scenario else instance.name)
    data["name"] = name
    data["description"] = f"Repair of {base} found by lirt-opt diagnose: " + "; ".join(
        overlay_words(ch) for ch in changes)

    def set_cap(m: str, g: str, new_max: int) -> None:
        bounds = data.setdefault("bounds", [])
        for entry in bounds:
            if entry.get("municipality") == m and entry.get("group") == g:
                entry["max"] = new_max
                return
        old = instance.bounds.get((m, g))
        entry = {"municipality": m, "group": g}
        if old is not None and old.min is not None:
            entry["min"] = old.min
        entry["max"] = new_max
        bounds.append(entry)

    for ch in changes:
        info = ch.info
        if ch.kind == "cap":
            set_cap(info["municipality"], info["group"], info["to"])
        elif ch.kind == "pool":
            for part in info["caps"]:
                p = dict(part)
                set_cap(p["municipality"], info["group"], p["to"])
        elif ch.kind == "site":
            locations = data.setdefault("locations", [])
            loc = next(x for x in instance.locations or () if x.id == info["location"])
            entry = next((e for e in locations if e.get("id") == loc.id), None)
            if entry is None:
                entry = location_row(loc)
                locations.append(entry)
            entry["available_from"] = date.fromisoformat(info["to"])
        elif ch.kind == "exchange":
            g, h = ch.key
            kept = [e for e in data.get("exchange", []) if (e.get("from"), e.get("to")) != (g, h)]
            kept.append({"from": g, "to": h, "rate": Fraction(info["rate"])})
            data["exchange"] = kept
            removed = [e for e in data.get("remove_exchange", [])
                       if (e.get("from"), e.get("to")) != (g, h)]
            if removed:
                data["remove_exchange"] = removed
            else:
                data.pop("remove_exchange", None)
        elif ch.kind == "import_share":
            groups = data.setdefault("groups", {})
            groups.setdefault(ch.key[0], {})["max_import_share"] = Fraction(info["to"])
    return data


def location_row(loc: Any) -> dict[str, Any]:
    """A location as a scenario's [[locations]] entry (the columns of locations.csv)."""
    row: dict[str, Any] = {}
    for f in fields(loc):
        value = getattr(loc, f.name)
        if value is None:
            continue
        if f.name == "groups":
            row["group"] = "|".join(value)
        else:
            row[f.name] = value
    return row


def overlay_words(ch: Change) -> str:
    """The change as the scenario overlay records it (English, like summary.json overrides)."""
    info = ch.info
    if ch.kind == "cap":
        return f"bounds {info['municipality']}/{info['group']}: max {info['from']} -> {info['to']}"
    if ch.kind == "pool":
        return (f"{info['places']} more {info['group']} places in pool {info['pool']}: "
                + ", ".join(f"{dict(p)['municipality']} max {dict(p)['from']} -> {dict(p)['to']}"
                            for p in info["caps"]))
    if ch.kind == "site":
        return f"location {info['location']}: available from {info['from']} -> {info['to']}"
    if ch.kind == "exchange":
        return f"exchange {info['from_group']} -> {info['to_group']}: added with rate {info['rate']}"
    return f"groups.{info['group']}.max_import_share: {info['from']} -> {info['to']}"


# ---------------------------------------------------------------------------- checking
def verify_repair(instance: Instance, text: str, oracle: Oracle
                  ) -> tuple[bool, str, Fraction | None]:
    """Apply the scenario text to the instance's files, re-solve, and check with verify.check.

    The repaired instance is read back through the ordinary reader, scenario overlay and
    validator; the shortfall screens it; then the whole pipeline solves it (the balanced
    proposal, verified by the pipeline) and ``verify.check`` runs on that proposal once
    more. Returns (passed, why not, the proposal's heaviest load).
    """
    with tempfile.TemporaryDirectory(prefix="lirt-repair-") as tmp:
        path = Path(tmp) / "repair.toml"
        path.write_text(text, encoding="utf-8")
        # what-if options (--cap ...) are assumptions: applied again after the repair
        options = () if instance.scenario is None else tuple(
            parse_label(o) for o in instance.scenario.options)
        try:
            repaired = load(instance.path, path, options)
        except InvalidInstance as exc:
            return False, "invalid scenario: " + "; ".join(
                str(p) for p in exc.problems if p.severity == "error"), None
    assert oracle.screen is not None
    quick = oracle.screen(repaired)
    oracle.runs += len(repaired.pools())
    if not quick.proven:
        raise Unknown(quick.message)
    if not quick.closing:
        return False, f"still short by {quick.total} task units", None
    result = oracle.resolved(repaired)
    if not result.has_proposal:
        if result.termination == "time_limit":
            raise Unknown("the time limit was reached")
        return False, f"{result.status}: {result.message}", None
    if not result.checked:
        return False, "; ".join(result.failures) or "not closing", None
    return True, "", result.max_load


def search(instance: Instance, conflicts: Sequence[ConflictCandidates], wanted: int,
           oracle: Oracle, penalties: dict[str, Fraction]) -> RepairSearch:
    """Up to ``wanted`` verified repairs, cheapest first."""
    out = RepairSearch(unrepairable=[c.index for c in conflicts if not _options(c)])
    if wanted <= 0 or out.unrepairable:
        return out
    base = instance.scenario.name if instance.scenario else "repair"
    for changes in combine(conflicts, instance, penalties):
        if len(out.repairs) >= wanted or out.tried >= 5 * wanted + 10:
            break
        out.tried += 1
        n = len(out.repairs) + 1
        data = scenario_data(instance, changes, f"{base}+repair-{n}" if instance.scenario
                             else f"repair-{n}")
        header = [f"Repair {n} found by lirt-opt diagnose for {instance.name}"
                  + (f" with scenario {instance.scenario.name}" if instance.scenario else "")
                  + ".", "Apply it with: lirt-opt solve INSTANCE --scenario THIS_FILE"]
        text = toml_text(data, header)
        if oracle.clock.expired():
            out.stopped = "the time limit was reached"
            break
        try:
            ok, why, max_load = verify_repair(instance, text, oracle)
        except Unknown as exc:
            out.stopped = str(exc)
            break
        if not ok:
            out.rejected.append("; ".join(overlay_words(ch) for ch in changes) + f": {why}")
            continue
        penalty = sum((penalties[ch.kind] * ch.size for ch in changes), Fraction(0))
        out.repairs.append(Repair(changes, penalty, text, True, max_load,
                                  file=f"repairs/repair-{n}.toml"))
    return out
