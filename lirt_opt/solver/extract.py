"""Stage 5 — extract: the pools' solutions as one proposal (plain data, whole numbers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ..instance import Instance
    from .balance import PoolOutcome


@dataclass(frozen=True)
class ExchangeFlow:
    """``places`` of group ``source`` in ``pool`` counted for group ``target``; ``date`` is a
    milestone's date, or None for the task due by the deadline."""

    pool: str
    source: str
    target: str
    places: Fraction
    rate: Fraction
    date: date | None = None

    @property
    def credited(self) -> Fraction:
        return self.places * self.rate


@dataclass(frozen=True)
class SitePlaces:
    """What a proposal does with one site. ``places`` per group for a site that counts; a site
    that does not count has no counted places (an existing one still hosts its capacity)."""

    id: str
    municipality: str
    groups: tuple[str, ...]
    status: str
    opened: bool
    places: Mapping[str, int]
    counts: bool
    reason: str = ""

    @property
    def total(self) -> int:
        return sum(self.places.values())


@dataclass(frozen=True)
class Proposal:
    """Places per (municipality, group), and the exchanges used in each pool."""

    places: Mapping[tuple[str, str], int]
    exchanges: tuple[ExchangeFlow, ...]
    sites: tuple[SitePlaces, ...] = ()

    @property
    def new_sites(self) -> int:
        """Planned and candidate sites the proposal opens."""
        return sum(1 for s in self.sites if s.opened and s.status != "existing")

    def to_frame(self, instance: Instance) -> pd.DataFrame:
        """One row per municipality and group: code, name, region, pool, group, target,
        places, load."""
        import pandas as pd

        rows = []
        for m in instance.municipalities:
            fair = instance.fair_share(m.code)
            effort = sum((instance.group(g).weight * self.places[m.code, g]
                          for g in instance.group_ids), Fraction(0))
            for g in instance.group_ids:
                rows.append({"municipality": m.code, "name": m.name, "region": m.region,
                             "pool": instance.pool_of(m.code), "group": g,
                             "target": instance.target(m.code, g),
                             "places": self.places[m.code, g],
                             "load": float(effort / fair) if fair > 0 else None})
        return pd.DataFrame(rows)

    def exchanges_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"pool": f.pool, "from": f.source, "to": f.target,
                              "places": float(f.places), "credited": float(f.credited),
                              "date": f.date.isoformat() if f.date else None}
                             for f in self.exchanges],
                            columns=["pool", "from", "to", "places", "credited", "date"])

    def sites_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"id": s.id, "municipality": s.municipality,
                              "groups": "|".join(s.groups), "status": s.status,
                              "opened": s.opened, "places": s.total, "counts": s.counts,
                              "reason": s.reason} for s in self.sites],
                            columns=["id", "municipality", "groups", "status", "opened", "places",
                                     "counts", "reason"])


def extract(instance: Instance, outcomes: Iterable[PoolOutcome]) -> Proposal:
    places: dict[tuple[str, str], int] = {}
    flows: list[ExchangeFlow] = []
    sites: list[SitePlaces] = []
    rates = {(ex.source, ex.target): ex.rate for ex in instance.exchanges}
    for out in outcomes:
        if out.places is None or out.exchanges is None:
            raise ValueError(f"pool {out.pool.id} has no solution to extract")
        places.update(out.places)
        for (g, h), n in sorted(out.exchanges.items()):
            if n > 0:
                flows.append(ExchangeFlow(out.pool.id, g, h, Fraction(n), rates[g, h]))
        for (k, g, h), n in sorted((out.milestone_exchanges or {}).items()):
            if n > 0:
                flows.append(ExchangeFlow(out.pool.id, g, h, Fraction(n), rates[g, h],
                                          instance.milestones[k].date))
        at_sites = out.site_places or {}
        for m in out.pool.members:
            for loc in instance.sites_of(m):
                counts, reason = instance.site_counts(loc)
                if counts:
                    split = {g: at_sites.get((loc.id, g), 0) for g in loc.groups}
                    opened = not loc.optional or sum(split.values()) > 0
                else:
                    split, opened = {}, not loc.optional
                sites.append(SitePlaces(loc.id, m, loc.groups, loc.status, opened, split,
                                        counts, reason))
    return Proposal(places=places, exchanges=tuple(flows),
                    sites=tuple(sorted(sites, key=lambda s: s.id)))
