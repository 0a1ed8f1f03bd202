"""Stage 7 — write: proposal.csv, exchanges.csv, summary.json (SPEC §4), or diagnosis.json.

The result folder is written whole or not at all (``resultdir.replace_folder``): every
file goes into a fresh folder beside it, which is then switched in, so a folder never
mixes two runs and files of an earlier run that no longer apply (a diagnosis next to a
new proposal, or the other way round; old reports) do not survive.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..base.cells import safe_rows
from ..base.resultdir import atomic_write, moved, replace_folder
from ..base.version import __version__
from ..instance import Instance
from ..solver.balance import PoolOutcome
from ..solver.extract import Proposal
from ..verify.verifier import (
    EXCHANGE_COLUMNS,
    EXCHANGES_CSV,
    PROPOSAL_COLUMNS,
    PROPOSAL_CSV,
    SITE_COLUMNS,
    SITES_CSV,
    CheckReport,
)


# What the writer reads of a solve and of a diagnosis (``pipeline.SolveResult``,
# ``diagnosis.Diagnosis``): declared here, so the writer imports neither.
class _Repair(Protocol):
    @property
    def file(self) -> str: ...
    @property
    def scenario_toml(self) -> str: ...


class _RepairSearch(Protocol):
    @property
    def repairs(self) -> Sequence[_Repair]: ...


class Diagnosis(Protocol):
    @property
    def repairs(self) -> _RepairSearch | None: ...
    def as_dict(self) -> dict[str, Any]: ...


class SolveResult(Protocol):
    @property
    def instance(self) -> Instance: ...
    @property
    def status(self) -> str: ...
    @property
    def termination(self) -> str: ...
    @property
    def solver(self) -> str: ...
    @property
    def solver_version(self) -> str: ...
    @property
    def time_limit(self) -> float | None: ...
    @property
    def solve_seconds(self) -> float: ...
    @property
    def proposal(self) -> Proposal | None: ...
    @property
    def check(self) -> CheckReport | None: ...
    @property
    def diagnosis(self) -> Diagnosis | None: ...
    @property
    def outcomes(self) -> Sequence[PoolOutcome]: ...
    @property
    def message(self) -> str: ...
    @property
    def closing(self) -> bool: ...
    @property
    def loads(self) -> dict[str, Fraction]: ...
    @property
    def max_load(self) -> Fraction | None: ...
    @property
    def solver_runs(self) -> int: ...
    @property
    def mip_gap(self) -> float | None: ...
    @property
    def proven(self) -> bool: ...
    def stages(self) -> list[dict[str, object]]: ...
    @property
    def pools(self) -> Any: ...  # dossier.pools.PoolResults | None: the closing pools


if TYPE_CHECKING:
    from ..solver.extract import Proposal

SUMMARY_JSON = "summary.json"
DIAGNOSIS_JSON = "diagnosis.json"
LOAD_DECIMALS = 6


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def safe_csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV whose text cells cannot run as a spreadsheet formula (see cells.py; reversible)."""
    return csv_text(header, safe_rows(rows))


def number(x: Fraction | int) -> int | float:
    """A whole number as int, anything else as float."""
    x = Fraction(x)
    return x.numerator if x.denominator == 1 else float(x)


def exact_text(x: Fraction | int) -> str:
    """``x`` written exactly, as ``check`` reads it back: a decimal when it has one (every
    whole number times a decimal rate does), else ``p/q``. 12 x 0.4166666666666667 is
    ``5.0000000000000004``, not the float 5.0."""
    x = Fraction(x)
    den, twos, fives = x.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return f"{x.numerator}/{x.denominator}"
    digits = max(twos, fives)
    if digits == 0:
        return str(x.numerator)
    scaled = abs(x.numerator) * 10**digits // x.denominator
    whole, frac = divmod(scaled, 10**digits)
    return f"{'-' if x < 0 else ''}{whole}.{frac:0{digits}d}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "instance"


def default_out_dir(result_name: str, scenario: str | None) -> Path:
    name = slug(result_name) + (f"--{slug(scenario)}" if scenario else "")
    return Path("out") / name


