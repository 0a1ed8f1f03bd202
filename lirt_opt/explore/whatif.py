"""What-ifs as changes of a scenario overlay: the data of a scenario TOML file.

Every what-if of the explorer (a municipality's offer per group, a site, an exchange,
an import share, the pool) is a function from the overlay before to the overlay
after, so that the state of the explorer is always one scenario file: the one it
solves (through ``lirt_opt.api.load_instance(path, scenario=...)``), the one it
saves, and the one ``lirt-opt solve --scenario`` reads back. Bad input raises
:class:`WhatIfError` naming the field and saying what is wrong in the chosen language.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .. import api

if TYPE_CHECKING:
    from ..instance import Instance, Location

POOLS = ("municipality", "region", "province")
BOUND_OPS = ("fix", "cap", "min", "clear")
SITE_OPS = ("exclude", "include", "set")
MAX_PLACES = 10_000_000


class WhatIfError(Exception):
    """Bad input for a what-if: ``field`` is the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Context:
    """What a what-if needs besides the overlay: the instance as it stands (with the
    overlay applied), the instance's own files (without any scenario), site names, language."""

    current: Instance
    files: Instance
    site_names: dict[str, str]
    lang: str

    def say(self, key: str, **kw: Any) -> str:
        return api.text(f"explore.{key}", self.lang, **kw)

    def muni_name(self, code: str) -> str:
        return self.current.municipality(code).name

    def group_label(self, gid: str) -> str:
        return self.current.group(gid).label

    def site_label(self, site: str) -> str:
        return self.site_names.get(site, site)


