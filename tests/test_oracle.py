"""Exactness: solve agrees with a brute-force oracle on many tiny instances.

The oracle (tests/oracle.py) enumerates every whole-number proposal. It is first
checked on anchors computed by hand, then compared with `solve` on seeded random
tiny instances: the sorted loads must be equal exactly, and so must the
tie-break values (mix penalty, exchanged places) and, when there is no closing
proposal, the smallest shortfall.
"""

from __future__ import annotations

import random
from fractions import Fraction as Q

import pytest

import lirt_opt
from lirt_opt.solver.balance import MIX_BREAKPOINTS
from lirt_opt.solver.balance import phi as engine_phi

from conftest import distinct_draws, write_tiny
from oracle import BREAKPOINTS, Tiny, mix_penalty
from oracle import phi as oracle_phi
from oracle import solve as oracle_solve

N_RANDOM = 240  # HiGHS on all of them
CBC_EVERY = 3  # CBC on every third
SCIP_EVERY = 6  # SCIP on every sixth


# ---------------------------------------------------------------------------- the oracle, by hand
def test_anchor_worked_example():
    """SPEC §3: P1 15 (existing), P2 and P3 share 35 -> (8, 27), loads [1.5, 0.9, 0.8]."""
    tiny = Tiny(["P1", "P2", "P3"], ["a"], {"a": Q(1)}, {"a": Q(1)},
                {("P1", "a"): 10, ("P2", "a"): 10, ("P3", "a"): 30}, {("P1", "a"): (15, None)})
    ans = oracle_solve(tiny)
    assert ans.sorted_loads == (Q(3, 2), Q(9, 10), Q(4, 5))


def test_anchor_saturation_trap():
    """Three of F = 2 share 7 places: one must carry 3 (load 1.5), the others 2."""
    tiny = Tiny(["A", "B", "C", "D"], ["a"], {"a": Q(1)}, {"a": Q(1)},
                {("A", "a"): 2, ("B", "a"): 2, ("C", "a"): 2, ("D", "a"): 1},
                {("D", "a"): (None, 0)})
    assert oracle_solve(tiny).sorted_loads == (Q(3, 2), Q(1), Q(1), Q(0))


def test_anchor_exchange_and_shortfall():
    """A capped at 6 regular places covers with AMV places (exchange 4); without the
    exchange the pool is 4 regular places short."""
    targets = {("A", "r"): 10, ("A", "v"): 2, ("B", "r"): 10, ("B", "v"): 2}
    base = dict(munis=["A", "B"], groups=["r", "v"], weight={"r": Q(1), "v": Q(1)},
                share={"r": Q(1), "v": Q(1)}, targets=targets, bounds={("A", "r"): (None, 6)})
    ans = oracle_solve(Tiny(**base, exchange=("v", "r", Q(1))))
    assert ans.feasible and ans.sorted_loads == (Q(1), Q(1)) and ans.exchanged == 4
    capped = dict(base, bounds={("A", "r"): (None, 6), ("B", "r"): (None, 10),
                                ("A", "v"): (None, 2), ("B", "v"): (None, 2)})
    ans = oracle_solve(Tiny(**capped))
    assert not ans.feasible and ans.shortfall == 4


def test_anchor_mix_penalty_spreads():
    """The mix penalty prefers spreading extra places of a group over piling them up."""
    tiny = Tiny(["A", "B"], ["r", "v"], {"r": Q(1), "v": Q(1)}, {"r": Q(1), "v": Q(1)},
                {("A", "r"): 9, ("A", "v"): 1, ("B", "r"): 9, ("B", "v"): 1})
    spread = {("A", "r"): 8, ("A", "v"): 2, ("B", "r"): 8, ("B", "v"): 2}
    piled = {("A", "r"): 7, ("A", "v"): 3, ("B", "r"): 9, ("B", "v"): 1}
    assert mix_penalty(tiny, spread) < mix_penalty(tiny, piled)


def test_breakpoints_match_the_documented_ones():
    assert [float(b) for b in BREAKPOINTS] == pytest.approx(list(MIX_BREAKPOINTS), abs=1e-12)


