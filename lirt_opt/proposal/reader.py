"""Reading a written proposal directory back, as plain data, for compare and report.

A proposal directory is what ``lirt-opt solve`` writes: ``summary.json`` always;
``proposal.csv`` and ``exchanges.csv`` when there is a proposal; ``diagnosis.json``
when there is none; ``sites.csv`` once sites are modelled (it is optional here and
read generically: every column as text, numbers where a cell is a number). Text
cells are restored from their spreadsheet-safe form (cells.py).

No instance is needed: names, regions, targets, loads and pool covers are all in
the files. Unreadable files raise ProposalFileError (exit 2).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..base.cells import restore
from ..base.errors import ProposalFileError

SITES_CSV = "sites.csv"


@dataclass(frozen=True)
class PlaceRow:
    municipality: str
    name: str
    region: str
    group: str
    target: int
    places: int


@dataclass
class ProposalData:
    path: Path
    summary: dict[str, Any]
    rows: list[PlaceRow] | None  # None: no proposal.csv (no closing proposal)
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] | None = None  # None: no sites.csv
    site_columns: list[str] = field(default_factory=list)
    diagnosis: dict[str, Any] | None = None

    # ---- views ----------------------------------------------------------------
    @property
    def status(self) -> str:
        return str(self.summary.get("status", "unknown"))

    @property
    def closing(self) -> bool:
        return bool(self.summary.get("closing")) and self.rows is not None

    @property
    def has_proposal(self) -> bool:
        return self.rows is not None

    @property
    def instance_name(self) -> str:
        inst = self.summary.get("instance") or {}
        return str(inst.get("name") or self.path.name)

    @property
    def scenario(self) -> dict[str, Any] | None:
        sc = self.summary.get("scenario")
        return sc if isinstance(sc, dict) else None

    @property
    def label(self) -> str:
        """Instance name, and the scenario's name when there is one."""
        sc = self.scenario
        return self.instance_name + (f" ({sc.get('name')})" if sc else "")

    @property
    def loads(self) -> dict[str, Fraction]:
        exact = (self.summary.get("loads_exact")  # some pools short: the closing pools' loads
                 or (self.summary.get("pool_results") or {}).get("loads_exact") or {})
        if exact:
            return {m: Fraction(v) for m, v in exact.items()}
        return {m: Fraction(str(v)) for m, v in (self.summary.get("loads") or {}).items()}

    @property
    def groups(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.rows or []:
            seen.setdefault(r.group, None)
        return list(seen)

    @property
    def group_labels(self) -> dict[str, str]:
        """group id -> label (summary.json ``groups``; the id where a label is missing)."""
        labels = {str(g.get("id")): str(g.get("label") or g.get("id"))
                  for g in self.summary.get("groups") or [] if isinstance(g, dict)}
        return {g: labels.get(g, g) for g in [*labels, *self.groups]}

    def group_label(self, group: str) -> str:
        return self.group_labels.get(group, group)

    @property
    def site_reasons(self) -> dict[str, dict[str, Any]]:
        """site id -> {"key", "values"} of why it does not count (summary.json), for words."""
        sites = self.summary.get("sites") or {}
        return {str(r.get("id")): r["why"] for r in sites.get("not_counting") or []
                if isinstance(r, dict) and isinstance(r.get("why"), dict)}

    @property
    def municipalities(self) -> list[tuple[str, str, str]]:
        """(code, name, region) in file order (sorted by code), once each."""
        seen: dict[str, tuple[str, str, str]] = {}
        for r in self.rows or []:
            seen.setdefault(r.municipality, (r.municipality, r.name, r.region))
        return list(seen.values())

    @property
    def pools(self) -> list[dict[str, Any]]:
        return list(self.summary.get("pools") or [])

    def places(self) -> dict[tuple[str, str], int]:
        return {(r.municipality, r.group): r.places for r in self.rows or []}


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProposalFileError(f"{path}: not valid UTF-8 ({exc})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = [{k: restore((v or "").strip()) for k, v in row.items() if k is not None}
            for row in reader]
    return list(reader.fieldnames or []), rows


def _int(path: Path, line: int, column: str, text: str) -> int:
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ProposalFileError(f"{path}:{line}: {column}: {text!r} is not a number") from None
    if value.denominator != 1:
        raise ProposalFileError(f"{path}:{line}: {column}: {text!r} is not a whole number")
    return int(value)


def cell_value(text: str) -> Any:
    """A generic CSV cell: int, float, or the text itself."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text) if text.strip() not in ("nan", "inf", "-inf") else text
    except ValueError:
        return text


def read_proposal_dir(directory: str | Path) -> ProposalData:
    d = Path(directory)
    summary_path = d / "summary.json"
    if not d.is_dir():
        raise ProposalFileError(f"{d}: proposal directory not found")
    if not summary_path.is_file():
        raise ProposalFileError(f"{summary_path}: file is missing (is this a proposal directory?)")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProposalFileError(f"{summary_path}: not valid JSON ({exc})") from None
    if not isinstance(summary, dict):
        raise ProposalFileError(f"{summary_path}: not a summary object")
    data = ProposalData(path=d, summary=summary, rows=None)
    proposal = d / "proposal.csv"
    if proposal.is_file():
        columns, raw = _read_csv(proposal)
        need = ["municipality", "name", "region", "group", "target", "places"]
        missing = [c for c in need if c not in columns]
        if missing:
            raise ProposalFileError(f"{proposal}: missing column(s) {', '.join(missing)}")
        data.rows = [PlaceRow(r["municipality"], r["name"], r["region"], r["group"],
                              _int(proposal, i, "target", r["target"]),
                              _int(proposal, i, "places", r["places"]))
                     for i, r in enumerate(raw, 2)]
    exchanges = d / "exchanges.csv"
    if exchanges.is_file():
        _, raw = _read_csv(exchanges)
        data.exchanges = [{k: cell_value(v) if k in ("places", "credited") else v
                           for k, v in r.items()} for r in raw]
    sites = d / SITES_CSV
    if sites.is_file():
        columns, raw = _read_csv(sites)
        data.site_columns = columns
        data.sites = [{k: cell_value(v) if k not in ("id", "municipality") else v
                       for k, v in r.items()} for r in raw]
    diagnosis = d / "diagnosis.json"
    if diagnosis.is_file():
        try:
            diag = json.loads(diagnosis.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ProposalFileError(f"{diagnosis}: not valid JSON ({exc})") from None
        data.diagnosis = diag if isinstance(diag, dict) else {"diagnosis": diag}
    return data
