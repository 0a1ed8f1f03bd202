"""`lirt-opt generate`: valid, deterministic instances whose intended pools are infeasible.

Known answers are recomputed here from the written files with plain arithmetic
(quotas, shares, capacity sums), not taken from the generator's own bookkeeping.
"""

from __future__ import annotations

import csv
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

import lirt_opt
from lirt_opt.analysis import generate as G
from lirt_opt.read import schema

SMALL = G.Spec(municipalities=40, regions=6, groups=4, sites=5, seed=7, tight=2, infeasible=2)
NO_SITES = G.Spec(municipalities=30, regions=4, groups=2, sites=0, seed=3, tight=1, infeasible=1)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("gen") / "small"
    G.write(SMALL, d)
    return d


@pytest.fixture(scope="module")
def no_sites(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("gen") / "nosites"
    G.write(NO_SITES, d)
    return d


@pytest.mark.parametrize("which", ["small", "no_sites"])
def test_generated_instance_is_valid_without_warnings(which, request):
    d = request.getfixturevalue(which)
    report = lirt_opt.validate(d)
    assert report.ok and not report.warnings, [str(p) for p in report.problems]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    G.write(SMALL, a)
    G.write(SMALL, b)
    G.write(G.Spec(**{**SMALL.__dict__, "seed": 8}), c)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    assert (a / "municipalities.csv").read_bytes() != (c / "municipalities.csv").read_bytes()


def test_sizes_and_k_sites_per_municipality(small):
    munis = rows(small / "municipalities.csv")
    assert len(munis) == 40
    assert len({m["region"] for m in munis}) == 6
    assert min(int(m["population"]) for m in munis) >= G.POP_MIN
    locs = rows(small / "locations.csv")
    per = {}
    for loc in locs:
        per[loc["municipality"]] = per.get(loc["municipality"], 0) + 1
    assert set(per.values()) == {5} and len(per) == 40
    assert len({loc["id"] for loc in locs}) == len(locs)
    inst = lirt_opt.load_instance(small)
    assert inst.group_ids == ("asylum", "amv", "status", "ukraine")


def test_location_columns_are_the_schema_columns():
    assert [name for name, _ in G.LOCATION_COLUMNS] == list(schema.LOCATIONS.names)


def test_targets_follow_the_population_key(small):
    """Totals are a largest-remainder apportionment (each within 1 of its quota, summing to the
    national rate times the population); AMV is the total times 8140/96000 rounded half up."""
    pops = {m["code"]: int(m["population"]) for m in rows(small / "municipalities.csv")}
    targets: dict[str, dict[str, int]] = {}
    for t in rows(small / "targets.csv"):
        targets.setdefault(t["municipality"], {})[t["group"]] = int(t["target"])
    total = sum(sum(t.values()) for t in targets.values())
    assert total == math.floor(Fraction(96000 * sum(pops.values()), 17_942_000) + Fraction(1, 2))
    for code, pop in pops.items():
        quota = Fraction(total * pop, sum(pops.values()))
        mine = sum(targets[code].values())
        assert math.floor(quota) <= mine <= math.ceil(quota)
        assert targets[code]["amv"] == math.floor(mine * Fraction(8140, 96000) + Fraction(1, 2))
        assert targets[code]["status"] == math.floor(mine * Fraction(15, 100) + Fraction(1, 2))


def _capacity_certificate(directory: Path) -> dict[str, tuple[int, int]]:
    """Per region: (task, places that can count by the deadline), from the files alone."""
    inst = lirt_opt.load_instance(directory)
    out = {}
    for pool in inst.pools():
        task = sum(inst.target(m, g) for m in pool.members for g in inst.group_ids)
        cap = 0
        for m in pool.members:
            for g in inst.group_ids:
                upper = inst.place_bounds(m, g).upper
                cap = cap + upper if upper is not None and cap is not None else None
        out[pool.id] = (task, cap)
    return out


@pytest.mark.parametrize("which", ["small", "no_sites"])
def test_intended_regions_are_infeasible_and_only_those(which, request):
    d = request.getfixturevalue(which)
    intent = json.loads((d / "generated.json").read_text())
    meant = {r["region"] for r in intent["regions"] if r["class"] == "infeasible"}
    tight = {r["region"] for r in intent["regions"] if r["class"] == "tight"}
    assert len(meant) == intent["spec"]["infeasible"] and len(tight) == intent["spec"]["tight"]
    cert = _capacity_certificate(d)
    for region in meant:  # every rate is 1: no exchange creates places, so places < task
        task, cap = cert[region]
        assert cap is not None and cap < task
    for region in tight:
        task, cap = cert[region]
        assert cap is not None and task <= cap <= math.ceil(Fraction(102, 100) * task) + 4
    diag = lirt_opt.solve(lirt_opt.load_instance(d)).diagnosis
    assert diag is not None and not diag.closing
    assert {p.pool for p in diag.parts} == meant


def test_without_infeasible_regions_every_pool_closes(tmp_path):
    d = tmp_path / "ok"
    G.write(G.Spec(municipalities=24, regions=4, groups=2, sites=3, seed=11, tight=2), d)
    inst = lirt_opt.load_instance(d)
    result = lirt_opt.solve(inst)
    assert result.status == "optimal" and result.closing
    assert lirt_opt.check(inst, result).ok


def test_cli_generate_writes_and_refuses_to_overwrite(tmp_path, run_cli):
    out = tmp_path / "gen"
    args = ["generate", "--municipalities", "12", "--regions", "2", "--groups", "2",
            "--sites", "2", "--seed", "5", out]
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert run_cli("validate", out).exit_code == 0
    before = (out / "locations.csv").read_bytes()
    again = run_cli(*args)
    assert again.exit_code == 2 and "--force" in again.output
    assert run_cli(*args, "--force").exit_code == 0
    assert (out / "locations.csv").read_bytes() == before
    # --force with no sites removes the old locations.csv (it would bound every municipality)
    args[args.index("--sites") + 1] = "0"
    assert run_cli(*args, "--force").exit_code == 0
    assert not (out / "locations.csv").exists()


@pytest.mark.parametrize("args, message", [
    (["--groups", "4", "--sites", "2"], "--sites must be 0"),
    (["--municipalities", "5", "--regions", "6"], "--regions must be between"),
    (["--regions", "3", "--tight", "2", "--infeasible", "2"], "add up to at most"),
    (["--groups", "9"], "--groups"),
])
def test_cli_generate_bad_options_exit_2(args, message, tmp_path, run_cli):
    result = run_cli("generate", *args, tmp_path / "x")
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_cli_generate_never_writes_into_a_foreign_directory(tmp_path, run_cli, limburg_copy):
    result = run_cli("generate", "--force", limburg_copy)
    assert result.exit_code == 2 and "other files" in result.output


def test_generate_has_help(run_cli):
    result = run_cli("generate", "--help")
    assert result.exit_code == 0 and "Usage:" in result.output