def test_engine_phi_is_the_max_over_all_chords():
    """The engine finds phi's chord by bisection; the oracle takes the max over all chords
    (exact fractions: every breakpoint, points between them, 0, and beyond the last)."""
    rnd = random.Random(7)
    deltas = [Q(0), Q(-1, 3), Q(7, 2), Q(10)] + list(BREAKPOINTS) + [
        Q(rnd.randint(0, 3500), rnd.randint(1, 1000)) for _ in range(3000)]
    assert all(engine_phi(d) == oracle_phi(d) for d in deltas)


# ---------------------------------------------------------------------------- random tiny instances
def random_tiny(rnd: random.Random) -> Tiny:
    while True:
        n_groups = rnd.choice([1, 2, 2])
        groups = ["g1", "g2"][:n_groups]
        munis = ["M1", "M2", "M3"][: rnd.choice([2, 3])]
        top = 3 if n_groups == 1 or len(munis) == 2 else 2
        targets = {(m, g): rnd.randint(0, top) for m in munis for g in groups}
        weight = {g: rnd.choice([Q(1), Q(1), Q(2), Q(1, 2)]) for g in groups}
        share = {g: rnd.choice([Q(1), Q(1), Q(1, 2), Q(0)]) for g in groups}
        bounds = {}
        for m in munis:
            for g in groups:
                if rnd.random() < 0.45:
                    lo = rnd.choice([None, None, rnd.randint(0, 4)])
                    hi = rnd.choice([None, rnd.randint(lo or 0, (lo or 0) + 2)])
                    if lo is not None or hi is not None:
                        bounds[m, g] = (lo, hi)
        exchange = None
        if n_groups == 2 and rnd.random() < 0.6:
            src, dst = rnd.sample(groups, 2)
            exchange = (src, dst, rnd.choice([Q(1), Q(1), Q(2), Q(1, 2)]))
        tiny = Tiny(munis, groups, weight, share, targets, bounds, exchange)
        if sum(targets.values()) > 0 and tiny.size() <= 12000:
            return tiny


def random_tinies(n: int, seed: int = 20241101) -> list[Tiny]:
    """n distinct tiny instances from one seeded generator."""
    return distinct_draws(random_tiny, n, seed)


TINIES = random_tinies(N_RANDOM)


def _compare(tiny: Tiny, solver: str, tmp_path) -> None:
    ans = oracle_solve(tiny)
    inst = lirt_opt.load_instance(write_tiny(tmp_path / "tiny", tiny))
    result = lirt_opt.solve(inst, solver=solver)
    if not ans.feasible:
        assert result.status == "infeasible", (tiny, result.status)
        assert result.diagnosis is not None and result.diagnosis.total == ans.shortfall
        return
    assert result.status == "optimal", (tiny, result.status, result.message)
    places = result.proposal.places
    got = tuple(sorted(result.loads.values(), reverse=True))
    assert got == ans.sorted_loads, tiny
    assert float(mix_penalty(tiny, places)) == pytest.approx(float(ans.mix_penalty), abs=1e-6)
    exchanged = sum(int(f.places) for f in result.proposal.exchanges)
    assert exchanged == ans.exchanged, tiny
    assert lirt_opt.check(inst, result).ok


@pytest.mark.parametrize("index", range(N_RANDOM))
def test_oracle_agrees_highs(index, tmp_path):
    _compare(TINIES[index], "highs", tmp_path)


@pytest.mark.parametrize("index", range(0, N_RANDOM, CBC_EVERY))
def test_oracle_agrees_cbc(index, tmp_path):
    _compare(TINIES[index], "cbc", tmp_path)


@pytest.mark.parametrize("index", range(1, N_RANDOM, SCIP_EVERY))
def test_oracle_agrees_scip(index, tmp_path):
    _compare(TINIES[index], "scip", tmp_path)


def test_random_sample_is_varied():
    """The random sample holds infeasible instances, exchanges, and many instances whose
    balanced loads are unequal (whole places force rounding)."""
    tinies = TINIES
    answers = [oracle_solve(t) for t in tinies]
    assert sum(not a.feasible for a in answers) >= 10
    assert sum(t.exchange is not None for t in tinies) >= 60
    assert sum(a.feasible and len(set(a.sorted_loads)) > 1 for a in answers) >= 60
    assert len({repr(t) for t in tinies}) == N_RANDOM
