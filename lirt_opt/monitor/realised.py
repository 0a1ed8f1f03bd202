"""Reading and checking ``realised.csv``: places actually available on a date.

The file is declared in ``schema.REALISED`` and read with the same reader as every
instance table (file:line:column for every problem, exit 2). It is not part of the
instance: ``monitor`` reads it from the instance folder (or ``--realised FILE``).
Municipalities may be named by CBS code or by name; a ``site`` must be a site of
``locations.csv`` in that municipality that serves the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..base.errors import Problem, Problems, problem, raise_if_errors, word
from ..instance import Instance
from ..instance.validate import Municipalities, _duplicates, _known_group
from ..read import schema
from ..read.files import INVALID, Row, decode, read_csv_text, read_input, shorten

REALISED_CSV = schema.REALISED.file


@dataclass(frozen=True)
class Realised:
    """One row of realised.csv, resolved: the municipality by its code."""

    day: date
    municipality: str  # code
    group: str
    places: int
    site: str | None
    line: int


def default_path(instance: Instance) -> Path:
    return Path(instance.path) / REALISED_CSV


def read_realised(path: str | Path, instance: Instance) -> tuple[Realised, ...] | None:
    """The rows of a realised.csv, checked against ``instance``; None when the file is absent.

    Raises InvalidInstance listing every problem (file, line, column) when it is not valid.
    """
    path = Path(path)
    problems: list[Problem] = Problems()
    display = str(path)
    data = read_input(path, display, problems, schema.MAX_CSV_BYTES)
    if data is None:
        raise_if_errors(problems)
        return None
    text = decode(data, display, problems)
    rows = None if text is None else read_csv_text(text, schema.REALISED, display, problems)
    out = check_realised(rows or [], instance, problems)
    raise_if_errors(problems)
    return out


def check_realised(rows: list[Row], instance: Instance, problems: list[Problem]
                   ) -> tuple[Realised, ...]:
    """Resolve municipalities (code or name), check groups and sites; every problem recorded."""
    munis = Municipalities(Row("", None, {"code": m.code, "name": m.name})
                           for m in instance.municipalities)
    groups = set(instance.group_ids)
    sites = {loc.id: loc for loc in instance.locations or ()}
    good: list[Realised] = []
    for row in rows:
        ok = all(row.get(c) is not INVALID for c in schema.REALISED.names)
        code = None
        text = row.get("municipality")
        if isinstance(text, str):
            code, why = munis.resolve(text)
            if code is None and why is not None:
                problems.append(problem("error", row.file, row.line, "municipality", why[0],
                                        **why[1]))
                ok = False
            elif code is not None:
                row.values["municipality"] = code  # duplicates compare codes
        gid = row.get("group")
        if not _known_group(row, "group", gid, groups, problems):
            ok = False
        site = row.get("site")
        if isinstance(site, str):
            loc = sites.get(site)
            if loc is None:
                key = "realised.site_unknown" if sites else "realised.no_locations"
                problems.append(problem("error", row.file, row.line, "site", key,
                                        site=shorten(site)))
                ok = False
            elif code is not None and loc.municipality != code:
                problems.append(problem("error", row.file, row.line, "site",
                                        "realised.site_elsewhere", site=shorten(site),
                                        municipality=loc.municipality))
                ok = False
            elif isinstance(gid, str) and gid in groups and gid not in loc.groups:
                problems.append(problem("error", row.file, row.line, "site",
                                        "realised.site_group", site=shorten(site), group=gid,
                                        groups=", ".join(loc.groups)))
                ok = False
        if ok and code is not None:
            good.append(Realised(row.get("date"), code, gid, row.get("places"),
                                 site if isinstance(site, str) else None, row.line or 0))
    _duplicates(rows, ("date", "municipality", "group", "site"), "what.realised", problems)
    _site_twice(rows, problems)
    _over_capacity(good, sites, rows[0].file if rows else "", problems)
    return tuple(good)


def _site_twice(rows: list[Row], problems: list[Problem]) -> None:
    """A row without a site next to rows with sites for the same date, municipality and group
    would count places twice or not at all: each (date, municipality, group) is written either
    with sites or as one row without."""
    kinds: dict[tuple[object, ...], tuple[bool, Row]] = {}
    for row in rows:
        k = (row.get("date"), row.get("municipality"), row.get("group"))
        if any(v is INVALID or v is None for v in k):
            continue
        has_site = isinstance(row.get("site"), str)
        if k in kinds and kinds[k][0] != has_site:
            problems.append(problem("error", row.file, row.line, "site", "realised.mixed",
                                    at=word("at.line", line=str(kinds[k][1].line))))
        kinds.setdefault(k, (has_site, row))


def _over_capacity(rows: list[Realised], sites: dict, file: str,
                   problems: list[Problem]) -> None:
    """Places at a site on one date (all its groups together) may not exceed its capacity."""
    at: dict[tuple[date, str], list[Realised]] = {}
    for r in rows:
        if r.site is not None:
            at.setdefault((r.day, r.site), []).append(r)
    for (day, site), rs in sorted(at.items()):
        total = sum(r.places for r in rs)
        if total > sites[site].capacity:
            problems.append(problem("error", file, max(r.line for r in rs), "places",
                                    "realised.over_capacity", site=site, day=day.isoformat(),
                                    places=total, capacity=sites[site].capacity))
