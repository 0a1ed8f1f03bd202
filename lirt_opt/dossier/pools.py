"""Per-pool results: pools share no row, so a pool that closes has a proposal of its own
even when another pool is short (issue 12, item 1).

:func:`restrict` gives the instance of some pools only (their municipalities, targets,
bounds and sites); :func:`close_pools` extracts the closing pools' proposal from the
solve and verifies it against that restricted instance with ``verify.check``. The
province's proposal is closing only when every pool closes: the result keeps status
``infeasible`` (exit 1) and ``proposal`` None; the closing pools' part is ``pools``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..instance import Instance
from ..solver.extract import Proposal, extract
from ..verify.verifier import CheckReport, check

if TYPE_CHECKING:
    from ..diagnosis.diagnose import Diagnosis
    from ..solver.balance import PoolOutcome


@dataclass
class PoolResults:
    """The closing pools' verified proposal, and the short pools with their shortfall."""

    instance: Instance  # restricted to the closing pools
    closing: tuple[str, ...]  # pool ids
    short: tuple[str, ...]  # pool ids
    proposal: Proposal
    check: CheckReport
    shortfall: dict[str, dict[str, Fraction]]  # short pool -> group -> places short

    def short_places(self, pool: str) -> Fraction:
        return sum(self.shortfall.get(pool, {}).values(), Fraction(0))

    def as_dict(self) -> dict[str, Any]:
        """summary.json ``pool_results``."""
        from ..proposal.writer import number

        return {"closing": list(self.closing),
                "short": [{"pool": p, "places": number(self.short_places(p)),
                           "groups": {g: number(n) for g, n in sorted(parts.items())}}
                          for p in self.short for parts in [self.shortfall.get(p, {})]]}


def restrict(instance: Instance, pools: Iterable[str]) -> Instance:
    """The instance of ``pools`` only: their municipalities, targets, bounds and sites."""
    wanted = set(pools)
    keep = {m for p in instance.pools() if p.id in wanted for m in p.members}
    return replace(
        instance,
        municipalities=tuple(m for m in instance.municipalities if m.code in keep),
        targets={k: v for k, v in instance.targets.items() if k[0] in keep},
        bounds={k: v for k, v in instance.bounds.items() if k[0] in keep},
        locations=None if instance.locations is None else tuple(
            loc for loc in instance.locations if loc.municipality in keep),
        _cache={})


def pool_shortfall(diagnosis: Diagnosis | None) -> dict[str, dict[str, Fraction]]:
    """pool -> group -> places short, from the diagnosis (nonzero parts only)."""
    out: dict[str, dict[str, Fraction]] = {}
    for part in diagnosis.parts if diagnosis is not None else ():
        out.setdefault(part.pool, {})[part.group] = part.places
    return out


def close_pools(instance: Instance, outcomes: Iterable[PoolOutcome],
                diagnosis: Diagnosis | None) -> PoolResults | None:
    """The verified proposal of the pools that close, when at least one pool closes and at
    least one is short; None otherwise (or when the verifier rejects it)."""
    outcomes = list(outcomes)
    closing = [o for o in outcomes if o.status in ("optimal", "feasible")]
    short = [o.pool.id for o in outcomes if o.status == "infeasible"]
    if not closing or not short or len(closing) + len(short) != len(instance.pools()):
        return None
    sub = restrict(instance, (o.pool.id for o in closing))
    proposal = extract(sub, closing)
    report = check(sub, proposal.places, proposal.exchanges,
                   sites=proposal.sites if sub.locations is not None else None)
    if not report.ok:
        return None
    return PoolResults(instance=sub, closing=tuple(o.pool.id for o in closing),
                       short=tuple(short), proposal=proposal, check=report,
                       shortfall=pool_shortfall(diagnosis))
