"""Stage 1 — read: files on disk to raw, typed rows that remember where they came from.

Nothing here decides whether the instance makes sense (that is validate.py); it
only parses cells by the declared schema and records every problem it meets with
file, line and column. CSV files may be comma- or semicolon-separated, may start
with a UTF-8 byte-order mark, and may have spaces around cells.

What is refused here rather than half-used (limits in ``schema``):

* a file that exists but is no regular readable file (a dangling or looping
  symbolic link, a directory, a FIFO, a device): an error, never "absent";
  regular-file-ness is checked on the opened descriptor, opened without blocking,
  so a FIFO cannot hang the reader; files over their size limit are refused
  before they are read;
* numbers with thousands separators, or that could be read two ways (``1.000``,
  ``2,500``: see :func:`parse_number`), numbers out of the declared range, with
  too many digits or decimals;
* control characters (line breaks, tabs, ESC, NUL, …) in codes, ids and names;
* TOML nested deeper than ``schema.MAX_TOML_DEPTH`` (before tomllib recurses).
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from ..base.errors import Problem, Problems, Word, problem, word
from . import schema

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
    problems: list[Problem] = field(default_factory=Problems)
    digests: list[tuple[str, str]] = field(default_factory=list)  # (file, sha256)
    # maps a problem to where the user sees it (a workbook's sheet and cell); None: as is
    locate: Callable[[Problem], Problem] | None = None

    def display(self, name: str) -> str:
        return str(self.dir / name)


# ---------------------------------------------------------------------------- cells
class Issue(NamedTuple):
    """What is wrong with one value: a catalogue key and its placeholders."""

    key: str
    params: dict[str, Any]

    def problem(self, file: str, line: int | None, column: str | None) -> Problem:
        return problem("error", file, line, column, self.key, **self.params)

    def __str__(self) -> str:
        return self.problem("", None, None).message


def issue(key: str, **params: Any) -> Issue:
    return Issue(key, params)


def shorten(text: str, limit: int = 40) -> str:
    """Text for a message: at most ``limit`` characters, control characters made visible."""
    text = "".join(f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" else c for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Unicode Cc (C0 U+0000-U+001F, DEL, C1 U+0080-U+009F), Zl (U+2028) and Zp (U+2029)
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def text_issue(text: str, limit: int) -> Issue | None:
    """Why ``text`` cannot be a code, id, name or label (None: it can).

    Control characters (and the Unicode line separators) are refused: a name with a
    carriage return or an ESC breaks the CSV and TOML files lirt-opt writes and reads
    back. ``limit`` is the longest text allowed.
    """
    found = _FORBIDDEN.search(text)
    if found is not None:
        return issue("text.control", char=f"U+{ord(found.group()):04X}",
                     position=str(found.start() + 1), text=shorten(text))
    if len(text) > limit:
        return issue("text.too_long", text=shorten(text), length=len(text), limit=limit)
    return None


_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# one separator followed by exactly three digits after 1-3 digits (not a leading 0):
# 1.000 / 2,500 read as a thousand and two thousand five hundred in Dutch, as 1 and 2.5 in English
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:(?P<sep>[.,  \u00a0\u202f'])\d{3})(?:(?P=sep)\d{3})*"
                      r"(?:[.,]\d+)?$")


def _decimal_text(value: Fraction, unambiguous: bool = True) -> str:
    """A finite decimal as text; ``unambiguous``: never exactly three decimals (1.1250)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, rest = divmod(value, 1)
    if not rest:
        return f"{sign}{whole}"
    digits = ""
    while rest:
        rest *= 10
        digit, rest = divmod(rest, 1)
        digits += str(digit)
    if len(digits) == 3 and unambiguous:
        digits += "0"
    return f"{sign}{whole}.{digits}"