def summary_dict(result: SolveResult) -> dict[str, Any]:
    inst = result.instance
    loads = result.loads
    sc = inst.scenario
    summary: dict[str, Any] = {
        "status": result.status,
        "closing": result.closing,
        "instance": {"name": inst.name, "path": str(inst.path), "pool": inst.pool,
                     "deadline": inst.deadline.isoformat() if inst.deadline else None},
        "groups": [{"id": g.id, "label": g.label, "weight": number(g.weight)} for g in inst.groups],
        "scenario": None if sc is None else {
            "name": sc.name, "file": sc.file, "description": sc.description, "sha256": sc.sha256,
            "overrides": list(sc.overrides), "options": list(sc.options)},
        "solver": {"name": result.solver, "version": result.solver_version,
                   "time_limit": result.time_limit},
        "termination": result.termination,
        "proven": result.proven,
        "mip_gap": result.mip_gap,
        "solve_seconds": round(result.solve_seconds, 3),
        "solver_runs": result.solver_runs,
        "max_load": None if result.max_load is None else round(float(result.max_load), LOAD_DECIMALS),
        "loads": {m: round(float(v), LOAD_DECIMALS) for m, v in sorted(loads.items())},
        "loads_exact": {m: str(v) for m, v in sorted(loads.items())},
        "pools": [] if result.check is None or result.proposal is None else [
            {"pool": c.pool, "group": c.group, "target": c.target, "places": number(c.places),
             "exchanged_out": number(c.exchanged_out), "credited": number(c.credited),
             "covered": number(c.covered), "margin": number(c.margin)}
            for c in result.check.covers],
        "levels": [{"pool": o.pool.id, "load": str(lv.load), "municipalities": lv.through - lv.above}
                   for o in result.outcomes for lv in o.levels],
        "stages": result.stages(),
        "input_sha256": inst.input_sha256,
        "files_read": list(inst.files_read),
        "warnings": [str(p) for p in inst.warnings],
        "message": result.message,
        "lirt_opt_version": __version__,
    }
    if result.pools is not None:  # some pools close, some are short (issue 12)
        summary["pool_results"] = pool_results_dict(result)
    if inst.locations is not None:
        summary["sites"] = sites_summary(result)
    if inst.milestones:
        summary["milestones"] = [
            {"date": ms.date.isoformat(), "share": float(ms.share),
             "pools": [] if result.check is None or result.proposal is None else [
                 {"pool": c.pool, "group": c.group, "task": number(c.due),
                  "places": number(c.places), "exchanged_out": number(c.exchanged_out),
                  "credited": number(c.credited), "covered": number(c.covered),
                  "margin": number(c.margin)}
                 for c in result.check.milestone_covers if c.date == ms.date]}
            for ms in inst.milestones]
    if result.status == "error" and result.check is not None:
        summary["verifier_failures"] = [str(f) for f in result.check.failures]
    return summary


def pool_results_dict(result: SolveResult) -> dict[str, Any]:
    """The closing pools (their verified covers and loads) and the short ones (shortfall)."""
    pools = result.pools
    assert pools is not None
    loads = pools.check.loads
    return {**pools.as_dict(),
            "max_load": round(float(max(loads.values())), LOAD_DECIMALS) if loads else None,
            "loads": {m: round(float(v), LOAD_DECIMALS) for m, v in sorted(loads.items())},
            "loads_exact": {m: str(v) for m, v in sorted(loads.items())},
            "covers": [{"pool": c.pool, "group": c.group, "target": c.target,
                        "places": number(c.places), "exchanged_out": number(c.exchanged_out),
                        "credited": number(c.credited), "covered": number(c.covered),
                        "margin": number(c.margin)} for c in pools.check.covers]}


