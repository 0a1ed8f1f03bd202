"""Stage 7 — write: proposal.csv, exchanges.csv, summary.json (SPEC §4), or diagnosis.json.

Every file is written whole or not at all: it goes to a temporary file in the
same directory, is flushed to disk, and then renamed over the target. Files of an
earlier run that no longer apply (a diagnosis next to a new proposal, or the other
way round) are removed, so a directory never mixes two runs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .verify import EXCHANGE_COLUMNS, EXCHANGES_CSV, PROPOSAL_COLUMNS, PROPOSAL_CSV

if TYPE_CHECKING:
    from .pipeline import SolveResult

SUMMARY_JSON = "summary.json"
DIAGNOSIS_JSON = "diagnosis.json"
LOAD_DECIMALS = 6


def atomic_write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def number(x: Fraction | int) -> int | float:
    """A whole number as int, anything else as float."""
    x = Fraction(x)
    return x.numerator if x.denominator == 1 else float(x)


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
        "scenario": None if sc is None else {
            "name": sc.name, "file": sc.file, "description": sc.description, "sha256": sc.sha256,
            "overrides": list(sc.overrides)},
        "solver": {"name": result.solver, "version": result.solver_version,
                   "time_limit": result.time_limit},
        "termination": result.termination,
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
        "input_sha256": inst.input_sha256,
        "files_read": list(inst.files_read),
        "warnings": [str(p) for p in inst.warnings],
        "message": result.message,
        "lirt_opt_version": __version__,
    }
    if result.status == "error" and result.check is not None:
        summary["verifier_failures"] = [str(f) for f in result.check.failures]
    return summary


def json_text(data: Any) -> str:
    """JSON text as lirt-opt writes it (indented, UTF-8, newline at the end)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_result(result: SolveResult, directory: Path) -> list[Path]:
    """Write the outputs of one solve; returns the files written."""
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        atomic_write(directory / name, text)
        written.append(directory / name)

    def drop(*names: str) -> None:
        for name in names:
            (directory / name).unlink(missing_ok=True)

    inst = result.instance
    if result.proposal is not None:
        p = result.proposal
        put(PROPOSAL_CSV, csv_text(PROPOSAL_COLUMNS, (
            (m.code, m.name, m.region, g, inst.target(m.code, g), p.places[m.code, g])
            for m in inst.municipalities for g in inst.group_ids)))
        put(EXCHANGES_CSV, csv_text(EXCHANGE_COLUMNS, (
            (f.pool, f.source, f.target, number(f.places), number(f.credited))
            for f in p.exchanges)))
        drop(DIAGNOSIS_JSON)
    else:
        drop(PROPOSAL_CSV, EXCHANGES_CSV)
        if result.diagnosis is not None:
            put(DIAGNOSIS_JSON, json_text(result.diagnosis.as_dict()))
        else:
            drop(DIAGNOSIS_JSON)
    from .diagnose import write_repairs  # repairs/*.toml of the diagnosis; stale ones removed

    written += write_repairs(result.diagnosis if result.proposal is None else None, directory)
    put(SUMMARY_JSON, json_text(summary_dict(result)))
    return written
