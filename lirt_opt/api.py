"""The public Python API: load_instance, validate, solve, check."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import pipeline
from .base.errors import Problem, omitted
from .diagnosis.diagnose import Diagnosis
from .diagnosis.diagnose import diagnose as run_diagnosis
from .instance import Instance
from .instance.loader import collect, load
from .instance.overrides import Override, parse_label
from .solver.extract import ExchangeFlow, Proposal
from .solver.runner import SolverOptions
from .verify.verifier import CheckReport, check_directory
from .verify.verifier import check as check_proposal

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ValidationReport:
    problems: tuple[Problem, ...]
    # problems counted but not kept, by severity (errors.MAX_SHOWN of each are kept)
    omitted: Mapping[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0})

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([p.as_dict() for p in self.problems],
                            columns=["severity", "file", "line", "column", "message"])


def load_instance(path: str | Path, scenario: str | Path | None = None,
                  overrides: Sequence[Override | str] = ()) -> Instance:
    """Read and validate an instance (with an optional scenario overlay).

    ``path`` is an instance directory or an instance workbook (.xlsx). ``overrides``
    are command-line overrides applied after the scenario, as :class:`Override` or as
    typed (``"--cap GM0907:asylum=40"``). Raises :class:`lirt_opt.InvalidInstance`
    listing every error.
    """
    return load(path, scenario, _overrides(overrides))


def validate(path: str | Path, scenario: str | Path | None = None,
             overrides: Sequence[Override | str] = ()) -> ValidationReport:
    """Every problem (errors and warnings) of an instance; never raises for bad input."""
    raw, _, _ = collect(path, scenario, _overrides(overrides))
    return ValidationReport(tuple(raw.problems), omitted(raw.problems))


def _overrides(given: Sequence[Override | str]) -> tuple[Override, ...]:
    return tuple(o if isinstance(o, Override) else parse_label(o) for o in given)


def solve(instance: Instance | str | Path, solver: str = "highs",
          time_limit: float | None = None, scenario: str | Path | None = None,
          overrides: Sequence[Override | str] = (),
          progress: Callable[[int, int, str], None] | None = None,
          repairs: int = 3) -> pipeline.SolveResult:
    """The balanced, verified proposal (or a diagnosis with up to ``repairs`` verified
    repairs). ``instance`` may be a path."""
    if not isinstance(instance, Instance):
        instance = load(instance, scenario, _overrides(overrides))
    elif scenario is not None or overrides:
        raise ValueError("pass the scenario and overrides to load_instance, not to solve, for a "
                         "loaded instance")
    return pipeline.solve(instance, solver=solver, time_limit=time_limit, progress=progress,
                          repairs=repairs)


def diagnose(instance: Instance | str | Path, solver: str = "highs",
             time_limit: float | None = None, scenario: str | Path | None = None,
             repairs: int = 3, overrides: Sequence[Override | str] = ()) -> Diagnosis:
    """Why no closing proposal exists (shortfall, bottlenecks, certificates, verified
    repairs), or the proof that one does. ``instance`` may be a path."""
    if not isinstance(instance, Instance):
        instance = load(instance, scenario, _overrides(overrides))
    elif scenario is not None or overrides:
        raise ValueError("pass the scenario to load_instance, not to diagnose, for a loaded instance")
    return run_diagnosis(instance, SolverOptions(name=solver, time_limit=time_limit), repairs,
                         resolve=pipeline.resolve)


def check(instance: Instance, proposal: Proposal | str | Path | pipeline.SolveResult
          ) -> CheckReport:
    """Verify a proposal (object, solve result or directory) with plain arithmetic."""
    if isinstance(proposal, pipeline.SolveResult):
        if proposal.proposal is None:
            raise ValueError(f"the result has no proposal (status {proposal.status})")
        proposal = proposal.proposal
    if isinstance(proposal, Proposal):
        places: Mapping[tuple[str, str], int] = proposal.places
        flows: tuple[ExchangeFlow, ...] = proposal.exchanges
        return check_proposal(instance, places, flows, sites=proposal.sites)
    return check_directory(instance, proposal)
