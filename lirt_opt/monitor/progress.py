"""Progress against the task: realised places, gap, share, and the forecast by the deadline.

Definitions (docs/decisions.md, "Monitoring"), all in places of a group (no weights, no
exchanges: a realised place is a place of its group):

* realised R[m,g]: the places of (m, g) on the latest date <= as-of on which (m, g) has
  rows (rows of one date are summed; a municipality that did not report on the newest
  date keeps its last figure); 0 when it has none;
* gap = task - R (negative: ahead); share = R / task (none when the task is 0);
* pipeline P[m,g]: places of the sites of m that count for the task (``site_exclusion``),
  are existing or planned (candidates are not decided), open after as-of (their
  ``available_from``) and are not named in realised.csv; a site serving several groups
  gives its places to the group with the largest remaining need first;
* forecast F = R + P; still short by the deadline: max(task - F, 0);
* a region (and the province) adds up its municipalities; a region is forecast short when
  for some group its forecast is below its task. The trend of a region is its realised
  total on each date of realised.csv up to as-of (with the same carrying forward).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from ..instance import Instance, Location
from .realised import Realised

ON_TRACK, IN_TIME, SHORT = "realised", "in_time", "short"


@dataclass(frozen=True)
class Line:
    """One row of the monitor: a municipality, region or the province, and a group."""

    level: str  # municipality | region | province
    code: str  # municipality code, region id, or "" for the province
    name: str  # municipality name, region id, "" for the province
    region: str
    group: str
    task: int
    proposal: int | None
    realised: int
    realised_on: date | None  # the date R was taken from (municipality rows)
    pipeline: int

    @property
    def gap(self) -> int:
        return self.task - self.realised

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.realised, self.task) if self.task else None

    @property
    def forecast(self) -> int:
        return self.realised + self.pipeline

    @property
    def short(self) -> int:
        return max(self.task - self.forecast, 0)

    @property
    def status(self) -> str:
        if self.realised >= self.task:
            return ON_TRACK
        return IN_TIME if self.forecast >= self.task else SHORT


@dataclass
class Progress:
    as_of: date | None
    dates: tuple[date, ...]  # dates of realised.csv up to as-of
    lines: list[Line] = field(default_factory=list)
    trend: dict[str, list[tuple[date, int]]] = field(default_factory=dict)  # region -> totals

    def of(self, level: str) -> list[Line]:
        return [ln for ln in self.lines if ln.level == level]

    @property
    def regions_short(self) -> list[str]:
        return sorted({ln.code for ln in self.of("region") if ln.status == SHORT})

    @property
    def on_track(self) -> bool:
        return not self.regions_short

    def behind(self, level: str) -> list[Line]:
        """Rows of ``level`` with a gap, the largest gap first (then by name and group)."""
        return sorted((ln for ln in self.of(level) if ln.gap > 0),
                      key=lambda ln: (-ln.gap, ln.name, ln.group))


def realised_on(rows: tuple[Realised, ...], day: date) -> dict[tuple[str, str], tuple[date, int]]:
    """(municipality, group) -> (date, places) on the latest date <= ``day`` it has rows."""
    latest: dict[tuple[str, str], date] = {}
    for r in rows:
        if r.day <= day and r.day >= latest.get((r.municipality, r.group), r.day):
            latest[r.municipality, r.group] = r.day
    out: dict[tuple[str, str], tuple[date, int]] = {}
    for r in rows:
        k = (r.municipality, r.group)
        if latest.get(k) == r.day:
            out[k] = (r.day, out.get(k, (r.day, 0))[1] + r.places)
    return out


def _pipeline(inst: Instance, as_of: date | None, named: set[str],
              need: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Places opening after as-of at sites that count, per (municipality, group)."""
    out: dict[tuple[str, str], int] = {}
    left = dict(need)
    coming: list[Location] = []
    for loc in sorted(inst.locations or (), key=lambda site: (len(site.groups), site.id)):
        if (loc.id in named or loc.status == "candidate" or inst.site_exclusion(loc) is not None
                or loc.available_from is None or as_of is None or loc.available_from <= as_of):
            continue
        coming.append(loc)
    for loc in coming:  # single-group sites first, then shared ones by the need left
        rest = loc.capacity
        order = sorted(loc.groups, key=lambda g: (-left.get((loc.municipality, g), 0),
                                                  inst.group_ids.index(g)))
        for g in order:
            k = (loc.municipality, g)
            take = min(rest, max(left.get(k, 0), 0))
            out[k] = out.get(k, 0) + take
            left[k] = left.get(k, 0) - take
            rest -= take
        if rest:  # more than needed: the first group in the order gets the rest
            k = (loc.municipality, order[0])
            out[k] = out.get(k, 0) + rest
            left[k] = left.get(k, 0) - rest
    return out


