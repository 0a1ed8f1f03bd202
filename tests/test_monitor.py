"""`monitor` and realised.csv: the hand-computed small instance (instances/README.md,
"monitoring"), validation of realised.csv (file:line:column, exit 2), outputs."""

from __future__ import annotations

import json
import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from lirt_opt import api
from lirt_opt.base.errors import InvalidInstance
from lirt_opt.monitor.progress import progress
from lirt_opt.monitor.realised import read_realised

from conftest import LIMBURG, SMALL

MON = SMALL / "monitoring"


def lines_by(prog, level):
    return {(ln.code, ln.group): ln for ln in prog.of(level)}


@pytest.fixture(scope="module")
def inst():
    return api.load_instance(MON)


@pytest.fixture(scope="module")
def rows(inst):
    return read_realised(MON / "realised.csv", inst)


# (task, realised, gap, share, pipeline, forecast, still short, status) worked out by hand
AS_OF_MARCH = {
    ("A", "asylum"): (20, 12, 8, Fraction(3, 5), 8, 20, 0, "in_time"),
    ("A", "status"): (10, 4, 6, Fraction(2, 5), 6, 10, 0, "in_time"),
    ("B", "asylum"): (10, 10, 0, Fraction(1), 0, 10, 0, "realised"),
    ("B", "status"): (0, 0, 0, None, 0, 0, 0, "realised"),  # no task: not printed
    ("C", "asylum"): (30, 18, 12, Fraction(3, 5), 0, 18, 12, "short"),
    ("C", "status"): (5, 1, 4, Fraction(1, 5), 3, 4, 1, "short"),
}
REGIONS_MARCH = {
    ("Noord", "asylum"): (30, 22, 8, Fraction(22, 30), 8, 30, 0, "in_time"),
    ("Noord", "status"): (10, 4, 6, Fraction(2, 5), 6, 10, 0, "in_time"),
    ("Zuid", "asylum"): (30, 18, 12, Fraction(3, 5), 0, 18, 12, "short"),
    ("Zuid", "status"): (5, 1, 4, Fraction(1, 5), 3, 4, 1, "short"),
}


def facts(ln):
    return (ln.task, ln.realised, ln.gap, ln.share, ln.pipeline, ln.forecast, ln.short, ln.status)


def test_realised_rows_resolve_names(rows):
    assert len(rows) == 12
    assert {r.municipality for r in rows if r.day == date(2025, 3, 1)} == {"A", "B", "C"}


def test_hand_computed_as_of_newest(inst, rows):
    prog = progress(inst, rows)
    assert prog.as_of == date(2025, 3, 1)
    munis = lines_by(prog, "municipality")
    assert {k: facts(v) for k, v in munis.items()} == AS_OF_MARCH
    assert munis["C", "status"].realised_on == date(2025, 1, 1)  # carried forward
    assert {k: facts(v) for k, v in lines_by(prog, "region").items()} == REGIONS_MARCH
    province = lines_by(prog, "province")
    assert facts(province["", "asylum"])[:7] == (60, 40, 20, Fraction(2, 3), 8, 48, 12)
    assert facts(province["", "status"])[:7] == (15, 5, 10, Fraction(1, 3), 9, 14, 1)
    assert prog.regions_short == ["Zuid"]
    assert [(ln.code, ln.group, ln.gap) for ln in prog.behind("region")] == [
        ("Zuid", "asylum", 12), ("Noord", "asylum", 8), ("Noord", "status", 6),
        ("Zuid", "status", 4)]
    assert [(ln.code, ln.group) for ln in prog.behind("municipality")] == [
        ("C", "asylum"), ("A", "asylum"), ("A", "status"), ("C", "status")]
    assert prog.trend == {
        "Noord": [(date(2025, 1, 1), 14), (date(2025, 2, 1), 22), (date(2025, 3, 1), 26)],
        "Zuid": [(date(2025, 1, 1), 16), (date(2025, 2, 1), 21), (date(2025, 3, 1), 19)]}


