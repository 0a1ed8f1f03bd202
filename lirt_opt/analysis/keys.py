"""The project's own key function: reference tasks from populations (used for the bundled instances).

The official Spreidingswet list (Staatscourant 2024, 3320) divides the national task
by inhabitants corrected with the CBS socio-economic score; those corrections are
not public as data here, so this key uses inhabitants only and therefore differs
from the official figures (see instances/README.md). It is exact and reproducible:

* total[m] = largest-remainder apportionment of ``total`` by population
  (quota = total * population[m] / sum of populations; everyone gets the floor of
  the quota; the places left go to the largest remainders, ties to the lower code);
* a share group (e.g. AMV) gets round-half-up(total[m] * share);
* the rest group gets total[m] minus the share groups.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction


def largest_remainder(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Apportion ``total`` whole units in proportion to ``weights`` (Hamilton's method)."""
    if total < 0:
        raise ValueError("total must be >= 0")
    denom = sum(weights.values())
    if denom <= 0:
        raise ValueError("the weights must add up to more than 0")
    quotas = {k: Fraction(total * w, denom) for k, w in weights.items()}
    seats = {k: math.floor(q) for k, q in quotas.items()}
    left = total - sum(seats.values())
    order = sorted(weights, key=lambda k: (-(quotas[k] - seats[k]), k))
    for k in order[:left]:
        seats[k] += 1
    return seats


def round_half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def targets_by_population(total: int, populations: Mapping[str, int], rest_group: str,
                          shares: Sequence[tuple[str, Fraction]]) -> dict[tuple[str, str], int]:
    """(code, group) -> target: the rest group gets what the share groups leave."""
    totals = largest_remainder(total, populations)
    out: dict[tuple[str, str], int] = {}
    for code in sorted(totals):
        taken = 0
        for group, share in shares:
            n = round_half_up(totals[code] * share)
            out[code, group] = n
            taken += n
        if taken > totals[code]:
            raise ValueError(f"shares take {taken} places of {code}'s total {totals[code]}")
        out[code, rest_group] = totals[code] - taken
    return out
