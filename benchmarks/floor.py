"""The HiGHS floor: one HiGHS run on the final-stage model, the time no formulation can beat.

The final stage of lirt-opt is the code-order tie-break: every level row, the mix
and exchange tie-break rows, and the code-order objective. It is rebuilt here the
way lirt-opt builds it, from the package's own pieces and without any hook in
it: ``build_pool_model`` and ``LeximinDriver.run`` (which leaves every row in
``PoolModel.rows``), then the objective of ``LeximinDriver.tie_breaks`` step 3,
copied below. If balance.py changes its last stage, change ``code_order`` too.

Only ``Highs.run()`` is timed (not PuLP, not the transfer of the model into
HiGHS), with the options lirt-opt uses (one thread, gap 0, seed 1); the floor of
an instance is the sum over its pools.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pulp

from lirt_opt.instance import Instance
from lirt_opt.model.pool import PoolModel, build_pool_model
from lirt_opt.solver.balance import LeximinDriver
from lirt_opt.solver.runner import Clock, SolverOptions, _silence_highs_banner


def code_order(pm: PoolModel) -> pulp.LpAffineExpression:
    """The objective of the last stage (balance.LeximinDriver.tie_breaks, step 3)."""
    pairs = [(m, g) for m in pm.pool.members for g in pm.groups]
    k = len(pairs)
    ranked = sorted(pairs, key=lambda mg: (mg[0], pm.groups.index(mg[1])))
    return pulp.lpSum(-((k - i) ** 2) * pm.x[p] for i, p in enumerate(ranked))


@dataclass
class FinalModels:
    problems: list[pulp.LpProblem]
    statuses: list[str]


def final_models(instance: Instance) -> FinalModels:
    """The final-stage model of every pool, after lirt-opt's own stages (HiGHS)."""
    problems: list[pulp.LpProblem] = []
    statuses: list[str] = []
    for pool in instance.pools():
        pm = build_pool_model(instance, pool)
        outcome = LeximinDriver(pm, SolverOptions(name="highs"), Clock(None)).run()
        statuses.append(outcome.status)
        if outcome.status in ("optimal", "feasible"):
            problems.append(pm.problem(code_order(pm)))
    return FinalModels(problems, statuses)


def highs_run_seconds(prob: pulp.LpProblem) -> float:
    """Seconds of one ``Highs.run()`` on ``prob`` (a fresh solver object each time)."""
    _silence_highs_banner()
    solver = pulp.HiGHS(msg=False, gapRel=0.0, gapAbs=1e-9, threads=1, random_seed=1)
    solver.createAndConfigureSolver(prob)
    solver.buildSolverModel(prob)
    t0 = time.perf_counter()
    prob.solverModel.run()
    return time.perf_counter() - t0


def floor_seconds(models: FinalModels) -> float:
    return sum(highs_run_seconds(p) for p in models.problems)
