"""Shared pieces for the workbooks lirt-opt writes (proposal.xlsx, the instance template).

* Text cells are typed as text with Excel's quote prefix: a name like ``=HYPERLINK(..)``
  shows as text and is never a formula (openpyxl would otherwise store any string
  starting with ``=`` as a formula); control characters XML cannot hold are replaced.
* Headers are bold with the top row frozen.
* Output is deterministic: fixed document dates and zip entry times, so the same
  proposal gives the same bytes.
* Written atomically (temporary file, then rename), like every other output.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .cells import xml_text

FIXED_TIME = datetime(2000, 1, 1)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (<= 31 characters, none of []:*?/\\)."""
    base = _SHEET_BAD.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def set_text(cell: Cell, text: str) -> None:
    """Put untrusted text in a cell: as text, never as a formula."""
    cell.value = xml_text(text)
    cell.data_type = "s"
    cell.quotePrefix = True


def put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None) -> Cell:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        set_text(cell, value)
    elif value is None:
        cell.value = None
    else:
        cell.value = value
        if number_format:
            cell.number_format = number_format
    return cell


def header(ws: Worksheet, names: list[str], widths: list[int] | None = None) -> None:
    bold = Font(bold=True)
    for j, name in enumerate(names, 1):
        put(ws, 1, j, name).font = bold
        width = (widths[j - 1] if widths else None) or max(10, min(40, len(name) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, the same for the same content."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "lirt-opt"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              lambda m: m.group(1) + stamp.encode() + m.group(2), data)
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (``resultdir.atomic_write``)."""
    from .resultdir import atomic_write

    atomic_write(path, data)