def whole(ctx: Context, field: str, value: Any, minimum: int = 0) -> int:
    """A whole number of places typed in a form field."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise WhatIfError(field, ctx.say("err.empty"))
    if not re.fullmatch(r"[+-]?\d+", text):
        raise WhatIfError(field, ctx.say("err.not_whole", value=text))
    n = int(text)
    if n < minimum:
        raise WhatIfError(field, ctx.say("err.below", minimum=minimum))
    if n > MAX_PLACES:
        raise WhatIfError(field, ctx.say("err.too_large"))
    return n


def decimal(ctx: Context, field: str, value: Any, low: Fraction, high: Fraction | None,
            low_open: bool = False) -> Fraction:
    """A decimal number (comma or point) typed in a form field."""
    text = str(value).strip().replace(",", ".") if value is not None else ""
    if not text:
        raise WhatIfError(field, ctx.say("err.empty"))
    if not re.fullmatch(r"\d+(\.\d{1,6})?", text):
        raise WhatIfError(field, ctx.say("err.not_number", value=str(value).strip()))
    x = Fraction(text)
    if x < low or (low_open and x == low) or (high is not None and x > high):
        raise WhatIfError(field, ctx.say("err.range"))
    return x


def a_date(ctx: Context, field: str, value: Any) -> date | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WhatIfError(field, ctx.say("err.not_date", value=text)) from None


def choose(ctx: Context, field: str, value: Any, choices: tuple[str, ...] | list[str]) -> str:
    if value not in choices:
        raise WhatIfError(field, ctx.say("err.choice"))
    return str(value)


# ---------------------------------------------------------------------------- the what-ifs
def apply(overlay: dict[str, Any], request: dict[str, Any], ctx: Context
          ) -> tuple[dict[str, Any], str]:
    """The overlay with the what-if ``request`` applied, and the what-if in words."""
    kind = request.get("kind")
    data = copy.deepcopy(overlay)
    if kind == "bound":
        return data, _bound(data, request, ctx)
    if kind == "site":
        return data, _site(data, request, ctx)
    if kind == "exchange":
        return data, _exchange(data, request, ctx)
    if kind == "import_share":
        return data, _import_share(data, request, ctx)
    if kind == "pool":
        pool = choose(ctx, "pool", request.get("pool"), POOLS)
        if pool == ctx.current.pool:
            raise WhatIfError("pool", ctx.say("err.no_change"))
        data["pool"] = pool
        return data, ctx.say("h.pool", pool=ctx.say(f"pool.{pool}"))
    raise WhatIfError("kind", ctx.say("err.choice"))


def _bound(data: dict[str, Any], r: dict[str, Any], ctx: Context) -> str:
    inst = ctx.current
    m = choose(ctx, "municipality", r.get("municipality"), inst.codes)
    g = choose(ctx, "group", r.get("group"), inst.group_ids)
    op = choose(ctx, "op", r.get("op"), BOUND_OPS)
    old = inst.bounds.get((m, g))
    lo, hi = (old.min, old.max) if old is not None else (None, None)
    value = None if op == "clear" else whole(ctx, "value", r.get("value"))
    if op == "fix":
        lo = hi = value
    elif op == "cap":
        hi = value
        if lo is not None and value is not None and value < lo:
            raise WhatIfError("value", ctx.say("err.cap_below_min", min=lo))
    elif op == "min":
        lo = value
        if hi is not None and value is not None and value > hi:
            raise WhatIfError("value", ctx.say("err.min_above_cap", max=hi))
    else:
        lo = hi = None
    if inst.locations is not None and value is not None:
        counting = [loc for loc in inst.sites_of(m) if g in loc.groups and inst.site_counts(loc)[0]]
        capacity = sum(loc.capacity for loc in counting)
        existing = sum(loc.capacity for loc in counting
                       if loc.status == "existing" and loc.groups == (g,))
        if lo is not None and lo > capacity:
            raise WhatIfError("value", ctx.say("err.above_capacity", capacity=capacity,
                                               name=ctx.muni_name(m), group=ctx.group_label(g)))
        if hi is not None and hi < existing:
            raise WhatIfError("value", ctx.say("err.below_existing", existing=existing,
                                               name=ctx.muni_name(m), group=ctx.group_label(g)))
    entry: dict[str, Any] = {"municipality": m, "group": g}
    if lo is not None:
        entry["min"] = lo
    if hi is not None:
        entry["max"] = hi
    rows = [b for b in data.get("bounds", []) if (b.get("municipality"), b.get("group")) != (m, g)]
    data["bounds"] = [*rows, entry]
    return ctx.say(f"h.{op}", name=ctx.muni_name(m), group=ctx.group_label(g),
                   value=api.fmt_number(value or 0, ctx.lang))


def location_entry(loc: Location, name: str | None) -> dict[str, Any]:
    """A site as a scenario's [[locations]] entry (the columns of locations.csv)."""
    row: dict[str, Any] = {"id": loc.id, "municipality": loc.municipality,
                           "group": "|".join(loc.groups), "capacity": loc.capacity,
                           "available_from": loc.available_from, "status": loc.status,
                           "min_size": loc.min_size, "available_until": loc.available_until,
                           "cost": loc.cost, "name": name}
    return {k: v for k, v in row.items() if v is not None}


