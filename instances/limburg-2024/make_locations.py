"""Writes the ILLUSTRATIVE sites of the Limburg instance (locations.csv). Not real data.

Real site data is not available to this project. These sites are made up, sized in
proportion to each municipality's (derived) task so that they are plausible, with
fixed rules (no randomness), so that the demo shows what the engine does with sites:
an existing site that forces relief elsewhere (Venlo), sites that do not count
(available only after the deadline, or temporary), site choice with minimum sizes
and costs, sites shared by two groups, enough capacity by 1 January 2025 for
the milestone of half the task, and, for the two groups added later (status holders and
Ukrainian displaced persons), capacity that a region can exchange: the large towns of
Zuid-Limburg hold more Ukrainian places than their Ukrainian task, while the rest of the
province holds less and plans the remainder.

Sites of the groups asylum and AMV come first in each municipality, so their ids did
not change when the Ukrainian and status-holder sites were added.

    python instances/limburg-2024/make_locations.py   # rewrites locations.csv
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
LATE = {"GM0935", "GM0957", "GM0984"}  # a planned site that opens after the deadline
TEMPORARY = {"GM0917", "GM1883", "GM0988", "GM1507", "GM0928"}  # a hotel until mid-2026
NO_EXISTING = {"GM0944", "GM0965", "GM0981", "GM1729"}  # small places without a site in use
# Large Ukrainian reception in use (municipal locations of 2022-2023): a quarter beyond the task
LARGE_UKRAINE = {"GM0882", "GM0917", "GM0928", "GM0935", "GM1883"}
VENLO = "GM0983"


def main() -> None:
    munis = list(csv.DictReader(open(HERE / "municipalities.csv", encoding="utf-8")))
    targets = {(r["municipality"], r["group"]): int(r["target"])
               for r in csv.DictReader(open(HERE / "targets.csv", encoding="utf-8"))}
    rows = []
    for m in sorted(munis, key=lambda r: r["code"]):
        code, name = m["code"], m["name"]
        a, v = targets[code, "asylum"], targets[code, "amv"]
        u, s = targets[code, "ukraine"], targets[code, "status"]
        n = 0

        def site(groups: str, capacity: int, status: str, what: str, available_from: str = "",
                 min_size: str = "", available_until: str = "", cost: int = 0) -> None:
            nonlocal n
            n += 1
            rows.append([f"{code}-{n}", code, groups, max(capacity, 1), available_from, status,
                         min_size, available_until, cost, f"illustratief: {what}, {name}"])

        if code == "GM0983":  # Venlo: a large existing site, beyond its own task
            site("asylum", 600, "existing", "groot bestaand opvangcentrum", cost=19000)
        elif code not in NO_EXISTING:
            site("asylum", round(0.5 * a), "existing", "bestaande opvanglocatie", cost=20000)
        site("asylum", round(0.45 * a), "planned", "geplande opvanglocatie",
             available_from="2024-12-01", min_size=str(min(20, round(0.2 * a)) or 1), cost=22000)
        site("asylum|amv", round(0.35 * (a + v)), "candidate", "kandidaatlocatie voor volwassenen of minderjarigen",
             available_from="2025-05-01", min_size=str(min(15, round(0.1 * (a + v))) or 1),
             cost=24000)
        site("amv", max(8, round(1.2 * v)), "candidate", "kleinschalige locatie voor minderjarigen",
             available_from="2024-11-01", min_size="8" if v >= 8 else "", cost=30000)
        if a + v >= 200:
            site("asylum", round(0.5 * a), "candidate", "duurzame grote locatie (voormalig kantoor)",
                 available_from="2025-06-01", min_size="50", available_until="2035-12-31",
                 cost=21000)
        if code in TEMPORARY:
            site("asylum", round(0.25 * a), "planned", "tijdelijke locatie in een hotel",
                 available_from="2024-10-01", available_until="2026-06-30", cost=35000)
        if code in LATE:
            site("asylum", round(0.4 * a), "planned", "locatie die na de peildatum opengaat",
                 available_from="2025-09-01", min_size="50", cost=21000)
        # Ukrainian displaced persons: municipal reception in use since 2022
        if code in LARGE_UKRAINE:
            site("ukraine", round(1.25 * u), "existing", "gemeentelijke opvang Oekraïners",
                 cost=15000)
        elif code == VENLO:
            site("ukraine", u, "existing", "gemeentelijke opvang Oekraïners", cost=15000)
        else:
            site("ukraine", round(0.7 * u), "existing", "gemeentelijke opvang Oekraïners",
                 cost=15000)
            site("ukraine", round(0.5 * u), "planned", "geplande opvang Oekraïners",
                 available_from="2024-10-01", cost=16000)
        # status holders: housing in two tranches
        site("status", round(0.7 * s), "planned", "woningen voor statushouders (eerste tranche)",
             available_from="2024-12-01", cost=12000)
        site("status", round(0.6 * s), "candidate", "woningen voor statushouders (tweede tranche)",
             available_from="2025-04-01", cost=13000)
    with open(HERE / "locations.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "municipality", "group", "capacity", "available_from", "status",
                    "min_size", "available_until", "cost", "name"])
        w.writerows(rows)
    print(f"{len(rows)} illustrative sites written to {HERE / 'locations.csv'}")


if __name__ == "__main__":
    main()
