"""The diagnosis: known answers (computed by hand), certificates re-added without the solver,
repairs applied as scenarios, the words in both languages, and the [repairs] penalties."""

from __future__ import annotations

import json
import math
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

import lirt_opt
from lirt_opt.instance import Instance

from conftest import LIMBURG, SMALL, SOLVERS, copy_instance

KNOWN = tomllib.loads((SMALL / "known_diagnoses.toml").read_text())
ZUID_SHORT = LIMBURG / "scenarios" / "zuid-short.toml"
INFEASIBLE = sorted(name for name, k in KNOWN.items() if not k["closing"])


def repair_text(change: dict) -> str:
    """A change of diagnosis.json in the notation of known_diagnoses.toml."""
    kind = change["kind"]
    if kind == "cap":
        return f"cap {change['municipality']}/{change['group']} {change['from']}->{change['to']}"
    if kind == "site":
        return f"site {change['location']} {change['from']}->{change['to']}"
    if kind == "exchange":
        return f"exchange {change['from_group']}->{change['to_group']}"
    if kind == "import_share":
        return f"import_share {change['group']} {change['from']}->{change['to']}"
    parts = ", ".join(f"{p['municipality']} {p['from']}->{p['to']}" for p in change["caps"])
    return f"pool {change['pool']}/{change['group']} {parts}"


# ---------------------------------------------------------------------------- known answers
def test_every_diagnosis_instance_has_a_known_optimum_too():
    optima = tomllib.loads((SMALL / "known_optima.toml").read_text())
    assert set(KNOWN) <= set(optima)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_diagnosis(name, solver):
    known = KNOWN[name]
    inst = lirt_opt.load_instance(SMALL / name)
    wanted = len(known.get("repair", []))
    diag = lirt_opt.diagnose(inst, solver=solver, repairs=max(wanted, 1) + 1)
    data = diag.as_dict()
    assert data["closing"] is known["closing"] and data["complete"], data["message"]
    assert diag.total == Fraction(known["shortfall"])
    got = [(b["pool"], b["rules"], b["certificate"] and (b["certificate"]["required"],
                                                          b["certificate"]["possible"]))
           for b in data["bottlenecks"]]
    assert got == [(b["pool"], b["rules"], (b["required"], b["possible"]))
                   for b in known.get("bottleneck", [])]
    for b in data["bottlenecks"]:
        assert b["certificate"]["verified"]
        expected = known.get("method") or {"highs": "highs-iis", "cbc": "farkas", "scip": "farkas"}[solver]
        assert b["method"] == expected
        assert all(t["needed"] for t in b["tested"] if t["rule"] in b["rules"])
        assert not any(t["needed"] for t in b["tested"] if t["rule"] not in b["rules"])
    if known["closing"]:
        suff = data["sufficiency"]
        assert suff["proposal_checked"]
        margins = {f"{m['pool']}/{m['group']}": m["margin"] or "none" for m in suff["margins"]}
        assert margins == known["margins"]
        assert [(f"{t['pool']}/{t['group']}", t["rules"]) for t in suff["tightest"]] == \
            [(t["cover"], t["rules"]) for t in known["tightest"]]
        return
    found = data["repairs"]["found"]
    assert [(r["penalty"], [repair_text(c) for c in r["changes"]]) for r in found[:wanted]] == \
        [(r["penalty"], r["changes"]) for r in known["repair"]]
    assert all(r["verified"] for r in found)
    if "repairs_found" in known:
        assert len(found) == known["repairs_found"]


# the four-group Limburg takes a while per solver: HiGHS by default, CBC and SCIP with --slow
LIMBURG_SOLVERS = ["highs"] + [pytest.param(s, marks=pytest.mark.slow) for s in SOLVERS
                               if s != "highs"]


@pytest.mark.parametrize("solver", LIMBURG_SOLVERS)
def test_limburg_zuid_short(solver):
    """Zuid's caps add up to 2,191 and AMV places may cover 5 % of 2,745 (137 whole places):
    2,745 - 137 - 2,191 = 417 places short, with the 16 caps and the import share as the
    bottleneck (numbers from the scenario file and targets.csv, added by hand)."""
    inst = lirt_opt.load_instance(LIMBURG, ZUID_SHORT)
    diag = lirt_opt.diagnose(inst, solver=solver, repairs=1)
    data = diag.as_dict()
    assert diag.total == 417
    [b] = data["bottlenecks"]
    caps = {r for r in b["rules"] if r.startswith("upper:")}
    assert len(caps) == 16 and {"cover:Zuid:asylum", "import:Zuid:asylum"} <= set(b["rules"])
    assert len(b["rules"]) == 18
    cert = b["certificate"]
    assert (cert["required"], cert["possible"], cert["gap"]) == ("2608", "2191", "417")
    [repair] = data["repairs"]["found"]
    assert repair_text(repair["changes"][0]) == "cap GM0935/asylum 458->875"  # Maastricht