def _site(data: dict[str, Any], r: dict[str, Any], ctx: Context) -> str:
    inst = ctx.current
    site = str(r.get("site") or "")
    op = choose(ctx, "op", r.get("op"), SITE_OPS)
    in_files = {loc.id for loc in ctx.files.locations or ()}
    excluded = list(data.get("exclude_locations", []))
    added = list(data.get("locations", []))
    now = {loc.id: loc for loc in inst.locations or ()}
    label = ctx.site_label(site)
    if op == "include":
        if site not in excluded:
            raise WhatIfError("site", ctx.say("err.no_change"))
        data["exclude_locations"] = [x for x in excluded if x != site]
        if not data["exclude_locations"]:
            del data["exclude_locations"]
        return ctx.say("h.site_include", site=label)
    if site not in now:
        raise WhatIfError("site", ctx.say("err.choice"))
    if op == "exclude":
        data["locations"] = [e for e in added if e.get("id") != site]
        if not data["locations"]:
            del data["locations"]
        if site in in_files:
            data["exclude_locations"] = [*excluded, site]
        return ctx.say("h.site_exclude", site=label)
    loc = now[site]
    capacity = whole(ctx, "capacity", r.get("capacity", loc.capacity), minimum=1)
    min_size_text = r.get("min_size", loc.min_size)
    min_size = None if min_size_text in (None, "") else whole(ctx, "min_size", min_size_text, 1)
    if min_size is not None and min_size > capacity:
        raise WhatIfError("min_size", ctx.say("err.min_size"))
    start = a_date(ctx, "available_from", r.get("available_from", loc.available_from))
    until = a_date(ctx, "available_until", r.get("available_until", loc.available_until))
    if start is not None and until is not None and until < start:
        raise WhatIfError("available_until", ctx.say("err.until_before_from"))
    new = replace(loc, capacity=capacity, min_size=min_size, available_from=start,
                  available_until=until)
    if new == loc:
        raise WhatIfError("capacity", ctx.say("err.no_change"))
    entry = location_entry(new, ctx.site_names.get(site))
    data["locations"] = [*[e for e in added if e.get("id") != site], entry]
    if site in excluded:  # an excluded site that is changed comes back
        data["exclude_locations"] = [x for x in excluded if x != site]
    parts = []
    if capacity != loc.capacity:
        parts.append(ctx.say("h.site_capacity", value=api.fmt_number(capacity, ctx.lang)))
    if min_size != loc.min_size:
        parts.append(ctx.say("h.site_min_size", value=api.fmt_number(min_size or 1, ctx.lang)))
    if start != loc.available_from:
        parts.append(ctx.say("h.site_from", value=start.isoformat() if start else "–"))
    if until != loc.available_until:
        parts.append(ctx.say("h.site_until", value=until.isoformat() if until else "–"))
    return ctx.say("h.site_set", site=label, changes=", ".join(parts))


def _exchange(data: dict[str, Any], r: dict[str, Any], ctx: Context) -> str:
    inst = ctx.current
    g = choose(ctx, "from", r.get("from"), inst.group_ids)
    h = choose(ctx, "to", r.get("to"), inst.group_ids)
    if g == h:
        raise WhatIfError("to", ctx.say("err.same_group"))
    pair = (g, h)
    active = {(ex.source, ex.target) for ex in inst.exchanges}
    in_files = {(ex.source, ex.target) for ex in ctx.files.exchanges}
    kept = [e for e in data.get("exchange", []) if (e.get("from"), e.get("to")) != pair]
    removed = [e for e in data.get("remove_exchange", []) if (e.get("from"), e.get("to")) != pair]
    words = {"source": ctx.group_label(g), "target": ctx.group_label(h)}
    if r.get("on") in (True, "true", "on", 1):
        rate = decimal(ctx, "rate", r.get("rate", "1"), Fraction(0), Fraction(100), low_open=True)
        kept.append({"from": g, "to": h, "rate": rate})
        text = ctx.say("h.exchange_on", rate=api.fmt_number(rate, ctx.lang, _decimals(rate)),
                       **words)
    else:
        if pair not in active:
            raise WhatIfError("on", ctx.say("err.no_change"))
        if pair in in_files:
            removed.append({"from": g, "to": h})
        text = ctx.say("h.exchange_off", **words)
    for key, rows in (("exchange", kept), ("remove_exchange", removed)):
        if rows:
            data[key] = rows
        else:
            data.pop(key, None)
    return text


def _decimals(x: Fraction) -> int:
    for n in range(7):
        if (x * 10**n).denominator == 1:
            return n
    return 6


def _import_share(data: dict[str, Any], r: dict[str, Any], ctx: Context) -> str:
    inst = ctx.current
    g = choose(ctx, "group", r.get("group"), inst.group_ids)
    if r.get("on") in (False, "false", "off", 0):
        share = Fraction(1)
    else:
        share = decimal(ctx, "share", r.get("share"), Fraction(0), Fraction(100)) / 100
    if share == inst.group(g).max_import_share:
        raise WhatIfError("share", ctx.say("err.no_change"))
    groups = data.setdefault("groups", {})
    groups.setdefault(g, {})["max_import_share"] = share
    if share == 1:
        return ctx.say("h.import_off", group=ctx.group_label(g))
    pct = share * 100
    return ctx.say("h.import_share", group=ctx.group_label(g),
                   share=api.fmt_number(pct, ctx.lang, _decimals(pct)))
