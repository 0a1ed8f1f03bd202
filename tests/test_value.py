"""Value of a place (LP-relaxation duals): a hand-computed instance, and finite differences of an
LP written here independently with highspy (not through lirt_opt.model)."""

from __future__ import annotations

from pathlib import Path

import highspy
import pytest

import lirt_opt
from lirt_opt.analysis.value import value_of_a_place


def write(d: Path, targets: dict[tuple[str, str], int], bounds: dict[tuple[str, str], tuple],
          groups: dict[str, float], exchange: tuple[str, str, float] | None = None) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    toml = ['name = "v"', 'pool = "region"']
    for g, w in groups.items():
        toml += [f"[groups.{g}]", f"weight = {w}"]
    if exchange:
        toml += ["[[exchange]]", f'from = "{exchange[0]}"', f'to = "{exchange[1]}"',
                 f"rate = {exchange[2]}"]
    (d / "instance.toml").write_text("\n".join(toml) + "\n")
    munis = sorted({m for m, _ in targets})
    (d / "municipalities.csv").write_text("code,name,region,population\n"
                                          + "".join(f"{m},{m},R,1\n" for m in munis))
    (d / "targets.csv").write_text("municipality,group,target\n" + "".join(
        f"{m},{g},{t}\n" for (m, g), t in sorted(targets.items())))
    (d / "bounds.csv").write_text("municipality,group,min,max\n" + "".join(
        f"{m},{g},{'' if lo is None else lo},{'' if hi is None else hi}\n"
        for (m, g), (lo, hi) in sorted(bounds.items())))
    return d


def test_hand_computed(tmp_path):
    # One pool, one group: t = (10, 30), P1 capped at 5. LP: x1 = 5, x2 = 35, z* = 35/30 = 7/6.
    # One more place of capacity at P1: x2 = 34, z falls by 1/30. P2 has no cap.
    # One place less of P1's task: T = 39 -> x2 = 34, F2 unchanged: falls by 1/30.
    # One place less of P2's task: x2 = 34 but F2 = 29: z = 34/29, *rises* by
    #   first order d/dt2 (x2/t2) = 1/30 - 35/900 = -1/180 (a fall of -1/180).
    # Pool task one less (fair shares unchanged): falls by 1/30.
    inst = lirt_opt.load_instance(write(tmp_path / "v", {("P1", "a"): 10, ("P2", "a"): 30},
                                        {("P1", "a"): (None, 5)}, {"a": 1}))
    v = value_of_a_place(inst)
    (pool,) = v.pools
    assert pool.heaviest_load == pytest.approx(7 / 6)
    assert pool.task["a"] == pytest.approx(1 / 30)
    by = {p.municipality: p for p in v.places}
    assert by["P1"].capacity == pytest.approx(1 / 30) and by["P1"].at_capacity
    assert by["P2"].capacity is None and not by["P2"].at_capacity
    assert by["P1"].task == pytest.approx(1 / 30)
    assert by["P2"].task == pytest.approx(-1 / 180)
    assert "linear relaxation" in v.label


# An instance with two groups, a weight, an exchange with an import share, and caps.
TARGETS = {("A", "asy"): 40, ("A", "amv"): 6, ("B", "asy"): 25, ("B", "amv"): 4,
           ("C", "asy"): 60, ("C", "amv"): 9}
BOUNDS = {("A", "asy"): (None, 10), ("A", "amv"): (None, 2), ("C", "asy"): (None, 75)}
GROUPS = {"asy": 1.0, "amv": 1.5}
EXCHANGE = ("amv", "asy", 1.5)


def lp_value(targets: dict[tuple[str, str], float], upper: dict[tuple[str, str], float]) -> float:
    """min z over real x, e: the same rules written out directly for highspy."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    munis = sorted({m for m, _ in targets})
    groups = list(GROUPS)
    inf = highspy.kHighsInf
    col: dict[object, int] = {}

    def add(key, lo, hi, cost=0.0):
        col[key] = h.getNumCol()
        h.addVar(lo, hi)
        h.changeColCost(col[key], cost)

    add("z", 0, inf, 1.0)
    for m in munis:
        for g in groups:
            lo = BOUNDS.get((m, g), (None, None))[0] or 0
            add((m, g), lo, upper.get((m, g), inf))
    add("e", 0, inf)

    def row(lo, hi, terms):
        idx = [col[k] for k, _ in terms]
        h.addRow(lo, hi, len(idx), idx, [c for _, c in terms])

    share = 1.0  # default max_import_share
    for g in groups:
        t = sum(v for (m, gg), v in targets.items() if gg == g)
        terms = [((m, g), 1.0) for m in munis]
        terms += [("e", -1.0)] if g == "amv" else [("e", EXCHANGE[2])]
        row(t, inf, terms)
    row(-inf, 0, [("e", 1.0)] + [((m, "amv"), -1.0) for m in munis])  # own places
    row(-inf, share * sum(v for (m, g), v in targets.items() if g == "asy"), [("e", EXCHANGE[2])])
    for m in munis:
        fair = sum(GROUPS[g] * targets[m, g] for g in groups)
        row(-inf, 0, [((m, g), GROUPS[g]) for g in groups] + [("z", -fair)])
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h.getInfo().objective_function_value


def test_duals_match_finite_differences(tmp_path):
    inst = lirt_opt.load_instance(write(tmp_path / "w", TARGETS, BOUNDS, GROUPS, EXCHANGE))
    v = value_of_a_place(inst)
    upper = {k: float(hi) for k, (_, hi) in BOUNDS.items() if hi is not None}
    base = lp_value(TARGETS, upper)
    assert v.pools[0].heaviest_load == pytest.approx(base, rel=1e-9)
    eps = 1e-3
    checked = 0
    for p in v.places:
        key = (p.municipality, p.group)
        less_task = dict(TARGETS)
        less_task[key] = TARGETS[key] - eps
        fall = (base - lp_value(less_task, upper)) / eps
        assert p.task == pytest.approx(fall, abs=1e-6), key
        if key in upper:
            more = dict(upper)
            more[key] += eps
            fall = (base - lp_value(TARGETS, more)) / eps
            assert p.capacity == pytest.approx(fall, abs=1e-6), key
            checked += 1
    assert checked == len(upper)
    assert any(abs(p.task) > 1e-4 for p in v.places)  # the figures are not all zero
    assert any((p.capacity or 0) > 1e-4 for p in v.places)