def test_two_conflicts_in_one_pool_are_both_reported(tmp_path):
    """No exchange between the groups: asylum is 2 short (cap 8, task 10) and AMV 2 short
    (cap 3, task 5), two conflicts of the same pool."""
    d = tmp_path / "two"
    d.mkdir()
    (d / "instance.toml").write_text('pool = "region"\n[groups.asylum]\n[groups.amv]\n')
    (d / "municipalities.csv").write_text("code,name,region,population\nA,Aa,R,1\n")
    (d / "targets.csv").write_text("municipality,group,target\nA,asylum,10\nA,amv,5\n")
    (d / "bounds.csv").write_text("municipality,group,min,max\nA,asylum,,8\nA,amv,,3\n")
    for solver in SOLVERS:
        data = lirt_opt.diagnose(d, solver=solver, repairs=1).as_dict()
        assert data["shortfall"]["total"] == 4
        assert [b["rules"] for b in data["bottlenecks"]] == [  # covers in order of their ids
            ["cover:R:amv", "upper:R:A:amv", "no-exchange:R:asylum:amv"],
            ["cover:R:asylum", "upper:R:A:asylum", "no-exchange:R:amv:asylum"]]
        assert [b["certificate"]["gap"] for b in data["bottlenecks"]] == ["2", "2"]
        # one change cannot repair both: the cheapest repair raises both caps by 2
        [repair] = data["repairs"]["found"]
        assert sorted(repair_text(c) for c in repair["changes"]) == ["cap A/amv 3->5",
                                                                     "cap A/asylum 8->10"]


# ---------------------------------------------------------------------------- certificates
def _bounds(inst: Instance, m: str, g: str) -> tuple[int, int | None]:
    """SPEC §3 bounds on x[m,g] with the site rules, read here from the instance data (not from
    lirt_opt): counting sites are available by the deadline and still then, and big enough."""
    b = inst.bounds.get((m, g))
    lower = b.min if b is not None and b.min is not None else 0
    upper = b.max if b is not None else None
    if inst.locations is not None:
        dl = inst.deadline
        counting = [loc for loc in inst.locations if loc.municipality == m and g in loc.groups
                    and (loc.available_from is None or dl is None or loc.available_from <= dl)
                    and (loc.available_until is None or dl is None or loc.available_until >= dl)
                    and loc.capacity >= inst.counting.min_places
                    and (loc.status != "candidate" or inst.counting.count_candidates)]
        lower = max(lower, sum(loc.capacity for loc in counting
                               if loc.status == "existing" and loc.groups == (g,)))
        capacity = sum(loc.capacity for loc in counting)
        upper = capacity if upper is None else min(upper, capacity)
    else:
        fair = sum(grp.weight * inst.target(m, grp.id) for grp in inst.groups)
        if fair == 0 and (upper is None or upper > lower):
            upper = lower
    return lower, upper


def _rate(inst: Instance, g: str, h: str) -> tuple[Fraction, bool]:
    """(rate, allowed): a listed exchange, or weight[g] / weight[h] for one that is not."""
    for ex in inst.exchanges:
        if (ex.source, ex.target) == (g, h):
            return ex.rate, True
    return inst.group(g).weight / inst.group(h).weight, False


