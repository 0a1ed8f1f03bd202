"""Stage 5 — extract: the pools' solutions as one proposal (plain data, whole numbers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .balance import PoolOutcome
    from .instance import Instance


@dataclass(frozen=True)
class ExchangeFlow:
    """``places`` of group ``source`` in ``pool`` counted for group ``target``."""

    pool: str
    source: str
    target: str
    places: Fraction
    rate: Fraction

    @property
    def credited(self) -> Fraction:
        return self.places * self.rate


@dataclass(frozen=True)
class Proposal:
    """Places per (municipality, group), and the exchanges used in each pool."""

    places: Mapping[tuple[str, str], int]
    exchanges: tuple[ExchangeFlow, ...]

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
                              "places": float(f.places), "credited": float(f.credited)}
                             for f in self.exchanges],
                            columns=["pool", "from", "to", "places", "credited"])


def extract(instance: Instance, outcomes: Iterable[PoolOutcome]) -> Proposal:
    places: dict[tuple[str, str], int] = {}
    flows: list[ExchangeFlow] = []
    rates = {(ex.source, ex.target): ex.rate for ex in instance.exchanges}
    for out in outcomes:
        if out.places is None or out.exchanges is None:
            raise ValueError(f"pool {out.pool.id} has no solution to extract")
        places.update(out.places)
        for (g, h), n in sorted(out.exchanges.items()):
            if n > 0:
                flows.append(ExchangeFlow(out.pool.id, g, h, Fraction(n), rates[g, h]))
    return Proposal(places=places, exchanges=tuple(flows))
