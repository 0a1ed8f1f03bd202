"""Solver wrapper: run a PuLP problem on HiGHS (highspy) or CBC and say honestly what happened.

PuLP 3.3 maps a time-limited run that found an incumbent to ``LpStatusOptimal``
(both for CBC and HiGHS). So the label is never used alone: for HiGHS we read the
solver's own model status and primal solution status; for CBC the first line of
its solution file ("Optimal - objective value …", "Stopped on time - …").
The result has two levels, as linopy does it: ``status`` (ok / warning / error)
and ``termination`` (optimal / infeasible / time_limit / …), plus the raw message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import pulp

SOLVERS = ("highs", "cbc", "scip")
DEFAULT_SOLVER = "highs"

Status = Literal["ok", "warning", "error"]
Termination = Literal["optimal", "infeasible", "time_limit", "unbounded", "other", "error"]


@dataclass(frozen=True)
class SolverOptions:
    name: str = DEFAULT_SOLVER
    time_limit: float | None = None  # seconds for the whole solve (all stages, all pools)
    threads: int = 1  # one thread: same input, same output
    persistent: bool = True  # HiGHS: one model per pool changed in place (highs_session.py)
    seed: int = 1  # HiGHS random_seed (fixed: same input, same output)

    def __post_init__(self) -> None:
        if self.name not in SOLVERS:
            raise ValueError(f"unknown solver {self.name!r}; expected one of {', '.join(SOLVERS)}")


@dataclass(frozen=True)
class RunResult:
    """What one solver run gave back."""

    solver: str
    status: Status
    termination: Termination
    has_solution: bool
    objective: float | None
    mip_gap: float | None
    runtime: float
    raw_status: str  # the solver's own words
    # an estimate (a relative gap or a time cap was allowed): never counted as proven, even
    # when the solver says optimal (optimal within the gap asked)
    estimate: bool = False

    @property
    def proven_optimal(self) -> bool:
        """Optimal as the solver was asked (within ``gap``; see ``proven``)."""
        return self.termination == "optimal" and self.has_solution

    @property
    def proven(self) -> bool:
        """Proven optimal with no gap allowed: what summary.json calls proven."""
        return self.proven_optimal and not self.estimate


class Clock:
    """Wall-clock budget shared by every run of one solve."""

    def __init__(self, limit: float | None):
        self.start = time.perf_counter()
        self.limit = limit

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def left(self) -> float | None:
        if self.limit is None:
            return None
        return max(self.limit - self.elapsed(), 0.0)

    def expired(self) -> bool:
        left = self.left()
        return left is not None and left <= 0.0


# ---------------------------------------------------------------------------- versions
@cache
def solver_version(name: str) -> str:
    if name == "highs":
        import highspy

        _silence_highs_banner()
        h = highspy.Highs()
        try:
            return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
        except AttributeError:  # pragma: no cover - older highspy
            return getattr(highspy, "__version__", "unknown")
    if name == "scip":
        import pyscipopt

        model = pyscipopt.Model()
        return f"{model.getMajorVersion()}.{model.getMinorVersion()}.{model.getTechVersion()}"
    path = pulp.PULP_CBC_CMD().path
    try:
        out = subprocess.run([path, "-quit"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):  # pragma: no cover
        return "unknown"
    m = re.search(r"Version:\s*(\S+)", out)
    return m.group(1) if m else "unknown"


def solver_label(name: str) -> str:
    return {"highs": "HiGHS", "cbc": "CBC", "scip": "SCIP"}[name]


_banner_silenced = False


def _silence_highs_banner() -> None:
    """HiGHS prints a banner on stdout when the first Highs() of a process is made, even with
    output_flag off. Make that first one here with stdout pointed at /dev/null."""
    global _banner_silenced
    if _banner_silenced:
        return
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)
    _banner_silenced = True


# ---------------------------------------------------------------------------- CBC
class _CBC(pulp.PULP_CBC_CMD):
    """PULP_CBC_CMD that keeps the first line of CBC's solution file."""

    raw_status = ""

    def get_status(self, filename: str) -> tuple[int, int]:
        with open(filename) as f:
            self.raw_status = f.readline().strip()
        return super().get_status(filename)