def parse_number(text: str) -> tuple[Fraction | None, Issue | None]:
    """A number cell as an exact fraction, by one declared rule for every file dialect.

    A number is digits with at most one decimal separator, a point or a comma
    (``12.5`` and ``12,5`` are the same, in comma- and semicolon-separated files
    alike). lirt-opt reads no thousands separators and never guesses one:

    * ``1.000.000``, ``1.000,5``, ``1 000`` (grouped) are refused, with the number
      written plainly as a hint;
    * ``1.000`` and ``2,500`` (one separator followed by exactly three digits, after
      1-3 digits that do not start with 0) are refused as ambiguous: Dutch
      spreadsheets mean a thousand, English ones one. ``0,125`` and ``1234.567`` are
      not ambiguous (no thousands grouping starts with 0 or has four digits) and are
      read as decimals. Write ``1000``, or ``1`` / ``1.0``.

    Exponents, ``inf`` and ``nan`` are not numbers; a cell is at most
    ``schema.MAX_NUMBER_CHARS`` characters, with at most ``schema.MAX_DECIMALS``
    decimals.
    """
    if len(text) > schema.MAX_NUMBER_CHARS:
        return None, issue("cell.number_too_long", text=shorten(text),
                           limit=schema.MAX_NUMBER_CHARS)
    if _AMBIGUOUS.match(text):
        sign = "-" if text.startswith("-") else ""
        digits = text.lstrip("+-")
        thousands = sign + digits.replace(".", "").replace(",", "")
        decimal = _decimal_text(Fraction(sign + digits.replace(",", ".")))
        return None, issue("cell.ambiguous", text=text, thousands=thousands, decimal=decimal)
    if not _PLAIN.match(text):
        grouped = _GROUPED.match(text)
        if grouped:
            sep = grouped.group("sep")
            body = text.replace(sep, "")
            last_decimal = sep in ".," and body.count(".") + body.count(",") == 1  # 1.000,5
            return None, issue("cell.grouped", text=text,
                               plain=body.replace(",", ".") if last_decimal else body)
        return None, issue("cell.not_number", text=shorten(text))
    decimals = text.replace(",", ".").partition(".")[2]
    if len(decimals) > schema.MAX_DECIMALS:
        return None, issue("cell.too_many_decimals", text=shorten(text), limit=schema.MAX_DECIMALS)
    return Fraction(text.replace(",", ".")), None


def range_issue(value: Fraction | int, text: str, minimum: Fraction | int | None,
                maximum: Fraction | int | None) -> Issue | None:
    """Why ``value`` (written ``text``) is outside [minimum, maximum]; None when inside."""
    if value < 0 and (minimum is None or minimum >= 0):
        return issue("cell.negative", text=text)
    if minimum is not None and value < minimum:
        return issue("cell.too_small", text=text, minimum=number_text(minimum))
    if maximum is not None and value > maximum:
        return issue("cell.too_large", text=text, maximum=number_text(maximum))
    return None


