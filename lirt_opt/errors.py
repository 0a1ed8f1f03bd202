"""Problems found in input, and the typed exceptions of lirt-opt.

A :class:`Problem` is data: where (file, line, column) and what. The reader and the
validator collect *all* problems; only then does :func:`raise_if_errors` turn them
into an :class:`InvalidInstance`, which the CLI prints one per line and exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.column:
            parts.append(self.column)
        parts.append(self.message)
        text = ": ".join(parts)
        return text if self.severity == "error" else f"{text} (warning)"

    def as_dict(self) -> dict[str, object]:
        return {"severity": self.severity, "file": self.file, "line": self.line,
                "column": self.column, "message": self.message}


class LirtError(Exception):
    """Base class of every error lirt-opt raises on purpose."""

    exit_code = 3


class InvalidInstance(LirtError):
    """The instance (or scenario) has errors; ``problems`` lists all of them."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the input:\n" +
                         "\n".join(str(p) for p in errors))


class SolverFailed(LirtError):
    """The solver stopped without a usable answer (error, or a limit before any solution)."""

    exit_code = 3


class ProposalRejected(LirtError):
    """The independent verifier found a rule that the solver's proposal breaks."""

    exit_code = 3


class ProposalFileError(LirtError):
    """A written proposal directory cannot be read (missing file, malformed row)."""

    exit_code = 2


def raise_if_errors(problems: Iterable[Problem]) -> None:
    problems = tuple(problems)
    if any(p.severity == "error" for p in problems):
        raise InvalidInstance(problems)
