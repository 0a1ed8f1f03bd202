"""Stage 6 — verify: re-check a proposal with plain, exact arithmetic. No solver, no model.

This module deliberately shares no code with model.py or balance.py: it reads the
rules of SPEC §3 afresh from the instance (including its own reading of the
bounds rule) and checks every one of them on the numbers of the proposal, with
:class:`fractions.Fraction`, so nothing depends on a tolerance. Each failure is
reported in words. ``solve`` runs it on every proposal before it is written;
``lirt-opt check`` runs it on a proposal directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from . import schema
from .cells import restore
from .errors import Problem, ProposalFileError
from .extract import ExchangeFlow
from .instance import PROVINCE_POOL, Instance
from .read import decode, read_csv_text

if TYPE_CHECKING:
    import pandas as pd

PROPOSAL_CSV = "proposal.csv"
EXCHANGES_CSV = "exchanges.csv"
PROPOSAL_COLUMNS = ("municipality", "name", "region", "group", "target", "places")
EXCHANGE_COLUMNS = ("pool", "from", "to", "places", "credited")


@dataclass(frozen=True)
class Failure:
    rule: str  # whole | rows | target | bounds | fair-share | exchange | own | import | cover
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class CoverRow:
    """One pool-cover row, evaluated: covered = places - exchanged_out + credited."""

    pool: str
    group: str
    target: int
    places: Fraction
    exchanged_out: Fraction
    credited: Fraction

    @property
    def covered(self) -> Fraction:
        return self.places - self.exchanged_out + self.credited

    @property
    def margin(self) -> Fraction:
        return self.covered - self.target


@dataclass(frozen=True)
class CheckReport:
    failures: tuple[Failure, ...]
    covers: tuple[CoverRow, ...]
    loads: Mapping[str, Fraction]  # municipality -> load, for F[m] > 0

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def closing(self) -> bool:
        return all(c.covered >= c.target for c in self.covers)

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"rule": f.rule, "where": f.where, "message": f.message}
                             for f in self.failures], columns=["rule", "where", "message"])


def _num(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


def _pool_id(instance: Instance, code: str) -> str:
    if instance.pool == "municipality":
        return code
    if instance.pool == "region":
        return instance.municipality(code).region
    return PROVINCE_POOL


def _bounds(instance: Instance, code: str, group: str) -> tuple[int, int | None, str, str]:
    """SPEC §3 bounds on x[m,g], read afresh: (lower, upper, why lower, why upper)."""
    b = instance.bounds.get((code, group))
    lower = b.min if b is not None and b.min is not None else 0
    why_lower = f"the committed minimum of {lower}"
    upper = b.max if b is not None else None
    why_upper = f"the cap of {upper}"
    if instance.locations is not None:
        dl = instance.deadline
        counting = [loc for loc in instance.locations
                    if loc.municipality == code and loc.group == group
                    and (loc.available_from is None or dl is None or loc.available_from <= dl)]
        existing = sum(loc.capacity for loc in counting if loc.status == "existing")
        if existing > lower:
            lower, why_lower = existing, f"its existing locations ({existing} places)"
        capacity = sum(loc.capacity for loc in counting)
        if upper is None or capacity < upper:
            upper, why_upper = capacity, f"the capacity of its locations available in time ({capacity})"
    return lower, upper, why_lower, why_upper


def check(instance: Instance, places: Mapping[tuple[str, str], Fraction | int],
          exchanges: Iterable[ExchangeFlow], row_failures: Iterable[Failure] = ()) -> CheckReport:
    """Check every rule of SPEC §3 on a proposal; returns every failure, and the covers."""
    failures = list(row_failures)
    groups = instance.group_ids
    weight = {g.id: g.weight for g in instance.groups}
    x: dict[tuple[str, str], Fraction] = {}
    # every municipality x group, whole, >= 0
    for m in instance.municipalities:
        for g in groups:
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
    # bounds and the F = 0 rule
    for m in instance.municipalities:
        fair = sum((weight[g] * instance.target(m.code, g) for g in groups), Fraction(0))
        for g in groups:
            lower, upper, why_lower, why_upper = _bounds(instance, m.code, g)
            v = x[m.code, g]
            name = f"{m.name} ({m.code}), {g}"
            if v < lower:
                failures.append(Failure("bounds", f"{m.code}/{g}",
                                        f"{name}: {_num(v)} places, below {why_lower}"))
            if upper is not None and v > upper:
                failures.append(Failure("bounds", f"{m.code}/{g}",
                                        f"{name}: {_num(v)} places, above {why_upper}"))
            if fair == 0 and v > lower:
                failures.append(Failure("fair-share", f"{m.code}/{g}",
                                        f"{name}: fair share is 0, yet {_num(v)} places is more "
                                        f"than its lower bound {lower}"))
    # exchanges: declared, whole, with their rate
    rates = {(ex.source, ex.target): ex.rate for ex in instance.exchanges}
    pools = {_pool_id(instance, m.code) for m in instance.municipalities}
    out: dict[tuple[str, str], Fraction] = {}
    inn: dict[tuple[str, str], Fraction] = {}
    seen: set[tuple[str, str, str]] = set()
    for f in exchanges:
        where = f"pool {f.pool}: {f.source} -> {f.target}"
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
        if f.rate != rates[f.source, f.target]:
            failures.append(Failure("exchange", where,
                                    f"credited {_num(f.credited)} is not places x rate = "
                                    f"{_num(f.places)} x {_num(rates[f.source, f.target])}"))
        credited = f.places * rates[f.source, f.target]
        out[f.pool, f.source] = out.get((f.pool, f.source), Fraction(0)) + f.places
        inn[f.pool, f.target] = inn.get((f.pool, f.target), Fraction(0)) + credited
    # pool rows
    covers = []
    members: dict[str, list[str]] = {}
    for m in instance.municipalities:
        members.setdefault(_pool_id(instance, m.code), []).append(m.code)
    for pool in sorted(members):
        for g in groups:
            target = sum(instance.target(m, g) for m in members[pool])
            own = sum((x[m, g] for m in members[pool]), Fraction(0))
            row = CoverRow(pool, g, target, own, out.get((pool, g), Fraction(0)),
                           inn.get((pool, g), Fraction(0)))
            covers.append(row)
            where = f"pool {pool}, group {g}"
            if row.exchanged_out > own:
                failures.append(Failure("own", where,
                                        f"{_num(row.exchanged_out)} places exchanged away, but the "
                                        f"pool has only {_num(own)} own places"))
            limit = instance.group(g).max_import_share * target
            if row.credited > limit:
                failures.append(Failure("import", where,
                                        f"{_num(row.credited)} of the task is covered by other groups, "
                                        f"above the allowed share {_num(instance.group(g).max_import_share)}"
                                        f" x {target} = {_num(limit)}"))
            if row.covered < target:
                failures.append(Failure("cover", where,
                                        f"covered {_num(row.covered)} = {_num(own)} own places - "
                                        f"{_num(row.exchanged_out)} exchanged away + "
                                        f"{_num(row.credited)} credited, short of the task "
                                        f"{target} by {_num(target - row.covered)}"))
    loads = {}
    for m in instance.municipalities:
        fair = sum((weight[g] * instance.target(m.code, g) for g in groups), Fraction(0))
        if fair > 0:
            loads[m.code] = sum((weight[g] * x[m.code, g] for g in groups), Fraction(0)) / fair
    return CheckReport(tuple(failures), tuple(covers), loads)


# ---------------------------------------------------------------------------- reading a proposal
def _text_table(file: str, columns: tuple[str, ...]) -> schema.Table:
    return schema.Table(file, "", True, tuple(schema.Column(c, schema.TEXT, "") for c in columns))


def _fraction(text: str) -> Fraction | None:
    try:
        return Fraction(text.replace(",", ".")) if text else None
    except (ValueError, ZeroDivisionError):
        return None


def read_proposal(directory: str | Path, instance: Instance
                  ) -> tuple[dict[tuple[str, str], Fraction], list[ExchangeFlow], list[Failure]]:
    """Read proposal.csv and exchanges.csv of a proposal directory.

    A missing or unreadable file raises ProposalFileError; a malformed row is a failure.
    """
    d = Path(directory)
    failures: list[Failure] = []
    places: dict[tuple[str, str], Fraction] = {}
    flows: list[ExchangeFlow] = []
    for name, columns in ((PROPOSAL_CSV, PROPOSAL_COLUMNS), (EXCHANGES_CSV, EXCHANGE_COLUMNS)):
        path = d / name
        if not path.is_file():
            raise ProposalFileError(f"{path}: file is missing")
        problems: list[Problem] = []
        text = decode(path.read_bytes(), str(path), problems)
        rows = None if text is None else read_csv_text(text, _text_table(str(path), columns),
                                                       str(path), problems)
        errors = [p for p in problems if p.severity == "error"]
        if rows is None or errors:
            raise ProposalFileError("\n".join(str(p) for p in errors) or f"{path}: unreadable")
        for row in rows:
            # text cells were neutralised against spreadsheet formulas when written (cells.py)
            row.values = {k: restore(v) if isinstance(v, str) else v for k, v in row.values.items()}
            where = f"{name}:{row.line}"
            if name == PROPOSAL_CSV:
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
                    failures.append(Failure("target", where,
                                            f"target column says {row.get('target')}, the instance "
                                            f"says {instance.target(*key)}"))
            else:
                n, credited = _fraction(row.get("places")), _fraction(row.get("credited"))
                if n is None or credited is None:
                    failures.append(Failure("exchange", where, "places and credited must be numbers"))
                    continue
                rate = next((ex.rate for ex in instance.exchanges
                             if ex.source == row.get("from") and ex.target == row.get("to")),
                            None)
                if rate is not None and credited != n * rate:
                    failures.append(Failure("exchange", where,
                                            f"credited {row.get('credited')} is not places x rate = "
                                            f"{_num(n * rate)}"))
                flows.append(ExchangeFlow(row.get("pool"), row.get("from"), row.get("to"), n,
                                          rate if rate is not None else Fraction(0)))
    return places, flows, failures


def check_directory(instance: Instance, directory: str | Path) -> CheckReport:
    places, flows, row_failures = read_proposal(directory, instance)
    return check(instance, places, flows, row_failures)