def test_hand_computed_as_of_mid_february(inst, rows):
    """The shared site A-flats goes to the group with the larger need: status (8) first."""
    prog = progress(inst, rows, date(2025, 2, 15))
    got = {k: (ln.realised, ln.pipeline, ln.forecast, ln.short)
           for k, ln in lines_by(prog, "municipality").items()}
    assert got == {("A", "asylum"): (12, 6, 18, 2), ("A", "status"): (2, 8, 10, 0),
                   ("B", "asylum"): (8, 0, 8, 2), ("B", "status"): (0, 0, 0, 0),
                   ("C", "asylum"): (20, 0, 20, 10),
                   ("C", "status"): (1, 3, 4, 1)}
    assert prog.regions_short == ["Noord", "Zuid"]
    assert [d for d, _ in prog.trend["Noord"]] == [date(2025, 1, 1), date(2025, 2, 1)]


def test_cli_dutch_words_and_exit_1(run_cli, tmp_path):
    out = tmp_path / "mon"
    result = run_cli("monitor", MON, "--out", out)
    assert result.exit_code == 1, result.output
    text = result.output
    assert "asielzoekers" in text and "statushouders" in text and "Cc" in text
    assert "Naar verwachting te kort voor de deadline: Zuid (asielzoekers), Zuid " \
           "(statushouders)." in text
    assert "60%" in text and "73%" in text
    data = json.loads((out / "monitor.json").read_text())
    assert data["regions_short"] == ["Zuid"] and data["as_of"] == "2025-03-01"
    csv_lines = (out / "monitor.csv").read_text().splitlines()
    assert csv_lines[0].startswith("level,code,name,region,group,group_label,task")
    assert "municipality,C,Cc,Zuid,asylum,asielzoekers,30,,18,2025-03-01,12,0.6,0,18,12,short" \
        in csv_lines


