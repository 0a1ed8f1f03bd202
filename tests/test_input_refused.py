"""Input that must be refused, not half-used (issues 17.1-17.6, 9.6, 9.9).

Each case failed before its fix: it was read as a different number (1.000 as 1),
treated as absent (a dangling bounds.csv: the caps disappeared), accepted (a name
with a carriage return, a 400-digit population, unknown keys as warnings), or ended
in exit 3 (deep TOML, an empty group id, a 5,000-digit number). Now each exits 2
naming the file (and the line where there is one), in Dutch by default.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from test_bad_input import BASE, CASES, SCENARIO_CASES, TOML, replace_line, write

from lirt_opt.base.errors import MAX_SHOWN
from lirt_opt.read.files import parse_number
from lirt_opt.read.schema import MAX_CSV_BYTES, MAX_ROWS


def invalid(run_cli, inst: Path, *extra: str, command: str = "validate", lang: str = "en"):
    """Run a command that must refuse the input; return its stderr."""
    args = [command, inst, "--lang", lang, *extra]
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


# ---------------------------------------------------------------------------- 17.1 numbers
@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), ("12.0", 12), ("12,0", 12), ("12,5", 12.5), ("12.5", 12.5), ("0,125", 0.125),
    ("1234.567", 1234.567), ("0.000", 0), (".5", 0.5),
])
def test_numbers_read_by_the_declared_rule(text, value):
    number, issue = parse_number(text)
    assert issue is None and float(number) == value


@pytest.mark.parametrize(("text", "key"), [
    ("1.000", "cell.ambiguous"), ("1,000", "cell.ambiguous"), ("2,500", "cell.ambiguous"),
    ("12.125", "cell.ambiguous"), ("1.000.000", "cell.grouped"), ("1.000,5", "cell.grouped"),
    ("1,000.50", "cell.grouped"), ("1 000", "cell.grouped"), ("1e308", "cell.not_number"),
    ("nan", "cell.not_number"), ("inf", "cell.not_number"), ("9" * 400, "cell.number_too_long"),
    ("0." + "3" * 21, "cell.too_many_decimals"),
])
def test_numbers_that_could_be_misread_are_refused(text, key):
    number, issue = parse_number(text)
    assert number is None and issue.key == key


def test_a_bound_of_1000_is_not_read_as_1(tmp_path, run_cli):
    """17.1: a cap "1.000" was read as 1 (exit 0, a cap of 1 place)."""
    inst = write(tmp_path / "inst", replace_line("bounds.csv", 2, "A,asylum,1,1.000"))
    err = invalid(run_cli, inst)
    assert "bounds.csv:2: max: '1.000' is ambiguous: 1000 (with a thousands separator) or 1?" in err
    dutch = invalid(run_cli, inst, lang="nl")
    assert "bounds.csv:2: max: '1.000' is dubbelzinnig" in dutch
    assert "ongeldige invoer: 1 fout(en)" in dutch


# ---------------------------------------------------------------------------- 17.2 files
def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.csv")


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


def _device(path: Path) -> None:
    path.symlink_to("/dev/urandom")


def _directory(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


UNREADABLE = {
    "dangling link": (_dangling, "is a symbolic link to"),
    "link loop": (_loop, "is a symbolic link that points (through other links) to itself"),
    "device": (_device, "is not a regular file but a device"),
    "directory": (_directory, "is a directory, not a file"),
    "fifo": (_fifo, "is not a regular file but a named pipe (FIFO)"),
}


@pytest.mark.parametrize("name", ["bounds.csv", "locations.csv", "instance.toml"])
@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_an_unreadable_file_is_an_error_not_absent(case, name, tmp_path, run_cli):
    """17.2: a dangling bounds.csv was treated as absent (caps gone, exit 0); an unreadable
    instance.toml was "file is missing"."""
    if case == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    inst = write(tmp_path / "inst", {name: None})
    make, words = UNREADABLE[case]
    make(inst / name)
    err = invalid(run_cli, inst)
    assert f"{name}: {words}" in err
    assert "file is missing" not in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads every file")
def test_a_file_without_read_permission(tmp_path, run_cli):
    inst = write(tmp_path / "inst", {})
    (inst / "bounds.csv").chmod(0)
    try:
        assert "bounds.csv: cannot be read: permission denied" in invalid(run_cli, inst)
    finally:
        (inst / "bounds.csv").chmod(0o644)


def test_an_absent_optional_file_is_still_absent(tmp_path, run_cli):
    inst = write(tmp_path / "inst", {"bounds.csv": None, "locations.csv": None})
    assert run_cli("validate", inst).exit_code == 0


# ---------------------------------------------------------------------------- 17.3 ranges
RANGES = {
    "target 2^63": (replace_line("targets.csv", 2, f"A,asylum,{2**63}"),
                    f"targets.csv:2: target: {2**63} is too large: must be at most 10000000"),
    "target 2^64+1": (replace_line("targets.csv", 2, f"A,asylum,{2**64 + 1}"),
                      "targets.csv:2: target: 18446744073709551617 is too large"),
    "population of 400 digits": (replace_line("municipalities.csv", 2, "A,Aa,R," + "9" * 400),
                                 "municipalities.csv:2: population: '" + "9" * 39 + "…' is too "
                                 "long for a number (at most 30 characters)"),
    "population above a billion": (replace_line("municipalities.csv", 2, "A,Aa,R,1000000001"),
                                   "population: 1000000001 is too large: must be at most "
                                   "1000000000"),
    "capacity": (replace_line("locations.csv", 2, "L1,A,asylum,10000001,,existing"),
                 "locations.csv:2: capacity: 10000001 is too large"),
    "cost": ({"locations.csv": "id,municipality,group,capacity,available_from,status,cost\n"
                               "L1,A,asylum,5,,candidate,2000000000000.5\n"},
             "locations.csv:2: cost: 2000000000000.5 is too large: must be at most 1000000000000"),
    "weight 1e308": ({"instance.toml": TOML.replace("weight = 1", "weight = 1e308")},
                     "instance.toml:9: groups.amv.weight: 1e+308 is out of range: from 0.001 up to "
                     "and including 1000"),
    "weight 1e-300": ({"instance.toml": TOML.replace("weight = 1", "weight = 1e-300")},
                      "instance.toml:9: groups.amv.weight: 1e-300 has more than 20 decimals"),
    "weight nan": ({"instance.toml": TOML.replace("weight = 1", "weight = nan")},
                   "instance.toml:9: groups.amv.weight: nan is not a number"),
    "weight inf": ({"instance.toml": TOML.replace("weight = 1", "weight = inf")},
                   "instance.toml:9: groups.amv.weight: inf is not a number"),
    "rate of 400 digits": ({"instance.toml": TOML.replace("rate = 1", "rate = " + "9" * 400)},
                           "instance.toml:14: exchange[1].rate: 99999"),
    "TOML integer of 5000 digits": ({"instance.toml": TOML.replace("rate = 1", "rate = " + "9" * 5000)},
                                    "instance.toml:14: cannot be read as TOML: Exceeds the limit"),
    "min_years": ({"instance.toml": TOML + "\n[counting]\nmin_years = 1e9\n"},
                  "instance.toml:17: counting.min_years: 1000000000.0 is out of range"),
}


@pytest.mark.parametrize("case", sorted(RANGES))
def test_numbers_out_of_range_are_refused(case, tmp_path, run_cli):
    """17.3: 2^64+1 ran for more than 600 s, 2^63 ended in "verifier rejected", a 400-digit
    population was accepted, 1e308 ended in exit 3 (OverflowError)."""
    files, words = RANGES[case]
    inst = write(tmp_path / "inst", files)
    for command in ("validate", "solve"):
        extra = ("--out", str(tmp_path / "out")) if command == "solve" else ()
        assert words in invalid(run_cli, inst, *extra, command=command)
    assert not (tmp_path / "out").exists()


def test_long_exact_decimals_are_valid(tmp_path, run_cli):
    """Weights and rates are exact decimals (SPEC §3): 16 decimals are read, not refused."""
    toml = TOML.replace("rate = 1", "rate = 0.3333333333333333").replace("weight = 1",
                                                                          "weight = 0.33333333")
    result = run_cli("validate", write(tmp_path / "inst", {"instance.toml": toml}))
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------- 17.4 control chars
CONTROL = {
    "carriage return in a name": (replace_line("municipalities.csv", 2, 'A,"A\ra",R,10'),
                                  "municipalities.csv:2: name: 'A\\x0da' contains a control "
                                  "character (U+000D, at position 2)"),
    "line feed in a name": (replace_line("municipalities.csv", 2, 'A,"A\na",R,10'),
                            "municipalities.csv:2: name: 'A\\x0aa' contains a control character"),
    "ESC in a code": ({"municipalities.csv": BASE["municipalities.csv"].replace("C,Cc", "C\x1b,Cc"),
                       "targets.csv": BASE["targets.csv"].replace("C,asylum", "C\x1b,asylum")},
                      "municipalities.csv:4: code: 'C\\x1b' contains a control character (U+001B"),
    "NUL in a region": (replace_line("municipalities.csv", 3, "B,Bb,R\x00,20"),
                        "municipalities.csv:3: region: 'R\\x00' contains a control character"),
    "DEL in a location id": (replace_line("locations.csv", 2, "L1\x7f,A,asylum,5,,existing"),
                             "locations.csv:2: id: 'L1\\x7f' contains a control character"),
    "C1 in a group cell": (replace_line("targets.csv", 2, "A,asy\u0085lum,2"),
                           "targets.csv:2: group: 'asy\\x85lum' contains a control character"),
    "tab in a name": (replace_line("municipalities.csv", 2, "A,A\ta,R,10"),
                      "municipalities.csv:2: name: 'A\\x09a' contains a control character"),
    "line separator in a name": (replace_line("municipalities.csv", 2, "A,A\u2028a,R,10"),
                                 "municipalities.csv:2: name: 'A\u2028a' contains a control"),
    "ESC in a group id": ({"instance.toml": TOML.replace("[groups.amv]", '[groups."am\\u001bv"]')},
                          "instance.toml:8: groups: 'am\\x1bv' contains a control character"),
    "line break in a label": ({"instance.toml": TOML.replace('label = "Asylum"',
                                                             'label = "Asy\\nlum"')},
                              "instance.toml:6: groups.asylum.label: 'Asy\\x0alum' contains a "
                              "control character"),
    "ESC in the name": ({"instance.toml": TOML.replace('name = "base"', 'name = "ba\\u001bse"')},
                        "instance.toml:1: name: 'ba\\x1bse' contains a control character"),
}


@pytest.mark.parametrize("case", sorted(CONTROL))
def test_control_characters_are_refused(case, tmp_path, run_cli):
    """17.4: a name with a carriage return was accepted and broke proposal.csv for check and
    report; a code with ESC made the repair TOML invalid."""
    files, words = CONTROL[case]
    inst = write(tmp_path / "inst", files)
    assert words in invalid(run_cli, inst)


def test_odd_names_read_back_through_the_projects_own_files(tmp_path, run_cli):
    """Names with quotes, separators, a leading = or ' and accents are written so that check
    and report read proposal.csv back, and read back to the same names."""
    names = {"A": '=SUM(1;2) "x"', "B": "'s-Hertogenbosch, Noord; é", "C": "+31 \u00e7a"}
    munis = "code,name,region,population\n" + "".join(
        f'{code},"{name.replace(chr(34), chr(34) * 2)}",R,10\n' for code, name in names.items())
    inst = write(tmp_path / "inst", {"municipalities.csv": munis, "locations.csv": None,
                                     "bounds.csv": None})
    out = tmp_path / "out"
    assert run_cli("solve", inst, "--out", out).exit_code == 0
    assert run_cli("check", inst, out).exit_code == 0
    assert run_cli("report", out, "--format", "md", "--out", tmp_path / "rep").exit_code == 0
    from lirt_opt.base.cells import restore

    rows = list(csv.DictReader(io.StringIO((out / "proposal.csv").read_text(encoding="utf-8"))))
    assert {restore(r["municipality"]): restore(r["name"]) for r in rows} == names


# ---------------------------------------------------------------------------- 17.5 TOML
def test_deeply_nested_toml_is_refused_with_its_line(tmp_path, run_cli):
    """17.5: depth >= 1000 ended in exit 3 (RecursionError)."""
    for value in ("[" * 1000 + "]" * 1000, "{a = " * 1000 + "1" + "}" * 1000):
        inst = write(tmp_path / "inst", {"instance.toml": TOML.replace('label = "Asylum"',
                                                                       f"label = {value}")})
        err = invalid(run_cli, inst)
        assert "instance.toml:6: arrays or tables nested more than 50 levels deep" in err


def test_nesting_inside_strings_and_comments_is_not_counted(tmp_path, run_cli):
    label = '"' + "[" * 80 + '"  # ' + "{" * 80
    inst = write(tmp_path / "inst", {"instance.toml": TOML.replace('"Asylum"', label)})
    assert run_cli("validate", inst).exit_code == 0


def test_toml_broken_at_the_end_gives_the_last_line(tmp_path, run_cli):
    """17.5: "(at end of document)" gave no line number."""
    assert TOML.count("\n") == 14
    inst = write(tmp_path / "inst", {"instance.toml": TOML + 'note = "never closed'})
    err = invalid(run_cli, inst)
    assert "instance.toml:15: broken TOML: Unterminated string" in err


# ---------------------------------------------------------------------------- 17.6 limits
def test_problems_stop_after_the_first_hundred(tmp_path, run_cli):
    """17.6: a file of duplicate rows printed 4,369,066 error lines."""
    rows = "".join(f"X{i},asylum,1\n" for i in range(5000))
    inst = write(tmp_path / "inst", {"targets.csv": "municipality,group,target\n" + rows})
    err = invalid(run_cli, inst)
    lines = err.strip().splitlines()
    assert sum("targets.csv:" in line for line in lines) == MAX_SHOWN
    assert "… and 4,900 more" in lines
    assert lines[-1].startswith("invalid input: 5,000 error(s)")
    assert "… en nog 4.900 meer" in invalid(run_cli, inst, lang="nl")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, run_cli):
    inst = write(tmp_path / "inst", {})
    with open(inst / "targets.csv", "ab") as handle:  # sparse: big, cheap to make
        handle.truncate(MAX_CSV_BYTES + 1)
    assert "targets.csv: is 20,000,001 bytes; lirt-opt reads such files up to 20,000,000 " \
           "bytes" in invalid(run_cli, inst)
    (inst / "targets.csv").unlink()
    with open(inst / "targets.csv", "ab") as handle:
        handle.truncate(52_400_000)
    assert "targets.csv: is 52.4 MB; lirt-opt reads such files up to 20.0 MB" in invalid(
        run_cli, inst)
    assert "targets.csv: is 52,4 MB groot; lirt-opt leest zulke bestanden tot 20,0 MB" in invalid(
        run_cli, inst, lang="nl")


def test_more_rows_than_the_limit_are_refused(tmp_path, run_cli):
    rows = "A,asylum,1\n" * (MAX_ROWS + 1)
    inst = write(tmp_path / "inst", {"targets.csv": "municipality,group,target\n" + rows})
    err = invalid(run_cli, inst)
    assert f"targets.csv:{MAX_ROWS + 2}: more than 100,000 rows" in err


def _workbook(tmp_path: Path, run_cli) -> tuple[Path, dict[str, bytes]]:
    assert run_cli("template", tmp_path, "--xlsx").exit_code == 0
    with zipfile.ZipFile(tmp_path / "instance.xlsx") as z:
        return tmp_path / "instance.xlsx", {i.filename: z.read(i.filename) for i in z.infolist()}


def _rezip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_a_workbook_that_unpacks_to_too_much_is_refused_unopened(tmp_path, run_cli):
    """17.6: a 0.9 MB workbook that expands to a ~300 MB sheet took 297 s."""
    book, parts = _workbook(tmp_path, run_cli)
    sheet = "xl/worksheets/sheet2.xml"
    parts[sheet] = parts[sheet].replace(b"</sheetData>", b"<!--" + b" " * 60_000_000 + b"-->"
                                        b"</sheetData>")
    _rezip(book, parts)
    assert book.stat().st_size < 1_000_000
    assert re.search(r"instance\.xlsx: unpacks to 60\.\d MB; lirt-opt reads workbooks that unpack "
                     r"to at most 50\.0 MB", invalid(run_cli, book))


def test_a_workbook_sheet_past_the_row_limit_is_refused(tmp_path, run_cli):
    """A cell at XFD1048576 and a declared dimension A1:XFD1048576 are not padded out."""
    book, parts = _workbook(tmp_path, run_cli)
    sheet = "xl/worksheets/sheet8.xml"  # locations
    xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', parts[sheet])
    parts[sheet] = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                               b't="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    _rezip(book, parts)
    assert "instance.xlsx [locations]: the sheet goes on past row 100,001" in invalid(run_cli, book)


# ---------------------------------------------------------------------------- 9.6 group ids
@pytest.mark.parametrize(("header", "words"), [
    ('[groups.""]', "instance.toml:8: groups: a group id may not be empty"),
    ('[groups."  "]', "instance.toml:8: groups: a group id may not be empty"),
    ('[groups." amv"]', "instance.toml:8: groups. amv: group id ' amv' starts or ends with a space"),
    ('[groups."amv|x"]', "group id 'amv|x' contains |"),
])
def test_bad_group_ids_are_validation_errors(header, words, tmp_path, run_cli):
    """9.6: [groups.""] ended in an internal error (exit 3)."""
    inst = write(tmp_path / "inst", {"instance.toml": TOML.replace("[groups.amv]", header)})
    for command in ("validate", "solve"):
        extra = ("--out", str(tmp_path / "out")) if command == "solve" else ()
        assert words in invalid(run_cli, inst, *extra, command=command)


# ---------------------------------------------------------------------------- 9.9 unknown keys
UNKNOWN_KEYS = {
    "top level": (TOML.replace('pool = "region"', 'pool = "region"\npol = "region"'),
                  "instance.toml:3: pol: unknown key 'pol'; did you mean `pool`?"),
    "group": (TOML.replace("weight = 1", "wieght = 1"),
              "instance.toml:9: groups.amv.wieght: unknown key 'wieght'; did you mean `weight`?"),
    "exchange": (TOML.replace("rate = 1", "rate = 1\nrat = 2"),
                 "instance.toml:15: exchange[1].rat: unknown key 'rat'; did you mean `rate`?"),
    "counting": (TOML + "\n[counting]\nmin_place = 2\n",
                 "instance.toml:17: counting.min_place: unknown key 'min_place'; did you mean "
                 "`min_places`?"),
    "milestones": (TOML + '\n[[milestones]]\ndate = "2025-01-01"\nshare = 0.5\nshar = 1\n',
                   "instance.toml:19: milestones[1].shar: unknown key"),
    "objective": (TOML + '\n[objective]\norders = ["balance"]\n',
                  "instance.toml:17: objective.orders: unknown key 'orders'; did you mean `order`?"),
    "repairs": (TOML + "\n[repairs]\ncaps = 2\n",
                "instance.toml:17: repairs.caps: unknown key 'caps'; did you mean `cap`?"),
    "nothing near": (TOML.replace('pool = "region"', 'pool = "region"\nzzz = 1'),
                     "instance.toml:3: zzz: unknown key 'zzz'; known here: counting, deadline"),
    "dotted": (TOML.replace('pool = "region"', 'pool = "region"\nfoo.bar = 1'),
               "instance.toml:3: foo: unknown key 'foo'"),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_KEYS))
def test_unknown_keys_in_instance_toml_are_errors(case, tmp_path, run_cli):
    """9.9 / SPEC §5: unknown keys were warnings; [repairs] ones by an earlier decision."""
    text, words = UNKNOWN_KEYS[case]
    assert words in invalid(run_cli, write(tmp_path / "inst", {"instance.toml": text}))


SCENARIO_KEYS = {
    "[[bound]]": ('[[bound]]\nmunicipality = "A"\ngroup = "asylum"\nmax = 3\n',
                  "scen.toml:1: bound: unknown key 'bound'; did you mean `bounds`?"),
    "maximum in bounds": ('[[bounds]]\nmunicipality = "A"\ngroup = "asylum"\nmaximum = 20\n',
                          "scen.toml:4: bounds[1].maximum: unknown key 'maximum'; did you mean "
                          "`max`?"),
    "maximum on top": ("maximum = 20\n", "scen.toml:1: maximum: unknown key 'maximum'"),
    "location key": ('[[locations]]\nid = "N1"\nmunicipality = "B"\ngroup = "asylum"\n'
                     'capacity = 4\nstatus = "planned"\ncapacty = 5\n',
                     "scen.toml:7: locations[1].capacty: unknown key 'capacty'; did you mean "
                     "`capacity`?"),
    "unknown municipality": ('[[bounds]]\nmunicipality = "Bbb"\ngroup = "asylum"\nmax = 3\n',
                             "scen.toml:1: municipality: unknown municipality 'Bbb' (not in "
                             "municipalities.csv); did you mean B (Bb)?"),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_KEYS))
def test_unknown_keys_in_a_scenario_are_errors(case, tmp_path, run_cli):
    """9.9: a scenario with [[bound]] ran with exit 0 and gave the base proposal under the
    scenario's name."""
    text, words = SCENARIO_KEYS[case]
    scen = tmp_path / "scen.toml"
    scen.write_text(text)
    inst = write(tmp_path / "inst", {})
    assert words in invalid(run_cli, inst, "--scenario", scen, "--out", tmp_path / "out",
                            command="solve")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("line", "words"), [
    ("Aa,asylum,2", "targets.csv:2: municipality: 'Aa' is the name of municipality A, not a "
                    "code: write A"),
    ("Ax,asylum,2", "targets.csv:2: municipality: unknown municipality 'Ax' (not in "
                    "municipalities.csv); did you mean A (Aa)?"),
])
def test_unknown_municipality_suggests_the_nearest(line, words, tmp_path, run_cli):
    assert words in invalid(run_cli, write(tmp_path / "inst", replace_line("targets.csv", 2, line)))


