"""Differential test: lirt-opt against an independent formulation (tests/diff_oracle.py).

Random instances of 5-12 municipalities, 2-4 groups, decimal weights, decimal rates
(long ones too: 0.33333333, 0.3333333333333333), import shares, bounds, municipalities
with fair share 0, simple sites (one group each; existing, planned, candidate) and all
three pool kinds. Each is solved by the engine and by the oracle; feasibility, the
sorted loads and the smallest shortfall must agree exactly. A fixed set of seeds runs
in CI (about a minute on 2 cores); ``pytest --slow`` runs two thousand more.
"""

from __future__ import annotations

import random
from fractions import Fraction as Q
from pathlib import Path

import pytest
from diff_oracle import Case, Site, solve

from lirt_opt import api

FAST, SLOW = 12, 2000
RATES = ["1", "0.5", "2", "0.75", "1.25", "0.33333333", "0.3333333333333333",
         "0.4166666666666667", "0.66666667", "1.3333333", "0.1", "0.9"]
WEIGHTS = ["1", "1", "0.5", "1.5", "2", "0.25", "1.2", "0.8", "3"]
SHARES = ["1", "1", "0.5", "0.25", "0.3333333333333333", "0.75", "0.2"]


def random_case(seed: int) -> Case:
    rnd = random.Random(seed)
    n, k = rnd.randint(5, 12), rnd.randint(2, 4)
    groups = [f"g{i}" for i in range(k)]
    regions = ["Noord", "Midden", "Zuid"][:rnd.randint(1, 3)]
    munis = [(f"M{i:02d}", rnd.choice(regions)) for i in range(n)]
    weight = {g: Q(rnd.choice(WEIGHTS)) for g in groups}
    share = {g: Q(rnd.choice(SHARES)) for g in groups}
    exchanges = []  # a forest: at most one exchange into each group, from a lower-numbered one
    for j in range(1, k):
        if rnd.random() < 0.6:
            exchanges.append((groups[rnd.randrange(j)], groups[j], Q(rnd.choice(RATES))))
    targets = {}
    zero = set(rnd.sample([c for c, _ in munis], rnd.randint(0, 2)))
    for code, _ in munis:
        for g in groups:
            if code not in zero and rnd.random() < 0.7:
                targets[code, g] = rnd.randint(0, 12)
    bounds: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    for code, _ in munis:
        for g in groups:
            r = rnd.random()
            if r < 0.12:
                bounds[code, g] = (None, rnd.randint(0, 8))
            elif r < 0.2:
                lo = rnd.randint(1, 6)
                bounds[code, g] = (lo, lo + rnd.choice([0, 3, 10]) if rnd.random() < 0.5 else None)
    sites = None
    if rnd.random() < 0.35:
        sites = []
        for code, _ in munis:
            for g in groups:
                for _ in range(rnd.choice([0, 1, 1, 2])):
                    status = rnd.choice(["existing", "planned", "candidate", "planned"])
                    cap = rnd.randint(1, 6) if status == "existing" else rnd.randint(2, 25)
                    sites.append(Site(f"s{len(sites):03d}", code, g, cap, status))
    return Case(pool=rnd.choice(["municipality", "region", "province"]), munis=munis,
                groups=groups, weight=weight, share=share, exchanges=exchanges,
                targets=targets, bounds=bounds, sites=sites)


def _dec(x: Q) -> str:
    """An exact decimal as text (the generator only uses finite decimals)."""
    digits = 0
    while (x * 10**digits).denominator != 1:
        digits += 1
    whole = x * 10**digits
    s = str(whole.numerator).rjust(digits + 1, "0")
    return s if digits == 0 else f"{s[:-digits]}.{s[-digits:]}"


def write_case(case: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    toml = ['name = "diff"', f'pool = "{case.pool}"']
    for g in case.groups:
        toml += [f"[groups.{g}]", f"weight = {_dec(case.weight[g])}",
                 f"max_import_share = {_dec(case.share[g])}"]
    for a, b, rate in case.exchanges:
        toml += ["[[exchange]]", f'from = "{a}"', f'to = "{b}"', f"rate = {_dec(rate)}"]
    (folder / "instance.toml").write_text("\n".join(toml) + "\n")
    (folder / "municipalities.csv").write_text("code,name,region,population\n" + "".join(
        f"{c},Name {c},{r},1000\n" for c, r in case.munis))
    (folder / "targets.csv").write_text("municipality,group,target\n" + "".join(
        f"{c},{g},{t}\n" for (c, g), t in sorted(case.targets.items())))
    (folder / "bounds.csv").write_text("municipality,group,min,max\n" + "".join(
        f"{c},{g},{'' if lo is None else lo},{'' if hi is None else hi}\n"
        for (c, g), (lo, hi) in sorted(case.bounds.items())))
    if case.sites is not None:
        (folder / "locations.csv").write_text(
            "id,municipality,group,capacity,available_from,status\n" + "".join(
                f"{s.id},{s.municipality},{s.group},{s.capacity},,{s.status}\n"
                for s in case.sites))
    return folder


def compare(seed: int, tmp_path: Path) -> None:
    case = random_case(seed)
    folder = write_case(case, tmp_path / f"case{seed}")
    expected = solve(case)
    result = api.solve(folder, repairs=0)
    where = f"seed {seed} ({folder})"
    assert result.status in ("optimal", "infeasible"), f"{where}: {result.status} {result.message}"
    assert (result.status == "optimal") == expected.feasible, where
    if expected.feasible:
        loads = tuple(sorted(result.loads.values(), reverse=True))
        assert loads == expected.sorted_loads, where
    else:
        assert result.diagnosis is not None, where
        total = result.diagnosis.total
        # The engine's total is exact (recomputed from its whole-number proposal). The oracle's
        # shortfall stage weighs long rates as floats and may miss an optimum by < 1e-12 (seed 9:
        # 63 against 63 + 1/(4 10^15)); beyond that the two must be equal.
        assert total == expected.shortfall or (total < expected.shortfall
                                               and expected.shortfall - total < Q(1, 10**12)), where


@pytest.mark.parametrize("seed", range(FAST))
def test_engine_agrees_with_independent_formulation(seed: int, tmp_path: Path) -> None:
    compare(seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(FAST, FAST + SLOW))
def test_engine_agrees_many(seed: int, tmp_path: Path) -> None:
    compare(seed, tmp_path)