def sites_summary(result: SolveResult) -> dict[str, Any]:
    """Counts of existing, newly opened and non-counting sites, and every exclusion's reason."""
    inst = result.instance
    assert inst.locations is not None
    reasons = [{"id": loc.id, "name": loc.label, "municipality": loc.municipality,
                "reason": inst.site_counts(loc)[1], "why": {"key": why[0], "values": why[1]}}
               for loc in sorted(inst.locations, key=lambda loc: loc.id)
               for why in [inst.site_exclusion(loc)] if why is not None]
    summary: dict[str, Any] = {
        "total": len(inst.locations),
        "existing": sum(1 for loc in inst.locations if loc.status == "existing"),
        "not_counting": reasons,
    }
    if result.proposal is not None:
        summary["opened_new"] = result.proposal.new_sites
        summary["opened_new_ids"] = [s.id for s in result.proposal.sites
                                     if s.opened and s.status != "existing"]
        costs = {loc.id: loc.cost for loc in inst.locations if loc.cost}
        summary["cost_per_year"] = number(sum(
            (costs[s.id] * s.total for s in result.proposal.sites if s.id in costs and s.counts),
            Fraction(0)))
    return summary


def site_rows(result: SolveResult, inst: Instance | None = None,
              proposal: Proposal | None = None) -> list[list[Any]]:
    proposal = proposal or result.proposal
    assert proposal is not None
    rows = []
    for s in proposal.sites:
        loc = next(loc for loc in (inst or result.instance).locations or () if loc.id == s.id)
        total = s.total if s.counts else (loc.capacity if s.opened else 0)
        rows.append([s.id, s.municipality, "|".join(s.groups), s.status,
                     "true" if s.opened else "false", total, "true" if s.counts else "false",
                     s.reason, "|".join(f"{g}:{n}" for g, n in s.places.items()), loc.name])
    return rows


def json_text(data: Any) -> str:
    """JSON text as lirt-opt writes it (indented, UTF-8, newline at the end)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_result(result: SolveResult, directory: Path) -> list[Path]:
    """Write the outputs of one solve, replacing ``directory`` whole; returns the files."""
    with replace_folder(directory) as fresh:
        written = write_result_files(result, fresh)
    return moved(written, fresh, directory)


def write_result_files(result: SolveResult, directory: Path) -> list[Path]:
    """Write the outputs of one solve into a fresh folder; returns the files written."""
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        atomic_write(directory / name, text)
        written.append(directory / name)

    inst, p = result.instance, result.proposal
    if p is None and result.pools is not None:  # some pools short: the closing pools' rows
        inst, p = result.pools.instance, result.pools.proposal
    if p is not None:
        put(PROPOSAL_CSV, safe_csv_text(PROPOSAL_COLUMNS, (
            (m.code, m.name, m.region, g, inst.target(m.code, g), p.places[m.code, g])
            for m in inst.municipalities for g in inst.group_ids)))
        put(EXCHANGES_CSV, safe_csv_text(EXCHANGE_COLUMNS, (
            (f.pool, f.source, f.target, number(f.places), exact_text(f.credited),
             f.date.isoformat() if f.date else "") for f in p.exchanges)))
        if inst.locations is not None:
            put(SITES_CSV, safe_csv_text(SITE_COLUMNS, site_rows(result, inst, p)))
    if result.proposal is None and result.diagnosis is not None:
        put(DIAGNOSIS_JSON, json_text(result.diagnosis.as_dict()))
    written += write_repairs(result.diagnosis if result.proposal is None else None, directory)
    put(SUMMARY_JSON, json_text(summary_dict(result)))
    return written


# ---------------------------------------------------------------------------- the diagnosis' files
REPAIRS_DIR = "repairs"


def write_repairs(diag: Diagnosis | None, directory: Path) -> list[Path]:
    """Write each verified repair's scenario to ``directory/repairs/`` (atomically) and remove
    repair files of an earlier run; with ``diag`` None only the stale files go."""
    folder = directory / REPAIRS_DIR
    written: list[Path] = []
    keep: set[str] = set()
    if diag is not None and diag.repairs is not None:
        for repair in diag.repairs.repairs:
            path = directory / repair.file
            atomic_write(path, repair.scenario_toml)
            written.append(path)
            keep.add(path.name)
    if folder.is_dir():
        for old in folder.glob("repair-*.toml"):
            if old.name not in keep:
                old.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()
    return written


def write_diagnosis(diag: Diagnosis, directory: Path) -> list[Path]:
    """diagnosis.json and the repairs' scenario files."""
    atomic_write(directory / DIAGNOSIS_JSON, json_text(diag.as_dict()))
    return [directory / DIAGNOSIS_JSON, *write_repairs(diag, directory)]
