"""Stage 6 — verify: re-check a proposal with plain, exact arithmetic. No solver, no model.

This module deliberately shares no code with model.py, balance.py or the site rules of
instance.py: it reads the rules of SPEC §3 and of the site model afresh from the
instance data and checks every one of them on the numbers of the proposal, with
:class:`fractions.Fraction`, so nothing depends on a tolerance. Each failure is
reported in words. ``solve`` runs it on every proposal before it is written;
``lirt-opt check`` runs it on a proposal directory.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.cells import restore
from ..base.errors import Problem, ProposalFileError
from ..instance import PROVINCE_POOL, Instance, Location
from ..read import schema
from ..read.files import decode, read_csv_text
from ..solver.extract import ExchangeFlow, SitePlaces

if TYPE_CHECKING:
    import pandas as pd

PROPOSAL_CSV = "proposal.csv"
EXCHANGES_CSV = "exchanges.csv"
SITES_CSV = "sites.csv"
PROPOSAL_COLUMNS = ("municipality", "name", "region", "group", "target", "places")
EXCHANGE_COLUMNS = ("pool", "from", "to", "places", "credited", "date")
SITE_COLUMNS = ("id", "municipality", "groups", "status", "opened", "places", "counts", "reason",
                "places_by_group", "name")


@dataclass(frozen=True)
class Failure:
    rule: str  # whole | rows | target | bounds | fair-share | exchange | own | import | cover
    #            | sites | milestone
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class CoverRow:
    """One pool-cover row, evaluated: covered = places - exchanged_out + credited.
    ``date`` is a milestone's date (task = share x target), or None for the deadline."""

    pool: str
    group: str
    target: int
    places: Fraction
    exchanged_out: Fraction
    credited: Fraction
    date: date | None = None
    task: Fraction | None = None  # what must be covered; None: the whole target

    @property
    def due(self) -> Fraction:
        return Fraction(self.target) if self.task is None else self.task

    @property
    def covered(self) -> Fraction:
        return self.places - self.exchanged_out + self.credited

    @property
    def margin(self) -> Fraction:
        return self.covered - self.due


@dataclass(frozen=True)
class CheckReport:
    failures: tuple[Failure, ...]
    covers: tuple[CoverRow, ...]  # the deadline's rows
    loads: Mapping[str, Fraction]  # municipality -> load, for F[m] > 0
    milestone_covers: tuple[CoverRow, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def closing(self) -> bool:
        return all(c.covered >= c.due for c in self.covers + self.milestone_covers)

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"rule": f.rule, "where": f.where, "message": f.message}
                             for f in self.failures], columns=["rule", "where", "message"])


def _num(x: Fraction | int) -> str:
    x = Fraction(x)
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


def _pool_id(instance: Instance, code: str) -> str:
    if instance.pool == "municipality":
        return code
    if instance.pool == "region":
        return instance.municipality(code).region
    return PROVINCE_POOL


# ---------------------------------------------------------------------------- site rules, afresh
def _years_later(day: date, years: Fraction) -> date:
    whole = int(years)
    try:
        later = date(day.year + whole, day.month, day.day)
    except ValueError:
        later = date(day.year + whole, day.month, 28)
    fraction = years - whole
    if fraction:
        later += timedelta(days=math.ceil(fraction * Fraction(3652425, 10000)))
    return later


def _counts(instance: Instance, loc: Location) -> bool:
    """Does a site count? Re-read from the rules: candidates allowed, available by the
    deadline, still available at the deadline (plus min_years), at least min_places."""
    rule, dl = instance.counting, instance.deadline
    if loc.status == "candidate" and not rule.count_candidates:
        return False
    if dl is not None:
        if loc.available_from is not None and loc.available_from > dl:
            return False
        if loc.available_until is not None:
            if loc.available_until < dl:
                return False
            if rule.min_years > 0 and loc.available_until < _years_later(dl, rule.min_years):
                return False
    return loc.capacity >= rule.min_places


def _available(loc: Location, day: date) -> bool:
    return ((loc.available_from is None or loc.available_from <= day)
            and (loc.available_until is None or loc.available_until >= day))


