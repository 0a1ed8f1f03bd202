"""The fair repair (issue 12, item 2): a repair a regional table can negotiate.

For a short pool: lift its caps (every ``bounds.csv``/scenario maximum of its members), take
the balanced (leximin) proposal of the relaxed pool, and report per municipality and group
the places above its cap. The shortfall is so spread by fair share over the municipalities
that can take it, not piled on the one town the cheapest repair picks. Verified like every
repair: the proposal is checked by ``verify.check`` against the pool with each cap raised
to the places it gets (the repaired instance).

Sites are not grown here: with ``locations.csv`` a site's capacity still bounds the places;
when the relaxed pool does not close, there is no fair repair of this kind (None).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from ..instance import Bound, Instance
from ..verify.verifier import check
from .pools import restrict


@dataclass(frozen=True)
class AboveCap:
    municipality: str
    name: str
    group: str
    cap: int
    places: int

    @property
    def above(self) -> int:
        return self.places - self.cap


@dataclass(frozen=True)
class FairRepair:
    pool: str
    above: tuple[AboveCap, ...]  # only municipalities that get places above their cap
    max_load: Fraction | None  # the heaviest load of the pool after the repair
    verified: bool

    @property
    def total(self) -> int:
        return sum(a.above for a in self.above)


def fair_repair(instance: Instance, pool: str, solver: str = "highs",
                time_limit: float | None = None) -> FairRepair | None:
    """The fair repair of ``pool``, or None when lifting its caps does not close it."""
    from ..pipeline import solve

    sub = restrict(instance, [pool])
    caps = {k: b.max for k, b in sub.bounds.items() if b.max is not None}
    if not caps:
        return None
    relaxed = replace(sub, bounds={k: replace(b, max=None) for k, b in sub.bounds.items()},
                      _cache={})
    result = solve(relaxed, solver=solver, time_limit=time_limit, repairs=0)
    if result.proposal is None or not result.closing:
        return None
    places = result.proposal.places
    raised = {k: Bound(b.min, None if b.max is None else max(b.max, int(places[k])))
              for k, b in sub.bounds.items()}
    repaired = replace(sub, bounds=raised, _cache={})
    report = check(repaired, places, result.proposal.exchanges,
                   sites=result.proposal.sites if repaired.locations is not None else None)
    above = tuple(AboveCap(m, sub.municipality(m).name, g, cap, int(places[m, g]))
                  for (m, g), cap in sorted(caps.items()) if places[m, g] > cap)
    loads = report.loads
    return FairRepair(pool=pool, above=above, max_load=max(loads.values()) if loads else None,
                      verified=report.ok and report.closing)
