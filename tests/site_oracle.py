"""A brute-force oracle for tiny instances with sites: every subset of sites is enumerated.

Written from the site rules of issue 3 (models/distribution.md §sites) only; it imports
nothing from lirt_opt. One pool, no exchanges. Per municipality, every choice of which
optional sites open and how many places each opened site hosts of each group it serves
is enumerated; per resulting vector of places, the choice with the fewest new sites
and then the lowest cost is kept (both are sums over municipalities, so that is exact).
The municipalities' choices are then combined, and the best is chosen in the order
of objectives asked for.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from fractions import Fraction as Q

DEADLINE = date(2025, 7, 1)


@dataclass(frozen=True)
class Site:
    id: str
    municipality: str
    groups: tuple[str, ...]
    capacity: int
    status: str  # existing | planned | candidate
    min_size: int | None = None
    available_from: date | None = None
    cost: int = 0


@dataclass
class TinySites:
    munis: list[str]
    groups: list[str]
    targets: dict[tuple[str, str], int]
    sites: list[Site]
    min_places: int = 0
    order: tuple[str, ...] = ("balance", "sites", "cost")

    def t(self, m: str, g: str) -> int:
        return self.targets.get((m, g), 0)

    def fair(self, m: str) -> int:
        return sum(self.t(m, g) for g in self.groups)

    def counts(self, s: Site) -> bool:
        if s.available_from is not None and s.available_from > DEADLINE:
            return False
        return s.capacity >= self.min_places


def _site_options(tiny: TinySites, s: Site, allowed_open: bool) -> list[tuple[dict[str, int], int]]:
    """(places per group, 1 if newly opened) for one counting site."""
    if s.status == "existing":
        totals = [s.capacity]
    else:
        low = max(s.min_size or 1, tiny.min_places)
        totals = [0] + (list(range(low, s.capacity + 1)) if allowed_open else [])
    out = []
    for z in totals:
        if len(s.groups) == 1:
            splits = [{s.groups[0]: z}]
        else:
            splits = [{s.groups[0]: a, s.groups[1]: z - a} for a in range(z + 1)]
        for split in splits:
            out.append((split, 1 if s.status != "existing" and z > 0 else 0))
    return out


def municipality_choices(tiny: TinySites, m: str
                         ) -> dict[tuple[int, ...], tuple[int, Q, frozenset[frozenset[str]]]]:
    """Places vector of m -> (new sites, cost, every set of opened sites achieving both), the
    best pair in the order of the objectives (both are sums over municipalities)."""
    mine = [s for s in tiny.sites if s.municipality == m and tiny.counts(s)]
    allowed = tiny.fair(m) > 0  # a municipality with fair share 0 opens no new site
    best: dict[tuple[int, ...], tuple[int, Q, frozenset[frozenset[str]]]] = {}
    for combo in itertools.product(*(_site_options(tiny, s, allowed) for s in mine)):
        x = {g: 0 for g in tiny.groups}
        new, cost, opened = 0, Q(0), set()
        for s, (split, is_new) in zip(mine, combo):
            for g, n in split.items():
                x[g] += n
            new += is_new
            total = sum(split.values())
            cost += s.cost * total
            if total > 0 or s.status == "existing":
                opened.add(s.id)
        key = tuple(x[g] for g in tiny.groups)
        rank = _rank(tiny, new, cost)
        if key not in best or rank < _rank(tiny, *best[key][:2]):
            best[key] = (new, cost, frozenset({frozenset(opened)}))
        elif rank == _rank(tiny, *best[key][:2]):
            best[key] = (new, cost, best[key][2] | {frozenset(opened)})
    return best


def _rank(tiny: TinySites, new: int, cost: Q) -> tuple[Q, ...]:
    """(new sites, cost) in the order the objectives ask for them."""
    parts = {"sites": Q(new), "cost": cost}
    return tuple(parts[o] for o in tiny.order if o in parts)


@dataclass
class SiteAnswer:
    feasible: bool
    sorted_loads: tuple[Q, ...] = ()
    new_sites: int = 0
    cost: Q = Q(0)
    site_sets: tuple[frozenset, ...] = ()  # every optimal set of opened sites


def solve(tiny: TinySites) -> SiteAnswer:
    choices = {m: municipality_choices(tiny, m) for m in tiny.munis}
    best_key = None
    best_sets: list[frozenset] = []
    for picks in itertools.product(*(list(choices[m].items()) for m in tiny.munis)):
        X = {g: sum(x[i] for x, _ in picks) for i, g in enumerate(tiny.groups)}
        if any(X[g] < sum(tiny.t(m, g) for m in tiny.munis) for g in tiny.groups):
            continue
        loads = tuple(sorted((Q(sum(x), tiny.fair(m)) for m, (x, _) in zip(tiny.munis, picks)
                              if tiny.fair(m) > 0), reverse=True))
        new = sum(c[0] for _, c in picks)
        cost = sum((c[1] for _, c in picks), Q(0))
        parts = {"balance": loads, "sites": new, "cost": cost}
        key = tuple(parts[o] for o in tiny.order)
        sets = {frozenset().union(*combo) for combo in itertools.product(*(c[2] for _, c in picks))}
        if best_key is None or key < best_key:
            best_key, best_sets = key, sorted(sets, key=sorted)
        elif key == best_key:
            best_sets += [o for o in sorted(sets, key=sorted) if o not in best_sets]
    if best_key is None:
        return SiteAnswer(False)
    values = dict(zip(tiny.order, best_key))
    return SiteAnswer(True, values["balance"], values["sites"], values["cost"], tuple(best_sets))
