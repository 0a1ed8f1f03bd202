"""The pipeline, top to bottom: read → validate → build → solve → extract → verify → (write).

``solve`` is what the CLI's ``solve`` command and the Python API call. Pools are
independent, so each is built and balanced on its own; the union of their
solutions is checked by the independent verifier before anyone sees it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnosis.conflicts import Resolved
from .diagnosis.diagnose import DEFAULT_REPAIRS, Diagnosis, bound_conflicts, diagnose
from .dossier.pools import PoolResults, close_pools
from .instance import Instance, Pool
from .model.pool import build_pool_model
from .proposal.writer import write_result
from .solver.balance import PoolOutcome, balance_pool
from .solver.extract import Proposal, extract
from .solver.runner import Clock, SolverOptions, solver_label, solver_version
from .verify.verifier import CheckReport, check

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class SolveResult:
    """Everything one solve produced. ``status``: optimal | feasible | infeasible | error."""

    instance: Instance
    status: str
    termination: str  # optimal | time_limit | infeasible | error
    solver: str
    solver_version: str
    time_limit: float | None
    solve_seconds: float
    proposal: Proposal | None = None
    check: CheckReport | None = None
    diagnosis: Diagnosis | None = None
    outcomes: tuple[PoolOutcome, ...] = ()
    message: str = ""
    pools: PoolResults | None = None  # some pools short: the closing pools' verified proposal
    timings: dict[str, float] = field(default_factory=dict)

    # ---- views -----------------------------------------------------------------
    @property
    def closing(self) -> bool:
        return self.proposal is not None and self.check is not None and self.check.closing

    @property
    def exit_code(self) -> int:
        """SPEC §5: 0 proposal written, 1 infeasible (diagnosis), 3 solver failed."""
        if self.status in ("optimal", "feasible"):
            return 0
        return 1 if self.status == "infeasible" else 3

    @property
    def loads(self) -> dict[str, Fraction]:
        return dict(self.check.loads) if self.check else {}

    @property
    def max_load(self) -> Fraction | None:
        return max(self.loads.values()) if self.loads else None

    @property
    def solver_runs(self) -> int:
        return sum(len(o.runs) for o in self.outcomes)

    @property
    def proven(self) -> bool:
        """Every stage of every pool proven (optimal with no gap), or no proposal can exist
        (infeasible, which the solver proves). False on a time limit or any unproven stage."""
        if self.status == "infeasible":
            return True
        return (self.status == "optimal" and bool(self.outcomes)
                and all(o.status == "optimal" for o in self.outcomes))

    @property
    def mip_gap(self) -> float | None:
        """0 when every stage was proven optimal; else the gap of the run that stopped (None:
        not known). Estimates (a gap or time cap allowed on purpose) do not count: no answer
        rests on them."""
        if not self.outcomes:
            return None
        gaps = [r.mip_gap for o in self.outcomes for _, r in o.runs
                if not r.estimate and not r.proven]
        if not gaps and self.proven:
            return 0.0
        known = [g for g in gaps if g is not None]
        return max(known) if known else None

    def stages(self) -> list[dict[str, object]]:
        """Every solver run, per pool and stage: what the solver said and whether it counts
        as proven (summary.json ``stages``). No seconds, and for an estimate (cut at a
        time cap of its own) not how it ended: same input, same summary."""
        return [{"pool": o.pool.id, "stage": stage, "estimate": True, "proven": False}
                if r.estimate else
                {"pool": o.pool.id, "stage": stage, "termination": r.termination,
                 "proven": r.proven, "estimate": False, "mip_gap": r.mip_gap}
                for o in self.outcomes for stage, r in o.runs]

    def proposal_frame(self) -> pd.DataFrame:
        if self.proposal is None:
            raise ValueError(f"no proposal: status {self.status}")
        return self.proposal.to_frame(self.instance)

    def loads_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = [{"municipality": m.code, "name": m.name, "region": m.region,
                 "fair_share": float(self.instance.fair_share(m.code)),
                 "load": float(self.loads[m.code])}
                for m in self.instance.municipalities if m.code in self.loads]
        return pd.DataFrame(rows).sort_values(["load", "municipality"], ascending=[False, True],
                                              ignore_index=True)

    def pools_frame(self) -> pd.DataFrame:
        import pandas as pd

        if self.check is None:
            raise ValueError(f"no proposal: status {self.status}")
        return pd.DataFrame([{"pool": c.pool, "group": c.group, "target": c.target,
                              "places": float(c.places), "exchanged_out": float(c.exchanged_out),
                              "credited": float(c.credited), "covered": float(c.covered),
                              "margin": float(c.margin)} for c in self.check.covers])

    def write(self, directory: str | Path) -> list[Path]:
        return write_result(self, Path(directory))


def _status(outcomes: list[PoolOutcome]) -> tuple[str, str]:
    statuses = {o.status for o in outcomes}
    if "infeasible" in statuses:
        return "infeasible", "infeasible"
    limited = any(o.stopped == "time_limit" for o in outcomes)
    if "error" in statuses:
        return "error", "time_limit" if limited else "error"
    if statuses == {"optimal"}:
        return "optimal", "optimal"
    return "feasible", "time_limit" if limited else "other"


def pool_fingerprint(instance: Instance, pool: Pool, solver: str) -> str:
    """sha256 of everything one pool's model is built from: the settings every pool shares
    (groups, exchanges, deadline, counting, milestones, objective order, whether sites are
    given) and, per member, its municipality, targets, bounds and sites. Two instances whose
    pool has the same fingerprint give that pool the same model (used by ``reuse``)."""
    parts: list[object] = [solver, pool, instance.groups, instance.exchanges, instance.deadline,
                           instance.counting, instance.milestones, instance.objective_order,
                           instance.locations is None]
    for m in pool.members:
        parts += [instance.municipality(m), instance.sites_of(m)]
        parts += [(g, instance.target(m, g), instance.bounds.get((m, g)))
                  for g in instance.group_ids]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def solve(instance: Instance, solver: str = "highs", time_limit: float | None = None,
          progress: Callable[[int, int, str], None] | None = None,
          repairs: int = DEFAULT_REPAIRS, persistent: bool = True,
          reuse: MutableMapping[str, PoolOutcome] | None = None) -> SolveResult:
    """The balanced closing proposal of ``instance``, verified; or a diagnosis of why none exists
    (shortfall, bottlenecks, certificates and up to ``repairs`` verified repairs).

    Never raises for solver outcomes: look at ``result.status``. ``progress(i, n, pool)``
    is called before pool i of n is solved (for a progress line). ``persistent=False``
    rebuilds the HiGHS model at every stage (for comparison; the result is the same).
    ``reuse`` (the explorer's cache, by ``pool_fingerprint``) gives the outcome of a pool
    solved before with the same model, proven optimal, instead of solving it again; the
    new proven outcomes are added to it. The whole proposal is verified either way.
    """
    options = SolverOptions(name=solver, time_limit=time_limit, persistent=persistent)
    clock = Clock(time_limit)
    timings = {"build": 0.0, "solve": 0.0, "verify": 0.0}
    outcomes: list[PoolOutcome] = []
    # A lower bound above an upper bound: no proposal exists (and CBC rejects such a model
    # with an error rather than saying infeasible), so go straight to the diagnosis.
    conflicting = bool(bound_conflicts(instance))
    pools = () if conflicting else instance.pools()
    for index, pool in enumerate(pools, 1):
        if progress is not None:
            progress(index, len(pools), pool.id)
        key = pool_fingerprint(instance, pool, solver) if reuse is not None else ""
        kept = reuse.get(key) if reuse is not None else None
        if kept is not None:
            outcomes.append(kept)
            continue
        t0 = time.perf_counter()
        pm = build_pool_model(instance, pool)                      # build
        t1 = time.perf_counter()
        outcome = balance_pool(pm, options, clock)                 # solve
        timings["build"] += t1 - t0
        timings["solve"] += time.perf_counter() - t1
        outcomes.append(outcome)
        if reuse is not None and outcome.status == "optimal":
            reuse[key] = outcome
        if outcome.status == "error":  # a short pool does not stop the others (issue 12)
            break
    status, termination = ("infeasible", "infeasible") if conflicting else _status(outcomes)
    result = SolveResult(instance=instance, status=status, termination=termination,
                         solver=solver_label(solver), solver_version=solver_version(solver),
                         time_limit=time_limit, solve_seconds=0.0, outcomes=tuple(outcomes),
                         timings=timings)
    if status == "infeasible":
        # the same clock: the diagnosis gets what is left of --time-limit, not a new one
        result.diagnosis = diagnose(instance, options, repairs=repairs, clock=clock,
                                    resolve=resolve)
        result.message = "no closing proposal exists"
        result.pools = close_pools(instance, outcomes, result.diagnosis)
    elif status == "error":
        failed = next(o for o in outcomes if o.status == "error")
        result.message = f"pool {failed.pool.id}: solver stopped without a proposal: {failed.message}"
    else:
        proposal = extract(instance, outcomes)                     # extract
        t2 = time.perf_counter()
        report = check(instance, proposal.places, proposal.exchanges,   # verify
                       sites=proposal.sites if instance.locations is not None else None)
        timings["verify"] = time.perf_counter() - t2
        result.check = report
        if report.ok:
            result.proposal = proposal
            notes = [f"pool {o.pool.id}: {text}" for o in outcomes
                     for text in ([o.message] if o.message else []) + o.notes]
            result.message = "; ".join(notes)
        else:
            result.status, result.termination = "error", "error"
            result.message = ("the verifier rejected the solver's proposal: "
                              + "; ".join(str(f) for f in report.failures))
    result.solve_seconds = clock.elapsed()
    return result


def resolve(instance: Instance, options: SolverOptions, clock: Clock) -> Resolved:
    """The diagnosis' re-solve: the balanced proposal of ``instance`` (no diagnosis of its
    own), within what is left of ``clock``, checked by ``verify.check`` once more."""
    result = solve(instance, solver=options.name, time_limit=clock.left(), repairs=0)
    report = None
    if result.proposal is not None:
        p = result.proposal
        report = check(instance, p.places, p.exchanges, sites=p.sites)
    return Resolved(status=result.status, termination=result.termination, message=result.message,
                    solver_runs=result.solver_runs, has_proposal=result.proposal is not None,
                    max_load=result.max_load,
                    checked=report is not None and report.ok and report.closing,
                    failures=() if report is None else tuple(str(f) for f in report.failures))
