"""The bad-input corpus: every case exits 2 and names file, line and column; no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TOML = """name = "base"
pool = "region"
deadline = "2025-07-01"

[groups.asylum]
label = "Asylum"

[groups.amv]
weight = 1

[[exchange]]
from = "amv"
to = "asylum"
rate = 1
"""

BASE = {
    "instance.toml": TOML,
    "municipalities.csv": "code,name,region,population\nA,Aa,R,10\nB,Bb,R,20\nC,Cc,S,30\n",
    "targets.csv": "municipality,group,target\nA,asylum,2\nA,amv,1\nB,asylum,4\nC,asylum,6\n",
    "bounds.csv": "municipality,group,min,max\nA,asylum,1,5\n",
    "locations.csv": ("id,municipality,group,capacity,available_from,status\n"
                      "L1,A,asylum,5,,existing\nL2,A,amv,3,2025-01-01,planned\n"
                      "L3,B,asylum,10,,candidate\nL4,C,asylum,10,,candidate\n"),
}


SITES_HEADER = "id,municipality,group,capacity,available_from,status,min_size,available_until\n"


def write(directory: Path, files: dict[str, str | bytes | None]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in {**BASE, **files}.items():
        path = directory / name
        if text is None:
            continue
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return directory


def replace_line(name: str, line: int, text: str) -> dict[str, str]:
    lines = BASE[name].splitlines()
    lines[line - 1] = text
    return {name: "\n".join(lines) + "\n"}


CASES = {
    "unknown municipality": (replace_line("targets.csv", 3, "X,amv,1"),
                             ["targets.csv:3: municipality: unknown municipality 'X'"]),
    "unknown group": (replace_line("targets.csv", 3, "A,refugees,1"),
                      ["targets.csv:3: group: unknown group 'refugees'"]),
    "duplicate code": (replace_line("municipalities.csv", 3, "A,Again,R,20"),
                       ["municipalities.csv:3: code: duplicate municipality code A (first at line 2)"]),
    "duplicate target": (replace_line("targets.csv", 4, "A,asylum,4"),
                         ["targets.csv:4: municipality: duplicate target for A/asylum (first at line 2)"]),
    "non-numeric": (replace_line("targets.csv", 2, "A,asylum,two"),
                    ["targets.csv:2: target: 'two' is not a number"]),
    "negative": (replace_line("targets.csv", 2, "A,asylum,-3"),
                 ["targets.csv:2: target: -3 is negative"]),
    "fractional": (replace_line("targets.csv", 2, "A,asylum,2.5"),
                   ["targets.csv:2: target: '2.5' is not a whole number"]),
    "thousands separator": (replace_line("municipalities.csv", 2, "A,Aa,R,1.234"),
                            ["municipalities.csv:2: population: '1.234' has a thousands separator, "
                             "which lirt-opt does not read: write 1234"]),
    # issue 17.1: these were read as 1
    "thousand with a point": (replace_line("bounds.csv", 2, "A,asylum,1,1.000"),
                              ["bounds.csv:2: max: '1.000' is ambiguous: 1000 (with a thousands "
                               "separator) or 1?"]),
    "thousand with a comma": (replace_line("municipalities.csv", 2, 'A,Aa,R,"1,000"'),
                              ["municipalities.csv:2: population: '1,000' is ambiguous"]),
    "thousand in a semicolon file": ({"municipalities.csv": "code;name;region;population\n"
                                      "A;Aa;R;1.000\nB;Bb;R;20\nC;Cc;S;30\n"},
                                     ["municipalities.csv:2: population: '1.000' is ambiguous"]),
    "grouped thousands": (replace_line("targets.csv", 2, 'A,asylum,"1.000.000"'),
                          ["targets.csv:2: target: '1.000.000' has thousands separators: write "
                           "1000000"]),
    "ambiguous cost": ({"locations.csv": "id,municipality,group,capacity,available_from,status,cost\n"
                                         'L1,A,asylum,5,,candidate,"2,500"\n'},
                       ["locations.csv:2: cost: '2,500' is ambiguous: 2500 (with a thousands "
                        "separator) or 2.5?"]),
    "min above max": (replace_line("bounds.csv", 2, "A,asylum,6,5"),
                      ["bounds.csv:2: min: min 6 is greater than max 5"]),
    "missing file": ({"targets.csv": None}, ["targets.csv: file is missing"]),
    "missing column": ({"targets.csv": "municipality,group\nA,asylum\n"},
                       ["targets.csv:1: target: required column is missing"]),
    "broken toml": ({"instance.toml": TOML.replace('pool = "region"', 'pool = "region')},
                    ["instance.toml:2: column", "broken TOML"]),
    "unknown pool": ({"instance.toml": TOML.replace('"region"', '"county"')},
                     ["instance.toml:2: pool: unknown pool 'county'"]),
    "missing pool": ({"instance.toml": TOML.replace('pool = "region"\n', "")},
                     ["instance.toml: pool: required key is missing"]),
    "zero rate": ({"instance.toml": TOML.replace("rate = 1", "rate = 0")},
                  ["instance.toml:14: exchange[1].rate: rate 0 must be a number greater than 0"]),
    "negative weight": ({"instance.toml": TOML.replace("weight = 1", "weight = -1")},
                        ["instance.toml:9: groups.amv.weight: weight -1 must be greater than 0"]),
    "import share above 1": ({"instance.toml": TOML.replace('label = "Asylum"',
                                                           "max_import_share = 1.5")},
                             ["instance.toml:6: groups.asylum.max_import_share: share 1.5"]),
    "exchange unknown group": ({"instance.toml": TOML.replace('to = "asylum"', 'to = "status"')},
                               ["instance.toml:11: exchange.to: unknown group 'status'"]),
    "exchange cycle": ({"instance.toml": TOML + '\n[[exchange]]\nfrom = "asylum"\nto = "amv"\n'
                                               'rate = 2\n'},
                       ["instance.toml:11: exchange.rate: exchange cycle amv -> asylum -> amv "
                        "multiplies its rates to 2 > 1"]),
    "population zero": (replace_line("municipalities.csv", 2, "A,Aa,R,0"),
                        ["municipalities.csv:2: population: 0 is too small: must be at least 1"]),
    "empty name": (replace_line("municipalities.csv", 2, "A,,R,10"),
                   ["municipalities.csv:2: name: empty cell: a value is required"]),
    "cell count": (replace_line("targets.csv", 3, "A,amv,1,7"),
                   ["targets.csv:3: row has 4 cells, the header (line 1) has 3"]),
    "not utf-8": ({"municipalities.csv": b"code,name,region,population\nA,Aa,R,10\n"
                   + "B,Sûdwest,R,20\n".encode("cp1252")},
                  ["municipalities.csv:3: not valid UTF-8"]),
    "location status": (replace_line("locations.csv", 2, "L1,A,asylum,5,,open"),
                        ["locations.csv:2: status: 'open' is not one of: existing, planned, candidate"]),
    "location date": (replace_line("locations.csv", 3, "L2,A,amv,3,1-7-2025,planned"),
                      ["locations.csv:3: available_from: '1-7-2025' is not a date in the form YYYY-MM-DD"]),
    "location capacity": (replace_line("locations.csv", 4, "L3,B,asylum,0,,candidate"),
                          ["locations.csv:4: capacity: 0 is too small: must be at least 1"]),
    "location id twice": (replace_line("locations.csv", 5, "L1,C,asylum,10,,candidate"),
                          ["locations.csv:5: id: duplicate location id L1 (first at line 2)"]),
    "location unknown municipality": (replace_line("locations.csv", 5, "L4,Z,asylum,10,,candidate"),
                                      ["locations.csv:5: municipality: unknown municipality 'Z'"]),
    "site min_size above capacity": (
        {"locations.csv": SITES_HEADER + "L1,A,asylum,5,,candidate,9,\n"},
        ["locations.csv:2: min_size: min_size 9 is greater than capacity 5"]),
    "site until before from": (
        {"locations.csv": SITES_HEADER + "L1,A,asylum,5,,candidate,,\n"
                                         "L2,B,asylum,5,2025-01-01,planned,,2024-06-30\n"},
        ["locations.csv:3: available_until: available until 2024-06-30, before it is available "
         "from 2025-01-01"]),
    "site unknown group in a list": (
        {"locations.csv": SITES_HEADER + "L1,A,asylum|refugees,5,,candidate,,\n"},
        ["locations.csv:2: group: unknown group 'refugees'"]),
    "site empty group in a list": (
        {"locations.csv": SITES_HEADER + "L1,A,asylum||amv,5,,candidate,,\n"},
        ["locations.csv:2: group: 'asylum||amv' has an empty group between the | separators"]),
    "site negative cost": (
        {"locations.csv": "id,municipality,group,capacity,available_from,status,cost\n"
                          "L1,A,asylum,5,,candidate,-3\n"},
        ["locations.csv:2: cost: -3 is negative"]),
    "milestone share above 1": (
        {"instance.toml": TOML + '\n[[milestones]]\ndate = "2025-01-01"\nshare = 1.5\n'},
        ["instance.toml:18: milestones[1].share: 1.5 must be a number with 0 < share <= 1"]),
    "objective order without balance": (
        {"instance.toml": TOML + '\n[objective]\norder = ["sites", "cost"]\n'},
        ["instance.toml:17: objective.order: ['sites', 'cost'] must be a list of distinct names"]),
    "counting min_places fractional": (
        {"instance.toml": TOML + "\n[counting]\nmin_places = 2.5\n"},
        ["instance.toml:17: counting.min_places: 2.5 must be a whole number >= 0"]),
    "no groups": ({"instance.toml": 'name = "x"\npool = "region"\n'},
                  ["instance.toml: groups: at least one target group is required"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_2_with_location(case, tmp_path, run_cli):
    files, expected = CASES[case]
    inst = write(tmp_path / "inst", files)
    for command in ("validate", "solve"):
        args = [command, inst, "--lang", "en"] + (["--out", tmp_path / "out"]
                                                  if command == "solve" else [])
        result = run_cli(*args)
        assert result.exit_code == 2, (command, result.output)
        for fragment in expected:
            assert fragment in result.stderr, (command, fragment, result.stderr)
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_every_problem_is_reported(tmp_path, run_cli):
    files = {"targets.csv": "municipality,group,target\nX,asylum,2\nA,nope,1\nB,asylum,-1\nC,asylum,x\n"}
    result = run_cli("validate", write(tmp_path / "inst", files), "--lang", "en")
    assert result.exit_code == 2
    for fragment in ("targets.csv:2: municipality", "targets.csv:3: group", "targets.csv:4: target",
                     "targets.csv:5: target", "4 error(s)"):
        assert fragment in result.stderr


def test_unknown_column_is_a_warning(tmp_path, run_cli):
    files = {"municipalities.csv": "code,name,region,population,note\nA,Aa,R,10,x\nB,Bb,R,20,\n"
                                   "C,Cc,S,30,y\n"}
    result = run_cli("validate", write(tmp_path / "inst", files), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "municipalities.csv:1: note: unknown column, ignored (warning)" in result.stderr


def test_dutch_excel_csv_is_accepted(tmp_path, run_cli):
    """Semicolons, a byte-order mark, spaces around cells, Windows line ends."""
    files = {"targets.csv": "\ufeffmunicipality ; group ; target\r\n A ; asylum ; 2 \r\n"
                            "A;amv;1\r\nB;asylum;4\r\nC;asylum;6\r\n"}
    result = run_cli("validate", write(tmp_path / "inst", files))
    assert result.exit_code == 0, result.output


def test_real_process_shows_no_traceback(tmp_path):
    """Run as a real process: the exit code is 2 and stderr is the message, nothing else."""
    files, expected = CASES["exchange cycle"]
    inst = write(tmp_path / "inst", files)
    proc = subprocess.run([sys.executable, "-m", "lirt_opt.cli", "solve", str(inst), "--out",
                           str(tmp_path / "out"), "--lang", "en"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert expected[0] in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


SCENARIO_CASES = {
    "scenario unknown municipality": ('[[bounds]]\nmunicipality = "Q"\ngroup = "asylum"\nmax = 3\n',
                                      ["scen.toml:1: municipality: unknown municipality 'Q'"]),
    "scenario min above max": ('[[bounds]]\nmunicipality = "A"\ngroup = "asylum"\nmin = 4\nmax = 3\n',
                               ["scen.toml:1: min: min 4 is greater than max 3"]),
    "scenario unknown group": ('[groups.refugees]\nweight = 2\n',
                               ["scen.toml:1: groups.refugees: unknown group 'refugees'"]),
    "scenario unknown pool": ('pool = "country"\n', ["scen.toml:1: pool: unknown pool 'country'"]),
    "scenario fractional bound": ('[[bounds]]\nmunicipality = "A"\ngroup = "asylum"\nmax = 2.5\n',
                                  ["scen.toml:4: bounds[1].max: '2.5' is not a whole number"]),
    "scenario unknown location": ('exclude_locations = ["L9"]\n',
                                  ["scen.toml:1: exclude_locations: unknown location 'L9'"]),
    "scenario broken toml": ('pool = \n', ["scen.toml:1: column", "broken TOML"]),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_bad_scenario_exits_2(case, tmp_path, run_cli):
    text, expected = SCENARIO_CASES[case]
    inst = write(tmp_path / "inst", {})
    scen = tmp_path / "scen.toml"
    scen.write_text(text)
    result = run_cli("solve", inst, "--scenario", scen, "--out", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2, result.output
    for fragment in expected:
        assert fragment in result.stderr, (fragment, result.stderr)
