"""Compare two proposals: what changed per municipality and group, per region, and in sites.

Both sides are proposal directories (what ``solve`` writes; the CLI solves an
instance side into one first). The comparison is plain data read from the files:

* ``municipalities``: per municipality and group: target, places and load before
  and after, and the differences (after − before);
* ``regions``: per region and group: target, places, cover and margin before and
  after (cover = own places − exchanged away + credited, summed over the pools
  inside the region; empty when the pool is the whole province, whose exchanges
  belong to no region), the shortfall of a side without a closing proposal (from
  its diagnosis.json), and the region's max load;
* ``sites``: sites that open, close or change size, when both sides have sites.csv.

A side without a closing proposal (e.g. the scenario ``zuid-short``) is compared
all the same: its places and loads are empty, its regions show the shortfall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..proposal.reader import ProposalData
from ..proposal.writer import number, safe_csv_text

MUNICIPALITY_COLUMNS = ("municipality", "name", "region", "group", "target_before", "target_after",
                        "places_before", "places_after", "places_diff", "load_before",
                        "load_after", "load_diff")
REGION_COLUMNS = ("region", "group", "target_before", "target_after", "places_before",
                  "places_after", "places_diff", "covered_before", "covered_after",
                  "margin_before", "margin_after", "short_before", "short_after",
                  "max_load_before", "max_load_after", "max_load_diff")
SITE_COLUMNS = ("site", "municipality", "change", "opened_before", "opened_after", "places_before",
                "places_after", "places_diff")
FILES = {"municipalities": "compare.csv", "regions": "compare-regions.csv",
         "sites": "compare-sites.csv"}
LOAD_DECIMALS = 6


@dataclass
class Comparison:
    before: ProposalData
    after: ProposalData
    municipalities: list[dict[str, Any]]
    regions: list[dict[str, Any]]
    sites: list[dict[str, Any]] | None  # None: not both sides have sites.csv
    notes: list[str] = field(default_factory=list)

    @property
    def both_closing(self) -> bool:
        return self.before.closing and self.after.closing

    def changed(self) -> list[dict[str, Any]]:
        """Rows whose places or load differ, when both sides have a proposal (otherwise every
        row would differ; the regions show what happened)."""
        if not (self.before.has_proposal and self.after.has_proposal):
            return []
        return [r for r in self.municipalities
                if r["places_diff"] != 0 or r["load_diff"] not in (0, None)
                or (r["places_before"] is None) != (r["places_after"] is None)]

    def write(self, directory: Path) -> list[Path]:
        from ..proposal.writer import atomic_write

        written = []
        for key, columns, rows in (("municipalities", MUNICIPALITY_COLUMNS, self.municipalities),
                                   ("regions", REGION_COLUMNS, self.regions),
                                   ("sites", SITE_COLUMNS, self.sites)):
            path = directory / FILES[key]
            if rows is None:
                path.unlink(missing_ok=True)
                continue
            atomic_write(path, safe_csv_text(columns, ([_cell(r[c]) for c in columns] for r in rows)))
            written.append(path)
        return written


def _cell(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Fraction):
        return number(v) if v.denominator == 1 else round(float(v), LOAD_DECIMALS)
    return "" if v is None else v


def _diff(a: Any, b: Any) -> Any:
    return None if a is None or b is None else b - a


def _region_of_pool(data: ProposalData) -> dict[str, str] | None:
    """pool id -> region, when every pool lies inside one region (pool = region or municipality)."""
    pool = (data.summary.get("instance") or {}).get("pool")
    munis = data.municipalities
    if pool == "region":
        return {region: region for _, _, region in munis}
    if pool == "municipality":
        return {code: region for code, _, region in munis}
    return None


def _covers(data: ProposalData, regions_of: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """(region, group) -> cover, margin (from summary pools) and shortfall (from diagnosis)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    to_region = _region_of_pool(data)
    if to_region is None:
        return out
    for p in data.pools:
        region = to_region.get(p["pool"], regions_of.get(p["pool"], p["pool"]))
        row = out.setdefault((region, p["group"]), {"covered": Fraction(0), "margin": Fraction(0),
                                                    "short": None})
        row["covered"] += Fraction(str(p["covered"]))
        row["margin"] += Fraction(str(p["margin"]))
    diag = data.diagnosis or {}
    for part in (diag.get("shortfall") or {}).get("by_pool") or []:
        pool_id = part.get("pool")
        region = to_region.get(pool_id, regions_of.get(pool_id, pool_id))
        row = out.setdefault((region, part.get("group")), {"covered": None, "margin": None,
                                                           "short": Fraction(0)})
        row["short"] = (row["short"] or Fraction(0)) + Fraction(str(part.get("places", 0)))
    return out


