"""proposal.xlsx: one sheet per table of the report; numbers as numbers, headers frozen.

The first sheet is the summary (title, headline, and what the proposal was made
from). Text from user files goes in as text, never as a formula (xlsxio.set_text).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from ..base.xlsxio import header, put, sheet_title, workbook_bytes
from .model import INT, LOAD, NUM, SIGNED, TEXT, VALUE, Report, Table

FORMATS = {INT: "#,##0", LOAD: "0.000", SIGNED: "+#,##0;-#,##0;0", VALUE: "0.00000", NUM: "General"}


def _sheet(wb: Workbook, table: Table, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(table.sheet, taken))
    header(ws, [c.full_label for c in table.columns],
           [max(10, min(40, max([len(c.full_label) + 2] + [len(str(r[j])) + 2 for r in table.rows
                                                          if isinstance(r[j], str)])))
            for j, c in enumerate(table.columns)])
    for i, row in enumerate(table.rows, 2):
        for j, (c, v) in enumerate(zip(table.columns, row), 1):
            if c.kind != TEXT and isinstance(v, float) and v.is_integer() and c.kind != LOAD:
                v = int(v)
            put(ws, i, j, v, FORMATS.get(c.kind))
    if table.rows:
        ws.auto_filter.ref = ws.dimensions


def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    about = next((s for s in report.sections if s.id == "about"), None)
    summary_name = about.tables[0].sheet if about and about.tables else "Summary"
    ws.title = sheet_title(summary_name, taken)
    put(ws, 1, 1, report.title).font = Font(bold=True, size=14)
    row = 2
    for line in report.subtitle:
        put(ws, row, 1, line)
        row += 1
    row += 1
    for label, value in report.headline:
        put(ws, row, 1, label).font = Font(bold=True)
        put(ws, row, 2, value)
        row += 1
    if about and about.tables:
        row += 1
        for r in about.tables[0].rows:
            put(ws, row, 1, str(r[0])).font = Font(bold=True)
            put(ws, row, 2, str(r[1]))
            row += 1
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 80
    for section in report.sections:
        if section.id == "about":
            continue
        for table in section.tables:
            _sheet(wb, table, taken)
    return workbook_bytes(wb)