# ---------------------------------------------------------------------------- the checks
def check_rows(instance: Instance, places: Mapping[tuple[str, str], Fraction | int],
               failures: list[Failure]) -> dict[tuple[str, str], Fraction]:
    """Every municipality x group once, whole, >= 0."""
    x: dict[tuple[str, str], Fraction] = {}
    for m in instance.municipalities:
        for g in instance.group_ids:
            if (m.code, g) not in places:
                failures.append(Failure("rows", f"{m.code}/{g}", "no row in the proposal"))
                x[m.code, g] = Fraction(0)
                continue
            value = Fraction(places[m.code, g])
            x[m.code, g] = value
            if value.denominator != 1:
                failures.append(Failure("whole", f"{m.code}/{g}",
                                        f"{_num(value)} places is not a whole number"))
            if value < 0:
                failures.append(Failure("whole", f"{m.code}/{g}", f"{_num(value)} places is negative"))
    for key in sorted(set(places) - set(x)):
        failures.append(Failure("rows", "/".join(key), "not a municipality and group of the instance"))
    return x


def check_bounds(instance: Instance, x: Mapping[tuple[str, str], Fraction],
                 failures: list[Failure]) -> None:
    """bounds.csv min and max, and the F = 0 rule (no places above the lower bound: bounds.min
    and the places of existing counting sites serving g). With sites, capacities and existing
    sites are checked site by site."""
    weight = {g.id: g.weight for g in instance.groups}
    for m in instance.municipalities:
        fair = sum((weight[g] * instance.target(m.code, g) for g in instance.group_ids), Fraction(0))
        for g in instance.group_ids:
            b = instance.bounds.get((m.code, g))
            lower = b.min if b is not None and b.min is not None else 0
            upper = b.max if b is not None else None
            v, name = x[m.code, g], f"{m.name} ({m.code}), {g}"
            if v < lower:
                failures.append(Failure("bounds", f"{m.code}/{g}",
                                        f"{name}: {_num(v)} places, below the committed minimum "
                                        f"of {lower}"))
            if upper is not None and v > upper:
                failures.append(Failure("bounds", f"{m.code}/{g}",
                                        f"{name}: {_num(v)} places, above the cap of {upper}"))
            if fair == 0:  # no places above the lower bound: bounds.min, existing places
                existing = sum(loc.capacity for loc in instance.sites_of(m.code)
                               if loc.status == "existing" and g in loc.groups
                               and _counts(instance, loc))
                if v > max(lower, existing):
                    failures.append(Failure("fair-share", f"{m.code}/{g}",
                                            f"{name}: fair share is 0, yet {_num(v)} places is "
                                            f"more than its lower bound {max(lower, existing)}"))


