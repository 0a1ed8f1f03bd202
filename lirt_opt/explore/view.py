"""A solve result as the data the explorer's page shows (JSON): places per region,
municipality and group, loads, pool covers, exchanges, sites and the diagnosis.

Numbers stay numbers (the page formats them in its language); every text for people
(labels, names, reasons, the diagnosis' words) is made here from the catalogue.
Codes and ids are kept next to the names only as keys for the page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .. import api

if TYPE_CHECKING:
    from ..instance import Instance, Location
    from ..pipeline import SolveResult


def meta(instance: Instance, site_names: Mapping[str, str], lang: str,
         tiles: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
    """What the page needs once: groups, municipalities with their tiles, regions, texts."""
    regions: list[str] = []
    for m in instance.municipalities:
        if m.region not in regions:
            regions.append(m.region)
    return {
        "name": instance.name,
        "lang": lang,
        "groups": [{"id": g.id, "label": g.label} for g in instance.groups],
        "regions": sorted(regions),
        "municipalities": [{"code": m.code, "name": m.name, "region": m.region,
                            "row": tiles[m.code][0], "col": tiles[m.code][1]}
                           for m in instance.municipalities],
        "texts": {k.removeprefix("explore."): v
                  for k, v in api.catalogue("explore.", lang).items()},
        "has_sites": instance.locations is not None,
    }


def site_reason(instance: Instance, loc: Location, lang: str) -> str:
    """Why a site does not count, in words (the rules of ``Instance.site_counts``)."""
    def say(key: str, **kw: Any) -> str:
        return api.text(f"explore.reason.{key}", lang, **kw)

    dl, rule = instance.deadline, instance.counting
    if loc.status == "candidate" and not rule.count_candidates:
        return say("candidate")
    if dl is not None and loc.available_from is not None and loc.available_from > dl:
        return say("late", date=loc.available_from.isoformat(), deadline=dl.isoformat())
    if dl is not None and loc.available_until is not None:
        if loc.available_until < dl:
            return say("ends", date=loc.available_until.isoformat(), deadline=dl.isoformat())
        from ..instance import add_years

        if rule.min_years > 0 and loc.available_until < add_years(dl, rule.min_years):
            return say("short_years", date=loc.available_until.isoformat(),
                       years=api.fmt_number(rule.min_years, lang,
                                            0 if rule.min_years.denominator == 1 else 1))
    return say("small", capacity=loc.capacity, minimum=rule.min_places)


def pool_names(instance: Instance, lang: str) -> Any:
    """A pool's name for people: the region, the municipality's name, or the province."""
    def name(pool: str) -> str:
        if instance.pool == "municipality":
            return instance.municipality(pool).name
        if instance.pool == "province":
            return api.text("explore.pool.province", lang)
        return pool
    return name


def _status_text(result: SolveResult, lang: str) -> str:
    return api.text(f"explore.status.{result.status}", lang)


def build(result: SolveResult, site_names: Mapping[str, str], lang: str) -> dict[str, Any]:
    """The page's data for one solve result."""
    inst = result.instance
    gids = inst.group_ids
    view: dict[str, Any] = {"status": result.status, "status_text": _status_text(result, lang),
                            "closing": result.closing, "pool": inst.pool,
                            "pool_text": api.text(f"explore.pool.{inst.pool}", lang),
                            "seconds": round(result.solve_seconds, 2)}
    loads = result.loads
    prop = result.proposal
    munis = []
    for m in inst.municipalities:
        groups = {}
        for g in gids:
            b = inst.bounds.get((m.code, g))
            groups[g] = {"target": inst.target(m.code, g),
                         "places": prop.places[m.code, g] if prop is not None else None,
                         "min": b.min if b is not None else None,
                         "max": b.max if b is not None else None}
        load = loads.get(m.code)
        munis.append({"code": m.code, "name": m.name, "region": m.region,
                      "pool": inst.pool_of(m.code), "fair": float(inst.fair_share(m.code)),
                      "load": None if load is None else round(float(load), 6),
                      "groups": groups})
    view["municipalities"] = munis
    view["max_load"] = None if result.max_load is None else round(float(result.max_load), 6)
    label = {g.id: g.label for g in inst.groups}
    pool_name = pool_names(inst, lang)
    view["exchanges_allowed"] = [{"from": ex.source, "to": ex.target, "rate": float(ex.rate),
                                  "from_label": label[ex.source], "to_label": label[ex.target]}
                                 for ex in inst.exchanges]
    view["import_shares"] = [{"group": g.id, "label": g.label,
                              "share": float(g.max_import_share)} for g in inst.groups]
    if result.check is not None and prop is not None:
        view["covers"] = [{"pool": pool_name(c.pool), "group": c.group, "group_label": label[c.group],
                           "target": c.target, "places": float(c.places),
                           "exchanged_out": float(c.exchanged_out),
                           "credited": float(c.credited), "margin": float(c.margin)}
                          for c in result.check.covers]
        view["exchanges"] = [{"pool": pool_name(f.pool), "from_label": label[f.source],
                              "to_label": label[f.target], "places": float(f.places),
                              "credited": float(f.credited),
                              "date": f.date.isoformat() if f.date else None}
                             for f in prop.exchanges]
    view["sites"] = _sites(result, site_names, lang)
    if result.diagnosis is not None:
        view["diagnosis"] = _diagnosis(result, lang)
    elif result.status == "error":
        view["message"] = result.message
    return view