def number_text(value: Fraction | int) -> str:
    """A limit as text: whole numbers plainly (10000000), decimals as decimals (0.001)."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return _decimal_text(value, unambiguous=False)


def parse_cell(col: schema.Column, text: str) -> tuple[Any, Issue | None]:
    """Parse one trimmed cell by its column declaration: (value, issue or None).

    An empty cell in a column that allows it gives ``None``.
    """
    if text == "":
        if col.empty_ok:
            return None, None
        return INVALID, issue("cell.empty")
    if col.type in (schema.CODE, schema.TEXT, schema.GROUPS):
        limit = schema.MAX_TEXT_CHARS if col.type == schema.TEXT else schema.MAX_CODE_CHARS
        bad = text_issue(text, limit)
        if bad is not None:
            return INVALID, bad
    if col.type in (schema.CODE, schema.TEXT):
        return text, None
    if col.type == schema.GROUPS:
        groups = tuple(part.strip() for part in text.split("|"))
        if any(not g for g in groups):
            return INVALID, issue("cell.groups_empty", text=text)
        if len(set(groups)) != len(groups):
            return INVALID, issue("cell.groups_twice", text=text)
        return groups, None
    if col.type == schema.INT and text.isascii() and text.isdigit() and len(text) <= 12:
        whole = int(text)  # the common case, read fast
        bad = range_issue(whole, text, col.minimum, col.maximum)
        return (INVALID, bad) if bad is not None else (whole, None)
    if col.type in (schema.NUMBER, schema.INT):
        number, bad = parse_number(text)
        if number is None:
            if (bad is not None and bad.key == "cell.ambiguous" and col.type == schema.INT
                    and "." in bad.params["decimal"]):  # 1.234 cannot be a whole number
                bad = issue("cell.thousands", text=text, thousands=bad.params["thousands"])
            return INVALID, bad
        if col.type == schema.INT and number.denominator != 1:
            return INVALID, issue("cell.not_whole", text=text)
        bad = range_issue(number, text, col.minimum, col.maximum)
        if bad is not None:
            return INVALID, bad
        return (int(number) if col.type == schema.INT else number), None
    if col.type == schema.DATE:
        try:
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
                raise ValueError
            return date.fromisoformat(text), None
        except ValueError:
            return INVALID, issue("cell.not_date", text=shorten(text))
    if col.type == schema.ENUM:
        if text.lower() in col.choices:
            return text.lower(), None
        return INVALID, issue("cell.not_choice", text=shorten(text), choices=", ".join(col.choices))
    raise ValueError(f"schema type {col.type!r} is not a cell type")  # pragma: no cover


def typed_number_text(value: int | float) -> str:
    """The cell text of a number typed as a number (a workbook cell), read back as that number.

    A typed number is never ambiguous: 1.125 gets a fourth decimal (1.1250) so that
    :func:`parse_number` does not take it for a thousands separator.
    """
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value)) if abs(value) < 1e30 else repr(value)
    text = repr(value)
    return text + "0" if _AMBIGUOUS.match(text) else text


# ---------------------------------------------------------------------------- files
def read_input(path: Path, display: str, problems: list[Problem], limit: int,
               required: bool = False) -> bytes | None:
    """The bytes of an input file, or None: absent (a problem only when ``required``) or not
    readable (always a problem saying what is wrong).

    "Absent" means no directory entry at all. A symbolic link to nowhere or to itself, a
    directory, a FIFO or a device is an error: treating it as absent would silently drop
    the caps or sites it was meant to hold. The file is opened without blocking and
    checked on the open descriptor (a FIFO cannot hang the reader, nothing changes
    between check and read); its size is checked before anything is read.
    """

    def bad(key: str, **params: Any) -> None:
        problems.append(problem("error", display, None, None, key, **params))

    def refused(exc: OSError) -> None:
        if isinstance(exc, FileNotFoundError):  # the entry exists (lstat), its target does not
            try:
                target = shorten(os.readlink(path), 120)
            except OSError:
                target = "?"
            bad("file.dangling", target=target)
        elif exc.errno == errno.ELOOP:
            bad("file.loop")
        elif exc.errno in (errno.EACCES, errno.EPERM):
            bad("file.permission")
        elif exc.errno == errno.EISDIR:
            bad("file.directory")
        else:
            bad("file.unreadable", reason=exc.strerror or type(exc).__name__)

    def not_regular(st: os.stat_result) -> bool:
        if stat.S_ISREG(st.st_mode):
            return False
        bad("file.directory" if stat.S_ISDIR(st.st_mode) else
            "file.fifo" if stat.S_ISFIFO(st.st_mode) else
            "file.socket" if stat.S_ISSOCK(st.st_mode) else "file.device")
        return True

    try:
        os.lstat(path)
    except FileNotFoundError:
        if required:
            bad("file.missing")
        return None
    except OSError as exc:
        bad("file.unreadable", reason=exc.strerror or type(exc).__name__)
        return None
    try:  # what the entry is, before opening it (a device is never opened)
        if not_regular(os.stat(path)):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        refused(exc)
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)  # again on what was opened: it may have been swapped meanwhile
        if not_regular(st):
            return None
        if st.st_size > limit:
            bad("file.too_large", **sizes(st.st_size, limit))
            return None
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            bad("file.unreadable", reason=exc.strerror or type(exc).__name__)
            return None
    if len(data) > limit:  # it grew while being read
        bad("file.too_large", **sizes(len(data), limit))
        return None
    return data


def sizes(size: int, limit: int) -> dict[str, Word]:
    """Size and limit as people read them: in MB, or in bytes when the MB would look equal."""
    if f"{size / 1e6:.1f}" == f"{limit / 1e6:.1f}":
        return {"size": word("size.bytes", count=size), "limit": word("size.bytes", count=limit)}
    return {"size": word("size.mb", mb=size / 1e6), "limit": word("size.mb", mb=limit / 1e6)}


# ---------------------------------------------------------------------------- CSV
def _delimiter(text: str) -> str:
    """';' when the header line has more semicolons than commas (Dutch Excel), else ','."""
    for line in text.split("\n"):
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def decode(data: bytes, display: str, problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(problem("error", display, line, None, "file.not_utf8",
                                byte=f"0x{data[exc.start]:02x}"))
        return None


def _csv_issue(exc: csv.Error) -> Issue:
    text = str(exc)
    if "field larger than field limit" in text:
        return issue("text.too_long", text="…", length=csv.field_size_limit(),
                     limit=schema.MAX_TEXT_CHARS)
    if "unexpected end of data" in text:
        return issue("csv.unclosed_quote")
    if "expected after" in text:
        return issue("csv.after_quote")
    return issue("csv.malformed", reason=text)


def read_csv_text(text: str, table: schema.Table, display: str,
                  problems: list[Problem]) -> list[Row] | None:
    """Parse CSV text into rows of typed values; every problem goes to ``problems``.

    A malformed file (an unclosed quote, text after a closing quote) stops reading at
    the line where it goes wrong; more than ``schema.MAX_ROWS`` data rows are refused.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    header: list[str] | None = None
    declared: dict[str, schema.Column] = {}
    rows: list[Row] = []
    header_line = 1
    while True:
        line = reader.line_num + 1  # where the record starts (a quoted cell may span lines)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_csv_issue(exc).problem(display, line, None))
            return None
        cells = [c.strip() for c in cells]
        if header is None:
            if not any(cells):
                continue
            header = read_header(cells, table, display, line, problems)
            if header is None:
                return None
            header_line = line
            declared = {c.name: c for c in table.columns}
            continue
        if not any(cells):
            continue
        if len(rows) >= schema.MAX_ROWS:
            problems.append(problem("error", display, line, None, "csv.too_many_rows",
                                    limit=schema.MAX_ROWS))
            return None
        if len(cells) > len(header) and not any(cells[len(header):]):
            cells = cells[: len(header)]
        if len(cells) != len(header):
            problems.append(problem("error", display, line, None, "csv.cell_count",
                                    cells=len(cells), header_line=str(header_line),
                                    header=len(header)))
            continue
        values: dict[str, Any] = {}
        for name, text_cell in zip(header, cells):
            col = declared.get(name)
            if col is None:
                continue
            value, bad = parse_cell(col, text_cell)
            if bad:
                problems.append(bad.problem(display, line, name))
            values[name] = value
        rows.append(Row(display, line, values))
    if header is None:
        problems.append(problem("error", display, 1, None, "csv.empty"))
        return None
    return rows


