"""Instances as Excel workbooks: ``lirt-opt template DIR --xlsx`` and reading one back.

A workbook holds the same instance as a directory, one sheet per file:

| sheet | holds | as in |
|---|---|---|
| ``instance`` | rows ``key | value | description`` for ``name``, ``pool``, ``deadline`` | instance.toml |
| ``groups`` | ``id | label | weight | max_import_share``, one row per target group | [groups.<id>] |
| ``exchanges`` | ``from | to | rate``, one row per allowed exchange | [[exchange]] |
| ``milestones`` | ``date | share``, one row per milestone (optional sheet) | [[milestones]] |
| ``municipalities``, ``targets``, ``bounds``, ``locations`` | the CSV tables, same columns | *.csv |

Header cells carry the schema's description (lirt_opt/schema.py) as a comment.
The first row of a sheet is its header; empty rows are skipped. ``bounds`` and
``locations`` are optional: a missing sheet, or one with no data rows, is the same
as a missing file (an empty ``locations`` sheet does *not* mean "no capacity").

Reading turns the workbook into the same raw rows as the CSV reader (cells are
parsed by the same rules, dates may be Excel dates), so validation and solving
are unchanged. Every problem names the workbook, the sheet, the row and the
column with its cell: ``limburg.xlsx [targets]:5: target (cell C5): ...``.

A workbook is a zip of XML parts that may unpack to far more than its size on disk.
Before openpyxl sees it, the parts' unpacked sizes are added up (zipfile refuses a
part that unpacks to more than its declared size) and refused over
``schema.MAX_XLSX_UNPACKED``; only the sheets lirt-opt knows are read, each in
read-only mode without trusting its declared dimensions, and reading stops past
``schema.MAX_ROWS`` rows of a sheet or ``schema.MAX_XLSX_CELLS`` cells in all.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from ..base.errors import Problem, problem
from . import schema
from .files import (
    RawInstance,
    Row,
    TomlDoc,
    parse_cell,
    parse_number,
    read_header,
    read_input,
    shorten,
    sizes,
    typed_number_text,
)

INSTANCE_SHEET, GROUPS_SHEET, EXCHANGES_SHEET = "instance", "groups", "exchanges"
MILESTONES_SHEET = "milestones"
SETTING_KEYS = ("name", "pool", "deadline", "counting.min_places", "counting.min_years",
                "counting.count_candidates", "objective.order")
MILESTONE_COLUMNS = ("date", "share")
GROUP_COLUMNS = ("id", "label", "weight", "max_import_share")
EXCHANGE_COLUMNS = ("from", "to", "rate")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def table_sheet(table: schema.Table) -> str:
    return table.file.removesuffix(".csv")


def _key(path: str) -> schema.Key:
    return next(k for k in schema.INSTANCE_KEYS if k.path == path)


def _describe(description: str, unit: str = "", required: bool = False, empty_ok: bool = False
              ) -> str:
    parts = [description]
    if unit:
        parts.append(f"Unit: {unit}.")
    parts.append("Required." if required else "Optional.")
    if empty_ok:
        parts.append("May be empty.")
    return " ".join(parts)


# ---------------------------------------------------------------------------- template
def template_workbook() -> Workbook:
    """An empty instance workbook: every sheet with its header and the schema's descriptions."""
    from ..base.xlsxio import header, put

    wb = Workbook()
    ws = wb.active
    ws.title = INSTANCE_SHEET
    header(ws, ["key", "value", "description"], [14, 30, 90])
    for i, path in enumerate(SETTING_KEYS, 2):
        key = _key(path)
        put(ws, i, 1, path)
        put(ws, i, 3, key.description + (f" One of: {', '.join(key.choices)}." if key.choices
                                         else "") + (" Required." if key.required else ""))
    ws["B1"].comment = Comment("The value of each setting of instance.toml.", "lirt-opt")
    specs: list[tuple[str, tuple[str, ...], dict[str, str]]] = [
        (GROUPS_SHEET, GROUP_COLUMNS, {
            "id": "Target group id, e.g. asylum or amv (the <id> of [groups.<id>]). Required.",
            **{c: _describe(_key(f"groups.<id>.{c}").description, _key(f"groups.<id>.{c}").unit,
                            empty_ok=True) for c in GROUP_COLUMNS[1:]}}),
        (EXCHANGES_SHEET, EXCHANGE_COLUMNS, {
            c: _describe(_key(f"exchange[].{c}").description, _key(f"exchange[].{c}").unit,
                         required=True) for c in EXCHANGE_COLUMNS}),
        (MILESTONES_SHEET, MILESTONE_COLUMNS, {
            c: _describe(_key(f"milestones[].{c}").description, _key(f"milestones[].{c}").unit,
                         required=True) for c in MILESTONE_COLUMNS}),
    ]
    for table in schema.TABLES:
        specs.append((table_sheet(table), table.names, {
            c.name: _describe(c.description, c.unit, c.required, c.empty_ok) + (
                f" One of: {', '.join(c.choices)}." if c.choices else "")
            for c in table.columns}))
    for title, columns, descriptions in specs:
        ws = wb.create_sheet(title)
        header(ws, list(columns), [max(14, len(c) + 4) for c in columns])
        for j, name in enumerate(columns, 1):
            comment = Comment(descriptions[name], "lirt-opt")
            comment.width, comment.height = 300, 120
            ws.cell(row=1, column=j).comment = comment
    return wb


