"""The validated instance: plain data, exact numbers, and the derived quantities of SPEC §3.

Weights, rates and import shares are kept as :class:`fractions.Fraction` (parsed
from their decimal text), so that loads and covers can be compared exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from ..base.errors import Problem

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
    """A reception site. Several groups share one capacity."""

    id: str
    municipality: str
    groups: tuple[str, ...]
    capacity: int
    available_from: date | None
    status: str  # existing | planned | candidate
    min_size: int | None = None  # empty: 1
    available_until: date | None = None
    cost: Fraction | None = None  # euros per place per year; empty: 0
    name: str = ""  # for people (locations.csv `name`); empty: the id

    @property
    def label(self) -> str:
        """The site as people call it: its name, or its id when it has none."""
        return self.name or self.id

    @property
    def optional(self) -> bool:
        """Planned and candidate sites are opened or not by the model."""
        return self.status != "existing"


@dataclass(frozen=True)
class Counting:
    """[counting] rules: which sites count for the task."""

    min_places: int = 0
    min_years: Fraction = Fraction(0)
    count_candidates: bool = True


@dataclass(frozen=True)
class Milestone:
    date: date
    share: Fraction


DEFAULT_OBJECTIVE_ORDER = ("balance", "sites", "cost")


def add_years(day: date, years: Fraction) -> date:
    """``day`` plus ``years``: whole years on the calendar (29 February -> 28 February), a
    fraction of a year as that fraction of 365.2425 days, rounded up."""
    whole = int(years)
    try:
        shifted = day.replace(year=day.year + whole)
    except ValueError:  # 29 February in a year that has none
        shifted = day.replace(year=day.year + whole, day=28)
    rest = years - whole
    return shifted + timedelta(days=math.ceil(rest * Fraction(3652425, 10000))) if rest else shifted


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
    file: str | None  # the scenario file; None: command-line overrides only
    description: str
    sha256: str
    overrides: tuple[str, ...]  # one line per change applied, in words
    options: tuple[str, ...] = ()  # command-line overrides as typed (--cap GM0907:asylum=40)


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
    counting: Counting = Counting()
    milestones: tuple[Milestone, ...] = ()
    objective_order: tuple[str, ...] = DEFAULT_OBJECTIVE_ORDER
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

    # ---- sites ---------------------------------------------------------------------
    def site_counts(self, loc: Location, lang: str = "en") -> tuple[bool, str]:
        """Whether a site's places count for the task, and if not, why (in words, English by
        default as in sites.csv; ``lang="nl"`` for the Dutch words)."""
        why = self.site_exclusion(loc)
        if why is None:
            return True, ""
        from ..base.i18n import t

        return False, t(f"site.why.{why[0]}", lang, **why[1])

    def site_exclusion(self, loc: Location) -> tuple[str, dict[str, str]] | None:
        """None when a site's places count; else (reason key, values) for the catalogue."""
        dl, rule = self.deadline, self.counting
        if loc.status == "candidate" and not rule.count_candidates:
            return "candidate", {}
        if dl is not None and loc.available_from is not None and loc.available_from > dl:
            return "late", {"date": loc.available_from.isoformat(), "deadline": dl.isoformat()}
        if dl is not None and loc.available_until is not None:
            if loc.available_until < dl:
                return "ends", {"date": loc.available_until.isoformat(),
                                "deadline": dl.isoformat()}
            if rule.min_years > 0:
                needed = add_years(dl, rule.min_years)
                if loc.available_until < needed:
                    return "short", {"date": loc.available_until.isoformat(),
                                     "years": f"{float(rule.min_years):g}",
                                     "deadline": dl.isoformat(), "needed": needed.isoformat()}
        if loc.capacity < rule.min_places:
            return "small", {"capacity": str(loc.capacity), "minimum": str(rule.min_places)}
        return None

    def site_min_size(self, loc: Location) -> int:
        """Fewest places an opened site hosts: its min_size (default 1), and for a site that
        counts at least [counting] min_places."""
        return max(loc.min_size or 1, self.counting.min_places)

    def sites_of(self, code: str) -> tuple[Location, ...]:
        """The sites of a municipality, by id."""
        if self.locations is None:
            return ()
        index = self._cache.get("sites_of")
        if index is None:  # one pass over all sites (a scan per code is quadratic at scale)
            by_code: dict[str, list[Location]] = {}
            for loc in self.locations:
                by_code.setdefault(loc.municipality, []).append(loc)
            index = {c: tuple(sorted(locs, key=lambda loc: loc.id))
                     for c, locs in by_code.items()}
            self._cache["sites_of"] = index
        return index.get(code, ())  # type: ignore[attr-defined]

    def available_on(self, loc: Location, day: date) -> bool:
        """Is the site available on ``day`` (a milestone date)?"""
        return ((loc.available_from is None or loc.available_from <= day)
                and (loc.available_until is None or loc.available_until >= day))

    def place_bounds(self, code: str, gid: str) -> PlaceBound:
        """Lower and upper bound on x[m,g] (SPEC §3, 'Bounds on x[m,g]').

        lower = max(bounds.min, places of existing counting sites that serve only g)
        upper = min(bounds.max, capacity of the counting sites that serve g), the site terms
        only when locations.csv is given. A municipality with fair share 0 gets no places
        above its lower bound (upper = lower; SPEC §3), so its sites open only as far as a
        bounds.min needs; with sites, the places of its existing sites that serve g (a site
        shared by groups hosts its capacity whatever the split) count as lower bound here.
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
            mine = [loc for loc in self.sites_of(code) if gid in loc.groups
                    and self.site_counts(loc)[0]]
            existing = sum(loc.capacity for loc in mine
                           if loc.status == "existing" and loc.groups == (gid,))
            if existing > lower:
                lower, lower_reason = existing, f"existing sites {existing}"
            capacity = sum(loc.capacity for loc in mine)
            if upper is None or capacity < upper:
                upper, upper_reason = capacity, f"capacity of counting sites {capacity}"
            # F = 0: up to the lower bound (its sites may open to meet a bounds.min), and the
            # places of existing sites serving g (shared between groups, they host them anyway)
            at_most = max(lower, sum(loc.capacity for loc in mine if loc.status == "existing"))
        else:
            at_most = lower
        if self.fair_share(code) == 0 and (upper is None or upper > at_most):
            upper, upper_reason = at_most, "fair share 0: no places above the lower bound"
        return PlaceBound(lower, upper, lower_reason, upper_reason)
