"""What-if options on the command line: --fix, --cap, --min, --exclude-site, --pool.

Known answers are worked out by hand on the small instances (see the comments);
every flag is also tried with bad values, which must exit 2 naming the option.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import LIMBURG, SMALL

WORKED = SMALL / "worked-example"  # targets P1 10, P2 10, P3 30 (one region); bounds: P1 min 15
OWN = SMALL / "own-task"  # pool municipality; A: existing site A-1 12; B: B-1 8 (planned), B-2 5


def places(out: Path) -> dict[str, int]:
    with open(out / "proposal.csv", encoding="utf-8") as f:
        return {f"{r['municipality']}/{r['group']}": int(r["places"]) for r in csv.DictReader(f)}


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


# (instance, options, expected places) -- by hand:
#   --fix P2=5:  P1 >= 15 (load 1.5) and P3 = 50 - 15 - 5 = 30 (load 1): nothing better.
#   --cap P3=20: P1 15 and P2 15 both at 1.5; moving a place between them raises one to 1.6.
#   --min P2=12: P2 at its minimum 12 (1.2), P3 = 23 (0.77) below it; P1 15.
#   --min P1=20 replaces bounds.csv's 15: P2 + P3 = 30; (7, 23) has max load 0.767 < (8, 22): 0.8.
#   --exclude-site B-2 on own-task: B keeps B-1 (8 places) for a task of 10: 2 short (below).
#   --pool region on own-task: A must host 12 (existing site): B needs only 8 of the pool's 20.
CASES = {
    "fix": (WORKED, ["--fix", "P2:asylum=5"], {"P1/asylum": 15, "P2/asylum": 5, "P3/asylum": 30}),
    "cap": (WORKED, ["--cap", "P3:asylum=20"], {"P1/asylum": 15, "P2/asylum": 15, "P3/asylum": 20}),
    "min": (WORKED, ["--min", "P2:asylum=12"], {"P1/asylum": 15, "P2/asylum": 12, "P3/asylum": 23}),
    "min-replaces-file": (WORKED, ["--min", "P1:asylum=20"],
                          {"P1/asylum": 20, "P2/asylum": 7, "P3/asylum": 23}),
    "pool": (OWN, ["--pool", "region"], {"A/asylum": 12, "B/asylum": 8}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_override_gives_the_known_proposal(case, tmp_path, run_cli):
    instance, options, expected = CASES[case]
    out = tmp_path / "out"
    result = run_cli("solve", instance, *options, "--out", out)
    assert result.exit_code == 0, result.output
    assert places(out) == expected
    sc = summary(out)["scenario"]
    assert sc["options"] == [" ".join(options)]
    assert sc["file"] is None and sc["name"].startswith("what-if-")
    # check re-applies the recorded options (and would fail without them for --fix/--pool)
    checked = run_cli("check", instance, out)
    assert checked.exit_code == 0, checked.output
    assert "what-if options recorded" in checked.output


def test_without_the_recorded_options_check_sees_a_different_instance(tmp_path, run_cli):
    out = tmp_path / "out"
    assert run_cli("solve", OWN, "--pool", "region", "--out", out).exit_code == 0
    # the proposal pools region R; against the base (pool = municipality) B's task is not met
    result = run_cli("check", OWN, out, "--pool", "municipality")
    assert result.exit_code == 1


def test_exclude_site_removes_its_capacity(tmp_path, run_cli):
    out = tmp_path / "out"
    assert run_cli("solve", OWN, "--out", out).exit_code == 0
    assert places(out)["B/asylum"] == 10
    result = run_cli("solve", OWN, "--exclude-site", "B-2", "--out", out)
    assert result.exit_code == 1, result.output  # B: 8 places for a task of 10
    diag = json.loads((out / "diagnosis.json").read_text())
    assert diag["shortfall"]["total"] == 2
    assert summary(out)["scenario"]["overrides"] == ["location B-2: excluded (--exclude-site B-2)"]


def test_overrides_apply_after_the_scenario_file(tmp_path, run_cli):
    out = tmp_path / "out"
    scenario = LIMBURG / "scenarios" / "venlo-large-site.toml"  # Venlo asylum min 750
    result = run_cli("solve", LIMBURG, "--scenario", scenario, "--cap", "GM0983:asylum=760",
                     "--pool", "province", "--out", out)
    assert result.exit_code == 0, result.output
    s = summary(out)
    assert s["instance"]["pool"] == "province"
    assert s["scenario"]["file"] == str(scenario)
    assert s["scenario"]["name"].startswith("venlo-large-site+what-if-")
    assert s["scenario"]["overrides"] == [
        "bounds GM0983/asylum: min 750, max none",
        "pool: region -> province (--pool province)",
        "bounds GM0983/asylum: min 750, max 760 (--cap GM0983:asylum=760)",
    ]
    assert 750 <= places(out)["GM0983/asylum"] <= 760
    assert {p["pool"] for p in s["pools"]} == {"province"}
    assert run_cli("check", LIMBURG, out).exit_code == 0


def test_default_out_dir_of_a_what_if_is_its_own(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("solve", WORKED, "--fix", "P2:asylum=5").exit_code == 0
    dirs = [p.name for p in (tmp_path / "out").iterdir()]
    assert len(dirs) == 1 and dirs[0].startswith("worked-example--what-if-")


def test_the_instance_files_are_not_touched(tmp_path, run_cli):
    before = {p: p.read_bytes() for p in WORKED.iterdir()}
    assert run_cli("solve", WORKED, "--cap", "P3:asylum=20", "--out", tmp_path).exit_code == 0
    assert {p: p.read_bytes() for p in WORKED.iterdir()} == before


def test_python_api_takes_overrides_as_typed():
    import lirt_opt

    inst = lirt_opt.load_instance(WORKED, overrides=["--fix P2:asylum=5"])
    assert inst.place_bounds("P2", "asylum").lower == inst.place_bounds("P2", "asylum").upper == 5


# ---------------------------------------------------------------------------- bad overrides
BAD = {
    "fix unknown code": (WORKED, ["--fix", "P9:asylum=5"], "--fix P9:asylum=5: unknown municipality 'P9'"),
    "cap unknown group": (WORKED, ["--cap", "P1:amv=5"], "--cap P1:amv=5: unknown group 'amv'"),
    "min unknown code": (WORKED, ["--min", "X:asylum=1"], "--min X:asylum=1: unknown municipality 'X'"),
    "cap below the file's min": (WORKED, ["--cap", "P1:asylum=12"],
                                 "--cap P1:asylum=12: P1/asylum: minimum 15"),
    "min above cap": (WORKED, ["--min", "P2:asylum=9", "--cap", "P2:asylum=8"],
                      "minimum 9 (--min P2:asylum=9) is greater than maximum 8 (--cap P2:asylum=8)"),
    "fix and cap": (WORKED, ["--fix", "P2:asylum=9", "--cap", "P2:asylum=9"],
                    "--cap P2:asylum=9: conflicts with --fix P2:asylum=9"),
    "site unknown": (OWN, ["--exclude-site", "Z-9"], "--exclude-site Z-9: unknown location 'Z-9'"),
    "site without locations": (WORKED, ["--exclude-site", "A-1"],
                               "the instance has no locations.csv"),
    "fix malformed": (WORKED, ["--fix", "P2=5"], "Invalid value for '--fix'"),
    "cap malformed": (WORKED, ["--cap", "P2:asylum=many"], "Invalid value for '--cap'"),
    "min negative": (WORKED, ["--min", "P2:asylum=-1"], "Invalid value for '--min'"),
    "site empty": (WORKED, ["--exclude-site", " "], "Invalid value for '--exclude-site'"),
    "pool unknown": (WORKED, ["--pool", "country"], "Invalid value for '--pool'"),
}


@pytest.mark.parametrize("command", ["validate", "solve"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_override_exits_2_naming_the_option(case, command, tmp_path, run_cli):
    instance, options, words = BAD[case]
    extra = ["--out", str(tmp_path / "out")] if command == "solve" else []
    result = run_cli(command, instance, *options, *extra, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
