"""The validated instance: plain data, exact numbers, and the derived quantities of SPEC §3.

Weights, rates and import shares are kept as :class:`fractions.Fraction` (parsed
from their decimal text), so that loads and covers can be compared exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

from .errors import Problem

PROVINCE_POOL = "province"


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    weight: Fraction = Fraction(1)
    max_import_share: Fraction = Fraction(1)


@dataclass(frozen=True)
class Exchange:
    source: str  # `from` in the files
    target: str  # `to`
    rate: Fraction


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region: str
    population: int


@dataclass(frozen=True)
class Bound:
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Location:
    id: str
    municipality: str
    group: str
    capacity: int
    available_from: date | None
    status: str


@dataclass(frozen=True)
class Pool:
    id: str
    members: tuple[str, ...]  # municipality codes, sorted


@dataclass(frozen=True)
class PlaceBound:
    """Bounds on x[m,g] with the reason for each, for messages."""

    lower: int
    upper: int | None
    lower_reason: str
    upper_reason: str


@dataclass(frozen=True)
class ScenarioInfo:
    name: str
    file: str
    description: str
    sha256: str
    overrides: tuple[str, ...]  # one line per change applied, in words


@dataclass(frozen=True)
class Instance:
    name: str
    path: Path
    pool: str
    deadline: date | None
    groups: tuple[Group, ...]  # in declaration order
    exchanges: tuple[Exchange, ...]
    municipalities: tuple[Municipality, ...]  # sorted by code
    targets: Mapping[tuple[str, str], int]  # (code, group) -> target; absent = 0
    bounds: Mapping[tuple[str, str], Bound]
    locations: tuple[Location, ...] | None  # None: no locations.csv
    input_sha256: str
    files_read: tuple[str, ...]
    scenario: ScenarioInfo | None = None
    warnings: tuple[Problem, ...] = ()
    repair_penalties: Mapping[str, Fraction] = field(default_factory=dict)  # [repairs] given
    _cache: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    # ---- lookups -------------------------------------------------------------
    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.groups)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.municipalities)

    def group(self, gid: str) -> Group:
        for g in self.groups:
            if g.id == gid:
                return g
        raise KeyError(gid)

    def municipality(self, code: str) -> Municipality:
        by_code = self._lookup()
        return by_code[code]

    def _lookup(self) -> dict[str, Municipality]:
        if "by_code" not in self._cache:
            self._cache["by_code"] = {m.code: m for m in self.municipalities}
        return self._cache["by_code"]  # type: ignore[return-value]

    def target(self, code: str, gid: str) -> int:
        return self.targets.get((code, gid), 0)

    # ---- derived quantities (SPEC §3) ----------------------------------------
    def fair_share(self, code: str) -> Fraction:
        """F[m] = sum_g weight[g] * t[m,g]."""
        return sum((g.weight * self.target(code, g.id) for g in self.groups), Fraction(0))

    def weight_denominator(self) -> int:
        """D: the least common denominator of all weights, so D*weight is whole."""
        return math.lcm(*(g.weight.denominator for g in self.groups)) if self.groups else 1

    def pool_of(self, code: str) -> str:
        if self.pool == "municipality":
            return code
        if self.pool == "region":
            return self.municipality(code).region
        return PROVINCE_POOL

    def pools(self) -> tuple[Pool, ...]:
        """The pools, ordered by id; members sorted by code."""
        members: dict[str, list[str]] = {}
        for m in self.municipalities:
            members.setdefault(self.pool_of(m.code), []).append(m.code)
        return tuple(Pool(pid, tuple(sorted(ms))) for pid, ms in sorted(members.items()))

    def pool_target(self, pool: Pool, gid: str) -> int:
        return sum(self.target(m, gid) for m in pool.members)

    def counts_by_deadline(self, loc: Location) -> bool:
        """A location's places count when available on or before the deadline."""
        if loc.available_from is None or self.deadline is None:
            return True
        return loc.available_from <= self.deadline

    def place_bounds(self, code: str, gid: str) -> PlaceBound:
        """Lower and upper bound on x[m,g] (SPEC §3, 'Bounds on x[m,g]').

        lower = max(bounds.min, places of existing locations that count by the deadline)
        upper = min(bounds.max, capacity of locations available by the deadline), the
        capacity term only when locations.csv is given; a municipality with fair share
        0 gets upper = lower (no places above its lower bounds).
        """
        b = self.bounds.get((code, gid), Bound())
        lower, lower_reason = 0, "no lower bound"
        if b.min is not None and b.min > 0:
            lower, lower_reason = b.min, f"bounds.csv min {b.min}"
        upper: int | None = None
        upper_reason = "no upper bound"
        if b.max is not None:
            upper, upper_reason = b.max, f"bounds.csv max {b.max}"
        if self.locations is not None:
            mine = [loc for loc in self.locations if loc.municipality == code and loc.group == gid
                    and self.counts_by_deadline(loc)]
            existing = sum(loc.capacity for loc in mine if loc.status == "existing")
            if existing > lower:
                lower, lower_reason = existing, f"existing locations {existing}"
            capacity = sum(loc.capacity for loc in mine)
            if upper is None or capacity < upper:
                when = f" available by {self.deadline.isoformat()}" if self.deadline else ""
                upper, upper_reason = capacity, f"capacity of locations{when} {capacity}"
        if self.fair_share(code) == 0 and (upper is None or upper > lower):
            upper, upper_reason = lower, "fair share 0: no places above the lower bound"
        return PlaceBound(lower, upper, lower_reason, upper_reason)
