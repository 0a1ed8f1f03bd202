"""Writes the ILLUSTRATIVE realised places of the Limburg instance (realised.csv). Not real data.

Real progress figures are not available to this project. The file shows what
`lirt-opt monitor` does with three counts (1 October 2024, 1 January 2025, 1 April
2025): each municipality has realised a share of its task per group that grows from
count to count (35 %, 55 %, 75 %), times a factor of its own from its CBS code
(0.8, 0.9, 1.0, 1.1 or 1.2: some are ahead, some behind), rounded to whole places,
and never more than the places of its sites open on that date that count by the
deadline (a site shared by groups split evenly between them, rounded down), so that
`solve --realised` can keep every realised place. Fixed rules, no randomness.

    python instances/limburg-2024/make_realised.py   # rewrites realised.csv
"""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNTS = (("2024-10-01", Fraction(35, 100)), ("2025-01-01", Fraction(55, 100)),
          ("2025-04-01", Fraction(75, 100)))


def factor(code: str) -> Fraction:
    return Fraction(8 + int(code[2:]) % 5, 10)


DEADLINE = "2025-07-01"


def room(sites: list[dict[str, str]], code: str, group: str, day: str) -> int:
    """Places of ``group`` at the sites of ``code`` open on ``day`` that count by the deadline."""
    total = 0
    for s in sites:
        groups = s["group"].split("|")
        if (s["municipality"] == code and group in groups and s["available_from"] <= day
                and s["available_from"] <= DEADLINE
                and (not s["available_until"] or s["available_until"] >= DEADLINE)):
            total += int(s["capacity"]) // len(groups)
    return total


def main() -> None:
    with open(HERE / "targets.csv", encoding="utf-8") as f:
        targets = [(r["municipality"], r["group"], int(r["target"])) for r in csv.DictReader(f)]
    with open(HERE / "locations.csv", encoding="utf-8") as f:
        sites = list(csv.DictReader(f))
    rows = []
    for day, share in COUNTS:
        for code, group, target in sorted(targets):
            if target > 0:
                places = min(round(target * share * factor(code)), room(sites, code, group, day))
                rows.append([day, code, group, places, ""])
    with open(HERE / "realised.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date", "municipality", "group", "places", "site"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