def _row(inst: Instance, rule: str) -> tuple[dict[tuple[str, ...], Fraction], str, Fraction]:
    """A rule's row, rebuilt from SPEC §3 and the instance data: (coefficients, sense, rhs)."""
    kind, pool, *key = rule.split(":")
    members = [m.code for m in inst.municipalities if inst.pool_of(m.code) == pool]
    groups = inst.group_ids
    pairs = [(g, h) for g in groups for h in groups if g != h]
    coefs: dict[tuple[str, ...], Fraction] = {}
    if kind == "lower":
        m, g = key
        return {("x", m, g): Fraction(1)}, ">=", Fraction(_bounds(inst, m, g)[0])
    g = key[0]
    target = sum(inst.target(m, g) for m in members)
    if kind == "cover":
        for m in members:
            coefs["x", m, g] = Fraction(1)
        for a, b in pairs:
            if a == g:
                coefs["e", a, b] = coefs.get(("e", a, b), Fraction(0)) - 1
            if b == g:
                coefs["e", a, b] = coefs.get(("e", a, b), Fraction(0)) + _rate(inst, a, b)[0]
        return coefs, ">=", Fraction(target)
    if kind == "import":
        for a, b in pairs:
            if b == g:
                coefs["e", a, b] = _rate(inst, a, b)[0]
        return coefs, "<=", inst.group(g).max_import_share * target
    if kind == "own":
        for a, b in pairs:
            if a == g:
                coefs["e", a, b] = Fraction(1)
        for m in members:
            coefs["x", m, g] = Fraction(-1)
        return coefs, "<=", Fraction(0)
    raise AssertionError(f"no row for {rule}")


def _variable_bound(inst: Instance, var: tuple[str, ...], side: str) -> Fraction | None:
    if var[0] == "x":
        lower, upper = _bounds(inst, var[1], var[2])
        value = lower if side == "lower" else upper
        return None if value is None else Fraction(value)
    if side == "lower":
        return Fraction(0)
    return None if _rate(inst, var[1], var[2])[1] else Fraction(0)  # not allowed: fixed at 0


def readd(inst: Instance, cert: dict, raised: dict[str, Fraction] | None = None) -> None:
    """Add the certificate up again with fractions from the instance data alone."""
    combined: dict[tuple[str, ...], Fraction] = {}
    required = Fraction(0)
    for term in cert["rows"]:
        coefs, sense, rhs = _row(inst, term["rule"])
        rhs = (raised or {}).get(term["rule"], rhs)
        assert (sense, Fraction(term["rhs"])) == (term["sense"], rhs), term
        scale = Fraction(term["scale"])
        coefs = {v: c * scale for v, c in coefs.items()}
        rhs *= scale
        if term["rounded_rhs"] is not None:  # rounding is allowed: whole variables and
            assert all(c.denominator == 1 for c in coefs.values())  # whole coefficients
            rhs = Fraction(math.floor(rhs) if sense == "<=" else math.ceil(rhs))
            assert rhs == Fraction(term["rounded_rhs"])
        if sense == "<=":
            coefs, rhs = {v: -c for v, c in coefs.items()}, -rhs
        y = Fraction(term["multiplier"])
        assert y >= 0
        required += y * rhs
        for v, c in coefs.items():
            combined[v] = combined.get(v, Fraction(0)) + y * c
    possible = Fraction(0)
    for v, c in combined.items():
        if c == 0:
            continue
        bound = _variable_bound(inst, v, "upper" if c > 0 else "lower")
        assert bound is not None, f"{v} has no bound on the side the certificate needs"
        possible += c * bound
    assert (required, possible) == (Fraction(cert["required"]), Fraction(cert["possible"]))
    assert required > possible
    listed = {tuple(b["variable"]): Fraction(b["coefficient"]) for b in cert["bounds"]}
    assert listed == {v: c for v, c in combined.items() if c != 0}


CERTIFIED = [(SMALL / name, None) for name in INFEASIBLE] + [(LIMBURG, ZUID_SHORT)]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("path", "scenario"), CERTIFIED,
                         ids=[p.name if s is None else s.stem for p, s in CERTIFIED])
def test_certificates_add_up_without_the_solver(path, scenario, solver, tmp_path, run_cli,
                                                request):
    if path == LIMBURG and solver != "highs" and not request.config.getoption("--slow"):
        pytest.skip("heavy variant: run with --slow")
    args = ["diagnose", path, "--out", tmp_path, "--solver", solver, "--repairs", "0"]
    result = run_cli(*args, *(["--scenario", scenario] if scenario else []))
    assert result.exit_code == 1, result.output
    data = json.loads((tmp_path / "diagnosis.json").read_text())
    inst = lirt_opt.load_instance(path, scenario)
    assert data["bottlenecks"]
    for b in data["bottlenecks"]:
        readd(inst, b["certificate"])


def test_sufficiency_certificates_add_up():
    inst = lirt_opt.load_instance(SMALL / "tight")
    data = lirt_opt.diagnose(inst).as_dict()
    for tight in data["sufficiency"]["tightest"]:
        cover = f"cover:{tight['pool']}:{tight['group']}"
        raised = {cover: Fraction(tight["reach"]) + 1}  # one place more than reachable
        readd(inst, tight["certificate"], raised)