def test_what_if_options_take_a_name_or_a_code(tmp_path, run_cli):
    """9.9: --cap Gennep:asylum=40 (a name, case-insensitive, trimmed) is --cap GM0907:asylum=40."""
    inst = write(tmp_path / "inst", {})
    words = "bounds B/asylum: min none, max 3"
    for typed in ("B:asylum=3", "Bb:asylum=3", " bB :asylum=3"):
        result = run_cli("validate", inst, "--cap", typed)
        assert result.exit_code == 0, result.output
        assert words in result.output
    by_name = run_cli("solve", inst, "--cap", "bb:asylum=3", "--out", tmp_path / "n")
    by_code = run_cli("solve", inst, "--cap", "B:asylum=3", "--out", tmp_path / "c")
    assert by_name.exit_code == by_code.exit_code == 0
    assert (tmp_path / "n" / "proposal.csv").read_text() == (tmp_path / "c" / "proposal.csv"
                                                             ).read_text()


def test_what_if_options_refuse_unknown_and_ambiguous_names(tmp_path, run_cli):
    munis = "code,name,region,population\nA,Aa,R,10\nB,Same,R,20\nC,same,S,30\n"
    inst = write(tmp_path / "inst", {"municipalities.csv": munis})
    err = invalid(run_cli, inst, "--cap", "SAME:asylum=3")
    assert "--cap SAME:asylum=3: 'SAME' is the name of more than one municipality (B, C): use " \
           "the code" in err
    err = invalid(run_cli, inst, "--min", "Aaa:asylum=1")
    assert "--min Aaa:asylum=1: unknown municipality 'Aaa' (not in municipalities.csv); did you " \
           "mean A (Aa)?" in err


# ---------------------------------------------------------------------------- language
@pytest.mark.parametrize("case", sorted(CASES) + sorted(SCENARIO_CASES))
def test_every_problem_is_said_in_dutch_by_default(case, tmp_path, run_cli):
    """Whatever a person reads is Dutch by default: every line about the input differs from
    its English form (the words come from messages/input.toml)."""
    if case in CASES:
        inst, extra = write(tmp_path / "inst", CASES[case][0]), []
    else:
        inst = write(tmp_path / "inst", {})
        (tmp_path / "scen.toml").write_text(SCENARIO_CASES[case][0])
        extra = ["--scenario", str(tmp_path / "scen.toml")]
    dutch = run_cli("validate", inst, *extra).stderr.splitlines()
    english = run_cli("validate", inst, *extra, "--lang", "en").stderr.splitlines()
    assert len(dutch) == len(english) > 0
    for nl, en in zip(dutch, english):
        assert nl != en, nl