def _sites(result: SolveResult, site_names: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
    inst = result.instance
    if inst.locations is None:
        return []
    label = {g.id: g.label for g in inst.groups}
    used = {s.id: s for s in result.proposal.sites} if result.proposal is not None else {}
    out = []
    for loc in sorted(inst.locations, key=lambda x: (x.municipality, x.id)):
        counts, _ = inst.site_counts(loc)
        s = used.get(loc.id)
        out.append({
            "id": loc.id, "name": site_names.get(loc.id, ""), "municipality": loc.municipality,
            "groups": [label[g] for g in loc.groups], "status": loc.status,
            "status_text": api.text(f"explore.site.{loc.status}", lang),
            "capacity": loc.capacity, "min_size": loc.min_size,
            "available_from": loc.available_from.isoformat() if loc.available_from else "",
            "available_until": loc.available_until.isoformat() if loc.available_until else "",
            "counts": counts, "reason": "" if counts else site_reason(inst, loc, lang),
            "opened": None if s is None else s.opened,
            "places": None if s is None else s.total})
    return out


def _diagnosis(result: SolveResult, lang: str) -> dict[str, Any]:
    diag = result.diagnosis
    assert diag is not None
    data = diag.as_dict()
    words = api.diagnosis_words(data, lang)
    label = {g.id: g.label for g in result.instance.groups}
    pool_name = pool_names(result.instance, lang)
    found = (data.get("repairs") or {}).get("found") or []
    repairs = []
    for r, w in zip(found, words["repairs"]):
        repairs.append({"rank": r["rank"], "words": w["changes"],
                        "max_load": None if r.get("max_load") is None
                        else round(float(Fraction(r["max_load"])), 6)})
    return {"shortfall_total": data["shortfall"]["total"],
            "shortfall": [{"pool": pool_name(p["pool"]), "group_label": label.get(p["group"], p["group"]),
                           "target": p["target"], "places": p["places"],
                           "task_units": p["task_units"]} for p in data["shortfall"]["by_pool"]],
            "bottlenecks": words["bottlenecks"], "repairs": repairs, "lines": words["lines"]}


def repair_overlay(result: SolveResult, rank: int) -> dict[str, Any] | None:
    """The scenario overlay of repair ``rank`` (1 = the first) of a result, as data."""
    diag = result.diagnosis
    if diag is None or diag.repairs is None or not 1 <= rank <= len(diag.repairs.repairs):
        return None
    return tomllib.loads(diag.repairs.repairs[rank - 1].scenario_toml)