def compare(before: ProposalData, after: ProposalData) -> Comparison:
    notes = []
    for side, data in (("before", before), ("after", after)):
        if not data.has_proposal:
            notes.append(f"{side}: no closing proposal ({data.status}); its places and loads are "
                         "empty" + ("; the shortfall is from its diagnosis.json"
                                    if data.diagnosis else ""))
    # municipalities and groups of both sides, in a stable order
    info: dict[str, tuple[str, str]] = {}
    groups: dict[str, None] = {}
    targets: dict[str, dict[tuple[str, str], int]] = {"before": {}, "after": {}}
    for side, data in (("before", before), ("after", after)):
        for r in data.rows or []:
            info.setdefault(r.municipality, (r.name, r.region))
            groups.setdefault(r.group, None)
            targets[side][r.municipality, r.group] = r.target
    if not info:  # neither side has a proposal: nothing per municipality to show
        notes.append("neither side has a proposal: only the regions' shortfalls are compared")
    pb, pa = before.places(), after.places()
    lb, la = before.loads, after.loads
    rows = []
    for code in sorted(info):
        name, region = info[code]
        for g in groups:
            if (code, g) not in pb and (code, g) not in pa:
                continue
            load_b = lb.get(code) if before.has_proposal else None
            load_a = la.get(code) if after.has_proposal else None
            rows.append({
                "municipality": code, "name": name, "region": region, "group": g,
                "target_before": targets["before"].get((code, g)),
                "target_after": targets["after"].get((code, g)),
                "places_before": pb.get((code, g)), "places_after": pa.get((code, g)),
                "places_diff": _diff(pb.get((code, g)), pa.get((code, g))),
                "load_before": load_b, "load_after": load_a, "load_diff": _diff(load_b, load_a)})
    # regions
    regions_of = {code: region for code, (_, region) in info.items()}
    cov = {"before": _covers(before, regions_of), "after": _covers(after, regions_of)}
    if _region_of_pool(before) is None or _region_of_pool(after) is None:
        notes.append("cover per region is left empty for a side pooled over the whole province "
                     "(its exchanges belong to no region)")
    region_keys = sorted({(r["region"], r["group"]) for r in rows}
                         | set(cov["before"]) | set(cov["after"]))
    region_rows = []
    for region, g in region_keys:
        mine = [r for r in rows if r["region"] == region and r["group"] == g]

        def total(column: str, mine: list[dict[str, Any]] = mine) -> int | None:
            values = [r[column] for r in mine if r[column] is not None]
            return sum(values) if values else None

        codes = {r["municipality"] for r in rows if r["region"] == region}
        max_b = max((lb[c] for c in codes if c in lb), default=None) if before.has_proposal else None
        max_a = max((la[c] for c in codes if c in la), default=None) if after.has_proposal else None
        cb, ca = cov["before"].get((region, g), {}), cov["after"].get((region, g), {})
        region_rows.append({
            "region": region, "group": g,
            "target_before": total("target_before"), "target_after": total("target_after"),
            "places_before": total("places_before"), "places_after": total("places_after"),
            "places_diff": _diff(total("places_before"), total("places_after")),
            "covered_before": cb.get("covered"), "covered_after": ca.get("covered"),
            "margin_before": cb.get("margin"), "margin_after": ca.get("margin"),
            "short_before": cb.get("short"), "short_after": ca.get("short"),
            "max_load_before": max_b, "max_load_after": max_a, "max_load_diff": _diff(max_b, max_a)})
    # sites
    sites = None
    if before.sites is not None and after.sites is not None:
        sites = _compare_sites(before.sites, after.sites)
    elif before.sites is not None or after.sites is not None:
        missing = "before" if before.sites is None else "after"
        notes.append(f"sites: the {missing} side has no sites.csv; sites are not compared")
    return Comparison(before, after, rows, region_rows, sites, notes)


def _opened(site: dict[str, Any]) -> bool:
    value = site.get("opened")
    if value is None or value == "":
        places = site.get("places")
        return isinstance(places, (int, float)) and places > 0
    if isinstance(value, (int, float)):
        return value > 0
    return str(value).strip().lower() in ("true", "yes", "ja", "1", "open", "opened")


def _compare_sites(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    b = {str(s.get("id")): s for s in before}
    a = {str(s.get("id")): s for s in after}
    rows = []
    for site in sorted(set(b) | set(a)):
        sb, sa = b.get(site), a.get(site)
        ob = _opened(sb) if sb else None
        oa = _opened(sa) if sa else None
        places_b = sb.get("places") if sb else None
        places_a = sa.get("places") if sa else None
        if sb is None:
            change = "added"
        elif sa is None:
            change = "removed"
        elif ob != oa:
            change = "opens" if oa else "closes"
        elif places_b != places_a:
            change = "resized"
        else:
            change = "same"
        numeric = all(isinstance(v, (int, float)) for v in (places_b, places_a))
        rows.append({"site": site, "municipality": (sa or sb or {}).get("municipality", ""),
                     "change": change, "opened_before": ob, "opened_after": oa,
                     "places_before": places_b, "places_after": places_a,
                     "places_diff": _diff(places_b, places_a) if numeric else None})
    return rows