# ---------------------------------------------------------------------------- repairs
@pytest.mark.parametrize(("path", "scenario"), CERTIFIED,
                         ids=[p.name if s is None else s.stem for p, s in CERTIFIED])
def test_each_repair_applied_as_a_scenario_closes_and_check_passes(path, scenario, tmp_path,
                                                                    run_cli):
    out = tmp_path / "diag"
    extra = ["--scenario", scenario] if scenario else []
    assert run_cli("diagnose", path, "--out", out, "--repairs", "3", *extra).exit_code == 1
    data = json.loads((out / "diagnosis.json").read_text())
    files = sorted((out / "repairs").glob("*.toml"))
    assert [f"repairs/{f.name}" for f in files] == sorted(r["scenario"] for r in
                                                          data["repairs"]["found"])
    assert files
    for n, f in enumerate(files):
        proposal = tmp_path / f"p{n}"
        result = run_cli("solve", path, "--scenario", f, "--out", proposal)
        assert result.exit_code == 0, result.output
        assert run_cli("check", path, proposal).exit_code == 0
        if scenario is not None:  # the repair keeps the scenario it repairs
            base = tomllib.loads(Path(scenario).read_text())
            repaired = tomllib.loads(f.read_text())
            assert repaired["groups"] == base["groups"]
            assert len(repaired["bounds"]) == len(base["bounds"])


def test_repair_penalties_come_from_instance_toml(tmp_path):
    """A cap costs 3 per place: 15 places in one cap (45) now cost more than 15 places spread
    over the pool (1.5 x 15 = 22.5), so the pool repair ranks first."""
    inst_dir = copy_instance(SMALL / "zuid-caps", tmp_path)
    with (inst_dir / "instance.toml").open("a") as f:
        f.write("\n[repairs]\ncap = 3\n")
    data = lirt_opt.diagnose(inst_dir, repairs=2).as_dict()
    assert data["repairs"]["penalties"]["cap"] == 3.0
    first, second = data["repairs"]["found"]
    assert (first["penalty"], repair_text(first["changes"][0])) == \
        ("45/2", "pool Zuid/asylum ZB 20->26, ZV 15->20, ZW 10->14")
    assert (second["penalty"], repair_text(second["changes"][0])) == ("45", "cap ZB/asylum 20->35")


