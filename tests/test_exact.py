"""Issue 9 items 1-3: rows hold in exact arithmetic, exchanges.csv is written exactly, and a
municipality with fair share 0 opens its sites up to its lower bound.

Known answers are computed by hand and by brute force (tests/oracle.py, which imports
nothing from lirt_opt), never by the code under test.
"""

from __future__ import annotations

import json
import math
import random
import shutil
from fractions import Fraction as Q
from pathlib import Path

import pytest
from test_differential import random_case, write_case

from lirt_opt.model.pool import reduced_rate
from lirt_opt.proposal.writer import exact_text

from conftest import LIMBURG, SMALL
from oracle import Tiny
from oracle import solve as brute_force

DATA = Path(__file__).parent / "data" / "exact"

# One municipality A: asylum target 2, at most 1 asylum place; AMV places count for asylum
# at `rate`. Brute force (and by hand: 3 x 0.33333333 = 0.99999999 < 1, so 4 exchanged AMV
# places): 1 asylum + 4 AMV places, load 5/2.
# (rate, exchanged places, heaviest load, places of A/asylum, places of A/amv)
THIRD_RATE = [
    ("0.33333333", 4, Q(5, 2), 1, 4),
    ("0.3333333333333333", 4, Q(5, 2), 1, 4),
    ("0.5", 2, Q(3, 2), 1, 2),
]


def third_rate(rate: str, tmp_path: Path) -> Path:
    inst = tmp_path / "third"
    shutil.copytree(DATA / "third-rate", inst)
    toml = inst / "instance.toml"
    toml.write_text(toml.read_text().replace("rate = 0.33333333", f"rate = {rate}"))
    return inst


@pytest.mark.parametrize("rate,exchanged,load,asylum,amv", THIRD_RATE)
def test_brute_force_agrees_with_the_table(rate, exchanged, load, asylum, amv) -> None:
    tiny = Tiny(munis=["A"], groups=["asylum", "amv"], weight={"asylum": Q(1), "amv": Q(1)},
                share={"asylum": Q(1), "amv": Q(1)}, targets={("A", "asylum"): 2},
                bounds={("A", "asylum"): (None, 1)}, exchange=("amv", "asylum", Q(rate)))
    answer = brute_force(tiny)
    assert answer.feasible and answer.sorted_loads == (load,) and answer.exchanged == exchanged


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("rate,exchanged,load,asylum,amv", THIRD_RATE)
def test_decimal_rate_closes_exactly(run_cli, tmp_path, solver, rate, exchanged, load, asylum,
                                     amv) -> None:
    """Issue 9.1: the solver's tolerance accepted 3 exchanged places (exit 3 after the
    verifier said no); the rows are now exact."""
    inst, out = third_rate(rate, tmp_path), tmp_path / "out"
    result = run_cli("solve", inst, "--out", out, "--solver", solver)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert Q(str(summary["max_load"])) == load
    lines = (out / "exchanges.csv").read_text().splitlines()
    assert lines[1].split(",")[3] == str(exchanged)
    assert Q(lines[1].split(",")[4]) == exchanged * Q(rate)  # credited, exactly
    proposal = (out / "proposal.csv").read_text()
    assert f"A,Aa,R,asylum,2,{asylum}" in proposal and f"A,Aa,R,amv,0,{amv}" in proposal
    assert run_cli("check", inst, out).exit_code == 0


def test_credited_written_exactly(run_cli, tmp_path) -> None:
    """Issue 9.2: 12 x 0.4166666666666667 was written as 5.0 and `check` refused it."""
    inst = tmp_path / "inst"
    shutil.copytree(SMALL / "exchange", inst)
    (inst / "targets.csv").write_text("municipality,group,target\nA,asylum,11\nA,amv,0\n"
                                      "B,asylum,0\nB,amv,14\n")
    (inst / "bounds.csv").write_text("municipality,group,min,max\nA,asylum,,6\nB,asylum,,0\n")
    toml = inst / "instance.toml"
    toml.write_text(toml.read_text().replace("rate = 1", "rate = 0.4166666666666667"))
    out = tmp_path / "out"
    result = run_cli("solve", inst, "--out", out)
    assert result.exit_code == 0, result.output
    row = (out / "exchanges.csv").read_text().splitlines()[1].split(",")
    # 5 asylum places short: 12 AMV places (11 x rate < 5 <= 12 x rate), credited exactly
    assert row[3] == "12" and row[4] == "5.0000000000000004"
    assert run_cli("check", inst, out).exit_code == 0