# ---------------------------------------------------------------------------- reading
def _text(value: Any) -> str:
    """A cell's value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return typed_number_text(value)
    return str(value).strip()


def _toml_value(value: Any, numeric: bool = False) -> Any:
    """A settings cell as the value tomllib would have given."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        value = value.strip()
        if numeric and _NUMBER_TEXT.match(value):
            number, _ = parse_number(value)  # None: ambiguous (1.000), left as text: not a number
            if number is not None:
                return int(number) if number.denominator == 1 else number
    return value


def known_sheets() -> tuple[str, ...]:
    return (INSTANCE_SHEET, GROUPS_SHEET, EXCHANGES_SHEET, MILESTONES_SHEET,
            *(table_sheet(t) for t in schema.TABLES))


class SheetTooLarge(Exception):
    """Reading stopped at a limit; ``key`` and ``params`` say which (catalogue)."""

    def __init__(self, sheet: str, key: str, **params: Any):
        super().__init__(key)
        self.sheet, self.key, self.params = sheet, key, params


class _Sheets:
    """The rows of each sheet lirt-opt knows: (row number, values) pairs of non-empty rows.

    Other sheets are not read. Raises :class:`SheetTooLarge` past the limits of rows
    and cells (see the module doc).
    """

    def __init__(self, wb: Any):
        self.rows: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
        self.names = {ws.title.strip().lower(): ws.title for ws in wb.worksheets}
        wanted = set(known_sheets())
        cells = 0
        last_row = schema.MAX_ROWS + 1  # the header and MAX_ROWS data rows
        for ws in wb.worksheets:
            name = ws.title.strip().lower()
            if name not in wanted:
                continue
            ws.reset_dimensions()  # a declared A1:XFD1048576 would be padded out to it
            rows = []
            for number, values in enumerate(ws.iter_rows(values_only=True), 1):
                cells += len(values)
                if cells > schema.MAX_XLSX_CELLS:
                    raise SheetTooLarge(ws.title, "xlsx.too_many_cells", limit=schema.MAX_XLSX_CELLS)
                if any(v is not None and str(v).strip() != "" for v in values):
                    if number > last_row:
                        raise SheetTooLarge(ws.title, "xlsx.too_many_rows", limit=last_row,
                                            rows=schema.MAX_ROWS)
                    rows.append((number, tuple(values)))
            self.rows[name] = rows