def test_cli_on_track_exit_0_english(run_cli, tmp_path):
    inst = tmp_path / "mon"
    shutil.copytree(MON, inst)
    with (inst / "realised.csv").open("a") as f:
        f.write("2025-03-02,C,asylum,30,\n2025-03-02,C,status,5,\n")
    result = run_cli("monitor", inst, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Every region is expected to reach its task before the deadline." in result.output


def test_cli_with_proposal(run_cli, tmp_path):
    prop = tmp_path / "prop"
    assert run_cli("solve", MON, "--out", prop).exit_code in (0, 1)
    result = run_cli("monitor", MON, "--proposal", prop, "--lang", "en")
    assert result.exit_code == 1
    assert "proposal" in result.output


BAD = [
    ("2025-13-01,A,asylum,3,\n", "2", "date"),
    ("2025-03-01,Ab,asylum,3,\n", "2", "municipality"),
    ("2025-03-01,A,asylun,3,\n", "2", "group"),
    ("2025-03-01,A,asylum,-3,\n", "2", "places"),
    ("2025-03-01,A,asylum,3,C-camp\n", "2", "site"),  # a site of C
    ("2025-03-01,A,status,3,A-hall\n", "2", "site"),  # a site for asylum only
    ("2025-03-01,A,asylum,3,Z-nowhere\n", "2", "site"),
    ("2025-03-01,A,asylum,13,A-hall\n", "2", "places"),  # over the capacity 12
]


@pytest.mark.parametrize("row,line,column", BAD)
def test_bad_realised_exit_2(run_cli, tmp_path, row, line, column):
    bad = tmp_path / "realised.csv"
    bad.write_text("date,municipality,group,places,site\n" + row)
    result = run_cli("monitor", MON, "--realised", bad)
    assert result.exit_code == 2, result.output
    assert f"{bad}:{line}: {column}:" in result.output
    assert "Traceback" not in result.output


def test_duplicate_and_mixed_rows(tmp_path, inst):
    bad = tmp_path / "realised.csv"
    bad.write_text("date,municipality,group,places,site\n2025-03-01,A,asylum,3,A-hall\n"
                   "2025-03-01,Aa,asylum,4,A-hall\n2025-03-01,A,asylum,1,\n")
    with pytest.raises(InvalidInstance) as exc:
        read_realised(bad, inst)
    where = sorted((p.line, p.column) for p in exc.value.problems if p.severity == "error")
    assert where == [(3, "date"), (4, "site")]


def test_no_realised_file_exit_2(run_cli, tmp_path):
    inst = tmp_path / "mon"
    shutil.copytree(MON, inst)
    (inst / "realised.csv").unlink()
    result = run_cli("monitor", inst)
    assert result.exit_code == 2
    assert "realised.csv" in result.output


def test_limburg_illustrative_realised(run_cli):
    """The bundled illustrative file reads cleanly, has three dates and four groups."""
    inst = api.load_instance(LIMBURG)
    rows = read_realised(LIMBURG / "realised.csv", inst)
    assert len({r.day for r in rows}) == 3
    assert {r.group for r in rows} == {"asylum", "amv", "status", "ukraine"}
    result = run_cli("monitor", LIMBURG)
    assert result.exit_code in (0, 1)
    assert "GM0" not in result.output  # names, not codes


def test_input_untouched(tmp_path, run_cli):
    before = {p.name: p.read_bytes() for p in MON.iterdir()}
    run_cli("monitor", MON, "--out", tmp_path / "o")
    assert {p.name: p.read_bytes() for p in MON.iterdir()} == before


def test_schema_declares_realised():
    from lirt_opt.read import schema
    assert schema.REALISED.names[:4] == ("date", "municipality", "group", "places")
    assert "realised.csv" in (Path(__file__).parent.parent / "docs" / "input-format.md").read_text()


def test_solve_realised_keeps_every_realised_place_and_passes_check(run_cli, tmp_path):
    """Issue 15: `solve --realised` on Limburg keeps the realised places (lower bounds)."""
    from lirt_opt.monitor.progress import realised_on
    from lirt_opt.proposal.reader import read_proposal_dir

    out = tmp_path / "replan"
    result = run_cli("solve", LIMBURG, "--realised", LIMBURG / "realised.csv", "--out", out,
                     "-q", "--repairs", "0")
    assert result.exit_code == 0, result.output
    assert run_cli("check", LIMBURG, out).exit_code == 0
    inst = api.load_instance(LIMBURG)
    rows = read_realised(LIMBURG / "realised.csv", inst)
    kept = realised_on(rows, max(r.day for r in rows))
    places = read_proposal_dir(out).places()
    assert kept and all(places[k] >= n for k, (_d, n) in kept.items())
    plain = tmp_path / "plain"
    assert run_cli("solve", LIMBURG, "--out", plain, "-q", "--repairs", "0").exit_code == 0
    below = read_proposal_dir(plain).places()
    assert any(below[k] < n for k, (_d, n) in kept.items())  # the bounds do bite


def test_solve_realised_invalid_file_exit_2(run_cli, tmp_path):
    bad = tmp_path / "realised.csv"
    bad.write_text("date,municipality,group,places\n2025-03-01,Nowhere,asylum,3\n")
    result = run_cli("solve", MON, "--realised", bad, "--out", tmp_path / "o", "-q")
    assert result.exit_code == 2
    assert f"{bad}:2: municipality:" in result.output


def test_report_has_progress_view(run_cli, tmp_path):
    """solve --report on an instance with realised.csv: the progress tables in html/md/xlsx."""
    out = tmp_path / "rep"
    assert run_cli("solve", MON, "--out", out, "--report", "-q").exit_code == 0
    html = (out / "report.html").read_text()
    assert '<section id="progress">' in html and "Voortgang: gerealiseerde plaatsen" in html
    md = (out / "report.md").read_text()
    assert "| Zuid | asielzoekers | 30 | 30 | 18 | 60% | 18 | 12 | te kort |" in md
    assert "| Noord | 40 | 14 | 22 | 26 |" in md
    from openpyxl import load_workbook
    assert "voortgang gemeenten" in load_workbook(out / "proposal.xlsx").sheetnames


def test_report_without_realised_has_no_progress_view(run_cli, tmp_path):
    inst = tmp_path / "mon"
    shutil.copytree(MON, inst)
    (inst / "realised.csv").unlink()
    out = tmp_path / "rep"
    assert run_cli("solve", inst, "--out", out, "--report", "-q").exit_code == 0
    assert 'id="progress"' not in (out / "report.html").read_text()
