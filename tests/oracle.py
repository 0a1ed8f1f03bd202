"""A brute-force oracle for tiny instances: every whole-number proposal is enumerated.

Written from SPEC §3 and models/distribution.md only; it imports nothing from
lirt_opt. One pool, one or two groups, at most one exchange. For each proposal x
the exchange e (whole places) is checked over its whole feasible range.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction as Q

# The mix penalty's breakpoints as models/distribution.md states them:
# 0 to 0.1 by 0.005, 0.1 to 0.3 by 0.025, 0.3 to 1 by 0.1, 1 to 3 by 0.5.
BREAKPOINTS = ([Q(i, 200) for i in range(20)] + [Q(1, 10) + Q(i, 40) for i in range(8)]
               + [Q(3, 10) + Q(i, 10) for i in range(7)] + [1 + Q(i, 2) for i in range(5)])


@dataclass
class Tiny:
    munis: list[str]
    groups: list[str]
    weight: dict[str, Q]
    share: dict[str, Q]  # max_import_share
    targets: dict[tuple[str, str], int]
    bounds: dict[tuple[str, str], tuple[int | None, int | None]] = field(default_factory=dict)
    exchange: tuple[str, str, Q] | None = None  # (from, to, rate)

    def t(self, m: str, g: str) -> int:
        return self.targets.get((m, g), 0)

    def fair(self, m: str) -> Q:
        return sum((self.weight[g] * self.t(m, g) for g in self.groups), Q(0))

    def task(self, g: str) -> int:
        return sum(self.t(m, g) for m in self.munis)

    def ranges(self) -> dict[tuple[str, str], range]:
        out = {}
        for m in self.munis:
            for g in self.groups:
                lo, hi = self.bounds.get((m, g), (None, None))
                lo = lo or 0
                need = self.task(g)
                if self.exchange and self.exchange[0] == g:
                    need += math.ceil(self.task(self.exchange[1]) / self.exchange[2])
                top = hi if hi is not None else max(lo, need)
                if self.fair(m) == 0:
                    top = lo
                out[m, g] = range(lo, top + 1)
        return out

    def size(self) -> int:
        return math.prod(len(r) for r in self.ranges().values())


def exchange_range(tiny: Tiny, X: dict[str, int]) -> range | None:
    """Whole e feasible for the covers, own places and import share; None if no exchange."""
    if tiny.exchange is None:
        return None
    g, h, r = tiny.exchange
    lo = max(0, math.ceil((tiny.task(h) - X[h]) / r))
    hi = min(X[g] - tiny.task(g), X[g], math.floor(tiny.share[h] * tiny.task(h) / r))
    return range(lo, hi + 1)


def covers(tiny: Tiny, X: dict[str, int]) -> bool:
    if tiny.exchange is None:
        return all(X[g] >= tiny.task(g) for g in tiny.groups)
    rng = exchange_range(tiny, X)
    others = [g for g in tiny.groups if g not in tiny.exchange[:2]]
    return len(rng) > 0 and all(X[g] >= tiny.task(g) for g in others)


def phi(delta: Q) -> Q:
    return max([Q(0)] + [(a + b) * delta - a * b for a, b in itertools.pairwise(BREAKPOINTS)])


def mix_penalty(tiny: Tiny, x: dict[tuple[str, str], int]) -> Q:
    total = Q(0)
    for m in tiny.munis:
        F = tiny.fair(m)
        if F == 0:
            continue
        load = sum((tiny.weight[g] * x[m, g] for g in tiny.groups), Q(0)) / F
        delta = sum((tiny.weight[g] * abs(x[m, g] - load * tiny.t(m, g)) for g in tiny.groups),
                    Q(0)) / F
        total += F * phi(delta)
    return total


def sorted_loads(tiny: Tiny, x: dict[tuple[str, str], int]) -> tuple[Q, ...]:
    loads = []
    for m in tiny.munis:
        F = tiny.fair(m)
        if F > 0:
            loads.append(sum((tiny.weight[g] * x[m, g] for g in tiny.groups), Q(0)) / F)
    return tuple(sorted(loads, reverse=True))


@dataclass
class Answer:
    feasible: bool
    sorted_loads: tuple[Q, ...] = ()
    mix_penalty: Q | None = None
    exchanged: int | None = None  # fewest exchanged places among the best mixes
    shortfall: Q | None = None  # when infeasible: smallest weighted shortfall


def solve(tiny: Tiny) -> Answer:
    ranges = tiny.ranges()
    keys = list(ranges)
    best: tuple[Q, ...] | None = None
    best_xs: list[dict[tuple[str, str], int]] = []
    for values in itertools.product(*(ranges[k] for k in keys)):
        x = dict(zip(keys, values))
        X = {g: sum(x[m, g] for m in tiny.munis) for g in tiny.groups}
        if not covers(tiny, X):
            continue
        s = sorted_loads(tiny, x)
        if best is None or s < best:
            best, best_xs = s, [x]
        elif s == best:
            best_xs.append(x)
    if best is None:
        return Answer(False, shortfall=min_shortfall(tiny))
    penalties = [(mix_penalty(tiny, x), x) for x in best_xs]
    low = min(p for p, _ in penalties)
    exchanged = []
    for p, x in penalties:
        if p == low:
            X = {g: sum(x[m, g] for m in tiny.munis) for g in tiny.groups}
            rng = exchange_range(tiny, X)
            exchanged.append(0 if rng is None else rng.start)
    return Answer(True, best, low, min(exchanged))


def min_shortfall(tiny: Tiny) -> Q:
    ranges = tiny.ranges()
    keys = list(ranges)
    best: Q | None = None
    for values in itertools.product(*(ranges[k] for k in keys)):
        x = dict(zip(keys, values))
        X = {g: sum(x[m, g] for m in tiny.munis) for g in tiny.groups}
        options = [0]
        if tiny.exchange is not None:
            g, h, r = tiny.exchange
            options = list(range(0, min(X[g], math.floor(tiny.share[h] * tiny.task(h) / r)) + 1))
        for e in options:
            covered = {g: Q(X[g]) for g in tiny.groups}
            if tiny.exchange is not None:
                g, h, r = tiny.exchange
                covered[g] -= e
                covered[h] += r * e
            short = sum((tiny.weight[g] * max(Q(0), tiny.task(g) - covered[g])
                         for g in tiny.groups), Q(0))
            if best is None or short < best:
                best = short
    return best if best is not None else Q(0)