def _unpacked_problem(data: bytes, book: str) -> Problem | None:
    """Why the workbook's zip may not be opened (too large unpacked, too many parts); None: ok."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return problem("error", book, None, None, "xlsx.unreadable",
                       reason=shorten(f"{type(exc).__name__}: {exc}", 120))
    if len(parts) > 10_000:
        return problem("error", book, None, None, "xlsx.too_many_parts", count=len(parts),
                       limit=10_000)
    unpacked = sum(part.file_size for part in parts)
    if unpacked > schema.MAX_XLSX_UNPACKED:
        return problem("error", book, None, None, "xlsx.unpacked_too_large",
                       **sizes(unpacked, schema.MAX_XLSX_UNPACKED))
    return None


def read_instance_workbook(path: Path) -> RawInstance:
    """Read an instance workbook into the raw rows the validator checks (see the module doc)."""
    raw = RawInstance(dir=path, toml=None, tables={})
    book = path.name if path.parent == Path(".") else str(path)
    data = read_input(path, book, raw.problems, schema.MAX_XLSX_BYTES, required=True)
    if data is None:
        return raw
    raw.digests.append((path.name, hashlib.sha256(data).hexdigest()))
    refused = _unpacked_problem(data, book)
    if refused is not None:
        raw.problems.append(refused)
        return raw
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = _Sheets(wb)
        finally:
            wb.close()
    except SheetTooLarge as exc:
        raw.problems.append(problem("error", f"{book} [{exc.sheet}]", None, None, exc.key,
                                    **exc.params))
        return raw
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, AttributeError) as exc:
        raw.problems.append(problem("error", book, None, None, "xlsx.unreadable",
                                    reason=shorten(f"{type(exc).__name__}: {exc}", 120)))
        return raw
    headers: dict[str, dict[str, int]] = {}  # display -> column name -> column number

    def display(sheet: str) -> str:
        return f"{book} [{sheets.names.get(sheet, sheet)}]"

    # ---- tables
    for table in schema.TABLES:
        sheet = table_sheet(table)
        rows = sheets.rows.get(sheet)
        if rows is None or (not table.required and len(rows) <= 1):
            if table.required:
                raw.problems.append(problem("error", book, None, None, "xlsx.sheet_missing",
                                            sheet=sheet))
            raw.tables[table.file] = None
            continue
        raw.tables[table.file] = _read_table(rows, table, display(sheet), raw.problems, headers)
    # ---- settings
    raw.toml = _settings(sheets, book, display, raw.problems, headers)
    raw.locate = _locator(book, display, headers)
    return raw


def _read_table(rows: list[tuple[int, tuple[Any, ...]]], table: schema.Table, where: str,
                problems: list[Problem], headers: dict[str, dict[str, int]]) -> list[Row] | None:
    if not rows:
        problems.append(problem("error", where, 1, None, "xlsx.sheet_empty"))
        return None
    line, cells = rows[0]
    header = read_header([_text(c) for c in cells], table, where, line, problems)
    if header is None:
        return None
    headers[where] = {name: j for j, name in enumerate(header, 1) if name}
    out = []
    for line, cells in rows[1:]:
        values: dict[str, Any] = {}
        for j, cell in enumerate(cells):
            name = header[j] if j < len(header) else ""
            if j >= len(header) and cell is not None and str(cell).strip():
                problems.append(problem("warning", where, line, f"cell {get_column_letter(j + 1)}"
                                        f"{line}", "xlsx.outside_header"))
            if name not in table.names:
                continue
            value, issue = parse_cell(table.column(name), _text(cell))
            if issue:
                problems.append(issue.problem(where, line, name))
            values[name] = value
        for name in header:  # cells past the last one Excel stored are empty
            if name in table.names and name not in values:
                value, issue = parse_cell(table.column(name), "")
                if issue:
                    problems.append(issue.problem(where, line, name))
                values[name] = value
        out.append(Row(where, line, values))
    return out


SETTINGS = "settings"  # the TomlDoc's file name; _locator maps its problems to sheets


def _settings(sheets: _Sheets, book: str, display: Callable[[str], str], problems: list[Problem],
              headers: dict[str, dict[str, int]]) -> TomlDoc | None:
    data: dict[str, Any] = {}
    lines: dict[tuple[Any, ...], int] = {}
    settings = sheets.rows.get(INSTANCE_SHEET)
    if settings is None:
        problems.append(problem("error", book, None, None, "xlsx.sheet_missing",
                                sheet=INSTANCE_SHEET))
        return None
    for line, cells in settings[1:]:
        key = _text(cells[0]) if cells else ""
        value = cells[1] if len(cells) > 1 else None
        if not key or value is None or (isinstance(value, str) and not value.strip()):
            continue
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else {}
        if key == "objective.order" and isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        elif key == "counting.count_candidates" and isinstance(value, str):
            value = {"true": True, "false": False}.get(value.strip().lower(), value)
        elif key.startswith("counting.") and isinstance(value, str):
            value = _toml_value(value, numeric=True)
        node[parts[-1]] = _toml_value(value)
        lines[tuple(parts)] = line
    for line, cells in sheets.rows.get(MILESTONES_SHEET, [])[1:]:
        head = [_text(c).lower() for c in sheets.rows[MILESTONES_SHEET][0][1]]
        body = {name: _toml_value(cells[j], name == "share") for j, name in enumerate(head)
                if j < len(cells) and name in MILESTONE_COLUMNS and cells[j] is not None}
        index = len(data.setdefault("milestones", []))
        data["milestones"].append(body)
        for k in ("", *MILESTONE_COLUMNS):
            lines[("milestones", index, k) if k else ("milestones", index)] = line
    if sheets.rows.get(MILESTONES_SHEET):
        head = [_text(c).lower() for c in sheets.rows[MILESTONES_SHEET][0][1]]
        headers[display(MILESTONES_SHEET)] = {name: j for j, name in enumerate(head, 1) if name}
    for sheet, columns in ((GROUPS_SHEET, GROUP_COLUMNS), (EXCHANGES_SHEET, EXCHANGE_COLUMNS)):
        rows = sheets.rows.get(sheet)
        if rows is None:
            if sheet == GROUPS_SHEET:
                problems.append(problem("error", book, None, None, "xlsx.sheet_missing",
                                        sheet=sheet))
            continue
        if not rows:
            continue
        where = display(sheet)
        head = [_text(c).lower() for c in rows[0][1]]
        headers[where] = {name: j for j, name in enumerate(head, 1) if name}
        for name in columns:
            if name not in head and name in ("id", "from", "to", "rate"):
                problems.append(problem("error", where, rows[0][0], name, "csv.column_missing"))
        for index, (line, cells) in enumerate(rows[1:]):
            record = {name: cells[j] for j, name in enumerate(head)
                      if j < len(cells) and name in columns and cells[j] is not None
                      and not (isinstance(cells[j], str) and not cells[j].strip())}
            numeric = {"weight", "max_import_share", "rate"}
            body = {k: _toml_value(v, k in numeric) for k, v in record.items() if k != "id"}
            if sheet == GROUPS_SHEET:
                gid = _text(record.get("id"))
                if not gid:
                    problems.append(problem("error", where, line, "id", "xlsx.group_id_required"))
                    continue
                if gid in data.setdefault("groups", {}):
                    problems.append(problem("error", where, line, "id", "xlsx.group_twice",
                                            group=shorten(gid)))
                    continue
                data["groups"][gid] = body
                lines[("groups", gid)] = line
                for k in body:
                    lines[("groups", gid, k)] = line
            else:
                data.setdefault("exchange", []).append(body)
                lines[("exchange", index)] = line
                for k in EXCHANGE_COLUMNS:
                    lines[("exchange", index, k)] = line
    return TomlDoc(SETTINGS, data, lines)


def _locator(book: str, display: Callable[[str], str], headers: dict[str, dict[str, int]]
             ) -> Callable[[Problem], Problem]:
    """Map a problem to its sheet and cell: 'target' -> 'target (cell C5)'; settings to sheets."""

    def cell(where: str, name: str | None, line: int | None) -> str | None:
        if name is None or line is None:
            return name
        j = headers.get(where, {}).get(name)
        return f"{name} (cell {get_column_letter(j)}{line})" if j else name

    def locate(p: Problem) -> Problem:
        if p.file == SETTINGS:
            column = p.column or ""
            m = re.match(r"^(groups)\.[^.]+\.(\w+)$", column) or re.match(
                r"^(exchange|milestones)(?:\[\d+\])?\.(\w+)$", column)
            if m:
                where = display({"groups": GROUPS_SHEET, "exchange": EXCHANGES_SHEET,
                                 "milestones": MILESTONES_SHEET}[m.group(1)])
                return replace(p, file=where, column=cell(where, m.group(2), p.line))
            if column.startswith("milestones"):
                return replace(p, file=display(MILESTONES_SHEET))
            if column.startswith("groups"):
                return replace(p, file=display(GROUPS_SHEET))
            if column.startswith("exchange"):
                return replace(p, file=display(EXCHANGES_SHEET))
            where = display(INSTANCE_SHEET)
            col = f"{column} (cell B{p.line})" if p.line is not None and column else column
            return replace(p, file=where, column=col or None)
        if p.file in headers:
            return replace(p, column=cell(p.file, p.column, p.line))
        return p

    return locate
