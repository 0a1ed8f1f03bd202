"""The command line end to end (click's runner), and the Python API it is a layer over."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import pytest

import lirt_opt

from conftest import LIMBURG, ROOT, SMALL, SOLVERS

SCENARIOS = sorted((LIMBURG / "scenarios").glob("*.toml"))
REQUIRED_SUMMARY = {"status", "instance", "scenario", "solver", "solve_seconds", "closing", "loads",
                    "max_load", "pools", "input_sha256"}
TIMING = {"solve_seconds"}


def tree_digest(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(directory)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


@pytest.mark.parametrize("command", ["validate", "solve", "check", "diagnose", "apportion",
                                     "schema"])
def test_every_command_has_help(command, run_cli):
    result = run_cli(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_solve_limburg_writes_a_verified_proposal(tmp_path, run_cli):
    before = tree_digest(LIMBURG)
    out = tmp_path / "out"
    result = run_cli("solve", LIMBURG, "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"proposal.csv", "exchanges.csv", "sites.csv",
                                               "summary.json"}
    s = summary(out)
    assert set(s) >= REQUIRED_SUMMARY
    assert s["status"] == "optimal" and s["closing"] is True
    assert s["solver"]["name"] == "HiGHS" and s["solver"]["version"]
    assert len(s["loads"]) == 31
    # asylum + AMV 5,662, status holders 1,263, Ukrainian displaced persons 5,684 (instances/README)
    assert sum(p["target"] for p in s["pools"]) == 5662 + 1263 + 5684
    assert {g["id"]: g["label"] for g in s["groups"]}["ukraine"] == "Oekraïense ontheemden"
    for region in ("Midden", "Noord", "Zuid"):
        assert region in result.output
    assert run_cli("check", LIMBURG, out).exit_code == 0
    assert tree_digest(LIMBURG) == before, "the instance must never be modified"


@pytest.mark.parametrize("scenario", [None, pytest.param(LIMBURG / "scenarios" /
                                                        "venlo-large-site.toml",
                                                        marks=pytest.mark.slow)],
                         ids=lambda p: p.stem if p else "base")
def test_every_solver_gives_the_same_sorted_loads(scenario, tmp_path, run_cli):
    loads = {}
    for solver in SOLVERS:
        out = tmp_path / solver
        args = ["solve", LIMBURG, "--solver", solver, "--out", out]
        if scenario:
            args += ["--scenario", scenario]
        result = run_cli(*args)
        assert result.exit_code in (0, 1), result.output
        s = summary(out)
        assert s["solver"]["name"] == {"highs": "HiGHS", "cbc": "CBC", "scip": "SCIP"}[solver]
        loads[solver] = sorted((Fraction(v) for v in s["loads_exact"].values()), reverse=True)
        if result.exit_code == 0:
            assert run_cli("check", LIMBURG, out).exit_code == 0
    assert loads["highs"] == loads["cbc"] == loads["scip"]


def test_same_input_same_output(tmp_path, run_cli):
    scenario = LIMBURG / "scenarios" / "venlo-large-site.toml"
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert run_cli("solve", LIMBURG, "--scenario", scenario, "--out", out).exit_code == 0
    for name in ("proposal.csv", "exchanges.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    a, b = (summary(o) for o in outs)
    assert {k: v for k, v in a.items() if k not in TIMING} == \
           {k: v for k, v in b.items() if k not in TIMING}


def test_outputs_leave_no_temporary_files(tmp_path, run_cli):
    out = tmp_path / "out"
    run_cli("solve", SMALL / "exchange", "--out", out)
    assert sorted(p.name for p in out.iterdir()) == ["exchanges.csv", "proposal.csv", "summary.json"]


def test_infeasible_writes_diagnosis_and_removes_stale_proposal(tmp_path, run_cli):
    out = tmp_path / "out"
    assert run_cli("solve", SMALL / "worked-example", "--out", out).exit_code == 0
    result = run_cli("solve", SMALL / "short", "--out", out)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["diagnosis.json", "repairs", "summary.json"]
    diag = json.loads((out / "diagnosis.json").read_text())
    assert diag["shortfall"]["total"] == 5
    assert diag["shortfall"]["by_pool"] == [{"pool": "R", "group": "asylum", "target": 20,
                                             "places": 5.0, "task_units": 5.0}]
    assert summary(out)["status"] == "infeasible" and summary(out)["closing"] is False
    assert "Kleinste tekort: 5 taakeenheden" in result.output  # Dutch by default
    # a closing solve in the same directory removes the diagnosis and its repairs
    assert run_cli("solve", SMALL / "worked-example", "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["exchanges.csv", "proposal.csv",
                                                     "summary.json"]


def test_diagnose_exit_codes(tmp_path, run_cli):
    assert run_cli("diagnose", SMALL / "short", "--out", tmp_path).exit_code == 1
    assert (tmp_path / "diagnosis.json").is_file()
    result = run_cli("diagnose", SMALL / "exchange", "--out", tmp_path / "ok", "--lang", "en")
    assert result.exit_code == 0 and "Closing: a proposal exists" in result.output


def test_scenario_is_recorded_and_check_reuses_it(tmp_path, run_cli):
    scenario = LIMBURG / "scenarios" / "gennep-cap.toml"
    out = tmp_path / "out"
    assert run_cli("solve", LIMBURG, "--scenario", scenario, "--out", out).exit_code == 0
    s = summary(out)
    assert s["scenario"]["name"] == "gennep-cap"
    assert s["scenario"]["overrides"] == ["bounds GM0907/asylum: min none, max 40",
                                          "bounds GM0907/amv: min none, max 8"]
    result = run_cli("check", LIMBURG, out)
    assert result.exit_code == 0 and "using the scenario recorded" in result.output
    # without the scenario, Gennep's places look fine but the proposal was made for it
    frame = lirt_opt.solve(LIMBURG, scenario=scenario).proposal_frame()
    assert frame.query("municipality == 'GM0907' and group == 'asylum'")["places"].item() <= 40


def test_default_out_dir_is_under_out(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("solve", SMALL / "exchange").exit_code == 0
    assert (tmp_path / "out" / "exchange" / "proposal.csv").is_file()


def test_time_limit_option(tmp_path, run_cli):
    result = run_cli("solve", LIMBURG, "--time-limit", "60", "--out", tmp_path)
    assert result.exit_code == 0
    assert summary(tmp_path)["solver"]["time_limit"] == 60


def test_apportion_reproduces_the_shipped_targets(tmp_path, run_cli):
    out = tmp_path / "targets.csv"
    result = run_cli("apportion", LIMBURG / "municipalities.csv", "--total", "5662",
                     "--rest", "asylum", "--share", "amv=8140/96000", "--also", "status=1263",
                     "--also", "ukraine=5684", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text() == (LIMBURG / "targets.csv").read_text()


def test_schema_docs_are_generated_from_the_schema(run_cli):
    result = run_cli("schema")
    assert result.output == (ROOT / "docs" / "input-format.md").read_text(), \
        "docs/input-format.md is stale: run `make docs`"


# ---------------------------------------------------------------------------- the Python API
def test_python_api_round_trip(tmp_path):
    report = lirt_opt.validate(SMALL / "exchange")
    assert report.ok and report.to_frame().empty
    inst = lirt_opt.load_instance(SMALL / "exchange")
    result = lirt_opt.solve(inst)
    assert result.status == "optimal" and result.closing
    frame = result.proposal_frame()
    assert list(frame.columns) == ["municipality", "name", "region", "pool", "group", "target",
                                   "places", "load"]
    assert frame["places"].sum() == 24
    assert list(result.loads_frame()["load"]) == [1.0, 1.0]
    assert result.pools_frame().set_index("group").loc["asylum", "credited"] == 4
    result.write(tmp_path)
    assert lirt_opt.check(inst, tmp_path).ok
    assert lirt_opt.check(inst, result).ok


def test_python_api_reports_invalid_input():
    report = lirt_opt.validate(SMALL / "nope")
    assert not report.ok
    with pytest.raises(lirt_opt.InvalidInstance) as err:
        lirt_opt.load_instance(SMALL / "nope")
    assert "instance directory not found" in str(err.value)