def check_sites(instance: Instance, x: Mapping[tuple[str, str], Fraction],
                sites: Iterable[SitePlaces], failures: list[Failure]) -> dict[str, SitePlaces]:
    """Each site once; counts as the rules say; existing sites host their capacity; an opened
    site between its minimum and its capacity, a closed one empty; x = sum over counting sites."""
    assert instance.locations is not None
    given: dict[str, SitePlaces] = {}
    for listed in sites:
        if listed.id in given:
            failures.append(Failure("sites", f"site {listed.id}", "listed more than once"))
        given[listed.id] = listed
    known = {loc.id: loc for loc in instance.locations}
    for sid in sorted(set(given) - set(known)):
        failures.append(Failure("sites", f"site {sid}", "not a site of the instance"))
    weight = {g.id: g.weight for g in instance.groups}
    {m.code: sum((weight[g] * instance.target(m.code, g) for g in instance.group_ids),
                        Fraction(0)) for m in instance.municipalities}
    at_sites: dict[tuple[str, str], Fraction] = {}
    for loc in sorted(known.values(), key=lambda loc: loc.id):
        where = f"site {loc.id} ({loc.municipality})"
        s = given.get(loc.id)
        if s is None:
            failures.append(Failure("sites", where, "missing from the proposal"))
            continue
        counts = _counts(instance, loc)
        if s.counts != counts:
            failures.append(Failure("sites", where, f"marked {'counting' if s.counts else 'not counting'}"
                                    f", but by the rules it {'counts' if counts else 'does not count'}"))
        for g, n in s.places.items():
            if g not in loc.groups:
                failures.append(Failure("sites", where, f"holds places of group {g}, which it does "
                                        "not serve"))
            if Fraction(n).denominator != 1 or n < 0:
                failures.append(Failure("sites", where, f"{_num(n)} places of {g} is not a whole "
                                        "number >= 0"))
        total = sum((Fraction(n) for n in s.places.values()), Fraction(0))
        if loc.status == "existing":
            if not s.opened:
                failures.append(Failure("sites", where, "an existing site is in use, not closed"))
            if counts and total != loc.capacity:
                failures.append(Failure("sites", where, f"an existing site hosts its capacity "
                                        f"{loc.capacity}, not {_num(total)}"))
        elif not counts:
            if s.opened or total:
                failures.append(Failure("sites", where, "a site that does not count is not opened"))
        elif s.opened:
            low = max(loc.min_size or 1, instance.counting.min_places)
            if not low <= total <= loc.capacity:
                failures.append(Failure("sites", where, f"opened with {_num(total)} places, outside "
                                        f"its minimum {low} and capacity {loc.capacity}"))
        elif total:
            failures.append(Failure("sites", where, f"closed, yet holds {_num(total)} places"))
        if counts:
            for g, n in s.places.items():
                key = (loc.municipality, g)
                at_sites[key] = at_sites.get(key, Fraction(0)) + Fraction(n)
    for (m, g), v in sorted(x.items()):
        held = at_sites.get((m, g), Fraction(0))
        if v != held:
            failures.append(Failure("sites", f"{m}/{g}", f"{_num(v)} places in the proposal, but "
                                    f"its counting sites hold {_num(held)}"))
    return given


def _flows(instance: Instance, exchanges: Iterable[ExchangeFlow], when: date | None,
           failures: list[Failure]) -> tuple[dict[tuple[str, str], Fraction],
                                              dict[tuple[str, str], Fraction]]:
    """Exchanged-out and credited per (pool, group), for the deadline (None) or a milestone."""
    rates = {(ex.source, ex.target): ex.rate for ex in instance.exchanges}
    pools = {_pool_id(instance, m.code) for m in instance.municipalities}
    out: dict[tuple[str, str], Fraction] = {}
    inn: dict[tuple[str, str], Fraction] = {}
    seen: set[tuple[str, str, str]] = set()
    for f in exchanges:
        if f.date != when:
            continue
        where = f"pool {f.pool}: {f.source} -> {f.target}" + (f" ({when.isoformat()})" if when else "")
        if f.pool not in pools:
            failures.append(Failure("exchange", where, f"unknown pool '{f.pool}'"))
            continue
        if (f.source, f.target) not in rates:
            failures.append(Failure("exchange", where, "this exchange is not allowed by the instance"))
            continue
        if (f.pool, f.source, f.target) in seen:
            failures.append(Failure("exchange", where, "listed more than once"))
        seen.add((f.pool, f.source, f.target))
        if f.places.denominator != 1 or f.places < 0:
            failures.append(Failure("exchange", where,
                                    f"{_num(f.places)} exchanged places is not a whole number >= 0"))
        rate = rates[f.source, f.target]
        if f.rate != rate:
            failures.append(Failure("exchange", where, f"credited {_num(f.credited)} is not places x "
                                    f"rate = {_num(f.places)} x {_num(rate)}"))
        out[f.pool, f.source] = out.get((f.pool, f.source), Fraction(0)) + f.places
        inn[f.pool, f.target] = inn.get((f.pool, f.target), Fraction(0)) + f.places * rate
    return out, inn


