"""Stage 1 — read: files on disk to raw, typed rows that remember where they came from.

Nothing here decides whether the instance makes sense (that is validate.py); it
only parses cells by the declared schema and records every problem it meets with
file, line and column. CSV files may be comma- or semicolon-separated, may start
with a UTF-8 byte-order mark, and may have spaces around cells.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import schema
from .errors import Problem

INSTANCE_TOML = "instance.toml"

INVALID = object()  # a cell that could not be parsed; its problem is already recorded


@dataclass
class Row:
    """One record with its origin: a CSV line, or an entry of a TOML file."""

    file: str
    line: int | None
    values: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class TomlDoc:
    file: str
    data: dict[str, Any]
    lines: dict[tuple[Any, ...], int]  # key path -> line number (best effort)

    def line_of(self, *path: Any) -> int | None:
        """Line of a key path, or of the nearest enclosing table that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


@dataclass
class RawInstance:
    dir: Path
    toml: TomlDoc | None
    tables: dict[str, list[Row] | None]  # by table file name; None = file absent
    problems: list[Problem] = field(default_factory=list)
    digests: list[tuple[str, str]] = field(default_factory=list)  # (file, sha256)
    # maps a problem to where the user sees it (a workbook's sheet and cell); None: as is
    locate: Callable[[Problem], Problem] | None = None

    def display(self, name: str) -> str:
        return str(self.dir / name)


# ---------------------------------------------------------------------------- cells
_INT_RE = re.compile(r"^[+-]?\d+$")
_DEC_RE = re.compile(r"^[+-]?(\d+[.,]\d*|[.,]\d+)$")


def parse_cell(col: schema.Column, text: str) -> tuple[Any, str | None]:
    """Parse one trimmed cell by its column declaration: (value, problem or None).

    An empty cell in a column that allows it gives ``None``.
    """
    if text == "":
        if col.empty_ok:
            return None, None
        return INVALID, "empty cell: a value is required"
    if col.type in (schema.CODE, schema.TEXT):
        return text, None
    if col.type == schema.GROUPS:
        groups = tuple(part.strip() for part in text.split("|"))
        if any(not g for g in groups):
            return INVALID, f"'{text}' has an empty group between the | separators"
        if len(set(groups)) != len(groups):
            return INVALID, f"'{text}' names a group twice"
        return groups, None
    if col.type == schema.NUMBER:
        if not _INT_RE.match(text) and not _DEC_RE.match(text):
            return INVALID, f"'{text}' is not a number"
        number = Fraction(text.replace(",", "."))
        if number < 0:
            return INVALID, f"{text} is negative"
        return number, None
    if col.type == schema.INT:
        value: int
        if _INT_RE.match(text):
            value = int(text)
        elif _DEC_RE.match(text):
            frac = Fraction(text.replace(",", "."))
            if frac.denominator != 1:
                return INVALID, (f"'{text}' is not a whole number (places are whole; write "
                                 "numbers without thousands separators)")
            value = int(frac)
        else:
            return INVALID, f"'{text}' is not a number"
        if value < 0:
            return INVALID, f"{value} is negative"
        if col.minimum is not None and value < col.minimum:
            return INVALID, f"{value} is too small: must be at least {col.minimum}"
        return value, None
    if col.type == schema.DATE:
        try:
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
                raise ValueError
            return date.fromisoformat(text), None
        except ValueError:
            return INVALID, f"'{text}' is not a date in the form YYYY-MM-DD"
    if col.type == schema.ENUM:
        if text.lower() in col.choices:
            return text.lower(), None
        return INVALID, f"'{text}' is not one of: {', '.join(col.choices)}"
    raise ValueError(f"schema type {col.type!r} is not a cell type")  # pragma: no cover


# ---------------------------------------------------------------------------- CSV
def _delimiter(text: str) -> str:
    """';' when the header line has more semicolons than commas (Dutch Excel), else ','."""
    for line in text.splitlines():
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def decode(data: bytes, display: str, problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem("error", display, line, None,
                                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file "
                                "as 'CSV UTF-8'"))
        return None


