"""Problems found in input, and the typed exceptions of lirt-opt.

A :class:`Problem` is data: where (file, line, column) and what. The reader and the
validator collect problems; only then does :func:`raise_if_errors` turn them into an
:class:`InvalidInstance`, which the CLI prints one per line and exits 2.

A problem made with :func:`problem` takes its words from the message catalogue
(``messages/input.toml``): ``message`` holds the English text (what tests and the
Python API see), ``text(lang)`` the words in any language. Older problems carry
English text only.

:class:`Problems` is the list the reader and validator collect into: it keeps the
first :data:`MAX_SHOWN` problems of each severity and only counts the rest, so a
file of a million bad rows costs neither memory nor a million printed lines
("… and 999,900 more").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, SupportsIndex

Severity = Literal["error", "warning"]

MAX_SHOWN = 100  # problems of each severity kept (and printed); the rest are counted


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str
    line: int | None
    column: str | None
    message: str
    key: str | None = field(default=None, compare=False)  # catalogue key of the message
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (the English ``message`` when it has no catalogue key)."""
        if self.key is None:
            return self.message
        from .i18n import t

        return t(self.key, lang, **_formatted(self.params, lang))

    def render(self, lang: str = "en") -> str:
        """``file:line: column: message`` in ``lang``."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.column:
            parts.append(self.column)
        parts.append(self.text(lang))
        text = ": ".join(parts)
        if self.severity == "error":
            return text
        from .i18n import t

        return f"{text} ({t('input.warning', lang)})"

    def __str__(self) -> str:
        return self.render("en")

    def as_dict(self) -> dict[str, object]:
        return {"severity": self.severity, "file": self.file, "line": self.line,
                "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Word:
    """A placeholder value that is itself a catalogue text ("municipality code", "line 4")."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str) -> str:
        from .i18n import t

        return t(self.key, lang, **_formatted(self.params, lang))


def word(key: str, **params: Any) -> Word:
    return Word(key, tuple(sorted(params.items())))


def _formatted(params: tuple[tuple[str, Any], ...], lang: str) -> dict[str, Any]:
    """Whole numbers as people read them in ``lang`` (10.000.000 / 10,000,000), floats with
    one decimal (52,4 / 52.4), words in ``lang``; the rest as is."""
    from .i18n import fmt_number

    def show(value: Any) -> Any:
        if isinstance(value, Word):
            return value.text(lang)
        if isinstance(value, int) and not isinstance(value, bool):
            return fmt_number(value, lang)
        if isinstance(value, float):  # sizes: 52.4 / 52,4
            return fmt_number(value, lang, decimals=1)
        return value

    return {name: show(value) for name, value in params}


def problem(severity: Severity, file: str, line: int | None, column: str | None,
            message_key: str, /, **params: Any) -> Problem:
    """A problem whose words come from the catalogue entry ``message_key`` (see the module doc)."""
    frozen = tuple(sorted(params.items()))
    from .i18n import t

    return Problem(severity, file, line, column,
                   t(message_key, "en", **_formatted(frozen, "en")), message_key, frozen)


class Problems(list[Problem]):
    """A list of problems that keeps the first MAX_SHOWN of each severity and counts the rest."""

    def __init__(self, problems: Iterable[Problem] = ()):
        super().__init__()
        self.kept = {"error": 0, "warning": 0}
        self.omitted = {"error": 0, "warning": 0}
        self.extend(problems)

    def append(self, p: Problem) -> None:
        if self.kept[p.severity] >= MAX_SHOWN:
            self.omitted[p.severity] += 1
            return
        self.kept[p.severity] += 1
        super().append(p)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.append(p)

    def __iadd__(self, problems: Iterable[Problem]) -> Problems:  # type: ignore[override,misc]
        self.extend(problems)
        return self

    def insert(self, index: SupportsIndex, p: Problem) -> None:
        raise TypeError("Problems keeps the order problems were found in; use append")

    def has_room(self, severity: Severity = "error") -> bool:
        """Whether a problem of this severity would still be kept (else it is only counted)."""
        return self.kept[severity] < MAX_SHOWN


def has_room(problems: list[Problem], severity: Severity = "error") -> bool:
    """False when ``problems`` would only count another problem: skip costly wording then."""
    return problems.has_room(severity) if isinstance(problems, Problems) else True


def omitted(problems: Iterable[Problem]) -> dict[str, int]:
    """How many problems of each severity were counted but not kept."""
    return dict(problems.omitted) if isinstance(problems, Problems) else {"error": 0, "warning": 0}


class LirtError(Exception):
    """Base class of every error lirt-opt raises on purpose."""

    exit_code = 3


class InvalidInstance(LirtError):
    """The instance (or scenario) has errors; ``problems`` lists all of them."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]):
        self.omitted = omitted(problems)
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        more = self.omitted["error"]
        super().__init__(f"{len(errors) + more} error(s) in the input:\n" +
                         "\n".join(str(p) for p in errors) +
                         (f"\n… and {more:,} more" if more else ""))


class ProposalFileError(LirtError):
    """A written proposal directory cannot be read (missing file, malformed row)."""

    exit_code = 2


def raise_if_errors(problems: Iterable[Problem]) -> None:
    if not isinstance(problems, list):
        problems = list(problems)
    if any(p.severity == "error" for p in problems):
        raise InvalidInstance(problems)