def check_covers(instance: Instance, own: Mapping[tuple[str, str], Fraction],
                 exchanges: Iterable[ExchangeFlow], failures: list[Failure],
                 when: date | None = None, share: Fraction = Fraction(1)) -> list[CoverRow]:
    """Per pool and group: only own places exchanged, import share, cover >= share x target."""
    exchanges = list(exchanges)
    out, inn = _flows(instance, exchanges, when, failures)
    members: dict[str, list[str]] = {}
    for m in instance.municipalities:
        members.setdefault(_pool_id(instance, m.code), []).append(m.code)
    rule = "cover" if when is None else "milestone"
    covers = []
    for pool in sorted(members):
        for g in instance.group_ids:
            target = sum(instance.target(m, g) for m in members[pool])
            places = sum((own.get((m, g), Fraction(0)) for m in members[pool]), Fraction(0))
            row = CoverRow(pool, g, target, places, out.get((pool, g), Fraction(0)),
                           inn.get((pool, g), Fraction(0)), when,
                           None if when is None else share * target)
            covers.append(row)
            where = f"pool {pool}, group {g}" + (f", milestone {when.isoformat()}" if when else "")
            if row.exchanged_out > places:
                failures.append(Failure("own" if when is None else rule, where,
                                        f"{_num(row.exchanged_out)} places exchanged away, but the "
                                        f"pool has only {_num(places)} own places"))
            limit = instance.group(g).max_import_share * row.due
            if row.credited > limit:
                failures.append(Failure("import" if when is None else rule, where,
                                        f"{_num(row.credited)} of the task is covered by other groups, "
                                        f"above the allowed share "
                                        f"{_num(instance.group(g).max_import_share)} x {_num(row.due)}"
                                        f" = {_num(limit)}"))
            if row.covered < row.due:
                failures.append(Failure(rule, where,
                                        f"covered {_num(row.covered)} = {_num(places)} own places - "
                                        f"{_num(row.exchanged_out)} exchanged away + "
                                        f"{_num(row.credited)} credited, short of the task "
                                        f"{_num(row.due)} by {_num(row.due - row.covered)}"))
    return covers


def check(instance: Instance, places: Mapping[tuple[str, str], Fraction | int],
          exchanges: Iterable[ExchangeFlow], row_failures: Iterable[Failure] = (),
          sites: Iterable[SitePlaces] | None = None) -> CheckReport:
    """Check every rule on a proposal; returns every failure, and the evaluated covers."""
    failures = list(row_failures)
    exchanges = list(exchanges)
    x = check_rows(instance, places, failures)
    check_bounds(instance, x, failures)
    milestone_covers: list[CoverRow] = []
    if instance.locations is not None:
        if sites is None:
            failures.append(Failure("sites", "sites", "the instance has sites, but the proposal "
                                    "lists none"))
            sites = ()
        given = check_sites(instance, x, sites, failures)
        for ms in instance.milestones:
            own: dict[tuple[str, str], Fraction] = {}
            for loc in instance.locations:
                s = given.get(loc.id)
                if s is None or not _counts(instance, loc) or not _available(loc, ms.date):
                    continue
                for g, n in s.places.items():
                    key = (loc.municipality, g)
                    own[key] = own.get(key, Fraction(0)) + Fraction(n)
            milestone_covers += check_covers(instance, own, exchanges, failures, ms.date, ms.share)
    covers = check_covers(instance, x, exchanges, failures)
    weight = {g.id: g.weight for g in instance.groups}
    loads = {}
    for m in instance.municipalities:
        fair = sum((weight[g] * instance.target(m.code, g) for g in instance.group_ids), Fraction(0))
        if fair > 0:
            loads[m.code] = sum((weight[g] * x[m.code, g] for g in instance.group_ids),
                                Fraction(0)) / fair
    return CheckReport(tuple(failures), tuple(covers), loads, tuple(milestone_covers))


# ---------------------------------------------------------------------------- reading a proposal
def _text_table(file: str, columns: tuple[str, ...], optional: tuple[str, ...] = ()
                ) -> schema.Table:
    return schema.Table(file, "", True, tuple(schema.Column(c, schema.TEXT, "",
                                                            required=c not in optional,
                                                            empty_ok=True) for c in columns))


def _fraction(text: str | None) -> Fraction | None:
    try:
        return Fraction(text.replace(",", ".")) if text else None
    except (ValueError, ZeroDivisionError):
        return None


def _flag(text: str | None) -> bool | None:
    return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
        (text or "").strip().lower())