def _run_cbc(prob: pulp.LpProblem, options: SolverOptions, time_left: float | None,
             gap: float) -> RunResult:
    limit = None if time_left is None else max(time_left, 0.01)
    solver = _CBC(msg=False, timeLimit=limit, gapRel=gap, gapAbs=1e-9, threads=options.threads,
                  options=["randomSeed 1", "randomCbcSeed 1"])
    t0 = time.perf_counter()
    try:
        prob.solve(solver)
    except pulp.PulpSolverError as exc:
        return RunResult("cbc", "error", "error", False, None, None, time.perf_counter() - t0, str(exc))
    runtime = time.perf_counter() - t0
    raw = solver.raw_status
    word = raw.split()[0].lower() if raw else ""
    has_solution = "objective value" in raw and word != "infeasible"
    termination: Termination
    if word == "optimal":
        termination = "optimal"
    elif word in ("infeasible", "integer"):
        termination, has_solution = "infeasible", False
    elif word == "unbounded":
        termination = "unbounded"
    elif raw.lower().startswith("stopped on time"):
        termination = "time_limit"
    else:
        termination = "other"
    objective = pulp.value(prob.objective) if has_solution else None
    status: Status = "ok" if termination in ("optimal", "infeasible") else (
        "warning" if has_solution else "error")
    return RunResult("cbc", status, termination, has_solution,
                     None if objective is None else float(objective),
                     0.0 if termination == "optimal" else None, runtime, raw or "no status")


# ---------------------------------------------------------------------------- HiGHS
# ---------------------------------------------------------------------------- HiGHS watchdog
# HiGHS 1.16 can loop for ever inside presolve (HPresolve::strengthenInequalities, reached
# from a RINS sub-MIP or a restart), checking neither its time limit nor any callback: seen
# on a perturbed Limburg (tests/test_highs_watchdog.py keeps that model). So every HiGHS run
# goes through guarded_run: the run happens in a daemon thread (highspy releases the GIL)
# while this thread watches. A run is stuck when it goes past its own time limit by
# STUCK_GRACE seconds, or when HiGHS's MIP loop has not called back for STUCK_SILENCE
# seconds. A stuck run cannot be stopped: its Highs object is parked in _STUCK (freeing it
# under the running thread would crash) and the thread spins until the process ends.
STUCK_GRACE = 10.0
STUCK_SILENCE = 60.0
_STUCK: list[Any] = []


def _wait(done: threading.Event, h: Any) -> bool:
    """Half a second of waiting for a run. On Ctrl-C the run goes on in its thread until the
    process ends (interrupt.py), so ``h`` is parked: it is never freed under that thread."""
    try:
        return done.wait(0.5)
    except KeyboardInterrupt:
        _STUCK.append(h)
        raise


class HighsStuck(RuntimeError):
    """HiGHS did not come back from a run (see guarded_run)."""


def guarded_run(h: Any, time_limit: float | None) -> None:
    """``h.run()``, or HighsStuck when HiGHS hangs (see above)."""
    import highspy

    last = [time.monotonic()]

    def alive(*_: Any) -> None:
        last[0] = time.monotonic()

    h.setCallback(alive, None)
    h.startCallback(highspy.cb.HighsCallbackType.kCallbackMipInterrupt)
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            h.run()
        except BaseException as exc:  # pragma: no cover - handed to the caller
            failure.append(exc)
        finally:
            done.set()

    start = time.monotonic()
    threading.Thread(target=target, name="highs-run", daemon=True).start()
    while not _wait(done, h):
        now = time.monotonic()
        over_limit = time_limit is not None and now - start > time_limit + STUCK_GRACE
        if over_limit or now - last[0] > STUCK_SILENCE:
            _STUCK.append(h)
            raise HighsStuck(f"HiGHS did not return after {now - start:.0f} s "
                             f"(time limit {time_limit if time_limit is not None else 'none'}); "
                             "a known HiGHS 1.16 presolve loop")
    h.stopCallback(highspy.cb.HighsCallbackType.kCallbackMipInterrupt)
    if failure:
        raise failure[0]


class _HiGHS(pulp.HiGHS):
    """PuLP's HiGHS that starts from the values the variables hold (the last stage's
    solution, when the same variables are solved again): a MIP start; and runs HiGHS
    under the watchdog."""

    def callSolver(self, lp):
        guarded_run(lp.solverModel, self.timeLimit)

    def actualSolve(self, lp):
        import highspy

        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        variables = lp.variables()
        if any(v.varValue is not None for v in variables):
            start = highspy.HighsSolution()
            start.col_value = [float(v.varValue) if v.varValue is not None else 0.0
                               for v in variables]
            start.value_valid = True
            lp.solverModel.setSolution(start)
        self.callSolver(lp)
        status, sol_status = self.findSolutionValues(lp)
        for var in variables:
            var.modified = False
        for constraint in lp._constraints.values():
            constraint.modifier = False
        lp.assignStatus(status, sol_status)
        return status