def read_csv_text(text: str, table: schema.Table, display: str,
                  problems: list[Problem]) -> list[Row] | None:
    """Parse CSV text into rows of typed values; every problem goes to ``problems``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: list[str] | None = None
    rows: list[Row] = []
    for cells in reader:
        line = reader.line_num
        cells = [c.strip() for c in cells]
        if header is None:
            if not any(cells):
                continue
            header = _read_header(cells, table, display, line, problems)
            if header is None:
                return None
            header_line = line
            continue
        if not any(cells):
            continue
        if len(cells) > len(header) and not any(cells[len(header):]):
            cells = cells[: len(header)]
        if len(cells) != len(header):
            problems.append(Problem("error", display, line, None,
                                    f"row has {len(cells)} cells, the header (line {header_line}) "
                                    f"has {len(header)}"))
            continue
        values: dict[str, Any] = {}
        for name, text_cell in zip(header, cells):
            if name not in table.names:
                continue
            value, issue = parse_cell(table.column(name), text_cell)
            if issue:
                problems.append(Problem("error", display, line, name, issue))
            values[name] = value
        rows.append(Row(display, line, values))
    if header is None:
        problems.append(Problem("error", display, 1, None, "file is empty: a header row is required"))
        return None
    return rows


def _read_header(cells: list[str], table: schema.Table, display: str, line: int,
                 problems: list[Problem]) -> list[str] | None:
    names = [c.lower() for c in cells]
    while names and names[-1] == "":
        names.pop()
    ok = True
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(Problem("error", display, line, name, "column appears twice in the header"))
            ok = False
        seen.add(name)
        if name not in table.names:
            problems.append(Problem("warning", display, line, name or "(empty)",
                                    "unknown column, ignored"))
    for col in table.columns:
        if col.required and col.name not in seen:
            problems.append(Problem("error", display, line, col.name, "required column is missing"))
            ok = False
    return names if ok else None


# ---------------------------------------------------------------------------- TOML
_HEADER_ARRAY = re.compile(r"^\[\[\s*([^\]]+?)\s*\]\]")
_HEADER_TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^("[^"]*"|'[^']*'|[A-Za-z0-9_\-.]+)\s*=""")


def _split_dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def toml_key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Best-effort map from key path to line: ('groups','amv','weight') or ('exchange',0,'rate')."""
    lines: dict[tuple[Any, ...], int] = {}
    counts: dict[str, int] = {}
    current: tuple[Any, ...] = ()
    for lineno, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        if m := _HEADER_ARRAY.match(s):
            name = m.group(1)
            idx = counts.get(name, 0)
            counts[name] = idx + 1
            current = (*_split_dotted(name), idx)
            lines.setdefault(current, lineno)
        elif m := _HEADER_TABLE.match(s):
            current = _split_dotted(m.group(1))
            lines.setdefault(current, lineno)
        elif m := _KEY.match(s):
            lines.setdefault(current + _split_dotted(m.group(1)), lineno)
    return lines


def read_toml(path: Path, display: str, problems: list[Problem]) -> tuple[TomlDoc | None, bytes | None]:
    if not path.is_file():
        problems.append(Problem("error", display, None, None, "file is missing"))
        return None, None
    data = path.read_bytes()
    text = decode(data, display, problems)
    if text is None:
        return None, data
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        col = f"column {m.group(2)}" if m else None
        problems.append(Problem("error", display, line, col, f"broken TOML: {msg}"))
        return None, data
    return TomlDoc(display, doc, toml_key_lines(text)), data


# ---------------------------------------------------------------------------- instance
def read_instance_dir(directory: str | Path) -> RawInstance:
    """Read instance.toml and every CSV table of an instance directory."""
    d = Path(directory)
    raw = RawInstance(dir=d, toml=None, tables={})
    if not d.is_dir():
        raw.problems.append(Problem("error", str(d), None, None, "instance directory not found"))
        return raw
    raw.toml, data = read_toml(d / INSTANCE_TOML, raw.display(INSTANCE_TOML), raw.problems)
    if data is not None:
        raw.digests.append((INSTANCE_TOML, hashlib.sha256(data).hexdigest()))
    for table in schema.TABLES:
        path = d / table.file
        display = raw.display(table.file)
        if not path.is_file():
            if table.required:
                raw.problems.append(Problem("error", display, None, None, "file is missing"))
            raw.tables[table.file] = None
            continue
        data = path.read_bytes()
        raw.digests.append((table.file, hashlib.sha256(data).hexdigest()))
        text = decode(data, display, raw.problems)
        raw.tables[table.file] = (None if text is None
                                  else read_csv_text(text, table, display, raw.problems))
    return raw


def read_instance(path: str | Path) -> RawInstance:
    """An instance directory, or an instance workbook (.xlsx, see workbook.py)."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx" and not p.is_dir():
        from .workbook import read_instance_workbook

        return read_instance_workbook(p)
    return read_instance_dir(p)


def combined_sha256(digests: list[tuple[str, str]]) -> str:
    """One digest over the files read: sha256 of 'name sha256' lines, sorted by name."""
    text = "".join(f"{name} {sha}\n" for name, sha in sorted(digests))
    return hashlib.sha256(text.encode()).hexdigest()