@pytest.mark.parametrize(("body", "message"), [
    ("cap = -1", "repairs.cap: penalty -1 must be a number >= 0"),
    ('pool = "x"', "repairs.pool: penalty 'x' must be a number >= 0"),
    ("repairs = 3", None),
])
def test_bad_repairs_section_exits_2_with_file_line_column(body, message, tmp_path, run_cli):
    inst_dir = copy_instance(SMALL / "zuid-caps", tmp_path)
    text = (inst_dir / "instance.toml").read_text()
    if message is None:  # [repairs] that is not a table
        (inst_dir / "instance.toml").write_text(body + "\n" + text)
        message, line = "repairs: must be a table ([repairs])", 1
    else:
        (inst_dir / "instance.toml").write_text(text + "\n[repairs]\n" + body + "\n")
        line = len(text.splitlines()) + 3
    result = run_cli("diagnose", inst_dir, "--out", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2
    assert f"{inst_dir / 'instance.toml'}:{line}: {message}" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------- command line
def test_solve_prints_the_same_words_as_diagnose(tmp_path, run_cli):
    for lang in ("nl", "en"):
        diag = run_cli("diagnose", SMALL / "two-regions", "--out", tmp_path / "d", "--lang", lang)
        solve = run_cli("solve", SMALL / "two-regions", "--out", tmp_path / "s", "--lang", lang)
        assert diag.exit_code == solve.exit_code == 1
        words = [line for line in diag.output.splitlines() if not line.startswith("written:")]
        assert "\n".join(words) in solve.output
        assert (tmp_path / "d" / "diagnosis.json").read_text() == \
            (tmp_path / "s" / "diagnosis.json").read_text()
    assert "Knelpunt 2 (pool Zuid)" in run_cli("diagnose", SMALL / "two-regions", "--out",
                                               tmp_path / "d").output


def test_words_use_the_numbers_people_read(tmp_path, run_cli):
    args = ["diagnose", LIMBURG, "--scenario", ZUID_SHORT, "--out", tmp_path, "--repairs", "1"]
    nl = run_cli(*args).output
    en = run_cli(*args, "--lang", "en").output
    assert "2.608 > 2.191: tekort 417." in nl and "5 %" in nl and "137,25" in nl
    assert "2,608 > 2,191: short by 417." in en and "5%" in en and "137.25" in en
    assert "verhoog het plafond van Maastricht voor Asielzoekers (regulier) van 458 naar 875" in nl
    assert "raise Maastricht's Asielzoekers (regulier) cap from 458 to 875" in en


def test_closing_instance_exits_0_with_the_proof(tmp_path, run_cli):
    result = run_cli("diagnose", SMALL / "tight", "--out", tmp_path, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert ("Proof: the balanced proposal is closing and was checked with plain arithmetic "
            "(every rule holds); heaviest load 1.000.") in result.output
    assert "1. pool T, asylum: task 8, at most 9 reachable, margin 1" in result.output
    data = json.loads((tmp_path / "diagnosis.json").read_text())
    assert data["closing"] and data["bottlenecks"] == [] and data["repairs"] is None


def test_diagnosis_is_the_same_for_both_solvers_and_every_run(tmp_path, run_cli):
    outs = {}
    for n, solver in enumerate(["highs", "highs", "cbc"]):
        out = tmp_path / str(n)
        run_cli("diagnose", SMALL / "two-regions", "--out", out, "--solver", solver)
        data = json.loads((out / "diagnosis.json").read_text())
        for key in ("solver", "solver_runs"):
            data.pop(key)
        for b in data["bottlenecks"]:
            b.pop("method")
            b.pop("tested")
        outs[n] = (data, sorted((p.name, p.read_text()) for p in (out / "repairs").iterdir()))
    assert outs[0] == outs[1] == outs[2]


def test_stale_repairs_are_removed(tmp_path, run_cli):
    assert run_cli("diagnose", SMALL / "zuid-caps", "--out", tmp_path).exit_code == 1
    assert len(list((tmp_path / "repairs").iterdir())) == 3
    assert run_cli("diagnose", SMALL / "zuid-caps", "--out", tmp_path, "--repairs", "1"
                   ).exit_code == 1
    assert [p.name for p in (tmp_path / "repairs").iterdir()] == ["repair-1.toml"]
    assert run_cli("diagnose", SMALL / "zuid-caps", "--out", tmp_path, "--repairs", "0"
                   ).exit_code == 1
    assert not (tmp_path / "repairs").exists()


# ---------------------------------------------------------------------------- building blocks
def test_rows_are_rounded_as_whole_numbers_allow():
    from lirt_opt.model.rules import GE, LE, Column, Row, Rule, tightened

    whole = [Column(("x",), True), Column(("e",), True)]
    rule = Rule("import", "P", ("g",))
    assert tightened(Row(rule, {1: Fraction(2)}, LE, Fraction(3, 2)), whole).coefs == {1: 1}
    assert tightened(Row(rule, {1: Fraction(2)}, LE, Fraction(3, 2)), whole).rhs == 0
    assert tightened(Row(rule, {1: Fraction(1)}, LE, Fraction(548, 5)), whole).rhs == 109
    assert tightened(Row(rule, {0: Fraction(1), 1: Fraction(1, 2)}, GE, Fraction(41, 4)),
                     whole).rhs == 21  # 2x + e >= 20.5, so >= 21
    assert tightened(Row(rule, {0: Fraction(1), 1: Fraction(1, 2)}, GE, Fraction(10)),
                     whole) is None  # nothing to round
    mixed = [Column(("x",), True), Column(("s",), False)]
    assert tightened(Row(rule, {0: Fraction(1), 1: Fraction(1)}, GE, Fraction(1, 2)),
                     mixed) is None  # a continuous variable: no rounding


def test_a_row_family_the_table_does_not_know_is_still_a_rule():
    """Later models add row families (sites): they take part in bottlenecks and certificates
    with generic words until their words are added."""
    import pulp

    from lirt_opt.diagnosis.conflicts import Oracle, pool_bottlenecks
    from lirt_opt.diagnosis.words import rule_words
    from lirt_opt.model.pool import build_pool_model
    from lirt_opt.model.rules import analysis_instance, describe_rule, rule_system
    from lirt_opt.solver.runner import Clock, SolverOptions

    inst = lirt_opt.load_instance(SMALL / "worked-example")  # closing as it is
    analysis, not_allowed = analysis_instance(inst)
    [pool] = inst.pools()
    pm = build_pool_model(analysis, pool, relax_conflicts=True)
    shared = pulp.lpSum(pm.x[m, "asylum"] for m in ("P1", "P2", "P3"))
    pm.add_row("shared site", ("S1",), shared <= 45)  # all share one site of 45 places
    system = rule_system(analysis, not_allowed, pool, pm)
    for solver in SOLVERS:
        [b] = pool_bottlenecks(system, Oracle(SolverOptions(name=solver), Clock(None)))
        assert {r.id for r in b.rules} == {"cover:R:asylum", "shared site:R:S1"}
        assert b.certificate is not None and b.certificate.gap == 5  # 50 > 45
        rule = next(r for r in b.rules if r.kind == "shared site")
        assert rule_words(describe_rule(inst, rule, system), "en") == \
            "rule shared site S1 of pool R"


def test_repair_scenarios_are_written_as_valid_toml():
    from datetime import date

    from lirt_opt.diagnosis.repairs import toml_text

    data = {"name": 'a "b"', "pool": "region", "deadline": date(2025, 7, 1),
            "groups": {"asylum": {"max_import_share": Fraction(6, 25)}},
            "exchange": [{"from": "amv", "to": "asylum", "rate": Fraction(1)}],
            "bounds": [{"municipality": "A", "group": "asylum", "min": None, "max": 12}],
            "exclude_locations": ["L1", "L2"]}
    back = tomllib.loads(toml_text(data, ["header"]))
    assert back == {"name": 'a "b"', "pool": "region", "deadline": date(2025, 7, 1),
                    "groups": {"asylum": {"max_import_share": 0.24}},
                    "exchange": [{"from": "amv", "to": "asylum", "rate": 1}],
                    "bounds": [{"municipality": "A", "group": "asylum", "max": 12}],
                    "exclude_locations": ["L1", "L2"]}


# ---------------------------------------------------------------------------- a max-flow oracle
def _max_flow_shortfall(inst: Instance, pool: str) -> int:
    """Where every weight and rate is 1 the pool is a flow network: places flow from the
    municipalities (at most their upper bounds) to their group, on to the group's task or,
    through an allowed exchange and its import limit (whole places: floor(share x task)),
    to another group's task. The shortfall is the total task minus the max flow (networkx)."""
    import networkx as nx

    members = [m.code for m in inst.municipalities if inst.pool_of(m.code) == pool]
    graph = nx.DiGraph()
    for m in members:
        for g in inst.group_ids:
            upper = _bounds(inst, m, g)[1]
            graph.add_edge("source", ("x", m, g), **({} if upper is None else {"capacity": upper}))
            graph.add_edge(("x", m, g), ("supply", g))
    total = 0
    for g in inst.group_ids:
        task = sum(inst.target(m, g) for m in members)
        total += task
        graph.add_edge(("supply", g), ("task", g))
        graph.add_edge(("task", g), "sink", capacity=task)
        limit = math.floor(inst.group(g).max_import_share * task)
        graph.add_edge(("import", g), ("task", g), capacity=limit)
    for ex in inst.exchanges:
        graph.add_edge(("supply", ex.source), ("import", ex.target))
    return total - int(nx.maximum_flow_value(graph, "source", "sink"))


PLAIN_FLOWS = [(SMALL / n, None) for n in ("short", "zuid-caps", "two-regions", "late-site")] + \
    [(LIMBURG, ZUID_SHORT)]


@pytest.mark.parametrize(("path", "scenario"), PLAIN_FLOWS,
                         ids=[p.name if s is None else s.stem for p, s in PLAIN_FLOWS])
def test_shortfall_and_certificate_gaps_match_a_max_flow(path, scenario):
    inst = lirt_opt.load_instance(path, scenario)
    assert all(g.weight == 1 for g in inst.groups) and all(ex.rate == 1 for ex in inst.exchanges)
    data = lirt_opt.diagnose(inst, repairs=0).as_dict()
    for pool in inst.pools():
        flow = _max_flow_shortfall(inst, pool.id)
        short = sum(Fraction(str(p["task_units"])) for p in data["shortfall"]["by_pool"]
                    if p["pool"] == pool.id)
        gaps = sum(Fraction(b["certificate"]["gap"]) for b in data["bottlenecks"]
                   if b["pool"] == pool.id)
        assert flow == short == gaps, pool.id