def _run_highs(prob: pulp.LpProblem, options: SolverOptions, time_left: float | None,
               gap: float) -> RunResult:

    _silence_highs_banner()
    limit = None if time_left is None else max(time_left, 0.01)
    solver = _HiGHS(msg=False, timeLimit=limit, gapRel=gap, gapAbs=1e-9,
                    threads=options.threads, random_seed=options.seed)
    t0 = time.perf_counter()
    try:
        prob.solve(solver)
    except (pulp.PulpSolverError, KeyError, HighsStuck) as exc:
        return RunResult("highs", "error", "error", False, None, None, time.perf_counter() - t0,
                         str(exc))
    return highs_result(prob.solverModel, time.perf_counter() - t0)


def highs_result(h: Any, runtime: float) -> RunResult:
    """What a finished highspy run says: its own model status and solution status."""
    import highspy

    model_status = h.getModelStatus()
    info = h.getInfo()
    has_solution = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    S = highspy.HighsModelStatus
    termination: Termination
    if model_status == S.kOptimal:
        termination = "optimal"
    elif model_status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        termination, has_solution = "infeasible", False
    elif model_status == S.kUnbounded:
        termination = "unbounded"
    elif model_status == S.kTimeLimit:
        termination = "time_limit"
    elif model_status in (S.kLoadError, S.kModelError, S.kPresolveError, S.kSolveError,
                          S.kPostsolveError):
        termination, has_solution = "error", False
    else:
        termination = "other"
    reported = getattr(info, "mip_gap", None)
    mip_gap = (None if reported is None or reported != reported or reported >= 1e30
               else float(reported))
    objective = float(info.objective_function_value) if has_solution else None
    status: Status = "ok" if termination in ("optimal", "infeasible") else (
        "warning" if has_solution else "error")
    return RunResult("highs", status, termination, has_solution, objective, mip_gap, runtime,
                     h.modelStatusToString(model_status))


# ---------------------------------------------------------------------------- SCIP
def _run_scip(prob: pulp.LpProblem, options: SolverOptions, time_left: float | None,
              gap: float) -> RunResult:
    limit = None if time_left is None else max(time_left, 0.01)
    solver = pulp.SCIP_PY(msg=False, timeLimit=limit, gapRel=gap, gapAbs=1e-9)
    t0 = time.perf_counter()
    try:
        prob.solve(solver)
    except (pulp.PulpSolverError, KeyError) as exc:
        return RunResult("scip", "error", "error", False, None, None, time.perf_counter() - t0,
                         str(exc))
    runtime = time.perf_counter() - t0
    model = prob.solverModel
    raw = str(model.getStatus())
    has_solution = model.getNSols() > 0
    termination: Termination
    if raw == "optimal" or (raw == "gaplimit" and gap > 0 and has_solution):
        termination = "optimal"  # gaplimit: optimal within the gap the caller asked for
    elif raw in ("infeasible", "inforunbd"):
        termination, has_solution = "infeasible", False
    elif raw == "unbounded":
        termination = "unbounded"
    elif raw == "timelimit":
        termination = "time_limit"
    else:
        termination = "other"
    mip_gap = float(model.getGap()) if has_solution else None
    objective = float(model.getObjVal()) if has_solution else None
    status: Status = "ok" if termination in ("optimal", "infeasible") else (
        "warning" if has_solution else "error")
    return RunResult("scip", status, termination, has_solution, objective,
                     mip_gap if mip_gap is None or mip_gap < 1e30 else None, runtime, raw)


def run(prob: pulp.LpProblem, options: SolverOptions, time_left: float | None = None,
        gap: float = 0.0) -> RunResult:
    """Solve ``prob`` once; never raises for solver trouble (it is in the result).

    ``gap`` is the relative MIP gap at which the solver may stop and call the result
    optimal: 0 (proven optimal) unless the caller only needs a good estimate.
    """
    if options.name == "highs":
        return _run_highs(prob, options, time_left, gap)
    if options.name == "scip":
        return _run_scip(prob, options, time_left, gap)
    return _run_cbc(prob, options, time_left, gap)