def read_header(cells: list[str], table: schema.Table, display: str, line: int,
                 problems: list[Problem]) -> list[str] | None:
    names = [c.lower() for c in cells]
    while names and names[-1] == "":
        names.pop()
    ok = True
    seen: set[str] = set()
    for name in names:
        bad = text_issue(name, schema.MAX_CODE_CHARS)
        if bad is not None:
            problems.append(bad.problem(display, line, None))
            return None
        if name in seen:
            problems.append(problem("error", display, line, name, "csv.column_twice"))
            ok = False
        seen.add(name)
        if name not in table.names:
            problems.append(problem("warning", display, line, name or "(empty)",
                                    "csv.unknown_column"))
    for col in table.columns:
        if col.required and col.name not in seen:
            problems.append(problem("error", display, line, col.name, "csv.column_missing"))
            ok = False
    return names if ok else None


# ---------------------------------------------------------------------------- TOML
_HEADER_ARRAY = re.compile(r"^\[\[\s*([^\]]+?)\s*\]\]")
_HEADER_TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]")
_PART = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)"""
_KEY = re.compile(rf"^({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_PARTS = re.compile(_PART)


def _split_dotted(name: str) -> tuple[str, ...]:
    """A dotted TOML key as its parts: groups."amv".weight -> ('groups', 'amv', 'weight')."""
    parts = []
    for part in _PARTS.findall(name):
        if part[:1] == "'" and len(part) >= 2:
            part = part[1:-1]
        elif part[:1] == '"' and len(part) >= 2:  # escapes as TOML reads them: "am\u001bv"
            try:
                part = tomllib.loads(f"k = {part}")["k"]
            except tomllib.TOMLDecodeError:
                part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def toml_key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Best-effort map from key path to line: ('groups','amv','weight') or ('exchange',0,'rate').

    Every prefix of a dotted key gets the line too (``a.b = 1`` locates ``a``).
    """
    lines: dict[tuple[Any, ...], int] = {}
    counts: dict[tuple[str, ...], int] = {}
    current: tuple[Any, ...] = ()
    for lineno, raw in enumerate(text.split("\n"), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        if m := _HEADER_ARRAY.match(s):
            name = _split_dotted(m.group(1))
            idx = counts.get(name, 0)
            counts[name] = idx + 1
            current = (*name, idx)
            for k in range(1, len(name)):
                lines.setdefault(name[:k], lineno)
            lines.setdefault(current, lineno)
            lines.setdefault(name, lineno)
        elif m := _HEADER_TABLE.match(s):
            current = _split_dotted(m.group(1))
            for k in range(1, len(current) + 1):
                lines.setdefault(current[:k], lineno)
        elif m := _KEY.match(s):
            parts = _split_dotted(m.group(1))
            for k in range(1, len(parts) + 1):
                lines.setdefault(current + parts[:k], lineno)
    return lines


def _too_deep(text: str, limit: int) -> int | None:
    """The line where arrays or inline tables nest deeper than ``limit``; None if they do not.

    A scan that skips strings and comments (tomllib recurses per level and fails with a
    RecursionError long before a stack of a thousand levels is done).
    """
    depth, line, i, n = 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif text.startswith(('"""', "\'\'\'"), i):
            delim, j = text[i:i + 3], i + 3
            while j < n and not text.startswith(delim, j):
                if text[j] == "\\" and delim == '"""':
                    j += 1
                elif text[j] == "\n":
                    line += 1
                j += 1
            i = j + 3
            continue
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] not in (c, "\n"):
                j += 2 if text[j] == "\\" and c == '"' else 1
            i = j + 1 if j < n and text[j] == c else j
            continue
        elif c in "[{":
            depth += 1
            if depth > limit:
                return line
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def _last_line(text: str) -> int:
    lines = text.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return len(lines)