@pytest.mark.parametrize("value,text", [
    (Q(5), "5"), (Q(50000000000000004, 10**16), "5.0000000000000004"), (Q(1, 3), "1/3"),
    (Q(-1, 8), "-0.125"), (Q(3, 1000), "0.003"), (Q(0), "0"), (Q(7, 20), "0.35")])
def test_exact_text(value, text) -> None:
    assert exact_text(value) == text and Q(text) == value


def test_reduced_rate_is_the_farey_neighbour() -> None:
    """Against brute force: the largest n/v <= rate (smallest >= rate) with v <= top."""
    rnd = random.Random(9)
    for _ in range(3000):
        rate = Q(rnd.randint(1, 10**9), 10 ** rnd.randint(1, 9))
        top = rnd.randint(1, 60)
        if rate.denominator <= top:
            low = high = rate
        else:
            low = max(Q(math.floor(rate * v), v) for v in range(1, top + 1))
            high = min(Q(math.ceil(rate * v), v) for v in range(1, top + 1))
        assert reduced_rate(rate, top) == low
        assert reduced_rate(rate, top, below=False) == high


def _closing_instances() -> list:
    known = (SMALL / "known_optima.toml").read_text()
    small = [(p, None) for p in sorted(SMALL.iterdir())
             if p.is_dir() and f"[{p.name}]\nstatus = \"optimal\"" in known]
    scenarios = [pytest.param(LIMBURG, s.name, marks=pytest.mark.slow)  # solved elsewhere too
                 for s in sorted((LIMBURG / "scenarios").glob("*.toml"))]
    return [*small, (LIMBURG, None), *scenarios]


@pytest.mark.parametrize("inst,scenario", _closing_instances(),
                         ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_solve_then_check_every_instance(run_cli, tmp_path, inst, scenario) -> None:
    """Issue 9.2: what `solve` writes, `check` accepts (every closing instance in the repo)."""
    out = tmp_path / "out"
    args = ["solve", inst, "--out", out] + (["--scenario", inst / "scenarios" / scenario]
                                            if scenario else [])
    result = run_cli(*args)
    if result.exit_code == 1:
        assert scenario is not None  # a scenario that does not close: nothing to check
        return
    assert result.exit_code == 0, result.output
    checked = run_cli("check", inst, out, *(["--scenario", inst / "scenarios" / scenario]
                                            if scenario else []))
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("seed", [3, 17, 41, 77])
def test_solve_then_check_odd_rates(run_cli, tmp_path, seed) -> None:
    """Generated instances with long decimal rates: solve, then check the written folder."""
    case = random_case(seed)
    inst = write_case(case, tmp_path / "inst")
    out = tmp_path / "out"
    result = run_cli("solve", inst, "--out", out)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 0:
        checked = run_cli("check", inst, out)
        assert checked.exit_code == 0, checked.output


def test_zero_share_opens_a_site_for_its_minimum(run_cli, tmp_path) -> None:
    """Issue 9.3: B has fair share 0, a minimum of 5 and a planned site of 8: it opens the site
    with exactly 5 places (no more: F = 0), A's existing 20 carry the task."""
    inst = tmp_path / "inst"
    shutil.copytree(DATA / "zero-share-site", inst)
    (inst / "locations.csv").write_text("id,municipality,group,capacity,available_from,status\n"
                                        "b1,B,asylum,8,,planned\na1,A,asylum,20,,existing\n")
    out = tmp_path / "out"
    result = run_cli("solve", inst, "--out", out)
    assert result.exit_code == 0, result.output
    assert "B,Bb,R,asylum,0,5" in (out / "proposal.csv").read_text()
    assert run_cli("check", inst, out).exit_code == 0


def test_zero_share_site_below_the_minimum_is_a_complete_bound_conflict(run_cli, tmp_path):
    """Issue 9.3: a planned site of 3 below B's minimum of 5 is a bound conflict; the
    diagnosis is complete (it said complete = false, pool infeasible)."""
    out = tmp_path / "out"
    result = run_cli("solve", DATA / "zero-share-site", "--out", out)
    assert result.exit_code == 1, result.output
    diagnosis = json.loads((out / "diagnosis.json").read_text())
    assert diagnosis["complete"] is True
    assert diagnosis["shortfall"]["total"] == 0
    assert [(c["municipality"], c["lower"], c["upper"]) for c in diagnosis["bound_conflicts"]] \
        == [("B", 5, 3)]
