"""The public Python API: load_instance, validate, solve, check."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
          repairs: int = 3, reuse: MutableMapping[str, Any] | None = None
          ) -> pipeline.SolveResult:
    """The balanced, verified proposal (or a diagnosis with up to ``repairs`` verified
    repairs). ``instance`` may be a path. ``reuse``: a dict kept between calls (the
    explorer's): a pool whose model is unchanged since an earlier call is not solved again."""
    if not isinstance(instance, Instance):
        instance = load(instance, scenario, _overrides(overrides))
    elif scenario is not None or overrides:
        raise ValueError("pass the scenario and overrides to load_instance, not to solve, for a "
                         "loaded instance")
    return pipeline.solve(instance, solver=solver, time_limit=time_limit, progress=progress,
                          repairs=repairs, reuse=reuse)


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


# ---------------------------------------------------------------------------- for the explorer
def site_names(path: str | Path, scenario: str | Path | None = None) -> dict[str, str]:
    """The ``name`` column of the sites (locations.csv and the scenario's [[locations]]):
    id -> name, for sites that have one."""
    from .read import schema

    raw, _, _ = collect(path, scenario)
    return {str(r.get("id")): str(r.get("name")) for r in raw.tables.get(schema.LOCATIONS.file) or []
            if r.get("name")}


def scenario_text(data: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """A scenario overlay (the data ``tomllib`` reads from a scenario file) as TOML text."""
    from .diagnosis.repairs import toml_text

    return toml_text(dict(data), header)


def text(key: str, lang: str = "nl", **values: Any) -> str:
    """A text of the message catalogue (``messages/*.toml``) in ``lang``."""
    from .base.i18n import t

    return t(key, lang, **values)


def fmt_number(x: Any, lang: str = "nl", decimals: int = 0) -> str:
    """A number as people read it: 5.662 / 1,445 (nl), 5,662 / 1.445 (en)."""
    from .base.i18n import fmt_number as fmt

    return fmt(x, lang, decimals)


def catalogue(prefix: str, lang: str = "nl") -> dict[str, str]:
    """Every text of the catalogue whose key starts with ``prefix``, in ``lang``."""
    from .base.i18n import catalogue as texts

    return {k: v for k, v in texts()[lang].items() if k.startswith(prefix)}


def diagnosis_words(data: Mapping[str, Any], lang: str = "nl") -> dict[str, Any]:
    """The diagnosis (``Diagnosis.as_dict()``) in words: ``lines`` (everything, as the CLI
    prints it), ``bottlenecks`` (per bottleneck its rules in words) and ``repairs`` (per repair
    its changes in words)."""
    from .diagnosis.words import change_words, lines, rules_lines

    rules = data.get("rules", {})
    found = (data.get("repairs") or {}).get("found") or []
    return {"lines": lines(data, lang),
            "bottlenecks": [rules_lines(b["rules"], rules, lang, bullet="")
                            for b in data.get("bottlenecks", [])],
            "repairs": [{"rank": r["rank"], "changes": [change_words(ch, lang)
                                                       for ch in r["changes"]]}
                        for r in found]}
