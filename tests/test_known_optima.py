"""Known optima, as data: instances/small/known_optima.toml (computed by hand), every solver."""

from __future__ import annotations

import tomllib
from fractions import Fraction

import pytest

import lirt_opt

from conftest import SMALL, SOLVERS

TABLE = tomllib.loads((SMALL / "known_optima.toml").read_text())


def test_every_small_instance_has_a_known_answer():
    shipped = {p.name for p in SMALL.iterdir() if (p / "instance.toml").is_file()}
    assert shipped == set(TABLE)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_known_optimum(name, solver):
    known = TABLE[name]
    inst = lirt_opt.load_instance(SMALL / name)
    result = lirt_opt.solve(inst, solver=solver)
    assert result.status == known["status"], result.message
    if known["status"] == "infeasible":
        assert result.diagnosis.total == Fraction(known["shortfall"])
        got = {f"{p.pool}/{p.group}": p.task_units for p in result.diagnosis.parts}
        assert got == {k: Fraction(v) for k, v in known["shortfall_by_pool"].items()}
        return
    loads = sorted(result.loads.values(), reverse=True)
    assert loads == [Fraction(x) for x in known["sorted_loads"]]
    for key, places in known["places"].items():
        m, g = key.split("/")
        assert result.proposal.places[m, g] == places, key
    assert sum(f.places for f in result.proposal.exchanges) == known["exchanged"]
    assert lirt_opt.check(inst, result).ok
