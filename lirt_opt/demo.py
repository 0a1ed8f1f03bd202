"""`make demo`'s last step: show how a scenario moved places compared with the base proposal.

    python -m lirt_opt.demo BASE_DIR SCENARIO_DIR

Reads the two proposal directories (plain CSV and JSON, as any user could) and
prints, per municipality whose places changed, places and load before and after.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def _places(directory: Path) -> dict[str, dict[str, str | int]]:
    rows: dict[str, dict[str, str | int]] = {}
    with open(directory / "proposal.csv", encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            row = rows.setdefault(r["municipality"], {"name": r["name"], "region": r["region"],
                                                      "places": 0})
            row["places"] = int(row["places"]) + int(r["places"])
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    base, other = (Path(a) for a in argv)
    before, after = _places(base), _places(other)
    lb = json.loads((base / "summary.json").read_text())["loads"]
    la = json.loads((other / "summary.json").read_text())["loads"]
    name = json.loads((other / "summary.json").read_text())["scenario"] or {"name": other.name}
    print(f"What scenario '{name['name']}' changes (places = all groups):")
    header = (f"{'municipality':24} {'region':8} {'places':>7} {'':2} {'now':>6} {'load':>6} "
              f"{'':2} {'now':>6}")
    print(header)
    print("-" * len(header))
    changed = [c for c in sorted(before, key=lambda c: (str(before[c]["region"]), c))
               if before[c]["places"] != after[c]["places"]]
    for c in changed:
        print(f"{before[c]['name']!s:24} {before[c]['region']!s:8} {before[c]['places']:>7} "
              f"{'->':>2} {after[c]['places']:>6} {lb.get(c, 0):>6.3f} {'->':>2} {la.get(c, 0):>6.3f}")
    print(f"{len(changed)} municipalities changed; the others keep their places.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