def progress(inst: Instance, rows: tuple[Realised, ...], as_of: date | None = None,
             proposal: Mapping[tuple[str, str], int] | None = None) -> Progress:
    """The monitor's tables; ``as_of`` defaults to the newest date of realised.csv."""
    dates = sorted({r.day for r in rows})
    if as_of is None and dates:
        as_of = dates[-1]
    used = [d for d in dates if as_of is not None and d <= as_of]
    now = realised_on(rows, as_of) if as_of is not None else {}
    named = {r.site for r in rows if r.site is not None and as_of is not None and r.day <= as_of}
    need = {(m.code, g): inst.target(m.code, g) - now.get((m.code, g), (None, 0))[1]
            for m in inst.municipalities for g in inst.group_ids}
    pipe = _pipeline(inst, as_of, named, need)
    prog = Progress(as_of, tuple(used))
    totals: dict[tuple[str, str, str], list[int]] = {}

    def add(level: str, code: str, g: str, task: int, prop: int | None, real: int,
            pip: int) -> None:
        acc = totals.setdefault((level, code, g), [0, 0, 0, 0, 0])
        acc[0] += task
        acc[1] += prop or 0
        acc[2] += real
        acc[3] += pip
        acc[4] += prop is None

    for m in inst.municipalities:
        for g in inst.group_ids:
            task = inst.target(m.code, g)
            prop = None if proposal is None else proposal.get((m.code, g), 0)
            day, real = now.get((m.code, g), (None, 0))
            pip = pipe.get((m.code, g), 0)
            prog.lines.append(Line("municipality", m.code, m.name, m.region, g, task, prop, real,
                                   day, pip))
            add("region", m.region, g, task, prop, real, pip)
            add("province", "", g, task, prop, real, pip)
    for (level, code, g), (task, prop, real, pip, missing) in sorted(
            totals.items(), key=lambda kv: (kv[0][0] != "region", kv[0][1],
                                            inst.group_ids.index(kv[0][2]))):
        prog.lines.append(Line(level, code, code, code if level == "region" else "", g, task,
                               None if missing else prop, real, None, pip))
    for day in used:
        then = realised_on(rows, day)
        per_region: dict[str, int] = {}
        for (code, _g), (_d, places) in then.items():
            region = inst.municipality(code).region
            per_region[region] = per_region.get(region, 0) + places
        for region in sorted({m.region for m in inst.municipalities}):
            prog.trend.setdefault(region, []).append((day, per_region.get(region, 0)))
    return prog


def as_dict(prog: Progress, inst: Instance) -> dict[str, Any]:
    """monitor.json: every line, the regions short, those behind and the trend."""
    def line(ln: Line) -> dict[str, Any]:
        share = ln.share
        return {"level": ln.level, "code": ln.code, "name": ln.name, "region": ln.region,
                "group": ln.group, "group_label": inst.group(ln.group).label, "task": ln.task,
                "proposal": ln.proposal, "realised": ln.realised,
                "realised_on": ln.realised_on.isoformat() if ln.realised_on else None,
                "gap": ln.gap, "share": None if share is None else round(float(share), 4),
                "pipeline": ln.pipeline, "forecast": ln.forecast, "forecast_short": ln.short,
                "status": ln.status}

    return {
        "instance": inst.name,
        "as_of": prog.as_of.isoformat() if prog.as_of else None,
        "deadline": inst.deadline.isoformat() if inst.deadline else None,
        "dates": [d.isoformat() for d in prog.dates],
        "on_track": prog.on_track,
        "regions_short": prog.regions_short,
        "lines": [line(ln) for ln in prog.lines],
        "behind": {"municipalities": [[ln.code, ln.group, ln.gap]
                                      for ln in prog.behind("municipality")],
                   "regions": [[ln.code, ln.group, ln.gap] for ln in prog.behind("region")]},
        "trend": {region: [[d.isoformat(), places] for d, places in points]
                  for region, points in prog.trend.items()},
    }


CSV_COLUMNS = ("level", "code", "name", "region", "group", "group_label", "task", "proposal",
               "realised", "realised_on", "gap", "share", "pipeline", "forecast",
               "forecast_short", "status")
