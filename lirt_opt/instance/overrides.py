"""Scenario overrides from the command line: quick what-if questions without a scenario file.

    --fix GM0983:asylum=400     min = max = 400 places of asylum in GM0983
    --cap Gennep:asylum=40      at most 40 (the minimum, if any, is kept); a municipality
                                by CBS code or by name (case-insensitive, exact after trimming)
    --min GM0907:amv=5          at least 5 (the maximum, if any, is kept)
    --exclude-site LOC12        leave location LOC12 out (as exclude_locations)
    --pool municipality         pool by municipality | region | province

They are an in-memory overlay applied by ``scenario.apply_overrides`` after the
scenario file (if any), through the same tables a scenario file changes; the
instance's files are never edited. Each override keeps the text it was given as
(``Override.label``, e.g. ``--cap GM0907:asylum=40``) so that every problem
names the option, and summary.json records them exactly.

This module only parses the text; whether a code, group or site exists (and which
code a name stands for) is checked against the instance by ``scenario.apply_overrides``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..read import schema

BOUND_OPTIONS = ("--fix", "--cap", "--min")


@dataclass(frozen=True)
class Override:
    """One command-line override. ``option`` is the flag; ``text`` the value as given."""

    option: str  # --fix | --cap | --min | --exclude-site | --pool
    text: str
    municipality: str | None = None
    group: str | None = None
    places: int | None = None
    site: str | None = None
    pool: str | None = None

    @property
    def label(self) -> str:
        """The override as typed: ``--cap GM0907:asylum=40``."""
        return f"{self.option} {self.text}"

    @property
    def sets_min(self) -> bool:
        return self.option in ("--fix", "--min")

    @property
    def sets_max(self) -> bool:
        return self.option in ("--fix", "--cap")


def parse_bound(option: str, text: str) -> Override:
    """``MUNICIPALITY:GROUP=N`` for --fix/--cap/--min (a code or a name, resolved later);
    raises ValueError with what is wrong."""
    if option not in BOUND_OPTIONS:
        raise ValueError(f"{option} is not a bound option")
    left, eq, number = text.rpartition("=")
    code, colon, group = left.rpartition(":")
    code, group, number = code.strip(), group.strip(), number.strip()
    if not (eq and colon and code and group and number):
        raise ValueError(f"{text!r} is not of the form MUNICIPALITY:GROUP=N (a CBS code or a "
                         "name, e.g. GM0983:asylum=400 or Gennep:asylum=40)")
    if not re.fullmatch(r"\+?\d+", number):
        raise ValueError(f"{text!r}: {number!r} is not a whole number of places >= 0")
    return Override(option, text.strip(), municipality=code, group=group, places=int(number))


def parse_site(text: str) -> Override:
    site = text.strip()
    if not site:
        raise ValueError("a location id is required")
    return Override("--exclude-site", site, site=site)


def parse_pool(text: str) -> Override:
    pool = text.strip().lower()
    if pool not in schema.POOL_CHOICES:
        raise ValueError(f"{text!r} is not one of: {', '.join(schema.POOL_CHOICES)}")
    return Override("--pool", pool, pool=pool)


def parse_label(label: str) -> Override:
    """The inverse of ``Override.label`` (used to re-apply the overrides recorded in summary.json)."""
    option, _, text = label.strip().partition(" ")
    if option in BOUND_OPTIONS:
        return parse_bound(option, text)
    if option == "--exclude-site":
        return parse_site(text)
    if option == "--pool":
        return parse_pool(text)
    raise ValueError(f"{label!r} is not a command-line override")


def collect(fix: Iterable[str] = (), cap: Iterable[str] = (), minimum: Iterable[str] = (),
            exclude_site: Iterable[str] = (), pool: str | None = None) -> tuple[Override, ...]:
    """Parse every override given; raises ValueError naming the option of the first bad one."""
    out: list[Override] = []
    if pool is not None:
        try:
            out.append(parse_pool(pool))
        except ValueError as exc:
            raise ValueError(f"--pool: {exc}") from None
    for option, values in (("--fix", fix), ("--cap", cap), ("--min", minimum)):
        for text in values:
            try:
                out.append(parse_bound(option, text))
            except ValueError as exc:
                raise ValueError(f"{option}: {exc}") from None
    for text in exclude_site:
        try:
            out.append(parse_site(text))
        except ValueError as exc:
            raise ValueError(f"--exclude-site: {exc}") from None
    return tuple(out)


def digest(overrides: Iterable[Override]) -> str:
    """sha256 of the overrides' labels, sorted (order on the command line does not matter)."""
    text = "".join(label + "\n" for label in sorted(o.label for o in overrides))
    return hashlib.sha256(text.encode()).hexdigest()
