"""An independent formulation for the differential test (tests/test_differential.py).

Written from SPEC §3 alone; it imports nothing from lirt_opt and calls HiGHS
through highspy directly (the engine goes through PuLP). Where the engine finds
the leximin by levels (models/distribution.md §4), this oracle minimises, in turn,
S_1, S_2, ..., S_n: S_k = the sum of the k largest loads (Ogryczak's
``k t + sum_m max(0, L_m - t)``). Sorted vectors compare lexicographically exactly
as their running sums do, so the two methods must agree.

Exactness, its own way: every exchange is one-hot over its possible values
j = 0..J (J = floor(share * T / rate), the import row alone), and the cover row
takes floor(rate * j), a whole number computed in ``Fraction`` here: with at most
one exchange into each group (the generator keeps to that) the cover row
X - out + rate * e >= T of whole X, out and T holds exactly when
X - out + floor(rate * e) >= T. So every row the solver sees has whole
coefficients of modest size. The value of each stage is fixed at the exact value
of the rounded solution (plus 1e-9), and every answer is re-checked in fractions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction as Q

import highspy
import numpy as np

INF = highspy.kHighsInf


@dataclass
class Site:
    id: str
    municipality: str
    group: str
    capacity: int
    status: str  # existing | planned | candidate


@dataclass
class Case:
    pool: str  # municipality | region | province
    munis: list[tuple[str, str]]  # (code, region)
    groups: list[str]
    weight: dict[str, Q]
    share: dict[str, Q]
    exchanges: list[tuple[str, str, Q]]  # (from, to, rate); at most one into each group
    targets: dict[tuple[str, str], int]
    bounds: dict[tuple[str, str], tuple[int | None, int | None]] = field(default_factory=dict)
    sites: list[Site] | None = None  # None: no locations.csv

    def t(self, m: str, g: str) -> int:
        return self.targets.get((m, g), 0)

    def fair(self, m: str) -> Q:
        return sum((self.weight[g] * self.t(m, g) for g in self.groups), Q(0))

    def pools(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, region in self.munis:
            key = {"municipality": code, "region": region, "province": "all"}[self.pool]
            out.setdefault(key, []).append(code)
        return out


@dataclass
class Answer:
    feasible: bool
    sorted_loads: tuple[Q, ...] = ()
    shortfall: Q = Q(0)


class _Model:
    """A thin layer over highspy: columns, rows, and a solve that must be optimal."""

    def __init__(self) -> None:
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        # no "threads" option: HiGHS refuses a run ("Not Set") when it differs from the thread
        # count its global scheduler was started with (by an earlier solve in the same process)
        self.h.setOptionValue("random_seed", 0)
        self.h.setOptionValue("mip_rel_gap", 0.0)
        self.h.setOptionValue("mip_abs_gap", 0.0)
        self.n = 0

    def var(self, lo: float, hi: float, integer: bool = True) -> int:
        self.h.addVar(lo, hi)
        if integer:
            self.h.changeColIntegrality(self.n, highspy.HighsVarType.kInteger)
        self.n += 1
        return self.n - 1

    def row(self, terms: dict[int, float], lo: float, hi: float) -> None:
        idx = np.array(list(terms), dtype=np.int32)
        val = np.array([float(v) for v in terms.values()], dtype=np.float64)
        self.h.addRow(lo, hi, len(idx), idx, val)

    def minimise(self, cost: dict[int, float]) -> list[float] | None:
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32),
                              np.array([float(cost.get(j, 0.0)) for j in range(self.n)]))
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        assert status == highspy.HighsModelStatus.kOptimal, self.h.modelStatusToString(status)
        return list(self.h.getSolution().col_value)


def _build(case: Case, slack: bool) -> tuple[_Model, dict, dict, dict]:
    """Places x, sites, one-hot exchanges, covers (with a slack s[P,g] when ``slack``)."""
    md = _Model()
    x: dict[tuple[str, str], int] = {}
    for code, _ in case.munis:
        mine = [s for s in case.sites or [] if s.municipality == code]
        for g in case.groups:
            lo, hi = case.bounds.get((code, g), (None, None))
            lo = lo or 0
            existing = sum(s.capacity for s in mine if s.group == g and s.status == "existing")
            if case.sites is not None:
                cap = sum(s.capacity for s in mine if s.group == g)
                hi = cap if hi is None else min(hi, cap)
                lo = max(lo, existing)
            if case.fair(code) == 0:  # SPEC §3: no places above the lower bounds
                hi = lo if hi is None else min(hi, lo)
            if hi is not None and hi < lo:
                if not slack:
                    return md, {}, {}, {"conflict": True}
                # SPEC §6 computes the shortfall with contradicting bounds set aside: a cap gives
                # way to the minimum, but no minimum can make sites larger than they are
                if case.sites is not None and cap < lo:
                    lo = hi
                else:
                    hi = lo
            x[code, g] = md.var(lo, INF if hi is None else hi)
    if case.sites is not None:
        for s in case.sites:
            p = md.var(0, s.capacity)
            if s.status == "existing":
                md.row({p: 1}, s.capacity, s.capacity)
            else:
                o = md.var(0, 1)
                md.row({p: 1, o: -s.capacity}, -INF, 0)
                md.row({p: 1, o: -1}, 0, INF)
            x.setdefault(("site", s.municipality, s.group), [])  # type: ignore[arg-type]
            x[("site", s.municipality, s.group)].append(p)  # type: ignore[union-attr]
        for code, _ in case.munis:
            for g in case.groups:
                ps = x.pop(("site", code, g), [])  # type: ignore[arg-type]
                md.row({x[code, g]: 1, **{p: -1 for p in ps}}, 0, 0)
    hots: dict[tuple[str, str, str], list[int]] = {}
    shortfall: dict[tuple[str, str], int] = {}
    for pid, members in sorted(case.pools().items()):
        task = {g: sum(case.t(m, g) for m in members) for g in case.groups}
        out: dict[str, dict[int, float]] = {g: {} for g in case.groups}
        credit: dict[str, dict[int, float]] = {g: {} for g in case.groups}
        for a, b, rate in case.exchanges:
            top = math.floor(case.share[b] * task[b] / rate)
            hot = [md.var(0, 1) for _ in range(top + 1)]
            hots[pid, a, b] = hot
            md.row({u: 1 for u in hot}, 1, 1)
            for j, u in enumerate(hot):
                if j:
                    out[a][u] = out[a].get(u, 0) + j
                    # feasibility: floor(rate j) is exact for whole rows; the shortfall model
                    # needs the credit itself (its value is recomputed exactly afterwards)
                    credit[b][u] = credit[b].get(u, 0) + (float(rate * j) if slack
                                                          else math.floor(rate * j))
        for g in case.groups:
            own = {x[m, g]: 1.0 for m in members}
            row = dict(own)
            for u, j in out[g].items():
                row[u] = row.get(u, 0) - j
            for u, c in credit[g].items():
                row[u] = row.get(u, 0) + c
            if slack:
                shortfall[pid, g] = md.var(0, INF, integer=False)
                row[shortfall[pid, g]] = 1
            md.row(row, task[g], INF)
            if out[g]:
                md.row({**own, **{u: -j for u, j in out[g].items()}}, 0, INF)
    return md, x, shortfall, {"hots": hots}


def _loads(case: Case, values: list[float], x: dict) -> dict[str, Q]:
    out = {}
    for code, _ in case.munis:
        F = case.fair(code)
        if F > 0:
            out[code] = sum((case.weight[g] * round(values[x[code, g]]) for g in case.groups),
                            Q(0)) / F
    return out


def solve(case: Case) -> Answer:
    md, x, _, info = _build(case, slack=False)
    if info.get("conflict"):
        return Answer(False, shortfall=min_shortfall(case))
    loaded = [code for code, _ in case.munis if case.fair(code) > 0]
    values = md.minimise({})
    if values is None:
        return Answer(False, shortfall=min_shortfall(case))
    if not loaded:
        return Answer(True, ())
    load_expr = {m: {x[m, g]: float(case.weight[g] / case.fair(m)) for g in case.groups}
                 for m in loaded}
    for k in range(1, len(loaded) + 1):
        t = md.var(-INF, INF, integer=False)
        d = {m: md.var(0, INF, integer=False) for m in loaded}
        for m in loaded:  # d_m >= L_m - t
            md.row({d[m]: 1, t: 1, **{j: -c for j, c in load_expr[m].items()}}, 0, INF)
        values = md.minimise({t: k, **{d[m]: 1 for m in loaded}})
        assert values is not None
        loads = sorted(_loads(case, values, x).values(), reverse=True)
        best = sum(loads[:k], Q(0))  # the exact S_k of the whole-number solution
        md.row({t: k, **{d[m]: 1 for m in loaded}}, -INF, float(best) + 1e-9)
    return Answer(True, tuple(sorted(_loads(case, values, x).values(), reverse=True)))


def min_shortfall(case: Case) -> Q:
    """min sum_g weight[g] s[P,g] with every cover relaxed (SPEC §6), exact from the solution."""
    md, x, s, info = _build(case, slack=True)
    values = md.minimise({v: float(case.weight[g]) for (_, g), v in s.items()})
    assert values is not None
    chosen = {key: max(range(len(hot)), key=lambda j: values[hot[j]])
              for key, hot in info["hots"].items()}
    total = Q(0)
    for (pid, g) in s:  # recomputed exactly: what the whole numbers leave uncovered
        members = case.pools()[pid]
        cover = Q(sum(round(values[x[m, g]]) for m in members))
        for a, b, rate in case.exchanges:
            j = chosen[pid, a, b]
            cover += (-j if a == g else 0) + (rate * j if b == g else 0)
        total += case.weight[g] * max(Q(0), sum(case.t(m, g) for m in members) - cover)
    return total
