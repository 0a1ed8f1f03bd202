"""Where the solve time goes: HiGHS itself, the transfer of each model into HiGHS, the rest.

``split()`` wraps PuLP's HiGHS interface for the duration of a ``with`` block and
adds up, over every solver run, the seconds in ``Highs.run()`` and in
``buildSolverModel`` (PuLP's loop of addCol / addRow). With the persistent HiGHS
model (``lirt_opt.highs_session``) the transfer is ``HighsSession.sync`` and
``set_objective`` (only what changed since the last stage) and the run is the rest of
``HighsSession.solve`` (``Highs.run()`` plus handing over the MIP start and reading
the solution back). The rest of lirt-opt's "solve" figure is PuLP expression and
problem assembly and the driver's Python.
Used by the benchmark runner (columns highs_run, highs_build) and by
``python -m benchmarks.profile``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pulp

from lirt_opt.solver.highs_session import HighsSession


@contextmanager
def split() -> Iterator[dict[str, float]]:
    totals = {"highs_run": 0.0, "highs_build": 0.0, "runs": 0.0}
    cls: Any = pulp.HiGHS
    call, build = cls.callSolver, cls.buildSolverModel

    def timed_call(self: Any, lp: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return call(self, lp)
        finally:
            totals["highs_run"] += time.perf_counter() - t0
            totals["runs"] += 1

    session: Any = HighsSession
    s_solve, s_sync, s_objective = session.solve, session.sync, session.set_objective

    def timed_session(self: Any, *args: Any, **kwargs: Any) -> Any:
        t0, before = time.perf_counter(), totals["highs_build"]
        try:
            return s_solve(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - t0 - (totals["highs_build"] - before)
            totals["highs_run"] += spent
            totals["runs"] += 1

    def timed(method: Any) -> Any:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                totals["highs_build"] += time.perf_counter() - t0
        return wrapper

    cls.callSolver, cls.buildSolverModel = timed_call, timed(build)
    session.solve, session.sync = timed_session, timed(s_sync)
    session.set_objective = timed(s_objective)
    try:
        yield totals
    finally:
        cls.callSolver, cls.buildSolverModel = call, build
        session.solve, session.sync, session.set_objective = s_solve, s_sync, s_objective
