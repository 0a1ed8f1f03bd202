"""compare: Limburg's base proposal against each shipped scenario; totals checked against the
two proposals, read independently with the csv module."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import LIMBURG, SMALL

# Every scenario runs with --slow; by default the three that show the kinds of change
# (a region leaning on exchange, one short region, a municipality's offer in homes).
FAST = {"zuid-leans-on-exchange", "zuid-short", "gennep-homes-instead"}
SCENARIOS = [p if p.stem in FAST else pytest.param(p, marks=pytest.mark.slow)
             for p in sorted((LIMBURG / "scenarios").glob("*.toml"))]


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def proposal(directory: Path) -> dict[tuple[str, str], int]:
    return {(r["municipality"], r["group"]): int(r["places"]) for r in rows(directory / "proposal.csv")}


def num(text: str) -> Fraction | None:
    return None if text == "" else Fraction(text)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from lirt_opt.cli import main

    out = tmp_path_factory.mktemp("base") / "limburg"
    assert CliRunner().invoke(main, ["solve", str(LIMBURG), "--out", str(out)]).exit_code == 0
    return out


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_compare_base_with_each_scenario(scenario, base, tmp_path, run_cli):
    out = tmp_path / "cmp"
    result = run_cli("compare", base, LIMBURG, "--scenario", scenario, "--out", out)
    after_summary = json.loads((out / "after" / "summary.json").read_text())
    closing = after_summary["closing"]
    assert result.exit_code == (0 if closing else 1), result.output
    before = proposal(base)
    muni = rows(out / "compare.csv")
    assert len(muni) == len(before) == 31 * 4  # municipalities x groups
    # places before: exactly the base proposal, row by row and in total
    assert {(r["municipality"], r["group"]): int(r["places_before"]) for r in muni} == before
    base_loads = json.loads((base / "summary.json").read_text())["loads_exact"]
    for r in muni:
        assert Fraction(r["load_before"]) == pytest.approx(Fraction(base_loads[r["municipality"]]),
                                                           abs=1e-6)
    regions = rows(out / "compare-regions.csv")
    for reg in regions:
        mine = [r for r in muni if r["region"] == reg["region"] and r["group"] == reg["group"]]
        assert int(reg["places_before"]) == sum(int(r["places_before"]) for r in mine)
        assert int(reg["target_before"]) == sum(int(r["target_before"]) for r in mine)
    if closing:
        after = proposal(out / "after")
        assert {(r["municipality"], r["group"]): int(r["places_after"]) for r in muni} == after
        assert sum(int(r["places_diff"]) for r in muni) == sum(after.values()) - sum(before.values())
        for r in muni:
            assert int(r["places_diff"]) == int(r["places_after"]) - int(r["places_before"])
        for reg in regions:
            mine = [r for r in muni if r["region"] == reg["region"] and r["group"] == reg["group"]]
            assert int(reg["places_after"]) == sum(int(r["places_after"]) for r in mine)
            assert int(reg["places_diff"]) == int(reg["places_after"]) - int(reg["places_before"])
            loads = [Fraction(r["load_after"]) for r in muni if r["region"] == reg["region"]]
            assert Fraction(reg["max_load_after"]) == pytest.approx(max(loads), abs=1e-6)
        pools = after_summary["pools"]
        if after_summary["instance"]["pool"] == "province":
            assert all(reg["covered_after"] == "" for reg in regions)
        else:  # cover per region = the pools' covers inside it (regions or municipalities)
            region_of = {r["municipality"]: r["region"] for r in muni}
            for reg in regions:
                covered = sum(Fraction(str(p["covered"])) for p in pools if p["group"] == reg["group"]
                              and region_of.get(p["pool"], p["pool"]) == reg["region"])
                assert num(reg["covered_after"]) == covered
    else:  # zuid-short: Noord and Midden close (their rows written, issue 12), Zuid carries
        # the diagnosis
        assert all((r["places_after"] == "") == (r["region"] == "Zuid") for r in muni)
        assert all((r["load_after"] == "") == (r["region"] == "Zuid") for r in muni)
        diag = json.loads((out / "after" / "diagnosis.json").read_text())
        region_of = {r["municipality"]: r["region"] for r in muni}  # pool = municipality
        short: dict[tuple[str, str], Fraction] = {}
        for p in diag["shortfall"]["by_pool"]:
            key = (region_of.get(p["pool"], p["pool"]), p["group"])
            short[key] = short.get(key, Fraction(0)) + Fraction(str(p["places"]))
        assert short
        for reg in regions:
            expected = short.get((reg["region"], reg["group"]))
            assert num(reg["short_after"]) == expected
        assert "no closing proposal on the after side" in result.output


def test_what_if_shorthand_and_the_printed_table(tmp_path, run_cli):
    out = tmp_path / "cmp"
    result = run_cli("compare", SMALL / "worked-example", "--cap", "P3:asylum=20", "--out", out)
    assert result.exit_code == 0, result.output
    # by hand: base (15, 8, 27); with P3 <= 20: (15, 15, 20)
    changed = {r["municipality"]: (int(r["places_before"]), int(r["places_after"]),
                                   int(r["places_diff"])) for r in rows(out / "compare.csv")}
    assert changed == {"P1": (15, 15, 0), "P2": (8, 15, 7), "P3": (27, 20, -7)}
    assert "P3" in result.output and "-7" in result.output and "+7" in result.output
    assert "P1 (P1)" not in result.output  # unchanged municipalities are not printed


def test_two_proposal_directories(tmp_path, run_cli):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("solve", SMALL / "worked-example", "--out", a).exit_code == 0
    assert run_cli("solve", SMALL / "worked-example", "--fix", "P2:asylum=5", "--out", b).exit_code == 0
    result = run_cli("compare", a, b, "--out", tmp_path / "cmp")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "cmp" / "before").exists()  # nothing solved
    # a scenario for a proposal directory is a mistake
    result = run_cli("compare", a, b, "--scenario", LIMBURG / "scenarios" / "gennep-cap.toml")
    assert result.exit_code == 2 and "proposal directory" in result.output


def test_sites_open_and_close(tmp_path, run_cli):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        assert run_cli("solve", SMALL / "worked-example", "--out", d).exit_code == 0
    header = "id,municipality,groups,status,opened,places,counts,reason\n"
    (a / "sites.csv").write_text(header + "S1,P1,asylum,candidate,true,15,true,\n"
                                          "S2,P2,asylum,candidate,false,0,true,\n")
    (b / "sites.csv").write_text(header + "S1,P1,asylum,candidate,false,0,true,\n"
                                          "S2,P2,asylum,candidate,true,8,true,\n")
    out = tmp_path / "cmp"
    result = run_cli("compare", a, b, "--out", out)
    assert result.exit_code == 0, result.output
    sites = {r["site"]: (r["change"], r["places_diff"]) for r in rows(out / "compare-sites.csv")}
    assert sites == {"S1": ("closes", "-15"), "S2": ("opens", "8")}
    (b / "sites.csv").unlink()
    result = run_cli("compare", a, b, "--out", out)
    assert "has no sites.csv" in result.output and not (out / "compare-sites.csv").exists()


def test_bad_compare_input(tmp_path, run_cli):
    result = run_cli("compare", tmp_path / "nothing", tmp_path / "nothing")
    assert result.exit_code == 2 and "neither a proposal directory" in result.output
    result = run_cli("compare", SMALL / "worked-example")
    assert result.exit_code == 2 and "give --scenario or a what-if option" in result.output