def _read_table(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> list:
    if not path.is_file():
        raise ProposalFileError(f"{path}: file is missing")
    problems: list[Problem] = []
    text = decode(path.read_bytes(), str(path), problems)
    rows = None if text is None else read_csv_text(text, _text_table(str(path), columns, optional),
                                                   str(path), problems)
    errors = [p for p in problems if p.severity == "error"]
    if rows is None or errors:
        raise ProposalFileError("\n".join(str(p) for p in errors) or f"{path}: unreadable")
    for row in rows:  # text cells were neutralised against spreadsheet formulas (cells.py)
        row.values = {k: restore(v) if isinstance(v, str) else v for k, v in row.values.items()}
    return rows


def read_proposal(directory: str | Path, instance: Instance
                  ) -> tuple[dict[tuple[str, str], Fraction], list[ExchangeFlow],
                             list[SitePlaces] | None, list[Failure]]:
    """Read proposal.csv, exchanges.csv (and sites.csv) of a proposal directory.

    A missing or unreadable file raises ProposalFileError; a malformed row is a failure.
    """
    d = Path(directory)
    failures: list[Failure] = []
    places: dict[tuple[str, str], Fraction] = {}
    for row in _read_table(d / PROPOSAL_CSV, PROPOSAL_COLUMNS):
        where = f"{PROPOSAL_CSV}:{row.line}"
        key = (row.get("municipality"), row.get("group"))
        value = _fraction(row.get("places"))
        if value is None:
            failures.append(Failure("whole", where, f"places '{row.get('places')}' is not a number"))
            continue
        if key in places:
            failures.append(Failure("rows", where, f"{key[0]}/{key[1]} appears more than once"))
        places[key] = value
        target = _fraction(row.get("target"))
        known = (key[0] in instance.codes and key[1] in instance.group_ids)
        if known and target != instance.target(*key):
            failures.append(Failure("target", where, f"target column says {row.get('target')}, the "
                                    f"instance says {instance.target(*key)}"))
    flows: list[ExchangeFlow] = []
    for row in _read_table(d / EXCHANGES_CSV, EXCHANGE_COLUMNS, optional=("date",)):
        where = f"{EXCHANGES_CSV}:{row.line}"
        n, credited = _fraction(row.get("places")), _fraction(row.get("credited"))
        when = row.get("date") or None
        try:
            day = date.fromisoformat(when) if when else None
        except ValueError:
            failures.append(Failure("exchange", where, f"date '{when}' is not a date"))
            continue
        if n is None or credited is None:
            failures.append(Failure("exchange", where, "places and credited must be numbers"))
            continue
        rate = next((ex.rate for ex in instance.exchanges
                     if ex.source == row.get("from") and ex.target == row.get("to")), None)
        if rate is not None and credited != n * rate:
            failures.append(Failure("exchange", where, f"credited {row.get('credited')} is not "
                                    f"places x rate = {_num(n * rate)}"))
        flows.append(ExchangeFlow(row.get("pool"), row.get("from"), row.get("to"), n,
                                  rate if rate is not None else Fraction(0), day))
    sites: list[SitePlaces] | None = None
    if instance.locations is not None:
        sites = []
        for row in _read_table(d / SITES_CSV, SITE_COLUMNS, optional=("name",)):
            where = f"{SITES_CSV}:{row.line}"
            opened, counts = _flag(row.get("opened")), _flag(row.get("counts"))
            split: dict[str, int] = {}
            bad = opened is None or counts is None
            for part in filter(None, (row.get("places_by_group") or "").split("|")):
                g, _, n = part.partition(":")
                value = _fraction(n.strip())
                if value is None or value.denominator != 1:
                    bad = True
                else:
                    split[g.strip()] = int(value)
            if bad:
                failures.append(Failure("sites", where, "opened, counts and places_by_group must "
                                        "read true/false and group:places|..."))
                continue
            total = _fraction(row.get("places"))
            if counts and total != sum(split.values()):
                failures.append(Failure("sites", where, f"places {row.get('places')} is not the sum "
                                        f"of places_by_group ({sum(split.values())})"))
            sites.append(SitePlaces(row.get("id"), row.get("municipality"),
                                    tuple((row.get("groups") or "").split("|")),
                                    row.get("status"), bool(opened), split, bool(counts),
                                    row.get("reason") or ""))
    return places, flows, sites, failures


def check_directory(instance: Instance, directory: str | Path) -> CheckReport:
    places, flows, sites, row_failures = read_proposal(directory, instance)
    return check(instance, places, flows, row_failures, sites)
