"""One HiGHS model per pool, changed in place between the stages of a solve.

PuLP stays the modelling layer: the stages build PuLP rows and objectives as before
(``PoolModel.rows``). With HiGHS, instead of letting PuLP copy the whole problem
into a fresh ``highspy.Highs`` at every stage, a :class:`HighsSession` keeps one
model per pool and brings it up to date before each run:

* variables seen for the first time become new columns (bounds, integrality);
  a variable's bounds are synchronised at every run (a stage may fix some);
* rows new in ``PoolModel.rows`` are added; rows no longer there are relaxed to
  ``-inf <= row <= inf`` (deleting would renumber the rest), so they bind nothing;
* the objective is replaced (costs of the previous objective's columns set to 0);
* the last solution is passed as a MIP start.

The run is judged exactly as in ``solver._run_highs`` (the solver's own model and
solution status, never PuLP's label), and the values are written back into the
PuLP variables, so the rest of the code reads them as before.
"""

from __future__ import annotations

import time
from typing import Any

import pulp

from .runner import RunResult, SolverOptions, _silence_highs_banner, guarded_run, highs_result

INF = float("inf")


class HighsSession:
    """A highspy model kept in step with the rows of one PoolModel."""

    def __init__(self, options: SolverOptions):
        import highspy

        _silence_highs_banner()
        self.highspy = highspy
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("threads", options.threads)
        self.h.setOptionValue("random_seed", options.seed)
        self.h.setOptionValue("mip_abs_gap", 1e-9)
        # HiGHS 1.16 can loop in a MIP restart (after "inactive integer columns, restarting"),
        # not even stopping at its time limit; seen on Limburg-Midden's first estimate with
        # this session's column order. Without restarts it solves at once.
        self.h.setOptionValue("mip_allow_restart", False)
        self.columns: dict[str, int] = {}  # variable name -> column
        self.variables: list[pulp.LpVariable] = []  # by column
        self.bounds: list[tuple[float, float]] = []
        self.rows: dict[str, int] = {}  # constraint name -> row
        self.active: set[str] = set()
        self.costed: list[int] = []  # columns with a cost in the objective set last

    # ---- keeping the model in step ---------------------------------------------------
    def _column(self, var: pulp.LpVariable) -> int:
        j = self.columns.get(var.name)
        if j is not None:
            return j
        lb = -INF if var.lowBound is None else float(var.lowBound)
        ub = INF if var.upBound is None else float(var.upBound)
        self.h.addCol(0.0, lb, ub, 0, [], [])
        j = len(self.variables)
        if var.cat == pulp.LpInteger:
            self.h.changeColIntegrality(j, self.highspy.HighsVarType.kInteger)
        self.columns[var.name] = j
        self.variables.append(var)
        self.bounds.append((lb, ub))
        return j

    def sync(self, rows: dict[str, dict[Any, pulp.LpConstraint]]) -> None:
        wanted: dict[str, pulp.LpConstraint] = {}
        for family in rows.values():
            for row in family.values():
                wanted[row.name] = row
        for name in sorted(self.active - set(wanted), key=lambda n: self.rows[n]):
            self.h.changeRowBounds(self.rows[name], -INF, INF)
            self.active.discard(name)
        for name, row in wanted.items():
            if name in self.active:
                continue
            if name in self.rows:  # an earlier row of this name (rows are never edited)
                raise ValueError(f"row {name} came back after it was removed")
            items = [(self._column(v), float(c)) for v, c in row.items() if c != 0]
            lb = row.getLb()
            ub = row.getUb()
            self.h.addRow(-INF if lb is None else float(lb), INF if ub is None else float(ub),
                          len(items), [j for j, _ in items], [c for _, c in items])
            self.rows[name] = len(self.rows)
            self.active.add(name)
        for j, var in enumerate(self.variables):  # bounds a stage may have changed
            lb = -INF if var.lowBound is None else float(var.lowBound)
            ub = INF if var.upBound is None else float(var.upBound)
            if (lb, ub) != self.bounds[j]:
                self.h.changeColBounds(j, lb, ub)
                self.bounds[j] = (lb, ub)

    def set_objective(self, objective: pulp.LpAffineExpression | pulp.LpVariable | float) -> None:
        for j in self.costed:
            self.h.changeColCost(j, 0.0)
        self.costed = []
        if isinstance(objective, pulp.LpVariable):
            objective = pulp.LpAffineExpression(objective)
        if isinstance(objective, pulp.LpAffineExpression):
            for var, coef in objective.items():
                j = self._column(var)
                self.h.changeColCost(j, float(coef))
                self.costed.append(j)
        self.h.changeObjectiveSense(self.highspy.ObjSense.kMinimize)

    # ---- a run --------------------------------------------------------------------------
    def solve(self, rows: dict[str, dict[Any, pulp.LpConstraint]],
              objective: pulp.LpAffineExpression | pulp.LpVariable | float,
              time_left: float | None, gap: float) -> RunResult:
        t0 = time.perf_counter()
        self.sync(rows)
        self.set_objective(objective)
        self.h.setOptionValue("time_limit", INF if time_left is None else max(time_left, 0.01))
        self.h.setOptionValue("mip_rel_gap", gap)
        start = [v.varValue for v in self.variables]
        if any(x is not None for x in start):
            solution = self.highspy.HighsSolution()
            solution.col_value = [0.0 if x is None else float(x) for x in start]
            solution.value_valid = True
            self.h.setSolution(solution)
        guarded_run(self.h, time_left)  # HighsStuck when HiGHS hangs: the caller moves on
        result = highs_result(self.h, time.perf_counter() - t0)
        if result.has_solution:
            values = list(self.h.getSolution().col_value)
            for var, x in zip(self.variables, values):
                var.varValue = x
        return result