def read_toml(path: Path, display: str, problems: list[Problem]) -> tuple[TomlDoc | None, bytes | None]:
    data = read_input(path, display, problems, schema.MAX_TOML_BYTES, required=True)
    if data is None:
        return None, None
    text = decode(data, display, problems)
    if text is None:
        return None, data
    deep = _too_deep(text, schema.MAX_TOML_DEPTH)
    if deep is not None:
        problems.append(problem("error", display, deep, None, "toml.too_deep",
                                limit=schema.MAX_TOML_DEPTH))
        return None, data
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else _last_line(text)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        col = f"column {m.group(2)}" if m else None
        problems.append(problem("error", display, line, col, "toml.broken", reason=msg))
        return None, data
    except (ValueError, RecursionError) as exc:  # a number too long to convert; nesting
        long_number = re.search(r"\d[\d_]{200,}", text)
        where = text.count("\n", 0, long_number.start()) + 1 if long_number else None
        problems.append(problem("error", display, where, None, "toml.unreadable",
                                reason=shorten(str(exc), 120)))
        return None, data
    return TomlDoc(display, doc, toml_key_lines(text)), data


# ---------------------------------------------------------------------------- instance
def read_instance_dir(directory: str | Path) -> RawInstance:
    """Read instance.toml and every CSV table of an instance directory."""
    d = Path(directory)
    raw = RawInstance(dir=d, toml=None, tables={})
    if not d.is_dir():
        key = "file.not_instance" if d.exists() else "file.no_instance"
        raw.problems.append(problem("error", str(d), None, None, key))
        return raw
    raw.toml, data = read_toml(d / INSTANCE_TOML, raw.display(INSTANCE_TOML), raw.problems)
    if data is not None:
        raw.digests.append((INSTANCE_TOML, hashlib.sha256(data).hexdigest()))
    for table in schema.TABLES:
        display = raw.display(table.file)
        data = read_input(d / table.file, display, raw.problems, schema.MAX_CSV_BYTES,
                          required=table.required)
        if data is None:  # absent (optional: no such table), or a problem is recorded
            raw.tables[table.file] = None
            continue
        raw.digests.append((table.file, hashlib.sha256(data).hexdigest()))
        text = decode(data, display, raw.problems)
        raw.tables[table.file] = (None if text is None
                                  else read_csv_text(text, table, display, raw.problems))
    return raw


def combined_sha256(digests: list[tuple[str, str]]) -> str:
    """One digest over the files read: sha256 of 'name sha256' lines, sorted by name."""
    text = "".join(f"{name} {sha}\n" for name, sha in sorted(digests))
    return hashlib.sha256(text.encode()).hexdigest()
