"""The solver wrapper never trusts PuLP's status label alone; a cut-short solve says so."""

from __future__ import annotations

import random

import pulp
import pytest

import lirt_opt
from lirt_opt.solver.runner import RunResult, SolverOptions, run, solver_version

from conftest import LIMBURG, SMALL, SOLVERS
from conftest import patch_runs as _patch_runs


def market_split(m: int = 4, n: int = 36, seed: int = 7) -> pulp.LpProblem:
    """A Cornuéjols–Dawande market split instance: tiny, and very hard for branch and bound."""
    rnd = random.Random(seed)
    prob = pulp.LpProblem("market_split", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{j}", cat=pulp.LpBinary) for j in range(n)]
    slack = []
    for i in range(m):
        a = [rnd.randint(0, 99) for _ in range(n)]
        plus, minus = pulp.LpVariable(f"p{i}", lowBound=0), pulp.LpVariable(f"q{i}", lowBound=0)
        prob += pulp.lpSum(a[j] * x[j] for j in range(n)) + plus - minus == sum(a) // 2
        slack += [plus, minus]
    prob += pulp.lpSum(slack)
    return prob


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limited_run_is_not_called_optimal(solver):
    prob = market_split()
    result = run(prob, SolverOptions(name=solver), time_left=0.5)
    assert result.termination == "time_limit", result
    assert not result.proven_optimal
    assert result.status in ("warning", "error")
    if result.has_solution:
        # the pitfall this wrapper exists for: PuLP's own label says "Optimal"
        assert pulp.LpStatus[prob.status] == "Optimal"


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_and_optimal_runs(solver):
    prob = pulp.LpProblem("p", pulp.LpMinimize)
    x = pulp.LpVariable("x", lowBound=0, upBound=3, cat=pulp.LpInteger)
    prob += x
    prob += x >= 2.5
    ok = run(prob, SolverOptions(name=solver))
    assert ok.termination == "optimal" and ok.has_solution and ok.objective == pytest.approx(3)
    prob += x <= 2
    bad = run(prob, SolverOptions(name=solver))
    assert bad.termination == "infeasible" and not bad.has_solution


@pytest.mark.parametrize("solver", SOLVERS)
def test_solver_version_is_reported(solver):
    version = solver_version(solver)
    assert version != "unknown" and version[0].isdigit()



def test_cut_short_solve_writes_a_feasible_verified_proposal(monkeypatch, tmp_path):
    """When a later stage stops at a limit, the last proven proposal is kept, verified,
    and reported as 'feasible' with termination 'time_limit' (exit 0)."""
    calls = {"n": 0}

    def cut_short(result):
        calls["n"] += 1
        if calls["n"] >= 3:
            return RunResult(result.solver, "warning", "time_limit", result.has_solution,
                             result.objective, 0.5, result.runtime, "Time limit reached")
        return result

    _patch_runs(monkeypatch, cut_short)
    scenario = LIMBURG / "scenarios" / "venlo-large-site.toml"
    inst = lirt_opt.load_instance(LIMBURG, scenario)
    result = lirt_opt.solve(inst)
    assert result.status == "feasible" and result.termination == "time_limit"
    assert result.exit_code == 0 and result.closing
    assert result.mip_gap == 0.5
    assert lirt_opt.check(inst, result).ok


def test_stopped_before_any_solution_is_an_error(monkeypatch):
    _patch_runs(monkeypatch, lambda result: RunResult(
        "highs", "error", "time_limit", False, None, None, 0.0, "Time limit reached"))
    result = lirt_opt.solve(SMALL / "exchange")
    assert result.status == "error" and result.exit_code == 3
    assert "stopped without a proposal" in result.message
