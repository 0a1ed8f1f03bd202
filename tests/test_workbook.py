"""Instances as Excel workbooks: the template, a filled-in Limburg, errors by sheet, row and cell."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from lirt_opt.read import schema

from conftest import LIMBURG


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def fill_limburg(book: Path) -> None:
    """Fill a template workbook with the Limburg instance, cell by cell (numbers as numbers)."""
    wb = openpyxl.load_workbook(book)
    ws = wb["instance"]
    values = {"name": "Limburg 2024", "pool": "region", "deadline": date(2025, 7, 1),
              "counting.min_places": 0, "counting.min_years": 0, "counting.count_candidates": True,
              "objective.order": "balance, sites, cost"}
    for row in range(2, ws.max_row + 1):
        key = ws.cell(row, 1).value
        if key in values:
            ws.cell(row, 2).value = values[key]
    wb["groups"].append(["asylum", "Asielzoekers (regulier)", 1, 0.25])
    wb["groups"].append(["amv", "Alleenstaande minderjarige vreemdelingen (AMV)", 1.0, None])
    wb["groups"].append(["status", "Statushouders (vergunninghouders)", 1, None])
    wb["groups"].append(["ukraine", "Oekraïense ontheemden", 1, 0.25])
    for source, target in (("amv", "asylum"), ("status", "asylum"), ("ukraine", "asylum"),
                           ("asylum", "ukraine")):
        wb["exchanges"].append([source, target, 1])
    wb["milestones"].append([date(2025, 1, 1), 0.5])
    numbers = ("population", "target", "capacity", "min_size", "cost")
    dates = ("available_from", "available_until")
    for name in ("municipalities", "targets", "locations"):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        for r in csv_rows(LIMBURG / f"{name}.csv"):
            ws.append([None if r[h] == "" else int(r[h]) if h in numbers
                       else date.fromisoformat(r[h]) if h in dates else r[h] for h in header])
    wb.save(book)


def test_template_has_a_sheet_per_table_with_descriptions(tmp_path, run_cli):
    result = run_cli("template", tmp_path, "--xlsx")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "instance.xlsx")
    assert wb.sheetnames == ["instance", "groups", "exchanges", "milestones", "municipalities",
                             "targets", "bounds", "locations"]
    for table in schema.TABLES:
        ws = wb[table.file.removesuffix(".csv")]
        assert [c.value for c in ws[1]] == list(table.names)
        assert ws.freeze_panes == "A2"
        for cell, col in zip(ws[1], table.columns):
            assert cell.comment is not None and col.description in cell.comment.text
    assert [wb["instance"].cell(r, 1).value for r in (2, 3, 4)] == ["name", "pool", "deadline"]
    # a second run does not overwrite the filled-in workbook
    assert run_cli("template", tmp_path, "--xlsx").exit_code == 2


def test_csv_template_is_a_skeleton_instance(tmp_path, run_cli):
    assert run_cli("template", tmp_path).exit_code == 0
    assert (tmp_path / "targets.csv").read_text() == "municipality,group,target\n"
    assert 'pool = "region"' in (tmp_path / "instance.toml").read_text()


def test_filled_workbook_solves_to_the_same_proposal(tmp_path, run_cli):
    assert run_cli("template", tmp_path, "--xlsx").exit_code == 0
    book = tmp_path / "instance.xlsx"
    fill_limburg(book)
    assert run_cli("validate", book).exit_code == 0
    from_book, from_csv = tmp_path / "book", tmp_path / "csv"
    result = run_cli("solve", book, "--out", from_book)
    assert result.exit_code == 0, result.output
    assert run_cli("solve", LIMBURG, "--out", from_csv).exit_code == 0
    for name in ("proposal.csv", "exchanges.csv", "sites.csv"):
        assert (from_book / name).read_text() == (from_csv / name).read_text()
    assert run_cli("check", book, from_book).exit_code == 0
    # what-if options work on a workbook too
    out = tmp_path / "capped"
    assert run_cli("solve", book, "--cap", "GM0907:asylum=40", "--out", out).exit_code == 0
    rows = {(r["municipality"], r["group"]): int(r["places"]) for r in csv_rows(out / "proposal.csv")}
    assert rows["GM0907", "asylum"] <= 40


def edit(book: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(book)
    wb[sheet][cell] = value
    wb.save(book)


@pytest.fixture
def filled(tmp_path, run_cli) -> Path:
    assert run_cli("template", tmp_path, "--xlsx").exit_code == 0
    fill_limburg(tmp_path / "instance.xlsx")
    return tmp_path / "instance.xlsx"


BAD_CELLS = {
    "not a number": ("targets", "C5", "abc", "[targets]:5: target (cell C5): 'abc' is not a number"),
    "unknown municipality": ("targets", "A7", "GM9999",
                             "[targets]:7: municipality (cell A7): unknown municipality 'GM9999'"),
    "negative population": ("municipalities", "D3", -5, "[municipalities]:3: population (cell D3): -5 "
                                                        "is negative"),
    "bad weight": ("groups", "C3", "heavy", "[groups]:3: weight (cell C3): 'heavy' is not a number"),
    "bad pool": ("instance", "B3", "country", "[instance]:3: pool (cell B3): unknown pool 'country'"),
    "exchange to unknown group": ("exchanges", "B2", "nobody",
                                  "[exchanges]:2: to (cell B2): unknown group 'nobody'"),
}


@pytest.mark.parametrize("case", sorted(BAD_CELLS))
def test_errors_name_sheet_row_and_cell(case, filled, run_cli):
    sheet, cell, value, words = BAD_CELLS[case]
    edit(filled, sheet, cell, value)
    result = run_cli("validate", filled, "--lang", "en")
    assert result.exit_code == 2
    assert words in result.output, result.output
    assert "Traceback" not in result.output


def test_missing_sheet_and_broken_file(filled, tmp_path, run_cli):
    wb = openpyxl.load_workbook(filled)
    del wb["targets"]
    wb.save(filled)
    result = run_cli("validate", filled, "--lang", "en")
    assert result.exit_code == 2 and "sheet 'targets' is missing" in result.output
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    result = run_cli("solve", broken, "--out", tmp_path / "o", "--lang", "en")
    assert result.exit_code == 2 and "not a readable .xlsx workbook" in result.output
